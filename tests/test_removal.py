"""A moderator's undo: a published comment taken off the site (its replies keep their
place under a note, and nothing of its words is left in the output), restored, approved
again; and approve refuses a comment flagged "likely reject" unless told to."""

from __future__ import annotations

import pytest

from conftest import DEMO_SITE
from holdspace.archive.commentfile import parse_comment
from holdspace.review import auditlog
from htmltree import parse

CANARY = "Quetzalcoatlus"  # a word only the comment to take back holds


@pytest.fixture
def thread(site, monkeypatch):
    monkeypatch.setenv("MODERATOR", "Ana")
    site.write_settings()
    site.use_project_rules()
    site.post("t", "Tea and Sympathy")
    site.comment("t", "a", f"My town is {CANARY}, where I work.", author="Mira", date="2025-01-02 10:00")
    site.comment("t", "b", "Thank you, Mira.", author="Jo", reply_to="a", date="2025-01-02 11:00")
    site.comment("t", "c", "And to you, Jo.", author="Sam", reply_to="b", date="2025-01-02 12:00")
    site.comment("t", "lone", "A comment nobody answered.", author="Lee", date="2025-01-03 10:00")
    return site


def every_output_file(site):
    return [p for p in (site.root / "output").rglob("*") if p.is_file()]


def test_unpublished_comment_leaves_its_place_for_the_replies_and_nothing_of_its_words(thread, capsys):
    site = thread
    assert site.cli("unpublish", "a", "--reason", "names a town") == 0
    out = capsys.readouterr().out
    assert "Unpublished a on 'Tea and Sympathy': moved to" in out and "replies to it keep their place" in out
    assert (site.root / "moderation" / "rejected" / "t" / "a.md").read_text().count(CANARY) == 1
    record = (site.root / "content" / "comments" / "t" / "a.md").read_text()
    assert record == "Removed: moderator\nDate: 2025-01-02 10:00:00+00:00\n"  # its id, date and parent alone
    built = site.build()
    doc = parse(built.html("t/index.html"))
    place = doc.by_id("comment-a")
    assert place.classes() == ["comment", "removed", "depth-1"]
    assert place.text().strip().startswith("1. This comment was removed by the moderators.")
    assert doc.by_id("comment-b") in list(place.iter()) and doc.by_id("comment-c") in list(
        doc.by_id("comment-b").iter()
    )
    assert "3 Comments to" in doc.by_id("comments-title").text()  # b, c and lone: a place is not a comment
    assert doc.by_id("by-a") is None and place.children[0].text() == "1. This comment was removed by the moderators."
    assert not any(CANARY.encode() in p.read_bytes() for p in every_output_file(site))  # page, feeds, search
    assert built.report.problems == []
    (entry,) = auditlog.read(site.root / "moderation" / "decisions.log")[0]
    assert (entry.action, entry.id, entry.moderator, entry.reason) == ("unpublish", "a", "Ana", "names a town")


def test_a_removed_comment_with_no_reply_leaves_no_trace_on_the_page(thread):
    site = thread
    assert site.cli("unpublish", "lone", "--reason", "off topic") == 0
    doc = parse(site.build().html("t/index.html"))
    assert doc.by_id("comment-lone") is None and doc.by_id("comment-a") is not None


def test_restored_and_approved_again_it_takes_its_place_back(thread, capsys):
    site = thread
    assert site.cli("unpublish", "a", "--reason", "by mistake") == 0
    assert site.cli("restore", "a") == 0
    assert (site.root / "moderation" / "queue" / "t" / "a.md").exists()
    assert site.cli("approve", "a") == 0
    text = (site.root / "content" / "comments" / "t" / "a.md").read_text()
    assert text.startswith("Author: Mira") and CANARY in text
    doc = parse(site.build().html("t/index.html"))
    assert CANARY in doc.by_id("comment-a").text() and "removed" not in doc.by_id("comment-a").classes()
    actions = [e.action for e in auditlog.read(site.root / "moderation" / "decisions.log")[0]]
    assert actions == ["unpublish", "restore", "approve"]


def test_unpublish_says_what_it_cannot_do(thread, capsys):
    site = thread
    assert site.cli("unpublish", "a") == 1  # refused: exit 1, as reject without a reason
    assert "say why" in capsys.readouterr().err
    site.comment("t", "waiting", "Not yet published.", folder="moderation/queue")
    assert site.cli("unpublish", "waiting", "--reason", "x") == 1
    assert "waiting is not in content/comments/: it is waiting in the queue" in capsys.readouterr().err
    assert site.cli("unpublish", "a", "--reason", "x") == 0
    assert site.cli("unpublish", "a", "--reason", "again") == 1
    assert "a is not on the site: only its place is kept" in capsys.readouterr().err
    assert site.cli("unpublish", "nope", "--reason", "x") == 1
    assert "no comment 'nope' in content/comments/; the closest:" in capsys.readouterr().err


def test_approve_refuses_a_likely_reject_per_id_in_a_batch_unless_forced(thread, capsys):
    site = thread
    site.comment("t", "kind", "Sending you strength.", folder="moderation/queue", date="2025-01-04 10:00")
    site.comment("t", "ad", "Try this miracle supplement today!", folder="moderation/queue", date="2025-01-04 11:00")
    assert site.cli("approve", "kind", "ad") == 1
    captured = capsys.readouterr()
    assert "Approved kind on 'Tea and Sympathy'" in captured.out
    assert 'ad was not approved: it is flagged likely reject: "miracle supplement"' in captured.err
    assert "holdspace approve ad --force" in captured.err and "holdspace show ad" in captured.err
    assert (site.root / "moderation" / "queue" / "t" / "ad.md").exists()
    assert site.cli("approve", "ad", "--force") == 0
    assert (site.root / "content" / "comments" / "t" / "ad.md").exists()


def test_make_spells_force_and_unpublish_in_its_own_words(thread, monkeypatch, capsys):
    site = thread
    monkeypatch.setenv("HOLDSPACE_VIA", "make")
    site.comment("t", "ad", "A miracle supplement!", folder="moderation/queue")
    assert site.cli("approve", "ad") == 1
    assert "make approve ID=ad FORCE=yes" in capsys.readouterr().err
    assert site.cli("unpublish", "a") == 1  # refused: exit 1, as reject without a reason
    assert 'make unpublish ID=a REASON="..."' in capsys.readouterr().err


@pytest.mark.parametrize(
    ("data", "problems"),
    [
        (b"Removed: writer\nDate: 2025-01-02 10:00\nReply-To: p1\n", []),
        (b"Removed: erased\nDate: 2025-01-02 10:00\n", []),
        (b"Removed: gone\nDate: 2025-01-02 10:00\n", ["1: Removed 'gone' is not one of moderator, writer, erased, anonymised"]),
        (b"Removed: writer\nAuthor: Mira\nDate: 2025-01-02 10:00\n",
         ["2: a removed comment's record keeps no Author"]),
        (b"Removed: writer\nEmail: m@example.org\nDate: 2025-01-02 10:00\n",
         ["2: a removed comment's record keeps no Email"]),
        (b"Removed: writer\nDate: 2025-01-02 10:00\n\nThe words.\n",
         ["4: a removed comment's record keeps no words"]),
        (b"Removed: writer\n", ["1: a removed comment's record needs its Date"]),
        (b"Removed: anonymised\nDate: 2025-01-02 10:00\n\nThe words stay.\n", []),
        (b"Removed: anonymised\nDate: 2025-01-02 10:00\n", ["3: an anonymised comment keeps its words, and this one has none"]),
    ],
)  # fmt: skip
def test_a_removed_comment_s_record_keeps_nothing_of_its_writer(data, problems):
    from datetime import UTC

    comment, found = parse_comment(data, "t/x1.md", "t", UTC)
    assert [f"{p.line}: {p.what}" for p in found] == problems
    assert (comment is None) == bool(problems)
    if comment is not None:
        assert comment.email == "" and comment.removed in ("writer", "erased", "anonymised")
        assert (comment.author, comment.body) == (
            ("(removed)", "The words stay.") if comment.removed == "anonymised" else ("", "")
        )


def test_the_demo_guidelines_name_the_phrase_the_tests_use():
    assert "miracle supplement" in (DEMO_SITE / "moderation" / "guidelines.toml").read_text()
