"""A reader's query as Holdspace reads it, here and in search.js: all the words must
appear, and ``author:Name`` (or ``author:"Two words"``) keeps one pseudonym's
writing. Pure: the index (``index``) ranks."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

B, K1 = 0.75, 1.2  # BM25F's parameters, here and in the browser's search.js


@dataclass(frozen=True)
class Hit:
    docnum: int
    score: float
    id: str
    kind: str
    title: str
    author: str
    date: datetime
    url: str
    text: str
    warning: str = ""
    shown_date: str = ""  # the date as the site's pages write it


AUTHOR_RE = re.compile(r'(?:^|\s)author:(?:"([^"]*)"|(\S+))', re.IGNORECASE)


@lru_cache(maxsize=65536)  # twice for every document of a build: its pseudonym's key worked out once
def author_key(name: str) -> str:
    """A pseudonym as author: filters match it: NFKC, lower-cased, spaces collapsed
    (search.js does the same; Python's lower() and JavaScript's toLowerCase() agree)."""
    return " ".join(unicodedata.normalize("NFKC", name).lower().split())


def parse_query(query: str) -> tuple[list[str], str | None]:
    """(words, author) of a reader's query: words mean AND; ``author:Name`` or
    ``author:"Two words"`` filters."""
    author = None
    match = AUTHOR_RE.search(query)
    if match and (match.group(1) or match.group(2)):
        author = (match.group(1) if match.group(1) is not None else match.group(2)).strip() or None
        query = query[: match.start()] + " " + query[match.end() :]
    return query.split(), author
