"""The project's git repository (archive/gitrepo.py), with real git in temporary folders:
a commit stages exactly the paths it is given and nothing else, whatever else is changed or
staged; it waits for another command's index.lock; what goes wrong is one GitError; a pull
that stopped half way is seen; a clone is set up for sharing the queue. And what happens,
with real git, when moderators share the queue: two decide the same comment; one empties a
post's folder in the queue while a new comment arrives in it."""

from __future__ import annotations

import os
import subprocess
import threading
import time

import pytest

from conftest import ROOT, Site
from holdspace.archive import gitrepo
from holdspace.review import auditlog

IGNORED = ".cache/\n.private/\noutput/\n__pycache__/\n"


@pytest.fixture(autouse=True)
def own_git_config(tmp_path, monkeypatch):
    """Git reads no configuration of this machine's user: only the repositories' own."""
    (tmp_path / "gitconfig").write_text("", encoding="utf-8")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "GIT_DIR"):
        monkeypatch.delenv(name, raising=False)


def git(root, *args, check=True):
    """Git as a person types it here, as "Setup" unless the repository says who."""
    result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=60, check=False,
                            env={**os.environ, "GIT_AUTHOR_NAME": "Setup", "GIT_AUTHOR_EMAIL": "setup@example.org",
                                 "GIT_COMMITTER_NAME": "Setup", "GIT_COMMITTER_EMAIL": "setup@example.org"})  # fmt: skip
    if check:
        assert result.returncode == 0, result.stderr
    return result


def status(root):
    return sorted(git(root, "status", "--porcelain", "--untracked-files=all").stdout.splitlines())


def shown(root, rev="HEAD"):
    """(author, committer, message, [name-status lines]) of a commit."""
    head = git(root, "log", "-1", "--format=%an <%ae>%n%cn <%ce>%n%B", rev).stdout.rstrip("\n").split("\n", 2)
    files = git(root, "show", "--name-status", "-M", "--format=", rev).stdout.splitlines()
    return head[0], head[1], head[2].rstrip("\n"), sorted(files)


def subjects(root):
    return git(root, "log", "--format=%s").stdout.splitlines()


def new_repository(root):
    """``root`` as a repository with everything in it committed, and the project's .gitattributes."""
    (root / ".gitignore").write_text(IGNORED, encoding="utf-8")
    (root / ".gitattributes").write_bytes((ROOT / ".gitattributes").read_bytes())
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "the site")


def test_a_commit_holds_exactly_its_paths_and_leaves_everything_else_as_it_was(tmp_path):
    root = tmp_path / "r"
    for name in ("q/x.md", "q/y.md", "other.txt"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(name, encoding="utf-8")
    new_repository(root)
    (root / "c").mkdir()
    os.rename(root / "q/x.md", root / "c/x.md")  # a move
    (root / "other.txt").write_text("changed, not committed", encoding="utf-8")
    (root / "staged.txt").write_text("someone's", encoding="utf-8")
    git(root, "add", "staged.txt")
    (root / "q/new.md").write_text("waiting", encoding="utf-8")
    paths = [root / "q/x.md", root / "c/x.md", root / "q/never.md"]  # never.md: never there, never tracked
    made = gitrepo.commit(str(root / "q"), [str(p) for p in paths], "approve x", name="Sam")
    assert made == git(root, "rev-parse", "--short", "HEAD").stdout.strip()
    assert shown(root) == ("Sam <>", "Sam <>", "approve x", ["R100\tq/x.md\tc/x.md"])
    assert status(root) == [" M other.txt", "?? q/new.md", "A  staged.txt"]
    assert gitrepo.commit(str(root), [str(root / "c/x.md")], "nothing") == ""  # no change: no commit
    assert len(subjects(root)) == 2


def test_the_author_is_the_name_given_with_git_s_own_address_and_the_committer_git_s_own_user(tmp_path):
    root = tmp_path / "r"
    root.mkdir()
    new_repository(root)
    git(root, "config", "user.name", "Git Person")
    git(root, "config", "user.email", "gp@example.org")
    (root / "a.md").write_text("a", encoding="utf-8")
    gitrepo.commit(str(root), [str(root / "a.md")], "reject a", name="Ana")
    assert shown(root)[:2] == ("Ana <gp@example.org>", "Git Person <gp@example.org>")
    (root / "b.md").write_text("b", encoding="utf-8")
    gitrepo.commit(str(root), [str(root / "b.md")], "queue b on t", name="Holdspace intake", email="")
    assert shown(root)[:2] == ("Holdspace intake <>", "Git Person <gp@example.org>")


def test_what_goes_wrong_is_one_git_error_of_its_kind(tmp_path, monkeypatch):
    (tmp_path / "plain").mkdir()
    with pytest.raises(gitrepo.GitError, match=r"^.*/plain is not in a git repository$") as e:
        gitrepo.commit(str(tmp_path / "plain"), [str(tmp_path / "plain/a")], "x")
    assert e.value.kind == "not-a-repository"
    root = tmp_path / "r"
    root.mkdir()
    new_repository(root)
    hook = root / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho 'no commits today' >&2\nexit 1\n", encoding="utf-8")
    hook.chmod(0o755)
    (root / "a.md").write_text("a", encoding="utf-8")
    with pytest.raises(gitrepo.GitError, match=r"^git commit failed: no commits today$") as e:
        gitrepo.commit(str(root), [str(root / "a.md"), str(root / "gone.md")], "x", name="Sam")
    assert (e.value.kind, e.value.paths) == ("failed", [os.path.join(os.path.realpath(root), "a.md")])
    monkeypatch.setenv("PATH", str(tmp_path / "plain"))  # no git anywhere
    with pytest.raises(gitrepo.GitError, match=r"^git is not installed$") as e:
        gitrepo.commit(str(root), [str(root / "a.md")], "x")
    assert e.value.kind == "missing"
    assert gitrepo.history([str(root / "a.md")]) == [] and gitrepo.config(str(root), "user.name") == ""


def test_another_git_command_s_index_lock_is_waited_for(tmp_path):
    root = tmp_path / "r"
    root.mkdir()
    new_repository(root)
    lock = root / ".git" / "index.lock"
    lock.write_text("", encoding="utf-8")  # another git command, busy
    threading.Timer(0.6, lock.unlink).start()
    (root / "a.md").write_text("a", encoding="utf-8")
    started = time.monotonic()
    assert gitrepo.commit(str(root), [str(root / "a.md")], "queue a on t", name="Holdspace intake")
    assert time.monotonic() - started >= 0.5 and subjects(root)[0] == "queue a on t"


def test_a_clone_is_set_up_for_sharing_once_and_a_setting_of_its_own_is_kept(tmp_path):
    root = tmp_path / "r"
    root.mkdir()
    new_repository(root)
    git(root, "config", "pull.rebase", "false")  # its owner's choice
    assert gitrepo.prepare(str(root)) == ["merge.directoryRenames false"]
    assert gitrepo.prepare(str(root)) == []
    assert git(root, "config", "pull.rebase").stdout.strip() == "false"
    git(root, "config", "merge.directoryRenames", "true")  # never kept: it would publish unapproved comments
    assert gitrepo.prepare(str(root)) == ["merge.directoryRenames false"]
    assert git(root, "config", "merge.directoryRenames").stdout.strip() == "false"


# Two clones of one repository, as two volunteers have them: the site, a post "t" and three
# comments waiting; x holds crisis words.
def shared(tmp_path):
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(origin))
    a = Site(tmp_path / "a")
    a.write_settings(MODERATION_GIT_COMMIT=True)
    a.use_project_rules()
    a.post("t", "Tea and Sympathy")
    for cid, body in (("x", "Some nights I want to die."), ("y", "Buy now."), ("z", "Thank you.")):
        a.comment("t", cid, body, folder="moderation/queue", date="2025-02-01 09:00")
    new_repository(a.root)
    git(a.root, "remote", "add", "origin", str(origin))
    git(a.root, "push", "-q", "-u", "origin", "main")
    git(tmp_path, "clone", "-q", str(origin), "b")
    b = Site(tmp_path / "b")  # its settings are the same file, pulled
    for clone, name in ((a, "Ana"), (b, "Bo")):
        git(clone.root, "config", "user.name", name)  # a rebase commits again: git must know who
        git(clone.root, "config", "user.email", f"{name.lower()}@example.org")
    return a, b


def decide(site, monkeypatch, capsys, who, *args):
    monkeypatch.setenv("MODERATOR", who)
    monkeypatch.chdir(site.root)
    code = site.cli(*args)
    out, err = capsys.readouterr()
    return code, out, err


def test_two_moderators_decide_the_same_comment_the_first_push_stands(tmp_path, monkeypatch, capsys):
    a, b = shared(tmp_path)
    assert decide(a, monkeypatch, capsys, "Ana", "approve", "x")[0] == 0
    git(a.root, "push", "-q")
    assert decide(b, monkeypatch, capsys, "Bo", "reject", "x", "--reason", "off-topic")[0] == 0
    assert decide(b, monkeypatch, capsys, "Bo", "reject", "y", "--reason", "advertising")[0] == 0
    pushed = git(b.root, "push", check=False)
    assert pushed.returncode == 1 and "[rejected]" in pushed.stderr and "(fetch first)" in pushed.stderr
    pulled = git(b.root, "pull", check=False)  # pull.rebase true: set by the first decision
    assert pulled.returncode == 1
    assert ("CONFLICT (rename/rename): moderation/queue/t/x.md renamed to content/comments/t/x.md in HEAD and to "
            "moderation/rejected/t/x.md in ") in pulled.stdout  # fmt: skip
    assert status(b.root) == ["AU content/comments/t/x.md", "DD moderation/queue/t/x.md",
                              "M  moderation/decisions.log", "UA moderation/rejected/t/x.md"]  # fmt: skip
    code, _, err = decide(b, monkeypatch, capsys, "Bo", "approve", "z")  # nothing is decided half way
    assert code == 1 and (b.root / "moderation/queue/t/z.md").exists()
    assert err.startswith("a git pull stopped half way on a conflict (content/comments/t/x.md, "
                          "moderation/queue/t/x.md, moderation/rejected/t/x.md), so nothing was decided; ")  # fmt: skip
    assert "`git rebase --skip` keeps their decision and drops yours, then `git push`" in err
    with pytest.raises(gitrepo.GitError, match=r"^a git pull or merge stopped half way in .*/b; finish it first$"):
        gitrepo.commit(str(b.root), [str(b.root / "moderation/queue/t/z.md")], "queue z on t")  # the intake's
    git(b.root, "rebase", "--skip")  # Ana's decision stands; Bo's other decision is kept
    assert status(b.root) == []
    assert subjects(b.root) == ["reject y on t: moderator Bo", "approve x on t: moderator Ana", "the site"]
    assert (b.root / "content/comments/t/x.md").exists() and not (b.root / "moderation/rejected/t/x.md").exists()
    git(b.root, "push", "-q")
    git(a.root, "pull", "-q")
    assert subjects(a.root) == subjects(b.root) and status(a.root) == []
    entries, bad = auditlog.read(a.root / "moderation" / "decisions.log")
    assert bad == [] and [(e.moderator, e.action, e.id) for e in entries] == [
        ("Ana", "approve", "x"), ("Bo", "reject", "x"), ("Bo", "reject", "y")]  # fmt: skip
    # Bo's overtaken line is kept (merge=union), and the crisis note still follows the approval
    assert auditlog.flagged_on_approval(a.root / "moderation" / "decisions.log", "crisis") == {"x"}


def test_a_comment_queued_meanwhile_in_a_folder_a_decision_emptied_stays_in_the_queue(tmp_path, monkeypatch, capsys):
    """Git takes a folder emptied by moves for a renamed folder, and would move a comment queued
    in it meanwhile into content/comments/, unapproved: merge.directoryRenames false stops it."""
    a, b = shared(tmp_path)
    assert decide(a, monkeypatch, capsys, "Ana", "approve", "x", "z")[0] == 0
    assert decide(a, monkeypatch, capsys, "Ana", "reject", "y", "--reason", "advertising")[0] == 0
    b.comment("t", "new", "Hello from the intake.", folder="moderation/queue", date="2025-02-02 09:00")
    git(b.root, "add", "moderation/queue/t/new.md")
    git(b.root, "commit", "-q", "-m", "queue new on t")
    git(b.root, "push", "-q")
    git(a.root, "pull", "-q")
    assert status(a.root) == [] and (a.root / "moderation/queue/t/new.md").exists()
    assert not (a.root / "content/comments/t/new.md").exists()
    assert subjects(a.root)[:4] == ["reject y on t: moderator Ana", "approve z on t: moderator Ana",
                                    "approve x on t: moderator Ana", "queue new on t"]  # fmt: skip
