"""The one project loader: a site's settings file read with Pelican's own rules.

``load_project`` reads the file as ``pelican -s`` does (``read_settings``: its
defaults, paths relative to the file's folder; imported without the rest of Pelican,
``pelicanpart``), checks Holdspace's settings and
makes the ``archive.project.Project`` that the moderation commands, search, the
intake and the importer work with. The build makes its ``Project`` with
``project_of`` from the settings Pelican has read and ``initialized`` checked.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from ..archive.project import Project
from ..settings import SettingsError, holdspace_settings
from .pelicanpart import module


def load_project(settings_file: str) -> Project:
    """The project whose settings file is ``settings_file`` (``pelicanconf.py``)."""
    if not os.path.isfile(settings_file):
        raise SettingsError(
            f"{settings_file}: no such settings file; run the command in the site's folder, or name the file"
        )
    try:
        settings = module("pelican.settings").read_settings(settings_file)
    except SettingsError:
        raise
    except (ValueError, OSError, ImportError, SyntaxError, NameError) as e:  # Pelican's and the file's own
        raise SettingsError(f"{settings_file}: {e}") from e
    settings.update(holdspace_settings(settings))
    return project_of(settings)


def project_of(settings: Mapping[str, Any]) -> Project:
    """The project of settings already checked (by ``load_project``, or in a build by ``rewrite.initialized``)."""
    project = Project(settings, os.path.abspath(settings["PATH"]), slugifier(settings), date_writer(settings))
    moved = project.left_behind()
    if moved:
        raise SettingsError(moved)
    return project


def slugifier(settings: Mapping[str, Any]) -> Callable[[str], str]:
    """The slug Pelican makes of a title, for a post or page without a ``Slug:`` line."""
    subs = settings.get("SLUG_REGEX_SUBSTITUTIONS", _default("SLUG_REGEX_SUBSTITUTIONS"))

    def slug(title: str) -> str:
        return str(module("pelican.utils").slugify(title, regex_subs=subs))

    return slug


def date_writer(settings: Mapping[str, Any]) -> Callable[[datetime], str]:
    """A date as the site's pages write a post's in the default language: Pelican's strftime
    with its DATE_FORMATS for DEFAULT_LANG, or DEFAULT_DATE_FORMAT (a (locale, format) pair
    gives its format)."""
    lang = settings.get("DEFAULT_LANG", _default("DEFAULT_LANG"))
    default = settings.get("DEFAULT_DATE_FORMAT", _default("DEFAULT_DATE_FORMAT"))
    date_format = (settings.get("DATE_FORMATS") or {}).get(lang, default)
    if isinstance(date_format, tuple):
        date_format = date_format[1]

    def show(date: datetime) -> str:
        return str(module("pelican.utils").strftime(date, date_format))

    return show


def _default(key: str) -> Any:
    return module("pelican.settings").DEFAULT_CONFIG[key]
