"""The comment subset of Markdown, rendered to HTML and then sanitized.

Paragraphs, line breaks (a newline is a break, as commenters expect), emphasis,
links (bare URLs too, by pymdown-extensions' MagicLink), lists, block quotes,
inline and fenced or indented code. Headings, rules and images are not part
of the subset: their Markdown is left as text, so a ``# hashtag`` line stays a
line and ``![x](url)`` never loads a remote image that would reveal readers'
addresses. One ``Markdown`` object serves every comment; a body of paragraphs, quotes
and lists of lines in which no Markdown of the subset but the simplest links can begin
(most comments) is made into Markdown's own HTML without it (``plain_html``). Sanitizing
is the last step either way.
"""

from __future__ import annotations

import re

import markdown
import pymdownx

from . import sanitize
from .plaintext import as_text

EXTENSIONS = ["fenced_code", "nl2br", "sane_lists", "pymdownx.magiclink"]
EXTENSION_CONFIGS = {
    "pymdownx.magiclink": {"hide_protocol": False, "repo_url_shortener": False, "social_url_shortener": False}
}
# Block processors and inline patterns the subset leaves out.
_BLOCK_OFF = ("hashheader", "setextheader", "hr")
_INLINE_OFF = ("image_link", "image_reference", "short_image_ref")

# Part of the rendered-body cache key: any change here, in Markdown, in
# pymdown-extensions or in the sanitizer redoes the cached bodies.
VERSION = (
    f"markdown {markdown.__version__}; pymdownx {pymdownx.__version__}; {EXTENSIONS}; "
    f"{EXTENSION_CONFIGS}; off {_BLOCK_OFF} {_INLINE_OFF}; {sanitize.VERSION}"
)


# Where no Markdown of the subset can begin, in a body: a character that starts emphasis,
# code, a link, HTML, an entity, an escape, an address or a fence; a bare URL; a tab,
# carriage return or control character (Markdown's own placeholders among them) or a line
# break other than "\n". A ">" only as a quote's marker (``plain_html``).
_NOT_PLAIN = re.compile(r"[\\`*_\[\]<&@~\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029]|://|www\.", re.IGNORECASE)
_ORDERED = re.compile(r"\d+[.)]")  # a line that begins so begins a list
# A link of the simplest kind, "[words](URL)" or the bare URL (between white space or a
# line's ends, maybe one of ".,!?" after it), of an http(s) address: a lower-case host,
# a path of letters, digits and hyphens.
_URL = r"https?://[a-z0-9]+(?:[.-][a-z0-9]+)*\.[a-z]{2,}(?:/[A-Za-z0-9-]+)*/?"
_LINK = re.compile(rf"(?<!!)\[([^\[\]\s](?:[^\[\]\n]*[^\[\]\s])?)\]\(({_URL})\)|(?<!\S)({_URL})(?=[.,!?]?(?!\S))")


def _words_of(link: re.Match[str]) -> str:
    """What a link shows, for the checks: its words, or a letter for a bare URL."""
    return link[1] or "L"


def _anchor(link: re.Match[str]) -> str:
    return f'<a href="{link[2] or link[3]}">{link[1] or link[3]}</a>'


_P, _QUOTE, _LIST = "p", "> ", "- "  # a block's kind: a paragraph, a quote, a list (each line's marker)
_BLOCK_HTML = {
    _P: ("<p>", "<br />\n", "</p>"),
    _QUOTE: ("<blockquote>\n<p>", "<br />\n", "</p>\n</blockquote>"),
    _LIST: ("<ul>\n<li>", "</li>\n<li>", "</li>\n</ul>"),
}


def plain_html(text: str) -> str | None:
    """Markdown's HTML of a body made of paragraphs, one-level quotes ("> " on every line) and
    lists ("- " on every line) of lines in which no Markdown of the subset can begin but the
    simplest links (most comments), made without it; ``None`` for any other body. Two
    quotes or two lists in a row are one in Markdown (a list then loose): ``None`` too."""
    links = "[" in text or "://" in text
    if _NOT_PLAIN.search(_LINK.sub(_words_of, text) if links else text):
        return None
    out: list[str] = []
    previous = ""
    for block in re.split(r"\n{2,}", text.strip("\n")):
        if not block:
            continue  # an empty body
        lines = block.split("\n")
        kind = lines[0][:2] if lines[0][:2] in (_QUOTE, _LIST) else _P
        if kind != _P:
            if kind == previous or any(line[:2] != kind for line in lines):
                return None
            lines = [line[2:] for line in lines]
        if not all(_plain_line(_LINK.sub(_words_of, line) if links else line) for line in lines):
            return None
        if links:
            lines = [_LINK.sub(_anchor, line) for line in lines]
        start, between, end = _BLOCK_HTML[kind]
        out.append(start + between.join(lines) + end)
        previous = kind
    return "\n".join(out)


def _plain_line(line: str) -> bool:
    """A line's text (after a quote's or a list's marker) where no Markdown can begin: not
    empty, no white space at either end (code, a hard break), no other ">", and not begun
    as a list, quote, heading or table would."""
    return bool(line) and not (
        line[0].isspace() or line[-1].isspace() or line[0] in "-+=#|:" or ">" in line or _ORDERED.match(line)
    )


class CommentRenderer:
    """Render comment bodies with one reusable Markdown object."""

    def __init__(self) -> None:
        self._md = markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS)
        for name in _BLOCK_OFF:
            self._md.parser.blockprocessors.deregister(name, strict=False)
        for name in _INLINE_OFF:
            self._md.inlinePatterns.deregister(name, strict=False)

    def render(self, text: str) -> str:
        """Markdown ``text`` as safe HTML: sanitizing is always the last step."""
        html = plain_html(text)
        if html is None:
            html = self._md.reset().convert(text)
        return sanitize.clean(html)


_worker_renderer: CommentRenderer | None = None


def render_batch(texts: list[str]) -> list[tuple[str, str] | None]:
    """Render several bodies in a worker process, one renderer per process, each with its
    plain text (``plaintext.as_text``: what the search indexes, made on the worker's core
    too). A body that fails gives ``None``: the build renders it again itself and reports
    the error."""
    global _worker_renderer
    if _worker_renderer is None:
        _worker_renderer = CommentRenderer()
    out: list[tuple[str, str] | None] = []
    for text in texts:
        try:
            html = _worker_renderer.render(text)
            out.append((html, as_text(html)))
        except Exception:
            out.append(None)
    return out
