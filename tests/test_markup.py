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


def _markdown_only(monkeypatch):
    from holdspace.publishing import markup

    monkeypatch.setattr(markup, "plain_html", lambda text: None)


def test_a_plain_body_s_html_is_markdown_s_without_markdown():
    """Bodies of lines where no Markdown of the subset can begin are made into paragraphs,
    quotes, lists and line breaks directly: for 110,000 random bodies of words, digits, every
    ASCII punctuation mark, white space of several kinds, other scripts, the beginnings of
    quotes and lists, and links of many kinds, whenever a body is taken that way its HTML
    is exactly Markdown's; and many are, with quotes, lists and links among them."""
    import random
    import string
    from collections import Counter

    from holdspace.publishing.markup import plain_html

    md = CommentRenderer()._md
    rng = random.Random(11)
    pieces = [*(string.ascii_letters + string.digits) * 3, *string.punctuation, " ", " ", "\n", "\n\n", "\n\n\n",
              "\xa0", "\u3000", "\u200b", "\ufeff", "é", "İ", "γ", "中", "😀", "1. ", "2) ", "--", "==", "http", "https://", "www.", "WWW.",
              "x.com", "ftp.", *["\n> ", "\n- ", "\n\n> ", "\n\n- ", "> ", "- ", ">", "-"] * 6]  # fmt: skip
    words = ["tea", "rain", "Hello", "it's", "I", "the", "3", "10", "a", "B"]

    def compared(bodies):
        """Each body taken the plain way compared with Markdown's HTML; how many were taken,
        and with quotes, lists and links."""
        seen = Counter()
        for text in bodies:
            html = plain_html(text)
            if html is not None:
                assert html == md.reset().convert(text), text
                seen.update(["taken", *(tag for tag in ("<blockquote>", "<ul>", "<a ") if tag in html)])
        return seen

    def scattered():  # words and pieces anywhere
        for _ in range(60_000):
            count = rng.randrange(40)
            yield "".join(rng.choice(words) + " " if rng.random() < 0.4 else rng.choice(pieces) for _ in range(count))

    seen = compared(scattered())
    assert seen["taken"] > 8_000 and min(seen["<blockquote>"], seen["<ul>"]) > 400, seen
    markers = ["", "", "> ", "> ", "- ", "- ", ">", "-", ">  ", "-  ", "> > ", "- - ", "> - ", "- > ", "1. ", " - "]

    def blocks():  # paragraphs, quotes and lists, their markers right and wrong
        for _ in range(20_000):
            body = []
            for _ in range(rng.randint(1, 5)):
                marker = rng.choice(markers)
                lines = []
                for _ in range(rng.randint(1, 4)):
                    text = "".join(
                        rng.choice(words) + " " if rng.random() < 0.98 else rng.choice(pieces) for _ in range(6)
                    )
                    lines.append((marker if rng.random() < 0.95 else rng.choice(markers)) + text.strip(" "))
                body.append("\n".join(lines) + rng.choice(["\n\n", "\n\n", "\n\n\n", "\n"]))
            yield "".join(body)

    seen = compared(blocks())
    assert seen["taken"] > 1_200 and min(seen["<blockquote>"], seen["<ul>"]) > 450, seen
    links = ["https://example.org/tea", "http://a.b", "https://x.org/", "https://x.org/a-b/c", "https://example.net.",
             "[this page](https://example.org/tea)", "[a b](http://x.org)", "![a](https://x.org/a)", "[a](https://x.org",
             "[](https://x.org)", "[ a](https://x.org)", "[a ](https://x.org)", "https://X.org", "https://x.org/a_b",
             "https://localhost/x", "https://x.org/a.b", "https://x.org/a?b=1", "https://x.org/a_", "https://x.org/a-",
             '[a](https://x.org/a "t")', "[[a]](https://x.org)", "https://1.2.3.4/x", "https://x-.org", "https://x.o",
             "ftp://x.org", "[https://x.org](https://x.org)", "[a](<https://x.org>)", "[a]\n(https://x.org)"]  # fmt: skip
    around = ["(", ")", ".", ",", "!", "?", "..", ":", ";", "'", '"', "/", "-", "=", "#", "\n", "\n\n", "> ", "- "]

    def linked():  # links, the simplest kinds and others, next to words, punctuation and markers
        for _ in range(30_000):
            parts = []
            for _ in range(rng.randrange(1, 14)):
                roll = rng.random()
                parts.append(
                    rng.choice(links) if roll < 0.3 else rng.choice(around) if roll < 0.45 else rng.choice(words)
                )
                parts.append(" " if rng.random() < 0.8 else "")
            yield "".join(parts).strip(" ")

    seen = compared(linked())
    assert seen["taken"] > 5_000 and seen["<a "] > 1_200, seen


@pytest.mark.shared_data
def test_every_outside_body_renders_the_same_with_or_without_the_plain_way(monkeypatch):
    """The XSS corpora's payloads, the WordPress export's comments and the demo's (a copy in
    the tests' fixtures), with Windows line ends too: the same
    sanitized HTML whether a plain body skips Markdown or not."""
    import json
    import re

    from conftest import DEMO_SITE, SHARED_DATA
    from holdspace.publishing.markup import plain_html

    bodies = []
    for name in ("dompurify-expect.json", "h5sc-items.json", "patt-xss-payloads.json"):
        bodies += [item["payload"] for item in json.loads((SHARED_DATA / name).read_text(encoding="utf-8"))]
    wxr = (SHARED_DATA / "themeunittestdata.wordpress.xml").read_text(encoding="utf-8")
    bodies += re.findall(r"<wp:comment_content><!\[CDATA\[(.*?)\]\]>", wxr, re.S)
    demo = [
        p.read_text(encoding="utf-8").split("\n\n", 1)[1] for p in (DEMO_SITE / "content" / "comments").rglob("*.md")
    ]
    bodies += demo + [body.replace("\n", "\r\n") for body in demo]
    renderer = CommentRenderer()
    rendered = [renderer.render(body) for body in bodies]
    plain = sum(plain_html(body) is not None for body in bodies)
    _markdown_only(monkeypatch)
    assert rendered == [renderer.render(body) for body in bodies]
    assert len(bodies) > 2000 and plain > 150  # most of the demo's comments are plain


def test_the_plain_way_knows_every_step_markdown_takes():
    """``plain_html`` is Markdown's output only for the steps this renderer has: a Markdown or
    pymdown-extensions release, or a setting, that adds or changes one must fail here, so
    that ``_NOT_PLAIN`` is checked again (and this list with it)."""
    md = CommentRenderer()._md
    steps = {
        "preprocessors": md.preprocessors, "block": md.parser.blockprocessors, "inline": md.inlinePatterns,
        "tree": md.treeprocessors, "post": md.postprocessors,
    }  # fmt: skip
    assert {kind: [item.name for item in registry._priority] for kind, registry in steps.items()} == {
        "preprocessors": ["normalize_whitespace", "html_block", "fenced_code_block"],
        "block": ["empty", "indent", "code", "olist", "ulist", "quote", "reference", "paragraph"],
        "inline": ["backtick", "escape", "reference", "link", "short_reference", "autolink", "automail", "linebreak",
                   "html", "magic-link", "magic-mail", "entity", "em_strong", "nl"],
        "tree": ["inline", "prettify", "unescape"],
        "post": ["raw_html", "amp_substitute"],
    }  # fmt: skip
    magiclink = md.inlinePatterns["magic-link"].config
    assert not (magiclink["repo_url_shorthand"] or magiclink["social_url_shorthand"])  # "#123", "@name": text
