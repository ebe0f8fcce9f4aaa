"""The moderation commands with MODERATION_GIT_COMMIT = True (cli/gitcommit.py), in a real git
repository: each decision is one commit of exactly what it moved and its line in the log,
with the decision as the message and the moderator as the author; nobody else's changes go
with it; an erasure's commit holds no address; without git or a repository, one line says
so and the decision stands."""

from __future__ import annotations

import pytest
from test_gitrepo import git, new_repository, own_git_config, shown, status, subjects  # noqa: F401

from holdspace.review import auditlog

ADDRESS = "wren.canary@example.org"


@pytest.fixture
def mod(site, monkeypatch, capsys):
    monkeypatch.setenv("MODERATOR", "Ana")
    monkeypatch.setenv("HOLDSPACE_VIA", "make")
    monkeypatch.chdir(site.root)
    site.write_settings(MODERATION_GIT_COMMIT=True)
    site.use_project_rules()
    site.post("t", "Tea and Sympathy")
    site.comment("t", "q1", "Some nights I want to die.", folder="moderation/queue", date="2025-02-01 09:00",
                 author="Kit")  # fmt: skip
    site.comment("t", "q2", "A kind word.", folder="moderation/queue", date="2025-02-01 10:00", author="Wren",
                 email=ADDRESS)  # fmt: skip
    site.comment("t", "p1", "Published already.", author="Wren", email=ADDRESS)

    def run(*args):
        code = site.cli(*args)
        out, err = capsys.readouterr()
        return code, out, err

    return site, run


def test_an_approval_commits_its_move_and_its_log_line_and_nothing_else(mod):
    site, run = mod
    new_repository(site.root)
    (site.root / "content/posts/t.md").write_text("Title: Tea\nDate: 2025-01-01\nSlug: t\n\nEdited.\n")
    (site.root / "notes.txt").write_text("someone's, staged", encoding="utf-8")
    git(site.root, "add", "notes.txt")
    site.comment("t", "q3", "Arrived, not committed.", folder="moderation/queue", date="2025-02-01 11:00")
    code, out, err = run("approve", "q1")
    assert (code, err) == (0, "")
    assert shown(site.root) == ("Ana <>", "Ana <>", "approve q1 on t: moderator Ana\n\nFlags: crisis",
                                ["A\tmoderation/decisions.log", "R100\tmoderation/queue/t/q1.md\tcontent/comments/t/q1.md"])  # fmt: skip
    made = git(site.root, "rev-parse", "--short", "HEAD").stdout.strip()
    assert f"Committed to git ({made}): approve q1 on t: moderator Ana. `git push` shares it.\n" in out
    assert status(site.root) == [" M content/posts/t.md", "?? moderation/queue/t/q3.md", "A  notes.txt"]
    assert "Set up this clone for moderators sharing the queue: git config pull.rebase true, " in out


def test_each_decision_is_a_commit_of_its_own_with_its_reason(mod):
    site, run = mod
    new_repository(site.root)
    git(site.root, "config", "user.name", "Git Person")
    git(site.root, "config", "user.email", "gp@example.org")
    assert run("reject", "q2", "--reason", 'spam: "buy now" $5')[0] == 0
    assert shown(site.root)[:3] == ("Ana <gp@example.org>", "Git Person <gp@example.org>",
                                    'reject q2 on t: moderator Ana\n\nReason: spam: "buy now" $5')  # fmt: skip
    assert run("restore", "q2")[0] == 0
    assert run("approve", "q1", "q2")[0] == 0
    assert run("unpublish", "q2", "--reason", "approved by mistake")[0] == 0
    assert shown(site.root)[3] == ["A\tmoderation/rejected/t/q2.md", "M\tcontent/comments/t/q2.md",
                                   "M\tmoderation/decisions.log"]  # fmt: skip
    assert subjects(site.root) == ["unpublish q2 on t: moderator Ana", "approve q2 on t: moderator Ana",
                                   "approve q1 on t: moderator Ana", "restore q2 on t: moderator Ana",
                                   "reject q2 on t: moderator Ana", "the site"]  # fmt: skip
    assert status(site.root) == []


def test_an_erasure_is_committed_without_the_address(mod):
    site, run = mod
    new_repository(site.root)
    code, out, _ = run("forget", ADDRESS)
    assert code == 0 and "Erased: comments 1 published, 1 waiting." in out
    author, _, message, files = shown(site.root)
    assert author == "Ana <>"
    assert message == "forget: 2 comment(s) erased at their writer's request (remove): moderator Ana"
    assert files == ["A\tmoderation/decisions.log", "D\tmoderation/queue/t/q2.md", "M\tcontent/comments/t/p1.md"]
    assert git(site.root, "grep", "-F", ADDRESS, "HEAD", check=False).returncode == 1  # the history keeps it
    assert status(site.root) == []


def test_without_a_repository_one_line_says_so_and_the_decision_stands(mod):
    site, run = mod
    code, out, err = run("approve", "q1")
    assert code == 0 and (site.root / "content/comments/t/q1.md").exists() and "Committed" not in out
    assert err == (f"Not committed to git: {site.root} is not in a git repository; the decision stands (its files "
                   "are moved and logged): make the project folder a (private) git repository with git init, or set "
                   "MODERATION_GIT_COMMIT = False\n")  # fmt: skip
    assert [e.action for e in auditlog.read(site.root / "moderation" / "decisions.log")[0]] == ["approve"]


def test_without_git_one_line_says_so_and_the_decision_stands(mod, monkeypatch, tmp_path):
    site, run = mod
    new_repository(site.root)
    monkeypatch.setenv("PATH", str(tmp_path / "content"))  # a folder with no git in it
    code, _, err = run("reject", "q2", "--reason", "spam")
    assert code == 0 and (site.root / "moderation/rejected/t/q2.md").exists()
    assert err == ("Not committed to git: git is not installed; the decision stands (its files are moved and "
                   "logged): install git, or set MODERATION_GIT_COMMIT = False\n")  # fmt: skip


def test_a_commit_that_fails_says_what_to_commit_by_hand(mod):
    site, run = mod
    new_repository(site.root)
    hook = site.root / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho 'error: the hook says no' >&2\nexit 1\n", encoding="utf-8")
    hook.chmod(0o755)
    code, _, err = run("approve", "q1")
    assert code == 0 and (site.root / "content/comments/t/q1.md").exists()
    assert err == ("Not committed to git: git commit failed: error: the hook says no; the decision stands (its files "
                   "are moved and logged): commit it by hand: git add --all -- moderation/queue/t/q1.md "
                   "content/comments/t/q1.md moderation/decisions.log && git commit -m 'approve q1 on t: moderator "
                   "Ana'\n")  # fmt: skip
    assert subjects(site.root) == ["the site"]


def test_off_by_default(site, monkeypatch, capsys):
    monkeypatch.setenv("MODERATOR", "Ana")
    site.write_settings()
    site.post("t")
    site.comment("t", "q1", "Hello.", folder="moderation/queue", date="2025-02-01 09:00")
    new_repository(site.root)
    assert site.cli("approve", "q1") == 0
    assert "Committed" not in capsys.readouterr().out and subjects(site.root) == ["the site"]
    assert status(site.root) == [" D moderation/queue/t/q1.md", "?? content/comments/t/q1.md",
                                 "?? moderation/decisions.log"]  # left for the owner to commit  # fmt: skip
