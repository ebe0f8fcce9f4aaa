"""Moderators' decisions committed to git, with MODERATION_GIT_COMMIT = True: each decision
alone (the files it moved or changed and its line in the log, nothing else), its words as
the message, its moderator as the author; an erasure without the address. No decision is
made while a pull that stopped half way is unfinished (the command says how to finish it).
When git cannot commit, one line says why and what to do, and the decision stands
(docs/moderating-with-git.md)."""

from __future__ import annotations

import contextlib
import os
import shlex
import sys
from collections.abc import Callable, Iterable, Iterator

from ..archive import gitrepo
from ..archive.lock import project_lock
from ..archive.project import Project
from ..problems import display_path
from ..review.decisions import Decision, ModerationError
from .spell import spell

SETTING = "MODERATION_GIT_COMMIT"
GUIDE = "docs/moderating-with-git.md"


def moderator_name(given: str = "") -> str:
    """Who decides: --moderator, else $MODERATOR, else git's user.name."""
    name = given.strip() or os.environ.get("MODERATOR", "").strip()
    if not name:
        name = gitrepo.config(os.curdir, "user.name")
    if not name:
        raise ModerationError(f"who is deciding? {spell('approve-as')}")
    return name


@contextlib.contextmanager
def deciding(project: Project, waiting: Callable[[], None]) -> Iterator[None]:
    """The project's lock, for a decision; with MODERATION_GIT_COMMIT, first this clone set up
    for sharing the queue, and a refusal while a pull is stopped half way."""
    if project.settings[SETTING]:
        ready(project)
    with project_lock(project.cache, waiting=waiting):
        yield


def ready(project: Project) -> None:
    try:
        root = gitrepo.top(project.folder)
        done = gitrepo.prepare(root)
        kind, paths = gitrepo.unfinished(root)
    except gitrepo.GitError:
        return  # no repository (or no git): said once the decision is made, which it still is
    if done:
        print(f"Set up this clone for moderators sharing the queue: git config {', '.join(done)} ({GUIDE}).")
    shown = ", ".join(paths[:4]) + (f" and {len(paths) - 4} more" if len(paths) > 4 else "")
    conflict = f" on a conflict ({shown})" if paths else ""
    if kind == "rebase":
        raise ModerationError(
            f"a git pull stopped half way{conflict}, so nothing was decided; finish it first: when another "
            "moderator decided the same comment first, `git rebase --skip` keeps their decision and drops yours, "
            f"then `git push`; for anything else, `git rebase --abort` puts things back as before the pull ({GUIDE})"
        )
    if kind == "merge":
        raise ModerationError(
            f"a git merge stopped half way{conflict}, so nothing was decided; `git merge --abort` puts things back "
            f"as before it, then `git pull --rebase` ({GUIDE})"
        )


def decision(project: Project, made: Decision) -> None:
    """Commit ``made``: its source and destination, and the log."""
    entry = made.entry
    if not project.settings[SETTING] or entry is None:
        return
    subject = f"{entry.action} {entry.id} on {entry.post}: moderator {entry.moderator}"
    details = ([f"Reason: {entry.reason}"] if entry.reason else []) + (
        [f"Flags: {', '.join(entry.flags)}"] if entry.flags else []
    )
    message = "\n\n".join([subject, "\n".join(details)]) if details else subject
    commit(project, [made.source, made.destination, project.log], message, entry.moderator)


def erasure(project: Project, paths: Iterable[str], count: int, mode: str, moderator: str) -> None:
    """Commit an erasure (``make forget``): the comment files, the log; no address anywhere."""
    if project.settings[SETTING]:
        message = f"forget: {count} comment(s) erased at their writer's request ({mode}): moderator {moderator}"
        commit(project, [*paths, project.log], message, moderator)


def commit(project: Project, paths: list[str], message: str, moderator: str) -> None:
    subject = message.split("\n", 1)[0]
    try:
        made = gitrepo.commit(project.folder, paths, message, name=moderator)
    except gitrepo.GitError as e:
        print(f"Not committed to git: {e}; {_todo(e, subject)}", file=sys.stderr)
        return
    if made:
        print(f"Committed to git ({made}): {subject}. `git push` shares it.")


def _todo(error: gitrepo.GitError, subject: str) -> str:
    stands = "the decision stands (its files are moved and logged)"
    if error.kind == "missing":
        return f"{stands}: install git, or set {SETTING} = False"
    if error.kind == "not-a-repository":
        return f"{stands}: make the project folder a (private) git repository with git init, or set {SETTING} = False"
    paths = " ".join(shlex.quote(display_path(p)) for p in error.paths)
    return f"{stands}: commit it by hand: git add --all -- {paths} && git commit -m {shlex.quote(subject)}"
