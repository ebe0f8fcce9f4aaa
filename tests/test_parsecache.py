"""Parsed comment files: reused only while the file is unchanged, whatever the path's spelling."""

import os
import pickle
from datetime import UTC

import pytest

from conftest import breaks
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


def _parsed_where(site, monkeypatch, workers):
    """Build cold with ``workers``; the process that parsed each comment file (``read_comment``
    records it in a file: a forked process's memory is its own)."""
    from holdspace.archive import parsecache

    record = site.root / "parsed-by.txt"
    record.write_text("", encoding="utf-8")
    real = getattr(parsecache.read_comment, "__wrapped__", parsecache.read_comment)  # not the last call's

    def recorded(path, thread, tz):
        with open(record, "a", encoding="utf-8") as f:
            f.write(f"{os.getpid()} {os.path.basename(path)}\n")
        return real(path, thread, tz)

    recorded.__wrapped__ = real

    monkeypatch.setattr(parsecache, "read_comment", recorded)
    built = site.build(HOLDSPACE_WORKERS=workers)
    assert built.report.held_back == 0 and (built.output / "comment" / "c7.html").exists()
    return [line.split() for line in record.read_text(encoding="utf-8").splitlines()]


def _twelve_comments(site, monkeypatch):
    """Twelve comments to parse, more than the few a build parses itself."""
    from holdspace.archive import parsecache

    monkeypatch.setattr(parsecache, "FEW", 4)
    site.post("t")
    for i in range(12):
        site.comment("t", f"c{i}", f"Words {i}.", date=f"2025-01-02 10:{i:02d}")


def test_with_two_workers_a_forked_process_parses_the_comments_while_pelican_reads_the_posts(site, monkeypatch):
    _twelve_comments(site, monkeypatch)
    parsed = _parsed_where(site, monkeypatch, 2)
    assert sorted(name for _, name in parsed) == sorted(f"c{i}.md" for i in range(12))  # each once
    assert {pid for pid, _ in parsed} and str(os.getpid()) not in {pid for pid, _ in parsed}  # none by the build itself


def test_with_one_worker_the_build_parses_the_comments_itself(site, monkeypatch):
    _twelve_comments(site, monkeypatch)
    parsed = _parsed_where(site, monkeypatch, 1)
    assert len(parsed) == 12 and {pid for pid, _ in parsed} == {str(os.getpid())}


def test_a_warm_build_parses_the_few_files_changed_itself_and_leaves_the_cache(site, monkeypatch):
    """After an approve the forked process finds one file to parse: it leaves it to the
    build, which does not write 12 entries back for a new file; an edited file or one gone
    is written out of the cache at once (its old words and address must not stay)."""
    from holdspace.archive import parsecache

    _twelve_comments(site, monkeypatch)
    _parsed_where(site, monkeypatch, 2)
    cache = site.root / ".cache" / "holdspace" / parsecache.FILE
    written = cache.read_bytes()
    site.comment("t", "c12", "Approved now.", date="2025-01-02 11:00")
    for _ in range(2):  # parsed again, by the build itself, until the cache is written
        assert _parsed_where(site, monkeypatch, 2) == [[str(os.getpid()), "c12.md"]]
        assert cache.read_bytes() == written
    site.comment("t", "c3", "Edited.", date="2025-01-02 10:03", author="Someone Else")
    assert sorted(name for _, name in _parsed_where(site, monkeypatch, 2)) == ["c12.md", "c3.md"]
    assert b"Edited." in cache.read_bytes() and b"Words 3." not in cache.read_bytes()
    (site.content / "comments" / "t" / "c5.md").unlink()
    assert _parsed_where(site, monkeypatch, 2) == []
    entries = pickle.loads(cache.read_bytes())["entries"]
    assert len(entries) == 12 and not any(key.endswith("/c5.md") for key in entries)


@pytest.mark.parametrize("end", ["fails", "is killed"])
def test_a_parsing_process_that_fails_leaves_the_build_to_parse_the_files_itself(site, monkeypatch, end):
    """The parsing process only fills a cache: when it fails (a folder it cannot write) or is
    killed (for memory), the build parses every file itself, and reports as it always did."""
    import signal

    from holdspace.glue import comments

    _twelve_comments(site, monkeypatch)

    def broken(*args, **kwargs):
        if end == "is killed":
            os.kill(os.getpid(), signal.SIGKILL)
        raise OSError("the disk broke")

    monkeypatch.setattr(comments, "parse_all", broken)
    parsed = _parsed_where(site, monkeypatch, 2)
    assert len(parsed) == 12 and {pid for pid, _ in parsed} == {str(os.getpid())}
    assert not comments._PARSING  # waited for


def test_the_parsing_process_of_a_build_that_failed_before_reading_is_waited_for_later(site, monkeypatch):
    """A build that fails before it reads the comments (in one Python process, as with
    ``pelican --autoreload``) does not wait for its parsing process; the next build does,
    so none is left a zombie."""
    import time

    from holdspace.glue import comments

    _twelve_comments(site, monkeypatch)

    breaks(monkeypatch, comments, "load_rules", OSError("the rules broke"))
    with pytest.raises(OSError, match="the rules broke"):
        site.build(HOLDSPACE_WORKERS=2)
    (left,) = comments._PARSING
    deadline = time.monotonic() + 30
    while _state(left) != "Z" and time.monotonic() < deadline:  # it ends, and waits to be waited for
        time.sleep(0.05)
    assert _state(left) == "Z"
    monkeypatch.undo()
    site.build(HOLDSPACE_WORKERS=2)
    assert not comments._PARSING and _state(left) is None


def _state(pid):
    """The process's state letter in /proc (Z: ended, not waited for), None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return None


def test_a_cache_is_loaded_with_the_collector_paused_and_left_as_it_was(site, tmp_path, monkeypatch):
    """Loading makes hundreds of thousands of objects at once: Python's cyclic collector is
    paused meanwhile, then left as it was (off stays off), an error on the way too."""
    import gc

    from holdspace.archive import parsecache

    seen = []
    for enabled in (True, False):
        (gc.enable if enabled else gc.disable)()
        try:
            with pytest.raises(ZeroDivisionError), parsecache.collector_paused():
                seen.append(gc.isenabled())
                _ = 1 / 0
            assert gc.isenabled() == enabled
        finally:
            gc.enable()
    assert seen == [False, False]
    site.post("t")
    site.comment("t", "c1", "Words.")
    site.build(HOLDSPACE_WORKERS=1)  # writes the cache
    load = pickle.load
    monkeypatch.setattr(parsecache.pickle, "load", lambda f: seen.append(gc.isenabled()) or load(f))
    cache = ParseCache(str(site.root / ".cache" / "holdspace"), UTC)
    assert seen[2:] == [False] and cache._old and gc.isenabled()
