"""PRIVACY_STRICT's rewriting of posts and pages: what a browser would load from another
host becomes a link that loads nothing until followed. Tables of exact outputs."""

import pytest

from holdspace.publishing.offsite import is_offsite, localise


@pytest.mark.parametrize(
    ("url", "offsite"),
    [
        ("/a.png", False),
        ("a.png", False),
        ("../a.png", False),
        ("https://site.example/a.png", False),
        ("HTTPS://SITE.EXAMPLE/a.png", False),
        ("//site.example/a.png", False),
        ("data:image/png;base64,AA", False),
        ("blob:https://site.example/1", False),
        ("https://x.example/", True),
        ("//x.example/", True),
        ("http://site.example.evil.example/", True),
        ("https:site.example/a.png", True),  # names a host without //: not clearly the site's
        ("https:\\\\x.example/a.png", True),  # backslashes read as slashes
        (" \thttps://x.example/", True),  # outer spaces and tabs ignored
        ("ftp://x.example/", True),
        ("javascript:alert(1)", True),
        ("https://[oops/", True),  # not an address at all
    ],
)
def test_is_offsite(url, offsite):
    assert is_offsite(url, "site.example") is offsite


def test_with_no_site_host_every_host_is_another():
    assert [is_offsite(u, "") for u in ("/a.png", "a.png", "https://x/", "//x/", "data:,", "ftp://x/")] == [
        False, False, True, True, False, True]  # fmt: skip


def test_off_site_resources_become_links_and_the_rest_is_kept():
    html = (
        '<p>Hi <img src="https://img.example/a.jpg" alt="A cat"> &amp; &#169; Tom&Jerry <!-- note --></p>'
        '<a href="https://x.example/"><img src="//cdn.example/b.png"></a>'
        '<video controls><source src="https://v.example/a.mp4"><source src="/local.mp4">Words</video>'
        '<img src="/local.png" srcset="/a.png 1x, https://c.example/b.png 2x"><img src="data:image/png;base64,AA">'
        '<img src="https://site.example/own.png"><iframe src="https://e.example/"><p>inside</p></iframe><p>after</p>'
    )
    out, replaced = localise(html, "site.example")
    assert replaced == 5
    assert out == (
        '<p>Hi <a class="offsite" href="https://img.example/a.jpg" rel="noopener noreferrer">Image: A cat '
        "(on img.example)</a> &amp; © Tom&amp;Jerry <!-- note --></p>"
        '<a href="https://x.example/"><span class="offsite">Image (on cdn.example)</span></a>'
        '<video controls><source src="/local.mp4">Words</video>'
        '<a class="offsite" href="https://v.example/a.mp4" rel="noopener noreferrer">Media (on v.example)</a>'
        '<img src="/local.png"><img src="data:image/png;base64,AA">'
        '<img src="https://site.example/own.png">'
        '<a class="offsite" href="https://e.example/" rel="noopener noreferrer">Embedded page (on e.example)</a>'
        "<p>after</p>"
    )
    assert localise("<p>Nothing to do: <b>bold</b></p>", "") == ("<p>Nothing to do: <b>bold</b></p>", 0)


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<meta http-equiv="Refresh" content="0;url=https://r.example/"><base href="https://b.example/">', ""),
        ('<link rel="Stylesheet" href="https://c.example/a.css"><link rel="preconnect" href="https://p.example">', ""),
        ('<img src="https:\\\\evil.example/a.png">', '<a class="offsite" href="https://evil.example/a.png" '
         'rel="noopener noreferrer">Image (on evil.example)</a>'),
        ('<img src="https:evil.example/c.png">', '<span class="offsite">Image (on another site)</span>'),
        ('<img src="https://dup.example/x.png" src="/local.png">', '<a class="offsite" href="https://dup.example/x.png" '
         'rel="noopener noreferrer">Image (on dup.example)</a>'),  # a browser reads the first
        ('<p style="background:url(https://bg.example/x.png)">styled</p>', "<p>styled</p>"),
        ('<style>p{background:url(https://s.example/x)}</style><p>after</p>', "<p>after</p>"),
        ("<iframe src='https://e.example/'>never closed <b>words</b>", '<a class="offsite" href="https://e.example/" '
         'rel="noopener noreferrer">Embedded page (on e.example)</a>never closed <b>words</b>'),
        ('<img src="javascript:alert(1)" alt="x">', '<span class="offsite">Image: x (on another site)</span>'),
        ('<svg><image href="https://s.example/i.png"/></svg>', '<svg><a class="offsite" href="https://s.example/i.png" '
         'rel="noopener noreferrer">Image (on s.example)</a></svg>'),
        ("<script>if (a < b && c) {}</script>", "<script>if (a < b && c) {}</script>"),
    ],
)  # fmt: skip
def test_what_a_browser_would_load_is_caught_however_it_is_written(html, expected):
    assert localise(html, "site.example")[0] == expected
