"""The moderation commands, in plain language for volunteers.

    python -m holdspace.moderate queue
    python -m holdspace.moderate show ID
    python -m holdspace.moderate approve ID [ID ...]
    python -m holdspace.moderate reject ID --reason "..."
    python -m holdspace.moderate restore ID
    python -m holdspace.moderate log

The Makefile wraps each one (``make queue``, ``make approve ID=...``). The
work is done by ``decisions``; this module only reads arguments and prints.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Sequence
from datetime import datetime

from . import auditlog
from .archive import comment_files
from .avatars import SecretMissing
from .commentfile import raw_body
from .decisions import (
    Decision,
    Examined,
    ModerationError,
    Project,
    Published,
    approve,
    examine,
    locate,
    moderator_name,
    open_project,
    pending,
    published,
    reject,
    restore,
)
from .guidelines import RulesError
from .markup import CommentRenderer
from .plaintext import TerminalText, as_text
from .problems import display_path
from .settings import SettingsError
from .slugs import post_slug
from .verdicts import CRISIS, is_staff

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
            parent = known.comments.get(c.reply_to)
            head += f" · replies to {c.reply_to}" + (f" ({parent.author})" if parent else "")
    lines = [head]
    lines += [f"{indent}  {line}" for line in flag_lines(item)]
    for problem in item.verdict.problems:
        lines.append(f"{indent}  ✗ cannot be approved: {problem.what}; {problem.todo} (line {problem.line})")
    if c is not None:
        lines.append(f'{indent}  "{excerpt(c.body)}"')
    return lines


def cmd_queue(project: Project) -> int:
    known = published(project)
    items = pending(project, project.queue, known)
    strays = [p for p, thread, problem in comment_files(project.queue) if problem is not None or thread is None]
    if not items and not strays:
        print(f"Nothing waits in {QUEUE}. Thank you!")
        return 0
    crisis = sum(1 for i in items if i.verdict.crisis)
    print(f"{len(items)} comment(s) wait in {QUEUE} ({crisis} flagged for crisis, shown first).")

    groups: dict[str, list[Examined]] = {}
    for item in sorted(items, key=lambda i: (not i.verdict.crisis, i.comment.date.timestamp() if i.comment else 0)):
        groups.setdefault(item.thread, []).append(item)
    for thread, group in groups.items():
        post = project.posts.get(thread)
        title = f"{post.title} ({thread})" if post else f"{thread} (no such post or page)"
        closed = " [comments closed]" if post and post.closed else ""
        print(f"\n{title}{closed}")
        for item in group:
            print("\n".join(describe(item, known)))
    for path in strays:
        print(f"\nNot a comment file, left alone: {display_path(path)} (comment files are <post-slug>/<id>.md)")
    print('\nRead one: make show ID=<id>. Decide: make approve ID=<id>, or make reject ID=<id> REASON="...".')
    return 0


def cmd_show(project: Project, cid: str) -> int:
    path, thread = locate(project.queue, cid, QUEUE, project.elsewhere("queue"))
    known = published(project)
    item = examine(project, path, thread, known)
    c = item.comment
    post = project.posts.get(thread)
    print(f"Comment {cid}, waiting in {display_path(path)}")
    print(f"On:         {post.title if post else '(no such post or page)'} ({thread})")
    if c is not None:
        print(f"Name shown: {c.author}")
        print("Email:      never shown")
        print(f"Website:    {c.website or '-'}")
        print(f"Date:       {when(c.date)}")
        if c.reply_to:
            parent = known.comments.get(c.reply_to)
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
        if is_staff(c, project.staff):
            print("Badge:      Staff (its email is in STAFF_EMAILS; check it is really a staff member's)")
        print("\nAs it would be published:\n")
        text = as_text(CommentRenderer().render(c.body))
    else:
        with open(path, "rb") as f:
            text = raw_body(f.read())[0]
        print("\nWhat it says (the file must be fixed before it can be published):\n")
    print("\n".join(f"  | {line}".rstrip() for line in text.split("\n")))
    return 0


def report(decision: Decision, project: Project, verb: str) -> None:
    post = project.posts.get(decision.post)
    title = f"'{post.title}'" if post else decision.post
    print(f"{verb} {decision.id} on {title}: moved to {display_path(decision.destination)}")


def cmd_approve(project: Project, ids: Sequence[str], crisis_note: bool = True) -> int:
    moderator = moderator_name()
    failed = 0
    for cid in ids:
        try:
            decision = approve(project, cid, moderator, crisis_note)
        except ModerationError as e:
            print(e, file=sys.stderr)
            failed += 1
            continue
        report(decision, project, "Approved")
        if any(f.kind == CRISIS for f in decision.flags) and crisis_note:
            print(
                "  It was flagged for crisis; the log records that, and the site shows it with a gentle note "
                "pointing to the crisis resources (a false alarm? see moderation/README.md)."
            )
        elif any(f.kind == CRISIS for f in decision.flags):
            print("  It was flagged for crisis; the log records that, and that you asked for no note on the site.")
    if len(ids) > failed:
        print("Run make html to publish the approved comments.")
    return 1 if failed else 0


def cmd_reject(project: Project, cid: str, reason: str) -> int:
    decision = reject(project, cid, reason, moderator_name())
    report(decision, project, "Rejected")
    print(f"It is kept there, never published. make restore ID={cid} brings it back to the queue.")
    return 0


def cmd_restore(project: Project, cid: str) -> int:
    decision = restore(project, cid, moderator_name())
    report(decision, project, "Restored")
    return 0


def cmd_log(project: Project, count: int) -> int:
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


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="moderate", description="Moderate Holdspace comments.")
    parser.add_argument("--settings", default="pelicanconf.py", help="the Pelican settings file")
    parser.add_argument("--root", default=".", help="the project folder")
    parser.add_argument(
        "--from-make",
        action="store_true",
        help="take the ids from $ID and the reason from $REASON (the Makefile passes them so, unquoted by any shell)",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("queue", help="list the comments waiting for a decision")
    for name, text in (
        ("show", "one waiting comment as it would be published"),
        ("approve", "check the rules, then publish"),
        ("reject", "move to moderation/rejected/"),
        ("restore", "move a rejected comment back to the queue"),
    ):
        command = commands.add_parser(name, help=text)
        command.add_argument("ids", nargs="*")
        if name == "reject":
            command.add_argument("--reason", default="")
        if name == "approve":
            command.add_argument(
                "--no-crisis-note",
                action="store_true",
                help="a crisis flag that was a false alarm: no note on the site",
            )
    log = commands.add_parser("log", help="the latest decisions")
    log.add_argument("--count", type=int, default=20)
    args = parser.parse_args(argv)
    if args.from_make and args.command != "queue" and args.command != "log":
        args.ids = os.environ.get("ID", "").split()
        if args.command == "reject":
            args.reason = os.environ.get("REASON", "")
        if args.command == "approve":
            args.no_crisis_note = os.environ.get("NOTE", "").strip().lower() in ("no", "off", "0", "false")
    return args


def one_id(args: argparse.Namespace) -> str:
    if len(args.ids) != 1:
        raise ModerationError(f"say which one comment: make {args.command} ID=<id> (make queue lists them)")
    return str(args.ids[0])


def run(args: argparse.Namespace) -> int:
    project = open_project(args.root, args.settings, post_slug)
    if project.rules.missing:
        print(
            f"Warning: {display_path(project.rules.source)} is missing, so the default rules apply: "
            "no crisis words, no watched words. Restore the file (git checkout moderation/guidelines.toml).",
            file=sys.stderr,
        )
    if args.command == "queue":
        return cmd_queue(project)
    if args.command == "log":
        return cmd_log(project, args.count)
    if args.command == "approve":
        if not args.ids:
            raise ModerationError('say which comment: make approve ID=<id>, or ID="a b" for several')
        return cmd_approve(project, args.ids, not args.no_crisis_note)
    if args.command == "show":
        return cmd_show(project, one_id(args))
    if args.command == "reject":
        return cmd_reject(project, one_id(args), args.reason)
    return cmd_restore(project, one_id(args))


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_arguments(argv)
    # Commenters' words reach the terminal: escape sequences in them are shown as '?'.
    with contextlib.redirect_stdout(TerminalText(sys.stdout)), contextlib.redirect_stderr(TerminalText(sys.stderr)):
        return _main(args)


def _main(args: argparse.Namespace) -> int:
    try:
        return run(args)
    except ModerationError as e:
        print(e, file=sys.stderr)
        return 1
    except (RulesError, SettingsError, SecretMissing) as e:
        print(e, file=sys.stderr)
        return 2
    except FileNotFoundError as e:
        print(f"{e.filename}: not found; run the command from the project folder", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `make queue | head`: the reader has what it wants
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
