"""The moderation command line, as `make queue`, `make show`, ... run it."""

import pytest

from holdspace.cli.gitcommit import moderator_name
from holdspace.review.decisions import ModerationError


@pytest.fixture
def mod(site, monkeypatch, capsys):
    monkeypatch.setenv("MODERATOR", "Ana")
    monkeypatch.setenv("HOLDSPACE_VIA", "make")  # as the Makefile runs them: messages in make's words
    site.write_settings(STAFF_EMAILS=["sonia@example.org"])
    site.use_project_rules()
    site.post("t", "Tea and Sympathy")
    site.post("u", "Unrelated")
    site.comment("t", "old", "The first published comment, about tea.", author="Mira", email="mira@example.org")

    def run(*args):
        code = site.cli(*args)
        out, err = capsys.readouterr()
        return code, out, err

    return site, run


def queued(site, thread, cid, body, date, **headers):
    return site.comment(thread, cid, body, folder="moderation/queue", date=date, **headers)


def test_queue_groups_by_post_crisis_first_then_oldest(mod):
    site, run = mod
    queued(site, "u", "u-old", "Older, calm.", "2025-02-01 08:00")
    queued(site, "t", "t-calm", "Calm words.", "2025-02-01 09:00")
    queued(site, "t", "t-crisis", "Tonight I want to die.", "2025-02-03 09:00", author="Kit")
    queued(site, "t", "t-reply", "Agreed!", "2025-02-02 09:00", reply_to="old")
    code, out, _ = run("queue")
    assert code == 0
    assert out.startswith("4 comment(s) wait in moderation/queue/ (1 flagged for crisis, shown first).")
    order = [out.index(x) for x in ("Tea and Sympathy (t)", "t-crisis", "t-calm", "t-reply", "Unrelated (u)", "u-old")]
    assert order == sorted(order)
    assert '!! crisis words: "want to die" (line 5)' in out
    assert "t-reply  Sam · 2 February 2025, 09:00 · replies to old (Mira)" in out
    assert '"Calm words."' in out


def test_queue_shows_what_cannot_be_approved_and_stray_files(mod):
    site, run = mod
    queued(site, "t", "bad", "Hello", "2025-02-01 09:00", author="admin", email="x@example.org")
    (site.root / "moderation/queue/t/notes.txt").write_text("x", encoding="utf-8")
    _, out, _ = run("queue")
    assert "✗ cannot be approved: the name 'admin' is reserved for staff" in out
    assert "Not a comment file, left alone:" in out and "notes.txt" in out


def test_an_empty_queue(mod):
    _, run = mod
    assert run("queue")[1] == "Nothing waits in moderation/queue/. Thank you!\n"


def test_show_prints_the_comment_as_published_with_its_parent_and_flags(mod):
    site, run = mod
    queued(site, "t", "q1", "See *this*: https://example.org/a\n\n> quoted\n\n- one\n- two", "2025-02-01 09:00",
           reply_to="old", author="mira", email="other@example.org")  # fmt: skip
    code, out, _ = run("show", "q1")
    assert code == 0
    assert "Name shown: mira" in out and "Email:      never shown" in out
    assert "other@example.org" not in out
    assert 'Replies to: old, by Mira: "The first published comment, about tea."' in out
    assert "has commented before with another email" in out
    assert "Hard rules: all met" in out
    assert (
        "  | See this: https://example.org/a <https://example.org/a>\n  |\n  | > quoted\n  |\n  | - one\n  | - two"
        in out
    )


def test_approve_several_reject_restore_and_the_log(mod):
    site, run = mod
    for cid in ("a1", "a2", "r1"):
        queued(site, "t", cid, f"Words of {cid}.", "2025-02-01 09:00", author=cid.upper())
    code, out, err = run("approve", "a1", "a2", "nope")
    assert code == 1
    assert "Approved a1 on 'Tea and Sympathy': moved to " in out and "Approved a2" in out
    assert "Run make html to publish the approved comments." in out
    assert "no comment 'nope' in moderation/queue/" in err
    code, out, _ = run("reject", "r1", "--reason", "off topic")
    assert code == 0 and "Rejected r1" in out and (site.root / "moderation/rejected/t/r1.md").exists()
    assert run("reject", "a1", "--reason", "x")[0] == 1  # already approved: not in the queue
    assert run("restore", "r1")[0] == 0
    code, out, _ = run("log")
    lines = out.strip().split("\n")
    assert len(lines) == 4
    assert lines[2].endswith("Ana: reject r1 on t because: off topic")
    assert lines[3].endswith("Ana: restore r1 on t")


def test_a_bad_rules_file_is_one_clear_error(mod):
    site, run = mod
    (site.root / "moderation/guidelines.toml").write_text("[length]\nmax_characters = -1\n", encoding="utf-8")
    code, _, err = run("queue")
    assert code == 2
    assert err.strip().endswith(
        "guidelines.toml:2: max_characters = -1 is not a whole number of 1 or more; write for example max_characters = 5000"
    )


def test_show_prints_the_words_of_a_broken_file_and_its_crisis_flag(mod):
    site, run = mod
    site.raw_comment(
        "t", "cr.md", b"Author: Kit\nDate: 4 March\n\nI want to kill myself tonight.\n", folder="moderation/queue"
    )
    code, out, _ = run("show", "cr")
    assert code == 0
    assert '!! crisis words: "kill myself"' in out
    assert (
        "What it says (the file must be fixed before it can be published):\n\n  | I want to kill myself tonight." in out
    )
    _, out, _ = run("queue")
    assert "(1 flagged for crisis, shown first)" in out


def test_show_warns_of_a_staff_badge(mod):
    site, run = mod
    queued(site, "t", "st", "Hello from the team.", "2025-02-01 09:00", author="Sonia", email="sonia@example.org")
    assert "Badge:      Staff (its email is in STAFF_EMAILS" in run("show", "st")[1]


def test_a_missing_rules_file_is_said(mod):
    site, run = mod
    (site.root / "moderation/guidelines.toml").unlink()
    _, _, err = run("queue")
    assert "guidelines.toml is missing, so the default rules apply: no crisis words" in err


def test_a_post_without_a_slug_line_takes_comments_under_pelicans_slug(mod):
    site, run = mod
    (site.content / "posts" / "g.md").write_text(
        "Title: Grief at Work\nDate: 2025-01-01 09:00\n\nBody.\n", encoding="utf-8"
    )
    queued(site, "grief-at-work", "g1", "Thinking of you.", "2025-02-01 09:00", author="Lou")
    code, out, err = run("approve", "g1")
    assert code == 0, err
    assert "Approved g1 on 'Grief at Work'" in out


def test_ids_and_reason_come_from_make_untouched(mod, monkeypatch):
    site, run = mod
    queued(site, "t", "r1", "BUY NOW", "2025-02-01 09:00", author="R")
    reason = 'asks for $500 "buy now" `echo X` it\'s spam'
    monkeypatch.setenv("ID", "r1")
    monkeypatch.setenv("REASON", reason)
    assert run("reject", "--from-environment")[0] == 0
    from holdspace.review import auditlog

    (entry,), _ = auditlog.read(site.root / "moderation" / "decisions.log")
    assert entry.reason == reason
    monkeypatch.setenv("ID", "")
    code, _, err = run("show", "--from-environment")
    assert code == 1 and "say which one comment: make show ID=<id>" in err


def test_a_comment_on_a_page_is_listed_under_the_page_and_approved(mod):
    site, run = mod
    site.page("ask", "Ask the Moderators", comments="open")
    site.comment("ask", "p1", "Is there a meeting in June?", author="Ola", folder="moderation/queue")
    code, out, _ = run("queue")
    assert code == 0 and "Ask the Moderators (ask)" in out and "no such" not in out
    code, out, _ = run("approve", "p1")
    assert code == 0 and (site.content / "comments" / "ask" / "p1.md").exists()


def test_the_moderator_comes_from_the_environment_or_git(monkeypatch, tmp_path):
    monkeypatch.setenv("MODERATOR", "  Ana ")
    assert moderator_name() == "Ana"
    monkeypatch.delenv("MODERATOR")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "gitconfig").write_text("[user]\n\tname = Git Person\n", encoding="utf-8")
    assert moderator_name() == "Git Person"
    (tmp_path / "gitconfig").write_text("", encoding="utf-8")
    with pytest.raises(ModerationError, match="who is deciding"):
        moderator_name()


def test_no_crisis_no_crisis_count(site, capsys, monkeypatch):
    monkeypatch.chdir(site.root)
    site.write_settings()
    site.post("t")
    site.comment("t", "calm", "A calm comment.", folder="moderation/queue")
    assert site.cli("queue") == 0
    out = capsys.readouterr().out
    assert out.startswith("1 comment(s) wait in moderation/queue/.") and "flagged for crisis" not in out


def test_short_ids_are_distinct_and_easy_to_type():
    from holdspace.intake.forms import ID_LETTERS, short_id

    ids = {short_id() for _ in range(10000)}
    assert len(ids) == 10000 and all(len(i) == 11 and i[5] == "-" for i in ids)
    assert not set("01ilo") & set(ID_LETTERS) and set("".join(ids)) <= set(ID_LETTERS) | {"-"}


def test_the_queue_flags_a_comment_dated_before_its_post(site, capsys, monkeypatch):
    monkeypatch.chdir(site.root)
    site.write_settings()
    site.post("t", date="2025-03-15 09:00")
    site.comment("t", "early", date="2025-03-01 10:00", folder="moderation/queue")
    site.comment("t", "later", date="2025-03-16 10:00", folder="moderation/queue")
    assert site.cli("queue") == 0
    out = capsys.readouterr().out
    assert "dated 1 March 2025, before its post (15 March 2025): check the Date line" in out
    assert out.count("before its post") == 1  # the later one is not flagged


def test_a_post_s_date_is_read_in_the_site_s_time_zone_as_its_comments_are(site, capsys, monkeypatch):
    monkeypatch.chdir(site.root)
    site.write_settings(TIMEZONE="Europe/Berlin")
    site.post("t", date="2025-03-15 10:00")
    site.comment("t", "soon", date="2025-03-15 10:30", folder="moderation/queue")  # 30 minutes after, in Berlin
    site.comment("t", "early", date="2025-03-15 09:30", folder="moderation/queue")
    assert site.cli("queue") == 0
    out = capsys.readouterr().out
    assert out.count("before its post") == 1
    assert "dated 15 March 2025, 09:30, before its post (15 March 2025, 10:00): check the Date line" in out
