import ctypes
import errno
import os
import tempfile
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from holdspace.archive import moves
from holdspace.archive.moves import MoveError, move_file

BODY = "Author: Ana\n\nThank you — this helped.\n".encode()


class PowerCut(BaseException):
    """A crash in the middle of a move: nothing in moves.py may catch it."""


def no_renameat2():
    return None


def renameat2_says(err):
    """A renameat2 that fails with err, as a kernel or file system without RENAME_NOREPLACE does."""

    def renameat2(*args):
        ctypes.set_errno(err)
        return -1

    return lambda: renameat2


@pytest.fixture(
    params=[
        "renameat2",
        pytest.param(no_renameat2, id="no-renameat2-in-libc"),
        pytest.param(renameat2_says(errno.ENOSYS), id="renameat2-ENOSYS"),
        pytest.param(renameat2_says(errno.EINVAL), id="renameat2-EINVAL"),
    ]
)
def way(request, monkeypatch):
    """Each test runs with the real renameat2 and with every fallback to link + unlink."""
    if request.param != "renameat2":
        monkeypatch.setattr(moves, "_renameat2", request.param)
    return request.param


def files_under(root):
    """{relative path: bytes} of every file under root."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_the_real_renameat2_is_found():
    assert moves._renameat2() is not None  # Debian 12's glibc 2.36 has it; else every test below is a fallback


def test_moves_the_bytes_intact_and_creates_parent_folders(tmp_path, way):
    src = tmp_path / "queue" / "a-post" / "0001.md"
    src.parent.mkdir(parents=True)
    src.write_bytes(BODY)
    move_file(src, tmp_path / "comments" / "a-post" / "0001.md")
    assert files_under(tmp_path) == {"comments/a-post/0001.md": BODY}


def test_accepts_str_paths_and_names_with_spaces_and_non_ascii(tmp_path, way):
    src = tmp_path / "file d’attente" / "café au lait" / "0001 ünï.md"
    src.parent.mkdir(parents=True)
    src.write_bytes(BODY)
    move_file(str(src), str(tmp_path / "commentaires" / "café au lait" / "0001 ünï.md"))
    assert files_under(tmp_path) == {"commentaires/café au lait/0001 ünï.md": BODY}


def test_a_relative_path_in_the_current_folder(tmp_path, way, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("0001.md").write_bytes(BODY)
    move_file("0001.md", "0002.md")
    assert files_under(tmp_path) == {"0002.md": BODY}


def test_refuses_an_existing_destination_and_leaves_both_files_unchanged(tmp_path, way):
    (tmp_path / "queue").mkdir()
    (tmp_path / "comments").mkdir()
    (tmp_path / "queue" / "0001.md").write_bytes(BODY)
    (tmp_path / "comments" / "0001.md").write_bytes(b"the published one")
    with pytest.raises(MoveError) as refused:
        move_file(tmp_path / "queue" / "0001.md", tmp_path / "comments" / "0001.md")
    assert str(refused.value) == f"{tmp_path / 'comments' / '0001.md'} already exists; nothing was moved"
    assert files_under(tmp_path) == {"queue/0001.md": BODY, "comments/0001.md": b"the published one"}


def test_refuses_to_move_a_file_onto_itself(tmp_path, way):
    (tmp_path / "0001.md").write_bytes(BODY)
    with pytest.raises(MoveError, match="already exists; nothing was moved"):
        move_file(tmp_path / "0001.md", tmp_path / "0001.md")
    assert files_under(tmp_path) == {"0001.md": BODY}


def test_refuses_a_dangling_symlink_as_destination(tmp_path, way):
    (tmp_path / "0001.md").write_bytes(BODY)
    (tmp_path / "0002.md").symlink_to(tmp_path / "nowhere.md")
    with pytest.raises(MoveError, match="already exists"):
        move_file(tmp_path / "0001.md", tmp_path / "0002.md")
    assert (tmp_path / "0001.md").read_bytes() == BODY
    assert os.readlink(tmp_path / "0002.md") == str(tmp_path / "nowhere.md")


def test_refuses_a_missing_source_and_creates_no_folders(tmp_path, way):
    with pytest.raises(MoveError) as refused:
        move_file(tmp_path / "queue" / "0001.md", tmp_path / "comments" / "a-post" / "0001.md")
    assert str(refused.value) == f"{tmp_path / 'queue' / '0001.md'} does not exist; nothing was moved"
    assert list(tmp_path.iterdir()) == []


def test_a_file_in_the_way_of_a_parent_folder_is_refused(tmp_path, way):
    (tmp_path / "0001.md").write_bytes(BODY)
    (tmp_path / "comments").write_bytes(b"not a folder")
    with pytest.raises(MoveError, match=r"cannot create the folder .*/comments: File exists; nothing was moved"):
        move_file(tmp_path / "0001.md", tmp_path / "comments" / "a-post" / "0001.md")
    assert files_under(tmp_path) == {"0001.md": BODY, "comments": b"not a folder"}


def test_another_file_system_is_refused(tmp_path, way, monkeypatch):
    # No second file system in a test: make both ways of moving report what the kernel would.
    def exdev(*args, **kwargs):
        raise OSError(errno.EXDEV, os.strerror(errno.EXDEV))

    if way == "renameat2":
        monkeypatch.setattr(moves, "_renameat2", renameat2_says(errno.EXDEV))
    monkeypatch.setattr(moves.os, "link", exdev)
    (tmp_path / "0001.md").write_bytes(BODY)
    with pytest.raises(
        MoveError, match=r"0001\.md and .*0002\.md are on different file systems \(disks\); nothing was moved"
    ):
        move_file(tmp_path / "0001.md", tmp_path / "0002.md")
    assert files_under(tmp_path) == {"0001.md": BODY}


def test_the_destination_and_source_folders_are_flushed_to_disk(tmp_path, way, monkeypatch):
    flushed = []
    real_fsync = os.fsync

    def fsync(fd):
        flushed.append(os.readlink(f"/proc/self/fd/{fd}"))
        real_fsync(fd)

    monkeypatch.setattr(moves.os, "fsync", fsync)
    (tmp_path / "queue").mkdir()
    (tmp_path / "queue" / "0001.md").write_bytes(BODY)
    move_file(tmp_path / "queue" / "0001.md", tmp_path / "comments" / "a-post" / "0001.md")
    # each new folder's parent as it is created, then the destination folder, then the source folder
    root = Path(os.path.realpath(tmp_path))
    assert flushed == [str(root), str(root / "comments"), str(root / "comments" / "a-post"), str(root / "queue")]


def test_a_crash_during_rename_leaves_the_file_once_at_the_source(tmp_path, monkeypatch):
    def crashing_renameat2(*args):
        raise PowerCut

    monkeypatch.setattr(moves, "_renameat2", lambda: crashing_renameat2)
    (tmp_path / "queue").mkdir()
    (tmp_path / "queue" / "0001.md").write_bytes(BODY)
    with pytest.raises(PowerCut):
        move_file(tmp_path / "queue" / "0001.md", tmp_path / "comments" / "0001.md")
    assert files_under(tmp_path) == {"queue/0001.md": BODY}


def test_a_failing_rename_leaves_the_file_once_at_the_source(tmp_path, monkeypatch):
    monkeypatch.setattr(moves, "_renameat2", renameat2_says(errno.EIO))
    (tmp_path / "0001.md").write_bytes(BODY)
    with pytest.raises(MoveError, match=r"cannot move .*0001\.md to .*0002\.md: Input/output error; nothing was moved"):
        move_file(tmp_path / "0001.md", tmp_path / "0002.md")
    assert files_under(tmp_path) == {"0001.md": BODY}


def test_fallback_a_crash_during_link_leaves_the_file_once_at_the_source(tmp_path, monkeypatch):
    def crashing_link(*args, **kwargs):
        raise PowerCut

    monkeypatch.setattr(moves, "_renameat2", no_renameat2)
    monkeypatch.setattr(moves.os, "link", crashing_link)
    (tmp_path / "0001.md").write_bytes(BODY)
    with pytest.raises(PowerCut):
        move_file(tmp_path / "0001.md", tmp_path / "0002.md")
    assert files_under(tmp_path) == {"0001.md": BODY}


def test_fallback_a_crash_between_link_and_unlink_leaves_two_names_never_zero(tmp_path, monkeypatch):
    def crashing_unlink(*args, **kwargs):
        raise PowerCut

    monkeypatch.setattr(moves, "_renameat2", no_renameat2)
    monkeypatch.setattr(moves.os, "unlink", crashing_unlink)
    (tmp_path / "0001.md").write_bytes(BODY)
    with pytest.raises(PowerCut):
        move_file(tmp_path / "0001.md", tmp_path / "0002.md")
    assert files_under(tmp_path) == {"0001.md": BODY, "0002.md": BODY}
    assert os.path.samefile(tmp_path / "0001.md", tmp_path / "0002.md")


def test_fallback_a_source_that_cannot_be_removed_is_not_moved(tmp_path, monkeypatch):
    real_unlink = os.unlink

    def unlink(path, *args, **kwargs):
        if os.fsencode(path).endswith(b"0001.md"):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), path)
        real_unlink(path, *args, **kwargs)

    monkeypatch.setattr(moves, "_renameat2", no_renameat2)
    monkeypatch.setattr(moves.os, "unlink", unlink)
    (tmp_path / "0001.md").write_bytes(BODY)
    with pytest.raises(MoveError, match="Permission denied; nothing was moved"):
        move_file(tmp_path / "0001.md", tmp_path / "0002.md")
    assert files_under(tmp_path) == {"0001.md": BODY}


def test_moves_a_symlink_itself_not_its_target(tmp_path, way):
    (tmp_path / "target.md").write_bytes(BODY)
    (tmp_path / "link.md").symlink_to("target.md")
    move_file(tmp_path / "link.md", tmp_path / "moved.md")
    assert os.readlink(tmp_path / "moved.md") == "target.md"
    assert not os.path.lexists(tmp_path / "link.md")
    assert (tmp_path / "target.md").read_bytes() == BODY


FOLDERS = ("queue", "comments", "rejected")
SLUGS = ("a-post", "café au lait")
IDS = ("0001", "0002")
NAMES = st.tuples(st.sampled_from(SLUGS), st.sampled_from(IDS))


@settings(deadline=None, max_examples=60)  # every move flushes folders to disk: slow and uneven
@given(
    start=st.dictionaries(st.tuples(st.sampled_from(FOLDERS), NAMES), st.binary(max_size=64), max_size=8),
    steps=st.lists(st.tuples(NAMES, st.sampled_from(FOLDERS), st.sampled_from(FOLDERS)), max_size=12),
    fallback=st.booleans(),
)
def test_any_sequence_of_moves_keeps_every_file_exactly_once(start, steps, fallback):
    """Files (<folder>/<slug>/<id>.md) move among three folders; a refused move changes nothing.

    The same <slug>/<id>.md may be in several folders at the start, so a move can find its
    destination taken; a step may also name a folder the file is not in.
    """
    with (
        tempfile.TemporaryDirectory() as tmp,
        mock.patch.object(moves, "_renameat2", no_renameat2 if fallback else moves._renameat2),
    ):
        root = Path(tmp)
        place = {}  # model: (folder, slug, id) -> bytes
        for (folder, (slug, id_)), body in start.items():
            (root / folder / slug).mkdir(parents=True, exist_ok=True)
            (root / folder / slug / f"{id_}.md").write_bytes(body)
            place[folder, slug, id_] = body
        for (slug, id_), frm, to in steps:
            src, dst = root / frm / slug / f"{id_}.md", root / to / slug / f"{id_}.md"
            if (frm, slug, id_) in place and (to, slug, id_) not in place:
                move_file(src, dst)
                place[to, slug, id_] = place.pop((frm, slug, id_))
            else:
                why = "already exists" if (frm, slug, id_) in place else "does not exist"
                with pytest.raises(MoveError, match=f"{why}; nothing was moved"):
                    move_file(src, dst)
            assert files_under(root) == {
                f"{folder}/{slug}/{id_}.md": body for (folder, slug, id_), body in place.items()
            }
        assert sorted(files_under(root).values()) == sorted(start.values())  # every original body, once
