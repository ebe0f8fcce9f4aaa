"""The reply form's intake: a submitted form becomes a file in moderation/queue/.

Pure: no HTTP and no Pelican (``intakeserver`` is the small web server around
it). ``Intake.submit`` checks a form against the guidelines' hard rules and,
when they hold, writes ``moderation/queue/<slug>/<id>.md`` in the archive
format: to a hidden temporary file in that folder first, then moved into place
by ``moves.move_file``, which never replaces a file. The path is built only
from a slug the archive has (a post's or page's) and an id made here, and is
checked to lie inside the queue, so nothing a form says can write elsewhere.

Nothing about the sender is kept but what the form says: no address, no
browser, no time beyond the comment's date. The rate limit holds addresses in
memory only, for as long as its window.
"""

from __future__ import annotations

import os
import secrets
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from .commentfile import EMAIL_RE, format_comment, is_valid_id, is_web_url, parse_comment
from .discussions import closed_by_age
from .guidelines import Rules
from .moves import MoveError, move_file
from .postindex import PostInfo
from .pseudonyms import fold, name_problems

# The form's fields (the theme's includes/comment_form.html).
HONEYPOT = "leave_empty"  # hidden from people; a bot that fills every field fills it
FIELDS = ("post", "reply_to", "author", "email", "website", "comment", HONEYPOT)
MAX_EMAIL = 254  # the longest address SMTP allows


@dataclass
class Outcome:
    """What became of one form: ``status`` is the HTTP status to answer with."""

    status: int
    problems: list[str] = field(default_factory=list)  # sentences for the person who wrote
    post: PostInfo | None = None
    path: str = ""  # the file written in the queue ("" when none was)
    trapped: bool = False  # the honeypot was filled: answered as if queued, nothing written


class RateLimit:
    """At most ``limit`` submissions per ``window`` seconds from one address."""

    def __init__(self, limit: int, window: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit, self.window, self.clock = limit, window, clock
        self.seen: dict[str, deque[float]] = {}

    def allow(self, address: str) -> float:
        """0 when ``address`` may submit now (and it counts), else the seconds to wait."""
        now = self.clock()
        if len(self.seen) > 10_000:  # forget addresses whose window has passed
            self.seen = {a: q for a, q in self.seen.items() if q and q[-1] > now - self.window}
        times = self.seen.setdefault(address, deque())
        while times and times[0] <= now - self.window:
            times.popleft()
        if len(times) >= self.limit:
            return times[0] + self.window - now
        times.append(now)
        return 0.0


class Intake:
    """Turns forms into queued comment files. ``threads`` gives the posts and pages
    by slug as they are now (``postindex.read_threads``), read on every form."""

    def __init__(
        self,
        queue: str,
        comments: str,
        threads: Callable[[], Mapping[str, PostInfo]],
        rules: Rules,
        staff: frozenset[str],
        close_after_days: int | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.queue, self.comments = os.path.abspath(queue), os.path.abspath(comments)
        self.threads, self.rules, self.staff = threads, rules, staff
        self.close_after_days, self.clock = close_after_days, clock

    def submit(self, form: Mapping[str, str]) -> Outcome:
        slug = form.get("post", "")
        post = self.threads().get(slug) if _safe_slug(slug) else None
        if post is None or post.draft:
            return Outcome(404, ["There is no such post or page here to comment on."])
        now = self.clock()
        if post.closed or closed_by_age(post.date, self.close_after_days, now):
            return Outcome(403, [f"Comments are closed on “{post.title}”."], post)
        if form.get(HONEYPOT, ""):
            return Outcome(200, [], post, trapped=True)
        problems = self._problems(form, slug)
        if problems:
            return Outcome(400, problems, post)
        return self._write(form, post, now)

    def _problems(self, form: Mapping[str, str], slug: str) -> list[str]:
        author = form.get("author", "").strip()
        email = form.get("email", "").strip()
        website = form.get("website", "").strip()
        body = form.get("comment", "").strip()
        reply_to = form.get("reply_to", "").strip()
        problems: list[str] = []
        for label, value in (("name", author), ("email", email), ("website", website), ("reply", reply_to)):
            if any(ch in value for ch in "\r\n\x00"):
                problems.append(f"The {label} must be one line.")
        if not author:
            problems.append("Please give a first name or pseudonym: it is the only name shown.")
        else:
            problems.extend(_sentence(what, todo) for what, todo in name_problems(author) if "empty" not in what)
            if email.lower() not in self.staff and any(fold(author) == fold(r) for r in self.rules.reserved_names):
                problems.append(f"The name “{author}” is kept for the site's staff; please choose another.")
        if not email:
            problems.append("Please give your email: it is never published.")
        elif len(email) > MAX_EMAIL or not EMAIL_RE.fullmatch(email):
            problems.append("The email does not look like an address (name@example.org); please check it.")
        if website and not is_web_url(website):
            problems.append("The website must be an address starting with http:// or https://, or left empty.")
        if not body:
            problems.append("The comment is empty; please write what you would like to say.")
        elif len(body) > self.rules.max_characters:
            problems.append(
                f"The comment is {len(body):,} characters long; the guidelines allow "
                f"{self.rules.max_characters:,}. Please shorten it."
            )
        if reply_to and not (is_valid_id(reply_to) and os.path.isfile(self._inside(self.comments, slug, reply_to))):
            problems.append("The comment you reply to is not on this page; please send your comment without it.")
        return problems

    def _write(self, form: Mapping[str, str], post: PostInfo, now: datetime) -> Outcome:
        cid = f"{now:%Y%m%d-%H%M%S}-{secrets.token_hex(4)}"  # unique: a second and 32 random bits
        target = self._inside(self.queue, post.slug, cid)
        text = format_comment(
            form.get("author", "").strip(),
            form.get("email", "").strip(),
            now.replace(microsecond=0),
            form.get("comment", "").replace("\r\n", "\n").replace("\r", "\n"),
            website=form.get("website", "").strip(),
            reply_to=form.get("reply_to", "").strip(),
        )
        data = text.encode("utf-8")
        comment, problems = parse_comment(data, target, post.slug, UTC)  # the contract's own check, last
        if comment is None or problems:
            return Outcome(400, [_sentence(p.what, p.todo) for p in problems], post)
        folder = os.path.dirname(target)
        os.makedirs(folder, exist_ok=True)
        temporary = os.path.join(folder, f".{cid}.incoming")  # hidden: no reader of the queue sees it
        with open(temporary, "xb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        try:
            move_file(temporary, target)
        except MoveError:
            os.unlink(temporary)
            raise
        return Outcome(200, [], post, path=target)

    @staticmethod
    def _inside(root: str, slug: str, cid: str) -> str:
        """``root/slug/cid.md``, refused unless it lies inside ``root`` (a slug comes from the
        archive's own files, but a post's Slug: line is text, and could say ``../x``)."""
        path = os.path.realpath(os.path.join(root, *slug.split("/"), f"{cid}.md"))
        if os.path.commonpath([path, os.path.realpath(root)]) != os.path.realpath(root) or not is_valid_id(cid):
            raise ValueError(f"{slug}/{cid}.md is outside {root}")
        return path


def _safe_slug(slug: str) -> bool:
    """A slug that names folders below the queue: no empty, ``.`` or ``..`` part."""
    parts = slug.split("/")
    return bool(slug) and all(p not in ("", ".", "..") and "\\" not in p and "\x00" not in p for p in parts)


def _sentence(what: str, todo: str) -> str:
    text = f"{what}; {todo}."
    return text[0].upper() + text[1:]
