"""The ``holdspace`` command: every subcommand, and the one place errors become messages.

    holdspace build [Pelican's options]   build the site (make html, make publish)
    holdspace serve [--autoreload]        build, then serve it (make serve, make devserver)
    holdspace queue | show | approve | reject | restore | unpublish | log     moderation
    holdspace search WORDS                search the archive's index
    holdspace intake                      the reply form's service
    holdspace import-wordpress FILE       import a WordPress export
    holdspace forget EMAIL | export-personal EMAIL   a writer's erasure, their data
    holdspace secret                      the secret of AVATARS = "local"

Every subcommand has ``--help``. The make targets are thin wrappers around these.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import importlib
import os
import sys
import threading
from collections.abc import Sequence
from typing import NoReturn

from . import errors
from .terminal import TerminalText

# Each subcommand's module, imported only when it runs (a moderation command needs
# neither Pelican's generators nor Whoosh), and its line in ``holdspace --help``.
COMMANDS = {
    "build": ("build", "build the site with Pelican (its options follow; --help lists them)"),
    "serve": ("serve", "build, then serve the site on this machine (--autoreload: build again on changes)"),
    "queue": ("moderate", "list the comments waiting for a decision, crisis first"),
    "show": ("moderate", "one waiting comment as it would be published"),
    "approve": ("moderate", "check the rules, then publish"),
    "reject": ("moderate", "move a waiting comment to moderation/rejected/"),
    "restore": ("moderate", "move a rejected comment back to the queue"),
    "unpublish": ("control", "take a published comment off the site (replies keep their place)"),
    "forget": ("control", "erase everything held about a writer's address (ERASE_MODE; --dry-run: only say what)"),
    "export-personal": ("control", "everything held about a writer's address, as one JSON file for them"),
    "log": ("moderate", "the latest decisions"),
    "new-site": ("newsite", "a new community's site in place of the demo: settings, pages, crisis lines"),
    "check-site": ("checksite", "check the site's own archive and settings before a build or a deploy"),
    "check-private": ("checkprivate", "say whether comment files hold addresses (--public: fail if any does)"),
    "search": ("search", "search the archive's index (built by the last build)"),
    "intake": ("intake", "the reply form's service: forms become files in the queue (Ctrl-C stops it)"),
    "import-wordpress": ("importer", "import a WordPress export (posts, pages, comments; never overwrites)"),
    "outbox": ("outbox", "the mails and alerts waiting to be sent, and why (--send: send what is due now)"),
    "notify": ("notify", "mail the writers who asked: replies to them and their comments, now live"),
    "secret": ("secret", 'create the secret for AVATARS = "local" (once; keep it)'),
}


def parser(chosen: str | None = None) -> argparse.ArgumentParser:
    """The command's parser; the arguments of ``chosen`` (a subcommand) filled in by its module."""
    top = argparse.ArgumentParser(
        prog="holdspace",
        description="Holdspace: a moderated peer-support discussion archive, published with Pelican.",
    )
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (module, text) in COMMANDS.items():
        command = commands.add_parser(name, help=text, description=text)
        if name == chosen and name != "build":
            importlib.import_module(f".{module}", __package__).add_arguments(command)  # type: ignore[attr-defined]
            command.add_argument(
                "-s", "--settings", default="pelicanconf.py", help="the settings file (default: pelicanconf.py)"
            )
    return top


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _main(argv)
    except KeyboardInterrupt:  # Ctrl-C before a command's own handling (while importing): nothing began
        print("Interrupted.", file=sys.stderr)
        return errors.INTERRUPTED


def build_main() -> int:
    """``holdspace-build``: ``holdspace build`` as one word, for a Makefile's PELICAN variable
    (Pelican's quickstart Makefile quotes it: ``"$(PELICAN)"``)."""
    return main(["build", *sys.argv[1:]])


def run() -> NoReturn:
    """The ``holdspace`` command and ``python -m holdspace``: ``main``, then ``leave``."""
    leave(main())


def build_run() -> NoReturn:
    """The ``holdspace-build`` command: ``build_main``, then ``leave``."""
    leave(build_main())


def leave(code: int) -> NoReturn:
    """End the process with ``code`` once the command is done, without freeing its objects one
    by one: after a build of 20,000 comments Python's own exit spends 0.2 s on that. What an
    exit must still do is done first: the functions registered with ``atexit`` (logging's
    flush among them) and the standard streams flushed. Every file Holdspace and Pelican
    write is closed by then (``with``). A stream that cannot be flushed (a full disk under
    ``> file``) makes the status 120, as Python's own exit does; a closed pipe does not.
    While a thread other than a daemon is still at work, Python's own exit waits for it, as
    it always did."""
    if any(not t.daemon for t in threading.enumerate() if t is not threading.main_thread()):
        sys.exit(code)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BrokenPipeError:  # `holdspace queue | head`: the reader has what it wants
            pass
        except (OSError, ValueError):  # a full disk under `> file`: as Python's own exit, status 120
            code = 120
    os._exit(code)


def _main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] == ["build"]:  # Pelican's own options follow
        from . import build

        return build.main(args_list[1:])
    chosen = next((a for a in args_list if not a.startswith("-")), None)
    args = parser(chosen).parse_args(args_list)
    # Commenters' words reach the terminal: escape sequences in them are shown as '?'.
    with contextlib.redirect_stdout(TerminalText(sys.stdout)), contextlib.redirect_stderr(TerminalText(sys.stderr)):
        try:
            return int(args.run(args))
        except errors.HANDLED as e:
            return errors.report(e, args.settings)
        except BrokenPipeError:  # `holdspace queue | head`: the reader has what it wants
            sys.stderr.close()
            return errors.OK
        except KeyboardInterrupt:  # Ctrl-C: moves are atomic, so nothing is half done
            print("Interrupted.", file=sys.stderr)
            return errors.INTERRUPTED
