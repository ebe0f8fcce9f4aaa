"""Accessibility and strict privacy, measured in headless Chromium on the demo archive.

axe-core (the npm package, tests/js/) is injected into every page type (page_types); a
keyboard walks from "Jump to reply form" into the form, through the pager and
into a search result; every page type reflows at 320 px; and with
PRIVACY_STRICT = True no page asks any other host for anything.
"""

from __future__ import annotations

import hashlib
import re
import struct
from pathlib import Path

import pytest
from test_browser import CHROMIUM_ARGS

from conftest import AXE, DEMO_SITE, build_demo, chromium_path, serve_folder

pytestmark = [pytest.mark.browser, pytest.mark.trust]

THREAD = "when-your-therapist-goes-on-vacation"  # the demo's longest thread: two comment pages
FORM_POST = "finding-a-peer-group"
INTAKE = "http://127.0.0.1:9/comment"  # the form's action; nothing is sent to it
AXE_RUN = """async (context) => {
  const result = await axe.run(context || document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                       where: v.nodes.slice(0, 3).map(n => n.target.join(" "))}));
}"""


@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The demo with the reply form on (COMMENT_INTAKE_URL), served on localhost."""
    demo = build_demo(tmp_path_factory.mktemp("a11y"), COMMENT_INTAKE_URL=INTAKE)
    with serve_folder(demo.output) as base:
        yield base


def page_types(base: str) -> dict[str, str]:
    return {
        "index": f"{base}/",
        "long thread": f"{base}/{THREAD}/",
        "paginated thread": f"{base}/{THREAD}/comment-page-2/",
        "search with results": f"{base}/search/?q=therapist",
        "reply form": f"{base}/{FORM_POST}/#respond",
        "post behind a content warning": f"{base}/asking-for-help-when-its-hard/",
        "linked comment behind it": f"{base}/comment/crisis-004.html",  # the warning opened, the comment marked
    }


def open_page(context, url: str):
    page = context.new_page()
    page.goto(url)
    if "/comment/" in url:  # a redirect page: on to the comment
        page.wait_for_url(lambda landed: "/comment/" not in landed)
        page.wait_for_load_state()
    if "/search/" in url:
        page.locator(".search-results li a").first.wait_for(timeout=15_000)
    return page


@pytest.mark.axe
def test_axe_core_finds_no_serious_or_critical_violation_on_any_page_type(site, chromium, trust):
    base = site
    context = chromium.new_context(bypass_csp=True)  # axe is injected as a script the pages' CSP would refuse
    found = {}
    for name, url in page_types(base).items():
        page = open_page(context, url)
        page.add_script_tag(path=str(AXE))
        found[name] = page.evaluate(AXE_RUN, None)
        if name == "reply form":  # the form itself, once more on its own
            found["reply form, #respond"] = page.evaluate(AXE_RUN, "#respond")
        page.close()
    context.close()
    serious = {name: [v for v in vs if v["impact"] in ("serious", "critical")] for name, vs in found.items()}
    trust["a11y_pages"] += len(page_types(base))
    trust["a11y_violations"] += sum(len(vs) for vs in serious.values())
    trust["a11y_any"] += sum(len(vs) for vs in found.values())
    others = sorted({f"{v['id']} ({v['impact']})" for vs in found.values() for v in vs})
    print(f"axe-core {axe_version()}: {len(found)} checks; violations of any impact: {others or 'none'}")
    print({name: [(v["id"], v["where"]) for v in vs] for name, vs in found.items() if vs})
    assert {name: vs for name, vs in serious.items() if vs} == {}


def axe_version() -> str:
    match = re.search(r'"version":\s*"([^"]+)"', (AXE.parent / "package.json").read_text("utf-8"))
    return match.group(1) if match else "?"


def tab_until(page, test: str, limit: int, key: str = "Tab") -> int:
    """Press ``key`` until ``test`` (a JS expression on document.activeElement, ``el``) holds; the presses."""
    for presses in range(1, limit + 1):
        page.keyboard.press(key)
        if page.evaluate(f"(() => {{ const el = document.activeElement; return Boolean({test}); }})()"):
            return presses
    raise AssertionError(f"{limit} presses of {key} never reached: {test}")


def test_a_keyboard_alone_reaches_the_form_the_pager_and_a_search_result(site, chromium):
    """One walk, keys only after the first page opens: jump to the form and type in it, back
    to the pager and on to comment page 2, then the site's search box and into a result."""
    base = site
    page = chromium.new_page()
    page.goto(f"{base}/{THREAD}/")
    tab_until(page, "el.textContent.trim() === 'Jump to reply form'", 60)
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#respond"
    tab_until(page, "el.id === 'author'", 6)  # within six presses: the form comes next
    page.keyboard.type("Jo")
    assert page.input_value("#author") == "Jo"
    # Back (Shift+Tab) past the crisis box to the pager below the comments, and to page 2.
    tab_until(page, "el.closest('nav.comment-pager') && el.textContent.trim() === 'page 2'", 40, "Shift+Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/{THREAD}/comment-page-2/#comments")
    # From there back up to the search box in the header, a query, and into a result.
    tab_until(page, "el.id === 'site-search-q'", 120, "Shift+Tab")
    page.keyboard.type("therapist")
    page.keyboard.press("Enter")
    page.locator(".search-results li a").first.wait_for(timeout=15_000)
    tab_until(page, "el.closest('.search-results') && el.tagName === 'A'", 20)
    target = page.evaluate("document.activeElement.href")
    page.keyboard.press("Enter")
    page.wait_for_url(target)
    if "#" in target:
        assert page.locator(f"#{target.split('#')[1]}").is_visible()
    page.close()


def test_threads_are_lists_of_articles_with_headings_and_replies_say_whom_they_answer(site, chromium):
    base = site
    page = chromium.new_page()
    page.goto(f"{base}/{THREAD}/")
    tree = page.locator("ol.comment-list").aria_snapshot()
    assert tree.startswith("- list:") and "- listitem:" in tree and "- article " in tree
    assert re.search(r'- heading "\d+\. \S+" \[level=3\]', tree)  # a top-level comment: number and name
    # A reply's heading names whom it answers (Chromium puts a space before the comma of the hidden text).
    reply = re.search(r'- heading "(\S+) ?, reply to (\S+)" \[level=3\]', tree)
    assert reply, tree[:2000]
    assert page.get_by_role("link", name=re.compile(r"^Reply to \S+$")).count() > 10
    page.close()


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_every_page_type_reflows_at_320_px_without_scrolling_sideways(site, chromium, tmp_path):
    base = site
    context = chromium.new_context(viewport={"width": 320, "height": 640})
    for name, url in page_types(base).items():
        page = open_page(context, url)
        wide = page.evaluate("document.documentElement.scrollWidth")
        shot = page.screenshot(full_page=True, path=str(tmp_path / f"{name.replace(' ', '-')}.png"))
        width, height = png_size(shot)
        assert wide <= 320 and width == 320, f"{name}: {wide} px wide, screenshot {width} px"
        assert height > 640  # the whole page, laid out at 320 px, not clipped to the viewport
        page.close()
    context.close()


EMBEDS = """Title: Pictures From Elsewhere
Date: 2026-01-10 09:00
Slug: pictures-from-elsewhere
Summary: <img src="https://summary.example/s.png" alt="a summary picture">

<img src="https://images.example/cat.jpg" alt="A cat"> <img src="//cdn.example/b.png" srcset="https://c.example/2x.png 2x">
<iframe src="https://video.example/embed/1"></iframe>
<video controls poster="https://poster.example/p.jpg"><source src="https://media.example/a.mp4"></video>
<audio src="https://media.example/a.mp3"></audio> <object data="https://obj.example/o.swf"></object>
<link rel="stylesheet" href="https://css.example/a.css"> <p style="background: url(https://bg.example/b.png)">Styled.</p>
<svg><image href="https://svg.example/i.png"/></svg> <img src="https:\\\\slash.example/x.png">
"""


@pytest.fixture(scope="module")
def strict_site(tmp_path_factory):
    """The demo with PRIVACY_STRICT = True, plus a post full of embeds from other hosts, a page
    with a thread, and the reply form on (to a path of the site)."""
    import shutil

    out = tmp_path_factory.mktemp("strict")
    shutil.copytree(DEMO_SITE / "content", out / "content")
    shutil.copytree(DEMO_SITE / "moderation", out / "moderation")
    (out / "content" / "posts" / "pictures-from-elsewhere.md").write_text(EMBEDS, encoding="utf-8")
    about = out / "content" / "pages" / "about.md"
    about.write_text(about.read_text("utf-8").replace("\n\n", "\nComments: open\n\n", 1), encoding="utf-8")
    (out / "content" / "comments" / "about").mkdir()
    (out / "content" / "comments" / "about" / "about-1.md").write_text(
        "Author: Ola\nEmail: ola@example.org\nDate: 2026-01-11 10:00\n\nThank you for this page.\n", encoding="utf-8"
    )
    demo = build_demo(out, PATH=str(out / "content"), PRIVACY_STRICT=True, COMMENT_INTAKE_URL="/intake/")
    with serve_folder(demo.output) as base:
        yield demo, base


def every_page(output: Path) -> list[str]:
    """One URL path per page of the site: every page but 174 of the 175 comment redirects."""
    pages = sorted(p.relative_to(output).as_posix() for p in output.rglob("*.html"))
    redirects = [p for p in pages if p.startswith("comment/")]
    return [p for p in pages if not p.startswith("comment/")] + redirects[:1] + ["search/index.html?q=therapist"]


def requests_while_visiting(browser, base: str, paths: list[str]) -> tuple[list[str], int]:
    context = browser.new_context()
    requests: list[str] = []
    context.on("request", lambda r: requests.append(r.url))
    for path in paths:
        page = context.new_page()
        page.goto(f"{base}/{path.replace('index.html', '')}")
        if path.startswith("comment/"):  # a redirect page: on to the comment
            page.wait_for_url(lambda url: "/comment/" not in url)
            page.wait_for_load_state()
        if "?q=" in path:
            page.locator(".search-results li a").first.wait_for(timeout=15_000)
        # What loads late loads now: lazy images (scrolled to) and what content warnings hide (opened).
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        page.wait_for_load_state("networkidle")
        page.close()
    context.close()
    return [r for r in requests if not r.startswith(base + "/")], len(paths)


def test_strict_privacy_makes_no_request_to_another_host_on_any_page(strict_site, chromium, trust):
    demo, base = strict_site
    paths = every_page(demo.output)
    assert len(paths) > 30 and any("comment-page-2" in p for p in paths) and any(p.startswith("tag/") for p in paths)
    embeds = (demo.output / "pictures-from-elsewhere" / "index.html").read_text("utf-8")
    assert embeds.count('class="offsite"') == 8  # the post's embeds are links now: offsite.py was at work
    assert not re.search(r'(src|srcset|poster|data|background|style)="[^"]*(https?:)?//', embeds)
    assert "Thank you for this page." in (demo.output / "pages" / "about" / "index.html").read_text("utf-8")
    offsite, opened = requests_while_visiting(chromium, base, paths)
    trust["strict_pages"] += opened
    trust["offsite_requests"] += len(offsite)
    assert offsite == []


def test_the_request_log_does_see_other_hosts_without_strict_privacy(site, chromium):
    """The check above can fail: the ordinary demo (Gravatar avatars) asks gravatar.com."""
    base = site
    offsite, _ = requests_while_visiting(chromium, base, [f"{THREAD}/"])
    assert offsite and all(r.startswith("https://www.gravatar.com/avatar/") for r in offsite)


def test_strict_privacy_holds_no_email_derived_hash(strict_site):
    demo, _ = strict_site
    emails = set()
    for folder in ("content/comments", "moderation/queue", "moderation/rejected"):
        for path in (DEMO_SITE / folder).rglob("*.md"):
            for line in path.read_text("utf-8").splitlines():
                if line.lower().startswith("email:"):
                    emails.add(line.split(":", 1)[1].strip())
    assert len(emails) > 20
    forbidden = {h(f.encode()).hexdigest() for e in emails for f in (e, e.lower())
                 for h in (hashlib.md5, hashlib.sha1, hashlib.sha256)}  # fmt: skip
    found = []
    for path in demo.output.rglob("*"):
        if path.is_file():
            text = path.read_bytes().decode("utf-8", "replace").lower()  # hex in either case, anywhere
            found += [(path, h) for h in forbidden if h in text]
            found += [(path, e) for e in emails if e.lower() in text]
    assert found == []
