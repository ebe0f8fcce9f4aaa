"""`holdspace check-site`: the owner's own archive and settings, checked before a build."""

from __future__ import annotations

import pytest

RESOURCES = [{"name": "Samaritans", "contact": "call 116 123", "region": "UK and Ireland"}]


@pytest.fixture
def owned(site, monkeypatch):
    monkeypatch.chdir(site.root)
    site.use_project_rules()
    site.post("t", "Tea and Sympathy", date="2025-03-15 09:00")
    site.page("guidelines", "Community guidelines")
    site.page("crisis-resources", "Crisis resources")
    site.comment("t", "ok", "A kind word.", date="2025-03-16 10:00")
    return site


def test_a_sound_site_has_nothing_to_fix(owned, capsys):
    owned.write_settings(CRISIS_RESOURCES=RESOURCES, COMMENT_EMAIL="moderators@example.org")
    assert owned.cli("check-site") == 0
    assert "nothing to fix" in capsys.readouterr().out


def test_what_the_owner_must_fix_is_listed_with_path_and_line(owned, capsys):
    site = owned
    site.write_settings(CRISIS_RESOURCES=[], MODERATOR_EMAILS=["mod@example.org"], COMMENT_GUIDELINES_PAGE="rules",
                        COMMENT_EMAIL="moderators@example.org")  # fmt: skip
    site.comment("t", "early", "Before the post.", date="2025-03-01 10:00")
    site.comment("t", "later", "From the future.", date="2099-01-01 10:00")
    site.comment("t", "orphan", "A reply.", reply_to="nobody", date="2025-03-17 10:00")
    site.comment("t", "early-q", "Waiting, and early.", date="2025-03-02 10:00", folder="moderation/queue")
    assert site.cli("check-site") == 1
    out = capsys.readouterr().out.splitlines()
    expected = [
        "content/comments/t/early.md:3: dated 1 March 2025, before its post (15 March 2025); correct the Date line",
        "content/comments/t/later.md:3: dated 1 January 2099, in the future; correct the Date line",
        "content/comments/t/orphan.md:4: Reply-To 'nobody' names no comment",
        "moderation/queue/t/early-q.md:3: dated 2 March 2025, before its post",
        ": CRISIS_RESOURCES is empty: no help is shown next to the reply form",
        ": COMMENT_GUIDELINES_PAGE names the page 'rules', and there is no such published page",
        ": MODERATOR_EMAILS is set but MAIL_SMTP_URL is not: nobody can be alerted",
    ]
    for text in expected:
        assert any(text in line for line in out), (text, out)
    assert out[-1].endswith("7 thing(s) to fix, listed above; then holdspace build.")
    assert any(line.startswith("pelicanconf.py:") and "CRISIS_RESOURCES" in line for line in out)
