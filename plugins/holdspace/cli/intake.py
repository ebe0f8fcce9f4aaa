"""``holdspace intake`` (``make intake``): the reply form's service, until Ctrl-C or a
service manager's stop, then a summary."""

from __future__ import annotations

import argparse
import logging
import signal
import sys

from ..glue.project import load_project
from ..intake.forms import leftovers
from ..intake.server import Service, make_server
from ..problems import display_path
from .spell import spell


def add_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument("--host", help="the address to listen on (default: COMMENT_INTAKE_HOST)")
    command.add_argument("--port", type=int, help="the port (default: COMMENT_INTAKE_PORT)")
    command.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stdout)
    project = load_project(args.settings)
    try:
        server = make_server(project, args.host, args.port)
    except OSError as e:  # the port is taken, or the address is not this machine's
        print(
            f"cannot listen for forms: {e.strerror}; choose another port with {spell('intake-port')} "
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
        print("Note: COMMENT_INTAKE_URL is not set, so the site's pages do not post here yet (see docs/intake.md).")
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
