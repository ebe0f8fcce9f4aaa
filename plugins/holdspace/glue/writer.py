"""Pelican's writer, except that a post's page (or comment page) whose key is the one
recorded by the previous build is linked from it, not rendered (``pagereuse``); that a
theme which shows no thread gets the plugin's below each post (``BelowContent``); and that
no list or other page shows the words of a post behind a Content-Warning (``WarnedWords``)."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from importlib import metadata
from typing import Any

from jinja2 import TemplateError, meta
from markupsafe import Markup
from pelican.writers import Writer

from ..archive.project import Project
from . import pagereuse
from .project import project_of

logger = logging.getLogger(__name__)
PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # all of Holdspace's code


class ReusingWriter(Writer):
    def __init__(self, output_path: str, settings: dict[str, Any] | None = None) -> None:
        super().__init__(output_path, settings=settings)
        self.reuse = page_reuse(self.settings, output_path)
        self._keyed = False
        self._warned: list[Any] | None = None
        self._reaches: dict[str, set[str]] = {}

    def write_file(self, name, template, context, relative_urls=False, paginated=None, template_name=None,
                   override_output=False, url=None, **kwargs):  # type: ignore[no-untyped-def]  # fmt: skip
        reuse = self.reuse if name and not override_output else None
        key = None
        post = kwargs.get("article") or kwargs.get("page")
        if reuse is not None and not self._keyed:
            reuse.site_key = site_key(template.environment, context, reuse.listings)
            self._keyed = True
        if (
            reuse is not None
            and "article" in kwargs
            and paginated is None
            and not {"articles", "dates"} & kwargs.keys()
        ):
            key = reuse.key(name, template.name, [relative_urls, url], kwargs)
            if key is not None and reuse.link(name, key):
                return
        if self.settings["COMMENTS_BELOW_CONTENT"] and getattr(post, "comment_thread", None) is not None:
            template = BelowContent(template, self.reaches(template.environment, template.name))
        if warned := self.warned(context):
            template = WarnedWords(template, warned, post)
        if reuse is not None and post is None:
            template = ListReuse(template, reuse, kwargs)  # keyed by the posts as they are, not as warned
        super().write_file(
            name, template, context, relative_urls, paginated, template_name, override_output, url, **kwargs
        )
        if reuse is not None and key is not None:
            reuse.record(name, key)

    def warned(self, context: dict[str, Any]) -> list[Any]:
        """The posts and pages with a Content-Warning, translations too (found once)."""
        if self._warned is None:
            kinds = ("articles", "hidden_articles", "pages", "hidden_pages")
            posts = [p for kind in kinds for p in context.get(kind) or []]
            posts += [t for p in posts for t in getattr(p, "translations", [])]
            warned = {id(p): p for p in posts if getattr(p, "metadata", {}).get("content-warning")}
            self._warned = list(warned.values())
        return self._warned

    def reaches(self, env: Any, name: str) -> set[str]:
        """Every template a template extends, includes or imports, by name, through every
        level (a name made at render time is not followed)."""
        if name not in self._reaches:
            self._reaches[name] = found = {name}
            try:
                names = meta.find_referenced_templates(env.parse(env.loader.get_source(env, name)[0]))
            except TemplateError:
                names = iter(())
            for each in names:
                if each is not None:
                    found |= self.reaches(env, each)
        return self._reaches[name]


# What only Holdspace's thread and reply form write: a page that holds one shows them itself.
OWN_PARTS = ('id="comments-title"', 'id="respond-title"')
# Templates that, included by a post's template, mean the theme places the thread (or the
# warning) itself.
PLACING = {"holdspace/thread.html", "holdspace/thread_end.html", "holdspace/below_content.html"}
WARNING = {"holdspace/content_warning.html", "holdspace/below_warning.html"}


PAGED = ("_page", "_paginator", "_previous_page", "_next_page")  # what Pelican's paginator adds


class ListReuse:
    """A page that is not a post's (a list, mostly): when its key (``PageReuse.list_key``) is
    the one the previous build recorded, the previous build's text instead of a render."""

    def __init__(self, template: Any, reuse: pagereuse.PageReuse, values: dict[str, Any]) -> None:
        self.template, self.name, self.environment = template, template.name, template.environment
        self.reuse, self.values = reuse, values

    def render(self, context: dict[str, Any]) -> str:
        name = str(context.get("output_file") or "")
        paged = {k: v for k, v in context.items() if k.endswith(PAGED) or k == "page_name"}
        pages = [v for k, v in paged.items() if k.endswith("_page") and hasattr(v, "object_list")]
        lists = [v for v in self.values.values() if isinstance(v, list) and v and hasattr(v[0], "source_path")]
        if pages:  # a page of a list shows its own posts
            shown = [p for page in pages for p in page.object_list]
        elif lists:
            shown = [p for posts in lists for p in posts]
        else:  # anything may show any post's count: archives, a template page
            shown = [*(context.get("articles") or []), *(context.get("pages") or [])]
        parts = [context.get("SITEURL"), context.get("localsiteurl")]
        key = self.reuse.list_key(name, self.name, parts, {**self.values, **paged}, shown) if name else None
        text = self.reuse.previous_text(name, key) if key else None
        if text is None:
            text = str(self.template.render(context))
        if key:
            self.reuse.written(name, key)
        return text


class BelowContent:
    """A post's (or page's) template, and after it, when what it wrote shows no part of
    Holdspace's, holdspace/below_content.html put just after the post's content (or before
    </body> where the content cannot be found as written); a post with a Content-Warning has
    its content and its thread put behind it (holdspace/below_warning.html), unless the theme
    shows a warning of its own."""

    def __init__(self, template: Any, reaches: set[str]) -> None:
        self.template, self.name, self.environment = template, template.name, template.environment
        self.placed = bool(PLACING & reaches)  # the theme places the thread itself
        self.warns = bool(WARNING & reaches)

    def render(self, context: dict[str, Any]) -> str:
        page = str(self.template.render(context))
        placed = self.placed or any(part in page for part in OWN_PARTS)
        post = context.get("article") or context.get("page")
        warned = bool(getattr(post, "metadata", {}).get("content-warning"))
        warned = warned and not self.warns and 'class="content-warning"' not in page
        if placed and not warned:
            return page
        env = self.environment
        content = str(getattr(post, "content", "") or "")
        start = page.find(content) if content else -1  # the first copy: a sidebar's comes later
        found = start >= 0
        if placed and not found:
            return page  # nothing to put behind the warning where it is
        start = start if found else page.rfind("</body>")
        start = start if start >= 0 else len(page)
        end = start + len(content) if found else start
        below = (
            ""
            if placed
            else env.get_template("holdspace/below_content.html").render({**context, "thread_inside": warned})
        )
        if warned:  # the content (where found) and the thread, behind the warning
            values = {**context, "body": Markup(content if found else ""), "with_thread": not placed}
            shown = env.get_template("holdspace/below_warning.html").render(values)
            return page[:start] + shown + below + page[end:]
        return page[:end] + below + page[end:]


class WarnedWords:
    """Any page's template: while it renders, each post with a Content-Warning gives
    holdspace/list_warning.html (rendered when asked for) as its summary and its content, so
    a theme's lists, sidebars and other posts' pages show the warning, not the post's words.
    The page's own post keeps its content (put behind the warning by ``BelowContent``) and
    gives the note as its summary (what a theme's description meta tag shows)."""

    def __init__(self, template: Any, warned: list[Any], current: Any = None) -> None:
        self.template, self.name, self.warned, self.current = template, template.name, warned, current
        self.environment = template.environment

    def render(self, context: dict[str, Any]) -> str:
        note = self.template.environment.get_template("holdspace/list_warning.html")
        swapped = []
        try:
            for post in self.warned:
                kind = type(post)
                post.holdspace_note = _note(note, context, post)
                post.__class__ = warned_kind(kind, whole=post is not self.current)
                swapped.append((post, kind))
            return str(self.template.render(context))
        finally:
            for post, kind in swapped:
                post.__class__ = kind
            for post in self.warned:
                post.__dict__.pop("holdspace_note", None)


def _note(template: Any, context: dict[str, Any], post: Any) -> Callable[[], Markup]:
    made: list[Markup] = []

    def note() -> Markup:
        if not made:
            made.append(Markup(template.render({**context, "post": post})))
        return made[0]

    return note


_WARNED_KINDS: dict[tuple[type, bool], type] = {}


def warned_kind(kind: type, whole: bool) -> type:
    """``kind`` (Article, Page ...) whose summary, and content if ``whole``, is the post's
    warning note, under the same name (Pelican finds a post's URL settings by its class's name)."""
    if (kind, whole) not in _WARNED_KINDS:
        note = property(lambda post: post.holdspace_note())
        fields = {"content": note, "summary": note} if whole else {"summary": note}
        _WARNED_KINDS[kind, whole] = type(kind.__name__, (kind,), fields)
    return _WARNED_KINDS[kind, whole]


def code_files(folder: str = PACKAGE) -> list[str]:
    """Every Python file of Holdspace, in every stage's folder."""
    found = []
    for path, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "__pycache__")))
        found += [os.path.join(path, name) for name in files if name.endswith(".py")]
    return sorted(found)


def site_key(env: Any, context: dict[str, Any], listings: dict[int, Any] | None = None) -> str | None:
    """What every post page may show besides its own post: the context, every template,
    and the code of Holdspace, Pelican and Jinja. ``listings``: the posts described as lists
    show them, kept for the pages' keys (``PageReuse.listings``)."""
    try:
        templates = [
            [name, pagereuse.digest(env.loader.get_source(env, name)[0])] for name in sorted(env.list_templates())
        ]
        code = pagereuse.files_digest(code_files())
        versions = [metadata.version(name) for name in ("pelican", "Jinja2", "MarkupSafe")]
        return pagereuse.digest([pagereuse.describe(context, True, listings), templates, code, versions])
    except Exception as e:  # anything without a stable description: render every page
        logger.debug("Holdspace: pages are rendered, not reused (%s: %s)", e.__class__.__name__, e)
        return None


def page_reuse(settings: dict[str, Any], output_path: str) -> pagereuse.PageReuse | None:
    """The record of the previous build's pages, for linking them into ``output_path``; None
    when pages are not reused (turned off, or no previous build: a plain pelican run)."""
    if not (settings["HOLDSPACE_REUSE_PAGES"] and settings["HOLDSPACE_PREVIOUS_OUTPUT"]):
        return None
    project: Project = project_of(settings)
    return pagereuse.PageReuse(project.cache, settings["HOLDSPACE_PREVIOUS_OUTPUT"], output_path)


def get_writer(pelican_object: Any) -> type[Writer]:
    return ReusingWriter
