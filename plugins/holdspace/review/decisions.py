"""Moderation decisions on comment files: find, examine, approve, reject, restore.

The library half of the moderation commands (``moderate`` is the command line): it raises
``ModerationError`` with plain-language reasons and never prints. Every decision is a move
that never overwrites or deletes a file, followed by one line in the audit log.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime

from ..archive.commentfile import Comment, read_comment
from ..archive.moves import MoveError, move_file
from ..archive.posts import PostInfo, closed_by_age
from ..archive.project import Project
from ..archive.reader import comment_files
from ..archive.removed import place_aside
from ..problems import HoldspaceError, Problem, closest, display_path
from . import auditlog
from .guidelines import Rules, load_rules
from .known import Published
from .known import published as read_published
from .verdicts import (
    LIKELY_REJECT,
    Flag,
    Verdict,
    date_line,
    dated_before_post,
    file_flags,
    flags,
    hard_problems,
    staff_set,
)


class ModerationError(HoldspaceError):
    """A command that could not be carried out; each line says what and what to do."""


@dataclass
class Desk:
    """What every decision reads: the project, and its rules and posts as they are now."""

    project: Project
    rules: Rules
    staff: frozenset[str]
    posts: dict[str, PostInfo]

    def elsewhere(self, than: str) -> dict[str, str]:
        """The other places a comment can be, for "it is approved already" messages."""
        p = self.project
        places = {"queue": ("waiting in the queue", p.queue), "approved": ("approved already", p.comments),
                  "rejected": ("rejected", p.rejected)}  # fmt: skip
        return {label: folder for name, (label, folder) in places.items() if name != than}


def open_desk(project: Project) -> Desk:
    """Read the rules and the posts now (no Pelican run)."""
    return Desk(project, load_rules(project.guidelines), staff_set(project.settings["STAFF_EMAILS"]), project.threads())


@dataclass
class Examined:
    """A comment file with what the guidelines say of it."""

    id: str
    thread: str
    path: str
    comment: Comment | None
    verdict: Verdict
    post: PostInfo | None = None


def published(desk: Desk) -> Published:
    """What the approved archive holds now (``known``)."""
    return read_published(desk.project, desk.posts)


def examine(desk: Desk, path: str, thread: str, known: Published) -> Examined:
    """Every hard-rule problem and flag of the comment file at ``path``."""
    cid = os.path.basename(path)[: -len(".md")]
    comment, problems = read_comment(path, thread, desk.project.tz)
    verdict = Verdict(problems=list(problems))
    if comment is None:  # a broken file still gets its words read: crisis must never hide
        verdict.flags.extend(file_flags(path, desk.rules))
    post = desk.posts.get(thread)
    if post is None:
        close = closest(thread, desk.posts)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        verdict.problems.append(
            Problem(
                path, 1, f"the folder {thread!r} names no post or page", f"move the file to its post's folder{hint}"
            )
        )
    if comment is not None:
        _examine_comment(desk, comment, post, known, verdict)

    own_place = os.path.join(desk.project.comments, thread, f"{cid}.md")  # a removed comment coming back
    if cid in known.removed and os.path.abspath(known.paths.get(cid, "")) == os.path.abspath(own_place):
        pass
    elif cid in known.paths and os.path.abspath(known.paths[cid]) != os.path.abspath(path):
        verdict.problems.append(
            Problem(
                path,
                1,
                f"the id {cid!r} is already used by {display_path(known.paths[cid])}",
                "rename this file (the id is the file name) before approving it",
            )
        )
    return Examined(cid, thread, path, comment, verdict, post)


def _examine_comment(desk: Desk, comment: Comment, post: PostInfo | None, known: Published, verdict: Verdict) -> None:
    """The checks of a comment that passed its own file's: the guidelines, the thread, its parent."""
    verdict.problems.extend(hard_problems(comment, desk.rules, desk.staff))
    verdict.flags.extend(flags(comment, desk.rules, desk.staff, known.names))
    before = dated_before_post(comment, post)
    if before:
        verdict.flags.append(Flag("dated", date_line(comment.path), f"{before}: check the Date line"))
    days = desk.project.settings["COMMENTS_CLOSE_AFTER_DAYS"]
    if post is not None and post.closed:
        verdict.flags.append(Flag("closed", 1, "the post is closed to new comments"))
    elif post is not None and closed_by_age(post.date, days, datetime.now(UTC)):
        verdict.flags.append(Flag("closed", 1, f"the post is closed to new comments (older than {days} days)"))
    parent_thread = known.index.thread_of(comment.reply_to) if comment.reply_to else None  # a removed one's place too
    if comment.reply_to and parent_thread is None:
        verdict.problems.append(_missing_parent(desk.project, comment))
    elif comment.reply_to and parent_thread != comment.thread:
        verdict.problems.append(
            Problem(
                comment.path,
                comment.reply_to_line,
                f"Reply-To {comment.reply_to!r} is a comment on another post",
                "correct the Reply-To line, or remove it",
            )
        )


def _missing_parent(project: Project, comment: Comment) -> Problem:
    parent = comment.reply_to or ""
    where = {"queue": project.queue, "rejected": project.rejected}
    for name, folder in where.items():
        if os.path.exists(os.path.join(folder, comment.thread, f"{parent}.md")):
            todo = (
                f"approve {parent} first"
                if name == "queue"
                else f"{parent} was rejected: remove the Reply-To line to publish this on its own"
            )
            return Problem(comment.path, comment.reply_to_line, f"it replies to {parent}, which is not published", todo)
    return Problem(
        comment.path,
        comment.reply_to_line,
        f"Reply-To {parent!r} names no comment",
        "correct the Reply-To line, or remove it",
    )


def pending(desk: Desk, folder: str, known: Published | None = None) -> list[Examined]:
    """Every comment file in ``folder`` (the queue, or rejected), examined."""
    known = known or published(desk)
    found = []
    for path, thread, problem in comment_files(folder):
        if problem is not None or thread is None:
            continue  # not a comment file: the queue lists only <post>/<id>.md files
        found.append(examine(desk, path, thread, known))
    return found


def locate(folder: str, cid: str, label: str, elsewhere: dict[str, str] | None = None) -> tuple[str, str]:
    """(path, thread) of comment ``cid`` in ``folder``. For an unknown id, say where it
    is instead (``elsewhere``: label -> folder), or name the closest ids."""
    matches = [(p, t) for p, t, problem in comment_files(folder) if problem is None and t and _id(p) == cid]
    if len(matches) == 1:
        return matches[0]
    if matches:
        listed = ", ".join(display_path(p) for p, _ in matches)
        raise ModerationError(f"{cid} is in more than one folder ({listed}); rename one of the files")
    for other_label, other in (elsewhere or {}).items():
        found = [p for p, t, problem in comment_files(other) if problem is None and t and _id(p) == cid]
        if found:
            raise ModerationError(f"{cid} is not in {label}: it is {other_label} ({display_path(found[0])})")
    ids = sorted({_id(p) for p, t, problem in comment_files(folder) if problem is None and t})
    if not ids:
        raise ModerationError(f"no comment {cid!r} in {label}; {label} is empty")
    close = closest(cid, ids, n=3, cutoff=0.0, key=str.lower)
    raise ModerationError(f"no comment {cid!r} in {label}; the closest: {', '.join(close)}")


def _id(path: str) -> str:
    return os.path.basename(path)[: -len(".md")]


@dataclass(frozen=True)
class Decision:
    id: str
    post: str
    source: str
    destination: str
    flags: tuple[Flag, ...]
    entry: auditlog.Entry | None = None  # its line in the log


class LikelyReject(ModerationError):
    """A comment flagged "likely reject": approved only when the moderator insists."""


def approve(desk: Desk, cid: str, moderator: str, crisis_note: bool = True, force: bool = False) -> Decision:
    """``crisis_note=False``: a crisis flag that was a false alarm; the log records it, and
    that the site shows no note (``auditlog.NO_CRISIS_NOTE``). ``force``: approve a comment
    flagged "likely reject" (the guidelines' disallowed words) all the same."""
    path, thread = locate(desk.project.queue, cid, "moderation/queue/", desk.elsewhere("queue"))
    known = published(desk)
    examined = examine(desk, path, thread, known)
    if examined.verdict.problems:
        reasons = "\n".join(f"  {p}" for p in examined.verdict.problems)
        raise ModerationError(
            f"{cid} cannot be approved: it breaks these rules (fix the file, then approve it again):\n{reasons}"
        )
    likely = [f.message for f in examined.verdict.flags if f.kind == LIKELY_REJECT]
    if likely and not force:
        raise LikelyReject(f"{cid} was not approved: it is flagged {'; '.join(likely)}")
    extra = () if crisis_note else (auditlog.NO_CRISIS_NOTE,)
    destination = os.path.join(desk.project.comments, thread, f"{cid}.md")
    aside = place_aside(destination)
    try:
        decision = _decide(desk.project, "approve", examined, destination, "", moderator, extra)
    except BaseException:
        if aside is not None and not os.path.exists(destination):
            os.rename(aside, destination)  # the removed comment's place, as it was
        raise
    if aside is not None:
        os.unlink(aside)  # a removed comment back in its place: the next command reads the archive
    elif examined.comment is not None:
        known.added(examined.comment, destination)
    return decision


def reject(desk: Desk, cid: str, reason: str, moderator: str) -> Decision:
    if not reason.strip():
        raise ModerationError(f"say why {cid} is rejected: the reason goes in the log, never on the site")
    project = desk.project
    path, thread = locate(project.queue, cid, "moderation/queue/", desk.elsewhere("queue"))
    examined = examine(desk, path, thread, published(desk))
    return _decide(project, "reject", examined, os.path.join(project.rejected, thread, f"{cid}.md"), reason, moderator)


def restore(desk: Desk, cid: str, moderator: str, reason: str = "") -> Decision:
    project = desk.project
    path, thread = locate(project.rejected, cid, "moderation/rejected/", desk.elsewhere("rejected"))
    examined = examine(desk, path, thread, published(desk))
    return _decide(project, "restore", examined, os.path.join(project.queue, thread, f"{cid}.md"), reason, moderator)


def _decide(
    project: Project,
    action: str,
    examined: Examined,
    destination: str,
    reason: str,
    moderator: str,
    extra_flags: tuple[str, ...] = (),
) -> Decision:
    """Move the file, then log the decision; if the log cannot be written, move the file back."""
    entry = auditlog.Entry(
        time=auditlog.now(),
        moderator=moderator,
        action=action,
        id=examined.id,
        post=examined.thread,
        reason=reason,
        sha256=auditlog.file_sha256(examined.path),
        flags=tuple(dict.fromkeys([*(f.kind for f in examined.verdict.flags), *extra_flags])),
    )
    try:
        move_file(examined.path, destination)
    except MoveError as e:
        raise ModerationError(f"{examined.id}: {e}") from e
    try:
        auditlog.append(project.log, entry)
    except (OSError, ValueError) as e:  # no log line: undo the move, so the decision is not half made
        move_file(destination, examined.path)
        raise ModerationError(
            f"{examined.id}: could not write {display_path(project.log)} ({e}); the comment was put back, "
            "nothing changed"
        ) from e
    return Decision(examined.id, examined.thread, examined.path, destination, tuple(examined.verdict.flags), entry)
