"""The small web service the reply form posts to (COMMENT_INTAKE_URL), started by
``holdspace intake`` (``cli.intake``).

It answers a POST of the form (application/x-www-form-urlencoded, at most
COMMENT_INTAKE_MAX_BYTES) with a page: "your comment awaits moderation" and a
link back, or what to fix. ``forms.Intake`` does the checking and writing;
this module is HTTP only (the standard library's server, one thread per
request). It logs one line per form without the sender's address, and a
summary when it stops (Ctrl-C).
"""

from __future__ import annotations

import contextlib
import logging
import re
import socket
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from ..archive.posts import PostsCache
from ..archive.project import Project
from ..problems import display_path
from ..review.guidelines import load_rules
from ..review.verdicts import staff_set
from .forms import FIELDS, Intake, Outcome
from .pages import page
from .ratelimit import RateLimit
from .service import Service

logger = logging.getLogger("holdspace.intake")

MAX_FIELDS = 2 * len(FIELDS)  # parse_qs refuses a form with more fields than this
TIMEOUT = 10  # seconds a connection may wait between two pieces of its request
BODY_DEADLINE = 30  # seconds a form's body may take to arrive in all
REQUEST_DEADLINE = 45  # seconds a whole request may take, headers and answer too
MAX_CONNECTIONS = 32  # at once; more are told to come back (each holds a thread)
LENGTH = re.compile(r"[0-9]{1,12}")


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
        form = self._form()
        if form is None:
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

    def _form(self) -> dict[str, str] | None:
        """The form's fields; None when it was refused (answered here)."""
        service = self.service
        kind = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        lengths = self.headers.get_all("Content-Length") or []
        if kind != "application/x-www-form-urlencoded":
            self._refuse(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "Please send the form from the site's page.")
        elif "chunked" in self.headers.get("Transfer-Encoding", "").lower() or len(lengths) != 1:
            self._refuse(HTTPStatus.LENGTH_REQUIRED, "Please send the form from the site's page.")
        elif not LENGTH.fullmatch(lengths[0].strip()):
            self._refuse(HTTPStatus.BAD_REQUEST, "Please send the form from the site's page.")
        elif int(lengths[0]) > service.max_bytes:
            service.count("refused")
            self._refuse(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                f"The form is larger than this site takes ({service.max_bytes:,} bytes). Please shorten your comment.",
            )
        else:
            raw = self._body(int(lengths[0]))
            if raw is None:
                service.count("refused")
                self._refuse(HTTPStatus.BAD_REQUEST, "The form did not arrive whole. Please send it again.")
                return None
            try:
                pairs = parse_qs(
                    raw.decode("utf-8"), keep_blank_values=True, max_num_fields=MAX_FIELDS, errors="strict"
                )
                return {k: v[0] for k, v in pairs.items()}
            except ValueError:  # not UTF-8 (raw or %-escaped), or too many fields
                service.count("refused")
                self._refuse(HTTPStatus.BAD_REQUEST, "The form could not be read. Please send it again from the site.")
        return None

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
        body = page(status < 400, title, paragraphs, link, kept)
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


def make_server(project: Project, host: str | None = None, port: int | None = None) -> IntakeServer:
    """The server for ``project``, not yet serving (port 0: any free one). The rules file is
    read now, so a mistake in it stops the service before it takes a form (RulesError)."""
    settings = project.settings
    load_rules(project.guidelines)
    intake = Intake(
        project.queue,
        project.comments,
        PostsCache(
            [folder for folders in project.thread_folders() for folder in folders],
            project.threads,
            skip=project.comments,
        ),
        lambda: load_rules(project.guidelines),  # edits apply to the next form
        staff_set(settings["STAFF_EMAILS"]),
        settings["COMMENTS_CLOSE_AFTER_DAYS"],
    )
    limit = RateLimit(settings["COMMENT_INTAKE_RATE_LIMIT"], settings["COMMENT_INTAKE_RATE_WINDOW"])
    handler = type("BoundHandler", (Handler,), {"service": Service(intake, limit, settings)})
    return IntakeServer(
        (host or settings["COMMENT_INTAKE_HOST"], settings["COMMENT_INTAKE_PORT"] if port is None else port), handler
    )
