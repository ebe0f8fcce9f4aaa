"""The moderation commands' index of ids and names (archive/idindex.py): used while no
comment file has changed, equal to reading every file, and kept current by approve."""

import os

import pytest

from holdspace.archive import idindex
from holdspace.archive.parsecache import ParseCache
from holdspace.archive.reader import read_archive
from holdspace.review.decisions import approve, examine, open_desk, published


@pytest.fixture
def archive_site(site, monkeypatch):
    monkeypatch.setenv("MODERATOR", "Ana")
    site.write_settings()
    site.use_project_rules()
    site.post("t", "The Post")
    site.post("u", "Another Post")
    site.comment("t", "a", "First.", author="Mira", email="mira@example.org")
    site.comment("t", "b", "A reply.", author="Jo", reply_to="a", date="2025-01-03 10:00")
    site.comment("u", "c", "Elsewhere.", author="Wren", email="wren@example.org")
    return site


def read_in_full(site):
    """The index as reading every comment file gives it, and the names it gives."""
    desk = open_desk(site.project())
    project = desk.project
    archive = read_archive(
        project.comments, set(desk.posts), project.tz, read=ParseCache(project.cache, project.tz).read
    )
    return idindex.of_archive(archive)


def kept(site):
    """published() as a command sees it, and whether it came from the index (no file read)."""
    known = published(open_desk(site.project()))
    return known, known.files is not None and not known.read


def test_the_index_is_read_once_recorded_and_is_what_every_file_says(archive_site):
    site = archive_site
    first, from_index = kept(site)
    assert not from_index and first.files is not None  # read in full, then recorded
    second, from_index = kept(site)
    assert from_index
    assert second.index == first.index == read_in_full(site)
    assert second.names == first.names and set(second.index.threads) == {"a", "b", "c"}
    assert second.comment("a").author == "Mira"  # a parent's name and words, read from its file


def _same_size_rename(site):
    path = site.root / "content/comments/t/a.md"
    st = path.stat()
    path.write_bytes(path.read_bytes().replace(b"Author: Mira", b"Author: Miro"))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))  # the same size and time: only ctime tells


CHANGES = {
    "an edit in place": _same_size_rename,
    "a new comment": lambda site: site.comment("u", "d", "New.", author="Kai"),
    "a comment removed": lambda site: (site.root / "content/comments/t/b.md").unlink(),
    "a comment moved to another post": lambda site: os.rename(
        site.root / "content/comments/u/c.md", site.root / "content/comments/t/c.md"
    ),
    "a file that is no comment": lambda site: (site.root / "content/comments/t/notes.txt").write_text("x"),
    "a folder naming no post": lambda site: site.comment("gone", "e", "Lost."),
    "a post removed": lambda site: (site.content / "posts" / "u.md").unlink(),
}


@pytest.mark.parametrize("change", CHANGES, ids=list(CHANGES))
def test_any_change_of_the_comment_files_reads_them_again(archive_site, change):
    site = archive_site
    kept(site)
    assert kept(site)[1]
    CHANGES[change](site)
    after, from_index = kept(site)
    assert not from_index
    assert after.index == read_in_full(site)


def test_an_edited_name_is_seen_by_the_look_alike_check(archive_site):
    site = archive_site
    kept(site)
    _same_size_rename(site)
    path = site.comment("t", "q", "Hello.", author="Miro", email="someone@example.org", folder="moderation/queue")
    desk = open_desk(site.project())
    item = examine(desk, str(path), "t", published(desk))
    assert [f.kind for f in item.verdict.flags] == ["impersonation"]


def test_approve_records_the_comment_it_adds(archive_site):
    site = archive_site
    kept(site)
    site.comment("t", "q", "A reply.", author="Ren", reply_to="a", folder="moderation/queue", date="2025-02-01 10:00")
    approve(open_desk(site.project()), "q", "Ana")
    after, from_index = kept(site)
    assert from_index and "q" in after.index.threads
    assert after.index == read_in_full(site)


def test_a_build_records_the_index_and_one_that_held_something_back_does_not(archive_site):
    site = archive_site
    site.build()
    assert kept(site)[1]
    site.comment("t", "bad", "Hi.", author="Ann", reply_to="nobody")
    os.unlink(site.root / ".cache/holdspace" / idindex.FILE)
    site.build()
    assert not (site.root / ".cache/holdspace" / idindex.FILE).exists()
    after, from_index = kept(site)
    assert not from_index and after.index == read_in_full(site)


def test_a_cache_folder_that_cannot_be_written_only_reads_in_full(archive_site):
    site = archive_site
    (site.root / ".cache").mkdir()
    (site.root / ".cache/holdspace").write_text("a file where the cache folder should be")
    first, _ = kept(site)
    second, from_index = kept(site)
    assert not from_index and second.index == first.index == read_in_full(site)


def test_a_damaged_index_is_ignored(archive_site):
    site = archive_site
    kept(site)
    (site.root / ".cache/holdspace" / idindex.FILE).write_bytes(b"not a pickle")
    after, from_index = kept(site)
    assert not from_index and after.index == read_in_full(site)
    assert kept(site)[1]  # and recorded again
