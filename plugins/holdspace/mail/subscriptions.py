"""Who asked to hear about their comment, kept where nothing is published: one small file
per request in ``<private>/subscriptions/``, with the address it goes to. Nothing is sent
until its writer confirms from the link mailed to them (a POST, so a mail scanner that
follows links confirms nothing); every mail after carries a link that ends it.

Links carry a token: the subscription's id and an HMAC of it with the site's link secret
(``<private>/link-secret``, made once, readable by its owner alone), so nobody can make one.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import os
import secrets
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta

from ..archive.moves import write_atomically
from ..archive.values import is_valid_id
from ..problems import HoldspaceError, display_path
from .message import now_text

REPLIES, LIVE = "replies", "live"  # what a writer may ask to hear: a reply to them, their comment published
MIN_KEY = 32  # characters of the key links are signed with: 64 are made


@dataclass
class Subscription:
    id: str
    email: str
    comment: str  # the comment's id
    thread: str  # its post's slug
    post: str  # its post's title
    wants: list[str] = field(default_factory=list)  # REPLIES, LIVE
    confirmed: bool = False
    created: str = field(default_factory=lambda: now_text())


class Subscriptions:
    def __init__(self, private: str) -> None:
        self.folder = os.path.join(private, "subscriptions")
        self.secret_path = os.path.join(private, "link-secret")

    def add(self, email: str, comment: str, thread: str, post: str, wants: list[str]) -> Subscription:
        subscription = Subscription(secrets.token_hex(12), email, comment, thread, post, wants)
        self._save(subscription)
        return subscription

    def get(self, sid: str) -> Subscription | None:
        if not sid.isalnum():
            return None
        try:
            with open(os.path.join(self.folder, f"{sid}.json"), encoding="utf-8") as f:
                return Subscription(**json.load(f))
        except (OSError, ValueError, TypeError):
            return None

    def confirm(self, sid: str) -> Subscription | None:
        subscription = self.get(sid)
        if subscription is not None and not subscription.confirmed:
            subscription.confirmed = True
            self._save(subscription)
        return subscription

    def remove(self, sid: str) -> Subscription | None:
        """End a subscription: its file (and so its address) is gone."""
        subscription = self.get(sid)
        if subscription is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(os.path.join(self.folder, f"{sid}.json"))
        return subscription

    def all(self) -> list[Subscription]:
        found = []
        with contextlib.suppress(FileNotFoundError):
            for name in sorted(os.listdir(self.folder)):
                if name.endswith(".json") and not name.startswith("."):
                    subscription = self.get(name[: -len(".json")])
                    if subscription is not None:
                        found.append(subscription)
        return found

    def confirmed(self) -> list[Subscription]:
        return [subscription for subscription in self.all() if subscription.confirmed]

    def address_hash(self, email: str) -> str:
        """A keyed hash of an address (the log records an erasure by it, never the address):
        the same address gives the same hash on this site, and no one without the key can
        test a guess against it."""
        return hmac.new(self._secret(), b"address:" + email.strip().lower().encode(), hashlib.sha256).hexdigest()

    def token(self, purpose: str, sid: str, days: int = 0) -> str:
        """``<id>.<mac>``, or ``<id>.<last day>.<mac>`` when it lasts ``days``: for a link that
        does ``purpose`` (confirm, unsubscribe, withdraw, forget) to ``sid`` (a subscription's
        or a comment's id)."""
        if not days:
            return f"{sid}.{self._mac(purpose, sid)}"
        until = (datetime.now(UTC) + timedelta(days=days)).strftime("%Y%m%d")
        return f"{sid}.{until}.{self._mac(purpose, f'{sid}:{until}')}"

    def check(self, purpose: str, token: str) -> str | None:
        """The id a token names, when it was made here for ``purpose`` and has not expired."""
        sid, expired = self.verify(purpose, token)
        return None if expired else sid

    def verify(self, purpose: str, token: str) -> tuple[str | None, bool]:
        """(the id a token made here for ``purpose`` names, or None; whether it has expired)."""
        parts = token.split(".")
        if len(parts) not in (2, 3) or not is_valid_id(parts[0]) or not parts[-1]:
            return None, False
        signed = parts[0] if len(parts) == 2 else f"{parts[0]}:{parts[1]}"
        if not hmac.compare_digest(parts[-1], self._mac(purpose, signed)):
            return None, False
        expired = len(parts) == 3 and parts[1] < datetime.now(UTC).strftime("%Y%m%d")
        return parts[0], expired

    def _mac(self, purpose: str, sid: str) -> str:
        digest = hmac.new(self._secret(), f"{purpose}:{sid}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")[:32]

    def _secret(self) -> bytes:
        """The key links are signed with: made once, whole (written aside, then linked into
        place), and refused when too short to trust."""
        if not os.path.exists(self.secret_path):
            os.makedirs(os.path.dirname(self.secret_path), mode=0o700, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=os.path.dirname(self.secret_path), prefix=".", suffix=".tmp")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as f:
                    f.write(secrets.token_hex(32) + "\n")
                    f.flush()
                    os.fsync(f.fileno())
                with contextlib.suppress(FileExistsError):  # another process made it first: theirs
                    os.link(tmp, self.secret_path)
            finally:
                os.unlink(tmp)
        with open(self.secret_path, "rb") as f:
            key = f.read().strip()
        if len(key) < MIN_KEY:
            raise HoldspaceError(
                f"{display_path(self.secret_path)}: the key for the links in mails is too short; delete the file "
                "(a new one is made, and the links already mailed stop working)"
            )
        return key

    def _save(self, subscription: Subscription) -> None:
        os.makedirs(self.folder, mode=0o700, exist_ok=True)
        path = os.path.join(self.folder, f"{subscription.id}.json")
        write_atomically(path, lambda f: json.dump(asdict(subscription), f, ensure_ascii=False))
