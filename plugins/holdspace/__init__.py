"""Holdspace: a moderated peer-support discussion archive as a static site.

The folders follow a comment's way, from a file to a page:

    archive/     the files: comment format, reading and checking, caches, posts, the project's folders
    review/      moderation: the guidelines, pseudonyms, verdicts, decisions, the log
    publishing/  the pages' parts: Markdown, sanitizing, avatars, threads, feeds, off-site rewriting
    search/      the index, its export for the browser, queries
    mail/        alerts, confirmations and notifications, through an outbox that loses nothing
    control/     people's control: what is held about an address, erasing it, giving it to them
    intake/      the reply form's service: a form becomes a file in the queue
    importers/   WordPress exports into the archive
    glue/        the Pelican plugin: signals, generators, the writer (imports Pelican)
    cli/         the ``holdspace`` command (imports Pelican)

    problems.py  path:line problems, errors, did-you-mean; settings.py, schema.py: the settings

Only ``glue`` and ``cli`` import Pelican (a test pins it). docs/architecture.md
names every module. ``PLUGINS = ["holdspace"]`` turns the plugin on.
"""

__version__ = "0.1.0"


def register() -> None:
    """Pelican's entry point for ``PLUGINS = ["holdspace"]``: threads and search."""
    from .glue import register as register_glue

    register_glue()
