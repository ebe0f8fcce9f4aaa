"""Pages linked from the previous build: only when nothing they show has changed."""

import os
import re
import subprocess
import sys

from conftest import ROOT, breaks


def build(site, counted=r"(\d+) pages unchanged, linked from the last build"):
    """Build the site; how many pages the summary line counts (linked, unless ``counted``)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "plugins")}
    result = subprocess.run(
        [sys.executable, "-m", "holdspace", "build", str(site.content), "-o", str(site.root / "output"),
         "-s", str(site.root / "pelicanconf.py"), "--log-handler", "plain"],
        cwd=site.root, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    match = re.search(counted, result.stderr)
    return int(match.group(1)) if match else 0


def page(site, path):
    return (site.root / "output" / path).read_text(encoding="utf-8")


def two_threads(site, **settings):
    site.write_settings(COMMENTS_PER_PAGE=2, **settings)
    for slug in ("a", "b"):
        site.post(slug)
        for i in range(3):
            site.comment(slug, f"{slug}{i}", f"Words {i} on {slug}.", date=f"2025-01-02 10:0{i}")


# Pages of the two threads: a/, a/comment-page-2/, b/, b/comment-page-2/; six redirect pages.
POST_PAGES, REDIRECTS = 4, 6


def test_a_second_build_links_every_post_page_and_redirect(site):
    two_threads(site)
    assert build(site) == 0
    before = page(site, "a/index.html")
    assert build(site) == POST_PAGES + REDIRECTS
    assert page(site, "a/index.html") == before


def test_an_edited_comment_renders_its_thread_again_and_nothing_else(site):
    two_threads(site)
    build(site)
    other = page(site, "b/index.html")
    site.comment("a", "a1", "Edited words on a.", date="2025-01-02 10:01")
    assert build(site) == POST_PAGES - 2 + REDIRECTS
    assert "Edited words on a." in page(site, "a/index.html")
    assert page(site, "b/index.html") == other


def test_an_approved_comment_shows_and_moves_the_counts(site):
    two_threads(site)
    build(site)
    site.comment("b", "b3", "A late reply.", date="2025-01-03 10:00", reply_to="b0")
    assert build(site) == POST_PAGES - 2 + REDIRECTS
    assert "A late reply." in page(site, "b/index.html")
    assert "4 comments" in page(site, "index.html")  # the index is always rendered
    assert "comment/b3.html" in str(list((site.root / "output").rglob("b3.html")))


def test_a_changed_setting_template_input_or_other_post_renders_every_post_page(site):
    two_threads(site)
    build(site)
    two_threads(site, SITESUBTITLE="Another subtitle")
    assert build(site) == REDIRECTS  # the redirect pages do not show the subtitle: the same files
    assert "Another subtitle" in page(site, "a/index.html")
    build(site)
    site.post("b", title="A New Title For B")
    assert build(site) == REDIRECTS  # another post's title: every post page again (lists, navigation)
    assert "A New Title For B" in page(site, "b/index.html")


def test_a_hand_edited_output_file_is_rendered_again(site):
    two_threads(site)
    build(site)
    build(site)
    target = site.root / "output" / "a" / "index.html"
    original = target.read_text(encoding="utf-8")
    with open(target, "a", encoding="utf-8") as f:
        f.write("<!-- edited by hand -->")
    assert build(site) == POST_PAGES + REDIRECTS - 1
    assert page(site, "a/index.html") == original


def test_no_reuse_when_turned_off(site):
    two_threads(site, HOLDSPACE_REUSE_PAGES=False)
    build(site)
    assert build(site) == 0


def test_one_process_and_several_build_the_same_site(tmp_path):
    """HOLDSPACE_WORKERS = 1 does everything in one process; with 2 the search index and its
    export are written by a forked process beside Pelican: the files must not differ. (Bodies
    rendered in worker processes are compared in test_bodycache.py.)"""
    from conftest import Site

    outputs, linked = [], []
    for workers in (1, 2):
        site = Site(tmp_path / f"w{workers}")
        two_threads(site, HOLDSPACE_WORKERS=workers)
        for i in range(3, 30):
            site.comment(
                "a", f"x{i}", f"Comment {i}: *tea* and [rain](https://example.org/{i}).", date="2025-01-03 10:00"
            )
        build(site)
        folder = site.root / "output"
        outputs.append({str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()})
        site.comment("b", "b1", "Words 1 on b, edited.", date="2025-01-02 10:01")
        linked.append(build(site))  # the redirect pages a forked process wrote are recorded, and linked
    assert outputs[0].keys() == outputs[1].keys() and any(k.startswith("search/data/r/") for k in outputs[0])
    assert outputs[0] == outputs[1]
    assert linked[0] == linked[1] == 15 + 33  # a's 15 pages, and every redirect page (b1's is the same)


def test_redirect_pages_failing_in_their_own_process_fail_the_build(site, monkeypatch):
    """With two workers the redirect pages are written by a forked process: an error there
    stops the build, as it would inline."""
    import pytest

    from holdspace.glue import redirects

    two_threads(site)

    breaks(monkeypatch, redirects, "_put", OSError("the disk broke"))
    with pytest.raises(RuntimeError, match="the redirect pages could not be written"):
        site.build(HOLDSPACE_WORKERS=2)
    monkeypatch.undo()
    assert (site.build(HOLDSPACE_WORKERS=2).output / "comment" / "a0.html").exists()


def test_a_new_siteurl_renders_every_page_again(site):
    two_threads(site, RELATIVE_URLS=False, SITEURL="https://one.example")
    build(site)
    two_threads(site, RELATIVE_URLS=False, SITEURL="https://two.example")
    assert build(site) == 0
    assert "https://two.example/a/" in page(site, "a/index.html")
    assert "one.example" not in page(site, "a/index.html") + page(site, "comment/a0.html")


def test_an_edited_post_renders_its_own_pages_again_and_no_other(site):
    two_threads(site)
    build(site)
    path = site.content / "posts" / "b.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nA new paragraph.\n", encoding="utf-8")
    assert build(site) == POST_PAGES - 2 + REDIRECTS
    assert "A new paragraph." in page(site, "b/index.html")


def test_the_page_key_covers_the_code_of_every_stage(tmp_path):
    """Every module of every stage is in the key: a change in any of them renders every page again."""
    import shutil

    from holdspace.glue.pagereuse import files_digest
    from holdspace.glue.writer import PACKAGE, code_files

    package = ROOT / "plugins" / "holdspace"
    assert PACKAGE == str(package)
    every = sorted(str(p) for p in package.rglob("*.py") if "__pycache__" not in p.parts)
    assert code_files() == every and len({p.split("/holdspace/")[1].split("/")[0] for p in every}) >= 9
    copy = tmp_path / "holdspace"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"))
    before = files_digest(code_files(str(copy)))
    for changed in ("archive/values.py", "search/buckets.py", "cli/spell.py"):
        path = copy / changed
        path.write_text(path.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
        after = files_digest(code_files(str(copy)))
        assert after != before, changed
        before = after


def lists_unchanged(site):
    return build(site, r"(\d+) lists unchanged")


def test_a_list_is_rendered_again_only_when_a_post_it_shows_changes(site):
    """With one post a page, an approved comment on b renders again the lists that show b (its
    count changes) and those that show every post; the others are the last build's text."""
    site.write_settings(DEFAULT_PAGINATION=1)
    site.post("a", tags="tea", date="2025-01-01 09:00")
    site.post("b", tags="rain", date="2025-01-02 09:00")
    site.comment("a", "a0", "On a.")
    site.comment("b", "b0", "On b.")
    lists_unchanged(site)
    before = {name: page(site, name) for name in ("tag/tea/index.html", "tag/rain/index.html", "index.html")}
    every = lists_unchanged(site)  # nothing changed: every list is the last build's
    assert every >= 6 and {name: page(site, name) for name in before} == before
    site.comment("b", "b1", "A second word on b.", date="2025-01-03 10:00")
    again = lists_unchanged(site)
    assert 0 < again < every
    assert page(site, "tag/tea/index.html") == before["tag/tea/index.html"]  # shows a only
    assert page(site, "tag/rain/index.html") != before["tag/rain/index.html"]  # shows b: its count
    assert ">2 comments<" in page(site, "tag/rain/index.html") and ">2 comments<" in page(site, "index.html")


def test_a_forked_helper_stopped_by_ctrl_c_prints_no_traceback(capfd):
    """Ctrl-C reaches every process of the build (one process group): a helper it stops
    ends quietly (the build itself says "Interrupted."), one that fails shows why."""
    from holdspace.glue.forks import forked

    def interrupted():
        raise KeyboardInterrupt

    def failing():
        raise OSError("the disk broke")

    codes = [os.waitstatus_to_exitcode(os.waitpid(forked(work), 0)[1]) for work in (interrupted, failing)]
    err = capfd.readouterr().err
    assert codes == [130, 1]
    assert err.count("Traceback") == 1 and "OSError: the disk broke" in err


def test_ctrl_c_is_held_back_while_a_helper_is_forked(monkeypatch, tmp_path):
    """Ctrl-C is held back while a helper is forked (logging's fork hooks would take it and
    print it as an exception ignored, traceback and all), and let through after, in both
    processes."""
    import signal

    from holdspace.glue.forks import forked

    def held() -> bool:
        return signal.SIGINT in signal.pthread_sigmask(signal.SIG_BLOCK, [])

    during, fork = [], os.fork

    def recording_fork():
        during.append(held())
        return fork()

    monkeypatch.setattr(os, "fork", recording_fork)
    child = tmp_path / "child"
    pid = forked(lambda: child.write_text(str(held())))
    assert os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0
    assert during == [True] and child.read_text() == "False" and not held()


def test_redirect_pages_fill_their_values_as_jinja_escapes_them_and_find_the_root_as_pelican():
    from markupsafe import escape
    from pelican.utils import get_relative_path, path_to_url

    from holdspace.glue.redirects import _MARKS, _fill, _root

    pattern = "".join(f"<p>{mark}</p>" for mark in _MARKS.values())
    for value in ("c1", "a&b", "<x>", "it's", 'say "hi"', "é/ü?q=1&r=2", ""):
        values = dict.fromkeys(_MARKS, value)
        assert _fill(pattern, values) == "".join(f"<p>{escape(value)}</p>" for _ in _MARKS)
    roots: dict[str, str] = {}
    for name in ("comment/c1.html", "comment/c2.html", "x.html", "a/b/c/x.html", "a//b.html", "./q.html", "a/b/"):
        assert _root(name, roots) == path_to_url(get_relative_path(name)), name
    assert roots["comment"] == ".."
