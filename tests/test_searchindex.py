"""The Whoosh index: incremental updates, and the browser's ranking equal to Whoosh's."""

import json
import random
import subprocess
from datetime import UTC, datetime

import pytest

from conftest import ROOT
from holdspace.searchexport import write_export
from holdspace.searchindex import Doc, export, search, update_index


def doc(i, text, author="Mira"):
    return Doc(
        f"c{i}", "comment", "A Post", author, text, datetime(2025, 1, 1, tzinfo=UTC), "t", "Therapy", f"t/#comment-c{i}"
    )


def test_only_what_changed_is_written(tmp_path):
    folder = str(tmp_path / "ix")
    docs = [doc(i, f"words number {i} about holidays") for i in range(5)]
    first = update_index(folder, docs)
    assert (first.added, first.rebuilt) == (5, True)
    again = update_index(folder, docs)
    assert (again.added, again.changed, again.removed, again.unchanged, again.rebuilt) == (0, 0, 0, 5, False)
    docs.append(doc(9, "a new comment about winter"))
    assert update_index(folder, docs).added == 1
    docs[0] = doc(0, "changed: now about summer")
    assert update_index(folder, docs).changed == 1
    assert update_index(folder, docs[1:]).removed == 1
    assert [h.id for h in search(folder, "winter")] == ["c9"]
    assert search(folder, "summer") == []  # c0 was removed
    assert [h.id for h in search(folder, "holiday")] == ["c1", "c2", "c3", "c4"]


def test_a_changed_schema_rebuilds(tmp_path, monkeypatch):
    from holdspace import searchindex

    folder = str(tmp_path / "ix")
    update_index(folder, [doc(1, "text")])
    monkeypatch.setattr(searchindex, "SCHEMA_VERSION", searchindex.SCHEMA_VERSION + 1)
    stats = update_index(folder, [doc(1, "text")])
    assert stats.rebuilt and stats.added == 1


def test_author_filter_and_and(tmp_path):
    folder = str(tmp_path / "ix")
    update_index(folder, [doc(1, "tea and cake", "Mira"), doc(2, "tea alone", "Kit"), doc(3, "cake alone", "Mira")])
    assert [h.id for h in search(folder, "tea cake")] == ["c1"]
    assert [h.id for h in search(folder, "tea author:KIT")] == ["c2"]
    assert [h.id for h in search(folder, "author:mira")] == ["c1", "c3"]
    assert search(folder, "the and") == []


@pytest.fixture(scope="module")
def corpus(demo):
    """A fixed corpus: the demo archive's posts and comments, indexed and exported."""
    return demo.cache / "search", demo.output / "search" / "data"


def queries_from(folder, count=60, seed=7):
    """Words and word pairs and author filters drawn from the corpus itself."""
    data = export(str(folder))
    words = sorted(w for w, t in data.surface.items() if t and len(w) > 3)
    authors = sorted({hit.author for hit in data.docs.values()})
    rng = random.Random(seed)
    queries = [rng.choice(words) for _ in range(count // 2)]
    docs = sorted(data.docs.values(), key=lambda h: h.docnum)
    for _ in range(count // 4):  # two words of one document, so that most pairs match
        text_words = sorted(
            {w.lower() for w in data.surface if data.surface[w] and len(w) > 3 and w in rng.choice(docs).text.lower()}
        )
        queries.append(" ".join(rng.sample(text_words, 2)) if len(text_words) >= 2 else rng.choice(words))
    common = ["therapist", "feel", "week", "help", "know", "time"]
    queries += [f"{rng.choice(common)} author:{rng.choice(authors)}" for _ in range(count // 8)]
    queries += ["Therapist vacation", "don't", "e.g.", "grief holidays", "Ελένη", "therapy breaks", "self-care"]
    return queries


@pytest.mark.node
def test_the_browser_ranks_exactly_as_whoosh(corpus, tmp_path):
    folder, data = corpus
    queries = queries_from(folder)
    assert len(queries) >= 50
    expected = [[(h.docnum, h.score) for h in search(str(folder), q, limit=10)] for q in queries]
    assert sum(1 for e in expected if e) >= 45, "most queries find something"
    qfile = tmp_path / "queries.json"
    qfile.write_text(json.dumps(queries), encoding="utf-8")
    result = subprocess.run(["node", str(ROOT / "tests" / "js" / "rank.cjs"), str(data), str(qfile)],
                            capture_output=True, text=True, timeout=120, check=True)  # fmt: skip
    got = json.loads(result.stdout)
    for query, want, have in zip(queries, expected, got, strict=True):
        assert [d for d, _ in have] == [d for d, _ in want], query
        for (_, a), (_, b) in zip(have, want, strict=True):
            assert a == pytest.approx(b, rel=1e-12), query


def test_the_export_holds_no_email(corpus):
    _, data = corpus
    blob = b"".join(p.read_bytes() for p in data.rglob("*.json"))
    assert b"@example." not in blob


def test_a_new_export_leaves_nothing_of_the_old_one(tmp_path):
    folder, out = str(tmp_path / "ix"), tmp_path / "out" / "data"
    docs = [doc(i, f"comment {i} about tea") for i in range(4)] + [doc(9, "SECRET-CANARY text")]
    update_index(folder, docs)
    write_export(export(folder), str(out))
    assert any(b"SECRET-CANARY" in p.read_bytes() for p in out.rglob("*.json"))
    update_index(folder, docs[:4])  # the comment is taken off the site
    write_export(export(folder), str(out))
    assert not any(b"SECRET-CANARY" in p.read_bytes() for p in out.rglob("*.json"))
    assert sorted(p.name for p in (out / "d").iterdir()) == ["0.json", "1.json", "2.json", "3.json"]
    assert [p.name for p in out.parent.iterdir()] == ["data"]
