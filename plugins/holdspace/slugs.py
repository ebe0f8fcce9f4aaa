"""The slug Pelican makes from a title, for a post or page without a ``Slug:`` line:
for the commands and the intake, which read posts without running Pelican (this
module imports it only when a slug is asked for)."""

from __future__ import annotations

from typing import Any


def post_slug(title: str, settings: dict[str, Any]) -> str:
    from pelican.settings import DEFAULT_CONFIG
    from pelican.utils import slugify

    subs = settings.get("SLUG_REGEX_SUBSTITUTIONS", DEFAULT_CONFIG["SLUG_REGEX_SUBSTITUTIONS"])
    return str(slugify(title, regex_subs=subs))
