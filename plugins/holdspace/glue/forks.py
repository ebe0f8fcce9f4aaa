"""Work done in a forked process beside Pelican (parsing the comment files while it reads
the posts; the search and the redirect pages while it writes pages), when there are
cores for it (HOLDSPACE_WORKERS). Each child dies with the build (PR_SET_PDEATHSIG), so
a killed build leaves no writer behind; one that fails fails the build when it is
waited for, but for the parsing process, which only fills a cache (``glue.comments``)."""

from __future__ import annotations

import ctypes
import gc
import logging
import os
import signal
import sys
import traceback
from collections.abc import Callable
from typing import Any


def parallel(settings: dict[str, Any]) -> bool:
    """Whether this build works beside Pelican in forked processes."""
    return settings["HOLDSPACE_WORKERS"] >= 2 and hasattr(os, "fork")


def forked(work: Callable[[], Any]) -> int:
    """Run ``work`` in a forked process, which dies with this one; its pid. Every object
    made so far is frozen first (``gc.freeze``, as Python's documentation advises before a
    fork): the cyclic garbage collector of either process no longer walks them, so the
    child does not copy the pages it would touch, and neither spends its time on the
    threads, caches and posts that live until the build ends."""
    sys.stdout.flush()
    sys.stderr.flush()
    gc.freeze()
    parent = os.getpid()
    # Ctrl-C held back while forking: Python's own fork hooks (logging's) would take it,
    # and print it as an exception ignored, traceback and all; it comes once both are past them.
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        pid = os.fork()
    finally:
        if os.getpid() == parent:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)
    if pid == 0:  # the child: work, exit; never back into Pelican
        code = 1
        try:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)
            _die_with_parent(parent)
            work()
            code = 0
        except KeyboardInterrupt:  # Ctrl-C reaches the whole process group: the build says "Interrupted."
            code = 130
        except BaseException:
            traceback.print_exc()
        finally:
            logging.shutdown()
            sys.stderr.flush()
            os._exit(code)
    return pid


def thaw(*_: Any) -> None:
    """At the end of a build (Pelican's ``finalized``), and at the start of the next (after
    one that failed, which sends no ``finalized``), what was frozen goes back to the
    collector: a process that builds again (``pelican --autoreload``, the tests) would
    otherwise keep each build's cycles of garbage."""
    gc.unfreeze()


def wait(pid: int, failed: str) -> None:
    """Wait for the child ``pid``; ``failed`` says what it did not do when it did not end well."""
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        raise RuntimeError(f"{failed} (its process was killed by signal {os.WTERMSIG(status)})")
    if status != 0:
        raise RuntimeError(f"{failed} (the error is above)")


def give_back_memory() -> None:
    """Return freed memory to the system (glibc's malloc_trim): comment bodies are
    allocated one by one, and after they are freed their pages would otherwise stay
    resident, in this process and in the forked one."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _die_with_parent(parent: int) -> None:
    """Linux: be killed when the build is (prctl PR_SET_PDEATHSIG, SIGKILL)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # 1: PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the parent died before prctl: do not go on alone
        os._exit(1)
