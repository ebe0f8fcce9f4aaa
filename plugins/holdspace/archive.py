"""Read every approved comment file and check what no single file can: unique
ids, Reply-To targets in the same thread, reply cycles, folders naming a post.

Every problem is collected; a bad comment is left out and every other comment
is kept. Nothing on disk is changed.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from datetime import tzinfo

from .commentfile import Comment, read_comment
from .problems import Problem


@dataclass
class Archive:
    """The comments that may be published, by thread slug, and what was held back."""

    threads: dict[str, list[Comment]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    files: int = 0
    held_back: set[str] = field(default_factory=set)  # paths of files left out

    @property
    def published(self) -> int:
        return sum(len(comments) for comments in self.threads.values())


def comment_files(root: str) -> Iterable[tuple[str, str | None]]:
    """Yield (path, thread) for every ``.md`` file below ``root``.

    ``thread`` is the folder name for ``root/<thread>/<id>.md``, ``None`` for a
    file anywhere else. Hidden files and folders are skipped.
    """
    if not os.path.isdir(root):
        return
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        rel = os.path.relpath(dirpath, root)
        thread = rel if rel != os.curdir and os.sep not in rel else None
        for name in sorted(filenames):
            if name.endswith(".md") and not name.startswith("."):
                yield os.path.join(dirpath, name), thread


def read_archive(
    root: str,
    threads: Collection[str],
    tz: tzinfo,
    *,
    progress: Callable[[int], None] | None = None,
) -> Archive:
    """Read the comments below ``root``; ``threads`` are the slugs that take comments."""
    archive = Archive()
    comments: list[Comment] = []
    for path, thread in comment_files(root):
        archive.files += 1
        if progress is not None and archive.files % 1000 == 0:
            progress(archive.files)
        if thread is None:
            archive.problems.append(
                Problem(path, 1, "the comment is not in a post's folder", "move it to comments/<post-slug>/")
            )
            archive.held_back.add(path)
            continue
        comment, problems = read_comment(path, thread, tz)
        if thread not in threads:
            close = difflib.get_close_matches(thread, threads, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            problems.append(
                Problem(
                    path,
                    1,
                    f"the folder {thread!r} names no post",
                    f"move the file to the folder named after its post's slug{hint}",
                )
            )
        if problems or comment is None:
            archive.problems.extend(problems)
            archive.held_back.add(path)
        else:
            comments.append(comment)

    comments = _unique_ids(comments, archive)
    comments = _valid_replies(comments, archive)
    for comment in comments:
        archive.threads.setdefault(comment.thread, []).append(comment)
    for thread_comments in archive.threads.values():
        thread_comments.sort(key=lambda c: (c.date, c.id))
    archive.problems.sort()
    return archive


def _unique_ids(comments: list[Comment], archive: Archive) -> list[Comment]:
    """Keep the first file of each id, in path order; report the others."""
    first: dict[str, Comment] = {}
    kept = []
    for comment in comments:
        if comment.id in first:
            archive.problems.append(
                Problem(
                    comment.path,
                    1,
                    f"the id {comment.id!r} is already used by {first[comment.id].path}",
                    "rename one of the files: ids are unique across the archive",
                )
            )
            archive.held_back.add(comment.path)
        else:
            first[comment.id] = comment
            kept.append(comment)
    return kept


def _valid_replies(comments: list[Comment], archive: Archive) -> list[Comment]:
    """Hold back replies to a missing comment, to another thread, or in a cycle.

    A reply whose parent exists but was held back for a problem of its own
    stays published (it is shown at the top level); its parent is reported.
    """
    by_id = {c.id: c for c in comments}
    held_ids = {os.path.splitext(os.path.basename(p))[0]: p for p in archive.held_back}
    bad: set[str] = set()
    for c in comments:
        if c.reply_to is None:
            continue
        parent = by_id.get(c.reply_to)
        if parent is None and c.reply_to not in held_ids:
            close = difflib.get_close_matches(c.reply_to, [o.id for o in comments if o.thread == c.thread], n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            archive.problems.append(
                Problem(
                    c.path,
                    c.reply_to_line,
                    f"Reply-To {c.reply_to!r} names no comment",
                    f"write the id of a comment in {c.thread!r}{hint}, or remove the line",
                )
            )
            bad.add(c.id)
        elif parent is not None and parent.thread != c.thread:
            archive.problems.append(
                Problem(
                    c.path,
                    c.reply_to_line,
                    f"Reply-To {c.reply_to!r} is a comment on another post ({parent.thread!r})",
                    "a reply must be in the same folder as the comment it answers",
                )
            )
            bad.add(c.id)

    # Cycle detection, linear: each comment is walked up from at most once.
    state: dict[str, int] = {}  # 1: on the current walk, 2: finished
    for start in comments:
        walk: list[str] = []
        cid: str | None = start.id
        while cid is not None and cid in by_id and state.get(cid) is None and cid not in bad:
            state[cid] = 1
            walk.append(cid)
            cid = by_id[cid].reply_to
        if cid is not None and state.get(cid) == 1:  # came back to this walk: a cycle
            cycle = walk[walk.index(cid) :]
            chain = " -> ".join([*cycle, cid])
            for member in cycle:
                m = by_id[member]
                archive.problems.append(
                    Problem(
                        m.path,
                        m.reply_to_line,
                        f"replies form a cycle: {chain}",
                        "remove or correct one of these Reply-To lines",
                    )
                )
                bad.add(member)
        for walked in walk:
            state[walked] = 2

    kept = []
    for c in comments:
        if c.id in bad:
            archive.held_back.add(c.path)
        else:
            kept.append(c)
    return kept
