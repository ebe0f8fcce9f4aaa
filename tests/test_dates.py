"""Dates written once per day (or minute) and format, as Pelican writes each of them: for
the search's results and for the pages (Pelican's ``strftime`` filter)."""

import random
from datetime import UTC, datetime, timedelta, timezone

from pelican.utils import DateFormatter, SafeDatetime, strftime

from holdspace.publishing.dates import once_each

DAY_FORMATS = ["%d %B %Y", "%-d %b %Y", "%a, %d %b %Y", "%Y-%m-%d %%H", "%x", "%G week %V, %j", "day %e"]
MINUTE_FORMATS = ["%d %B %Y, %H:%M", "%-I:%M %p", "%H:%M", "%-d %B %k"]
OTHER_FORMATS = ["%c", "%Y%m%dT%H%M%S%z", "%s", "%H:%M:%S", "%Z", "%_d %B"]


def _dates():
    rng = random.Random(7)
    start = datetime(2019, 12, 30, tzinfo=UTC)
    dates = [start + timedelta(minutes=rng.randrange(3 * 24 * 60), seconds=rng.randrange(60)) for _ in range(300)]
    dates += [d.astimezone(timezone(timedelta(hours=-5))) for d in dates[:50]]
    dates += [d.replace(second=s) for d in dates[:30] for s in (0, 59)]  # the same minute, other seconds
    dates += [SafeDatetime(*d.timetuple()[:6], tzinfo=d.tzinfo) for d in dates[:40]]  # Pelican's own kind
    return dates


def test_dates_are_written_once_a_day_or_minute_as_pelican_writes_each_of_them():
    calls = []

    def counted(date, fmt):
        calls.append(fmt)
        return strftime(date, fmt)

    show = once_each(counted)
    dates = _dates()
    for fmt in DAY_FORMATS + MINUTE_FORMATS + OTHER_FORMATS:
        calls.clear()
        assert [show(d, fmt) for d in dates] == [strftime(d, fmt) for d in dates], fmt
        days = {(type(d), d.date()) for d in dates}
        minutes = {(type(d), d.date(), d.hour, d.minute) for d in dates}
        expected = len(days) if fmt in DAY_FORMATS else len(minutes) if fmt in MINUTE_FORMATS else len(dates)
        assert len(calls) == expected, fmt
    assert show(dates[0].date(), "%d %B") == strftime(dates[0].date(), "%d %B")  # a date, not a datetime


def test_the_pages_strftime_filter_writes_as_pelican_s(site):
    """Every generator's ``strftime`` filter is Pelican's DateFormatter, called once per day or
    minute: the same text, locale and all, for every date and format."""
    from pelican import signals

    from holdspace.glue import rewrite

    generators = []

    def keep(generator):
        generators.append(generator)

    signals.generator_init.connect(keep)
    try:
        site.build()
    finally:
        signals.generator_init.disconnect(keep)
    filters = [g.env.filters["strftime"] for g in generators if hasattr(g, "env")]
    assert len(filters) >= 3 and not any(isinstance(f, DateFormatter) for f in filters)
    assert all(f.__qualname__ == "once_each.<locals>.show" for f in filters)
    assert filters[0](_dates()[0], date_format="%d %B") == DateFormatter()(_dates()[0], date_format="%d %B")
    rewrite.plugin_templates(generators[0])  # again: wrapped once
    assert generators[0].env.filters["strftime"] is filters[0]
    dates, pelican_s = _dates(), DateFormatter()
    for fmt in DAY_FORMATS + MINUTE_FORMATS + OTHER_FORMATS:
        assert [filters[0](d, fmt) for d in dates] == [pelican_s(d, fmt) for d in dates], fmt
