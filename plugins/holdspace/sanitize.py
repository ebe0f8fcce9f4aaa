"""The only module that imports the HTML sanitizer (nh3, the Rust ammonia).

An allowlist of tags, attributes and URL schemes: anything else is removed,
and the text inside ``script`` and ``style`` with it. Why nh3 and not bleach:
bleach is no longer maintained (no releases, not even for security, since
2026-06-05) and its maintainers point to nh3, which is also much faster.
"""

from __future__ import annotations

from importlib.metadata import version

import nh3

TAGS = frozenset({"p", "br", "em", "strong", "a", "ul", "ol", "li", "blockquote", "code", "pre"})
ATTRIBUTES = {"a": frozenset({"href", "title"}), "ol": frozenset({"start"})}
URL_SCHEMES = frozenset({"http", "https"})
LINK_REL = "nofollow ugc noopener noreferrer"
# Part of the rendered-body cache key: a change of rules or of nh3 redoes the cache.
_ATTRS = sorted((tag, sorted(names)) for tag, names in ATTRIBUTES.items())
VERSION = f"nh3 {version('nh3')}; {sorted(TAGS)}; {_ATTRS}; {sorted(URL_SCHEMES)}; {LINK_REL}"

_CLEANER = nh3.Cleaner(
    tags=set(TAGS),
    attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
    url_schemes=set(URL_SCHEMES),
    link_rel=LINK_REL,
    strip_comments=True,
)


def clean(html: str) -> str:
    """Return ``html`` with only the comment subset's tags, attributes and URL schemes."""
    return _CLEANER.clean(html)
