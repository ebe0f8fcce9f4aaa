"""The search index as static files, so a browser can rank exactly as Whoosh does.

    search/data/manifest.json     doc count, average length, BM25F's B and K1, the buckets
    search/data/s/<n>.json        one bucket of terms: term -> [idf, docnum gaps, weights, lengths]
    search/data/d/<docnum>.json   what a result shows: title, pseudonym, date, URL, text
    search/data/a/<n>.json        pseudonym -> docnums, for author: filters (by a hash of the name)

Terms are bucketed by prefix, a bucket split further while it is large, so a
query fetches only the few small files its words need. search.js analyses the
query as Whoosh does (its own copy of Whoosh's Porter stemmer), so no word list
is needed.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from typing import Any

from .searchindex import K1, B, Export

FORMAT = 2
BUCKET_BYTES = 12_000  # split a bucket above this many bytes of JSON
MAX_PREFIX = 6


AUTHOR_FILES = 64


def author_bucket(folded: str) -> int:
    """FNV-1a (32 bits) of the folded pseudonym's UTF-8, modulo AUTHOR_FILES: search.js
    computes the same without needing a secure context for crypto."""
    h = 0x811C9DC5
    for byte in folded.encode("utf-8"):
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return h % AUTHOR_FILES


def bucket_prefixes(sizes: dict[str, int]) -> list[str]:
    """Prefixes such that each key's bucket (its longest listed prefix) stays small."""
    groups: dict[str, list[str]] = {}
    for key in sizes:
        groups.setdefault(key[:2], []).append(key)
    work = list(groups)
    while work:
        prefix = work.pop()
        members = groups[prefix]
        if sum(sizes[k] for k in members) <= BUCKET_BYTES or len(prefix) >= MAX_PREFIX:
            continue
        groups[prefix] = [k for k in members if len(k) <= len(prefix)]
        for key in members:
            if len(key) > len(prefix):
                groups.setdefault(key[: len(prefix) + 1], []).append(key)
        work.extend(k[: len(prefix) + 1] for k in {m[: len(prefix) + 1] for m in members if len(m) > len(prefix)})
    return sorted(groups)


def bucket_of(key: str, prefixes: set[str] | dict[str, int]) -> str:
    """The longest listed prefix of ``key`` (search.js looks it up the same way)."""
    for length in range(min(len(key), MAX_PREFIX), 0, -1):
        if key[:length] in prefixes:
            return key[:length]
    return ""


def fingerprint(index_fingerprint: str) -> str:
    """The export's fingerprint: the index's, and this module's format and settings."""
    return f"{index_fingerprint}/{FORMAT}/{BUCKET_BYTES}/{MAX_PREFIX}/{AUTHOR_FILES}"


def is_current(folder: str, index_fingerprint: str) -> bool:
    """Do the files in ``folder`` hold, whole, the export of this index by this code?"""
    try:
        with open(os.path.join(folder, "manifest.json"), encoding="utf-8") as f:
            manifest = json.load(f)
        return (
            manifest.get("fingerprint") == fingerprint(index_fingerprint)
            and len(os.listdir(os.path.join(folder, "s"))) == len(manifest["buckets"])
            and len(os.listdir(os.path.join(folder, "d"))) == manifest["n"]
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return False


def write_export(data: Export, folder: str, index_fingerprint: str = "") -> dict[str, int]:
    """Replace ``folder`` with the files of ``data``; return counts and bytes, for the build's report.

    The files are written to a new folder beside it that then takes its place, so no
    file of an earlier export survives: a comment taken off the site leaves no text here.
    """
    parent = os.path.dirname(os.path.abspath(folder))
    os.makedirs(parent, exist_ok=True)
    fresh = tempfile.mkdtemp(prefix=".search-data-", dir=parent)
    try:
        counts = _write_all(data, fresh, index_fingerprint)
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


def _write_all(data: Export, folder: str, index_fingerprint: str) -> dict[str, int]:
    terms: dict[str, list[Any]] = {}
    for term, (idf, postings) in data.terms.items():
        gaps, last = [], 0
        for p in postings:
            gaps.append(p.docnum - last)
            last = p.docnum
        terms[term] = [idf, gaps, [_num(p.weight) for p in postings], [_num(p.length) for p in postings]]
    # Each term's entry is serialized once: its length sizes the buckets, its text fills them.
    entries = {term: f"{_json(term)}:{_json(entry)}" for term, entry in terms.items()}
    prefixes = bucket_prefixes({term: len(text) for term, text in entries.items()})
    index = {p: i for i, p in enumerate(prefixes)}
    buckets: list[list[str]] = [[] for _ in prefixes]
    for term, text in entries.items():
        buckets[index[bucket_of(term, index)]].append(text)

    written = 0
    for sub in ("s", "d", "a"):
        os.makedirs(os.path.join(folder, sub), exist_ok=True)
    for i, bucket in enumerate(buckets):
        written += _write_text(os.path.join(folder, "s", f"{i}.json"), '{"t":{' + ",".join(bucket) + "}}")
    for docnum, hit in data.docs.items():
        doc = {"id": hit.id, "k": hit.kind, "t": hit.title, "a": hit.author, "d": hit.date.isoformat(), "u": hit.url,
               "x": hit.text}  # fmt: skip
        written += _write(os.path.join(folder, "d", f"{docnum}.json"), doc)
    authors: dict[int, dict[str, list[int]]] = {}
    for folded, docnums in data.authors.items():
        authors.setdefault(author_bucket(folded), {})[folded] = sorted(docnums)
    for number, names in authors.items():
        written += _write(os.path.join(folder, "a", f"{number}.json"), names)
    manifest = {"format": FORMAT, "n": data.doc_count, "avgfl": data.avg_length, "B": B, "K1": K1,
                "buckets": prefixes, "maxPrefix": MAX_PREFIX, "stop": sorted(data.stop_words),
                "authorFiles": AUTHOR_FILES, "fingerprint": fingerprint(index_fingerprint)}  # fmt: skip
    written += _write(os.path.join(folder, "manifest.json"), manifest)
    return {"documents": len(data.docs), "terms": len(terms), "buckets": len(prefixes), "bytes": written}


def _num(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _write(path: str, data: Any) -> int:
    return _write_text(path, _json(data))


def _write_text(path: str, text: str) -> int:
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return len(text.encode("utf-8"))
