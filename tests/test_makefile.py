"""The moderation make targets pass what moderators type through untouched."""

import os
import shutil
import subprocess

import pytest

from conftest import ROOT
from holdspace import auditlog

pytestmark = pytest.mark.skipif(not (ROOT / ".venv" / "bin" / "python").exists(), reason="needs the project's .venv")


@pytest.fixture
def project(site):
    for name in ("Makefile", "requirements.txt", "pelicanconf.py"):
        shutil.copyfile(ROOT / name, site.root / name)
    for name in ("plugins", "theme", ".venv"):
        (site.root / name).symlink_to(ROOT / name)
    site.use_project_rules()
    site.post("t")
    site.comment("t", "r1", "Hello.", folder="moderation/queue", author="Rae")
    return site


def make(site, *args):
    env = {**os.environ, "MODERATOR": "Ana"}
    env.pop("MAKEFLAGS", None)
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
