"""What a template may see of a comment: everything but the email.

``publish`` is the one place where an approved comment becomes public data;
the email is used there for the avatar (as the AVATARS setting allows) and
goes no further.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..archive.commentfile import Comment
from ..problems import Problem
from ..review.verdicts import is_staff, staff_set
from .avatars import avatar_url, name_avatar


@dataclass(frozen=True)
class PublishedComment:
    id: str
    author: str
    date: datetime
    website: str | None
    reply_to: str | None
    body: str  # sanitized HTML
    avatar: str | None  # absolute image URL (gravatar), a path in the site (local), or None
    staff: bool = False
    crisis: bool = False  # flagged for crisis words when a moderator approved it: the page adds a gentle note
    removed: str = ""  # the place of a removed comment, with replies below it: who removed it; nothing else

    def signature(self) -> tuple[str | bool | None, ...]:
        """Every field, the date as text: a thread's signature marshals these, which is much
        faster than ``repr``."""
        return (self.id, self.author, self.date.isoformat(), self.website, self.reply_to, self.body, self.avatar,
                self.staff, self.crisis, self.removed)  # fmt: skip


def placeholders(removed: list[Comment], shown: list[PublishedComment]) -> list[PublishedComment]:
    """The places of the removed comments that a shown reply sits below (through other
    removed ones): their id, date and parent, and who removed them; nothing else."""
    parent_of = {c.id: c.reply_to for c in removed}
    kept: set[str] = set()
    for comment in shown:
        up = comment.reply_to
        while up is not None and up in parent_of and up not in kept:
            kept.add(up)
            up = parent_of[up]
    return [PublishedComment(c.id, "", c.date, None, c.reply_to, "", None, removed=c.removed)
            for c in removed if c.id in kept]  # fmt: skip


def publish(
    comment: Comment,
    render: Callable[[str], str],
    settings: Mapping[str, Any],
    secret: bytes = b"",
    staff: Collection[str] | None = None,
    crisis: bool = False,
) -> PublishedComment:
    """``staff``: the normalised STAFF_EMAILS, when the caller has them already; ``crisis``:
    the comment was flagged for crisis words when approved (``auditlog.flagged_on_approval``)."""
    if staff is None:
        staff = staff_set(settings["STAFF_EMAILS"])
    return PublishedComment(
        id=comment.id,
        author=comment.author,
        date=comment.date,
        website=comment.website,
        reply_to=comment.reply_to,
        body=render(comment.body),
        avatar=None
        if comment.removed  # anonymised: nothing of the writer, not even a picture
        else name_avatar(comment.author)
        if settings["AVATARS"] == "names"
        else avatar_url(
            comment.email, settings["AVATARS"], settings["AVATAR_SIZE"], settings["GRAVATAR_DEFAULT"], secret
        ),
        staff=is_staff(comment.email, staff),
        crisis=crisis,
    )


def publish_all(
    comments: list[Comment],
    render: Callable[[str], str],
    settings: Mapping[str, Any],
    secret: bytes = b"",
    crisis_ids: Collection[str] = frozenset(),
) -> tuple[list[PublishedComment], list[Problem]]:
    """Publish each comment; one whose body cannot be rendered is held back and reported."""
    published, problems = [], []
    staff = staff_set(settings["STAFF_EMAILS"])
    for comment in comments:
        try:
            published.append(publish(comment, render, settings, secret, staff, comment.id in crisis_ids))
        except RecursionError:
            problems.append(
                Problem(
                    comment.path,
                    comment.body_line,
                    "the comment's formatting is nested too deeply to show",
                    "simplify its nested lists or quotes",
                )
            )
        except Exception as e:  # a renderer bug must not stop the other comments
            problems.append(
                Problem(
                    comment.path,
                    comment.body_line,
                    f"the comment could not be rendered ({e.__class__.__name__}: {e})",
                    "simplify its formatting, and report this as a Holdspace bug",
                )
            )
    return published, problems


def page_location(settings: Mapping[str, Any], post_url: str, post_save_as: str, number: int) -> tuple[str, str]:
    """(url, save_as) of comment page ``number`` of the post at ``post_url``/``post_save_as``.

    Page 1 is the post itself. For the others, ``{post_url}`` is the post's URL
    as a folder (``a/b/`` for ``a/b/`` or ``a/b.html``) and ``{post_dir}`` the
    folder its file is saved in, in the same way.
    """
    if number == 1:
        return post_url, post_save_as
    return (
        settings["COMMENTS_PAGE_URL"].format(post_url=_as_folder(post_url), number=number),
        settings["COMMENTS_PAGE_SAVE_AS"].format(post_dir=_as_folder(post_save_as), number=number),
    )


def post_feed_location(settings: Mapping[str, Any], post_url: str, post_save_as: str) -> tuple[str, str]:
    """(url, save_as) of the post's comment feed, COMMENTS_POST_FEED_ATOM in the post's folder."""
    name = settings["COMMENTS_POST_FEED_ATOM"]
    return _as_folder(post_url) + name, _as_folder(post_save_as) + name


def _as_folder(path: str) -> str:
    if path == "" or path.endswith("/"):
        return path
    head, tail = posixpath.split(path)
    if tail in ("index.html", "index.htm"):
        return head + "/" if head else ""
    stem = posixpath.splitext(path)[0]
    return stem + "/"
