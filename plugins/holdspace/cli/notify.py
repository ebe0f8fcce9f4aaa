"""``holdspace notify`` (``make notify``; ``make publish``, ``make rsync_upload`` and ``make
github`` run it after a deploy that worked): tell the writers who asked and confirmed, of
what is live on the site now (the last build's record): a reply to their comment, their
comment published. Each is written to the outbox, once, and sent."""

from __future__ import annotations

import argparse
import os

from ..archive.commentfile import read_comment
from ..glue.project import load_project
from ..mail.notices import Live, Notices, read_live
from ..mail.outbox import Outbox
from ..mail.sender import Sender
from ..mail.subscriptions import Subscriptions
from ..mail.transport import Transport
from ..problems import display_path
from . import errors

WORDS = 40  # of a reply, in the mail


def add_arguments(command: argparse.ArgumentParser) -> None:
    command.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    project = load_project(args.settings)
    settings = project.settings
    if not settings["MAIL_SMTP_URL"] or not settings["COMMENT_INTAKE_URL"]:
        print("No mails to writers: MAIL_SMTP_URL and COMMENT_INTAKE_URL are not both set (docs/mail.md).")
        return errors.OK

    def words(comment: Live) -> str:
        found, _ = read_comment(os.path.join(project.comments, comment.thread, f"{comment.id}.md"), comment.thread,
                                project.tz)  # fmt: skip
        text = found.body.split() if found is not None else []
        return " ".join(text[:WORDS]) + ("…" if len(text) > WORDS else "")

    outbox = Outbox(os.path.join(project.private, "outbox"))
    notices = Notices(Subscriptions(project.private), settings, words)
    built_for, live = read_live(project.cache)
    siteurl = str(settings.get("SITEURL") or "")
    if live and built_for.rstrip("/") != siteurl.rstrip("/"):
        print(f"No mails to writers: the last build was made for SITEURL {built_for or '(none)'!r}, these settings "
              f"say {siteurl!r}; build with these settings ({display_path(args.settings or 'pelicanconf.py')}) "
              "and put the site online first.")  # fmt: skip
        return errors.OK
    new = sum(1 for message in notices.notifications(live) if outbox.put(message))
    sent, not_sent = Sender(outbox, Transport(settings)).send_due()
    print(f"{new} new notification(s) for writers, of {len(live)} live comments; {sent} mail(s) sent"
          + (f", {not_sent} not sent yet (holdspace outbox says why)" if not_sent else "") + ".")  # fmt: skip
    return errors.OK
