"""``holdspace intake`` (``make intake``): the reply form's service, served by gunicorn until
Ctrl-C or a service manager's stop (SIGTERM), then a summary."""

from __future__ import annotations

import argparse
import contextlib
import logging
import socket
import sys

from ..glue.project import load_project
from ..intake.forms import leftovers
from ..intake.runner import IntakeServer
from ..intake.wsgi import make_app
from ..problems import display_path
from . import errors
from .spell import spell


def add_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument("--host", help="the address to listen on (default: COMMENT_INTAKE_HOST)")
    command.add_argument("--port", type=int, help="the port (default: COMMENT_INTAKE_PORT; 0 picks a free one)")
    command.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stdout)
    project = load_project(args.settings)
    settings = project.settings
    host = args.host or settings["COMMENT_INTAKE_HOST"]
    port = settings["COMMENT_INTAKE_PORT"] if args.port is None else args.port
    app = make_app(project, lambda cid: spell("show-both", id=cid))
    problem = _cannot_listen(host, port)
    if problem:
        print(f"cannot listen for forms: {problem}; choose another port with {spell('intake-port')} "
              "(or the setting COMMENT_INTAKE_PORT)", file=sys.stderr)  # fmt: skip
        return errors.FAILED
    queue = display_path(project.queue)

    def ready(bound_host: str, bound_port: int) -> None:
        print(f"Holdspace intake on http://{bound_host}:{bound_port}/ : forms become files in {queue}/. "
              "Ctrl-C stops it.")  # fmt: skip
        for path in leftovers(project.queue):
            print(f"{display_path(path)}:1: left by an interrupted write, never queued; read it, then delete it")
        if not app.service.alerts.enabled:
            print("Note: MAIL_SMTP_URL and MODERATOR_EMAILS (or ALERT_WEBHOOK_URL) are not set, so moderators are "
                  "not alerted of new comments (docs/mail.md).")  # fmt: skip
        problem = app.service.commits.problem()
        if problem:
            print(f"Note: COMMENT_INTAKE_GIT_COMMIT is True, but {problem}: nothing will be committed; "
                  "make the project folder a (private) git repository, or set it False "
                  "(docs/moderating-with-git.md).")  # fmt: skip
        intake_url = str(settings.get("COMMENT_INTAKE_URL") or "")
        if not intake_url:
            print("Note: COMMENT_INTAKE_URL is not set, so the site's pages do not post here yet (docs/intake.md).")
        elif app.service.mails_to_writers and not intake_url.startswith("https://"):
            print("Note: COMMENT_INTAKE_URL is not https, so mail programs will not offer the one-click unsubscribe "
                  "(RFC 8058); the link in each mail still works (docs/mail.md).")  # fmt: skip
        sys.stdout.flush()

    def stopped() -> None:
        print(app.service.summary())

    IntakeServer(app, host, port, ready, stopped).run()
    return errors.OK


def _cannot_listen(host: str, port: int) -> str:
    """Why ``host:port`` cannot be listened on ("" when it can): said before gunicorn tries,
    which would retry for seconds and then say less."""
    if port == 0:
        return ""
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        with contextlib.closing(socket.socket(family, socket.SOCK_STREAM)) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as e:
        return e.strerror or str(e)
    return ""
