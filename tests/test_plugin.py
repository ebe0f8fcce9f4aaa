"""Tiny sites built in tmp_path with the real theme and plugin; assertions on the HTML."""

import re

import pytest

from htmltree import comment_ids, parse


def test_34_comments_with_one_reply_make_4_pages_with_the_reply_inside_its_parent(site):
    site.post("long-thread", "A Long Thread")
    for i in range(34):
        site.comment("long-thread", f"c{i:02d}", f"Comment number {i}.", date=f"2025-01-02 10:{i:02d}")
    site.comment("long-thread", "reply", "A reply to twelve.", date="2025-01-03 08:00", reply_to="c12")
    built = site.build(COMMENTS_PER_PAGE=10)

    pages = [
        "long-thread/index.html",
        "long-thread/comment-page-2/index.html",
        "long-thread/comment-page-3/index.html",
        "long-thread/comment-page-4/index.html",
    ]
    docs = [parse(built.html(p)) for p in pages]
    assert not (built.output / "long-thread/comment-page-5").exists()
    on_page = [comment_ids(doc) for doc in docs]
    assert [len(ids) for ids in on_page] == [10, 11, 10, 4]
    assert on_page[0][:2] == ["comment-c00", "comment-c01"]
    assert on_page[1] == [f"comment-c{i}" for i in range(10, 13)] + ["comment-reply"] + [
        f"comment-c{i}" for i in range(13, 20)
    ]
    reply = docs[1].by_id("comment-reply")
    assert docs[1].by_id("comment-c12") in list(reply.ancestors())
    assert "reply to Sam" in reply.text()

    # Pager above and below, the current page marked, numbering continues across pages.
    pagers = docs[2].find_all("nav", class_="comment-pager")
    assert len(pagers) == 2
    for pager in pagers:
        assert pager.find_all("span", **{"aria-current": "page"})[0].text() == "page 3"
        links = [a.attrs["href"] for a in pager.find_all("a")]
        assert "../../long-thread/#comments" in links
        assert "../../long-thread/comment-page-4/#comments" in links
    numbers = [e.text().strip() for e in docs[3].find_all("span", class_="number")]
    assert numbers == ["31.", "32.", "33.", "34."]
    assert "35 Comments to “A Long Thread”" in docs[0].text()
    assert "35 Comments to “A Long Thread”" in docs[3].text()


def test_every_comment_id_has_a_redirect_to_its_page(site):
    site.post("t")
    for i in range(7):
        site.comment("t", f"c{i}", date=f"2025-01-02 10:0{i}")
    built = site.build(COMMENTS_PER_PAGE=3)
    html = built.html("comment/c6.html")
    assert '<meta http-equiv="refresh" content="0; url=../t/comment-page-3/#comment-c6">' in html
    assert 'href="../t/comment-page-3/#comment-c6"' in html
    page3 = parse(built.html("t/comment-page-3/index.html"))
    assert page3.by_id("comment-c6") is not None
    permalink = page3.by_id("comment-c6").find_all("a", class_="permalink")[0]
    assert permalink.attrs["href"] == "../../t/comment-page-3/#comment-c6"


def test_a_comment_shows_avatar_name_link_date_and_body(site):
    site.post("t")
    site.comment(
        "t", "c1", "Hello **there**", author="Mira", email="Mira@Example.org ", website="https://example.net/m"
    )
    built = site.build()
    doc = parse(built.html("t/index.html"))
    li = doc.by_id("comment-c1")
    (img,) = li.find_all("img")
    assert re.fullmatch(r"https://www\.gravatar\.com/avatar/[0-9a-f]{64}\?s=96&d=identicon&r=g", img.attrs["src"])
    assert img.attrs["referrerpolicy"] == "no-referrer"
    (name,) = [a for a in li.find_all("a") if a.attrs.get("href") == "https://example.net/m"]
    assert name.text() == "Mira" and name.attrs["rel"] == "nofollow ugc noopener"
    assert li.find_all("time")[0].attrs["datetime"] == "2025-01-02T10:00:00+00:00"
    assert li.find_all("strong")[0].text() == "there"
    assert "Mira@Example.org" not in built.html("t/index.html")


def test_pseudonyms_and_websites_are_escaped(site):
    site.post("t")
    site.comment(
        "t", "c1", author='<script>alert(1)</script>"x', website='https://example.org/"><script>alert(2)</script>'
    )
    html = site.build().html("t/index.html")
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_newest_order_and_depth_limit(site):
    site.post("t")
    site.comment("t", "a", date="2025-01-02 10:00")
    site.comment("t", "b", date="2025-01-02 11:00")
    for depth in range(1, 8):
        site.comment("t", f"r{depth}", author=f"n{depth}", date=f"2025-01-03 1{depth}:00",
                     reply_to="a" if depth == 1 else f"r{depth - 1}")  # fmt: skip
    doc = parse(site.build(COMMENTS_ORDER="newest", COMMENTS_MAX_DEPTH=3).html("t/index.html"))
    assert comment_ids(doc)[:2] == ["comment-b", "comment-a"]
    assert "Comments begin with the newest." in doc.text()
    deep = doc.by_id("comment-r5")
    assert "deepest" in deep.classes() and "depth-3" in deep.classes()
    assert "in reply to n4" in deep.text()
    assert doc.by_id("comment-r4") in list(deep.ancestors())
    assert "in reply to" not in doc.by_id("comment-r1").find_all("article")[0].text()


def test_a_closed_post_shows_its_comments_and_no_form(site):
    site.post("shut", comments="closed")
    site.comment("shut", "c1")
    doc = parse(site.build(COMMENT_INTAKE_URL="https://intake.example/comment").html("shut/index.html"))
    assert doc.by_id("comment-c1") is not None
    assert doc.find_all("form", class_="comment-form") == [] and doc.by_id("respond") is None
    assert "Comments are closed on this post." in doc.text()
    assert "Jump to reply form" not in doc.text()
    assert doc.find_all("a", **{"data-reply-to": "c1"}) == []


def test_the_form_posts_to_the_intake_url_and_links_the_guidelines(site):
    site.post("t")
    site.page("guidelines", "Community guidelines")
    doc = parse(site.build(COMMENT_INTAKE_URL="https://intake.example/comment").html("t/index.html"))
    (form,) = doc.find_all("form", class_="comment-form")
    assert form.attrs["action"] == "https://intake.example/comment" and form.attrs["method"] == "post"
    labels = {label.attrs["for"]: label.text() for label in form.find_all("label")}
    assert labels["author"].startswith("First name or pseudonym") and "required" in labels["author"]
    assert "never published" in labels["email"]
    assert "optional" in labels["website"]
    for name in ("author", "email"):
        assert "required" in doc.by_id(name).attrs
    assert "website" not in [e.attrs.get("name") for e in form.find_all(required="")]
    respond = doc.by_id("respond")
    assert "Join the conversation" in respond.text()
    hrefs = [a.attrs["href"] for a in respond.find_all("a")]
    assert hrefs == [
        "#crisis",
        "../pages/guidelines/",
        "https://intake.example/comment/links",
    ]  # help, rules, own links
    assert doc.find_all("a", href="#respond")[0].text() == "Jump to reply form"
    assert '<script src="../holdspace/js/reply.js" defer></script>' in site.build(COMMENT_INTAKE_URL="/c").html(
        "t/index.html"
    )


def test_without_an_intake_url_the_page_says_how_to_send_a_comment(site):
    site.post("t", "The Post")
    site.comment("t", "c1", author="Mira")
    doc = parse(site.build(COMMENT_EMAIL="moderators@holdspace.example").html("t/index.html"))
    assert doc.find_all("form", class_="comment-form") == []
    assert "To comment, write to the moderators at moderators@holdspace.example" in doc.by_id("respond").text()
    assert doc.find_all("a", href="#respond")[0].text() == "How to join the conversation"
    (reply,) = doc.by_id("comment-c1").find_all("p", class_="reply")[0].find_all("a")
    assert reply.attrs["href"] == (
        "mailto:moderators@holdspace.example?subject=Reply%20to%20Mira%20%28comment%20c1%29%20on%20The%20Post"
    )
    assert reply.text() == "Reply to Mira by email"


def test_with_neither_intake_url_nor_email_there_are_no_reply_links(site):
    site.post("t")
    site.comment("t", "c1")
    doc = parse(site.build().html("t/index.html"))
    assert doc.find_all("p", class_="reply") == [] and doc.find_all("form", class_="comment-form") == []
    assert "This site does not take new comments online yet." in doc.by_id("respond").text()


def test_index_shows_comment_counts(site):
    site.post("one", date="2025-01-01 09:00")
    site.post("two", date="2025-01-05 09:00")
    site.comment("one", "c1")
    site.comment("one", "c2", reply_to="c1", date="2025-01-03 09:00")
    doc = parse(site.build().html("index.html"))
    counts = [a.text() for a in doc.find_all("a") if a.attrs.get("href", "").endswith("#comments")]
    assert counts == ["0 comments", "2 comments"]


def test_commenters_get_no_author_pages(site):
    site.post("t", author="Sonia")
    site.comment("t", "c1", author="member1")
    site.comment("t", "c2", author="member12")
    built = site.build()
    authors = sorted(p.name for p in (built.output / "author").iterdir())
    assert authors == ["sonia"]


def test_bad_comments_are_reported_and_the_rest_published(site):
    site.post("t")
    site.comment("t", "good", "I am fine.")
    site.comment("t", "bad-date", date="yesterday")
    site.raw_comment(
        "t", "latin1.md", "Author: A\nEmail: a@example.org\nDate: 2025-01-02 10:00\n\ncafé\n".encode("latin-1")
    )
    site.comment("t", "orphan", reply_to="nobody")
    site.comment("elsewhere", "lost")
    built = site.build()
    doc = parse(built.html("t/index.html"))
    assert comment_ids(doc) == ["comment-good"]
    report = built.report
    assert (report.published, report.held_back) == (1, 4)
    text = [str(p) for p in report.problems]
    assert len(text) == 4
    assert all(re.match(r".+\.md:\d+: .+; .+", line) for line in text)
    assert any("latin1.md:5: the file is not UTF-8 text" in line for line in text)
    assert any("lost.md:1: the folder 'elsewhere' names no post" in line for line in text)


def test_a_post_with_a_bad_comments_value_is_reported(site):
    path = site.post("t", comments="maybe")
    built = site.build()
    assert [str(p) for p in built.report.problems] == [
        f"{path}:4: Comments: 'maybe' is neither open nor closed (treated as closed); "
        "write 'Comments: open' or 'Comments: closed'"
    ]


def test_queue_and_rejected_comments_are_never_published(site):
    site.post("t")
    site.comment("t", "approved")
    site.comment("t", "waiting", "QUEUED-CANARY", folder="moderation/queue", email="queued@example.org")
    site.comment("t", "refused", "REJECTED-CANARY", folder="moderation/rejected", email="rejected@example.org")
    built = site.build()
    assert built.report.queued == 1
    for path in built.files():
        data = path.read_bytes()
        for canary in (b"QUEUED-CANARY", b"REJECTED-CANARY", b"waiting", b"refused", b"@example.org"):
            assert canary not in data, f"{canary!r} in {path}"


def test_a_second_build_renders_nothing_again(site):
    site.post("t")
    for i in range(5):
        site.comment("t", f"c{i}", f"Body {i}")
    assert site.build().report.rendered == 5
    site.comment("t", "c9", "A new one")
    report = site.build().report
    assert (report.rendered, report.cache_hits) == (1, 5)


def test_every_html_id_on_a_thread_page_is_unique(site):
    site.post("t")
    for cid in ("ann", "ann-by", "by-ann", "hint", "body-hint", "comments", "respond", "author"):
        site.comment("t", cid)
    doc = parse(site.build(COMMENT_INTAKE_URL="/c").html("t/index.html"))
    all_ids = [e.attrs["id"] for e in doc.iter() if "id" in e.attrs]
    assert len(all_ids) == len(set(all_ids))
    assert len(comment_ids(doc)) == 8


def test_drafts_and_translations_build_and_keep_their_comments_back(site):
    site.post("t", "Original")
    site.post("draft-post", status="draft")
    path = site.content / "posts" / "t-fr.md"
    path.write_text("Title: Traduction\nDate: 2025-01-01 09:00\nSlug: t\nLang: fr\n\nCorps.\n", encoding="utf-8")
    site.comment("t", "c1")
    site.comment("draft-post", "d1", "DRAFT-CANARY")
    built = site.build()
    assert (built.report.published, built.report.on_drafts, built.report.problems) == (1, 1, [])
    assert 'id="comment-c1"' in built.html("t/index.html")
    translation = next(p for p in built.files() if "t-fr" in p.name or "/fr" in str(p))
    assert 'id="comment-c1"' not in translation.read_text(encoding="utf-8")
    assert all(b"DRAFT-CANARY" not in p.read_bytes() for p in built.files())


def test_a_body_too_deeply_nested_to_render_is_held_back_and_the_rest_published(site):
    site.post("t")
    site.comment("t", "good")
    deep = site.comment("t", "deep", "- " * 496 + "x")
    site.comment("t", "answer", "to the deep one", reply_to="deep", date="2025-01-03 10:00")
    built = site.build()
    doc = parse(built.html("t/index.html"))
    assert comment_ids(doc) == ["comment-good", "comment-answer"]
    assert "in reply to a comment that is not shown" in doc.by_id("comment-answer").text()
    assert [str(p) for p in built.report.problems] == [
        f"{deep}:5: the comment's formatting is nested too deeply to show; simplify its nested lists or quotes"
    ]
    assert built.report.held_back == 1


def test_a_hand_moved_comment_that_breaks_a_hard_rule_is_held_back(site):
    site.post("t")
    site.use_project_rules()
    site.comment("t", "ok")
    bad = site.comment("t", "imp", author="Moderator", email="someone@example.org")
    long = site.comment("t", "long", "x" * 5001)
    built = site.build(STAFF_EMAILS=["staff@example.org"])
    assert comment_ids(parse(built.html("t/index.html"))) == ["comment-ok"]
    text = [str(p) for p in built.report.problems]
    assert (
        f"{bad}:1: the name 'Moderator' is reserved for staff; ask the commenter for another name; staff comment with an email listed in STAFF_EMAILS"
        in text
    )
    assert any(
        line.startswith(f"{long}:5: the comment is 5001 characters long; the guidelines allow 5000") for line in text
    )


def test_staff_comments_get_a_badge(site):
    site.post("t")
    site.comment("t", "staff", author="Moderator", email="Staff@Example.org")
    site.comment("t", "reader", author="Mira")
    doc = parse(site.build(STAFF_EMAILS=["staff@example.org"]).html("t/index.html"))
    assert [b.text() for b in doc.by_id("comment-staff").find_all("span", class_="badge staff")] == ["Staff"]
    assert doc.by_id("comment-reader").find_all("span", class_="badge staff") == []


def test_local_avatars_leave_no_email_and_no_hash_of_one_in_the_site(site):
    import hashlib

    site.post("t")
    emails = ["Mira@Example.org ", "kit@example.net", "ana@example.com"]
    for i, email in enumerate(emails):
        site.comment("t", f"c{i}", author=f"N{i}", email=email)
    built = site.build(AVATARS="local")
    secret = (site.root / ".secrets" / "avatar-secret").read_text(encoding="utf-8")
    assert len(secret.strip()) == 64
    doc = parse(built.html("t/index.html"))
    sources = [img.attrs["src"] for img in doc.find_all("img")]
    assert len(sources) == 3 and all(re.fullmatch(r"\.\./avatars/[0-9a-f]{32}\.svg", s) for s in sources)
    for src in sources:
        svg = (built.output / "t" / src).read_text(encoding="utf-8")
        assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"') and "<rect" in svg
    needles = []
    for email in emails:
        for form in (email, email.strip(), email.strip().lower()):
            data = form.encode()
            needles += [data, hashlib.md5(data).hexdigest().encode(), hashlib.sha1(data).hexdigest().encode(),
                        hashlib.sha256(data).hexdigest().encode()]  # fmt: skip
    for path in built.files():
        content = path.read_bytes().lower()
        for needle in needles:
            assert needle.lower() not in content, f"{needle!r} in {path}"
    assert b"gravatar.com" not in b"".join(p.read_bytes() for p in built.files())


def test_the_same_secret_draws_the_same_avatars(site):
    site.post("t")
    site.comment("t", "c1", email="kit@example.net")
    first = parse(site.build(AVATARS="local").html("t/index.html")).find_all("img")[0].attrs["src"]
    second = parse(site.build(AVATARS="local").html("t/index.html")).find_all("img")[0].attrs["src"]
    assert first == second
    (site.root / ".secrets" / "avatar-secret").write_text("another secret\n", encoding="utf-8")
    assert parse(site.build(AVATARS="local").html("t/index.html")).find_all("img")[0].attrs["src"] != first


def test_the_guidelines_page_shows_the_rules_file(site):
    site.post("t")
    site.page("guidelines", "Guidelines", "Our rules:\n\n[guidelines-rules]\n\nThanks.")
    rules = site.use_project_rules()
    html = site.build().html("pages/guidelines/index.html")
    assert "<li>A comment can be up to 5,000 characters long.</li>" in html
    assert "[guidelines-rules]" not in html
    rules.write_text(
        rules.read_text(encoding="utf-8").replace("max_characters = 5000", "max_characters = 1200"), encoding="utf-8"
    )
    built = site.build(COMMENT_INTAKE_URL="/c")
    assert "<li>A comment can be up to 1,200 characters long.</li>" in built.html("pages/guidelines/index.html")
    assert 'maxlength="1200"' in built.html("t/index.html")


def test_the_report_counts_crisis_in_the_queue(site):
    site.post("t")
    site.use_project_rules()
    site.comment("t", "q1", "I want to die.", folder="moderation/queue")
    site.comment("t", "q2", "Hello.", folder="moderation/queue")
    report = site.build().report
    assert (report.queued, report.queued_crisis) == (2, 1)


def test_comments_close_after_the_set_number_of_days(site):
    from datetime import UTC, datetime, timedelta

    recent = (datetime.now(UTC) - timedelta(days=3)).strftime("%Y-%m-%d %H:%M")
    site.post("old", date="2024-01-01 09:00")
    site.post("new", date=recent)
    built = site.build(COMMENTS_CLOSE_AFTER_DAYS=30)
    assert "Comments are closed on this post." in built.html("old/index.html")
    assert "Comments are closed on this post." not in built.html("new/index.html")
    never = site.build()
    assert "Comments are closed on this post." not in never.html("old/index.html")


def test_a_page_shows_no_thread_unless_it_has_comments_or_says_open(site, capsys, monkeypatch):
    monkeypatch.chdir(site.root)  # no pelicanconf.py here: the project's own is never read
    site.page("about", "About Us")
    site.page("ask", "Ask the Moderators", comments="open")
    site.page("history", "Our History")
    site.comment("history", "h1", "I remember the first meeting.", author="Ola")
    built = site.build(COMMENT_EMAIL="mods@example.org")
    about = parse(built.html("pages/about/index.html"))
    assert about.by_id("comments") is None and about.by_id("respond") is None
    ask = parse(built.html("pages/ask/index.html"))
    assert ask.by_id("respond") is not None and "0 Comments to" in ask.by_id("comments").text()
    history = parse(built.html("pages/history/index.html"))
    assert comment_ids(history) == ["comment-h1"] and history.by_id("respond") is None
    assert "Comments are closed on this page." in history.by_id("comments").text()
    assert built.report.published == 1 and built.report.pages == 3

    from holdspace.cli.main import main as holdspace

    capsys.readouterr()
    holdspace(["search", "--index", str(site.root / ".cache" / "holdspace" / "search"), "meeting"])
    out = capsys.readouterr().out  # a comment on a page is found; the page itself is not searched
    assert out.startswith("1 result(s) for 'meeting'") and "/pages/history/#comment-h1" in out


def test_a_page_thread_is_paginated_and_its_comments_have_permalinks(site):
    site.page("ask", "Ask the Moderators", comments="open")
    for i in range(12):
        site.comment("ask", f"q{i:02d}", f"Question {i}.", date=f"2025-01-02 10:{i:02d}")
    built = site.build(COMMENTS_PER_PAGE=10)
    second = parse(built.html("pages/ask/comment-page-2/index.html"))
    assert comment_ids(second) == ["comment-q10", "comment-q11"]
    assert "Read the page" in second.text() and second.by_id("respond") is not None
    assert "pages/ask/comment-page-2/#comment-q11" in built.html("comment/q11.html")


def test_comments_in_the_folder_of_a_slug_a_post_and_a_page_share_go_to_the_post(site, caplog):
    site.post("welcome", "Welcome")
    site.page("welcome", "Welcome Page", comments="open")
    site.comment("welcome", "w1", "Hello there.")
    built = site.build()
    assert comment_ids(parse(built.html("welcome/index.html"))) == ["comment-w1"]
    assert parse(built.html("pages/welcome/index.html")).by_id("comments") is None
    assert "a post has the slug 'welcome' too" in caplog.text and "give the page another Slug:" in caplog.text


def test_a_draft_post_also_keeps_its_slug_from_a_page(site, caplog):
    """As the commands and the intake read it (archive.posts.read_threads): the folder is the post's."""
    from holdspace.archive.posts import read_threads

    site.post("ask", "Ask", status="draft")
    site.page("ask", "Ask Page", comments="open")
    site.comment("ask", "a1", "Hello.")
    built = site.build()
    assert built.report.on_drafts == 1 and built.report.published == 0
    assert parse(built.html("pages/ask/index.html")).by_id("comments") is None
    assert "a post has the slug 'ask' too" in caplog.text
    threads = read_threads([str(site.content / "posts")], [str(site.content / "pages")], lambda t: t.lower())
    assert threads["ask"].draft and not threads["ask"].page


def test_caches_written_by_older_code_fall_back_to_a_cold_build(site):
    """Pickles naming modules that moved (the parse cache's Comment, the search export's
    state) are read as no cache: the next build is a cold one, with the same pages."""
    site.post("t")
    site.comment("t", "c1", "First words.")
    site.comment("t", "c2", "Second words.", reply_to="c1")
    site.build()
    before = {
        p.relative_to(site.root / "output"): p.read_bytes() for p in (site.root / "output").rglob("*") if p.is_file()
    }
    cache = site.root / ".cache" / "holdspace"
    for path, old_class in ((cache / "comments.pickle", b"holdspace.commentfile\nComment"),
                            (cache / "search" / "export-state.pickle", b"holdspace.searchexport\nExportState")):  # fmt: skip
        assert path.exists()
        path.write_bytes(b"\x80\x02c" + old_class + b"\nq\x00)\x81q\x01.")
    built = site.build()
    after = {
        p.relative_to(site.root / "output"): p.read_bytes() for p in (site.root / "output").rglob("*") if p.is_file()
    }
    assert built.report.problems == [] and built.report.published == 2
    assert after == before


def test_old_plugins_settings_build_the_same_site(site, tmp_path):
    """PLUGINS = ["holdspace.pelican_threads", "holdspace.pelican_search"], as sites set it
    before the stages, and PLUGINS = ["holdspace"] build the same files."""
    import os
    import subprocess
    import sys

    from conftest import ROOT

    site.post("t")
    site.comment("t", "c1", "Words to find.")
    outputs = {}
    for name, plugins in (("old", ["holdspace.pelican_threads", "holdspace.pelican_search"]), ("new", ["holdspace"])):
        conf = site.write_settings(PLUGINS=plugins)
        result = subprocess.run(
            [sys.executable, "-m", "holdspace", "build", "-s", str(conf), "-o", str(tmp_path / name)],
            cwd=site.root, env={**os.environ, "PYTHONPATH": str(ROOT / "plugins")}, capture_output=True, text=True,
            timeout=120,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        out = tmp_path / name
        outputs[name] = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert outputs["old"] == outputs["new"]
    assert any(str(p).startswith("search/data/r/") for p in outputs["new"])  # search ran too
    assert b"Words to find." in outputs["new"][__import__("pathlib").Path("t/index.html")]


def test_each_old_plugin_name_alone_turns_on_its_half(site, tmp_path):
    """PLUGINS = ["holdspace.pelican_threads"] alone builds the threads and no search files;
    ["holdspace.pelican_search"] alone (with a theme that shows no threads) runs, its settings
    checked, but publishes no comment, so the build says so and leaves the output alone."""
    import os
    import subprocess
    import sys

    from conftest import ROOT

    site.post("t")
    site.comment("t", "c1", "Words to find.")
    found = {}
    for name, extra in (("holdspace.pelican_search", {"THEME": "simple", "DIRECT_TEMPLATES": ["index"]}),
                        ("holdspace.pelican_threads", {})):  # fmt: skip
        conf = site.write_settings(PLUGINS=[name], **extra)
        out = tmp_path / name
        result = subprocess.run(
            [sys.executable, "-m", "holdspace", "build", "-s", str(conf), "-o", str(out)],
            cwd=site.root, env={**os.environ, "PYTHONPATH": str(ROOT / "plugins")}, capture_output=True, text=True,
            timeout=120,
        )  # fmt: skip
        found[name] = (
            result.returncode,
            result.stderr,
            {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()},
        )
    code, err, files = found["holdspace.pelican_search"]
    assert code == 2 and "Holdspace's threads did not run, so no comment was published" in err
    assert files == set() and "Traceback" not in err and "KeyError" not in err  # settings checked: no crash
    code, err, files = found["holdspace.pelican_threads"]
    assert code == 0 and "comment/c1.html" in files and not any(f.startswith("search/data/") for f in files)


def test_each_post_s_url_is_kept_as_pelican_formats_it_once_every_context_is_made(monkeypatch):
    """``rewrite.keep_urls`` (Pelican's all_generators_finalized): Pelican's ``url`` gives the
    URL kept, and formats it no more; one given by the post's metadata is left as given, and
    ``save_as`` is never kept (an overridden one may overwrite another file)."""
    from datetime import datetime
    from types import SimpleNamespace

    from pelican.contents import Article, Page
    from pelican.settings import DEFAULT_CONFIG

    from holdspace.glue.rewrite import keep_urls

    settings = {**DEFAULT_CONFIG, "ARTICLE_URL": "posts/{date:%Y}/{slug}/", "PAGE_URL": "about/{slug}.html"}
    date = datetime(2025, 3, 1)
    post = Article("x", {"title": "A", "slug": "a", "date": date}, settings=settings)
    given = Article("x", {"title": "B", "slug": "b", "date": date, "url": "elsewhere/b/"}, settings=settings)
    page = Page("x", {"title": "C", "slug": "c"}, settings=settings)
    generators = [SimpleNamespace(articles=[post, given], translations=[]), SimpleNamespace(pages=[page]), object()]
    keep_urls(generators)
    formatted = []
    monkeypatch.setattr(Article, "_expand_settings", lambda self, key: formatted.append(key) or "formatted")
    assert (post.url, given.url, page.url) == ("posts/2025/a/", "elsewhere/b/", "about/c.html")
    assert formatted == [] and post.save_as == "formatted" and formatted == ["save_as"]
    assert not hasattr(post, "override_save_as")


@pytest.mark.parametrize("workers", [1, 2])
def test_a_build_freezes_what_lives_until_its_end_and_thaws_it_after(site, workers):
    """The posts and the archive, read, are frozen for Python's cyclic collector (it walked
    them again and again for nothing), as is everything before a fork; at the end of the
    build they are given back to it, so a process that builds again keeps no garbage."""
    import gc

    from pelican import signals

    frozen = []

    def look(generators: object) -> None:
        frozen.append(gc.get_freeze_count())

    gc.unfreeze()
    site.post("t")
    site.comment("t", "c1", "Words.")
    signals.all_generators_finalized.connect(look)
    try:
        site.build(HOLDSPACE_WORKERS=workers)
    finally:
        signals.all_generators_finalized.disconnect(look)
    assert len(frozen) == 1 and frozen[0] > 1000 and gc.get_freeze_count() == 0


def test_a_failed_build_leaves_what_it_froze_to_the_next_build_which_gives_it_back(site, monkeypatch):
    """A build that fails sends no ``finalized``: the next build's start thaws what it froze,
    so a process that builds again and again (autoreload) never keeps more than one build's."""
    import gc

    from conftest import breaks
    from holdspace.glue import comments, search

    gc.unfreeze()
    site.post("t")
    site.comment("t", "c1", "Words.")
    breaks(monkeypatch, search.SearchGenerator, "generate_context", OSError("the search broke"))
    with pytest.raises(OSError, match="the search broke"):
        site.build(HOLDSPACE_WORKERS=1)
    assert gc.get_freeze_count() > 1000  # the comments' context, frozen, and never given back
    monkeypatch.undo()
    breaks(monkeypatch, comments, "read_archive", OSError("the reading broke"))  # before anything is frozen
    with pytest.raises(OSError, match="the reading broke"):
        site.build(HOLDSPACE_WORKERS=1)
    assert gc.get_freeze_count() == 0
