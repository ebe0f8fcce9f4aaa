"""The one split of a ``Key: value`` header from the body below its blank line, and
the one join: comment files (``commentfile``), posts and pages (``posts``) and
the files the importers write all have this shape."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Split:
    header: list[tuple[int, str]]  # (line number, text) of each line above the first blank one
    body: str  # what follows the blank line, without the blank lines around it
    body_line: int  # the line the body starts on (1-based)
    blank_line: int  # the blank line that ends the header (the line after the last when there is none)
    last_line: int  # the number of the file's last line


def lines(text: str) -> list[str]:
    """The lines of ``text``, whatever its line endings (CRLF, CR or LF)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def split(text: str) -> Split:
    """``text`` cut at its first blank line (a line of spaces counts as blank)."""
    all_lines = lines(text)
    blank = next((i for i, line in enumerate(all_lines) if not line.strip()), len(all_lines))
    rest = all_lines[blank + 1 :]
    lead = next((i for i, line in enumerate(rest) if line.strip()), len(rest))
    header = [(number, line) for number, line in enumerate(all_lines[:blank], start=1)]
    return Split(header, "\n".join(rest).strip(), blank + 2 + lead, blank + 1, len(all_lines))


def head(text: str) -> list[tuple[int, str]]:
    """``split(text).header`` alone, without making the body (a post's header, for the commands)."""
    found = []
    for number, line in enumerate(lines(text), start=1):
        if not line.strip():
            break
        found.append((number, line))
    return found


def join(header: Iterable[str], body: str) -> str:
    """A file of ``Key: value`` lines, a blank line and ``body``, ending with a newline."""
    return "\n".join(header) + "\n\n" + body.strip() + "\n"
