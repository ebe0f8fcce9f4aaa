"""``holdspace build [Pelican's options]`` (``make html``, ``make publish``): Pelican and
Holdspace's plugin, then a summary.

The site is built into a new folder beside the output, which replaces the output in
one step at the end, so a build that fails or is killed leaves the previous site
whole. Exit status (``errors``): 0 built; 1 built, some comments held back (listed:
one bad comment never stops the others); 2 the build failed (a template error, a
crash, bad settings), the output left exactly as it was.
"""

from __future__ import annotations

import contextlib
import glob
import gzip
import importlib
import logging
import os
import pickle
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from typing import Any

from pelican import LOG_HANDLERS, get_instance, parse_arguments
from pelican.log import init as init_logging

from ..archive.lock import project_lock, sweep
from ..archive.moves import replace_folder
from ..archive.parsecache import collector_paused
from ..control.erasure import pending as pending_erasures
from ..glue.project import project_of
from ..glue.report import BuildReport, build_report
from ..mail.notices import promote_live
from ..problems import HoldspaceError, display_path
from . import errors
from .spell import spell

SHOWN = 20  # problems listed in the summary; all of them are logged above it
BUILDING_PREFIX = ".holdspace-building-"
OLD_PREFIX = ".holdspace-old-"
HELP = """\
holdspace build [Pelican's options]: build the site with Pelican and Holdspace into a new
folder, which replaces the output at the end. Exit status: 0 built; 1 built, some comments
held back (listed); 2 the build failed, and the output is left exactly as it was.
Pelican's -r, -l, -p and -b are holdspace serve's: holdspace serve [--autoreload].
"""


class _Collector:
    def __init__(self) -> None:
        self.report: BuildReport | None = None

    def receive(self, sender: object, report: BuildReport) -> None:
        self.report = report


def summary(report: BuildReport, seconds: float, queue: str) -> str:
    lines = [
        f"Holdspace: {report.posts} posts, {report.published} comments published, "
        f"{report.held_back} held back, {report.queued} waiting in {queue} "
        + (f"({report.queued_crisis} flagged for crisis) " if report.queued_crisis else "")
        + f"({seconds:.1f} s; "
        f"{report.rendered} bodies rendered, {report.cache_hits} from cache"
        + (f"; {report.pages_reused} pages unchanged, linked from the last build" if report.pages_reused else "")
        + (f"; {report.lists_reused} lists unchanged" if report.lists_reused else "")
        + ")"
    ]
    if report.on_drafts:
        lines.append(f"{report.on_drafts} approved comment(s) wait for their draft post to be published")
    if report.problems:
        lines.append(f"{len(report.problems)} problem(s) to fix; the files were left as they are:")
        lines.extend(f"  {p}" for p in report.problems[:SHOWN])
        if len(report.problems) > SHOWN:
            lines.append(f"  ... and {len(report.problems) - SHOWN} more, listed above")
    return "\n".join(lines)


def _remove_later(folder: bytes | str) -> int:
    """Remove the previous output in a process of its own: at 20,000 comments deleting
    its files takes seconds nobody needs to wait for. It is renamed first, so the next
    build never takes it for its own; a build removes any left over the same way."""
    folder = os.fsdecode(folder)
    aside = tempfile.mkdtemp(prefix=OLD_PREFIX, dir=os.path.dirname(folder))
    os.rename(folder, os.path.join(aside, "output"))
    return _spawn_remover(aside)


def _spawn_remover(folder: str) -> int:
    code = "import shutil, sys; shutil.rmtree(sys.argv[1], ignore_errors=True)"
    return subprocess.Popen(
        [sys.executable, "-c", code, folder],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    ).pid


def _stop_helpers(keep: set[int]) -> None:
    """Stop what a failed build started beside Pelican (the parsing, search and redirect
    pages' processes, forked), so nothing writes into its folder once it is removed. Linux lists a
    process's children in /proc; elsewhere the helpers die with the build (glue.forks)."""
    try:
        with open(f"/proc/self/task/{os.getpid()}/children", encoding="ascii") as f:
            children = {int(pid) for pid in f.read().split()}
    except OSError:
        return
    for pid in children - keep:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)


def _mend_pelican_cache(settings: dict[str, Any]) -> None:
    """Remove a Pelican cache file a killed build left half-written: Pelican writes it in
    place and stops on a cut-off one (EOFError) instead of reading the posts again."""
    folder = settings.get("CACHE_PATH") or ""
    if not settings.get("LOAD_CONTENT_CACHE") or not os.path.isdir(folder):
        return
    opener: Any = gzip.open if settings.get("GZIP_CACHE", True) else open
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        try:
            with opener(path, "rb") as f, collector_paused():
                pickle.load(f)
        except Exception as e:  # cut off, damaged, or not a cache at all: Pelican would fail or skip it
            logging.getLogger(__name__).warning(
                "%s: a damaged cache (%s), left by a build that was stopped; removed: this build reads "
                "every post again", display_path(path), e.__class__.__name__)  # fmt: skip
            with contextlib.suppress(OSError):
                os.unlink(path)


class PluginOff(HoldspaceError):
    """Pelican ran without Holdspace's threads: nothing was checked or published."""


def _build(pelican: Any, settings: dict[str, Any], collector: _Collector) -> None:
    """Run Pelican into a new folder beside the output, then put it in place of the output."""
    final = os.path.abspath(settings["OUTPUT_PATH"])
    parent = os.path.dirname(final)
    os.makedirs(parent, exist_ok=True)
    # Old outputs still being removed (or whose remover was stopped) first: the builds a
    # killed build left are then put aside with a remover of their own, one each.
    removers = {_spawn_remover(stale) for stale in glob.glob(os.path.join(parent, OLD_PREFIX + "*"))}
    removers |= {_remove_later(stale) for stale in glob.glob(os.path.join(parent, BUILDING_PREFIX + "*"))}
    building = tempfile.mkdtemp(prefix=BUILDING_PREFIX, dir=parent)
    try:
        os.chmod(building, 0o755)
        _mend_pelican_cache(settings)
        pelican.output_path = settings["OUTPUT_PATH"] = building
        settings["HOLDSPACE_PREVIOUS_OUTPUT"] = final
        with project_lock(project_of(settings).cache, waiting=lambda: logging.getLogger(__name__).warning(
                "waiting for another build, decision or erasure to finish ...")):  # fmt: skip
            sweep(project_of(settings).cache)
            pelican.run()
        if collector.report is None:
            raise PluginOff(
                "Holdspace's threads did not run, so no comment was published; add 'holdspace' to PLUGINS "
                "(the output is left as it was)"
            )
        replace_folder(building, final, _remove_later)
        promote_live(project_of(settings).cache)  # what `holdspace notify` may now tell of
    except BaseException:
        _stop_helpers(removers)
        shutil.rmtree(building, ignore_errors=True)
        raise


def main(argv: list[str] | None = None) -> int:
    if argv is not None and {"-h", "--help"} & set(argv):
        print(HELP)
    name, sys.argv[0] = sys.argv[0], "holdspace build"  # Pelican's parser names itself after it
    try:
        args = parse_arguments(argv)
    finally:
        sys.argv[0] = name
    if args.autoreload or args.listen:
        print("holdspace build only builds; to serve the site: holdspace serve [--autoreload]", file=sys.stderr)
        return errors.FAILED
    init_logging(
        level=args.verbosity,
        fatal=args.fatal,
        name="pelican",
        handler=LOG_HANDLERS[args.log_handler] or logging.StreamHandler(),
        logs_dedup_min_level=getattr(logging, args.logs_dedup_min_level),
    )
    # Progress on long work: the plugin logs it at INFO, shown even without -v.
    if args.verbosity is None or args.verbosity > logging.INFO:
        logging.getLogger("holdspace").setLevel(logging.INFO)
    collector = _Collector()
    build_report.connect(collector.receive)
    start = time.perf_counter()
    settings_file = args.settings or "pelicanconf.py"
    try:
        # The plugin's modules, imported here: a Ctrl-C that lands in an import inside Pelican's
        # plugin loading is logged by Pelican as a failed plugin, with a traceback.
        importlib.import_module("holdspace.glue.comments")
        importlib.import_module("holdspace.glue.search")
        pelican, settings = get_instance(args)
        _build(pelican, settings, collector)
    except KeyboardInterrupt:
        print("Interrupted; the previous site is left as it was.", file=sys.stderr)
        return errors.INTERRUPTED
    except errors.HANDLED as e:
        errors.report(e, settings_file)
        return errors.FAILED
    except Exception as e:  # Pelican's own errors, a template's, a crash
        if args.verbosity == logging.DEBUG:
            raise
        return errors.build_failed(e)
    report = collector.report
    assert report is not None  # _build checked
    queue = display_path(project_of(settings).queue) + "/"
    print(summary(report, time.perf_counter() - start, queue), file=sys.stderr)
    unfinished = pending_erasures(project_of(settings))
    if unfinished:
        print(f"{len(unfinished)} erasure(s) were interrupted and are not finished: {spell('forget-finish')} "
              "finishes them (docs/control.md)", file=sys.stderr)  # fmt: skip
    return errors.PARTLY if report.problems else errors.OK
