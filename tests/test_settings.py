import os

import pytest

from holdspace.settings import DEFAULTS, SettingsError, holdspace_settings


def test_defaults():
    settings = holdspace_settings({"SITENAME": "x"})
    assert settings == DEFAULTS | {"HOLDSPACE_WORKERS": os.cpu_count() or 1}  # 0: one per core
    assert (settings["COMMENTS_ORDER"], settings["COMMENTS_MAX_DEPTH"], settings["COMMENTS_PER_PAGE"]) == (
        "oldest",
        5,
        50,
    )
    assert settings["AVATARS"] == "gravatar"


def test_user_values_win():
    assert holdspace_settings({"COMMENTS_PER_PAGE": 10})["COMMENTS_PER_PAGE"] == 10


@pytest.mark.parametrize(
    ("user", "message"),
    [
        ({"COMMENTS_ORDER": "random"}, "setting COMMENTS_ORDER = 'random' is not valid; use one of 'oldest', 'newest'"),
        ({"COMMENTS_PER_PAGE": 0}, "setting COMMENTS_PER_PAGE = 0 is not valid; use a whole number of 1 or more"),
        ({"COMMENTS_MAX_DEPTH": "5"}, "setting COMMENTS_MAX_DEPTH = '5' is not valid; use a whole number of 1 or more"),
        ({"COMMENT_PER_PAGE": 3}, "unknown setting COMMENT_PER_PAGE; did you mean COMMENTS_PER_PAGE?"),
        ({"COMMENTS_PAGE_URL": "{post_url}p/"}, "setting COMMENTS_PAGE_URL = '{post_url}p/' has no {number}"),
        (
            {"COMMENTS_PAGE_URL": "{post_url}{slug}-{number}/"},
            "setting COMMENTS_PAGE_URL = '{post_url}{slug}-{number}/' uses {slug}; use only the fields {number}, {post_url}",
        ),
        ({"COMMENT_REDIRECT_SAVE_AS": "c/{id}/{x}.html"}, "uses {x}; use only the fields {id}"),
        ({"COMMENT_REDIRECT_URL": "c/{id"}, "is not a valid pattern"),
        ({"COMMENTS_PATH": None}, "setting COMMENTS_PATH = None is not valid; use a string such as 'comments'"),
        (  # the password never printed, even when put where it must not be
            {"MAIL_SMTP_URL": "smtp://ana:s3cret-pw@mail.example.org:587", "MAIL_FROM": "a@example.org"},
            "setting MAIL_SMTP_URL = 'smtp://ana:***@mail.example.org:587' is not valid",
        ),
    ],
)
def test_bad_settings_name_the_key(user, message):
    with pytest.raises(SettingsError) as error:
        holdspace_settings(user)
    assert message in str(error.value)


def test_an_empty_redirect_pattern_turns_redirects_off():
    assert holdspace_settings({"COMMENT_REDIRECT_SAVE_AS": ""})["COMMENT_REDIRECT_SAVE_AS"] == ""


@pytest.mark.parametrize("value", [-1, 1.5, True, "2"])
def test_workers_must_be_a_whole_number(value):
    with pytest.raises(SettingsError, match="HOLDSPACE_WORKERS"):
        holdspace_settings({"HOLDSPACE_WORKERS": value})


def test_reuse_pages_must_be_true_or_false():
    with pytest.raises(SettingsError, match="HOLDSPACE_REUSE_PAGES = 'no' is not valid; use True or False"):
        holdspace_settings({"HOLDSPACE_REUSE_PAGES": "no"})


@pytest.mark.parametrize("value", [0, -3, 1.5, "30", True])
def test_close_after_days_must_be_none_or_whole_days(value):
    with pytest.raises(SettingsError, match="COMMENTS_CLOSE_AFTER_DAYS"):
        holdspace_settings({"COMMENTS_CLOSE_AFTER_DAYS": value})
