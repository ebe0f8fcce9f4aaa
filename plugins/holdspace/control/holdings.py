"""Everything the site holds about one address: the comment files that carry it
(published, waiting, rejected), the writer's requests for mails, and the mails to it
waiting in the outbox. Found by reading each comment file's Email line, so a file
broken in another way is found too. ``with_addresses``: the files that hold any address."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from ..archive import header
from ..archive.commentfile import HEADER_RE, Comment, read_comment
from ..archive.project import Project
from ..archive.reader import comment_files
from ..archive.values import EMAIL_RE, normalise_email
from ..mail.message import Message
from ..mail.outbox import Outbox
from ..mail.subscriptions import Subscription, Subscriptions

PUBLISHED, WAITING, REJECTED = "published", "waiting", "rejected"


@dataclass(frozen=True)
class Held:
    """A comment file that carries the address."""

    id: str
    thread: str
    path: str
    status: str  # PUBLISHED, WAITING or REJECTED
    comment: Comment | None  # None: the file breaks a rule of the format (it is still theirs)


@dataclass
class Holdings:
    comments: list[Held] = field(default_factory=list)
    subscriptions: list[Subscription] = field(default_factory=list)
    mails: list[Message] = field(default_factory=list)  # waiting or failed, to this address


def folders(project: Project) -> list[tuple[str, str]]:
    return [(PUBLISHED, project.comments), (WAITING, project.queue), (REJECTED, project.rejected)]


def outbox_of(project: Project) -> Outbox:
    return Outbox(str(Path(project.private) / "outbox"))


def holdings(project: Project, email: str) -> Holdings:
    wanted = normalise_email(email)
    if not EMAIL_RE.fullmatch(wanted):
        raise ValueError("holdings of something that is not an address")  # "" would match every file without one
    found = Holdings()
    for status, folder in folders(project):
        for path, thread, problem in comment_files(folder):
            if problem is None and thread is not None and normalise_email(email_line(path)) == wanted:
                comment, _ = read_comment(path, thread, project.tz)
                found.comments.append(Held(Path(path).stem, thread, path, status, comment))
    found.subscriptions = [s for s in Subscriptions(project.private).all() if normalise_email(s.email) == wanted]
    outbox = outbox_of(project)
    found.mails = [m for m in outbox.waiting() + outbox.failed() if wanted in {normalise_email(t) for t in m.to}]
    return found


def email_line(path: str) -> str:
    """The value of a comment file's Email line ("" when it has none or cannot be read)."""
    with contextlib.suppress(OSError):
        text = Path(path).read_bytes().decode("utf-8", errors="replace").lstrip("\ufeff")
        for _, line in header.split(text).header:
            match = HEADER_RE.fullmatch(line.strip())
            if match and match.group(1).lower() == "email":
                return match.group(2).strip()
    return ""


def with_addresses(project: Project) -> list[str]:
    """Every file, published, waiting or rejected, whatever its name (an editor's backup, a
    copy), whose Email line holds an address: a repository with one of them in it must never
    be public. An address at a domain reserved for examples (RFC 2606, RFC 6761) is no one's."""
    found = []
    for _, folder in folders(project):
        for dirpath, _, names in os.walk(folder):
            found += [path for name in sorted(names) if not _reserved(email_line(path := os.path.join(dirpath, name)))]
    return sorted(found)


RESERVED = ("example.com", "example.net", "example.org", ".example", ".test", ".invalid", ".localhost")


def _reserved(address: str) -> bool:
    """True for no address, or one at a domain reserved for examples."""
    domain = address.rpartition("@")[2].strip().lower().rstrip(".")
    return not address or any(domain == r or domain.endswith(r if r.startswith(".") else f".{r}") for r in RESERVED)
