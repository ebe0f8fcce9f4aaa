"""What the approved archive holds, for the moderation commands: every comment's id,
file and thread, the names and addresses published, the removed comments' places.

A command that checks one comment against the archive (an id used twice, a
name that looks like another's, a Reply-To) would otherwise read every comment
file, 20,000 of them, from the parse cache. The index is recorded by a build
whose archive held nothing back (so the build's hard rules changed nothing in
it; one that held something back removes it), and by ``approve`` with the
comment it adds (``add``): under the project's lock, but for a plain
``pelican`` run, which takes no lock (as it writes the parse cache). It is used only when every comment file
below the comments folder is the one recorded (size, modification and change
times in nanoseconds, inode, thread: any edit, move, new or removed file fails
it), the parser and the reader are the code that made it, and every thread is a
post the command knows; otherwise the command reads every file, as before. It
holds addresses, as the parse cache does: an erasure removes it (``forget``).
A pickle in the cache folder, written atomically.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
from collections.abc import Collection
from dataclasses import dataclass
from datetime import tzinfo

from . import parsecache, reader
from .commentfile import Comment
from .moves import write_atomically
from .parsecache import Stamps, file_key, stamp_of
from .reader import Archive, comment_files

FILE = "ids.pickle"


@dataclass
class Index:
    """The archive's ids and names, as ``read_archive`` gives them when nothing is held back."""

    paths: dict[str, str]  # id -> its file
    threads: dict[str, str]  # id -> thread, of each published comment (not the removed ones)
    people: set[tuple[str, str]]  # (name, address) of the published comments
    removed: dict[str, str]  # id -> thread, of removed comments' records (their places)

    def thread_of(self, cid: str) -> str | None:
        """The thread of comment ``cid``, published or a removed one's place (``None``: neither)."""
        return self.threads.get(cid) or self.removed.get(cid)


def of_archive(archive: Archive) -> Index:
    shown = [c for thread in archive.threads.values() for c in thread]
    return Index(
        dict(archive.paths),
        {c.id: c.thread for c in shown},
        {(c.author, c.email) for c in shown},
        {c.id: c.thread for thread in archive.removed.values() for c in thread},
    )


def stamps(root: str) -> Stamps | None:
    """Every comment file below ``root`` as it is now, or ``None`` when one is not a comment
    file in a post's folder (then the archive is read as before, and reports it)."""
    found: Stamps = {}
    for path, thread, problem in comment_files(root):
        if problem is not None or thread is None:
            return None
        try:
            st = os.stat(path)
        except OSError:
            return None
        found[file_key(path)] = (stamp_of(st), thread)
    return found


def _version(tz: tzinfo) -> str:
    """The parser's version, and this module's (what is recorded, ``add`` included) and the
    reader's (the checks across files)."""
    source = hashlib.sha256(parsecache.version(tz).encode())
    for module in (reader, sys.modules[__name__]):
        with open(module.__file__ or "", "rb") as f:
            source.update(hashlib.sha256(f.read()).digest())
    return source.hexdigest()


def save(folder: str, tz: tzinfo, files: Stamps, index: Index | None) -> None:
    """Record ``index`` as the archive of ``files`` (``stamps``, taken before they were read);
    ``None``: the archive held something back, and the index is removed (it would hold the
    names of files gone). Only by a build and ``approve``, which hold the project's lock
    (but for a plain ``pelican`` run): an erasure removes the index under it, and a command
    reading meanwhile must not write back what was erased."""
    with contextlib.suppress(OSError):  # a cache: a folder the command cannot write is read in full next time
        if index is None:
            forget(folder)
        else:
            data = {"version": _version(tz), "files": files, "index": index}
            write_atomically(
                os.path.join(folder, FILE), lambda f: pickle.dump(data, f, pickle.HIGHEST_PROTOCOL), binary=True
            )


def add(folder: str, tz: tzinfo, files: Stamps, index: Index, comment: Comment, path: str) -> None:
    """Record ``index`` and ``files`` with ``comment``, just approved into ``path`` (under the
    project's lock). Not a removed comment's record, or a reply whose parent is not in its
    thread (a build would hold it back): then nothing is recorded, and as the file moved, the
    next command reads every file."""
    if comment.removed or (comment.reply_to and index.thread_of(comment.reply_to) != comment.thread):
        return
    try:
        st = os.stat(path)
    except OSError:
        return
    index.paths[comment.id] = path
    index.threads[comment.id] = comment.thread
    index.people.add((comment.author, comment.email))
    files[file_key(path)] = (stamp_of(st), comment.thread)
    save(folder, tz, files, index)


def load(folder: str, tz: tzinfo, files: Stamps | None, threads: Collection[str]) -> Index | None:
    """The index recorded for exactly ``files``, when each of their threads is in ``threads``."""
    if files is None:
        return None
    try:
        with open(os.path.join(folder, FILE), "rb") as f:
            data = pickle.load(f)
        if data["version"] != _version(tz) or data["files"] != files or not isinstance(data["index"], Index):
            return None
    except Exception:  # none yet, damaged, or pickled by other code: read the archive
        return None
    if any(thread not in threads for _, thread in files.values()):
        return None
    return data["index"]  # type: ignore[no-any-return]


def forget(folder: str) -> None:
    """Remove the index (an erasure: it holds names and addresses)."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(os.path.join(folder, FILE))
