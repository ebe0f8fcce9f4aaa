"""The moderation commands, in plain language for volunteers.

    holdspace queue                        make queue
    holdspace show ID                      make show ID=...
    holdspace approve ID [ID ...]          make approve ID=...
    holdspace reject ID --reason "..."     make reject ID=... REASON="..."
    holdspace restore ID                   make restore ID=...
    holdspace log                          make log

The work is done by ``review.decisions``; this module only reads arguments and prints.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import datetime

from ..archive.commentfile import raw_body
from ..archive.reader import comment_files
from ..glue.project import load_project
from ..problems import display_path
from ..review import auditlog
from ..review.decisions import (
    Decision,
    Desk,
    Examined,
    LikelyReject,
    ModerationError,
    Published,
    approve,
    examine,
    locate,
    open_desk,
    pending,
    published,
    reject,
    restore,
)
from ..review.verdicts import CRISIS, is_staff
from . import gitcommit
from .gitcommit import moderator_name
from .spell import spell

QUEUE = "moderation/queue/"


def when(date: datetime) -> str:
    return f"{date.day} {date.strftime('%B %Y, %H:%M')}"


def excerpt(text: str, width: int = 90) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def flag_lines(item: Examined) -> list[str]:
    """The comment's flags, crisis first, marked "!!" for crisis and "!" for the others."""
    flags = sorted(item.verdict.flags, key=lambda f: f.kind != CRISIS)
    return [f"{'!!' if f.kind == CRISIS else '! '} {f.message} (line {f.line})" for f in flags]


def describe(item: Examined, known: Published, indent: str = "  ") -> list[str]:
    """A comment's heading line, its flags and the rules it breaks."""
    c = item.comment
    head = f"{indent}{item.id}"
    if c is not None:
        head += f"  {c.author} · {when(c.date)}"
        if c.reply_to:
            parent = known.comment(c.reply_to)
            head += f" · replies to {c.reply_to}" + (f" ({parent.author})" if parent else "")
    lines = [head]
    lines += [f"{indent}  {line}" for line in flag_lines(item)]
    for problem in item.verdict.problems:
        lines.append(f"{indent}  ✗ cannot be approved: {problem.what}; {problem.todo} (line {problem.line})")
    if c is not None:
        lines.append(f'{indent}  "{excerpt(c.body)}"')
    return lines


def cmd_queue(desk: Desk) -> int:
    known = published(desk)
    items = pending(desk, desk.project.queue, known)
    strays = [p for p, thread, problem in comment_files(desk.project.queue) if problem is not None or thread is None]
    if not items and not strays:
        print(f"Nothing waits in {QUEUE}. Thank you!")
        return 0
    crisis = sum(1 for i in items if i.verdict.crisis)
    flagged = f" ({crisis} flagged for crisis, shown first)" if crisis else ""
    print(f"{len(items)} comment(s) wait in {QUEUE}{flagged}.")

    groups: dict[str, list[Examined]] = {}
    for item in sorted(items, key=lambda i: (not i.verdict.crisis, i.comment.date.timestamp() if i.comment else 0)):
        groups.setdefault(item.thread, []).append(item)
    for thread, group in groups.items():
        post = desk.posts.get(thread)
        title = f"{post.title} ({thread})" if post else f"{thread} (no such post or page)"
        closed = " [comments closed]" if post and post.closed else ""
        print(f"\n{title}{closed}")
        for item in group:
            print("\n".join(describe(item, known)))
    for path in strays:
        print(f"\nNot a comment file, left alone: {display_path(path)} (comment files are <post-slug>/<id>.md)")
    print(f"\nRead one: {spell('show')}. Decide: {spell('approve')}, or {spell('reject')}.")
    return 0


def cmd_show(desk: Desk, cid: str) -> int:
    path, thread = locate(desk.project.queue, cid, QUEUE, desk.elsewhere("queue"))
    known = published(desk)
    item = examine(desk, path, thread, known)
    c = item.comment
    post = desk.posts.get(thread)
    print(f"Comment {cid}, waiting in {display_path(path)}")
    print(f"On:         {post.title if post else '(no such post or page)'} ({thread})")
    if c is not None:
        print(f"Name shown: {c.author}")
        print("Email:      never shown")
        print(f"Website:    {c.website or '-'}")
        print(f"Date:       {when(c.date)}")
        if c.reply_to:
            parent = known.comment(c.reply_to)
            if parent:
                print(f'Replies to: {c.reply_to}, by {parent.author}: "{excerpt(parent.body, 70)}"')
            else:
                print(f"Replies to: {c.reply_to} (not published)")
    print("Flags:      none" if not item.verdict.flags else "Flags:")
    for line in flag_lines(item):
        print(f"  {line}")
    if item.verdict.problems:
        print("Hard rules: broken, so it cannot be approved as it is:")
        for problem in item.verdict.problems:
            print(f"  ✗ {problem}")
    else:
        print("Hard rules: all met")
    if c is not None:
        if is_staff(c.email, desk.staff):
            print("Badge:      Staff (its email is in STAFF_EMAILS; check it is really a staff member's)")
        print("\nAs it would be published:\n")
        from ..publishing.markup import CommentRenderer  # Markdown and nh3: only `show` renders
        from ..publishing.plaintext import as_text

        text = as_text(CommentRenderer().render(c.body))
    else:
        with open(path, "rb") as f:
            text = raw_body(f.read())[0]
        print("\nWhat it says (the file must be fixed before it can be published):\n")
    print("\n".join(f"  | {line}".rstrip() for line in text.split("\n")))
    return 0


def report(decision: Decision, desk: Desk, verb: str) -> None:
    post = desk.posts.get(decision.post)
    title = f"'{post.title}'" if post else decision.post
    print(f"{verb} {decision.id} on {title}: moved to {display_path(decision.destination)}")
    gitcommit.decision(desk.project, decision)


def cmd_approve(desk: Desk, ids: Sequence[str], moderator: str, crisis_note: bool = True, force: bool = False) -> int:
    failed = 0
    for cid in ids:
        try:
            decision = approve(desk, cid, moderator, crisis_note, force)
        except LikelyReject as e:
            print(f"{e}; read it ({spell('show', id=cid)}), then reject it, or approve it all the same: "
                  f"{spell('approve-force', id=cid)}", file=sys.stderr)  # fmt: skip
            failed += 1
            continue
        except ModerationError as e:
            print(e, file=sys.stderr)
            failed += 1
            continue
        report(decision, desk, "Approved")
        if any(f.kind == CRISIS for f in decision.flags) and crisis_note:
            print(
                "  It was flagged for crisis; the log records that, and the site shows it with a gentle note "
                "pointing to the crisis resources (a false alarm? see docs/moderators.md)."
            )
        elif any(f.kind == CRISIS for f in decision.flags):
            print("  It was flagged for crisis; the log records that, and that you asked for no note on the site.")
    if len(ids) > failed:
        print(f"Run {spell('html')} to publish the approved comments.")
    return 1 if failed else 0


def cmd_reject(desk: Desk, cid: str, reason: str, moderator: str) -> int:
    if not reason.strip():
        raise ModerationError(f"say why: {spell('reject', id=cid)} (the reason goes in the log, never on the site)")
    decision = reject(desk, cid, reason, moderator)
    report(decision, desk, "Rejected")
    print(f"It is kept there, never published. {spell('restore', id=cid)} brings it back to the queue.")
    return 0


def cmd_restore(desk: Desk, cid: str, moderator: str) -> int:
    decision = restore(desk, cid, moderator)
    report(decision, desk, "Restored")
    return 0


def cmd_log(desk: Desk, count: int) -> int:
    project = desk.project
    entries, bad = auditlog.read(project.log)
    if not entries:
        print(f"No decisions yet in {display_path(project.log)}.")
    for entry in entries[-count:]:
        reason = f" because: {entry.reason}" if entry.reason else ""
        flagged = f" [flags: {', '.join(entry.flags)}]" if entry.flags else ""
        print(f"{entry.time}  {entry.moderator}: {entry.action} {entry.id} on {entry.post}{reason}{flagged}")
    for line in bad:
        print(
            f"{display_path(project.log)}:{line}: this line is not a complete entry (cut short?); it is kept as it is"
        )
    return 0


# What each command takes from the environment with --from-environment (as make passes it).
FROM_ENVIRONMENT = {
    "show": "the id from $ID",
    "approve": "the ids from $ID, NOTE=no from $NOTE and FORCE=yes from $FORCE",
    "reject": "the id from $ID and the reason from $REASON",
    "restore": "the id from $ID",
}


def add_arguments(command: argparse.ArgumentParser) -> None:
    """The arguments of queue, show, approve, reject, restore or log."""
    name = command.prog.split()[-1]
    if name == "log":
        command.add_argument("--count", type=int, default=20, help="how many (default 20)")
    if name in FROM_ENVIRONMENT:
        where = "the rejected ones are in moderation/rejected/" if name == "restore" else "the queue lists them"
        several = "ids" if name == "approve" else "id"
        command.add_argument("ids", nargs="*", metavar="ID", help=f"the comment's {several} ({where})")
        command.add_argument(
            "--from-environment",
            action="store_true",
            help=f"take {FROM_ENVIRONMENT[name]}, untouched by a shell (make does)",
        )
    if name in ("approve", "reject", "restore"):
        command.add_argument("--moderator", default="", help="who decides (default: $MODERATOR, else git's user.name)")
    if name == "reject":
        command.add_argument("--reason", default="", help="why (it goes in the log, never on the site)")
    if name == "approve":
        command.add_argument(
            "--no-crisis-note", action="store_true", help="a crisis flag that was a false alarm: no note on the site"
        )
        command.add_argument(
            "--force", action="store_true", help='approve comments flagged "likely reject" all the same'
        )
    command.set_defaults(run=run)


def _from_environment(args: argparse.Namespace) -> None:
    if getattr(args, "from_environment", False):
        args.ids = os.environ.get("ID", "").split()
        if args.command == "reject":
            args.reason = os.environ.get("REASON", "")
        if args.command == "approve":
            args.no_crisis_note = os.environ.get("NOTE", "").strip().lower() in ("no", "off", "0", "false")
            args.force = os.environ.get("FORCE", "").strip().lower() in ("yes", "on", "1", "true")


def one_id(args: argparse.Namespace) -> str:
    if len(args.ids) != 1:
        where = "moderation/rejected/ holds them" if args.command == "restore" else f"{spell('queue')} lists them"
        raise ModerationError(f"say which one comment: {spell(args.command)} ({where})")
    return str(args.ids[0])


def run(args: argparse.Namespace) -> int:
    _from_environment(args)
    desk = open_desk(load_project(args.settings))
    if desk.rules.missing:
        print(
            f"Warning: {display_path(desk.rules.source)} is missing, so the default rules apply: "
            "no crisis words, no watched words. Restore the file (git checkout moderation/guidelines.toml).",
            file=sys.stderr,
        )
    if args.command == "queue":
        return cmd_queue(desk)
    if args.command == "log":
        return cmd_log(desk, args.count)
    if args.command == "show":
        return cmd_show(desk, one_id(args))
    with gitcommit.deciding(desk.project, waiting=lambda: print("Waiting for a build or another decision ...")):
        return _decide(args, desk)


def _decide(args: argparse.Namespace, desk: Desk) -> int:
    if args.command == "approve":
        if not args.ids:
            raise ModerationError(f"say which comment: {spell('approve')}, or {spell('approve-several')} for several")
        return cmd_approve(desk, args.ids, moderator_name(args.moderator), not args.no_crisis_note, args.force)
    if args.command == "reject":
        return cmd_reject(desk, one_id(args), args.reason, moderator_name(args.moderator))
    return cmd_restore(desk, one_id(args), moderator_name(args.moderator))
