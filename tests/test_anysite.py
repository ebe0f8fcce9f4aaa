"""Holdspace in any Pelican site (issue 17): whatever the site's ARTICLE_PATHS, PAGE_PATHS
and excludes, Pelican's readers never see a file of Holdspace's."""

from __future__ import annotations

import logging

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
