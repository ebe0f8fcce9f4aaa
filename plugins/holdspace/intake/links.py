"""The pages behind the links in mails to writers: confirm (asked once, by mail), and
unsubscribe (in every mail). Opening a link changes nothing: the page has a button, a POST,
so a mail scanner that follows links confirms nothing. A mail program's one-click
unsubscribe (RFC 8058) is that POST too."""

from __future__ import annotations

import re
from http import HTTPStatus
from typing import Any

from .service import Service

LINK = re.compile(r"/(confirm|unsubscribe)/([A-Za-z0-9._-]{1,100})$")
UNKNOWN = "This link is not one of this site's, or what it was for has ended. Nothing was changed."


def answer(service: Service, method: str, purpose: str, token: str) -> tuple[HTTPStatus, dict[str, Any]]:
    """(status, page values) for a confirm or unsubscribe link. The page's button posts to the
    page's own address, whatever path a proxy put the intake under."""
    subscriptions = service.notices.subscriptions
    sid = subscriptions.check(purpose, token)
    subscription = subscriptions.get(sid) if sid else None
    if subscription is None:
        return HTTPStatus.NOT_FOUND, {"title": "This link does nothing", "paragraphs": [UNKNOWN]}
    post = subscription.post
    if purpose == "confirm":
        if method != "POST":
            words = [f"You asked to be emailed about your comment on “{post}”. Press the button to say yes."]
            return HTTPStatus.OK, {
                "title": "Confirm the emails",
                "paragraphs": words,
                "button": "Yes, email me",
            }
        subscriptions.confirm(subscription.id)
        words = [f"You will get a mail about your comment on “{post}” when there is something to tell.",
                 "Every mail has a link to stop them."]  # fmt: skip
        return HTTPStatus.OK, {"title": "Thank you: the emails are on", "paragraphs": words}
    if method != "POST":
        words = [f"Press the button to get no more mails about your comment on “{post}”."]
        return HTTPStatus.OK, {"title": "Stop the emails?", "paragraphs": words, "button": "Stop them"}
    subscriptions.remove(subscription.id)
    service.sender.outbox.drop(service.notices.mails_of(subscription.id))  # none still waiting goes out
    words = [f"No more mails will come about your comment on “{post}”. Your address is no longer kept for them."]
    return HTTPStatus.OK, {"title": "The emails are stopped", "paragraphs": words}
