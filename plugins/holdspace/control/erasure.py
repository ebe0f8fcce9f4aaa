"""Forget an address (``holdspace forget``): every comment of it, published, waiting or
rejected, erased or anonymised as ERASE_MODE says, and every copy the site keeps.

- A published comment becomes the record of its place (``Removed: erased``: its replies
  stay, under a note), or, with ``anonymise``, is shown as by "(removed)" with its words.
  Waiting and rejected comments, never published, are deleted.
- The writer's requests for mails, the mails to them waiting in the outbox, the alerts
  that quote their comments, the comments waiting for the moderators' digest, their
  personal-data exports: deleted.
- The caches forget them: the parsed files and rendered bodies are dropped, and the
  search index is removed whole, so no segment keeps the words (the next build makes
  it again); the record of what is live drops them.
- The log records one ``erase`` per comment, by a keyed hash of the address.

The work is written down first, as a plan in the private folder (ids, paths and
hashes: no address, no words); each step replaces or removes one file whole, and a
plan left by a killed run is finished by the next one. Nothing here prints: it
returns what it touched (paths and counts, never the words).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import uuid
from dataclasses import asdict, dataclass, field

from ..archive import gitrepo, idindex, parsecache
from ..archive.commentfile import read_comment
from ..archive.moves import write_atomically
from ..archive.project import Project
from ..archive.removed import ANONYMISED, ERASED, format_removed
from ..mail.notices import LIVE_RECORD, Notices
from ..mail.subscriptions import Subscriptions
from ..problems import display_path
from ..publishing import bodycache
from ..publishing.markup import VERSION as MARKUP_VERSION
from ..review import auditlog
from .holdings import PUBLISHED, Holdings, holdings, outbox_of

PLANS = "erasures"  # below the private folder
EXPORTS = "exports"  # below the private folder: personal-data exports, named by the address's hash
REMOVE, ANONYMISE = "remove", "anonymise"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


@dataclass
class Plan:
    mode: str
    address: str  # the keyed hash of the address
    comments: list[dict[str, str]] = field(default_factory=list)  # id, thread, path, status
    bodies: list[str] = field(default_factory=list)  # the body cache's keys of their words


@dataclass
class Report:
    touched: list[str] = field(default_factory=list)  # "path: what was done", and counts; never words
    comments: dict[str, int] = field(default_factory=dict)  # status -> how many
    resumed: int = 0  # plans of an earlier, interrupted run finished first
    history: list[str] = field(default_factory=list)  # commits that still hold the files
    paths: list[str] = field(default_factory=list)  # the comment files touched


def forget(project: Project, email: str, mode: str, who: str, dry_run: bool = False) -> Report:
    """Erase everything held about ``email``; ``dry_run``: only say what would be touched."""
    report = Report()
    if not dry_run:
        idindex.forget(project.cache)  # the commands' index of names and addresses, whatever is found
        for path in pending(project):
            _finish(project, path, who, report)
            report.resumed += 1
    if not email:
        return report  # only the plans of an interrupted run
    found = holdings(project, email)
    subscriptions = Subscriptions(project.private)
    if dry_run:
        _describe(project, found, mode, report)
        report.history = gitrepo.history([h.path for h in found.comments])
        return report
    address = subscriptions.address_hash(email)
    outbox = outbox_of(project)
    for subscription in found.subscriptions:
        subscriptions.remove(subscription.id)
        outbox.drop(Notices.mails_of(subscription.id))
    gone = {m.id for m in found.mails}
    outbox.drop(lambda mid: mid in gone)
    if found.subscriptions or found.mails:
        report.touched.append(f"{len(found.subscriptions)} request(s) for mails and {len(found.mails)} mail(s) "
                              "waiting to be sent to the address: deleted")  # fmt: skip
    exports = _exports(project, address)
    for path in exports:
        os.unlink(path)
        report.touched.append(f"{display_path(path)}: a personal-data export, deleted")
    if not found.comments:
        return report
    bodies = [bodycache.body_key(MARKUP_VERSION, h.comment.body) for h in found.comments if h.comment is not None]
    plan = Plan(mode, address, [{"id": h.id, "thread": h.thread, "path": h.path, "status": h.status}
                                for h in found.comments], bodies)  # fmt: skip
    plan_path = os.path.join(project.private, PLANS, f"{uuid.uuid4().hex}.json")
    write_atomically(plan_path, lambda f: json.dump(asdict(plan), f))
    report.history = gitrepo.history([h.path for h in found.comments])
    _finish(project, plan_path, who, report)
    return report


def pending(project: Project) -> list[str]:
    """The plans of erasures a killed run left unfinished."""
    folder = os.path.join(project.private, PLANS)
    with contextlib.suppress(FileNotFoundError):
        return sorted(os.path.join(folder, n) for n in os.listdir(folder) if n.endswith(".json") and n[0] != ".")
    return []


def _finish(project: Project, plan_path: str, who: str, report: Report) -> None:
    """Do every step of the plan at ``plan_path`` (each one again is harmless), then remove it."""
    with open(plan_path, encoding="utf-8") as f:
        plan = Plan(**json.load(f))
    ids = [c["id"] for c in plan.comments]
    for held in plan.comments:
        what = _erase_file(project, held, plan.mode)
        report.comments[held["status"]] = report.comments.get(held["status"], 0) + 1
        report.paths.append(held["path"])
        report.touched.append(f"{display_path(held['path'])}: {what}")
    report.touched += forget_copies(project, ids, [c["path"] for c in plan.comments], set(plan.bodies))
    logged = _log(project, plan, who)
    if logged:
        report.touched.append(
            f"{display_path(project.log)}: {logged} erasure(s) recorded, by a keyed hash of the address"
        )
    os.unlink(plan_path)


def _erase_file(project: Project, held: dict[str, str], mode: str) -> str:
    path = held["path"]
    if held["status"] != PUBLISHED:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
        return f"deleted ({held['status']}, never published)"
    comment, _ = read_comment(path, held["thread"], project.tz)
    if comment is None:  # gone already, or broken (the build never showed it)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
        return "deleted"
    if comment.removed:
        return "erased already"
    if mode == ANONYMISE:
        text = format_removed(ANONYMISED, comment.date, comment.reply_to, comment.body)
        write_atomically(path, lambda f: f.write(text))
        return "anonymised: its name, address and website gone, its words kept"
    text = format_removed(ERASED, comment.date, comment.reply_to)
    write_atomically(path, lambda f: f.write(text))
    return "erased: only the record of its place is kept (replies stay under a note)"


def forget_copies(project: Project, ids: list[str], paths: list[str], bodies: set[str]) -> list[str]:
    """The caches, the digest, the alerts and the record of what is live forget ``ids``."""
    done = []
    parsed = parsecache.forget(project.cache, paths)
    idindex.forget(project.cache)  # names and addresses: the next command reads the archive again
    rendered = bodycache.forget(project.cache, MARKUP_VERSION, bodies)
    index = os.path.isdir(project.search_index)
    shutil.rmtree(project.search_index, ignore_errors=True)
    done.append(f"caches: {parsed} parsed file(s) and {rendered} rendered body(ies) forgotten"
                + ("; the search index removed (the next build makes it again)" if index else ""))  # fmt: skip
    digest = [os.path.join(project.private, "digest", f"{cid}.json") for cid in ids]
    waiting = [path for path in digest if os.path.exists(path)]
    for path in waiting:
        os.unlink(path)
    wanted = set(ids)
    alerts = outbox_of(project).drop(lambda mid: mid.removeprefix("alert-").removesuffix(".webhook") in wanted)
    alerts += outbox_of(project).drop(lambda mid: mid.startswith("reply-") and mid.split("-", 2)[-1] in wanted)
    alerts += outbox_of(project).drop(lambda mid: mid.startswith("digest-") and _quotes(project, mid, wanted))
    if waiting or alerts:
        done.append(f"{len(waiting)} comment(s) waiting for the moderators' digest and {alerts} alert(s) or "
                    "notification(s) quoting them, waiting to be sent: deleted")  # fmt: skip
    live = os.path.join(project.cache, LIVE_RECORD)
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
        with open(live, encoding="utf-8") as f:
            record = json.load(f)
        kept = [c for c in record["comments"] if c["id"] not in wanted]
        if len(kept) != len(record["comments"]):
            record["comments"] = kept
            write_atomically(live, lambda f: json.dump(record, f, ensure_ascii=False))
    return done


def _quotes(project: Project, mid: str, ids: set[str]) -> bool:
    """Does the digest ``mid`` waiting in the outbox quote one of ``ids``?"""
    message = next((m for m in outbox_of(project).waiting() + outbox_of(project).failed() if m.id == mid), None)
    return message is not None and any(f"({cid})" in message.text for cid in ids)


def _log(project: Project, plan: Plan, who: str) -> int:
    """One ``erase`` entry per comment, unless an earlier run of this plan wrote it."""
    entries, _ = auditlog.read(project.log)
    done = {(e.id, e.address) for e in entries if e.action == "erase"}
    written = 0
    for held in plan.comments:
        if (held["id"], plan.address) in done:
            continue
        os.makedirs(os.path.dirname(project.log), exist_ok=True)
        auditlog.append(project.log, auditlog.Entry(
            time=auditlog.now(), moderator=who, action="erase", id=held["id"], post=held["thread"],
            reason=f"at the writer's request ({plan.mode}; it was {held['status']})", sha256=EMPTY_SHA256,
            address=plan.address))  # fmt: skip
        written += 1
    return written


def _describe(project: Project, found: Holdings, mode: str, report: Report) -> None:
    for held in found.comments:
        report.comments[held.status] = report.comments.get(held.status, 0) + 1
        report.paths.append(held.path)
        if held.status != PUBLISHED:
            what = f"would be deleted ({held.status}, never published)"
        elif mode == ANONYMISE:
            what = "would be anonymised (its words kept)"
        else:
            what = "would be erased (only the record of its place kept)"
        report.touched.append(f"{display_path(held.path)}: {what}")
    if found.subscriptions or found.mails:
        report.touched.append(f"{len(found.subscriptions)} request(s) for mails and {len(found.mails)} mail(s) "
                              "waiting to be sent to the address: would be deleted")  # fmt: skip
    if found.comments:
        report.touched.append("caches: the parsed files, rendered bodies and search index would forget them")


def _exports(project: Project, address: str) -> list[str]:
    folder = os.path.join(project.private, EXPORTS)
    with contextlib.suppress(FileNotFoundError):
        return sorted(os.path.join(folder, n) for n in os.listdir(folder) if n.startswith(address[:16]))
    return []
