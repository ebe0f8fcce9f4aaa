from datetime import UTC, datetime

from holdspace.archive.posts import closed_by_age, comments_state, read_posts, read_threads


def slug(title):
    return title.lower().replace(" ", "-")


def test_posts_by_slug_with_their_state(tmp_path):
    (tmp_path / "a.md").write_text("Title: First Post\nSlug: first\nComments: closed\n\nBody", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.md").write_text("\ufeffTitle: Grief at Work\nStatus: draft\n\nBody", encoding="utf-8")
    (tmp_path / "c.md").write_bytes(b"Title: caf\xe9\n\nnot utf-8")
    (tmp_path / ".hidden.md").write_text("Title: Hidden\n\n", encoding="utf-8")
    posts = read_posts([str(tmp_path)], slug)
    assert sorted(posts) == ["first", "grief-at-work"]
    assert posts["first"].title == "First Post" and posts["first"].closed and not posts["first"].draft
    assert posts["grief-at-work"].draft and not posts["grief-at-work"].closed


def test_pages_are_closed_unless_they_say_open_and_a_post_wins_a_shared_slug(tmp_path):
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "about.md").write_text("Title: About\n\nBody", encoding="utf-8")
    (tmp_path / "pages" / "ask.md").write_text("Title: Ask Us\nComments: open\n\nBody", encoding="utf-8")
    (tmp_path / "pages" / "same.md").write_text("Title: Same\nComments: open\n\nBody", encoding="utf-8")
    (tmp_path / "same.md").write_text("Title: Same\n\nThe post", encoding="utf-8")
    # ARTICLE_PATHS [""] (Pelican's default) holds pages/ too: those files are pages, not posts.
    found = read_threads([str(tmp_path)], [str(tmp_path / "pages")], slug)
    assert sorted(found) == ["about", "ask-us", "same"]
    assert found["about"].page and found["about"].closed
    assert found["ask-us"].page and not found["ask-us"].closed
    assert not found["same"].page and found["same"].path == str(tmp_path / "same.md")


def test_comments_state():
    assert comments_state("open", "p.md", 3) == (False, None)
    assert comments_state(" Closed ", "p.md", 3) == (True, None)
    closed, problem = comments_state("maybe", "p.md", 3)
    assert closed and str(problem) == (
        "p.md:3: Comments: 'maybe' is neither open nor closed (treated as closed); write 'Comments: open' or 'Comments: closed'"
    )


def test_closed_by_age():
    now = datetime(2026, 3, 1, tzinfo=UTC)
    assert closed_by_age(datetime(2026, 1, 1, tzinfo=UTC), 30, now)
    assert not closed_by_age(datetime(2026, 2, 15, tzinfo=UTC), 30, now)
    assert not closed_by_age(datetime(2020, 1, 1, tzinfo=UTC), None, now)
    assert closed_by_age(datetime(2026, 1, 1), 30, now)  # naive: UTC
    assert not closed_by_age(None, 30, now)


def test_the_headers_kept_in_a_cache_are_the_files_as_they_are(tmp_path, monkeypatch):
    """A command keeps each post's header while its file is unchanged: read once, then from
    the cache; an edit in place (the same size), a new post, a post gone, another time zone
    or slugging are all as a read of every file gives them."""
    from zoneinfo import ZoneInfo

    from holdspace.archive import posts as module

    content, cache = tmp_path / "content", str(tmp_path / "cache" / "posts.pickle")
    content.mkdir()
    (content / "a.md").write_text("Title: First Post\nDate: 2025-01-02 10:00\n\nBody", encoding="utf-8")
    (content / "b.md").write_text("Title: Grief at Work\nSlug: grief\n\nBody", encoding="utf-8")
    (content / "pages").mkdir()
    (content / "pages" / "about.md").write_text("Title: About\nComments: open\n\nBody", encoding="utf-8")
    read = []
    real = module._read_header
    monkeypatch.setattr(module, "_read_header", lambda path, page, tz=UTC: read.append(path) or real(path, page, tz))

    def threads(tz=UTC, slugify=slug):
        read.clear()
        return read_threads([str(content)], [str(content / "pages")], slugify, tz, cache)

    first = threads()
    assert len(read) == 4 and sorted(first) == ["about", "first-post", "grief"]  # pages/ is read as posts too
    assert threads() == first and read == []
    (content / "a.md").write_text("Title: First Pest\nDate: 2025-01-02 10:00\n\nBody", encoding="utf-8")
    (content / "c.md").write_text("Title: Third\nComments: closed\n\nBody", encoding="utf-8")
    (content / "b.md").unlink()
    now = threads()
    assert sorted(read) == [str(content / "a.md"), str(content / "c.md")]
    assert now == read_threads([str(content)], [str(content / "pages")], slug)  # no cache: every file read
    assert sorted(now) == ["about", "first-pest", "third"] and now["third"].closed and not now["about"].closed
    assert threads(slugify=lambda title: "x-" + slug(title))["x-third"].title == "Third" and read == []
    elsewhere = threads(tz=ZoneInfo("Pacific/Auckland"))
    assert len(read) == 4 and elsewhere["first-pest"].date != now["first-pest"].date


def test_a_build_records_the_posts_headers_for_the_commands(site, monkeypatch):
    """The first command after a cold build reads no post's header: the build recorded them."""
    from holdspace.archive import posts as module

    site.write_settings()
    site.post("t", "The Post")
    site.post("u", "Another Post")
    site.build()
    read = []
    real = module._read_header
    monkeypatch.setattr(module, "_read_header", lambda path, page, tz=UTC: read.append(path) or real(path, page, tz))
    assert sorted(site.project().threads()) == ["t", "u"] and read == []
    site.post("v", "A Third Post")
    assert sorted(site.project().threads()) == ["t", "u", "v"] and len(read) == 1  # a new post: read by the command
