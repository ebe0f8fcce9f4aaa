"""Build the site with Pelican, then print a summary and exit non-zero when
comments were held back, so that ``make publish`` and CI notice.

    python -m holdspace.build [any pelican option]

The site is written either way: one bad comment never stops the others.
"""

from __future__ import annotations

import glob
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time

from pelican import LOG_HANDLERS, get_instance, parse_arguments
from pelican.log import init as init_logging

from .avatars import SecretMissing
from .guidelines import RulesError
from .moves import replace_folder
from .pelican_threads import BuildReport, build_report
from .problems import display_path
from .settings import SettingsError

SHOWN = 20  # problems listed in the summary; all of them are logged above it


class _Collector:
    def __init__(self) -> None:
        self.report: BuildReport | None = None

    def receive(self, sender, report: BuildReport) -> None:
        self.report = report


def summary(report: BuildReport, seconds: float, queue: str) -> str:
    lines = [
        f"Holdspace: {report.posts} posts, {report.published} comments published, "
        f"{report.held_back} held back, {report.queued} waiting in {queue} "
        f"({report.queued_crisis} flagged for crisis) ({seconds:.1f} s; "
        f"{report.rendered} bodies rendered, {report.cache_hits} from cache"
        + (f"; {report.pages_reused} pages unchanged, linked from the last build)" if report.pages_reused else ")")
    ]
    if report.on_drafts:
        lines.append(f"{report.on_drafts} approved comment(s) wait for their draft post to be published")
    if report.problems:
        lines.append(f"{len(report.problems)} problem(s) to fix; the files were left as they are:")
        lines.extend(f"  {p}" for p in report.problems[:SHOWN])
        if len(report.problems) > SHOWN:
            lines.append(f"  ... and {len(report.problems) - SHOWN} more, listed above")
    return "\n".join(lines)


BUILDING_PREFIX = ".holdspace-building-"
OLD_PREFIX = ".holdspace-old-"


def _remove_later(folder: bytes | str) -> None:
    """Remove the previous output in a process of its own: at 20,000 comments deleting
    its files takes seconds nobody needs to wait for. It is renamed first, so the next
    build never takes it for its own; a build removes any left over the same way."""
    folder = os.fsdecode(folder)
    aside = tempfile.mkdtemp(prefix=OLD_PREFIX, dir=os.path.dirname(folder))
    os.rename(folder, os.path.join(aside, "output"))
    _spawn_remover(aside)


def _spawn_remover(folder: str) -> None:
    code = "import shutil, sys; shutil.rmtree(sys.argv[1], ignore_errors=True)"
    subprocess.Popen(
        [sys.executable, "-c", code, folder],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def _discard(folder: str | None) -> None:
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    args = parse_arguments(argv)
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
    building = None
    try:
        pelican, settings = get_instance(args)
        # Build into a new folder beside the output and put it in place at the end,
        # so a crashed or killed build leaves the previous site whole.
        final = os.path.abspath(settings["OUTPUT_PATH"])
        os.makedirs(os.path.dirname(final), exist_ok=True)
        # Old outputs still being removed (or whose remover was stopped) first: the builds a
        # killed build left are then put aside with a remover of their own, one each.
        for stale in glob.glob(os.path.join(os.path.dirname(final), OLD_PREFIX + "*")):
            _spawn_remover(stale)
        for stale in glob.glob(os.path.join(os.path.dirname(final), BUILDING_PREFIX + "*")):
            _remove_later(stale)
        building = tempfile.mkdtemp(prefix=BUILDING_PREFIX, dir=os.path.dirname(final))
        os.chmod(building, 0o755)
        pelican.output_path = settings["OUTPUT_PATH"] = building
        settings["HOLDSPACE_PREVIOUS_OUTPUT"] = final
        pelican.run()
        replace_folder(building, final, _remove_later)
        building = None
    except SettingsError as e:
        _discard(building)
        print(f"{args.settings or 'pelicanconf.py'}: {e}", file=sys.stderr)
        return 2
    except (RulesError, SecretMissing) as e:
        _discard(building)
        print(e, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        _discard(building)
        print("Interrupted; the previous site is left as it was.", file=sys.stderr)
        return 130
    except Exception as e:  # Pelican's own errors: a message, not a traceback
        _discard(building)
        print(f"Build failed: {e.__class__.__name__}: {e}; the previous site is left as it was", file=sys.stderr)
        if args.verbosity == logging.DEBUG:
            raise
        return 1
    report = collector.report
    if report is None:
        print("Holdspace's plugin did not run; add 'holdspace.pelican_threads' to PLUGINS", file=sys.stderr)
        return 1
    queue = display_path(os.path.join(settings.get("MODERATION_PATH", "moderation"), "queue")) + "/"
    print(summary(report, time.perf_counter() - start, queue), file=sys.stderr)
    return 1 if report.problems else 0


if __name__ == "__main__":
    sys.exit(main())
