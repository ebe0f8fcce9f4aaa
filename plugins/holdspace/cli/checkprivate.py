"""``holdspace check-private [--public]`` (``make check-private``): comment files hold their
writers' email addresses, so the repository that holds them must never be public. The
deploy workflow runs it before building (``--public`` when the repository is public) and
stops there when a comment file holds an address; nothing is changed."""

from __future__ import annotations

import argparse
import sys

from ..control.holdings import folders, with_addresses
from ..glue.project import load_project
from ..problems import display_path
from . import errors
from .spell import spell

SHOWN = 3


def add_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--public", action="store_true", help="the repository is public: fail if any comment file holds an address"
    )
    command.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    project = load_project(args.settings)
    found = with_addresses(project)
    where = ", ".join(f"{display_path(folder)}/" for _, folder in folders(project))
    if not found:
        print(f"No comment file in {where} holds an email address.")
        if args.public:
            print("(The git history may still hold some: see docs/deployment.md before making a repository public.)")
        return errors.OK
    if not args.public:
        print(f"{len(found)} comment file(s) in {where} hold an email address: "
              "keep the repository that holds them private (docs/deployment.md).")  # fmt: skip
        return errors.OK
    shown = ", ".join(display_path(p) for p in found[:SHOWN]) + (", ..." if len(found) > SHOWN else "")
    print(
        f"Refusing to build: this repository is public, and {len(found)} comment file(s) in it hold their writer's "
        f"email address ({shown}): anyone can read them. Make the repository private now (GitHub: Settings, "
        "General, Danger Zone, Change visibility; GitLab: Settings, General, Visibility), then run this again. "
        f"A repository may only be public once no comment file holds an address ({spell('forget')} for each "
        "writer, with ERASE_MODE = 'anonymise' to keep the words) and its history holds none (docs/deployment.md).",
        file=sys.stderr,
    )
    return errors.PARTLY
