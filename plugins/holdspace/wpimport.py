"""Import a WordPress export (WXR) into the archive format.

    python -m holdspace.wpimport export.xml [--root .]      (make import-wordpress FILE=export.xml)

Published posts and pages become content/posts/<slug>.md and content/pages/<slug>.md
(their HTML kept as it is: Markdown passes it through); password-protected,
private, pending, future and draft posts become drafts (``Status: draft``), each
reported. Comments become ``wp-<comment id>.md`` files: approved ones in
content/comments/<slug>/, pending ones in moderation/queue/<slug>/, spam and trash
in moderation/rejected/<slug>/; pingbacks and trackbacks are reported and skipped.
A comment's HTML is kept as its body: the build renders it as Markdown and nh3
sanitizes it like any other. An approved comment without an email (WordPress
allows it) gets ``wp-<id>@imported.invalid``, which is never shown.

Running it again adds nothing twice: a comment already in any of the three
folders, or a post already written, is left alone, and one that differs from
what the export says is reported, never overwritten. Pure: no Pelican.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from dataclasses import dataclass, field
from datetime import UTC

from .commentfile import format_comment, format_date, is_one_line, is_web_url, read_comment
from .discussions import default_comments
from .guidelines import GUIDELINES_FILE, load_rules
from .problems import Problem
from .verdicts import hard_problems, normalise_emails
from .wxr import WPComment, WPItem, WXRError, read_wxr

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
    return "\n".join(lines) + "\n\n" + item.content.strip() + "\n"


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


def import_wxr(path: str, root: str, progress=None) -> ImportReport:
    root = os.path.normpath(root)  # "content/...", not "./content/...", in what is reported
    wxr = read_wxr(path)
    report = ImportReport(counts={"approved": 0, "queued": 0, "rejected": 0})
    folders = {
        "approved": os.path.join(root, "content", "comments"),
        "queued": os.path.join(root, "moderation", "queue"),
        "rejected": os.path.join(root, "moderation", "rejected"),
    }
    approved: list[tuple[str, str]] = []  # (path, thread) of the comments written as approved
    for number, item in enumerate(wxr.items, start=1):
        if progress is not None and number % 20 == 0:
            progress(number, len(wxr.items))
        if item.kind not in ("post", "page") or not item.slug:
            continue
        if not SAFE_SLUG.fullmatch(item.slug) or item.slug in (".", ".."):  # it names files and folders
            report.skipped.append(f"{item.kind} {item.slug!r}: the slug is not a file name; skipped")
            continue
        drafted = bool(item.password) or item.status in DRAFT_STATUSES
        if drafted:
            why = "password-protected" if item.password else item.status
            kept = sum(1 for c in item.comments if not c.is_ping and c.approved == "1")
            held = f"; its {kept} approved comment(s) wait with it" if kept else ""
            report.drafted.append(f"{item.kind} {item.slug!r} ({why}) is imported as a draft, never published{held}")
        elif item.status != "publish":
            continue
        folder = "posts" if item.kind == "post" else "pages"
        _put(report, os.path.join(root, "content", folder, f"{item.slug}.md"), post_text(item, drafted))
        for comment in item.comments:
            if comment.is_ping:
                report.pings.append(f"{comment.type} {comment.id} on {item.slug!r} ({comment.author}) skipped")
                continue
            state = {"1": "approved", "0": "queued"}.get(comment.approved, "rejected")
            name = f"wp-{comment.id}.md"
            existing = [
                os.path.join(f, item.slug, name)
                for f in folders.values()
                if os.path.exists(os.path.join(f, item.slug, name))
            ]
            text = comment_text(comment)
            if existing:  # a moderator may have moved or edited it since the last import
                _compare(report, existing[0], text)
                continue
            _put(report, os.path.join(folders[state], item.slug, name), text)
            report.counts[state] += 1
            if state == "approved":
                approved.append((os.path.join(folders[state], item.slug, name), item.slug))
    rules = load_rules(os.path.normpath(os.path.join(root, "moderation", GUIDELINES_FILE)))
    for path, slug in approved:
        written, problems = read_comment(path, slug, UTC)
        report.against_rules.extend(problems)
        if written is not None:
            # Reserved names are for STAFF_EMAILS, a Pelican setting this does not read: the build checks them.
            report.against_rules.extend(hard_problems(written, rules, normalise_emails([written.email])))
    return report


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("file", help="the WordPress export (WXR) file")
    parser.add_argument("--root", default=".", help="the project folder (content/ and moderation/ are in it)")
    args = parser.parse_args(argv)
    try:
        report = import_wxr(
            args.file, args.root, progress=lambda n, total: print(f"{n}/{total} items ...", file=sys.stderr)
        )
    except WXRError as e:
        print(e, file=sys.stderr)
        return 2
    for line in report.drafted + report.pings + report.skipped:
        print(line)
    for path in report.differing:
        print(f"{path}:1: differs from the export; left as it is (compare it with the export by hand)")
    for problem in report.against_rules:
        print(f"{problem} (the build holds it back until then)")
    c = report.counts
    print(
        f"Imported: {len(report.written)} files written ({c['approved']} comments approved, {c['queued']} waiting "
        f"in the queue, {c['rejected']} rejected), {report.unchanged} already there, {len(report.differing)} "
        f"differing, {len(report.drafted)} drafts, {len(report.pings)} pingbacks and trackbacks skipped, "
        f"{len({p.path for p in report.against_rules})} approved comment(s) against the guidelines"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
