"""The intake served by gunicorn: one worker process with threads, so the rate limit (held
in memory) is one for every form (32 threads: as many forms a second as the http.server
intake took, measured by bench/intake_bench.py); no access log, and no sender's address in
any log line.
The worker also runs the mail sender, in a thread: what the intake puts in the outbox (a
crisis alert) goes out within seconds, and what waits is tried again.

gunicorn does what a production server must (slow senders, timeouts, many connections at
once, a graceful stop on SIGTERM); ``docs/intake.md`` says why it was chosen and how to run
it behind a web server with TLS.
"""

from __future__ import annotations

import errno
import re
import socket
import struct
import sys
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger

from .wsgi import IntakeApp

THREADS = 32  # forms handled at once; more wait their turn in the worker's queue
PAUSE = 10  # seconds a sender may pause while sending a request; then the connection is closed
CONNECTIONS = 256  # connections held open at once (gthread's worker_connections)
REQUEST_TIMEOUT = 45  # seconds a worker may be silent before gunicorn replaces it
_CLIENT = re.compile(r" from ip=\S*: ")  # gunicorn's "Invalid request from ip=<address>: <error>"


class AddresslessLogger(Logger):
    """gunicorn's logger, without its access log and without any sender's address."""

    def access(self, resp: Any, req: Any, environ: Any, request_time: Any) -> None:
        """No access log: it would keep the senders' addresses."""

    def warning(self, msg: Any, *args: Any, **kwargs: Any) -> None:
        super().warning(_CLIENT.sub(": ", str(msg)), *args, **kwargs)

    def exception(self, msg: Any, *args: Any, **kwargs: Any) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, OSError) and error.errno in (errno.EAGAIN, errno.EWOULDBLOCK):
            super().info("a sender paused for over %d seconds, so its connection was closed", PAUSE)
        else:
            super().exception(msg, *args, **kwargs)


class IntakeServer(BaseApplication):  # type: ignore[misc]
    """gunicorn's Arbiter around ``app``: ``run()`` serves until SIGTERM or Ctrl-C."""

    def __init__(
        self, app: IntakeApp, host: str, port: int, ready: Callable[[str, int], None], stopped: Callable[[], None]
    ) -> None:
        self.app, self.bind = app, f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        self.ready, self.stopped = ready, stopped
        super().__init__(prog="holdspace intake")

    def load_config(self) -> None:
        settings = {
            "bind": [self.bind],
            "workers": 1,
            "worker_class": "gthread",
            "threads": THREADS,
            "worker_connections": CONNECTIONS,
            "timeout": REQUEST_TIMEOUT,
            "graceful_timeout": 10,
            "keepalive": 2,
            "accesslog": None,
            "errorlog": "-",
            "loglevel": "warning",
            "logger_class": AddresslessLogger,
            "proc_name": "holdspace-intake",
            "control_socket_disable": True,
            "when_ready": self._when_ready,
            "post_worker_init": self._worker_started,
            "worker_exit": self._worker_exit,
        }
        for key, value in settings.items():
            self.cfg.set(key, value)

    def load(self) -> IntakeApp:
        return self.app

    def _when_ready(self, arbiter: Any) -> None:
        listener = arbiter.LISTENERS[0].sock
        # Every connection accepted inherits it (Linux): a read that waits longer than PAUSE fails,
        # so a sender that stalls cannot hold a thread. A whole request's time is the proxy's to limit.
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, struct.pack("ll", PAUSE, 0))
        host, port = listener.getsockname()[:2]
        self.ready(str(host), int(port))

    def _worker_started(self, worker: Any) -> None:
        """The sender, in the worker beside the forms (after the fork: threads do not survive one)."""
        service = self.app.service
        self.stop = threading.Event()

        def gather() -> None:
            service.alerts.gather(datetime.now(UTC))

        self.sending = threading.Thread(
            target=service.sender.run, args=(self.stop, service.wake), kwargs={"before": gather}, daemon=True
        )
        self.sending.start()

    def _worker_exit(self, arbiter: Any, worker: Any) -> None:
        if hasattr(self, "stop"):
            self.stop.set()
            self.app.service.wake.set()
            self.sending.join(timeout=5)
        self.app.service.commits.finish()
        self.stopped()  # in the worker, where the counts are
        sys.stdout.flush()
