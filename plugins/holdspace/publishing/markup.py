"""The comment subset of Markdown, rendered to HTML and then sanitized.

Paragraphs, line breaks (a newline is a break, as commenters expect), emphasis,
links (bare URLs too, by pymdown-extensions' MagicLink), lists, block quotes,
inline and fenced or indented code. Headings, rules and images are not part
of the subset: their Markdown is left as text, so a ``# hashtag`` line stays a
line and ``![x](url)`` never loads a remote image that would reveal readers'
addresses. One ``Markdown`` object serves every comment; a body in which no Markdown
of the subset can begin (most comments: words in paragraphs) is made into Markdown's
own HTML without it (``plain_html``). Sanitizing is the last step either way.
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


# Where no Markdown of the subset can begin: a character that starts emphasis, code, a link,
# HTML, an entity, an escape, an address or a fence; a bare URL; a tab, carriage return or
# control character (Markdown's own placeholders among them) or a line break other than
# "\n"; a line that begins or ends with white space (code, a hard break) or begins as a
# list, quote, heading or table would. A body without any is paragraphs and line breaks.
_NOT_PLAIN = re.compile(
    r"[\\`*_\[\]<>&@~\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029]|://|www\.|^[^\S\n]|[^\S\n]$|^[-+=#>|:]|^\d+[.)]",
    re.IGNORECASE | re.MULTILINE,
)


def plain_html(text: str) -> str | None:
    """Markdown's HTML of a body in which no Markdown of the subset can begin (most
    comments: words in paragraphs), made without it; ``None`` for any other body."""
    if _NOT_PLAIN.search(text):
        return None
    paragraphs = [p for p in re.split(r"\n{2,}", text.strip("\n")) if p]
    return "\n".join("<p>" + p.replace("\n", "<br />\n") + "</p>" for p in paragraphs)


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
