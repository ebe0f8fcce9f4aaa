"""The reply form's intake over real HTTP on localhost: the service as `make intake` starts
it (gunicorn), in a process of its own. The tests send from 127.0.0.2, so that any sender's
address in what the service prints would show."""

from __future__ import annotations

import contextlib
import http.client
import os
import queue as queues
import re
import socket
import subprocess
import sys
import threading
import time
from urllib.parse import urlencode

import pytest

from conftest import ROOT
from holdspace.archive.commentfile import read_comment
from holdspace.intake.ratelimit import RateLimit
from htmltree import parse

SENDER = "127.0.0.2"  # a loopback address of its own: never the server's, so a leak is visible


class Running:
    """The intake's address, and once it has stopped, everything it printed."""

    def __init__(self, url: str) -> None:
        self.url, self.output = url, ""

    def __str__(self) -> str:
        return self.url

    def __add__(self, other: str) -> str:
        return self.url + other


@contextlib.contextmanager
def running(site, *args):
    conf = site.root / "pelicanconf.py"
    process = subprocess.Popen(
        [sys.executable, "-m", "holdspace", "intake", "--port", "0", "-s", str(conf), *args],
        cwd=site.root, env={**os.environ, "PYTHONPATH": str(ROOT / "plugins")},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    lines: queues.Queue[str] = queues.Queue()
    reader = threading.Thread(target=lambda: [lines.put(line) for line in process.stdout], daemon=True)
    reader.start()
    seen = []
    deadline = time.monotonic() + 30
    while not any("Holdspace intake on http://" in line for line in seen):
        assert time.monotonic() < deadline and process.poll() is None, "".join(seen)
        with contextlib.suppress(queues.Empty):
            seen.append(lines.get(timeout=0.2))
    running = Running(re.search(r"(http://[\d.]+:\d+)/", seen[-1]).group(1))
    try:
        yield running
    finally:
        process.terminate()  # as a service manager stops it: SIGTERM
        process.wait(timeout=30)
        reader.join(timeout=10)
        process.stdout.close()
        running.output = "".join(seen + list(lines.queue))


def post(url, fields=None, data=None, headers=None):
    """(status, page text, response headers) of a POST of ``fields`` (or raw ``data``), sent from SENDER."""
    body = data if data is not None else urlencode(fields or {}).encode("utf-8")
    host, port = str(url).removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=20, source_address=(SENDER, 0))
    try:
        connection.request("POST", "/comment", body=body, headers={
            "Content-Type": "application/x-www-form-urlencoded", **(headers or {})})  # fmt: skip
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8"), response.headers
    finally:
        connection.close()


def form(**changes):
    fields = {
        "post": "t",
        "reply_to": "",
        "author": "Jo",
        "email": "jo@example.org",
        "website": "",
        "comment": "Thank you for writing this. *It helped.*",
        "leave_empty": "",
    }
    fields.update(changes)
    return fields


def queued(site):
    return sorted(
        p.relative_to(site.root / "moderation" / "queue")
        for p in (site.root / "moderation" / "queue").rglob("*")
        if p.is_file()
    )


def every_file(site):
    return sorted(p for p in site.root.rglob("*") if p.is_file() and ".cache" not in p.parts)


@pytest.fixture
def intake_site(site, monkeypatch):
    site.write_settings(STAFF_EMAILS=["sonia@example.org"], SITEURL="https://example.org", COMMENT_INTAKE_RATE_LIMIT=50)
    site.use_project_rules()
    site.post("t", "Tea and Sympathy")
    site.post("shut", "A Closed Post", comments="closed")
    site.post("draft", "Not Yet", status="draft")
    site.page("about", "About Us")
    site.page("ask", "Ask the Moderators", comments="open")
    site.comment("t", "first", "The first comment.", author="Mira")
    monkeypatch.chdir(site.root)
    return site


def test_a_form_lands_in_the_queue_and_make_queue_shows_it(intake_site, capsys):
    site = intake_site
    with running(site) as url:
        status, page, headers = post(url, form(reply_to="first", website="https://jo.example"))
    assert status == 200 and "Thank you: your comment awaits moderation" in page
    [back] = [p for p in parse(page).find_all("p") if "back" in p.classes()]
    assert back.find_all("a")[0].attrs["href"] == "https://example.org/t/#comments"  # back to the thread
    policy = headers["Content-Security-Policy"]  # the site's own, as the page's meta tag says it
    assert headers["Referrer-Policy"] == "no-referrer" and f'content="{policy}"' in page
    assert "default-src 'self'" in policy and "object-src 'none'" in policy and "form-action 'self'" in policy
    [path] = queued(site)
    assert path.parent.name == "t" and re.fullmatch(r"[a-hjkmnp-z2-9]{5}-[a-hjkmnp-z2-9]{5}\.md", path.name)  # short
    comment, problems = read_comment(site.root / "moderation" / "queue" / path, "t", None)
    assert problems == [] and comment.author == "Jo" and comment.email == "jo@example.org"
    assert comment.reply_to == "first" and comment.website == "https://jo.example" and "*It helped.*" in comment.body
    assert not [p for p in (site.root / "moderation" / "queue").rglob(".*")]  # no temporary file left
    capsys.readouterr()
    assert site.cli("queue") == 0
    out = capsys.readouterr().out
    assert "1 comment(s) wait" in out and path.stem in out and "Tea and Sympathy (t)" in out


def test_the_guidelines_hard_rules_refuse_with_clear_messages_and_keep_the_words(intake_site):
    site = intake_site
    cases = {
        "Please give a first name or pseudonym": form(author=""),
        "The name is an email address": form(author="jo@example.org"),
        "is kept for the site&#39;s staff": form(author="Moderator"),
        "Please give your email": form(email=""),
        "does not look like an address": form(email="jo at example"),
        "must be an address starting with http": form(website="javascript:alert(1)"),
        "The comment is empty": form(comment="   "),
        "the guidelines allow 5,000": form(comment="word " * 1100),
        "The comment you reply to is not on this page": form(reply_to="nope"),
        "must be one line": form(author="Jo\nEmail: other@example.org"),
    }
    with running(site) as url:
        for expected, fields in cases.items():
            status, page, _ = post(url, fields)
            assert status == 400 and expected in page, expected
            assert "Your comment was not sent" in page and 'href="https://example.org/t/#respond"' in page
        status, page, _ = post(url, form(comment="<script>alert(1)</script>", email=""))
    assert status == 400 and "&lt;script&gt;alert(1)&lt;/script&gt;</textarea>" in page  # kept, escaped
    with running(site) as url:  # an address that would make a mail go to more than one
        for email in ("jo@example.org,root@example.org", "jo@example.org;x@y.z", "Jo <jo@example.org>"):
            status, page, _ = post(url, form(email=email))
            assert status == 400 and "does not look like an address" in page, email
    assert queued(site) == []


def test_staff_may_use_a_reserved_name(intake_site):
    with running(intake_site) as url:
        assert post(url, form(author="Sonia", email="sonia@example.org"))[0] == 200


def test_unknown_draft_and_closed_threads_are_refused_and_open_pages_accepted(intake_site):
    site = intake_site
    with running(site) as url:
        assert post(url, form(post="no-such-post"))[0] == 404
        assert post(url, form(post="draft"))[0] == 404
        status, page, _ = post(url, form(post="shut"))
        assert status == 403 and "Comments are closed on “A Closed Post”" in page
        assert post(url, form(post="about"))[0] == 403  # a page is closed unless it says open
        status, page, _ = post(url, form(post="ask"))
        assert status == 200 and 'href="https://example.org/pages/ask/#comments"' in page
    assert [p.parent.name for p in queued(site)] == ["ask"]


def test_the_honeypot_answers_as_usual_and_writes_nothing(intake_site):
    with running(intake_site) as url:
        status, page, _ = post(url, form(leave_empty="http://spam.example"))
    assert status == 200 and "awaits moderation" in page
    assert queued(intake_site) == []


@pytest.mark.parametrize(
    "changes",
    [
        {"post": "../../content/comments/t"},
        {"post": "../t"},
        {"post": "t/../../pelicanconf"},
        {"post": "/tmp/elsewhere"},
        {"post": "t/.."},
        {"post": "t\\..\\.."},
        {"post": "t\x00"},
        {"reply_to": "../../../pelicanconf"},
        {"reply_to": "../first"},
    ],
)
def test_nothing_a_form_says_writes_outside_the_queue(intake_site, changes):
    site = intake_site
    before = every_file(site)
    with running(site) as url:
        status, _, _ = post(url, form(**changes))
    assert status in (400, 404)
    assert every_file(site) == before


def test_a_slug_line_that_climbs_out_is_refused(intake_site):
    site = intake_site
    (site.content / "posts" / "evil.md").write_text("Title: Evil\nSlug: ../../escape\n\nBody\n", encoding="utf-8")
    before = every_file(site)
    with running(site) as url:
        assert post(url, form(post="../../escape"))[0] == 404
    assert every_file(site) == before and not (site.root.parent / "escape").exists()


def test_size_limit_and_unreadable_forms(intake_site):
    site = intake_site
    site.write_settings(SITEURL="https://example.org", COMMENT_INTAKE_MAX_BYTES=2000)
    with running(site) as url:
        status, page, _ = post(url, form(comment="x" * 3000))
        assert status == 413 and "larger than this site takes (2,000 bytes)" in page
        status, page, _ = post(url, data=urlencode(form()).encode() + b"&author=%ff%fe")  # %-escaped, not UTF-8
        assert status == 400 and "could not be read" in page
        status, page, _ = post(url, data=urlencode(form(author="")).encode().replace(b"author=", b"author=\xff"))
        assert status == 400 and "could not be read" in page  # raw bytes, not UTF-8
        assert post(url, data=b"{}", headers={"Content-Type": "application/json"})[0] == 415
        assert post(url, data="&".join(f"f{i}=1" for i in range(100)).encode())[0] == 400  # too many fields
    assert queued(site) == []


def test_one_address_is_limited_and_the_proxy_header_counts_when_allowed(intake_site):
    site = intake_site
    site.write_settings(SITEURL="https://example.org", COMMENT_INTAKE_RATE_LIMIT=2, COMMENT_INTAKE_FORWARDED_FOR=True)
    with running(site) as url:
        one = {"X-Forwarded-For": "203.0.113.9"}
        assert [post(url, form(), headers=one)[0] for _ in range(2)] == [200, 200]
        status, page, headers = post(url, form(), headers=one)
        assert status == 429 and int(headers["Retry-After"]) > 500 and "wait about 10 minute(s)" in page
        assert post(url, form(), headers={"X-Forwarded-For": "198.51.100.7"})[0] == 200  # another reader
    assert len(queued(site)) == 3


def test_the_rate_limit_forgets_after_its_window():
    now = [0.0]
    limit = RateLimit(2, 60, clock=lambda: now[0])
    assert [limit.allow("a"), limit.allow("a")] == [0, 0] and limit.allow("a") == 60
    assert limit.allow("b") == 0
    now[0] = 61.0
    assert limit.allow("a") == 0


def test_no_address_is_logged(intake_site):
    with running(intake_site) as intake:
        post(intake, form())
        post(intake, form(author=""))
    assert "queued: moderation/queue/t/" in intake.output and "refused (400)" in intake.output
    assert SENDER not in intake.output
    assert "Intake stopped: 1 comment(s) queued, 1 refused, 0 over the rate limit" in intake.output


def test_the_built_form_posts_to_the_intake_and_its_post_lands_in_the_queue(intake_site):
    """End to end: the theme's form, as built, filled in as a reader would, sent to the service."""
    site = intake_site
    with running(site) as url:
        built = site.build(COMMENT_INTAKE_URL=url + "/comment")
        doc = parse(built.html("t/index.html"))
        [html_form] = doc.find_all("form", class_="comment-form")
        assert html_form.attrs["action"] == url + "/comment" and html_form.attrs["method"] == "post"
        assert f"form-action 'self' {url}/comment" in built.html("t/index.html")  # the CSP allows it
        fields = {e.attrs["name"]: e.attrs.get("value") or "" for e in html_form.find_all("input")}
        assert set(fields) == {"post", "reply_to", "author", "email", "website", "leave_empty"}
        fields.update(author="Ren", email="ren@example.org", comment="Reading this at 3am helped.")
        status, page, _ = post(url, fields)
    assert status == 200 and "awaits moderation" in page
    [path] = queued(site)
    assert path.parent.name == "t"


def test_make_intake_says_when_the_port_is_taken(intake_site, capsys):
    with running(intake_site) as url:
        port = str(url).rsplit(":", 1)[1]
        assert intake_site.cli("intake", "--port", port) == 2
    assert "cannot listen for forms:" in capsys.readouterr().err


def raw_request(url, data: bytes, half_close: bool = True) -> bytes:
    """Send ``data`` on a socket as it is, from SENDER; what comes back (b"" when nothing does)."""
    host, port = str(url).removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=20, source_address=(SENDER, 0)) as sock:
        sock.sendall(data)
        if half_close:
            sock.shutdown(socket.SHUT_WR)
        chunks = []
        with contextlib.suppress(OSError):
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks)


def test_requests_that_are_not_a_whole_form_are_refused_and_leave_no_trace(intake_site):
    """What gunicorn refuses itself (a malformed length, chunks in HTTP/1.0) and what the intake
    refuses (no length, chunks, a body cut short) get an answer, and nothing is queued."""
    site = intake_site
    body = urlencode(form()).encode()
    with running(site) as url:
        assert raw_request(url, b"GET / HTTP/1.0\r\n\r\n").startswith(b"HTTP/1.0 200")
        head = raw_request(url, b"HEAD / HTTP/1.0\r\n\r\n")
        assert head.startswith(b"HTTP/1.0 200") and head.endswith(b"\r\n\r\n")  # no body
        assert raw_request(url, b"GET /x HTTP/1.0\r\n\r\n").startswith(b"HTTP/1.0 404")
        assert raw_request(url, b"PUT / HTTP/1.0\r\n\r\n").startswith(b"HTTP/1.0 405")
        start = b"POST /comment HTTP/1.0\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        assert raw_request(url, start + b"\r\n" + body).startswith(b"HTTP/1.0 411")  # no length
        chunked = (
            start.replace(b"1.0", b"1.1") + b"Host: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"
        )
        assert raw_request(url, chunked).startswith(b"HTTP/1.1 411")
        assert raw_request(url, start + b"Transfer-Encoding: chunked\r\n\r\n").startswith(b"HTTP/1.1 400")
        two = b"Content-Length: 5\r\nContent-Length: 6\r\n\r\n"
        assert raw_request(url, start + two + body).startswith(b"HTTP/1.1 400")
        for bad in (b"-5", b"+5", b"1_0", b"5x"):
            assert raw_request(url, start + b"Content-Length: " + bad + b"\r\n\r\n")[:12] in (
                b"HTTP/1.1 400",
                b"HTTP/1.0 400",
            )
        short = raw_request(url, start + f"Content-Length: {len(body) + 500}\r\n\r\n".encode() + body)
        assert short.startswith(b"HTTP/1.0 400") and b"did not arrive whole" in short  # cut off: not queued
        # A reader who leaves before the answer: the form is handled, and nothing is printed of them.
        raw_request(url, start + f"Content-Length: {len(body)}\r\n\r\n".encode() + body, half_close=False)
    assert "Invalid request: " in url.output  # gunicorn's warning, printed without the sender
    assert SENDER not in url.output and "Traceback" not in url.output
    assert len(queued(site)) <= 1


def test_a_queue_that_cannot_be_written_says_so_and_gives_the_words_back(intake_site, tmp_path):
    site = intake_site
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (site.root / "moderation" / "queue" / "t").symlink_to(elsewhere)  # a linked folder: refused
    (site.root / "moderation" / "queue" / "ask").write_text("not a folder", encoding="utf-8")
    with running(site) as url:
        for thread in ("t", "ask"):
            status, page, _ = post(url, form(post=thread, comment="Words worth keeping."))
            assert status == 503, status
            assert "could not be saved just now" in page, page
            assert "Words worth keeping.</textarea>" in page
    assert list(elsewhere.iterdir()) == []
    assert not [p for p in (site.root / "moderation" / "queue").rglob(".*") if p.is_file()]


def test_control_characters_are_refused_and_line_breaks_count_as_one(intake_site):
    site = intake_site
    with running(site) as url:
        status, page, _ = post(url, form(comment="Hello \x1b]0;PWNED\x07 there"))
        assert status == 400 and "control characters" in page
        status, page, _ = post(url, form(website="https://x.example/\x9b31m"))
        assert status == 400 and "The website must be one line of text." in page
        lines = "\r\n".join(["word " * 19 + "word"] * 50)  # 4,999 characters once CRLF is LF
        assert len(lines) > 5000 > len(lines.replace("\r\n", "\n"))
        assert post(url, form(comment=lines))[0] == 200


def test_the_guidelines_are_read_again_for_every_form(intake_site):
    site = intake_site
    with running(site) as url:
        assert post(url, form(comment="x" * 300))[0] == 200
        rules = site.root / "moderation" / "guidelines.toml"
        rules.write_text(rules.read_text("utf-8").replace("max_characters = 5000", "max_characters = 200"), "utf-8")
        status, page, _ = post(url, form(comment="x" * 300))
    assert status == 400 and "the guidelines allow 200" in page


def test_the_rate_limit_is_safe_across_threads_bounded_and_counts_ipv6_by_its_64():
    limit = RateLimit(3, 600, capacity=500)
    errors = []

    def hammer(n):
        try:
            for i in range(2000):
                limit.allow(f"10.{n}.{i // 250}.{i % 250}")
        except Exception as e:
            errors.append(e)

    threads = [threading.Thread(target=hammer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(limit.seen) <= 500
    one = RateLimit(2, 600)
    assert [one.allow("2001:db8::1"), one.allow("2001:db8::ffff")] == [0, 0]
    assert one.allow("2001:db8::1234:5678") > 0  # the same /64
    assert one.allow("2001:db8:0:1::1") == 0  # another /64


def test_moderation_commands_never_print_a_commenters_escape_sequences(intake_site, capsys):
    site = intake_site
    site.comment(
        "t", "esc", "Look \x1b[31mred\x1b[0m and \x1b]8;;https://evil.example\x07link", folder="moderation/queue"
    )
    capsys.readouterr()
    assert site.cli("show", "esc") == 0
    assert site.cli("queue") == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "?[31mred" in out


def test_a_post_closed_while_the_intake_runs_is_closed_to_the_next_form(intake_site):
    site = intake_site
    with running(site) as url:
        assert post(url, form())[0] == 200
        path = site.content / "posts" / "t.md"
        path.write_text(path.read_text("utf-8").replace("Slug: t", "Slug: t\nComments: closed"), encoding="utf-8")
        assert post(url, form())[0] == 403


def test_a_sender_that_stalls_is_cut_off(intake_site):
    """A request whose headers stop coming holds no thread: its connection is closed after the
    pause the service allows (10 s), and the others are answered meanwhile."""
    with running(intake_site) as url:
        host, port = str(url).removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=30, source_address=(SENDER, 0)) as sock:
            sock.sendall(b"POST /comment HTTP/1.0\r\n")  # and then the headers never end
            started = time.monotonic()
            assert post(url, form())[0] == 200  # served while that one stalls
            assert sock.recv(100) == b""  # the server shut the connection
            assert 8 < time.monotonic() - started < 20
    assert SENDER not in url.output and "Traceback" not in url.output


def test_a_broken_rules_file_stops_the_intake_before_it_takes_a_form(intake_site, capsys):
    rules = intake_site.root / "moderation" / "guidelines.toml"
    rules.write_text(rules.read_text(encoding="utf-8") + "\n[length]\nmax_characters = 10\n", encoding="utf-8")
    assert intake_site.cli("intake", "--port", "0") == 2
    err = capsys.readouterr().err
    assert "guidelines.toml:" in err and "this is not valid TOML" in err and "Traceback" not in err
