from datetime import UTC, datetime

import pytest

from holdspace.commentfile import Comment
from holdspace.guidelines import Rules
from holdspace.verdicts import judge, name_index

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
    names = name_index([comment(author="Mira", email="first@example.org")])
    flagged = judge(comment(author="mira", email="second@example.org"), RULES, STAFF, names)
    assert kinds(flagged) == ["impersonation"] and "commented before with another email" in flagged.flags[0].message
    assert judge(comment(author="Mira", email="FIRST@example.org"), RULES, STAFF, names).flags == []
