"""The moderation commands' index of ids and names (archive/idindex.py): recorded by a
build and by approve, used while no comment folder has changed, equal to reading every file
(a file edited in place: from the next build)."""

import os
import pickle
import shutil

import pytest

from holdspace.archive import idindex, stamps
from holdspace.archive.parsecache import ParseCache
from holdspace.archive.reader import read_archive
from holdspace.review.decisions import ModerationError, approve, examine, open_desk, published


@pytest.fixture
def archive_site(site, monkeypatch):
    """Two posts; in t a comment and a reply, in u a comment, and one taken off the site
    (its place kept) with a reply under it."""
    monkeypatch.setenv("MODERATOR", "Ana")
    monkeypatch.chdir(site.root)
    site.write_settings()
    site.use_project_rules()
    site.post("t", "The Post")
    site.post("u", "Another Post")
    site.comment("t", "a", "First.", author="Mira", email="mira@example.org")
    site.comment("t", "b", "A reply.", author="Jo", reply_to="a", date="2025-01-03 10:00")
    site.comment("u", "c", "Elsewhere.", author="Wren", email="wren@example.org")
    site.comment("u", "gone", "Taken off.", author="Lee", date="2025-01-03 10:00")
    site.comment("u", "under", "Below it.", author="Kim", reply_to="gone", date="2025-01-04 10:00")
    assert site.cli("unpublish", "gone", "--reason", "names a town") == 0
    return site


INDEX = os.path.join(".cache", "holdspace", idindex.FILE)


def read_in_full(site):
    """The index as reading every comment file gives it."""
    desk = open_desk(site.project())
    project = desk.project
    archive = read_archive(
        project.comments, set(desk.posts), project.tz, read=ParseCache(project.cache, project.tz).read
    )
    return idindex.of_archive(archive, project.comments)


def known(site):
    return published(open_desk(site.project()))


def recorded(site):
    """The archive built, so its index is recorded; the index as a command then reads it."""
    site.build()
    assert os.path.exists(INDEX)
    now = known(site)
    assert now.from_index
    return now


def test_a_build_records_the_index_and_it_is_what_every_file_says(archive_site):
    site = archive_site
    before = known(site)
    assert not before.from_index and not os.path.exists(INDEX)  # a command reads every file, and records nothing
    now = recorded(site)
    assert now.index == before.index == read_in_full(site)
    assert now.names == before.names and set(now.index.threads) == {"a", "b", "c", "under"}
    assert now.removed == {"gone": "u"}
    assert now.comment("a").author == "Mira"  # a parent's name and words, read from its file


def _rename_in_place(site):
    """Mira becomes Miro, in the same file (as nano saves)."""
    path = site.root / "content/comments/t/a.md"
    path.write_bytes(path.read_bytes().replace(b"Author: Mira", b"Author: Miro"))


def _rename_in_a_new_file(site):
    """Mira becomes Miro in a new file put in place of the old one (as the commands and most editors save)."""
    path = site.root / "content/comments/t/a.md"
    new = path.with_name(".a.md.tmp")
    new.write_bytes(path.read_bytes().replace(b"Author: Mira", b"Author: Miro"))
    os.replace(new, path)


CHANGES = {
    "an edit saved as a new file": _rename_in_a_new_file,
    "a new comment": lambda site: site.comment("u", "d", "New.", author="Kai"),
    "a comment removed": lambda site: (site.root / "content/comments/t/b.md").unlink(),
    "a comment moved to another post": lambda site: os.rename(
        site.root / "content/comments/u/c.md", site.root / "content/comments/t/c.md"
    ),
    "a file that is no comment": lambda site: (site.root / "content/comments/t/notes.txt").write_text("x"),
    "a folder naming no post": lambda site: site.comment("lost", "e", "Lost."),
    "a post removed": lambda site: (site.content / "posts" / "u.md").unlink(),
}


@pytest.mark.parametrize("change", CHANGES, ids=list(CHANGES))
def test_any_change_of_the_comment_files_reads_them_again(archive_site, change):
    site = archive_site
    recorded(site)
    CHANGES[change](site)
    after = known(site)
    assert not after.from_index
    assert after.index == read_in_full(site)


def _flags_of_a_look_alike(site):
    path = site.comment("t", "q", "Hello.", author="Miro", email="someone@example.org", folder="moderation/queue")
    desk = open_desk(site.project())
    return [f.kind for f in examine(desk, str(path), "t", published(desk)).verdict.flags]


def test_an_edited_name_is_seen_by_the_look_alike_check(archive_site):
    site = archive_site
    recorded(site)
    _rename_in_a_new_file(site)
    assert _flags_of_a_look_alike(site) == ["impersonation"]


def test_a_file_edited_in_place_is_seen_from_the_next_build(archive_site):
    """Its folder's times do not change: the ids, files and threads are the same (an id is
    its file's name, a thread its folder), the name is the one before the edit until a build."""
    site = archive_site
    before = recorded(site)
    _rename_in_place(site)
    stale = known(site)
    assert stale.from_index and stale.index == before.index
    full = read_in_full(site)
    assert (stale.index.paths, stale.index.threads, stale.index.removed) == (full.paths, full.threads, full.removed)
    assert "mira@example.org" in stale.index.people["Mira"] and "mira@example.org" in full.people["Miro"]
    assert _flags_of_a_look_alike(site) == []
    now = recorded(site)
    assert now.index == read_in_full(site)
    assert _flags_of_a_look_alike(site) == ["impersonation"]


def test_a_folder_changed_just_before_it_was_recorded_is_not_trusted(archive_site):
    """Folder times come from a clock that ticks every few milliseconds: a change right after
    the recording, within the tick of one just before it, would leave them as recorded."""
    site = archive_site
    recorded(site)
    with open(INDEX, "rb") as f:
        data = pickle.load(f)
    data["folders"] = {
        k: (stamp, thread, holds, stamp[1], None) for k, (stamp, thread, holds, *_) in data["folders"].items()
    }
    with open(INDEX, "wb") as f:
        pickle.dump(data, f)
    assert not known(site).from_index


def test_the_folders_are_taken_once_a_change_just_made_has_settled(archive_site):
    site = archive_site
    site.comment("t", "new", "Just now.", author="Kai")
    found = stamps.folders(str(site.root / "content/comments"))
    assert found and not any(stamps.settling(stamp, taken) for stamp, _, _, taken, _ in found.values())


T = 1_700_000_000 * 10**9  # a time in whole seconds, in nanoseconds


@pytest.mark.parametrize(
    ("changed", "taken", "settling"),
    [
        (T + 123, T + 123 + 20_000_001, False),  # more than a tick before
        (T + 123, T + 123 + 20_000_000, True),
        (T + 123, T + 123, True),
        (T, T + 20_000_001, True),  # whole seconds: a coarse file system
        (T, T + 2_020_000_001, False),  # two seconds and a tick
        (T, T + 2_020_000_000, True),
        (T + 123, T, True),  # a clock set back
    ],
)
def test_settling(changed, taken, settling):
    assert stamps.settling((0, changed, 1), taken) is settling


def test_approve_records_the_comment_it_adds(archive_site):
    site = archive_site
    recorded(site)
    site.comment("t", "q", "A reply.", author="Ren", reply_to="a", folder="moderation/queue", date="2025-02-01 10:00")
    approve(open_desk(site.project()), "q", "Ana")
    after = known(site)
    assert after.from_index and "q" in after.index.threads
    assert after.index == read_in_full(site)


@pytest.mark.parametrize("slug", ["v", "t/deep"], ids=["a post", "a thread folder below another"])
def test_approve_records_the_first_comment_of_a_post(archive_site, slug):
    """The post's folder is made for it (below another one too): the folders made and the
    one they were made in are recorded again."""
    site = archive_site
    (site.content / "posts" / "t").mkdir()
    site.post(slug, "A Third Post")  # Slug: t/deep: its comments in comments/t/deep/
    recorded(site)
    site.comment(slug, "q", "First here.", author="Ren", folder="moderation/queue", date="2025-02-01 10:00")
    approve(open_desk(site.project()), "q", "Ana")
    after = known(site)
    assert after.from_index and after.index.threads["q"] == slug
    assert after.index == read_in_full(site)
    site.comment(slug, "r", "Second.", author="Kai")  # and a change there is still seen
    assert not known(site).from_index


def test_approve_after_a_change_reads_every_file_then_records_the_index(archive_site):
    site = archive_site
    recorded(site)
    (site.root / "content/comments/t/b.md").unlink()
    site.comment("u", "q", "Hi.", author="Ren", folder="moderation/queue", date="2025-02-01 10:00")
    approve(open_desk(site.project()), "q", "Ana")
    after = known(site)
    assert after.from_index and after.index == read_in_full(site)


def test_a_reply_to_a_removed_comment_must_be_in_its_thread(archive_site):
    site = archive_site
    recorded(site)
    site.comment("t", "wrong", "Hi.", author="Ren", reply_to="gone", folder="moderation/queue", date="2025-02-01 10:00")
    with pytest.raises(ModerationError, match="Reply-To 'gone' is a comment on another post"):
        approve(open_desk(site.project()), "wrong", "Ana")
    site.comment("u", "right", "Hi.", author="Ren", reply_to="gone", folder="moderation/queue", date="2025-02-01 10:00")
    approve(open_desk(site.project()), "right", "Ana")
    after = known(site)
    assert after.from_index and after.index == read_in_full(site)
    assert site.build().report.held_back == 0


def test_a_build_that_holds_something_back_removes_the_index(archive_site):
    site = archive_site
    recorded(site)
    site.comment("t", "bad", "Hi.", author="Ann", reply_to="nobody")
    site.build()
    assert not os.path.exists(INDEX)
    assert not known(site).from_index


def test_the_commands_that_only_read_record_nothing(archive_site, capsys):
    site = archive_site
    site.comment("t", "q", "Hi.", author="Ren", folder="moderation/queue", date="2025-02-01 10:00")
    assert site.cli("queue") == 0 and site.cli("show", "q") == 0
    assert not os.path.exists(INDEX)


def test_an_erasure_removes_the_index_even_when_the_address_holds_nothing(archive_site, capsys):
    site = archive_site
    recorded(site)
    assert b"mira@example.org" in (site.root / INDEX).read_bytes()
    assert site.cli("forget", "nobody@example.org") == 0
    assert not os.path.exists(INDEX)


def test_a_cache_folder_that_cannot_be_written_only_reads_in_full(archive_site):
    site = archive_site
    shutil.rmtree(site.root / ".cache/holdspace")  # the lock's, from the fixture's unpublish
    (site.root / ".cache/holdspace").write_text("a file where the cache folder should be")
    site.comment("t", "q", "Hi.", author="Ren", folder="moderation/queue", date="2025-02-01 10:00")
    approve(open_desk(site.project()), "q", "Ana")
    after = known(site)
    assert not after.from_index and after.index == read_in_full(site)


def test_a_damaged_index_is_ignored(archive_site):
    site = archive_site
    recorded(site)
    (site.root / INDEX).write_bytes(b"not a pickle")
    after = known(site)
    assert not after.from_index and after.index == read_in_full(site)


def test_a_copy_of_the_site_does_not_trust_the_original_s_index(archive_site, tmp_path):
    """The index names the folders it was recorded for: a copied site (or a cache folder two
    sites share) reads its own files."""
    site = archive_site
    recorded(site)
    copy = tmp_path / "copy"
    shutil.copytree(site.root, copy, symlinks=True)
    (copy / "content/comments/t/b.md").unlink()
    project = open_desk(site.project()).project
    moved = type(project)(project.settings, str(copy / "content"), project.slugify, project.show_date)
    desk = open_desk(moved)
    now = published(desk)
    assert not now.from_index and "b" not in now.index.threads and "c" in now.index.threads


def test_an_index_recorded_before_any_comment_sees_the_first(site, monkeypatch):
    monkeypatch.chdir(site.root)
    site.write_settings()
    site.post("t", "The Post")
    shutil.rmtree(site.root / "content/comments")
    recorded(site)
    site.comment("t", "a", "First.", author="Mira")
    after = known(site)
    assert not after.from_index and after.index.threads == {"a": "t"}


def test_approve_records_nothing_when_its_folder_changed_otherwise_meanwhile(archive_site, monkeypatch):
    """A file put beside the approved one while approve looks at the folder again (by hand,
    a git pull) is not taken into an index that does not name it."""
    site = archive_site
    recorded(site)
    site.comment("t", "q", "Hi.", author="Ren", folder="moderation/queue", date="2025-02-01 10:00")
    real_current = stamps.current

    def meanwhile(folder):
        moved = (site.root / "content/comments/t/q.md").exists()  # approve looks again
        if moved and not (site.root / "content/comments/t/x.md").exists():
            site.comment("t", "x", "Put here by hand.", author="Kai")
        return real_current(folder)  # the folder's times with it

    with monkeypatch.context() as patched:
        patched.setattr(stamps, "current", meanwhile)
        approve(open_desk(site.project()), "q", "Ana")
    after = known(site)
    assert not after.from_index and {"q", "x"} <= set(after.index.threads)


def _same_times(site, folder):
    """The index's stamp of ``folder`` made the one it has now: as if the change just made had
    come within the tick of approve's look (the times are the same)."""
    with open(INDEX, "rb") as f:
        data = pickle.load(f)
    place = str(site.root / "content/comments" / folder)
    _, thread, holds, taken, held = data["folders"][place]
    data["folders"][place] = (stamps.current(place), thread, holds, taken, held)
    with open(INDEX, "wb") as f:
        pickle.dump(data, f)
    return held


def test_a_folder_approve_just_changed_is_trusted_with_what_it_held(archive_site, monkeypatch):
    """No wait for the folder's times to settle: what it held is recorded with them, and the
    next command lists it again. A file added, put in place of another, or removed and made
    again within the same tick (the same times) is seen."""
    site = archive_site
    recorded(site)
    site.comment("t", "q", "Hi.", author="Ren", folder="moderation/queue", date="2025-02-01 10:00")
    with monkeypatch.context() as patched:  # as when approve looks within a tick
        patched.setattr(idindex, "_listed", lambda stamp, taken: True)
        approve(open_desk(site.project()), "q", "Ana")
    assert known(site).from_index
    site.comment("t", "x", "Put here by hand.", author="Kai")
    held = _same_times(site, "t")
    assert held is not None and {name for name, *_ in held} == {"a.md", "b.md", "q.md"}
    assert not known(site).from_index
    (site.root / "content/comments/t/x.md").unlink()
    _same_times(site, "t")
    assert known(site).from_index  # as it was: the index holds
    b = site.root / "content/comments/t/b.md"
    (b.parent / ".b.md.tmp").write_bytes(b.read_bytes().replace(b"A reply.", b"Put in place of b."))
    os.replace(b.parent / ".b.md.tmp", b)  # as the commands and most editors save
    _same_times(site, "t")
    assert not known(site).from_index  # b.md is another file (inode): read again


def test_a_file_removed_and_made_again_is_seen(archive_site, monkeypatch):
    """The file system may give the new file the inode of the one removed: its change time
    tells them apart."""
    site = archive_site
    recorded(site)
    site.comment("t", "q", "Hi.", author="Ren", folder="moderation/queue", date="2025-02-01 10:00")
    with monkeypatch.context() as patched:
        patched.setattr(idindex, "_listed", lambda stamp, taken: True)
        approve(open_desk(site.project()), "q", "Ana")
    b = site.root / "content/comments/t/b.md"
    data = b.read_bytes()
    b.unlink()
    b.write_bytes(data)  # the same words, a new file
    _same_times(site, "t")
    assert not known(site).from_index


def test_a_file_put_in_place_of_another_between_approve_s_two_looks_is_seen(archive_site, monkeypatch):
    """approve lists the folder, then takes its times: a file renamed over another between the
    two changes the times after the listing, and the next command lists the folder again."""
    site = archive_site
    recorded(site)
    site.comment("t", "q", "Hi.", author="Ren", folder="moderation/queue", date="2025-02-01 10:00")
    b = site.root / "content/comments/t/b.md"
    real_current = stamps.current

    def between(folder):
        if (site.root / "content/comments/t/q.md").exists() and folder.endswith(os.sep + "t"):
            (b.parent / ".b.md.tmp").write_bytes(b.read_bytes().replace(b"Author: Jo", b"Author: Joe"))
            os.replace(b.parent / ".b.md.tmp", b)
        return real_current(folder)

    with monkeypatch.context() as patched:
        patched.setattr(stamps, "current", between)
        approve(open_desk(site.project()), "q", "Ana")
    after = known(site)
    assert not after.from_index and "Joe" in after.index.people


@pytest.mark.parametrize("root", ["/site/content/comments", "/site/content/comments/"])
def test_a_file_s_path_is_made_as_the_reader_makes_it(root):
    """<root>/<thread>/<id>.md, as scandir joins them below the comments folder (a trailing
    separator in the setting too), so that no path but an odd one is kept."""
    index = idindex.Index(root, {"a": "t", "b": "t/deep"}, {}, {"gone": "u"}, {"x": "/elsewhere/x.md"})
    assert dict(index.paths) == {
        "a": "/site/content/comments/t/a.md",
        "b": "/site/content/comments/t/deep/b.md",
        "gone": "/site/content/comments/u/gone.md",
        "x": "/elsewhere/x.md",
    }
    assert "a" in index.paths and "nobody" not in index.paths and len(index.paths) == 4
