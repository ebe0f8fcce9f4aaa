"""Scale benchmark: Holdspace's build against plain Pelican and pelican-comment-system, on synthetic archives.

    python bench/bench.py [--posts 1000] [--comments 20000] [--runs 3] [--work bench/.work]
                          [--skip-100k] [--only-100k] [--skip-peer] [--write-readme] [--write-docs]
                          [--also 100/2000,300/6000]

Writes the deterministic synthetic archives (bench/synth.py, seed 1; reused from the work folder while their
parameters and synth.py are unchanged): POSTS posts with COMMENTS comments and 50 queued, the same posts alone,
and POSTS posts with 100,000 comments. The plain Pelican and pelican-comment-system sites are prepared from the
first one by bench/peer.py. Every figure is the median of --runs builds (the 100,000-comment build runs once),
each measure's runs alternating with its baseline's:

  (a) Holdspace cold, with the comments and on the posts alone, against plain Pelican cold (posts only);
  (b) Holdspace against pelican-comment-system, cold and warm (warm: one post changed, the same way for both);
  (c) "approve one comment + rebuild" (the approve command, then a warm build) against plain Pelican's warm
      build with one post changed;
  (d) the peak memory of a cold build of the 100,000-comment archive: ru_maxrss of the build process (os.wait4;
      the largest single process), and the whole process tree's PSS (the workers included), sampled every
      0.5 s or more, at most 5% of one core;
  (e) bench/stages.py with one worker: seconds per stage of a cold build, and of a warm build after an approve
      (each the median of --runs runs), and the search's share of the cold build.

Holdspace's modules are compiled first (compileall): it runs from the source tree, the baselines from
site-packages, which pip compiled at install; Python writes a module's .pyc at its first import, unless
PYTHONDONTWRITEBYTECODE is set (as in some sandboxes), and then compiles it again in every process.
A cold build starts without output and caches; a warm one keeps the previous build's. Holdspace builds with
HOLDSPACE_WORKERS = 0 (one process per core), Pelican in one process, as each runs by default. Prints a Markdown
table of the targets and one of the stages, then (--also) the same targets measured on smaller archives;
--write-docs puts them in docs/performance.md (--write-readme in bench/README.md), between the
<!-- bench:start --> and <!-- bench:end --> markers. Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import peer  # noqa: E402 (bench/ on the path first)
import synth  # noqa: E402

HS_PYTHON = ROOT / ".venv" / "bin" / "python"
QUEUED = 50
SEED = 1
BIG = 100_000  # comments of the memory measurement
MEMORY_TARGET_MB = 1024
README = ROOT / "bench" / "README.md"
DOCS = ROOT / "docs" / "performance.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
HEADING = "## Scale (`make bench`)"
BENCHCONF = """# Written by bench/bench.py: Holdspace's pelicanconf.py, for this archive.
import os
import sys

sys.path.insert(0, {root!r})
from pelicanconf import *  # noqa

THEME = {theme!r}
PLUGIN_PATHS = [{plugins!r}]
HOLDSPACE_WORKERS = int(os.environ.get("HOLDSPACE_BENCH_WORKERS", "0"))
"""
STAGES = ("read", "check", "markdown", "sanitize", "tree", "templates", "write", "index", "export", "other")


class BenchError(Exception):
    """An expected failure: a message for the reader, no traceback."""


def say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def tail(text: str, lines: int = 30) -> str:
    return "\n".join(text.splitlines()[-lines:])


# The archives


def archive(work: Path, posts: int, comments: int, queued: int) -> Path:
    """The synthetic archive, written once per set of parameters (and version of synth.py), set up for Holdspace."""
    folder = work / f"scale-{posts}-{comments}"
    stamp = {"posts": posts, "comments": comments, "queued": queued, "seed": SEED,
             "synth": hashlib.sha256((ROOT / "bench" / "synth.py").read_bytes()).hexdigest()[:16]}  # fmt: skip
    stamp_file = folder / "bench-stamp.json"
    try:
        fresh = json.loads(stamp_file.read_text(encoding="utf-8")) != stamp
    except (OSError, ValueError):
        fresh = True
    if fresh:
        say(f"Writing the synthetic archive to {folder} ({posts} posts, {comments} comments, {queued} queued) ...")
        shutil.rmtree(folder, ignore_errors=True)
        synth.generate(str(folder), posts, comments, queued=queued, seed=SEED)
        stamp_file.write_text(json.dumps(stamp) + "\n", encoding="utf-8")
    (folder / "moderation").mkdir(exist_ok=True)
    shutil.copyfile(ROOT / "moderation" / "guidelines.toml", folder / "moderation" / "guidelines.toml")
    (folder / "benchconf.py").write_text(
        BENCHCONF.format(root=str(ROOT), theme=str(ROOT / "theme"), plugins=str(ROOT / "plugins")), encoding="utf-8"
    )
    restore(folder, comments)
    return folder


def restore(folder: Path, comments: int) -> None:
    """Undo what a previous run did to the archive: approved comments back to the queue, the touched post back."""
    wait_for_removal(folder)
    for path in sorted((folder / "content" / "comments").glob("*/c*.md")):
        if path.stem[1:].isdigit() and int(path.stem[1:]) >= comments:  # synth.py's queued ids follow the published
            queue = folder / "moderation" / "queue" / path.parent.name
            queue.mkdir(parents=True, exist_ok=True)
            os.rename(path, queue / path.name)
    (folder / "moderation" / "decisions.log").unlink(missing_ok=True)
    posts = sorted((folder / "content" / "posts").glob("*.md"))
    if posts and posts[len(posts) // 2].read_text(encoding="utf-8").rstrip("\n").endswith(peer.TOUCH_MARK):
        peer.touch_one_post(str(folder))  # touching again removes the word


def queued_ids(folder: Path) -> list[str]:
    return sorted(p.stem for p in (folder / "moderation" / "queue").glob("*/*.md"))


# Holdspace's builds


def hs_env(workers: int | None = None) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "plugins"), "MODERATOR": "bench/bench.py"}
    if workers is not None:
        env["HOLDSPACE_BENCH_WORKERS"] = str(workers)
    return env


def wait_for_removal(folder: Path, limit: float = 60.0) -> None:
    """Wait while a previous build's detached process still removes its old output."""
    deadline = time.monotonic() + limit
    while any(folder.glob(".holdspace-old-*")) and time.monotonic() < deadline:
        time.sleep(0.2)


def tree_pss_kb(root: int) -> int:
    """The proportional set size of a process and all its descendants (shared pages counted once in all)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            parents[int(stat.parent.name)] = int(fields[1])
        except (OSError, IndexError, ValueError):
            continue
    tree, grew = {root}, True
    while grew:
        more = {pid for pid, parent in parents.items() if parent in tree} - tree
        grew = bool(more)
        tree |= more
    total = 0
    for pid in tree:
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        found = re.search(r"^Pss:\s+(\d+) kB", rollup, re.M)
        total += int(found[1]) if found else 0
    return total


class TreeSampler(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak_kb, self.done = pid, 0, threading.Event()

    def run(self) -> None:
        pause = 0.5
        while not self.done.wait(pause):
            start = time.perf_counter()
            self.peak_kb = max(self.peak_kb, tree_pss_kb(self.pid))
            # Reading smaps_rollup costs tens of ms for a large process: at most 5% of one core.
            pause = max(0.5, 20 * (time.perf_counter() - start))


def compile_holdspace() -> None:
    """Compile the Holdspace the bench runs (the one its Python imports), as its first run on a user's
    machine does: the baselines run compiled code from site-packages."""
    code = "import compileall, os, holdspace; compileall.compile_dir(os.path.dirname(holdspace.__file__), quiet=1)"
    subprocess.run([str(HS_PYTHON), "-c", code], check=True)


def run_measured(cmd: list[str], cwd: Path, env: dict[str, str], log: Path, sample: bool = False) -> dict:
    """Run cmd with its output in log; its wall time and ru_maxrss (os.wait4), and the tree's peak PSS if asked."""
    os.sync()  # what earlier runs wrote and removed is on disk first (peer.build does the same)
    with open(log, "w", encoding="utf-8") as out:
        start = time.perf_counter()
        child = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        sampler = TreeSampler(child.pid) if sample else None
        if sampler:
            sampler.start()
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        if sampler:
            sampler.done.set()
            sampler.join()
    child.returncode = os.waitstatus_to_exitcode(status)
    return {
        "code": child.returncode,
        "seconds": seconds,
        "peak_rss_mb": usage.ru_maxrss / 1024,
        "tree_mb": sampler.peak_kb / 1024 if sampler else None,
        "log": log.read_text(encoding="utf-8", errors="replace"),
    }


def hs_build(folder: Path, *, cold: bool, sample: bool = False) -> dict:
    """One Holdspace build of the archive in folder; exit 1 (a comment held back) still counts as built."""
    wait_for_removal(folder)
    if cold:
        for stale in (".cache", "output"):
            shutil.rmtree(folder / stale, ignore_errors=True)
    cmd = [str(HS_PYTHON), "-m", "holdspace", "build", "content", "-o", "output", "-s", "benchconf.py", "-q"]
    result = run_measured(cmd, folder, hs_env(), folder / "bench-build.log", sample)
    wait_for_removal(folder)  # the old output is gone before anything else runs
    summary = [line for line in result["log"].splitlines() if line.startswith("Holdspace: ")]
    if result["code"] not in (0, 1) or not summary or "Build failed:" in result["log"]:
        raise BenchError(f"the Holdspace build in {folder} failed (exit {result['code']}):\n{tail(result['log'])}")
    published = re.search(r"(\d+) comments published", summary[-1])
    result["published"] = int(published[1]) if published else None
    result["summary"] = summary[-1]
    return result


def approve(folder: Path, ids: list[str]) -> tuple[str, float]:
    """Approve the first of ids that passes the rules (the others are dropped from ids); its id and seconds."""
    while ids:
        cid = ids.pop(0)
        cmd = [str(HS_PYTHON), "-m", "holdspace", "approve", cid, "--settings", "benchconf.py"]
        result = run_measured(cmd, folder, hs_env(), folder / "bench-approve.log")
        if result["code"] == 0 and list((folder / "content" / "comments").glob(f"*/{cid}.md")):
            return cid, result["seconds"]
        if "cannot be approved" not in result["log"]:
            raise BenchError(f"approving {cid} in {folder} failed (exit {result['code']}):\n{tail(result['log'])}")
        say(f"  {cid} breaks a rule of the guidelines; the next one")
    raise BenchError(f"no queued comment left to approve in {folder}")


def stages(folder: Path) -> dict:
    """bench/stages.py with one worker, on the archive as it is (the caller cleans it for a cold build)."""
    wait_for_removal(folder)
    cmd = [str(HS_PYTHON), str(ROOT / "bench" / "stages.py"), str(folder), str(folder / "benchconf.py"),
           "--workers", "1"]  # fmt: skip
    result = subprocess.run(cmd, cwd=folder, env=hs_env(1), capture_output=True, text=True)
    wait_for_removal(folder)
    try:
        return json.loads(result.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        raise BenchError(
            f"bench/stages.py on {folder} failed (exit {result.returncode}):\n{tail(result.stdout + result.stderr)}"
        ) from None


# Measuring


def repeat(label: str, runs: int, once: Callable[[], dict]) -> list[dict]:
    return [run(label, i, runs, once) for i in range(runs)]


def run(label: str, i: int, runs: int, once: Callable[[], dict]) -> dict:
    """Run ``i`` (from 0) of ``runs``, said as it ends."""
    result = once()
    extra = f", {result['extra']}" if result.get("extra") else ""
    say(f"{label}, run {i + 1}/{runs}: {result['seconds']:.1f} s, {result['peak_rss_mb']:.0f} MB{extra}")
    return result


def alternate(runs: int, *measures: tuple[str, Callable[[], dict]]) -> list[list[dict]]:
    """``repeat`` for several measures taken in turn (A, B, B, A, A, B ...), so that a slow
    spell of the machine, or the first run's cold caches, fall on each of them alike; their
    results, in the order given."""
    results: list[list[dict]] = [[] for _ in measures]
    for i in range(runs):
        turn = list(zip(measures, results, strict=True))
        for (label, once), found in turn if i % 2 == 0 else turn[::-1]:  # B first every other time
            found.append(run(label, i, runs, once))
    return results


def median(results: list[dict], key: str = "seconds") -> float:
    return statistics.median(r[key] for r in results)


def stage_median(results: list[dict], stage: str) -> float:
    """The median of one stage's seconds in bench/stages.py's runs."""
    return statistics.median(r["stages"].get(stage, 0) for r in results)


def peer_build(python: str, site: Path, *, cold: bool) -> dict:
    try:
        return peer.build(python, str(site), clean_output=cold, clean_cache=cold)
    except RuntimeError as e:
        raise BenchError(str(e)) from None


def measure(args: argparse.Namespace, work: Path) -> dict:
    out: dict = {}
    if not args.only_100k:
        try:
            python = peer.ensure_env(str(work))
        except (RuntimeError, subprocess.CalledProcessError) as e:
            raise BenchError(f"the Pelican virtual environment for the baselines: {e}") from None
        main = archive(work, args.posts, args.comments, QUEUED)
        alone = archive(work, args.posts, 0, 0)
        plain_site, peer_site = (
            work / f"plain-{args.posts}-{args.comments}",
            work / f"peer-{args.posts}-{args.comments}",
        )
        peer.prepare_plain(str(main), str(plain_site))
        if not args.skip_peer:
            say("Preparing the pelican-comment-system site ...")
            peer.prepare_peer(str(main), str(peer_site), python)
        ids = queued_ids(main)

        def plain_warm() -> dict:
            peer.touch_one_post(str(plain_site))
            return peer_build(python, plain_site, cold=False)

        def peer_warm() -> dict:
            peer.touch_one_post(str(peer_site))
            return peer_build(python, peer_site, cold=False)

        def hs_warm() -> dict:
            peer.touch_one_post(str(main))  # the same post as the baselines', as a new file: no hard link changed
            return hs_build(main, cold=False)

        def hs_approve() -> dict:
            cid, seconds = approve(main, ids)
            result = hs_build(main, cold=False)
            result.update(approve=seconds, build=result["seconds"], seconds=seconds + result["seconds"])
            result["extra"] = f"approve {cid} {seconds:.1f} s + build {result['build']:.1f} s"
            return result

        # Each of Holdspace's measures in turn with the baseline it is compared with.
        out["plain_cold"], out["hs_alone_cold"] = alternate(
            args.runs,
            ("plain Pelican, cold", lambda: peer_build(python, plain_site, cold=True)),
            ("Holdspace, posts alone, cold", lambda: hs_build(alone, cold=True)),
        )
        if not args.skip_peer:
            out["peer_cold"], out["hs_cold"] = alternate(
                args.runs,
                ("pelican-comment-system, cold", lambda: peer_build(python, peer_site, cold=True)),
                ("Holdspace, cold", lambda: hs_build(main, cold=True)),
            )
            checked = peer.verify_peer(str(main), str(peer_site))
            out["peer_check"] = checked
            say(f"pelican-comment-system's pages read back: {checked['comments']} comments, "
                f"{len(checked['problems'])} problems" + "".join(f"\n  {p}" for p in checked["problems"][:10]))  # fmt: skip
            out["peer_warm"], out["hs_warm"] = alternate(
                args.runs,
                ("pelican-comment-system, warm (one post changed)", peer_warm),
                ("Holdspace, warm (one post changed)", hs_warm),
            )
        else:
            out["hs_cold"] = repeat("Holdspace, cold", args.runs, lambda: hs_build(main, cold=True))
            out["hs_warm"] = repeat("Holdspace, warm (one post changed)", args.runs, hs_warm)
        out["plain_warm"], out["hs_approve"] = alternate(
            args.runs,
            ("plain Pelican, warm (one post changed)", plain_warm),
            ("Holdspace, approve one comment + rebuild", hs_approve),
        )
        if args.no_stages:
            restore(main, args.comments)
            restore(alone, 0)
            return out
        out["stages_cold"], out["stages_warm"] = [], []
        for i in range(args.runs):  # a cold build, then a warm one after an approve, each time
            for stale in (".cache", "output"):
                shutil.rmtree(main / stale, ignore_errors=True)
            out["stages_cold"].append(stages(main))
            say(f"Stages, cold, one worker, run {i + 1}/{args.runs}: {out['stages_cold'][-1]['wall']:.1f} s")
            cid, _ = approve(main, ids)
            out["stages_warm"].append(stages(main))
            say(f"Stages, warm after approving {cid}, run {i + 1}/{args.runs}: {out['stages_warm'][-1]['wall']:.1f} s")
        restore(main, args.comments)
        restore(alone, 0)
    if not args.skip_100k:
        big = archive(work, args.posts, BIG, QUEUED)
        out["hs_big"] = repeat(f"Holdspace, {BIG:,} comments, cold", 1, lambda: hs_build(big, cold=True, sample=True))
    return out


# The tables


def machine() -> str:
    cpu = "unknown CPU"
    try:
        found = re.search(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.M)
        cpu = found[1].strip() if found else cpu
        mem = re.search(r"^MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text(), re.M)
        ram = f"{int(mem[1]) / 2**20:.0f} GB RAM" if mem else "RAM unknown"
    except OSError:
        ram = "RAM unknown"
    return f"{cpu}, {os.cpu_count()} cores, {ram}, Python {platform.python_version()}"


def target(value: float, limit: float, unit: str = "", aim: str = "") -> str:
    shown = f"{value:.2f}" if not unit else f"{value:.0f} {unit}"
    bound = f"≤ {limit:.1f}{aim}" if not unit else f"≤ {limit:.0f} {unit}"
    if value <= limit:
        margin = f"{(limit - value) / limit:.0%} under" if not unit else f"{limit - value:.0f} {unit} under"
        return f"{bound}: met ({shown}, {margin})"
    margin = f"{(value - limit) / limit:.0%} over" if not unit else f"{value - limit:.0f} {unit} over"
    return f"{bound}: **missed** ({shown}, {margin})"


def cell(results: list[dict] | None) -> str:
    if not results:
        return "-"
    return f"{median(results):.1f} s ({median(results, 'peak_rss_mb'):.0f} MB)"


def report(args: argparse.Namespace, m: dict) -> str:
    runs = f"median of {args.runs} run{'s' if args.runs != 1 else ''} each"
    runs += "" if args.skip_peer else ", alternated with the baseline's"
    comments = f"{args.comments:,} comments" + ("" if args.skip_100k else f" (and {BIG:,}, 1 run)")
    if args.only_100k:
        comments, runs = f"{BIG:,} comments", "1 run"
    lines = [
        f"Scale benchmark: {args.posts:,} posts, {comments} ({QUEUED} queued; bench/synth.py, seed {SEED}), "
        f"{runs}; {time.strftime('%Y-%m-%d')}; {machine()}",
        "",
        "Seconds of wall time, and in brackets the build process's peak RSS. Holdspace: HOLDSPACE_WORKERS = 0 "
        "(one process per core); Pelican 4.12.0 in one process. Cold: no output, no caches; warm: the previous "
        "build's kept.",
        "",
        "| measure | Holdspace | baseline | ratio | target |",
        "| --- | --- | --- | --- | --- |",
    ]

    def row(name: str, ours: str, base: str, ratio: float | None, goal: str = "-") -> None:
        lines.append(f"| {name} | {ours} | {base} | {'-' if ratio is None else f'{ratio:.2f}'} | {goal} |")

    def ratio(a: str, b: str) -> float | None:
        return median(m[a]) / median(m[b]) if m.get(a) and m.get(b) else None

    if "hs_cold" in m:
        row(f"(a) cold build, {args.comments:,} comments; plain Pelican: the posts alone", cell(m["hs_cold"]),
            cell(m["plain_cold"]) + " plain Pelican", ratio("hs_cold", "plain_cold"))  # fmt: skip
        row("(a) cold build, the posts alone (no comments)", cell(m["hs_alone_cold"]),
            cell(m["plain_cold"]) + " plain Pelican", ratio("hs_alone_cold", "plain_cold"))  # fmt: skip
        if m.get("peer_cold"):
            r = ratio("hs_cold", "peer_cold")
            row(f"(b) cold build, {args.comments:,} comments", cell(m["hs_cold"]),
                cell(m["peer_cold"]) + " pelican-comment-system", r, target(r, 0.6, aim=" (aim 0.5)"))  # fmt: skip
            row("(b) warm build, one post changed", cell(m["hs_warm"]),
                cell(m["peer_warm"]) + " pelican-comment-system", ratio("hs_warm", "peer_warm"))  # fmt: skip
        else:
            row("(b) against pelican-comment-system", cell(m["hs_cold"]), "skipped (--skip-peer)", None)
        r = ratio("hs_approve", "plain_warm")
        assert r is not None
        row("(c) approve one comment + warm rebuild", cell(m["hs_approve"]),
            cell(m["plain_warm"]) + " plain Pelican, warm, one post changed", r, target(r, 1.2))  # fmt: skip
        row("(c) of which the approve command", f"{median(m['hs_approve'], 'approve'):.2f} s", "-", None)
        row("(c) of which the warm build", f"{median(m['hs_approve'], 'build'):.1f} s", "-", None)
    if m.get("hs_big"):
        big = m["hs_big"][0]
        row(f"(d) peak memory, cold build, {BIG:,} comments (1 run)",
            f"{big['peak_rss_mb']:.0f} MB ({big['seconds']:.1f} s; whole process tree, PSS: {big['tree_mb']:.0f} MB)",
            "-", None, target(big["peak_rss_mb"], MEMORY_TARGET_MB, "MB"))  # fmt: skip
    else:
        row(f"(d) peak memory, cold build, {BIG:,} comments", "skipped (--skip-100k)", "-", None)
    notes = []
    if m.get("peer_check"):
        check = m["peer_check"]
        notes.append(f"pelican-comment-system's pages, read back: {check['comments']:,} comments, "
                     f"{check['replies']:,} replies, on {check['pages']} pages; {len(check['problems'])} problems.")  # fmt: skip
    for key in ("hs_cold", "hs_big"):
        if m.get(key):
            notes.append(f"`{m[key][0]['summary']}`")
    if notes:
        lines += [""] + [f"- {n}" for n in notes]
    if "stages_cold" in m:
        cold, warm = m["stages_cold"], m["stages_warm"]
        lines += [
            "",
            f"(e) bench/stages.py, one worker (all the work in one process), {args.comments:,} comments: "
            f"seconds per stage, exclusive, the median of {len(cold)} runs each.",
            "",
            "| stage | cold | warm, after approving one comment |",
            "| --- | --- | --- |",
        ]
        for stage in STAGES:
            lines.append(f"| {stage} | {stage_median(cold, stage):.2f} | {stage_median(warm, stage):.2f} |")
        lines.append(f"| **wall** | {median(cold, 'wall'):.2f} | {median(warm, 'wall'):.2f} |")
        shares = [(r["stages"].get("index", 0) + r["stages"].get("export", 0)) / r["wall"] for r in cold]
        lines += ["", f"The search (index + export): {statistics.median(shares):.1%} of the cold build "
                      f"(target ≤ 25%; the runs: {', '.join(f'{s:.1%}' for s in shares)})."]  # fmt: skip
    return "\n".join(lines)


def smaller(sizes: list[tuple[int, int]], measured: list[dict]) -> str:
    """The table of the smaller archives: the targets measured at each size."""
    lines = [
        "",
        "Smaller archives (most real archives), the same measures:",
        "",
        "| posts / comments | cold: Holdspace vs pelican-comment-system | ratio (target ≤ 0.8) "
        "| approve + rebuild vs plain Pelican warm | ratio | the approve command |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for (posts, comments), m in zip(sizes, measured, strict=True):
        cold = median(m["hs_cold"]) / median(m["peer_cold"]) if m.get("peer_cold") else None
        loop = median(m["hs_approve"]) / median(m["plain_warm"])
        # Seconds only: a child forked once this process has grown reports its size as its peak.
        peer_cold = f"{median(m['peer_cold']):.1f} s" if m.get("peer_cold") else "-"
        lines.append(
            f"| {posts:,} / {comments:,} | {median(m['hs_cold']):.1f} s vs {peer_cold} "
            f"| {'-' if cold is None else target(cold, 0.8)} | {median(m['hs_approve']):.1f} s vs "
            f"{median(m['plain_warm']):.1f} s | {loop:.2f} | {median(m['hs_approve'], 'approve'):.2f} s |"
        )
    return "\n" + "\n".join(lines)


def write_tables(path: Path, text: str, place: Callable[[str, str], str]) -> None:
    """Put ``text`` in the file at ``path`` between the markers, where they are; the first
    time, where ``place(page, section)`` puts the marked section."""
    page = path.read_text(encoding="utf-8")
    section = f"{START}\n{text}\n{END}"
    if START in page and END in page:
        before, rest = page.split(START, 1)
        page = before + section + rest.split(END, 1)[1]
    else:
        page = place(page, section)
    path.write_text(page, encoding="utf-8")
    say(f"Wrote the tables into {path.relative_to(ROOT)}")


def write_docs(text: str) -> None:
    """The tables in docs/performance.md (a section of its own at the end the first time)."""
    write_tables(DOCS, text, lambda page, section: page.rstrip("\n") + f"\n\n## Measured (`make bench`)\n\n{section}\n")


def write_readme(text: str) -> None:
    def place(readme: str, section: str) -> str:
        heading = f"{HEADING}\n\n{section}\n\n"
        first = readme.find("\n## ")
        return readme[: first + 1] + heading + readme[first + 1 :] if first >= 0 else readme + "\n" + heading

    write_tables(README, text, place)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--comments", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=3, help="runs of each timed build (not the 100,000-comment one)")
    parser.add_argument("--work", default=str(ROOT / "bench" / ".work"))
    parser.add_argument("--skip-100k", action="store_true", help="no 100,000-comment memory measurement")
    parser.add_argument("--only-100k", action="store_true", help="only the 100,000-comment memory measurement")
    parser.add_argument("--skip-peer", action="store_true", help="no pelican-comment-system builds")
    parser.add_argument("--write-readme", action="store_true", help="put the tables in bench/README.md")
    parser.add_argument("--write-docs", action="store_true", help="put the tables in docs/performance.md")
    parser.add_argument("--also", default="100/2000,300/6000",
                        help="smaller archives measured the same way, as posts/comments ('' for none)")  # fmt: skip
    args = parser.parse_args()
    args.no_stages = False
    try:
        sizes = [(int(p), int(c)) for p, c in (size.split("/") for size in args.also.split(",") if size.strip())]
    except ValueError:
        parser.error("--also takes sizes as posts/comments, separated by commas: 100/2000,300/6000")
    if args.runs < 1 or args.posts < 1 or args.comments < 1:
        parser.error("--runs, --posts and --comments must be at least 1")
    if args.skip_100k and args.only_100k:
        parser.error("--skip-100k and --only-100k leave nothing to measure")
    if not HS_PYTHON.exists():
        print(f"{HS_PYTHON} is missing: run make venv first", file=sys.stderr)
        return 2
    work = Path(args.work).resolve()
    work.mkdir(parents=True, exist_ok=True)
    compile_holdspace()
    start = time.perf_counter()
    try:
        measured = measure(args, work)
        others = []
        if not args.only_100k:
            for posts, comments in sizes:
                say(f"A smaller archive: {posts:,} posts, {comments:,} comments ...")
                size = argparse.Namespace(**{**vars(args), "posts": posts, "comments": comments, "no_stages": True,
                                             "skip_100k": True})  # fmt: skip
                others.append(measure(size, work))
    except BenchError as e:
        print(f"bench: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("bench: interrupted", file=sys.stderr)
        return 130
    text = report(args, measured) + (smaller(sizes, others) if others else "")
    print(text)
    say(f"The benchmark took {(time.perf_counter() - start) / 60:.1f} minutes")
    if args.write_readme:
        write_readme(text)
    if args.write_docs:
        write_docs(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
