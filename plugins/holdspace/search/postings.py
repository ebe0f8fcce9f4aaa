"""Each term's postings, gathered while the index is written, and the export made from
them: no reading the index back.

The export numbers the documents in one order, whatever the history of the index: by
date, then id (``documents.in_order``), so a build that updates the export after a change
writes the same files as a cold build of the same archive. ``Gathered.add`` is called with
each document written, numbered as the export numbers it, and its words counted once (the
counts Whoosh indexes); ``updated_entries`` makes each term's entry from the previous
export's and those counts: document frequencies, counts and lengths are of the documents
published now, as a new index's are (Whoosh's own count deleted documents until segments
are merged). Pure: no Whoosh here.
"""

from __future__ import annotations

import hashlib
import json
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable
from itertools import accumulate, pairwise
from json.encoder import encode_basestring
from operator import sub

from .documents import Doc, UpdateStats, content_of, in_order
from .export import entry_of, num
from .query import Hit


class Counted(str):
    """A document's content with its words counted (``freqs``), so Whoosh indexes the
    counts (``segments.CountedFrequency``) instead of analysing the text again."""

    freqs: dict[str, int]


def counted(text: str, count: Callable[[str], dict[str, int]]) -> Counted:
    """``text`` with its words counted by ``count`` (``counter``)."""
    value = Counted(text)
    value.freqs = count(text)
    return value


def begin(docs: Iterable[Doc]) -> tuple[dict[str, Doc], dict[str, str], UpdateStats]:
    """The documents by id in the export's order, their digests, and the stats of an update
    of them: their fingerprint, each one's number in the export, nothing gathered yet."""
    wanted = {doc.id: doc for doc in in_order(docs)}
    digests = {doc_id: doc.digest() for doc_id, doc in wanted.items()}
    fingerprint = hashlib.sha256("\n".join(f"{k} {v}" for k, v in sorted(digests.items())).encode()).hexdigest()
    numbers = {doc_id: number for number, doc_id in enumerate(wanted)}
    return wanted, digests, UpdateStats(fingerprint=fingerprint, gathered=Gathered(), numbers=numbers)


def gather(doc: Doc, count: Callable[[str], dict[str, int]], stats: UpdateStats) -> tuple[Counted, str]:
    """``doc``'s words counted, and gathered for the export under its number there."""
    text = doc.text
    content = counted(content_of(doc.kind, doc.title, text), count)
    stats.gathered.add(Hit(stats.numbers[doc.id], 0.0, doc.id, doc.kind, doc.title, doc.author, doc.date, doc.url,
                           text, doc.warning, doc.shown_date), content.freqs)  # fmt: skip
    stats.touched_terms.update(content.freqs)
    return content, text


def count_all(docs: Iterable[Doc], count: Callable[[str], dict[str, int]]) -> UpdateStats:
    """Every document counted and gathered (``index.count_all``)."""
    wanted, _, stats = begin(docs)
    for doc in wanted.values():
        gather(doc, count, stats)
    return stats


class Gathered:
    """The documents an update writes, in the export's order, each numbered as the export
    numbers it (``Hit.docnum``), with its words counted."""

    def __init__(self) -> None:
        self.terms: dict[str, tuple[array, array]] = {}  # term -> (docnums, frequencies)
        self.lengths: dict[str, int] = {}  # id -> length: its words counted, stop words left out
        self.hits: list[Hit] = []

    def add(self, hit: Hit, freqs: dict[str, int]) -> None:
        self.hits.append(hit)
        self.lengths[hit.id] = sum(freqs.values())
        terms, docnum = self.terms, hit.docnum  # (looked up once: 741,000 postings at 20,000 comments)
        for term, count in freqs.items():
            postings = terms.get(term)
            if postings is None:
                postings = terms[term] = (array("I"), array("I"))
            postings[0].append(docnum)
            postings[1].append(count)


FEW_ADDED = 16  # postings put in their places in an entry's text, not decoded and sorted with the others


def updated_entries(
    entries: dict[str, str],
    terms: Iterable[str],
    renumber: list[int],
    gathered: Gathered,
    rounded: Callable[[int], float],
    ordered: bool = True,
) -> dict[str, str | None]:
    """The new entry of each of ``terms``: the postings its previous entry (``entries``) has
    of the documents kept, under their new numbers (``renumber[old]``; -1: the document is
    gone), and those of the documents ``gathered``, in the order of their numbers. Its df
    counts them. None: no posting is left."""
    length = {hit.docnum: num(rounded(gathered.lengths[hit.id])) for hit in gathered.hits}
    made: dict[str, str | None] = {}
    for term in terms:
        docnums: list[int] = []
        weights: list[float | int] = []
        lengths: list[float | int] = []
        old = entries.get(term)
        added, freqs = gathered.terms.get(term, ((), ()))
        if old is None and added:  # a new term (every term of a new export): its postings as gathered
            made[term] = entry_of(term, len(added), added, freqs, list(map(length.__getitem__, added)))
            continue
        new = (list(added), list(freqs), list(map(length.__getitem__, added)))  # the postings of the documents written
        if old is not None and ordered and len(added) <= FEW_ADDED:
            moved = _moved(term, old, renumber, new)
            if moved is not None:  # its documents moved, a few added: the others' weights and lengths as written
                made[term] = moved
                continue
        if old is not None:
            [(_, gaps, weights, lengths)] = json.loads("{" + old + "}").values()
            docnums = [renumber[d] for d in accumulate(gaps)]
            if -1 in docnums:  # some are gone
                kept = [i for i, d in enumerate(docnums) if d >= 0]
                docnums = [docnums[i] for i in kept]
                weights, lengths = [weights[i] for i in kept], [lengths[i] for i in kept]
            if not ordered:  # the documents kept are not in their old order (``export_changes``)
                docnums, weights, lengths = _sorted(zip(docnums, weights, lengths, strict=True))
        if added:
            docnums, weights, lengths = _merged((docnums, weights, lengths), new)
        made[term] = entry_of(term, len(docnums), docnums, weights, lengths) if docnums else None
    return made


def _moved(term: str, entry: str, renumber: list[int], added: tuple[list, list, list]) -> str | None:
    """``entry`` (``entry_of``'s text) with its documents renumbered in the same order and the
    postings ``added`` (docnums, weights, lengths: a few) put in their places, the others'
    weights and lengths as they were written (decoding them and writing them again was
    most of a moved export's time); None when one of its documents is gone."""
    head = f"{encode_basestring(term)}:["  # as ``entry_of`` writes the term
    if not entry.startswith(head):
        return None
    df, _, rest = entry[len(head) :].partition(",[")
    gaps, _, rest = rest.partition("]")
    if not gaps:
        return None
    docnums = list(map(renumber.__getitem__, accumulate(map(int, gaps.split(",")))))  # (all in C: 700,000 postings)
    if -1 in docnums:
        return None
    if added[0]:
        if not (rest.startswith(",[") and rest.endswith("]]")):
            return None
        weights, _, lengths = rest[2:-2].partition("],[")
        texts = weights.split(","), lengths.split(",")
        for docnum, weight, length in zip(*added, strict=True):
            at = bisect_left(docnums, docnum)
            docnums.insert(at, docnum)
            texts[0].insert(at, json.dumps(weight))
            texts[1].insert(at, json.dumps(length))
        df, rest = str(len(docnums)), f",[{','.join(texts[0])}],[{','.join(texts[1])}]]"
    moved = map(sub, docnums, [0, *docnums[:-1]])
    return f"{head}{df},[{','.join(map(str, moved))}]{rest}"


def _merged(a: tuple[list, list, list], b: tuple[list, list, list]) -> tuple[list, list, list]:
    """Two sets of postings (docnums, weights, lengths), each in order, as one in order."""
    if not a[0] or a[0][-1] < b[0][0]:
        return a[0] + b[0], a[1] + b[1], a[2] + b[2]
    return _sorted([*zip(*a, strict=True), *zip(*b, strict=True)])


def _sorted(postings: Iterable[tuple]) -> tuple[list, list, list]:
    """Postings (docnum, weight, length) in the order of their numbers, as three lists."""
    ordered = sorted(postings, key=_first)
    return [p[0] for p in ordered], [p[1] for p in ordered], [p[2] for p in ordered]


def _first(posting: tuple) -> int:
    return posting[0]


def export_changes(
    entries: dict[str, str],
    old_numbers: dict[str, int],
    numbers: dict[str, int],
    gathered: Gathered,
    touched: set[str],
    rounded: Callable[[int], float],
) -> dict[str, str | None]:
    """The entries that change when the export of the documents ``old_numbers`` (id ->
    number; their terms' ``entries``) becomes that of ``numbers``, the documents
    ``gathered`` written anew: those of the ``touched`` terms (of the documents written or
    gone) while every document kept keeps its number, and every entry when one does not."""
    written = {hit.id for hit in gathered.hits}
    renumber = [-1] * (max(old_numbers.values(), default=-1) + 1)
    for doc_id, old in old_numbers.items():
        if doc_id in numbers and doc_id not in written:
            renumber[old] = numbers[doc_id]
    kept = [new for new in renumber if new >= 0]
    moved = any(new != old for old, new in enumerate(renumber) if new >= 0)
    ordered = all(a < b for a, b in pairwise(kept))  # else, a date read otherwise
    terms = set(entries) | touched if moved else touched
    return updated_entries(entries, terms, renumber, gathered, rounded, ordered)
