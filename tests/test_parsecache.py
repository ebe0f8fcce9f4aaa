"""Parsed comment files: reused only while the file is unchanged, whatever the path's spelling."""

import os
from datetime import UTC

from holdspace.archive.parsecache import ParseCache


def test_an_unchanged_file_is_not_parsed_again_and_an_edited_one_is(site, tmp_path, monkeypatch):
    path = site.comment("t", "c1", "First words.")
    cache_folder = str(tmp_path / "cache")
    first = ParseCache(cache_folder, UTC)
    comment, problems = first.read(str(path), "t", UTC)
    assert comment.body == "First words." and problems == [] and first.misses == 1
    first.save()

    monkeypatch.chdir(site.root)
    relative = os.path.relpath(path)
    second = ParseCache(cache_folder, UTC)
    comment, _ = second.read(relative, "t", UTC)
    assert (second.hits, second.misses) == (1, 0)
    assert comment.path == relative  # problems and messages name the file as it was asked for
    second.save()

    site.comment("t", "c1", "Edited words.")  # the same size would do: the times and inode change
    third = ParseCache(cache_folder, UTC)
    comment, _ = third.read(str(path), "t", UTC)
    assert comment.body == "Edited words." and third.misses == 1


def test_a_file_in_another_thread_or_a_damaged_cache_is_parsed_again(site, tmp_path):
    path = site.comment("t", "c1")
    cache_folder = tmp_path / "cache"
    cache = ParseCache(str(cache_folder), UTC)
    cache.read(str(path), "t", UTC)
    cache.save()
    moved = ParseCache(str(cache_folder), UTC)
    comment, _ = moved.read(str(path), "other", UTC)
    assert comment.thread == "other" and moved.misses == 1
    (cache_folder / "comments.pickle").write_bytes(b"not a pickle")
    damaged = ParseCache(str(cache_folder), UTC)
    assert damaged.read(str(path), "t", UTC)[0] is not None and damaged.misses == 1


def test_a_cache_pickled_by_code_that_has_moved_is_ignored(site, tmp_path):
    """A pickle naming a module that is gone (``holdspace.commentfile`` before the stages)
    reads as no cache at all: every file is parsed, nothing fails."""
    path = site.comment("t", "c1", "Words.")
    cache_folder = tmp_path / "cache"
    cache_folder.mkdir()
    # protocol 2: a dict {"version": ..., "entries": {"x": holdspace.commentfile.Comment()}}, by hand
    stale = (
        b"\x80\x02}q\x00(X\x07\x00\x00\x00versionq\x01X\x01\x00\x00\x001q\x02X\x07\x00\x00\x00entriesq\x03}q\x04"
        b"X\x01\x00\x00\x00xq\x05choldspace.commentfile\nComment\nq\x06)\x81q\x07su."
    )
    (cache_folder / "comments.pickle").write_bytes(stale)
    cache = ParseCache(str(cache_folder), UTC)
    comment, problems = cache.read(str(path), "t", UTC)
    assert comment.body == "Words." and problems == [] and (cache.hits, cache.misses) == (0, 1)
    cache.save()
    assert ParseCache(str(cache_folder), UTC).read(str(path), "t", UTC)[0].body == "Words."
