"""Safety for vulnerable readers: crisis resources, the crisis note, content warnings, PRIVACY_STRICT."""

import pytest

from holdspace.publishing.avatars import name_avatar
from holdspace.settings import SettingsError, holdspace_settings
from htmltree import parse

RESOURCES = [
    {"name": "Samaritans", "contact": "call 116 123", "region": "United Kingdom and Ireland", "url": "tel:116123"},
    {"name": "Lifeline", "contact": "call 13 11 14", "region": "Australia"},
]


def test_crisis_resources_show_on_every_thread_page_just_before_the_form(site):
    site.post("t", "The Thread")
    site.page("ask", "Ask Us", comments="open")
    site.page("crisis-resources", "Crisis resources", "Call someone.")
    for i in range(4):
        site.comment("t", f"c{i}", f"Comment {i}.", date=f"2025-01-02 10:0{i}")
    built = site.build(CRISIS_RESOURCES=RESOURCES, COMMENTS_PER_PAGE=2, COMMENT_INTAKE_URL="https://intake.example/")
    for path in ("t/index.html", "t/comment-page-2/index.html", "pages/ask/index.html"):
        doc = parse(built.html(path))
        crisis = doc.by_id("crisis")
        assert crisis is not None, path
        text = " ".join(crisis.text().split())
        assert "Samaritans (United Kingdom and Ireland): call 116 123" in text and "Lifeline (Australia)" in text
        hrefs = [a.attrs["href"] for a in crisis.find_all("a")]
        assert hrefs[0] == "tel:116123" and hrefs[1].endswith("pages/crisis-resources/") and len(hrefs) == 2
        blocks = [e.attrs.get("id") for e in doc.by_id("main").children]
        assert blocks.index("crisis") + 1 == blocks.index("respond"), path  # right before the form
    for path in ("index.html", "search/index.html", "pages/crisis-resources/index.html"):
        assert parse(built.html(path)).by_id("crisis") is None


def test_without_resources_or_their_page_nothing_is_shown(site):
    site.post("t", "The Thread")
    built = site.build(CRISIS_RESOURCES=[])
    assert parse(built.html("t/index.html")).by_id("crisis") is None


def test_a_comment_approved_with_a_crisis_flag_gets_a_gentle_note(site, monkeypatch, capsys):
    monkeypatch.setenv("MODERATOR", "Ana")
    site.write_settings()
    site.use_project_rules()
    site.post("t", "The Thread")
    words = "Some nights I don't want to be here, and reading this helped."
    site.comment("t", "flagged", words, folder="moderation/queue", author="Wren")
    site.comment("t", "calm", "Thank you for this.", folder="moderation/queue", author="Ola")
    site.comment("t", "by-hand", words, author="Kit")  # moved by hand: no decision recorded, no note
    site.comment("t", "false-alarm", "I could die of embarrassment; I don't want to be here at the party.",
                 folder="moderation/queue", author="Tam")  # fmt: skip
    assert site.cli("approve", "flagged", "calm") == 0
    monkeypatch.setenv("ID", "false-alarm")
    monkeypatch.setenv("NOTE", "no")
    assert site.cli("approve", "--from-environment") == 0
    assert "you asked for no note on the site" in capsys.readouterr().out
    built = site.build(CRISIS_RESOURCES=RESOURCES)
    doc = parse(built.html("t/index.html"))
    ids = ("flagged", "calm", "by-hand", "false-alarm")
    notes = {cid: doc.by_id(f"comment-{cid}").find_all("p", class_="comment-crisis-note") for cid in ids}
    assert [len(notes[c]) for c in ids] == [1, 0, 0, 0]
    assert notes["flagged"][0].find_all("a")[0].attrs["href"] == "#crisis"
    assert "you don't have to wait for a reply here" in notes["flagged"][0].text()


def summary_words(details):
    """What a content warning's summary says while closed, and once open (the style sheet shows one)."""
    summary = details.find_all("summary")[0]
    [show] = summary.find_all("span", class_="cw-action cw-show")
    [hide] = summary.find_all("span", class_="cw-action cw-hide")
    label = " ".join("".join(x for x in summary.content if isinstance(x, str)).split())
    return f"{summary.find_all('span', class_='cw-label')[0].text()} {label} {show.text()}", hide.text()


def test_a_content_warning_covers_the_post_and_its_comments_and_needs_no_script(site, capsys, monkeypatch):
    monkeypatch.chdir(site.root)  # no pelicanconf.py here: the project's own is never read
    site.post("cw", "Hard Night", content_warning="self-harm", tags="nights")
    site.post("quiet", "Quiet Night", content_warning="grief")
    site.post("plain", "Plain")
    for i in range(3):
        site.comment("cw", f"c{i}", f"Words of comment {i}.", date=f"2025-01-02 10:0{i}")
    built = site.build(CRISIS_RESOURCES=RESOURCES, COMMENTS_PER_PAGE=2, COMMENT_INTAKE_URL="https://intake.example/")
    doc = parse(built.html("cw/index.html"))
    [details] = doc.find_all("details", class_="content-warning")
    assert summary_words(details) == ("Content warning: self-harm. Show the post and its comments",
                                      "Hide the post and its comments")  # fmt: skip
    assert "open" not in details.attrs and details.attrs["id"] == "content-warning"
    inside = [e.attrs.get("id") or e.attrs.get("class") for e in details.children]
    assert inside == [None, "post-body", "tags", "comments"]  # the summary, then the post and its thread
    assert "The body of cw." in details.text() and "Words of comment 1." in details.by_id("comment-c1").text()
    # Help and the reply form stay outside: the article, then the crisis box, then the form.
    assert [e.attrs.get("id") for e in doc.by_id("main").children] == [None, "crisis", "respond"]
    assert doc.find_all("a", href="#content-warning")[0].text() == "3 comments"  # the count leads to the warning
    page2 = parse(built.html("cw/comment-page-2/index.html"))
    [details] = page2.find_all("details", class_="content-warning")
    assert summary_words(details) == ("Content warning: self-harm. Show the comments", "Hide the comments")
    assert details.by_id("comment-c2") is not None and not details.find_all("div", class_="post-body")
    assert [e.attrs.get("id") for e in page2.by_id("main").children] == [None, "crisis", "respond"]
    [details] = parse(built.html("quiet/index.html")).find_all("details", class_="content-warning")
    assert summary_words(details) == ("Content warning: grief. Show the post", "Hide the post")
    assert details.by_id("comments") is not None  # the form's "Join the conversation" is outside
    from holdspace.cli.main import main as holdspace

    holdspace(["search", "--index", str(site.root / ".cache" / "holdspace" / "search"), "body"])
    out = capsys.readouterr().out  # a search result shows the warning, not the words behind it
    assert "Content warning: self-harm." in out and "The body of cw." not in out and "The body of plain." in out
    holdspace(["search", "--index", str(site.root / ".cache" / "holdspace" / "search"), "words"])
    out = capsys.readouterr().out  # and so do the comments behind it
    assert out.count("Content warning: self-harm.") == 3 and "Words of comment" not in out
    index = parse(built.html("index.html"))
    assert "The body of cw." not in index.text() and "Content warning: self-harm." in index.text()
    assert "The body of plain." in index.text()
    assert index.find_all("a", href="./cw/#content-warning")[0].text() == "3 comments"
    plain = parse(built.html("plain/index.html"))
    assert not plain.find_all("details") and plain.find_all("a", href="#comments")[0].text() == "0 comments"


def test_a_page_s_content_warning_covers_its_comments_too(site):
    site.page("hard", "Hard Things", comments="open", **{"content-warning": "loss"})
    site.comment("hard", "p1", "A word on the page.")
    built = site.build(CRISIS_RESOURCES=RESOURCES)
    doc = parse(built.html("pages/hard/index.html"))
    [details] = doc.find_all("details", class_="content-warning")
    assert summary_words(details) == ("Content warning: loss. Show the page and its comments",
                                      "Hide the page and its comments")  # fmt: skip
    assert "A word on the page." in details.by_id("comment-p1").text()
    assert [e.attrs.get("id") for e in doc.by_id("main").children] == [None, "crisis", "respond"]


def test_strict_privacy_turns_everything_on(site):
    (site.content / "posts" / "t.md").write_text(
        "Title: The Thread\nSlug: t\nDate: 2025-01-01 09:00\n\n"
        '<img src="https://images.example/cat.jpg" alt="A cat"> and <iframe src="https://video.example/e/1"></iframe>\n',
        encoding="utf-8",
    )
    (site.content / "posts" / "s.md").write_text(
        'Title: Summed\nSlug: s\nDate: 2025-01-02 09:00\nSummary: <img src="https://sum.example/a.png" alt="S">\n\nB\n',
        encoding="utf-8",
    )
    site.page("about", "About Us")
    site.comment("t", "c1", "Hello.", author="Mira", email="mira@example.org")
    built = site.build(PRIVACY_STRICT=True)
    assert (
        "https://sum.example/a.png" in built.html("index.html")
        and "<img" not in built.html("index.html").split("post-list")[1]
    )  # the Summary: line is rewritten too
    thread = built.html("t/index.html")
    assert (
        '<meta name="referrer" content="no-referrer">' in thread and '<meta name="robots" content="noindex">' in thread
    )
    doc = parse(thread)
    links = {a.attrs["href"]: " ".join(a.text().split()) for a in doc.find_all("a", class_="offsite")}
    assert links == {"https://images.example/cat.jpg": "Image: A cat (on images.example)",
                     "https://video.example/e/1": "Embedded page (on video.example)"}  # fmt: skip
    assert not doc.find_all("iframe")
    avatar = doc.by_id("comment-c1").find_all("img")[0].attrs["src"]
    assert avatar.endswith(name_avatar("Mira")) and (built.output / name_avatar("Mira")).exists()
    assert "gravatar" not in thread
    assert '<meta name="robots" content="noindex">' in built.html("search/index.html")
    assert '<meta name="robots" content="noindex">' not in built.html("index.html")
    ordinary = site.build()  # without PRIVACY_STRICT, thread pages may be indexed
    assert '<meta name="robots" content="noindex">' not in ordinary.html("t/index.html")
    assert '<meta name="robots" content="noindex">' not in built.html("pages/about/index.html")  # no thread there
    for path in built.files():
        if path.suffix == ".html":
            assert '<meta name="referrer" content="no-referrer">' in path.read_text("utf-8"), path
    assert "its pages load nothing from any other site" in thread  # the form says so


def test_strict_privacy_refuses_avatars_drawn_from_the_email():
    assert holdspace_settings({"PRIVACY_STRICT": True})["AVATARS"] == "names"
    assert holdspace_settings({"PRIVACY_STRICT": True, "AVATARS": "none"})["AVATARS"] == "none"
    for mode in ("gravatar", "local"):
        with pytest.raises(SettingsError, match=f"AVATARS = '{mode}' does not go with PRIVACY_STRICT = True"):
            holdspace_settings({"PRIVACY_STRICT": True, "AVATARS": mode})


@pytest.mark.parametrize(
    ("resources", "message"),
    [
        ("Samaritans", "setting CRISIS_RESOURCES = 'Samaritans' is not valid; use a list like"),
        ([{"name": "S", "region": "UK"}], "setting CRISIS_RESOURCES, item 1, has no contact; give it as text"),
        ([{"name": "S", "contact": "1", "region": "UK", "phone": "1"}], "item 1, has the key 'phone'"),
        ([{"name": "S", "contact": "1", "region": "UK", "url": "javascript:x"}], "has url 'javascript:x'"),
        (["S"], "setting CRISIS_RESOURCES, item 1, is not a dict"),
    ],
)
def test_bad_crisis_resources_say_what_to_write(resources, message):
    with pytest.raises(SettingsError, match=message.replace("(", r"\(")):
        holdspace_settings({"CRISIS_RESOURCES": resources})


def test_a_post_behind_a_content_warning_is_behind_it_in_the_feeds_too(site):
    site.post("cw", "Hard Night", content_warning="self-harm")
    site.post("plain", "Plain")
    built = site.build(SITEURL="https://holdspace.example", RELATIVE_URLS=False, FEED_ALL_ATOM="feeds/all.atom.xml")
    feed = built.html("feeds/all.atom.xml")
    assert "The body of plain." in feed and "The body of cw." not in feed
    assert "Content warning: self-harm." in feed and "https://holdspace.example/cw/" in feed


def test_a_hidden_crisis_page_is_still_linked(site):
    site.post("t", "The Thread")
    site.page("crisis-resources", "Crisis resources", "Call someone.", status="hidden")
    built = site.build(CRISIS_RESOURCES=[])
    crisis = parse(built.html("t/index.html")).by_id("crisis")
    assert crisis is not None and crisis.find_all("a")[0].attrs["href"].endswith("pages/crisis-resources/")
    assert (
        "Crisis resources" not in parse(built.html("t/index.html")).find_all("nav")[0].text()
    )  # hidden: not in the menu
