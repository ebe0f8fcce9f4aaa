"""The reply form's intake: a submitted form becomes a file in moderation/queue/.

Pure: no HTTP and no Pelican (``server`` is the small web server around it).
``Intake.submit`` checks a form against the guidelines' hard rules and, when
they hold, writes ``moderation/queue/<slug>/<id>.md`` in the archive format: to
a hidden temporary file in that folder first, then moved into place by
``archive.moves.move_file``, which never replaces a file. The path is built only
from a slug the archive has (a post's or page's) and an id made here, and is
checked to lie inside the queue, so nothing a form says can write elsewhere.

Nothing about the sender is kept but what the form says: no address, no
browser, no time beyond the comment's date.
"""

from __future__ import annotations

import os
import secrets
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from ..archive.commentfile import Comment, format_comment, parse_comment
from ..archive.moves import move_file
from ..archive.posts import PostInfo, closed_by_age
from ..archive.values import EMAIL_RE, INVISIBLE, NOT_IN_ADDRESS, is_one_line, is_valid_id, is_web_url
from ..review.guidelines import Rules
from ..review.pseudonyms import name_problems
from ..review.verdicts import hard_problems, is_staff, takes_reserved_name

# The form's fields (the plugin's holdspace/comment_form.html).
HONEYPOT = "leave_empty"  # hidden from people; a bot that fills every field fills it
FIELDS = ("post", "reply_to", "author", "email", "website", "comment", "notify", "notify_live", HONEYPOT)
MAX_EMAIL = 254  # the longest address SMTP allows
INCOMING = ".incoming"  # the suffix of a file being written


@dataclass
class Outcome:
    """What became of one form: ``status`` is the HTTP status to answer with."""

    status: int
    problems: list[str] = field(default_factory=list)  # sentences for the person who wrote
    post: PostInfo | None = None
    path: str = ""  # the file written in the queue ("" when none was)
    trapped: bool = False  # the honeypot was filled: answered as if queued, nothing written
    comment: Comment | None = None  # the comment queued
    fields: list[tuple[str, str]] = field(default_factory=list)  # (the form's field, or "", sentence) of each


class Intake:
    """Turns forms into queued comment files. ``threads`` gives the posts and pages by slug
    as they are now (``archive.posts.read_threads``) and ``rules`` the guidelines as they are
    now; both are asked on every form, so edits apply without a restart."""

    def __init__(
        self,
        queue: str,
        comments: str,
        threads: Callable[[], Mapping[str, PostInfo]],
        rules: Callable[[], Rules],
        staff: frozenset[str],
        close_after_days: int | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.queue, self.comments = os.path.abspath(queue), os.path.abspath(comments)
        self.threads, self.rules, self.staff = threads, rules, staff
        self.close_after_days, self.clock = close_after_days, clock

    def submit(self, form: Mapping[str, str]) -> Outcome:
        """Check ``form`` and queue it. Raises OSError (or MoveError) when the file cannot
        be written: the caller answers that the comment was not sent, giving the words back."""
        slug = form.get("post", "")
        post = self.threads().get(slug) if _safe_slug(slug) else None
        if post is None or post.draft:
            return Outcome(404, ["There is no such post or page here to comment on."])
        now = self.clock()
        if post.closed or closed_by_age(post.date, self.close_after_days, now):
            return Outcome(403, [f"Comments are closed on “{post.title}”."], post)
        if form.get(HONEYPOT, ""):
            return Outcome(200, [], post, trapped=True)
        fields = {name: form.get(name, "") for name in FIELDS}
        fields["comment"] = fields["comment"].replace("\r\n", "\n").replace("\r", "\n")  # as browsers send lines
        rules = self.rules()
        problems = self._problems(fields, slug, rules)
        if problems:
            return Outcome(400, [sentence for _, sentence in problems], post, fields=problems)
        target = self._inside(self.queue, post.slug, short_id())
        while os.path.lexists(target):  # never overwrite: draw again
            target = self._inside(self.queue, post.slug, short_id())
        data = format_comment(
            fields["author"].strip(),
            fields["email"].strip(),
            now.replace(microsecond=0),
            fields["comment"],
            website=fields["website"].strip(),
            reply_to=fields["reply_to"].strip(),
        ).encode("utf-8")
        # The contract's own checks, last: what they find, the checks above have missed.
        comment, found = parse_comment(data, target, post.slug, UTC)
        if comment is not None:
            found += hard_problems(comment, rules, self.staff)
        if comment is None or found:
            sentences = [f"{p.what[0].upper()}{p.what[1:]}; please change it." for p in found]
            return Outcome(400, sentences, post, fields=[("", s) for s in sentences])
        self._write(target, data)
        return Outcome(200, [], post, path=target, comment=comment)

    def _problems(self, fields: Mapping[str, str], slug: str, rules: Rules) -> list[tuple[str, str]]:
        """What a person must fix, as (the form's field, a sentence for them, not for a moderator)."""
        author, email, website, reply_to = (fields[k].strip() for k in ("author", "email", "website", "reply_to"))
        body = fields["comment"].strip()
        problems: list[tuple[str, str]] = []
        for name, label, value in (("author", "name", author), ("email", "email", email),
                                   ("website", "website", website), ("", "reply", reply_to)):  # fmt: skip
            if not is_one_line(value):
                problems.append((name, f"The {label} must be one line of text."))
        if any(unicodedata.category(ch) == "Cc" and ch not in "\n\t" for ch in body):
            problems.append(("comment", "The comment holds control characters; please send it as plain text."))
        problems += [("author", sentence) for sentence in self._name_problems(author, email, rules)]
        if not email:
            problems.append(("email", "Please give your email: it is never published."))
        elif len(email) > MAX_EMAIL or not EMAIL_RE.fullmatch(email) or NOT_IN_ADDRESS & set(email):
            problems.append(("email", "The email does not look like an address (name@example.org); please check it."))
        if website and not is_web_url(website):
            problems.append(
                ("website", "The website must be an address starting with http:// or https://, or left empty.")
            )
        if not body.strip(INVISIBLE + " \n\t"):
            problems.append(("comment", "The comment is empty; please write what you would like to say."))
        elif len(body) > rules.max_characters:
            too_long = f"The comment is {len(body):,} characters long; the guidelines allow {rules.max_characters:,}."
            problems.append(("comment", too_long + " Please shorten it."))
        if reply_to and not (is_valid_id(reply_to) and os.path.isfile(self._inside(self.comments, slug, reply_to))):
            problems.append(("", "The comment you reply to is not on this page; please send your comment without it."))
        return problems

    def _name_problems(self, author: str, email: str, rules: Rules) -> list[str]:
        if not author:
            return ["Please give a first name or pseudonym: it is the only name shown."]
        found = [_sentence(what, todo) for what, todo in name_problems(author) if "empty" not in what]
        if not is_staff(email, self.staff) and takes_reserved_name(author, rules):
            found.append(f"The name “{author}” is kept for the site's staff; please choose another.")
        return found

    @staticmethod
    def _write(target: str, data: bytes) -> None:
        """To a hidden file beside ``target``, flushed to disk, then moved into place."""
        folder = os.path.dirname(target)
        os.makedirs(folder, exist_ok=True)
        # Hidden: no reader of the queue sees it.
        temporary = os.path.join(folder, f".{os.path.basename(target)[:-3]}{INCOMING}")
        try:
            with open(temporary, "xb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            move_file(temporary, target)
        finally:
            if os.path.lexists(temporary):  # not moved: it holds an email, so it goes
                os.unlink(temporary)

    @staticmethod
    def _inside(root: str, slug: str, cid: str) -> str:
        """``root/slug/cid.md``, refused (ValueError) unless it lies inside ``root`` with no
        symbolic link on the way (the archive's folders are real folders, see ``archive``)."""
        if not is_valid_id(cid) or not _safe_slug(slug):
            raise ValueError(f"{slug}/{cid}.md is not a comment's place")
        path = root
        for part in [*slug.split("/"), f"{cid}.md"]:
            path = os.path.join(path, part)
            if os.path.islink(path):
                raise ValueError(f"{path} is a symbolic link; comment folders must be real folders")
        return path


def leftovers(queue: str) -> list[str]:
    """Hidden files an interrupted write left in the queue (each holds an email)."""
    found = []
    for folder, _, names in os.walk(queue):
        found += [os.path.join(folder, n) for n in names if n.startswith(".") and n.endswith(INCOMING)]
    return sorted(found)


def _safe_slug(slug: str) -> bool:
    """A slug that names folders below the queue: no empty, ``.`` or ``..`` part."""
    parts = slug.split("/")
    return bool(slug) and all(p not in ("", ".", "..") and "\\" not in p and "\x00" not in p for p in parts)


def _sentence(what: str, todo: str) -> str:
    text = f"{what}; {todo}."
    return text[0].upper() + text[1:]


ID_LETTERS = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/i/l: read aloud or typed without doubt


def short_id() -> str:
    """A new comment's id, short to type (``k7m2x-9qa4b``): 10 random characters of 31, about
    50 bits, so ids do not collide in any archive and cannot be guessed from one another.
    An id already waiting in the queue is drawn again, never overwritten."""
    chars = "".join(secrets.choice(ID_LETTERS) for _ in range(10))
    return f"{chars[:5]}-{chars[5:]}"
