from datetime import UTC, datetime

import pytest

from holdspace.archive.commentfile import Comment
from holdspace.publishing.published import page_location, publish
from holdspace.settings import DEFAULTS


@pytest.mark.parametrize(
    ("url", "save_as", "expected"),
    [
        ("my-post/", "my-post/index.html", ("my-post/comment-page-3/", "my-post/comment-page-3/index.html")),
        ("my-post.html", "my-post.html", ("my-post/comment-page-3/", "my-post/comment-page-3/index.html")),
        ("2025/my-post/", "2025/my-post/index.html", ("2025/my-post/comment-page-3/", "2025/my-post/comment-page-3/index.html")),
    ],
)  # fmt: skip
def test_page_locations(url, save_as, expected):
    assert page_location(DEFAULTS, url, save_as, 1) == (url, save_as)
    assert page_location(DEFAULTS, url, save_as, 3) == expected


def test_the_published_comment_has_no_email():
    comment = Comment(
        id="c1",
        thread="t",
        path="p",
        author="Mira",
        email="mira@example.org",
        date=datetime(2025, 1, 1, tzinfo=UTC),
        website=None,
        reply_to=None,
        body="hi",
    )
    published = publish(comment, lambda text: f"<p>{text}</p>", DEFAULTS)
    assert "mira@example.org" not in repr(published)
    assert not hasattr(published, "email")
    assert published.body == "<p>hi</p>"
    assert published.avatar.startswith("https://www.gravatar.com/avatar/")
