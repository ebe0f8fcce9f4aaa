"""The WordPress importer on the theme unit test data (../shared/data/)."""

import os

import pytest

from conftest import SHARED_DATA, Site
from holdspace.importers.wordpress import import_wxr
from htmltree import comment_ids, parse

pytestmark = pytest.mark.shared_data
EXPORT = str(SHARED_DATA / "themeunittestdata.wordpress.xml")


def site_at(root):
    site = Site(root)
    site.write_settings()
    return site


def importing(root):
    """import_wxr into a site at ``root`` with the demo's layout (content/posts, content/pages)."""
    return import_wxr(EXPORT, site_at(root).project())


def files(root, folder):
    return sorted(p.name for p in (root / folder).rglob("*.md"))


def test_comments_go_where_their_state_says_and_pings_are_skipped(tmp_path):
    report = importing(tmp_path)
    assert report.counts == {"approved": 26, "queued": 3, "rejected": 0}
    assert files(tmp_path, "moderation/queue") == ["wp-1015.md", "wp-1016.md", "wp-1017.md"]
    assert len(files(tmp_path, "content/comments")) == 26 and len(report.pings) == 4
    assert all("skipped" in line for line in report.pings)
    chain = [p for p in (tmp_path / "content" / "comments").rglob("*.md") if "Reply-To: wp-" in p.read_text("utf-8")]
    assert len(chain) >= 9  # the 10-deep chain has nine replies
    assert any("Γιάννης" in p.read_text("utf-8") for p in (tmp_path / "content" / "comments").rglob("*.md"))
    assert all("\nEmail: " in p.read_text("utf-8") for p in (tmp_path / "content" / "comments").rglob("*.md"))


def test_posts_pages_and_drafts(tmp_path):
    report = importing(tmp_path)
    posts = files(tmp_path, "content/posts")
    assert len(posts) > 30 and len(files(tmp_path, "content/pages")) > 10
    drafts = [p for p in (tmp_path / "content" / "posts").glob("*.md") if "\nStatus: draft\n" in p.read_text("utf-8")]
    assert len(drafts) == len([d for d in report.drafted if d.startswith("post ")]) > 0
    assert any("password-protected" in line for line in report.drafted)


def test_a_second_import_adds_nothing_and_reports_what_a_moderator_changed(tmp_path, capsys):
    first = importing(tmp_path)
    queued = next((tmp_path / "moderation" / "queue").rglob("wp-1015.md"))
    target = tmp_path / "content" / "comments" / queued.parent.name / queued.name
    os.rename(queued, target)  # approved since the first import
    edited = sorted((tmp_path / "content" / "comments").rglob("wp-*.md"))[0]
    edited.write_text(edited.read_text("utf-8") + "\nA moderator's edit.\n", encoding="utf-8")
    again = importing(tmp_path)
    assert again.written == [] and again.counts == {"approved": 0, "queued": 0, "rejected": 0}
    assert again.differing == [str(edited)]
    assert again.unchanged == len(first.written) - 1
    assert not queued.exists()  # not put back in the queue
    assert site_at(tmp_path).cli("import-wordpress", EXPORT) == 0
    out = capsys.readouterr().out
    assert f"{edited}:1: differs from the export; left as it is" in out and "0 files written" in out


def test_a_broken_export_is_one_line_and_exit_2(tmp_path, capsys):
    bad = tmp_path / "export.xml"
    bad.write_text("<rss>\n<channel>", encoding="utf-8")
    assert site_at(tmp_path).cli("import-wordpress", str(bad)) == 2
    assert "export.xml:2: not well-formed XML" in capsys.readouterr().err


def test_a_comment_without_an_email_gets_one_that_is_never_shown():
    from holdspace.importers.wordpress import comment_text
    from holdspace.importers.wxr import WPComment

    text = comment_text(WPComment(7, "Ana", "", "", None, "Hello", "1", "comment", 3))
    assert "Email: wp-7@imported.invalid\n" in text and "Reply-To: wp-3\n" in text


def test_no_email_from_the_export_is_in_the_built_site(site):
    from holdspace.importers.wxr import read_wxr

    import_wxr(EXPORT, site.project())
    built = site.build()
    emails = {c.email.lower() for item in read_wxr(EXPORT).items for c in item.comments if c.email}
    assert len(emails) > 3
    # 26 approved: one waits on a password-protected post (a draft), one is longer than the guidelines allow
    assert built.report.published == 24 and built.report.on_drafts == 1 and built.report.held_back == 1
    texts = [p.read_bytes().decode("utf-8", "replace").lower() for p in built.files()]
    assert not [e for e in emails if any(e in t for t in texts)]


def test_the_threads_of_the_export_are_built_on_posts_and_on_page_155(site):
    report = import_wxr(EXPORT, site.project())
    assert [str(p) for p in report.against_rules] == [
        f"{site.content}/comments/template-comments/wp-881.md:6: the comment is 7012 characters long; "
        f"the guidelines allow 5000; shorten it, or raise max_characters in "
        f"{site.root}/moderation/guidelines.toml"
    ]
    (site.root / "moderation" / "guidelines.toml").write_text("[length]\nmax_characters = 8000\n", "utf-8")
    built = site.build()
    assert built.report.published == 25 and built.report.held_back == 0  # all but the one on the draft
    page = parse(built.html("pages/page-with-comments/index.html"))  # WordPress page 155
    assert len(comment_ids(page)) == 3 and page.by_id("respond") is not None  # open there, so open here

    # The 10-deep chain: every reply is inside its parent's element, as the files' Reply-To say.
    doc = parse(built.html("template-comments/index.html"))
    parents = {}
    for path in (site.content / "comments" / "template-comments").glob("*.md"):
        for line in path.read_text("utf-8").splitlines():
            if line.startswith("Reply-To: "):
                parents[path.stem] = line.removeprefix("Reply-To: ")
    for child, parent in parents.items():
        assert doc.by_id(f"comment-{parent}") in list(doc.by_id(f"comment-{child}").ancestors())
    depth = {}
    for child in parents:
        node, depth[child] = child, 0
        while node in parents:
            node, depth[child] = parents[node], depth[child] + 1
    assert max(depth.values()) >= 9
    assert "Γιάννης" in doc.text()


HOSTILE = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Hostile</title><wp:wxr_version>1.2</wp:wxr_version>
<item><title>Climb</title><wp:post_id>1</wp:post_id><wp:post_name>../../escape</wp:post_name>
  <wp:post_type>post</wp:post_type><wp:status>publish</wp:status><content:encoded>x</content:encoded></item>
<item><title>Fine</title><wp:post_id>2</wp:post_id><wp:post_name>fine</wp:post_name>
  <wp:post_type>post</wp:post_type><wp:status>publish</wp:status><content:encoded>y</content:encoded>
  <category domain="category"><![CDATA[News
Status: draft]]></category>
  <wp:comment><wp:comment_id>5</wp:comment_id><wp:comment_author>Eve
Reply-To: wp-1</wp:comment_author><wp:comment_author_email>eve@example.org
Website: https://evil.example</wp:comment_author_email><wp:comment_author_url>https://ok.example/
x</wp:comment_author_url><wp:comment_date_gmt>2020-01-01 10:00:00</wp:comment_date_gmt>
  <wp:comment_content>Hello</wp:comment_content><wp:comment_approved>1</wp:comment_approved>
  <wp:comment_parent>0</wp:comment_parent></wp:comment></item>
</channel></rss>
"""


def test_an_export_cannot_write_outside_the_archive_or_add_header_lines(tmp_path):
    export = tmp_path / "export.xml"
    export.write_text(HOSTILE, encoding="utf-8")
    root = tmp_path / "site"
    report = import_wxr(str(export), Site(root).project())
    assert report.skipped == ["post '../../escape': the slug is not a file name; skipped"]
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.md")) == [
        "site/content/comments/fine/wp-5.md",
        "site/content/posts/fine.md",
    ]
    comment = (root / "content/comments/fine/wp-5.md").read_text("utf-8")
    header = comment.split("\n\n")[0].splitlines()
    assert [line.split(":")[0] for line in header] == ["Author", "Email", "Date"]  # no Reply-To, no Website
    post = (root / "content/posts/fine.md").read_text("utf-8").split("\n\n")[0].splitlines()
    assert "Status: draft" not in post and "Category: News Status: draft" in post


def test_the_import_writes_where_the_settings_say(tmp_path):
    """PATH, ARTICLE_PATHS, PAGE_PATHS, COMMENTS_PATH and MODERATION_PATH, read from the settings file."""
    (tmp_path / "site-content").mkdir()
    conf = tmp_path / "pelicanconf.py"
    conf.write_text(
        "PATH = 'site-content'\nARTICLE_PATHS = ['articles']\nPAGE_PATHS = ['static-pages']\n"
        "COMMENTS_PATH = 'approved'\nMODERATION_PATH = 'mod'\n",
        encoding="utf-8",
    )
    from holdspace.glue.project import load_project

    report = import_wxr(EXPORT, load_project(str(conf)))
    assert report.counts == {"approved": 26, "queued": 3, "rejected": 0}
    assert len(files(tmp_path, "site-content/approved")) == 26
    assert files(tmp_path, "mod/queue") == ["wp-1015.md", "wp-1016.md", "wp-1017.md"]
    assert len(files(tmp_path, "site-content/articles")) > 30 and len(files(tmp_path, "site-content/static-pages")) > 10
    assert not (tmp_path / "content").exists() and not (tmp_path / "moderation").exists()
