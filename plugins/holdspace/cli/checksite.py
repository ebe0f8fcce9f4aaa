"""``holdspace check-site`` (``make check-site``): the site's own archive and settings
checked before a build or a deploy (``review.sitecheck``); exit 1 when something is
listed, 0 when all is well. Nothing is changed."""

from __future__ import annotations

import argparse

from ..glue.project import load_project
from ..problems import display_path
from ..review.sitecheck import check_site
from . import errors
from .spell import spell

SHOWN = 50


def add_arguments(command: argparse.ArgumentParser) -> None:
    command.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    project = load_project(args.settings)
    problems = check_site(project, args.settings)
    for problem in problems[:SHOWN]:
        print(problem)
    if len(problems) > SHOWN:
        print(f"... and {len(problems) - SHOWN} more")
    checked = f"{display_path(project.comments)}/, {display_path(project.queue)}/ and {display_path(args.settings)}"
    if not problems:
        print(f"Checked {checked}: nothing to fix.")
        return errors.OK
    print(f"Checked {checked}: {len(problems)} thing(s) to fix, listed above; then {spell('html')}.")
    return errors.PARTLY
