"""Read one comment file of the archive format (docs/archive-format.md).

A comment file is ``Key: value`` header lines, a blank line, then a Markdown
body. ``read_comment`` never raises for bad input: it returns the comment, or
``None`` and the problems that keep it from being published.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path

from ..problems import Problem, did_you_mean
from . import header
from .removed import ANONYMISED, ANONYMOUS, check_removed
from .values import EMAIL_RE, ID_RULE, INVISIBLE, format_date, is_one_line, is_valid_id, is_web_url, parse_date

# Canonical spelling of each key, by its lower-cased form.
KEYS = {"author": "Author", "email": "Email", "date": "Date", "website": "Website", "reply-to": "Reply-To",
        "removed": "Removed"}  # fmt: skip
REQUIRED = ("author", "email", "date")

HEADER_RE = re.compile(r"([A-Za-z][A-Za-z0-9_-]*)[ \t]*:[ \t]*(.*)")


@dataclass(frozen=True)
class Comment:
    """A comment file that passed every check of its own.

    It holds the email, so it never goes to a template: ``publishing.published``
    makes what is published of it.
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
    removed: str = ""  # a removed comment's record (``removed``): who removed it; no author or email
    # (and no words, but for an anonymised comment, which is shown as any other)

    @property
    def place_only(self) -> bool:
        """A removed comment's record that shows nothing but its place (not an anonymised comment)."""
        return bool(self.removed) and self.removed != ANONYMISED


def read_comment(path: str | Path, thread: str, tz: tzinfo) -> tuple[Comment | None, list[Problem]]:
    """Read and check the comment file at ``path``, which belongs to ``thread``."""
    path = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as e:
        return None, [Problem(path, 1, f"cannot read the file ({e.strerror})", "check its permissions")]
    return parse_comment(raw, path, thread, tz)


class _Checks:
    """The problems of one file, as they are found."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.found: list[Problem] = []

    def __call__(self, line: int, what: str, todo: str) -> None:
        self.found.append(Problem(self.path, line, what, todo))


def parse_comment(raw: bytes, path: str, thread: str, tz: tzinfo) -> tuple[Comment | None, list[Problem]]:
    """Check the bytes of a comment file; ``path`` names it in problems and gives its id."""
    problem = _Checks(path)
    cid = Path(path).stem
    if not is_valid_id(cid):
        problem(
            1, f"file name {Path(path).name!r} is not a valid comment id", f"rename the file: {ID_RULE}, then '.md'"
        )
    text = _decode(raw, problem)
    if text is None:
        return None, problem.found
    part = header.split(text)
    values = _header_values(part, problem)
    if "removed" in values:
        date = check_removed(values, KEYS, part, tz, problem)
        if problem.found or date is None:
            return None, problem.found
        reply_to, reply_line = values.get("reply-to", ("", 0))
        kind = values["removed"][0]
        shown = (ANONYMOUS, part.body) if kind == ANONYMISED else ("", "")
        return Comment(cid, thread, path, shown[0], "", date, None, reply_to or None, shown[1], reply_line,
                       part.body_line, removed=kind), []  # fmt: skip
    date = _check_values(values, part, tz, problem)
    if problem.found or date is None:
        return None, problem.found

    def value(key: str) -> str:
        return values.get(key, ("", 0))[0]

    return Comment(
        id=cid,
        thread=thread,
        path=path,
        author=value("author"),
        email=value("email"),
        date=date,
        website=value("website") or None,
        reply_to=value("reply-to") or None,
        body=part.body,
        reply_to_line=values.get("reply-to", ("", 0))[1],
        body_line=part.body_line,
        author_line=values.get("author", ("", 0))[1],
    ), []


def _decode(raw: bytes, problem: _Checks) -> str | None:
    """The file's text (a byte-order mark dropped), or None when it is not UTF-8 text."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        bad = raw[e.start : e.start + 1].hex()
        problem(raw[: e.start].count(b"\n") + 1, f"the file is not UTF-8 text (byte 0x{bad})", "save it as UTF-8")
        return None
    if "\x00" in text:
        problem(
            text[: text.index("\x00")].count("\n") + 1,
            "the file holds a NUL character, so it is not a text file",
            "save the comment as plain UTF-8 text",
        )
        return None
    return text


def _header_values(part: header.Split, problem: _Checks) -> dict[str, tuple[str, int]]:
    """Each known key's (value, line); unknown keys, keys given twice and lines that are not
    ``Key: value`` are problems."""
    values: dict[str, tuple[str, int]] = {}
    for number, line in part.header:
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
            problem(number, f"unknown key {name!r}", _key_hint(name))
        elif key in values:
            problem(number, f"{KEYS[key]} is given twice (first on line {values[key][1]})", "keep one of them")
        else:
            values[key] = (value, number)
    return values


def _check_values(
    values: dict[str, tuple[str, int]], part: header.Split, tz: tzinfo, problem: _Checks
) -> datetime | None:
    """Check every value and the body; return the date when it can be read."""
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
    if not part.body.strip(INVISIBLE + " \t\n"):
        problem(
            min(part.blank_line + 1, part.last_line),
            "the comment body is empty",
            "write the comment below the header and a blank line",
        )
    if email:
        _check_email_hidden(email.lower(), website, website_line, part, problem)
    return date


def _check_email_hidden(email: str, website: str, website_line: int, part: header.Split, problem: _Checks) -> None:
    """The one thing never published: not even where the commenter typed it."""
    if email in website.lower():
        problem(
            website_line, "the Website holds the commenter's email address", "remove it: emails are never published"
        )
    index = part.body.lower().find(email)
    if index >= 0:
        problem(
            part.body_line + part.body[:index].count("\n"),
            "the body holds the commenter's email address",
            "remove it: emails are never published",
        )


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
    return header.join(lines, body)


def _squeezed(name: str) -> str:
    return name.lower().replace("-", "").replace("_", "")


def _key_hint(name: str) -> str:
    listed = ", ".join(v for v in KEYS.values() if v != "Removed")  # Removed: only a removed comment's record
    return did_you_mean(name, KEYS.values(), "the keys are " + listed, key=_squeezed)


def _clip(text: str, width: int = 40) -> str:
    """``text`` for a message: shortened, and any email address in it masked, since
    messages reach terminals and CI logs."""
    text = EMAIL_RE.sub("<an email address>", text)
    return text if len(text) <= width else text[: width - 1] + "…"


def raw_body(data: bytes) -> tuple[str, int]:
    """(body, its first line) of a comment file, however broken its header: for
    the checks that must see the words of any comment (crisis words)."""
    text = data.decode("utf-8", errors="replace").lstrip("\ufeff")
    part = header.split(text)
    if not part.header or not HEADER_RE.fullmatch(part.header[0][1].strip()):
        return text.strip(), 1  # no header to speak of: all of it is what the commenter wrote
    return part.body, part.body_line
