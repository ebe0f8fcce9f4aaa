"""The only module that imports the HTML sanitizer (nh3, the Rust ammonia).

An allowlist of tags, attributes and URL schemes: anything else is removed,
and the text inside ``script`` and ``style`` with it. Why nh3 and not bleach:
bleach is no longer maintained (no releases, not even for security, since
2026-06-05) and its maintainers point to nh3, which is also much faster.
"""

from __future__ import annotations

import re
import unicodedata
from importlib.metadata import version

import nh3

TAGS = frozenset({"p", "br", "em", "strong", "a", "ul", "ol", "li", "blockquote", "code", "pre"})
ATTRIBUTES = {"a": frozenset({"href", "title"}), "ol": frozenset({"start"})}
URL_SCHEMES = frozenset({"http", "https"})
LINK_REL = "nofollow ugc noopener noreferrer"
# Part of the rendered-body cache key: a change of rules or of nh3 redoes the cache.
_ATTRS = sorted((tag, sorted(names)) for tag, names in ATTRIBUTES.items())
VERSION = f"nh3 {version('nh3')}; {sorted(TAGS)}; {_ATTRS}; {sorted(URL_SCHEMES)}; {LINK_REL}; href filter 1"
_SCHEME = re.compile(r"[a-z][a-z0-9+.\-]*:", re.IGNORECASE)


def _href_filter(tag: str, attribute: str, value: str) -> str | None:
    """Drop a link whose address, once every invisible and separator character is
    taken out, names a scheme other than http(s): ammonia reads "\u2028javascript:"
    as a relative address, and it is better gone than trusted to a browser."""
    if attribute != "href":
        return value
    squeezed = "".join(ch for ch in value if unicodedata.category(ch)[0] not in "CZ" and not ch.isspace())
    match = _SCHEME.match(squeezed)
    if match and match.group(0).lower() not in ("http:", "https:"):
        return None
    return value


_CLEANER = nh3.Cleaner(
    tags=set(TAGS),
    attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
    url_schemes=set(URL_SCHEMES),
    link_rel=LINK_REL,
    strip_comments=True,
    attribute_filter=_href_filter,
)


def clean(html: str) -> str:
    """Return ``html`` with only the comment subset's tags, attributes and URL schemes."""
    # The HTML parser drops one leading byte-order mark; dropping them all keeps
    # cleaning idempotent (clean(clean(x)) == clean(x)).
    return _CLEANER.clean(html.lstrip("\ufeff"))
