import pytest

from holdspace.cli.main import main as holdspace
from holdspace.search.index import export, query_terms


@pytest.fixture(autouse=True)
def elsewhere(tmp_path, monkeypatch):
    """Run where no pelicanconf.py is: the project's own is its owner's, never read here."""
    monkeypatch.chdir(tmp_path)


def test_make_search_prints_ranked_results_with_urls(demo, capsys):
    code = holdspace(["search", "--index", str(demo.cache / "search"), "therapist", "break"])
    out = capsys.readouterr().out
    assert code == 0
    count = int(out.split(" ", 1)[0])
    assert count >= 5 and out.startswith(f"{count} result(s) for 'therapist break', best first:")
    assert out.count("\n    /") == count  # every result has its URL
    assert "(comment by " in out and "/#comment-" in out


def test_a_word_of_a_comment_on_page_2_finds_it(demo, capsys):
    data = export(str(demo.cache / "search"))
    df = {term: len(postings) for term, (_, postings) in data.terms.items()}
    for hit in data.docs.values():
        if "comment-page-2" not in hit.url:
            continue
        unique = sorted(w for w in set(hit.text.lower().split()) if w.isalpha() and unique_term(w, df))
        if unique:
            break
    holdspace(["search", "--index", str(demo.cache / "search"), unique[0]])
    out = capsys.readouterr().out
    assert out.startswith(f"1 result(s) for '{unique[0]}'")
    assert f"/{hit.url}" in out


def test_nothing_found_and_no_query(demo, capsys, monkeypatch):
    monkeypatch.setenv("HOLDSPACE_VIA", "make")
    assert holdspace(["search", "--index", str(demo.cache / "search"), "zzzzqqq"]) == 0
    assert capsys.readouterr().out == "Nothing found for 'zzzzqqq'.\n"
    assert holdspace(["search", "--index", str(demo.cache / "search")]) == 2
    assert 'say what to find: make search Q="words"' in capsys.readouterr().err


def test_without_an_index_it_says_to_build(tmp_path, capsys, monkeypatch):
    assert holdspace(["search", "--index", str(tmp_path / "none"), "word"]) == 2
    assert "build the site first: holdspace build" in capsys.readouterr().err
    monkeypatch.setenv("HOLDSPACE_VIA", "make")
    assert holdspace(["search", "--index", str(tmp_path / "none"), "word"]) == 2
    assert "build the site first: make html" in capsys.readouterr().err


def unique_term(word, df):
    """The word is one term, found in exactly one document."""
    terms = query_terms([word])
    return len(terms) == 1 and df.get(terms[0]) == 1
