"""The intake with COMMENT_INTAKE_GIT_COMMIT = True (intake/commits.py), over real HTTP, in a
real git repository: each comment queued is one commit of its file alone, by "Holdspace
intake", with nothing of its writer in the message; a withdrawal is committed too; when git
cannot commit, the writer is answered as usual, the file stays queued, and the one line
logged holds no address."""

from __future__ import annotations

import time

import pytest
from test_gitrepo import git, new_repository, own_git_config, shown, status, subjects  # noqa: F401
from test_intake import form, post, queued, running
from test_withdraw import fetch, withdraw_link

from conftest import free_port

ADDRESS = "wren.canary@example.org"


@pytest.fixture
def served(site, monkeypatch):
    port = free_port()
    site.write_settings(COMMENT_INTAKE_GIT_COMMIT=True, SITEURL="https://example.org",
                        COMMENT_INTAKE_URL=f"http://127.0.0.1:{port}/comment")  # fmt: skip
    site.use_project_rules()
    site.post("t", "Tea and Sympathy")
    monkeypatch.chdir(site.root)
    return site, port


def wait_for(root, count, timeout=30):
    """The repository's subjects once it holds ``count`` commits."""
    deadline = time.monotonic() + timeout
    while len(subjects(root)) < count and time.monotonic() < deadline:
        time.sleep(0.1)
    return subjects(root)


def test_each_comment_queued_is_a_commit_of_its_own_and_a_withdrawal_too(served):
    site, port = served
    new_repository(site.root)
    (site.root / "notes.txt").write_text("the owner's, not committed", encoding="utf-8")
    with running(site, "--port", str(port)) as intake:
        status_code, page, _ = post(intake, form(author="Wren", email=ADDRESS))
        assert status_code == 200
        [path] = queued(site)
        cid = path.stem
        assert wait_for(site.root, 2) == [f"queue {cid} on t", "the site"]
        assert shown(site.root) == ("Holdspace intake <>", "Holdspace intake <>", f"queue {cid} on t",
                                    [f"A\tmoderation/queue/t/{cid}.md"])  # fmt: skip
        assert status(site.root) == ["?? notes.txt"]
        assert fetch(withdraw_link(page), {"do": "withdraw"})[0] == 200
        assert wait_for(site.root, 3)[0] == f"withdraw {cid} on t: by its writer"
        assert shown(site.root)[3] == ["A\tmoderation/decisions.log", f"D\tmoderation/queue/t/{cid}.md"]
        assert status(site.root) == ["?? notes.txt"]
    assert ADDRESS not in git(site.root, "log", "--format=%an %ae %cn %ce %B").stdout
    assert ADDRESS not in intake.output and "Note: COMMENT_INTAKE_GIT_COMMIT" not in intake.output


def test_without_a_repository_the_writer_is_answered_and_the_file_stays_queued(served):
    """The commit is tried in the background; a stop (SIGTERM) waits for it."""
    site, port = served
    with running(site, "--port", str(port)) as intake:
        status_code, page, _ = post(intake, form(author="Wren", email=ADDRESS))
        assert status_code == 200 and "Thank you: your comment awaits moderation" in page
        [path] = queued(site)
    assert (f"Note: COMMENT_INTAKE_GIT_COMMIT is True, but {site.root} is not in a git repository: nothing will "
            "be committed; make the project folder a (private) git repository, or set it False") in intake.output  # fmt: skip
    assert (f"not committed to git (queue {path.stem} on t): {site.root} is not in a git repository; the files are "
            "as they were written") in intake.output  # fmt: skip
    assert ADDRESS not in intake.output and queued(site) == [path]


def test_what_waits_uncommitted_in_the_queue_is_committed_at_the_next_start(served):
    site, port = served
    new_repository(site.root)
    site.comment("t", "left1", folder="moderation/queue")  # queued while git could not commit
    (site.root / "moderation" / "queue" / "t" / ".cut.md.incoming").write_text("half", encoding="utf-8")
    with running(site, "--port", str(port)) as intake:
        assert wait_for(site.root, 2)[0] == "queue: 1 file(s) the intake had not committed"
    assert shown(site.root)[3] == ["A\tmoderation/queue/t/left1.md"]
    assert status(site.root) == ["?? moderation/queue/t/.cut.md.incoming"]  # a write cut short: never committed
    assert "Note: COMMENT_INTAKE_GIT_COMMIT" not in intake.output
