"""A writer's control, over the real intake and SMTP server: the private link on the
thank-you page and in the confirmation mail withdraws their comment (a waiting one leaves
the queue at once; a published one is gone after the next build), one comment's link
cannot withdraw another, a forged or expired link is refused with a clear page; a writer
asks for their links by address (the answer never says whether it wrote anything); and
asks, then confirms by mail, to be forgotten."""

from __future__ import annotations

import re
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime

import pytest
from test_intake import form, post, running
from test_notify import build, link

from conftest import free_port
from holdspace.mail.subscriptions import Subscriptions
from holdspace.review import auditlog
from htmltree import parse

CANARY = "Quillwort"


@pytest.fixture
def writers(site, smtp, monkeypatch):
    monkeypatch.setenv("MODERATOR", "Ana")
    port = free_port()
    settings = {"SITEURL": "https://example.org", "MAIL_SMTP_URL": smtp.url, "MAIL_FROM": "site@example.org",
                "COMMENT_INTAKE_URL": f"http://127.0.0.1:{port}/comment", "COMMENT_INTAKE_RATE_LIMIT": 100,
                "DEFAULT_DATE_FORMAT": "%A %-d %B %Y"}  # fmt: skip
    site.write_settings(**settings)
    site.settings = settings
    site.use_project_rules()
    site.post("t", "Tea and Sympathy")
    with running(site, "--port", str(port)) as intake:
        yield site, smtp, intake


def fetch(url, data=None):
    """(status, page) of a GET, or of a POST of ``data`` (a dict)."""
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=body), timeout=20) as answer:
            return answer.status, answer.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8")


def withdraw_link(page):
    return parse(page).find_all("p", class_="later")[0].find_all("a")[0].attrs["href"]


def queued(site):
    return sorted(p.stem for p in (site.root / "moderation" / "queue").rglob("*.md"))


def test_a_waiting_comment_leaves_the_queue_at_once_from_the_thank_you_page_s_link(writers):
    site, _, intake = writers
    status, page, _ = post(intake, form(author="Wren", email="wren@example.org", comment=f"My {CANARY} street."))
    assert status == 200 and "Changed your mind?" in page
    [cid] = queued(site)
    url = withdraw_link(page)
    status, shown = fetch(url)  # opening it changes nothing
    assert status == 200 and "is waiting for a moderator" in shown and CANARY in shown and queued(site) == [cid]
    [sent] = (site.root / "moderation" / "queue").rglob("*.md")
    day = datetime.fromisoformat(re.search(r"^Date: (.+)$", sent.read_text("utf-8"), re.M).group(1))
    # The date as the site's pages write it (DEFAULT_DATE_FORMAT above: "Tuesday 8 July 2025").
    assert f"Your comment on “Tea and Sympathy”, of {day:%A} {day.day} {day:%B %Y}, is waiting" in shown
    status, done = fetch(url, {"do": "withdraw"})
    assert status == 200 and "Your comment is withdrawn" in done and "no moderator will read it" in done
    assert queued(site) == []
    assert not any(CANARY in p.read_text(errors="replace") for p in site.root.rglob("*.md"))
    (entry,) = auditlog.read(site.root / "moderation" / "decisions.log")[0]
    assert (entry.action, entry.id, entry.moderator) == ("withdraw", cid, "the writer")
    status, again = fetch(url, {"do": "withdraw"})
    assert status == 404 and "This comment is not here any more" in again


def test_a_published_comment_withdrawn_is_gone_after_the_next_build_its_replies_in_place(writers, capsys):
    site, smtp, intake = writers
    status, page, _ = post(intake, form(author="Wren", email="wren@example.org", comment=f"My {CANARY} street.",
                                        notify="yes"))  # fmt: skip
    [cid] = queued(site)
    (confirm,) = smtp.wait_for(1)
    assert withdraw_link(page).split("/withdraw/")[1] in confirm.get_content()  # the mail carries it too
    assert site.cli("approve", cid) == 0
    site.comment("t", "reply1", "Welcome, Wren.", author="Jo", reply_to=cid, date="2030-01-02 10:00")
    assert build(site) == 0
    assert CANARY in (site.root / "output" / "t" / "index.html").read_text()
    status, done = fetch(withdraw_link(page), {"do": "withdraw"})
    assert status == 200 and "gone from the site at its next update" in done
    assert build(site) == 0
    html = (site.root / "output" / "t" / "index.html").read_text()
    doc = parse(html)
    assert CANARY not in html and "This comment was withdrawn by its writer." in doc.by_id(f"comment-{cid}").text()
    assert doc.by_id("comment-reply1") in list(doc.by_id(f"comment-{cid}").iter())
    assert not list((site.root / ".private" / "subscriptions").glob("*.json"))  # no more mails about it


def test_one_comment_s_link_cannot_withdraw_another_and_forged_or_expired_links_are_refused(writers):
    site, _, intake = writers
    _, first, _ = post(intake, form(author="Wren", email="wren@example.org", comment="First."))
    post(intake, form(author="Bo", email="bo@example.org", comment="Second."))
    a, b = queued(site)
    url = withdraw_link(first)
    token = url.rsplit("/", 1)[1]
    own = token.split(".")[0]
    other = b if own == a else a
    for forged in (token.replace(own, other), token[:-2] + "xx", f"{other}.20991231.{'A' * 32}"):
        status, page = fetch(url.rsplit("/", 1)[0] + "/" + forged, {"do": "withdraw"})
        assert status == 404 and "This link is not one of this site" in page, forged
    assert queued(site) == sorted([a, b])
    subscriptions = Subscriptions(str(site.root / ".private"))
    until = "20200101"
    mac = subscriptions._mac("withdraw", f"{own}:{until}")  # made here, but its last day has passed
    status, page = fetch(url.rsplit("/", 1)[0] + f"/{own}.{until}.{mac}", {"do": "withdraw"})
    assert status == 410 and "This link is too old to use" in page and 'name="email"' in page
    assert queued(site) == sorted([a, b])


def test_links_asked_by_address_are_mailed_and_the_page_never_tells(writers):
    site, smtp, intake = writers
    post(intake, form(author="Wren", email="wren@example.org", comment="One."))
    post(intake, form(author="Wren", email="Wren@Example.org", comment="Two."))
    ask = str(intake) + "/links"
    status, page = fetch(ask)
    assert status == 200 and 'name="email"' in page
    _, known = fetch(ask, {"email": "wren@example.org"})
    _, unknown = fetch(ask, {"email": "nobody@example.org"})
    assert "If this address wrote anything here" in known
    strip = lambda html: re.sub(r"\s+", " ", parse(html).by_id("main").text() if parse(html).by_id("main") else html)  # noqa: E731
    assert strip(known) == strip(unknown)  # the same words either way
    (mail,) = smtp.wait_for(1)
    assert mail["To"] == "wren@example.org" and mail.get_content().count("/withdraw/") == 2
    fetch(ask, {"email": "wren@example.org"})  # again today: no second mail
    time.sleep(2)  # the page answers at once; the lookup and the mail run behind it
    assert len(smtp.mails) == 1 and len(list((site.root / ".private" / "outbox" / "sent").iterdir())) == 1


def test_forget_from_the_link_asks_by_mail_then_erases_everything(writers):
    site, smtp, intake = writers
    _, page, _ = post(intake, form(author="Wren", email="wren@example.org", comment=f"{CANARY} one."))
    post(intake, form(author="Wren", email="wren@example.org", comment=f"{CANARY} two."))
    status, asked = fetch(withdraw_link(page), {"do": "forget"})
    assert status == 200 and "Check your mail" in asked and len(queued(site)) == 2  # nothing erased yet
    (mail,) = smtp.wait_for(1)
    assert mail["To"] == "wren@example.org" and mail["Subject"].startswith("Please confirm: erase")
    url = link(mail, "forget")
    status, shown = fetch(url)
    assert status == 200 and "Erase everything you wrote here?" in shown and len(queued(site)) == 2
    status, done = fetch(url, {})
    assert status == 200 and "2 comment(s) erased" in done and queued(site) == []
    erased = [e for e in auditlog.read(site.root / "moderation" / "decisions.log")[0] if e.action == "erase"]
    assert len(erased) == 2 and all(e.moderator == "the writer" for e in erased)


def test_after_unpublish_the_writer_s_link_still_withdraws_the_words_kept_in_rejected(writers, capsys):
    site, _, intake = writers
    _, page, _ = post(intake, form(author="Wren", email="wren@example.org", comment=f"My {CANARY} street."))
    [cid] = queued(site)
    assert site.cli("approve", cid) == 0
    assert site.cli("unpublish", cid, "--reason", "names a street") == 0
    rejected = site.root / "moderation" / "rejected" / "t" / f"{cid}.md"
    assert rejected.exists()
    status, shown = fetch(withdraw_link(page))
    assert status == 200 and "is not published" in shown
    status, done = fetch(withdraw_link(page), {"do": "withdraw"})
    assert status == 200 and "no moderator will read it" in done and not rejected.exists()
    assert not any(CANARY in p.read_text(errors="replace") for p in site.root.rglob("*.md"))


def test_an_anonymised_comment_s_link_erases_nothing_more(writers, capsys):
    """Forgotten in anonymise mode, the comment stays (by "(removed)", with no address): its
    old link must not erase everything else that has no address."""
    site, _, intake = writers
    site.write_settings(**site.settings, ERASE_MODE="anonymise")  # for the forget command below
    _, page, _ = post(intake, form(author="Wren", email="wren@example.org", comment="Words to keep."))
    [cid] = queued(site)
    assert site.cli("approve", cid) == 0
    site.raw_comment("t", "broken.md", b"Author: X\nDate: 2025-01-01 10:00\n\nA file with no Email line.\n",
                     folder="moderation/queue")  # fmt: skip
    assert site.cli("forget", "wren@example.org") == 0
    for data in ({"do": "forget"}, {"do": "withdraw"}):
        status, answer = fetch(withdraw_link(page), data)
        assert status == 404 and "This comment is not here any more" in answer
    assert (site.root / "moderation" / "queue" / "t" / "broken.md").exists()
    assert (site.root / "content" / "comments" / "t" / f"{cid}.md").read_text().startswith("Removed: anonymised")
