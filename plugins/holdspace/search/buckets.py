"""How the exported terms and pseudonyms are cut into small files, the same way here
and in search.js: terms by prefix (a bucket split further while it is large), small
buckets side by side in one file (the manifest lists each file's prefixes), pseudonyms
by a hash of the folded name."""

from __future__ import annotations

from zlib import crc32

BUCKET_BYTES = 12_000  # split a bucket above this many bytes of JSON
MAX_PREFIX = 6
# Buckets side by side in a file while together within this many bytes of JSON; a file also
# begins at a prefix whose CRC-32 is a multiple of FILE_START (``bucket_files``).
FILE_BYTES = 8_000
FILE_START = 8


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


def term_files(entries: dict[str, str]) -> tuple[list[tuple[str, str]], int]:
    """The term files of an export whose terms' entries (their JSON text) are ``entries``:
    each one's prefixes between spaces, as the manifest lists them, and its text; and how
    many buckets they hold."""
    prefixes = bucket_prefixes({term: len(text) for term, text in entries.items()})
    if any(" " in prefix for prefix in prefixes):  # (the analyzer's words hold none)
        raise ValueError("a term holds a space: the manifest lists the buckets' prefixes between spaces")
    index = {p: i for i, p in enumerate(prefixes)}
    buckets: list[list[str]] = [[] for _ in prefixes]
    sizes = [0] * len(prefixes)
    for term in sorted(entries):
        i = index[bucket_of(term, index)]
        buckets[i].append(entries[term])
        sizes[i] += len(entries[term]) + 1
    files = [
        (" ".join(prefixes[i] for i in members), '{"t":{' + ",".join(e for i in members for e in buckets[i]) + "}}")
        for members in bucket_files(prefixes, sizes)
    ]
    return files, len(prefixes)


def bucket_files(prefixes: list[str], sizes: list[int]) -> list[list[int]]:
    """The buckets (their places in ``prefixes``, sorted; ``sizes``, their bytes) put into
    files: one after another, while together within FILE_BYTES. Splitting stops a bucket
    at BUCKET_BYTES, not at a few hundred (at 20,000 comments half of the 1,359 buckets
    held under 2 KB: a file each cost more to create than to fetch). A file also begins
    at each prefix whose CRC-32 is a multiple of FILE_START, wherever the sizes are, so a
    bucket that grows or shrinks moves the files' edges only up to the next such prefix:
    an update rewrites the files around its words, not every file after them."""
    files: list[list[int]] = []
    size = 0
    for i, prefix in enumerate(prefixes):
        if not files or size + sizes[i] > FILE_BYTES or crc32(prefix.encode("utf-8")) % FILE_START == 0:
            files.append([])
            size = 0
        files[-1].append(i)
        size += sizes[i]
    return files


def bucket_of(key: str, prefixes: set[str] | dict[str, int]) -> str:
    """The longest listed prefix of ``key`` (search.js looks it up the same way)."""
    for length in range(min(len(key), MAX_PREFIX), 0, -1):
        if key[:length] in prefixes:
            return key[:length]
    return ""
