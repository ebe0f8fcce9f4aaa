"""Erase on request and their data: `holdspace forget` erases or anonymises every comment
of an address (published, waiting, rejected) and every copy the site keeps, so that a
canary word only they wrote is nowhere in the project folder after the next build; the
replies stay in place; a killed erasure leaves each file old or new and a rerun finishes
it; `holdspace export-personal` gives them everything held about them."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from conftest import ROOT
from holdspace.mail.message import Message
from holdspace.mail.outbox import Outbox
from holdspace.mail.subscriptions import Subscriptions
from holdspace.review import auditlog
from htmltree import parse

CANARY = "Xylophagous"  # a word only the writer to forget wrote
ADDRESS = "wren@example.org"


@pytest.fixture
def world(site, monkeypatch):
    """A site whose writer Wren has a published comment with a reply, one waiting, one
    rejected, a request for mails, a mail and an alert waiting, all built once (so the
    caches, the search index and the output hold the canary)."""
    monkeypatch.setenv("MODERATOR", "Ana")
    monkeypatch.chdir(site.root)
    site.write_settings(SITEURL="https://example.org")
    site.use_project_rules()
    site.post("t", "Tea and Sympathy")
    site.comment("t", "w1", f"I live in {CANARY} street.", author="Wren", email=ADDRESS, date="2025-01-02 10:00")
    site.comment("t", "r1", "Welcome, neighbour.", author="Jo", reply_to="w1", date="2025-01-02 11:00")
    site.comment("t", "w2", f"Also {CANARY}.", author="Wren", email=ADDRESS, folder="moderation/queue")
    site.comment("t", "w3", f"{CANARY} again.", author="Wren", email=" Wren@Example.org ", folder="moderation/rejected")
    private = site.root / ".private"
    Subscriptions(str(private)).add(ADDRESS, "w1", "t", "Tea and Sympathy", ["replies"])
    Outbox(str(private / "outbox")).put(Message("confirm-x", "mail", "Please confirm", f"{CANARY}", to=[ADDRESS]))
    Outbox(str(private / "outbox")).put(Message("alert-w2", "mail", "[crisis] Wren", f'"{CANARY}"', to=["m@x.org"]))
    (private / "digest").mkdir(parents=True)
    (private / "digest" / "w2.json").write_text(json.dumps({"words": CANARY}))
    assert build(site) == 0
    return site


def build(site):
    command = [sys.executable, "-m", "holdspace", "build", "-s", str(site.root / "pelicanconf.py")]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "plugins")}
    return subprocess.run(command, cwd=site.root, env=env, capture_output=True, timeout=300).returncode


def holding(site, needle: bytes):
    """Every file of the project (but .git) that holds ``needle``, once the build's helper
    has removed the previous output."""
    deadline = time.monotonic() + 30
    while any(p.name.startswith(".holdspace-old-") for p in site.root.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.1)
    files = [p for p in site.root.rglob("*") if p.is_file() and ".git" not in p.parts]
    return sorted(str(p.relative_to(site.root)) for p in files if needle in p.read_bytes().lower())


def test_after_forget_and_a_build_the_canary_and_the_address_are_nowhere(world, capsys):
    site = world
    assert holding(site, CANARY.lower().encode())  # everywhere before: files, caches, index, output
    assert site.cli("forget", ADDRESS) == 0
    out = capsys.readouterr().out
    assert CANARY not in out and ADDRESS not in out  # what was touched, never the words or the address
    assert "content/comments/t/w1.md: erased: only the record of its place is kept" in out
    assert "moderation/queue/t/w2.md: deleted (waiting, never published)" in out
    assert "moderation/rejected/t/w3.md: deleted (rejected, never published)" in out
    assert "1 request(s) for mails and 1 mail(s) waiting to be sent to the address: deleted" in out
    assert "the search index removed" in out and "Erased: comments 1 published, 1 rejected, 1 waiting." in out
    assert build(site) == 0
    assert holding(site, CANARY.lower().encode()) == []
    assert holding(site, ADDRESS.encode()) == []
    doc = parse((site.root / "output" / "t" / "index.html").read_text(encoding="utf-8"))
    place = doc.by_id("comment-w1")
    assert "This comment was removed at the writer's request." in place.text()
    assert doc.by_id("comment-r1") in list(place.iter())  # the reply, in its place
    entries = [e for e in auditlog.read(site.root / "moderation" / "decisions.log")[0] if e.action == "erase"]
    assert sorted(e.id for e in entries) == ["w1", "w2", "w3"] and len({e.address for e in entries}) == 1
    assert entries[0].address == Subscriptions(str(site.root / ".private")).address_hash(ADDRESS)
    assert site.cli("forget", ADDRESS) == 0  # again: nothing left
    assert "Nothing is held about this address" in capsys.readouterr().out


def test_anonymise_keeps_the_words_and_nothing_of_the_writer(world, capsys):
    site = world
    site.write_settings(SITEURL="https://example.org", ERASE_MODE="anonymise")
    assert site.cli("forget", ADDRESS) == 0
    assert "anonymised: its name, address and website gone, its words kept" in capsys.readouterr().out
    assert build(site) == 0
    assert holding(site, ADDRESS.encode()) == [] and holding(site, b"wren") == []
    doc = parse((site.root / "output" / "t" / "index.html").read_text(encoding="utf-8"))
    comment = doc.by_id("comment-w1")
    assert CANARY in comment.text() and "(removed)" in doc.by_id("by-w1").text()
    own = comment.children[0]  # its article; the replies follow it
    assert own.tag == "article" and not own.find_all("img") and not doc.by_id("by-w1").find_all("a")


def test_a_dry_run_changes_nothing_and_says_what_it_would_touch(world, capsys):
    site = world
    before = {p: p.read_bytes() for p in site.root.rglob("*") if p.is_file()}
    assert site.cli("forget", ADDRESS, "--dry-run") == 0
    out = capsys.readouterr().out
    assert "Nothing changed (a dry run)" in out and "content/comments/t/w1.md: would be erased" in out
    assert "moderation/rejected/t/w3.md: would be deleted" in out and CANARY not in out
    assert {p: p.read_bytes() for p in site.root.rglob("*") if p.is_file()} == before


def test_the_git_history_that_still_holds_the_words_is_listed(world, capsys):
    site = world
    git = ["git", "-c", "user.name=T", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], cwd=site.root, check=True)
    subprocess.run([*git, "add", "content", "moderation"], cwd=site.root, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "the archive"], cwd=site.root, check=True)
    assert site.cli("forget", ADDRESS) == 0
    out = capsys.readouterr().out
    assert "The git history still holds these files, in 1 commit(s):" in out and "the archive" in out
    assert "git filter-repo --invert-paths --path content/comments/t/w1.md" in out


def test_export_personal_gives_them_everything_held_and_forget_deletes_it(world, capsys):
    site = world
    assert site.cli("approve", "w2") == 0
    capsys.readouterr()
    assert site.cli("export-personal", ADDRESS) == 0
    out = capsys.readouterr().out
    path = site.root / out.split("Written: ")[1].split(" (")[0]
    assert "(3 comments, 1 requests for mails, 1 mails waiting, 1 decisions)" in out
    data = json.loads(path.read_text(encoding="utf-8"))
    found = sorted((c["id"], c["status"], c["post_title"]) for c in data["comments"])
    assert found == [("w1", "published", "Tea and Sympathy"), ("w2", "published", "Tea and Sympathy"),
                     ("w3", "rejected", "Tea and Sympathy")]  # fmt: skip
    assert CANARY in data["comments"][0]["text"] and data["requests_for_mails"][0]["wants"] == ["replies"]
    assert [d["action"] for d in data["decisions"]] == ["approve"]
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert site.cli("forget", ADDRESS) == 0
    assert not path.exists() and "a personal-data export, deleted" in capsys.readouterr().out


def test_an_address_is_required_and_never_echoed(world, capsys):
    site = world
    assert site.cli("forget", "not an address") == 2
    assert "give the writer's email address: holdspace forget name@example.org" in capsys.readouterr().err


def test_a_killed_erasure_leaves_each_file_old_or_new_and_a_rerun_finishes(site, monkeypatch):
    """1,000 comments, so the erasure takes a while; killed at moments spread over it, each
    time from the start; a rerun then finishes the work."""
    monkeypatch.chdir(site.root)
    site.write_settings()
    site.use_project_rules()
    site.post("t", "Tea and Sympathy")
    for i in range(1000):
        site.comment("t", f"k{i:04d}", f"{CANARY} number {i}.", author="Wren", email=ADDRESS, date="2025-01-02 10:00")
    originals = {p: p.read_bytes() for p in (site.root / "content" / "comments").rglob("*.md")}
    command = [sys.executable, "-m", "holdspace", "forget", ADDRESS, "--moderator", "Ana", "-s",
               str(site.root / "pelicanconf.py")]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT / "plugins")}
    log = site.root / "moderation" / "decisions.log"
    partly = 0
    for delay in (0.4, 0.7, 1.0, 1.3, 1.6, 2.0):
        for path, data in originals.items():  # from the start again
            path.write_bytes(data)
        log.unlink(missing_ok=True)
        process = subprocess.Popen(
            command, cwd=site.root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        erased = 0
        for path, data in originals.items():
            now = path.read_bytes()
            assert now == data or now.startswith(b"Removed: erased\n"), path  # old or new, never half
            erased += now != data
        plans = list((site.root / ".private").rglob("erasures/*.json"))
        partly += 0 < erased < len(originals) or bool(plans)
        subprocess.run(command, cwd=site.root, env=env, check=True, capture_output=True, timeout=120)
        assert all(p.read_bytes().startswith(b"Removed: erased\n") for p in originals)
        assert not list((site.root / ".private").rglob("erasures/*.json"))  # no plan left unfinished
        logged = [e.id for e in auditlog.read(log)[0] if e.action == "erase"]
        assert sorted(logged) == sorted(p.stem for p in originals)  # each once, however it was resumed
    assert partly >= 1  # at least one kill fell in the middle of the work


def test_a_plan_left_by_a_killed_run_is_finished_by_forget_with_no_address(site, monkeypatch, capsys):
    """The plan alone says what to do: a rerun given no address (or another one) finishes it."""
    from holdspace.control import erasure

    monkeypatch.setenv("MODERATOR", "Ana")
    monkeypatch.chdir(site.root)
    site.write_settings()
    site.use_project_rules()
    site.post("t", "Tea and Sympathy")
    path = site.comment("t", "w1", f"{CANARY} here.", author="Wren", email=ADDRESS)
    path.chmod(0o644)
    plan = erasure.Plan("remove", "0" * 64, [{"id": "w1", "thread": "t", "path": str(path), "status": "published"}])
    (site.root / ".private" / "erasures").mkdir(parents=True)
    (site.root / ".private" / "erasures" / "left.json").write_text(json.dumps(plan.__dict__))
    stale = site.root / ".cache" / "holdspace" / ".comments.pickle-abc.tmp"
    stale.parent.mkdir(parents=True, exist_ok=True)
    stale.write_bytes(ADDRESS.encode())  # a cache copy a killed writer left
    assert build(site) == 0
    assert site.cli("forget") == 0
    out = capsys.readouterr().out
    assert "Finished 1 erasure(s) an interrupted run had begun." in out
    assert path.read_text().startswith("Removed: erased") and oct(path.stat().st_mode & 0o777) == "0o644"
    assert not stale.exists() and not list((site.root / ".private" / "erasures").iterdir())


def test_forget_waits_for_a_build_holding_the_lock(world):
    """A build (here: the lock held by the test) and an erasure take turns."""
    from holdspace.archive.lock import project_lock

    site = world
    command = [sys.executable, "-m", "holdspace", "forget", ADDRESS, "--moderator", "Ana", "-s",
               str(site.root / "pelicanconf.py")]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT / "plugins")}
    published = site.root / "content" / "comments" / "t" / "w1.md"
    with project_lock(str(site.root / ".cache" / "holdspace")):
        process = subprocess.Popen(command, cwd=site.root, env=env, stdout=subprocess.PIPE, text=True)
        time.sleep(2)
        assert process.poll() is None and CANARY in published.read_text()  # waiting, nothing touched
    out, _ = process.communicate(timeout=60)
    assert process.returncode == 0 and "Waiting for a build or a decision to finish" in out
    assert published.read_text().startswith("Removed: erased")


def test_a_reply_notification_quoting_an_erased_writer_is_not_sent(world, capsys):
    site = world
    outbox = Outbox(str(site.root / ".private" / "outbox"))
    outbox.put(Message("reply-0123abcd-w1", "mail", "Wren replied to you", f"“{CANARY}”", to=["jo@example.org"]))
    outbox.put(Message("reply-0123abcd-r1", "mail", "Jo replied to you", "Other words.", to=["bo@example.org"]))
    assert site.cli("forget", ADDRESS) == 0
    assert [m.id for m in outbox.waiting()] == ["reply-0123abcd-r1"]


def test_holdings_of_no_address_is_refused():
    from holdspace.control.holdings import holdings

    with pytest.raises(ValueError):
        holdings(None, "")  # type: ignore[arg-type]
