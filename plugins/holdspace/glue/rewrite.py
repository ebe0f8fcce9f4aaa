"""What Holdspace changes in Pelican's own content and settings, through its signals.

- ``initialized``: Holdspace's settings checked and merged in (once a build),
  Jinja's HTML escaping on in Holdspace's templates (pseudonyms are commenters' text) and
  as the theme was written in the theme's (``Escaping``), and Holdspace's folders kept out
  of Pelican's readers.
- ``article_defaults``, ``page_defaults``: every post and page starts with an
  empty, closed thread; with PRIVACY_STRICT, what it would load from other
  hosts becomes links (``publishing.offsite``).
- ``show_rules``: the guidelines page shows the rules of the guidelines file.
- ``warn_in_feeds``: a post behind a content warning stays behind it in feeds.
"""

from __future__ import annotations

import logging
import os
import posixpath
from collections.abc import Iterable
from html import escape
from typing import Any
from urllib.parse import urlsplit

import jinja2
from pelican.utils import DateFormatter

from ..archive.project import owned_folders
from ..problems import display_path
from ..publishing.dates import once_each
from ..publishing.offsite import localise
from ..publishing.threads import Thread, build_thread
from ..review.guidelines import Rules, describe
from ..settings import TEMPLATES, holdspace_settings, theme_folders
from .project import project_of

logger = logging.getLogger(__name__)

# Where the guidelines page shows the rules of moderation/guidelines.toml.
RULES_MARKER = "<p>[guidelines-rules]</p>"


def initialized(pelican_object: Any) -> None:
    """Check Holdspace's settings and merge in their defaults: the generators, the writer
    and the templates read them from Pelican's settings from here on."""
    settings = pelican_object.settings
    settings.update(holdspace_settings(settings))
    intake = urlsplit(settings["COMMENT_INTAKE_URL"])
    site = urlsplit(settings.get("SITEURL") or "")
    if settings["PRIVACY_STRICT"] and intake.hostname and intake.hostname != site.hostname:
        logger.warning(
            "PRIVACY_STRICT is on, but COMMENT_INTAKE_URL (%s) is on another host than SITEURL, which learns "
            "a commenter's address when the form is sent; serve the intake under the site's own address",
            settings["COMMENT_INTAKE_URL"],
        )
    jinja = dict(settings.get("JINJA_ENVIRONMENT") or {})
    given = jinja.get("autoescape")
    if not isinstance(given, Escaping):  # once: initialized may run twice
        names = theme_template_names(settings)  # a theme with an intake.html was made for Holdspace
        own = given if callable(given) else (bool(given) if given is not None else "intake.html" in names)
        jinja["autoescape"] = Escaping(own, names)
    settings["JINJA_ENVIRONMENT"] = jinja
    keep_out_of_readers(settings)
    if not (settings["MAIL_SMTP_URL"] and settings["MODERATOR_EMAILS"]) and not settings["ALERT_WEBHOOK_URL"]:
        logger.info("MAIL_SMTP_URL and MODERATOR_EMAILS are not set, so moderators are not alerted of new comments")


class Escaping:
    """Jinja's autoescape, template by template: always for Holdspace's own templates (they
    show commenters' text; a theme's own copy of one too); for the theme's, as the theme was
    written: on for a theme made for Holdspace (it has an intake.html) or where
    JINJA_ENVIRONMENT says so (a callable is asked), off, as Pelican has it, for any other
    (its templates print the posts' HTML as it is)."""

    PLUGIN_NAMES = ("search.html", "comment_redirect.html")  # the plugin's, unless the theme has its own

    def __init__(self, theme: Any, theme_names: frozenset[str] = frozenset()) -> None:
        self.theme, self.theme_names = theme, theme_names

    def __call__(self, name: str | None) -> bool:
        if name is None:
            return True
        name = posixpath.normpath(name).lstrip("/")
        if name.startswith("holdspace/") or (name in self.PLUGIN_NAMES and name not in self.theme_names):
            return True
        return bool(self.theme(name)) if callable(self.theme) else bool(self.theme)

    def signature(self) -> list[Any]:  # for the page reuse key
        return [repr(self.theme) if callable(self.theme) else self.theme, sorted(self.theme_names)]


def theme_template_names(settings: dict[str, Any]) -> frozenset[str]:
    """The templates the theme (and THEME_TEMPLATES_OVERRIDES) has, by the names Jinja loads."""
    names = set()
    for folder in theme_folders(settings):
        for path, _, files in os.walk(folder):
            names |= {os.path.relpath(os.path.join(path, f), folder).replace(os.sep, "/") for f in files}
    return frozenset(names)


def keep_out_of_readers(settings: dict[str, Any]) -> None:
    """Holdspace's folders that lie below PATH (the comments, and the moderation, private and
    cache folders where a site puts them there) join Pelican's ARTICLE_, PAGE_ and
    STATIC_EXCLUDES, as Pelican keeps PAGE_PATHS out of articles: whatever ARTICLE_PATHS
    says (Pelican's default is all of PATH), no reader of Pelican's sees a comment file."""
    roots = {root for key in ("ARTICLE_PATHS", "PAGE_PATHS", "STATIC_PATHS") for root in settings.get(key) or []}
    names: list[str] = []
    for folder in owned_folders(project_of(settings)):
        for found in excludes(settings["PATH"], folder, roots):
            if found not in names:
                names.append(found)
    for key in ("ARTICLE_EXCLUDES", "PAGE_EXCLUDES", "STATIC_EXCLUDES"):
        settings[key] = [*settings.get(key, []), *(n for n in names if n not in settings.get(key, []))]


def excludes(content: str, folder: str, roots: set[str]) -> list[str]:
    """The names Pelican's exclusion matching needs for ``folder`` below ``content``: as
    written and as the links resolve (a symbolic link to a private folder), and as seen from
    each root a site spells with dots (``STATIC_PATHS = ["."]``): Pelican compares them with
    the folders its walk from each root meets, as text."""
    found = []
    for base, target in ((os.path.abspath(content), os.path.abspath(folder)),
                         (os.path.realpath(content), os.path.realpath(folder))):  # fmt: skip
        relative = os.path.relpath(target, base)
        if relative in (os.curdir, os.pardir) or relative.startswith(os.pardir + os.sep):
            continue
        found.append(relative)
        for root in sorted(r for r in roots if r):  # "." or "./x": as written, the walk's own spelling
            plain = os.path.normpath(root)
            spelled = os.path.join(root, os.path.relpath(relative, plain))
            if (plain == os.curdir or relative.startswith(plain + os.sep)) and spelled != relative:
                found.append(spelled)
    return found


def plugin_templates(generator: Any) -> None:
    """The plugin's templates (``settings.TEMPLATES``) searched after the theme's, for every
    generator: a theme includes them by name, or overrides one with its own of that name.
    Pelican's ``strftime`` filter writes each day (each minute) of a format once
    (``dates.once_each``): two calls for every comment of a thread."""
    loader = generator.env.loader
    if not any(getattr(one, "searchpath", None) == [TEMPLATES] for one in getattr(loader, "loaders", [])):
        generator.env.loader = jinja2.ChoiceLoader([loader, jinja2.FileSystemLoader(TEMPLATES)])
    filters = generator.env.filters
    if isinstance(filters.get("strftime"), DateFormatter):
        filters["strftime"] = once_each(filters["strftime"])


# The lists of posts (ArticlesGenerator) and of pages (PagesGenerator), and those both have of translations.
ARTICLE_LISTS = ("articles", "hidden_articles", "drafts", "drafts_translations")
PAGE_LISTS = ("pages", "hidden_pages", "draft_pages", "draft_translations")
TRANSLATIONS = ("translations", "hidden_translations")


def article_defaults(generator: Any) -> None:
    """Give every article, drafts and translations too, an empty thread to start
    with, so any template can ask for one; ``CommentsGenerator`` fills in the
    threads of published and hidden posts. A translation's comments stay on
    the post in the default language (its ``comment_original``)."""
    _defaults(generator, "post", ARTICLE_LISTS)


def page_defaults(generator: Any) -> None:
    """As ``article_defaults``, for pages: a page shows a thread only when it has
    comments or says ``Comments: open``."""
    _defaults(generator, "page", PAGE_LISTS)


def keep_urls(generators: list[Any]) -> None:
    """When every Generator has its context (Pelican's all_generators_finalized), each post's
    and page's URL is kept as it is now, as Pelican's ``override_url``, which its ``url``
    gives: Pelican formats the URL from the settings again each time it is asked, 22,000
    times in a cold build of 1,000 posts (templates ask several times per page and list).
    One set already (``EXTRA_PATH_METADATA``) is left. Not ``save_as``: Pelican lets a post
    whose save_as is overridden overwrite another's file without a word."""
    for generator in generators:
        for name in (*ARTICLE_LISTS, *PAGE_LISTS, *TRANSLATIONS):
            for item in getattr(generator, name, None) or ():
                if not hasattr(item, "override_url") and hasattr(item, "get_url_setting"):
                    item.override_url = item.url


def first_page_templates(generators: list[Any]) -> None:
    """The comments' Generator writes a post's later pages with the templates of the Generator
    that writes its first page (Pelican's articles' or pages', by ``comment_kind``): the
    same environment, and its templates compiled once, not again in the comments' own (10
    of the 37 compiled in a build were compiled twice: 27 now)."""
    from pelican.generators import ArticlesGenerator, PagesGenerator

    from .comments import CommentsGenerator

    kinds = {"post": ArticlesGenerator, "page": PagesGenerator}
    found = {kind: g for g in generators for kind, cls in kinds.items() if isinstance(g, cls)}
    for generator in generators:
        if isinstance(generator, CommentsGenerator):
            generator.first_pages = found


def _defaults(generator: Any, kind: str, lists: tuple[str, ...]) -> None:
    items = [item for name in (*lists, *TRANSLATIONS) for item in getattr(generator, name)]
    for item in items:
        item.comment_thread = empty_thread(item)
        item.comments_closed = True
        item.comment_feed_url = ""
        item.comment_kind = kind
        item.comment_original = None  # a translation: the post its comments are on
    if generator.settings.get("PRIVACY_STRICT"):
        _keep_on_site(items, urlsplit(generator.settings.get("SITEURL") or "").hostname or "")


def _keep_on_site(items: Iterable[Any], host: str) -> None:
    """PRIVACY_STRICT: images and embeds from other hosts in posts and pages become links."""
    for item in items:
        replaced = 0
        if isinstance(getattr(item, "_content", None), str):
            item._content, replaced = localise(item._content, host)
        summary = item.metadata.get("summary")
        if isinstance(summary, str):  # a Summary: line, shown by the lists instead of the body's start
            item.metadata["summary"], more = localise(summary, host)
            if getattr(item, "_summary", None) == summary:
                item._summary = item.metadata["summary"]
            replaced += more
        if replaced:
            logger.info("%s: %d image(s) or embed(s) from other hosts made into links (PRIVACY_STRICT)",
                            display_path(item.source_path), replaced)  # fmt: skip


def empty_thread(item: Any) -> Thread:
    thread = build_thread([])
    thread.pages[0].url, thread.pages[0].save_as = item.url, item.save_as
    return thread


def show_rules(pages: Iterable[Any], rules: Rules, slug: str) -> None:
    """Put the rules, in plain sentences, where the guidelines page says [guidelines-rules]."""
    for page in pages:
        if page.slug == slug and RULES_MARKER in page._content:
            items = "".join(f"<li>{escape(sentence)}</li>" for sentence in describe(rules))
            page._content = page._content.replace(RULES_MARKER, f'<ul class="rules">{items}</ul>')


def warn_in_feeds(context: dict[str, Any], feed: Any) -> None:
    """A post behind a Content-Warning is behind it in Pelican's feeds too: its entry holds
    the warning and a link, not the post's words (a feed reader would show them at once)."""
    warned = {
        f"/{a.url}": str(a.metadata["content-warning"])
        for a in context.get("articles", [])
        if a.metadata.get("content-warning")
    }
    if not warned:
        return
    for item in feed.items:
        link = str(item.get("link", "")).removesuffix("?ref=feed")
        warning = next((w for url, w in warned.items() if link.endswith(url)), None)
        if warning is not None:
            words = (
                f"<p>Content warning: {escape(warning)}.</p>"
                f'<p><a href="{escape(link)}">Read the post on the site</a>, where it opens behind this warning.</p>'
            )
            item["description"] = words
            if item.get("content"):
                item["content"] = words
