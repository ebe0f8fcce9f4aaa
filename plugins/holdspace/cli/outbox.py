"""``holdspace outbox`` (``make outbox``): what waits to be sent and why; ``--send`` sends
what is due now (the intake's sender does it by itself while the intake runs)."""

from __future__ import annotations

import argparse
import os

from ..glue.project import load_project
from ..mail.outbox import Outbox
from ..mail.sender import Sender
from ..mail.transport import Transport
from ..problems import display_path
from . import errors


def add_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument("--send", action="store_true", help="send what is due now, then list what still waits")
    command.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    project = load_project(args.settings)
    outbox = Outbox(os.path.join(project.private, "outbox"))
    if args.send:
        sent, not_sent = Sender(outbox, Transport(project.settings)).send_due()
        print(f"Sent {sent} message(s); {not_sent} could not be sent now.")
    waiting, failed = outbox.waiting(), outbox.failed()
    where = display_path(outbox.folder)
    if not waiting and not failed:
        print(f"Nothing waits in {where}/ ({outbox.sent_count()} sent so far).")
        return errors.OK
    print(f"{len(waiting)} message(s) wait in {where}/, {len(failed)} refused for good, {outbox.sent_count()} sent.")
    for message in waiting:
        why = f"; tried {message.attempts} time(s), last: {message.last_error}" if message.attempts else ""
        print(f"  {message.id}  {message.about or message.kind}, due {message.due}{why}")
    for message in failed:
        print(f"  {message.id}  {message.about or message.kind}: refused for good ({message.last_error})")
    return errors.OK
