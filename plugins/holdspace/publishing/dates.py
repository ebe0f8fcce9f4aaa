"""Dates as a site's pages write them, each text made once: Pelican's strftime (and its
``strftime`` filter for templates, which sets the locale four times for every call)
writes the day of 20,000 comments, and their time of day, again and again."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

DateWriter = Callable[[Any, str], str]  # (date, format) -> the date as written

# The directives (C's strftime, and Pelican's "%-d" forms of them) whose text depends on the
# day alone, and those to the minute: a format made only of these writes every time of a
# day (of a minute) the same.
_DAY = frozenset("aAwdbBhmyYjUWxGuVCDeF%")
_MINUTE = _DAY | frozenset("HIMpRkl")
_DIRECTIVE = re.compile(r"%-?(.?)", re.DOTALL)


def once_each(show_date: DateWriter) -> DateWriter:
    """``show_date``, called once per day and format for a format of the day alone ("%d %B
    %Y"), and once per minute for one to the minute ("%H:%M"): the same text. Any other
    format, or a value that is not a datetime, is given to ``show_date`` every time."""
    made: dict[tuple[Any, ...], str] = {}
    reads: dict[str, int] = {}  # format -> 1: the day, 2: the minute, 0: more

    def show(date: Any, date_format: str) -> str:  # (named as Pelican's filter names it)
        fmt = date_format
        if not isinstance(fmt, str) or not isinstance(date, datetime):
            return show_date(date, fmt)
        what = reads.get(fmt)
        if what is None:
            used = {m[1] for m in _DIRECTIVE.finditer(fmt)}
            what = reads[fmt] = 1 if used <= _DAY else 2 if used <= _MINUTE else 0
        if not what:
            return show_date(date, fmt)
        key = (type(date), date.date(), fmt) if what == 1 else (type(date), date.date(), date.hour, date.minute, fmt)
        text = made.get(key)
        if text is None:
            text = made[key] = show_date(date, fmt)
        return text

    return show
