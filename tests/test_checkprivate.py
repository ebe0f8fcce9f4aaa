"""`holdspace check-private` (`make check-private`): comment files hold their writers'
addresses, so a public repository that holds any is refused before a build, with what to do;
and the deploy workflows that run it: GitHub's (.github/workflows/pages.yml) and GitLab's
(in docs/deployment.md) call make targets that exist, the refusal before the build."""

from __future__ import annotations

import re

import pytest
import yaml
from test_makefile import make, project  # noqa: F401

from conftest import ROOT, make_targets

WORKFLOW = ROOT / ".github" / "workflows" / "pages.yml"


@pytest.fixture
def archive(site, monkeypatch, capsys):
    monkeypatch.chdir(site.root)
    site.write_settings()
    site.post("t")
    site.comment("t", "p1", "Published.", email="p1@mailbox.org")
    site.comment("t", "q1", "Waiting.", folder="moderation/queue", email="q1@mailbox.org")
    site.comment("t", "r1", "Rejected.", folder="moderation/rejected", email="r1@mailbox.org")
    site.comment("t", "demo", "An example's.", email="demo@example.org")  # a reserved domain: no one's
    site.raw_comment("t", "gone.md", b"Removed: erased\nDate: 2025-01-02 10:00\n")  # a removed comment's record
    site.raw_comment("t", "broken.md", b"Author: Jo\nEmail: jo@mailbox.org\nWho: me\n\nBroken, still theirs.\n",
                     folder="moderation/queue")  # fmt: skip

    def run(*args):
        code = site.cli("check-private", *args)
        out, err = capsys.readouterr()
        return code, out, err

    return site, run


def test_a_private_repository_is_told_how_many_files_hold_an_address(archive):
    _, run = archive
    assert run() == (0, "4 comment file(s) in content/comments/, moderation/queue/, moderation/rejected/ hold an "
                        "email address: keep the repository that holds them private (docs/deployment.md).\n", "")  # fmt: skip


def test_a_public_repository_is_refused_while_any_file_holds_an_address(archive):
    _, run = archive
    code, out, err = run("--public")
    assert (code, out) == (1, "")
    assert err == (
        "Refusing to build: this repository is public, and 4 comment file(s) in it hold their writer's email address "
        "(content/comments/t/p1.md, moderation/queue/t/broken.md, moderation/queue/t/q1.md, ...): anyone can read "
        "them. Make the repository private now (GitHub: Settings, General, Danger Zone, Change visibility; GitLab: "
        "Settings, General, Visibility), then run this again. A repository may only be public once no comment file "
        "holds an address (holdspace forget name@example.org [--dry-run] for each writer, with ERASE_MODE = "
        "'anonymise' to keep the words) and its history holds none (docs/deployment.md).\n"
    )


def test_a_copy_under_any_name_is_found_too(archive):
    site, run = archive
    published = site.root / "content/comments/t/p1.md"
    (published.parent / "p1.md.orig").write_bytes(published.read_bytes())  # a merge tool's copy
    (published.parent / "P1.MD").write_bytes(published.read_bytes())
    assert run()[1].startswith("6 comment file(s) in ")


def test_a_public_repository_without_an_address_may_be_built(archive):
    site, run = archive
    for path in [*site.root.glob("moderation/*/t/*.md"), site.root / "content/comments/t/p1.md"]:
        path.unlink()
    assert run("--public") == (0, "No comment file in content/comments/, moderation/queue/, moderation/rejected/ "
                                  "holds an email address.\n(The git history may still hold some: see "
                                  "docs/deployment.md before making a repository public.)\n", "")  # fmt: skip


def test_make_check_private_takes_true_or_false(project):  # noqa: F811
    project.comment("t", "real", "Hello.", folder="moderation/queue", email="ana@mailbox.org")
    project.comment("t", "sample", "Hello.", folder="moderation/queue", email="ana@example.com")  # no one's
    public = make(project, "check-private", "PUBLIC_REPOSITORY=true")
    assert public.returncode != 0 and public.stderr.startswith("Refusing to build: this repository is public, and 1 ")
    assert "make forget EMAIL=name@example.org [DRY_RUN=yes] for each writer" in public.stderr
    private = make(project, "check-private", "PUBLIC_REPOSITORY=false")
    assert private.returncode == 0 and private.stdout.startswith("1 comment file(s) in ")
    unsure = make(project, "check-private", "PUBLIC_REPOSITORY=maybe")
    assert unsure.returncode == 2 and unsure.stdout == "make check-private: PUBLIC_REPOSITORY must be true or false\n"


def commands(runs):
    """The make targets the ``run`` lines call, in order."""
    return [m.group(1) for run in runs for m in re.finditer(r"\bmake ([\w-]+)", run)]


def test_the_github_workflow_refuses_a_public_repository_before_it_builds_and_deploys():
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert (
        triggers["push"] == {"branches": ["main"], "paths-ignore": ["moderation/**"]}
        and "workflow_dispatch" in triggers
    )
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    build, deploy = workflow["jobs"]["build"]["steps"], workflow["jobs"]["deploy"]
    runs = [step["run"] for step in build if "run" in step]
    assert commands(runs) == ["check-private", "publish"] and set(commands(runs)) <= set(make_targets())
    assert runs[0] == "make check-private PUBLIC_REPOSITORY=${{ !github.event.repository.private }}"
    uses = [step["uses"] for step in build + deploy["steps"] if "uses" in step]
    assert uses == ["actions/checkout@v4", "actions/setup-python@v5", "actions/configure-pages@v5",
                    "actions/upload-pages-artifact@v3", "actions/deploy-pages@v4"]  # fmt: skip
    order = [step.get("uses", step.get("run")) for step in build]
    assert order.index(runs[0]) < order.index("actions/configure-pages@v5") < order.index(runs[1])
    [python] = [step for step in build if step.get("uses") == "actions/setup-python@v5"]
    assert python["with"]["python-version"] == "3.11"
    [publish] = [step for step in build if step.get("run") == runs[1]]
    assert runs[1] == "make publish NOTIFY=no" and publish["env"]["SITEURL"] == "${{ steps.pages.outputs.base_url }}"
    [upload] = [step for step in build if step.get("uses") == "actions/upload-pages-artifact@v3"]
    assert upload["with"]["path"] == "output"  # the Makefile's OUTPUT
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"


def test_the_workflow_s_refusal_refuses_as_github_runs_it(project):  # noqa: F811
    """Its first make line, with the expression as GitHub fills it in for a public and a private repository."""
    project.comment("t", "real", "Hello.", folder="moderation/queue", email="ana@mailbox.org")
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    line = next(step["run"] for step in workflow["jobs"]["build"]["steps"] if "check-private" in step.get("run", ""))
    for public, refused in (("true", True), ("false", False)):
        result = make(project, *line.replace("${{ !github.event.repository.private }}", public).split()[1:])
        assert (result.returncode != 0) == refused, result.stderr


def test_the_gitlab_equivalent_in_the_docs_does_the_same():
    text = (ROOT / "docs" / "deployment.md").read_text(encoding="utf-8")
    [block] = re.findall(r"```yaml\n(pages:\n.*?)```", text, re.S)
    job = yaml.safe_load(block)["pages"]
    assert commands(job["script"]) == ["check-private", "publish"]
    assert "$CI_PROJECT_VISIBILITY" in job["script"][0] and "OUTPUT=public" in job["script"][1]
    assert job["artifacts"]["paths"] == ["public"] and job["image"] == "python:3.11"
