"""Sanitized comment HTML as plain text (what the show command prints and search indexes).
A table of exact outputs, and the fast way equal to Python's HTMLParser on every body of
the outside corpora."""

import json

import pytest

from conftest import SHARED_DATA
from holdspace.publishing import plaintext
from holdspace.publishing.plaintext import as_text


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("", ""),
        ("<p>one</p><p>two</p>", "one\n\ntwo"),
        ("<p>a<br>\nb</p>", "a\nb"),
        ("<p>   lots    of   space  </p>", "lots of space"),
        ("<ul>\n<li>a</li>\n<li>b</li>\n</ul>", "- a\n- b"),
        ('<ol start="3"><li>c</li></ol>', "- c"),
        ("<blockquote>\n<p>one</p>\n<p>two</p>\n</blockquote>\n<p>after</p>", "> one\n>\n> two\n\nafter"),
        ("<blockquote><blockquote><p>deep</p></blockquote></blockquote>", "> > deep"),
        ("<p><code>x &lt; y</code> &amp; <em>z</em></p>", "x < y & z"),
        ('<p><a href="https://e.example/">e</a> and <a>no href</a></p>', "e <https://e.example/> and no href"),
        ('<p>the <a href="{filename}/pages/g.md">guidelines</a>, <a href="/about/">about</a></p>', "the guidelines, about"),
        ("<pre><code>a\n  b\n</code></pre>", "a\n  b"),
        ('<p>Hi <a href="https://example.org" rel="x">there</a><br>\nnext</p>\n<pre><code>a\n  b\n</code></pre>',
         "Hi there <https://example.org>\nnext\n\na\n  b"),
        ("AT&T", "AT&T"),  # a title: the text after the last tag is not held back
        ("Q&A", "Q&A"),
        ("<p>x</p>\nfish &chips", "x\nfish &chips"),
    ],
)  # fmt: skip
def test_as_text(html, text):
    assert as_text(html) == text


@pytest.mark.shared_data
def test_the_sanitizer_s_html_is_read_without_htmlparser_to_the_same_text(monkeypatch):
    """Simple HTML (what the sanitizer writes) is read by a regular expression instead of
    Python's HTMLParser: the same text for every XSS payload and WordPress comment of the
    outside corpora as the renderer publishes them, and the WordPress comments' own HTML."""
    import re

    from holdspace.publishing.markup import CommentRenderer

    bodies = []
    for name in ("dompurify-expect.json", "h5sc-items.json", "patt-xss-payloads.json"):
        bodies += [item["payload"] for item in json.loads((SHARED_DATA / name).read_text(encoding="utf-8"))]
    wxr = (SHARED_DATA / "themeunittestdata.wordpress.xml").read_text(encoding="utf-8")
    renderer = CommentRenderer()
    comments = re.findall(r"<wp:comment_content><!\[CDATA\[(.*?)\]\]>", wxr, re.S)
    odd = ["a<br\xa0>b", '<p\x0bclass="x">t</p>', "<P>Up</P>", "<br/>x", '<a href="x"/>y', "</p >z", "x <3 y",
           "&amp;&lt;&#39;&nbsp;&bogus;", '<a href="a&amp;b" title>t</a>', "<p>a</p\n>", "<a  href=\"x\"\t>y</a>"]  # fmt: skip
    texts = [renderer.render(body) for body in bodies + comments] + comments + odd  # and the comments' own HTML
    fast = [as_text(t) for t in texts]
    simple = sum(plaintext._fed_simply(plaintext._Text(), t) for t in texts)
    monkeypatch.setattr(plaintext, "_blocks_text", lambda html: None)
    monkeypatch.setattr(plaintext, "_fed_simply", lambda parser, html: False)  # HTMLParser only
    assert fast == [as_text(t) for t in texts]
    assert len(texts) > 1800 and simple > len(texts) * 0.9  # nearly all took the fast way


def test_the_blocks_of_a_plain_body_are_read_without_tags_to_the_same_text(monkeypatch):
    """HTML of paragraphs, quotes and lists of lines with links (what ``plain_html`` and the
    sanitizer write) is read block by block: for 40,000 random documents of those blocks,
    their lines made of words, white space of every kind Python knows, links with and
    without a rel and an address elsewhere or not, and pieces that break the pattern, the
    same text as Python's HTMLParser gives; and most are read that way."""
    import random
    import re
    import sys

    spaces = [chr(c) for c in range(sys.maxunicode + 1) if re.fullmatch(r"\s", chr(c)) and chr(c) != "\n"]
    rng = random.Random(7)
    links = ['<a href="https://x.org/a" rel="nofollow ugc noopener noreferrer">', '<a href="http://y.net">',
             '<a href="/about/">', '<a href="">', '<a href="mailto:a" rel="">', '<a href="{filename}/p.md">']  # fmt: skip
    words = ["tea", "rain", "it's", '"q"', "é", "中", "a>b", "", " ", "  ", *spaces, *spaces]
    odd = ["<br>", "<em>x</em>", "&amp;", "&", "<", "\n", "<a>x</a>", "</p>", "<li>"]

    def line():
        parts = []
        for _ in range(rng.randrange(6)):
            roll = rng.random()
            if roll < 0.15:
                parts.append(rng.choice(links) + "".join(rng.choice(words) for _ in range(rng.randrange(3))) + "</a>")
            else:
                parts.append(rng.choice(odd) if roll < 0.16 else rng.choice(words))
        return "".join(parts)

    def block():
        lines = [line() for _ in range(rng.randint(1, 4))]
        kind = rng.random()
        if kind < 0.4:
            return "<p>" + "<br>\n".join(lines) + "</p>"
        if kind < 0.7:
            return "<blockquote>\n<p>" + "<br>\n".join(lines) + "</p>\n</blockquote>"
        return "<ul>\n" + "".join(f"<li>{text}</li>\n" for text in lines) + "</ul>"

    docs = ["\n".join(block() for _ in range(rng.randint(1, 5))) + ("\n" if rng.random() < 0.02 else "")
            for _ in range(40_000)]  # fmt: skip
    fast = [as_text(html) for html in docs]
    taken = sum(plaintext._blocks_text(html) is not None for html in docs)
    monkeypatch.setattr(plaintext, "_blocks_text", lambda html: None)
    monkeypatch.setattr(plaintext, "_fed_simply", lambda parser, html: False)  # HTMLParser only
    for html, text in zip(docs, fast, strict=True):
        assert text == as_text(html), html
    assert 15_000 < taken < 39_000, taken


def test_white_space_is_collapsed_as_the_regular_expression_collapses_it():
    """``collapsed`` is ``re.sub(r"\\s+", " ", text)``, for every white space character
    Python knows and anything around them."""
    import random
    import re
    import sys

    from holdspace.publishing.plaintext import collapsed

    spaces = [chr(c) for c in range(sys.maxunicode + 1) if re.fullmatch(r"\s", chr(c))]
    assert len(spaces) > 20 and all(c.isspace() for c in spaces)
    rng = random.Random(4)
    parts = ["a", "bc", "é", "\u200b", "\ufeff", "x y", *spaces, *(s * 2 for s in spaces)]
    for _ in range(50_000):
        text = "".join(rng.choice(parts) for _ in range(rng.randrange(0, 9)))
        assert collapsed(text) == re.sub(r"\s+", " ", text), repr(text)
