"""What the intake says back, as the values of its page (``pages.Pages.render``): thanks,
with crisis help first when the words speak of crisis and after them otherwise; a refused
form, filled in again with each problem next to its field; or why nothing was taken, with
the words given back. Nothing a person wrote is lost on the way."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..archive.posts import PostInfo
from ..mail.notices import WITHDRAW_DAYS
from ..review.verdicts import CRISIS, body_flags
from .forms import Outcome
from .service import Service

THANKS = [
    "A volunteer moderator reads every comment before it appears. Yours will show on the page once it is approved.",
    "Your email is never published.",
]


def _crisis(service: Service, words: str) -> bool:
    """Do ``words`` hold the guidelines' crisis terms (the same check as the queue's)?"""
    try:
        rules = service.intake.rules()
    except (OSError, ValueError):
        return False
    return any(flag.kind == CRISIS for flag in body_flags(words, 1, rules))


def thanks(service: Service, outcome: Outcome, form: Mapping[str, str], asked: bool = False) -> dict[str, Any]:
    href, words = service.back_link(outcome.post)
    mails = ["We have sent you a mail to confirm the emails you asked for: none comes until you do."] if asked else []
    later = service.notices.writer_link("withdraw", outcome.comment.id, WITHDRAW_DAYS) if outcome.comment else ""
    return {"title": "Thank you: your comment awaits moderation", "paragraphs": [*THANKS, *mails], "thanks": True,
            "crisis": _crisis(service, form.get("comment", "")), "back": (f"{href}#comments", words),
            "withdraw_link": later}  # fmt: skip


def refused(service: Service, outcome: Outcome, form: Mapping[str, str]) -> dict[str, Any]:
    """A form the intake read and could not take: to change (400), or to nowhere (403, 404)."""
    if outcome.status == 400 and outcome.post is not None:
        return _form_back(service, outcome.post, form, outcome.fields, "Your comment was not sent")
    href, words = service.back_link(outcome.post)
    return {"title": "This comment cannot be taken", "problems": [("", p) for p in outcome.problems],
            "kept": form.get("comment", ""), "back": (f"{href}#respond", words),
            "crisis": _crisis(service, form.get("comment", ""))}  # fmt: skip


def refusal(service: Service, message: str, form: Mapping[str, str] | None) -> dict[str, Any]:
    """A request refused before or instead of the checks (too large, too many, not saved)."""
    post = service.intake.threads().get(form.get("post", "")) if form else None
    if form and post is not None and not post.draft:
        return _form_back(service, post, form, [("", message)], "Your comment was not sent")
    href, words = service.back_link(None)
    kept = form.get("comment", "") if form else ""
    return {"title": "Your comment was not sent", "problems": [("", message)], "kept": kept,
            "back": (href, words), "crisis": bool(kept) and _crisis(service, kept)}  # fmt: skip


def _form_back(
    service: Service, post: PostInfo, form: Mapping[str, str], problems: list[tuple[str, str]], title: str
) -> dict[str, Any]:
    """The form again, with everything the person typed, and each problem by its field."""
    href, words = service.back_link(post)
    by_field: dict[str, list[str]] = {}
    for field, sentence in problems:
        if field:
            by_field.setdefault(field, []).append(sentence)
    values = {name: form.get(name, "") for name in ("author", "email", "website", "comment", "reply_to", "notify",
                                                    "notify_live")}  # fmt: skip
    try:
        rules = service.intake.rules()
    except (OSError, ValueError):
        rules = None
    return {"title": title, "problems": problems, "show_form": True, "post": post, "form_values": values,
            "field_problems": by_field, "comment_rules": rules, "back": (f"{href}#respond", words),
            "crisis": _crisis(service, values["comment"])}  # fmt: skip
