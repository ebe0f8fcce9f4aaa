"""Moving moderators' comment files between folders (queue, comments, rejected).

A move never replaces an existing file, never deletes one, and is atomic: after
a crash the file is in exactly one place. Linux's renameat2() with
RENAME_NOREPLACE does all of this in one step. Where the C library lacks
renameat2, or the file system does not support the flag, the move falls back to
os.link() (which also refuses to replace) followed by os.unlink(); a crash
between those two leaves two names for one file, never zero.

After a move the destination folder and then the source folder are flushed to
disk (fsync), as is the parent of every folder the move created, so the move
survives a power cut.
"""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import tempfile
from collections.abc import Callable
from typing import IO, Any

from ..problems import HoldspaceError

AT_FDCWD = -100
RENAME_NOREPLACE = 1

StrPath = str | os.PathLike[str]


class MoveError(HoldspaceError):
    """A move that was refused; str(e) is a plain-language sentence for volunteers."""


def _renameat2() -> Callable[[int, bytes, int, bytes, int], int] | None:
    """The C library's renameat2(), or None where it has none (glibc before 2.28)."""
    try:
        func = ctypes.CDLL(None, use_errno=True).renameat2
    except AttributeError:
        return None
    func.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    func.restype = ctypes.c_int
    return func


def move_file(src: StrPath, dst: StrPath) -> None:
    """Move src to dst atomically without ever replacing dst.

    Creates dst's parent folders. Raises MoveError if dst exists ("... already
    exists; nothing was moved"), if src does not exist, or if src and dst are on
    different file systems; after a MoveError both files are as they were.
    """
    src_b, dst_b = os.fsencode(src), os.fsencode(dst)
    src_dir, dst_dir = os.path.dirname(src_b) or b".", os.path.dirname(dst_b) or b"."
    if not os.path.lexists(src_b):  # checked first so that a refused move creates no folders
        raise MoveError(_refusal(errno.ENOENT, src, dst))
    try:
        _make_folders(dst_dir)
    except OSError as e:
        folder = os.fsdecode(e.filename or dst_dir)
        raise MoveError(f"cannot create the folder {folder}: {e.strerror}; nothing was moved") from e
    try:
        _rename_noreplace(src_b, dst_b)
    except OSError as e:
        raise MoveError(_refusal(e.errno, src, dst)) from e
    _fsync_folder(dst_dir)
    if src_dir != dst_dir:
        _fsync_folder(src_dir)


def _rename_noreplace(src: bytes, dst: bytes) -> None:
    renameat2 = _renameat2()
    if renameat2 is not None:
        if renameat2(AT_FDCWD, src, AT_FDCWD, dst, RENAME_NOREPLACE) == 0:
            return
        err = ctypes.get_errno()
        if err not in (errno.ENOSYS, errno.EINVAL):  # those two: no renameat2 here, or no flag support
            raise OSError(err, os.strerror(err))
    # Fallback. A crash between link and unlink leaves two names for one file, never zero.
    os.link(src, dst, follow_symlinks=False)  # like rename, moves a symlink itself, not its target
    try:
        os.unlink(src)
    except OSError:
        os.unlink(dst)  # take back the name just added: the file stays at src, as before the move
        raise


def _refusal(err: int | None, src: StrPath, dst: StrPath) -> str:
    src_s, dst_s = os.fsdecode(src), os.fsdecode(dst)
    if err == errno.EEXIST:
        return f"{dst_s} already exists; nothing was moved"
    if err == errno.ENOENT:
        return f"{src_s} does not exist; nothing was moved"
    if err == errno.EXDEV:
        return f"{src_s} and {dst_s} are on different file systems (disks); nothing was moved"
    return f"cannot move {src_s} to {dst_s}: {os.strerror(err or 0)}; nothing was moved"


def _make_folders(folder: bytes) -> None:
    """os.makedirs(folder, exist_ok=True), flushing the parent of each folder it creates."""
    if os.path.isdir(folder):
        return
    parent = os.path.dirname(folder) or b"."
    _make_folders(parent)
    try:
        os.mkdir(folder)
    except FileExistsError:
        if not os.path.isdir(folder):
            raise
    _fsync_folder(parent)


def _fsync_folder(folder: bytes) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


RENAME_EXCHANGE = 2


def replace_folder(new: StrPath, old: StrPath, dispose: Callable[[bytes], object] = shutil.rmtree) -> None:
    """Put folder ``new`` where folder ``old`` is, in one atomic step where Linux allows
    (renameat2 RENAME_EXCHANGE), so ``old`` is at every moment either whole or replaced
    whole; then ``dispose`` of what was ``old`` (remove it). Used for built output, never
    for comments."""
    new_b, old_b = os.fsencode(new), os.fsencode(old)
    if not os.path.exists(old_b):
        os.rename(new_b, old_b)
        return
    renameat2 = _renameat2()
    if renameat2 is not None and renameat2(AT_FDCWD, new_b, AT_FDCWD, old_b, RENAME_EXCHANGE) == 0:
        dispose(new_b)  # now holds the previous output
        return
    aside = old_b + b".previous"
    shutil.rmtree(aside, ignore_errors=True)
    os.rename(old_b, aside)  # the one moment without a folder at ``old``
    os.rename(new_b, old_b)
    dispose(aside)


def write_atomically(path: str, write: Callable[[IO[Any]], object], binary: bool = False) -> None:
    """Write the file at ``path`` whole or not at all (a cache file a killed build may be
    writing): ``write`` fills a hidden temporary file beside it, which then replaces it."""
    folder = os.path.dirname(path) or "."
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(path)}-", suffix=".tmp")
    try:
        os.fchmod(fd, _mode_for(path))  # mkstemp's 0600 would hide a comment file from other users
        with os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def _mode_for(path: str, new: int = 0o600) -> int:
    """The mode a file written at ``path`` gets: the one it has (a comment file rewritten stays
    as readable as it was), else ``new`` (private, for caches and .private/)."""
    try:
        return os.stat(path).st_mode & 0o7777
    except FileNotFoundError:
        return new


def write_new(path: str, data: bytes) -> None:
    """Write the file at ``path`` whole, never over an existing one (FileExistsError then):
    a hidden temporary file beside it, flushed, then linked into place."""
    folder = os.path.dirname(path) or "."
    _make_folders(os.fsencode(folder))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(path)}-", suffix=".tmp")
    try:
        os.fchmod(fd, 0o644)  # a comment file's record: read by whoever builds the site
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.link(tmp, path)
    finally:
        os.unlink(tmp)
    _fsync_folder(os.fsencode(folder))


def write_text(path: str, text: str) -> int:
    """Write ``text`` as the file ``path``, in UTF-8, created or emptied first (as ``open(path,
    "w")`` does, without a Python file object: the search's 21,000 result files, the redirect
    pages); its bytes."""
    data = text.encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
    try:
        left = memoryview(data)
        while left:
            left = left[os.write(fd, left) :]
    finally:
        os.close(fd)
    return len(data)
