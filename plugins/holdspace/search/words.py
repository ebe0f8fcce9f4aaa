"""The words of a text counted as Whoosh counts them when it indexes, without a Token
object per word, and the words an analyzer leaves out. Pure: Whoosh's analyzer is read by
its items' attributes, not imported."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any


def counter(analyzer: Callable[..., Any]) -> Callable[[str], dict[str, int]]:
    """Each word of a text counted as Whoosh counts them when it indexes: the analyzer in its
    index mode, the tokens it marks stopped left out (Whoosh's ``formats.tokens``). For the
    chain Whoosh's StemmingAnalyzer makes, the same steps without a Token object per word
    (twice as fast; a test compares the two), and with Whoosh's own word pattern, read piece
    by piece between white space (``_pieces_counted``)."""
    items = getattr(analyzer, "items", [])
    if [type(item).__name__ for item in items] != ["RegexTokenizer", "LowercaseFilter", "StopFilter", "StemFilter"]:
        return partial(_tokens_counted, analyzer)
    tokens, _, stop, stem = items
    if tokens.gaps:
        return partial(_tokens_counted, analyzer)
    find, stops, low, high, stemmed, ignore = (
        _words(tokens.expression),
        stop.stops,
        stop.min,
        stop.max,
        stem._stem,
        stem.ignore,
    )

    def term_of(word: str) -> str:
        word = word.lower()
        if len(word) < low or (high is not None and len(word) > high) or word in stops:
            return ""
        return word if word in ignore else stemmed(word)

    if tokens.expression.pattern in _WITHOUT_GROUPS:
        return partial(_pieces_counted, {}, find, term_of)
    terms: dict[str, str] = {}  # each word as written -> its term, "" when stopped

    def count(text: str) -> dict[str, int]:
        freqs: dict[str, int] = {}
        for word in find(text):
            term = terms.get(word)
            if term is None:
                term = terms[word] = term_of(word)
            if term:
                freqs[term] = freqs.get(term, 0) + 1
        return freqs

    return count


# Whoosh's word pattern, and the same without its group: ``findall`` then gives the words
# themselves, without a Match object each. Its words never hold white space, and a piece of
# text all letters and digits (``str.isalnum``: what ``\w`` matches, but "_") is one word.
_WITHOUT_GROUPS = {r"[\w\*]+(\.?[\w\*]+)*": r"[\w\*]+(?:\.[\w\*]+)*"}


def _pieces_counted(
    known: dict[str, Any], find: Callable[[str], Iterable[str]], term_of: Callable[[str], str], text: str
) -> dict[str, int]:
    """The terms of ``text`` counted piece by piece, the pieces between white space
    (``str.split``, in C) looked up in ``known``: each piece's term ("" when stopped), or
    the terms of its words when it has none or several ("don't", "e.g.,"). Whoosh's regular
    expression runs only on a piece not seen before: it was two thirds of the counting."""
    freqs: dict[str, int] = {}
    for piece in text.split():
        term = known.get(piece)
        if term is None:
            if piece.isalnum():
                term = term_of(piece)
            else:
                found = tuple(t for t in map(term_of, find(piece)) if t)
                term = found[0] if len(found) == 1 else found
            known[piece] = term
        if term.__class__ is str:
            if term:
                freqs[term] = freqs.get(term, 0) + 1
        else:
            for one in term:
                freqs[one] = freqs.get(one, 0) + 1
    return freqs


def _words(expression: re.Pattern[str]) -> Callable[[str], Iterable[str]]:
    """The words of a text, as the tokenizer's ``expression`` finds them."""
    if expression.groups == 0:
        return expression.findall
    if expression.pattern in _WITHOUT_GROUPS:
        return re.compile(_WITHOUT_GROUPS[expression.pattern], expression.flags).findall
    return lambda text: [match.group(0) for match in expression.finditer(text)]


def _tokens_counted(analyzer: Callable[..., Any], text: str) -> dict[str, int]:
    freqs: dict[str, int] = {}
    for token in analyzer(text, mode="index", boosts=True):
        if not token.stopped:
            freqs[token.text] = freqs.get(token.text, 0) + 1
    return freqs


def stop_words(analyzer: Any) -> Iterable[str]:
    """The words an analyzer leaves out (its stop filter's)."""
    for item in getattr(analyzer, "items", []):
        if hasattr(item, "stops"):
            return item.stops
    return ()
