"""In headless Chromium (Debian's package): a link to any comment id reaches it."""

import contextlib
import subprocess
import tempfile
from datetime import datetime

import pytest

from conftest import chromium_path, serve_folder

pytestmark = pytest.mark.browser
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]  # fmt: skip


@pytest.fixture
def serve():
    with contextlib.ExitStack() as stack:
        yield lambda folder: stack.enter_context(serve_folder(folder))


def dump_dom(url: str) -> str:
    with tempfile.TemporaryDirectory() as profile:
        result = subprocess.run(
            [chromium_path(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", "--virtual-time-budget=5000", "--dump-dom", url],
            capture_output=True, text=True, timeout=90,
        )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_a_comment_id_link_reaches_the_comment_on_page_3(site, serve):
    site.post("t", "The Thread")
    for i in range(7):
        site.comment("t", f"c{i}", f"Words of comment {i}.", date=f"2025-01-02 10:0{i}")
    built = site.build(COMMENTS_PER_PAGE=3)
    base = serve(built.output)
    dom = dump_dom(f"{base}/comment/c6.html")
    assert "<title>The Thread: comments page 3 · Holdspace</title>" in dom
    assert 'id="comment-c6"' in dom and "Words of comment 6." in dom


def test_a_thread_page_renders_its_comments_in_the_browser(site, serve):
    site.post("t", "The Thread")
    site.comment("t", "parent", "The parent.")
    site.comment("t", "child", "The child.", reply_to="parent", date="2025-01-03 10:00")
    base = serve(site.build(COMMENT_INTAKE_URL="https://intake.example/c").output)
    dom = dump_dom(f"{base}/t/")
    assert dom.index('id="comment-parent"') < dom.index('id="comment-child"') < dom.index("The child.")
    assert '<form class="comment-form" method="post" action="https://intake.example/c">' in dom


def page2_word(demo):
    """A word found in exactly one document, a comment on page 2 of a thread: (word, that comment's URL)."""
    from holdspace.search.index import export

    data = export(str(demo.cache / "search"))
    df = {term: len(postings) for term, (_, postings) in data.terms.items()}
    for hit in sorted(data.docs.values(), key=lambda h: h.docnum):
        if "comment-page-2" in hit.url:
            words = sorted(w for w in set(hit.text.lower().split()) if w.isalpha() and unique_term(w, df))
            if words:
                return words[0], hit.url
    raise AssertionError("no comment on page 2 has a word of its own")


def test_searching_in_the_browser_finds_a_comment_on_page_2_and_lands_on_it(demo, serve):
    from playwright.sync_api import sync_playwright

    word, url = page2_word(demo)
    base = serve(demo.output)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            requests = []
            page.on("request", lambda r: requests.append(r.url))
            page.goto(f"{base}/")
            page.fill("#site-search-q", word)
            page.press("#site-search-q", "Enter")
            page.wait_for_url(f"{base}/search/?q={word}")
            first = page.locator(".search-results li a").first
            first.wait_for(timeout=15_000)
            assert "1 result for" in page.locator("#search-results [role=status]").inner_text()
            assert page.locator(".search-results mark").first.inner_text().lower().startswith(word[:3])
            # One search box on the search page (the header's is left out), one search landmark.
            assert page.locator("input[type=search]").count() == 1 and page.get_by_role("search").count() == 1
            # The date as the pages write it ("26 August 2025"), the ISO date in <time datetime>.
            when = page.locator(".search-results .meta time").first
            iso = datetime.fromisoformat(when.get_attribute("datetime"))
            day = f"{iso.day} {iso:%B %Y}"
            assert page.locator(".search-results .meta").first.inner_text().endswith(f" · {day}")
            assert when.inner_text() == day
            # The name in a <bdi>: a right-to-left name does not carry the date along with it.
            assert page.locator(".search-results .meta bdi").first.inner_text().strip() != ""
            first.click()
            page.wait_for_url(f"{base}/{url}")
            anchor = url.split("#")[1]
            assert page.evaluate("location.hash") == f"#{anchor}"
            assert page.locator(f"#{anchor}").is_visible()
            assert page.locator(f"#{anchor}").bounding_box()["y"] < page.viewport_size["height"]
            # The comment's own date, as its page writes it: the result's, then the time.
            assert page.locator(f"#{anchor} > article .permalink time").inner_text() == f"{day}, {iso:%H:%M}"
            assert all(r.startswith(base) or "gravatar.com" in r for r in requests), requests
        finally:
            browser.close()


def test_the_search_page_says_it_needs_javascript_without_it(demo, serve):
    from playwright.sync_api import sync_playwright

    base = serve(demo.output)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(java_script_enabled=False).new_page()
            page.goto(f"{base}/search/?q=therapist")
            assert "Search runs in your browser and needs JavaScript" in page.inner_text("main")
        finally:
            browser.close()


def test_only_the_search_page_leaves_out_the_header_s_search_box(demo, serve):
    from playwright.sync_api import sync_playwright

    base = serve(demo.output)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            for path, box in [("/", "site-search-q"), ("/archives/", "site-search-q"), ("/search/", "search-page-q")]:
                page.goto(base + path)
                boxes = page.locator("input[type=search]")
                assert boxes.count() == 1 and boxes.get_attribute("id") == box, path
                assert page.get_by_role("search").count() == 1, path
        finally:
            browser.close()


def ax_name(page, selector: str) -> tuple[str, str]:
    """(role, name) of an element in Chromium's own accessibility tree: what a screen reader is given."""
    cdp = page.context.new_cdp_session(page)
    root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    ax = cdp.send("Accessibility.getPartialAXTree", {"nodeId": node, "fetchRelatives": False})["nodes"][0]
    return ax["role"]["value"], ax["name"]["value"]


MARKED = """(id) => {
  const box = (c) => getComputedStyle(document.querySelector(`#comment-${c} > .comment-box`));
  const label = (c) => getComputedStyle(document.querySelector(`#comment-${c} .comment-author`), "::before").content;
  return [box(id).outlineStyle, box(id).backgroundColor, label(id)];
}"""


def test_a_linked_comment_is_marked_and_announced(demo, serve):
    """/comment/<id>.html lands on the comment (on page 2 here), which the style sheet marks
    (:target): an outline and a tint, and "Linked comment:" in its heading, which Chromium's
    accessibility tree gives its heading and its article. Its neighbours are not marked."""
    from playwright.sync_api import sync_playwright

    base = serve(demo.output)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(f"{base}/comment/vac-065.html")
            page.wait_for_url(f"{base}/when-your-therapist-goes-on-vacation/comment-page-2/#comment-vac-065")
            assert page.evaluate(MARKED, "vac-065") == ["solid", "rgb(238, 244, 241)", '"Linked comment: "']
            assert page.evaluate(MARKED, "vac-066") == ["none", "rgb(255, 255, 255)", "none"]
            width = "getComputedStyle(document.querySelector('#comment-vac-065 > .comment-box')).outlineWidth"
            assert page.evaluate(width) == "3px"
            assert page.locator("#by-vac-065").inner_text().split() == ["51.", "Mira"]  # the label is generated
            assert ax_name(page, "#by-vac-065") == ("heading", "Linked comment: 51. Mira")
            assert ax_name(page, "#comment-vac-065 > article") == ("article", "Linked comment: 51. Mira")
            assert ax_name(page, "#by-vac-066") == ("heading", "52. owl_at_3am")
            box = page.locator("#comment-vac-065 > article").bounding_box()
            assert 0 < box["y"] < page.viewport_size["height"]
        finally:
            browser.close()


WARNED = "asking-for-help-when-its-hard"  # the demo's post behind a content warning
WARNING = "Content warning: a night of not feeling safe, suicidal thoughts (not described)."


def test_a_content_warning_covers_the_comments_and_its_summary_says_show_then_hide(demo, serve):
    from playwright.sync_api import sync_playwright

    base = serve(demo.output)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            for scripts in (True, False):  # a <details>: the same without JavaScript
                page = browser.new_context(java_script_enabled=scripts).new_page()
                page.goto(f"{base}/{WARNED}/")
                summary = page.locator("details.content-warning > summary")
                assert summary.inner_text() == f"{WARNING} Show the post and its comments"
                assert ax_name(page, "details.content-warning > summary")[1] == summary.inner_text()
                assert not page.locator(".post-body").is_visible() and not page.locator("#comments").is_visible()
                assert page.locator("#crisis").is_visible() and page.locator("#respond").is_visible()
                summary.focus()
                page.keyboard.press("Enter")
                assert summary.inner_text() == f"{WARNING} Hide the post and its comments"
                assert ax_name(page, "details.content-warning > summary")[1] == summary.inner_text()
                assert page.locator(".post-body").is_visible() and page.locator("#comment-crisis-001").is_visible()
                summary.click()
                assert summary.inner_text().endswith(" Show the post and its comments")
                assert not page.locator("#comments").is_visible()
                page.close()
            # A link to a comment behind the warning opens it (as the HTML standard has a fragment
            # inside a closed <details> do), and the comment is marked.
            page = browser.new_page()
            page.goto(f"{base}/comment/crisis-004.html")
            page.wait_for_url(f"{base}/{WARNED}/#comment-crisis-004")
            assert page.evaluate("document.querySelector('details.content-warning').open") is True
            assert (
                page.locator("details.content-warning > summary")
                .inner_text()
                .endswith(" Hide the post and its comments")
            )
            assert page.locator("#comment-crisis-004").is_visible()
            assert page.evaluate(MARKED, "crisis-004")[0] == "solid"
        finally:
            browser.close()


def unique_term(word, df):
    """The word is one term, found in exactly one document."""
    from holdspace.search.index import query_terms

    terms = query_terms([word])
    return len(terms) == 1 and df.get(terms[0]) == 1


CSP_WATCH = """
  window.__csp = [];
  document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(e.violatedDirective + " " + e.blockedURI));
"""


def test_every_page_type_works_under_the_content_security_policy(demo, serve):
    from playwright.sync_api import sync_playwright

    base = serve(demo.output)
    pages = ["/", "/when-your-therapist-goes-on-vacation/", "/when-your-therapist-goes-on-vacation/comment-page-2/",
             "/pages/guidelines/", "/archives/", "/tags.html", "/search/?q=therapist", "/comment/vac-065.html"]  # fmt: skip
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context()
            context.add_init_script(CSP_WATCH)
            for path in pages:
                page = context.new_page()
                page.goto(base + path)
                if path.startswith("/search/"):
                    page.locator(".search-results li a").first.wait_for(timeout=15_000)
                page.wait_for_timeout(200)
                csp = page.locator('meta[http-equiv="Content-Security-Policy"]').first.get_attribute("content")
                assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
                assert page.evaluate("window.__csp || []") == [], path
                page.close()
        finally:
            browser.close()
