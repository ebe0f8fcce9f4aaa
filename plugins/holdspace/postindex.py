"""The posts and pages of the archive as the moderation commands need them: slug,
title, open or closed. Reads only the header of each file; no Pelican.

A post's comments are open unless it says ``Comments: closed``; a page's are
closed unless it says ``Comments: open`` (an about page wants no thread)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from .commentfile import parse_date
from .discussions import default_comments


@dataclass(frozen=True)
class PostInfo:
    slug: str
    title: str
    closed: bool
    draft: bool
    path: str
    date: datetime | None = None  # from Date:, for COMMENTS_CLOSE_AFTER_DAYS (None: not understood)
    page: bool = False  # a page (PAGE_PATHS), not a post


def read_threads(
    post_folders: Iterable[str], page_folders: Iterable[str], slugify: Callable[[str], str]
) -> dict[str, PostInfo]:
    """Everything a comments folder may name: posts, then pages (a post wins a slug both use)."""
    pages = read_posts(page_folders, slugify, page=True)
    in_pages = {info.path for info in pages.values()}  # Pelican's default ARTICLE_PATHS [""] holds pages/
    found = {slug: info for slug, info in read_posts(post_folders, slugify).items() if info.path not in in_pages}
    for slug, info in pages.items():
        found.setdefault(slug, info)
    return found


def read_posts(folders: Iterable[str], slugify: Callable[[str], str], page: bool = False) -> dict[str, PostInfo]:
    """Every ``.md`` post (or ``page``) below ``folders``, by slug (``Slug:``, else the slugified title)."""
    posts: dict[str, PostInfo] = {}
    for folder in folders:
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                if name.endswith(".md") and not name.startswith("."):
                    info = _read_header(os.path.join(dirpath, name), slugify, page)
                    if info is not None:
                        posts.setdefault(info.slug, info)
    return posts


def _read_header(path: str, slugify: Callable[[str], str], page: bool) -> PostInfo | None:
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
        closed=meta.get("comments", default_comments(page)).lower() != "open",
        draft=meta.get("status", "published").lower() == "draft",
        path=path,
        date=_date(meta.get("date", "")),
        page=page,
    )


def _date(text: str) -> datetime | None:
    """A post's Date: as the comment format reads dates (UTC when it names no zone); a date alone is midnight."""
    return parse_date(text, UTC) or parse_date(f"{text.strip()} 00:00", UTC)
