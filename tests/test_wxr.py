"""Reading a WordPress export: the theme unit test data in ../shared/data/."""

import pytest

from conftest import SHARED_DATA
from holdspace.importers.wxr import WXRError, read_wxr

pytestmark = pytest.mark.shared_data
EXPORT = SHARED_DATA / "themeunittestdata.wordpress.xml"


@pytest.fixture(scope="module")
def wxr():
    return read_wxr(str(EXPORT))


def comments(wxr):
    return [(item, c) for item in wxr.items for c in item.comments]


def test_the_export_has_its_posts_pages_and_comments(wxr):
    kinds = [item.kind for item in wxr.items]
    assert wxr.version == "1.2" and wxr.title == "Theme Unit Test Data"
    assert kinds.count("post") > 40 and kinds.count("page") > 10
    approved = [c for _, c in comments(wxr) if c.approved == "1" and not c.is_ping]
    assert len(approved) == 26
    assert {c.id for _, c in comments(wxr) if c.approved == "0"} == {1015, 1016, 1017}
    assert sorted(c.type for _, c in comments(wxr) if c.is_ping) == ["pingback", "pingback", "trackback", "trackback"]
    assert any(item.id == 155 and item.kind == "page" and item.comments for item in wxr.items)


def test_the_ten_deep_reply_chain_and_greek_names(wxr):
    item = next(i for i in wxr.items if i.title == "Template: Comments")
    parents = {c.id: c.parent for c in item.comments}

    def depth(cid):
        n = 1
        while parents.get(cid):
            cid, n = parents[cid], n + 1
        return n

    assert max(depth(c) for c in parents) == 10
    names = {c.author for _, c in comments(wxr)}
    assert any(any("\u0370" <= ch <= "\u03ff" for ch in name) for name in names)


def test_post_fields(wxr):
    post = next(i for i in wxr.items if i.kind == "post" and i.comments and i.categories and i.tags)
    assert post.slug and post.date is not None and post.author and post.status == "publish"
    assert post.comment_status in ("open", "closed")


def test_a_file_that_is_not_an_export_says_where_and_what_to_do(tmp_path):
    broken = tmp_path / "export.xml"
    broken.write_text("<rss><channel>\n<item><title>x</title>\n</channel></rss>", encoding="utf-8")
    with pytest.raises(WXRError, match=r"export\.xml:3: not well-formed XML .*; export the site again"):
        read_wxr(str(broken))
    plain = tmp_path / "feed.xml"
    plain.write_text("<rss><channel><item><title>x</title></item></channel></rss>", encoding="utf-8")
    with pytest.raises(WXRError, match=r"feed\.xml:1: this is not a WordPress export"):
        read_wxr(str(plain))
    with pytest.raises(WXRError, match="cannot read the file"):
        read_wxr(str(tmp_path / "missing.xml"))
