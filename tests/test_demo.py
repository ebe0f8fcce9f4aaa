"""The demo archive in content/: it builds without a warning and shows what the README promises."""

import re

import pytest

from conftest import DEMO_SITE
from htmltree import parse

EMAIL_RE = re.compile(r"^Email:\s*(.+)$", re.MULTILINE | re.IGNORECASE)


@pytest.fixture(scope="module")
def demo(demo):
    return demo.output, demo.report, demo.warnings


def test_the_demo_builds_without_a_warning(demo):
    _, report, warnings = demo
    assert [r.getMessage() for r in warnings] == []
    assert report.problems == [] and report.held_back == 0


def test_the_demo_has_what_the_issue_asks_for(demo):
    output, report, _ = demo
    assert report.posts >= 5
    assert report.published >= 150
    for slug in ("about", "guidelines", "crisis-resources"):
        assert (output / "pages" / slug / "index.html").exists()
    long_threads = [p.parent for p in output.glob("*/comment-page-2/index.html")]
    assert long_threads, "one thread has 60+ comments and paginates"
    deepest = 0
    closed = 0
    for page in output.glob("*/index.html"):
        doc = parse(page.read_text(encoding="utf-8"))
        for li in doc.find_all("li"):
            if (li.attrs.get("id") or "").startswith("comment-"):
                depth = 1 + sum(1 for a in li.ancestors() if (a.attrs.get("id") or "").startswith("comment-"))
                deepest = max(deepest, depth)
        if "Comments are closed on this post." in doc.text() and any(
            "comment" in li.classes() for li in doc.find_all("li")
        ):
            closed += 1
    assert deepest >= 5  # replies nested 4+ deep under a top-level comment
    assert closed == 1


def test_no_email_from_the_archive_reaches_any_built_file(demo):
    output, _, _ = demo
    emails = set()
    for folder in ("content", "moderation"):
        for path in (DEMO_SITE / folder).rglob("*.md"):
            emails.update(e.strip().lower() for e in EMAIL_RE.findall(path.read_text(encoding="utf-8")))
    assert len(emails) > 40
    files = [p for p in output.rglob("*") if p.is_file()]
    assert len(files) > 100
    for path in files:
        data = path.read_bytes().lower()
        for email in emails:
            assert email.encode() not in data, f"{email} in {path}"


def test_nothing_from_moderation_reaches_any_built_file(demo):
    output, report, _ = demo
    queued = list((DEMO_SITE / "moderation" / "queue").rglob("*.md"))
    rejected = list((DEMO_SITE / "moderation" / "rejected").rglob("*.md"))
    assert report.queued == len(queued) >= 1 and rejected
    needles = []
    for path in queued + rejected:
        body = path.read_text(encoding="utf-8").split("\n\n", 1)[1]
        needles.append(" ".join(body.split()[:6]).encode())  # the body's first words
        needles.append(f'id="comment-{path.stem}"'.encode())
        needles.append(f"comment/{path.stem}.html".encode())
    files = [p for p in output.rglob("*") if p.is_file()]
    for path in files:
        data = b" ".join(path.read_bytes().split())
        for needle in needles:
            assert needle not in data, f"{needle!r} in {path}"
    assert not (output / "comment" / queued[0].stem).exists()
