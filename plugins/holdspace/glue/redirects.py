"""The small page for every comment id (``comment/<id>.html``) that sends a reader on to
the comment wherever it is now.

There is one per comment, so rather than render the template thousands of times
through Pelican's writer, it is rendered once per distinct SITEURL with markers
that each page's values then replace (escaped as Jinja's autoescape escapes them:
markupsafe). The first page of each kind is also rendered in full; if the two
differ (a template that transforms the values), every page is rendered in full.
With two workers or more they are written by a forked process (``start``) while Pelican
writes the posts' pages.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from markupsafe import escape
from pelican.utils import get_relative_path, path_to_url, sanitised_join

from ..archive.moves import write_text
from . import forks, pagereuse
from .writer import page_reuse

# Private-use characters: never in an id or URL, and left alone by HTML escaping.
_MARKS = {key: f"\ue000{key}\ue001" for key in ("comment_id", "target", "url", "output_file")}


def write(generator: Any, writer: Any, relative: bool) -> None:
    """Write the redirect page of each of ``generator.redirects``: (comment id, its URL)."""
    _put(_pages(generator, relative), generator.output_path, getattr(writer, "reuse", None))


def start(generator: Any, relative: bool) -> Started:
    """``write`` in a forked process, beside Pelican's page writing: the pages are the ones
    ``write`` makes, linked from the previous build in the same way, and what the child
    recorded of them is taken into the writer's record by ``finish``."""
    settings = generator.settings
    records = tempfile.TemporaryFile()  # already unlinked: nothing is left behind

    def work() -> None:
        reuse = page_reuse(settings, generator.output_path)
        _put(_pages(generator, relative), generator.output_path, reuse)
        if reuse is not None:
            records.write(json.dumps({"pages": reuse.new_records(), "reused": reuse.reused}).encode("utf-8"))
            records.flush()

    try:
        return Started(forks.forked(work), records)
    except BaseException:  # no process (fork failed): no record either
        records.close()
        raise


def finish(started: Started, writer: Any) -> None:
    """Wait for the pages ``start`` writes, and record them as the writer's own."""
    with started.records as f:
        forks.wait(started.pid, "the redirect pages could not be written")
        f.seek(0)
        data = f.read()
    reuse = getattr(writer, "reuse", None)
    if reuse is not None and data:
        found = json.loads(data)
        reuse.take(found["pages"], found["reused"])


@dataclass
class Started:
    pid: int
    records: Any  # a temporary file: what the child recorded, as JSON


def _pages(generator: Any, relative: bool) -> Iterator[tuple[str, str]]:
    """Each redirect page: its file name and text."""
    settings, context = generator.settings, generator.context
    template = generator.get_template("comment_redirect")

    def render(siteurl: str, values: dict[str, str]) -> str:
        return str(template.render({**context, "SITEURL": siteurl, "localsiteurl": siteurl, **values}))

    patterns: dict[str, str | None] = {}  # SITEURL -> the page with markers, or None: render in full
    roots: dict[str, str] = {}  # a folder of the output -> the way up to the site's root from a file in it
    for cid, target in generator.redirects:
        name = settings["COMMENT_REDIRECT_SAVE_AS"].format(id=cid)
        url = settings["COMMENT_REDIRECT_URL"].format(id=cid)
        siteurl = _root(name, roots) if relative else context.get("SITEURL", "")
        values = {"comment_id": cid, "target": target, "url": url, "output_file": name}
        if siteurl not in patterns:
            full = render(siteurl, values)
            marked = render(siteurl, {k: _MARKS[k] for k in values})
            patterns[siteurl] = marked if _fill(marked, values) == full else None
        pattern = patterns[siteurl]
        yield name, render(siteurl, values) if pattern is None else _fill(pattern, values)


def _put(pages: Iterable[tuple[str, str]], output_path: str, reuse: Any) -> None:
    """Link each page from the previous build when its text is the same, else write it."""
    folders: set[str] = set()  # made already
    for name, text in pages:
        key = pagereuse.text_digest(text)
        if reuse is not None and reuse.link(name, key):
            continue  # the same page as last time, linked from the previous build
        path = sanitised_join(output_path, name)
        if (folder := os.path.dirname(path)) not in folders:
            os.makedirs(folder, exist_ok=True)
            folders.add(folder)
        write_text(path, text)
        if reuse is not None:
            reuse.record(name, key)


def _root(name: str, roots: dict[str, str]) -> str:
    """Pelican's relative SITEURL for the file ``name``: the same for every file of a folder
    (as many parents as the folder has parts), so made once per folder."""
    folder, _, base = name.rpartition("/")
    if not base:
        return path_to_url(get_relative_path(name))
    if folder not in roots:
        roots[folder] = path_to_url(get_relative_path(name))
    return roots[folder]


_ESCAPED = re.compile(r"[&<>'\"]")  # what markupsafe's escape changes


def _fill(pattern: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        pattern = pattern.replace(_MARKS[key], str(escape(value)) if _ESCAPED.search(value) else value)
    return pattern
