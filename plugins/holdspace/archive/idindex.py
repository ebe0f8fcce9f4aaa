"""What the approved archive holds, for the moderation commands: every comment's id,
file and thread, the names and addresses published, the removed comments' places.

A command that checks one comment against the archive (an id used twice, a
name that looks like another's, a Reply-To) would otherwise read every comment
file, 20,000 of them, from the parse cache. The index is recorded by a build
whose archive held nothing back (so the build's hard rules changed nothing in
it; one that held something back removes it), and by ``approve`` with the
comment it adds (``add``): under the project's lock, but for a plain
``pelican`` run, which takes no lock (as it writes the parse cache).

It is used only while the comments folder and every folder below it are the ones
recorded for this very folder (modification and change times in nanoseconds, inode;
a comments folder not made yet is recorded as missing): a file added, removed, renamed
or replaced changes its folder's times, as do the commands, which write a new file and
rename it into place. A file written in place does not: nano and some editors save that
way, as do ``cp`` over a file, a shell's ``>`` and ``rsync --inplace``. Until the next
build records the index again, the commands see such a file as it was before: its name
and address (a name taken out of a file by hand stays in the index until then;
``holdspace forget`` removes the index at once), its ``Removed:`` line, and whether it
was valid (a reply to a comment broken that way is approved, and the build holds it
back). Its id (its file's name) and thread (its folder) cannot change in place. One
``stat`` per folder, not per file: 1,000 instead of 20,000. A folder changed within
``SETTLE_NS`` of being looked at could change again with the same times (they come
from a clock that ticks every few milliseconds), so it does not count as unchanged;
this assumes the file system's clock is this machine's (not so on a network file
system whose server's clock is off). ``approve`` records the folders it moved the
comment into once they have settled, and only when they hold just what the index
names there. The parser and the reader must be the code that made the index, and every
folder holding comments a post the command knows; otherwise the command reads every
file, as before. It holds addresses, as the parse cache does: an erasure removes it
(``forget``). A pickle in the cache folder, written atomically.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import sys
import time
from collections.abc import Collection
from dataclasses import dataclass
from datetime import tzinfo
from typing import IO

from . import parsecache, reader
from .commentfile import Comment
from .moves import write_atomically
from .reader import Archive

FILE = "ids.pickle"
# Folder times come from the kernel's coarse clock (a tick of 1-10 ms): a change within a tick
# of the recording could leave them as recorded. Times in whole seconds: a file system that
# keeps only those (FAT, some network ones), where a change within two seconds could.
SETTLE_NS = 20_000_000
COARSE_SETTLE_NS = 2_000_000_000
MISSING = (0, 0, 0)  # the stamp of a comments folder not made yet
# folder (absolute) -> (modification and change times, inode), its thread ("" for the
# comments folder itself), whether it holds comment files, when it was looked at
Folders = dict[str, tuple[tuple[int, int, int], str, bool, int]]


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


def folders(root: str) -> Folders:
    """``root`` and every folder below it (not hidden ones, not linked ones: the reader reports
    those, and an archive with a problem has no index), as they are now. Taken before the
    files are read; a folder changed just now is waited for (``SETTLE_NS``), once."""
    found = _walk(root)
    if any(_settling(stamp, taken) for stamp, _, _, taken in found.values()):
        time.sleep(SETTLE_NS / 1e9)
        found = _walk(root)
    return found


def _walk(root: str) -> Folders:
    found: Folders = {}
    stack = [(root, "")]
    while stack:
        folder, thread = stack.pop()
        taken = time.time_ns()
        stamp = _current(folder)
        if stamp is None or stamp == MISSING:
            if folder == root:  # none yet: recorded as missing, so that one made is seen
                found[root] = (MISSING, "", False, taken)
            continue  # gone meanwhile: its parent's times tell
        try:
            with os.scandir(folder) as it:
                entries = [e for e in it if not e.name.startswith(".")]
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                stack.append((entry.path, f"{thread}/{entry.name}" if thread else entry.name))
        found[folder] = (stamp, thread, any(e.name.endswith(".md") for e in entries), taken)
    return found


def unchanged(recorded: Folders, root: str) -> bool:
    """``recorded`` is this comments folder's (``root`` and only folders below it), every
    folder is as it was, and none was changed just before it was recorded."""
    if root not in recorded or recorded[root][1] != "":
        return False  # another project's folders (a copied site, a shared cache folder)
    below = root.rstrip(os.sep) + os.sep
    for folder, (stamp, _, _, taken) in recorded.items():
        if (folder != root and not folder.startswith(below)) or _settling(stamp, taken):
            return False
        if _current(folder) != stamp:
            return False
    return True


def _current(folder: str) -> tuple[int, int, int] | None:
    """The folder's stamp now: ``MISSING`` when there is none, ``None`` when it cannot be told."""
    try:
        return _stamp(os.stat(folder))
    except FileNotFoundError:
        return MISSING
    except OSError:
        return None


def _stamp(st: os.stat_result) -> tuple[int, int, int]:
    return (st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def _settling(stamp: tuple[int, int, int], taken: int) -> bool:
    if stamp == MISSING:
        return False
    changed = stamp[1]  # the change time: any change of the folder sets it
    return changed >= taken - (COARSE_SETTLE_NS + SETTLE_NS if changed % 1_000_000_000 == 0 else SETTLE_NS)


def _version(tz: tzinfo) -> str:
    """The parser's version, and this module's (what is recorded, ``add`` included) and the
    reader's (the checks across files)."""
    return parsecache.sources_digest((reader, sys.modules[__name__]), parsecache.version(tz))


def save(folder: str, tz: tzinfo, found: Folders, index: Index | None) -> None:
    """Record ``index`` as the archive in ``found`` (``folders``, taken before the files were
    read); ``None``: the archive held something back, and the index is removed (it would hold
    the names of files gone). Only by a build and ``approve``, which hold the project's lock
    (but for a plain ``pelican`` run): an erasure removes the index under it, and a command
    reading meanwhile must not write back what was erased."""
    with contextlib.suppress(OSError):  # a cache: a folder the command cannot write is read in full next time
        if index is None:
            forget(folder)
        else:
            data = {"version": _version(tz), "folders": found, "index": index}
            write_atomically(os.path.join(folder, FILE), lambda f: _dump(data, f), binary=True)


def _dump(data: object, f: IO[bytes]) -> None:
    """Pickled without a memo (``fast``: a third of the time; the index holds no object twice
    that must stay one, and no cycle)."""
    pickler = pickle.Pickler(f, pickle.HIGHEST_PROTOCOL)
    pickler.fast = True
    pickler.dump(data)


def add(folder: str, tz: tzinfo, found: Folders, index: Index, comment: Comment, path: str) -> bool:
    """Record ``index`` with ``comment``, just approved into ``path`` (under the project's lock):
    its folder, and any made for it, are looked at again once their times have settled, and
    must hold just what the index says and the new file (else something else changed them
    meanwhile). Not a removed comment's record, or a reply whose parent is not in its thread
    (a build would hold it back). ``False``: nothing recorded, and as a folder changed, the
    next command reads every file."""
    if comment.removed or (comment.reply_to and index.thread_of(comment.reply_to) != comment.thread):
        return False
    changed: list[str] = []
    place = os.path.dirname(path)
    while not changed or changed[-1] not in found:  # its folder, up to one recorded before
        changed.append(place)
        if place == os.path.dirname(place):
            return False  # not below the comments folder
        place = os.path.dirname(place)
    try:
        newest = max(os.stat(place).st_ctime_ns for place in changed)
    except OSError:
        return False
    time.sleep(max(0, newest + SETTLE_NS + 1_000_000 - time.time_ns()) / 1e9)  # until they have settled
    parts = comment.thread.split("/")
    for depth, place in enumerate(changed):
        taken = time.time_ns()
        stamp = _current(place)
        if stamp is None or stamp == MISSING:
            return False
        old = found.get(place)
        thread = old[1] if old else "/".join(parts[: len(parts) - depth])
        found[place] = (stamp, thread, depth == 0 or (old is not None and old[2]), taken)
    index.paths[comment.id] = path
    index.threads[comment.id] = comment.thread
    index.people.add((comment.author, comment.email))
    files: dict[str, set[str]] = {place: set() for place in changed}  # what the index names in each
    for file in index.paths.values():
        if (place := file.rpartition(os.sep)[0]) in files:
            files[place].add(file)
    if not all(_holds(place, files[place], found) for place in changed):
        return False
    save(folder, tz, found, index)
    return True


def _holds(place: str, files: set[str], found: Folders) -> bool:
    """``place`` holds ``files`` and the folders recorded below it, nothing else."""
    try:
        with os.scandir(place) as it:
            entries = [(e.path, e.is_dir(follow_symlinks=False)) for e in it if not e.name.startswith(".")]
    except OSError:
        return False
    folders = {f for f in found if f.rpartition(os.sep)[0] == place}
    return {p for p, is_dir in entries if not is_dir} == files and {p for p, is_dir in entries if is_dir} == folders


def load(folder: str, tz: tzinfo, threads: Collection[str], root: str) -> tuple[Index, Folders] | None:
    """The index recorded for the comments folder ``root``, with its folders, while they are
    unchanged and each folder holding comments is a post in ``threads``."""
    data = parsecache.load_versioned(os.path.join(folder, FILE), _version(tz))
    if data is None or not isinstance(data.get("index"), Index) or not isinstance(data.get("folders"), dict):
        return None  # none yet, damaged, or pickled by other code: read the archive
    found: Folders = data["folders"]
    if any(holds and thread not in threads for _, thread, holds, _ in found.values()) or not unchanged(found, root):
        return None
    return data["index"], found


def forget(folder: str) -> None:
    """Remove the index (an erasure: it holds names and addresses)."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(os.path.join(folder, FILE))
