"""The ``holdspace`` command: every subcommand, and the one place errors become messages.

    holdspace build [Pelican's options]   build the site (make html, make publish)
    holdspace serve [--autoreload]        build, then serve it (make serve, make devserver)
    holdspace queue | show | approve | reject | restore | log     moderation
    holdspace search WORDS                search the archive's index
    holdspace intake                      the reply form's service
    holdspace import-wordpress FILE       import a WordPress export
    holdspace secret                      the secret of AVATARS = "local"

Every subcommand has ``--help``. The make targets are thin wrappers around these.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Sequence

from . import build, errors, importer, intake, moderate, search, secret, serve
from .terminal import TerminalText


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="holdspace",
        description="Holdspace: a moderated peer-support discussion archive, published with Pelican.",
    )
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("build", help="build the site with Pelican (its options follow; --help lists them)")
    serve.add_command(commands)
    moderate.add_commands(commands)
    search.add_command(commands)
    intake.add_command(commands)
    importer.add_command(commands)
    secret.add_command(commands)
    for command in commands.choices.values():
        if command.prog != "holdspace build":
            command.add_argument(
                "-s", "--settings", default="pelicanconf.py", help="the settings file (default: pelicanconf.py)"
            )
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] == ["build"]:  # Pelican's own options follow
        return build.main(args_list[1:])
    args = parser().parse_args(args_list)
    # Commenters' words reach the terminal: escape sequences in them are shown as '?'.
    with contextlib.redirect_stdout(TerminalText(sys.stdout)), contextlib.redirect_stderr(TerminalText(sys.stderr)):
        try:
            return int(args.run(args))
        except errors.HANDLED as e:
            return errors.report(e, args.settings)
        except BrokenPipeError:  # `holdspace queue | head`: the reader has what it wants
            sys.stderr.close()
            return errors.OK
