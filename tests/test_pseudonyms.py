import pytest

from holdspace.review.pseudonyms import fold, looks_like, looks_like_full_name, name_problems, skeleton


@pytest.mark.parametrize(
    "name",
    ["Mira", "owl_at_3am", "Ελένη", "Юлия", "美咲", "أمل", "Sunny 🌻", "x" * 40, "  Jo  ", "Ana.co",
     "Alex \U0001f3f3\ufe0f\u200d\U0001f308", "\U0001f469\u200d\u2764\ufe0f\u200d\U0001f469 Jo", "\u0639\u0644\u06cc\u200c\u0631\u0636\u0627"],
)  # fmt: skip
def test_good_names(name):
    assert name_problems(name) == []


@pytest.mark.parametrize(
    ("name", "what"),
    [
        ("", "the name is empty"),
        ("   ", "the name is empty"),
        ("x" * 41, "the name is 41 characters long"),
        ("jo@example.org", "the name is an email address, and emails are never shown"),
        ("https://example.org", "the name is a web address"),
        ("www.example.org", "the name is a web address"),
        ("example.org/me", "the name is a web address"),
        ("Jo\u200d", "the name holds invisible or direction-changing characters (U+200D)"),
        ("J\u200do", "the name holds invisible or direction-changing characters (U+200D)"),
        ("\u202eevil", "the name holds invisible or direction-changing characters (U+202E)"),
        ("Jo\u200bhn", "the name holds invisible or direction-changing characters (U+200B)"),
        ("Jo\x07", "the name holds invisible or direction-changing characters (U+0007)"),
        ("\u2066Ana\u2069", "the name holds invisible or direction-changing characters (U+2066, U+2069)"),
    ],
)
def test_bad_names(name, what):
    assert what in [w for w, _ in name_problems(name)]


@pytest.mark.parametrize(("name", "full"), [("Jane Doe", True), ("Mr. Tom Smith", True), ("Jane", False),
                                            ("owl at 3am", False), ("Sunny 🌻", False), ("JO", False)])  # fmt: skip
def test_full_names(name, full):
    assert looks_like_full_name(name) is full


def test_fold_and_skeleton():
    assert fold("  ＡＤＭＩＮ  ") == "admin"
    assert skeleton("Ádmín") == skeleton("admin") == skeleton("аdmin") == skeleton("Adm1n") == "admin"


@pytest.mark.parametrize(("name", "other", "alike"), [("S0nia", "Sonia", True), ("Sonia B", "Sonia", True),
                         ("sonia_fan", "Sonia", True), ("Soniah", "Sonia", False), ("Alison", "admin", False)])  # fmt: skip
def test_looks_like(name, other, alike):
    assert looks_like(name, other) is alike


def test_only_names_of_a_sensible_length_are_remembered():
    """Names are folded and checked once per process (they repeat in an archive), but one
    far longer than any allowed is not kept: the intake runs for months."""
    from holdspace.review import pseudonyms

    pseudonyms.fold.cache_clear()
    pseudonyms._name_problems.cache_clear()
    long = "x" * 10_000
    assert pseudonyms.fold(long) == long
    assert any("characters long" in what for what, _ in pseudonyms.name_problems(long))
    assert pseudonyms.fold.cache_info().currsize == 0
    assert pseudonyms._name_problems.cache_info().currsize == 0
    assert pseudonyms.fold("Ana  B") == "ana b" and pseudonyms.name_problems("Ana") == []
    assert pseudonyms.fold.cache_info().currsize == 1
    assert pseudonyms._name_problems.cache_info().currsize == 1
