"""The intake's pages in headless Chromium: a form sent from the built page comes back as a
page of the site (its header, stylesheet and Content-Security-Policy), with the crisis
resources; nothing is asked of another host; a refused form comes back filled in, each
problem by its field; the confirm and unsubscribe pages change nothing until their button
is pressed; axe-core finds nothing on any of them (the writer's withdraw and links pages too)."""

from __future__ import annotations

import urllib.parse
import urllib.request

import pytest
from test_a11y import AXE_RUN
from test_browser import CHROMIUM_ARGS
from test_intake import running

from conftest import AXE, chromium_path, free_port, serve_folder
from holdspace.mail.subscriptions import Subscriptions
from htmltree import parse

pytestmark = [pytest.mark.browser, pytest.mark.trust]
RESOURCES = [{"name": "Samaritans", "contact": "call 116 123", "region": "UK and Ireland", "url": "tel:116123"}]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A site built with the reply form posting to a running intake, both on localhost."""
    from conftest import Site

    site = Site(tmp_path_factory.mktemp("intake-pages"))
    site.use_project_rules()
    site.post("t", "Tea and Sympathy")
    site.page("guidelines", "Community guidelines")
    site.page("crisis-resources", "Crisis resources")
    port = free_port()
    intake_url = f"http://127.0.0.1:{port}/comment"
    with serve_folder(site.root / "output") as base:
        settings = {"SITEURL": base, "RELATIVE_URLS": False, "COMMENT_INTAKE_URL": intake_url,
                    "CRISIS_RESOURCES": RESOURCES, "COMMENT_INTAKE_RATE_LIMIT": 100}  # fmt: skip
        site.write_settings(**settings)
        site.build(**settings)
        with running(site, "--port", str(port)) as intake:
            yield site, base, str(intake) + "/comment"


@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def send_from_the_page(chromium, base, **fields):
    """Fill in the built page's form as a reader does and send it; the page that comes back,
    the CSP violations it met, and the hosts it asked."""
    page = chromium.new_page()
    refused, hosts = [], set()
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("request", lambda r: hosts.add(urllib.parse.urlsplit(r.url).netloc))
    page.goto(f"{base}/t/")
    for name, value in fields.items():
        page.fill(f"#{name}", value)
    with page.expect_navigation():
        page.click(".comment-form button[type=submit]")
    return page, refused, hosts


def test_a_form_sent_from_the_site_comes_back_as_a_page_of_the_site(world, chromium):
    _, base, _ = world
    page, refused, hosts = send_from_the_page(chromium, base, author="Jo", email="jo@example.org",
                                              comment="Thank you. Reading this helped.")  # fmt: skip
    assert page.title() == "Thank you: your comment awaits moderation · Holdspace"
    # The site's stylesheet applies (header border, the crisis box's), under the site's CSP.
    assert page.evaluate("getComputedStyle(document.querySelector('.site-header')).borderBottomStyle") == "solid"
    assert page.locator("#crisis").is_visible() and "Samaritans" in page.inner_text("#crisis")
    assert refused == []
    assert hosts <= {urllib.parse.urlsplit(base).netloc, urllib.parse.urlsplit(world[2]).netloc}
    order = page.evaluate(
        "[...document.querySelectorAll('main .intake > *')].map(e => e.id || e.className || e.tagName)"
    )
    assert order.index("crisis") > order.index("P")  # thanks first, help after: the words spoke of no crisis
    page.close()


def test_crisis_words_put_the_help_first_in_plain_words(world, chromium):
    _, base, _ = world
    page, refused, _ = send_from_the_page(chromium, base, author="lanternfish", email="lantern@example.org",
                                          comment="I want to kill myself tonight.")  # fmt: skip
    text = page.inner_text("main")
    first = page.evaluate("document.querySelector('main .intake').children[1].className")
    assert first == "crisis-first" and "may not read it for hours" in text
    assert text.index("If you are struggling right now") < text.index("A volunteer moderator reads every comment")
    assert refused == []
    page.close()


def test_a_refused_form_comes_back_filled_in_with_each_problem_by_its_field(world, chromium):
    _, base, _ = world
    page, refused, _ = send_from_the_page(chromium, base, author="Moderator", email="jo@example.org",
                                          website="https://jo.example", comment="My words, kept whole.")  # fmt: skip
    assert page.title() == "Your comment was not sent · Holdspace"
    assert page.input_value("#author") == "Moderator" and page.input_value("#email") == "jo@example.org"
    assert page.input_value("#website") == "https://jo.example"
    assert page.input_value("#comment") == "My words, kept whole."
    assert page.get_attribute("#author", "aria-invalid") == "true"
    assert "kept for the site's staff" in page.inner_text("#author-problem")
    assert page.get_attribute("#author", "aria-describedby") == "author-problem"
    assert page.get_attribute("#email", "aria-invalid") is None
    # Sent again, changed as asked, from the page that came back: taken.
    page.fill("#author", "Jo")
    with page.expect_navigation():
        page.click(".comment-form button[type=submit]")
    assert page.title() == "Thank you: your comment awaits moderation · Holdspace"
    assert refused == []
    page.close()


def test_the_confirm_and_unsubscribe_pages_are_the_site_s_and_their_button_does_it(world, chromium):
    site, base, intake = world
    subscriptions = Subscriptions(str(site.root / ".private"))
    mine = subscriptions.add("jo@example.org", "c1", "t", "Tea and Sympathy", ["replies"])
    origin = intake.removesuffix("/comment")
    page = chromium.new_page()
    refused, hosts = [], set()
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("request", lambda r: hosts.add(urllib.parse.urlsplit(r.url).netloc))
    page.goto(f"{origin}/confirm/{subscriptions.token('confirm', mine.id)}")
    assert page.title() == "Confirm the emails · Holdspace" and subscriptions.confirmed() == []  # opening: nothing
    assert page.evaluate("getComputedStyle(document.querySelector('.site-header')).borderBottomStyle") == "solid"
    assert page.get_attribute("main form", "action") is None  # to the page's own address, under any proxy path
    with page.expect_navigation():
        page.click("main form button")
    assert page.title() == "Thank you: the emails are on · Holdspace"
    assert [s.id for s in subscriptions.confirmed()] == [mine.id]
    page.goto(f"{origin}/unsubscribe/{subscriptions.token('unsubscribe', mine.id)}")
    assert page.title() == "Stop the emails? · Holdspace" and subscriptions.get(mine.id) is not None
    with page.expect_navigation():
        page.click("main form button")
    assert page.title() == "The emails are stopped · Holdspace" and subscriptions.get(mine.id) is None
    assert refused == [] and hosts == {urllib.parse.urlsplit(base).netloc, urllib.parse.urlsplit(origin).netloc}
    page.close()


def link_pages(site, intake):
    """The confirm and unsubscribe pages, as a mailed link opens them, and a link that does nothing."""
    subscriptions = Subscriptions(str(site.root / ".private"))
    mine = subscriptions.add("jo@example.org", "c2", "t", "Tea and Sympathy", ["replies"])
    origin = intake.removesuffix("/comment")
    pages = {}
    thanks = post(intake, comment="Words to withdraw later.")
    withdraw = parse(thanks).find_all("p", class_="later")[0].find_all("a")[0].attrs["href"]
    for name, url in (("confirm", f"{origin}/confirm/{subscriptions.token('confirm', mine.id)}"),
                      ("unsubscribe", f"{origin}/unsubscribe/{subscriptions.token('unsubscribe', mine.id)}"),
                      ("link does nothing", f"{origin}/confirm/0000.forged"),
                      ("withdraw", withdraw), ("ask for links", f"{origin}/links")):  # fmt: skip
        try:
            with urllib.request.urlopen(url, timeout=20) as answer:
                pages[name] = answer.read().decode("utf-8")
        except urllib.error.HTTPError as e:
            pages[name] = e.read().decode("utf-8")
    return pages


def post(url, **fields):
    base = {"post": "t", "reply_to": "", "author": "Jo", "email": "jo@example.org", "website": "",
            "comment": "Words.", "leave_empty": ""}  # fmt: skip
    data = urllib.parse.urlencode({**base, **fields}).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/x-www-form-urlencoded"})
    try:
        with urllib.request.urlopen(request, timeout=20) as answer:
            return answer.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.read().decode("utf-8")


@pytest.mark.axe
def test_axe_core_finds_nothing_on_the_intake_s_pages(world, chromium, trust):
    site, base, intake = world
    pages = {
        "thanks": post(intake),
        "thanks, crisis": post(intake, comment="Some nights I don't want to be here."),
        "refused": post(intake, author="Moderator", email="not an address", website="javascript:x"),
        "cannot be taken": post(intake, post="no-such-post"),
        **link_pages(site, intake),
    }
    folder = site.root / "output" / "intake-pages"
    folder.mkdir(exist_ok=True)
    context = chromium.new_context(bypass_csp=True)  # axe is injected as a script the CSP would refuse
    found = {}
    for name, html in pages.items():
        assert parse(html).find_all("main"), name
        (folder / f"{name.replace(', ', '-').replace(' ', '-')}.html").write_text(html, encoding="utf-8")
        page = context.new_page()
        page.goto(f"{base}/intake-pages/{name.replace(', ', '-').replace(' ', '-')}.html")
        page.add_script_tag(path=str(AXE))
        found[name] = page.evaluate(AXE_RUN, None)
        page.close()
    context.close()
    trust["a11y_pages"] += len(pages)
    trust["a11y_violations"] += sum(1 for vs in found.values() for v in vs if v["impact"] in ("serious", "critical"))
    trust["a11y_any"] += sum(len(vs) for vs in found.values())
    assert {name: vs for name, vs in found.items() if vs} == {}
