"""The command line (`holdspace build`, what `make html` runs), in a subprocess."""

import os
import subprocess
import sys

import pytest

from conftest import DEMO_SETTINGS, ROOT


def code_and_cache(site, settings=str(DEMO_SETTINGS)):
    """Pelican -e values: the site's own cache, and with the tests' demo settings, the theme
    and plugins where they are (a settings file a test writes says where itself)."""
    code = (
        [f'THEME="{ROOT / "theme"}"', f'PLUGIN_PATHS=["{ROOT / "plugins"}"]'] if settings == str(DEMO_SETTINGS) else []
    )
    return [*code, f'CACHE_PATH="{site.root / ".cache" / "pelican"}"']


def run_build(site, *extra, settings=str(DEMO_SETTINGS)):
    env = {**os.environ, "PYTHONPATH": str(ROOT / "plugins")}
    return subprocess.run(
        [sys.executable, "-m", "holdspace", "build", str(site.content), "-o", str(site.root / "output"),
         "-s", settings, "--log-handler", "plain", "-e", *code_and_cache(site, settings), *extra],
        cwd=site.root, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_a_clean_archive_builds_and_exits_zero(site):
    site.post("t")
    site.comment("t", "c1")
    site.comment("t", "q1", folder="moderation/queue")
    result = run_build(site)
    assert result.returncode == 0, result.stderr
    assert "Holdspace: 1 posts, 1 comments published, 0 held back, 1 waiting in moderation/queue/ (" in result.stderr
    assert "flagged for crisis" not in result.stderr  # said only when some are
    assert (site.root / "output" / "t" / "index.html").exists()


def test_a_bad_comment_is_reported_the_site_written_and_the_exit_non_zero(site):
    site.post("t")
    site.comment("t", "good")
    bad = site.comment("t", "bad", date="2025-13-01 10:00")
    before = bad.read_bytes()
    result = run_build(site)
    assert result.returncode == 1
    message = "content/comments/t/bad.md:3: bad date '2025-13-01 10:00'; write it as YYYY-MM-DD HH:MM[:SS]"
    assert result.stderr.count(message) == 2  # as it is found, and again in the summary
    assert "1 comments published, 1 held back" in result.stderr
    assert "Traceback" not in result.stderr
    page = (site.root / "output" / "t" / "index.html").read_text(encoding="utf-8")
    assert 'id="comment-good"' in page and 'id="comment-bad"' not in page
    assert bad.read_bytes() == before


def test_fatal_warnings_fails_on_a_pelican_warning(site):
    site.use_project_rules()
    path = site.post("t")
    path.write_text(path.read_text(encoding="utf-8") + "\nSee [this]({filename}/nope.md).\n", encoding="utf-8")
    site.comment("t", "good")
    assert run_build(site).returncode == 0  # a warning alone does not fail a normal build
    result = run_build(site, "--fatal", "warnings")
    assert result.returncode == 2  # the build failed
    assert "nope.md" in result.stderr


def test_a_bad_setting_is_one_line_not_a_traceback(site, tmp_path):
    site.post("t")
    conf = tmp_path / "conf.py"
    conf.write_text(
        f"exec(open({str(DEMO_SETTINGS)!r}).read())\n"
        f"THEME = {str(ROOT / 'theme')!r}\nPLUGIN_PATHS = [{str(ROOT / 'plugins')!r}]\n"
        "COMMENTS_ORDER = 'sideways'\n",
        encoding="utf-8",
    )
    result = run_build(site, settings=str(conf))
    assert result.returncode == 2
    assert "setting COMMENTS_ORDER = 'sideways' is not valid; use one of 'oldest', 'newest'" in result.stderr
    assert "Traceback" not in result.stderr


def test_publishing_local_avatars_without_a_secret_is_a_clear_error(site, tmp_path):
    site.post("t")
    site.comment("t", "c1")
    conf = site.write_settings(AVATARS="local", AVATAR_SECRET_CREATE=False)
    result = run_build(site, settings=str(conf))
    assert result.returncode == 2
    assert "AVATARS = 'local' needs a secret and there is none in" in result.stderr
    assert "run `holdspace secret` once" in result.stderr and "Traceback" not in result.stderr
    assert not (site.root / ".secrets").exists()


def test_the_summary_counts_crisis_in_the_queue(site):
    site.post("t")
    site.use_project_rules()
    site.comment("t", "q1", "I want to die.", folder="moderation/queue")
    result = run_build(site)
    assert "1 waiting in moderation/queue/ (1 flagged for crisis)" in result.stderr


def test_a_missing_rules_file_is_a_warning(site):
    site.post("t")
    result = run_build(site)
    assert result.returncode == 0
    assert "moderation/guidelines.toml is missing, so the default rules apply (no crisis words)" in result.stderr


def snapshot(folder):
    import hashlib

    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*") if p.is_file()
    }


@pytest.mark.trust
def test_a_killed_build_leaves_the_previous_site_whole(site, trust):
    import signal
    import time

    for p in range(15):
        site.post(f"p{p}")
        for c in range(12):
            site.comment(f"p{p}", f"p{p}c{c}", f"Comment {c} on post {p}, with some words.")
    assert run_build(site).returncode == 0
    before = snapshot(site.root / "output")
    site.comment("p0", "late", "A comment that arrives later.", date="2025-02-01 10:00")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "plugins")}
    args = [sys.executable, "-m", "holdspace", "build", str(site.content), "-o", str(site.root / "output"),
            "-s", str(DEMO_SETTINGS), "--log-handler", "plain", "-e", *code_and_cache(site)]  # fmt: skip
    start = time.perf_counter()
    subprocess.run(args, cwd=site.root, env=env, capture_output=True, timeout=120, check=True)
    duration = time.perf_counter() - start
    after = snapshot(site.root / "output")
    assert after != before and "comment/late.html" in after
    site.comment("p0", "later", "Yet another comment.", date="2025-02-02 10:00")
    seen = []
    for fraction in (0.1, 0.3, 0.5, 0.7, 0.9, 1.1):
        current = snapshot(site.root / "output")
        process = subprocess.Popen(args, cwd=site.root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(duration * fraction)
        process.send_signal(signal.SIGKILL)
        process.wait()
        seen.append((current, snapshot(site.root / "output")))
    assert run_build(site).returncode == 0
    complete = snapshot(site.root / "output")
    assert "comment/later.html" in complete
    trust["kills"] += len(seen)
    trust["losses"] += sum(1 for current, now in seen if now not in (current, complete))
    for current, now in seen:  # every kill left one whole site: the one before, or the new one
        assert now in (current, complete)
    assert any(now == current == after for current, now in seen), "some kills landed before the end"
    assert not [p for p in site.root.iterdir() if p.name.startswith(".holdspace-building-")]


def test_a_template_error_fails_with_2_and_leaves_the_output_exactly_as_it_was(site, tmp_path):
    import shutil

    site.post("t")
    site.comment("t", "c1")
    assert run_build(site).returncode == 0
    before = snapshot(site.root / "output")
    theme = tmp_path / "broken-theme"
    shutil.copytree(ROOT / "theme", theme)
    article = theme / "templates" / "article.html"
    text = article.read_text(encoding="utf-8")
    end = text.rindex("{% endblock %}")  # inside the block, where Jinja compiles it
    article.write_text(text[:end] + "{{ article.title | no_such_filter }}" + text[end:], encoding="utf-8")
    site.comment("t", "c2", "A comment that arrives with the broken theme.")
    conf = site.write_settings(THEME=str(theme))
    result = run_build(site, settings=str(conf))
    assert result.returncode == 2, result.stderr
    assert "Build failed: " in result.stderr and "no_such_filter" in result.stderr
    assert "the previous site is left as it was" in result.stderr and "Traceback" not in result.stderr
    assert snapshot(site.root / "output") == before
    assert not [p for p in site.root.iterdir() if p.name.startswith(".holdspace-building-")]


def test_a_pelican_cache_cut_off_by_a_killed_build_is_removed_and_the_build_goes_on(site):
    """Pelican writes its cache in place, and stops on a cut-off one (EOFError)."""
    site.post("t")
    site.comment("t", "c1")
    assert run_build(site).returncode == 0
    cache = site.root / ".cache" / "pelican" / "ArticlesGenerator-Readers"
    cache.write_bytes(cache.read_bytes()[: len(cache.read_bytes()) // 2])
    result = run_build(site)
    assert result.returncode == 0, result.stderr
    assert "ArticlesGenerator-Readers: a damaged cache (EOFError), left by a build that was stopped; removed" in (
        result.stderr
    )
    assert run_build(site).returncode == 0 and "damaged" not in run_build(site).stderr
