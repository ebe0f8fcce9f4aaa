"""From the checked archive to one thread per post: publish, tree, pages, links.

Pure: posts come in as (slug, url, save_as) and threads go out, so the Pelican
plugin only hands its articles across (and pages can take threads the same way).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..archive.reader import Archive
from ..problems import Problem
from .published import PublishedComment, page_location, placeholders, publish_all
from .threads import Thread, build_thread


@dataclass(frozen=True)
class Target:
    """Something that takes comments: its slug, URL and output file."""

    slug: str
    url: str
    save_as: str


@dataclass
class Discussions:
    threads: dict[str, Thread] = field(default_factory=dict)
    redirects: list[tuple[str, str]] = field(default_factory=list)  # (comment id, URL of it on its page)
    local_avatars: set[str] = field(default_factory=set)  # paths in the site of the identicons to draw
    problems: list[Problem] = field(default_factory=list)
    held_back: set[str] = field(default_factory=set)  # paths


def build_discussions(
    targets: Iterable[Target],
    archive: Archive,
    render: Callable[[str], str],
    settings: Mapping[str, Any],
    secret: bytes = b"",
    crisis_ids: Collection[str] = frozenset(),
) -> Discussions:
    """``crisis_ids``: the comments flagged for crisis words when approved."""
    result = Discussions()
    for target in targets:
        comments = archive.threads.get(target.slug, [])
        published, problems = publish_all(comments, render, settings, secret, crisis_ids)
        result.problems.extend(problems)
        result.held_back.update(p.path for p in problems)
        places = placeholders(archive.removed.get(target.slug, []), published)
        items: list[PublishedComment] = (
            sorted([*published, *places], key=lambda c: (c.date, c.id)) if places else published
        )
        thread = build_thread(
            items,
            order=settings["COMMENTS_ORDER"],
            max_depth=settings["COMMENTS_MAX_DEPTH"],
            per_page=settings["COMMENTS_PER_PAGE"],
        )
        for page in thread.pages:
            page.url, page.save_as = page_location(settings, target.url, target.save_as, page.number)
        result.threads[target.slug] = thread
        result.local_avatars.update(c.avatar for c in published if c.avatar and "://" not in c.avatar)
        if settings["COMMENT_REDIRECT_SAVE_AS"]:
            result.redirects.extend((cid, thread.permalink(cid)) for cid in thread.by_id)
    return result
