"""The posts of the archive as the moderation commands need them: slug, title,
open or closed. Reads only the header of each post file; no Pelican."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from .commentfile import parse_date


@dataclass(frozen=True)
class PostInfo:
    slug: str
    title: str
    closed: bool
    draft: bool
    path: str
    date: datetime | None = None  # from Date:, for COMMENTS_CLOSE_AFTER_DAYS (None: not understood)


def read_posts(folders: Iterable[str], slugify: Callable[[str], str]) -> dict[str, PostInfo]:
    """Every ``.md`` post below ``folders``, by slug (``Slug:``, else the slugified title)."""
    posts: dict[str, PostInfo] = {}
    for folder in folders:
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                if name.endswith(".md") and not name.startswith("."):
                    info = _read_header(os.path.join(dirpath, name), slugify)
                    if info is not None:
                        posts.setdefault(info.slug, info)
    return posts


def _read_header(path: str, slugify: Callable[[str], str]) -> PostInfo | None:
    meta: dict[str, str] = {}
    try:
        with open(path, encoding="utf-8-sig") as f:
            for line in f:
                if not line.strip():
                    break
                key, sep, value = line.partition(":")
                if sep:
                    meta.setdefault(key.strip().lower(), value.strip())
    except (OSError, UnicodeDecodeError):
        return None
    title = meta.get("title", os.path.splitext(os.path.basename(path))[0])
    slug = meta.get("slug") or slugify(title)
    return PostInfo(
        slug=slug,
        title=title,
        closed=meta.get("comments", "open").lower() != "open",
        draft=meta.get("status", "published").lower() == "draft",
        path=path,
        date=_date(meta.get("date", "")),
    )


def _date(text: str) -> datetime | None:
    """A post's Date: as the comment format reads dates (UTC when it names no zone); a date alone is midnight."""
    return parse_date(text, UTC) or parse_date(f"{text.strip()} 00:00", UTC)
