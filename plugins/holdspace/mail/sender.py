"""The sender: delivers the outbox's due messages, and tries again later when it cannot.

A message that cannot be delivered now waits 1, 2, 4 ... minutes, at most an hour,
between tries, so a server down for an hour loses nothing; one refused for good, or not
delivered in GIVE_UP_AFTER, goes to ``failed/`` (kept, and listed by ``holdspace outbox``).
Any error of one message (a webhook answering nonsense) is that message's alone: the
others are still tried. Killed in the middle, the sender leaves every message waiting or
sent: a message is recorded as sent only after the server took it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from .outbox import Claimed, Outbox
from .transport import DeliveryError, Transport

logger = logging.getLogger("holdspace.mail")
MAX_WAIT = timedelta(hours=1)
GIVE_UP_AFTER = timedelta(days=7)


def backoff(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed try: 1, 2, 4 ... minutes, at most an hour."""
    return min(timedelta(minutes=2 ** min(attempts - 1, 10)), MAX_WAIT)


class Sender:
    def __init__(self, outbox: Outbox, transport: Transport, clock: Callable[[], datetime] = lambda: datetime.now(UTC)):
        self.outbox, self.transport, self.clock = outbox, transport, clock

    def send_due(self) -> tuple[int, int]:
        """Deliver every due message once; (sent, not sent)."""
        sent = failed = 0
        for claimed in self.outbox.due(self.clock()):
            message = claimed.message
            try:
                self.transport.deliver(message)
            except DeliveryError as e:
                failed += 1
                self._not_sent(claimed, str(e), e.again)
                continue
            except Exception as e:  # any other error is this message's: tried again later
                failed += 1
                self._not_sent(claimed, f"{e.__class__.__name__} (an unexpected answer)", True)
                continue
            except BaseException:
                claimed.handle.close()  # still waiting, as it was
                raise
            self.outbox.sent(claimed, self.clock())
            sent += 1
            logger.info("sent: %s", message.about or message.id)
        return sent, failed

    def _not_sent(self, claimed: Claimed, error: str, again: bool) -> None:
        message = claimed.message
        if again and self.clock() - datetime.fromisoformat(message.created) < GIVE_UP_AFTER:
            wait = backoff(message.attempts + 1)
            logger.warning("not sent yet: %s (%s); next try in %d min", message.about or message.id, error,
                           wait.total_seconds() // 60)  # fmt: skip
            self.outbox.retry(claimed, error, self.clock() + wait)
            return
        if again:
            error = f"not delivered in {GIVE_UP_AFTER.days} days; last: {error}"
        logger.error("not sent, and not tried again: %s (%s)", message.about or message.id, error)
        self.outbox.give_up(claimed, error)

    def run(self, stop: threading.Event, wake: threading.Event, every: float = 30.0,
            before: Callable[[], None] | None = None) -> None:  # fmt: skip
        """Send what is due until ``stop`` is set: now, whenever ``wake`` is set, and every
        ``every`` seconds (``before`` runs first each time: the alerts' digest)."""
        while not stop.is_set():
            wake.clear()  # before sending: a wake-up while sending is not lost
            try:
                if before is not None:
                    before()
                self.send_due()
            except Exception as e:  # never let the service lose its sender: say it, try again later
                logger.error("the sender failed: %s: %s", e.__class__.__name__, e)
            wake.wait(every)
