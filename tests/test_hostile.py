"""Bad input never breaks the build: random and hostile comment files give path:line
problems, no traceback, and every valid comment is still published."""

import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import Site
from htmltree import parse

pytestmark = pytest.mark.trust
PROBLEM = re.compile(r"^.+\.md:\d+: .+; .+$|^.+:\d+: .+; .+$")
NAMES = st.sampled_from(["Mira", "\u202eevil", "Jo\u200bhn", "Sunny 🌻", "أمل", "", " ", "x" * 41, "a@b.example",
                         "Ελένη", "\U0001f3f3\ufe0f\u200d\U0001f308 Alex", "admin", "Moderator", "Jane Doe"])  # fmt: skip
DATES = st.sampled_from(
    ["2025-01-02 10:00", "2025-13-01 10:00", "yesterday", "2025-01-02 10:00+14:00", "", "0001-01-01 00:00"]
)
KEYS = st.sampled_from(["Author", "Email", "Date", "Website", "Reply-To", "Replyto", "Mood", "author", "DATE"])


@st.composite
def hostile_file(draw, ids):
    kind = draw(st.sampled_from(["bytes", "structured", "structured", "structured"]))
    if kind == "bytes":
        return draw(st.binary(max_size=300))
    lines = [f"{draw(KEYS)}: {draw(st.one_of(NAMES, DATES, st.sampled_from(ids), st.text(max_size=20)))}"
             for _ in range(draw(st.integers(0, 6)))]  # fmt: skip
    text = "\n".join(lines) + "\n\n" + draw(st.text(max_size=200))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1"]))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    return text.replace("\n", newline).encode(encoding, errors="replace")


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(st.data())
def test_random_and_hostile_files_never_break_the_build(trust, data):
    with tempfile.TemporaryDirectory() as folder:
        site = Site(Path(folder))
        site.use_project_rules()
        site.post("t")
        good = [f"good{i}" for i in range(3)]
        for i, cid in enumerate(good):
            site.comment("t", cid, f"A valid comment {i}.", author=f"Valid{i}", date=f"2025-01-0{i + 1} 10:00")
        hostile_ids = [f"h{i}" for i in range(data.draw(st.integers(1, 8)))]
        for cid in hostile_ids:
            name = data.draw(st.sampled_from([f"{cid}.md", f"{cid}.md", "bad name.md", ".hidden.md", f"{cid}.MD"]))
            site.raw_comment("t", name, data.draw(hostile_file(good + hostile_ids)))
        trust["fuzz"] += 1
        try:
            built = site.build()
        except Exception:
            trust["crashes"] += 1
            raise
        ids = {li.attrs.get("id") for li in parse(built.html("t/index.html")).find_all("li")}
        if not {f"comment-{cid}" for cid in good} <= ids or not all(
            PROBLEM.match(str(p)) for p in built.report.problems
        ):
            trust["crashes"] += 1
        for problem in built.report.problems:
            assert PROBLEM.match(str(problem)), str(problem)
        assert {f"comment-{cid}" for cid in good} <= ids


def test_a_5_mb_body_is_held_back_with_its_line(site):
    site.use_project_rules()
    site.post("t")
    site.comment("t", "ok")
    huge = site.comment("t", "huge", "word " * 1_000_000)
    built = site.build()
    assert [str(p) for p in built.report.problems] == [
        f"{huge}:5: the comment is 4999999 characters long; the guidelines allow 5000; "
        f"shorten it, or raise max_characters in {site.root / 'moderation' / 'guidelines.toml'}"
    ]
    assert 'id="comment-ok"' in built.html("t/index.html")


def test_a_1000_deep_reply_chain_and_a_cycle(site):
    site.post("t")
    site.comment("t", "c0000", date="2025-01-02 10:00")
    for i in range(1, 1000):
        site.comment("t", f"c{i:04d}", f"Reply {i}", reply_to=f"c{i - 1:04d}", date="2025-01-02 10:00")
    site.comment("t", "x1", reply_to="x2")
    site.comment("t", "x2", reply_to="x1")
    built = site.build()
    doc = parse(built.html("t/index.html"))
    deepest = doc.by_id("comment-c0999")
    assert deepest is not None and len([a for a in deepest.ancestors() if a.tag == "li"]) == 999
    assert len(built.report.problems) == 2 and all("replies form a cycle" in str(p) for p in built.report.problems)


def test_10000_comments_in_one_thread(site):
    site.post("t")
    for i in range(10_000):
        site.comment(
            "t",
            f"c{i:05d}",
            f"Comment number {i}.",
            author=f"N{i % 50}",
            date=f"2025-01-02 {i // 600 % 24:02d}:{i // 10 % 60:02d}",
        )
    built = site.build()
    assert built.report.published == 10_000 and built.report.problems == []
    assert (built.output / "t" / "comment-page-200" / "index.html").exists()
