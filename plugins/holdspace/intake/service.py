"""What every request of the intake shares: the intake itself, the rate limit, the
counts for the summary, the site's address for the links back, and the alerts with the
sender that delivers them."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Mapping
from typing import Any

from ..archive.posts import PostInfo
from ..archive.project import Project
from ..mail.alerts import Alerts
from ..mail.notices import Notices
from ..mail.sender import Sender
from .commits import Commits
from .forms import Intake
from .pages import Pages, thread_url
from .ratelimit import RateLimit


class Service:
    """What every request shares: the intake, the limit, the counts, the site's address."""

    def __init__(
        self,
        intake: Intake,
        limit: RateLimit,
        settings: Mapping[str, Any],
        alerts: Alerts,
        sender: Sender,
        notices: Notices,
        project: Project,
    ) -> None:
        self.intake, self.limit, self.settings, self.project = intake, limit, settings, project
        self.alerts, self.sender, self.notices = alerts, sender, notices
        # Writers may ask to be emailed when there is a way to send mail and a public address for the links.
        self.mails_to_writers = bool(settings["MAIL_SMTP_URL"] and notices.enabled)
        self.wake = threading.Event()  # set when a message waits to be sent
        self.pages: Pages = Pages(settings, intake.threads)
        self.siteurl = (settings["COMMENT_INTAKE_SITEURL"] or settings.get("SITEURL") or "").rstrip("/")
        self.max_bytes = settings["COMMENT_INTAKE_MAX_BYTES"]
        self.forwarded_for = settings["COMMENT_INTAKE_FORWARDED_FOR"]
        self.counts: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.warned_proxy = False
        self.commits = Commits(project.folder, settings["COMMENT_INTAKE_GIT_COMMIT"], project.queue)

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
