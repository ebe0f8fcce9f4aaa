"""The comment folders as they are: whether any changed since they were recorded.

A folder's stamp is its modification and change times in nanoseconds and its inode: a
file added, removed, renamed or replaced changes them (a comments folder not made yet
is recorded as missing). A file written in place does not (``archive.idindex`` says
what that means for the commands). One ``stat`` per folder, not per file: 1,000
instead of 20,000.

The times come from a clock that ticks every few milliseconds: a folder changed within
``SETTLE_NS`` of being looked at could change again with the same times. Such a folder
counts as unchanged only with what it held when it was looked at (``listing``: each
entry's name, inode, kind, change time and size) and holds the same now: a file added,
removed or renamed changes the names; one put in place of another (a new file renamed
over it), or removed and made again (which may reuse the inode), the inode or the change
time. Only a file made again within the same tick as the one it replaces (the comment
approve has just moved, within milliseconds) and of the same size would go unseen.
A build's ``folders`` waits for a change just made to settle instead (once); ``approve``,
which has just moved a comment into its folder, lists it first and then takes its times
(so that a change between the two shows in one or the other), keeps the listing, and the
next command lists that folder again (one ``scandir`` and a ``stat`` per entry). A folder
whose times are whole seconds (a file system that keeps only those) gets no listing: it
is read again in full until a build records it. This assumes the file system's clock is
this machine's (not so on a network file system whose server's clock is off).
"""

from __future__ import annotations

import os
import time

# Folder times come from the kernel's coarse clock (a tick of 1-10 ms): a change within a tick
# of the recording could leave them as recorded. Times in whole seconds: a file system that
# keeps only those (FAT, some network ones), where a change within two seconds could.
SETTLE_NS = 20_000_000
COARSE_SETTLE_NS = 2_000_000_000
MISSING = (0, 0, 0)  # the stamp of a comments folder not made yet
Stamp = tuple[int, int, int]
# (name, inode, a folder?, change time, size) of each entry but hidden ones
Listing = frozenset[tuple[str, int, bool, int, int]]
# folder (absolute) -> its stamp, its thread ("" for the comments folder itself), whether it
# holds comment files, when it was looked at, and what it held then if that was within a tick
# of a change (else None)
Folders = dict[str, tuple[Stamp, str, bool, int, Listing | None]]


def folders(root: str) -> Folders:
    """``root`` and every folder below it (not hidden ones, not linked ones: the reader reports
    those, and an archive with a problem has no index), as they are now. Taken before the
    files are read; a folder changed just now is waited for (``SETTLE_NS``), once."""
    found = _walk(root)
    if any(settling(stamp, taken) for stamp, _, _, taken, _ in found.values()):
        time.sleep(SETTLE_NS / 1e9)
        found = _walk(root)
    return found


def _walk(root: str) -> Folders:
    found: Folders = {}
    stack = [(root, "")]
    while stack:
        folder, thread = stack.pop()
        taken = time.time_ns()
        stamp = current(folder)
        if stamp is None or stamp == MISSING:
            if folder == root:  # none yet: recorded as missing, so that one made is seen
                found[root] = (MISSING, "", False, taken, None)
            continue  # gone meanwhile: its parent's times tell
        try:
            with os.scandir(folder) as it:
                entries = [e for e in it if not e.name.startswith(".")]
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                stack.append((entry.path, f"{thread}/{entry.name}" if thread else entry.name))
        found[folder] = (stamp, thread, any(e.name.endswith(".md") for e in entries), taken, None)
    return found


def unchanged(recorded: Folders, root: str) -> bool:
    """``recorded`` is this comments folder's (``root`` and only folders below it), every
    folder is as it was, and one changed just before it was recorded holds what it held."""
    if root not in recorded or recorded[root][1] != "":
        return False  # another project's folders (a copied site, a shared cache folder)
    below = root.rstrip(os.sep) + os.sep
    for folder, (stamp, _, _, taken, held) in recorded.items():
        if (folder != root and not folder.startswith(below)) or current(folder) != stamp:
            return False
        if settling(stamp, taken) and (held is None or listing(folder) != held):
            return False
    return True


def current(folder: str) -> Stamp | None:
    """The folder's stamp now: ``MISSING`` when there is none, ``None`` when it cannot be told."""
    try:
        st = os.stat(folder)
    except FileNotFoundError:
        return MISSING
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def listing(folder: str) -> Listing | None:
    """What ``folder`` holds now (``None``: it cannot be listed)."""
    try:
        with os.scandir(folder) as it:
            return frozenset(_entry(e) for e in it if e.name[0] != ".")
    except OSError:
        return None


def _entry(entry: os.DirEntry[str]) -> tuple[str, int, bool, int, int]:
    st = entry.stat(follow_symlinks=False)
    return (entry.name, st.st_ino, entry.is_dir(follow_symlinks=False), st.st_ctime_ns, st.st_size)


def settling(stamp: Stamp, taken: int) -> bool:
    """The folder was changed within a tick of ``taken``, when it was looked at."""
    if stamp == MISSING:
        return False
    changed = stamp[1]  # the change time: any change of the folder sets it
    return changed >= taken - (COARSE_SETTLE_NS + SETTLE_NS if coarse(stamp) else SETTLE_NS)


def coarse(stamp: Stamp) -> bool:
    """The folder's change time is in whole seconds: a file system that keeps only those (or,
    once in a billion, a fine one at a whole second)."""
    return stamp[1] % 1_000_000_000 == 0
