"""Mail over real parts: an SMTP server (aiosmtpd) on a free port of 127.0.0.1, the intake
as `make intake` starts it, and the sender. Alerts reach the moderators with no commenter's
address in them; an outbox loses nothing when the server refuses, is down, or the sender
is killed."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

from aiosmtpd.controller import Controller

from conftest import ROOT, Mailbox, free_port
from holdspace.mail.alerts import Alerts, Arrival
from holdspace.mail.message import Message
from holdspace.mail.outbox import Outbox
from holdspace.mail.sender import Sender, backoff
from holdspace.mail.transport import Transport

SETTINGS = {"MAIL_FROM": "Holdspace <alerts@example.org>", "MODERATOR_EMAILS": ["mod@example.org"],
            "ALERT_DIGEST_MINUTES": 60, "ALERT_WEBHOOK_URL": "", "SITENAME": "Holdspace"}  # fmt: skip


def arrival(cid="c1", crisis=False, author="river"):
    flags = ['crisis words: "want to die"'] if crisis else []
    return Arrival(cid, author, "Sunday Evenings", "sunday", flags, crisis, "Some words of the comment")


def test_a_crisis_alert_goes_at_once_and_the_others_wait_for_the_digest(tmp_path, smtp):
    settings = {**SETTINGS, "MAIL_SMTP_URL": smtp.url}
    outbox = Outbox(str(tmp_path / "outbox"))
    alerts = Alerts(str(tmp_path), outbox, settings, lambda cid: f"make show ID={cid}")
    sender = Sender(outbox, Transport(settings))
    alerts.arrived(arrival("calm1"))
    alerts.arrived(arrival("hurting", crisis=True, author="lanternfish"))
    now = datetime.now(UTC)
    assert alerts.gather(now)  # no digest yet: the first goes now
    assert sender.send_due() == (2, 0)
    crisis, digest = sorted(smtp.mails, key=lambda m: not m["Subject"].startswith("[crisis]"))
    assert crisis["Subject"] == "[crisis] lanternfish on “Sunday Evenings”: a comment waits"
    assert crisis["To"] == "mod@example.org" and crisis["Auto-Submitted"] == "auto-generated"
    body = crisis.get_content()
    assert "lanternfish" in body and "Sunday Evenings (sunday)" in body and 'crisis words: "want to die"' in body
    assert "Read it: make show ID=hurting" in body and "Some words of the comment" in body
    assert digest["Subject"] == "[Holdspace] 1 comment(s) wait in the queue" and "calm1" in digest.get_content()
    alerts.arrived(arrival("calm2"))
    assert not alerts.gather(now + timedelta(minutes=59))  # at most one digest an hour
    assert alerts.gather(now + timedelta(minutes=61))
    assert sender.send_due() == (1, 0) and "calm2" in smtp.mails[-1].get_content()
    assert not alerts.gather(now + timedelta(minutes=200))  # nothing waits: no empty digest


def test_a_refusing_server_then_one_that_is_down_lose_nothing_and_send_once(tmp_path, smtp):
    settings = {**SETTINGS, "MAIL_SMTP_URL": smtp.url}
    outbox = Outbox(str(tmp_path / "outbox"))
    clock = [datetime.now(UTC)]
    sender = Sender(outbox, Transport(settings), clock=lambda: clock[0])
    for i in range(3):
        assert outbox.put(Message(f"m{i}", "mail", f"Message {i}", "Words.", to=["mod@example.org"]))
    assert not outbox.put(Message("m0", "mail", "Again", "Words.", to=["mod@example.org"]))  # one id, one message
    clock[0] = datetime.now(UTC)  # all three due: the clock read before them missed m2 when a second passed meanwhile
    smtp.refuse = True
    assert sender.send_due() == (0, 3)
    assert [m.attempts for m in outbox.waiting()] == [1, 1, 1] and "451" in outbox.waiting()[0].last_error
    assert sender.send_due() == (0, 0)  # not due again yet
    smtp.refuse = False
    smtp.controller.stop()  # and now the server is down for an hour
    for minutes in (1, 3, 7, 15, 31, 63):
        clock[0] += timedelta(minutes=minutes)
        assert sender.send_due()[0] == 0
    assert all(m.attempts == 7 for m in outbox.waiting()) and "ConnectionRefused" in outbox.waiting()[0].last_error
    smtp.controller = Controller(smtp, hostname="127.0.0.1", port=smtp.controller.port)  # back up
    smtp.controller.start()
    clock[0] += timedelta(hours=1)
    assert sender.send_due() == (3, 0)
    assert sorted(m["Subject"] for m in smtp.mails) == ["Message 0", "Message 1", "Message 2"]
    assert outbox.waiting() == [] and outbox.sent_count() == 3
    clock[0] += timedelta(hours=2)
    assert sender.send_due() == (0, 0) and len(smtp.mails) == 3


def test_backoff_doubles_up_to_an_hour():
    assert [backoff(n).total_seconds() / 60 for n in range(1, 9)] == [1, 2, 4, 8, 16, 32, 60, 60]


def test_a_sender_killed_in_the_middle_of_a_batch_loses_nothing(site, smtp):
    """50 messages, a server taking 50 ms each, the sender killed after 5 went, then run again."""
    site.write_settings(MAIL_SMTP_URL=smtp.url, MAIL_FROM="alerts@example.org", MODERATOR_EMAILS=["mod@example.org"])
    outbox = Outbox(str(site.root / ".private" / "outbox"))
    for i in range(50):
        outbox.put(Message(f"batch-{i:02d}", "mail", f"Message {i}", "Words.", to=["mod@example.org"]))
    smtp.delay = 0.05
    command = [sys.executable, "-m", "holdspace", "outbox", "--send", "-s", str(site.root / "pelicanconf.py")]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "plugins")}
    process = subprocess.Popen(command, cwd=site.root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while len(smtp.mails) < 5 and time.monotonic() < deadline:  # killed once it is well under way
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait()
    first = len(smtp.mails)
    assert 0 < first < 50, "killed in the middle"
    subprocess.run(command, cwd=site.root, env=env, check=True, capture_output=True, timeout=120)
    subjects = [m["Subject"] for m in smtp.mails]
    assert set(subjects) == {f"Message {i}" for i in range(50)}  # every one went out
    assert len(subjects) - 50 <= 1  # at most the one in flight when killed went twice ...
    for subject in {s for s in subjects if subjects.count(s) > 1}:  # ... with the same Message-ID
        assert len({m["Message-ID"] for m in smtp.mails if m["Subject"] == subject}) == 1
    assert outbox.waiting() == [] and outbox.sent_count() == 50


class _Hook(BaseHTTPRequestHandler):
    received: ClassVar[list] = []

    def do_POST(self):
        self.received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_the_webhook_gets_the_same_as_json(tmp_path):
    _Hook.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/hook"
        settings = {**SETTINGS, "MAIL_SMTP_URL": "", "ALERT_WEBHOOK_URL": url}
        outbox = Outbox(str(tmp_path / "outbox"))
        alerts = Alerts(str(tmp_path), outbox, settings, lambda cid: f"make show ID={cid}")
        alerts.arrived(arrival("hurting", crisis=True, author="lanternfish"))
        assert Sender(outbox, Transport(settings)).send_due() == (1, 0)
    finally:
        server.shutdown()
        server.server_close()
    (payload,) = _Hook.received
    assert payload["kind"] == "crisis" and payload["text"].startswith("[crisis] lanternfish")
    assert payload["comments"][0]["author"] == "lanternfish" and payload["comments"][0]["id"] == "hurting"


def test_a_crisis_comment_sent_to_the_intake_reaches_the_moderators_within_a_minute(site, smtp):
    """End to end: the form, the real intake (gunicorn) and its sender, the real SMTP server."""
    from test_intake import form, post, running

    _Hook.received = []
    hook = ThreadingHTTPServer(("127.0.0.1", 0), _Hook)
    threading.Thread(target=hook.serve_forever, daemon=True).start()
    site.write_settings(SITEURL="https://example.org", MAIL_SMTP_URL=smtp.url, MAIL_FROM="alerts@example.org",
                        MODERATOR_EMAILS=["mod@example.org", "second@example.org"],
                        ALERT_WEBHOOK_URL=f"http://127.0.0.1:{hook.server_port}/hook")  # fmt: skip
    site.use_project_rules()
    site.post("t", "Tea and Sympathy")
    try:
        with running(site) as intake:
            started = time.monotonic()
            status, _, _ = post(intake, form(author="lanternfish", email="lantern@example.org",
                                             comment="Some nights I don't want to be here anymore."))  # fmt: skip
            assert status == 200
            (alert,) = smtp.wait_for(1, timeout=60)
            took = time.monotonic() - started
            deadline = time.monotonic() + 30
            while not _Hook.received and time.monotonic() < deadline:
                time.sleep(0.1)
    finally:
        hook.shutdown()
        hook.server_close()
    (payload,) = _Hook.received
    assert payload["kind"] == "crisis" and payload["comments"][0]["author"] == "lanternfish"
    assert "lantern@example.org" not in json.dumps(payload) and "lantern" + "@" not in json.dumps(payload)
    assert took < 60 and alert["Subject"].startswith("[crisis] lanternfish on “Tea and Sympathy”")
    assert alert["To"] == "mod@example.org, second@example.org"
    text = alert.as_string()
    assert "lantern@example.org" not in text and "lantern" + "@" not in text  # never the commenter's address
    assert "make show ID=" in alert.get_content()
    assert "lantern@example.org" not in intake.output


def test_starttls_and_a_login_whose_password_comes_from_the_environment(tmp_path, monkeypatch):
    """smtp://user@host: STARTTLS first (the server requires it), then the login with
    $HOLDSPACE_SMTP_PASSWORD; a wrong password is a failure to try again, not a loss."""
    import ssl

    from aiosmtpd.smtp import AuthResult

    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(tmp_path / "key.pem"),
                    "-out", str(tmp_path / "cert.pem"), "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)  # fmt: skip
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    logins = []

    def authenticator(server, session, envelope, mechanism, data):
        logins.append((data.login, data.password, session.ssl is not None))
        return AuthResult(success=(data.login, data.password) == (b"alerts", b"s3cret"))

    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port(), tls_context=context,
                            require_starttls=True, auth_required=True, authenticator=authenticator)  # fmt: skip
    controller.start()
    try:
        monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "cert.pem"))  # trust the test's own certificate
        settings = {**SETTINGS, "MAIL_SMTP_URL": f"smtp://alerts@127.0.0.1:{controller.port}"}
        outbox = Outbox(str(tmp_path / "outbox"))
        outbox.put(Message("tls-1", "mail", "Over TLS", "Words.", to=["mod@example.org"]))
        clock = [datetime.now(UTC)]
        sender = Sender(outbox, Transport(settings), clock=lambda: clock[0])
        monkeypatch.setenv("HOLDSPACE_SMTP_PASSWORD", "wrong")
        monkeypatch.setattr(
            "holdspace.mail.transport.TIMEOUT", 3
        )  # smtplib then tries LOGIN, which this server leaves hanging
        assert sender.send_due() == (0, 1) and outbox.waiting()[0].attempts == 1  # kept, to try again
        monkeypatch.setenv("HOLDSPACE_SMTP_PASSWORD", "s3cret")
        clock[0] += timedelta(minutes=2)
        assert sender.send_due() == (1, 0)
    finally:
        controller.stop()
    assert [m["Subject"] for m in mailbox.mails] == ["Over TLS"]
    assert logins == [(b"alerts", b"wrong", True), (b"alerts", b"s3cret", True)]  # only ever over TLS


def test_a_webhook_answering_nonsense_is_tried_again_later_and_the_mails_behind_it_still_go(tmp_path, smtp):
    """One message's error is its own: a webhook that answers garbage waits for its next try."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def answer_garbage():
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            with connection:
                connection.recv(65536)
                connection.sendall(b"garbage\r\n\r\n")

    threading.Thread(target=answer_garbage, daemon=True).start()
    settings = {**SETTINGS, "MAIL_SMTP_URL": smtp.url}
    outbox = Outbox(str(tmp_path / "outbox"))
    earlier = (datetime.now(UTC) - timedelta(minutes=5)).isoformat(timespec="seconds")
    outbox.put(Message("a-hook", "webhook", "[crisis] x", "x", url=f"http://127.0.0.1:{port}/", payload={"k": 1},
                       created=earlier, due=earlier))  # fmt: skip
    outbox.put(Message("b-crisis", "mail", "[crisis] lanternfish", "Words.", to=["mod@example.org"]))
    try:
        assert Sender(outbox, Transport(settings)).send_due() == (1, 1)
    finally:
        listener.close()
    assert [m["Subject"] for m in smtp.mails] == ["[crisis] lanternfish"]
    (hook,) = outbox.waiting()
    assert hook.id == "a-hook" and hook.attempts == 1 and hook.due > datetime.now(UTC).isoformat(timespec="seconds")
    assert "BadStatusLine" in hook.last_error or "RemoteDisconnected" in hook.last_error


def test_a_message_not_delivered_in_a_week_is_kept_in_failed_and_not_tried_again(tmp_path):
    outbox = Outbox(str(tmp_path / "outbox"))
    old = (datetime.now(UTC) - timedelta(days=8)).isoformat(timespec="seconds")
    outbox.put(Message("old", "mail", "A digest", "Words.", to=["mod@example.org"], created=old, due=old))
    dead = {**SETTINGS, "MAIL_SMTP_URL": f"smtp://127.0.0.1:{free_port()}"}  # nothing listens there
    assert Sender(outbox, Transport(dead)).send_due() == (0, 1)
    assert outbox.waiting() == [] and [m.id for m in outbox.failed()] == ["old"]
    assert outbox.failed()[0].last_error.startswith("not delivered in 7 days")


def test_an_address_typed_into_the_words_is_masked_in_the_alert(site):
    """The intake refuses such words, but a comment may reach the queue another way (an import)."""
    from holdspace.archive.commentfile import parse_comment
    from holdspace.mail.alerts import arrival as arrival_of
    from holdspace.review.guidelines import load_rules

    raw = b"Author: river\nEmail: river@example.org\nDate: 2025-01-02 10:00\n\nWrite to my sister at sis@example.org, please.\n"
    comment, problems = parse_comment(raw, "queue/t/c9.md", "t", UTC)
    assert problems == [] and comment is not None
    site.use_project_rules()
    found = arrival_of(comment, "Tea", load_rules(site.project().guidelines), frozenset())
    assert found.words == "Write to my sister at <an email address> please." and "@" not in repr(found)


def test_a_message_recorded_sent_but_still_waiting_is_not_sent_again(tmp_path, smtp):
    """A sender killed between writing the sent record and taking the message out of waiting."""
    outbox = Outbox(str(tmp_path / "outbox"))
    outbox.put(Message("once", "mail", "A digest", "Words.", to=["mod@example.org"]))
    (tmp_path / "outbox" / "sent").mkdir()
    (tmp_path / "outbox" / "sent" / "once").write_text("2026-01-01T00:00:00+00:00\n")
    assert Sender(outbox, Transport({**SETTINGS, "MAIL_SMTP_URL": smtp.url})).send_due() == (0, 0)
    assert smtp.mails == [] and outbox.waiting() == [] and outbox.sent_count() == 1
