"""Search benchmark: Holdspace's static search against Pagefind, on one synthetic archive.

    python bench/search_bench.py [--comments 20000] [--posts 400] [--queries 100] [--work bench/.work]

Builds the deterministic synthetic archive (bench/synth.py) with Holdspace,
then measures: the Whoosh index build (full, and incremental after one comment
changes), index and export sizes, and, in headless Chromium (Debian's package,
driven by Playwright), the bytes each query fetches (gzip, as a server would
send them) and the client time per query, for Holdspace's search.js and for
Pagefind (from PyPI, installed into its own virtual environment under the work
folder) run on the same built site. Each query runs on a freshly loaded page;
the files every query loads (Holdspace's manifest; Pagefind's script, WebAssembly
and metadata) are counted once, as "first search". Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import json
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "plugins"))
sys.path.insert(0, str(ROOT / "bench"))

PAGEFIND = "pagefind[bin]==1.5.2"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]  # fmt: skip


def run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kwargs)


def build(work: Path) -> tuple[float, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "plugins")}
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "holdspace", "build", str(work / "content"), "-o", str(work / "output"),
         "-s", str(ROOT / "pelicanconf.py"), "--log-handler", "plain", "-v"],
        capture_output=True, text=True, env=env, cwd=ROOT,
    )  # fmt: skip
    if result.returncode not in (0, 1):
        raise SystemExit(result.stderr[-3000:])
    line = next(x for x in result.stderr.splitlines() if x.startswith("Holdspace search:"))
    return time.perf_counter() - start, line


def search_seconds(line: str) -> float:
    return float(re.search(r"\(([\d.]+) s\)$", line).group(1))


def folder_bytes(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def gzip_size(path: Path, cache: dict[Path, int] = {}) -> int:  # noqa: B006 (a cache on purpose)
    if path not in cache:
        data = path.read_bytes()
        already = path.suffix in (".pf_index", ".pf_fragment", ".pf_meta", ".pagefind") or data[:2] == b"\x1f\x8b"
        cache[path] = len(data) if already else len(gzip.compress(data, 6))
    return cache[path]


def queries(export_folder: Path, count: int, seed: int = 11) -> list[str]:
    """Words readers would type: from random comments, one word or two of the same comment
    (never a stop word, which both engines treat differently)."""
    rng = random.Random(seed)
    stop = set(json.loads((export_folder / "manifest.json").read_text(encoding="utf-8"))["stop"])
    packs = sorted((export_folder / "r").glob("*.json"), key=lambda p: int(p.stem))  # a few results to a file
    texts = [d["x"] for p in packs for d in json.loads(p.read_text(encoding="utf-8"))]
    out = []
    while len(out) < count:
        text = rng.choice(texts)
        words = sorted({w.lower() for w in re.findall(r"[^\W\d_]{4,}", text)} - stop)
        if len(words) < 2:
            continue
        out.append(rng.choice(words) if rng.random() < 0.6 else " ".join(rng.sample(words, 2)))
    return out


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def serve(folder: Path) -> tuple[ThreadingHTTPServer, str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


HOLDSPACE_JS = """async (q) => {
  const t0 = performance.now();
  const s = new HoldspaceSearch.Searcher((p) => fetch('/search/data/' + p).then((r) => r.json()));
  const hits = await s.rank(q, 10);
  await Promise.all(hits.map((h) => s.doc(h.docnum)));
  const t1 = performance.now();
  const again = await s.rank(q, 10);  // the same query, its files already in memory: the client's own work
  await Promise.all(again.map((h) => s.doc(h.docnum)));
  return [t1 - t0, hits.length, performance.now() - t1];
}"""

PAGEFIND_JS = """async (q) => {
  const t0 = performance.now();
  const pagefind = await import('/pagefind/pagefind.js');
  await pagefind.init();
  const search = await pagefind.search(q);
  await Promise.all(search.results.slice(0, 10).map((r) => r.data()));
  const t1 = performance.now();
  const again = await pagefind.search(q);
  await Promise.all(again.results.slice(0, 10).map((r) => r.data()));
  return [t1 - t0, search.results.length, performance.now() - t1];
}"""


def measure(base: str, output: Path, scope: str, script: str, qs: list[str], once: re.Pattern[str]) -> dict:
    """Run each query on a fresh /search/ page; count the gzip bytes of the files under ``scope``."""
    from playwright.sync_api import sync_playwright

    per_query, first, times, compute, found = [], 0, [], [], 0
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            for q in qs:
                page = browser.new_page()
                page.goto(base + "/search/")
                fetched: list[str] = []
                page.on("request", lambda r, into=fetched: into.append(r.url))
                ms, hits, ms_compute = page.evaluate(script, q)
                compute.append(ms_compute)
                page.close()
                found += hits > 0
                times.append(ms)
                files = {u.split("?")[0][len(base) :] for u in fetched if u.startswith(base + scope)}
                sizes = {f: gzip_size(output / f.lstrip("/")) for f in files if (output / f.lstrip("/")).is_file()}
                per_query.append(sum(v for f, v in sizes.items() if not once.search(f)))
                first = max(first, sum(v for f, v in sizes.items() if once.search(f)))
        finally:
            browser.close()
    return {
        "median": statistics.median(per_query),
        "p90": statistics.quantiles(per_query, n=10)[-1],
        "first": first,
        "ms_median": statistics.median(times),
        "ms_p90": statistics.quantiles(times, n=10)[-1],
        "compute_median": statistics.median(compute),
        "compute_p90": statistics.quantiles(compute, n=10)[-1],
        "found": found,
    }


def pagefind(work: Path) -> float:
    venv = work / ".venv-pagefind"
    if not (venv / "bin" / "python").exists():
        run([sys.executable, "-m", "venv", str(venv)])
        run([str(venv / "bin" / "pip"), "install", "--quiet", PAGEFIND])
    start = time.perf_counter()
    run([str(venv / "bin" / "python"), "-m", "pagefind", "--site", str(work / "output")])
    return time.perf_counter() - start


def kb(n: float) -> str:
    return f"{n / 1024:.1f} KB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--comments", type=int, default=20000)
    parser.add_argument("--posts", type=int, default=400)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--work", default=str(ROOT / "bench" / ".work"))
    parser.add_argument("--reuse", action="store_true", help="measure the queries on the site built last time")
    args = parser.parse_args()
    import synth

    work = Path(args.work) / f"search-{args.posts}-{args.comments}"
    if not (work / "content").exists():
        print(f"Writing the synthetic archive to {work} ...", file=sys.stderr)
        synth.generate(str(work), args.posts, args.comments, queued=0, seed=1)
        (work / "moderation").mkdir(exist_ok=True)
        (work / "moderation" / "guidelines.toml").write_bytes((ROOT / "moderation" / "guidelines.toml").read_bytes())
    builds = work / "builds.json"
    if not (args.reuse and builds.exists()):
        for stale in ("output", ".cache"):
            subprocess.run(["rm", "-rf", str(work / stale)], check=True)
        print("Full build ...", file=sys.stderr)
        full_total, full_line = build(work)
        victim = sorted((work / "content" / "comments").rglob("*.md"))[0]
        victim.write_text(victim.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
        print("Incremental build (one comment changed) ...", file=sys.stderr)
        _, incr_line = build(work)
        builds.write_text(json.dumps([full_total, full_line, incr_line]), encoding="utf-8")
    full_total, full_line, incr_line = json.loads(builds.read_text(encoding="utf-8"))
    index_files, index_bytes = folder_bytes(work / ".cache" / "holdspace" / "search")
    export = work / "output" / "search" / "data"
    export_files, export_bytes = folder_bytes(export)
    shard_gz = sorted(gzip_size(p) for p in (export / "s").glob("*.json"))
    qs = queries(export, args.queries)
    print("Pagefind ...", file=sys.stderr)
    pagefind_seconds = pagefind(work)
    pf_files, pf_bytes = folder_bytes(work / "output" / "pagefind")
    server, base = serve(work / "output")
    try:
        print(f"{len(qs)} queries in Chromium, each engine ...", file=sys.stderr)
        ours = measure(base, work / "output", "/search/data/", HOLDSPACE_JS, qs, re.compile(r"manifest\.json$"))
        theirs = measure(base, work / "output", "/pagefind/", PAGEFIND_JS, qs,
                         re.compile(r"pagefind[^/]*\.js$|\.pagefind$|pagefind-entry\.json$|\.pf_meta$"))  # fmt: skip
    finally:
        server.shutdown()

    print(f"\nSearch benchmark: {args.posts} posts, {args.comments} comments (bench/synth.py, seed 1), "
          f"{len(qs)} queries; {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores\n")  # fmt: skip
    print("| measure | Holdspace (Whoosh + search.js) | Pagefind 1.5.2 |")
    print("| --- | --- | --- |")
    print(
        f"| index build, full | {search_seconds(full_line):.1f} s (whole site build {full_total:.1f} s) | {pagefind_seconds:.1f} s (on the built site) |"
    )
    print(
        f"| index build, one comment changed | {search_seconds(incr_line):.1f} s | {pagefind_seconds:.1f} s (no incremental mode) |"
    )
    print(f"| index on disk | {index_files} files, {index_bytes / 2**20:.1f} MB (Whoosh, cache) | - |")
    print(
        f"| files served | {export_files} files, {export_bytes / 2**20:.1f} MB | {pf_files} files, {pf_bytes / 2**20:.1f} MB |"
    )
    print(
        f"| term shards (gzip) | {len(shard_gz)}, median {kb(statistics.median(shard_gz))}, largest {kb(shard_gz[-1])} | - |"
    )
    print(f"| first search extra (gzip) | {kb(ours['first'])} | {kb(theirs['first'])} |")
    print(f"| bytes per query, median (gzip) | {kb(ours['median'])} | {kb(theirs['median'])} |")
    print(f"| bytes per query, 90th percentile | {kb(ours['p90'])} | {kb(theirs['p90'])} |")
    print(
        f"| client time per query, files in memory, median | {ours['compute_median']:.1f} ms | {theirs['compute_median']:.1f} ms |"
    )
    print(
        f"| client time per query, files in memory, 90th percentile | {ours['compute_p90']:.1f} ms | {theirs['compute_p90']:.1f} ms |"
    )
    print(
        f"| time to 10 results, fetching from localhost, median | {ours['ms_median']:.1f} ms | {theirs['ms_median']:.1f} ms |"
    )
    print(
        f"| time to 10 results, fetching from localhost, 90th percentile | {ours['ms_p90']:.1f} ms | {theirs['ms_p90']:.1f} ms |"
    )
    print(f"| queries with results | {ours['found']} of {len(qs)} | {theirs['found']} of {len(qs)} |")
    print(f"\n{full_line}\n{incr_line}")


if __name__ == "__main__":
    main()
