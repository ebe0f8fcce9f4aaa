"""Pelican's writer, except that a post's page (or comment page) whose key is the one
recorded by the previous build is linked from it, not rendered (``pagereuse``)."""

from __future__ import annotations

import logging
import os
from importlib import metadata
from typing import Any

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
        self.reuse: pagereuse.PageReuse | None = None
        if self.settings["HOLDSPACE_REUSE_PAGES"] and self.settings["HOLDSPACE_PREVIOUS_OUTPUT"]:
            project: Project = project_of(self.settings)
            self.reuse = pagereuse.PageReuse(project.cache, self.settings["HOLDSPACE_PREVIOUS_OUTPUT"], output_path)
        self._keyed = False

    def write_file(self, name, template, context, relative_urls=False, paginated=None, template_name=None,
                   override_output=False, url=None, **kwargs):  # type: ignore[no-untyped-def]  # fmt: skip
        reuse = self.reuse
        key = None
        if (
            reuse is not None
            and name
            and "article" in kwargs
            and paginated is None
            and not override_output
            and not {"articles", "dates"} & kwargs.keys()
        ):
            if not self._keyed:
                reuse.site_key = site_key(template.environment, context)
                self._keyed = True
            key = reuse.key(name, template.name, [relative_urls, url], kwargs)
            if key is not None and reuse.link(name, key):
                return
        post = kwargs.get("article") or kwargs.get("page")
        if self.settings["COMMENTS_BELOW_CONTENT"] and getattr(post, "comment_thread", None) is not None:
            template = BelowContent(template)
        super().write_file(
            name, template, context, relative_urls, paginated, template_name, override_output, url, **kwargs
        )
        if key is not None:
            reuse.record(name, key)


# What only Holdspace's thread and reply form write: a page that holds one shows them itself.
OWN_PARTS = ('id="comments-title"', 'id="respond-title"')


class BelowContent:
    """A post's (or page's) template, and after it, when what it wrote shows no part of
    Holdspace's, holdspace/below_content.html put just after the post's content (or before
    </body> where the content cannot be found as written); a post with a Content-Warning has
    its content and its thread put behind it (holdspace/below_warning.html), unless the theme
    shows a warning of its own."""

    def __init__(self, template: Any) -> None:
        self.template, self.name = template, template.name

    def render(self, context: dict[str, Any]) -> str:
        page = str(self.template.render(context))
        if any(part in page for part in OWN_PARTS):
            return page
        env = self.template.environment
        post = context.get("article") or context.get("page")
        content = str(getattr(post, "content", "") or "")
        start = page.rfind(content) if content else -1
        found = start >= 0
        start = start if found else page.rfind("</body>")
        start = start if start >= 0 else len(page)
        end = start + len(content) if found else start
        inside = bool(getattr(post, "metadata", {}).get("content-warning")) and 'class="content-warning"' not in page
        below = env.get_template("holdspace/below_content.html").render({**context, "thread_inside": inside})
        if inside:  # the content (where found) and the thread, behind the warning
            body = Markup(content if found else "")
            shown = env.get_template("holdspace/below_warning.html").render({**context, "body": body})
            return page[:start] + shown + below + page[end:]
        return page[:end] + below + page[end:]


def code_files(folder: str = PACKAGE) -> list[str]:
    """Every Python file of Holdspace, in every stage's folder."""
    found = []
    for path, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "__pycache__")))
        found += [os.path.join(path, name) for name in files if name.endswith(".py")]
    return sorted(found)


def site_key(env: Any, context: dict[str, Any]) -> str | None:
    """What every post page may show besides its own post: the context, every template,
    and the code of Holdspace, Pelican and Jinja."""
    try:
        templates = [
            [name, pagereuse.digest(env.loader.get_source(env, name)[0])] for name in sorted(env.list_templates())
        ]
        code = pagereuse.files_digest(code_files())
        versions = [metadata.version(name) for name in ("pelican", "Jinja2", "MarkupSafe")]
        return pagereuse.digest([pagereuse.describe(context), templates, code, versions])
    except Exception as e:  # anything without a stable description: render every page
        logger.debug("Holdspace: pages are rendered, not reused (%s: %s)", e.__class__.__name__, e)
        return None


def get_writer(pelican_object: Any) -> type[Writer]:
    return ReusingWriter
