"""Moderation decisions on comment files: find, examine, approve, reject, restore.

The library half of the moderation commands (``moderate`` is the command
line): it raises ``ModerationError`` with plain-language reasons and never
prints. Every decision is a move that never overwrites or deletes a file,
followed by one line in the audit log.
"""

from __future__ import annotations

import difflib
import os
import runpy
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from . import auditlog
from .archive import comment_files, read_archive
from .commentfile import Comment, raw_body, read_comment
from .discussions import closed_by_age
from .guidelines import GUIDELINES_FILE, Rules, load_rules
from .moves import MoveError, move_file
from .parsecache import ParseCache
from .postindex import PostInfo, read_threads
from .problems import Problem, display_path
from .settings import holdspace_settings, project_path
from .verdicts import Flag, Verdict, body_flags, flags, hard_problems, name_index, normalise_emails

LOG_FILE = auditlog.LOG_FILE


class ModerationError(Exception):
    """A command that could not be carried out; each line says what and what to do."""


@dataclass
class Project:
    root: str
    content: str
    comments: str
    moderation: str
    rules: Rules
    staff: frozenset[str]
    tz: tzinfo
    posts: dict[str, PostInfo]
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def queue(self) -> str:
        return os.path.join(self.moderation, "queue")

    @property
    def rejected(self) -> str:
        return os.path.join(self.moderation, "rejected")

    @property
    def log(self) -> str:
        return os.path.join(self.moderation, LOG_FILE)

    def elsewhere(self, than: str) -> dict[str, str]:
        """The other places a comment can be, for "it is approved already" messages."""
        places = {"queue": ("waiting in the queue", self.queue), "approved": ("approved already", self.comments),
                  "rejected": ("rejected", self.rejected)}  # fmt: skip
        return {label: folder for name, (label, folder) in places.items() if name != than}


def open_project(root: str, settings_file: str, slugify: Callable[[str, dict[str, Any]], str]) -> Project:
    """Read the project's settings, rules and posts (no Pelican run). ``slugify(title,
    settings)`` makes the slug of a post without a ``Slug:`` line, as Pelican would."""
    user = runpy.run_path(os.path.join(root, settings_file))
    settings = {**user, **holdspace_settings(user)}
    content = os.path.join(root, settings.get("PATH", "content"))
    moderation = project_path(content, settings["MODERATION_PATH"])
    return Project(
        root=root,
        content=content,
        comments=os.path.join(content, settings["COMMENTS_PATH"]),
        moderation=moderation,
        rules=load_rules(os.path.join(moderation, GUIDELINES_FILE)),
        staff=normalise_emails(settings["STAFF_EMAILS"]),
        tz=_zone(settings.get("TIMEZONE") or "UTC"),
        posts=project_threads(content, settings, slugify),
        settings=settings,
    )


def project_threads(
    content: str, settings: dict[str, Any], slugify: Callable[[str, dict[str, Any]], str]
) -> dict[str, PostInfo]:
    """The posts and pages a comments folder may name, read from their files now."""
    return read_threads(*thread_folders(content, settings), lambda title: slugify(title, settings))


def thread_folders(content: str, settings: dict[str, Any]) -> tuple[list[str], list[str]]:
    """The folders of the posts and of the pages (Pelican's ARTICLE_PATHS and PAGE_PATHS)."""
    posts = [os.path.join(content, p) for p in settings.get("ARTICLE_PATHS", [""])]
    return posts, [os.path.join(content, p) for p in settings.get("PAGE_PATHS", ["pages"])]


def _zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as e:
        raise ModerationError(
            f"TIMEZONE = {name!r} is not a time zone; use a name like 'Europe/London' or 'UTC'"
        ) from e


@dataclass
class Examined:
    """A comment file with what the guidelines say of it."""

    id: str
    thread: str
    path: str
    comment: Comment | None
    verdict: Verdict
    post: PostInfo | None = None


@dataclass
class Published:
    """What the approved archive holds, for the checks that look across files."""

    paths: dict[str, str]  # id -> path of every file in content/comments/
    names: dict[str, set[str]]  # folded name -> emails
    comments: dict[str, Comment]


def published(project: Project) -> Published:
    parsed = ParseCache(project_path(project.content, project.settings["HOLDSPACE_CACHE_PATH"]), project.tz)
    archive = read_archive(project.comments, set(project.posts), project.tz, read=parsed.read)  # saved by builds
    comments = {c.id: c for thread in archive.threads.values() for c in thread}
    return Published(dict(archive.paths), name_index(comments.values()), comments)


def examine(project: Project, path: str, thread: str, known: Published) -> Examined:
    """Every hard-rule problem and flag of the comment file at ``path``."""
    cid = os.path.basename(path)[: -len(".md")]
    comment, problems = read_comment(path, thread, project.tz)
    verdict = Verdict(problems=list(problems))
    if comment is None:  # a broken file still gets its words read: crisis must never hide
        body, body_line = raw_body(_read_bytes(path))
        verdict.flags.extend(body_flags(body, body_line, project.rules))
    post = project.posts.get(thread)
    if post is None:
        close = difflib.get_close_matches(thread, list(project.posts), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        verdict.problems.append(
            Problem(
                path, 1, f"the folder {thread!r} names no post or page", f"move the file to its post's folder{hint}"
            )
        )
    if comment is not None:
        verdict.problems.extend(hard_problems(comment, project.rules, project.staff))
        verdict.flags.extend(flags(comment, project.rules, project.staff, known.names))
        if post is not None and post.closed:
            verdict.flags.append(Flag("closed", 1, "the post is closed to new comments"))
        elif post is not None and closed_by_age(
            post.date, project.settings["COMMENTS_CLOSE_AFTER_DAYS"], datetime.now(UTC)
        ):
            days = project.settings["COMMENTS_CLOSE_AFTER_DAYS"]
            verdict.flags.append(Flag("closed", 1, f"the post is closed to new comments (older than {days} days)"))
        if comment.reply_to and comment.reply_to not in known.comments:
            verdict.problems.append(_missing_parent(project, comment))
        elif comment.reply_to and known.comments[comment.reply_to].thread != thread:
            verdict.problems.append(
                Problem(
                    path,
                    comment.reply_to_line,
                    f"Reply-To {comment.reply_to!r} is a comment on another post",
                    "correct the Reply-To line, or remove it",
                )
            )
    if cid in known.paths and os.path.abspath(known.paths[cid]) != os.path.abspath(path):
        verdict.problems.append(
            Problem(
                path,
                1,
                f"the id {cid!r} is already used by {display_path(known.paths[cid])}",
                "rename this file (the id is the file name) before approving it",
            )
        )
    return Examined(cid, thread, path, comment, verdict, post)


def _read_bytes(path: str) -> bytes:
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError:
        return b""


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


def pending(project: Project, folder: str, known: Published | None = None) -> list[Examined]:
    """Every comment file in ``folder`` (the queue, or rejected), examined."""
    known = known or published(project)
    found = []
    for path, thread, problem in comment_files(folder):
        if problem is not None or thread is None:
            continue  # not a comment file: `make queue` lists only <post>/<id>.md files
        found.append(examine(project, path, thread, known))
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
    by_lower = {i.lower(): i for i in ids}
    close = [by_lower[c] for c in difflib.get_close_matches(cid.lower(), list(by_lower), n=3, cutoff=0.0)]
    raise ModerationError(f"no comment {cid!r} in {label}; the closest: {', '.join(close)}")


def _id(path: str) -> str:
    return os.path.basename(path)[: -len(".md")]


def moderator_name() -> str:
    """Who decides: $MODERATOR, else git's user.name."""
    name = os.environ.get("MODERATOR", "").strip()
    if not name:
        try:
            name = subprocess.run(
                ["git", "config", "user.name"], capture_output=True, text=True, timeout=10, check=False
            ).stdout.strip()
        except OSError:
            name = ""
    if not name:
        raise ModerationError(
            "who is deciding? add MODERATOR=<your name> to the command, e.g. make approve ID=x MODERATOR=Ana"
        )
    return name


@dataclass(frozen=True)
class Decision:
    id: str
    post: str
    source: str
    destination: str
    flags: tuple[Flag, ...]


def approve(project: Project, cid: str, moderator: str, crisis_note: bool = True) -> Decision:
    """``crisis_note=False``: a crisis flag that was a false alarm; the log records it, and
    that the site shows no note (``auditlog.NO_CRISIS_NOTE``)."""
    path, thread = locate(project.queue, cid, "moderation/queue/", project.elsewhere("queue"))
    examined = examine(project, path, thread, published(project))
    if examined.verdict.problems:
        reasons = "\n".join(f"  {p}" for p in examined.verdict.problems)
        raise ModerationError(
            f"{cid} cannot be approved: it breaks these rules (fix the file, then approve it again):\n{reasons}"
        )
    extra = () if crisis_note else (auditlog.NO_CRISIS_NOTE,)
    destination = os.path.join(project.comments, thread, f"{cid}.md")
    return _decide(project, "approve", examined, destination, "", moderator, extra)


def reject(project: Project, cid: str, reason: str, moderator: str) -> Decision:
    if not reason.strip():
        raise ModerationError(
            f'say why: make reject ID={cid} REASON="..." (the reason goes in the log, never on the site)'
        )
    path, thread = locate(project.queue, cid, "moderation/queue/", project.elsewhere("queue"))
    examined = examine(project, path, thread, published(project))
    return _decide(project, "reject", examined, os.path.join(project.rejected, thread, f"{cid}.md"), reason, moderator)


def restore(project: Project, cid: str, moderator: str, reason: str = "") -> Decision:
    path, thread = locate(project.rejected, cid, "moderation/rejected/", project.elsewhere("rejected"))
    examined = examine(project, path, thread, published(project))
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
    return Decision(examined.id, examined.thread, examined.path, destination, tuple(examined.verdict.flags))
