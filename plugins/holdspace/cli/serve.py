"""``holdspace serve`` (``make serve``): build, then serve the output at
http://localhost:8000; with ``--autoreload`` (``make devserver``), build again through
Holdspace's own build whenever the content, the theme, the settings or the rules change.

A build that fails (exit status 2) stops the command before anything is served; while
serving, a failed rebuild leaves the site as it was and says so. Each build runs in a
process of its own, as ``holdspace build`` does, so the summary, the atomic swap and
page reuse are the same as ``make html``'s.
"""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from typing import Any

import watchfiles
from pelican.server import ComplexHTTPRequestHandler, RootedHTTPServer

from ..archive.project import Project
from ..glue.project import load_project
from . import errors
from .spell import spell


def add_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument("--autoreload", action="store_true", help="build again on every change (make devserver)")
    command.add_argument("--port", type=int, help="the port (default: the setting PORT, 8000; 0 picks a free one)")
    command.add_argument("--bind", help="the address (default: the setting BIND, 127.0.0.1)")
    command.add_argument("-o", "--output", help="the output folder (default: the setting OUTPUT_PATH)")
    command.set_defaults(run=run)


def build(args: argparse.Namespace) -> int:
    """One ``holdspace build`` in a process of its own; its exit status."""
    command = [sys.executable, "-m", "holdspace", "build", "-s", args.settings, "--log-handler", "plain"]
    if args.output:
        command += ["-o", args.output]
    return subprocess.run(command, check=False).returncode


def run(args: argparse.Namespace) -> int:
    status = build(args)  # Ctrl-C stops the build (it says so) and then this command (cli.main)
    if status not in (errors.OK, errors.PARTLY):
        print("The build failed (see above), so nothing is served.", file=sys.stderr)
        return errors.INTERRUPTED if status == errors.INTERRUPTED else errors.FAILED
    project = load_project(args.settings)
    settings = project.settings
    output = os.path.abspath(args.output or settings["OUTPUT_PATH"])
    bind = args.bind or settings.get("BIND") or "127.0.0.1"
    port = settings.get("PORT", 8000) if args.port is None else args.port
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    RootedHTTPServer.allow_reuse_address = True
    try:
        server = RootedHTTPServer(output, (bind, port), ComplexHTTPRequestHandler)
    except OSError as e:
        print(
            f"cannot serve on {bind}:{port}: {e.strerror}; choose another port with {spell('serve-port')}",
            file=sys.stderr,
        )
        return errors.FAILED
    print(f"Serving {os.path.relpath(output)}/ at http://{bind}:{server.server_address[1]}/ . Ctrl-C stops it.")
    sys.stdout.flush()
    stop = threading.Event()
    if args.autoreload:
        threading.Thread(target=_rebuild_on_change, args=(project, args, stop), daemon=True).start()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.server_close()
    return errors.OK


def watched(project: Project, settings_file: str) -> tuple[list[str], Callable[[Any, str], bool]]:
    """The paths a rebuild follows, and which changes under them count: the content, the theme,
    the settings file, and of the moderation folder the rules and the decisions' log (a crisis
    note follows it). Hidden files (editors' swap files, the intake's half-written ones) never do."""
    theme = str(project.settings.get("THEME", ""))
    rules_and_log = {os.path.abspath(project.guidelines), os.path.abspath(project.log)}
    moderation = os.path.abspath(project.moderation)
    paths = [p for p in (project.content, theme, os.path.abspath(settings_file), moderation) if p and os.path.exists(p)]

    def counts(change: Any, path: str) -> bool:
        if os.path.basename(path).startswith(".") or "__pycache__" in path:
            return False
        return not path.startswith(moderation + os.sep) or path in rules_and_log

    return paths, counts


def _rebuild_on_change(project: Project, args: argparse.Namespace, stop: threading.Event) -> None:
    paths, counts = watched(project, args.settings)
    print(f"Watching {', '.join(os.path.relpath(p) for p in paths)} for changes.")
    sys.stdout.flush()
    for changes in watchfiles.watch(
        *paths, watch_filter=counts, stop_event=stop, rust_timeout=1000, yield_on_timeout=False
    ):
        names = sorted({os.path.relpath(path) for _, path in changes})
        print(f"-> Changed: {', '.join(names[:5])}{' ...' if len(names) > 5 else ''}; building again")
        sys.stdout.flush()
        if build(args) not in (errors.OK, errors.PARTLY):
            print("The build failed (see above); the site served is the one before.")
        sys.stdout.flush()
