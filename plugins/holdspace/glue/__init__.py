"""The Pelican glue: where Holdspace's stages meet Pelican (with the command line, the
only modules that import Pelican).

    project    the one settings loader (Pelican's read_settings), and the build's Project
    pelicanpart  Pelican's settings reader without the rest of Pelican, for the commands
    rewrite    settings checked once a build; posts' defaults, off-site rewriting, the rules page, feeds
    comments   the comments' Generator: reads the archive, renders the threads, writes pages 2..N
    redirects  the small page per comment id, rendered once and filled in
    forks      work in a forked process beside Pelican
    feeds      the comment feeds' entries
    search     the search's Generator: index and export, beside Pelican's page writing
    assets     the plugin's static files (search.js, reply.js, holdspace.css) into the output
    writer     Pelican's writer: unchanged pages linked, a thread below a theme's post,
               warned posts' words out of the lists
    pagereuse  the keys of those pages (pure)
    report     what a build did, for the command line's summary

``register`` only connects signals: ``PLUGINS = ["holdspace"]`` turns on threads and
search, as the older ``["holdspace.pelican_threads", "holdspace.pelican_search"]`` still
does (threads alone work too; search alone builds no thread, and the build says so).
"""

from __future__ import annotations

from typing import Any

from .pelicanpart import module

# Pelican's logging first, as Pelican wants it (its logger class): a module of the glue may
# make its logger on import, and the commands import the glue without the rest of Pelican.
module("pelican.log")


def register() -> None:
    register_threads()
    register_search()


def register_threads() -> None:
    # Imported here, not above: the commands load a project through ``glue.project``
    # and need none of Pelican but its settings (``pelicanpart``), nor the generators.
    from pelican import signals

    from . import assets, comments, forks, rewrite, writer

    signals.initialized.connect(rewrite.initialized)
    signals.generator_init.connect(rewrite.plugin_templates)
    signals.article_generator_finalized.connect(rewrite.article_defaults)
    signals.page_generator_finalized.connect(rewrite.page_defaults)
    signals.get_generators.connect(comments.get_generators)
    signals.get_generators.connect(assets.get_generators)  # reply.js, for the reply form
    signals.get_writer.connect(writer.get_writer)
    signals.all_generators_finalized.connect(rewrite.keep_urls)  # before the redirect pages' process starts
    signals.all_generators_finalized.connect(rewrite.first_page_templates)
    signals.all_generators_finalized.connect(comments.start_redirects)  # beside the posts' pages
    signals.feed_generated.connect(rewrite.warn_in_feeds)
    _thaw_each_run(signals, forks)


def register_search() -> None:
    from pelican import signals

    from . import assets, forks, rewrite, search

    _thaw_each_run(signals, forks)
    signals.initialized.connect(rewrite.initialized)  # once, whichever half connects it: it checks the settings
    signals.generator_init.connect(rewrite.plugin_templates)  # the search page, for a theme without one
    signals.get_generators.connect(search.get_generators)  # after the comments': it needs their threads
    signals.get_generators.connect(assets.get_generators)  # search.js (connected once, whichever half does)


def _thaw_each_run(signals: Any, forks: Any) -> None:
    """What a build froze for its collector (``glue.forks``) goes back to it at the end of the
    build (``finalized``) and at the start of every run (``get_generators``, sent first; a
    failed build sends no ``finalized``). Connected once, whichever half does it."""
    signals.get_generators.connect(forks.thaw)  # returns None: Pelican skips it as a Generator
    signals.finalized.connect(forks.thaw)
