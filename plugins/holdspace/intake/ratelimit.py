"""The intake's rate limit: at most so many forms from one address in a window of time.
Addresses are held in memory only, never written, and forgotten once their window passes."""

from __future__ import annotations

import ipaddress
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable


class RateLimit:
    """At most ``limit`` submissions per ``window`` seconds from one address (IPv6: one
    /64, what one household gets). Thread-safe; holds at most ``capacity`` addresses,
    forgetting the longest unseen first, and forgets an address once its window passes."""

    def __init__(
        self, limit: int, window: float, clock: Callable[[], float] = time.monotonic, capacity: int = 100_000
    ) -> None:
        self.limit, self.window, self.clock, self.capacity = limit, window, clock, capacity
        self.seen: OrderedDict[str, deque[float]] = OrderedDict()
        self.lock = threading.Lock()
        self.pruned = clock()

    def allow(self, address: str) -> float:
        """0 when ``address`` may submit now (and it counts), else the seconds to wait."""
        key = _bucket(address)
        with self.lock:
            now = self.clock()
            if now - self.pruned > self.window / 10:  # forget whole windows past, now and then
                self.pruned = now
                for gone in [a for a, q in self.seen.items() if not q or q[-1] <= now - self.window]:
                    del self.seen[gone]
            times = self.seen.pop(key, None) or deque()
            self.seen[key] = times  # the most recently seen last
            while len(self.seen) > self.capacity:
                self.seen.popitem(last=False)
            while times and times[0] <= now - self.window:
                times.popleft()
            if len(times) >= self.limit:
                return times[0] + self.window - now
            times.append(now)
            return 0.0


def _bucket(address: str) -> str:
    """The address a limit counts: an IPv6 address by its /64, any other as it is."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)
