"""Each term's postings, gathered while a new index is written, so that its export needs
no second reading of the index.

A new index numbers its documents in the order they are added; ``Gathered.add`` is called
in that order with each document's words counted once (the counts Whoosh indexes), and
``Gathered.export`` makes the ``Export`` that reading the index back would: the same
numbers, weights, lengths (as the scorer reads them: ``rounded``), document frequencies,
counts and average length. Pure: no Whoosh here.
"""

from __future__ import annotations

import json
from array import array
from collections.abc import Callable, Iterable
from typing import Any

from .export import Export, Posting, entry
from .query import Hit, author_key


class Counted(str):
    """A document's content with its words counted (``freqs``), so Whoosh indexes the
    counts (``index.CountedFrequency``) instead of analysing the text again."""

    freqs: dict[str, int]


def counted(text: str, analyzer: Callable[..., Any]) -> Counted:
    """``text`` with its words counted as Whoosh counts them when it indexes: the analyzer in
    its index mode, the tokens it marks stopped left out (Whoosh's ``formats.tokens``)."""
    freqs: dict[str, int] = {}
    for token in analyzer(text, mode="index", boosts=True):
        if not token.stopped:
            freqs[token.text] = freqs.get(token.text, 0) + 1
    value = Counted(text)
    value.freqs = freqs
    return value


class Gathered:
    def __init__(self) -> None:
        self.terms: dict[str, tuple[array, array]] = {}  # term -> (docnums, frequencies)
        self.lengths = array("I")  # each document's length: its words counted, stop words left out
        self.hits: list[Hit] = []

    def add(self, hit: Hit, freqs: dict[str, int]) -> None:
        docnum = len(self.hits)
        self.hits.append(hit)
        self.lengths.append(sum(freqs.values()))
        for term, count in freqs.items():
            postings = self.terms.get(term)
            if postings is None:
                postings = self.terms[term] = (array("I"), array("I"))
            postings[0].append(docnum)
            postings[1].append(count)

    def changed(
        self,
        terms: Iterable[str],
        offset: int,
        entries: dict[str, str],
        gone: set[int],
        rounded: Callable[[int], float],
    ) -> dict[str, str | None]:
        """The new entry of each of ``terms`` the previous export has (``entries``): its
        postings but those of the documents ``gone``, then those of the documents gathered
        here (numbered from ``offset``, after every other). Its df counts them too, as
        Whoosh's does (it counts deleted documents until segments are merged). None: no
        posting is left."""
        made: dict[str, str | None] = {}
        for term in terms:
            old = entries.get(term)
            if old is None:
                continue  # a term new to the export: read back (deleted documents may count in its df)
            [(df, gaps, weights, lengths)] = json.loads("{" + old + "}").values()
            docnum, kept = 0, []
            for gap, weight, length in zip(gaps, weights, lengths, strict=True):
                docnum += gap
                if docnum not in gone:
                    kept.append(Posting(docnum, weight, length))
            docnums, freqs = self.terms.get(term, ((), ()))
            added = [
                Posting(offset + d, float(f), rounded(self.lengths[d])) for d, f in zip(docnums, freqs, strict=True)
            ]
            made[term] = entry(term, df + len(added), kept + added) if kept or added else None
        return made

    def export(
        self,
        rounded: Callable[[int], float],
        stop_words: frozenset[str],
        encode: Callable[[str, int, list[Posting]], Any] | None = None,
    ) -> Export:
        count = len(self.hits)
        length = [rounded(n) for n in self.lengths]
        terms: dict[str, Any] = {}
        for term in sorted(self.terms):
            docnums, freqs = self.terms[term]
            postings = [Posting(d, float(f), length[d]) for d, f in zip(docnums, freqs, strict=True)]
            terms[term] = (len(postings), postings) if encode is None else encode(term, len(postings), postings)
        authors: dict[str, list[int]] = {}
        for hit in self.hits:
            authors.setdefault(author_key(hit.author), []).append(hit.docnum)
        return Export(
            doc_count=count,
            doc_count_all=count,
            avg_length=(sum(self.lengths) / count if count else 0) or 1,
            terms=terms,
            docs={hit.docnum: hit for hit in self.hits},
            authors=authors,
            stop_words=stop_words,
        )


def stop_words(analyzer: Any) -> Iterable[str]:
    """The words an analyzer leaves out (its stop filter's)."""
    for item in getattr(analyzer, "items", []):
        if hasattr(item, "stops"):
            return item.stops
    return ()


def export_changes(
    stats: Any,
    entries: dict[str, str],
    numbers: dict[str, int],
    read_back: Callable[[set[str], set[str]], Export],
    rounded: Callable[[int], float],
) -> Export:
    """What ``read_back(terms, ids)`` (``index.export`` of those terms and documents) gives after
    an update (``stats``): the entries of the terms the previous export had (``entries``;
    ``numbers``: its documents') are made from those and the counts of the documents just
    written (``Gathered.changed``); only the others are read back."""
    gone = {numbers[doc_id] for doc_id in stats.gone_ids if doc_id in numbers}
    made = stats.gathered.changed(stats.touched_terms, stats.offset, entries, gone, rounded)
    changes = read_back(stats.touched_terms - made.keys(), stats.new_ids)
    changes.terms.update({term: text for term, text in made.items() if text is not None})
    return changes
