"""People's control over what is published: a moderator's undo, a writer's erasure, their data.

    holdspace unpublish ID --reason "..."  make unpublish ID=... REASON="..."
    holdspace forget EMAIL [--dry-run]     make forget EMAIL=... [DRY_RUN=yes]
    holdspace export-personal EMAIL        make export-personal EMAIL=...

The work is done by ``review.removal`` and ``control``; this module reads arguments and
prints, and never prints the address it was given.
"""

from __future__ import annotations

import argparse
import os
import shlex

from ..archive.lock import sweep
from ..archive.project import Project
from ..archive.values import EMAIL_RE
from ..control import erasure, personal
from ..control.holdings import PUBLISHED
from ..glue.project import load_project
from ..problems import HoldspaceError, display_path
from ..review.decisions import Desk, ModerationError, open_desk
from ..review.removal import unpublish
from . import gitcommit
from .gitcommit import moderator_name
from .spell import spell

SHOWN = 10  # commits listed


def waiting_note() -> None:
    print("Waiting for a build or a decision to finish ...")


def cmd_unpublish(desk: Desk, cid: str, reason: str, moderator: str) -> int:
    if not reason.strip():
        raise ModerationError(f"say why: {spell('unpublish', id=cid)} (the reason goes in the log, never on the site)")
    decision = unpublish(desk, cid, reason, moderator)
    post = desk.posts.get(decision.post)
    title = f"'{post.title}'" if post else decision.post
    print(f"Unpublished {cid} on {title}: moved to {display_path(decision.destination)}; "
          "replies to it keep their place under a note that a comment was removed.")  # fmt: skip
    print(f"Run {spell('html')} to take it off the site. {spell('restore', id=cid)} brings it back to the queue.")
    gitcommit.decision(desk.project, decision)
    return 0


def cmd_forget(project: Project, email: str, dry_run: bool, who: str) -> int:
    """``email`` "": only finish the erasures an interrupted run began."""
    mode = project.settings["ERASE_MODE"]
    if not dry_run:
        sweep(project.cache)  # copies of a cache a killed writer left
    report = erasure.forget(project, email, mode, who, dry_run)
    if report.resumed:
        print(f"Finished {report.resumed} erasure(s) an interrupted run had begun.")
    counts = ", ".join(f"{n} {status}" for status, n in sorted(report.comments.items())) or "none"
    if dry_run:
        print(f"Nothing changed (a dry run). For this address, ERASE_MODE = {mode!r} would touch:")
    for line in report.touched:
        print(f"  {line}")
    if not report.touched:
        print("Nothing is held about this address (no comment, no request for mails, no mail waiting).")
        return 0
    print(f"Comments: {counts}." if dry_run else f"Erased: comments {counts}.")
    if report.history:
        print(f"The git history still holds these files, in {len(report.history)} commit(s):")
        print("\n".join(f"  {line}" for line in report.history[:SHOWN]))
        if len(report.history) > SHOWN:
            print(f"  ... and {len(report.history) - SHOWN} more")
        paths = " ".join(f"--path {shlex.quote(os.path.relpath(p))}" for p in report.paths)
        print(f"Rewriting it is the maintainer's to do, for example: git filter-repo --invert-paths {paths}")
        print("(it takes these files out of every commit; then add the erased files again and commit).")
    if not dry_run and report.comments.get(PUBLISHED):
        print(f"Run {spell('html')}, then deploy, to take the words off the site.")
    if not dry_run:
        gitcommit.erasure(project, report.paths, sum(report.comments.values()), mode, who)
    return 0


def cmd_export(project: Project, email: str) -> int:
    path, counts = personal.export(project, email)
    print(f"Written: {display_path(path)} ({', '.join(f'{n} {kind}' for kind, n in counts.items())}).")
    print("It holds their address and words: send it to them only, then delete it.")
    return 0


def add_arguments(command: argparse.ArgumentParser) -> None:
    name = command.prog.split()[-1]
    if name == "unpublish":
        command.add_argument("ids", nargs="*", metavar="ID", help="the published comment's id (its file name)")
        command.add_argument("--reason", default="", help="why (it goes in the log, never on the site)")
    else:
        command.add_argument("email", nargs="?", default="", metavar="EMAIL", help="the writer's address")
    if name == "forget":
        command.add_argument("--dry-run", action="store_true", help="only say what would be touched")
    if name in ("unpublish", "forget"):
        command.add_argument("--moderator", default="", help="who acts (default: $MODERATOR, else git's user.name)")
    command.add_argument(
        "--from-environment",
        action="store_true",
        help=f"take {FROM_ENVIRONMENT[name]}, untouched by a shell (make does)",
    )
    command.set_defaults(run=run)


FROM_ENVIRONMENT = {
    "unpublish": "the id from $ID and the reason from $REASON",
    "forget": "the address from $EMAIL and DRY_RUN=yes from $DRY_RUN",
    "export-personal": "the address from $EMAIL",
}


def run(args: argparse.Namespace) -> int:
    if args.command == "unpublish":
        if args.from_environment:
            args.ids, args.reason = os.environ.get("ID", "").split(), os.environ.get("REASON", "")
        if len(args.ids) != 1:
            raise ModerationError(f"say which one comment: {spell('unpublish')}")
        desk = open_desk(load_project(args.settings))
        with gitcommit.deciding(desk.project, waiting=waiting_note):
            return cmd_unpublish(desk, args.ids[0], args.reason, moderator_name(args.moderator))
    if args.from_environment:
        args.email = os.environ.get("EMAIL", "")
        args.dry_run = os.environ.get("DRY_RUN", "").strip().lower() in ("yes", "on", "1", "true")
    project = load_project(args.settings)
    if args.command == "forget" and not args.email.strip() and erasure.pending(project):
        with gitcommit.deciding(project, waiting=waiting_note):  # finish what an interrupted erasure began
            return cmd_forget(project, "", False, moderator_name(args.moderator))
    if not EMAIL_RE.fullmatch(args.email.strip()):
        raise HoldspaceError(f"give the writer's email address: {spell(args.command)}")
    if args.command == "export-personal":
        return cmd_export(project, args.email)
    with gitcommit.deciding(project, waiting=waiting_note):
        return cmd_forget(project, args.email.strip(), args.dry_run, moderator_name(args.moderator))
