"""Search the archive from the command line: ``make search Q="..."``.

Queries the Whoosh index the last build left in the cache folder and prints
the ranked results with their URLs (relative to the site, or under SITEURL).
"""

from __future__ import annotations

import argparse
import os
import runpy
import sys
from collections.abc import Sequence

from .plaintext import printable
from .searchindex import index_exists, search
from .settings import holdspace_settings, project_path


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="search", description="Search the archive's index.")
    parser.add_argument("query", nargs="*", help="words (all must appear); author:<name> filters")
    parser.add_argument("--settings", default="pelicanconf.py")
    parser.add_argument("--root", default=".")
    parser.add_argument("--limit", type=int, default=10)
    parser.add_argument("--index", help="the index folder (default: search/ in HOLDSPACE_CACHE_PATH)")
    args = parser.parse_args(argv)
    query = " ".join(args.query) or os.environ.get("Q", "")
    if not query.strip():
        print('say what to find: make search Q="words" (author:<name> filters)', file=sys.stderr)
        return 2
    settings = runpy.run_path(os.path.join(args.root, args.settings))
    hs = holdspace_settings(settings)
    content = os.path.join(args.root, str(settings.get("PATH", "content")))
    folder = args.index or os.path.join(project_path(content, hs["HOLDSPACE_CACHE_PATH"]), "search")
    if not index_exists(folder):
        print(f"no search index in {folder}; build the site first: make html", file=sys.stderr)
        return 2
    site = str(settings.get("SITEURL") or "").rstrip("/")
    hits = search(folder, query, limit=args.limit + 1)
    if not hits:
        print(f"Nothing found for {query!r}.")
        return 0
    more = len(hits) > args.limit
    hits = hits[: args.limit]
    print(f"{'The best ' if more else ''}{len(hits)} result(s) for {query!r}{', of more' if more else ''}, best first:")
    for number, hit in enumerate(hits, start=1):
        kind = "comment by" if hit.kind == "comment" else "post by"
        print(f"\n{number:2}. {printable(hit.title)} ({kind} {printable(hit.author)}, {hit.date:%Y-%m-%d}), "
              f"score {hit.score:.2f}")  # fmt: skip
        print(f"    {site}/{hit.url}")
        words = f"Content warning: {hit.warning}." if hit.warning else hit.text  # not the words behind one
        text = printable(" ".join(words.split()))
        print(f"    {text[:150]}{'…' if len(text) > 150 else ''}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # `make search Q=... | head`
        sys.stderr.close()
