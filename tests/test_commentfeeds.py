"""Atom feeds of the newest comments: valid Atom, pseudonyms only, replies say whom they answer."""

import xml.etree.ElementTree as ET

ATOM = "{http://www.w3.org/2005/Atom}"


def feed(built, path):
    root = ET.fromstring(built.html(path).encode("utf-8"))
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


def test_no_feeds_unless_set(site):
    site.post("t")
    site.comment("t", "c1")
    built = site.build()
    assert not [p for p in built.files() if p.name.endswith(".atom.xml")]
    assert "application/atom+xml" not in built.html("t/index.html")
