"""PRIVACY_STRICT: what in a post's HTML would load from another host becomes a link.

An ``<img>``, ``<iframe>``, ``<video>``, ``<audio>``, ``<embed>`` or ``<object>``
whose address is on another host is replaced by a plain link to that address
(which loads nothing until it is followed), and ``<source>``/``<track>``/
``srcset`` candidates on other hosts are dropped. Everything else is written
back as it was read. Posts and pages are the site's own writing; comments never
hold such elements (``sanitize`` allows none). Pure: the standard library's
HTML tokenizer, no Pelican.
"""

from __future__ import annotations

from html import escape
from html.parser import HTMLParser
from urllib.parse import urlsplit

# Element -> the attributes that load something.
LOADS = {
    "img": ("src", "srcset"),
    "iframe": ("src",),
    "video": ("src", "poster"),
    "audio": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "source": ("src", "srcset"),
    "track": ("src",),
    "input": ("src",),
    "script": ("src",),
    "link": ("href",),
}
CONTAINERS = {"iframe", "video", "audio", "object", "script"}  # their content goes with them
LABELS = {"img": "Image", "iframe": "Embedded page", "video": "Video", "audio": "Audio", "embed": "Embedded content",
          "object": "Embedded content", "input": "Image", "script": "Script", "link": "Linked file"}  # fmt: skip


def is_offsite(url: str, site_host: str) -> bool:
    """True for an address that makes the browser ask another host (not a path, not data:)."""
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return True  # unreadable: treat as foreign
    if parts.scheme and parts.scheme.lower() not in ("http", "https"):
        return parts.scheme.lower() not in ("data", "blob")
    if not parts.netloc:
        return False
    return (parts.hostname or "").lower() != site_host.lower()


def localise(html: str, site_host: str = "") -> tuple[str, int]:
    """``html`` with its off-site resources made into links, and how many there were."""
    rewriter = _Rewriter(site_host)
    rewriter.feed(html)
    rewriter.close()
    return "".join(rewriter.out), rewriter.replaced


class _Rewriter(HTMLParser):
    def __init__(self, site_host: str) -> None:
        super().__init__(convert_charrefs=False)
        self.site_host = site_host
        self.out: list[str] = []
        self.replaced = 0
        self.skipping: list[str] = []  # open containers being dropped (nested ones included)
        self.in_link = 0  # open <a> elements

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, self.get_starttag_text() or "", closed=False)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, self.get_starttag_text() or "", closed=True)

    def _start(self, tag: str, attrs: list[tuple[str, str | None]], text: str, closed: bool) -> None:
        if self.skipping:
            if tag == self.skipping[-1] and tag in CONTAINERS and not closed:
                self.skipping.append(tag)
            return
        if tag == "a" and not closed:
            self.in_link += 1
        values = dict(attrs)
        foreign = self._foreign(tag, values)
        if not foreign:
            self.out.append(text)
            return
        self.replaced += 1
        if tag in ("source", "track"):
            return  # a candidate of its <video>/<audio>/<picture>: the others stay
        if tag == "img" and not (values.get("src") and is_offsite(values["src"] or "", self.site_host)):
            # Only some srcset candidates are foreign: keep the image with its own src.
            kept = [(k, v) for k, v in attrs if k != "srcset"]
            self.out.append(f"<img{''.join(_attr(k, v) for k, v in kept)}>")
            return
        url = foreign[0]
        host = urlsplit(url).hostname or "another site"
        words = (values.get("alt") or values.get("title") or "").strip()
        label = f"{LABELS.get(tag, 'Content')}{': ' + words if words else ''} (on {host})"
        if self.in_link:  # inside a link already, which may not hold another: the words alone
            self.out.append(f'<span class="offsite">{escape(label)}</span>')
        else:
            self.out.append(f'<a class="offsite" href="{escape(url)}" rel="noopener noreferrer">{escape(label)}</a>')
        if tag in CONTAINERS and not closed:
            self.skipping.append(tag)

    def _foreign(self, tag: str, values: dict[str, str | None]) -> list[str]:
        """The off-site addresses of this element's loading attributes."""
        found = []
        for name in LOADS.get(tag, ()):
            value = values.get(name)
            if not value:
                continue
            if name == "srcset":
                candidates = [c.split()[0] for c in value.split(",") if c.strip()]
                found += [url for url in candidates if is_offsite(url, self.site_host)]
            elif tag != "link" or "stylesheet" in (values.get("rel") or "") or "icon" in (values.get("rel") or ""):
                if is_offsite(value, self.site_host):
                    found.append(value)
        return found

    def handle_endtag(self, tag: str) -> None:
        if self.skipping:
            if tag == self.skipping[-1]:
                self.skipping.pop()
            return
        if tag == "a" and self.in_link:
            self.in_link -= 1
        self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.out.append(data)

    def handle_entityref(self, name: str) -> None:
        if not self.skipping:
            self.out.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        if not self.skipping:
            self.out.append(f"&#{name};")

    def handle_comment(self, data: str) -> None:
        if not self.skipping:
            self.out.append(f"<!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        self.out.append(f"<!{decl}>")

    def handle_pi(self, data: str) -> None:
        self.out.append(f"<?{data}>")

    def unknown_decl(self, data: str) -> None:
        self.out.append(f"<![{data}]>")


def _attr(name: str, value: str | None) -> str:
    return f" {name}" if value is None else f' {name}="{escape(value)}"'
