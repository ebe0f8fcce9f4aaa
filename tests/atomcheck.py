"""The MUSTs of RFC 4287 (Atom) for a feed, checked offline (the W3C validator is a web service)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

A = "{http://www.w3.org/2005/Atom}"
DATE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")  # RFC 3339, section 3.3
TEXT_TYPES = {None, "text", "html", "xhtml"}


def atom_problems(data: bytes) -> list[str]:
    """What in ``data`` breaks RFC 4287; [] for a valid Atom feed document."""
    try:
        feed = ET.fromstring(data)
    except ET.ParseError as e:
        return [f"not well-formed XML: {e}"]
    if feed.tag != f"{A}feed":
        return [f"the root element is {feed.tag}, not atom:feed"]
    problems = _common(feed, "feed")
    for name in ("generator", "icon", "logo", "rights", "subtitle"):
        if len(feed.findall(f"{A}{name}")) > 1:
            problems.append(f"feed: more than one atom:{name} (4.1.1)")
    entries = feed.findall(f"{A}entry")
    if not feed.findall(f"{A}author") and any(not e.findall(f"{A}author") for e in entries):
        problems.append("feed: no atom:author, and an entry has none either (4.1.1)")
    ids = [e.findtext(f"{A}id") for e in entries]
    if len(ids) != len(set(ids)):
        problems.append("feed: two entries share an atom:id (4.1.1)")
    for number, entry in enumerate(entries, start=1):
        where = f"entry {number}"
        problems += _common(entry, where)
        if entry.find(f"{A}content") is None and not [
            link for link in entry.findall(f"{A}link") if link.get("rel", "alternate") == "alternate"
        ]:
            problems.append(f"{where}: no atom:content and no alternate atom:link (4.1.2)")
        for name in ("summary", "content", "published", "source", "rights"):
            if len(entry.findall(f"{A}{name}")) > 1:
                problems.append(f"{where}: more than one atom:{name} (4.1.2)")
    return problems


def _common(element: ET.Element, where: str) -> list[str]:
    problems = []
    for name in ("id", "title", "updated"):
        if len(element.findall(f"{A}{name}")) != 1:
            problems.append(f"{where}: needs exactly one atom:{name} (4.1)")
    ident = element.findtext(f"{A}id")
    if ident is not None and not urlsplit(ident.strip()).scheme:
        problems.append(f"{where}: atom:id {ident!r} is not an absolute IRI (4.2.6)")
    for name in ("updated", "published"):
        value = element.findtext(f"{A}{name}")
        if value is not None and not DATE.fullmatch(value.strip()):
            problems.append(f"{where}: atom:{name} {value!r} is not an RFC 3339 date-time (3.3)")
    for name in ("title", "summary", "rights", "subtitle"):
        for text in element.findall(f"{A}{name}"):
            if text.get("type") not in TEXT_TYPES:
                problems.append(f"{where}: atom:{name} has type {text.get('type')!r} (3.1.1)")
    for person in element.findall(f"{A}author") + element.findall(f"{A}contributor"):
        if len(person.findall(f"{A}name")) != 1:
            problems.append(f"{where}: a person construct needs exactly one atom:name (3.2)")
    alternates = set()
    for link in element.findall(f"{A}link"):
        if not link.get("href"):
            problems.append(f"{where}: atom:link without href (4.2.7)")
        if link.get("rel", "alternate") == "alternate":
            key = (link.get("type"), link.get("hreflang"))
            if key in alternates:
                problems.append(f"{where}: two alternate links of one type and hreflang (4.1.1)")
            alternates.add(key)
    return problems
