"""Sanitized comment HTML as plain text: for terminals (the ``show`` command) and
for the search index. Paragraphs and line breaks become new lines, list items "- ",
quotes "> ", and a link elsewhere keeps its address after its text."""

from __future__ import annotations

import re
from html import unescape
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
            text = collapsed(data)
            text = text.lstrip() if self.line_start else text
            if text:
                self.parts.append(text)
                self.line_start = False


def collapsed(text: str) -> str:
    """``re.sub(r"\\s+", " ", text)``: each run of white space one space (``str.split``'s white
    space is the same as the regular expression's; four times as fast)."""
    inner = " ".join(text.split())
    if not inner:
        return " " if text else ""
    return (" " if text[0].isspace() else "") + inner + (" " if text[-1].isspace() else "")


def as_text(html: str) -> str:
    raw = _blocks_text(html)
    if raw is None:
        parser = _Text()
        if not _fed_simply(parser, html):  # anything else: Python's HTMLParser, on a parser afresh
            parser = _Text()
            parser.feed(html)
            parser.close()
        raw = "".join(parser.parts)
    out: list[str] = []
    for line in raw.split("\n"):
        line = line.rstrip()
        blank = not line.strip(" >")
        if blank and out and not out[-1].strip(" >"):
            out[-1] = min(out[-1], line, key=len)  # one blank line; a plain one where the quote ends
        elif not blank or out:
            out.append(line)
    while out and not out[-1].strip(" >"):
        out.pop()
    return "\n".join(out)


# A tag of the simple HTML the sanitizer writes: a name, attributes with double-quoted
# values or none, maybe "/>", the spaces HTMLParser ends a tag's name at; and one such attribute.
_SPACE = r"[ \t\n\r\f]"
_TAG = re.compile(rf'<(/?)([a-zA-Z][a-zA-Z0-9]*)((?:{_SPACE}+[a-zA-Z][-a-zA-Z0-9_:.]*(?:="[^"<>]*")?)*){_SPACE}*(/?)>')
_ATTR = re.compile(r'([a-zA-Z][-a-zA-Z0-9_:.]*)(?:="([^"]*)")?')


def _fed_simply(parser: _Text, html: str) -> bool:
    """Make the calls Python's HTMLParser (feed, then close) makes to ``parser`` for
    ``html``, when it is made of text and the tags ``_TAG`` matches only (what the
    sanitizer writes: twice as fast as that parser); False, ``parser`` half fed, for
    anything else (a "<" that opens no such tag, a script or style, whose text that parser
    reads otherwise)."""
    at = 0
    while True:
        lt = html.find("<", at)
        if lt < 0:
            lt = len(html)
        if lt > at:
            parser.handle_data(unescape(html[at:lt]))
        if lt == len(html):
            return True
        tag = _TAG.match(html, lt)
        if tag is None:
            return False
        closing, name, attrs, empty = tag.groups()
        name = name.lower()
        if closing:
            if attrs or empty:
                return False
            parser.handle_endtag(name)
        elif name in _Text.CDATA_CONTENT_ELEMENTS:
            return False
        else:
            pairs = [(m[1].lower(), None if m[2] is None else unescape(m[2])) for m in _ATTR.finditer(attrs)]
            parser.handle_starttag(name, pairs)
            if empty:
                parser.handle_endtag(name)
        at = tag.end()


# The blocks a body made without Markdown is written in (``markup.plain_html``, sanitized):
# paragraphs of lines between "<br>"s, a quote of one paragraph, a list of one-line items;
# a line is text without "<", "&" or a new line, and links with an address and maybe a rel.
_LINE = r'[^<&\n]*(?:<a href="[^"<>&\n]*"(?: rel="[^"<>&\n]*")?>[^<&\n]*</a>[^<&\n]*)*'
_PARAGRAPH = rf"<p>{_LINE}(?:<br>\n{_LINE})*</p>"
_BLOCK = re.compile(rf"({_PARAGRAPH})|<blockquote>\n({_PARAGRAPH})\n</blockquote>|<ul>\n((?:<li>{_LINE}</li>\n)+)</ul>")
_LINK = re.compile(r'<a href="([^"]*)"(?: rel="[^"]*")?>([^<]*)</a>')


def _blocks_text(html: str) -> str | None:
    """What ``_Text`` is given (its parts joined) for ``html`` made only of ``_BLOCK``s, one
    per line, without parsing it tag by tag (most bodies: five times as fast); None for
    anything else. White space a line ends with is left out later, and so is what the
    parser adds there (a space after a list's item)."""
    at, parts = 0, []
    while True:
        block = _BLOCK.match(html, at)
        if block is None:
            return None
        paragraph, quote, items = block.groups()
        if paragraph is not None:
            parts.append("\n" + "\n".join(map(_line, paragraph[3:-4].split("<br>\n"))) + "\n")
        elif quote is not None:
            parts.append("\n> \n> " + "\n> ".join(map(_line, quote[3:-4].split("<br>\n"))) + "\n> \n")
        else:
            parts.append("\n" + "".join("\n- " + _line(item) for item in items[4:-6].split("</li>\n<li>")))
        at = block.end()
        if at == len(html):
            return "".join(parts)
        if html[at] != "\n":
            return None
        at += 1


def _line(html: str) -> str:
    """A line's text as ``_Text`` makes it: each run of text collapsed, the first that is not
    blank without its white space in front, a link's address after its words."""
    if "<" not in html:  # (collapsed, without the white space it would keep at the end)
        return " ".join(html.split())
    pieces = _LINK.split(html)  # text, href, words, text, href, words ... text
    out: list[str] = []
    start = True
    for i, piece in enumerate(pieces):
        if i % 3 == 1:
            continue
        text = collapsed(piece)
        if start:
            text = text.lstrip()
        if text:
            out.append(text)
            start = False
        if i % 3 == 2 and SCHEME.match(pieces[i - 1]):
            out.append(f" <{pieces[i - 1]}>")
    return "".join(out)
