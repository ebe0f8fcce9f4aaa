"""The posts and pages of the archive, and when their threads are open.

``read_threads`` reads what the moderation commands and the intake need of each
post and page (slug, title, open or closed, draft, date) from the header of its
file, without Pelican. The policy is the same in the build: a post's comments
are open unless it says ``Comments: closed``; a page's are closed unless it says
``Comments: open`` (an about page wants no thread); and with
COMMENTS_CLOSE_AFTER_DAYS a thread closes that many days after its post's date.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import sys
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo

from ..problems import Problem
from . import header, values
from .moves import write_atomically
from .parsecache import load_versioned, sources_digest, stamp_of
from .values import parse_date


@dataclass(frozen=True)
class PostInfo:
    slug: str
    title: str
    closed: bool
    draft: bool
    path: str
    date: datetime | None = None  # from Date:, for COMMENTS_CLOSE_AFTER_DAYS (None: not understood)
    page: bool = False  # a page (PAGE_PATHS), not a post
    hidden: bool = False  # Status: hidden


def read_threads(
    post_folders: Iterable[str],
    page_folders: Iterable[str],
    slugify: Callable[[str], str],
    tz: tzinfo = UTC,
    cache: str | None = None,
) -> dict[str, PostInfo]:
    """Everything a comments folder may name: posts, then pages (a post wins a slug both use).
    A Date without a zone is in ``tz``, the site's TIMEZONE, as Pelican reads it. ``cache``: a
    file keeping each file's header as read (``Headers``), for the commands."""
    headers = Headers(cache, tz)
    pages = read_posts(page_folders, slugify, page=True, tz=tz, headers=headers)
    in_pages = {info.path for info in pages.values()}  # Pelican's default ARTICLE_PATHS [""] holds pages/
    posts = read_posts(post_folders, slugify, tz=tz, headers=headers)
    found = {slug: info for slug, info in posts.items() if info.path not in in_pages}
    for slug, info in pages.items():
        found.setdefault(slug, info)
    headers.save()
    return found


def read_posts(
    folders: Iterable[str],
    slugify: Callable[[str], str],
    page: bool = False,
    tz: tzinfo = UTC,
    headers: Headers | None = None,
) -> dict[str, PostInfo]:
    """Every ``.md`` post (or ``page``) below ``folders``, by slug (``Slug:``, else the slugified title)."""
    headers = headers or Headers(None, tz)
    posts: dict[str, PostInfo] = {}
    for folder in folders:
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                if name.endswith(".md") and not name.startswith("."):
                    path = os.path.join(dirpath, name)
                    head = headers.read(path, page)
                    if head is not None:
                        info = _info(path, head, slugify, page)
                        posts.setdefault(info.slug, info)
    return posts


POSTS_FILE = "posts.pickle"  # in the cache folder
# What a post's header says, before a slug is made of its title: title, Slug:, closed,
# draft, hidden, date.
Head = tuple[str, str, bool, bool, bool, datetime | None]


def _read_header(path: str, page: bool, tz: tzinfo = UTC) -> Head | None:
    try:
        with open(path, "rb") as f:
            lines = header.head(f.read().decode("utf-8-sig"))
    except (OSError, UnicodeDecodeError):
        return None
    meta: dict[str, str] = {}
    for _, line in lines:
        key, sep, value = line.partition(":")
        if sep:
            meta.setdefault(key.strip().lower(), value.strip())
    status = meta.get("status", "published").lower()
    return (
        meta.get("title", os.path.splitext(os.path.basename(path))[0]),
        meta.get("slug", ""),
        meta.get("comments", default_comments(page)).lower() != "open",
        status == "draft",
        status == "hidden",
        _date(meta.get("date", ""), tz),
    )


def _info(path: str, head: Head, slugify: Callable[[str], str], page: bool) -> PostInfo:
    title, slug, closed, draft, hidden, date = head
    return PostInfo(slug or slugify(title), title, closed, draft, path, date, page, hidden)


class Headers:
    """The posts' headers as read before, kept in the cache folder (``path``) while the file's
    size, times and inode are the ones recorded: a command reads 1,000 headers in about 45 ms,
    and stats them in a few. The reading code and ``tz`` are its version; a damaged or foreign
    file is ignored, one that cannot be written is read in full next time. No address is in it."""

    def __init__(self, path: str | None, tz: tzinfo) -> None:
        self.path, self.tz = path, tz
        self.version = _version(tz) if path else ""
        # (file, read as a page) -> (its size, times and inode, its header): Pelican's default
        # ARTICLE_PATHS reads pages/ as posts too
        self.old: dict[tuple[str, bool], tuple[tuple[int, ...], Head | None]] = {}
        self.new: dict[tuple[str, bool], tuple[tuple[int, ...], Head | None]] = {}
        self.misses = 0
        data = load_versioned(path, self.version) if path else None
        if data is not None:
            self.old = data.get("heads") or {}

    def read(self, path: str, page: bool) -> Head | None:
        try:
            stamp = stamp_of(os.stat(path))
        except OSError:
            return None
        entry = self.old.get((path, page))
        if entry is not None and entry[0] == stamp:
            head = entry[1]
        else:
            self.misses += 1
            head = _read_header(path, page, self.tz)
        self.new[(path, page)] = (stamp, head)
        return head

    def save(self) -> None:
        if self.path is None or (not self.misses and self.new.keys() == self.old.keys()):
            return
        data = {"version": self.version, "heads": self.new}
        with contextlib.suppress(OSError):
            write_atomically(self.path, lambda f: pickle.dump(data, f, pickle.HIGHEST_PROTOCOL), binary=True)


def _version(tz: tzinfo) -> str:
    return sources_digest((header, values, sys.modules[__name__]), str(tz))


def _date(text: str, tz: tzinfo = UTC) -> datetime | None:
    """A post's Date: as the comment format reads dates (in ``tz`` when it names no zone); a date alone is midnight."""
    return parse_date(text, tz) or parse_date(f"{text.strip()} 00:00", tz)


def default_comments(page: bool) -> str:
    """``Comments:`` when a file says nothing: a post is open; a page is closed (an about
    page wants no thread) unless it says ``Comments: open``."""
    return "closed" if page else "open"


def comments_state(value: object, path: str, line: int) -> tuple[bool, Problem | None]:
    """(closed?, problem) for a post's ``Comments:`` metadata; anything but open or closed closes."""
    state = str(value).strip().lower()
    if state in ("open", "closed"):
        return state == "closed", None
    return True, Problem(
        path,
        line,
        f"Comments: {state!r} is neither open nor closed (treated as closed)",
        "write 'Comments: open' or 'Comments: closed'",
    )


def closed_by_age(post_date: datetime | None, days: int | None, now: datetime) -> bool:
    """COMMENTS_CLOSE_AFTER_DAYS: is a post dated ``post_date`` closed by its age at ``now``?
    A date without a time zone is taken as UTC."""
    if days is None or post_date is None:
        return False
    if post_date.tzinfo is None:
        post_date = post_date.replace(tzinfo=UTC)
    return now - post_date > timedelta(days=days)


class PostsCache:
    """The posts and pages, read again only when a file of theirs changed (a stat per file,
    not a read: 1,000 posts cost 89 ms to read and a few to stat)."""

    def __init__(self, folders: Sequence[str], read: Callable[[], dict[str, PostInfo]], skip: str = "") -> None:
        self.folders, self.read, self.skip = folders, read, skip  # skip: the comments, below PATH
        self.key: tuple | None = None
        self.value: dict[str, PostInfo] = {}
        self.lock = threading.Lock()

    def __call__(self) -> dict[str, PostInfo]:
        key = tuple(sorted(_stats(self.folders, self.skip)))
        with self.lock:
            if key != self.key:
                self.value, self.key = self.read(), key
            return self.value


def _stats(folders: Sequence[str], skip: str) -> list[tuple[str, int, int]]:
    found = []
    for folder in folders:
        for path, dirs, files in os.walk(folder):
            dirs[:] = [d for d in dirs if not d.startswith(".") and os.path.join(path, d) != skip]
            found.append((path, os.stat(path).st_mtime_ns, 0))
            for name in files:
                with contextlib.suppress(OSError):
                    st = os.stat(os.path.join(path, name))
                    found.append((os.path.join(path, name), st.st_mtime_ns, st.st_size))
    return found
