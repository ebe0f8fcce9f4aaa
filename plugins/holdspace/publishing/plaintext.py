"""Sanitized comment HTML as plain text: for terminals (the ``show`` command) and
for the search index. Paragraphs and line breaks become new lines, list items "- ",
quotes "> ", and a link elsewhere keeps its address after its text."""

from __future__ import annotations

import re
from html.parser import HTMLParser

SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


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
            if href and SCHEME.match(href):  # an address elsewhere; not a link within the site, nor
                self.parts.append(f" <{href}>")  # one Pelican fills in later ({filename}/...)
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
