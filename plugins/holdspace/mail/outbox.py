"""The outbox: every message is written here, whole, before anyone tries to send it.

    <outbox>/waiting/<id>.json   to send, with when to try next and what went wrong last
    <outbox>/sent/<id>           sent: the time alone (no address, no words are kept)
    <outbox>/failed/<id>.json    refused for good by the server (a bad address): kept to be seen

A message is written to a hidden file and linked into place, so it is whole or absent,
and an id already waiting, sent or failed is never written again. A sender holds a lock
on the file it sends (released if it dies), so two senders never send one message.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import IO

from .message import Message, now_text

WAITING, SENT, FAILED = "waiting", "sent", "failed"
MESSAGE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,199}")  # a file name: no "/", no leading "."


@dataclass
class Claimed:
    """A waiting message a sender holds the lock of."""

    message: Message
    path: str
    handle: IO[bytes]


class Outbox:
    def __init__(self, folder: str) -> None:
        self.folder = folder

    def _path(self, state: str, cid: str) -> str:
        return os.path.join(self.folder, state, cid + ("" if state == SENT else ".json"))

    def knows(self, cid: str) -> bool:
        return any(os.path.exists(self._path(state, cid)) for state in (WAITING, SENT, FAILED))

    def put(self, message: Message) -> bool:
        """Write ``message`` to wait; False (and nothing written) when its id is known already."""
        if not MESSAGE_ID.fullmatch(message.id):
            raise ValueError(f"{message.id!r} is not a message id")
        if self.knows(message.id):
            return False
        try:
            _write_new(self._path(WAITING, message.id), message.to_json().encode("utf-8"))
        except FileExistsError:
            return False
        return True

    def waiting(self) -> list[Message]:
        """Every message waiting, the soonest due first (for `holdspace outbox`)."""
        found = []
        for name in _names(os.path.join(self.folder, WAITING)):
            with contextlib.suppress(OSError, ValueError, TypeError):
                with open(os.path.join(self.folder, WAITING, name), encoding="utf-8") as f:
                    found.append(Message.from_json(f.read()))
        return sorted(found, key=lambda m: (m.due, m.id))

    def failed(self) -> list[Message]:
        found = []
        for name in _names(os.path.join(self.folder, FAILED)):
            with contextlib.suppress(OSError, ValueError, TypeError):
                with open(os.path.join(self.folder, FAILED, name), encoding="utf-8") as f:
                    found.append(Message.from_json(f.read()))
        return found

    def sent_count(self) -> int:
        return len(_names(os.path.join(self.folder, SENT), suffix=""))

    def due(self, now: datetime) -> Iterator[Claimed]:
        """The messages due at ``now``, each locked while it is handed out (skip one another
        sender holds). The caller ends each with ``sent``, ``retry`` or ``give_up``."""
        moment = now_text(now)
        for message in self.waiting():
            if message.due > moment:
                continue
            path = self._path(WAITING, message.id)
            try:
                handle = open(path, "rb")
            except OSError:
                continue  # sent meanwhile by another sender
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                current = Message.from_json(handle.read().decode("utf-8"))
            except (OSError, ValueError, TypeError):
                handle.close()
                continue
            if not os.path.exists(path) or os.stat(path).st_ino != os.fstat(handle.fileno()).st_ino:
                handle.close()  # replaced or sent while we waited for the lock
                continue
            if current.due > moment:
                handle.close()  # put off by another sender meanwhile
                continue
            if os.path.exists(self._path(SENT, current.id)):
                with contextlib.suppress(OSError):  # sent, and the sender stopped before taking it out
                    os.unlink(path)
                handle.close()
                continue
            yield Claimed(current, path, handle)

    def sent(self, claimed: Claimed, now: datetime) -> None:
        """Record the message as sent (its time alone), then take it out of waiting."""
        with contextlib.suppress(FileExistsError):
            _write_new(self._path(SENT, claimed.message.id), (now_text(now) + "\n").encode())
        os.unlink(claimed.path)
        claimed.handle.close()

    def retry(self, claimed: Claimed, error: str, due: datetime) -> None:
        message = claimed.message
        message.attempts += 1
        message.last_error, message.due = error, now_text(due)
        _replace(claimed.path, message.to_json().encode("utf-8"))
        claimed.handle.close()

    def drop(self, chosen: Callable[[str], bool]) -> int:
        """Delete every waiting or failed message whose id is ``chosen`` (a writer unsubscribed:
        nothing more goes to them, and their address is not kept); how many."""
        dropped = 0
        for state in (WAITING, FAILED):
            for name in _names(os.path.join(self.folder, state)):
                if chosen(name.removesuffix(".json")):
                    dropped += _remove_locked(os.path.join(self.folder, state, name))
        return dropped

    def give_up(self, claimed: Claimed, error: str) -> None:
        message = claimed.message
        message.attempts += 1
        message.last_error = error
        with contextlib.suppress(FileExistsError):
            _write_new(self._path(FAILED, message.id), message.to_json().encode("utf-8"))
        os.unlink(claimed.path)
        claimed.handle.close()


def _remove_locked(path: str) -> int:
    """Remove ``path`` once no sender holds it (a sender trying it now finishes first, and
    may write it anew: that one is removed then); 1 if removed."""
    while True:
        try:
            handle = open(path, "rb")
        except FileNotFoundError:
            return 0
        with handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                if os.stat(path).st_ino != os.fstat(handle.fileno()).st_ino:
                    continue  # written anew while we waited: that one
            except FileNotFoundError:
                return 0  # sent while we waited
            os.unlink(path)
            return 1


def _names(folder: str, suffix: str = ".json") -> list[str]:
    try:
        return sorted(n for n in os.listdir(folder) if n.endswith(suffix) and not n.startswith("."))
    except FileNotFoundError:
        return []


def _temporary(path: str, data: bytes) -> str:
    folder = os.path.dirname(path)
    os.makedirs(folder, mode=0o700, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".", suffix=".tmp")
    with os.fdopen(fd, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    return tmp


def _write_new(path: str, data: bytes) -> None:
    """Write ``path`` whole, never over an existing file (FileExistsError then)."""
    tmp = _temporary(path, data)
    try:
        os.link(tmp, path)
    finally:
        os.unlink(tmp)
    _sync_folder(os.path.dirname(path))


def _replace(path: str, data: bytes) -> None:
    os.replace(_temporary(path, data), path)
    _sync_folder(os.path.dirname(path))


def _sync_folder(folder: str) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
