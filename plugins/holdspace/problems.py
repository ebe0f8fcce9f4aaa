"""What goes wrong, said one way everywhere.

A ``Problem`` is one thing wrong with one file, reported as ``path:line: what is
wrong; what to do``. A ``HoldspaceError`` is an error the library raises and the
command line reports as a message, never a traceback (``cli.errors`` gives each
kind its exit status). ``closest`` is the one did-you-mean.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one file, at one line (1-based)."""

    path: str
    line: int
    what: str
    todo: str

    def __str__(self) -> str:
        return f"{display_path(self.path)}:{self.line}: {self.what}; {self.todo}"


class HoldspaceError(Exception):
    """Bad input or a refused action, said in plain words: the command line prints it."""


def display_path(path: str) -> str:
    """A path relative to the working directory when it lies below it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return path
    return path if rel.startswith(os.pardir) else rel


def _same(text: str) -> str:
    return text


def closest(
    name: str, known: Iterable[str], n: int = 1, cutoff: float = 0.6, key: Callable[[str], str] = _same
) -> list[str]:
    """The known names closest to ``name``, best first (difflib's ratio). ``key`` says
    what is compared: ``str.lower`` to ignore case, for instance."""
    by_key: dict[str, str] = {}
    for item in known:
        by_key.setdefault(key(item), item)
    return [by_key[found] for found in difflib.get_close_matches(key(name), list(by_key), n=n, cutoff=cutoff)]


def did_you_mean(name: str, known: Iterable[str], otherwise: str = "", key: Callable[[str], str] = _same) -> str:
    """``did you mean 'x'?`` for the known name closest to ``name``, else ``otherwise``."""
    found = closest(name, known, key=key)
    return f"did you mean {found[0]!r}?" if found else otherwise
