"""Delivery: a mail through the site's SMTP server, or a webhook call. A failure says
whether to try again (the server or the network is down) or not (it refused for good).

MAIL_SMTP_URL: ``smtp://[user@]host[:port]`` (port 587 by default) upgrades with STARTTLS
when the server offers it, and must when there is a login, so a password never goes in
clear; ``smtps://[user@]host[:port]`` (465) is TLS from the start. The password comes from
$HOLDSPACE_SMTP_PASSWORD, never from a file.
"""

from __future__ import annotations

import json
import os
import smtplib
import ssl
import urllib.error
import urllib.request
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote, urlsplit

from .message import Message

PASSWORD_ENV = "HOLDSPACE_SMTP_PASSWORD"
TIMEOUT = 30  # seconds for a server to answer


class DeliveryError(Exception):
    """Not delivered; ``again``: worth trying later."""

    def __init__(self, what: str, again: bool) -> None:
        super().__init__(what)
        self.again = again


class Transport:
    """Delivers messages with the site's settings (MAIL_SMTP_URL, MAIL_FROM)."""

    def __init__(self, settings: Mapping[str, Any]) -> None:
        self.url = str(settings.get("MAIL_SMTP_URL") or "")
        self.sender = str(settings.get("MAIL_FROM") or "")

    def deliver(self, message: Message) -> None:
        if message.kind == "webhook":
            _post_json(message.url, message.payload)
        elif not self.url:
            raise DeliveryError("MAIL_SMTP_URL is not set, so no mail can be sent", again=True)
        else:
            _send_mail(self.url, self.sender, message)


def _send_mail(url: str, sender: str, message: Message) -> None:
    parts = urlsplit(url)
    host = parts.hostname or ""
    user = unquote(parts.username or "")
    context = ssl.create_default_context()
    try:
        if parts.scheme == "smtps":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(host, parts.port or 465, timeout=TIMEOUT, context=context)
        else:
            smtp = smtplib.SMTP(host, parts.port or 587, timeout=TIMEOUT)
        with smtp:
            if parts.scheme == "smtp":
                smtp.ehlo()
                if smtp.has_extn("starttls"):
                    smtp.starttls(context=context)
                    smtp.ehlo()
                elif user:
                    raise DeliveryError(f"{host} offers no STARTTLS, so the login would go in clear", again=True)
            if user:
                smtp.login(user, os.environ.get(PASSWORD_ENV, ""))
            smtp.send_message(message.email(sender), to_addrs=message.to)  # these alone, never read from To
    except smtplib.SMTPRecipientsRefused as e:
        codes = [code for code, _ in e.recipients.values()]
        raise DeliveryError(f"{host} refused every recipient ({', '.join(map(str, codes))})",
                            again=not all(500 <= c < 600 for c in codes)) from e  # fmt: skip
    except smtplib.SMTPResponseException as e:
        raise DeliveryError(f"{host} answered {e.smtp_code}", again=not 500 <= e.smtp_code < 600) from e
    except (OSError, smtplib.SMTPException) as e:  # down, unreachable, a timeout, a TLS failure
        raise DeliveryError(f"{host}: {e.__class__.__name__}: {e}", again=True) from e


def _post_json(url: str, payload: Mapping[str, Any]) -> None:
    request = urllib.request.Request(
        url, data=json.dumps(payload).encode("utf-8"), method="POST", headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:
            answer.read()
    except urllib.error.HTTPError as e:
        raise DeliveryError(f"the webhook answered {e.code}", again=e.code == 429 or e.code >= 500) from e
    except (OSError, ValueError) as e:
        raise DeliveryError(f"the webhook: {e.__class__.__name__}: {e}", again=True) from e
