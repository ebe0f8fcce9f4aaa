"""Sanitized comment HTML as plain text: for terminals (``make show``) and for the
search index. Paragraphs and line breaks become new lines, list items "- ",
quotes "> ", and a link keeps its address after its text."""

from __future__ import annotations

import re
import unicodedata
from html.parser import HTMLParser

BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def printable(text: str, keep: str = "") -> str:
    """Commenters' text for a terminal: control characters (escape sequences) and
    direction overrides shown as '?', but for those in ``keep`` (such as newlines)."""
    return "".join("?" if (unicodedata.category(ch) == "Cc" or ch in BIDI) and ch not in keep else ch for ch in text)


class TerminalText:
    """A text stream that passes on only what ``printable`` lets through (newlines and
    tabs too): every line a command prints, commenters' words included, is safe to show."""

    def __init__(self, stream) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        return self.stream.write(printable(text, keep="\n\t"))

    def flush(self) -> None:
        self.stream.flush()

    def __getattr__(self, name: str):
        return getattr(self.stream, name)


class _Text(HTMLParser):
    """Sanitized comment HTML as terminal text: paragraphs, "- " items, "> " quotes, links with their address."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.href: list[str | None] = []
        self.in_pre = 0
        self.quote = 0
        self.line_start = True

    def newline(self, text: str = "") -> None:
        self.parts.append("\n" + "> " * self.quote + text)
        self.line_start = True

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "blockquote":
            self.quote += 1
        if tag == "pre":
            self.in_pre += 1
        if tag in ("p", "pre", "blockquote", "ul", "ol", "br"):
            self.newline()
        elif tag == "li":
            self.newline("- ")
        elif tag == "a":
            self.href.append(dict(attrs).get("href"))

    def handle_endtag(self, tag: str) -> None:
        if tag == "blockquote":
            self.quote -= 1
        if tag == "pre":
            self.in_pre -= 1
        if tag == "a" and self.href:
            href = self.href.pop()
            if href:
                self.parts.append(f" <{href}>")
        elif tag in ("p", "pre", "blockquote"):
            self.newline()

    def handle_data(self, data: str) -> None:
        if self.in_pre:
            lines = data.split("\n")
            self.parts.append(lines[0])
            for line in lines[1:]:
                self.newline(line)
        else:
            text = re.sub(r"\s+", " ", data)
            text = text.lstrip() if self.line_start else text
            if text:
                self.parts.append(text)
                self.line_start = False


def as_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    out: list[str] = []
    for line in "".join(parser.parts).split("\n"):
        line = line.rstrip()
        blank = not line.strip(" >")
        if blank and out and not out[-1].strip(" >"):
            out[-1] = min(out[-1], line, key=len)  # one blank line; a plain one where the quote ends
        elif not blank or out:
            out.append(line)
    while out and not out[-1].strip(" >"):
        out.pop()
    return "\n".join(out)
