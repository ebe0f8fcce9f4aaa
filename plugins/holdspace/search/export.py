"""The search index as static files, so a browser ranks exactly as Whoosh does with a new
index of the same archive.

    search/data/manifest.json     doc counts, average length, BM25F's B and K1, the buckets
                                  ("buckets": each s/ file's prefixes, between spaces: no
                                  term holds white space)
    search/data/s/<n>.json        buckets of terms side by side: term -> [df, docnum gaps, weights, lengths]
    search/data/r/<n>.json        what a result shows, DOCS_PER_FILE documents to a file
                                  (``packs``): title, pseudonym, date (ISO, and as the pages
                                  write it), URL, text, content warning
    search/data/a/<n>.json        pseudonym -> docnums, for author: filters (by a hash of the name)

Terms are bucketed by prefix (a large bucket split further, small ones side by side
in a file: ``buckets``), so a query fetches only the few small files its words need;
search.js analyses it as Whoosh does (its own Porter stemmer, no word list) and
computes the idf as Whoosh does, from the term's document frequency and the document
count: a new comment changes only the files of its own words' buckets.

The documents are numbered by date, then id, and counted as published now
(``postings``): the files of a cold build of the archive, whatever the index's
history. After a build that changed a few documents, ``update_export`` writes only
the files that changed and links the rest from the previous export; it keeps what
it needs for that (each term's entry, each document's number, pseudonym and
length) in a state file in the index's cache folder.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pickle
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from json.encoder import encode_basestring as _quoted  # json.dumps's escaping of a str (ensure_ascii=False)
from operator import sub
from typing import Any

from ..archive.moves import write_atomically, write_text
from .buckets import AUTHOR_FILES, BUCKET_BYTES, FILE_BYTES, FILE_START, MAX_PREFIX, author_bucket, term_files
from .packs import DOCS_PER_FILE, RESULTS, link, pack_count, write_packs
from .query import K1, B, Hit, author_key

# 4: "s", the date as the pages write it; 5: numbered by date then id (and the state's layout); 6: packs;
# 7: buckets side by side in a file ("buckets": each file's prefixes, between spaces)
FORMAT = 7


@dataclass(frozen=True)
class Posting:
    docnum: int
    weight: float
    length: float  # the field length Whoosh scores with (stored as a byte, so rounded)


@dataclass(frozen=True)
class Export:
    """What the browser needs to rank as Whoosh does: BM25F's idf is
    log(doc_count_all / (df + 1)) + 1, computed by search.js from these numbers."""

    doc_count: int  # live documents
    doc_count_all: int  # read back from an index: with the deleted ones not yet merged away, as its idf counts them
    avg_length: float
    terms: dict[str, Any]  # term -> (df as Whoosh counts it, postings of live documents), or as encoded
    docs: dict[int, Hit]
    authors: dict[str, list[int]]  # folded pseudonym -> docnums
    stop_words: frozenset[str]


def fingerprint(index_fingerprint: str) -> str:
    """The export's fingerprint: the index's, and this module's format and settings."""
    settings = (FORMAT, BUCKET_BYTES, MAX_PREFIX, FILE_BYTES, FILE_START, AUTHOR_FILES, DOCS_PER_FILE)
    return "/".join(map(str, (index_fingerprint, *settings)))


def is_current(folder: str, index_fingerprint: str) -> bool:
    """Do the files in ``folder`` hold, whole, the export of this index by this code?"""
    try:
        with open(os.path.join(folder, "manifest.json"), encoding="utf-8") as f:
            manifest = json.load(f)
        return (
            manifest.get("fingerprint") == fingerprint(index_fingerprint)
            and len(os.listdir(os.path.join(folder, "s"))) == len(manifest["buckets"])
            and len(os.listdir(os.path.join(folder, RESULTS))) == pack_count(manifest["n"])
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return False


STATE_FILE = "export-state.pickle"


@dataclass
class ExportState:
    """What an export was made of, to update it with the changes alone."""

    index_fingerprint: str = ""
    entries: dict[str, str] = field(default_factory=dict)  # term -> its JSON text in a bucket
    numbers: dict[str, int] = field(default_factory=dict)  # document id -> docnum
    authors: dict[str, str] = field(default_factory=dict)  # document id -> folded pseudonym
    lengths: dict[str, int] = field(default_factory=dict)  # document id -> its words counted (the average's)
    hashes: dict[str, str] = field(default_factory=dict)  # s/ and a/ files -> SHA-256 of their text
    stop_words: list[str] = field(default_factory=list)


def load_state(folder: str) -> ExportState | None:
    try:
        with open(os.path.join(folder, STATE_FILE), "rb") as f:
            state = pickle.load(f)
        return state if isinstance(state, ExportState) else None
    except Exception:  # none yet, damaged, or from another version: export whole
        return None


def forget_state(folder: str) -> None:
    """Remove the state file: the index is about to change, and until the export of the
    change is written, no export matches it (a build stopped in between counts anew)."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(os.path.join(folder, STATE_FILE))


def save_state(folder: str, state: ExportState) -> None:
    write_atomically(os.path.join(folder, STATE_FILE), partial(pickle.dump, state, protocol=5), binary=True)


def write_export(data: Export, folder: str, index_fingerprint: str = "") -> dict[str, int]:
    """Replace ``folder`` with the files of ``data`` (an index read back whole,
    ``index.export``, its documents numbered 0 to n - 1: a new or merged index); return
    counts and bytes."""
    if sorted(data.docs) != list(range(len(data.docs))):
        raise ValueError("the index has deleted documents not merged away: export it with update_export")
    state = ExportState(index_fingerprint, stop_words=sorted(data.stop_words))
    # A term's entry already encoded (``index.export(..., encode=entry)``) or not.
    state.entries = {term: v if isinstance(v, str) else entry(term, *v) for term, v in data.terms.items()}
    state.numbers = {hit.id: docnum for docnum, hit in data.docs.items()}
    state.authors = {data.docs[docnum].id: folded for folded, docnums in data.authors.items() for docnum in docnums}
    stats = (data.doc_count_all, data.avg_length)
    return _replace(folder, lambda fresh: _write_all(fresh, state, data.docs, ({}, "", 0), {}, stats))


def update_export(
    state: ExportState,
    made: dict[str, str | None],
    hits: list[Hit],
    lengths: dict[str, int],
    numbers: dict[str, int],
    previous: str,
    folder: str,
    index_fingerprint: str,
) -> dict[str, int]:
    """Write ``folder`` as the export of the documents ``numbers`` (id -> docnum), made from
    the export ``previous`` (``state``, updated here) and the changes: the terms' entries
    ``made`` (None: the term is gone), the documents ``hits`` added or changed and their
    ``lengths``. A file of results whose documents all stay, under the same numbers
    (``packs``), and every bucket and author file whose text is unchanged, is a hard link
    to the previous export's, which is never modified. From an empty state and no
    ``previous``, a whole export."""
    old_numbers, old_hashes = state.numbers, dict(state.hashes)
    for term, text in made.items():
        if text is None:
            state.entries.pop(term, None)
        else:
            state.entries[term] = text
    written = {hit.id for hit in hits}
    keep = {numbers[i]: old for i, old in old_numbers.items() if i in numbers and i not in written}
    state.authors = {i: folded for i, folded in state.authors.items() if i in numbers and i not in written}
    state.authors.update((hit.id, author_key(hit.author)) for hit in hits)
    state.lengths = {i: n for i, n in state.lengths.items() if i in numbers}
    state.lengths.update(lengths)
    state.numbers, state.index_fingerprint = numbers, index_fingerprint
    stats = (len(numbers), (sum(state.lengths.values()) / len(numbers) if numbers else 0) or 1)
    docs, was = {hit.docnum: hit for hit in hits}, (keep, previous, len(old_numbers))
    return _replace(folder, lambda fresh: _write_all(fresh, state, docs, was, old_hashes, stats))


def usable(state: ExportState | None, previous: str) -> bool:
    """Is ``previous`` the whole export ``state`` describes?"""
    return state is not None and is_current(previous, state.index_fingerprint)


def _replace(folder: str, write) -> dict[str, int]:
    """Write a new folder beside ``folder`` with ``write(new)``, then put it in its place,
    so no file of an earlier export survives: a comment taken off the site leaves no text."""
    parent = os.path.dirname(os.path.abspath(folder))
    os.makedirs(parent, exist_ok=True)
    fresh = tempfile.mkdtemp(prefix=".search-data-", dir=parent)
    try:
        counts = write(fresh)
        os.chmod(fresh, 0o755)
        old = None
        if os.path.exists(folder):
            old = tempfile.mkdtemp(prefix=".search-old-", dir=parent)
            os.rename(folder, os.path.join(old, "data"))
        os.rename(fresh, folder)
        if old:
            shutil.rmtree(old)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    return counts


def entry(term: str, df: int, postings: list[Posting]) -> str:
    """A term's text in its bucket: "term":[df, docnum gaps, weights, lengths]."""
    weights, lengths = [num(p.weight) for p in postings], [num(p.length) for p in postings]
    return entry_of(term, df, [p.docnum for p in postings], weights, lengths)


def entry_of(
    term: str, df: int, docnums: Sequence[int], weights: Iterable[float | int], lengths: Iterable[float | int]
) -> str:
    """``entry`` of postings given as lists, their weights and lengths as written (``num``): ``_json``
    of [df, gaps, weights, lengths], number by number (json writes numbers as ``repr`` does)."""
    gaps = ",".join(map(str, map(sub, docnums, [0, *docnums[:-1]])))
    return f"{_quoted(term)}:[{df},[{gaps}],[{','.join(map(repr, weights))}],[{','.join(map(repr, lengths))}]]"


def _write_all(
    folder: str,
    state: ExportState,
    docs: dict[int, Hit],
    was: tuple[dict[int, int], str, int],
    old_hashes: dict[str, str],
    stats: tuple[int, float],
) -> dict[str, int]:
    """Write every file of the export described by ``state``: the documents ``docs``, and
    the documents kept from the previous export (``was``: docnum -> its number there, its
    folder and its document count), whose packs are linked where they are the same
    (``packs``), as are the bucket and author files whose text is the one in
    ``old_hashes``. ``stats``: the document count and average length."""
    keep, previous, old_n = was
    n = len(docs) + len(keep)
    counts = {"documents": n, "terms": len(state.entries), "written": 0, "linked": 0, "bytes": 0}
    for part in ("s", RESULTS, "a"):
        os.makedirs(os.path.join(folder, part), exist_ok=True)
    files, bucket_count = term_files(state.entries)
    state.hashes = {}
    was_named = {digest: name for name, digest in old_hashes.items()}  # a file moved (its number) is linked too

    def put(name: str, text: str) -> None:
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        if name != "manifest.json":
            state.hashes[name] = digest
        if previous and digest in was_named and link(previous, folder, was_named[digest], name):
            counts["linked"] += 1
        else:
            counts["bytes"] += write_text(os.path.join(folder, name), text)
            counts["written"] += 1

    for number, (_, text) in enumerate(files):
        put(f"s/{number}.json", text)
    written, linked, size = write_packs(folder, n, docs, keep, previous, old_n)
    counts["written"], counts["linked"], counts["bytes"] = (
        counts["written"] + written, counts["linked"] + linked, counts["bytes"] + size)  # fmt: skip
    authors: dict[int, dict[str, list[int]]] = {}
    by_name: dict[str, list[int]] = {}
    for doc_id, folded in state.authors.items():
        by_name.setdefault(folded, []).append(state.numbers[doc_id])
    for folded, docnums in by_name.items():
        authors.setdefault(author_bucket(folded), {})[folded] = sorted(docnums)
    for number in sorted(authors):
        put(f"a/{number}.json", _json(dict(sorted(authors[number].items()))))
    manifest = {"format": FORMAT, "n": n, "N": stats[0], "avgfl": stats[1], "B": B, "K1": K1,
                "buckets": [prefixes for prefixes, _ in files], "maxPrefix": MAX_PREFIX, "stop": state.stop_words,
                "authorFiles": AUTHOR_FILES, "docsPerFile": DOCS_PER_FILE,
                "fingerprint": fingerprint(state.index_fingerprint)}  # fmt: skip
    put("manifest.json", _json(manifest))
    counts["buckets"], counts["bucket_files"] = bucket_count, len(files)
    return counts


def num(value: float) -> float | int:
    """A weight or length as written: 1 for 1.0."""
    return int(value) if float(value).is_integer() else value


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
