"""Atom feeds of the newest published comments: one for the site, one per post.

The only module that imports feedgenerator (the feed library Pelican itself
uses). Pure: it gets published comments (no email: a feed names the pseudonym
only) and absolute URLs. A reply's entry says whom it replies to.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape

from feedgenerator import Atom1Feed

from .published import PublishedComment


@dataclass(frozen=True)
class FeedEntry:
    comment: PublishedComment
    post_title: str
    link: str  # absolute URL of the comment on its page
    parent_author: str | None  # the author of the comment it replies to, when published
    warning: str = ""  # its post's Content-Warning: the entry holds the warning and a link, not the words


def entry_title(entry: FeedEntry) -> str:
    c = entry.comment
    if entry.parent_author:
        return f"{c.author}, in reply to {entry.parent_author}, on “{entry.post_title}”"
    return f"{c.author} on “{entry.post_title}”"


def _words(entry: FeedEntry) -> str:
    """A comment's words, or, behind its post's content warning, the warning and a link
    (a feed reader would show the words at once)."""
    if not entry.warning:
        return entry.comment.body
    return (
        f"<p>Content warning: {escape(entry.warning)}.</p>"
        f'<p><a href="{escape(entry.link)}">Read the comment on the site</a>, where it opens behind this warning.</p>'
    )


def newest(entries: Iterable[FeedEntry], limit: int) -> list[FeedEntry]:
    return sorted(entries, key=lambda e: (e.comment.date, e.comment.id), reverse=True)[:limit]


def write_feed(path: str, title: str, site_link: str, feed_url: str, entries: list[FeedEntry], lang: str) -> None:
    feed = Atom1Feed(title=title, link=site_link, description=title, feed_url=feed_url, language=lang)
    for e in entries:
        c = e.comment
        feed.add_item(
            title=entry_title(e),
            link=e.link,
            description=_words(e),
            author_name=c.author,
            pubdate=c.date,
            updateddate=c.date,
            unique_id=e.link,
        )
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        feed.write(f, "utf-8")
