"""Search the archive from the command line: ``holdspace search words`` (``make search Q="..."``).

Queries the Whoosh index the last build left in the cache folder and prints
the ranked results with their URLs (relative to the site, or under SITEURL).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys

from ..glue.project import load_project
from ..search.index import index_exists, search
from . import errors
from .spell import spell
from .terminal import printable


def add_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument("query", nargs="*", help="words (all must appear); author:<name> filters")
    command.add_argument("--limit", type=int, default=10, help="results shown (default 10)")
    command.add_argument("--index", help="the index folder (default: search/ in HOLDSPACE_CACHE_PATH)")
    command.add_argument("--from-environment", action="store_true", help="take the query from $Q (make does)")
    command.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    query = os.environ.get("Q", "") if args.from_environment else " ".join(args.query)
    if not query.strip():
        print(f"say what to find: {spell('search')} (author:<name> filters)", file=sys.stderr)
        return 2
    folder, site = args.index, ""
    if not args.index:
        project = load_project(args.settings)
        folder, site = os.path.join(project.cache, "search"), str(project.settings.get("SITEURL") or "").rstrip("/")
    elif os.path.isfile(args.settings):  # an index named alone needs no settings: they only give SITEURL
        with contextlib.suppress(*errors.HANDLED):
            site = str(load_project(args.settings).settings.get("SITEURL") or "").rstrip("/")
    if not index_exists(folder):
        print(f"no search index in {folder}; build the site first: {spell('html')}", file=sys.stderr)
        return 2
    hits = search(folder, query, limit=args.limit + 1)
    if not hits:
        print(f"Nothing found for {query!r}.")
        return 0
    more = len(hits) > args.limit
    hits = hits[: args.limit]
    print(f"{'The best ' if more else ''}{len(hits)} result(s) for {query!r}{', of more' if more else ''}, best first:")
    for number, hit in enumerate(hits, start=1):
        kind = "comment by" if hit.kind == "comment" else "post by"
        day = hit.shown_date or hit.date.date().isoformat()  # as the site's pages write it, when the build said
        print(f"\n{number:2}. {printable(hit.title)} ({kind} {printable(hit.author)}, {day}), "
              f"score {hit.score:.2f}")  # fmt: skip
        print(f"    {site}/{hit.url}")
        words = f"Content warning: {hit.warning}." if hit.warning else hit.text  # not the words behind one
        text = printable(" ".join(words.split()))
        print(f"    {text[:150]}{'…' if len(text) > 150 else ''}")
    return 0
