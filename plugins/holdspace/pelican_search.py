"""The Pelican plugin for search: its own Generator, which after the site's
pages are written updates the Whoosh index (in the cache folder, outside
output/) from the published posts and comments and exports it under
output/search/data/ for the browser. Nothing from moderation/ is read."""

from __future__ import annotations

import logging
import os
import shutil
import time
from collections.abc import Iterator

from pelican import signals
from pelican.generators import Generator

from .plaintext import as_text
from .searchexport import is_current, write_export
from .searchindex import Doc, export, update_index
from .settings import holdspace_settings, project_path

logger = logging.getLogger(__name__)


def documents(posts: list, default_author: str = "") -> Iterator[Doc]:
    """One document per published post and per published comment on it."""
    for post in posts:
        tags = ", ".join(str(t) for t in getattr(post, "tags", []) or [])
        category = str(getattr(post, "category", "") or "")
        tags = ", ".join(x for x in (category, tags) if x)
        title = as_text(post.title)
        yield Doc(f"post:{post.slug}", "post", title, str(getattr(post, "author", default_author)),
                  post.content, post.date, post.slug, tags, post.url, to_text=as_text)  # fmt: skip
        thread = getattr(post, "comment_thread", None)
        if thread is None:
            continue
        for cid, node in thread.by_id.items():
            c = node.item
            url = f"{thread.pages[node.page - 1].url}#comment-{cid}"
            yield Doc(cid, "comment", title, c.author, c.body, c.date, post.slug, tags, url, to_text=as_text)


class SearchGenerator(Generator):
    def generate_context(self) -> None:
        pass  # the threads are ready only after the comments' Generator has run

    def generate_output(self, writer) -> None:
        start = time.perf_counter()
        hs = holdspace_settings(self.settings)
        cache = os.path.join(project_path(self.path, hs["HOLDSPACE_CACHE_PATH"]), "search")
        posts = list(self.context.get("articles", []))  # hidden posts stay out of search
        stats = update_index(cache, documents(posts))
        target = os.path.join(self.output_path, "search", "data")
        previous = (
            os.path.join(hs["HOLDSPACE_PREVIOUS_OUTPUT"], "search", "data") if hs["HOLDSPACE_PREVIOUS_OUTPUT"] else ""
        )
        if (
            not stats.changed_anything
            and previous
            and not os.path.exists(target)
            and is_current(previous, stats.fingerprint)
        ):
            # A build into a new folder: the previous export is still right. Its files are
            # never changed in place (a new export replaces the folder), so links are safe.
            shutil.copytree(previous, target, copy_function=os.link)
            exported = "the previous export is reused"
        elif stats.changed_anything or not is_current(target, stats.fingerprint):
            files = write_export(export(cache), target, stats.fingerprint)
            exported = f"{files['documents']} documents exported"
        else:
            exported = "the export in output/ is up to date"
        logger.info(
            "Holdspace search: %d added, %d changed, %d removed, %d unchanged%s; %s (%.1f s)",
            stats.added, stats.changed, stats.removed, stats.unchanged, " (rebuilt)" if stats.rebuilt else "",
            exported, time.perf_counter() - start,
        )  # fmt: skip


def get_generators(pelican_object):
    return SearchGenerator


def register() -> None:
    signals.get_generators.connect(get_generators)
