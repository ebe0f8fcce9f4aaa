"""Sanitized comment HTML as plain text (what the show command prints and search indexes).
A table of exact outputs."""

import pytest

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
    ],
)  # fmt: skip
def test_as_text(html, text):
    assert as_text(html) == text
