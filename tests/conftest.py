"""Fixtures: tiny sites built in tmp_path with the real theme and plugin."""

from __future__ import annotations

import contextlib
import email
import functools
import os
import shutil
import signal
import socket
import textwrap
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"
# The tests' own demo site: its archive and settings. The project's content/, moderation/
# and pelicanconf.py belong to the site's owner; no test reads or writes them.
DEMO_SITE = ROOT / "tests" / "fixtures" / "demo"
DEMO_SETTINGS = DEMO_SITE / "pelicanconf.py"
CODE_PATHS = {"THEME": str(ROOT / "theme"), "PLUGIN_PATHS": [str(ROOT / "plugins")]}


@dataclass
class Built:
    output: Path
    report: object  # holdspace.glue.report.BuildReport

    def html(self, relpath: str) -> str:
        return (self.output / relpath).read_text(encoding="utf-8")

    def files(self) -> list[Path]:
        return sorted(p for p in self.output.rglob("*") if p.is_file())


class Site:
    """A project folder in tmp_path: content/, moderation/, and a build()."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.content = root / "content"
        for folder in ("content/posts", "content/pages", "content/comments", "moderation/queue", "moderation/rejected"):
            (root / folder).mkdir(parents=True, exist_ok=True)

    def write_settings(self, **settings: object) -> Path:
        """A pelicanconf.py in the project folder: the repository's, with ``settings`` on top."""
        lines = [
            "import pathlib",
            f"exec(pathlib.Path({str(DEMO_SETTINGS)!r}).read_text(encoding='utf-8'))",
            f"THEME = {str(ROOT / 'theme')!r}",
            f"PLUGIN_PATHS = [{str(ROOT / 'plugins')!r}]",
            "COMMENT_EMAIL = ''",
            *(f"{key} = {value!r}" for key, value in settings.items()),
        ]
        path = self.root / "pelicanconf.py"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    def cli(self, *args: str) -> int:
        """The holdspace command, run here on this site's settings file (``write_settings``)."""
        from holdspace.cli.main import main

        return main([*args, "-s", str(self.root / "pelicanconf.py")])

    def project(self):  # type: ignore[no-untyped-def]
        """The site as every command loads it (with the repository's settings unless written)."""
        from holdspace.glue.project import load_project

        if not (self.root / "pelicanconf.py").exists():
            self.write_settings()
        return load_project(str(self.root / "pelicanconf.py"))

    def use_project_rules(self) -> Path:
        target = self.root / "moderation" / "guidelines.toml"
        shutil.copyfile(DEMO_SITE / "moderation" / "guidelines.toml", target)
        return target

    def post(self, slug: str, title: str | None = None, date: str = "2025-01-01 09:00", **meta: str) -> Path:
        lines = [f"Title: {title or slug.replace('-', ' ').title()}", f"Date: {date}", f"Slug: {slug}"]
        lines += [f"{key.replace('_', '-').title()}: {value}" for key, value in meta.items()]
        path = self.content / "posts" / f"{slug}.md"
        path.write_text("\n".join(lines) + f"\n\nThe body of {slug}.\n", encoding="utf-8")
        return path

    def page(self, slug: str, title: str, body: str = "A page.", **meta: str) -> Path:
        lines = [f"Title: {title}", f"Slug: {slug}", *(f"{key.title()}: {value}" for key, value in meta.items())]
        path = self.content / "pages" / f"{slug}.md"
        path.write_text("\n".join(lines) + f"\n\n{body}\n", encoding="utf-8")
        return path

    def comment(
        self,
        thread: str,
        cid: str,
        body: str = "A kind word.",
        *,
        author: str = "Sam",
        email: str | None = None,
        date: str = "2025-01-02 10:00",
        folder: str = "content/comments",
        **extra: str,
    ) -> Path:
        headers = {"Author": author, "Email": email or f"{cid}@example.org", "Date": date}
        headers.update({key.replace("_", "-").title(): value for key, value in extra.items()})
        text = "".join(f"{key}: {value}\n" for key, value in headers.items()) + "\n" + body + "\n"
        return self.raw_comment(thread, f"{cid}.md", text.encode("utf-8"), folder=folder)

    def raw_comment(self, thread: str, name: str, data: bytes, folder: str = "content/comments") -> Path:
        path = self.root / folder / thread / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path

    def build(self, **settings: object) -> Built:
        from pelican import Pelican
        from pelican.settings import read_settings

        from holdspace.glue.report import BuildReport, build_report

        received: list[BuildReport] = []

        def receive(sender: object, report: BuildReport) -> None:
            received.append(report)

        override = {
            "PATH": str(self.content),
            "OUTPUT_PATH": str(self.root / "output"),
            "CACHE_PATH": str(self.root / ".cache" / "pelican"),
            "HOLDSPACE_CACHE_PATH": str(self.root / ".cache" / "holdspace"),
            "COMMENT_EMAIL": "",
            **settings,
        }
        build_report.connect(receive)
        try:
            Pelican(read_settings(str(DEMO_SETTINGS), override={**CODE_PATHS, **override})).run()
        finally:
            build_report.disconnect(receive)
        assert len(received) == 1, "the plugin sends one report per build"
        return Built(self.root / "output", received[0])


@pytest.fixture
def site(tmp_path: Path) -> Site:
    return Site(tmp_path)


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


@contextlib.contextmanager
def serve_folder(folder: Path) -> Iterator[str]:
    """Serve ``folder`` over HTTP on localhost; yields the base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


AXE = ROOT / "tests" / "js" / "node_modules" / "axe-core" / "axe.min.js"  # make test installs it with npm


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def pytest_configure(config: pytest.Config) -> None:
    """The tests are about the code, not about who runs them: make's HOLDSPACE_VIA (which makes
    messages say `make approve ...`) is set only by the tests that check those words. Started
    in the background by a shell without job control (`sh -c 'make test &'`), this process
    ignores Ctrl-C and so would every command it runs: the tests that stop `holdspace serve`
    with it would wait forever, so the commands get Python's own handling back."""
    os.environ.pop("HOLDSPACE_VIA", None)
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Browser tests need Chromium, parity tests Node.js, the XSS tests ../shared/data/: where one
    is missing, its tests are skipped with one line; in CI (CI set) a missing one is an error."""
    needs = {"browser": ("Chromium", chromium_path(), "apt-get install chromium"),
             "axe": ("axe-core", AXE.is_file() or None, "npm ci --prefix tests/js"),
             "node": ("Node.js", shutil.which("node"), "apt-get install nodejs"),
             "shared_data": (f"the outside test data ({SHARED_DATA})", SHARED_DATA.is_dir() or None,
                             "clone the project beside ../shared/")}  # fmt: skip
    for marker, (name, found, install) in needs.items():
        tests = [item for item in items if marker in item.keywords]
        if not tests or found:
            continue
        if os.environ.get("CI"):
            raise pytest.UsageError(f"CI: {name} is missing; .ci/run should have installed it ({install})")
        skip = pytest.mark.skip(reason=f"{name} is not installed: its tests skipped ({install})")
        for item in tests:
            item.add_marker(skip)


def pytest_report_header(config: pytest.Config) -> str:
    found = chromium_path()
    return (
        f"chromium: {found}"
        if found
        else "chromium: missing, so the browser tests are skipped (apt-get install chromium)"
    )


@dataclass
class Demo:
    output: Path
    cache: Path
    report: object
    warnings: list


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    """The tests' demo archive (tests/fixtures/demo/), built once for the whole test run."""
    return build_demo(tmp_path_factory.mktemp("demo"))


def build_demo(out: Path, **override: object) -> Demo:
    """The tests' demo archive built into ``out`` with its settings and ``override``."""
    import logging

    from pelican import Pelican
    from pelican.settings import read_settings

    from holdspace.glue.report import build_report

    reports: list = []
    warnings: list = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            warnings.append(record)

    def receive(sender: object, report: object) -> None:
        reports.append(report)

    handler = Collect(logging.WARNING)
    logging.getLogger().addHandler(handler)
    build_report.connect(receive)
    try:
        settings = read_settings(
            str(DEMO_SETTINGS),
            override={**CODE_PATHS, "OUTPUT_PATH": str(out / "output"), "HOLDSPACE_CACHE_PATH": str(out / "cache"),
                      "CACHE_PATH": str(out / "pelican-cache"), "HOLDSPACE_PRIVATE_PATH": str(out / "private"),
                      **override},
        )  # fmt: skip
        Pelican(settings).run()
    finally:
        build_report.disconnect(receive)
        logging.getLogger().removeHandler(handler)
    return Demo(out / "output", out / "cache", reports[0], warnings)


# The trust figures (make trust, and the end of make test): what the XSS, privacy,
# fuzz and kill tests tried and found. Tests add to them, then assert.
TRUST_ROWS = [
    ("XSS vectors tried", "vectors"),
    ("XSS vectors executed (script ran, navigated or made a request)", "executed"),
    ("XSS vectors taken as a new site's name or address, checked inert", "new_site_vectors"),
    ("privacy: files scanned", "scanned"),
    ("privacy: leaks found (email, email hash, moderation text)", "leaks"),
    ("fuzz: hostile archives built", "fuzz"),
    ("fuzz: crashes (tracebacks, or a valid comment lost)", "crashes"),
    ("kills: builds and moderation commands killed", "kills"),
    ("kills: losses (a site or comment file not whole)", "losses"),
    ("accessibility: pages checked by axe-core in Chromium", "a11y_pages"),
    ("accessibility: serious or critical violations", "a11y_violations"),
    ("accessibility: violations of any impact", "a11y_any"),
    ("strict privacy: pages opened in Chromium", "strict_pages"),
    ("strict privacy: requests to other hosts", "offsite_requests"),
]


@pytest.fixture(scope="session")
def trust(request: pytest.FixtureRequest) -> dict[str, int]:
    figures = request.config.stash.setdefault(_TRUST_KEY, dict.fromkeys((key for _, key in TRUST_ROWS), 0))
    return figures


_TRUST_KEY = pytest.StashKey[dict]()


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    figures = config.stash.get(_TRUST_KEY, None)
    if not figures or not any(figures.values()):
        return
    terminalreporter.section("trust figures")
    width = max(len(label) for label, _ in TRUST_ROWS)
    terminalreporter.write_line(f"| {'measure'.ljust(width)} | count |")
    terminalreporter.write_line(f"| {'-' * width} | ----: |")
    for label, key in TRUST_ROWS:
        terminalreporter.write_line(f"| {label.ljust(width)} | {figures[key]:5d} |")


def breaks(monkeypatch: pytest.MonkeyPatch, owner: object, name: str, error: BaseException) -> None:
    """Make ``owner.name`` raise ``error`` when called (``monkeypatch.undo()`` mends it)."""

    def broken(*args: object, **kwargs: object) -> None:
        raise error

    monkeypatch.setattr(owner, name, broken)


def search_doc(i: int, text: str, author: str = "Mira"):  # type: ignore[no-untyped-def]
    """A comment of post ``t`` as the search indexes it."""
    from holdspace.search.documents import Doc

    return Doc(
        f"c{i}", "comment", "A Post", author, text, datetime(2025, 1, 1, tzinfo=UTC), "t", "Therapy", f"t/#comment-c{i}"
    )


def make_targets() -> list[str]:
    """The Makefile's targets, as its .PHONY line lists them."""
    for line in (ROOT / "Makefile").read_text(encoding="utf-8").splitlines():
        if line.startswith(".PHONY:"):
            return line.split(":", 1)[1].split()
    raise AssertionError("the Makefile has no .PHONY line")


# A real SMTP server (aiosmtpd) on a free port of 127.0.0.1, for the mail tests.


def free_port() -> int:
    with contextlib.closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Mailbox:
    """What the SMTP server received; ``refuse`` makes it answer 451 (try later) for now."""

    def __init__(self) -> None:
        self.mails: list[email.message.EmailMessage] = []
        self.refuse = False
        self.delay = 0.0

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            return "451 4.3.0 Try again later"
        if self.delay:
            time.sleep(self.delay)
        self.mails.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def wait_for(self, count: int, timeout: float = 60) -> list:
        deadline = time.monotonic() + timeout
        while len(self.mails) < count and time.monotonic() < deadline:
            time.sleep(0.1)
        return self.mails


@pytest.fixture
def smtp():
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    mailbox.url = f"smtp://127.0.0.1:{controller.port}"
    mailbox.controller = controller
    yield mailbox
    with contextlib.suppress(Exception):
        controller.stop()
