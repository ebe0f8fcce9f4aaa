"""What the intake queues and what writers withdraw, committed to the project's git repository
with COMMENT_INTAKE_GIT_COMMIT = True: one commit each ("queue <id> on <slug>"), by "Holdspace
intake", with nothing of the writer in its message.

The commits are made in a thread of their own, one at a time and in order, so a writer never
waits for git, and git failing never fails their request: it is one line in the log (no
address), and the file stays where it is. Other git commands (a moderator's on the same
clone, a push into it) are waited for (``gitrepo.commit`` waits for their index.lock)."""

from __future__ import annotations

import logging
import os
import queue
import re
import threading
from collections.abc import Iterable

from ..archive import gitrepo

logger = logging.getLogger("holdspace.intake")

AUTHOR = "Holdspace intake"
ADDRESS = re.compile(r"[^\s@<>()]+@[^\s@<>()]+")  # in git's or a hook's words: never logged


class Commits:
    """``add(paths, message)`` commits those paths soon, when ``enabled``."""

    def __init__(self, folder: str, enabled: bool, queue_folder: str = "") -> None:
        self.folder, self.enabled, self.queue_folder = folder, enabled, queue_folder
        self.waiting: queue.Queue[tuple[list[str], str] | None] = queue.Queue()
        self.thread: threading.Thread | None = None
        self.starting = threading.Lock()

    def problem(self) -> str:
        """Why nothing could be committed ("" when git and the repository are there); sets the
        clone up for sharing the queue (``gitrepo.prepare``)."""
        if not self.enabled:
            return ""
        try:
            gitrepo.prepare(gitrepo.top(self.folder))
            left = [
                path
                for path in (gitrepo.uncommitted(self.folder, self.queue_folder) if self.queue_folder else [])
                if not os.path.basename(path).startswith(".")
            ]  # a name with a dot first: a write cut short
            if left:  # queued while git could not commit, or when the last stop came too soon
                gitrepo.commit(self.folder, left, f"queue: {len(left)} file(s) the intake had not committed",
                               name=AUTHOR, email="")  # fmt: skip
        except gitrepo.GitError as e:
            return ADDRESS.sub("<an address>", str(e))
        return ""

    def add(self, paths: Iterable[str], message: str) -> None:
        if not self.enabled:
            return
        with self.starting:  # started in the process that serves (gunicorn forks after this is made)
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._run, name="holdspace-git", daemon=True)
                self.thread.start()
        self.waiting.put((list(paths), message))

    def finish(self, timeout: float = 10) -> None:
        """Make the commits still waiting, then stop (at the service's stop)."""
        if self.thread is not None and self.thread.is_alive():
            self.waiting.put(None)
            self.thread.join(timeout)
            if self.thread.is_alive():
                logger.warning("%d commit(s) still waiting at the stop; the next start commits them",
                               self.waiting.qsize())  # fmt: skip

    def queued(self, path: str, slug: str) -> None:
        """A comment the intake wrote into the queue."""
        self.add([path], f"queue {os.path.basename(path).removesuffix('.md')} on {slug}")

    def _run(self) -> None:
        while (item := self.waiting.get()) is not None:
            paths, message = item
            try:
                gitrepo.commit(self.folder, paths, message, name=AUTHOR, email="")
            except gitrepo.GitError as e:
                said = ADDRESS.sub("<an address>", str(e))
                logger.error("not committed to git (%s): %s; the files are as they were written", message, said)
