"""PRIVACY_STRICT: what in a post's HTML would load from another host becomes a link.

An ``<img>``, ``<iframe>``, ``<video>``, ``<audio>``, ``<embed>``, ``<object>``
(and the like) whose address is not on the site is replaced by a plain link to
that address (which loads nothing until it is followed; an address that is not
``http(s)`` becomes words, not a link). ``<source>``/``<track>`` and ``srcset``
candidates from other hosts are dropped (their links follow the player), as are
``<base>``, a ``<meta>`` refresh, a ``<link>`` to another host whatever its
``rel``, ``<style>`` elements (which the Content-Security-Policy refuses
anyway), and ``style`` or ``background`` attributes that load something.
Addresses are read as a browser reads them (``\\`` as ``/``, tabs and line
breaks ignored, the first of two equal attributes). Everything else is
written back as it means. The site's Content-Security-Policy refuses
such requests anyway; this turns them into something a reader can use. Posts
and pages are the site's own writing; comments never hold such elements
(``sanitize`` allows none). Pure: the standard library's HTML tokenizer.
"""

from __future__ import annotations

import re
from html import escape
from html.parser import HTMLParser
from urllib.parse import urlsplit

# Element -> the attributes that load something (the tokenizer gives names in lower case).
LOADS = {
    "img": ("src", "srcset"),
    "image": ("src", "href", "xlink:href"),
    "iframe": ("src",),
    "frame": ("src",),
    "video": ("src", "poster"),
    "audio": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "source": ("src", "srcset"),
    "track": ("src",),
    "input": ("src",),
    "script": ("src",),
    "link": ("href", "imagesrcset"),
    "use": ("href", "xlink:href"),
    "feimage": ("href", "xlink:href"),
}
CONTAINERS = {"iframe", "frame", "video", "audio", "object", "script"}  # replaced with all they hold
MEDIA = {"video", "audio", "picture"}  # their dropped sources are linked after them
LABELS = {"img": "Image", "image": "Image", "iframe": "Embedded page", "frame": "Embedded page", "video": "Video",
          "audio": "Audio", "embed": "Embedded content", "object": "Embedded content", "input": "Image",
          "script": "Script", "link": "Linked file", "source": "Media", "track": "Captions"}  # fmt: skip
LOADING_CSS = re.compile(r"url\s*\(|image-set\s*\(|@import", re.IGNORECASE)
SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


def _as_browser_reads(url: str) -> str:
    """An attribute's address as a browser takes it: outer spaces and controls off, tabs and
    line breaks gone, backslashes as slashes."""
    url = url.strip("".join(map(chr, range(33))))
    return re.sub(r"[\t\n\r]", "", url).replace("\\", "/")


def is_offsite(url: str, site_host: str) -> bool:
    """True for an address that makes the browser ask another host, or one that is not a
    web address at all; False for a path on the site, and ``data:``/``blob:``."""
    url = _as_browser_reads(url)
    scheme = SCHEME.match(url)
    if scheme:
        name = scheme.group(0)[:-1].lower()
        if name in ("data", "blob"):
            return False
        if name not in ("http", "https"):
            return True
        if not url[len(name) + 1 :].startswith("//"):
            return True  # "https:host/..." can name another host: not clearly the site's
    elif not url.startswith("//"):
        return False
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return True
    return not site_host or host.lower() != site_host.lower()


def localise(html: str, site_host: str = "") -> tuple[str, int]:
    """``html`` with what it would load from other hosts made into links, and how many there were."""
    rewriter = _Rewriter(site_host)
    rewriter.feed(html)
    rewriter.close()
    return "".join(rewriter.out), rewriter.replaced


class _Rewriter(HTMLParser):
    def __init__(self, site_host: str) -> None:
        super().__init__(convert_charrefs=True)
        self.site_host = site_host
        self.out: list[str] = []
        self.replaced = 0
        self.skipping: list[str] = []  # open containers being replaced (nested ones of the same tag too)
        self.held: list[str] = []  # what the skipped containers held: given back if one is never closed
        self.in_link = 0  # open <a> elements: a link may not hold another
        self.media: list[list[str]] = []  # per open <video>/<audio>/<picture>: links to its dropped sources

    # Start tags

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, closed=False)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, closed=True)

    def _start(self, tag: str, attrs: list[tuple[str, str | None]], closed: bool) -> None:
        text = self.get_starttag_text() or ""
        if self.skipping:
            self.held.append(text)
            if tag == self.skipping[-1] and not closed:
                self.skipping.append(tag)
            return
        values: dict[str, str] = {}
        for name, value in attrs:  # the first of two equal attributes is the one a browser reads
            values.setdefault(name, value or "")
        if tag == "base" or (tag == "meta" and values.get("http-equiv", "").lower() == "refresh"):
            self.replaced += 1  # they would send every link, or the reader, elsewhere
            return
        if tag == "style":  # the CSP refuses inline styles anyway
            self.replaced += 1
            self.skipping.append(tag)
            self.held = []
            return
        foreign = self._foreign(tag, values)
        if not foreign:
            self.out.append(self._cleaned(tag, text, attrs))
            if tag == "a" and not closed:
                self.in_link += 1
            if tag in MEDIA and not closed:
                self.media.append([])
            return
        self.replaced += 1
        url = foreign[0]
        if tag in ("source", "track") and self.media:
            self.media[-1].append(self._link(tag, url, values))  # after the player: the others may still play
            return
        if tag == "img" and values.get("src") and not is_offsite(values["src"], self.site_host):
            kept = [(k, v) for k, v in attrs if k != "srcset"]  # only srcset candidates are foreign
            self.out.append(self._cleaned(tag, f"<img{''.join(_attr(k, v) for k, v in kept)}>", kept))
            return
        if tag == "link":
            return  # a stylesheet, icon or hint from another host: nothing to show
        self.out.append(self._link(tag, url, values))
        if tag in CONTAINERS and not closed:
            self.skipping.append(tag)
            self.held = []

    def _foreign(self, tag: str, values: dict[str, str]) -> list[str]:
        """The addresses of this element's loading attributes that are not the site's."""
        found = []
        for name in LOADS.get(tag, ()):
            value = values.get(name)
            if not value:
                continue
            if name.endswith("srcset"):
                candidates = [c.split()[0] for c in value.split(",") if c.strip()]
                found += [url for url in candidates if is_offsite(url, self.site_host)]
            elif is_offsite(value, self.site_host):
                found.append(value)
        return found

    def _cleaned(self, tag: str, text: str, attrs: list[tuple[str, str | None]]) -> str:
        """The start tag as written, less a ``style`` or ``background`` that would load something."""
        drop = {
            name
            for name, value in attrs
            if (name == "style" and LOADING_CSS.search(value or ""))
            or (name == "background" and value and is_offsite(value, self.site_host))
        }
        if not drop:
            return text
        self.replaced += 1
        end = "/>" if text.rstrip().endswith("/>") else ">"
        return f"<{tag}{''.join(_attr(k, v) for k, v in attrs if k not in drop)}{end}"

    def _link(self, tag: str, url: str, values: dict[str, str]) -> str:
        address = _as_browser_reads(url)
        if address.startswith("//"):
            address = "https:" + address  # as an https page reads it
        host = urlsplit(address).hostname if address.lower().startswith(("http:", "https:")) else None
        words = (values.get("alt") or values.get("title") or "").strip()
        label = f"{LABELS.get(tag, 'Content')}{': ' + words if words else ''} (on {host or 'another site'})"
        if host is None or self.in_link:  # not a web address, or inside a link already: the words alone
            return f'<span class="offsite">{escape(label)}</span>'
        return f'<a class="offsite" href="{escape(address)}" rel="noopener noreferrer">{escape(label)}</a>'

    # End tags, text and the rest

    def handle_endtag(self, tag: str) -> None:
        if self.skipping:
            if tag == self.skipping[-1]:
                self.skipping.pop()
                if not self.skipping:
                    self.held = []
            else:
                self.held.append(f"</{tag}>")
            return
        if tag == "a" and self.in_link:
            self.in_link -= 1
        self.out.append(f"</{tag}>")
        if tag in MEDIA and self.media:
            self.out.extend(self.media.pop())

    def handle_data(self, data: str) -> None:
        raw = data if self.cdata_elem else escape(data, quote=False)  # type: ignore[attr-defined]
        (self.held if self.skipping else self.out).append(raw)

    def handle_comment(self, data: str) -> None:
        (self.held if self.skipping else self.out).append(f"<!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        self.out.append(f"<!{decl}>")

    def handle_pi(self, data: str) -> None:
        self.out.append(f"<?{data}>")

    def unknown_decl(self, data: str) -> None:
        self.out.append(f"<![{data}]>")

    def close(self) -> None:
        super().close()
        if self.skipping and self.skipping[0] != "style":  # a container never closed: its content is the post's
            self.out.extend(self.held)
        while self.media:
            self.out.extend(self.media.pop())


def _attr(name: str, value: str | None) -> str:
    return f" {name}" if value is None else f' {name}="{escape(value)}"'
