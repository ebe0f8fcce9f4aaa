"""A comment against the guidelines: hard-rule problems (refuse) and flags (read closely).

Hard rules: the pseudonym rules, the maximum length, reserved names used
without a staff email. Flags: crisis words, many links, moderation and
disallowed words, personal data in the body, a full name, possible
impersonation. Nothing here moves or changes a file.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from ..archive.commentfile import Comment, raw_body
from ..archive.posts import PostInfo
from ..archive.reader import comment_files
from ..archive.values import EMAIL_RE, normalise_email
from ..problems import Problem
from .guidelines import Rules, normalise_text
from .pseudonyms import fold, looks_like, looks_like_full_name, name_problems, skeleton

LINK_RE = re.compile(r"(?:https?://|www\.)[^\s<>()\[\]]+", re.IGNORECASE)  # one match per address
# Seven to fifteen digits with the usual separators: +44 20 7946 0958,
# (555) 010-4477, 030/1234567; then the look-alikes below are ruled out.
PHONE_RE = re.compile(r"(?<![\w.-])\+?\(?\d[\d ().\-/]{5,}\d(?![\w-])")
NOT_A_PHONE = (
    re.compile(r".*\d{4}-\d{2}-\d{2}.*"),  # a date, as in this archive's own headers
    re.compile(r"\d{4}\s*[-/]\s*\d{2,4}"),  # a span of years: 2015-2019, 2019 - 2024
    re.compile(r"\d{1,3}(?:[ .,]\d{3})+(?:\s*-\s*\d{1,3}(?:[ .,]\d{3})+)?"),  # 40 000, 1.234.567, 40 000 - 50 000
    re.compile(r"\d{1,2}[./-]\d{1,2}[./-]\d{2,4}"),  # 05/03/2024
)
CRISIS = "crisis"
LIKELY_REJECT = "disallowed-words"  # the flag of the guidelines' disallowed words: approved only when insisted on


@dataclass(frozen=True)
class Flag:
    kind: (
        str  # crisis, links, moderation-words, disallowed-words, personal-data, full-name, impersonation, closed, dated
    )
    line: int
    message: str


@dataclass
class Verdict:
    problems: list[Problem] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)

    @property
    def crisis(self) -> bool:
        return any(f.kind == CRISIS for f in self.flags)


def staff_set(emails: Iterable[str]) -> frozenset[str]:
    """STAFF_EMAILS as ``is_staff`` compares them."""
    return frozenset(normalise_email(e) for e in emails)


def is_staff(email: str, staff: Collection[str]) -> bool:
    """``staff`` is ``staff_set(STAFF_EMAILS)``."""
    return normalise_email(email) in staff


def hard_problems(comment: Comment, rules: Rules, staff_emails: Collection[str]) -> list[Problem]:
    """What keeps ``comment`` from being published under ``rules``."""
    problems = [Problem(comment.path, comment.author_line, what, todo) for what, todo in name_problems(comment.author)]
    length = len(comment.body)
    if length > rules.max_characters:
        problems.append(
            Problem(
                comment.path,
                comment.body_line,
                f"the comment is {length} characters long; the guidelines allow {rules.max_characters}",
                f"shorten it, or raise max_characters in {rules.source or 'the guidelines file'}",
            )
        )
    if not is_staff(comment.email, staff_emails) and takes_reserved_name(comment.author, rules):
        problems.append(
            Problem(
                comment.path,
                comment.author_line,
                f"the name {comment.author!r} is reserved for staff",
                "ask the commenter for another name; staff comment with an email listed in STAFF_EMAILS",
            )
        )
    return problems


def takes_reserved_name(name: str, rules: Rules) -> bool:
    """Whether ``name`` is one of the guidelines' names kept for staff (whatever its capitals)."""
    return fold(name) in _folded(rules.reserved_names)


@lru_cache(maxsize=8)
def _folded(names: tuple[str, ...]) -> frozenset[str]:
    return frozenset(fold(name) for name in names)


def flags(
    comment: Comment,
    rules: Rules,
    staff_emails: Collection[str],
    names: Mapping[str, Collection[str]] | None = None,
) -> list[Flag]:
    """What the moderator should read closely. ``names`` is ``name_index`` of the archive."""
    found = body_flags(comment.body, comment.body_line, rules)
    if looks_like_full_name(comment.author):
        found.append(
            Flag("full-name", comment.author_line, "the name looks like a full name: first name or pseudonym only")
        )
    if not is_staff(comment.email, staff_emails):
        email = normalise_email(comment.email)
        for reserved in rules.reserved_names:
            if fold(comment.author) != fold(reserved) and looks_like(comment.author, reserved):
                found.append(
                    Flag("impersonation", comment.author_line, f"the name looks like the reserved name {reserved!r}")
                )
                break
        others = (names or {}).get(skeleton(comment.author), ())
        if others and email not in others:
            found.append(
                Flag(
                    "impersonation",
                    comment.author_line,
                    f"{comment.author!r} (or a name that looks like it) has commented before with another email: "
                    "possible impersonation",
                )
            )
    return found


def body_flags(body: str, body_line: int, rules: Rules) -> list[Flag]:
    """The flags that need only the words: usable on a file whose header is broken."""
    found: list[Flag] = []
    text = normalise_text(body)

    def line_at(index: int) -> int:
        return body_line + text.count("\n", 0, index)

    for kind, label in ((CRISIS, "crisis words"), ("moderation", "moderation words"), ("disallowed", "likely reject")):
        pattern = rules.pattern(kind)
        matches = list(pattern.finditer(text)) if pattern else []
        if matches:
            words = ", ".join(dict.fromkeys(f'"{" ".join(m.group(0).lower().split())}"' for m in matches))
            name = kind if kind == CRISIS else f"{kind}-words"
            found.append(Flag(name, line_at(matches[0].start()), f"{label}: {words}"))
    links = list(LINK_RE.finditer(text))
    if len(links) >= rules.links_hold_at:
        found.append(Flag("links", line_at(links[0].start()), f"{len(links)} links: check it is not spam"))
    if rules.flag_email_addresses:
        email = EMAIL_RE.search(text)
        if email:
            found.append(Flag("personal-data", line_at(email.start()), "an email address in the comment"))
    if rules.flag_phone_numbers:
        for match in PHONE_RE.finditer(text):
            candidate = match.group(0).strip()
            digits = sum(ch.isdigit() for ch in candidate)
            if 7 <= digits <= 15 and not any(p.fullmatch(candidate) for p in NOT_A_PHONE):
                found.append(
                    Flag("personal-data", line_at(match.start()), "what looks like a phone number in the comment")
                )
                break
    return found


class NameIndex(Mapping[str, set[str]]):
    """``name_index`` of the people (each name -> the emails it was used with), a look's
    emails normalised when it is asked for: a command asks for the names it checks, and
    the whole index of 20,000 comments took 12 ms, most of it each address normalised.
    The people as they are now: a name added later, or an address added to a name in a new
    set (as ``idindex.add`` does), is not in it."""

    def __init__(self, people: Mapping[str, Collection[str]]) -> None:
        self._emails = dict(people)  # each name -> the emails it was used with
        self._names: dict[str, list[str]] | None = None  # each look -> its names, made when first needed
        self._asked: dict[str, set[str]] = {}

    def _looks(self) -> dict[str, list[str]]:
        if self._names is None:
            self._names = {}
            for name in self._emails:
                self._names.setdefault(skeleton(name), []).append(name)
        return self._names

    def __getitem__(self, look: str) -> set[str]:
        if look not in self._asked:
            names = self._looks()[look]  # KeyError: no name looks so
            self._asked[look] = {normalise_email(email) for name in names for email in self._emails[name]}
        return self._asked[look]

    def __iter__(self) -> Iterator[str]:
        return iter(self._looks())

    def __len__(self) -> int:
        return len(self._looks())


def name_index(people: Iterable[tuple[str, str]]) -> dict[str, set[str]]:
    """What each name looks like (``skeleton``) -> the emails it was used with, of the
    (name, email) pairs of the archive's comments."""
    index: dict[str, set[str]] = {}
    looks: dict[str, str] = {}  # each name's skeleton, made once: a name comes back with every comment
    for name, email in people:
        look = looks.get(name)
        if look is None:
            look = looks[name] = skeleton(name)
        index.setdefault(look, set()).add(normalise_email(email))
    return index


def file_flags(path: str, rules: Rules) -> list[Flag]:
    """The flags of the words of the file at ``path``, however broken its header: a crisis
    must never hide behind a bad line."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        data = b""
    body, line = raw_body(data)
    return body_flags(body, line, rules)


def queue_crisis(queue: str, rules: Rules) -> list[tuple[str, bool]]:
    """(path, flagged for crisis?) of every comment file waiting in ``queue``."""
    return [
        (path, any(flag.kind == CRISIS for flag in file_flags(path, rules)))
        for path, thread, problem in comment_files(queue)
        if problem is None and thread is not None
    ]


def dated_before_post(comment: Comment, post: PostInfo | None) -> str:
    """``dated 1 May 2025, before its post (18 July 2025)``, or "" when it is not."""
    if post is None or post.date is None:
        return ""
    start = post.date if post.date.tzinfo is not None else post.date.replace(tzinfo=comment.date.tzinfo)
    if comment.date >= start:
        return ""
    when = start.astimezone(comment.date.tzinfo)
    same_day = when.date() == comment.date.date()  # then the times tell them apart
    return f"dated {_day(comment.date, same_day)}, before its post ({_day(when, same_day)})"


def _day(moment: datetime, time: bool = False) -> str:
    return f"{moment.day} {moment:%B %Y}" + (f", {moment:%H:%M}" if time else "")


def date_line(path: str) -> int:
    """The line of a comment file's Date (1 when it has none, or cannot be read)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            for number, line in enumerate(f, start=1):
                if line.lower().startswith("date:"):
                    return number
    except OSError:
        pass
    return 1
