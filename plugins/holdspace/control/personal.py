"""Everything held about an address, for its owner (``holdspace export-personal``): each
comment (its words, post, status, dates), the requests for mails, the mails waiting to
them, and the decisions on their comments, as one JSON file in the private folder."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from typing import Any

from ..archive.moves import write_atomically
from ..archive.project import Project
from ..mail.subscriptions import Subscriptions
from ..review import auditlog
from .erasure import EXPORTS
from .holdings import holdings

FORMAT = 1


def export(project: Project, email: str) -> tuple[str, dict[str, int]]:
    """Write the export; (its path, how many of each kind it holds)."""
    found = holdings(project, email)
    posts = project.threads()
    comments: list[dict[str, Any]] = []
    for held in found.comments:
        c = held.comment
        item: dict[str, Any] = {"id": held.id, "post": held.thread, "status": held.status,
                                "post_title": posts[held.thread].title if held.thread in posts else None}  # fmt: skip
        if c is None:
            with open(held.path, encoding="utf-8", errors="replace") as f:
                item["file"] = f.read()  # it breaks a rule of the format: the file as it is
        else:
            item.update(author=c.author, date=c.date.isoformat(), website=c.website, reply_to=c.reply_to, text=c.body)
        comments.append(item)
    ids = {held.id for held in found.comments}
    decisions = [{"time": e.time, "action": e.action, "comment": e.id, "post": e.post, "reason": e.reason}
                 for e in auditlog.read(project.log)[0] if e.id in ids]  # fmt: skip
    data = {
        "format": FORMAT,
        "made": datetime.now(UTC).isoformat(timespec="seconds"),
        "address": email.strip(),
        "comments": comments,
        "requests_for_mails": [
            {"comment": s.comment, "post": s.thread, "wants": s.wants, "confirmed": s.confirmed, "asked": s.created}
            for s in found.subscriptions
        ],
        "mails_waiting": [{"subject": m.subject, "written": m.created} for m in found.mails],
        "decisions": decisions,
        "not_kept": "IP addresses are never stored; mails once sent are not kept (only when they were sent).",
    }
    name = f"{Subscriptions(project.private).address_hash(email)[:16]}-{datetime.now(UTC):%Y%m%d-%H%M%S}.json"
    path = os.path.join(project.private, EXPORTS, name)
    write_atomically(path, lambda f: json.dump(data, f, ensure_ascii=False, indent=2))
    os.chmod(path, 0o600)
    counts = {"comments": len(comments), "requests for mails": len(found.subscriptions),
              "mails waiting": len(found.mails), "decisions": len(decisions)}  # fmt: skip
    return path, counts
