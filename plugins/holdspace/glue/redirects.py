"""The small page for every comment id (``comment/<id>.html``) that sends a reader on to
the comment wherever it is now.

There is one per comment, so rather than render the template thousands of times
through Pelican's writer, it is rendered once per distinct SITEURL with markers
that each page's values then replace (escaped as Jinja's autoescape escapes them:
markupsafe). The first page of each kind is also rendered in full; if the two
differ (a template that transforms the values), every page is rendered in full.
"""

from __future__ import annotations

import os
from typing import Any

from markupsafe import escape
from pelican.utils import get_relative_path, path_to_url, sanitised_join

from . import pagereuse

# Private-use characters: never in an id or URL, and left alone by HTML escaping.
_MARKS = {key: f"\ue000{key}\ue001" for key in ("comment_id", "target", "url", "output_file")}


def write(generator: Any, writer: Any, relative: bool) -> None:
    """Write the redirect page of each of ``generator.redirects``: (comment id, its URL)."""
    settings, context = generator.settings, generator.context
    reuse = getattr(writer, "reuse", None)
    template = generator.get_template("comment_redirect")

    def render(siteurl: str, values: dict[str, str]) -> str:
        return str(template.render({**context, "SITEURL": siteurl, "localsiteurl": siteurl, **values}))

    patterns: dict[str, str | None] = {}  # SITEURL -> the page with markers, or None: render in full
    for cid, target in generator.redirects:
        name = settings["COMMENT_REDIRECT_SAVE_AS"].format(id=cid)
        url = settings["COMMENT_REDIRECT_URL"].format(id=cid)
        siteurl = path_to_url(get_relative_path(name)) if relative else context.get("SITEURL", "")
        values = {"comment_id": cid, "target": target, "url": url, "output_file": name}
        if siteurl not in patterns:
            full = render(siteurl, values)
            marked = render(siteurl, {k: _MARKS[k] for k in values})
            patterns[siteurl] = marked if _fill(marked, values) == full else None
        pattern = patterns[siteurl]
        text = render(siteurl, values) if pattern is None else _fill(pattern, values)
        key = pagereuse.text_digest(text)
        if reuse is not None and reuse.link(name, key):
            continue  # the same page as last time, linked from the previous build
        path = sanitised_join(generator.output_path, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        if reuse is not None:
            reuse.record(name, key)


def _fill(pattern: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        pattern = pattern.replace(_MARKS[key], str(escape(value)))
    return pattern
