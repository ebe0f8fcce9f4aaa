"""The files a new site starts with, written out: its settings, its publishing settings,
the guidelines, crisis-resources and about pages, and one welcome post."""

from __future__ import annotations

import json
import string
import textwrap
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from .regions import Region, crisis_resources

TEMPLATES = Path(__file__).with_name("templates")


@dataclass(frozen=True)
class Answers:
    """What the owner said: all checked (``create.answers``)."""

    name: str
    url: str  # "" when not known yet: publishconf.py then takes SITEURL from the environment
    language: str
    timezone: str
    regions: tuple[Region, ...]
    comment_email: str = ""


def py(value: str) -> str:
    """``value`` as a Python string literal, quoted as ruff formats it (double quotes unless it holds some)."""
    return repr(value) if '"' in value and "'" not in value else json.dumps(value, ensure_ascii=False)


def comment(text: str, indent: str = "") -> str:
    return "\n".join(
        textwrap.wrap(
            text,
            88,
            initial_indent=f"{indent}# ",
            subsequent_indent=f"{indent}# ",
            break_long_words=False,
            break_on_hyphens=False,
        )
    )


def sources(regions: list[Region]) -> list[str]:
    """Where each of ``crisis_resources(regions)`` was read, and when: the same order."""
    said = [f"{r.name}: read at {r.emergency_source or 'no source recorded'}; verify it"
            for r in regions if r.emergency]  # fmt: skip
    for region in regions:
        said += [f"{line.name}: read at {line.source} on {line.checked} (crisis_lines.toml says how); verify it"
                 for line in region.lines]  # fmt: skip
    return said


# Long on purpose: the settings file itself, written out whole, as the owner will read it.
def settings_file(a: Answers) -> str:
    resources = ""
    for resource, source in zip(crisis_resources(list(a.regions)), sources(list(a.regions)), strict=True):
        keys = "".join(f"        {py(key)}: {py(value)},\n" for key, value in resource.items())
        resources += f"{comment(source, '    ')}\n    {{\n{keys}    }},\n"
    where = comment(f"Holdspace: where to reach help now, on every thread page next to the reply form, for "
                    f"readers in {', '.join(r.name for r in a.regions)}.")  # fmt: skip
    return f'''"""Pelican settings for the site, written by holdspace new-site (development: relative URLs).

Every Holdspace setting is listed in docs/settings.md. The crisis lines below come from
Holdspace's table, checked on the dates it gives: verify them before you publish
(docs/new-site.md).
"""

AUTHOR = {py(a.name)}
SITENAME = {py(a.name)}
SITESUBTITLE = "A moderated peer-support archive"
SITEURL = ""
RELATIVE_URLS = True

PATH = "content"
ARTICLE_PATHS = ["posts"]
PAGE_PATHS = ["pages"]
STATIC_PATHS: list[str] = []  # nothing under content/ is copied as is: comments never are
TIMEZONE = {py(a.timezone)}
DEFAULT_LANG = {py(a.language)}
DEFAULT_DATE_FORMAT = "%-d %B %Y"

THEME = "theme"
PLUGIN_PATHS = ["plugins"]
PLUGINS = ["holdspace"]

ARTICLE_URL = "{{slug}}/"
ARTICLE_SAVE_AS = "{{slug}}/index.html"
PAGE_URL = "pages/{{slug}}/"
PAGE_SAVE_AS = "pages/{{slug}}/index.html"
CATEGORY_URL = "category/{{slug}}/"
CATEGORY_SAVE_AS = "category/{{slug}}/index.html"
TAG_URL = "tag/{{slug}}/"
TAG_SAVE_AS = "tag/{{slug}}/index.html"
AUTHOR_URL = "author/{{slug}}/"
AUTHOR_SAVE_AS = "author/{{slug}}/index.html"
DIRECT_TEMPLATES = ["index", "tags", "categories", "authors", "archives", "search"]
SEARCH_URL = "search/"
SEARCH_SAVE_AS = "search/index.html"
ARCHIVES_URL = "archives/"
ARCHIVES_SAVE_AS = "archives/index.html"
DEFAULT_PAGINATION = 10
PAGINATION_PATTERNS = (
    (1, "{{url}}", "{{save_as}}"),
    (2, "{{base_name}}/page/{{number}}/", "{{base_name}}/page/{{number}}/index.html"),
)

# No feeds while developing (publishconf.py turns them on).
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None

CACHE_PATH = ".cache/pelican"
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CONTENT_CACHING_LAYER = "reader"

# Holdspace: the reply form. Comments come by email to COMMENT_EMAIL until the intake
# service runs (COMMENT_INTAKE_URL, docs/intake.md).
COMMENT_INTAKE_URL = ""
COMMENT_EMAIL = {py(a.comment_email)}
COMMENT_GUIDELINES_PAGE = "guidelines"
{where}
CRISIS_RESOURCES = [
{resources}]
CRISIS_RESOURCES_PAGE = "crisis-resources"
# Holdspace: one switch for readers and commenters who must hide their participation
# (see docs/safety.md).
PRIVACY_STRICT = False
# Holdspace: staff. Only these emails may use the reserved names of
# moderation/guidelines.toml; their comments get a badge.
STAFF_EMAILS: list[str] = []
# Holdspace: avatars drawn from the name shown: no request to another host.
AVATARS = "names"
'''


def publish_file(a: Answers) -> str:
    url = a.url or "https://holdspace.example"
    return f'''"""Settings for publishing: absolute URLs and feeds (holdspace build -s publishconf.py)."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # its pelicanconf.py, wherever run from
from pelicanconf import *  # noqa: F403

SITEURL = os.environ.get("SITEURL") or {py(url)}
RELATIVE_URLS = False
FEED_ALL_ATOM = "feeds/all.atom.xml"
CATEGORY_FEED_ATOM = "feeds/{{slug}}.atom.xml"
# Holdspace: the newest comments, for the site and for each post.
COMMENTS_FEED_ATOM = "feeds/comments.atom.xml"
COMMENTS_POST_FEED_ATOM = "comments.atom.xml"
DELETE_OUTPUT_DIRECTORY = True
AVATAR_SECRET_CREATE = False
'''


def _list(items: list[str]) -> str:
    return "\n".join(f"- {item}" for item in items)


def _page(template: str, **values: str) -> str:
    """A page of ``templates/``, its ``$name`` and others filled in."""
    return string.Template((TEMPLATES / template).read_text(encoding="utf-8")).substitute(values)


def crisis_page(a: Answers) -> str:
    emergency = [f"**{r.emergency}** ({r.name})" for r in a.regions if r.emergency]
    lines = [f"**{line.name}** ({region.name}): {line.contact}." for region in a.regions for line in region.lines]
    return _page(
        "crisis-resources.md",
        name=a.name,
        emergency=_list(emergency) if emergency else "- the emergency number of the country you are in.",
        lines=_list(lines),
    )


def about_page(a: Answers) -> str:
    return _page("about.md", name=a.name)


def guidelines_page(a: Answers) -> str:
    return _page("guidelines.md", name=a.name)


def welcome_post(a: Answers, now: datetime) -> str:
    local = now.astimezone(ZoneInfo(a.timezone))  # a post's Date is read in the site's time zone
    return _page("welcome.md", name=a.name, date=f"{local:%Y-%m-%d %H:%M}")
