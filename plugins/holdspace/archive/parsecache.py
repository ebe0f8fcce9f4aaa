"""Comment files as parsed by the last build, so an unchanged file is not parsed again.

An entry is used only when the file's size, modification and change times (in
nanoseconds) and inode are the ones recorded, and its thread is the same: any
edit, move or ``touch`` reparses it. The parser's own source is part of the
cache's version, so a change of the file format's checks reparses everything;
a cache pickled by other code (a class since moved) is ignored the same way.
One pickle in the cache folder (ignored by git), written atomically; a damaged
or foreign one is ignored. Entries of files no longer read are dropped. A build
that parsed at most ``FEW`` new files, and no file edited, moved or gone, leaves
the cache as it was (those few are parsed again next time), and its forked process
leaves them to it.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import pickle
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import tzinfo
from itertools import islice
from types import ModuleType

from ..problems import Problem
from . import commentfile, header, removed, values
from .commentfile import Comment, read_comment
from .moves import write_atomically
from .reader import comment_files

FILE = "comments.pickle"
FEW = 64  # files parsed again that a build does not write the cache for, nor fork a process to parse
Parsed = tuple[Comment | None, list[Problem]]
Entry = tuple[tuple[int, ...], str, Parsed]  # the file's size, times and inode, its thread, what it parsed to


def version(tz: tzinfo) -> str:
    return f"1 {sources_digest((commentfile, header, removed, values))} {tz}"  # the parser and what it reads with


def sources_digest(modules: Iterable[ModuleType], seed: str = "") -> str:
    """The digest of ``seed`` and of the source of each of ``modules``: a cache's version, so
    that what other code made is not read back (the posts' headers, the index of ids too)."""
    digest = hashlib.sha256(seed.encode())
    for module in modules:
        with open(module.__file__ or "", "rb") as f:
            digest.update(hashlib.sha256(f.read()).digest())
    return digest.hexdigest()


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused meanwhile (then as it was): loading a cache
    makes hundreds of thousands of objects at once, none of them garbage, and each such load
    set off one to three full collections of the whole heap, which found nothing to free
    (0.05-0.1 s for the parse cache of 20,000 comments)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load_versioned(path: str, version: str) -> dict | None:
    """The dict pickled at ``path`` when it names ``version``; None when there is none, it
    is damaged, or it was pickled by other code (a class since moved)."""
    try:
        with open(path, "rb") as f, collector_paused():
            data = pickle.load(f)
    except Exception:
        return None
    return data if isinstance(data, dict) and data.get("version") == version else None


def file_key(path: str) -> str:
    """The name a file is kept under: the build and the commands name it differently (relative, absolute)."""
    return path if os.path.isabs(path) else os.path.abspath(path)


def stamp_of(st: os.stat_result) -> tuple[int, ...]:
    """What tells a file changed: its size, modification and change times, inode."""
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


class ParseCache:
    def __init__(self, folder: str, tz: tzinfo) -> None:
        self.path = os.path.join(folder, FILE)
        self.version = version(tz)
        self.hits = 0
        self.misses = 0
        self.replaced = 0  # misses of files the cache held as they were before (edited, moved)
        self._old: dict[str, Entry] = {}
        self._new: dict[str, Entry] = {}
        data = load_versioned(self.path, self.version)  # none: parse everything
        if data is not None:
            self._old = data.get("entries") or {}

    def read(self, path: str, thread: str, tz: tzinfo) -> Parsed:
        """``read_comment(path, thread, tz)``, from the cache when the file is unchanged."""
        try:
            st = os.stat(path)
        except OSError:
            return read_comment(path, thread, tz)  # reports the problem
        stamp = stamp_of(st)
        key = file_key(path)
        entry = self._old.get(key)
        fresh = _fresh(entry, stamp, thread)
        cached = fresh[2][0] if fresh is not None else None
        if fresh is not None and cached is not None:
            self.hits += 1
            result = fresh[2]
            if cached.path != path:  # named differently this time (relative, absolute)
                result = (replace(cached, path=path), [replace(p, path=path) for p in result[1]])
        else:
            self.misses += 1
            self.replaced += entry is not None
            result = read_comment(path, thread, tz)
        self._new[key] = (stamp, thread, result)
        return result[0], list(result[1])

    def fresh(self, path: str, thread: str) -> bool:
        """Whether the cache holds ``path`` as it is now (``read`` would not parse it)."""
        try:
            stamp = stamp_of(os.stat(path))
        except OSError:
            return False
        return _fresh(self._old.get(file_key(path)), stamp, thread) is not None

    def save(self) -> None:
        """Write what was read, unless that is the cache as it was but for at most ``FEW`` new
        files (a moderator's approve: writing 20,000 entries back would cost more than parsing
        those few on the next build too). A file edited or gone is always written out of it:
        the cache must not keep words or an address its file no longer has."""
        if self._old and self.misses <= FEW and not self.replaced and not self._old.keys() - self._new.keys():
            return
        data = {"version": self.version, "entries": self._new}
        write_atomically(self.path, lambda f: pickle.dump(data, f, protocol=pickle.HIGHEST_PROTOCOL), binary=True)


def _fresh(entry: Entry | None, stamp: tuple[int, ...], thread: str) -> Entry | None:
    """``entry`` when it is the file as it is now (``stamp``), in ``thread``."""
    return entry if entry is not None and entry[0] == stamp and entry[1] == thread else None


def parse_all(folder: str, tz: tzinfo, root: str) -> None:
    """Parse every comment file in a post's folder below ``root`` into the cache in
    ``folder``: a build's forked process does it while Pelican reads the posts, and the
    build's own reading then finds each file parsed (a file changed meanwhile is parsed again).
    When at most ``FEW`` files need parsing (a warm build) it only looks, and ends."""
    parsed = ParseCache(folder, tz)
    files = [(path, thread) for path, thread, problem in comment_files(root) if problem is None and thread is not None]
    stale = (path for path, thread in files if not parsed.fresh(path, thread))
    if next(islice(stale, FEW, None), None) is None:
        return  # the build parses those few itself, without waiting for this process to write the cache
    for path, thread in files:
        parsed.read(path, thread, tz)
    parsed.save()


def forget(folder: str, paths: list[str]) -> int:
    """Drop the entries of ``paths`` from the cache in ``folder`` (an erasure: the parsed
    comment holds the address and the words); how many were dropped."""
    path = os.path.join(folder, FILE)
    try:
        with open(path, "rb") as f:
            data = pickle.load(f)
        entries = data["entries"]
    except Exception:  # none, or one no build would read: remove it whole
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
        return 0
    gone = [key for key in (os.path.abspath(p) for p in paths) if entries.pop(key, None) is not None]
    if gone:
        write_atomically(path, lambda f: pickle.dump(data, f, protocol=pickle.HIGHEST_PROTOCOL), binary=True)
    return len(gone)
