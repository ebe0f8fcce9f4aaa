"""One change to the archive at a time: builds, moderators' decisions, a writer's
withdrawal and erasures take the project's lock (an flock, let go by the kernel when a
process dies), so an erasure never races a build that would put the words back into
its caches, and a withdrawal never races an approval of the same comment. Adding a
new comment to the queue needs no lock: it is a new file."""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Callable, Iterator

from ..problems import HoldspaceError

LOCK_FILE = "holdspace.lock"  # in the cache folder


class Busy(HoldspaceError):
    """Another build or decision holds the lock longer than the caller would wait."""


@contextlib.contextmanager
def project_lock(folder: str, wait: float | None = None, waiting: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold the lock in ``folder`` (the cache folder). ``wait``: give up after so many
    seconds (Busy), else wait as long as it takes; ``waiting`` is called once if it must."""
    os.makedirs(folder, exist_ok=True)
    fd = os.open(os.path.join(folder, LOCK_FILE), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if waiting is not None:
                waiting()
            _wait_for(fd, wait)
        yield
    finally:
        os.close(fd)  # lets the lock go


def _wait_for(fd: int, wait: float | None) -> None:
    if wait is None:
        fcntl.flock(fd, fcntl.LOCK_EX)
        return
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise Busy("the site is being built or changed just now; try again in a minute") from None
            time.sleep(0.1)


def sweep(folder: str) -> int:
    """Remove the temporary files a killed writer left in ``folder`` (hidden ``.*.tmp``: whole
    copies of a cache, which may hold addresses); call it holding the lock."""
    removed = 0
    with contextlib.suppress(FileNotFoundError):
        for name in os.listdir(folder):
            if name.startswith(".") and name.endswith(".tmp"):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(os.path.join(folder, name))
                    removed += 1
    return removed
