from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from holdspace.archive.commentfile import parse_comment, parse_date, read_comment

TZ = ZoneInfo("Europe/London")
GOOD = b"Author: TPG\nEmail: tpg@example.org\nDate: 2012-07-19 08:00\nWebsite: https://example.org/tpg\nReply-To: seed-03\n\nThe comment's *body*.\n"


def parse(data: bytes, name: str = "c-1.md"):
    return parse_comment(data, f"content/comments/t1/{name}", "t1", TZ)


def messages(data: bytes, name: str = "c-1.md") -> list[str]:
    comment, problems = parse(data, name)
    assert comment is None
    return [str(p) for p in problems]


def test_a_good_comment_is_read_whole():
    comment, problems = parse(GOOD)
    assert problems == []
    assert comment.id == "c-1"
    assert comment.thread == "t1"
    assert comment.author == "TPG"
    assert comment.email == "tpg@example.org"
    assert comment.date == datetime(2012, 7, 19, 8, 0, tzinfo=TZ)
    assert comment.website == "https://example.org/tpg"
    assert comment.reply_to == "seed-03"
    assert comment.reply_to_line == 5
    assert comment.body == "The comment's *body*."


def test_keys_are_case_insensitive_and_optional_ones_may_be_absent():
    comment, problems = parse(b"author: Mira\nEMAIL: m@example.org\ndate: 2020-01-02 03:04:05\n\nHi\n")
    assert problems == []
    assert (comment.author, comment.website, comment.reply_to) == ("Mira", None, None)
    assert comment.date.second == 5


def test_bom_and_crlf_line_endings_are_accepted():
    comment, problems = parse(b"\xef\xbb\xbf" + GOOD.replace(b"\n", b"\r\n"))
    assert problems == []
    assert comment.author == "TPG"
    assert comment.body == "The comment's *body*."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2020-05-06 07:08", datetime(2020, 5, 6, 7, 8, tzinfo=TZ)),
        ("2020-05-06 07:08:09+02:00", datetime(2020, 5, 6, 7, 8, 9, tzinfo=timezone(timedelta(hours=2)))),
        ("2020-05-06 07:08 -0530", datetime(2020, 5, 6, 7, 8, tzinfo=timezone(-timedelta(hours=5, minutes=30)))),
        ("2020-05-06T07:08Z", datetime(2020, 5, 6, 7, 8, tzinfo=UTC)),
        ("2020-02-30 07:08", None),
        ("2020-05-06", None),
        ("06/05/2020 07:08", None),
        ("2020-05-06 25:00", None),
        ("2020-05-06 07:08+25:00", None),
    ],
)
def test_dates(text, expected):
    assert parse_date(text, TZ) == expected


def test_missing_required_keys_are_each_reported():
    assert messages(b"Website: https://example.org\n\nHello\n") == [
        "content/comments/t1/c-1.md:1: the Author key is missing; add a line 'Author: ...' to the header",
        "content/comments/t1/c-1.md:1: the Email key is missing; add a line 'Email: ...' to the header",
        "content/comments/t1/c-1.md:1: the Date key is missing; add a line 'Date: ...' to the header",
    ]


def test_unknown_key_names_the_closest_known_key():
    data = b"Author: A\nEmail: a@example.org\nReplyto: x\nDate: 2020-01-01 10:00\n\nHi\n"
    assert messages(data) == ["content/comments/t1/c-1.md:3: unknown key 'Replyto'; did you mean 'Reply-To'?"]


def test_unknown_key_with_nothing_close_lists_the_keys():
    data = b"Author: A\nEmail: a@example.org\nDate: 2020-01-01 10:00\nMood: calm\n\nHi\n"
    assert messages(data) == [
        "content/comments/t1/c-1.md:4: unknown key 'Mood'; the keys are Author, Email, Date, Website, Reply-To"
    ]


def test_bad_date():
    data = b"Author: A\nEmail: a@example.org\nDate: 19 July 2012\n\nHi\n"
    assert messages(data) == [
        "content/comments/t1/c-1.md:3: bad date '19 July 2012'; "
        "write it as YYYY-MM-DD HH:MM[:SS], optionally with a UTC offset such as +02:00"
    ]


@pytest.mark.parametrize(
    "website", ["javascript:alert(1)", "ftp://example.org", "example.org", "https://", "https://exa mple.org"]
)
def test_website_must_be_http_or_https(website):
    data = f"Author: A\nEmail: a@example.org\nDate: 2020-01-01 10:00\nWebsite: {website}\n\nHi\n".encode()
    (message,) = messages(data)
    assert message.startswith("content/comments/t1/c-1.md:4: Website ")
    assert message.endswith("is not an http or https URL; write it as https://... or remove the line")


@pytest.mark.parametrize("name", ["-leading.md", "has space.md", "dot.ted.md", "é.md", "x" * 65 + ".md"])
def test_bad_ids(name):
    (message,) = messages(GOOD, name)
    assert ":1: file name " in message
    assert "is not a valid comment id; rename the file" in message


def test_an_id_of_64_characters_is_fine():
    comment, problems = parse(GOOD, "a" * 64 + ".md")
    assert problems == [] and comment.id == "a" * 64


def test_bad_reply_to_value():
    data = GOOD.replace(b"Reply-To: seed-03", b"Reply-To: ../etc")
    assert messages(data) == [
        "content/comments/t1/c-1.md:5: Reply-To '../etc' is not a comment id; write the id of the parent comment "
        "(letters, digits, '-' and '_', starting with a letter or digit, at most 64 characters)"
    ]


@pytest.mark.parametrize("data", [GOOD.split(b"\n\n")[0] + b"\n\n   \n\n", GOOD.split(b"\n\n")[0] + b"\n"])
def test_empty_body(data):
    (message,) = messages(data)
    assert "the comment body is empty; write the comment below the header and a blank line" in message


def test_not_utf8_names_the_line():
    data = b"Author: A\nEmail: a@example.org\nDate: 2020-01-01 10:00\n\nfine\ncaf\xe9\n"
    assert messages(data) == ["content/comments/t1/c-1.md:6: the file is not UTF-8 text (byte 0xe9); save it as UTF-8"]


def test_a_header_line_without_a_colon():
    data = b"Author: A\nEmail: a@example.org\nDate: 2020-01-01 10:00\nhello there\n\nHi\n"
    assert messages(data) == [
        "content/comments/t1/c-1.md:4: expected a 'Key: value' header line, found 'hello there'; "
        "put the header first, then one blank line, then the comment"
    ]


def test_a_key_given_twice():
    data = b"Author: A\nEmail: a@example.org\nDate: 2020-01-01 10:00\nauthor: B\n\nHi\n"
    assert messages(data) == ["content/comments/t1/c-1.md:4: Author is given twice (first on line 1); keep one of them"]


def test_empty_required_value_and_bad_email():
    data = b"Author:\nEmail: not-an-address\nDate: 2020-01-01 10:00\n\nHi\n"
    assert messages(data) == [
        "content/comments/t1/c-1.md:1: Author is empty; write the author after 'Author:'",
        "content/comments/t1/c-1.md:2: Email is not an email address; write the commenter's address, like name@example.org",
    ]


def test_every_problem_of_a_file_is_collected():
    data = b"Author: A\nMood: x\nDate: soon\nWebsite: ftp://x\n\n"
    assert len(messages(data)) == 5  # unknown key, missing Email, bad date, bad website, empty body


def test_read_comment_reads_the_file(tmp_path):
    path = tmp_path / "t1" / "abc.md"
    path.parent.mkdir()
    path.write_bytes(GOOD)
    comment, problems = read_comment(path, "t1", TZ)
    assert problems == [] and comment.id == "abc" and comment.path == str(path)


def test_an_empty_file_reports_what_is_missing():
    found = messages(b"")
    assert len(found) == 4 and all(":1: " in m for m in found)


@pytest.mark.parametrize("website", ["https://[oops", "http://a]b/", "https://ex\uff0fample.org:x"])
def test_urls_the_parser_rejects_are_bad_websites_not_crashes(website):
    data = f"Author: A\nEmail: a@example.org\nDate: 2020-01-01 10:00\nWebsite: {website}\n\nHi\n".encode()
    (message,) = messages(data)
    assert ":4: Website " in message and "is not an http or https URL" in message


def test_the_commenters_email_is_never_in_author_website_or_body():
    data = (
        b"Author: jane.doe@example.org\nEmail: Jane.Doe@example.org\nDate: 2020-01-01 10:00\n"
        b"Website: https://jane.doe@example.org/\n\nHello.\n\nWrite to me: jane.doe@example.org\n"
    )
    assert messages(data) == [
        "content/comments/t1/c-1.md:1: Author looks like an email address, and emails are never shown; "
        "write a first name or pseudonym instead",
        "content/comments/t1/c-1.md:4: the Website holds the commenter's email address; remove it: emails are never published",
        "content/comments/t1/c-1.md:8: the body holds the commenter's email address; remove it: emails are never published",
    ]


def test_invisible_characters_alone_are_empty():
    data = "Author: \u200b\nEmail: a@example.org\nDate: 2020-01-01 10:00\n\n\u200b\u200d\n".encode()
    assert messages(data) == [
        "content/comments/t1/c-1.md:1: Author shows nothing (only invisible characters); write a first name or pseudonym",
        "content/comments/t1/c-1.md:5: the comment body is empty; write the comment below the header and a blank line",
    ]


def test_dates_take_ascii_digits_only():
    assert parse_date("\u0662\u0660\u0662\u0665-\u0660\u0661-\u0660\u0662 \u0661\u0660:\u0660\u0660", TZ) is None


def test_messages_never_repeat_an_email_address():
    data = b"Author: A\nEmail: a@example.org\nDate: 2020-01-01 10:00\nWebsite: jo.secret@example.org\nE-mail me at jo.secret@example.org\n\nHi\n"
    found = messages(data)
    assert len(found) == 2
    assert all("jo.secret" not in m for m in found)
    assert any("Website '<an email address>' is not an http or https URL" in m for m in found)


def test_raw_body_of_broken_files():
    from holdspace.archive.commentfile import raw_body

    assert raw_body(b"Author: A\nDate: soon\n\nWords here.\n") == ("Words here.", 4)
    assert raw_body(b"just text, no header\nsecond line") == ("just text, no header\nsecond line", 1)
    assert raw_body(b"Author: A\n\n\n\ncaf\xe9") == ("caf\ufffd", 5)
