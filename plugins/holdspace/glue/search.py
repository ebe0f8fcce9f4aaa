"""The search's Generator, which updates the Whoosh
index (in the cache folder, outside output/) from the published posts and
comments and exports it under output/search/data/ for the browser. Nothing
from moderation/ is read.

The threads are ready once every Generator has read its content; from there the
search work needs nothing Pelican still does. So with more than one worker
(HOLDSPACE_WORKERS) it runs in a forked process while Pelican renders and
writes the pages, and ``generate_output`` waits for it; a new index's export
is written by a second process while Whoosh writes the index (BESIDE_MAX); see ``forks``."""

from __future__ import annotations

import logging
import os
import shutil
import signal
import time
from functools import partial
from typing import TYPE_CHECKING, Any

from pelican.generators import Generator
from pelican.utils import strftime

from ..archive.parsecache import collector_paused
from .comments import PLAIN_TEXTS
from .forks import forked, give_back_memory, parallel, wait
from .project import project_of

if TYPE_CHECKING:
    from ..search.documents import UpdateStats
    from ..search.export import ExportState

logger = logging.getLogger(__name__)
# Up to this many documents, a new index's export is written by a second process while
# Whoosh commits the index; above it, after: at 100,000 comments the two processes
# together would pass 1 GB (bench/README.md).
BESIDE_MAX = 50_000


class SearchGenerator(Generator):
    def generate_context(self) -> None:
        """Start the search work in a child process when there are cores for it. This
        Generator is registered after the comments' one, so the threads are ready."""
        self._child: int | None = None
        self._texts: dict[str, str] = self.context.pop(PLAIN_TEXTS, None) or {}
        if not parallel(self.settings):
            return
        give_back_memory()  # what the comments' Generator freed, so the child does not start with it
        self._child = forked(self._update)
        self._texts = {}  # the child has them

    def generate_output(self, writer: Any) -> None:
        if self._child is None:
            self._update()
            return
        child, self._child = self._child, None
        wait(child, "the search index could not be updated")

    def _update(self) -> None:
        """The index and the export updated, with Python's cyclic collector paused: the search
        makes no cyclic garbage (the collections in a cold build's search freed 14 objects of
        millions), and they took 0.18 s of its 5 s at 20,000 comments."""
        with collector_paused():
            self._search()

    def _search(self) -> None:
        # The search stage (and Whoosh, 40 ms to import) is imported where it runs: in the
        # search's own process, forked, when there are cores for it.
        from ..search.documents import documents
        from ..search.export import forget_state, load_state, usable
        from ..search.index import count_all, update_index

        start = time.perf_counter()
        cache = project_of(self.settings).search_index
        posts = list(self.context.get("articles", []))  # hidden posts stay out of search
        pages = self.context.get("pages", [])  # comments on hidden pages stay out too
        # Dates as the pages write them: Pelican's strftime, each with its post's date_format.
        docs = list(documents(posts, pages=pages, show_date=strftime, texts=self._texts))
        target = os.path.join(self.output_path, "search", "data")
        # The export being replaced: the one in the previous output (a build into a new
        # folder, by holdspace build) or the one already in this output (plain pelican).
        prev_output = self.settings["HOLDSPACE_PREVIOUS_OUTPUT"]
        previous = os.path.join(prev_output, "search", "data") if prev_output else target
        state = load_state(cache)
        beside: list[int] = []

        def counted(stats: UpdateStats) -> None:  # a new index's documents, counted before Whoosh writes any
            forget_state(cache)
            beside.append(forked(partial(_export, cache, stats, None, "", target)))  # written meanwhile

        def before_commit(stats: UpdateStats) -> None:
            if (stats.added or stats.changed or stats.removed) and not beside:
                forget_state(cache)  # the export it records is about to be behind the index

        try:
            beside_ok = parallel(self.settings) and len(docs) <= BESIDE_MAX  # the counts kept meanwhile: memory
            stats = update_index(cache, docs, before_commit=before_commit, counted=counted if beside_ok else None)
        except BaseException:
            if beside:  # the export of an index that was not committed: stopped, and its record gone
                os.kill(beside[0], signal.SIGKILL)
                os.waitpid(beside[0], 0)
                forget_state(cache)
            raise
        # The record of the previous export, when that export is whole and this index's.
        current = state if not stats.rebuilt and usable(state, previous) else None
        if beside:
            wait(beside[0], "the search export could not be written")
            exported = f"{len(stats.numbers)} documents exported"
        elif current is not None and not stats.changed_anything and current.index_fingerprint == stats.fingerprint:
            if previous != target:
                # Its files are never changed in place (an export replaces the folder), so links are safe.
                shutil.copytree(previous, target, copy_function=os.link)
            exported = "the previous export is reused"
        elif current is None:
            # No export to update (a new index, or the previous export or its record is gone):
            # a whole one, from every document's words counted (the index stands as it is).
            exported = _export(cache, stats if stats.rebuilt else count_all(docs), None, "", target)
        else:
            exported = _export(cache, stats, current, previous, target)
        logger.info(
            "Holdspace search: %d added, %d changed, %d removed, %d unchanged%s; %s (%.1f s)",
            stats.added, stats.changed, stats.removed, stats.unchanged, " (rebuilt)" if stats.rebuilt else "",
            exported, time.perf_counter() - start,
        )  # fmt: skip


def _export(cache: str, stats: UpdateStats, state: ExportState | None, previous: str, target: str) -> str:
    """Write the export of the index ``stats`` tells of into ``target``, from the export
    ``previous`` (``state``) or, with none, whole; what was done, for the report."""
    from ..search.export import ExportState, save_state, update_export
    from ..search.index import rounded_length, stopped
    from ..search.postings import export_changes

    if state is None:
        state, previous = ExportState(stop_words=stopped()), ""
    gathered = stats.gathered
    made = export_changes(state.entries, state.numbers, stats.numbers, gathered, stats.touched_terms, rounded_length)
    files = update_export(state, made, gathered.hits, gathered.lengths, stats.numbers, previous, target,
                          stats.fingerprint)  # fmt: skip
    save_state(cache, state)
    if not previous:
        return f"{files['documents']} documents exported"
    return f"{files['written']} files written, {files['linked']} unchanged"


def get_generators(pelican_object: Any) -> type[Generator]:
    return SearchGenerator
