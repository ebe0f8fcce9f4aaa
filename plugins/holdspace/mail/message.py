"""A message the site sends: a mail, or a call of a webhook, with an id that stays the same
from the moment it is written (so it is sent once, and a mail keeps its Message-ID)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

KINDS = ("mail", "webhook")


@dataclass
class Message:
    id: str  # letters, digits, "-" and "_": a file name in the outbox
    kind: str  # "mail" or "webhook"
    subject: str
    text: str
    to: list[str] = field(default_factory=list)  # mail: the recipients
    url: str = ""  # webhook: where the JSON goes
    payload: dict[str, Any] = field(default_factory=dict)  # webhook: the JSON
    headers: dict[str, str] = field(default_factory=dict)  # mail: more headers (List-Unsubscribe ...)
    about: str = ""  # for `holdspace outbox`: what it is, without any address ("crisis alert", "digest")
    created: str = field(default_factory=lambda: now_text())
    due: str = field(default_factory=lambda: now_text())
    attempts: int = 0
    last_error: str = ""

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Message:
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("kind") not in KINDS:
            raise ValueError("not a message")
        return cls(**data)

    def email(self, sender: str) -> EmailMessage:
        """The mail as sent: plain text, from ``sender``, its Message-ID made from its id."""
        mail = EmailMessage()
        mail["From"] = sender
        mail["To"] = ", ".join(self.to)
        mail["Subject"] = self.subject
        mail["Date"] = format_datetime(datetime.fromisoformat(self.created))
        mail["Message-ID"] = f"<{self.id}@{sender.rpartition('@')[2].strip('> ') or 'holdspace'}>"
        mail["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to it
        for name, value in self.headers.items():
            mail[name] = value
        mail.set_content(self.text)
        return mail


def now_text(moment: datetime | None = None) -> str:
    return (moment or datetime.now(UTC)).isoformat(timespec="seconds")
