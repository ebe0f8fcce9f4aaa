"""A problem found in a source file, reported as ``path:line: what; what to do``."""

from __future__ import annotations

import os
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


def display_path(path: str) -> str:
    """A path relative to the working directory when it lies below it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return path
    return path if rel.startswith(os.pardir) else rel
