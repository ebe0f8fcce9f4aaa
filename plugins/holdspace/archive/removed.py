"""A removed comment's record: what stays in ``content/comments/`` when a comment
leaves the site, so the replies to it keep their place under a note.

    Removed: moderator
    Date: 2025-07-19 08:00
    Reply-To: vac-003

``Removed`` says who removed it: ``moderator`` (``holdspace unpublish``),
``writer`` (withdrawn from the writer's link) or ``erased`` (``holdspace
forget``, or the writer's request). The record keeps the comment's id, date and
parent, nothing of its writer or words: no Author, Email, Website or body.

``Removed: anonymised`` (``ERASE_MODE = "anonymise"``) keeps the words, and
nothing of the writer: the comment is shown as by ANONYMOUS.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime, tzinfo

from . import header
from .values import format_date, is_valid_id, parse_date

MODERATOR, WRITER, ERASED, ANONYMISED = "moderator", "writer", "erased", "anonymised"
KINDS = (MODERATOR, WRITER, ERASED, ANONYMISED)
ANONYMOUS = "(removed)"  # the name an anonymised comment is shown with
# The note a removed comment's place shows, above the replies to it.
NOTES = {
    MODERATOR: "This comment was removed by the moderators.",
    WRITER: "This comment was withdrawn by its writer.",
    ERASED: "This comment was removed at the writer's request.",
}
FORBIDDEN = ("author", "email", "website")
Report = Callable[[int, str, str], None]  # (line, what is wrong, what to do)


def check_removed(
    values: dict[str, tuple[str, int]], names: dict[str, str], part: header.Split, tz: tzinfo, problem: Report
) -> datetime | None:
    """Check a record with a ``Removed`` key; its date when it is one. ``names``: each key's spelling."""
    kind, kind_line = values["removed"]
    if kind not in KINDS:
        problem(kind_line, f"Removed {kind!r} is not one of {', '.join(KINDS)}", "write one of them")
    for key in FORBIDDEN:
        if key in values:
            problem(values[key][1], f"a removed comment's record keeps no {names[key]}", "delete the line")
    if part.body.strip() and kind != ANONYMISED:
        problem(part.body_line, "a removed comment's record keeps no words", "delete everything below the header")
    elif kind == ANONYMISED and not part.body.strip():
        problem(part.last_line, "an anonymised comment keeps its words, and this one has none", "add them back")
    reply_to, reply_line = values.get("reply-to", ("", 0))
    if "reply-to" in values and not is_valid_id(reply_to):
        problem(reply_line, f"Reply-To {reply_to[:40]!r} is not a comment id", "correct it, or remove the line")
    date_text, date_line = values.get("date", ("", 1))
    date = parse_date(date_text, tz) if date_text else None
    if date is None:
        problem(date_line, "a removed comment's record needs its Date", "write the comment's date: YYYY-MM-DD HH:MM")
    return date


def format_removed(kind: str, date: datetime, reply_to: str | None, body: str = "") -> str:
    """The text of a removed comment's record (``body``: an anonymised comment's words)."""
    if kind not in KINDS or bool(body.strip()) != (kind == ANONYMISED):
        raise ValueError(f"{kind!r} is not one of {KINDS}, or has words when it may not")
    lines = [f"Removed: {kind}", f"Date: {format_date(date)}"]
    if reply_to:
        lines.append(f"Reply-To: {reply_to}")
    return header.join(lines, body) if body.strip() else "\n".join(lines) + "\n"


def place_aside(path: str) -> str | None:
    """A removed comment's record at ``path`` (the comment comes back): renamed to a hidden
    file beside it (the reader skips it) until the comment is in; its name, or None. One
    left by a killed approval is put back first."""
    aside = os.path.join(os.path.dirname(path), f".{os.path.basename(path)}.place")
    if os.path.exists(aside) and not os.path.exists(path):
        os.rename(aside, path)
    try:
        with open(path, "rb") as f:
            if not f.read(8).lower().startswith(b"removed:"):
                return None  # a comment: the move refuses to overwrite it
    except FileNotFoundError:
        return None
    os.rename(path, aside)
    return aside
