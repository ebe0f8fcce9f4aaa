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


def test_a_cache_pickled_by_code_that_has_moved_is_ignored(site, tmp_path, monkeypatch):
    """A pickle of this version whose entries name a module that is gone (``holdspace.commentfile``
    before the stages) reads as no cache at all: every file is parsed, nothing fails."""
    import pickle
    import sys
    import types

    path = site.comment("t", "c1", "Words.")
    cache_folder = tmp_path / "cache"
    cache = ParseCache(str(cache_folder), UTC)
    cache.read(str(path), "t", UTC)
    cache.save()
    entries = pickle.loads((cache_folder / "comments.pickle").read_bytes())["entries"]

    old = types.ModuleType("holdspace.commentfile")  # the module as it was, for as long as the pickle is written

    class Comment:
        pass

    Comment.__module__, Comment.__qualname__ = "holdspace.commentfile", "Comment"
    old.Comment = Comment
    monkeypatch.setitem(sys.modules, "holdspace.commentfile", old)
    stale = {key: (stamp, thread, (Comment(), [])) for key, (stamp, thread, _) in entries.items()}
    data = pickle.dumps({"version": cache.version, "entries": stale})
    (cache_folder / "comments.pickle").write_bytes(data)
    assert ParseCache(str(cache_folder), UTC)._old  # this version: read while the old module is there
    monkeypatch.delitem(sys.modules, "holdspace.commentfile")
    moved = ParseCache(str(cache_folder), UTC)
    comment, problems = moved.read(str(path), "t", UTC)
    assert comment.body == "Words." and problems == [] and (moved.hits, moved.misses) == (0, 1)
