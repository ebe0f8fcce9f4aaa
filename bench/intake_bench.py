"""Load and faults for the intake: the gunicorn service against the http.server one it replaced.

    python bench/intake_bench.py [--forms 1000] [--clients 50] [--work bench/.work/intake] [--write-docs]

Each service gets a site of its own (one post, the project's guidelines, the rate limit
raised) on 127.0.0.1, and the same forms from the same number of concurrent clients: one in
ten breaks a hard rule (no name) and must be refused with a reason. Afterwards every queue
is read back: every accepted form must be there exactly once, no refused one at all, and
every client must have had an answer. The http.server intake is the project's own, taken
from git history (the commit before it was replaced), so both run in this one benchmark.

Then a full disk: the moderation folder on a small tmpfs (mounting one needs root; without,
that row says skipped), filled, and a form sent: it must be answered 503 with the words given
back, and nothing half-written may be left in the queue.

Bounded, localhost only. Prints a Markdown table; --write-docs also puts it in docs/intake.md,
between <!-- bench-intake:start --> and <!-- bench-intake:end -->.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
DOCS = ROOT / "docs" / "intake.md"
START, END = "<!-- bench-intake:start -->", "<!-- bench-intake:end -->"
MARK = re.compile(r"bench-form-(\d+)\b")


def say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def make_site(folder: Path, **settings: object) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "content" / "posts").mkdir(parents=True)
    (folder / "moderation" / "queue").mkdir(parents=True)
    shutil.copyfile(ROOT / "moderation" / "guidelines.toml", folder / "moderation" / "guidelines.toml")
    (folder / "content" / "posts" / "t.md").write_text("Title: A Post\nDate: 2026-01-01\nSlug: t\n\nWords.\n")
    lines = ["PATH = 'content'", "COMMENT_INTAKE_RATE_LIMIT = 100000", *(f"{k} = {v!r}" for k, v in settings.items())]
    (folder / "pelicanconf.py").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def old_code(work: Path) -> Path:
    """The project's http.server intake, from the commit before it was replaced."""
    last = subprocess.run(["git", "rev-list", "-1", "HEAD", "--", "plugins/holdspace/intakeserver.py"], cwd=ROOT,
                          capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    target = work / "old-code"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", f"{last}^", "plugins/holdspace"], cwd=ROOT, capture_output=True,
                             check=True).stdout  # fmt: skip
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target / "plugins"


def start(command: list[str], cwd: Path, env: dict[str, str], port: int) -> subprocess.Popen:
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return process
        time.sleep(0.1)
    process.kill()
    raise SystemExit(f"the intake ({' '.join(command)}) did not start")


def form(n: int) -> bytes:
    fields = {"post": "t", "reply_to": "", "author": "" if n % 10 == 9 else f"Writer {n}",
              "email": f"w{n}@example.org", "website": "", "comment": f"bench-form-{n} Some words to keep.",
              "leave_empty": ""}  # fmt: skip
    return urlencode(fields).encode()


def load(port: int, forms: int, clients: int) -> list[tuple[int, int, float, bytes]]:
    """(form, status or 0 for no answer, seconds, body) of each form, sent by ``clients`` threads."""
    results: list[tuple[int, int, float, bytes]] = []
    lock = threading.Lock()
    numbers = iter(range(forms))

    def client() -> None:
        while True:
            with lock:
                n = next(numbers, None)
            if n is None:
                return
            started = time.perf_counter()
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                connection.request("POST", "/comment", body=form(n),
                                   headers={"Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
                answer = connection.getresponse()
                status, body = answer.status, answer.read()
                connection.close()
            except OSError:
                status, body = 0, b""
            with lock:
                results.append((n, status, time.perf_counter() - started, body))

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def check(site: Path, results: list[tuple[int, int, float, bytes]]) -> dict[str, object]:
    queued: dict[int, int] = {}
    for path in (site / "moderation" / "queue").rglob("*.md"):
        for match in MARK.finditer(path.read_text(encoding="utf-8")):
            queued[int(match.group(1))] = queued.get(int(match.group(1)), 0) + 1
    accepted = [n for n, status, _, _ in results if status == 200]
    refused = [(n, body) for n, status, _, body in results if status == 400]
    times = sorted(seconds for _, status, seconds, _ in results if status)
    return {
        "accepted": len(accepted),
        "queued once": sum(1 for n in accepted if queued.get(n) == 1),
        "queued wrongly": sum(1 for n, count in queued.items() if count != 1 or n not in accepted),
        "refused, told why": sum(1 for _, body in refused if b"first name or pseudonym" in body),
        "refused": len(refused),
        "no answer": sum(1 for _, status, _, _ in results if status == 0),
        "other": sum(1 for _, status, _, _ in results if status not in (0, 200, 400)),
        "median ms": statistics.median(times) * 1000 if times else 0.0,
        "p95 ms": times[int(len(times) * 0.95) - 1] * 1000 if times else 0.0,
    }


def full_disk(work: Path) -> str:
    """A form sent while the queue's disk is full: the answer, and what is left behind."""
    mount = work / "full"
    shutil.rmtree(mount, ignore_errors=True)
    mount.mkdir(parents=True)
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(mount)], capture_output=True).returncode:
        return "skipped: mounting a small tmpfs needs root"
    try:
        site = make_site(work / "full-site", MODERATION_PATH=str(mount / "moderation"))
        shutil.copytree(site / "moderation", mount / "moderation")
        with open(mount / "filler", "wb", buffering=0) as f, contextlib.suppress(OSError):
            while True:
                f.write(b"\0" * 4096)
        port = free_port()
        env = {**os.environ, "PYTHONPATH": str(ROOT / "plugins")}
        process = start([str(PYTHON), "-m", "holdspace", "intake", "--port", str(port), "-s", "pelicanconf.py"],
                        site, env, port)  # fmt: skip
        try:
            ((_, status, _, body),) = load(port, 1, 1)
        finally:
            process.terminate()
            process.wait(timeout=30)
        left = [p.name for p in (mount / "moderation" / "queue").rglob("*") if p.is_file()]
        given_back = b"bench-form-0 Some words to keep." in body
        return f"answered {status}, words given back: {'yes' if given_back else 'no'}, files left in the queue: {len(left)}"
    finally:
        subprocess.run(["umount", str(mount)], capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--forms", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--work", default=str(ROOT / "bench" / ".work" / "intake"))
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    rows = {}
    for name in ("gunicorn (now)", "http.server (before)"):
        site = make_site(work / re.sub(r"\W+", "-", name))
        port = free_port()
        if name.startswith("gunicorn"):
            command = [str(PYTHON), "-m", "holdspace", "intake", "--port", str(port), "-s", "pelicanconf.py"]
            env = {**os.environ, "PYTHONPATH": str(ROOT / "plugins")}
        else:
            command = [str(PYTHON), "-m", "holdspace.intakeserver", "--root", ".", "--settings", "pelicanconf.py",
                       "--port", str(port)]  # fmt: skip
            env = {**os.environ, "PYTHONPATH": str(old_code(work))}
        say(f"{name}: {args.forms} forms from {args.clients} clients ...")
        process = start(command, site, env, port)
        try:
            began = time.perf_counter()
            results = load(port, args.forms, args.clients)
            seconds = time.perf_counter() - began
        finally:
            process.terminate()
            process.wait(timeout=60)
        rows[name] = {**check(site, results), "per second": args.forms / seconds}
        say(f"  {rows[name]}")
    say("A full disk ...")
    disk = full_disk(work)
    table = report(args, rows, disk)
    print(table)
    if args.write_docs:
        text = DOCS.read_text(encoding="utf-8")
        text = text[: text.index(START) + len(START)] + "\n" + table + "\n" + text[text.index(END) :]
        DOCS.write_text(text, encoding="utf-8")
        say(f"Wrote the table into {DOCS.relative_to(ROOT)}")


def report(args: argparse.Namespace, rows: dict[str, dict[str, object]], disk: str) -> str:
    machine = (
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    lines = [
        f"`make bench-intake`, {date.today().isoformat()}, {machine}: {args.forms} forms from {args.clients} "
        "concurrent clients on 127.0.0.1 (one in ten without a name, to be refused), the rate limit raised.",
        "",
        "| service | accepted | in the queue exactly once | refused, told why | no answer | forms a second "
        "| median | 95th percentile |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, r in rows.items():
        lines.append(f"| {name} | {r['accepted']} | {r['queued once']} (wrong: {r['queued wrongly']}) | "
                     f"{r['refused, told why']} of {r['refused']} | {r['no answer']} | {r['per second']:.0f} | "
                     f"{r['median ms']:.0f} ms | "
                     f"{r['p95 ms']:.0f} ms |")  # fmt: skip
    lines += [
        "",
        "Both take as many forms a second (the work is the same, on two cores); gunicorn answers every one "
        "in turn, where http.server took as many as it had threads for, at once, and cut others off.",
        "",
        f"A full disk (the moderation folder on a 512 KB tmpfs, filled): {disk}.",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
