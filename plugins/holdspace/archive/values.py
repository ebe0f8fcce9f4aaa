"""The values of a comment file's header, read and written: ids, dates, email and
web addresses, one-line text. Pure: the standard library only."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from urllib.parse import urlsplit

ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
ID_RULE = "letters, digits, '-' and '_', starting with a letter or digit, at most 64 characters"
DATE_RE = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[ T]([0-9]{2}):([0-9]{2})(?::([0-9]{2}))?"
    r"[ \t]*(Z|[+-][0-9]{2}:?[0-9]{2})?"
)
EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
NOT_IN_ADDRESS = set(',;<>()[]"\\:')  # would make a mail header name more, or other, recipients
# Characters that show nothing: a body or name made only of these is empty.
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
LINE_BREAKING = ("Cc", "Zl", "Zp")  # what may not stand in a header value


def is_valid_id(text: str) -> bool:
    return ID_RE.fullmatch(text) is not None


def normalise_email(email: str) -> str:
    """An address as it is compared (staff) and hashed (avatars): trimmed, lower-cased."""
    return email.strip().lower()


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
