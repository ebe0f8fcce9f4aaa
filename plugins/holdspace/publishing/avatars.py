"""Avatar URLs for comments. The email goes in; only what the AVATARS setting
allows comes out (never the email itself).

- ``gravatar``: gravatar.com's image for the SHA-256 of the trimmed,
  lower-cased email (identicon fallback, rating g): a request to another host.
- ``local``: an identicon SVG drawn here from an HMAC of the email with the
  site's secret, served by the site: no email-derived hash anyone can
  recompute, no request to another host.
- ``names``: the same kind of identicon, drawn from the name shown with the
  comment: nothing derived from the email at all (PRIVACY_STRICT's choice).
  Two commenters with one name share a picture.
- ``none``: no image.
"""

from __future__ import annotations

import colorsys
import hashlib
import hmac
import os
import secrets
from functools import lru_cache
from urllib.parse import urlencode

from ..archive.values import normalise_email
from ..problems import HoldspaceError

GRAVATAR = "https://www.gravatar.com/avatar/"
LOCAL_FOLDER = "avatars"
SECRET_ENV = "HOLDSPACE_AVATAR_SECRET"


class SecretMissing(HoldspaceError, ValueError):
    """AVATARS = "local" without a secret, where none may be created (the command line
    says how to make one)."""

    def __init__(self, path: str) -> None:
        super().__init__(f"AVATARS = 'local' needs a secret and there is none in {path} or ${SECRET_ENV}")
        self.path = path


def email_hash(email: str) -> str:
    """SHA-256 of the trimmed, lower-cased address, as Gravatar expects."""
    return hashlib.sha256(normalise_email(email).encode("utf-8")).hexdigest()


def local_id(email: str, secret: bytes) -> str:
    """The name of the email's local identicon: a keyed hash, useless without the secret."""
    return hmac.new(secret, normalise_email(email).encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def name_avatar(name: str) -> str:
    """The local identicon of the name shown: a hash of that name alone, never of an email."""
    digest = hashlib.sha256(("holdspace-name:" + " ".join(name.split()).casefold()).encode("utf-8"))
    return f"{LOCAL_FOLDER}/{digest.hexdigest()[:32]}.svg"


@lru_cache(maxsize=65536)  # commenters come back: one hash per address per build
def avatar_url(email: str, mode: str, size: int, default: str = "identicon", secret: bytes = b"") -> str | None:
    """The image for ``email`` under avatar ``mode``: an absolute URL (gravatar), a
    path inside the site (local), or ``None`` (none)."""
    if mode == "gravatar":
        return f"{GRAVATAR}{email_hash(email)}?{urlencode({'s': size * 2, 'd': default, 'r': 'g'})}"
    if mode == "local":
        return f"{LOCAL_FOLDER}/{local_id(email, secret)}.svg"
    return None


def identicon_svg(avatar_id: str) -> str:
    """A 5 x 5 mirrored pattern in one colour, drawn from the hex digits of ``avatar_id``."""
    data = bytes.fromhex(avatar_id)
    hue = int.from_bytes(data[:2], "big") / 65535
    red, green, blue = (round(c * 255) for c in colorsys.hls_to_rgb(hue, 0.42, 0.55))
    cells = []
    bits = int.from_bytes(data[2:6], "big")
    for row in range(5):
        for col in range(3):
            if bits >> (row * 3 + col) & 1:
                for x in {col, 4 - col}:
                    cells.append(f'<rect x="{x + 1}" y="{row + 1}" width="1" height="1"/>')
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 7 7" width="96" height="96">'
        '<rect width="7" height="7" fill="#f1efe9"/>'
        f'<g fill="#{red:02x}{green:02x}{blue:02x}">{"".join(cells)}</g></svg>\n'
    )


def avatar_secret(path: str, create: bool) -> bytes:
    """The secret for local avatars: $HOLDSPACE_AVATAR_SECRET, else the file at ``path``,
    else (when ``create``) a new random one written there with mode 0600."""
    from_env = os.environ.get(SECRET_ENV, "").strip()
    if from_env:
        return from_env.encode("utf-8")
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read().strip()
        if text:
            return text.encode("utf-8")
    except FileNotFoundError:
        pass
    if not create:
        raise SecretMissing(path)
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    text = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text + "\n")
    return text.encode("utf-8")
