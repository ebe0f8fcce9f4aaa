"""Read one comment file of the archive format (ARCHIVE-FORMAT.md).

A comment file is ``Key: value`` header lines, a blank line, then a Markdown
body. ``read_comment`` never raises for bad input: it returns the comment, or
``None`` and the problems that keep it from being published.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from pathlib import Path
from urllib.parse import urlsplit

from .problems import Problem

# Canonical spelling of each key, by its lower-cased form.
KEYS = {"author": "Author", "email": "Email", "date": "Date", "website": "Website", "reply-to": "Reply-To"}
REQUIRED = ("author", "email", "date")

ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
HEADER_RE = re.compile(r"([A-Za-z][A-Za-z0-9_-]*)[ \t]*:[ \t]*(.*)")
DATE_RE = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[ T]([0-9]{2}):([0-9]{2})(?::([0-9]{2}))?"
    r"[ \t]*(Z|[+-][0-9]{2}:?[0-9]{2})?"
)
EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
# Characters that show nothing: a body or name made only of these is empty.
LINE_BREAKING = ("Cc", "Zl", "Zp")  # what may not stand in a header value
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
ID_RULE = "letters, digits, '-' and '_', starting with a letter or digit, at most 64 characters"


@dataclass(frozen=True)
class Comment:
    """A comment file that passed every check of its own.

    It holds the email, so it never goes to a template: see ``threads`` and
    ``pelican_threads`` for what is published.
    """

    id: str
    thread: str
    path: str
    author: str
    email: str
    date: datetime
    website: str | None
    reply_to: str | None
    body: str
    reply_to_line: int = 0
    body_line: int = 0
    author_line: int = 0


def is_valid_id(text: str) -> bool:
    return ID_RE.fullmatch(text) is not None


def read_comment(path: str | Path, thread: str, tz: tzinfo) -> tuple[Comment | None, list[Problem]]:
    """Read and check the comment file at ``path``, which belongs to ``thread``."""
    path = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as e:
        return None, [Problem(path, 1, f"cannot read the file ({e.strerror})", "check its permissions")]
    return parse_comment(raw, path, thread, tz)


def parse_comment(raw: bytes, path: str, thread: str, tz: tzinfo) -> tuple[Comment | None, list[Problem]]:
    """Check the bytes of a comment file; ``path`` names it in problems and gives its id."""
    problems: list[Problem] = []

    def problem(line: int, what: str, todo: str) -> None:
        problems.append(Problem(path, line, what, todo))

    cid = Path(path).stem
    if not is_valid_id(cid):
        problem(
            1, f"file name {Path(path).name!r} is not a valid comment id", f"rename the file: {ID_RULE}, then '.md'"
        )

    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        bad = raw[e.start : e.start + 1].hex()
        problem(raw[: e.start].count(b"\n") + 1, f"the file is not UTF-8 text (byte 0x{bad})", "save it as UTF-8")
        return None, problems
    if "\x00" in text:
        problem(
            text[: text.index("\x00")].count("\n") + 1,
            "the file holds a NUL character, so it is not a text file",
            "save the comment as plain UTF-8 text",
        )
        return None, problems

    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    values: dict[str, tuple[str, int]] = {}
    number = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            break
        match = HEADER_RE.fullmatch(line.strip())
        if match is None:
            problem(
                number,
                f"expected a 'Key: value' header line, found {_clip(line)!r}",
                "put the header first, then one blank line, then the comment",
            )
            continue
        name, value = match.group(1), match.group(2).strip()
        key = name.lower()
        if key not in KEYS:
            problem(number, f"unknown key {name!r}", _did_you_mean(name))
        elif key in values:
            problem(number, f"{KEYS[key]} is given twice (first on line {values[key][1]})", "keep one of them")
        else:
            values[key] = (value, number)
    else:
        number = len(lines) + 1  # no blank line: the whole file is header
    rest = lines[number:]
    lead = next((i for i, line in enumerate(rest) if line.strip()), len(rest))
    body_line = number + 1 + lead  # the first line of the body
    body = "\n".join(rest).strip()

    for key in REQUIRED:
        if key not in values:
            problem(1, f"the {KEYS[key]} key is missing", f"add a line '{KEYS[key]}: ...' to the header")
        elif not values[key][0]:
            problem(values[key][1], f"{KEYS[key]} is empty", f"write the {KEYS[key].lower()} after '{KEYS[key]}:'")

    author, author_line = values.get("author", ("", 0))
    if author and not author.strip(INVISIBLE + " "):
        problem(author_line, "Author shows nothing (only invisible characters)", "write a first name or pseudonym")
    elif EMAIL_RE.search(author):
        problem(
            author_line,
            "Author looks like an email address, and emails are never shown",
            "write a first name or pseudonym instead",
        )
    email, email_line = values.get("email", ("", 0))
    if email and not EMAIL_RE.fullmatch(email):
        problem(email_line, "Email is not an email address", "write the commenter's address, like name@example.org")

    date = None
    date_text, date_line = values.get("date", ("", 0))
    if date_text:
        date = parse_date(date_text, tz)
        if date is None:
            problem(
                date_line,
                f"bad date {date_text!r}",
                "write it as YYYY-MM-DD HH:MM[:SS], optionally with a UTC offset such as +02:00",
            )

    website, website_line = values.get("website", ("", 0))
    if website and not is_web_url(website):
        problem(
            website_line,
            f"Website {_clip(website)!r} is not an http or https URL",
            "write it as https://... or remove the line",
        )

    reply_to, reply_line = values.get("reply-to", ("", 0))
    if "reply-to" in values and not is_valid_id(reply_to):
        problem(
            reply_line,
            f"Reply-To {_clip(reply_to)!r} is not a comment id",
            f"write the id of the parent comment ({ID_RULE})",
        )

    if not body.strip(INVISIBLE + " \t\n"):
        problem(
            min(number + 1, len(lines)),
            "the comment body is empty",
            "write the comment below the header and a blank line",
        )

    if email:  # the one thing never published: not even where the commenter typed it
        lowered = email.lower()
        if lowered in website.lower():
            problem(
                website_line, "the Website holds the commenter's email address", "remove it: emails are never published"
            )
        index = body.lower().find(lowered)
        if index >= 0:
            problem(
                body_line + body[:index].count("\n"),
                "the body holds the commenter's email address",
                "remove it: emails are never published",
            )

    if problems or date is None:
        return None, problems
    return Comment(
        id=cid,
        thread=thread,
        path=path,
        author=author,
        email=email,
        date=date,
        website=website or None,
        reply_to=reply_to or None,
        body=body,
        reply_to_line=reply_line,
        body_line=body_line,
        author_line=author_line,
    ), []


def format_comment(
    author: str, email: str, date: datetime | None, body: str, website: str = "", reply_to: str = ""
) -> str:
    """The text of a comment file (the contract's order of keys), for importers and the
    intake. A header value that is not one line of text raises ValueError (it could
    otherwise write a header line of its own); ``parse_comment`` checks the rest."""
    for value in (author, email, website, reply_to):
        if not is_one_line(value):
            raise ValueError(f"a comment header value must be one line of text, not {value!r}")
    lines = [f"Author: {author}", f"Email: {email}"]
    if date is not None:
        lines.append(f"Date: {format_date(date)}")
    if website:
        lines.append(f"Website: {website}")
    if reply_to:
        lines.append(f"Reply-To: {reply_to}")
    return "\n".join(lines) + "\n\n" + body.strip() + "\n"


def is_one_line(text: str) -> bool:
    """No control character (newlines, escapes) and no line or paragraph separator in ``text``."""
    return not any(unicodedata.category(ch) in LINE_BREAKING for ch in text)


def format_date(date: datetime) -> str:
    """A date as the format writes it: with its UTC offset when it has one (read back by parse_date)."""
    return date.strftime("%Y-%m-%d %H:%M:%S%z").replace("+0000", "+00:00")


def parse_date(text: str, tz: tzinfo) -> datetime | None:
    """``YYYY-MM-DD HH:MM[:SS]`` with an optional offset; ``tz`` when it has none."""
    match = DATE_RE.fullmatch(text.strip())
    if match is None:
        return None
    year, month, day, hour, minute, second = (int(g) if g else 0 for g in match.groups()[:6])
    offset = match.group(7)
    if offset is None:
        zone: tzinfo = tz
    elif offset == "Z":
        zone = UTC
    else:
        sign = -1 if offset[0] == "-" else 1
        digits = offset[1:].replace(":", "")
        hours, minutes = int(digits[:2]), int(digits[2:])
        if hours > 23 or minutes > 59:
            return None
        zone = timezone(sign * timedelta(hours=hours, minutes=minutes))
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=zone)
    except ValueError:
        return None


def is_web_url(text: str) -> bool:
    if any(ch.isspace() or ord(ch) < 32 for ch in text):
        return False
    try:
        parts = urlsplit(text)
        return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
    except ValueError:  # e.g. "https://[oops": not a URL at all
        return False


def _did_you_mean(name: str) -> str:
    lowered = {key.replace("-", ""): key for key in KEYS}
    close = difflib.get_close_matches(name.lower().replace("-", "").replace("_", ""), lowered, n=1, cutoff=0.6)
    if close:
        return f"did you mean {KEYS[lowered[close[0]]]!r}?"
    return "the keys are " + ", ".join(KEYS.values())


def _clip(text: str, width: int = 40) -> str:
    """``text`` for a message: shortened, and any email address in it masked, since
    messages reach terminals and CI logs."""
    text = EMAIL_RE.sub("<an email address>", text)
    return text if len(text) <= width else text[: width - 1] + "…"


def raw_body(data: bytes) -> tuple[str, int]:
    """(body, its first line) of a comment file, however broken its header: for
    the checks that must see the words of any comment (crisis words)."""
    text = data.decode("utf-8", errors="replace").lstrip("\ufeff")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    blank = next((i for i, line in enumerate(lines) if not line.strip()), len(lines))
    if blank == 0 or not HEADER_RE.fullmatch(lines[0].strip()):
        return text.strip(), 1  # no header to speak of: all of it is what the commenter wrote
    rest = lines[blank + 1 :]
    lead = next((i for i, line in enumerate(rest) if line.strip()), len(rest))
    return "\n".join(rest).strip(), blank + 2 + lead
