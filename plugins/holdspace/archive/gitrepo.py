"""The project's git repository: the one module that runs git.

Git runs as a program (an argument list, never a shell; ``--`` before paths, which are
taken literally), in the project folder. ``commit`` stages exactly the paths it is given
(a move is the old path and the new) and commits only those, whatever else is changed or
staged; ``unfinished`` says when a pull stopped half way; ``prepare`` sets a clone up for
moderators who share the queue (``docs/moderating-with-git.md``); ``history`` lists the
commits that still hold some files. Errors are ``GitError``s, in plain words.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterable

from ..problems import HoldspaceError

TIMEOUT = 60  # seconds one git command may take (a commit runs the repository's hooks)
LOCK_WAIT = 10  # seconds to wait for another git command's index.lock to go
# A clone where moderators share the queue: a pull replays their own decisions on top of the
# others' (one commit each, so a decision someone else made first can be skipped alone), and a
# folder emptied by moves is never taken for a renamed folder (git would then move a comment
# added to it meanwhile, for instance from the queue into content/comments/, unapproved).
SHARED_CONFIG = {"pull.rebase": "true", "merge.directoryRenames": "false"}


class GitError(HoldspaceError):
    """Git could not do it. ``kind``: "missing" (no git), "not-a-repository", "failed";
    ``paths``: what a commit by hand would stage, when a commit failed."""

    def __init__(self, kind: str, what: str, paths: Iterable[str] = ()) -> None:
        super().__init__(what)
        self.kind, self.paths = kind, list(paths)


def _git(folder: str, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    command = ["git", "--literal-pathspecs", "-C", folder, *args]
    environment = {**os.environ, "GIT_TERMINAL_PROMPT": "0", **(env or {})}
    try:
        return subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=TIMEOUT,
                              env=environment, check=False)  # fmt: skip
    except FileNotFoundError:
        raise GitError("missing", "git is not installed") from None
    except (OSError, subprocess.SubprocessError) as e:
        raise GitError("failed", f"git {args[0]} did not finish ({e.__class__.__name__})") from None


def _first_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = [line.strip() for line in (result.stderr or result.stdout).splitlines() if line.strip()]
    fatal = [line for line in lines if line.startswith(("fatal:", "error:"))]
    return (fatal or lines or [f"exit status {result.returncode}"])[0]


def top(folder: str) -> str:
    """The work tree that holds ``folder``; GitError when there is none (or no git)."""
    result = _git(folder, "rev-parse", "--show-toplevel")
    if result.returncode != 0 or not result.stdout.strip():
        raise GitError("not-a-repository", f"{folder} is not in a git repository")
    return result.stdout.strip()


def config(folder: str, key: str) -> str:
    """A git setting as it applies in ``folder`` ("" when unset, or when git is missing)."""
    try:
        return _git(folder, "config", "--get", key).stdout.strip()
    except GitError:
        return ""


def prepare(folder: str) -> list[str]:
    """Set ``SHARED_CONFIG`` in this clone where nothing is set yet, and merge.directoryRenames
    false whatever is set (anywhere): with it on, a pull can move a new comment out of the
    queue into content/comments/, published unapproved. What was set ("key value")."""
    done = []
    for key, value in SHARED_CONFIG.items():
        now = config(folder, key)
        if not now or (key == "merge.directoryRenames" and now.lower() != value):
            result = _git(folder, "config", "--local", key, value)
            if result.returncode == 0:
                done.append(f"{key} {value}")
    return done


def unfinished(folder: str) -> tuple[str, list[str]]:
    """("rebase" or "merge", the conflicted paths) when a pull stopped half way; ("", [])
    otherwise."""
    return _unfinished(top(folder))


def _unfinished(root: str) -> tuple[str, list[str]]:
    states = {"rebase-merge": "rebase", "rebase-apply": "rebase", "MERGE_HEAD": "merge"}
    found = _git(root, "rev-parse", *[a for name in states for a in ("--git-path", name)]).stdout.splitlines()
    kind = next((what for where, what in zip(found, states.values(), strict=False)
                 if os.path.exists(os.path.join(root, where))), "")  # fmt: skip
    conflicted = _git(root, "diff", "--name-only", "--diff-filter=U", "-z").stdout.split("\0")
    paths = sorted(p for p in conflicted if p)
    return (kind or ("merge" if paths else "")), paths


def relative(root: str, paths: Iterable[str]) -> list[str]:
    """``paths`` as git names them: from the top of the work tree (links resolved)."""
    real = os.path.realpath(root)
    names = []
    for path in paths:
        name = os.path.relpath(os.path.join(os.path.realpath(os.path.dirname(path)), os.path.basename(path)), real)
        if name not in names:
            names.append(name)
    return names


def commit(folder: str, paths: Iterable[str], message: str, name: str = "", email: str | None = None) -> str:
    """Stage ``paths`` (added, changed or gone) and commit them alone with ``message``; the
    new commit's short hash, or "" when they hold no change. The author is ``name`` (else
    git's user.name) with ``email`` (else git's user.email, else none); the committer is
    git's own user, else the author. Waits up to LOCK_WAIT seconds for another git command;
    never commits into a pull stopped half way."""
    root = top(folder)
    names = relative(root, paths)
    if _unfinished(root)[0]:
        where = [os.path.join(root, n) for n in names if os.path.lexists(os.path.join(root, n))]
        raise GitError("failed", f"a git pull or merge stopped half way in {root}; finish it first", where)
    deadline = time.monotonic() + LOCK_WAIT
    while True:
        try:
            return _commit(root, names, message, _identity(root, name, email))
        except GitError as e:
            if "index.lock" not in str(e) or time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _identity(root: str, name: str, email: str | None) -> dict[str, str]:
    own_name, own_email = config(root, "user.name"), config(root, "user.email")
    author = name or own_name
    author_email = own_email if email is None else email
    env = {"GIT_AUTHOR_NAME": author, "GIT_AUTHOR_EMAIL": author_email} if author else {}
    if not own_name and author:
        env.update(GIT_COMMITTER_NAME=author, GIT_COMMITTER_EMAIL=own_email or author_email)
    elif not own_email:
        env.update(GIT_COMMITTER_EMAIL="")
    return env


def _commit(root: str, names: list[str], message: str, env: dict[str, str]) -> str:
    here = {n for n in names if os.path.lexists(os.path.join(root, n))}
    staged = here | set(_git(root, "ls-files", "-z", "--", *names).stdout.split("\0"))
    before = _git(root, "ls-files", "-z", "--with-tree=HEAD", "--", *names)  # fails before a first commit
    wanted = [n for n in names if n in staged or n in before.stdout.split("\0")]
    if not wanted:
        return ""
    full = [os.path.join(root, n) for n in wanted]
    if [n for n in names if n in staged]:
        _check(_git(root, "add", "--all", "--", *[n for n in names if n in staged]), "git add", full)
    if _git(root, "diff", "--cached", "--quiet", "--", *wanted).returncode == 0:
        return ""
    _check(_git(root, "commit", "--only", "--quiet", "-m", message, "--", *wanted, env=env), "git commit", full)
    return _git(root, "rev-parse", "--short", "HEAD").stdout.strip()


def _check(result: subprocess.CompletedProcess[str], what: str, paths: list[str]) -> None:
    if result.returncode != 0:
        raise GitError("failed", f"{what} failed: {_first_line(result)}", paths)


def history(paths: list[str]) -> list[str]:
    """The commits (``<hash> <date> <subject>``, every branch) that hold ``paths``: the
    history keeps the words until its owner rewrites it. [] when there is no repository."""
    if not paths:
        return []
    folder = os.path.dirname(os.path.abspath(paths[0]))
    try:
        found = _git(folder, "log", "--all", "--format=%h %ad %s", "--date=short", "--",
                     *map(os.path.abspath, paths))  # fmt: skip
    except GitError:
        return []
    return found.stdout.splitlines() if found.returncode == 0 else []


def uncommitted(folder: str, under: str) -> list[str]:
    """The files below ``under`` that differ from the last commit: new, changed or gone."""
    root = top(folder)
    (name,) = relative(root, [under])
    found = _git(root, "ls-files", "-z", "--others", "--exclude-standard", "--modified", "--deleted", "--", name)
    return sorted({os.path.join(root, n) for n in found.stdout.split("\0") if n})
