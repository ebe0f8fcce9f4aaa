"""holdspace new-site: a new community's site in place of the demo, the owner's files never
touched, the shipped crisis-line table, and the built site checked like the demo."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tomllib
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from conftest import DEMO_SITE, ROOT
from holdspace.newsite.create import NewSiteError, answers
from holdspace.newsite.regions import TABLE, choose, crisis_resources, load

EMAIL_ANYWHERE = re.compile(rb"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


def demo_project(root: Path) -> Path:
    """A project folder as a fresh clone has it: the demo, and the tests' copy it came from."""
    for name in ("content", "moderation"):
        shutil.copytree(DEMO_SITE / name, root / name)
    for name in ("pelicanconf.py", "publishconf.py"):
        shutil.copyfile(DEMO_SITE / name, root / name)
    for name in ("theme", "plugins"):
        (root / name).symlink_to(ROOT / name)
    shutil.copyfile(ROOT / "pyproject.toml", root / "pyproject.toml")  # the project's lint settings
    (root / "tests" / "fixtures").mkdir(parents=True)
    (root / "tests" / "fixtures" / "demo").symlink_to(DEMO_SITE)
    return root


def new_site(root: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "holdspace", "new-site", "-s", str(root / "pelicanconf.py"), *args],
        cwd=root, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(ROOT / "plugins"), **(env or {})},
    )  # fmt: skip


def tree(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and not {"fixtures", "theme", "plugins"} & set(p.parts)
            and p.name != "pyproject.toml"}  # fmt: skip


ANSWERS = ["--name", 'Tea & "Talk"', "--url", "https://tea.example/", "--language", "en-GB",
           "--timezone", "Europe/London", "--region", "gb,IE", "--comment-email", "mods@tea.example"]  # fmt: skip


def build(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "holdspace", "build", "-s", "pelicanconf.py", "-o", "output", "--log-handler", "plain"],
        cwd=root, capture_output=True, text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT / "plugins")},
    )  # fmt: skip


@pytest.fixture
def made(tmp_path):
    root = demo_project(tmp_path / "site")
    guidelines = (root / "moderation" / "guidelines.toml").read_bytes()
    result = new_site(root, *ANSWERS)
    assert result.returncode == 0, result.stderr
    assert (root / "moderation" / "guidelines.toml").read_bytes() == guidelines  # kept as it was
    return root, result.stdout


def test_new_site_replaces_the_demo_with_an_empty_archive_and_its_own_pages(made):
    root, out = made
    assert sorted(tree(root)) == [
        "content/comments/.gitkeep", "content/pages/about.md", "content/pages/crisis-resources.md",
        "content/pages/guidelines.md", "content/posts/welcome.md", "moderation/README.md",
        "moderation/guidelines.toml", "moderation/queue/.gitkeep", "moderation/rejected/.gitkeep",
        "pelicanconf.py", "publishconf.py",
    ]  # fmt: skip
    assert "Removed the demo's 194 files" in out
    assert "PRIVATE: comment files hold commenters' email" in out
    assert "Samaritans, call 116 123, free, day or night; read at https://" in out and "2026-11-29" in out
    settings: dict = {}
    exec((root / "pelicanconf.py").read_text(encoding="utf-8"), settings)
    assert settings["SITENAME"] == 'Tea & "Talk"' and settings["TIMEZONE"] == "Europe/London"
    assert settings["DEFAULT_LANG"] == "en-GB" and settings["COMMENT_EMAIL"] == "mods@tea.example"
    assert settings["CRISIS_RESOURCES"] == crisis_resources(choose(["GB", "IE"]))
    assert settings["CRISIS_RESOURCES"][0] == {"name": "Emergency services", "contact": "call 999",
                                               "region": "United Kingdom", "url": "tel:999"}  # fmt: skip
    assert 'SITEURL = os.environ.get("SITEURL") or "https://tea.example"' in (root / "publishconf.py").read_text(
        "utf-8"
    )
    crisis = (root / "content/pages/crisis-resources.md").read_text("utf-8")
    assert "- **999** (United Kingdom)" in crisis and "- **Pieta** (Ireland): call 1800 247 247" in crisis


def test_the_settings_written_pass_the_project_s_own_lint(made):
    root, _ = made
    for command in (["check"], ["format", "--check"]):
        result = subprocess.run([str(ROOT / ".venv" / "bin" / "ruff"), *command, "--no-cache", "pelicanconf.py",
                                 "publishconf.py"], cwd=root, capture_output=True, text=True)  # fmt: skip
        assert result.returncode == 0, result.stdout + result.stderr


def test_the_new_site_builds_checks_clean_and_leaks_no_address(made):
    root, _ = made
    (root / "content/comments/welcome").mkdir()
    (root / "content/comments/welcome/hello.md").write_text(
        "Author: Robin\nEmail: canary.robin@leak-test.example\nDate: 2099-01-01 10:00\n\nHello, everyone.\n", "utf-8"
    )
    os.utime(root / "content/posts/welcome.md", (0, 0))
    check = subprocess.run([sys.executable, "-m", "holdspace", "check-site"], cwd=root, capture_output=True,
                           text=True, env={**os.environ, "PYTHONPATH": str(ROOT / "plugins")})  # fmt: skip
    assert "in the future" in check.stdout  # the only thing to fix: the comment planted here
    assert check.stdout.count(": ") == 2, check.stdout
    result = build(root)
    assert result.returncode == 0, result.stderr
    assert "1 posts, 1 comments published" in result.stderr
    out = root / "output"
    page = (out / "welcome" / "index.html").read_text("utf-8")
    assert "Welcome to Tea &amp; &#34;Talk&#34;" in page and "Hello, everyone." in page
    assert 'href="tel:116123"' in page and 'lang="en-gb"' in page  # Pelican writes the code in lower case
    for path in ("pages/crisis-resources/index.html", "pages/guidelines/index.html", "pages/about/index.html"):
        assert (out / path).is_file()
    leaks = [p for p in out.rglob("*") if p.is_file() and EMAIL_ANYWHERE.search(p.read_bytes())
             and b"leak-test" in p.read_bytes()]  # fmt: skip
    assert leaks == []


def test_the_owner_s_own_files_stop_it_and_nothing_changes(tmp_path):
    root = demo_project(tmp_path / "site")
    (root / "content/posts/mine.md").write_text("Title: Mine\nDate: 2025-01-01\n\nMine.\n", "utf-8")
    with open(root / "pelicanconf.py", "a", encoding="utf-8") as f:
        f.write('SITENAME = "Ours"\n')
    before = tree(root)
    result = new_site(root, *ANSWERS)
    assert result.returncode == 2 and tree(root) == before
    assert "2 file(s) here are not the demo's" in result.stderr
    assert "content/posts/mine.md" in result.stderr and "pelicanconf.py" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_demo_tried_out_with_the_moderation_commands_is_still_the_demo(tmp_path):
    root = demo_project(tmp_path / "site")
    env = {"MODERATOR": "Ana"}
    tried = subprocess.run([sys.executable, "-m", "holdspace", "approve", "lonely-q01", "lonely-q02", "peer-q01"],
                           cwd=root, capture_output=True, text=True, env={**os.environ, **env,
                           "PYTHONPATH": str(ROOT / "plugins")})  # fmt: skip
    assert tried.returncode == 0, tried.stderr
    assert (root / "moderation/decisions.log").is_file()
    result = new_site(root, *ANSWERS)
    assert result.returncode == 0, result.stderr
    assert (root / "content/comments/finding-a-peer-group/peer-q01.md").exists() is False  # moved there, and gone
    assert (
        not (root / "moderation/decisions.log").exists()
        and not (root / "content/comments/finding-a-peer-group").exists()
    )


def test_answers_are_checked_all_at_once():
    with pytest.raises(NewSiteError) as error:
        answers("<b>Us</b>", "javascript:alert(1)", "english", "Mars/Olympus", ["XX"], "not-an-address")
    said = str(error.value)
    for part in ("plain words", "must start with https://", "language code", "time zone 'Mars/Olympus'",
                 "no crisis lines for the region 'XX'", "does not look like an address"):  # fmt: skip
        assert part in said
    assert "the table has" in said and "GB" in said
    with pytest.raises(NewSiteError, match="did you mean GB"):
        answers("Us", "", "en", "UTC", ["GBR"])
    assert [r.code for r in answers("Us", "", "en", "UTC", ["uk", "GB", "ie"]).regions] == ["GB", "IE"]
    with pytest.raises(NewSiteError, match="at least one region"):
        answers("Us", "", "en", "UTC", [" "])


def test_without_a_name_or_region_and_no_terminal_it_says_what_to_give(tmp_path):
    root = demo_project(tmp_path / "site")
    before = tree(root)
    result = new_site(root, "--region", "GB")
    assert result.returncode == 2 and "say the site's SITENAME" in result.stderr
    assert tree(root) == before


def test_every_line_of_the_table_says_where_and_when_it_was_checked():
    raw = tomllib.loads(TABLE.read_text(encoding="utf-8"))
    codes = [r["code"] for r in raw["region"]]
    assert len(codes) == len(set(codes)) >= 10 and all(re.fullmatch(r"[A-Z]{2}", c) for c in codes)
    for region in load().values():
        assert region.lines, region.code
        assert not region.emergency or region.emergency_source.startswith(("https://", "http://"))
        for line in region.lines:
            assert line.source.startswith(("https://", "http://")), line
            assert date.fromisoformat(line.checked) <= date.today() and line.how, line
            assert re.fullmatch(r"(tel|sms):\+?\d+|https://\S+", line.url), line


def test_make_new_site_takes_the_answers_as_typed_and_make_demo_serves_the_demo(tmp_path):
    import signal
    import time
    import urllib.request

    from test_makefile import borrowed_venv

    from conftest import free_port

    root = demo_project(tmp_path / "site")
    for name in ("Makefile", "requirements.txt"):
        shutil.copyfile(ROOT / name, root / name)
    borrowed_venv(root)
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("MAKEFLAGS", "MAKELEVEL", "SITEURL", "TIMEZONE", "DEFAULT_LANG")
    }
    result = subprocess.run(["make", "-s", "new-site", "SITENAME=Our $HOME & co", "REGIONS=nl de", "TIMEZONE=Europe/Amsterdam"],
                            cwd=root, env=env, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Next: make html, then make serve to look at it, and make check-site." in result.stdout
    settings: dict = {}
    exec((root / "pelicanconf.py").read_text(encoding="utf-8"), settings)
    assert settings["SITENAME"] == "Our $HOME & co" and settings["TIMEZONE"] == "Europe/Amsterdam"
    assert [r["region"] for r in settings["CRISIS_RESOURCES"]][:2] == ["Netherlands", "Germany"]

    port = free_port()
    process = subprocess.Popen(["make", "-s", "demo", f"PORT={port}"], cwd=root, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, start_new_session=True)  # fmt: skip
    try:
        deadline, page = time.monotonic() + 90, ""
        while time.monotonic() < deadline and not page:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/sunday-evening-loneliness/", timeout=5) as r:
                    page = r.read().decode("utf-8")
            except OSError:
                time.sleep(0.5)
        assert "The Loneliness of Sunday Evenings" in page  # the demo, while the project is the new site
    finally:
        os.killpg(process.pid, signal.SIGINT)
        out, _ = process.communicate(timeout=60)
    assert "The demo archive is in .demo/" in out and "Traceback" not in out
    assert (root / ".demo" / "Makefile").is_symlink() and (root / ".demo" / "content" / "posts").is_dir()
    assert not (root / "content" / "posts" / "sunday-evening-loneliness.md").exists()
    queue = subprocess.run(["make", "-s", "queue"], cwd=root / ".demo", env=env, capture_output=True, text=True,
                           timeout=60)  # fmt: skip
    assert "comment(s) wait in moderation/queue/" in queue.stdout, queue.stderr


@pytest.mark.browser
@pytest.mark.axe
@pytest.mark.trust
def test_axe_core_finds_nothing_serious_on_the_new_site_s_pages(made, trust):
    from playwright.sync_api import sync_playwright
    from test_a11y import AXE_RUN
    from test_browser import CHROMIUM_ARGS

    from conftest import AXE, chromium_path, serve_folder

    root, _ = made
    assert build(root).returncode == 0
    paths = ["/", "/welcome/", "/pages/crisis-resources/", "/pages/guidelines/", "/pages/about/"]
    found = {}
    with serve_folder(root / "output") as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        context = browser.new_context(bypass_csp=True)
        for path in paths:
            page = context.new_page()
            page.goto(base + path)
            page.add_script_tag(path=str(AXE))
            found[path] = page.evaluate(AXE_RUN, None)
            page.close()
        browser.close()
    trust["a11y_pages"] += len(paths)
    serious = {path: vs for path, vs in found.items() if any(v["impact"] in ("serious", "critical") for v in vs)}
    trust["a11y_violations"] += sum(len(vs) for vs in serious.values())
    trust["a11y_any"] += sum(len(vs) for vs in found.values())
    assert len(found) == 5 and serious == {}


def test_the_docs_table_lists_every_region_of_the_shipped_table():
    doc = (ROOT / "docs" / "new-site.md").read_text(encoding="utf-8")
    rows = {
        m.group(1): (m.group(2), m.group(3)) for m in re.finditer(r"^\| ([A-Z]{2}) \| ([^|]+) \| ([^|]+) \|", doc, re.M)
    }
    assert rows == {r.code: (r.name, r.emergency) for r in load().values()}


@pytest.mark.shared_data
@pytest.mark.trust
def test_no_xss_payload_as_the_name_or_address_runs_or_breaks_out_of_the_settings(trust):
    """Every payload of the three XSS corpora as the site's name and its address: refused, or
    written into the settings as the very text given and rendered by the pages as inert text."""
    import ast

    import markdown
    from test_xss import BAD_SCHEME, FORBIDDEN, URL_ATTRS, payloads

    from holdspace.newsite.texts import about_page, crisis_page, guidelines_page, py, welcome_post
    from htmltree import parse

    accepted = 0
    for payload in payloads():
        for name, url in ((payload, ""), ("Us", f"https://example.org/{payload}")):
            try:
                a = answers(name, url, "en", "UTC", ["GB"])
            except NewSiteError:
                continue
            accepted += 1
            assert ast.literal_eval(py(a.name)) == a.name and ast.literal_eval(py(a.url)) == a.url
            text = "".join(page.split("\n\n", 1)[1] for page in (about_page(a), guidelines_page(a), crisis_page(a),
                                                                 welcome_post(a, datetime(2026, 1, 1))))  # fmt: skip
            for element in parse(markdown.markdown(text, extensions=["extra"])).iter():
                assert element.tag not in FORBIDDEN, (payload, element.tag)
                for attr, value in element.attrs.items():
                    assert not attr.lower().startswith("on"), (payload, attr)
                    assert not (attr in URL_ATTRS and BAD_SCHEME.match(value or "")), (payload, attr, value)
    trust["new_site_vectors"] += accepted
    assert accepted > 100  # the check ran on names and addresses that were taken, not only on refusals


def test_a_file_that_cannot_be_written_leaves_the_demo_whole(tmp_path):
    root = demo_project(tmp_path / "site")
    (root / "content/posts/.welcome.md.new").mkdir()  # where new-site writes the welcome post first
    before = tree(root)
    result = new_site(root, *ANSWERS)
    assert result.returncode == 2 and "could not be written" in result.stderr and "nothing was changed" in result.stderr
    assert tree(root) == before and "Traceback" not in result.stderr
    assert sorted(root.rglob(".*.new")) == [root / "content/posts/.welcome.md.new"]  # only the one put there


def test_outside_the_project_folder_it_writes_nothing(tmp_path):
    root = demo_project(tmp_path / "site")
    before = tree(root)
    result = subprocess.run([sys.executable, "-m", "holdspace", "new-site", *ANSWERS], cwd=root / "moderation",
                            capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
                            env={**os.environ, "PYTHONPATH": str(ROOT / "plugins")})  # fmt: skip
    assert result.returncode == 2 and "not a Holdspace project folder" in result.stderr
    assert tree(root) == before


def test_unreadable_answers_are_refused_and_the_welcome_post_is_dated_in_the_site_s_time():
    from holdspace.newsite.texts import welcome_post

    with pytest.raises(NewSiteError, match="printable text"):
        answers("Caf\udcff", "", "en", "UTC", ["GB"])
    a = answers("Us", "", "en", "America/Los_Angeles", ["US"])
    assert "Date: 2026-11-29 15:39\n" in welcome_post(a, datetime(2026, 11, 29, 23, 39, tzinfo=UTC))
