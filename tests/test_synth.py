"""The benchmarks' synthetic archive: deterministic, and valid archive format."""

import hashlib
import importlib.util
from zoneinfo import ZoneInfo

from conftest import ROOT
from holdspace.archive.reader import read_archive

spec = importlib.util.spec_from_file_location("synth", ROOT / "bench" / "synth.py")
synth = importlib.util.module_from_spec(spec)
spec.loader.exec_module(synth)


def tree(folder):
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*.md")}


def test_the_same_seed_gives_the_same_files(tmp_path):
    a = synth.generate(str(tmp_path / "a"), posts=5, comments=120, queued=4, seed=3)
    synth.generate(str(tmp_path / "b"), posts=5, comments=120, queued=4, seed=3)
    assert tree(tmp_path / "a") == tree(tmp_path / "b")
    synth.generate(str(tmp_path / "c"), posts=5, comments=120, queued=4, seed=4)
    assert tree(tmp_path / "a") != tree(tmp_path / "c")
    assert a["replies"] > 20


def test_the_archive_is_valid_with_deep_replies(tmp_path):
    synth.generate(str(tmp_path), posts=3, comments=300, queued=5, seed=1)
    archive = read_archive(str(tmp_path / "content" / "comments"), {f"post-{i:05d}" for i in range(3)}, ZoneInfo("UTC"))
    assert archive.problems == [] and archive.published == 300
    assert len(list((tmp_path / "moderation" / "queue").rglob("*.md"))) == 5
    parents = {c.id: c.reply_to for thread in archive.threads.values() for c in thread}

    def depth(cid):
        d = 0
        while parents[cid]:
            cid, d = parents[cid], d + 1
        return d

    assert max(depth(c) for c in parents) >= 4
