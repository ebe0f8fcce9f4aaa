"""A writer withdraws their comment, from the private link they were given (no account,
no moderator): a waiting or rejected comment is deleted at once; a published one becomes
the record of its place (``Removed: writer``: its replies stay, under a note), so the next
build leaves it out. Either way its words are gone from the archive and its parsed and
rendered copies from the caches; the log records it; the mails and alerts about it that
still wait are deleted, and so are the requests for mails about it."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass

from ..archive.commentfile import read_comment
from ..archive.moves import write_atomically
from ..archive.project import Project
from ..archive.reader import comment_files
from ..archive.removed import WRITER, format_removed
from ..mail.notices import Notices
from ..mail.subscriptions import Subscriptions
from ..publishing import bodycache
from ..publishing.markup import VERSION as MARKUP_VERSION
from ..review import auditlog
from .erasure import forget_copies
from .holdings import PUBLISHED, Held, folders, outbox_of

WITHDRAW, FORGET = "withdraw", "forget"  # the purposes of the writer's links (mail.notices makes them)
WRITER_NAME = "the writer"  # who the log says acted


@dataclass(frozen=True)
class Found:
    held: Held
    title: str  # the post's


def find(project: Project, cid: str) -> Found | None:
    """Comment ``cid`` wherever it is now (published, waiting or rejected), if anywhere."""
    posts = project.threads()
    for status, folder in folders(project):
        for path, thread, problem in comment_files(folder):
            if problem is None and thread is not None and os.path.basename(path) == f"{cid}.md":
                comment, _ = read_comment(path, thread, project.tz)
                if comment is not None and comment.removed:
                    continue  # only its place, or anonymised: the words, if still kept, are elsewhere
                title = posts[thread].title if thread in posts else thread
                return Found(Held(cid, thread, path, status, comment), title)
    return None


def withdraw(project: Project, found: Found) -> str:
    """Withdraw the comment ``found``; what became of it, in the writer's words."""
    held = found.held
    comment = held.comment
    if comment is not None and comment.place_only:
        return "It was withdrawn already."
    entry = auditlog.Entry(time=auditlog.now(), moderator=WRITER_NAME, action="withdraw", id=held.id,
                           post=held.thread, reason=f"by its writer (it was {held.status})",
                           sha256=auditlog.file_sha256(held.path))  # fmt: skip
    if held.status == PUBLISHED and comment is not None:
        text = format_removed(WRITER, comment.date, comment.reply_to)
        write_atomically(held.path, lambda f: f.write(text))
        said = (
            "It will be gone from the site at its next update; replies to it stay, under a note that it was withdrawn."
        )
    else:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(held.path)
        said = "It is gone: no moderator will read it, and it will never be published."
    os.makedirs(os.path.dirname(project.log), exist_ok=True)
    auditlog.append(project.log, entry)
    bodies = {bodycache.body_key(MARKUP_VERSION, comment.body)} if comment is not None else set()
    forget_copies(project, [held.id], [held.path], bodies)  # caches, index, digest, alerts, notifications
    _forget_requests(project, held.id)
    return said


def _forget_requests(project: Project, cid: str) -> None:
    """No more mails about the comment."""
    outbox = outbox_of(project)
    subscriptions = Subscriptions(project.private)
    for subscription in subscriptions.all():
        if subscription.comment == cid:
            subscriptions.remove(subscription.id)
            outbox.drop(Notices.mails_of(subscription.id))
