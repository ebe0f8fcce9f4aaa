"""Taking a published comment off the site while its replies keep their place.

``unpublish`` is a moderator's undo of an approval: the comment's file moves to
``moderation/rejected/`` (so ``restore`` can bring it back to the queue), and a
removed comment's record (``archive.removed``) takes its place in
``content/comments/``, so the replies to it stay where they were, under a note.
The decision is logged like the others; if the log cannot be written, the
comment is put back and nothing has changed.
"""

from __future__ import annotations

import contextlib
import os

from ..archive.commentfile import Comment, read_comment
from ..archive.moves import MoveError, move_file, write_new
from ..archive.removed import MODERATOR, format_removed
from ..problems import display_path
from . import auditlog
from .decisions import Decision, Desk, ModerationError, locate


def leave_place(path: str, comment: Comment, kind: str) -> None:
    """Write the record of removed ``comment`` at ``path``, where it was: its id (the file
    name), date and parent, and who removed it; nothing of its writer or words."""
    write_new(path, format_removed(kind, comment.date, comment.reply_to).encode("utf-8"))


def unpublish(desk: Desk, cid: str, reason: str, moderator: str) -> Decision:
    """Take approved comment ``cid`` off the site, into moderation/rejected/, leaving its place."""
    if not reason.strip():
        raise ModerationError(f"say why {cid} is taken off the site: the reason goes in the log, never on the site")
    project = desk.project
    path, thread = locate(project.comments, cid, "content/comments/", desk.elsewhere("approved"))
    comment, _ = read_comment(path, thread, project.tz)
    if comment is not None and comment.place_only:
        raise ModerationError(f"{cid} is not on the site: only its place is kept ({display_path(path)})")
    destination = os.path.join(project.rejected, thread, f"{cid}.md")
    entry = auditlog.Entry(time=auditlog.now(), moderator=moderator, action="unpublish", id=cid, post=thread,
                           reason=reason, sha256=auditlog.file_sha256(path))  # fmt: skip
    try:
        move_file(path, destination)
    except MoveError as e:
        raise ModerationError(f"{cid}: {e}") from e
    try:
        if comment is not None:  # a file the build held back anyway has no place to keep
            leave_place(path, comment, MODERATOR)
        auditlog.append(project.log, entry)
    except (OSError, ValueError) as e:  # not done whole: put everything back
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
        move_file(destination, path)
        raise ModerationError(f"{cid}: could not finish ({e}); the comment was put back, nothing changed") from e
    return Decision(cid, thread, path, destination, (), entry)
