"""``holdspace import-wordpress export.xml`` (``make import-wordpress FILE=...``): a
WordPress export into the site's folders, with a report of what was done."""

from __future__ import annotations

import argparse
import os
import sys

from ..glue.project import load_project
from ..importers.wordpress import import_wxr
from .spell import spell


def add_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument("file", nargs="?", default="", help="the WordPress export (WXR) file")
    command.add_argument("--from-environment", action="store_true", help="take the file from $FILE (make does)")
    command.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    path = os.environ.get("FILE", "") if args.from_environment else args.file
    if not path:
        print(f"name the WordPress export file: {spell('import')}", file=sys.stderr)
        return 2
    project = load_project(args.settings)
    report = import_wxr(path, project, progress=lambda n, total: print(f"{n}/{total} items ...", file=sys.stderr))
    for line in report.drafted + report.pings + report.skipped:
        print(line)
    for differing in report.differing:
        print(f"{differing}:1: differs from the export; left as it is (compare it with the export by hand)")
    for problem in report.against_rules:
        print(f"{problem} (the build holds it back until then)")
    c = report.counts
    print(
        f"Imported: {len(report.written)} files written ({c['approved']} comments approved, {c['queued']} waiting "
        f"in the queue, {c['rejected']} rejected), {report.unchanged} already there, {len(report.differing)} "
        f"differing, {len(report.drafted)} drafts, {len(report.pings)} pingbacks and trackbacks skipped, "
        f"{len({p.path for p in report.against_rules})} approved comment(s) against the guidelines"
    )
    return 0
