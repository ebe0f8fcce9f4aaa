from datetime import UTC, datetime

from holdspace.archive.commentfile import Comment
from holdspace.archive.reader import Archive
from holdspace.publishing.discussions import Target, build_discussions
from holdspace.settings import DEFAULTS


def comment(cid, reply_to=None, minute=0):
    return Comment(cid, "t", f"content/comments/t/{cid}.md", "A", f"{cid}@example.org",
                   datetime(2025, 1, 1, 10, minute, tzinfo=UTC), None, reply_to, "hi", 4, 6)  # fmt: skip


def test_threads_pages_and_redirects_for_each_target():
    archive = Archive(threads={"t": [comment("a"), comment("b", minute=1), comment("r", "a", minute=2)]})
    settings = {**DEFAULTS, "COMMENTS_PER_PAGE": 1}
    result = build_discussions([Target("t", "t/", "t/index.html"), Target("u", "u/", "u/index.html")], archive,
                               lambda text: f"<p>{text}</p>", settings)  # fmt: skip
    assert result.threads["u"].count == 0
    thread = result.threads["t"]
    assert [(p.url, p.save_as) for p in thread.pages] == [("t/", "t/index.html"),
                                                          ("t/comment-page-2/", "t/comment-page-2/index.html")]  # fmt: skip
    assert sorted(result.redirects) == [
        ("a", "t/#comment-a"),
        ("b", "t/comment-page-2/#comment-b"),
        ("r", "t/#comment-r"),
    ]
    assert result.problems == [] and result.held_back == set()


def test_redirects_can_be_turned_off():
    archive = Archive(threads={"t": [comment("a")]})
    settings = {**DEFAULTS, "COMMENT_REDIRECT_SAVE_AS": ""}
    assert build_discussions([Target("t", "t/", "t/index.html")], archive, str, settings).redirects == []


def test_a_comment_that_cannot_be_rendered_is_held_back_and_its_reply_kept():
    def render(text):
        if text == "boom":
            raise ValueError("bad markup")
        return text

    bad = Comment(
        "bad", "t", "p/bad.md", "A", "e@example.org", datetime(2025, 1, 1, tzinfo=UTC), None, None, "boom", 0, 6
    )
    archive = Archive(threads={"t": [bad, comment("r", "bad", minute=5)]})
    result = build_discussions([Target("t", "t/", "t/index.html")], archive, render, DEFAULTS)
    assert [str(p) for p in result.problems] == [
        "p/bad.md:6: the comment could not be rendered (ValueError: bad markup); "
        "simplify its formatting, and report this as a Holdspace bug"
    ]
    assert result.held_back == {"p/bad.md"}
    assert [n.item.id for n in result.threads["t"].roots] == ["r"]
