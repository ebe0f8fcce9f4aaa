"""The mails a writer gets, only when they asked and confirmed: the confirmation itself, a
reply to their comment, and their comment published. Each carries a one-click unsubscribe
(RFC 8058: ``List-Unsubscribe`` with an https address, and ``List-Unsubscribe-Post``), which
the intake handles. No mail names anyone's address but the one it goes to.

``notifications`` finds what to tell from the record of the comments live on the site (the
last build's, ``live.json``): mails go only for what a reader can see.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

from ..archive.moves import write_atomically
from .message import Message
from .subscriptions import LIVE, REPLIES, Subscription, Subscriptions

WITHDRAW_DAYS = 365  # a writer's link to withdraw their comment lasts a year (then: ask for the links again)
FORGET_DAYS = 7  # the link in the mail that confirms an erasure
LIVE_RECORD = "live.json"  # in the cache folder: what the last build that finished published
NEXT_RECORD = "live.next.json"  # written by a build, made the record only once its output is in place


@dataclass(frozen=True)
class Live:
    """A published comment, as the site shows it (no address)."""

    id: str
    thread: str
    post: str
    author: str
    reply_to: str
    path: str  # its permalink, from the site's root


def links_url(intake_url: str) -> str:
    """Where a writer asks for their links (``/links`` below the intake's address)."""
    return urljoin((intake_url or "/").rstrip("/") + "/", "links")


def write_live(cache: str, siteurl: str, comments: list[Live]) -> None:
    """Write what this build publishes, for ``promote_live`` once the build has finished."""
    os.makedirs(cache, exist_ok=True)
    data = {"siteurl": siteurl, "comments": [c.__dict__ for c in comments]}
    write_atomically(os.path.join(cache, NEXT_RECORD), lambda f: f.write(json.dumps(data, ensure_ascii=False)))


def promote_live(cache: str) -> None:
    """The build's output is in place: its record of what is live becomes the record."""
    with contextlib.suppress(FileNotFoundError):
        os.replace(os.path.join(cache, NEXT_RECORD), os.path.join(cache, LIVE_RECORD))


def read_live(cache: str) -> tuple[str, dict[str, Live]]:
    """(the SITEURL the last finished build was made for, its comments by id); ("", {}) when none."""
    try:
        with open(os.path.join(cache, LIVE_RECORD), encoding="utf-8") as f:
            data = json.load(f)
        return str(data["siteurl"]), {item["id"]: Live(**item) for item in data["comments"]}
    except (OSError, ValueError, TypeError, KeyError):
        return "", {}


class Notices:
    """Mails to writers. ``intake_url``: the intake's public address (COMMENT_INTAKE_URL), from
    which the links to confirm and to unsubscribe are made."""

    def __init__(
        self, subscriptions: Subscriptions, settings: Mapping[str, Any], words: Callable[[Live], str] = lambda c: ""
    ) -> None:
        self.subscriptions = subscriptions
        self.intake_url = str(settings.get("COMMENT_INTAKE_URL") or "")
        self.siteurl = str(settings.get("SITEURL") or "").rstrip("/")
        self.site = str(settings.get("SITENAME") or "Holdspace")
        self.words = words  # the first words of a live comment (read from its file)

    @property
    def enabled(self) -> bool:
        return bool(self.intake_url)

    def url(self, comment: Live) -> str:
        return f"{self.siteurl}/{comment.path}"

    def link(self, purpose: str, subscription: Subscription) -> str:
        # Below the intake's address, whatever it ends with: the intake answers a link under any path.
        token = self.subscriptions.token(purpose, subscription.id)
        return urljoin(self.intake_url.rstrip("/") + "/", f"{purpose}/{token}")

    def writer_link(self, purpose: str, cid: str, days: int) -> str:
        """A link for the writer of comment ``cid`` (withdraw it, forget them), lasting ``days``."""
        token = self.subscriptions.token(purpose, cid, days)
        return urljoin((self.intake_url or "/").rstrip("/") + "/", f"{purpose}/{token}")

    def confirmation(self, subscription: Subscription) -> Message:
        what = _asked(subscription)
        text = (
            f"You sent a comment to {self.site}, on “{subscription.post}”, and asked to be emailed {what}.\n\n"
            f"To say yes, open this link and press the button on the page:\n{self.link('confirm', subscription)}\n\n"
            "If this was not you, do nothing: no other mail will come.\n\n"
            f"To withdraw your comment later, whether it is published or not, keep this link:\n"
            f"{self.writer_link('withdraw', subscription.comment, WITHDRAW_DAYS)}\n"
        )
        return self._mail(f"confirm-{subscription.id}", subscription, f"Please confirm: emails {what}", text,
                          "a confirmation to a writer")  # fmt: skip

    def reply(self, subscription: Subscription, reply: Live) -> Message:
        text = (
            f"{reply.author} replied to your comment on “{reply.post}”:\n\n“{self.words(reply)}”\n\n"
            f"Read it on the site: {self.url(reply)}\n"
        )
        return self._mail(f"reply-{subscription.id}-{reply.id}", subscription,
                          f"{reply.author} replied to you on “{reply.post}”", text, "a reply notification")  # fmt: skip

    def published(self, subscription: Subscription, comment: Live) -> Message:
        text = f"Your comment on “{comment.post}” is published. Read it on the site: {self.url(comment)}\n"
        return self._mail(f"live-{subscription.id}", subscription, f"Your comment on “{comment.post}” is published",
                          text, "a published notification")  # fmt: skip

    @staticmethod
    def mails_of(sid: str) -> Callable[[str], bool]:
        """Is a message id one of the mails to subscription ``sid``?"""
        return lambda mid: mid in (f"confirm-{sid}", f"live-{sid}") or mid.startswith(f"reply-{sid}-")

    def _mail(self, mid: str, subscription: Subscription, subject: str, text: str, about: str) -> Message:
        stop = self.link("unsubscribe", subscription)
        text += f"\nTo get no more mails about this comment: {stop}\n"
        headers = {"List-Unsubscribe": f"<{stop}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
        return Message(mid, "mail", subject, text, to=[subscription.email], headers=headers, about=about)

    def notifications(self, live: Mapping[str, Live]) -> Iterator[Message]:
        """What to tell the confirmed writers, of what is live: each reply to them, and their own
        comment published. The outbox sends each message id once."""
        replies: dict[str, list[Live]] = {}
        for comment in live.values():
            if comment.reply_to:
                replies.setdefault(comment.reply_to, []).append(comment)
        for subscription in self.subscriptions.confirmed():
            if LIVE in subscription.wants and subscription.comment in live:
                yield self.published(subscription, live[subscription.comment])
            if REPLIES in subscription.wants:
                for reply in sorted(replies.get(subscription.comment, []), key=lambda c: c.id):
                    yield self.reply(subscription, reply)


def _asked(subscription: Subscription) -> str:
    asked = []
    if REPLIES in subscription.wants:
        asked.append("when someone replies to you")
    if LIVE in subscription.wants:
        asked.append("when your comment is published")
    return " and ".join(asked)


def links_mail(notices: Notices, email: str, comments: list[tuple[str, str, str]], key: str) -> Message:
    """The mail a writer asks for by their address: a link to withdraw each comment
    (id, post title, status), and one to be forgotten. ``key``: a hash of the address, so
    one such mail goes a day at most."""
    lines = [f"- on “{title}” ({status}): {notices.writer_link('withdraw', cid, WITHDRAW_DAYS)}"
             for cid, title, status in comments]  # fmt: skip
    text = (
        f"You asked {notices.site} for the links to your comments. Each opens a page where you can withdraw it:\n\n"
        + "\n".join(lines)
        + "\n\nTo have everything you wrote here erased, open any of them and press "
        "“Forget everything I wrote here”.\n\nIf you did not ask, do nothing: nothing changes.\n"
    )
    day = datetime.now(UTC).strftime("%Y%m%d")
    return Message(f"links-{key[:16]}-{day}", "mail", f"Your comments on {notices.site}", text, to=[email],
                   about="a writer's links to their comments")  # fmt: skip


def forget_mail(notices: Notices, email: str, cid: str) -> Message:
    """The mail that confirms a writer's request to be forgotten (sent to the comment's address)."""
    text = (
        f"Someone with the link to one of your comments on {notices.site} asked that everything written here "
        "from this address be erased: every comment, published or not, and every request for mails.\n\n"
        f"If that was you, open this link and press the button (it works for {FORGET_DAYS} days):\n"
        f"{notices.writer_link('forget', cid, FORGET_DAYS)}\n\n"
        "If it was not you, do nothing: nothing is erased.\n"
    )
    day = datetime.now(UTC).strftime("%Y%m%d")
    return Message(f"forget-{cid}-{day}", "mail", f"Please confirm: erase what you wrote on {notices.site}", text,
                   to=[email], about="a writer's request to be forgotten")  # fmt: skip
