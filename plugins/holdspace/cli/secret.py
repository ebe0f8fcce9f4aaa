"""``holdspace secret`` (``make secret``): the secret AVATARS = "local" draws pictures with,
made once and kept (a new one changes every picture)."""

from __future__ import annotations

import argparse
import os

from ..archive.project import project_path
from ..glue.project import load_project
from ..publishing.avatars import SECRET_ENV, avatar_secret


def add_arguments(command: argparse.ArgumentParser) -> None:
    command.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    project = load_project(args.settings)
    path = project_path(project.content, project.settings["AVATAR_SECRET_FILE"])
    shown = os.path.relpath(path)
    if os.environ.get(SECRET_ENV, "").strip():
        print(f"${SECRET_ENV} is set, and builds use it; {shown} is not needed")
    elif os.path.isfile(path) and os.path.getsize(path) > 0:
        print(f"{shown} exists; keep it (a new one changes every picture)")
    else:
        if os.path.isfile(path):  # empty: as good as missing
            os.remove(path)
        avatar_secret(path, create=True)
        print(f"Wrote {shown} (git ignores it). Keep a copy: every build must use the same secret.")
    return 0
