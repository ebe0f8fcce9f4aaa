"""A warm build is a cold build, faster: after each kind of change (approve, reject,
unpublish, an edited post, a changed setting, a changed template, an erasure), the output of
`holdspace build` on the previous build's output and caches is, file for file and byte for
byte, the output of a cold build of the same state in a fresh copy of the project: the
search export too, whose documents are numbered and counted as a cold build's are."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

COPIED = ("content", "moderation", "pelicanconf.py", ".private", ".secrets")  # not output/ or .cache/


def holdspace(root: Path, *args: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "plugins"), "MODERATOR": "Ana"}
    result = subprocess.run([sys.executable, "-m", "holdspace", *args, "-s", str(root / "pelicanconf.py")],
                            cwd=root, env=env, capture_output=True, text=True, timeout=180)  # fmt: skip
    assert result.returncode == 0, (args, result.stdout, result.stderr)
    return result.stderr


def build(root: Path) -> str:
    return holdspace(root, "build", "--log-handler", "plain")


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def same_as_cold(site, elsewhere: Path, step: str) -> None:
    cold = elsewhere / step.replace(" ", "-")
    cold.mkdir()
    for name in COPIED:
        if (site.root / name).is_dir():
            shutil.copytree(site.root / name, cold / name)
        elif (site.root / name).exists():
            shutil.copy2(site.root / name, cold / name)
    build(cold)
    warm, fresh = tree(site.root / "output"), tree(cold / "output")
    assert sorted(warm) == sorted(fresh), step
    differing = [name for name in warm if warm[name] != fresh[name]]
    assert differing == [], (step, differing[:5])


def test_a_warm_build_after_each_kind_of_change_is_the_cold_build(site, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("cold")
    theme = elsewhere / "theme"
    shutil.copytree(ROOT / "theme", theme)
    site.write_settings(THEME=str(theme), COMMENTS_PER_PAGE=2, AVATARS="local", AVATAR_SECRET_CREATE=True)
    for slug in ("a", "b", "c"):
        site.post(slug, f"Post {slug.upper()}", tags="tea")
        for i in range(3):
            site.comment(slug, f"{slug}{i}", f"Words {i} about marigold on {slug}.", author=f"Writer {slug}{i}",
                         email=f"{slug}{i}@example.org", date=f"2025-01-0{i + 2} 10:00")  # fmt: skip
    site.comment("a", "a9", "A reply to the first.", email="gone@example.org", reply_to="a0", date="2025-01-09 10:00")
    site.comment("b", "q1", "Waiting words.", folder="moderation/queue", date="2025-02-01 10:00")
    site.comment("c", "q2", "Refused words.", folder="moderation/queue", date="2025-02-01 11:00")
    build(site.root)
    same_as_cold(site, elsewhere, "first")
    build(site.root)  # nothing changed: every page linked
    same_as_cold(site, elsewhere, "again")
    steps = {
        "approve": lambda: holdspace(site.root, "approve", "q1"),
        "reject": lambda: holdspace(site.root, "reject", "q2", "--reason", "off topic"),
        "unpublish": lambda: holdspace(site.root, "unpublish", "b1", "--reason", "asked"),
        "edit a post": lambda: site.post("c", "Post C, retitled", tags="tea, walking"),
        "edit a post's words only": lambda: _reword(site.content / "posts" / "a.md"),  # its summary in the lists
        "change a setting": lambda: site.write_settings(
            THEME=str(theme), COMMENTS_PER_PAGE=3, AVATARS="local", SITESUBTITLE="Another line"
        ),
        "change a template": lambda: (theme / "templates" / "base.html").write_text(
            (theme / "templates" / "base.html").read_text("utf-8").replace("</footer>", "<p>Changed.</p></footer>"),
            "utf-8",
        ),
        "erase": lambda: holdspace(site.root, "forget", "gone@example.org"),
    }
    for step, change in steps.items():
        change()
        build(site.root)
        same_as_cold(site, elsewhere, step)


def _reword(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("The body of a.", "Other words now open post a."), encoding="utf-8")
