"""A site's folders and settings, as every command and the build see them.

``glue.project.load_project`` reads the settings file with Pelican's own rules
and makes a ``Project``; the build makes one from the settings Pelican already
read. Pure: the folders follow from the settings (``PATH``, ``COMMENTS_PATH``,
``MODERATION_PATH``, ``HOLDSPACE_CACHE_PATH``, Pelican's ``ARTICLE_PATHS`` and
``PAGE_PATHS``), and a title's slug from the ``slugify`` given.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..settings import SettingsError
from .posts import POSTS_FILE, PostInfo, read_threads

# The moderation folder: what waits, what was refused, the rules and the record of decisions.
QUEUE = "queue"
REJECTED = "rejected"
GUIDELINES_FILE = "guidelines.toml"
LOG_FILE = "decisions.log"
# A settings file in PATH itself means PATH is the project folder (PATH = ".").
SETTINGS_FILES = ("pelicanconf.py", "publishconf.py")


def project_folder(content_path: str) -> str:
    """The project folder: the one holding PATH (content/), or PATH itself when the site's
    settings file is in it (PATH = "."), so that moderation/ never lands outside the site."""
    content = os.path.abspath(content_path)
    if any(os.path.isfile(os.path.join(content, name)) for name in SETTINGS_FILES):
        return content
    return os.path.dirname(content)


def project_path(content_path: str, value: str) -> str:
    """A path setting (MODERATION_PATH, HOLDSPACE_CACHE_PATH, AVATAR_SECRET_FILE): a
    relative one is taken from the project folder."""
    return os.path.join(project_folder(content_path), value)


@dataclass
class Project:
    """``settings``: Pelican's and Holdspace's, checked (``holdspace_settings`` merged in);
    ``content``: PATH, absolute; ``slugify``: a title's slug, as Pelican makes it;
    ``show_date``: a date as the site's pages write it (the default language's format)."""

    settings: Mapping[str, Any]
    content: str
    slugify: Callable[[str], str] = field(repr=False)
    show_date: Callable[[datetime], str] = field(repr=False)

    @cached_property
    def folder(self) -> str:
        return project_folder(self.content)

    def left_behind(self) -> str | None:
        """With the project folder PATH itself (PATH = "."): a moderation or private folder
        one folder up, where Holdspace kept them before, that is not in the site's folder."""
        above = os.path.dirname(self.content)
        if self.folder == above:
            return None
        for key in ("MODERATION_PATH", "HOLDSPACE_PRIVATE_PATH"):
            old, new = os.path.join(above, self.settings[key]), os.path.join(self.folder, self.settings[key])
            if os.path.isdir(old) and not os.path.exists(new):
                return (
                    f"{old}: Holdspace now keeps {self.settings[key]} in the site's folder, as PATH is that folder; "
                    f"move it to {new} (or set {key} to where it is)"
                )
        return None

    @property
    def comments(self) -> str:
        return os.path.join(self.content, self.settings["COMMENTS_PATH"])

    @property
    def moderation(self) -> str:
        return os.path.join(self.folder, self.settings["MODERATION_PATH"])

    @property
    def queue(self) -> str:
        return os.path.join(self.moderation, QUEUE)

    @property
    def rejected(self) -> str:
        return os.path.join(self.moderation, REJECTED)

    @property
    def guidelines(self) -> str:
        return os.path.join(self.moderation, GUIDELINES_FILE)

    @property
    def log(self) -> str:
        return os.path.join(self.moderation, LOG_FILE)

    @property
    def private(self) -> str:
        """What must never be published or committed: the outbox, the signing secret."""
        return os.path.join(self.folder, self.settings["HOLDSPACE_PRIVATE_PATH"])

    @property
    def cache(self) -> str:
        return os.path.join(self.folder, self.settings["HOLDSPACE_CACHE_PATH"])

    @property
    def search_index(self) -> str:
        """The search index (a cache: the build makes it again when it is gone)."""
        return os.path.join(self.cache, "search")

    @cached_property
    def tz(self) -> tzinfo:
        name = self.settings.get("TIMEZONE") or "UTC"
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError) as e:
            raise SettingsError(
                f"setting TIMEZONE = {name!r} is not a time zone; use a name like 'Europe/London' or 'UTC'"
            ) from e

    def thread_folders(self) -> tuple[list[str], list[str]]:
        """The folders of the posts and of the pages (Pelican's ARTICLE_PATHS and PAGE_PATHS)."""
        posts = [os.path.join(self.content, p) for p in self.settings.get("ARTICLE_PATHS", [""])]
        return posts, [os.path.join(self.content, p) for p in self.settings.get("PAGE_PATHS", ["pages"])]

    def threads(self) -> dict[str, PostInfo]:
        """The posts and pages a comments folder may name, from their files as they are now
        (each file's header kept in the cache while the file is unchanged)."""
        return read_threads(*self.thread_folders(), self.slugify, self.tz, os.path.join(self.cache, POSTS_FILE))


def owned_folders(project: Project) -> list[str]:
    """The folders Holdspace keeps and Pelican must never read as content: the comments, the
    moderation folder, the private folder, the cache and the folder of the avatars' secret
    (which may all be in PATH when PATH is the project folder)."""
    secret = os.path.dirname(os.path.join(project.folder, project.settings["AVATAR_SECRET_FILE"]))
    owned = [project.comments, project.moderation, project.private, project.cache, secret]
    return [path for path in owned if os.path.abspath(path) != os.path.abspath(project.content)]
