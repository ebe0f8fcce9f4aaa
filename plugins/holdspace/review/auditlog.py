"""The moderation log: every decision, appended as one JSON object per line (UTF-8).

The file is only ever appended to, never rewritten or truncated. A line cut
short by a crash is left as it is: the next append starts on a new line, and
read() reports the damaged line's number instead of failing.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime

StrPath = str | os.PathLike[str]

ACTIONS = ("approve", "reject", "restore", "unpublish", "withdraw", "erase")
NO_CRISIS_NOTE = "no-crisis-note"  # recorded with an approval whose crisis flag was a false alarm
TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Entry:
    time: str  # ISO 8601 UTC with seconds, e.g. "2026-11-27T18:05:00Z"
    moderator: str
    action: str  # one of ACTIONS
    id: str
    post: str
    reason: str  # may be ""
    sha256: str  # hex SHA-256 of the comment file's bytes at the moment of the decision
    flags: tuple[str, ...] = ()  # short flag names, e.g. ("crisis", "links")
    address: str = ""  # an erasure's: a keyed hash of the writer's address, never the address

    def __post_init__(self) -> None:
        """Refuse what read() would not accept back, so a bad entry fails when it is made, not when audited."""
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if field.name == "flags":
                if not isinstance(value, tuple) or not all(isinstance(flag, str) for flag in value):
                    raise TypeError(f"flags must be a tuple of strings, not {value!r}")
            elif not isinstance(value, str):
                raise TypeError(f"{field.name} must be a string, not {value!r}")
        if self.action not in ACTIONS:
            raise ValueError(f"unknown action {self.action!r}; expected one of {', '.join(ACTIONS)}")
        try:
            valid_time = datetime.strptime(self.time, TIME_FORMAT).strftime(TIME_FORMAT) == self.time
        except ValueError:
            valid_time = False
        if not valid_time:
            raise ValueError(f"time {self.time!r} is not UTC in the form 2026-11-27T18:05:00Z")
        if not _SHA256.fullmatch(self.sha256):
            raise ValueError(f"sha256 {self.sha256!r} is not 64 lowercase hex digits")


def append(path: StrPath, entry: Entry) -> None:
    """Append one line with a single os.write, then os.fsync.

    If the file does not end with a newline (a line cut short by a crash), the
    write starts with one, so the new entry is on its own line.
    """
    fields = {k: v for k, v in dataclasses.asdict(entry).items() if k != "address" or v}  # old lines have none
    line = json.dumps(fields, ensure_ascii=False, sort_keys=True).encode("utf-8") + b"\n"
    # O_RDWR rather than O_WRONLY only to read the last byte through the same descriptor;
    # with O_APPEND every write still goes to the end of the file.
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        size = os.fstat(fd).st_size
        if size and os.pread(fd, 1, size - 1) != b"\n":
            line = b"\n" + line
        written = os.write(fd, line)
        if written != len(line):
            raise OSError(f"{os.fsdecode(path)}: only {written} of {len(line)} bytes of the entry were written")
        os.fsync(fd)
    finally:
        os.close(fd)
    if size == 0:  # a new (or empty) file: make its name in the folder durable too
        folder = os.open(os.path.dirname(os.fsencode(path)) or b".", os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)


def read(path: StrPath) -> tuple[list[Entry], list[int]]:
    """All entries, oldest first, and the 1-based line numbers of lines that are not valid entries.

    A missing file is ([], []).
    """
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return [], []
    # Split on b"\n" only: str.splitlines() would also split at U+2028 or U+0085,
    # which json.dumps(ensure_ascii=False) leaves unescaped inside a reason.
    lines = data.split(b"\n")
    if lines[-1] == b"":
        lines.pop()
    entries: list[Entry] = []
    bad: list[int] = []
    for number, raw in enumerate(lines, start=1):
        entry = _parse(raw)
        if entry is None:
            bad.append(number)
        else:
            entries.append(entry)
    return entries, bad


def _parse(raw: bytes) -> Entry | None:
    try:
        obj = json.loads(raw.decode("utf-8"))
    except ValueError:  # includes UnicodeDecodeError and json.JSONDecodeError
        return None
    if not isinstance(obj, dict) or not set(obj) <= {field.name for field in dataclasses.fields(Entry)}:
        return None
    if isinstance(obj.get("flags"), list):
        obj["flags"] = tuple(obj["flags"])
    try:
        return Entry(**obj)
    except (TypeError, ValueError):
        return None


def flagged_on_approval(path: StrPath, flag: str, unless: str = "") -> set[str]:
    """The ids whose latest approval recorded ``flag`` (e.g. "crisis"), and not ``unless``
    with it. Latest by time: moderators sharing the log through git may have merged their
    lines in any order, and a decision another moderator's overtook keeps its line."""
    latest: dict[str, Entry] = {}
    for entry in sorted(read(path)[0], key=lambda e: e.time):  # stable: the file's order within a second
        if entry.action == "approve":
            latest[entry.id] = entry
    return {cid for cid, e in latest.items() if flag in e.flags and unless not in e.flags}


def now() -> str:
    """The current UTC time, e.g. "2026-11-27T18:05:00Z"."""
    return datetime.now(UTC).strftime(TIME_FORMAT)


def file_sha256(path: StrPath) -> str:
    """Hex SHA-256 of the file's bytes."""
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()
