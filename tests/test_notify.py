"""Mails to writers, over real parts (the intake as `make intake` starts it, an SMTP server):
asked for on the form, confirmed by a POST from the mailed link (opening it changes
nothing), sent by `make notify` only for what is live on the site, to the confirmed only,
and stopped by the one-click unsubscribe every mail carries."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import urllib.request

import pytest
from test_intake import form, post, running

from conftest import ROOT, free_port
from holdspace.archive.reader import comment_files
from holdspace.mail.subscriptions import Subscriptions


@pytest.fixture
def notifying(site, smtp, monkeypatch):
    monkeypatch.setenv("MODERATOR", "Ana")
    port = free_port()
    settings = {"SITEURL": "https://example.org", "MAIL_SMTP_URL": smtp.url, "MAIL_FROM": "site@example.org",
                "COMMENT_INTAKE_URL": f"http://127.0.0.1:{port}/comment", "COMMENT_INTAKE_RATE_LIMIT": 100}  # fmt: skip
    site.write_settings(**settings)
    site.use_project_rules()
    site.post("t", "Tea and Sympathy")
    site.settings = settings
    with running(site, "--port", str(port)) as intake:
        yield site, smtp, intake


def build(site):
    """``holdspace build`` as make publish runs it: the record of what is live is made at its end."""
    command = [sys.executable, "-m", "holdspace", "build", "-s", str(site.root / "pelicanconf.py")]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "plugins")}
    return subprocess.run(command, cwd=site.root, env=env, capture_output=True, timeout=300).returncode


def queued_ids(site):
    return sorted(p.rsplit("/", 1)[1][:-3] for p, _, problem in comment_files(str(site.root / "moderation" / "queue")))


def link(mail, purpose):
    return re.search(rf"(http://\S+/{purpose}/\S+)", mail.get_content()).group(1)


def send(url, method="GET", data=None):
    request = urllib.request.Request(url, data=data, method=method)
    with urllib.request.urlopen(request, timeout=20) as answer:
        return answer.status, answer.read().decode("utf-8")


def test_only_the_confirmed_hear_of_live_replies_and_one_click_stops_them(notifying, capsys):
    site, smtp, intake = notifying
    assert post(intake, form(author="Ana", email="ana@example.org", comment="First.", notify="yes",
                             notify_live="yes"))[0] == 200  # fmt: skip
    [ana] = queued_ids(site)
    assert post(intake, form(author="Bo", email="ben@example.org", comment="Second.", notify="yes"))[0] == 200
    confirm_ana, _ = sorted(smtp.wait_for(2), key=lambda m: m["To"])
    assert confirm_ana["To"] == "ana@example.org" and confirm_ana["Subject"].startswith("Please confirm: emails")
    assert confirm_ana["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "ben@example.org" not in confirm_ana.as_string()
    subscriptions = Subscriptions(str(site.root / ".private"))
    confirm = link(confirm_ana, "confirm")
    status, page = send(confirm)  # a mail scanner following the link ...
    assert status == 200 and "Yes, email me" in page and subscriptions.confirmed() == []  # ... confirms nothing
    status, page = send(confirm, "POST", b"")
    assert status == 200 and "the emails are on" in page and [s.email for s in subscriptions.confirmed()] == [
        "ana@example.org"]  # fmt: skip
    assert site.cli("approve", *queued_ids(site)) == 0
    site.comment("t", "reply-ana", "Welcome, Ana. It gets easier.", author="Cy", reply_to=ana, date="2026-01-02 10:00")
    capsys.readouterr()
    assert site.cli("notify") == 0  # nothing is live yet: nothing is sent
    assert "0 new notification(s)" in capsys.readouterr().out and len(smtp.mails) == 2
    assert build(site) == 0
    assert site.cli("notify") == 0
    reply, published = sorted(smtp.wait_for(4)[2:], key=lambda m: m["Subject"])
    assert reply["To"] == "ana@example.org" and reply["Subject"] == "Cy replied to you on “Tea and Sympathy”"
    text = reply.get_content()
    assert "Welcome, Ana. It gets easier." in text and "https://example.org/t/#comment-reply-ana" in text
    assert published["Subject"] == "Your comment on “Tea and Sympathy” is published"
    assert all("ben@example.org" != m["To"] for m in smtp.mails[2:])  # Ben never confirmed
    assert site.cli("notify") == 0 and len(smtp.mails) == 4  # each mail once
    # One click, as a mail program does it (RFC 8058): a POST to the List-Unsubscribe address.
    stop = reply["List-Unsubscribe"].strip("<>")
    assert send(stop, "POST", b"List-Unsubscribe=One-Click")[0] == 200
    kept = [p.read_text("utf-8") for p in (site.root / ".private" / "subscriptions").glob("*.json")]
    assert subscriptions.confirmed() == [] and len(kept) == 1 and "ana@example.org" not in kept[0]  # Bo's, alone
    site.comment("t", "again", "One more reply to Ana.", author="Dee", reply_to=ana, date="2026-01-03 10:00")
    assert build(site) == 0
    assert site.cli("notify") == 0 and len(smtp.mails) == 4  # stopped
    assert "ana@example.org" not in intake.output and "ben@example.org" not in intake.output
    printed = capsys.readouterr()
    # live.json where the build keeps it: not the whole site's folder, where the build's own process may be
    # removing the previous output (.holdspace-old-*) meanwhile
    public = [p for p in (site.root / "output").rglob("*") if p.is_file()] + list(site.root.glob(".cache/**/live.json"))
    assert len(public) > 10 and public[-1].name == "live.json"
    assert not any(b"ana@example.org" in p.read_bytes() for p in public)
    assert "ana@example.org" not in printed.out + printed.err


def test_a_link_that_is_not_ours_does_nothing(notifying):
    site, _, intake = notifying
    subscriptions = Subscriptions(str(site.root / ".private"))
    mine = subscriptions.add("jo@example.org", "c1", "t", "Tea and Sympathy", ["replies"])
    confirm = subscriptions.token("confirm", mine.id)
    wrong_mac = mine.id + "." + "A" * 32
    for path in (f"/confirm/{wrong_mac}", f"/unsubscribe/{confirm}", "/confirm/abc.def", "/confirm/../../etc"):
        try:
            status, _ = send(str(intake) + path, "POST", b"")
        except urllib.error.HTTPError as e:
            status = e.code
        assert status == 404, path
    assert subscriptions.get(mine.id) is not None and subscriptions.confirmed() == []  # nothing done
    assert send(str(intake) + f"/confirm/{confirm}", "POST", b"")[0] == 200  # the true link does it
    assert [s.id for s in subscriptions.confirmed()] == [mine.id]


def test_unsubscribing_stops_the_mails_still_waiting_and_forgets_the_address(site, monkeypatch):
    """Mails to a writer wait in the outbox while the mail server is down; they unsubscribe
    from an earlier mail: none of them goes, and the address is nowhere in .private/."""
    port = free_port()
    settings = {"SITEURL": "https://example.org", "MAIL_SMTP_URL": f"smtp://127.0.0.1:{free_port()}",
                "MAIL_FROM": "site@example.org", "COMMENT_INTAKE_URL": f"http://127.0.0.1:{port}/comment"}  # fmt: skip
    site.write_settings(**settings)
    site.use_project_rules()
    site.post("t", "Tea and Sympathy")
    with running(site, "--port", str(port)) as intake:
        assert post(intake, form(author="Ana", email="ana@example.org", notify="yes"))[0] == 200
        assert post(intake, form(author="Bo", email="bo@example.org", notify="yes"))[0] == 200
        subscriptions = Subscriptions(str(site.root / ".private"))
        every = [subscriptions.get(p.stem) for p in (site.root / ".private" / "subscriptions").glob("*.json")]
        ana, bo = sorted(every, key=lambda s: s.email)
        assert (ana.email, bo.email) == ("ana@example.org", "bo@example.org")
        waiting = site.root / ".private" / "outbox" / "waiting"
        mails = sorted([f"confirm-{ana.id}.json", f"confirm-{bo.id}.json"])
        assert sorted(p.name for p in waiting.glob("*.json")) == mails  # the server is down: both wait
        stop = f"{intake}/unsubscribe/{subscriptions.token('unsubscribe', ana.id)}"
        assert send(stop, "POST", b"List-Unsubscribe=One-Click")[0] == 200
        assert [p.name for p in waiting.glob("*.json")] == [f"confirm-{bo.id}.json"]  # Bo's still waits
    kept = [p.read_bytes() for p in (site.root / ".private").rglob("*") if p.is_file()]
    assert kept and not any(b"ana@example.org" in data for data in kept)
    assert any(b"bo@example.org" in data for data in kept)


def test_notify_tells_nothing_from_a_build_made_for_another_site_address(notifying, capsys):
    """make html (a preview, SITEURL of the preview) then make notify with the site's settings:
    the record of what is live is the preview's, so nothing is said."""
    site, smtp, intake = notifying
    assert post(intake, form(author="Ana", email="ana@example.org", comment="First.", notify_live="yes"))[0] == 200
    (confirm,) = smtp.wait_for(1)
    assert send(link(confirm, "confirm"), "POST", b"")[0] == 200
    assert site.cli("approve", *queued_ids(site)) == 0
    preview = site.write_settings(**{**site.settings, "SITEURL": "http://localhost:8000"})
    assert build(site) == 0
    site.write_settings(**site.settings)
    capsys.readouterr()
    assert site.cli("notify") == 0
    out = capsys.readouterr().out
    assert "the last build was made for SITEURL 'http://localhost:8000'" in out and len(smtp.mails) == 1
    assert preview.exists() and build(site) == 0 and site.cli("notify") == 0
    assert smtp.wait_for(2)[1]["Subject"] == "Your comment on “Tea and Sympathy” is published"


def test_a_one_click_unsubscribe_sent_as_multipart_works(notifying):
    """RFC 8058: a mail program SHOULD send the one-click POST as multipart/form-data."""
    site, _, intake = notifying
    subscriptions = Subscriptions(str(site.root / ".private"))
    mine = subscriptions.add("jo@example.org", "c1", "t", "Tea and Sympathy", ["replies"])
    body = b'--XyZ\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--XyZ--\r\n'
    url = f"{intake}/unsubscribe/{subscriptions.token('unsubscribe', mine.id)}"
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "multipart/form-data; boundary=XyZ"})
    with urllib.request.urlopen(request, timeout=20) as answer:
        assert answer.status == 200
    assert subscriptions.get(mine.id) is None
