"""``new-site``: the answers checked, then what is there first: the demo's files are removed
(the demo stays available, in a folder of its own), the owner's own are never touched
(new-site stops and lists them), and the new site is written."""

from __future__ import annotations

import os
import re
import zoneinfo
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ..archive.values import EMAIL_RE, is_one_line, is_web_url
from ..problems import HoldspaceError
from ..review import auditlog
from .regions import choose
from .texts import Answers, about_page, crisis_page, guidelines_page, publish_file, settings_file, welcome_post

LANGUAGE_RE = re.compile(r"[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*")
NOT_IN_NAME = set("<>[]*_`\\#")  # Markdown or HTML in a title: the name is plain words
# What the demo holds, and what new-site replaces; moderation/guidelines.toml and
# moderation/README.md stay as they are.
REPLACED = ["content", "moderation/queue", "moderation/rejected", "moderation/decisions.log",
            "pelicanconf.py", "publishconf.py"]  # fmt: skip
EMPTY = ["content/comments", "moderation/queue", "moderation/rejected"]
COMMENT_FOLDERS = ["content/comments", "moderation/queue", "moderation/rejected"]


class NewSiteError(HoldspaceError):
    """An answer that cannot make a site, or the owner's own files in the way."""


@dataclass
class Plan:
    root: Path
    demo: list[Path] = field(default_factory=list)  # the demo's files, removed
    own: list[Path] = field(default_factory=list)  # anything else already there: new-site stops
    write: dict[Path, str] = field(default_factory=dict)


def answers(name: str, url: str, language: str, timezone: str, regions: list[str], comment_email: str = "") -> Answers:
    """The answers, checked: every problem at once, as one error."""
    name, url, language, timezone, comment_email = (v.strip() for v in (name, url, language, timezone, comment_email))
    given = [name, url, language, timezone, comment_email, *regions]
    if not all(value.isprintable() and _text(value) for value in given):
        raise NewSiteError("the answers must be printable text (a character could not be read); type them again")
    problems = []
    if not name or len(name) > 80 or not is_one_line(name) or NOT_IN_NAME & set(name):
        problems.append("the site's name must be one line of plain words, up to 80 characters, without <>[]*_`\\#")
    if url and not is_web_url(url):
        problems.append(f"the URL {url!r} must start with https:// (or http://), or be left empty until you know it")
    if not LANGUAGE_RE.fullmatch(language):
        problems.append(f"the language {language!r} must be a language code such as en, de or pt-BR")
    try:
        zoneinfo.ZoneInfo(timezone)
    except (ValueError, zoneinfo.ZoneInfoNotFoundError):
        problems.append(f"the time zone {timezone!r} is not known; give one such as Europe/London or America/Chicago")
    if comment_email and not EMAIL_RE.fullmatch(comment_email):
        problems.append(f"the moderators' email {comment_email!r} does not look like an address (name@example.org)")
    chosen = []
    if not any(code.strip() for code in regions):
        problems.append("name at least one region for the crisis lines, such as GB or US")
    else:
        try:
            chosen = choose(regions)
        except HoldspaceError as e:
            problems.append(str(e))
    if problems:
        raise NewSiteError("; ".join(problems))
    return Answers(name, url.rstrip("/"), language.replace("_", "-"), timezone, tuple(chosen), comment_email)


def plan(root: Path, a: Answers, demo: Path | None, now: datetime) -> Plan:
    """What new-site would remove (the demo's files), find in its way, and write."""
    found = Plan(root)
    shipped = _Demo(demo)
    for part in REPLACED:
        start = root / part
        files = [start] if start.is_file() else sorted(p for p in start.rglob("*") if p.is_file())
        for path in files:
            if path.name != ".gitkeep":
                (found.demo if shipped.holds(path, path.relative_to(root)) else found.own).append(path)
    found.write = {
        root / "pelicanconf.py": settings_file(a),
        root / "publishconf.py": publish_file(a),
        root / "content/pages/guidelines.md": guidelines_page(a),
        root / "content/pages/crisis-resources.md": crisis_page(a),
        root / "content/pages/about.md": about_page(a),
        root / "content/posts/welcome.md": welcome_post(a, now),
    }
    for folder in EMPTY:
        found.write[root / folder / ".gitkeep"] = ""
    return found


class _Demo:
    """The shipped demo (tests/fixtures/demo/): a file is the demo's when it is one of its files
    as shipped, a demo comment moved or changed by the moderation commands (tried out on the
    demo), or a decisions.log of decisions about demo comments only."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.comments = set()
        if folder is not None:
            for part in COMMENT_FOLDERS:
                self.comments |= {(p.parent.name, p.stem) for p in (folder / part).rglob("*.md")}

    def holds(self, path: Path, relative: Path) -> bool:
        if self.folder is None:
            return False
        shipped = self.folder / relative
        if shipped.is_file() and shipped.read_bytes() == path.read_bytes():
            return True
        if any(relative.is_relative_to(part) for part in COMMENT_FOLDERS) and path.suffix == ".md":
            return (path.parent.name, path.stem) in self.comments
        if relative == Path("moderation/decisions.log"):
            entries, bad = auditlog.read(path)
            return not bad and all((e.post, e.id) in self.comments for e in entries)
        return False


def carry_out(p: Plan) -> None:
    """Remove the demo's files and write the new site's; refused, with nothing changed,
    while the owner's own files are in the way."""
    if p.own:
        raise NewSiteError(
            f"{len(p.own)} file(s) here are not the demo's, and new-site never replaces what you wrote: "
            + ", ".join(str(path.relative_to(p.root)) for path in p.own[:5])
            + (" ..." if len(p.own) > 5 else "")
            + "; move them out of the project folder first (comment files hold commenters' addresses: keep them "
            "private), then run it again"
        )
    written: list[tuple[Path, Path]] = []
    try:  # every new file written beside its place first: a failure leaves the demo whole
        for path, text in p.write.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_name(f".{path.name}.new")
            temporary.write_text(text, encoding="utf-8")
            written.append((temporary, path))
    except OSError as e:
        for made in [*(t for t, _ in written), path.with_name(f".{path.name}.new")]:  # the last one, half written
            if made.is_file():
                made.unlink()
        raise NewSiteError(f"{e.filename or p.root}: could not be written ({e.strerror}); nothing was changed") from e
    for path in p.demo:
        path.unlink()
    for part in REPLACED:  # the demo's folders, left empty
        for folder in sorted((f for f in (p.root / part).rglob("*") if f.is_dir()), reverse=True):
            if not any(folder.iterdir()):
                folder.rmdir()
    for temporary, path in written:
        os.replace(temporary, path)


def _text(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: a byte the terminal could not decode
        return False
    return True
