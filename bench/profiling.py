"""Where a cold build spends its time, function by function (cProfile), on the synthetic archive.

    python bench/profiling.py [--posts 100] [--comments 2000] [--top 25] [--work bench/.work] [--save FILE]
                              [--after-approve]

Writes (or reuses) the archive bench.py uses for these sizes, removes its output and caches,
and runs one cold build in this process with one worker (HOLDSPACE_WORKERS = 1, so the
Markdown and sanitizing of the bodies are seen here, and the search step runs inline) under
cProfile; with --after-approve, a moderator's loop instead: a cold build first (not
profiled), then one queued comment approved with the approve command, then the warm build
profiled. Prints two Markdown tables: the functions with the most time of their own
(tottime), and the frames on the way down from the build with the most time under them
(cumtime), each with its share of the build. --save writes the raw profile (for snakeviz or
pstats). Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "bench"), str(ROOT / "plugins")]

import bench  # noqa: E402 (bench/ on the path first)


def where(key: tuple[str, int, str]) -> str:
    """A function as a reader finds it: package/module.py:line name."""
    path, line, name = key
    for marker in ("site-packages/", "plugins/", "lib/python3.11/"):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    return f"{path}:{line} {name}" if line else name


def table(rows: list[tuple[str, float, float]], heading: str, total: float) -> str:
    lines = [f"| {heading} | seconds | share |", "| --- | ---: | ---: |"]
    lines += [f"| `{name}` | {seconds:.2f} | {seconds / total:.0%} |" for name, seconds, _ in rows]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=100)
    parser.add_argument("--comments", type=int, default=2000)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--work", type=Path, default=ROOT / "bench" / ".work")
    parser.add_argument("--save", type=Path)
    parser.add_argument("--after-approve", action="store_true")
    args = parser.parse_args()
    folder = bench.archive(args.work, args.posts, args.comments, bench.QUEUED)
    for name in ("output", ".cache"):
        shutil.rmtree(folder / name, ignore_errors=True)
    os.environ["HOLDSPACE_BENCH_WORKERS"] = "1"
    os.chdir(folder)
    from holdspace.cli import build

    kind = "cold build"
    if args.after_approve:
        bench.say(f"A cold build of {folder}, then one comment approved ...")
        if build.main(["content", "-o", "output", "-s", "benchconf.py", "-q"]) not in (0, 1):
            raise SystemExit("the first build failed")
        bench.wait_for_removal(folder)
        cid, seconds = bench.approve(folder, bench.queued_ids(folder))
        kind = f"warm build after approving {cid} (the command: {seconds:.2f} s)"
    bench.say(f"Profiling a {kind} of {folder} ...")
    profile = cProfile.Profile()
    start = time.perf_counter()
    profile.enable()
    code = build.main(["content", "-o", "output", "-s", "benchconf.py", "-q"])
    profile.disable()
    wall = time.perf_counter() - start
    if code not in (0, 1):
        raise SystemExit(f"the build failed (exit {code})")
    if args.save:
        profile.dump_stats(str(args.save))
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    own = sorted(((where(k), v[2], v[3]) for k, v in stats.items()), key=lambda r: -r[1])[: args.top]
    under = sorted(((where(k), v[3], v[2]) for k, v in stats.items()), key=lambda r: -r[1])
    under = [row for row in under if row[1] < wall * 0.999][: args.top]  # the build's own frames say nothing
    print(
        f"{kind.capitalize()}, {args.posts} posts, {args.comments} comments, one worker, under cProfile: {wall:.1f} s\n"
    )
    print(table(own, "own time (tottime)", wall) + "\n")
    print(table(under, "time under (cumtime)", wall))


if __name__ == "__main__":
    main()
