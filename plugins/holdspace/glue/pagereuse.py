"""Reuse a post's pages from the previous build when nothing they show has changed.

A warm build renders every post page again (Pelican's content cache only skips
reading), and with thousands of comments that is most of the build. Each post
page (and each of its comment pages) gets a key: a hash of everything its
template can read: the whole site context (settings, the list of posts and
pages with their titles, dates, categories and tags, the rules),
every template of the theme, Holdspace's code (every module of every stage),
and the post itself with its thread. When the key and the file of the previous build are the ones recorded,
the file is hard-linked into the new output instead of rendered. Every other page (a list)
is keyed by what its template is given and by what it shows of each post it lists
(``list_key``); a list whose key is unchanged is given the previous build's text.

Pure: no Pelican import. Anything it cannot describe in a stable way (an object
that only has a memory address to show) makes the page be rendered as usual.
The record is a JSON file in the cache folder; a file whose size, time or inode
differ from what was recorded (a build killed before it replaced the output, a
hand edit) is rendered again.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from collections.abc import Iterable
from datetime import date, datetime, tzinfo
from typing import Any

from ..archive.moves import write_atomically
from ..archive.parsecache import collector_paused

RECORD = "pages.json"
# Context keys that change from one build to the next without changing what pages show.
VOLATILE = frozenset({"OUTPUT_PATH", "HOLDSPACE_PREVIOUS_OUTPUT", "localsiteurl", "output_file"})


class Unkeyable(ValueError):
    """A value with no stable description."""


def describe(value: Any, top: bool = True, _listings: dict[int, Any] | None = None) -> Any:
    """A JSON-able description of ``value`` that changes when what a template could show does.

    Posts and pages (anything with ``source_path`` and ``_content``) are described
    whole at the top and by the digest of their listing fields inside other values
    (each once: the site context and the lists name every post several times)."""
    if _listings is None:
        _listings = {}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, tzinfo):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [describe(v, False, _listings) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(json.dumps(describe(v, False, _listings), sort_keys=True) for v in value)
    if isinstance(value, dict):
        return {str(k): describe(v, False, _listings) for k, v in value.items() if str(k) not in VOLATILE}
    signature = getattr(value, "signature", None)
    if callable(signature):
        return [type(value).__name__, signature()]
    if hasattr(value, "source_path") and hasattr(value, "_content"):
        if top:
            return _content(value, _listings)
        if id(value) not in _listings:
            _listings[id(value)] = digest(_listing(value))
        return _listings[id(value)]
    if hasattr(value, "slug") and hasattr(value, "name") and isinstance(getattr(type(value), "url", None), property):
        # A category, tag or author (without asking for its URL, which Pelican computes each time)
        # Its URL follows from its slug and the settings, which the site key holds.
        return [type(value).__name__, str(value.name), str(value.slug)]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [
            type(value).__name__,
            {f.name: describe(getattr(value, f.name), False, _listings) for f in dataclasses.fields(value)},
        ]
    if callable(value):
        return f"{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', type(value).__name__)}"
    text = repr(value)
    if " at 0x" in text:
        raise Unkeyable(text)
    return [type(value).__name__, text]


def _listing(content: Any) -> Any:
    """A post or page as another page lists it: its title, place, date and terms, and a
    summary given in its metadata. Not its text: post pages never show another post's
    text (a list's key adds what it shows of its posts: ``_shown_in_list``), so editing
    one post renders only its own page again, and the lists that show it."""
    fields = ("url", "title", "date", "lang", "status", "category", "tags", "authors", "slug", "save_as")
    summary = getattr(content, "_summary", None) or getattr(content, "metadata", {}).get("summary")
    return ["listing", {f: describe(getattr(content, f, None), False) for f in fields}, str(summary or "")]


def _shown_in_list(post: Any) -> Any:
    """What a list shows of a post beyond its listing: it changes with an approved comment
    (the count) or an edited post (the summary), which every post page is keyed without.
    A summary is Pelican's cut of the post's text with its links resolved (``content``;
    a given summary is in the listing) and the settings the site key holds: that text's
    digest stands for it, as cutting every post's summary was a third of a warm build's
    keying. Resolving the links still reports a broken one on every build."""
    thread = getattr(post, "comment_thread", None)
    text = getattr(post, "content", None)
    summary = text if isinstance(text, str) else str(getattr(post, "summary", "") or "")
    metadata = {k: v for k, v in getattr(post, "metadata", {}).items() if k != "summary"}
    closed = getattr(post, "comments_closed", None)
    return [getattr(thread, "count", None), closed, text_digest(summary), describe(metadata, False)]


def _paged(value: Any) -> Any:
    """A page of a paginated list (Pelican's Page) or its paginator, by what shows of it."""
    if hasattr(value, "object_list") and hasattr(value, "number") and hasattr(value, "paginator"):
        return ["page", value.number, value.paginator.num_pages, list(value.object_list)]
    if hasattr(value, "num_pages") and hasattr(value, "per_page"):
        return ["paginator", value.num_pages, value.per_page, getattr(value, "count", None)]
    return value


def _content(content: Any, listings: dict[int, Any]) -> Any:
    """A post or page as its own page shows it: every attribute but the settings and context."""
    out = {}
    for name, value in sorted(vars(content).items()):
        if name in ("settings", "_context") or (name.startswith("_") and name not in ("_content", "_summary")):
            continue
        out[name] = describe(value, False, listings)
    return ["content", out]


def digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def files_digest(paths: Iterable[str]) -> str:
    h = hashlib.sha256()
    for path in sorted(paths):
        h.update(path.encode("utf-8") + b"\0")
        with open(path, "rb") as f:
            h.update(hashlib.sha256(f.read()).digest())
    return h.hexdigest()


class PageReuse:
    """The record of the pages written by the last build, and the links made from it."""

    def __init__(self, cache_folder: str, previous_output: str, output: str) -> None:
        self.path = os.path.join(cache_folder, RECORD)
        self.previous = previous_output
        self.output = output
        self.site_key: str | None = None
        self.reused = 0
        self.lists_reused = 0
        self._new: dict[str, list[Any]] = {}
        self._old: dict[str, list[Any]] = {}
        self.listings: dict[int, Any] = {}  # posts described as others list them, for this build (and the site key)
        self._whole: dict[int, Any] = {}  # posts described whole: a post's comment pages share it
        self._folders: set[str] = set()  # folders of the output made already
        self._pending: dict[str, str] = {}  # list pages Pelican writes after they are keyed
        self._lists: dict[int, tuple[list[Any], str]] = {}  # lists of posts described, for this build
        self._shown_posts: dict[int, str] = {}  # each post as lists show it, for this build
        try:
            with open(self.path, encoding="utf-8") as f, collector_paused():
                data = json.load(f)
            if isinstance(data, dict) and isinstance(data.get("pages"), dict):
                self._old = data["pages"]
        except (OSError, ValueError):
            pass

    def key(self, name: str, template: str, parts: Any, page_values: dict[str, Any]) -> str | None:
        """The key of output file ``name``, or ``None`` when it cannot have one. ``page_values``
        are what the writer passes the template for this page: a post among them is
        described whole."""
        if self.site_key is None:
            return None
        try:
            values = {k: self._describe_top(v) for k, v in sorted(page_values.items())}
            return digest([self.site_key, name, template, describe(parts), values])
        except (Unkeyable, RecursionError):
            return None

    def _describe_top(self, value: Any) -> Any:
        if not (hasattr(value, "source_path") and hasattr(value, "_content")):
            return describe(value, True, self.listings)
        if id(value) not in self._whole:  # once per post, not once for each of its comment pages
            self._whole[id(value)] = describe(value, True, self.listings)
        return self._whole[id(value)]

    def list_key(self, name: str, template: str, parts: Any, values: dict[str, Any], listed: list[Any]) -> str | None:
        """The key of a page that is not a post's (a list): ``values``, what the writer and the
        paginator pass its template (posts described as lists show them), and, for each post
        ``listed`` on it, what a list shows beyond that: its comment count, whether it is
        closed, its summary and its metadata (a content warning)."""
        if self.site_key is None:
            return None
        try:
            described = {k: self._list_value(v) for k, v in sorted(values.items())}
            shown = digest([self._shown(p) for p in listed])  # one string, however many posts it lists
            return digest([self.site_key, name, template, describe(parts), described, shown])
        except (Unkeyable, RecursionError):
            return None

    def _list_value(self, value: Any) -> Any:
        """A value given a list's template; a list of posts (every page of a list is given the
        whole list, and the index every post) described once per build."""
        if isinstance(value, list) and value and hasattr(value[0], "source_path"):
            if id(value) not in self._lists:  # kept with the list itself, so its id stays its own
                self._lists[id(value)] = (value, digest([describe(p, False, self.listings) for p in value]))
            return self._lists[id(value)][1]
        return describe(_paged(value), False, self.listings)

    def _shown(self, post: Any) -> str:
        if id(post) not in self._shown_posts:
            self._shown_posts[id(post)] = digest([describe(post, False, self.listings), _shown_in_list(post)])
        return self._shown_posts[id(post)]

    def previous_text(self, name: str, key: str) -> str | None:
        """The previous build's ``name``, when it was written with ``key`` and is as written."""
        entry = self._old.get(name)
        if not self.previous or not entry or entry[0] != key:
            return None
        try:
            source = os.path.join(self.previous, name)
            st = os.lstat(source)
            if [st.st_size, st.st_mtime_ns, st.st_ino] != entry[1:]:
                return None
            with open(source, encoding="utf-8") as f:
                text = f.read()
        except (OSError, ValueError):
            return None
        self.lists_reused += 1
        return text

    def written(self, name: str, key: str) -> None:
        """``name`` is being written with ``key`` (by Pelican's writer, after this call):
        recorded when the record is saved."""
        self._pending[name] = key

    def link(self, name: str, key: str) -> bool:
        """Hard-link the previous build's ``name`` into the output if it was written with ``key``."""
        entry = self._old.get(name)
        if not self.previous or not entry or entry[0] != key:
            return False
        source = os.path.join(self.previous, name)
        target = os.path.join(self.output, name)
        try:
            st = os.lstat(source)
            if [st.st_size, st.st_mtime_ns, st.st_ino] != entry[1:]:
                return False
            folder = os.path.dirname(target)
            if folder not in self._folders:
                os.makedirs(folder, exist_ok=True)
                self._folders.add(folder)
            os.link(source, target)
        except OSError:
            return False
        self._new[name] = entry
        self.reused += 1
        return True

    def new_records(self) -> dict[str, list[Any]]:
        """What this build recorded so far: for each file, its key, size, time and inode."""
        return dict(self._new)

    def take(self, records: dict[str, list[Any]], reused: int) -> None:
        """The records of files another process linked (``reused`` of them) or wrote."""
        self._new.update(records)
        self.reused += reused

    def record(self, name: str, key: str) -> None:
        """``name`` was just written with ``key``."""
        try:
            st = os.lstat(os.path.join(self.output, name))
        except OSError:
            return
        self._new[name] = [key, st.st_size, st.st_mtime_ns, st.st_ino]

    def save(self) -> None:
        for name, key in self._pending.items():
            self.record(name, key)
        write_atomically(self.path, lambda f: f.write(json.dumps({"pages": self._new})))
