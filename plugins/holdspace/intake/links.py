"""The pages behind the links a writer is given: confirm mails (asked once, by mail),
unsubscribe (in every mail), withdraw their comment (on the thank-you page and in the
mails), be forgotten (asked from a comment's page, confirmed by a mail to its address),
and ``/links``, where a writer who lost their links asks for them by address. Opening a
link changes nothing: the page has a button, a POST, so a mail scanner that follows
links does nothing. A mail program's one-click unsubscribe (RFC 8058) is that POST too."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from ..archive.lock import project_lock
from ..archive.values import EMAIL_RE, NOT_IN_ADDRESS
from ..control import erasure, withdrawal
from ..control.holdings import PUBLISHED, holdings
from ..mail.notices import forget_mail, links_mail
from .service import Service

LINK = re.compile(r"/(confirm|unsubscribe|withdraw|forget)/([A-Za-z0-9._-]{1,120})$")
ASK = "/links"
UNKNOWN = "This link is not one of this site's, or what it was for has ended. Nothing was changed."
EXPIRED = "This link is too old to use. Nothing was changed."
STATUS = {PUBLISHED: "published", "waiting": "waiting for a moderator", "rejected": "not published"}
Page = tuple[HTTPStatus, dict[str, Any]]
LOCK_WAIT = 20  # seconds a writer's withdrawal or erasure waits for a build or decision to finish
logger = logging.getLogger("holdspace.intake")


def answer(service: Service, method: str, purpose: str, token: str, form: Mapping[str, str]) -> Page:
    """(status, page values) for a link. Its page's buttons post to the page's own address,
    whatever path a proxy put the intake under; ``form``: what a button sent."""
    sid, expired = service.notices.subscriptions.verify(purpose, token)
    if sid is not None and expired:
        ask = [EXPIRED, "To get a new link to each of your comments, ask for them by your address."]
        return HTTPStatus.GONE, {"title": "This link has expired", "paragraphs": ask, "ask_email": True,
                                 "ask_links_url": "../links"}  # fmt: skip
    if sid is not None and purpose in (withdrawal.WITHDRAW, withdrawal.FORGET):
        return _writer(service, method, purpose, sid, form)
    subscriptions = service.notices.subscriptions
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
                "actions": [("", "Yes, email me")],
            }
        subscriptions.confirm(subscription.id)
        words = [f"You will get a mail about your comment on “{post}” when there is something to tell.",
                 "Every mail has a link to stop them."]  # fmt: skip
        return HTTPStatus.OK, {"title": "Thank you: the emails are on", "paragraphs": words}
    if method != "POST":
        words = [f"Press the button to get no more mails about your comment on “{post}”."]
        return HTTPStatus.OK, {"title": "Stop the emails?", "paragraphs": words, "actions": [("", "Stop them")]}
    subscriptions.remove(subscription.id)
    service.sender.outbox.drop(service.notices.mails_of(subscription.id))  # none still waiting goes out
    words = [f"No more mails will come about your comment on “{post}”. Your address is no longer kept for them."]
    return HTTPStatus.OK, {"title": "The emails are stopped", "paragraphs": words}


def _writer(service: Service, method: str, purpose: str, cid: str, form: Mapping[str, str]) -> Page:
    """A writer's own comment: withdraw it, or ask (then confirm) to be forgotten."""
    project = service.project
    found = withdrawal.find(project, cid)
    comment = found.held.comment if found else None
    if found is None or comment is None or not EMAIL_RE.fullmatch(comment.email):
        words = ["This comment is not here any more: it was withdrawn, erased, or never kept.", "Nothing was changed."]
        return HTTPStatus.NOT_FOUND, {"title": "No such comment", "paragraphs": words}
    if purpose == withdrawal.FORGET:
        if method != "POST":
            words = ["Everything written here from the address of this comment will be erased: every comment, "
                     "published or not, and every request for mails. It cannot be undone."]  # fmt: skip
            return HTTPStatus.OK, {"title": "Erase everything you wrote here?", "paragraphs": words,
                                   "actions": [("", "Yes, erase it all")]}  # fmt: skip
        with project_lock(project.cache, wait=LOCK_WAIT):
            report = erasure.forget(project, comment.email, project.settings["ERASE_MODE"], withdrawal.WRITER_NAME)
        done = sum(report.comments.values())
        service.commits.add([*report.paths, project.log], f"forget: {done} comment(s) erased at their writer's "
                            f"request ({project.settings['ERASE_MODE']})")  # fmt: skip
        words = [f"{done} comment(s) erased, with every request for mails. "
                 "What was published leaves the site at its next update."]  # fmt: skip
        return HTTPStatus.OK, {"title": "Everything you wrote here is erased", "paragraphs": words}
    status = STATUS.get(found.held.status, found.held.status)
    if method != "POST":
        words = [f"Your comment on “{found.title}”, of {project.show_date(comment.date)}, is {status}.",
                 "Withdrawing it deletes its words; replies stay, under a note that it was withdrawn."]  # fmt: skip
        actions = [("withdraw", "Withdraw this comment"), ("forget", "Forget everything I wrote here")]
        return HTTPStatus.OK, {"title": "Your comment", "paragraphs": words, "quote": comment.body, "actions": actions}
    if form.get("do") == "forget":
        service.sender.outbox.put(forget_mail(service.notices, comment.email, cid))
        service.wake.set()
        words = ["We have sent a mail to the address of this comment. Open its link within a week to erase "
                 "everything you wrote here. Nothing is erased until then."]  # fmt: skip
        return HTTPStatus.OK, {"title": "Check your mail", "paragraphs": words}
    with project_lock(project.cache, wait=LOCK_WAIT):
        found = withdrawal.find(project, cid)  # again, under the lock: a decision may have moved it
        said = withdrawal.withdraw(project, found) if found is not None else "It was withdrawn already."
        if found is not None:
            service.commits.add([found.held.path, project.log], f"withdraw {cid} on {found.held.thread}: by its writer")
    return HTTPStatus.OK, {"title": "Your comment is withdrawn", "paragraphs": [said]}


def ask(service: Service, method: str, form: Mapping[str, str]) -> Page:
    """``/links``: a writer's links, mailed to the address they give. The page says the same
    whether or not the address wrote anything here."""
    if method != "POST":
        words = ["Give the address you wrote with: if it wrote anything here, we mail it a link to each comment."]
        return HTTPStatus.OK, {"title": "Your comments", "paragraphs": words, "ask_email": True}
    email = form.get("email", "").strip()
    if not EMAIL_RE.fullmatch(email) or NOT_IN_ADDRESS & set(email):
        words = ["That does not look like an address (name@example.org). Please check it."]
        return HTTPStatus.BAD_REQUEST, {"title": "Your comments", "paragraphs": words, "ask_email": True}
    threading.Thread(target=_mail_links, args=(service, email), daemon=True).start()  # same answer, same time
    words = ["If this address wrote anything here, a mail with a link to each comment is on its way "
             "(one such mail a day at most)."]  # fmt: skip
    return HTTPStatus.OK, {"title": "Check your mail", "paragraphs": words}


def _mail_links(service: Service, email: str) -> None:
    """Mail ``email`` its links, if it wrote anything here (in a thread of its own: the page
    answers at once either way)."""
    try:
        found = holdings(service.project, email)
        posts = service.project.threads()
        listed = [(h.id, posts[h.thread].title if h.thread in posts else h.thread, STATUS.get(h.status, h.status))
                  for h in found.comments if h.comment is None or not h.comment.removed]  # fmt: skip
        key = service.notices.subscriptions.address_hash(email)
        if listed and service.sender.outbox.put(links_mail(service.notices, email, listed, key)):
            service.wake.set()
    except Exception as e:  # a thread of its own: say it, without the address
        logger.error("the links could not be mailed: %s", e.__class__.__name__)
