"""The Atom feeds of the newest comments (COMMENTS_FEED_ATOM, COMMENTS_POST_FEED_ATOM):
the entries gathered from the built threads, written by ``publishing.feeds``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pelican.utils import sanitised_join

from ..publishing.feeds import FeedEntry, newest, write_feed
from ..publishing.plaintext import as_text
from ..publishing.published import post_feed_location
from ..publishing.threads import REMOVED


def write(settings: Mapping[str, Any], posts: list[Any], output: str) -> None:
    if not settings["COMMENTS_FEED_ATOM"] and not settings["COMMENTS_POST_FEED_ATOM"]:
        return
    base = (settings.get("FEED_DOMAIN") or settings.get("SITEURL") or "").rstrip("/")
    site, lang = settings.get("SITENAME", ""), settings.get("DEFAULT_LANG", "en")
    everything: list[FeedEntry] = []
    for post in posts:
        thread = post.comment_thread
        title = as_text(post.title)
        warning = str(post.metadata.get("content-warning", "") or "")
        entries = []
        for node in thread.by_id.values():
            c = node.item
            if c.removed:
                continue  # the place of a removed comment: nothing to feed
            parent = thread.by_id.get(c.reply_to) if c.reply_to else None
            link = f"{base}/{thread.permalink(c.id)}"
            entries.append(FeedEntry(c, title, link, (parent.item.author or REMOVED) if parent else None, warning))
        everything.extend(entries)
        if settings["COMMENTS_POST_FEED_ATOM"] and entries:
            url, save_as = post_feed_location(settings, post.url, post.save_as)
            write_feed(
                sanitised_join(output, save_as),
                f"Comments on “{title}” · {site}",
                f"{base}/{post.url}",
                f"{base}/{url}",
                newest(entries, settings["COMMENTS_FEED_MAX"]),
                lang,
            )
    if settings["COMMENTS_FEED_ATOM"]:
        write_feed(
            sanitised_join(output, settings["COMMENTS_FEED_ATOM"]),
            f"Comments · {site}",
            f"{base}/",
            f"{base}/{settings['COMMENTS_FEED_ATOM']}",
            newest(everything, settings["COMMENTS_FEED_MAX"]),
            lang,
        )
