"""Moderators told of new comments: a comment flagged for crisis at once, the others gathered
into one mail at most every ALERT_DIGEST_MINUTES. An alert names the pseudonym, the post,
the flags, the first words and the command that shows the comment; never an email address.
ALERT_WEBHOOK_URL, when set, receives the same as JSON (for a chat tool).

A comment waiting for the digest is a small file in ``<private>/digest/``, taken out once
the digest that names it is in the outbox.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from ..archive.commentfile import Comment
from ..archive.moves import write_atomically
from ..archive.values import EMAIL_RE
from ..review.guidelines import Rules
from ..review.verdicts import CRISIS, flags
from .message import Message, now_text
from .outbox import Outbox

DIGEST = "digest"
LAST = ".last"  # in the digest folder: when the last digest was written
WORDS = 30  # of a comment, in an alert


@dataclass(frozen=True)
class Arrival:
    """A comment that arrived in the queue, as moderators are told of it: no email."""

    id: str
    author: str
    post: str  # the post's title
    slug: str
    flags: list[str]
    crisis: bool
    words: str  # the first words

    def line(self) -> str:
        flagged = f" [{'; '.join(self.flags)}]" if self.flags else ""
        return f'- {self.author} on “{self.post}” ({self.id}){flagged}: "{self.words}"'


def arrival(comment: Comment, post_title: str, rules: Rules, staff: frozenset[str]) -> Arrival:
    found = flags(comment, rules, staff)
    all_words = comment.body.split()
    words = "".join(ch if ch.isprintable() else " " for ch in " ".join(all_words[:WORDS]))
    words = EMAIL_RE.sub("<an email address>", words)  # one a writer typed into their words, too
    more = "…" if len(all_words) > WORDS else ""
    crisis = any(f.kind == CRISIS for f in found)
    return Arrival(comment.id, comment.author, post_title, comment.thread, [f.message for f in found], crisis,
                   words + more)  # fmt: skip


class Alerts:
    """``arrived`` for each comment the intake queues; ``gather`` now and then (the sender's loop)."""

    def __init__(self, private: str, outbox: Outbox, settings: Mapping[str, Any], show: Callable[[str], str]):
        self.folder = os.path.join(private, DIGEST)
        self.outbox = outbox
        self.moderators = list(settings["MODERATOR_EMAILS"]) if settings["MAIL_SMTP_URL"] else []
        self.webhook = str(settings["ALERT_WEBHOOK_URL"] or "")
        self.every = timedelta(minutes=settings["ALERT_DIGEST_MINUTES"])
        self.site = str(settings.get("SITENAME") or "Holdspace")
        self.show = show  # the command that shows a comment, as a moderator types it

    @property
    def enabled(self) -> bool:
        return bool(self.moderators or self.webhook)

    def arrived(self, comment: Arrival) -> None:
        if not self.enabled:
            return
        if comment.crisis:
            subject = f"[crisis] {comment.author} on “{comment.post}”: a comment waits"
            text = (
                f"A comment flagged for crisis words waits in the queue of {self.site}.\n\n"
                f"From:   {comment.author}\nOn:     {comment.post} ({comment.slug})\n"
                f'Flags:  {"; ".join(comment.flags)}\nWords:  "{comment.words}"\n\n'
                f"Read it: {self.show(comment.id)}\n"
            )
            self._put(f"alert-{comment.id}", "crisis alert", subject, text, "crisis", [comment])
            return
        os.makedirs(self.folder, mode=0o700, exist_ok=True)
        write_atomically(os.path.join(self.folder, f"{comment.id}.json"), lambda f: json.dump(asdict(comment), f))

    def gather(self, now: datetime) -> bool:
        """Write the digest of the comments waiting for one, if the last was long enough ago."""
        if not self.enabled:
            return False
        waiting = self._waiting()
        if not waiting or now - self._last() < self.every:
            return False
        ids = sorted(a.id for a in waiting)
        subject = f"[{self.site}] {len(waiting)} comment(s) wait in the queue"
        text = (
            f"{len(waiting)} comment(s) arrived in the queue of {self.site} since the last mail:\n\n"
            + "\n".join(a.line() for a in sorted(waiting, key=lambda a: a.id))
            + f"\n\nRead one: {self.show(ids[0])}\n"
        )
        digest = hashlib.sha256("\n".join(ids).encode()).hexdigest()[:16]
        self._put(f"digest-{digest}", f"digest of {len(waiting)} comment(s)", subject, text, "digest", waiting)
        write_atomically(os.path.join(self.folder, LAST), lambda f: f.write(now_text(now)))
        for cid in ids:  # in the outbox now: taken out of the digest's waiting
            with contextlib.suppress(FileNotFoundError):
                os.unlink(os.path.join(self.folder, f"{cid}.json"))
        return True

    def _put(self, mid: str, about: str, subject: str, text: str, kind: str, comments: list[Arrival]) -> None:
        text += "\nThe commenter's email address is never in an alert.\n"
        if self.moderators:
            self.outbox.put(Message(mid, "mail", subject, text, to=self.moderators, about=about))
        if self.webhook:
            payload = {"text": f"{subject}\n\n{text}", "kind": kind, "comments": [asdict(c) for c in comments]}
            self.outbox.put(Message(f"{mid}.webhook", "webhook", subject, text, url=self.webhook, payload=payload,
                                    about=f"{about} (webhook)"))  # fmt: skip

    def _waiting(self) -> list[Arrival]:
        found = []
        with contextlib.suppress(FileNotFoundError):
            for name in sorted(os.listdir(self.folder)):
                if name.endswith(".json") and not name.startswith("."):
                    with contextlib.suppress(OSError, ValueError, TypeError):
                        with open(os.path.join(self.folder, name), encoding="utf-8") as f:
                            found.append(Arrival(**json.load(f)))
        return found

    def _last(self) -> datetime:
        """When the last digest was written (long ago, when none was)."""
        try:
            with open(os.path.join(self.folder, LAST), encoding="utf-8") as f:
                return datetime.fromisoformat(f.read().strip())
        except (OSError, ValueError):
            return datetime.fromisoformat("1970-01-01T00:00:00+00:00")
