"""Avatar URLs for comments. The email goes in; only what the AVATARS setting
allows comes out (never the email itself)."""

from __future__ import annotations

import hashlib
from urllib.parse import urlencode

GRAVATAR = "https://www.gravatar.com/avatar/"


def email_hash(email: str) -> str:
    """SHA-256 of the trimmed, lower-cased address, as Gravatar expects."""
    return hashlib.sha256(email.strip().lower().encode("utf-8")).hexdigest()


def avatar_url(email: str, mode: str, size: int, default: str = "identicon") -> str | None:
    """The image URL for ``email`` under avatar ``mode``; ``None`` when there is no image."""
    if mode == "gravatar":
        return f"{GRAVATAR}{email_hash(email)}?{urlencode({'s': size * 2, 'd': default})}"
    return None
