"""A WordPress export (WXR, versions 1.0 to 1.2) read into plain data.

What ``wordpress`` imports: posts, pages and their comments as they are in the
file, nothing decided yet (what is published, queued or skipped is the
importer's business). Pure: the standard library's
XML parser (whose expat refuses entity expansion bombs), no Pelican.
A file that is not a WXR export, or not well-formed XML, raises
``WXRError`` with ``path:line: what is wrong; what to do``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import UTC, datetime

from ..problems import HoldspaceError

# wp: is http://wordpress.org/export/1.2/ (https:// in WordPress.com's exports); excerpt: is that + excerpt/.
WP_NAMESPACE = re.compile(r"https?://wordpress\.org/export/([0-9.]+)/")
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
CREATOR = "{http://purl.org/dc/elements/1.1/}creator"


class WXRError(HoldspaceError, ValueError):
    """The file cannot be read as a WordPress export."""


@dataclass
class WPComment:
    id: int
    author: str
    email: str
    url: str
    date: datetime | None  # UTC when the export has it, else the site's local time (naive)
    content: str  # HTML as WordPress stored it
    approved: str  # "1", "0" (pending), "spam", "trash"
    type: str  # "comment" (or ""), "pingback", "trackback"
    parent: int  # 0: a top-level comment

    @property
    def is_ping(self) -> bool:
        return self.type in ("pingback", "trackback")


@dataclass
class WPItem:
    id: int
    kind: str  # wp:post_type: "post", "page", "attachment", "nav_menu_item", ...
    title: str
    slug: str
    date: datetime | None
    author: str  # the display name when the export lists the author, else the login
    status: str  # "publish", "draft", "private", "pending", "future", "inherit"
    password: str
    categories: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    comment_status: str = "open"
    content: str = ""
    excerpt: str = ""
    comments: list[WPComment] = field(default_factory=list)


@dataclass
class WXR:
    title: str
    version: str
    items: list[WPItem]


def read_wxr(path: str) -> WXR:
    try:
        tree = ET.parse(path)
    except ET.ParseError as e:
        line = e.position[0] if e.position else 1
        raise WXRError(f"{path}:{line}: not well-formed XML ({e}); export the site again from WordPress") from None
    except OSError as e:
        raise WXRError(f"{path}:1: cannot read the file ({e.strerror}); check the path") from None
    channel = tree.getroot().find("channel")
    wp = _wp_namespace(tree.getroot())
    if channel is None or wp is None:
        raise WXRError(
            f"{path}:1: this is not a WordPress export (no channel with wp: elements); "
            "use the file from WordPress's Tools > Export"
        )

    read = _Reader(wp)
    authors = {
        read(a, "author_login"): read(a, "author_display_name") or read(a, "author_login")
        for a in channel.findall(f"{{{wp}}}author")
    }
    items = [read.item(item, authors) for item in channel.findall("item")]
    match = WP_NAMESPACE.fullmatch(wp)
    return WXR((channel.findtext("title") or "").strip(), match.group(1) if match else "", items)


class _Reader:
    """The text of an export's elements, in its wp: namespace."""

    def __init__(self, wp: str) -> None:
        self.wp = wp

    def __call__(self, element: ET.Element, tag: str) -> str:
        found = element.find(tag if tag.startswith("{") else f"{{{self.wp}}}{tag}")
        return (found.text or "").strip() if found is not None else ""

    def item(self, item: ET.Element, authors: dict[str, str]) -> WPItem:
        text, wp = self, self.wp
        categories = [c.text or "" for c in item.findall("category") if c.get("domain") == "category"]
        tags = [c.text or "" for c in item.findall("category") if c.get("domain") == "post_tag"]
        login = text(item, CREATOR)
        return WPItem(
            id=_int(text(item, "post_id")),
            kind=text(item, "post_type"),
            title=(item.findtext("title") or "").strip(),
            slug=text(item, "post_name"),
            date=_date(text(item, "post_date_gmt"), text(item, "post_date")),
            author=authors.get(login, login),
            status=text(item, "status"),
            password=text(item, "post_password"),
            categories=[c.strip() for c in categories if c.strip()],
            tags=[t.strip() for t in tags if t.strip()],
            comment_status=text(item, "comment_status") or "open",
            content=_raw(item.find(CONTENT)),
            excerpt=_raw(item.find(f"{{{wp}excerpt/}}encoded")),
            comments=[self.comment(c) for c in item.findall(f"{{{wp}}}comment")],
        )

    def comment(self, c: ET.Element) -> WPComment:
        text = self
        return WPComment(
            id=_int(text(c, "comment_id")),
            author=text(c, "comment_author"),
            email=text(c, "comment_author_email"),
            url=text(c, "comment_author_url"),
            date=_date(text(c, "comment_date_gmt"), text(c, "comment_date")),
            content=_raw(c.find(f"{{{self.wp}}}comment_content")),
            approved=text(c, "comment_approved"),
            type=text(c, "comment_type") or "comment",
            parent=_int(text(c, "comment_parent")),
        )


def _wp_namespace(root: ET.Element) -> str | None:
    """The wp: namespace the export uses (export/1.0/, 1.1/ or 1.2/)."""
    for element in root.iter():
        if element.tag.startswith("{"):
            namespace = element.tag[1:].split("}", 1)[0]
            if WP_NAMESPACE.fullmatch(namespace):
                return namespace
    return None


def _raw(element: ET.Element | None) -> str:
    return (element.text or "") if element is not None else ""


def _int(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        return 0


def _date(gmt: str, local: str) -> datetime | None:
    """The GMT date as UTC when WordPress recorded one (drafts have 0000-00-00), else the local date, naive."""
    for value, zone in ((gmt, UTC), (local, None)):
        if value and not value.startswith("0000"):
            try:
                parsed = datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
            except ValueError:
                continue
            return parsed.replace(tzinfo=zone) if zone else parsed
    return None
