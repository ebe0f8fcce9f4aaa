"""The documents search indexes: one per published post and per published comment,
made from what the build publishes (never from moderation/, never an email), and
what an update of the index did with them.

Pure: posts and pages are read by their attributes (``title``, ``url``, ``date``,
``comment_thread`` ...), as Pelican and the tests make them."""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any

from ..archive.moves import write_atomically
from ..publishing.dates import DateWriter, once_each
from ..publishing.plaintext import as_text


@dataclass(frozen=True)
class Doc:
    id: str
    kind: str
    title: str
    author: str
    source: str  # the plain text, or with ``to_text`` the HTML it is made from
    date: datetime
    thread: str
    tags: str  # comma-separated
    url: str  # the comment's permalink on its page, relative to the site
    warning: str = ""  # the Content-Warning of the post (of a comment: of its post or page)
    shown_date: str = ""  # the date as the site's pages write it ("18 July 2025")
    # Turns ``source`` into plain text when the document has to be indexed: an
    # unchanged document (the same digest) is never converted.
    to_text: Callable[[str], str] | None = field(default=None, compare=False)

    @property
    def text(self) -> str:  # not kept: 100,000 texts would stay in memory until the build ends
        return self.to_text(self.source) if self.to_text is not None else self.source

    def digest(self) -> str:
        parts = (self.id, self.kind, self.title, self.author, self.source, self.date.isoformat(), self.thread,
                 self.tags, self.url, "html" if self.to_text is not None else "text", self.warning,
                 self.shown_date)  # fmt: skip
        return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


@dataclass
class UpdateStats:
    added: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0
    rebuilt: bool = False
    fingerprint: str = ""  # of every document's digest: equal fingerprints, equal indexes
    # For an export of the changes only (``export.update_export``):
    touched_terms: set[str] = field(default_factory=set)  # terms of every document added, changed or removed
    gathered: Any = None  # the documents written, their words counted (``postings.Gathered``)
    numbers: dict[str, int] = field(default_factory=dict)  # each document's number in the export (``in_order``)

    @property
    def changed_anything(self) -> bool:
        return bool(self.added or self.changed or self.removed or self.rebuilt)


def in_order(docs: Iterable[Doc]) -> list[Doc]:
    """The documents in the export's order: by date, then id. A new comment is most often
    the newest, so it is numbered after every other and no other's number changes."""
    return sorted(docs, key=lambda doc: (doc.date.timestamp(), doc.id))


def content_of(kind: str, title: str, text: str) -> str:
    """The words a document is searched by: a post's title and text, a comment's text."""
    return f"{title}\n{text}" if kind == "post" else text


def documents(
    posts: Sequence[Any],
    default_author: str = "",
    pages: Sequence[Any] = (),
    show_date: DateWriter | None = None,
    texts: Mapping[str, str] | None = None,
) -> Iterator[Doc]:
    """One document per published post and per published comment on it or on a page
    (the pages themselves, the site's furniture, are not searched). A comment carries its
    post's content warning, as its page does. ``show_date`` writes each date with its post's
    ``date_format`` (the build gives Pelican's own strftime, so results write dates as the
    pages do); without it, documents have no ``shown_date``. ``texts``: plain texts made
    already (``as_text``), by their HTML."""
    show_date = once_each(show_date) if show_date is not None else None
    comment_text = partial(_known, texts) if texts else as_text
    for post in posts:
        tags = ", ".join(str(t) for t in getattr(post, "tags", []) or [])
        category = str(getattr(post, "category", "") or "")
        tags = ", ".join(x for x in (category, tags) if x)
        title = as_text(post.title)
        warning = _warning(post)
        yield Doc(f"post:{post.slug}", "post", title, str(getattr(post, "author", default_author)),
                  _html(post), post.date, post.slug, tags, post.url, warning, _shown(post, post.date, show_date),
                  to_text=as_text)  # fmt: skip
        yield from _comment_docs(post, title, tags, show_date, comment_text)
    for page in pages:
        yield from _comment_docs(page, as_text(page.title), "", show_date, comment_text)


def _known(texts: Mapping[str, str], html: str) -> str:
    text = texts.get(html)
    return as_text(html) if text is None else text


def _comment_docs(post, title: str, tags: str, show_date: DateWriter | None,
                  to_text: Callable[[str], str]) -> Iterator[Doc]:  # fmt: skip
    thread = getattr(post, "comment_thread", None)
    if thread is None:
        return
    warning = _warning(post)
    for cid, node in thread.by_id.items():
        c = node.item
        if getattr(c, "removed", ""):
            continue  # the place of a removed comment holds no words
        url = thread.permalink(cid)
        yield Doc(cid, "comment", title, c.author, c.body, c.date, post.slug, tags, url, warning,
                  _shown(post, c.date, show_date), to_text=to_text)  # fmt: skip


def _warning(post) -> str:
    return str(post.metadata.get("content-warning", "") or "")


def _shown(post, date: datetime, show_date: DateWriter | None) -> str:
    return show_date(date, post.date_format) if show_date is not None else ""


def _html(post) -> str:
    """A post's HTML as read: its links are not rewritten for a page (that depends on
    which page is being written), and the text, all search keeps, is the same."""
    html = getattr(post, "_content", None)
    return html if isinstance(html, str) else post.content


def describe(value: object) -> object:
    """A value of an analyzer's settings, the same from one run to the next (the index's signature)."""
    if isinstance(value, (set, frozenset)):
        return sorted(map(str, value))
    if isinstance(value, re.Pattern):
        return value.pattern
    if callable(value):
        return f"{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', type(value).__name__)}"
    return repr(value)


DIGESTS_FILE = "holdspace-digests.pickle"  # in the index's folder


def load_digests(folder: str, generation: int) -> tuple[dict[str, str], dict[str, int]] | None:
    """Each document's digest and number in the index as recorded when the index was at
    ``generation``; None when the record is missing, damaged or of another generation (the
    index is read instead)."""
    try:
        with open(os.path.join(folder, DIGESTS_FILE), "rb") as f:
            data = pickle.load(f)
        if data["generation"] != generation or data["digests"].keys() != data["docnums"].keys():
            return None
        return data["digests"], data["docnums"]
    except Exception:
        return None


def save_digests(folder: str, generation: int, digests: dict[str, str], docnums: dict[str, int]) -> None:
    data = {"generation": generation, "digests": digests, "docnums": docnums}
    write_atomically(os.path.join(folder, DIGESTS_FILE), lambda f: pickle.dump(data, f), binary=True)


def stored(ix: Any, wanted: dict[str, Doc], digests: dict[str, str],
            recorded: tuple[dict[str, str], dict[str, int]] | None) -> tuple[dict, dict, dict]:  # fmt: skip
    """The digest and number of every document in the index (as ``recorded`` for its
    generation; None: read), and the stored fields of those that change or go."""
    with ix.reader() as reader:
        if recorded is not None:  # no need to read every document's stored fields
            have, where = recorded
            changing = [i for i in have if i not in wanted or digests[i] != have[i]]
            with contextlib.suppress(Exception):  # a number out of the index: the record is wrong
                old = {i: reader.stored_fields(where[i]) for i in changing}
                if all(fields.get("id") == i and not reader.is_deleted(where[i]) for i, fields in old.items()):
                    return have, dict(where), old
        have, where, old = {}, {}, {}  # (or the record is wrong: read)
        for docnum, fields in reader.iter_docs():
            doc_id = fields["id"]
            have[doc_id], where[doc_id] = fields["digest"], docnum
            if doc_id not in wanted or digests[doc_id] != fields["digest"]:
                old[doc_id] = fields
    return have, where, old


def numbers_taken(ix: Any) -> int:
    """How many numbers the index's segments have given, its deleted documents' too."""
    return sum(segment.doc_count_all() for segment in ix._segments())


def numbered(ix: Any, where: dict[str, int], written: list[str], before: int, merged: bool) -> dict[str, int]:
    """Each document's number in the index just committed (``where``: those kept, with
    the numbers they had): a commit without a merge numbers the documents ``written`` after
    the ``before`` numbers of the segments before it, in the order written. After a merge,
    or should the segments not hold as many numbers as that, every number is read. Nothing
    is read to tell (at 100,000 comments, a reader's stored fields took 1.5 s and 230 MB):
    ``stored`` checks a document's id at its number before an update deletes it."""
    if not merged and numbers_taken(ix) == before + len(written):
        return where | {doc_id: before + i for i, doc_id in enumerate(written)}
    with ix.reader() as reader:
        return {fields["id"]: docnum for docnum, fields in reader.iter_docs()}
