import json
import os
import re
import time
from datetime import UTC, datetime, timedelta

import pytest

from holdspace.review import auditlog
from holdspace.review.auditlog import Entry, append, file_sha256, now, read

SHA_OF_EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def entry(**changes):
    fields = {
        "time": "2026-11-27T18:05:00Z",
        "moderator": "Zoë",
        "action": "approve",
        "id": "0042",
        "post": "café-au-lait",
        "reason": "",
        "sha256": SHA_OF_EMPTY,
    }
    return Entry(**(fields | changes))


def test_append_then_read_gives_the_entries_back_oldest_first(tmp_path):
    log = tmp_path / "moderation.jsonl"
    first = entry(reason='Ça va ? 😊 "quoted"\nsecond line', flags=("crisis", "links"))
    # U+2028, U+0085 and \r are line breaks to str.splitlines(), but not to JSON Lines
    second = entry(action="reject", id="0043", reason="spam\u2028more\x85and\rmore", moderator="Дмитрий")
    append(log, first)
    append(str(log), second)
    assert read(log) == ([first, second], [])
    assert read(str(log)) == ([first, second], [])


def test_each_entry_is_one_sorted_utf8_json_line_with_flags_as_a_list(tmp_path):
    log = tmp_path / "moderation.jsonl"
    mask = os.umask(0)  # so that the mode asked for is the mode the file gets
    try:
        append(log, entry(reason="Zoë’s call", flags=("crisis",)))
    finally:
        os.umask(mask)
    expected = (
        '{"action": "approve", "flags": ["crisis"], "id": "0042", "moderator": "Zoë", "post": "café-au-lait", '
        f'"reason": "Zoë’s call", "sha256": "{SHA_OF_EMPTY}", "time": "2026-11-27T18:05:00Z"}}\n'
    )
    assert log.read_bytes() == expected.encode()
    assert oct(os.stat(log).st_mode & 0o777) == oct(0o644)


def test_append_never_rewrites_what_is_there(tmp_path):
    log = tmp_path / "moderation.jsonl"
    append(log, entry())
    before = log.read_bytes()
    append(log, entry(id="0043"))
    assert log.read_bytes().startswith(before)
    assert len(log.read_bytes().splitlines()) == 2


def test_an_entry_after_a_line_cut_short_by_a_crash_is_valid_and_the_cut_line_is_reported(tmp_path):
    log = tmp_path / "moderation.jsonl"
    append(log, entry(id="0001"))
    whole = json.dumps({"action": "reject", "id": "0002", "moderator": "Zoë"}, ensure_ascii=False).encode()
    with open(log, "ab") as f:
        f.write(whole[:-7])  # a crash in the middle of the next line: no closing brace, no newline
    append(log, entry(id="0003"))
    lines = log.read_bytes().split(b"\n")
    assert lines[1] == whole[:-7]  # left exactly as it was
    assert read(log) == ([entry(id="0001"), entry(id="0003")], [2])


def test_a_line_cut_inside_a_multibyte_character_is_reported(tmp_path):
    log = tmp_path / "moderation.jsonl"
    append(log, entry())
    with open(log, "ab") as f:
        f.write('{"moderator": "Zoë'.encode()[:-1])
    append(log, entry(id="0043"))
    assert read(log) == ([entry(), entry(id="0043")], [2])


@pytest.mark.parametrize(
    "line",
    [
        b"",
        b"[]",
        b'"approve"',
        b'{"time": "2026-11-27T18:05:00Z"}',  # keys missing
        json.dumps(entry().__dict__ | {"extra": "x"}).encode(),
        json.dumps(entry().__dict__ | {"action": "delete"}).encode(),
        json.dumps(entry().__dict__ | {"time": "2026-11-27 18:05:00"}).encode(),
        json.dumps(entry().__dict__ | {"sha256": "abc"}).encode(),
        json.dumps(entry().__dict__ | {"flags": [1]}).encode(),
        json.dumps(entry().__dict__ | {"reason": None}).encode(),
    ],
    ids=[
        "blank",
        "a list",
        "a string",
        "keys missing",
        "unknown key",
        "unknown action",
        "bad time",
        "bad sha256",
        "bad flags",
        "null reason",
    ],
)
def test_lines_that_are_not_entries_are_reported_by_number(tmp_path, line):
    log = tmp_path / "moderation.jsonl"
    good = json.dumps(entry().__dict__, ensure_ascii=False).encode()
    log.write_bytes(good + b"\n" + line + b"\n" + good + b"\n")
    assert read(log) == ([entry(), entry()], [2])


def test_flags_may_be_absent_from_a_line(tmp_path):
    log = tmp_path / "moderation.jsonl"
    fields = entry().__dict__.copy()
    del fields["flags"]
    log.write_text(json.dumps(fields) + "\n", encoding="utf-8")
    assert read(log) == ([entry()], [])


def test_a_missing_file_is_no_entries_and_no_bad_lines(tmp_path):
    assert read(tmp_path / "nothing-yet.jsonl") == ([], [])
    assert not (tmp_path / "nothing-yet.jsonl").exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"action": "delete"},
            "unknown action 'delete'; expected one of approve, reject, restore, unpublish, withdraw, erase",
        ),
        ({"time": "2026-11-27T18:05Z"}, "time '2026-11-27T18:05Z' is not UTC in the form 2026-11-27T18:05:00Z"),
        (
            {"time": "2026-11-27T18:05:00+00:00"},
            "time '2026-11-27T18:05:00+00:00' is not UTC in the form 2026-11-27T18:05:00Z",
        ),
        ({"time": "2026-2-7T8:05:00Z"}, "time '2026-2-7T8:05:00Z' is not UTC in the form 2026-11-27T18:05:00Z"),
        ({"sha256": SHA_OF_EMPTY.upper()}, f"sha256 '{SHA_OF_EMPTY.upper()}' is not 64 lowercase hex digits"),
        ({"flags": ["crisis"]}, "flags must be a tuple of strings, not ['crisis']"),
        ({"reason": None}, "reason must be a string, not None"),
    ],
)
def test_an_entry_read_would_not_accept_cannot_be_made(changes, message):
    with pytest.raises((TypeError, ValueError)) as refused:
        entry(**changes)
    assert str(refused.value) == message


def test_a_refused_entry_writes_nothing(tmp_path):
    log = tmp_path / "moderation.jsonl"
    append(log, entry())
    with pytest.raises(UnicodeEncodeError):
        append(log, entry(reason="half a surrogate \ud800"))
    assert read(log) == ([entry()], [])


def test_each_append_is_a_single_write_followed_by_fsync(tmp_path, monkeypatch):
    log = tmp_path / "moderation.jsonl"
    log.write_bytes(b'{"cut short')
    calls = []
    real_write, real_fsync = os.write, os.fsync
    monkeypatch.setattr(auditlog.os, "write", lambda fd, data: calls.append(("write", data)) or real_write(fd, data))
    monkeypatch.setattr(auditlog.os, "fsync", lambda fd: calls.append(("fsync", fd)) or real_fsync(fd))
    append(log, entry())
    assert [name for name, _ in calls] == ["write", "fsync"]
    assert calls[0][1].startswith(b'\n{"action": "approve"') and calls[0][1].endswith(b"}\n")


def test_a_new_log_file_is_flushed_and_so_is_its_name_in_the_folder(tmp_path, monkeypatch):
    log = tmp_path / "moderation.jsonl"
    flushed = []
    real_fsync = os.fsync

    def fsync(fd):
        flushed.append(os.readlink(f"/proc/self/fd/{fd}"))
        real_fsync(fd)

    monkeypatch.setattr(auditlog.os, "fsync", fsync)
    append(log, entry())
    append(log, entry(id="0043"))
    real = os.path.realpath(log)
    assert flushed == [real, os.path.dirname(real), real]


@pytest.fixture
def local_time_far_from_utc(monkeypatch):
    """A local time zone 5½ hours ahead of UTC (a POSIX TZ string: no tz database needed)."""
    monkeypatch.setenv("TZ", "IST-05:30")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_now_is_the_current_utc_time_in_seconds(local_time_far_from_utc):
    before = datetime.now(UTC).replace(microsecond=0)
    stamp = now()
    after = datetime.now(UTC)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", stamp)
    assert before <= datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC) <= after + timedelta(seconds=1)
    assert entry(time=stamp).time == stamp


def test_file_sha256_of_known_contents(tmp_path):
    (tmp_path / "empty.md").write_bytes(b"")
    (tmp_path / "abc.md").write_bytes(b"abc")
    assert file_sha256(tmp_path / "empty.md") == SHA_OF_EMPTY
    assert file_sha256(str(tmp_path / "abc.md")) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
