"""The search index as static files for search.js: how terms and pseudonyms are cut into
files, each term's entry, a whole export, and an export updated with the changes alone."""

import dataclasses
import json
import os
import random
import zlib
from datetime import UTC, datetime

import pytest

from conftest import ROOT
from conftest import search_doc as doc
from holdspace.search.buckets import (
    AUTHOR_FILES,
    FILE_BYTES,
    FILE_START,
    author_bucket,
    bucket_files,
    bucket_of,
    bucket_prefixes,
)
from holdspace.search.export import Posting, entry, entry_of, num, write_export
from holdspace.search.index import export, update_index
from holdspace.search.packs import document_text
from holdspace.search.query import Hit


@pytest.mark.parametrize(
    ("name", "bucket"),
    [("", 0x811C9DC5 % AUTHOR_FILES), ("mira", 38), ("wren", 63), ("a b", 50), ("γιάννης", 31)],
)
def test_a_pseudonym_s_file_is_fnv_1a_of_its_utf_8(name, bucket):
    assert author_bucket(name) == bucket == _fnv1a(name.encode("utf-8")) % AUTHOR_FILES


def _fnv1a(data):
    """FNV-1a, 32 bits, written out again from its definition (as search.js has it)."""
    h = 2166136261
    for byte in data:
        h = (h ^ byte) * 16777619 % 2**32
    return h


@pytest.mark.parametrize(
    ("sizes", "prefixes"),
    [
        ({"tea": 10, "rain": 10}, ["ra", "te"]),
        ({"apple": 5000, "apricot": 5000, "april": 5000, "banana": 10}, ["ap", "app", "apr", "ba"]),
        ({"a": 13000}, ["a"]),  # a key shorter than two letters is its own bucket
    ],
)
def test_terms_are_bucketed_by_prefix_and_a_large_bucket_is_split(sizes, prefixes):
    assert bucket_prefixes(sizes) == prefixes


def test_small_buckets_share_a_file_up_to_its_size_and_at_the_prefixes_a_file_begins_at():
    # CRC-32 modulo 8: "ga" 1, "ra" 5, "te" 2, "ap" 5, "app" 7, "apr" 3, "ba" 4, "a" 3, "ab" 5; "ad" 0: a file begins there
    assert [zlib.crc32(p.encode()) % FILE_START for p in ("ga", "ra", "te", "ap", "app", "apr", "ba", "ad")] == [
        1, 5, 2, 5, 7, 3, 4, 0,
    ]  # fmt: skip
    assert bucket_files(["ga", "ra", "te"], [10, 10, 10]) == [[0, 1, 2]]
    assert bucket_files(["ga", "ra", "te"], [FILE_BYTES - 10, 10, 10]) == [[0, 1], [2]]
    assert bucket_files(["ap", "app", "apr", "ba"], [3 * FILE_BYTES, 5, 5, 5]) == [[0], [1, 2, 3]]
    assert bucket_files(["a", "ab", "ad", "b"], [10, 10, 10, 10]) == [[0, 1], [2, 3]]


def test_a_bucket_that_grows_moves_the_files_edges_only_up_to_the_next_prefix_a_file_begins_at():
    rng = random.Random(5)
    prefixes = sorted({"".join(rng.choice("abcdefgh") for _ in range(rng.randint(2, 4))) for _ in range(400)})
    begins = [i for i, p in enumerate(prefixes) if zlib.crc32(p.encode()) % FILE_START == 0]
    assert len(begins) > 20
    for _ in range(200):
        sizes = [rng.choice((50, 300, 2000, 7000, 13000)) for _ in prefixes]
        files = bucket_files(prefixes, sizes)
        assert [i for f in files for i in f] == list(range(len(prefixes)))  # each bucket once, in order
        assert all(len(f) == 1 or sum(sizes[i] for i in f) <= FILE_BYTES for f in files)
        assert set(begins) <= {f[0] for f in files}
        grown = rng.randrange(len(prefixes))
        sizes[grown] += rng.choice((100, 5000))
        after = bucket_files(prefixes, sizes)
        edge = next((b for b in begins if b > grown), len(prefixes))  # files from there on are the same
        assert [f for f in after if f[0] >= edge] == [f for f in files if f[0] >= edge]
        start = next(f[0] for f in files if grown in f)  # files before the grown one's are the same
        assert [f for f in after if f[-1] < start] == [f for f in files if f[-1] < start]


@pytest.mark.parametrize(
    ("key", "bucket"), [("apple", "app"), ("apricot", "apr"), ("apex", "ap"), ("ba", "ba"), ("zebra", "")]
)
def test_a_term_s_bucket_is_its_longest_listed_prefix(key, bucket):
    assert bucket_of(key, {"ap", "app", "apr", "ba"}) == bucket


def test_a_term_s_entry_holds_its_df_docnum_gaps_weights_and_lengths():
    postings = [Posting(2, 1.0, 10.0), Posting(5, 2.0, 3.5), Posting(9, 1.5, 12.0)]
    assert entry("word", 3, postings) == '"word":[3,[2,3,4],[1,2,1.5],[10,3.5,12]]'
    assert entry("γάτα", 1, [Posting(0, 1.0, 4.0)]) == '"γάτα":[1,[0],[1],[4]]'
    rng = random.Random(3)
    for _ in range(2000):  # written number by number, as json.dumps writes the lists
        docnums = sorted(rng.sample(range(10**6), rng.randrange(1, 30)))
        weights = [num(rng.choice([1.0, 2.0, rng.random(), rng.uniform(0, 1e6), 1e-7, 2.5e20])) for _ in docnums]
        lengths = [num(rng.choice([1.0, 3.5, 12.0, rng.random() * 100, 1e17])) for _ in docnums]
        term = "".join(chr(rng.randrange(1, 0x2FFF)) for _ in range(rng.randrange(1, 6)))
        gaps = [b - a for a, b in zip([0, *docnums], docnums, strict=False)]
        expected = json.dumps(term, ensure_ascii=False) + ":" + json.dumps([len(docnums), gaps, weights, lengths],
                                                                         separators=(",", ":"))  # fmt: skip
        assert entry_of(term, len(docnums), docnums, weights, lengths) == expected


def test_a_result_s_file_is_json_dumps_of_its_fields():
    """Written field by field, a result's file is what json.dumps writes of its dict (every
    kind of character a title, name or text can hold), with "w" only for a content warning."""
    rng = random.Random(7)
    odd = [
        '"',
        "\\",
        "\\u0041",
        "\x00\x1f\x7f",
        "\u2028\u2029",
        "\ud83d\ude00 😀",
        "</script>",
        "İstanbul γάτα",
        "\t\n\r",
    ]
    made = 0
    for i in range(300):
        words = [
            rng.choice(odd) if rng.random() < 0.3 else chr(rng.randrange(1, 0x2FFF)) * rng.randrange(3)
            for _ in range(9)
        ]
        hit = Hit(i, 0.0, f"c{i}{words[0]}", "comment", words[1], words[2], datetime(2025, 1, 1 + i % 28, tzinfo=UTC),
                  words[3], "".join(words[4:7]), words[7] if i % 2 else "", words[8])  # fmt: skip
        fields = {"id": hit.id, "k": hit.kind, "t": hit.title, "a": hit.author, "d": hit.date.isoformat(),
                  "s": hit.shown_date, "u": hit.url, "x": hit.text}  # fmt: skip
        if hit.warning:
            fields["w"] = hit.warning
            made += 1
        assert document_text(hit) == json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    assert 100 < made < 200  # with a warning and without


def test_a_whole_export_of_two_comments(tmp_path):
    folder, out = str(tmp_path / "ix"), tmp_path / "data"
    first = dataclasses.replace(doc(1, "Tea in the garden"), shown_date="1 January 2025")
    update_index(folder, [first, doc(2, "Rain and tea", author="Jo")])
    counts = write_export(export(folder), str(out), "fp")
    assert (counts["documents"], counts["terms"], counts["buckets"], counts["bucket_files"]) == (
        2,
        3,
        3,
        1,
    )  # tea, garden, rain: "in", "the", "and" are stop words; three small buckets, one file
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*.json")) == [
        f"a/{author_bucket('jo')}.json", f"a/{author_bucket('mira')}.json", "manifest.json", "r/0.json", "s/0.json",
    ]  # fmt: skip
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    keys = ("format", "n", "N", "B", "K1", "buckets", "maxPrefix", "authorFiles", "docsPerFile")
    assert {k: manifest[k] for k in keys} == {
        "format": 7, "n": 2, "N": 2, "B": 0.75, "K1": 1.2, "buckets": ["ga ra te"], "maxPrefix": 6,
        "authorFiles": 64, "docsPerFile": 4,
    }  # fmt: skip
    first, second = json.loads((out / "r" / "0.json").read_text(encoding="utf-8"))
    assert first == {
        "id": "c1", "k": "comment", "t": "A Post", "a": "Mira", "d": "2025-01-01T00:00:00+00:00",
        "s": "1 January 2025", "u": "t/#comment-c1", "x": "Tea in the garden",
    }  # fmt: skip
    assert second["id"] == "c2"
    assert json.loads((out / "s" / "0.json").read_text(encoding="utf-8")) == {
        "t": {"garden": [1, [0], [1], [2]], "rain": [1, [1], [1], [2]], "tea": [2, [0, 1], [1, 1], [2, 2]]}
    }
    assert json.loads((out / "a" / f"{author_bucket('jo')}.json").read_text(encoding="utf-8")) == {"jo": [1]}


def test_a_new_export_leaves_nothing_of_the_old_one(tmp_path):
    folder, out = str(tmp_path / "ix"), tmp_path / "out" / "data"
    docs = [doc(i, f"comment {i} about tea") for i in range(4)] + [doc(9, "SECRET-CANARY text")]
    update_index(folder, docs)
    write_export(export(folder), str(out))
    assert any(b"SECRET-CANARY" in p.read_bytes() for p in out.rglob("*.json"))
    update_index(folder, docs[:4])  # the comment is taken off the site
    write_export(export(folder), str(out))
    assert not any(b"SECRET-CANARY" in p.read_bytes() for p in out.rglob("*.json"))
    assert [p.name for p in (out / "r").iterdir()] == ["0.json"]  # four documents: one file
    assert [d["id"] for d in json.loads((out / "r" / "0.json").read_text(encoding="utf-8"))] == ["c0", "c1", "c2", "c3"]
    assert [p.name for p in out.parent.iterdir()] == ["data"]


def test_the_export_is_redone_when_it_is_stale_or_broken(tmp_path, monkeypatch):
    from holdspace.search import export as searchexport

    folder, out = str(tmp_path / "ix"), tmp_path / "out" / "data"
    stats = update_index(folder, [doc(i, f"comment {i}") for i in range(3)])
    write_export(export(folder), str(out), stats.fingerprint)
    assert searchexport.is_current(str(out), stats.fingerprint)
    assert not searchexport.is_current(str(out), "another index")
    monkeypatch.setattr(searchexport, "FORMAT", searchexport.FORMAT + 1)
    assert not searchexport.is_current(str(out), stats.fingerprint)
    monkeypatch.undo()
    (out / "s" / "0.json").unlink()
    assert not searchexport.is_current(str(out), stats.fingerprint)


def test_bucket_files_that_move_are_linked_under_their_new_numbers(tmp_path):
    from holdspace.search.export import ExportState, update_export

    rng = random.Random(2)
    words = sorted({"".join(rng.choice("abcdefghij") for _ in range(6)) for _ in range(6000)})
    state = ExportState("fp", entries={w: entry_of(w, 1, [0], [1], [1]) for w in words})
    first = update_export(state, {}, [], {}, {}, "", str(tmp_path / "v0"), "fp")
    grown = entry_of(words[0], 900, range(900), [1] * 900, [1] * 900)  # its file splits: every later one moves
    second = update_export(state, {words[0]: grown}, [], {}, {}, str(tmp_path / "v0"), str(tmp_path / "v1"), "fp")
    assert second["bucket_files"] > first["bucket_files"] > 20
    before, now = _texts(tmp_path / "v0"), _texts(tmp_path / "v1")
    moved = [name for name, text in now.items() if text in before.values() and before.get(name) != text]
    assert len(moved) > 10 and second["written"] <= 5  # the files around the word and the manifest
    assert all(os.path.samefile(tmp_path / "v1" / name, tmp_path / "v0" / f"s/{int(name[2:-5]) - 1}.json")
               for name in moved)  # fmt: skip
    whole = ExportState("fp", entries=dict(state.entries))
    update_export(whole, {}, [], {}, {}, "", str(tmp_path / "whole"), "fp")
    assert now == _texts(tmp_path / "whole")


def _texts(folder):
    return {str(p.relative_to(folder)): p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*.json"))}


def _export(folder, docs, state, previous, out, **index):
    """What the build does: update the index, then the export from the previous one."""
    from holdspace.search.export import ExportState, update_export
    from holdspace.search.index import rounded_length, stopped
    from holdspace.search.postings import export_changes

    stats = update_index(folder, docs, **index)
    if state is None:
        state = ExportState(stop_words=stopped())
    made = export_changes(state.entries, state.numbers, stats.numbers, stats.gathered, stats.touched_terms,
                          rounded_length)  # fmt: skip
    files = update_export(state, made, stats.gathered.hits, stats.gathered.lengths, stats.numbers,
                          str(previous or ""), str(out), stats.fingerprint)  # fmt: skip
    return stats, state, files


def test_an_export_updated_with_the_changes_equals_a_cold_one(tmp_path):
    """After each change (added, edited, removed, a new pseudonym, an older comment approved,
    a date changed) the export written from the changes alone, linking the rest, holds
    exactly the files of a cold build's export of the same documents, which is Whoosh's
    own index of them, read back whole. Then, at MAX_SEGMENTS, the index is merged, and the
    export still only changes."""
    folder, out = str(tmp_path / "ix"), tmp_path / "out"
    rng = random.Random(5)
    words = "tea rain garden letter therapist break winter quiet notebook walk".split()

    def dated(i, text, day, **kw):
        return dataclasses.replace(doc(i, text, **kw), date=datetime(2025, 1, day, tzinfo=UTC))

    docs = {
        i: dated(i, " ".join(rng.choice(words) for _ in range(12)), 1 + i % 20, author=rng.choice(["Mira", "Jo"]))
        for i in range(40)
    }
    stats, state, _ = _export(folder, docs.values(), None, None, out / "v0")
    first = _texts(out / "v0")
    changes = [
        lambda: docs.__setitem__(40, dated(40, "a new word: marigold, with tea", 25)),  # the newest: appended
        lambda: docs.__setitem__(3, dated(3, "edited: only marigold now", 4)),
        lambda: docs.pop(7),
        lambda: docs.__setitem__(41, dated(41, "from someone new about rain", 26, author="Ελένη")),
        lambda: [docs.pop(i) for i in (0, 1, 2)],
        lambda: docs.__setitem__(42, dated(42, "an older comment approved late: tea", 2)),  # numbers move
        lambda: docs.__setitem__(5, dated(5, docs[5].source, 27)),  # the same words, a new date
    ]
    previous = out / "v0"
    moved, linked = [], []
    for step, change in enumerate(changes, start=1):
        change()
        old_numbers = dict(state.numbers)
        stats, state, files = _export(folder, docs.values(), state, previous, out / f"v{step}")
        moved.append(any(state.numbers[i] != n for i, n in old_numbers.items() if i in state.numbers))
        # Only what changed is written: every file whose text is one of the previous export's is
        # that file, linked (under its own name or, its documents or buckets moved by a whole
        # file, another's).
        before, now = _texts(previous), _texts(out / f"v{step}")
        earlier = {text: name for name, text in before.items() if name != "manifest.json"}
        same = {}
        for name, text in now.items():
            if before.get(name) == text and name != "manifest.json":
                same[name] = name
            elif text in earlier:  # a file of results, or of buckets, under another number
                same[name] = earlier[text]
        assert files["linked"] == len(same) and files["written"] == len(now) - len(same), step
        linked.append(files["linked"])
        assert all(os.path.samefile(previous / old, out / f"v{step}" / name) for name, old in same.items())
        cold = str(tmp_path / f"cold{step}")
        update_index(cold, docs.values())
        write_export(export(cold), str(out / f"whole{step}"), stats.fingerprint)
        assert _texts(out / f"v{step}") == _texts(out / f"whole{step}"), step
        previous = out / f"v{step}"
    assert moved == [False, False, True, False, True, True, True]
    assert linked[0] > 10 and linked[1] > 10  # an appended comment, an edited one: most files stay
    assert _texts(out / "v0") == first  # linked files were never written through
    assert any("Ελένη" in text for text in _texts(previous).values())
    assert any('"id":"c7"' in text for text in first.values())  # a comment taken off the site ...
    assert not any('"id":"c7"' in text for text in _texts(previous).values())  # ... leaves nothing behind


def test_after_max_segments_the_index_is_merged_and_the_export_still_updated(tmp_path, monkeypatch):
    from whoosh import index as whoosh_index

    from holdspace.search import index as searchindex

    def segments(folder):
        return whoosh_index.open_dir(folder)._segments()

    monkeypatch.setattr(searchindex, "MAX_SEGMENTS", 3)
    folder, out = str(tmp_path / "ix"), tmp_path / "out"
    docs = [doc(i, f"comment {i} about tea") for i in range(10, 18)]  # (ids of two digits: in order)
    _, state, _ = _export(folder, docs, None, None, out / "v0")
    counts = []
    for i in range(18, 22):
        docs.append(doc(i, f"comment {i} about rain"))
        _, state, files = _export(folder, docs, state, out / f"v{i - 1 if i > 18 else 0}", out / f"v{i}")
        counts.append(len(segments(folder)))
        assert files["linked"] >= 2  # the first eight comments' results (two files) at least
    assert counts == [2, 3, 1, 2]  # merged into one at the third commit after the first
    cold = str(tmp_path / "cold")
    stats = update_index(cold, docs)
    write_export(export(cold), str(out / "whole"), stats.fingerprint)
    assert _texts(out / "v21") == _texts(out / "whole")


def test_documents_kept_in_another_order_still_give_postings_in_order():
    """Should the export's order of the documents kept change (a date read in another time
    zone), each term's postings are put back in the order of their numbers."""
    from holdspace.search.export import entry
    from holdspace.search.index import rounded_length
    from holdspace.search.postings import Gathered, export_changes

    entries = {"tea": entry("tea", 3, [Posting(0, 1.0, 4.0), Posting(1, 2.0, 5.0), Posting(2, 3.0, 6.0)])}
    made = export_changes(entries, {"a": 0, "b": 1, "c": 2}, {"a": 2, "b": 1, "c": 0}, Gathered(), set(),
                          rounded_length)  # fmt: skip
    assert made == {"tea": entry("tea", 3, [Posting(0, 3.0, 6.0), Posting(1, 2.0, 5.0), Posting(2, 1.0, 4.0)])}


@pytest.mark.parametrize(
    ("settings", "post_date", "comment_date"),
    [
        ({}, "1 January 2025", "2 January 2025"),  # the tests' demo settings: "%-d %B %Y"
        ({"DEFAULT_DATE_FORMAT": "%d.%m.%Y"}, "01.01.2025", "02.01.2025"),
        ({"DATE_FORMATS": {"en": "%Y-%m-%d"}}, "2025-01-01", "2025-01-02"),
    ],
)
def test_results_write_dates_as_the_pages_do(site, settings, post_date, comment_date, capsys, monkeypatch):
    """The export carries each date as the site's pages write it (Pelican's date format), and
    the ISO date beside it; search.js shows the first and puts the second in <time datetime>."""
    monkeypatch.chdir(site.root)  # no pelicanconf.py here: the project's own is never read
    from holdspace.cli.main import main as holdspace
    from htmltree import parse

    site.post("t", "Winter Breaks")
    site.comment("t", "c1", "Marigold tea.", author="Mira")
    built = site.build(**settings)
    page = parse(built.html("t/index.html"))
    [post_time] = page.find_all("p", class_="meta")[0].find_all("time")
    [comment_time] = page.by_id("comment-c1").find_all("time")
    assert (post_time.text(), comment_time.text()) == (post_date, f"{comment_date}, 10:00")
    shown = {}
    for path in (built.output / "search" / "data" / "r").glob("*.json"):
        for d in json.loads(path.read_text(encoding="utf-8")):
            shown[d["id"]] = (d["s"], d["d"])
    assert shown == {
        "post:t": (post_date, "2025-01-01T09:00:00+00:00"),
        "c1": (comment_date, "2025-01-02T10:00:00+00:00"),
    }
    holdspace(["search", "--index", str(site.root / ".cache" / "holdspace" / "search"), "marigold"])
    assert f"Winter Breaks (comment by Mira, {comment_date}), score" in capsys.readouterr().out


def test_entries_whose_documents_moved_are_written_as_decoding_them_would(monkeypatch):
    """An older comment approved moves the numbers of every later document: each entry is
    then renumbered in its text, the new document's postings put in their places
    (``postings._moved``), which must be what decoding it and writing it again gives, for
    any term, weight and length; a document gone, or many added, take the whole way."""
    from holdspace.search import postings
    from holdspace.search.export import entry
    from holdspace.search.index import rounded_length
    from holdspace.search.postings import FEW_ADDED, Gathered, updated_entries
    from holdspace.search.query import Hit

    rng = random.Random(11)
    terms = ["tea", "ελένη", "naïve", "a.b", 'say"hi', "x" * 40, "日記", "snow*", "rain", "new"]
    entries = {}
    for term in terms[:-1]:
        docnums = sorted(rng.sample(range(60), rng.randrange(1, 20)))
        weights, lengths = [1.0, 2.0, 0.5, 1 / 3], [4.0, 7.5, 1e-3, 12.0]
        postings_ = [Posting(d, rng.choice(weights), rng.choice(lengths)) for d in docnums]
        entries[term] = entry(term, len(docnums), postings_)
    renumber = [d + (d >= 17) + 2 * (d >= 40) for d in range(60)]  # older documents came in at 17, 41, 42
    renumber[33] = -1  # and one went
    gathered = Gathered()
    for number in (17, 41, 42, 70, *range(80, 80 + FEW_ADDED)):
        words = rng.sample(terms, 4) if number < 80 else ["rain"]  # rain: more than FEW_ADDED added
        hit = Hit(number, 0.0, f"n{number}", "comment", "T", "Mira", None, "", "")
        gathered.add(hit, {word: rng.randrange(1, 4) for word in words})
    moved, real = [], postings._moved
    inserted = []

    def moving(term, entry, renumber, added):
        moved.append(term)
        made = real(term, entry, renumber, added)
        inserted.extend([term] if made is not None and len(added[0]) else [])
        return made

    monkeypatch.setattr(postings, "_moved", moving)
    fast = updated_entries(entries, terms, renumber, gathered, rounded_length, ordered=True)
    whole = updated_entries(entries, terms, renumber, gathered, rounded_length, ordered=False)
    assert fast == whole and fast != {t: entries.get(t) for t in terms}
    assert set(moved) == set(terms) - {"rain", "new"}  # not the term with many added, nor the new one
    assert len(inserted) >= 3  # postings put in their places in the text


def _hits(n, odd=""):
    return [Hit(i, 0.0, f"c{i}", "comment", "A Post", "Mira", datetime(2025, 1, 1 + i % 28, tzinfo=UTC), f"t/#c{i}",
                f"words of {i}{odd}", "", "1 January") for i in range(n)]  # fmt: skip


def test_a_pack_of_results_is_cut_into_its_documents_again():
    """A pack is its documents' JSON, one to a line: JSON escapes every line break inside a
    string, so cutting at the lines gives each document back, whatever its text."""
    from holdspace.search.packs import pack_text, texts_of

    for odd in ["", ",\n", "\n,\r\n", "\u2028\u2029", '"],[{', "\\n"]:
        texts = [document_text(hit) for hit in _hits(3, odd)]
        assert texts_of(pack_text(texts)) == texts
        assert json.loads(pack_text(texts)) == [json.loads(t) for t in texts]
        assert [d["x"] for d in json.loads(pack_text(texts))] == [f"words of {i}{odd}" for i in range(3)]


def test_an_update_links_the_packs_that_stay_and_writes_the_others_from_the_previous_texts(tmp_path):
    """Ten documents in three packs; the sixth taken away: the first pack (all kept, the
    same numbers) is linked, the later ones are written from the previous packs' texts,
    and the whole is the pack files of a cold export of the nine, without the sixth."""
    from holdspace.search.packs import write_packs

    hits = _hits(10)
    for name in ("old", "new", "cold", "broken"):
        (tmp_path / name / "r").mkdir(parents=True)
    written, linked, size = write_packs(str(tmp_path / "old"), 10, dict(enumerate(hits)), {})
    assert (written, linked) == (3, 0) and size == sum(p.stat().st_size for p in (tmp_path / "old" / "r").iterdir())
    kept = [h for h in hits if h.id != "c5"]
    keep = {new: int(h.id[1:]) for new, h in enumerate(kept)}  # docnum -> its old number
    written, linked, _ = write_packs(str(tmp_path / "new"), 9, {}, keep, str(tmp_path / "old"), 10)
    assert (written, linked) == (2, 1)
    assert os.path.samefile(tmp_path / "old" / "r" / "0.json", tmp_path / "new" / "r" / "0.json")
    write_packs(str(tmp_path / "cold"), 9, {i: dataclasses.replace(h, docnum=i) for i, h in enumerate(kept)}, {})
    assert _texts(tmp_path / "new") == _texts(tmp_path / "cold")
    assert not any('"id":"c5"' in text for text in _texts(tmp_path / "new").values())
    with pytest.raises(ValueError, match="document 8 is neither written nor kept"):
        write_packs(str(tmp_path / "broken"), 9, {}, {i: i for i in range(8)}, str(tmp_path / "old"), 10)


def test_search_js_reads_the_export_s_format_and_says_when_it_is_another():
    """search.js checks the manifest's format (a reader's cached script and a new export, or
    the other way round, must not show a file of results as one result)."""
    import re

    from holdspace.search.export import FORMAT

    script = (ROOT / "plugins" / "holdspace" / "static" / "js" / "search.js").read_text(encoding="utf-8")
    assert re.search(r"var FORMAT = (\d+);", script)[1] == str(FORMAT)
    assert "if (m.format !== FORMAT) throw" in script and '"r/" + Math.floor(docnum / m.docsPerFile)' in script


def test_an_index_with_deleted_documents_is_not_exported_whole(tmp_path):
    """``write_export`` numbers results as the index does: with a gap (a deleted document
    not merged away) it says so instead of writing an export without some documents."""
    folder = str(tmp_path / "ix")
    docs = [doc(i, f"comment {i} about tea") for i in range(10, 15)]
    update_index(folder, docs)
    update_index(folder, docs[:1] + docs[2:] + [doc(20, "a new one about tea")])
    with pytest.raises(ValueError, match="deleted documents not merged away"):
        write_export(export(folder), str(tmp_path / "out"))
