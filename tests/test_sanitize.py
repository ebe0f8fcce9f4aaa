import pytest
from hypothesis import given
from hypothesis import strategies as st

from holdspace.publishing.sanitize import clean

fragments = st.lists(
    st.sampled_from(
        ["<p>", "</p>", "<a href='https://example.org'>", "</a>", "<script>", "</script>", "<b>", "<em>", "</em>",
         "<img src=x onerror=alert(1)>", "&amp;", "&lt;", "<", ">", '"', "'", "<!--", "-->", "javascript:", "text",
         "<pre><code>", "</code></pre>", "<blockquote>", "</blockquote>", "<ul><li>", "</li></ul>", "<br>"]
    )
    | st.text(max_size=8)
).map("".join)  # fmt: skip


@given(fragments)
def test_sanitizing_twice_equals_sanitizing_once(html):
    once = clean(html)
    assert clean(once) == once


def test_allowlist():
    assert clean('<p class="x" style="y">a <strong>b</strong> <u>c</u></p>') == "<p>a <strong>b</strong> c</p>"
    assert clean('<a href="https://example.org" target="_blank">x</a>') == (
        '<a href="https://example.org" rel="nofollow ugc noopener noreferrer">x</a>'
    )
    assert clean('<a href="mailto:someone@example.org">x</a>') == '<a rel="nofollow ugc noopener noreferrer">x</a>'
    assert clean("<script>alert(1)</script>ok") == "ok"


REL = 'rel="nofollow ugc noopener noreferrer"'


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<a href="https://example.org">x</a>', f'<a href="https://example.org" {REL}>x</a>'),
        ('<a href="HTTPS://example.org">x</a>', f'<a href="HTTPS://example.org" {REL}>x</a>'),
        ('<a href="https://example.org" title="t">x</a>', f'<a href="https://example.org" title="t" {REL}>x</a>'),
        # relative addresses lead only where a click takes the reader: kept
        ('<a href="/about">x</a>', f'<a href="/about" {REL}>x</a>'),
        ('<a href="//example.org/x">x</a>', f'<a href="//example.org/x" {REL}>x</a>'),
        ('<a href="#c1">x</a>', f'<a href="#c1" {REL}>x</a>'),
        ('<a href="?q=1">x</a>', f'<a href="?q=1" {REL}>x</a>'),
        # another scheme, however it is hidden: the address goes, the words stay
        ('<a href="\u2028javascript:alert(1)">x</a>', f"<a {REL}>x</a>"),
        ('<a href="\u200bjavascript:alert(1)">x</a>', f"<a {REL}>x</a>"),
        ('<a href="java\tscript:alert(1)">x</a>', f"<a {REL}>x</a>"),
        ('<a href=" javascript:alert(1)">x</a>', f"<a {REL}>x</a>"),
        ('<a href="JAVASCRIPT:alert(1)">x</a>', f"<a {REL}>x</a>"),
        ('<a href="data:text/html,x">x</a>', f"<a {REL}>x</a>"),
        ('<a href="vbscript:x">x</a>', f"<a {REL}>x</a>"),
        ('<a href="mailto:a@example.org">x</a>', f"<a {REL}>x</a>"),
        ('<a href="tel:+441">x</a>', f"<a {REL}>x</a>"),
        ('<ol start="2" type="a"><li>x</li></ol>', '<ol start="2"><li>x</li></ol>'),
    ],
)
def test_the_link_filter(html, expected):
    assert clean(html) == expected
