"""Import a WordPress export (WXR) into the archive format (``holdspace import-wordpress``).

Published posts and pages become <slug>.md in the first of ARTICLE_PATHS and of
PAGE_PATHS (content/posts/ and content/pages/ in the demo; their HTML kept as it
is: Markdown passes it through); password-protected,
private, pending, future and draft posts become drafts (``Status: draft``), each
reported. Comments become ``wp-<comment id>.md`` files: approved ones in
the comments folder (COMMENTS_PATH), pending ones in the queue and spam and
trash among the rejected (MODERATION_PATH); pingbacks and trackbacks are reported and skipped.
A comment's HTML is kept as its body: the build renders it as Markdown and nh3
sanitizes it like any other. An approved comment without an email (WordPress
allows it) gets ``wp-<id>@imported.invalid``, which is never shown.

Running it again adds nothing twice: a comment already in any of the three
folders, or a post already written, is left alone, and one that differs from
what the export says is reported, never overwritten. Pure: no Pelican (the
command line gives it the ``Project``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ..archive import header
from ..archive.commentfile import format_comment, read_comment
from ..archive.posts import default_comments
from ..archive.project import Project
from ..archive.values import format_date, is_one_line, is_web_url
from ..problems import Problem
from ..review.guidelines import load_rules
from ..review.verdicts import hard_problems, staff_set
from .wxr import WPComment, WPItem, read_wxr

DRAFT_STATUSES = ("draft", "private", "pending", "future")


# What WordPress writes in post_name (percent-encoded for other scripts): one path segment.
SAFE_SLUG = re.compile(r"[A-Za-z0-9%._~-]{1,200}")


@dataclass
class ImportReport:
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    differing: list[str] = field(default_factory=list)  # files left as they are, unlike the export
    drafted: list[str] = field(default_factory=list)  # why each post became a draft
    pings: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # items whose slug cannot name a file
    counts: dict[str, int] = field(default_factory=dict)  # "approved", "queued", "rejected"
    # Approved comments that break a hard rule of moderation/guidelines.toml: the
    # build holds them back until a moderator acts (path:line: what; what to do).
    against_rules: list[Problem] = field(default_factory=list)


def post_text(item: WPItem, drafted: bool) -> str:
    lines = [f"Title: {_one_line(item.title) or item.slug}", f"Slug: {_one_line(item.slug)}"]
    if item.date:
        lines.append(f"Date: {format_date(item.date)}")
    if _one_line(item.author):
        lines.append(f"Author: {_one_line(item.author)}")
    if item.kind == "post":
        if item.categories:
            lines.append(f"Category: {_one_line(item.categories[0])}")
        if item.tags:
            lines.append(f"Tags: {', '.join(_one_line(t).replace(',', ' ') for t in item.tags)}")
    state = "closed" if item.comment_status == "closed" else "open"
    if state != default_comments(item.kind == "page"):  # a page's thread is closed unless it says open
        lines.append(f"Comments: {state}")
    if drafted:
        lines.append("Status: draft")
    return header.join(lines, item.content)


def comment_text(comment: WPComment) -> str:
    url = _one_line(comment.url)
    return format_comment(
        _one_line(comment.author) or "Anonymous",
        _one_line(comment.email) or f"wp-{comment.id}@imported.invalid",
        comment.date,
        comment.content,
        website=url if is_web_url(url) else "",
        reply_to=f"wp-{comment.parent}" if comment.parent else "",
    )


def _one_line(text: str) -> str:
    """An export's value as one line: runs of white space (line breaks too) as one space,
    control characters dropped."""
    return "".join(ch for ch in " ".join(text.split()) if is_one_line(ch))


def import_wxr(path: str, project: Project, progress: Callable[[int, int], None] | None = None) -> ImportReport:
    """Write the export at ``path`` into ``project``'s folders; never overwrite a file."""
    wxr = read_wxr(path)
    report = ImportReport(counts={"approved": 0, "queued": 0, "rejected": 0})
    post_folders, page_folders = project.thread_folders()
    folders = {
        "post": _shown(post_folders[0]),
        "page": _shown(page_folders[0]),
        "approved": _shown(project.comments),
        "queued": _shown(project.queue),
        "rejected": _shown(project.rejected),
    }
    approved: list[tuple[str, str]] = []  # (path, thread) of the comments written as approved
    for number, item in enumerate(wxr.items, start=1):
        if progress is not None and number % 20 == 0:
            progress(number, len(wxr.items))
        if item.kind in ("post", "page") and item.slug and _wanted(item, report):
            approved += _import_item(item, folders, report)
    rules = load_rules(project.guidelines)
    staff = staff_set(project.settings["STAFF_EMAILS"])
    for path, slug in approved:
        written, problems = read_comment(path, slug, project.tz)
        report.against_rules.extend(problems)
        if written is not None:
            report.against_rules.extend(hard_problems(written, rules, staff))
    return report


def _shown(folder: str) -> str:
    """A folder as reported: relative to the working directory when below it ("content/..."),
    never "./content/..."."""
    relative = os.path.relpath(folder)
    return folder if relative.startswith(os.pardir) else os.path.normpath(relative)


def _wanted(item: WPItem, report: ImportReport) -> bool:
    """Is the post or page imported? Drafts are (reported); a slug that cannot name a file is not."""
    if not SAFE_SLUG.fullmatch(item.slug) or item.slug in (".", ".."):  # it names files and folders
        report.skipped.append(f"{item.kind} {item.slug!r}: the slug is not a file name; skipped")
        return False
    if _drafted(item):
        why = "password-protected" if item.password else item.status
        kept = sum(1 for c in item.comments if not c.is_ping and c.approved == "1")
        held = f"; its {kept} approved comment(s) wait with it" if kept else ""
        report.drafted.append(f"{item.kind} {item.slug!r} ({why}) is imported as a draft, never published{held}")
        return True
    return item.status == "publish"


def _drafted(item: WPItem) -> bool:
    return bool(item.password) or item.status in DRAFT_STATUSES


def _import_item(item: WPItem, folders: dict[str, str], report: ImportReport) -> list[tuple[str, str]]:
    """Write the post or page and its comments; return the (path, slug) of the approved ones written."""
    _put(report, os.path.join(folders[item.kind], f"{item.slug}.md"), post_text(item, _drafted(item)))
    approved = []
    for comment in item.comments:
        if comment.is_ping:
            report.pings.append(f"{comment.type} {comment.id} on {item.slug!r} ({comment.author}) skipped")
            continue
        state = {"1": "approved", "0": "queued"}.get(comment.approved, "rejected")
        name = f"wp-{comment.id}.md"
        places = [os.path.join(folders[s], item.slug, name) for s in ("approved", "queued", "rejected")]
        existing = [p for p in places if os.path.exists(p)]
        text = comment_text(comment)
        if existing:  # a moderator may have moved or edited it since the last import
            _compare(report, existing[0], text)
            continue
        _put(report, os.path.join(folders[state], item.slug, name), text)
        report.counts[state] += 1
        if state == "approved":
            approved.append((os.path.join(folders[state], item.slug, name), item.slug))
    return approved


def _put(report: ImportReport, path: str, text: str) -> None:
    """Write ``text`` to a new file at ``path``; an existing file is compared, never overwritten."""
    if os.path.exists(path):
        _compare(report, path, text)
        return
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "x", encoding="utf-8") as f:
        f.write(text)
    report.written.append(path)


def _compare(report: ImportReport, path: str, text: str) -> None:
    try:
        with open(path, encoding="utf-8") as f:
            same = f.read() == text
    except (OSError, UnicodeDecodeError):
        same = False
    if same:
        report.unchanged += 1
    else:
        report.differing.append(path)
