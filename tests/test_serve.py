"""`holdspace serve` (make serve) and `holdspace serve --autoreload` (make devserver), run
for real on 127.0.0.1: they build through Holdspace's own build, serve only what built,
and the devserver builds again when a post changes."""

import contextlib
import os
import queue
import signal
import subprocess
import sys
import threading
import time
import urllib.request

from conftest import ROOT

ENV = {**os.environ, "PYTHONPATH": str(ROOT / "plugins")}


@contextlib.contextmanager
def started(site, *args):
    """The command running, its output lines in a queue; stopped and closed at the end."""
    conf = site.root / "pelicanconf.py"
    command = [sys.executable, "-m", "holdspace", "serve", "--port", "0", "-s", str(conf),
               "-o", str(site.root / "output"), *args]  # fmt: skip
    process = subprocess.Popen(
        command, cwd=site.root, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    lines: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(target=lambda: [lines.put(line) for line in process.stdout], daemon=True)
    reader.start()
    try:
        yield process, lines
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)
        reader.join(timeout=10)
        process.stdout.close()


def wait_for(lines, seen, words, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=0.5)
        except queue.Empty:
            continue
        seen.append(line)
        if words in line:
            return line
    raise AssertionError(f"no line with {words!r} in {timeout} s:\n{''.join(seen)}")


def fetch(url):
    with urllib.request.urlopen(url, timeout=10) as answer:
        return answer.read().decode("utf-8")


def test_serve_stops_with_the_error_when_the_build_fails(site):
    site.post("t")
    site.write_settings(COMMENTS_ORDER="sideways")
    with started(site) as (process, lines):
        assert process.wait(timeout=120) == 2
    out = "".join(lines.queue)
    assert "setting COMMENTS_ORDER = 'sideways' is not valid" in out
    assert "nothing is served" in out and "Serving" not in out
    assert not (site.root / "output").exists()


def test_the_devserver_serves_with_held_back_comments_and_builds_again_on_a_change(site):
    site.write_settings()
    post = site.post("t")
    site.comment("t", "good", "A good comment.")
    site.comment("t", "bad", "A comment with a bad date.", date="2025-13-01 10:00")  # held back: exit 1
    seen: list[str] = []
    with started(site, "--autoreload") as (process, lines):
        assert "1 held back" in wait_for(lines, seen, "Holdspace: ")
        url = wait_for(lines, seen, "Serving ").split(" at ")[1].split()[0]
        wait_for(lines, seen, "Watching")
        page = fetch(url + "t/")
        assert "The body of t." in page and 'id="comment-good"' in page
        text = post.read_text(encoding="utf-8").replace("The body of t.", "A new body.")
        for attempt in range(10):  # the watcher starts just after it says so: write until it sees a change
            post.write_text(text + "\n" * attempt, encoding="utf-8")
            with contextlib.suppress(AssertionError):
                wait_for(lines, seen, "Changed: content", timeout=3)
                break
        assert "Holdspace: 1 posts" in wait_for(lines, seen, "Holdspace: ")  # Holdspace's build, with its summary
        assert "A new body." in fetch(url + "t/")
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0


def test_ctrl_c_stops_serve_with_one_line_and_no_traceback(site):
    """Ctrl-C reaches the command and its build (one process group, as in a terminal): whether
    it lands during the build or while serving, the command stops cleanly."""
    site.write_settings()
    for p in range(30):
        site.post(f"p{p}")
        for c in range(10):
            site.comment(f"p{p}", f"p{p}c{c}", f"Comment {c} on post {p}.")
    conf = site.root / "pelicanconf.py"
    outcomes = []
    for delay in (0.8, 6.0):  # during the build; while serving (the build takes about 2 s)
        process = subprocess.Popen(
            [sys.executable, "-m", "holdspace", "serve", "--port", "0", "-s", str(conf), "-o", str(site.root / "output")],
            cwd=site.root, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            start_new_session=True,
        )  # fmt: skip
        time.sleep(delay)
        os.killpg(process.pid, signal.SIGINT)
        out, _ = process.communicate(timeout=60)
        outcomes.append((process.returncode, "Serving" in out))
        assert "Traceback" not in out, out
        assert process.returncode in (0, 130), out
    assert outcomes[1] == (0, True)  # stopped while serving: exit 0
