"""The one place where the library's errors become messages and exit statuses.

    0  done (a build: built, nothing held back)
    1  done in part: a build with comments held back (listed), or a moderation
       command that refused (the file stays where it was)
    2  could not run: bad settings or rules, a build that failed, a missing file
  130  stopped with Ctrl-C (a build leaves the previous site as it was)

The library raises ``HoldspaceError``s in plain words and never names a command;
here a message gets the command to type, as the reader types it (``spell``).
"""

from __future__ import annotations

import sys

from ..archive.moves import MoveError
from ..problems import HoldspaceError
from ..review.decisions import ModerationError
from ..settings import SettingsError
from .spell import spell

OK, PARTLY, FAILED = 0, 1, 2
INTERRUPTED = 130  # Ctrl-C, as shells count it
# Refusals: the command ran and said no. Every other HoldspaceError: it could not run.
REFUSALS = (ModerationError, MoveError)


def message(error: BaseException, settings_file: str = "") -> str:
    """What to print for ``error``."""
    from ..publishing.avatars import SecretMissing  # here: a moderation command needs no avatars (hmac, secrets)

    if isinstance(error, SecretMissing):
        return (
            f"{error}; run `{spell('secret')}` once (it writes that file, which git ignores) and keep it: "
            "a new secret changes every picture"
        )
    if isinstance(error, SettingsError) and settings_file and not str(error).startswith(settings_file):
        return f"{settings_file}: {error}"
    if isinstance(error, FileNotFoundError):
        return f"{error.filename}: not found; run the command in the site's folder"
    if isinstance(error, PermissionError):
        return f"{error.filename}: not allowed to change it; run the command as the user who owns the site's files"
    return str(error)


def status(error: BaseException) -> int:
    return PARTLY if isinstance(error, REFUSALS) else FAILED


def report(error: BaseException, settings_file: str = "") -> int:
    """Print ``error`` for the reader and return the exit status it calls for."""
    print(message(error, settings_file), file=sys.stderr)
    return status(error)


HANDLED = (HoldspaceError, FileNotFoundError, PermissionError)


def build_failed(error: BaseException) -> int:
    """A build that failed for a reason of Pelican's, a template's or a crash: one line, not a
    traceback (``--debug`` shows it), and the output left as it was."""
    print(f"Build failed: {error.__class__.__name__}: {error}; the previous site is left as it was", file=sys.stderr)
    return FAILED
