"""`make intake`: the small web service the reply form posts to (COMMENT_INTAKE_URL).

    python -m holdspace.intakeserver [--root .] [--settings pelicanconf.py] [--host H] [--port P]

It answers a POST of the form (application/x-www-form-urlencoded, at most
COMMENT_INTAKE_MAX_BYTES) with a page: "your comment awaits moderation" and a
link back, or what to fix. ``intake.Intake`` does the checking and writing;
this module is HTTP only (the standard library's server, one thread per
request). It logs one line per form without the sender's address, and a
summary when it stops (Ctrl-C).
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import re
import signal
import socket
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from html import escape
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .avatars import SecretMissing
from .decisions import ModerationError, open_project, project_threads, thread_folders
from .guidelines import GUIDELINES_FILE, RulesError, load_rules
from .intake import FIELDS, Intake, Outcome, RateLimit, leftovers
from .postindex import PostInfo
from .problems import display_path
from .settings import SettingsError
from .slugs import post_slug

logger = logging.getLogger("holdspace.intake")

MAX_FIELDS = 2 * len(FIELDS)  # parse_qs refuses a form with more fields than this
TIMEOUT = 10  # seconds a connection may wait between two pieces of its request
BODY_DEADLINE = 30  # seconds a form's body may take to arrive in all
REQUEST_DEADLINE = 45  # seconds a whole request may take, headers and answer too
MAX_CONNECTIONS = 32  # at once; more are told to come back (each holds a thread)
LENGTH = re.compile(r"[0-9]{1,12}")


def thread_url(settings: Mapping[str, Any], post: PostInfo) -> str | None:
    """The URL of a post or page, from ARTICLE_URL or PAGE_URL as Pelican fills them
    for the fields the intake knows ({slug}, {lang}, {date}); None for other fields."""
    key = "PAGE_URL" if post.page else "ARTICLE_URL"
    pattern = settings.get(key)
    if not pattern:  # Pelican's default, for settings files that leave it out
        from pelican.settings import DEFAULT_CONFIG

        pattern = DEFAULT_CONFIG[key]
    try:
        return pattern.format(slug=post.slug, lang=settings.get("DEFAULT_LANG", "en"), date=post.date)
    except (KeyError, IndexError, AttributeError, ValueError, TypeError):
        return None


class Service:
    """What every request shares: the intake, the limit, the counts, the site's address."""

    def __init__(self, intake: Intake, limit: RateLimit, settings: Mapping[str, Any]) -> None:
        self.intake, self.limit, self.settings = intake, limit, settings
        self.siteurl = (settings["COMMENT_INTAKE_SITEURL"] or settings.get("SITEURL") or "").rstrip("/")
        self.max_bytes = settings["COMMENT_INTAKE_MAX_BYTES"]
        self.forwarded_for = settings["COMMENT_INTAKE_FORWARDED_FOR"]
        self.counts: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.warned_proxy = False

    def count(self, what: str) -> None:
        with self.lock:
            self.counts[what] += 1

    def back_link(self, post: PostInfo | None) -> tuple[str, str]:
        """(href, words) of the link back to the thread, or to the site's front page."""
        url = thread_url(self.settings, post) if post is not None else None
        if post is None or url is None:
            return f"{self.siteurl}/", "Back to the site"
        return f"{self.siteurl}/{url}", f"Back to “{post.title}”"

    def summary(self) -> str:
        c = self.counts
        return (
            f"Intake stopped: {c['queued']} comment(s) queued, {c['refused']} refused, "
            f"{c['limited']} over the rate limit, {c['trapped']} caught by the honeypot."
        )


class Handler(BaseHTTPRequestHandler):
    server_version = "Holdspace-intake"
    sys_version = ""
    timeout = TIMEOUT
    service: Service  # set on the subclass made by make_server

    def do_GET(self) -> None:
        if urlsplit(self.path).path not in ("/", ""):
            self._page(HTTPStatus.NOT_FOUND, "Not here", ["This service only takes the reply form."])
            return
        self._page(
            HTTPStatus.OK, "Holdspace intake", ["This service takes the reply form of the site. Nothing to see."]
        )

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_POST(self) -> None:
        service = self.service
        kind = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if kind != "application/x-www-form-urlencoded":
            self._refuse(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "Please send the form from the site's page.")
            return
        lengths = self.headers.get_all("Content-Length") or []
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower() or len(lengths) != 1:
            self._refuse(HTTPStatus.LENGTH_REQUIRED, "Please send the form from the site's page.")
            return
        if not LENGTH.fullmatch(lengths[0].strip()):
            self._refuse(HTTPStatus.BAD_REQUEST, "Please send the form from the site's page.")
            return
        length = int(lengths[0])
        if length > service.max_bytes:
            service.count("refused")
            self._refuse(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                f"The form is larger than this site takes ({service.max_bytes:,} bytes). Please shorten your comment.",
            )
            return
        raw = self._body(length)
        if raw is None:
            service.count("refused")
            self._refuse(HTTPStatus.BAD_REQUEST, "The form did not arrive whole. Please send it again.")
            return
        try:
            pairs = parse_qs(raw.decode("utf-8"), keep_blank_values=True, max_num_fields=MAX_FIELDS, errors="strict")
            form = {k: v[0] for k, v in pairs.items()}
        except ValueError:  # not UTF-8 (raw or %-escaped), or too many fields
            service.count("refused")
            self._refuse(HTTPStatus.BAD_REQUEST, "The form could not be read. Please send it again from the site.")
            return
        wait = service.limit.allow(self._address())
        if wait:
            service.count("limited")
            minutes = max(1, round(wait / 60))
            self._refuse(
                HTTPStatus.TOO_MANY_REQUESTS,
                "Many comments came from your address just now. "
                f"Please wait about {minutes} minute(s) and send it again.",
                {"Retry-After": str(int(wait) + 1)},
                kept=form.get("comment", ""),
            )
            return
        try:
            outcome = service.intake.submit(form)
        except (OSError, ValueError) as e:  # the queue cannot be written: say so, give the words back
            logger.error("not queued: %s", e.__class__.__name__)
            service.count("refused")
            self._refuse(
                HTTPStatus.SERVICE_UNAVAILABLE,
                "Your comment could not be saved just now. Please copy it, and send it again later.",
                kept=form.get("comment", ""),
            )
            return
        self._answer(outcome, form)

    def _body(self, length: int) -> bytes | None:
        """The form's ``length`` bytes, or None when they do not all arrive within BODY_DEADLINE seconds."""
        deadline = time.monotonic() + BODY_DEADLINE
        parts, left = [], length
        while left:
            if time.monotonic() > deadline:
                return None
            try:
                chunk = self.rfile.read1(min(left, 16384))
            except OSError:  # a timeout too
                return None
            if not chunk:  # the sender stopped short
                return None
            parts.append(chunk)
            left -= len(chunk)
        return b"".join(parts)

    def _answer(self, outcome: Outcome, form: Mapping[str, str]) -> None:
        service = self.service
        href, words = service.back_link(outcome.post)
        if outcome.status == 200:
            service.count("trapped" if outcome.trapped else "queued")
            where = display_path(outcome.path) if outcome.path else "nowhere (honeypot filled)"
            logger.info("queued: %s", where)
            self._page(
                HTTPStatus.OK,
                "Thank you: your comment awaits moderation",
                [
                    "A volunteer moderator reads every comment before it appears. "
                    "Yours will show on the page once it is approved.",
                    "Your email is never published.",
                ],
                (f"{href}#comments", words),
            )
            return
        service.count("refused")
        logger.info("refused (%d): %s", outcome.status, " ".join(outcome.problems))
        title = "Your comment was not sent" if outcome.status == 400 else "This comment cannot be taken"
        kept = form.get("comment", "")  # nothing is lost: the words come back to be copied
        self._page(HTTPStatus(outcome.status), title, outcome.problems, (f"{href}#respond", words), kept)

    def _refuse(
        self, status: HTTPStatus, message: str, headers: Mapping[str, str] | None = None, kept: str = ""
    ) -> None:
        logger.info("refused (%d): %s", status, message)
        self.close_connection = True  # the body may be unread
        back = self.service.back_link(None)
        self._page(status, "Your comment was not sent", [message], back, kept=kept, headers=headers)

    def _page(
        self,
        status: HTTPStatus,
        title: str,
        paragraphs: Sequence[str],
        link: tuple[str, str] | None = None,
        kept: str = "",
        headers: Mapping[str, str] | None = None,
    ) -> None:
        items = "".join(f"<li>{escape(p)}</li>" for p in paragraphs) if status >= 400 else ""
        text = "".join(f"<p>{escape(p)}</p>" for p in paragraphs) if status < 400 else ""
        back = f'<p><a href="{escape(link[0])}">{escape(link[1])}</a></p>' if link else ""
        copy = (
            '<p><label for="kept">Your words, to copy before you go back:</label></p>'
            f'<textarea id="kept" rows="8" cols="60" readonly>{escape(kept)}</textarea>'
            if kept
            else ""
        )
        body = (
            '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            '<meta name="robots" content="noindex">'
            f"<title>{escape(title)}</title></head>"
            f"<body><main><h1>{escape(title)}</h1>{text}{'<ul>' + items + '</ul>' if items else ''}{copy}{back}"
            "</main></body></html>\n"
        ).encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Content-Security-Policy", "default-src 'none'; base-uri 'none'; form-action 'none'")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            try:
                self.wfile.write(body)
            except ConnectionError:  # the reader left; what they sent is handled already
                pass

    def _address(self) -> str:
        forwarded = self.headers.get("X-Forwarded-For", "")
        if self.service.forwarded_for:
            if forwarded.strip():
                return forwarded.split(",")[-1].strip()  # the address the proxy saw
        elif forwarded and not self.service.warned_proxy:
            self.service.warned_proxy = True
            logger.warning(
                "forms come through a proxy (X-Forwarded-For), but COMMENT_INTAKE_FORWARDED_FOR is False: "
                "every sender shares one rate limit; set it to True behind a proxy you run"
            )
        return self.client_address[0]

    def log_message(self, format: str, *args: object) -> None:
        """No access log: it would keep the senders' addresses."""


def _shut(sock) -> None:  # type: ignore[no-untyped-def]
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


class ThreadsCache:
    """The posts and pages, read again only when a file of theirs changed (a stat per file,
    not a read: 1,000 posts cost 89 ms to read and a few to stat)."""

    def __init__(self, folders: Sequence[str], read: Callable[[], dict[str, PostInfo]], skip: str = "") -> None:
        self.folders, self.read, self.skip = folders, read, skip  # skip: the comments, below PATH
        self.key: tuple | None = None
        self.value: dict[str, PostInfo] = {}
        self.lock = threading.Lock()

    def __call__(self) -> dict[str, PostInfo]:
        key = tuple(sorted(_stats(self.folders, self.skip)))
        with self.lock:
            if key != self.key:
                self.value, self.key = self.read(), key
            return self.value


def _stats(folders: Sequence[str], skip: str) -> list[tuple[str, int, int]]:
    found = []
    for folder in folders:
        for path, dirs, files in os.walk(folder):
            dirs[:] = [d for d in dirs if not d.startswith(".") and os.path.join(path, d) != skip]
            found.append((path, os.stat(path).st_mtime_ns, 0))
            for name in files:
                with contextlib.suppress(OSError):
                    st = os.stat(os.path.join(path, name))
                    found.append((os.path.join(path, name), st.st_mtime_ns, st.st_size))
    return found


class IntakeServer(ThreadingHTTPServer):
    """One thread per connection, at most MAX_CONNECTIONS at once; an error is logged by
    its kind alone (the standard server prints the sender's address with it)."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler]) -> None:
        super().__init__(address, handler)
        self.slots = threading.BoundedSemaphore(MAX_CONNECTIONS)

    def process_request(self, request, client_address) -> None:  # type: ignore[no-untyped-def]
        if not self.slots.acquire(blocking=False):
            with contextlib.suppress(OSError):
                request.sendall(b"HTTP/1.0 503 Service Unavailable\r\nRetry-After: 10\r\nContent-Length: 0\r\n\r\n")
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request, client_address) -> None:  # type: ignore[no-untyped-def]
        # A whole request, headers too, gets REQUEST_DEADLINE seconds: then its socket is shut.
        watchdog = threading.Timer(REQUEST_DEADLINE, _shut, (request,))
        watchdog.daemon = True
        watchdog.start()
        try:
            super().process_request_thread(request, client_address)
        finally:
            watchdog.cancel()
            self.slots.release()

    def handle_error(self, request, client_address) -> None:  # type: ignore[no-untyped-def]
        kind = sys.exc_info()[0]
        logger.error("a request failed: %s", kind.__name__ if kind else "unknown error")


def make_server(root: str, settings_file: str, host: str | None = None, port: int | None = None) -> IntakeServer:
    """The server for the project at ``root``, not yet serving (port 0: any free one)."""
    project = open_project(root, settings_file, post_slug)
    settings = project.settings
    intake = Intake(
        project.queue,
        project.comments,
        ThreadsCache(
            [folder for folders in thread_folders(project.content, settings) for folder in folders],
            lambda: project_threads(project.content, settings, post_slug),
            skip=project.comments,
        ),
        lambda: load_rules(os.path.join(project.moderation, GUIDELINES_FILE)),  # edits apply to the next form
        project.staff,
        settings["COMMENTS_CLOSE_AFTER_DAYS"],
    )
    limit = RateLimit(settings["COMMENT_INTAKE_RATE_LIMIT"], settings["COMMENT_INTAKE_RATE_WINDOW"])
    handler = type("BoundHandler", (Handler,), {"service": Service(intake, limit, settings)})
    return IntakeServer(
        (host or settings["COMMENT_INTAKE_HOST"], settings["COMMENT_INTAKE_PORT"] if port is None else port), handler
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", default=".", help="the project folder (default: here)")
    parser.add_argument("--settings", default="pelicanconf.py", help="the settings file (default: pelicanconf.py)")
    parser.add_argument("--host", help="the address to listen on (default: COMMENT_INTAKE_HOST)")
    parser.add_argument("--port", type=int, help="the port (default: COMMENT_INTAKE_PORT)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stdout)
    try:
        server = make_server(args.root, args.settings, args.host, args.port)
    except (SettingsError, RulesError, ModerationError, SecretMissing) as e:
        print(e, file=sys.stderr)
        return 2
    except FileNotFoundError as e:
        print(f"{e.filename}: not found; run make intake from the project folder", file=sys.stderr)
        return 2
    except OSError as e:  # the port is taken, or the address is not this machine's
        print(
            f"cannot listen for forms: {e.strerror}; choose another port with make intake INTAKE_PORT=<port> "
            "(or the setting COMMENT_INTAKE_PORT)",
            file=sys.stderr,
        )
        return 2
    host, port = str(server.server_address[0]), server.server_address[1]
    service: Service = server.RequestHandlerClass.service  # type: ignore[attr-defined]
    queue = display_path(service.intake.queue)
    print(f"Holdspace intake on http://{host}:{port}/ : forms become files in {queue}/. Ctrl-C stops it.")
    for path in leftovers(service.intake.queue):
        print(f"{display_path(path)}:1: left by an interrupted write, never queued; read it, then delete it")
    if not service.settings.get("COMMENT_INTAKE_URL"):
        print("Note: COMMENT_INTAKE_URL is not set, so the site's pages do not post here yet (see the README).")
    signal.signal(signal.SIGTERM, _stop)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        print(service.summary())
    return 0


def _stop(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # a service manager's stop: the same summary as Ctrl-C


if __name__ == "__main__":
    sys.exit(main())
