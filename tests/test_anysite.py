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
