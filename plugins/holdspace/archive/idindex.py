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
recorded for this very folder (``archive.stamps``): a file added, removed, renamed or
replaced changes its folder's times, as do the commands, which write a new file and
rename it into place. A file written in place does not: nano and some editors save that
way, as do ``cp`` over a file, a shell's ``>`` and ``rsync --inplace``. Until the next
build records the index again, the commands see such a file as it was before: its name
and address (a name taken out of a file by hand stays in the index until then;
``holdspace forget`` removes the index at once), its ``Removed:`` line, and whether it
was valid (a reply to a comment broken that way is approved, and the build holds it
back). Its id (its file's name) and thread (its folder) cannot change in place.
``approve`` records the folders it moved the comment into only when they hold just what
the index names there (one changed within a tick of that, with what it holds). The
parser and the reader must be the code that made the index, and every folder holding
comments a post the command knows; otherwise the command reads every file, as before.
It holds addresses, as the parse cache does: an erasure removes it (``forget``). A
pickle in the cache folder, written atomically.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import pickle
import sys
import time
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import tzinfo
from typing import IO, Any

from . import parsecache, reader, stamps
from .commentfile import Comment
from .moves import write_atomically
from .reader import Archive
from .stamps import Folders

FILE = "ids.pickle"


@dataclass
class Index:
    """The archive's ids and names, as ``read_archive`` gives them when nothing is held back."""

    root: str  # the comments folder
    threads: dict[str, str]  # id -> thread, of each published comment (not the removed ones)
    people: dict[str, set[str]]  # name -> the addresses published with it
    removed: dict[str, str]  # id -> thread, of removed comments' records (their places)
    odd: dict[str, str] = field(default_factory=dict)  # id -> its file, where not <root>/<thread>/<id>.md

    def thread_of(self, cid: str) -> str | None:
        """The thread of comment ``cid``, published or a removed one's place (``None``: neither)."""
        return self.threads.get(cid) or self.removed.get(cid)

    def path(self, cid: str, thread: str) -> str:
        """The file of comment ``cid`` in ``thread``: <root>/<thread>/<id>.md, unless ``odd``."""
        root = self.root if self.root.endswith(os.sep) else self.root + os.sep  # as os.path.join and scandir
        return self.odd.get(cid) or f"{root}{thread.replace('/', os.sep)}{os.sep}{cid}.md"

    @property
    def paths(self) -> Mapping[str, str]:
        """id -> its file, of every comment file (a removed comment's record too)."""
        return _Paths(self)


class _Paths(Mapping[str, str]):
    """An index's files, made from the threads when asked for: 20,000 paths in the pickle
    were half its size and of the time to read it. A file that is neither published nor a
    removed comment's record (one the archive held back) is in ``odd``."""

    def __init__(self, index: Index) -> None:
        self._index = index

    def __getitem__(self, cid: str) -> str:
        thread = self._index.thread_of(cid)
        if thread is None:
            return self._index.odd[cid]  # KeyError: no such file
        return self._index.path(cid, thread)

    def __iter__(self) -> Iterator[str]:
        index = self._index
        return itertools.chain(index.threads, index.removed, (c for c in index.odd if index.thread_of(c) is None))

    def __len__(self) -> int:
        return sum(1 for _ in self)


def of_archive(archive: Archive, root: str) -> Index:
    """The index of ``archive``, read from the comments folder ``root``."""
    shown = [c for thread in archive.threads.values() for c in thread]
    people: dict[str, set[str]] = {}
    for c in shown:
        people.setdefault(c.author, set()).add(c.email)
    index = Index(root, {c.id: c.thread for c in shown}, people,
                  {c.id: c.thread for thread in archive.removed.values() for c in thread})  # fmt: skip
    for cid, path in archive.paths.items():
        thread = index.thread_of(cid)
        if thread is None or index.path(cid, thread) != path:
            index.odd[cid] = path
    return index


def _packed(index: Index) -> dict[str, Any]:
    """The index as the pickle holds it: ids by thread and addresses by name, each list one
    string (ids hold no space; an address comes from one header line, so holds no newline):
    a third of the size, read in a third of the time."""
    return {
        "root": index.root,
        "ids": _by_thread(index.threads),
        "removed": _by_thread(index.removed),
        "people": {name: "\n".join(emails) for name, emails in index.people.items()},
        "odd": index.odd,
    }


def _unpacked(data: dict[str, Any]) -> Index:
    return Index(
        data["root"],
        _of_threads(data["ids"]),
        {name: set(emails.split("\n")) for name, emails in data["people"].items()},
        _of_threads(data["removed"]),
        data["odd"],
    )


def _by_thread(threads: dict[str, str]) -> dict[str, str]:
    ids: dict[str, list[str]] = {}
    for cid, thread in threads.items():
        ids.setdefault(thread, []).append(cid)
    return {thread: " ".join(some) for thread, some in ids.items()}


def _of_threads(ids: dict[str, str]) -> dict[str, str]:
    threads: dict[str, str] = {}
    for thread, some in ids.items():
        threads.update(dict.fromkeys(some.split(" "), thread))
    return threads


def _version(tz: tzinfo) -> str:
    """The parser's version, and this module's and ``stamps``'s (what is recorded, ``add``
    included) and the reader's (the checks across files)."""
    return parsecache.sources_digest((reader, stamps, sys.modules[__name__]), parsecache.version(tz))


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
            data = {"version": _version(tz), "folders": found, "index": _packed(index)}
            write_atomically(os.path.join(folder, FILE), lambda f: _dump(data, f), binary=True)


def _dump(data: object, f: IO[bytes]) -> None:
    """Pickled without a memo (``fast``: a third of the time; the index holds no object twice
    that must stay one, and no cycle)."""
    pickler = pickle.Pickler(f, pickle.HIGHEST_PROTOCOL)
    pickler.fast = True
    pickler.dump(data)


def add(folder: str, tz: tzinfo, found: Folders, index: Index, comment: Comment, path: str) -> bool:
    """Record ``index`` with ``comment``, just approved into ``path`` (under the project's lock):
    its folder, and any made for it, are looked at again and must hold just what the index
    says and the new file (else something else changed them meanwhile); each is recorded
    with what it holds (changed within a tick: ``stamps``). Not a removed comment's record,
    or a reply whose parent is not in its thread (a build would hold it back). ``False``:
    nothing recorded, and as a folder changed, the next command reads every file."""
    if comment.removed or (comment.reply_to and index.thread_of(comment.reply_to) != comment.thread):
        return False
    changed: list[str] = []
    place = os.path.dirname(path)
    while not changed or changed[-1] not in found:  # its folder, up to one recorded before
        changed.append(place)
        if place == os.path.dirname(place):
            return False  # not below the comments folder
        place = os.path.dirname(place)
    index.threads[comment.id] = comment.thread
    if index.path(comment.id, comment.thread) != path:
        index.odd[comment.id] = path
    index.people[comment.author] = index.people.get(comment.author, set()) | {comment.email}  # a new set: NameIndex
    parts = comment.thread.split("/")
    threads = [found[place][1] if place in found else "/".join(parts[: len(parts) - depth])
               for depth, place in enumerate(changed)]  # fmt: skip
    files: dict[str, set[str]] = {thread: set() for thread in threads}  # what the index names in each
    for cid, thread in itertools.chain(index.threads.items(), index.removed.items()):
        if thread in files:
            files[thread].add(index.path(cid, thread))
    for depth, (place, thread) in enumerate(zip(changed, threads, strict=True)):
        taken = time.time_ns()
        held = stamps.listing(place)  # before the times: a change between the two shows in one of them
        stamp = stamps.current(place)
        if stamp is None or stamp == stamps.MISSING or held is None or not _holds(place, held, files[thread], found):
            return False
        holds = depth == 0 or (place in found and found[place][2])
        found[place] = (stamp, thread, holds, taken, held if _listed(stamp, taken) else None)
    save(folder, tz, found, index)
    return True


def _listed(stamp: stamps.Stamp, taken: int) -> bool:
    """A folder recorded by ``add`` is kept with its listing when it changed within a tick of
    being looked at, unless its times are whole seconds (then it is read in full next time)."""
    return stamps.settling(stamp, taken) and not stamps.coarse(stamp)


def _holds(place: str, held: stamps.Listing, files: set[str], found: Folders) -> bool:
    """``place``, listed as ``held``, holds ``files`` and the folders recorded below it, nothing else."""
    folders = {f for f in found if f.rpartition(os.sep)[0] == place}
    return {os.path.join(place, name) for name, _, is_dir, *_ in held if not is_dir} == files and {
        os.path.join(place, name) for name, _, is_dir, *_ in held if is_dir
    } == folders


def load(folder: str, tz: tzinfo, threads: Collection[str], root: str) -> tuple[Index, Folders] | None:
    """The index recorded for the comments folder ``root``, with its folders, while they are
    unchanged and each folder holding comments is a post in ``threads``."""
    data = parsecache.load_versioned(os.path.join(folder, FILE), _version(tz))
    if data is None or not isinstance(data.get("index"), dict) or not isinstance(data.get("folders"), dict):
        return None  # none yet, damaged, or pickled by other code: read the archive
    if data["index"].get("root") != root:
        return None  # another project's (a copied site, a shared cache folder)
    found: Folders = data["folders"]
    if any(holds and thread not in threads for _, thread, holds, *_ in found.values()):
        return None
    if not stamps.unchanged(found, root):
        return None
    return _unpacked(data["index"]), found


def forget(folder: str) -> None:
    """Remove the index (an erasure: it holds names and addresses)."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(os.path.join(folder, FILE))
