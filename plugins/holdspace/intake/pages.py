"""The pages the intake answers with, rendered from the site's theme (``intake.html``, which
extends the theme's ``base.html``: the site's header, stylesheet and Content-Security-Policy):
what became of a comment, the crisis resources, and a refused form back, filled in, each
problem next to its field. A theme without ``intake.html`` gets a plain page instead.

The theme's templates get what Pelican would give them of the site: the settings, the
pages for the navigation (read from their files, as the commands read them) and an
absolute SITEURL (COMMENT_INTAKE_SITEURL, else SITEURL), since the intake answers from
its own address.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any
from urllib.parse import urlsplit

import jinja2

from ..archive.posts import PostInfo
from ..mail.notices import links_url
from ..settings import TEMPLATES, theme_folders

TEMPLATE = "intake.html"
CSP = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">')


@dataclass(frozen=True)
class Link:
    """A page as the navigation and the crisis box link it."""

    slug: str
    title: str
    url: str


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


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


class Pages:
    def __init__(self, settings: Mapping[str, Any], threads: Callable[[], Mapping[str, PostInfo]]) -> None:
        self.settings, self.threads = settings, threads
        self.siteurl = (settings["COMMENT_INTAKE_SITEURL"] or settings.get("SITEURL") or "").rstrip("/")
        # The intake on another host than the site (a port of its own, say): the site's files may load.
        site, intake = _origin(self.siteurl), _origin(str(settings.get("COMMENT_INTAKE_URL") or ""))
        self.site_origin = site if site and site != intake else ""
        folders = theme_folders(settings)  # THEME_TEMPLATES_OVERRIDES first, as Pelican has them
        options = {k: v for k, v in dict(settings.get("JINJA_ENVIRONMENT") or {}).items() if k != "autoescape"}
        self.env = jinja2.Environment(loader=jinja2.FileSystemLoader([*folders, TEMPLATES]), autoescape=True, **options)
        self.themed = any(os.path.isfile(os.path.join(folder, TEMPLATE)) for folder in folders)

    def render(self, ok: bool, title: str, paragraphs: Sequence[str], **page: Any) -> tuple[bytes, str]:
        """(the page, its Content-Security-Policy). ``page``: thanks, crisis, back (href, words),
        problems [(field, sentence)], show_form with post, form_values and field_problems, kept,
        actions [(do, words)] (buttons that post to the page's own address), quote (the writer's
        words), ask_email (the form that asks for a writer's links), withdraw_link."""
        if not self.themed:  # the words still come back: in the form, else to copy
            kept = page.get("kept") or (page.get("form_values") or {}).get("comment", "")
            actions = page.get("actions") or []
            return plain(ok, title, [p for _, p in page.get("problems", [])] or paragraphs, page.get("back"),
                         kept, actions), PLAIN_CSP_BUTTON if actions else PLAIN_CSP  # fmt: skip
        text = self.env.get_template(TEMPLATE).render({**self._site(), "title": title, "paragraphs": paragraphs,
                                                       **page})  # fmt: skip
        found = CSP.search(text)
        return text.encode("utf-8"), found.group(1) if found else PLAIN_CSP

    def _site(self) -> dict[str, Any]:
        """What the theme's templates read of the site, as Pelican would give it."""
        settings = self.settings
        threads = self.threads()
        pages = sorted((info for info in threads.values() if info.page and not info.draft),
                       key=lambda info: os.path.basename(info.path))  # fmt: skip
        links = [Link(info.slug, info.title, thread_url(settings, info) or "") for info in pages]
        crisis = next((link for link in links if link.slug == settings.get("CRISIS_RESOURCES_PAGE")), None)
        return {
            **{key: value for key, value in settings.items() if key.isupper()},
            "SITEURL": self.siteurl,
            "pages": [link for link in links if not _hidden(threads[link.slug])],
            "hidden_pages": [link for link in links if _hidden(threads[link.slug])],
            "crisis_page": crisis,
            "site_origin": self.site_origin,
            "output_file": "",
            "intake_links_url": links_url(str(settings.get("COMMENT_INTAKE_URL") or "")),
        }


def _hidden(info: PostInfo) -> bool:
    return info.hidden


PLAIN_CSP = "default-src 'none'; base-uri 'none'; form-action 'none'"
PLAIN_CSP_BUTTON = "default-src 'none'; base-uri 'none'; form-action 'self'"


def plain(
    ok: bool,
    title: str,
    paragraphs: Sequence[str],
    link: tuple[str, str] | None = None,
    kept: str = "",
    actions: Sequence[tuple[str, str]] = (),
) -> bytes:
    """A whole plain HTML page: ``paragraphs`` as text when ``ok``, else as a list of what to fix;
    ``actions``: (do, words) of buttons that post to this page's own address."""
    items = "".join(f"<li>{escape(p)}</li>" for p in paragraphs) if not ok else ""
    text = "".join(f"<p>{escape(p)}</p>" for p in paragraphs) if ok else ""
    back = f'<p><a href="{escape(link[0])}">{escape(link[1])}</a></p>' if link else ""
    copy = (
        '<p><label for="kept">Your words, to copy before you go back:</label></p>'
        f'<textarea id="kept" rows="8" cols="60" readonly>\n{escape(kept)}</textarea>'
        if kept
        else ""
    )
    press = "".join(
        f'<form method="post"><input type="hidden" name="do" value="{escape(do)}">'
        f'<p><button type="submit">{escape(words)}</button></p></form>'
        for do, words in actions
    )
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="robots" content="noindex">'
        f"<title>{escape(title)}</title></head>"
        f"<body><main><h1>{escape(title)}</h1>{text}{'<ul>' + items + '</ul>' if items else ''}{copy}{press}{back}"
        "</main></body></html>\n"
    ).encode()
