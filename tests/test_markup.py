import pytest

from holdspace.publishing.markup import CommentRenderer

REL = 'rel="nofollow ugc noopener noreferrer"'


@pytest.fixture(scope="module")
def render():
    return CommentRenderer().render


def test_the_comment_subset(render):
    text = "Hello *you* and **all**.\nNew line.\n\n> quoted\n\n1. one\n2. two\n\n- a\n- b\n\nUse `x`.\n\n```\ncode\n```"
    assert render(text) == (
        "<p>Hello <em>you</em> and <strong>all</strong>.<br>\nNew line.</p>\n"
        "<blockquote>\n<p>quoted</p>\n</blockquote>\n"
        "<ol>\n<li>one</li>\n<li>two</li>\n</ol>\n"
        "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n"
        "<p>Use <code>x</code>.</p>\n"
        "<pre><code>code\n</code></pre>"
    )


def test_links_and_bare_urls_get_the_ugc_rel(render):
    assert render("[site](https://example.org/a) and https://example.net/b") == (
        f'<p><a href="https://example.org/a" {REL}>site</a> and '
        f'<a href="https://example.net/b" {REL}>https://example.net/b</a></p>'
    )


def test_headings_and_rules_stay_text(render):
    assert render("# not a heading\n\n---") == "<p># not a heading</p>\n<p>---</p>"


def test_images_never_load(render):
    html = render('![a cat](https://example.org/cat.png) <img src="https://example.org/x.png">')
    assert "<img" not in html
    assert "cat.png" in html  # the address is left as a link the reader may choose to follow


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        '<a href="javascript:alert(1)">x</a>',
        "[x](javascript:alert(1))",
        '<p onclick="alert(1)">x</p>',
        "<iframe src=https://example.org></iframe>",
        "<style>body{display:none}</style>",
        '<svg onload="alert(1)">',
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        '<form action="https://example.org"><input></form>',
    ],
)
def test_nothing_a_commenter_writes_can_run(render, text):
    html = render(text).lower()
    for bad in ("<script", "javascript:", "onclick", "onload", "<iframe", "<style", "<svg", "data:", "<form", "<input"):
        assert bad not in html


def test_one_renderer_serves_many_comments_without_leaking_state(render):
    first = render("[a][ref]\n\n[ref]: https://example.org/ref")
    assert "https://example.org/ref" in first
    assert render("[a][ref]") == "<p>[a][ref]</p>"  # the reference from the first body is gone


def test_the_renderer_version_is_the_same_in_every_process():
    """The cache key must not depend on hash randomisation, or no build would reuse the cache."""
    import os
    import subprocess
    import sys

    from conftest import ROOT

    versions = {
        subprocess.run(
            [sys.executable, "-c", "from holdspace.publishing.markup import VERSION; print(VERSION)"],
            env={**os.environ, "PYTHONPATH": str(ROOT / "plugins"), "PYTHONHASHSEED": str(seed)},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in (1, 2, 3)
    }
    assert len(versions) == 1
