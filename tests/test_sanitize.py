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
