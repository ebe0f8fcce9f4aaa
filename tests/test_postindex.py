from holdspace.postindex import read_posts


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
