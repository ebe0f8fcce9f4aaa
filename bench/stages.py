"""Where a Holdspace build spends its time, stage by stage.

    python bench/stages.py SITE SETTINGS [--workers 1]   (in Holdspace's virtual environment)

Runs one build of SITE/content in this process with the functions of each stage
wrapped by a timer, and prints JSON: seconds per stage, exclusive (a stage
called inside another is counted once, in the inner one), and the wall time.
The stages are the issue's: read (post and comment files), check (the
guidelines' hard rules and the archive's checks), markdown, sanitize, tree
(threads and pages), templates (Jinja), write (files, Pelican's writer and
Holdspace's), index (Whoosh), export (the static search files), other.

With more than one worker, comment bodies are rendered in worker processes and
their Markdown and sanitizing are not seen here; `--workers 1` (the default)
shows the whole cost in one process.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "plugins"))

totals: dict[str, float] = {}
_stack: list[list[float]] = []  # [start, time spent in nested stages]


def timed(stage: str, func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        frame = [time.perf_counter(), 0.0]
        _stack.append(frame)
        try:
            return func(*args, **kwargs)
        finally:
            _stack.pop()
            spent = time.perf_counter() - frame[0]
            totals[stage] = totals.get(stage, 0.0) + spent - frame[1]
            if _stack:
                _stack[-1][1] += spent

    return wrapper


def patch(owner, name: str, stage: str) -> None:
    setattr(owner, name, timed(stage, getattr(owner, name)))


def instrument() -> None:
    import jinja2
    import markdown
    import pelican.readers
    import pelican.writers

    from holdspace.archive import reader
    from holdspace.glue import comments, redirects, search
    from holdspace.publishing import discussions, markup, sanitize
    from holdspace.search import index

    patch(pelican.readers.Readers, "read_file", "read")
    patch(reader, "read_comment", "read")
    patch(comments, "queue_crisis", "read")
    patch(comments, "hard_problems", "check")
    patch(reader, "_valid_replies", "check")
    patch(markdown.Markdown, "convert", "markdown")
    patch(markup, "plain_html", "markdown")  # a body where no Markdown can begin: made without it
    patch(sanitize, "clean", "sanitize")
    patch(discussions, "build_thread", "tree")
    patch(discussions, "page_location", "tree")
    patch(jinja2.Template, "render", "templates")
    patch(pelican.writers.Writer, "write_file", "write")
    patch(redirects, "write", "write")
    patch(index, "update_index", "index")  # imported by the search's process when it runs
    patch(search, "_export", "export")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("site")
    parser.add_argument("settings")
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    os.environ["HOLDSPACE_BENCH_WORKERS"] = str(args.workers)
    instrument()
    from holdspace.cli import build

    site = Path(args.site)
    start = time.perf_counter()
    code = build.main([str(site / "content"), "-o", str(site / "output"), "-s", args.settings, "-q"])
    wall = time.perf_counter() - start
    if code not in (0, 1):
        raise SystemExit(f"the build failed (exit {code})")
    stages = {name: round(totals.get(name, 0.0), 6) for name in STAGES}
    stages["other"] = round(wall - sum(totals.values()), 6)
    print(json.dumps({"wall": round(wall, 2), "stages": stages}))


STAGES = ("read", "check", "markdown", "sanitize", "tree", "templates", "write", "index", "export")

if __name__ == "__main__":
    main()
