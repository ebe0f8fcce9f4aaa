"""Approve, reject and restore on a project in tmp_path: moves, refusals, the log."""

import hashlib
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import Site
from holdspace.review import auditlog
from holdspace.review.decisions import (
    ModerationError,
    approve,
    examine,
    locate,
    open_desk,
    published,
    reject,
    restore,
)


@pytest.fixture
def project_site(site, monkeypatch):
    monkeypatch.setenv("MODERATOR", "Ana")
    site.write_settings(STAFF_EMAILS=["sonia@example.org"])
    site.use_project_rules()
    site.post("t", "The Post")
    site.comment("t", "old", "An approved comment.", author="Mira", email="mira@example.org")
    return site


def project(site):
    return open_desk(site.project())


def queued(site, cid, body="A kind word.", **headers):
    return site.comment("t", cid, body, folder="moderation/queue", date="2025-02-01 10:00", **headers)


def test_approve_moves_the_file_and_logs_the_decision(project_site):
    site = project_site
    path = queued(site, "new", "I want to die some days.")
    data = path.read_bytes()
    decision = approve(project(site), "new", "Ana")
    target = site.root / "content" / "comments" / "t" / "new.md"
    assert not path.exists() and target.read_bytes() == data
    assert decision.destination == str(target)
    (entry,), bad = auditlog.read(site.root / "moderation" / "decisions.log")
    assert bad == []
    assert (entry.moderator, entry.action, entry.id, entry.post, entry.reason) == ("Ana", "approve", "new", "t", "")
    assert entry.sha256 == hashlib.sha256(data).hexdigest()
    assert entry.flags == ("crisis",)


def test_a_hard_rule_refuses_and_leaves_the_file(project_site):
    site = project_site
    path = queued(site, "imp", author="Sonia", email="someone@example.org")
    with pytest.raises(ModerationError) as error:
        approve(project(site), "imp", "Ana")
    message = str(error.value)
    assert message.startswith("imp cannot be approved: it breaks these rules")
    assert f"{path}:1: the name 'Sonia' is reserved for staff" in message
    assert path.exists() and not (site.root / "moderation" / "decisions.log").exists()


def test_flags_do_not_block(project_site):
    site = project_site
    queued(site, "same", author="Mira", email="other@example.org")
    p = project(site)
    item = examine(p, str(site.root / "moderation/queue/t/same.md"), "t", published(p))
    assert [f.kind for f in item.verdict.flags] == ["impersonation"]
    approve(p, "same", "Ana")
    (entry,), _ = auditlog.read(site.root / "moderation" / "decisions.log")
    assert entry.flags == ("impersonation",)


def test_a_reply_waits_for_its_parent(project_site):
    site = project_site
    queued(site, "parent")
    queued(site, "child", reply_to="parent")
    with pytest.raises(ModerationError) as error:
        approve(project(site), "child", "Ana")
    assert "it replies to parent, which is not published; approve parent first" in str(error.value)
    approve(project(site), "parent", "Ana")
    approve(project(site), "child", "Ana")
    assert (site.root / "content/comments/t/child.md").exists()


def test_an_id_already_published_is_refused(project_site):
    site = project_site
    site.comment("t", "old", folder="moderation/queue", date="2025-02-01 10:00")
    with pytest.raises(ModerationError) as error:
        approve(project(site), "old", "Ana")
    assert "the id 'old' is already used by" in str(error.value)
    assert (site.root / "moderation/queue/t/old.md").exists()


def test_an_id_used_by_a_file_the_archive_holds_back_is_refused(project_site):
    """A broken file in content/comments/ is not published, but its id is taken all the same."""
    site = project_site
    (site.root / "content/comments/t/broken.md").write_text("Author: Ann\nDate: not a date\n\nHi.\n")
    site.comment("t", "broken", folder="moderation/queue", date="2025-02-01 10:00")
    with pytest.raises(ModerationError) as error:
        approve(project(site), "broken", "Ana")
    said = str(error.value)
    assert "the id 'broken' is already used by" in said and "content/comments/t/broken.md" in said


def test_an_unknown_id_names_the_closest(project_site):
    site = project_site
    queued(site, "lonely-q01")
    queued(site, "lonely-q02")
    with pytest.raises(ModerationError) as error:
        approve(project(site), "lonely-q1", "Ana")
    assert str(error.value) == "no comment 'lonely-q1' in moderation/queue/; the closest: lonely-q01, lonely-q02"
    with pytest.raises(ModerationError, match="the closest: lonely-q01, lonely-q02"):
        approve(project(site), "LONELY-Q01X", "Ana")
    with pytest.raises(ModerationError) as error:
        approve(project(site), "old", "Ana")
    assert (
        str(error.value)
        == "old is not in moderation/queue/: it is approved already ("
        + str(site.root / "content/comments/t/old.md")
        + ")"
    )
    with pytest.raises(ModerationError, match="moderation/rejected/ is empty"):
        restore(project(site), "x", "Ana")


def test_reject_needs_a_reason_then_restore_brings_it_back(project_site):
    site = project_site
    path = queued(site, "spam", "BUY NOW")
    with pytest.raises(ModerationError, match="say why"):
        reject(project(site), "spam", " ", "Ana")
    reject(project(site), "spam", "advertising", "Ana")
    rejected = site.root / "moderation/rejected/t/spam.md"
    assert rejected.exists() and not path.exists()
    restore(project(site), "spam", "Bo")
    assert path.exists() and not rejected.exists()
    entries, _ = auditlog.read(site.root / "moderation" / "decisions.log")
    assert [(e.action, e.moderator, e.reason, e.flags) for e in entries] == [
        ("reject", "Ana", "advertising", ("disallowed-words",)),
        ("restore", "Bo", "", ("disallowed-words",)),
    ]


def test_a_moderator_may_edit_a_queued_file_before_approving(project_site):
    site = project_site
    path = queued(site, "edit", "Call me on 07700 900123 any time.")
    p = project(site)
    assert [f.kind for f in examine(p, str(path), "t", published(p)).verdict.flags] == ["personal-data"]
    edited = path.read_text(encoding="utf-8").replace("Call me on 07700 900123 any time.", "Call me any time.")
    path.write_text(edited, encoding="utf-8")
    approve(project(site), "edit", "Ana")
    target = site.root / "content/comments/t/edit.md"
    assert target.read_text(encoding="utf-8") == edited
    (entry,), _ = auditlog.read(site.root / "moderation" / "decisions.log")
    assert entry.sha256 == hashlib.sha256(edited.encode()).hexdigest() and entry.flags == ()


def test_locate_refuses_an_id_in_two_posts(project_site):
    site = project_site
    queued(site, "twice")
    site.comment("u", "twice", folder="moderation/queue")
    with pytest.raises(ModerationError, match="is in more than one folder"):
        locate(str(site.root / "moderation/queue"), "twice", "moderation/queue/")


ACTIONS = st.lists(st.tuples(st.sampled_from(["approve", "reject", "restore"]), st.integers(0, 3)), max_size=25)


@settings(deadline=None, max_examples=40)
@given(ACTIONS)
def test_any_sequence_of_decisions_keeps_every_file_exactly_once(actions):
    with tempfile.TemporaryDirectory() as folder:
        site = Site(Path(folder))
        site.write_settings()
        site.post("t")
        ids = [f"q{i}" for i in range(4)]
        contents = {cid: queued(site, cid, f"Comment {cid}.").read_bytes() for cid in ids}
        p = open_desk(site.project())
        done = []
        for action, index in actions:
            cid = ids[index]
            try:
                if action == "approve":
                    approve(p, cid, "Prop")
                elif action == "reject":
                    reject(p, cid, "because", "Prop")
                else:
                    restore(p, cid, "Prop")
                done.append((action, cid))
            except ModerationError:
                pass  # refused: the comment is elsewhere
            for other in ids:
                places = [
                    site.root / base / "t" / f"{other}.md"
                    for base in ("moderation/queue", "content/comments", "moderation/rejected")
                ]
                found = [place for place in places if place.exists()]
                assert len(found) == 1 and found[0].read_bytes() == contents[other]
        entries, bad = auditlog.read(site.root / "moderation" / "decisions.log")
        assert bad == []
        assert [(e.action, e.id) for e in entries] == done  # one line per decision made, none for a refusal
        for entry in entries:
            assert entry.sha256 == hashlib.sha256(contents[entry.id]).hexdigest()


def test_a_broken_file_still_gets_its_crisis_words_read(project_site):
    site = project_site
    site.raw_comment(
        "t",
        "broken.md",
        b"Author: Kit\nDate: 4 March 2026\n\nI want to kill myself tonight.\n",
        folder="moderation/queue",
    )
    p = project(site)
    item = examine(p, str(site.root / "moderation/queue/t/broken.md"), "t", published(p))
    assert item.comment is None and item.verdict.crisis and item.verdict.problems
    assert [f.line for f in item.verdict.flags] == [4]


def test_if_the_log_cannot_be_written_the_comment_is_put_back(project_site):
    site = project_site
    path = queued(site, "q1")
    (site.root / "moderation" / "decisions.log").mkdir()
    with pytest.raises(ModerationError) as error:
        approve(project(site), "q1", "Ana")
    assert "could not write" in str(error.value) and "the comment was put back, nothing changed" in str(error.value)
    assert path.exists() and not (site.root / "content/comments/t/q1.md").exists()


def test_a_crash_inside_the_rename_leaves_the_file_where_it_was(project_site, monkeypatch):
    from holdspace.archive import moves

    site = project_site
    path = queued(site, "q1")

    class Crash(BaseException):
        pass

    def crashing_rename():
        def rename(*args):
            raise Crash

        return rename

    monkeypatch.setattr(moves, "_renameat2", crashing_rename)
    with pytest.raises(Crash):
        approve(project(site), "q1", "Ana")
    assert path.exists() and not (site.root / "content/comments/t/q1.md").exists()
    assert not (site.root / "moderation/decisions.log").exists()


@pytest.mark.trust
def test_killed_moderation_commands_lose_nothing(project_site, trust):
    """Approve, reject and restore killed at several points: each file exists exactly once, the log stays valid."""
    import signal
    import subprocess
    import sys
    import time

    from conftest import ROOT

    site = project_site
    ids = [f"k{i}" for i in range(8)]
    contents = {cid: queued(site, cid, f"Comment {cid}.", author=cid.upper()).read_bytes() for cid in ids}
    env = {**os.environ, "PYTHONPATH": str(ROOT / "plugins"), "MODERATOR": "Killer"}
    plan = [("approve", ids[:4]), ("reject", ids[4:6]), ("approve", ids[6:]), ("restore", ids[4:5])]
    delays = [0.05, 0.15, 0.3, 0.45, 0.6, 0.9]
    for round_, (action, chosen) in enumerate(plan * 2):
        args = [sys.executable, "-m", "holdspace", action, *chosen, "-s", str(site.root / "pelicanconf.py")]
        if action == "reject":
            args = [*args[:4], chosen[0], "--reason", "test", *args[-2:]]
        process = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delays[round_ % len(delays)])
        process.send_signal(signal.SIGKILL)
        process.wait()
        trust["kills"] += 1
        entries, bad = auditlog.read(site.root / "moderation" / "decisions.log")
        wrong = [cid for cid in ids if not _exactly_once(site, cid, contents[cid])]
        trust["losses"] += len(wrong) + len(bad)
        assert wrong == [] and bad == [], (wrong, bad)
    assert entries, "some decisions got through"


def _exactly_once(site, cid, content):
    places = [
        site.root / base / "t" / f"{cid}.md" for base in ("moderation/queue", "content/comments", "moderation/rejected")
    ]
    found = [p for p in places if p.exists()]
    return len(found) == 1 and found[0].read_bytes() == content


def test_a_post_older_than_close_after_days_flags_its_queued_comments(project_site):
    site = project_site
    site.write_settings(STAFF_EMAILS=["sonia@example.org"], COMMENTS_CLOSE_AFTER_DAYS=30)
    site.post("t", "The Post", date="2024-01-01 09:00")
    queued(site, "late")
    p = project(site)
    item = examine(p, str(site.root / "moderation/queue/t/late.md"), "t", published(p))
    assert [(f.kind, f.message) for f in item.verdict.flags] == [
        ("closed", "the post is closed to new comments (older than 30 days)")
    ]
