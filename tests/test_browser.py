"""In headless Chromium (Debian's package): a link to any comment id reaches it."""

import contextlib
import subprocess
import tempfile

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
            first.click()
            page.wait_for_url(f"{base}/{url}")
            anchor = url.split("#")[1]
            assert page.evaluate("location.hash") == f"#{anchor}"
            assert page.locator(f"#{anchor}").is_visible()
            assert page.locator(f"#{anchor}").bounding_box()["y"] < page.viewport_size["height"]
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
