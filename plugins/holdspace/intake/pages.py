"""The pages the intake answers with: what became of a comment, the words given back
to copy, and the way back to the thread. Pure: the standard library's escaping."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from ..archive.posts import PostInfo


def thread_url(settings: Mapping[str, Any], post: PostInfo) -> str | None:
    """The URL of a post or page, from ARTICLE_URL or PAGE_URL as Pelican fills them
    for the fields the intake knows ({slug}, {lang}, {date}); None for other fields."""
    key = "PAGE_URL" if post.page else "ARTICLE_URL"
    # Pelican's defaults, for settings read without them
    pattern = settings.get(key) or ("pages/{slug}.html" if post.page else "{slug}.html")
    try:
        return pattern.format(slug=post.slug, lang=settings.get("DEFAULT_LANG", "en"), date=post.date)
    except (KeyError, IndexError, AttributeError, ValueError, TypeError):
        return None


def page(ok: bool, title: str, paragraphs: Sequence[str], link: tuple[str, str] | None = None, kept: str = "") -> bytes:
    """A whole HTML page: ``paragraphs`` as text when ``ok``, else as a list of what to fix."""
    items = "".join(f"<li>{escape(p)}</li>" for p in paragraphs) if not ok else ""
    text = "".join(f"<p>{escape(p)}</p>" for p in paragraphs) if ok else ""
    back = f'<p><a href="{escape(link[0])}">{escape(link[1])}</a></p>' if link else ""
    copy = (
        '<p><label for="kept">Your words, to copy before you go back:</label></p>'
        f'<textarea id="kept" rows="8" cols="60" readonly>{escape(kept)}</textarea>'
        if kept
        else ""
    )
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="robots" content="noindex">'
        f"<title>{escape(title)}</title></head>"
        f"<body><main><h1>{escape(title)}</h1>{text}{'<ul>' + items + '</ul>' if items else ''}{copy}{back}"
        "</main></body></html>\n"
    ).encode()
