"""Holdspace in any Pelican site (issue 17): whatever the site's ARTICLE_PATHS, PAGE_PATHS
and excludes, Pelican's readers never see a file of Holdspace's."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest


@pytest.mark.parametrize("paths", [{"ARTICLE_PATHS": [""]}, {"ARTICLE_PATHS": [""], "PAGE_PATHS": [""]},
                                   {"ARTICLE_PATHS": [""], "STATIC_PATHS": [""], "ARTICLE_EXCLUDES": ["drafts"]}])  # fmt: skip
def test_no_reader_of_pelican_s_sees_a_comment_file(site, caplog, paths):
    site.post("t", "Tea")
    site.comment("t", "c1", "Marigold tea helped.")
    site.comment("t", "c2", "So did walking.")
    with caplog.at_level(logging.DEBUG):
        built = site.build(**paths)
    about_comments = [r.getMessage() for r in caplog.records if "comments" in r.getMessage() and
                      r.name.startswith("pelican") and r.levelno >= logging.WARNING]  # fmt: skip
    assert about_comments == []
    assert built.report.posts == 1 and built.report.published == 2
    page = built.html("t/index.html")
    assert page.count('id="comment-c1"') == 1 and "Marigold tea helped." in page
    assert not (built.output / "comments").exists()  # no comment file copied as it is, nor written as a page
    assert sorted(p.name for p in built.output.rglob("*.md")) == []


def test_a_theme_s_own_holdspace_template_is_used_in_place_of_the_plugin_s(site, tmp_path):
    import shutil

    from conftest import ROOT

    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    (theme / "templates" / "holdspace").mkdir()
    (theme / "templates" / "holdspace" / "crisis.html").write_text(
        '<aside class="my-crisis">Call the line our community trusts.</aside>\n', encoding="utf-8"
    )
    site.post("t", "Tea")
    site.comment("t", "c1", "Marigold tea helped.")
    page = site.build(THEME=str(theme)).html("t/index.html")
    assert page.count("Call the line our community trusts.") == 1  # the theme's, once
    assert "If you are struggling right now" not in page  # not the plugin's
    assert 'id="comment-c1"' in page  # the plugin's thread, found after the theme's templates


def test_the_plugin_s_templates_ship_with_it_and_holdspace_s_theme_has_none_of_its_own():
    from conftest import ROOT
    from holdspace.settings import TEMPLATES

    names = sorted(p.name for p in (ROOT / "plugins" / "holdspace" / "templates" / "holdspace").glob("*.html"))
    assert TEMPLATES == str(ROOT / "plugins" / "holdspace" / "templates") and "thread.html" in names
    assert not (ROOT / "theme" / "templates" / "holdspace").exists()  # so any theme can override them


@pytest.mark.parametrize("theme", ["notmyidea", "simple"])
def test_pelican_s_own_themes_build_with_the_plugin_s_search_page(site, theme):
    """No template of the theme's edited: the search page is the plugin's, in the theme's
    base.html, with the plugin's search.js copied into the site."""
    from htmltree import parse

    site.post("t", "Tea")
    site.comment("t", "c1", "Marigold tea helped.")
    built = site.build(THEME=theme)
    search = parse(built.html("search/index.html"))
    [form] = [f for f in search.find_all("form") if f.attrs.get("id") == "search-page-form"]
    assert form.attrs["data-index"] == "../search/data/"
    scripts = [s.attrs.get("src") for s in search.find_all("script")]
    assert "../holdspace/js/search.js" in scripts and (built.output / "holdspace" / "js" / "search.js").is_file()
    assert (built.output / "holdspace" / "css" / "holdspace.css").is_file()
    assert list((built.output / "search" / "data").glob("*.json"))  # the index, exported
    page = built.html("t/index.html")  # the theme's own article page, and the plugin's thread after the post
    assert "<p>The body of t.</p>" in page and "&lt;p&gt;" not in page  # the theme's HTML as it was written
    assert page.count('id="comment-c1"') == 1 and page.count('id="respond"') == 1 and page.count('id="crisis"') == 1
    assert page.index("<p>The body of t.</p>") < page.index('id="comment-c1"') < page.index('id="respond"')


@pytest.mark.parametrize("theme", ["notmyidea", "simple"])
def test_commenters_words_are_escaped_in_any_theme_and_the_thread_can_be_left_out(site, theme):
    site.post("t", "Tea")
    site.comment("t", "c1", "<script>alert(1)</script>Two < three & four.", author="<i>Sam</i>")
    page = site.build(THEME=theme).html("t/index.html")
    assert "alert(1)" not in page and "Two &lt; three &amp; four." in page
    assert "<i>Sam" not in page and "&lt;i&gt;Sam&lt;/i&gt;" in page  # a pseudonym is text, in any theme
    page = site.build(THEME=theme, COMMENTS_BELOW_CONTENT=False).html("t/index.html")
    assert 'id="comment-c1"' not in page and "<p>The body of t.</p>" in page


PELICAN_DEFAULTS = {  # a site as pelican-quickstart leaves it: Pelican's own URLs and folders
    "ARTICLE_PATHS": [""], "PAGE_PATHS": ["pages"], "STATIC_PATHS": ["images"],
    "ARTICLE_URL": "{slug}.html", "ARTICLE_SAVE_AS": "{slug}.html",
    "PAGE_URL": "pages/{slug}.html", "PAGE_SAVE_AS": "pages/{slug}.html",
    "ARTICLE_LANG_URL": "{slug}-{lang}.html", "ARTICLE_LANG_SAVE_AS": "{slug}-{lang}.html",
    "TEMPLATE_PAGES": {"extra/books.html": "books.html"}, "ARTICLE_EXCLUDES": ["extra"], "PAGE_EXCLUDES": ["extra"],
}  # fmt: skip


def common_layout(site):
    """Articles at the top of content/ and in category folders, a translation, a draft, a hidden
    page, a static file and a template page, with comments on two posts and on the page."""
    content = site.root / "content"
    (content / "first.md").write_text("Title: First\nDate: 2025-01-01 09:00\nSlug: first\n\nThe first.\n", "utf-8")
    (content / "first-fr.md").write_text("Title: Premier\nDate: 2025-01-01 09:00\nSlug: first\nLang: fr\n\n"
                                         "Le premier.\n", "utf-8")  # fmt: skip
    (content / "travel").mkdir()
    (content / "travel" / "second.md").write_text("Title: Second\nDate: 2025-02-01 09:00\n\nThe second.\n", "utf-8")
    (content / "draft.md").write_text("Title: Draft\nDate: 2025-03-01\nStatus: draft\n\nNot yet.\n", "utf-8")
    (content / "pages" / "about.md").write_text("Title: About\nComments: open\n\nAbout us.\n", "utf-8")
    (content / "pages" / "hidden.md").write_text("Title: Hidden\nStatus: hidden\n\nHidden.\n", "utf-8")
    (content / "images").mkdir()
    (content / "images" / "pic.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (content / "extra").mkdir()
    (content / "extra" / "books.html").write_text('{% extends "base.html" %}{% block content %}Books{% endblock %}',
                                                  "utf-8")  # fmt: skip
    site.comment("first", "f1", "Marigold tea on the first.", author="Mira")
    site.comment("first", "f2", "A reply on the first.", author="Jo", reply_to="f1")
    site.comment("second", "s1", "Walking on the second.", author="Ana")
    site.comment("about", "a1", "Hello about.", author="Bo")


@pytest.mark.parametrize("theme", ["holdspace", "notmyidea", "simple"])
def test_a_common_pelican_layout_builds_with_each_thread_on_its_page_once(site, theme, caplog):
    from conftest import ROOT

    common_layout(site)
    settings = {**PELICAN_DEFAULTS, "THEME": str(ROOT / "theme") if theme == "holdspace" else theme}
    with caplog.at_level(logging.WARNING):
        built = site.build(**settings)
    assert [
        r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING and r.name.startswith("pelican")
    ] == []
    assert built.report.problems == [] and built.report.published == 4
    for path, ids, others in (("first.html", ["f1", "f2"], ["s1", "a1"]), ("second.html", ["s1"], ["f1", "a1"]),
                              ("pages/about.html", ["a1"], ["f1", "s1"])):  # fmt: skip
        page = built.html(path)
        assert [page.count(f'id="comment-{i}"') for i in ids] == [1] * len(ids), (path, theme)
        assert [page.count(f'id="comment-{i}"') for i in others] == [0] * len(others), (path, theme)
    french = built.html("first-fr.html")  # a translation: its comments are the original's, linked, not copied
    assert 'id="comment-f1"' not in french and '<a href="./first.html#comments" hreflang="en">' in french
    assert (built.output / "images" / "pic.png").is_file() and "Books" in built.html("books.html")
    assert not (built.output / "draft.html").exists() and (built.output / "drafts" / "draft.html").exists()
    assert not list(built.output.rglob("*.md"))  # no comment file copied or written as a page
    words = " ".join((p.read_text("utf-8")) for p in (built.output / "search" / "data").rglob("*.json"))
    assert "marigold" in words.lower() and "walking" in words.lower()  # search found the comments


def test_a_pelican_quickstart_site_following_the_docs_builds_with_comments_and_search(tmp_path):
    """pelican-quickstart's own pelicanconf.py, the settings docs/existing-site.md gives, its
    moderation folder and its build command (holdspace-build, as the Makefile's PELICAN)."""
    import os
    import re
    import shutil
    import subprocess
    import sys

    import jinja2
    import pelican

    from conftest import DEMO_SITE, ROOT

    quickstart = os.path.join(os.path.dirname(pelican.__file__), "tools", "templates", "pelicanconf.py.jinja2")
    conf = jinja2.Template(Path(quickstart).read_text(encoding="utf-8")).render(
        author='"Ana"', sitename='"Our Site"', timezone='"Europe/Paris"', lang='"en"', default_pagination="10"
    )
    doc = (ROOT / "docs" / "existing-site.md").read_text(encoding="utf-8")
    [block] = re.findall(r"```python\n(.*?)```", doc, re.S)
    site = tmp_path / "site"
    (site / "content" / "comments" / "tea").mkdir(parents=True)
    (site / "pelicanconf.py").write_text(conf + "\nRELATIVE_URLS = True\n" + block, encoding="utf-8")
    (site / "content" / "tea.md").write_text("Title: Tea\nDate: 2025-01-01 09:00\n\nAbout tea.\n", "utf-8")
    (site / "content" / "comments" / "tea" / "c1.md").write_text(
        "Author: Mira\nEmail: mira@example.org\nDate: 2025-01-02 10:00\n\nMarigold tea helped.\n", "utf-8"
    )
    for folder in ("queue", "rejected"):
        (site / "moderation" / folder).mkdir(parents=True)
    shutil.copyfile(DEMO_SITE / "moderation" / "guidelines.toml", site / "moderation" / "guidelines.toml")
    build = ("import sys; from holdspace.cli.main import build_main; "
             "sys.argv = ['holdspace-build', 'content', '-o', 'output', '-s', 'pelicanconf.py']; sys.exit(build_main())")  # fmt: skip
    result = subprocess.run([sys.executable, "-c", build], cwd=site, capture_output=True, text=True, timeout=120,
                            env={**os.environ, "PYTHONPATH": str(ROOT / "plugins")})  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "1 posts, 1 comments published, 0 held back" in result.stderr
    page = (site / "output" / "tea.html").read_text(encoding="utf-8")  # Pelican's own URLs, its own theme
    assert page.count('id="comment-c1"') == 1 and "Marigold tea helped." in page and "mira@example.org" not in page
    assert 'id="search-page-form"' in (site / "output" / "search" / "index.html").read_text(encoding="utf-8")
    assert "marigold" in " ".join(p.read_text("utf-8") for p in (site / "output" / "search" / "data").rglob("*.json"))


@pytest.mark.trust
@pytest.mark.shared_data
@pytest.mark.parametrize("theme", ["notmyidea", "simple"])
def test_the_xss_corpora_and_the_privacy_scan_hold_with_pelican_s_themes(site, theme, trust):
    """Every payload of the three corpora as a comment, shown by a stock theme through the
    plugin's templates: nothing that can run or load; and no address in any built file."""
    import re

    from test_xss import BAD_SCHEME, FORBIDDEN, URL_ATTRS, comment_areas, payloads

    from htmltree import parse

    bodies = [b for b in payloads() if b.strip()]
    for p in range(0, len(bodies), 300):
        site.post(f"p{p}", f"Post {p}")
        for i, body in enumerate(bodies[p : p + 300]):
            site.comment(f"p{p}", f"b{p + i:04d}", body, author=f"N{i}", email=f"canary{p + i}@leak.invalid")
    site.comment("p0", "waiting", "Queued words.", email="queued.canary@leak.invalid", folder="moderation/queue")
    built = site.build(THEME=theme, AVATARS="none", COMMENTS_PER_PAGE=1000)
    shown = 0
    for p in range(0, len(bodies), 300):
        for li in comment_areas(parse(built.html(f"p{p}/index.html"))):
            shown += 1
            for element in li.iter():
                assert element.tag not in FORBIDDEN, (li.attrs["id"], element.tag)
                for name, value in element.attrs.items():
                    assert not name.lower().startswith("on") and name.lower() not in ("style", "srcdoc"), name
                    assert not (name.lower() in URL_ATTRS and value and BAD_SCHEME.match(value)), (name, value)
    trust["vectors"] += shown
    assert shown >= 1790
    leaks = [p for p in built.files() if re.search(rb"leak\.invalid|Queued words", p.read_bytes())]
    trust["scanned"] += len(built.files())
    assert leaks == []


@pytest.mark.browser
@pytest.mark.axe
@pytest.mark.trust
@pytest.mark.parametrize("theme", ["notmyidea", "simple"])
def test_axe_core_finds_nothing_serious_in_the_plugin_s_parts_of_a_stock_theme_s_page(site, theme, trust):
    from playwright.sync_api import sync_playwright
    from test_a11y import AXE_RUN
    from test_browser import CHROMIUM_ARGS

    from conftest import AXE, chromium_path, serve_folder

    site.post("t", "Tea")
    site.comment("t", "c1", "Marigold tea helped.", author="Mira")
    site.comment("t", "c2", "Thank you.", author="Jo", reply_to="c1")
    built = site.build(THEME=theme, COMMENT_INTAKE_URL="http://127.0.0.1:9/comment", AVATARS="names")
    with serve_folder(built.output) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        page = browser.new_context(bypass_csp=True).new_page()
        page.goto(f"{base}/t/#comment-c2")
        page.add_script_tag(path=str(AXE))
        found = page.evaluate(AXE_RUN, ".holdspace")
        honeypot_shown = page.locator(".leave-empty").first.is_visible()
        browser.close()
    trust["a11y_pages"] += 1
    serious = [v for v in found if v["impact"] in ("serious", "critical")]
    trust["a11y_violations"] += len(serious)
    trust["a11y_any"] += len(found)
    assert serious == [] and not honeypot_shown


@pytest.mark.browser
@pytest.mark.trust
@pytest.mark.parametrize("theme", ["notmyidea", "simple", "simple, loading a font from elsewhere"])
def test_strict_privacy_with_a_stock_theme_asks_no_other_host_and_reports_one_that_does(site, theme, tmp_path,
                                                                                       trust):  # fmt: skip
    """Every page opened in Chromium with PRIVACY_STRICT: Pelican's own themes ask no other
    host; a theme that does is reported by the check, not hidden by Holdspace. The plugin's
    parts hold nothing a Content-Security-Policy without 'unsafe-inline' would refuse."""
    import shutil

    import pelican
    from playwright.sync_api import sync_playwright
    from test_a11y import every_page, requests_while_visiting
    from test_browser import CHROMIUM_ARGS

    from conftest import chromium_path, serve_folder
    from htmltree import parse

    path = theme
    if theme.startswith("simple, "):
        path = str(tmp_path / "cdn-theme")
        shutil.copytree(Path(pelican.__file__).parent / "themes" / "simple", path)
        base_html = Path(path) / "templates" / "base.html"
        base_html.write_text(base_html.read_text("utf-8").replace(
            "</head>", '<link rel="stylesheet" href="https://fonts.example.com/css?family=Any">\n</head>', 1), "utf-8")  # fmt: skip
    site.post("t", "Tea")
    site.comment("t", "c1", "My therapist said marigold tea.", author="Mira")  # what every_page searches
    built = site.build(THEME=path, PRIVACY_STRICT=True, COMMENT_INTAKE_URL="/intake/")
    for doc in (parse(built.html(p)) for p in ("t/index.html", "search/index.html")):
        for part in [e for e in doc.iter() if "holdspace" in (e.attrs.get("class") or "").split()]:
            for element in part.iter():
                assert not (element.tag == "script" and not element.attrs.get("src")), "an inline script"
                assert not ({"style"} | {a for a in element.attrs if a.startswith("on")}) & set(element.attrs), (
                    element.attrs
                )
    with serve_folder(built.output) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        offsite, opened = requests_while_visiting(browser, base, every_page(built.output))
        browser.close()
    trust["strict_pages"] += opened
    if theme.startswith("simple, "):
        assert offsite and all(r.startswith("https://fonts.example.com/") for r in offsite)  # reported
    else:
        trust["offsite_requests"] += len(offsite)
        assert offsite == []


def test_comment_pages_after_the_first_work_in_a_stock_theme(site):
    site.post("t", "Tea")
    site.comment("t", "c1", "First.", date="2025-01-02 10:00")
    site.comment("t", "c2", "Second.", date="2025-01-03 10:00")
    built = site.build(THEME="notmyidea", COMMENTS_PER_PAGE=1)
    first, second = built.html("t/index.html"), built.html("t/comment-page-2/index.html")
    assert first.count('id="comment-c1"') == 1 and 'id="comment-c2"' not in first
    assert second.count('id="comment-c2"') == 1 and 'id="comment-c1"' not in second
    assert 'href="../comment-page-2/"' in first or "comment-page-2/" in first  # the pager leads on


@pytest.mark.parametrize("theme", ["notmyidea", "simple"])
def test_a_content_warning_covers_the_post_and_its_comments_in_a_stock_theme(site, theme):
    from htmltree import parse

    site.post("t", "Hard Night", content_warning="self-harm")
    site.comment("t", "c1", "Hugs.", author="Mira")
    page = site.build(THEME=theme).html("t/index.html")
    doc = parse(page)
    [details] = [d for d in doc.find_all("details") if "content-warning" in (d.attrs.get("class") or "")]
    inside = details.text()
    assert "The body of t." in inside and "Hugs." in inside  # the post and its comments, behind it
    assert "Content warning: self-harm." in details.find_all("summary")[0].text()
    assert "Show the post and its comments" in inside and "Hide the post and its comments" in inside
    assert page.count("The body of t.</p>") == 1  # the content moved inside, not copied
    assert 'id="crisis"' in page and page.index("</details>") < page.index('id="crisis"')  # help stays outside


@pytest.mark.parametrize("case", ["comments through a symbolic link", "paths spelled with a dot"])
def test_no_comment_file_is_read_or_copied_however_the_folders_are_spelled(site, tmp_path, caplog, case):
    import shutil

    site.post("t", "Tea")
    site.comment("t", "c1", "Marigold tea helped.", email="canary@leak.invalid")
    settings: dict = {"ARTICLE_PATHS": [""], "STATIC_PATHS": [""]}
    if case.startswith("comments through"):
        private = tmp_path / "private-comments"
        shutil.move(site.root / "content" / "comments", private)
        (site.root / "content" / "comments").symlink_to(private)
    else:
        settings = {"ARTICLE_PATHS": ["."], "STATIC_PATHS": ["."], "PAGE_PATHS": ["./pages"]}
    with caplog.at_level(logging.WARNING):
        built = site.build(**settings)
    assert [r.getMessage() for r in caplog.records if "comments" in r.getMessage()] == []
    assert [p for p in built.files() if b"leak.invalid" in p.read_bytes()] == []  # no copy of the file
    assert built.html("t/index.html").count('id="comment-c1"') == 1


def test_a_warned_post_whose_html_the_theme_changes_keeps_its_comments_behind_the_warning(site, tmp_path):
    """A theme that rewrites the post's HTML ({{ article.content | replace(...) }}): the
    content cannot be found as written, so the thread goes behind the warning, before </body>."""
    import shutil

    import pelican

    theme = tmp_path / "theme"
    shutil.copytree(Path(pelican.__file__).parent / "themes" / "simple", theme)
    article = theme / "templates" / "article.html"
    article.write_text(article.read_text("utf-8").replace("{{ article.content }}",
                       '{{ article.content | replace("<p>", "<p class=\\"x\\">") }}'), "utf-8")  # fmt: skip
    site.post("t", "Hard Night", content_warning="self-harm")
    site.comment("t", "c1", "Hugs from Mira.", author="Mira")
    page = site.build(THEME=str(theme)).html("t/index.html")
    assert '<p class="x">The body of t.' in page  # the theme's own rewriting, shown as it wrote it
    assert page.count('id="comment-c1"') == 1 and page.index("<details") < page.index('id="comment-c1"')
    assert page.index('id="comment-c1"') < page.index("</details>") < page.index('id="respond"')


def test_holdspace_s_theme_gets_no_second_warning_on_a_warned_page_without_a_thread(site):
    (site.root / "content" / "pages" / "hard.md").write_text("Title: Hard\nContent-Warning: loss\n\nA hard page.\n",
                                                            "utf-8")  # fmt: skip
    page = site.build().html("pages/hard/index.html")
    assert page.count('id="content-warning"') == 1 and "A hard page." in page


def test_escaping_follows_the_template_not_just_its_name():
    from holdspace.glue.rewrite import Escaping

    stock = Escaping(False, frozenset({"base.html", "search.html"}))
    assert stock("holdspace/thread.html") and stock("./holdspace/thread.html")  # commenters' words: always
    assert stock("comment_redirect.html") and not stock("search.html")  # the theme's own search page, as written
    assert not stock("article.html") and stock(None)
    assert Escaping(True)("article.html") and Escaping(lambda n: n.endswith(".xml"))("feed.xml")
    assert not Escaping(lambda n: n.endswith(".xml"))("index.html")


def test_a_theme_s_own_search_page_is_used_as_it_was_written(site, tmp_path):
    import shutil

    import pelican

    theme = tmp_path / "theme"
    shutil.copytree(Path(pelican.__file__).parent / "themes" / "simple", theme)
    (theme / "templates" / "search.html").write_text(
        '{% extends "base.html" %}{% block content %}<p id="mine">{{ SITESUBTITLE }}</p>{% endblock %}', "utf-8"
    )
    site.post("t", "Tea")
    page = site.build(THEME=str(theme), SITESUBTITLE="Talk <em>gently</em>").html("search/index.html")
    assert '<p id="mine">Talk <em>gently</em></p>' in page  # its own, unescaped as the theme expects


@pytest.mark.parametrize("theme", ["notmyidea", "simple"])
def test_a_stock_theme_s_lists_show_a_warned_post_s_warning_not_its_words(site, theme):
    """notmyidea's index shows its newest post whole and the others' summaries; every list
    (index, category, tag, author, archives) shows the warning in their place instead."""
    site.post("hard", "Hard Night", date="2025-02-01 09:00", content_warning="self-harm", tags="nights")
    site.post("tea", "Tea", tags="nights")
    built = site.build(THEME=theme, SUMMARY_MAX_LENGTH=3)
    lists = [p for p in built.files() if p.suffix == ".html" and "hard" not in p.parts]
    assert len(lists) >= 5  # index, category, tag, author, archives ...
    showing = 0
    for path in lists:
        page = path.read_text("utf-8")
        assert "The body of hard" not in page, path  # neither the whole post nor its summary
        if "The body of" in page and "Hard Night" in page:  # a list that shows words shows the warning
            assert page.count("Content warning:</span> self-harm. The post opens behind this warning.") == 1, path
            showing += 1
    assert showing >= 4, showing
    assert "The body of" in built.html("index.html")  # the other post's words, as the theme shows them
    assert "The body of hard." in built.html("hard/index.html")  # on its own page, behind the warning


def test_a_theme_that_includes_its_own_thread_gets_it_once(site, tmp_path):
    """A theme's article.html includes holdspace/thread.html, which the theme overrides with
    markup of its own: the plugin adds no second thread; a warned post's content still goes
    behind the warning, the theme's thread where the theme put it."""
    import shutil

    import pelican

    theme = tmp_path / "theme"
    shutil.copytree(Path(pelican.__file__).parent / "themes" / "simple", theme)
    article = theme / "templates" / "article.html"
    article.write_text(article.read_text("utf-8").replace("{{ article.content }}",
                       '{{ article.content }}{% include "holdspace/thread.html" %}'), "utf-8")  # fmt: skip
    (theme / "templates" / "holdspace").mkdir()
    (theme / "templates" / "holdspace" / "thread.html").write_text(
        '<section class="my-thread">{% for n in article.comment_thread.by_id.values() %}'
        "<p>{{ n.item.author }}</p>{% endfor %}</section>",
        "utf-8",
    )
    site.post("t", "Tea")
    site.post("hard", "Hard Night", content_warning="loss")
    site.comment("t", "c1", "Marigold tea helped.", author="Mira")
    site.comment("hard", "c2", "Hugs.", author="Noor")
    built = site.build(THEME=str(theme))
    page, hard = built.html("t/index.html"), built.html("hard/index.html")
    assert page.count('class="my-thread"') == 1 and page.count("<p>Mira</p>") == 1
    assert "comments-title" not in page  # not the plugin's thread as well
    assert hard.count('class="my-thread"') == 1 and hard.count('id="content-warning"') == 1
    assert hard.index("<details") < hard.index("The body of hard.") < hard.index("</details>")
    assert "Show the post<" in hard  # what opening it shows: the post (its thread is the theme's)


def test_a_site_whose_content_is_its_own_folder_keeps_moderation_in_it(tmp_path):
    """PATH = "." (the posts beside pelicanconf.py): the project folder is the site's own, so
    moderation/, the cache and the private folder are made in it, not one folder up, and
    nothing of them is read or copied as content."""
    import os
    import subprocess
    import sys

    from conftest import ROOT

    site = tmp_path / "site"
    (site / "comments" / "tea").mkdir(parents=True)
    (site / "pelicanconf.py").write_text(
        'PATH = "."\nARTICLE_PATHS = [""]\nSTATIC_PATHS = [""]\nPLUGINS = ["holdspace"]\nTIMEZONE = "UTC"\n'
        'SITENAME = "Ours"\nRELATIVE_URLS = True\nOUTPUT_PATH = "output"\n',
        "utf-8",
    )
    (site / "tea.md").write_text("Title: Tea\nDate: 2025-01-01 09:00\n\nAbout tea.\n", "utf-8")
    (site / "comments" / "tea" / "c1.md").write_text(
        "Author: Mira\nEmail: mira@leak.invalid\nDate: 2025-01-02 10:00\n\nMarigold tea helped.\n", "utf-8"
    )
    (site / "moderation" / "queue" / "tea").mkdir(parents=True)
    (site / "moderation" / "queue" / "tea" / "q1.md").write_text(
        "Author: Noor\nEmail: noor@leak.invalid\nDate: 2025-01-03 10:00\n\nWaiting.\n", "utf-8"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "plugins")}
    build = subprocess.run([sys.executable, "-m", "holdspace", "build", "-s", "pelicanconf.py"], cwd=site,
                           capture_output=True, text=True, timeout=120, env=env)  # fmt: skip
    assert build.returncode == 0, build.stderr
    assert "1 comments published, 0 held back, 1 waiting in moderation/queue/" in build.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # nothing made one folder up
    assert (site / ".cache" / "holdspace").is_dir()
    output = site / "output"
    assert (output / "tea.html").read_text("utf-8").count('id="comment-c1"') == 1
    assert [p for p in output.rglob("*") if p.is_file() and b"leak.invalid" in p.read_bytes()] == []
    assert not (output / "moderation").exists() and not (output / ".cache").exists()


def test_the_intake_finds_its_page_in_theme_templates_overrides_as_pelican_does(tmp_path):
    """Pelican looks in THEME_TEMPLATES_OVERRIDES before the theme: so does the intake, for
    intake.html (the page a sent form comes back as) and what it includes."""
    import pelican

    from holdspace.intake.pages import Pages
    from holdspace.settings import holdspace_settings

    overrides = tmp_path / "overrides"
    overrides.mkdir()
    (overrides / "intake.html").write_text('<main id="ours">{{ title }}{% include "mine.html" %}</main>', "utf-8")
    (overrides / "mine.html").write_text("<p>{{ SITENAME }}</p>", "utf-8")
    theme = str(Path(pelican.__file__).parent / "themes" / "simple")  # which has no intake.html
    settings = {**holdspace_settings({}), "THEME": theme, "SITENAME": "Ours <3"}
    plain = Pages(settings, dict).render(True, "Thank you", ["Your comment waits."])[0].decode()
    assert 'id="ours"' not in plain  # without the overrides: the plain page
    settings["THEME_TEMPLATES_OVERRIDES"] = [str(overrides)]
    page = Pages(settings, dict).render(True, "Thank you", ["Your comment waits."])[0].decode()
    assert page == '<main id="ours">Thank you<p>Ours &lt;3</p></main>'


def test_a_warned_post_s_words_stay_out_of_other_pages_and_its_own_description(site, tmp_path):
    """A theme whose post page lists the newest posts with their summaries (a sidebar) and
    describes itself by its summary: another post's page shows the warning in place of the
    warned post's words, and the warned post's own page describes itself by the warning;
    its content is still the one put behind the warning, the first copy on the page."""
    import shutil

    import pelican

    theme = tmp_path / "theme"
    shutil.copytree(Path(pelican.__file__).parent / "themes" / "simple", theme)
    article = theme / "templates" / "article.html"
    text = article.read_text("utf-8").replace(
        "{{ article.content }}",
        "{{ article.content }}<aside>{% for a in articles %}<div class=side>{{ a.summary }}</div>{% endfor %}</aside>",
    )
    article.write_text(text.replace("{% block head %}", '{% block head %}<meta name="description" content="'
                                    '{{ article.summary|striptags }}">', 1), "utf-8")  # fmt: skip
    site.post("hard", "Hard Night", date="2025-02-01 09:00", content_warning="self-harm")
    site.post("tea", "Tea")
    site.comment("hard", "h1", "Hugs.", author="Ana")
    built = site.build(THEME=str(theme))
    tea, hard = built.html("tea/index.html"), built.html("hard/index.html")
    assert "The body of hard" not in tea and "self-harm. The post opens behind this warning." in tea
    assert '<meta name="description" content="Content warning: self-harm.' in hard
    assert hard.count("The body of hard.") == 1  # its content, once, and behind the warning
    assert hard.index("<details") < hard.index("The body of hard.") < hard.index("</details>")


def test_posts_are_themselves_again_after_a_page_that_fails():
    import jinja2

    from holdspace.glue.writer import WarnedWords

    class Article:
        def __init__(self, warning: str) -> None:
            self.metadata = {"content-warning": warning} if warning else {}

        content = property(lambda self: "<p>Words.</p>")
        summary = property(lambda self: "<p>Words.</p>")

    note = "{{ post.metadata['content-warning'] }}"
    env = jinja2.Environment(loader=jinja2.DictLoader({"holdspace/list_warning.html": note,
                                                      "t.html": "{{ a.summary }}|{{ b.content }}|{{ c.content }}"}))  # fmt: skip
    a, b, c = Article("loss"), Article("fear"), Article("")
    page = WarnedWords(env.get_template("t.html"), [a, b], current=b).render({"a": a, "b": b, "c": c})
    assert page == "loss|<p>Words.</p>|<p>Words.</p>"  # b is the page's own post: its content kept
    assert type(a) is Article and type(b) is Article and not hasattr(a, "holdspace_note")
    env.loader.mapping["holdspace/list_warning.html"] = "{{ post.nothing.here }}"
    with pytest.raises(jinja2.UndefinedError):
        WarnedWords(env.get_template("t.html"), [a, b]).render({"a": a, "b": b, "c": c})
    assert type(a) is Article and type(b) is Article and a.content == "<p>Words.</p>"


def test_a_site_moved_to_path_dot_is_told_where_its_moderation_folder_went(tmp_path):
    import os
    import subprocess
    import sys

    from conftest import ROOT

    site = tmp_path / "site"
    site.mkdir()
    (site / "pelicanconf.py").write_text('PATH = "."\nPLUGINS = ["holdspace"]\nTIMEZONE = "UTC"\n', "utf-8")
    (tmp_path / "moderation" / "queue" / "tea").mkdir(parents=True)  # where Holdspace kept it before
    (tmp_path / "moderation" / "queue" / "tea" / "q1.md").write_text("Author: Noor\n\nWaiting.\n", "utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "plugins")}
    for command in (["build"], ["queue"]):
        result = subprocess.run([sys.executable, "-m", "holdspace", *command, "-s", "pelicanconf.py"], cwd=site,
                                capture_output=True, text=True, timeout=120, env=env)  # fmt: skip
        assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
        assert f"{tmp_path / 'moderation'}: Holdspace now keeps moderation in the site's folder" in result.stderr
        assert f"move it to {site / 'moderation'}" in result.stderr
    assert (tmp_path / "moderation" / "queue" / "tea" / "q1.md").is_file() and not (site / "moderation").exists()


def test_later_comment_pages_are_written_with_the_first_page_s_templates(site, monkeypatch):
    """A post's and a page's comment pages after the first are written with the templates of
    the Generator that wrote the first (Pelican's articles' and pages'): each compiled once
    in a build, not again in the comments' own environment."""
    import jinja2

    compiled = []
    compile_ = jinja2.Environment.compile

    def recording(self, source, name=None, *args, **kwargs):
        compiled.append(name)
        return compile_(self, source, name, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", recording)
    site.post("t", "Tea")
    site.page("about", "About", comments="open")
    for thread in ("t", "about"):
        site.comment(thread, f"{thread}1", "First.", date="2025-01-02 10:00")
        site.comment(thread, f"{thread}2", "Second.", date="2025-01-03 10:00")
    built = site.build(COMMENTS_PER_PAGE=1)
    assert built.html("t/comment-page-2/index.html").count('id="comment-t2"') == 1
    [page2] = [p for p in built.output.rglob("comment-page-2/index.html") if "about" in str(p)]
    assert page2.read_text("utf-8").count('id="comment-about2"') == 1
    assert compiled.count("article.html") == 1 and compiled.count("page.html") == 1, compiled
    assert compiled.count("holdspace/thread.html") == 2  # once for posts, once for pages
