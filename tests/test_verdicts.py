from datetime import UTC, datetime

import pytest

from holdspace.archive.commentfile import Comment
from holdspace.review.guidelines import Rules
from holdspace.review.verdicts import NameIndex, Verdict, flags, hard_problems, name_index

RULES = Rules(
    max_characters=200,
    links_hold_at=2,
    moderation_words=("diagnosis",),
    disallowed_words=("buy now",),
    reserved_names=("admin", "Sonia"),
    crisis_terms=("want to die",),
    source="guidelines.toml",
)
STAFF = frozenset({"sonia@example.org"})


def comment(body="Thank you for this.", author="Mira", email="mira@example.org"):
    return Comment("c1", "t", "c1.md", author, email, datetime(2025, 1, 1, tzinfo=UTC), None, None, body, 0, 6, 1)


def judge(c, rules, staff, names=None):
    """What the desk's examine() finds in a comment that passed its own file's checks."""
    return Verdict(hard_problems(c, rules, staff), flags(c, rules, staff, names))


def kinds(verdict):
    return [f.kind for f in verdict.flags]


def test_a_kind_comment_passes_without_flags():
    verdict = judge(comment(), RULES, STAFF)
    assert verdict.problems == [] and verdict.flags == [] and not verdict.crisis


def test_too_long_is_a_hard_rule():
    (problem,) = judge(comment("x" * 201), RULES, STAFF).problems
    assert (
        str(problem)
        == "c1.md:6: the comment is 201 characters long; the guidelines allow 200; shorten it, or raise max_characters in guidelines.toml"
    )


def test_reserved_names_are_for_staff_only():
    (problem,) = judge(comment(author="ADMIN"), RULES, STAFF).problems
    assert "the name 'ADMIN' is reserved for staff" in str(problem)
    assert judge(comment(author="Sonia", email=" Sonia@Example.org"), RULES, STAFF).problems == []


def test_pseudonym_rules_are_hard_rules():
    (problem,) = judge(comment(author="x@example.org"), RULES, STAFF).problems
    assert str(problem).startswith("c1.md:1: the name is an email address")


def test_crisis_words_flag_and_say_where():
    verdict = judge(comment("Fine.\nSome days I want to  die."), RULES, STAFF)
    assert verdict.crisis
    (flag,) = verdict.flags
    assert (flag.kind, flag.line, flag.message) == ("crisis", 7, 'crisis words: "want to die"')


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ("See https://a.example and www.b.example", "links"),
        ("My diagnosis was hard.", "moderation-words"),
        ("BUY NOW at my shop", "disallowed-words"),
        ("Write to someone@example.net please", "personal-data"),
        ("Call me on +44 20 7946 0958", "personal-data"),
        ("Ring (555) 010-4477 tonight", "personal-data"),
    ],
)
def test_flags(body, kind):
    verdict = judge(comment(body), RULES, STAFF)
    assert kind in kinds(verdict) and verdict.problems == []


@pytest.mark.parametrize(
    "body", ["On 2025-01-02 at 10:30 I went", "It took 3 years, 2 months", "Only one link https://a.example"]
)
def test_no_flag_for_dates_numbers_or_one_link(body):
    assert judge(comment(body), RULES, STAFF).flags == []


def test_full_names_and_impersonation_are_flagged():
    assert kinds(judge(comment(author="Jane Doe"), RULES, STAFF)) == ["full-name"]
    assert kinds(judge(comment(author="S0nia"), RULES, STAFF)) == ["impersonation"]
    names = name_index([("Mira", "first@example.org")])
    flagged = judge(comment(author="mira", email="second@example.org"), RULES, STAFF, names)
    assert kinds(flagged) == ["impersonation"] and "commented before with another email" in flagged.flags[0].message
    assert judge(comment(author="Mira", email="FIRST@example.org"), RULES, STAFF, names).flags == []


@pytest.mark.parametrize(
    "body",
    ["I don\u2019t want to be here anymore", "I can\u2019t go on", "I overdosed once", "self\u2013harming again",
     "thinking about suicides", "SELF HARM"],
)  # fmt: skip
def test_crisis_words_survive_curly_apostrophes_dashes_and_endings(body):
    rules = Rules(
        crisis_terms=("don't want to be here", "can't go on", "overdose", "self-harm", "self harm", "suicide")
    )
    assert judge(comment(body), rules, STAFF).crisis


def test_moderation_words_match_whole_words_only():
    rules = Rules(moderation_words=("sue",))
    assert judge(comment("Sue is my friend"), rules, STAFF).flags
    assert judge(comment("I will pursue it"), rules, STAFF).flags == []


def test_each_address_is_one_link():
    body = "See https://www.mind.org.uk and https://www.samaritans.org"
    assert judge(comment(body), Rules(links_hold_at=3), STAFF).flags == []
    (flag,) = judge(comment(body), Rules(links_hold_at=2), STAFF).flags
    assert flag.message == "2 links: check it is not spam"


@pytest.mark.parametrize(
    "body",
    ["therapy 2015-2019", "between 2019 - 2024", "my session on 2024-03-05 14:00", "40 000 - 50 000 people",
     "1.234.567 views", "on 05/03/2024", "It took 3 years"],
)  # fmt: skip
def test_numbers_that_are_not_phone_numbers(body):
    assert judge(comment(body), RULES, STAFF).flags == []


@pytest.mark.parametrize(
    "body", ["ring 030/1234567", "+44 20 7946 0958", "(555) 010-4477", "07700 900123", "555-010-4477"]
)
def test_phone_numbers(body):
    assert [f.kind for f in judge(comment(body), RULES, STAFF).flags] == ["personal-data"]


@pytest.mark.parametrize("name", ["Wren", "wren", "Wr\u0435n", "Wren.", "W r e n", "Wren \U0001f33f"])
def test_a_name_that_looks_like_one_in_the_archive_is_flagged(name):
    names = name_index([("Wren", "wren@example.org")])
    flagged = judge(comment(author=name, email="new@example.org"), RULES, STAFF, names)
    assert [f.kind for f in flagged.flags] == ["impersonation"]


def test_the_name_index_made_as_asked_is_the_whole_one(monkeypatch):
    from holdspace.review import verdicts

    people = {
        ("Wren", "wren@example.org"),
        ("Wr\u0435n", "Other@Example.org"),
        ("wren", "third@example.org"),
        ("Mira", "mira@example.org"),
        ("M i r a", "mira2@example.org"),
        ("Ana", "ana@example.org"),
    }
    by_name: dict[str, set[str]] = {}
    for name, email in people:
        by_name.setdefault(name, set()).add(email)
    whole = name_index(people)
    asked = NameIndex(by_name)
    for look in [*whole, "nobody"]:  # each name's emails, worked out when asked for
        assert asked.get(look) == whole.get(look)
    assert NameIndex(by_name) == whole and dict(asked) == whole and len(NameIndex(by_name)) == len(whole) == 3
    later = dict(by_name)
    index = NameIndex(later)
    later["Bea"] = {"bea@example.org"}  # approved after the index was made: not in it
    assert index.get(name_index([("Bea", "")]).popitem()[0]) is None
    expected = {name: judge(comment(author=name, email="new@example.org"), RULES, STAFF, whole) for name in
                ("wren", "W r e n", "Mira", "Bea")}  # fmt: skip
    monkeypatch.setattr(verdicts, "name_index", None)  # from here on the whole index cannot be made
    for name, verdict in expected.items():  # the flags see the same, asking for the one name
        assert judge(comment(author=name, email="new@example.org"), RULES, STAFF, NameIndex(by_name)) == verdict
    assert "impersonation" in kinds(expected["W r e n"]) and "impersonation" not in kinds(expected["Bea"])
