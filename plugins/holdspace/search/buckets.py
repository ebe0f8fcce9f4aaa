"""How the exported terms and pseudonyms are cut into small files, the same way here
and in search.js: terms by prefix (a bucket split further while it is large),
pseudonyms by a hash of the folded name."""

from __future__ import annotations

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
