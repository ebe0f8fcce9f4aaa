"""The Whoosh index: incremental updates, and the browser's ranking equal to Whoosh's."""

import json
import random
import re
import subprocess

import pytest

from conftest import ROOT, breaks
from conftest import search_doc as doc
from holdspace.search.export import write_export
from holdspace.search.index import export, search, update_index


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


@pytest.mark.parametrize(
    "record", ["kept", "missing", "damaged", "of another generation", "with wrong numbers", "with a number too high"]
)
def test_the_recorded_digests_stand_for_reading_every_document(tmp_path, record, monkeypatch):
    """An update compares digests recorded with the index's generation, and finds a document
    by the number recorded beside its digest, instead of reading every document's stored
    fields; without a good record it reads them, to the same end."""
    from whoosh import index as whoosh_index

    from holdspace.search.documents import DIGESTS_FILE, load_digests, save_digests

    folder = tmp_path / "ix"
    docs = [doc(i, f"words number {i} about holidays") for i in range(5)]
    update_index(str(folder), docs)
    generation = whoosh_index.open_dir(str(folder)).latest_generation()
    digests, docnums = load_digests(str(folder), generation)
    assert docnums == {f"c{i}": i for i in range(5)} and load_digests(str(folder), 999) is None
    if record == "missing":
        (folder / DIGESTS_FILE).unlink()
    elif record == "damaged":
        (folder / DIGESTS_FILE).write_bytes(b"not a pickle")
    elif record == "of another generation":
        save_digests(str(folder), 999, {"c0": "stale"}, {"c0": 0})
    elif record == "with wrong numbers":  # c0 and c1 swapped: the stored ids tell, and every document is read
        save_digests(str(folder), generation, digests, docnums | {"c0": 1, "c1": 0})
    elif record == "with a number too high":
        save_digests(str(folder), generation, digests, docnums | {"c1": 99})
    docs[0] = doc(0, "changed: now about summer")
    del docs[1]
    if record == "kept":  # then no document's stored fields are read but those of the two that go
        from whoosh.reading import MultiReader, SegmentReader

        for reader in (SegmentReader, MultiReader):
            monkeypatch.setattr(reader, "all_stored_fields", lambda self: pytest.fail("read every document"))
            monkeypatch.setattr(reader, "iter_docs", lambda self: pytest.fail("read every document"))
    stats = update_index(str(folder), docs)
    assert (stats.changed, stats.removed, stats.unchanged) == (1, 1, 3)
    assert "holidai" in stats.touched_terms  # the old words, read back
    assert [h.id for h in search(str(folder), "summer")] == ["c0"]
    assert [h.id for h in search(str(folder), "holiday")] == ["c2", "c3", "c4"]


def test_the_recorded_numbers_are_the_index_s_after_every_update_and_merge(tmp_path, monkeypatch):
    """Ids are stored, not indexed: an update deletes a document by the number recorded
    with the digests. After each of 40 random updates (added, changed, removed; merged into
    one segment at every fourth), the record holds each document's number in the index as
    Whoosh reads it, and a search finds what a new index of the same documents finds."""
    from whoosh import index as whoosh_index
    from whoosh.reading import MultiReader, SegmentReader

    from holdspace.search import index as searchindex
    from holdspace.search.documents import load_digests

    monkeypatch.setattr(searchindex, "MAX_SEGMENTS", 4)
    reads = []  # documents read back by an update: only in a merge
    for reader in (SegmentReader, MultiReader):
        monkeypatch.setattr(reader, "iter_docs", lambda self, it=reader.iter_docs: reads.append(1) or it(self))
    rng = random.Random(3)
    folder = str(tmp_path / "ix")
    docs = {i: doc(i, f"tea {i} " + rng.choice(["rain", "winter", "quiet"])) for i in range(10, 30)}
    update_index(folder, docs.values())
    merges = 0
    for step in range(40):
        for _ in range(rng.randrange(1, 4)):
            i = rng.randrange(10, 60)
            if i in docs and rng.random() < 0.5:
                del docs[i]
            else:
                docs[i] = doc(i, f"tea {i} {step} " + rng.choice(["rain", "winter", "quiet"]))
        segments = len(whoosh_index.open_dir(folder)._segments())
        reads.clear()
        update_index(folder, docs.values())
        ix = whoosh_index.open_dir(folder)
        merged = len(ix._segments()) < segments
        merges += merged
        assert merged or not reads, step  # the numbers worked out, not read (a merge reads every segment)
        with ix.reader() as reader:
            read = {fields["id"]: docnum for docnum, fields in reader.iter_docs()}
        assert load_digests(folder, ix.latest_generation())[1] == read, step
        fresh = str(tmp_path / f"fresh{step}")
        update_index(fresh, docs.values())
        for word in ("rain", "winter", "quiet", "tea"):
            assert sorted(h.id for h in search(folder, word, 100)) == sorted(h.id for h in search(fresh, word, 100))
    assert merges >= 5


def test_a_changed_analyzer_rebuilds(tmp_path, monkeypatch):
    from whoosh.analysis import StemmingAnalyzer

    from holdspace.search import index as searchindex

    folder = str(tmp_path / "ix")
    update_index(folder, [doc(1, "tbd text")])
    assert search(folder, "tbd") == []  # a stop word of the default analyzer
    monkeypatch.setattr(searchindex, "analyzer", lambda: StemmingAnalyzer(stoplist=frozenset({"the"})))
    stats = update_index(folder, [doc(1, "tbd text")])
    assert stats.rebuilt and stats.added == 1
    assert [h.id for h in search(folder, "tbd")] == ["c1"]


def test_a_changed_schema_version_rebuilds(tmp_path, monkeypatch):
    from holdspace.search import index as searchindex

    folder = str(tmp_path / "ix")
    update_index(folder, [doc(1, "text")])
    monkeypatch.setattr(searchindex, "SCHEMA_VERSION", searchindex.SCHEMA_VERSION + 1)
    assert update_index(folder, [doc(1, "text")]).rebuilt


def test_author_filter_and_and(tmp_path):
    folder = str(tmp_path / "ix")
    update_index(folder, [doc(1, "tea and cake", "Mira"), doc(2, "tea alone", "Kit"), doc(3, "cake alone", "Mira")])
    assert [h.id for h in search(folder, "tea cake")] == ["c1"]
    assert [h.id for h in search(folder, "tea author:KIT")] == ["c2"]
    assert [h.id for h in search(folder, "author:mira")] == ["c1", "c3"]
    assert search(folder, "the and") == [] and search(folder, "   ") == []


def node(script, *args):
    result = subprocess.run(["node", str(ROOT / "tests" / "js" / script), *map(str, args)],
                            capture_output=True, text=True, timeout=300, check=True)  # fmt: skip
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """A fixed corpus: the synthetic archive of bench/synth.py (seed 5), plus a few
    documents with Turkish, Greek and multi-word pseudonyms, indexed and exported."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("synth", ROOT / "bench" / "synth.py")
    synth = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(synth)
    out = tmp_path_factory.mktemp("corpus")
    synth.generate(str(out / "site"), posts=4, comments=400, seed=5)
    docs = []
    for i, path in enumerate(sorted((out / "site" / "content" / "comments").rglob("*.md"))):
        header, body = path.read_text(encoding="utf-8").split("\n\n", 1)
        author = header.split("\n")[0].split(": ", 1)[1]
        docs.append(doc(i, body, author))
    docs += [doc(900, "My friend İpek moved to İstanbul last spring.", "Αΐντα"), doc(901, "Ταΰγετος mountains", "Ταΰγετος"),
             doc(902, "A sunny day, finally.", "Sunny 🌻"), doc(903, "ᾼlex says hello", "ᾼlex")]  # fmt: skip
    folder = out / "ix"
    stats = update_index(str(folder), docs)
    write_export(export(str(folder)), str(out / "data"))
    return folder, out / "data", docs, stats


def test_a_new_index_s_export_from_its_gathered_counts_is_the_one_read_back(corpus, tmp_path):
    """The export of a new index is made from the words counted as it was written, not read
    back: every term's postings, weights, lengths and df, the counts, the average length,
    the documents and the authors are the index's own, to the last bit."""
    from holdspace.search.export import ExportState, update_export
    from holdspace.search.index import rounded_length, stopped
    from holdspace.search.postings import export_changes

    _, data, docs, stats = corpus
    assert stats.rebuilt and len(stats.gathered.hits) == len(docs)
    state = ExportState(stop_words=stopped())
    made = export_changes({}, {}, stats.numbers, stats.gathered, stats.touched_terms, rounded_length)
    assert len(made) > 1000
    update_export(state, made, stats.gathered.hits, stats.gathered.lengths, stats.numbers, "", str(tmp_path / "d"),
                  "")  # fmt: skip
    mine, whooshs = sorted((tmp_path / "d").rglob("*.json")), sorted(data.rglob("*.json"))
    assert [p.relative_to(tmp_path / "d") for p in mine] == [p.relative_to(data) for p in whooshs]
    assert [p.read_bytes() for p in mine] == [p.read_bytes() for p in whooshs]


INFLECT = ["s", "es", "ed", "ing", "ly", "ness", "ation", "ations", "izer", "ful", "ment", "er", "est", "ies"]


def queries_from(docs, count=80, seed=7):
    """Words of the corpus, forms of them it never uses, pairs, author filters, edge cases."""
    rng = random.Random(seed)
    words = sorted({w.lower() for d in docs for w in re.findall(r"[^\W\d_]{3,}", d.text)})
    authors = sorted({d.author for d in docs})
    queries = [rng.choice(words) for _ in range(count // 4)]
    queries += [rng.choice(words) + rng.choice(INFLECT) for _ in range(count // 4)]  # forms the corpus may lack
    for _ in range(count // 4):  # two words of one document, so that most pairs match
        text_words = sorted(set(re.findall(r"[^\W\d_]{4,}", rng.choice(docs).text.lower())))
        queries.append(" ".join(rng.sample(text_words, 2)) if len(text_words) >= 2 else rng.choice(words))
    queries += [f"{rng.choice(words)} author:{rng.choice(authors)}" for _ in range(count // 8)]
    queries += ["İstanbul", "İpek", "istanbul", "author:Αΐντα", "author:ταΰγετος", 'author:"Sunny 🌻"',
                "sunny author:\"sunny 🌻\"", "author:ᾼlex", "don't", "DON’T", "e.g.", "self-harm", "the and",
                "The THE therapist therapist", "café", "2024", "padding", "breathing breathe"]  # fmt: skip
    return queries


@pytest.mark.node
def test_the_browser_ranks_exactly_as_whoosh(corpus, tmp_path):
    folder, data, docs, _ = corpus
    queries = queries_from(docs)
    assert len(queries) >= 80
    expected = [[(h.docnum, h.score) for h in search(str(folder), q, limit=10)] for q in queries]
    assert sum(1 for e in expected if len(e) >= 2) >= 30, "many queries find several documents"
    for q in ("İstanbul", "author:Αΐντα", 'author:"Sunny 🌻"', "author:ᾼlex"):
        assert expected[queries.index(q)], q
    qfile = tmp_path / "queries.json"
    qfile.write_text(json.dumps(queries), encoding="utf-8")
    got = node("rank.cjs", data, qfile)
    for query, want, have in zip(queries, expected, got, strict=True):
        assert [d for d, _ in have] == [d for d, _ in want], query
        for (_, a), (_, b) in zip(have, want, strict=True):
            assert a == pytest.approx(b, rel=1e-12), query


def test_words_are_counted_as_whoosh_s_analyzer_counts_them(corpus):
    """The counter the index is written with (no Token object per word) counts what the
    analyzer's tokens count, on every document of the corpus and odd texts."""
    from holdspace.search.index import analyzer
    from holdspace.search.words import _pieces_counted, _tokens_counted, counter

    _, _, docs, _ = corpus
    a = analyzer()
    fast = counter(a)
    assert fast.func is _pieces_counted  # the fast one, not the fallback
    texts = [d.text for d in docs] + ["padding PADDING padd", "A I a i ab AB", "e.g. U.S.A. 3.14 x*y", "İstanbul ǅ",
                                      "the THE The", "naïve café ᾼlex", "don't DON’T", "", "   ", "a" * 300]  # fmt: skip
    assert [fast(t) for t in texts] == [_tokens_counted(a, t) for t in texts]
    assert sum(len(fast(t)) for t in texts) > 5000
    from whoosh.analysis import StemmingAnalyzer

    for pattern in (r"\w+", r"\w+(-\w+)*"):  # other patterns: without a group, and with one
        other = StemmingAnalyzer(expression=pattern)
        assert [counter(other)(t) for t in texts] == [_tokens_counted(other, t) for t in texts]
    assert counter(StemmingAnalyzer(expression=r"\w+")).__name__ == "count"  # word by word, not piece by piece


def test_words_counted_piece_by_piece_are_whoosh_s_words():
    """The counter reads the pieces of a text between white space and runs Whoosh's pattern
    only on a piece it has not seen: 3,000 random texts of pieces with dots, stars,
    underscores, apostrophes, marks, digits of other scripts and every kind of white space,
    many pieces seen again in other texts, count what Whoosh's tokens count."""
    from holdspace.search.index import analyzer
    from holdspace.search.words import _tokens_counted, counter

    rng = random.Random(7)
    a = analyzer()
    fast = counter(a)
    letters = ["a", "b", "Tea", "THE", "running", "İ", "é", "e\u0301", "ß", "ﬁ", "²", "٣", "五", "ǅ", "_", "*", ".", "..",
               "'", "’", "-", ",", "!", "(", ")", "🌻", "\u200b", "\u00ad", "x" * 40]  # fmt: skip
    spaces = [" ", "  ", "\t", "\n", "\u00a0", "\u2028", "\u3000", "\x1c", "\r\n", "\u2009"]
    pieces = ["".join(rng.choice(letters) for _ in range(rng.randrange(1, 6))) for _ in range(400)]
    texts = ["".join(rng.choice(pieces) + rng.choice(spaces) for _ in range(rng.randrange(0, 30))) for _ in range(3000)]
    assert [fast(t) for t in texts] == [_tokens_counted(a, t) for t in texts]
    assert sum(sum(fast(t).values()) for t in texts) > 20_000


@pytest.mark.node
def test_the_browser_analyses_words_exactly_as_whoosh(corpus, tmp_path):
    """search.js's copy of Whoosh's Porter stemmer, over every word of the corpus and many forms of them."""
    from holdspace.search.index import analyzer

    _, data, docs, _ = corpus
    words = sorted({w for d in docs for w in re.findall(r"\w+", d.text.lower())})
    texts = words + [w + suffix for w in words[:800] for suffix in INFLECT] + [d.text for d in docs[:50]]
    texts += ["padding", "sky", "yelling", "Yes", "fizzed", "hopping", "agreed", "feed", "controlling", "İstanbul",
              "generalizations", "oscillators", "ύψος", "ρ", "e.g. i.e. U.S.A.", "naïve café", "x\U0001d400y"]  # fmt: skip
    (tmp_path / "texts.json").write_text(json.dumps(texts), encoding="utf-8")
    stop = json.loads((data / "manifest.json").read_text(encoding="utf-8"))["stop"]
    (tmp_path / "stop.json").write_text(json.dumps(stop), encoding="utf-8")
    got = node("stem.cjs", tmp_path / "texts.json", tmp_path / "stop.json")
    a = analyzer()
    want = [[t.text for t in a(text)] for text in texts]
    mismatches = [(t, w, g) for t, w, g in zip(texts, want, got, strict=True) if w != g]
    assert mismatches == [], mismatches[:10]
    assert len(texts) > 5000


def test_hidden_posts_stay_out_of_search(site):
    site.post("t")
    site.post("secret-post", status="hidden")
    (site.content / "posts" / "secret-post.md").write_text(
        "Title: Secret\nDate: 2025-01-01 09:00\nSlug: secret-post\nStatus: hidden\n\nhiddencanary words\n",
        encoding="utf-8",
    )
    built = site.build()
    assert not any(b"hiddencanary" in p.read_bytes() for p in (built.output / "search" / "data").rglob("*.json"))


def test_whoosh_indexes_the_counts_it_is_given_not_the_text_again(tmp_path):
    """The content field takes a Counted value's counts as they are (the text is not
    analysed a second time): a word that is only in the counts is found."""
    from whoosh import index as whoosh_index
    from whoosh.query import Term

    from holdspace.search.index import schema
    from holdspace.search.postings import Counted

    ix = whoosh_index.create_in(str(tmp_path), schema())
    value = Counted("tea and biscuits")
    value.freqs = {"zebra": 3}
    writer = ix.writer()
    writer.add_document(id="c1", content=value)
    writer.commit()
    with ix.searcher() as searcher:
        assert [searcher.stored_fields(n)["id"] for n in searcher.search(Term("content", "zebra")).docs()] == ["c1"]
        assert list(searcher.search(Term("content", "tea")).docs()) == []
        assert searcher.doc_field_length(0, "content") == 3


def _segments(folder):
    """Each segment of an index: its documents, deletions and field lengths, and every file
    in it, the segment's random name taken out."""
    from whoosh import index as whoosh_index

    ix = whoosh_index.open_dir(str(folder))
    found = []
    for segment in ix._segments():
        storage = segment.open_compound_file(ix.storage) if segment.compound else ix.storage
        files = {}
        for name in storage.list():
            if segment.segid in name:
                with storage.open_file(name) as f:
                    files[name.replace(segment.segid, "")] = f.read().replace(segment.segid.encode(), b"")
        deleted = sorted(segment.deleted_docs()) if segment.has_deletions() else []
        found.append((segment.doc_count_all(), deleted, dict(segment._fieldlengths), files))
    return found


def test_the_counted_writer_writes_whoosh_s_own_segments_byte_for_byte(corpus, tmp_path, monkeypatch):
    """``segments.CountedWriter`` keeps the counted postings by term instead of Whoosh's
    sorting pool: a new index, an update (documents added, changed and removed) and a merge
    of every segment into one are the files Whoosh's own writer makes, byte for byte."""
    from holdspace.search import index as searchindex
    from holdspace.search import segments

    docs = corpus[2]
    steps = _three_updates(docs)
    made, filled = {}, []
    fill = segments._fill

    def counting_fill(writer, docnums, *rest):
        filled[-1].append(len(docnums))
        fill(writer, docnums, *rest)

    monkeypatch.setattr(segments, "_fill", counting_fill)
    shared, init = [], segments.CountedWriter.__init__

    def recording_init(self, ix, kept=None, **kwargs):
        shared.append(kept is not None)
        init(self, ix, kept, **kwargs)

    monkeypatch.setattr(segments.CountedWriter, "__init__", recording_init)
    for writer in ("counted", "whoosh's"):
        if writer == "whoosh's":
            monkeypatch.setattr(searchindex, "CountedWriter", lambda ix, **kwargs: ix.writer(**kwargs))
        monkeypatch.setattr(searchindex, "MAX_SEGMENTS", 2)  # the third update merges every segment
        folder = tmp_path / writer
        made[writer] = []
        for step in steps:
            filled.append([])
            stats = update_index(str(folder), step)
            made[writer].append(_segments(folder))
        assert (stats.added, stats.removed) == (1, 7)
    assert [len(segments) for segments in made["counted"]] == [1, 2, 1]
    assert made["counted"] == made["whoosh's"]
    # The counted way wrote the new index (some terms in more than one block) and the update;
    # the merge went Whoosh's way, as did every step of Whoosh's own writer.
    assert max(filled[0]) > 128 and filled[1] and filled[2:] == [[]] * 4
    assert shared == [True, False, False]  # the new index shares the postings gathered for the export
    found = {h.id for h in search(str(tmp_path / "counted"), "winter snow", limit=50)}
    assert found == {f"c{i}" for i in range(3, 40, 3)}  # the changed ones, found in the merged segment


def _three_updates(docs):
    """A new index, an update (documents added, changed and removed), and another (more removed, one added)."""
    changed = [doc(i, f"now about {'winter ' * i}snow") for i in range(0, 40, 3)]
    return [docs[:300], docs[20:] + changed, [*docs[30:], *changed, doc(950, "a late word about snow")]]


def _add(writer, kept, **fields):
    """``writer.add_document``, its counted postings first kept in ``kept`` (as the search
    gathers them before it adds a new index's document) when ``kept`` is a dict."""
    from array import array

    from holdspace.search.postings import Counted

    if kept is not None and isinstance(fields["content"], Counted):
        for word, n in fields["content"].freqs.items():
            kept.setdefault(word, (array("I"), array("I")))
            kept[word][0].append(writer.docnum)
            kept[word][1].append(n)
    writer.add_document(**fields)


def test_the_counted_writer_takes_whoosh_s_way_for_what_it_cannot_keep(tmp_path):
    """A document given a boost, or whose content is a plain string, after or before
    documents whose counts are kept: the postings kept go into Whoosh's pool, and the
    segment is the one Whoosh's own writer makes."""
    from functools import partial

    from whoosh import index as whoosh_index

    from holdspace.search.index import schema
    from holdspace.search.postings import Counted
    from holdspace.search.segments import CountedWriter

    def counted(text):
        value = Counted(text)
        value.freqs = {w: text.split().count(w) for w in text.split()}
        return value

    for case in ("boost", "plain", "plain first"):
        made = []
        for way in ("counted", "counted, kept by the caller", "whoosh's"):
            folder = tmp_path / f"{case}-{len(made)}"
            folder.mkdir()
            ix = whoosh_index.create_in(str(folder), schema())
            kept = {} if way == "counted, kept by the caller" else None
            writer = ix.writer() if way == "whoosh's" else CountedWriter(ix, kept=kept)

            add = partial(_add, writer, kept)
            if case == "plain first":
                add(id="c0", content="tea tea cake")
            add(id="c1", content=counted("tea and cake"))
            if case == "boost":
                add(id="c2", content=counted("tea alone"), _boost=2.0)
            elif case == "plain":
                add(id="c2", content="tea alone")
            add(id="c3", content=counted("cake and more cake"))
            writer.commit()
            made.append(_segments(folder))
        assert made[0] == made[1] == made[2], case
        assert [b"tea" in data for name, data in made[0][0][3].items() if name.endswith(".trm")] == [True]


def test_a_new_index_counted_first_is_the_index_of_one_pass(corpus, tmp_path, monkeypatch):
    """With ``counted`` (two workers: the export is written meanwhile), a new index's
    documents are all counted before Whoosh is given any: ``counted`` sees every document
    gathered and none added, and the segments and gathered postings are those of one pass.
    An update of the index counts as it writes, and ``counted`` is not called."""
    from holdspace.search import segments

    docs = corpus[2][:300]
    events, add = [], segments.CountedWriter.add_document

    def recording_add(self, **fields):
        events.append("add")
        add(self, **fields)

    monkeypatch.setattr(segments.CountedWriter, "add_document", recording_add)
    seen = []

    def counted(stats):
        events.append("counted")
        seen.append((len(stats.gathered.hits), {t: (list(d), list(f)) for t, (d, f) in stats.gathered.terms.items()}))

    first = update_index(str(tmp_path / "first"), docs, counted=counted)
    assert events == ["counted"] + ["add"] * len(docs)
    assert seen[0][0] == len(docs) and seen[0][1] == {
        t: (list(d), list(f)) for t, (d, f) in first.gathered.terms.items()
    }
    events.clear()
    one_pass = update_index(str(tmp_path / "one"), docs)
    assert events == ["add"] * len(docs) and _segments(tmp_path / "first") == _segments(tmp_path / "one")
    assert first.gathered.lengths == one_pass.gathered.lengths and first.added == one_pass.added == len(docs)
    events.clear()
    update_index(str(tmp_path / "first"), [*docs[1:], doc(999, "a new word about snow")], counted=counted)
    assert events == ["add"] and len(seen) == 1  # an update: nothing counted first


@pytest.mark.parametrize(("broken", "step"), [("update_index", "index"), ("update_export", "export")])
def test_a_search_step_failing_in_its_own_process_fails_the_build(site, monkeypatch, broken, step):
    """With two workers the index is written in a forked process and a new index's export in
    another: an error in either stops the build, as it would inline."""
    from holdspace.search import export as search_export
    from holdspace.search import index as search_index

    site.post("t")
    site.comment("t", "c1", "Words about tea.")

    breaks(monkeypatch, search_index if step == "index" else search_export, broken, OSError(f"the {step} broke"))
    with pytest.raises(RuntimeError, match="the search index could not be updated"):
        site.build(HOLDSPACE_WORKERS=2)
    monkeypatch.undo()
    built = site.build(HOLDSPACE_WORKERS=2)
    assert _result_ids(built.output) == ["post:t", "c1"]


def test_a_warm_export_that_failed_leaves_the_next_build_the_cold_one(site, monkeypatch):
    """The index is committed before its export is written: when the export fails, the
    record of the previous export goes with it, so the next build writes a whole one."""
    import shutil

    from holdspace.search import export as search_export

    site.post("t")
    site.comment("t", "c1", "Words about tea.", date="2025-01-02 10:00")
    site.build(HOLDSPACE_WORKERS=1)
    site.comment("t", "c2", "New words about marigold.", date="2025-01-03 10:00")

    breaks(monkeypatch, search_export, "update_export", OSError("the disk is full"))
    with pytest.raises(OSError, match="the disk is full"):
        site.build(HOLDSPACE_WORKERS=1)
    monkeypatch.undo()
    data = site.build(HOLDSPACE_WORKERS=1).output / "search" / "data"
    warm = {str(p.relative_to(data)): p.read_bytes() for p in sorted(data.rglob("*.json"))}
    assert any(b"marigold" in text for text in warm.values())
    shutil.rmtree(site.root / ".cache")
    shutil.rmtree(site.root / "output")
    data = site.build(HOLDSPACE_WORKERS=1).output / "search" / "data"
    assert warm == {str(p.relative_to(data)): p.read_bytes() for p in sorted(data.rglob("*.json"))}


def test_a_commit_that_fails_leaves_no_record_of_the_export_written_beside_it(site, monkeypatch):
    """With two workers a new index's export is written while Whoosh writes it: when the
    commit then fails, the export's record must not survive it (the index holds none of it)."""
    import time

    from whoosh.writing import SegmentWriter

    site.post("t")
    site.comment("t", "c1", "Words about tea.")
    state = site.root / ".cache" / "holdspace" / "search" / "export-state.pickle"

    def fail(self, *args, **kwargs):
        deadline = time.monotonic() + 20
        while not state.exists() and time.monotonic() < deadline:  # the export beside is done first
            time.sleep(0.05)
        raise OSError("the disk is full")

    monkeypatch.setattr(SegmentWriter, "commit", fail)
    with pytest.raises(RuntimeError, match="the search index could not be updated"):
        site.build(HOLDSPACE_WORKERS=2)
    assert not state.exists()
    monkeypatch.undo()
    data = site.build(HOLDSPACE_WORKERS=2).output / "search" / "data"
    assert any(b"Words about tea" in p.read_bytes() for p in (data / "r").iterdir())


def test_stored_fields_are_kept_plain_and_read_back_after_a_merge(tmp_path, monkeypatch):
    """The stored fields are pickled without zlib (``codec.StoredPlainCodec``): a result's
    words are in the segment as written, read back by a search, and by an update that merges
    every segment into one."""
    from holdspace.search import index as searchindex

    words = "quokka " * 40 + "the lighthouse keeper's notebook"
    update_index(str(tmp_path), [doc(1, words), doc(2, "snow")])
    files = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.suffix == ".seg")
    assert words.encode() in files
    monkeypatch.setattr(searchindex, "MAX_SEGMENTS", 1)  # the next commit merges every segment
    update_index(str(tmp_path), [doc(1, words), doc(2, "snow and quokka"), doc(3, "a quokka")])
    hits = search(str(tmp_path), "quokka", limit=5)
    assert [h.id for h in hits] == ["c1", "c3", "c2"] and hits[0].text == words
    assert len([p for p in tmp_path.iterdir() if p.suffix == ".seg"]) == 1


def test_the_plain_codec_s_blocks_hold_whoosh_s_own_tuples():
    """``codec.PostingsWriter`` makes a block's ids (gaps, or the terms of a vector) and
    weights smaller as Whoosh's own W3PostingsWriter does, for blocks of every kind: one
    posting, weights all 1, all alike, all different."""
    from array import array

    from whoosh.codec.whoosh3 import W3PostingsWriter

    from holdspace.search.codec import PostingsWriter

    rng = random.Random(5)
    kinds = [lambda n: [1.0] * n, lambda n: [2.5] * n, lambda n: [float(rng.randint(1, 4)) for _ in range(n)]]
    for _ in range(3000):
        n = rng.choice([1, 2, 3, rng.randint(1, 128)])
        byteids = rng.random() < 0.1
        ids = sorted(rng.sample(range(10**6), n))
        weights = rng.choice(kinds)(n)
        made = []
        for cls in (PostingsWriter, W3PostingsWriter):
            writer = cls(None, 128, byteids=byteids)
            writer._ids = [str(i) for i in ids] if byteids else array("I", ids)
            writer._weights = array("f", weights)
            made.append((writer._mini_ids(), writer._mini_weights()))
        assert made[0] == made[1] and type(made[0][1]) is type(made[1][1])


def test_terms_with_one_posting_kept_in_their_term_info_read_back_as_blocks_do(corpus, tmp_path, monkeypatch):
    """``codec.PostingsWriter`` keeps a term's one posting in its term info (ids, words used
    once): a new index, an update and a merge of every segment read back the same terms,
    postings, lengths and stored fields, and rank every query the same, as an index of
    blocks alone (Whoosh's ``inlinelimit`` of 1); and the words used once are kept so."""
    from whoosh import index as whoosh_index

    from holdspace.search import index as searchindex
    from holdspace.search.codec import StoredPlainCodec

    docs = corpus[2]
    steps = _three_updates(docs)
    queries = ["snow", "winter snow", "tea", "the", "author:Αΐντα", "day finally", "late"]
    read, inlined = {}, []
    for limit in (1, 2):
        monkeypatch.setattr(searchindex, "StoredPlainCodec", lambda limit=limit: StoredPlainCodec(inlinelimit=limit))
        monkeypatch.setattr(searchindex, "MAX_SEGMENTS", 2)  # the third update merges every segment
        folder, read[limit] = tmp_path / str(limit), []
        for step in steps:
            update_index(str(folder), step)
            with whoosh_index.open_dir(str(folder)).searcher() as searcher:
                r = searcher.reader()
                terms = {}
                for leaf, _ in r.leaf_readers():
                    inlined += [(limit, f, leaf.term_info(f, t).is_inlined()) for f, t in leaf.all_terms()]
                for field, text in r.all_terms():
                    info = r.term_info(field, text)
                    m = r.postings(field, text)
                    terms[field, text] = (info.doc_frequency(), info.max_weight(), list(m.items_as("weight")))
                lengths = [r.doc_field_length(n, "content") for n in r.all_doc_ids()]
                stored = [r.stored_fields(n) for n in r.all_doc_ids()]
            ranked = [[(h.id, round(h.score, 9)) for h in search(str(folder), q, limit=30)] for q in queries]
            read[limit].append((terms, lengths, stored, ranked))
    assert read[1] == read[2]
    assert not any(kept for limit, _, kept in inlined if limit == 1)
    content = [kept for limit, field, kept in inlined if limit == 2 and field == "content"]
    assert sum(content) > 300 and not all(content)  # the words used once kept so, the others in blocks
    assert not any(field == "id" for _, field, _ in inlined)  # ids are stored, not indexed


def test_the_plain_codec_writes_term_vectors_in_blocks(tmp_path):
    """A schema with term vectors (not Holdspace's, but the codec's to serve): a vector of one
    term is written as a block, where its writer looks for it, and read back."""
    from whoosh import index as whoosh_index
    from whoosh.fields import ID, TEXT, Schema

    from holdspace.search.codec import StoredPlainCodec

    ix = whoosh_index.create_in(str(tmp_path), Schema(id=ID(stored=True), body=TEXT(vector=True)))
    writer = ix.writer(codec=StoredPlainCodec())
    writer.add_document(id="a", body="tea")
    writer.add_document(id="b", body="tea and cake and tea")
    writer.commit()
    with ix.searcher() as searcher:
        assert list(searcher.vector_as("frequency", 0, "body")) == [("tea", 1)]
        assert dict(searcher.vector_as("frequency", 1, "body")) == {"cake": 1, "tea": 2}


def test_an_index_written_before_codec_py_is_still_searched(tmp_path):
    """An index records its codec by the class's place, which was ``segments``, and stored
    each date as a datetime: the search command still reads one."""
    import io
    import pickle
    from datetime import UTC, datetime

    from whoosh import index as whoosh_index

    from holdspace.search import codec
    from holdspace.search.index import schema

    assert pickle.dumps(codec.StoredPlainCodec).count(b"holdspace.search.codec") == 1  # its place, recorded
    found = pickle.Unpickler(io.BytesIO()).find_class("holdspace.search.segments", "StoredPlainCodec")
    assert found is codec.StoredPlainCodec  # the place an older index recorded
    ix = whoosh_index.create_in(str(tmp_path), schema())
    writer = ix.writer(codec=codec.StoredPlainCodec())
    when = datetime(2024, 5, 6, 7, 8, tzinfo=UTC)
    writer.add_document(id="c1", kind="comment", title="T", author="Sam", author_key="sam", content="tea",
                        text="Tea.", date=when, thread="t", url="t/#c1")  # fmt: skip
    writer.commit()
    [hit] = search(str(tmp_path), "tea")
    assert (hit.id, hit.date, hit.text) == ("c1", when, "Tea.")


def test_the_plain_texts_made_with_the_bodies_are_the_ones_the_search_makes(tmp_path, monkeypatch):
    """With two workers a new archive's bodies are rendered in worker processes, each with
    its plain text, and the search takes those instead of making them again: its export is
    the one a build in one process writes."""
    from conftest import Site
    from holdspace.publishing import bodycache
    from holdspace.search import documents

    monkeypatch.setattr(bodycache, "PARALLEL_MIN", 2)
    made = tmp_path / "made-here.txt"

    def as_text(html):  # the search's own, in its forked process: noted in a file
        with open(made, "a", encoding="utf-8") as f:
            f.write(html.replace("\n", " ") + "\n")
        return text_of(html)

    text_of = documents.as_text
    monkeypatch.setattr(documents, "as_text", as_text)
    exports = []
    for workers in (2, 1):
        site = Site(tmp_path / f"w{workers}")
        site.post("t")
        for i in range(12):
            body = f"Quokka {i}: *tea* and [rain](https://example.org/{i}).\n\n> a quote\n\n- one\n- two &amp; three"
            site.comment("t", f"c{i}", body, date=f"2025-01-02 10:{i:02}")
        made.unlink(missing_ok=True)
        data = site.build(HOLDSPACE_WORKERS=workers).output / "search" / "data"
        exports.append({str(p.relative_to(data)): p.read_bytes() for p in sorted(data.rglob("*")) if p.is_file()})
        lines = made.read_text(encoding="utf-8").splitlines()
        assert sum("Quokka" in line for line in lines) == (0 if workers == 2 else 12)
    assert exports[0] == exports[1] and len([k for k in exports[0] if k.startswith("r/")]) == 4  # 13 documents


def test_the_search_runs_with_the_collector_paused_and_gives_it_back(site, monkeypatch):
    """The search makes no cyclic garbage, so Python's cyclic collector is paused while it
    runs (its walks took 0.18 s of 5 s at 20,000 comments), and running again after."""
    import gc

    from holdspace.search import index as search_index

    seen = []
    update = search_index.update_index
    monkeypatch.setattr(search_index, "update_index", lambda *a, **k: seen.append(gc.isenabled()) or update(*a, **k))
    site.post("t")
    site.comment("t", "c1", "Words about tea.")
    built = site.build(HOLDSPACE_WORKERS=1)
    assert seen == [False] and gc.isenabled()
    assert _result_ids(built.output) == ["post:t", "c1"]


def _result_ids(output):
    """The ids of the documents the search's results show, in the order of their numbers."""
    data = output / "search" / "data" / "r"
    packs = sorted(data.iterdir(), key=lambda p: int(p.stem))
    return [d["id"] for p in packs for d in json.loads(p.read_text(encoding="utf-8"))]
