"""Nothing a commenter writes can run: the three public XSS corpora (1,801 payloads)
go through the real pipeline, and the built pages are checked statically and in
headless Chromium (alert, confirm, prompt and a sentinel watched, every request
recorded). The intake gives every payload back, in a refused form, as inert text."""

from __future__ import annotations

import json
import re

import pytest

from conftest import SHARED_DATA, Site
from htmltree import parse

pytestmark = [pytest.mark.trust, pytest.mark.shared_data]

FORBIDDEN = {"script", "style", "iframe", "object", "embed", "form", "svg", "math", "img", "meta", "base", "link",
             "input", "button", "textarea", "select", "frame", "frameset", "video", "audio", "source", "template"}  # fmt: skip
URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "srcset", "background"}
BAD_SCHEME = re.compile(r"^\s*(javascript|data|vbscript):", re.IGNORECASE)
PER_POST = 120


def payloads() -> list[str]:
    found = []
    for name in ("dompurify-expect.json", "h5sc-items.json", "patt-xss-payloads.json"):
        found += [item["payload"] for item in json.loads((SHARED_DATA / name).read_text(encoding="utf-8"))]
    return found


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """A site whose comment bodies are every payload, with a selection also as Author,
    Website and Reply-To values and in file names."""
    site = Site(tmp_path_factory.mktemp("xss"))
    bodies = payloads()
    assert len(bodies) == 1801
    posts = (len(bodies) + PER_POST - 1) // PER_POST
    for p in range(posts):
        site.post(f"p{p}", f"Post {p}")
    for i, payload in enumerate(bodies):
        site.comment(f"p{i // PER_POST}", f"b{i:04d}", payload, author=f"N{i}", date=f"2025-01-02 10:{i % 60:02d}")
    short = [b for b in bodies if 0 < len(b.strip()) <= 40 and "\n" not in b][:60]
    for i, payload in enumerate(short):
        site.comment("p0", f"a{i:03d}", "Author test.", author=payload)
        site.comment("p1", f"w{i:03d}", "Website test.", website=f"https://example.org/{payload}")
        site.comment("p2", f"r{i:03d}", "Reply test.", reply_to=payload)
        name = re.sub(r"[/\x00]", "_", payload)[:60] + ".md"
        site.raw_comment("p3", name, b"Author: F\nEmail: f@example.org\nDate: 2025-01-02 10:00\n\nFile name test.\n")
    built = site.build(AVATARS="none", COMMENTS_PER_PAGE=1000)
    return built, posts, bodies


def comment_areas(doc):
    return [li for li in doc.find_all("li") if (li.attrs.get("id") or "").startswith("comment-")]


def test_every_payload_is_published_as_a_body_and_no_build_crashed(hostile):
    built, posts, bodies = hostile
    ids = {f"comment-b{i:04d}" for i, body in enumerate(bodies) if body.strip()}
    empty = [i for i, body in enumerate(bodies) if not body.strip()]
    found = set()
    for p in range(posts):
        found |= {li.attrs["id"] for li in comment_areas(parse(built.html(f"p{p}/index.html")))}
    assert ids <= found, sorted(ids - found)[:5]
    assert len(ids) >= 1795
    problems = [str(problem) for problem in built.report.problems]
    for i in empty:  # a payload of white space alone is an empty comment, reported
        assert any(f"b{i:04d}.md:" in line and "the comment body is empty" in line for line in problems)
    assert all(re.match(r".+:\d+: .+; .+", line) for line in problems)


def test_comment_areas_hold_nothing_that_can_run_or_load(hostile):
    built, posts, _ = hostile
    checked = 0
    for p in range(posts):
        for li in comment_areas(parse(built.html(f"p{p}/index.html"))):
            for element in li.iter():
                checked += 1
                assert element.tag not in FORBIDDEN, (li.attrs["id"], element.tag)
                for name, value in element.attrs.items():
                    assert not name.lower().startswith("on"), (li.attrs["id"], name)
                    assert name.lower() not in ("style", "srcdoc"), (li.attrs["id"], name)
                    if name.lower() in URL_ATTRS and value:
                        assert not BAD_SCHEME.match(value.replace("\x00", "")), (li.attrs["id"], name, value)
    assert checked > 5000


@pytest.mark.browser
def test_no_payload_runs_navigates_or_requests_in_chromium(hostile, trust):
    from playwright.sync_api import sync_playwright
    from test_browser import CHROMIUM_ARGS

    from conftest import serve_folder

    built, posts, _ = hostile
    watch = """
      window.__ran = [];
      for (const name of ["alert", "confirm", "prompt", "print", "open"]) {
        window[name] = (...args) => { window.__ran.push(name + ":" + args.join(",")); };
      }
      Object.defineProperty(window, "xss", { set(v) { window.__ran.push("sentinel"); }, get() { return undefined; } });
    """
    with serve_folder(built.output) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=_chromium(), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context()
            context.add_init_script(watch)
            for number in range(posts):
                page = context.new_page()
                dialogs, requests = [], []
                page.on("dialog", lambda d, into=dialogs: (into.append(d.message), d.dismiss()))
                page.on("request", lambda r, into=requests: into.append(r.url))
                url = f"{base}/p{number}/"
                page.goto(url)
                page.wait_for_timeout(300)
                ran = page.evaluate("window.__ran")
                allowed = {url, f"{base}/theme/css/style.css", f"{base}/favicon.ico"}
                trust["vectors"] += len(page.locator("li.comment").all())
                trust["executed"] += len(ran) + len(dialogs) + (page.url != url) + len(set(requests) - allowed)
                assert ran == [] and dialogs == [], (url, ran, dialogs)
                assert page.url == url, (url, page.url)
                assert set(requests) <= allowed, (url, set(requests) - allowed)
                page.close()
        finally:
            browser.close()


def _chromium():
    from conftest import chromium_path

    return chromium_path()


@pytest.fixture(scope="module")
def intake(tmp_path_factory):
    """The real intake (gunicorn, in a process of its own) for a site with one open post."""
    from test_intake import running

    from conftest import Site

    site = Site(tmp_path_factory.mktemp("xss-intake"))
    site.use_project_rules()
    site.post("t", "Tea and Sympathy")
    site.write_settings(SITEURL="https://example.org", COMMENT_INTAKE_RATE_LIMIT=100_000)
    with running(site) as url:
        yield site, url


def _lines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _shape(doc) -> tuple[dict[str, int], set[str]]:
    """How many of each forbidden element a page has, and every attribute name it uses."""
    counts = {tag: 0 for tag in FORBIDDEN}
    names: set[str] = set()
    for element in doc.iter():
        if element.tag in counts:
            counts[element.tag] += 1
        names |= set(element.attrs)
    return counts, names


def test_the_intake_gives_every_payload_back_as_inert_text(intake, trust):
    """A refused form comes back filled in: each payload, sent as the comment, the name, the
    website, the reply or the post, is given back as the very text sent and adds nothing."""
    from test_intake import form, post

    site, url = intake
    bodies = payloads()
    short = [b for b in bodies if 0 < len(b.strip()) <= 40 and "\n" not in b][:60]
    status, page, _ = post(url, form(email="", author="", website="x", reply_to="nope"))  # every field refused
    nowhere, elsewhere, _ = post(url, form(post="nope"))
    assert (status, nowhere) == (400, 404)
    shapes = {400: _shape(parse(page)), 404: _shape(parse(elsewhere))}
    assert shapes[400][0]["textarea"] == shapes[404][0]["textarea"] == 1 and shapes[400][0]["form"] >= 1
    sends = [("comment", body, form(email="", comment=body)) for body in bodies]
    sends += [(name, value, form(email="", **{name: value})) for name in ("author", "website", "reply_to") for value in short]  # fmt: skip
    sends += [("post", value, form(post=value)) for value in short]
    echoed = 0
    for field, value, fields in sends:
        status, page, headers = post(url, fields)
        assert status in (400, 404), (field, value, status)
        policy = headers["Content-Security-Policy"]
        assert "base-uri 'none'" in policy and "unsafe-inline" not in policy, (field, value, policy)
        doc = parse(page)
        counts, names = _shape(doc)
        base_counts, base_names = shapes[status]
        assert counts == base_counts, (field, value, {t: n for t, n in counts.items() if n != base_counts[t]})
        assert names <= base_names, (field, value, names - base_names)
        assert not any(n.lower().startswith("on") for n in names), (field, value)
        for element in doc.iter():
            for name, given in element.attrs.items():
                if name in URL_ATTRS and given:
                    assert not BAD_SCHEME.match(given.replace("\x00", "")), (field, value, name, given)
        if field == "post":  # nowhere to comment: the words kept to copy
            assert status == 404 and _lines(doc.by_id("kept").text().removeprefix("\n")) == _lines(fields["comment"])
            continue
        if field == "comment":
            shown = doc.by_id("comment").text().removeprefix("\n")
        else:
            shown = doc.by_id({"reply_to": "reply-to"}.get(field, field)).attrs.get("value") or ""
        assert _lines(shown) == _lines(value), (field, value, shown)
        echoed += 1
    trust["vectors"] += len(sends)  # none can run: each added no element, no attribute
    assert echoed == len(bodies) + 3 * len(short) == 1801 + 180
    queue = site.root / "moderation" / "queue"
    assert not queue.exists() or not any(queue.rglob("*.md"))
