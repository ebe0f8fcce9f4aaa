"""People's control over what is published: a moderator's undo.

    holdspace unpublish ID --reason "..."  make unpublish ID=... REASON="..."

The work is done by ``review.removal``; this module reads arguments and prints.
"""

from __future__ import annotations

import argparse
import os
import subprocess

from ..glue.project import load_project
from ..problems import display_path
from ..review.decisions import Desk, ModerationError, open_desk
from ..review.removal import unpublish
from .spell import spell


def moderator_name(given: str = "") -> str:
    """Who decides: --moderator, else $MODERATOR, else git's user.name."""
    name = given.strip() or os.environ.get("MODERATOR", "").strip()
    if not name:
        try:
            name = subprocess.run(
                ["git", "config", "user.name"], capture_output=True, text=True, timeout=10, check=False
            ).stdout.strip()
        except OSError:
            name = ""
    if not name:
        raise ModerationError(f"who is deciding? {spell('approve-as')}")
    return name


def cmd_unpublish(desk: Desk, cid: str, reason: str, moderator: str) -> int:
    if not reason.strip():
        raise ModerationError(f"say why: {spell('unpublish', id=cid)} (the reason goes in the log, never on the site)")
    decision = unpublish(desk, cid, reason, moderator)
    post = desk.posts.get(decision.post)
    title = f"'{post.title}'" if post else decision.post
    print(f"Unpublished {cid} on {title}: moved to {display_path(decision.destination)}; "
          "replies to it keep their place under a note that a comment was removed.")  # fmt: skip
    print(f"Run {spell('html')} to take it off the site. {spell('restore', id=cid)} brings it back to the queue.")
    return 0


def add_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument("ids", nargs="*", metavar="ID", help="the published comment's id (its file name)")
    command.add_argument("--reason", default="", help="why (it goes in the log, never on the site)")
    command.add_argument("--moderator", default="", help="who decides (default: $MODERATOR, else git's user.name)")
    command.add_argument(
        "--from-environment", action="store_true", help="take the id from $ID and the reason from $REASON (make does)"
    )
    command.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.from_environment:
        args.ids, args.reason = os.environ.get("ID", "").split(), os.environ.get("REASON", "")
    if len(args.ids) != 1:
        raise ModerationError(f"say which one comment: {spell('unpublish')}")
    desk = open_desk(load_project(args.settings))
    return cmd_unpublish(desk, args.ids[0], args.reason, moderator_name(args.moderator))
