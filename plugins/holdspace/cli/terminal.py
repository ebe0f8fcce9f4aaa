"""What commands print, made safe for a terminal: commenters' words may hold escape
sequences and direction overrides, shown as '?' instead."""

from __future__ import annotations

import unicodedata
from typing import Any, TextIO

BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def printable(text: str, keep: str = "") -> str:
    """Commenters' text for a terminal: control characters (escape sequences) and
    direction overrides shown as '?', but for those in ``keep`` (such as newlines)."""
    return "".join("?" if (unicodedata.category(ch) == "Cc" or ch in BIDI) and ch not in keep else ch for ch in text)


class TerminalText:
    """A text stream that passes on only what ``printable`` lets through (newlines and
    tabs too): every line a command prints, commenters' words included, is safe to show."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        return self.stream.write(printable(text, keep="\n\t"))

    def flush(self) -> None:
        self.stream.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)
