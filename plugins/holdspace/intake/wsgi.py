"""The reply form's service as a WSGI application, served by gunicorn (``runner``).

It answers a POST of the form (application/x-www-form-urlencoded, at most
COMMENT_INTAKE_MAX_BYTES) with a page: "your comment awaits moderation" and a
link back, or what to fix with the words given back. ``forms.Intake`` does the
checking and writing; this module is HTTP only. It logs one line per form
without the sender's address; the counts go into the summary when it stops.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import socket
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs

from ..archive.posts import PostsCache
from ..archive.project import Project
from ..mail.alerts import Alerts, arrival
from ..mail.notices import Notices
from ..mail.outbox import Outbox
from ..mail.sender import Sender
from ..mail.subscriptions import LIVE, REPLIES, Subscriptions
from ..mail.transport import Transport
from ..problems import HoldspaceError, display_path
from ..review.guidelines import load_rules
from ..review.verdicts import staff_set
from . import answers, links
from .forms import FIELDS, Intake, Outcome
from .ratelimit import RateLimit
from .service import Service

logger = logging.getLogger("holdspace.intake")

MAX_FIELDS = 2 * len(FIELDS)  # parse_qs refuses a form with more fields than this
TIMEOUT = 10  # seconds a form's body may pause between two pieces
BODY_DEADLINE = 30  # seconds a form's body may take to arrive in all
LENGTH = re.compile(r"[0-9]{1,12}")
SEND_FROM_THE_SITE = "Please send the form from the site's page."
HEADERS = [
    ("Content-Type", "text/html; charset=utf-8"),
    ("Cache-Control", "no-store"),
    ("Referrer-Policy", "no-referrer"),
    ("X-Content-Type-Options", "nosniff"),
]
StartResponse = Callable[..., Any]


class Answer(Exception):
    """A request refused before its form was read: the status, the message, more headers."""

    def __init__(self, status: HTTPStatus, message: str, headers: Sequence[tuple[str, str]] = (),
                 form: Mapping[str, str] | None = None):  # fmt: skip
        super().__init__(message)
        self.status, self.message, self.headers, self.form = status, message, list(headers), form


@dataclass(frozen=True)
class Reply:
    """How to answer this request: WSGI's start_response, and where a form sent back posts to."""

    start_response: StartResponse
    action: str


class IntakeApp:
    """``app(environ, start_response)``: GET / says what this is; POST takes a form."""

    def __init__(self, service: Service) -> None:
        self.service = service

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method, path = environ.get("REQUEST_METHOD", "GET"), environ.get("PATH_INFO") or "/"
        head = method == "HEAD"
        # Where a form sent back posts to: the intake's public address, else where this one came.
        action = self.service.settings["COMMENT_INTAKE_URL"] or environ.get("SCRIPT_NAME", "") + path
        reply = Reply(start_response, action)
        link = links.LINK.search(path)
        asking = path.endswith(links.ASK)
        if (link or asking) and method in ("GET", "HEAD", "POST"):
            return self._link(environ, reply, method, link)
        if method in ("GET", "HEAD") and path == "/":
            what = ["This service takes the reply form of the site. Nothing to see."]
            return self._page(reply, HTTPStatus.OK, "Holdspace intake", what, head=head)
        if method in ("GET", "HEAD"):
            what = ["This service only takes the reply form."]
            return self._page(reply, HTTPStatus.NOT_FOUND, "Not here", what, head=head)
        if method != "POST":
            allow = [("Allow", "GET, HEAD, POST")]
            return self._refuse(reply, Answer(HTTPStatus.METHOD_NOT_ALLOWED, SEND_FROM_THE_SITE, allow))
        form: dict[str, str] = {}
        try:
            form = self._form(environ)
            self._limit(environ, form)
            outcome = self.service.intake.submit(form)
        except Answer as answer:
            return self._refuse(reply, answer)
        except (OSError, ValueError) as e:  # the queue cannot be written: say so, give the words back
            logger.error("not queued: %s", e.__class__.__name__)
            self.service.count("refused")
            words = "Your comment could not be saved just now. Please copy it, and send it again later."
            return self._refuse(reply, Answer(HTTPStatus.SERVICE_UNAVAILABLE, words, form=form))
        return self._answer(reply, outcome, form)

    def _link(self, environ: dict[str, Any], reply: Reply, method: str, link: re.Match[str] | None) -> Iterable[bytes]:
        """A writer's link (or ``/links``): GET shows its page, a POST of its button acts."""
        writer = link is None or link.group(1) in ("withdraw", "forget")
        try:  # confirm and unsubscribe take any body (RFC 8058 allows multipart); the writer's pages a form
            form = self._form(environ) if method == "POST" and writer else {}
            if method == "POST" and (link is None or form.get("do") == "forget"):
                self._limit(environ, form)  # these send a mail
            if link is None:
                status, page = links.ask(self.service, method, form)
            else:
                status, page = links.answer(self.service, method, link.group(1), link.group(2), form)
        except Answer as answer:
            return self._refuse(reply, answer)
        except (OSError, HoldspaceError) as e:  # the private folder cannot be written, or its key is bad
            logger.error("link not answered: %s", e.__class__.__name__)
            status, page = HTTPStatus.SERVICE_UNAVAILABLE, {"title": "Not done just now", "paragraphs": [
                "This could not be done just now. Please open the link again later."]}  # fmt: skip
        return self._page(reply, status, head=method == "HEAD", headers=[("Connection", "close")], **page)

    def _form(self, environ: dict[str, Any]) -> dict[str, str]:
        """The form's fields, or an Answer that refuses it."""
        service = self.service
        kind = environ.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
        length = environ.get("CONTENT_LENGTH", "").strip()
        if kind != "application/x-www-form-urlencoded":
            raise Answer(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, SEND_FROM_THE_SITE)
        if not length or "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
            raise Answer(HTTPStatus.LENGTH_REQUIRED, SEND_FROM_THE_SITE)
        if not LENGTH.fullmatch(length):
            raise Answer(HTTPStatus.BAD_REQUEST, SEND_FROM_THE_SITE)
        if int(length) > service.max_bytes:
            service.count("refused")
            raise Answer(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                f"The form is larger than this site takes ({service.max_bytes:,} bytes). Please shorten your comment.",
            )
        raw = _body(environ, int(length))
        if raw is None:
            service.count("refused")
            raise Answer(HTTPStatus.BAD_REQUEST, "The form did not arrive whole. Please send it again.")
        try:
            pairs = parse_qs(raw.decode("utf-8"), keep_blank_values=True, max_num_fields=MAX_FIELDS, errors="strict")
        except ValueError:  # not UTF-8 (raw or %-escaped), or too many fields
            service.count("refused")
            raise Answer(
                HTTPStatus.BAD_REQUEST, "The form could not be read. Please send it again from the site."
            ) from None
        return {k: v[0] for k, v in pairs.items()}

    def _limit(self, environ: dict[str, Any], form: Mapping[str, str]) -> None:
        wait = self.service.limit.allow(self._address(environ))
        if wait:
            self.service.count("limited")
            minutes = max(1, round(wait / 60))
            raise Answer(
                HTTPStatus.TOO_MANY_REQUESTS,
                "Many comments came from your address just now. "
                f"Please wait about {minutes} minute(s) and send it again.",
                [("Retry-After", str(int(wait) + 1))],
                form=form,
            )

    def _address(self, environ: dict[str, Any]) -> str:
        """The address a form counts for: the sender's, or behind a proxy we run, the one it saw."""
        service = self.service
        forwarded = environ.get("HTTP_X_FORWARDED_FOR", "")
        if service.forwarded_for:
            if forwarded.strip():
                return str(forwarded.split(",")[-1].strip())
        elif forwarded and not service.warned_proxy:
            service.warned_proxy = True
            logger.warning(
                "forms come through a proxy (X-Forwarded-For), but COMMENT_INTAKE_FORWARDED_FOR is False: "
                "every sender shares one rate limit; set it to True behind a proxy you run"
            )
        return str(environ.get("REMOTE_ADDR", ""))

    def _answer(self, reply: Reply, outcome: Outcome, form: Mapping[str, str]) -> Iterable[bytes]:
        service = self.service
        if outcome.status == 200:
            service.count("trapped" if outcome.trapped else "queued")
            logger.info("queued: %s", display_path(outcome.path) if outcome.path else "nowhere (honeypot filled)")
            if outcome.path and outcome.post is not None:
                service.commits.queued(outcome.path, outcome.post.slug)
            self._alert(outcome)
            asked = self._subscribe(outcome, form)
            return self._page(reply, HTTPStatus.OK, **answers.thanks(service, outcome, form, asked))
        service.count("refused")
        logger.info("refused (%d): %s", outcome.status, " ".join(outcome.problems))
        return self._page(reply, HTTPStatus(outcome.status), **answers.refused(service, outcome, form))

    def _alert(self, outcome: Outcome) -> None:
        """Tell the moderators (a crisis at once, the rest in the next digest). The comment is
        queued already: a failure here is said, and the form is still answered as taken."""
        service = self.service
        if outcome.comment is None or outcome.post is None or not service.alerts.enabled:
            return
        try:
            rules = service.intake.rules()
            service.alerts.arrived(arrival(outcome.comment, outcome.post.title, rules, service.intake.staff))
        except (OSError, ValueError) as e:
            logger.error("the moderators could not be told: %s", e.__class__.__name__)
            return
        service.wake.set()

    def _subscribe(self, outcome: Outcome, form: Mapping[str, str]) -> bool:
        """The writer asked to be emailed: keep the request, and mail them to confirm it."""
        service = self.service
        wants = [kind for field, kind in (("notify", REPLIES), ("notify_live", LIVE)) if form.get(field)]
        if not wants or outcome.comment is None or outcome.post is None or not service.mails_to_writers:
            return False
        try:
            subscription = service.notices.subscriptions.add(
                outcome.comment.email, outcome.comment.id, outcome.post.slug, outcome.post.title, wants
            )
            service.sender.outbox.put(service.notices.confirmation(subscription))
        except (OSError, ValueError, HoldspaceError) as e:
            logger.error("the request for mails could not be kept: %s", e.__class__.__name__)
            return False
        service.wake.set()
        return True

    def _refuse(self, reply: Reply, answer: Answer) -> Iterable[bytes]:
        logger.info("refused (%d): %s", answer.status, answer.message)
        headers = [*answer.headers, ("Connection", "close")]  # the body may be unread
        page = answers.refusal(self.service, answer.message, answer.form)
        return self._page(reply, answer.status, headers=headers, **page)

    def _page(self, reply: Reply, status: HTTPStatus, title: str, paragraphs: Sequence[str] = (),
              headers: Sequence[tuple[str, str]] = (), head: bool = False, **page: Any) -> Iterable[bytes]:  # fmt: skip
        page.setdefault("COMMENT_INTAKE_URL", reply.action)
        body, policy = self.service.pages.render(status < 400, title, paragraphs, **page)
        reply.start_response(f"{status.value} {status.phrase}", [*HEADERS, ("Content-Security-Policy", policy),
                                                           ("Content-Length", str(len(body))), *headers])  # fmt: skip
        return [] if head else [body]


def _body(environ: dict[str, Any], length: int) -> bytes | None:
    """The form's ``length`` bytes, or None when they do not all arrive within BODY_DEADLINE
    seconds (a pause of TIMEOUT seconds ends the wait too)."""
    sock = environ.get("gunicorn.socket")
    if isinstance(sock, socket.socket):
        with contextlib.suppress(OSError):
            sock.settimeout(TIMEOUT)
    stream = environ["wsgi.input"]
    deadline = time.monotonic() + BODY_DEADLINE
    parts, left = [], length
    while left:
        if time.monotonic() > deadline:
            return None
        try:
            chunk = stream.read(min(left, 16384))
        except (OSError, ValueError):  # a timeout, a reset, or a body shorter than its length
            return None
        if not chunk:  # the sender stopped short
            return None
        parts.append(chunk)
        left -= len(chunk)
    return b"".join(parts)


def make_app(project: Project, show: Callable[[str], str]) -> IntakeApp:
    """The application for ``project``. The rules file is read now, so a mistake in it stops
    the service before it takes a form (RulesError). ``show``: the command that shows a
    comment, as moderators type it (for their alerts)."""
    settings = project.settings
    load_rules(project.guidelines)
    folders = [folder for folders in project.thread_folders() for folder in folders]
    intake = Intake(
        project.queue,
        project.comments,
        PostsCache(folders, project.threads, skip=project.comments),
        lambda: load_rules(project.guidelines),  # edits apply to the next form
        staff_set(settings["STAFF_EMAILS"]),
        settings["COMMENTS_CLOSE_AFTER_DAYS"],
    )
    limit = RateLimit(settings["COMMENT_INTAKE_RATE_LIMIT"], settings["COMMENT_INTAKE_RATE_WINDOW"])
    outbox = Outbox(os.path.join(project.private, "outbox"))
    alerts = Alerts(project.private, outbox, settings, show)
    notices = Notices(Subscriptions(project.private), settings)
    return IntakeApp(Service(intake, limit, settings, alerts, Sender(outbox, Transport(settings)), notices, project))
