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
from .searchexport import can_update, is_current, load_state, save_state, update_export, write_export
from .searchindex import Doc, export, segments, update_index
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
        # The export being replaced: the one in the previous output (a build into a new
        # folder, by holdspace.build) or the one already in this output (plain pelican).
        prev_output = hs["HOLDSPACE_PREVIOUS_OUTPUT"]
        previous = os.path.join(prev_output, "search", "data") if prev_output else target
        state = load_state(cache)
        if not stats.changed_anything and state is not None and is_current(previous, stats.fingerprint):
            if previous != target:
                # Its files are never changed in place (an export replaces the folder), so links are safe.
                shutil.copytree(previous, target, copy_function=os.link)
            exported = "the previous export is reused"
        else:
            now = segments(cache)
            if not stats.renumbered and can_update(state, previous, now):
                assert state is not None
                changes = export(cache, stats.touched_terms, stats.new_ids)
                files, state = update_export(
                    changes, stats.touched_terms, stats.gone_ids, state, previous, target, stats.fingerprint, now
                )
                exported = f"{files['written']} files written, {files['linked']} unchanged"
            else:
                files, state = write_export(export(cache), target, stats.fingerprint, now)
                exported = f"{files['documents']} documents exported"
            save_state(cache, state)
        logger.info(
            "Holdspace search: %d added, %d changed, %d removed, %d unchanged%s; %s (%.1f s)",
            stats.added, stats.changed, stats.removed, stats.unchanged, " (rebuilt)" if stats.rebuilt else "",
            exported, time.perf_counter() - start,
        )  # fmt: skip


def get_generators(pelican_object):
    return SearchGenerator


def register() -> None:
    signals.get_generators.connect(get_generators)
