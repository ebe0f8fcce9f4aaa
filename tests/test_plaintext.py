from holdspace.publishing.plaintext import as_text


def test_as_text():
    html = '<p>Hi <a href="https://example.org" rel="x">there</a><br>\nnext</p>\n<pre><code>a\n  b\n</code></pre>'
    assert as_text(html) == "Hi there <https://example.org>\nnext\n\na\n  b"
    assert as_text("<blockquote>\n<p>one</p>\n<p>two</p>\n</blockquote>\n<p>after</p>") == "> one\n>\n> two\n\nafter"
