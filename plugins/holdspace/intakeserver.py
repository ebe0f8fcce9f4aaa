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
import logging
import signal
import sys
import threading
from collections import Counter
from collections.abc import Mapping, Sequence
from html import escape
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .avatars import SecretMissing
from .decisions import ModerationError, open_project, project_threads
from .guidelines import RulesError
from .intake import FIELDS, Intake, Outcome, RateLimit
from .postindex import PostInfo
from .problems import display_path
from .settings import SettingsError

logger = logging.getLogger("holdspace.intake")

MAX_FIELDS = 2 * len(FIELDS)  # parse_qs refuses a form with more fields than this
TIMEOUT = 20  # seconds a connection may take to send its form (a slow sender holds a thread)


def thread_url(settings: Mapping[str, Any], post: PostInfo) -> str | None:
    """The URL of a post or page, from ARTICLE_URL or PAGE_URL as Pelican fills them
    for the fields the intake knows ({slug}, {lang}, {date}); None for other fields."""
    pattern = settings.get("PAGE_URL" if post.page else "ARTICLE_URL", "{slug}.html")
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
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            self._refuse(HTTPStatus.LENGTH_REQUIRED, "Please send the form from the site's page.")
            return
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            self._refuse(HTTPStatus.LENGTH_REQUIRED, "Please send the form from the site's page.")
            return
        if length < 0 or length > service.max_bytes:
            service.count("refused")
            self._refuse(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                f"The form is larger than this site takes ({service.max_bytes:,} bytes). Please shorten your comment.",
            )
            return
        wait = service.limit.allow(self._address())
        if wait:
            service.count("limited")
            minutes = max(1, round(wait / 60))
            self._refuse(
                HTTPStatus.TOO_MANY_REQUESTS,
                f"Many comments came from your address just now. "
                f"Please wait about {minutes} minute(s) and send it again.",
                {"Retry-After": str(int(wait) + 1)},
            )
            return
        try:
            raw = self.rfile.read(length).decode("utf-8")
            form = {k: v[0] for k, v in parse_qs(raw, keep_blank_values=True, max_num_fields=MAX_FIELDS).items()}
        except (UnicodeDecodeError, ValueError):
            service.count("refused")
            self._refuse(HTTPStatus.BAD_REQUEST, "The form could not be read. Please send it again from the site.")
            return
        outcome = service.intake.submit(form)
        self._answer(outcome, form)

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

    def _refuse(self, status: HTTPStatus, message: str, headers: Mapping[str, str] | None = None) -> None:
        logger.info("refused (%d): %s", status, message)
        self.close_connection = True  # the body may be unread
        self._page(status, "Your comment was not sent", [message], self.service.back_link(None), headers=headers)

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
            self.wfile.write(body)

    def _address(self) -> str:
        if self.service.forwarded_for:
            forwarded = self.headers.get("X-Forwarded-For", "")
            if forwarded.strip():
                return forwarded.split(",")[-1].strip()  # the address the proxy saw
        return self.client_address[0]

    def log_message(self, format: str, *args: object) -> None:
        """No access log: it would keep the senders' addresses."""


def make_server(root: str, settings_file: str, host: str | None = None, port: int | None = None) -> ThreadingHTTPServer:
    """The server for the project at ``root``, not yet serving (port 0: any free one)."""
    from .moderate import post_slug  # Pelican's slug rule, for posts without a Slug: line

    project = open_project(root, settings_file, post_slug)
    settings = project.settings
    intake = Intake(
        project.queue,
        project.comments,
        lambda: project_threads(project.content, settings, post_slug),
        project.rules,
        project.staff,
        settings["COMMENTS_CLOSE_AFTER_DAYS"],
    )
    limit = RateLimit(settings["COMMENT_INTAKE_RATE_LIMIT"], settings["COMMENT_INTAKE_RATE_WINDOW"])
    handler = type("BoundHandler", (Handler,), {"service": Service(intake, limit, settings)})
    server = ThreadingHTTPServer(
        (host or settings["COMMENT_INTAKE_HOST"], settings["COMMENT_INTAKE_PORT"] if port is None else port), handler
    )
    server.daemon_threads = True
    return server


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
