import pytest

from conftest import DEMO_SITE
from holdspace.review.guidelines import Rules, RulesError, describe, load_rules


def write(tmp_path, text):
    path = tmp_path / "guidelines.toml"
    path.write_text(text, encoding="utf-8")
    return path


def errors(tmp_path, text):
    path = write(tmp_path, text)
    with pytest.raises(RulesError) as error:
        load_rules(path)
    return [str(p).replace(f"{path}:", "") for p in error.value.problems]


def test_the_projects_rules_file_loads():
    rules = load_rules(DEMO_SITE / "moderation" / "guidelines.toml")
    assert rules.max_characters == 5000 and rules.links_hold_at == 3
    assert "moderator" in rules.reserved_names and "suicide" in rules.crisis_terms
    assert rules.flag_email_addresses and rules.flag_phone_numbers


def test_a_missing_file_gives_the_defaults(tmp_path):
    assert load_rules(tmp_path / "none.toml") == Rules(source=str(tmp_path / "none.toml"), missing=True)


def test_keys_left_out_keep_their_defaults(tmp_path):
    rules = load_rules(write(tmp_path, "[length]\nmax_characters = 80\n"))
    assert rules.max_characters == 80 and rules.links_hold_at == 3


def test_bad_toml_names_the_line(tmp_path):
    assert errors(tmp_path, "[length]\nmax_characters = 80 80\n") == [
        "2: this is not valid TOML (Expected newline or end of document after a statement); "
        'compare it with the lines around it: text in "quotes", lists in [brackets]'
    ]


def test_a_list_left_open_names_the_last_line(tmp_path):
    assert errors(tmp_path, '[length]\nmax_characters = 80\n[words]\nmoderation = ["a", "b"\n') == [
        '4: this is not valid TOML (Unclosed array); compare it with the lines around it: text in "quotes", lists in [brackets]'
    ]


def test_unknown_sections_and_keys_name_the_closest(tmp_path):
    assert errors(tmp_path, "[lenght]\nmax_characters = 80\n[links]\nhold = 2\n") == [
        "1: unknown section [lenght]; did you mean 'length'?",
        "4: unknown key 'hold' in [links]; did you mean 'hold_at'?",
    ]


def test_wrong_types(tmp_path):
    text = '[length]\nmax_characters = "lots"\n[words]\ndisallowed = "spam"\n[personal_data]\nphone_numbers = 1\n'
    assert errors(tmp_path, text) == [
        "2: max_characters = 'lots' is not a whole number of 1 or more; write for example max_characters = 5000",
        '4: disallowed should be a list of words; write disallowed = ["first", "second"]',
        "6: phone_numbers = 1 is not true or false; write phone_numbers = true or phone_numbers = false",
    ]


def test_word_lists_match_whole_words_in_any_case_and_spacing():
    rules = Rules(crisis_terms=("want to die", "sue"))
    pattern = rules.pattern("crisis")
    assert pattern.search("I WANT   to die") and pattern.search("sue them")
    assert not pattern.search("pursue it")


def test_the_description_follows_the_rules():
    text = " ".join(describe(Rules(max_characters=1200, links_hold_at=2, reserved_names=("admin", "Ana"))))
    assert "up to 1,200 characters" in text and "2 or more links" in text and "admin, Ana" in text
