"""Atom feeds of the newest comments: valid Atom, pseudonyms only, replies say whom they answer."""

import xml.etree.ElementTree as ET

import pytest

from atomcheck import atom_problems
from conftest import SHARED_DATA

ATOM = "{http://www.w3.org/2005/Atom}"


def feed(built, path):
    data = (built.output / path).read_bytes()
    assert atom_problems(data) == []
    root = ET.fromstring(data)
    assert root.tag == f"{ATOM}feed"
    return root


def test_site_and_post_feeds_hold_the_newest_comments(site):
    site.post("t", title="Winter Breaks")
    site.post("u")
    site.comment("t", "c1", "The *first*.", author="Mira", email="mira@example.org", date="2025-01-02 10:00")
    site.comment("t", "c2", "A reply.", author="Jo", email="jo@example.org", date="2025-01-02 11:00", reply_to="c1")
    site.comment("u", "c3", "On u.", author="Kit", date="2025-01-03 10:00")
    built = site.build(SITEURL="https://holdspace.example", RELATIVE_URLS=False, COMMENTS_FEED_ATOM="feeds/comments.atom.xml",
                       COMMENTS_POST_FEED_ATOM="comments.atom.xml", COMMENTS_FEED_MAX=2)  # fmt: skip
    everything = feed(built, "feeds/comments.atom.xml")
    entries = everything.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["Kit on “U”", "Jo, in reply to Mira, on “Winter Breaks”"]
    for e in entries:  # every entry as Atom requires: id, title, updated, author name, link
        assert e.findtext(f"{ATOM}id") and e.findtext(f"{ATOM}updated")
        assert e.find(f"{ATOM}author/{ATOM}name") is not None and e.find(f"{ATOM}link").get("href").startswith(
            "https://"
        )
    assert everything.findtext(f"{ATOM}id") and everything.findtext(f"{ATOM}updated")
    post = feed(built, "t/comments.atom.xml")
    links = [e.find(f"{ATOM}link").get("href") for e in post.findall(f"{ATOM}entry")]
    assert links == ["https://holdspace.example/t/#comment-c2", "https://holdspace.example/t/#comment-c1"]
    text = built.html("feeds/comments.atom.xml") + built.html("t/comments.atom.xml")
    assert "@example.org" not in text and "<em>first</em>" in ET.fromstring(built.html("t/comments.atom.xml")).findall(
        f"{ATOM}entry"
    )[1].findtext(f"{ATOM}summary")
    page = built.html("t/index.html")
    assert 'rel="alternate" type="application/atom+xml"' in page
    assert 'href="https://holdspace.example/t/comments.atom.xml"' in page
    assert 'href="https://holdspace.example/feeds/comments.atom.xml"' in page


def test_comments_behind_a_content_warning_are_behind_it_in_the_feeds(site):
    site.post("t", title="Hard Night", content_warning="self-harm")
    site.post("u")
    site.comment("t", "c1", "Words behind it.", author="Mira", date="2025-01-02 10:00")
    site.comment("u", "c2", "Words in the open.", author="Jo", date="2025-01-03 10:00")
    built = site.build(SITEURL="https://holdspace.example", RELATIVE_URLS=False, COMMENTS_FEED_ATOM="feeds/comments.atom.xml",
                       COMMENTS_POST_FEED_ATOM="comments.atom.xml")  # fmt: skip
    summaries = [e.findtext(f"{ATOM}summary") for e in feed(built, "feeds/comments.atom.xml").findall(f"{ATOM}entry")]
    warned = ('<p>Content warning: self-harm.</p><p><a href="https://holdspace.example/t/#comment-c1">Read the comment '
              "on the site</a>, where it opens behind this warning.</p>")  # fmt: skip
    assert summaries == ["<p>Words in the open.</p>", warned]
    assert [e.findtext(f"{ATOM}summary") for e in feed(built, "t/comments.atom.xml").findall(f"{ATOM}entry")] == [
        warned
    ]
    assert "Words behind it" not in built.html("feeds/comments.atom.xml") + built.html("t/comments.atom.xml")


def test_no_feeds_unless_set(site):
    site.post("t")
    site.comment("t", "c1")
    built = site.build()
    assert not [p for p in built.files() if p.name.endswith(".atom.xml")]
    assert "application/atom+xml" not in built.html("t/index.html")


def test_the_check_finds_what_rfc_4287_forbids():
    good = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><id>tag:x,2025:f</id><title>T</title>'
        b"<updated>2025-01-02T10:00:00Z</updated><author><name>A</name></author>"
        b"<entry><id>tag:x,2025:1</id><title>E</title><updated>2025-01-02T10:00:00+00:00</updated>"
        b'<link href="https://x.example/1"/></entry></feed>'
    )
    assert atom_problems(good) == []
    assert atom_problems(good.replace(b"<id>tag:x,2025:f</id>", b"")) == ["feed: needs exactly one atom:id (4.1)"]
    assert atom_problems(good.replace(b"<id>tag:x,2025:f</id>", b"<id></id>")) == [
        "feed: atom:id '' is not an absolute IRI (4.2.6)"
    ]
    assert atom_problems(good.replace(b"<title>T</title>", b"<title>T</title><subtitle>a</subtitle>" * 2)) == [
        "feed: needs exactly one atom:title (4.1)",
        "feed: more than one atom:subtitle (4.1.1)",
    ]
    assert atom_problems(good.replace(b"+00:00", b"")) == [
        "entry 1: atom:updated '2025-01-02T10:00:00' is not an RFC 3339 date-time (3.3)"
    ]
    assert atom_problems(good.replace(b'<link href="https://x.example/1"/>', b"")) == [
        "entry 1: no atom:content and no alternate atom:link (4.1.2)"
    ]


@pytest.mark.shared_data
def test_the_feeds_of_the_wordpress_import_are_valid_atom_on_posts_and_pages(site):
    from holdspace.importers.wordpress import import_wxr

    import_wxr(str(SHARED_DATA / "themeunittestdata.wordpress.xml"), site.project())
    built = site.build(SITEURL="https://holdspace.example", RELATIVE_URLS=False, COMMENTS_FEED_ATOM="feeds/comments.atom.xml",
                       COMMENTS_POST_FEED_ATOM="comments.atom.xml")  # fmt: skip
    feeds = sorted(p for p in built.files() if p.name.endswith(".atom.xml"))
    threads = {p.parent.name for p in (site.content / "comments").rglob("*.md")} - {"template-password-protected"}
    assert len(feeds) == 1 + len(threads) > 5  # the site's, and one per post or page with comments (not the draft)
    for path in feeds:
        assert atom_problems(path.read_bytes()) == [], path
    page = feed(built, "pages/page-with-comments/comments.atom.xml")
    assert len(page.findall(f"{ATOM}entry")) == 3
