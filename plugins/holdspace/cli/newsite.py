"""``holdspace new-site`` (``make new-site``): a new community's site in place of the demo:
the answers asked for (or given as flags), the demo's files removed, the owner's own never
touched, and the new settings, pages and welcome post written; then what to verify."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

from ..newsite.create import Plan, answers, carry_out, plan
from ..newsite.regions import load
from ..newsite.texts import Answers
from .spell import spell

DEMO = Path("tests", "fixtures", "demo")  # the demo as shipped; make demo builds it in .demo/
# The questions: (flag, the variable make passes, the question, the default).
QUESTIONS = [
    ("name", "SITENAME", "The site's name", ""),
    ("url", "SITEURL", "Its address, https://... (Enter: decide later)", ""),
    ("language", "DEFAULT_LANG", "Its language code", "en"),
    ("timezone", "TIMEZONE", "Its time zone", "UTC"),
    ("region", "REGIONS", "The regions of its readers, for the crisis lines", ""),
    ("comment_email", "COMMENT_EMAIL", "An address where moderators read comments (Enter: none yet)", ""),
]


def add_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument("--name", help="the site's name (SITENAME)")
    command.add_argument("--url", help="its address, https://... (SITEURL in publishconf.py)")
    command.add_argument("--language", help="its language code, such as en or de (DEFAULT_LANG; default en)")
    command.add_argument("--timezone", help="its time zone, such as Europe/London (TIMEZONE; default UTC)")
    command.add_argument("--region", help='the regions for the crisis lines, such as "GB IE" (codes of the table)')
    command.add_argument("--comment-email", help="where moderators read comments sent by email (COMMENT_EMAIL)")
    command.add_argument("--from-environment", action="store_true", help="take the answers from SITENAME, "
                         "SITEURL, DEFAULT_LANG, TIMEZONE, REGIONS, COMMENT_EMAIL (make does)")  # fmt: skip
    command.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    root = Path(os.path.dirname(os.path.abspath(args.settings)))
    if not (root / "theme").is_dir() or not (root / "plugins").is_dir():
        print(f"{root}: not a Holdspace project folder (it has no theme/ and plugins/); run new-site in the "
              "project folder, the one with the Makefile", file=sys.stderr)  # fmt: skip
        return 2
    given = {flag: (os.environ.get(var, "") if args.from_environment else getattr(args, flag) or "").strip()
             for flag, var, _, _ in QUESTIONS}  # fmt: skip
    asking = sys.stdin.isatty()
    if asking:
        print("A new site in place of the demo. Enter keeps the answer in [brackets].")
        print(f"Regions in the table: {' '.join(sorted(load()))}")
    for flag, _, question, default in QUESTIONS:
        if not given[flag] and asking:
            try:
                given[flag] = input(f"{question}{f' [{default}]' if default else ''}: ").strip()
            except EOFError:  # Ctrl-D: nothing was written
                print("\nStopped; nothing was changed.", file=sys.stderr)
                return 2
        given[flag] = given[flag] or default
    if not given["name"] or not given["region"]:
        missing = [var for flag, var, _, _ in QUESTIONS if flag in ("name", "region") and not given[flag]]
        print(f"say the site's {' and '.join(missing)}: {spell('new-site')}", file=sys.stderr)
        return 2
    chosen = answers(given["name"], given["url"], given["language"], given["timezone"],
                     given["region"].replace(",", " ").split(), given["comment_email"])  # fmt: skip
    demo = root / DEMO if (root / DEMO).is_dir() else None
    todo = plan(root, chosen, demo, datetime.now(UTC))
    carry_out(todo)
    report(todo, chosen)
    return 0


def report(done: Plan, a: Answers) -> None:
    written = [str(p.relative_to(done.root)) for p in done.write if p.name != ".gitkeep"]
    print(f"Removed the demo's {len(done.demo)} files ({spell('demo')} shows the demo, in a folder of its own).")
    print(f"Wrote {', '.join(written)}, and an empty archive; kept moderation/guidelines.toml.")
    print("The crisis lines on every thread page and on the crisis-resources page; verify each before you")
    print("publish (a number can change; docs/new-site.md):")
    for region in a.regions:
        if region.emergency:
            print(f"  {region.name}: emergency {region.emergency}, read at {region.emergency_source or '(no source)'}")
        for line in region.lines:
            print(f"  {region.name}: {line.name}, {line.contact}; read at {line.source}, {line.checked}")
    print("Keep the repository that holds this project PRIVATE: comment files hold commenters' email")
    print("addresses (docs/deployment.md).")
    if not a.comment_email:
        print("Readers cannot reply yet: set COMMENT_EMAIL in pelicanconf.py, or run the intake (docs/intake.md).")
    print(f"Next: {spell('html')}, then {spell('serve')} to look at it, and {spell('check-site')}.")
