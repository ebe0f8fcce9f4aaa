"""What goes wrong, said one way: a problem at path:line, paths as shown, the one did-you-mean."""

import os

import pytest

from holdspace.problems import Problem, closest, did_you_mean, display_path


def test_a_problem_reads_path_line_what_and_what_to_do(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    problem = Problem(str(tmp_path / "content" / "comments" / "t1" / "0042.md"), 3, "unknown key 'Replyto'",
                      "did you mean 'Reply-To'?")  # fmt: skip
    assert str(problem) == "content/comments/t1/0042.md:3: unknown key 'Replyto'; did you mean 'Reply-To'?"


def test_problems_sort_by_path_then_line():
    found = [Problem("b.md", 1, "x", "y"), Problem("a.md", 9, "x", "y"), Problem("a.md", 2, "x", "y")]
    assert [(p.path, p.line) for p in sorted(found)] == [("a.md", 2), ("a.md", 9), ("b.md", 1)]


@pytest.mark.parametrize(
    ("path", "shown"),
    [("{here}/content/a.md", "content/a.md"), ("{here}", "."), ("/elsewhere/a.md", "/elsewhere/a.md"),
     ("content/a.md", "content/a.md")],
)  # fmt: skip
def test_display_path_is_relative_below_the_working_folder_only(path, shown, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert display_path(path.format(here=os.getcwd())) == shown


@pytest.mark.parametrize(
    ("name", "known", "options", "found"),
    [
        ("COMMENT_PER_PAGE", ["COMMENTS_PER_PAGE", "COMMENTS_ORDER"], {}, ["COMMENTS_PER_PAGE"]),
        ("zzz", ["COMMENTS_PER_PAGE"], {}, []),
        ("WELCOME-2", ["welcome-1", "lonely-q02"], {"key": str.lower}, ["welcome-1"]),
        ("q1", ["q1a", "q2", "zz"], {"n": 3, "cutoff": 0.0}, ["q1a", "q2", "zz"]),
        ("replyto", ["Reply-To", "Author"], {"key": lambda s: s.lower().replace("-", "")}, ["Reply-To"]),
    ],
)
def test_closest(name, known, options, found):
    assert closest(name, known, **options) == found


def test_did_you_mean():
    assert did_you_mean("lenght", ["length", "links"]) == "did you mean 'length'?"
    assert did_you_mean("zzz", ["length"]) == ""
    assert did_you_mean("zzz", ["length"], "the known ones are length") == "the known ones are length"
