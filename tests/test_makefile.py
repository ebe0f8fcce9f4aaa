"""The moderation make targets pass what moderators type through untouched."""

import os
import shutil
import subprocess

import pytest

from conftest import DEMO_SITE, ROOT
from holdspace.review import auditlog

pytestmark = pytest.mark.skipif(not (ROOT / ".venv" / "bin" / "python").exists(), reason="needs the project's .venv")


def borrowed_venv(root):
    """A .venv whose programs are the project's and whose install stamp is current, so make
    runs them and never installs anything (which would re-point the project's own .venv)."""
    venv_bin = root / ".venv" / "bin"
    venv_bin.mkdir(parents=True)
    for program in (ROOT / ".venv" / "bin").iterdir():
        (venv_bin / program.name).symlink_to(program)
    checksum = subprocess.run("cat requirements.txt pyproject.toml | cksum", shell=True, cwd=root, check=True,
                              capture_output=True, text=True).stdout.split()[0]  # fmt: skip
    (root / ".venv" / f".installed-{checksum}").touch()


@pytest.fixture
def project(site):
    for name in ("Makefile", "requirements.txt", "pyproject.toml"):
        shutil.copyfile(ROOT / name, site.root / name)
    shutil.copyfile(DEMO_SITE / "pelicanconf.py", site.root / "pelicanconf.py")  # the tests' settings
    for name in ("plugins", "theme"):
        (site.root / name).symlink_to(ROOT / name)
    borrowed_venv(site.root)
    site.use_project_rules()
    site.post("t")
    site.comment("t", "r1", "Hello.", folder="moderation/queue", author="Rae")
    return site


def make(site, *args):
    env = {**os.environ, "MODERATOR": "Ana"}
    for name in ("MAKEFLAGS", "MAKELEVEL"):  # as typed in a terminal, even under make test
        env.pop(name, None)
    return subprocess.run(["make", "-s", *args], cwd=site.root, env=env, capture_output=True, text=True, timeout=120)


def test_reason_with_quotes_dollars_and_backticks_is_logged_as_typed(project, tmp_path):
    marker = tmp_path / "ran"
    reason = f'asks for $500 "buy now" `touch {marker}` it\'s $(touch {marker})'
    result = make(project, "reject", "ID=r1", f"REASON={reason}")
    assert result.returncode == 0, result.stderr
    (entry,), _ = auditlog.read(project.root / "moderation" / "decisions.log")
    assert entry.reason == reason
    assert not marker.exists()


def test_an_id_is_never_run_by_the_shell(project, tmp_path):
    marker = tmp_path / "ran"
    result = make(project, "show", f"ID=r1;touch {marker}")
    assert result.returncode != 0 and "say which one comment" in result.stderr
    result = make(project, "show", f"ID=`touch${{IFS}}{marker}`")
    assert result.returncode != 0 and "no comment '`touch${IFS}" in result.stderr
    assert not marker.exists()
    result = make(project, "approve")
    assert "say which comment: make approve ID=<id>" in result.stderr


@pytest.fixture
def deployable(project):
    shutil.copyfile(DEMO_SITE / "publishconf.py", project.root / "publishconf.py")
    return project


def test_rsync_upload_without_a_host_says_what_to_set(deployable):
    result = make(deployable, "rsync_upload")
    assert result.returncode != 0
    assert "set SSH_HOST and SSH_TARGET_DIR" in result.stdout + result.stderr


def test_rsync_upload_publishes_then_sends_output_to_the_host(deployable, tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    calls = tmp_path / "rsync-args"
    fake = bin_dir / "rsync"
    fake.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > {calls}\n', encoding="utf-8")
    fake.chmod(0o755)
    env_path = f"{bin_dir}:{os.environ['PATH']}"
    result = subprocess.run(
        ["make", "-s", "rsync_upload", "SSH_HOST=example.org", "SSH_USER=ana", "SSH_TARGET_DIR=/var/www/site"],
        cwd=deployable.root, env={**{k: v for k, v in os.environ.items() if k != "SITEURL"}, "PATH": env_path,
                                  "MAKEFLAGS": ""},
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    # No SITEURL given: publishconf.py's own, absolute, in the feeds (no empty one from make).
    assert "<id>https://holdspace.example/" in (deployable.root / "output" / "feeds" / "all.atom.xml").read_text(
        "utf-8"
    )
    args = calls.read_text(encoding="utf-8").splitlines()
    assert args[-2:] == ["output/", "ana@example.org:/var/www/site"] and "--delete" in args
    assert "ssh -p 22" in args
    assert (deployable.root / "output" / "t" / "index.html").exists()  # published first


def test_github_puts_the_published_site_on_gh_pages_and_pushes_it(deployable, tmp_path):
    origin = tmp_path / "origin.git"
    git = ["git", "-c", "user.name=Ana", "-c", "user.email=ana@example.org"]
    subprocess.run(["git", "init", "-q", "--bare", str(origin)], check=True)
    subprocess.run(["git", "init", "-q"], cwd=deployable.root, check=True)
    subprocess.run(["git", "remote", "add", "origin", str(origin)], cwd=deployable.root, check=True)
    env = {**os.environ, "MAKEFLAGS": "", "GIT_AUTHOR_NAME": "Ana", "GIT_AUTHOR_EMAIL": "ana@example.org",
           "GIT_COMMITTER_NAME": "Ana", "GIT_COMMITTER_EMAIL": "ana@example.org"}  # fmt: skip
    result = subprocess.run(["make", "-s", "github"], cwd=deployable.root, env=env, capture_output=True, text=True,
                            timeout=180)  # fmt: skip
    assert result.returncode == 0, result.stderr
    files = subprocess.run([*git, "ls-tree", "-r", "--name-only", "gh-pages"], cwd=origin, capture_output=True,
                           text=True, check=True).stdout.split()  # fmt: skip
    assert "t/index.html" in files and "index.html" in files


def test_a_refusal_is_said_once_without_make_s_noise_and_the_status_is_non_zero(project):
    result = make(project, "approve", "ID=nope")
    assert result.returncode == -13, result  # make stopped by SIGPIPE (a shell says 141): no line of its own
    assert "no comment 'nope'" in result.stderr and "***" not in result.stderr + result.stdout
    assert "Error" not in result.stderr
    result = make(project, "queue")
    assert result.returncode == 0 and "1 comment(s) wait" in result.stdout
    result = make(project, "-k", "show", "ID=nope", "log")  # keep going: make's own line, and log still runs
    assert result.returncode == 2 and "Error 1" in result.stderr and "decisions" in result.stdout + result.stderr
