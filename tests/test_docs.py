"""The docs stay true (as sqlite-utils' test_docs.py keeps its own): every setting is
documented and every documented setting exists; every make target is in `make help` and the
README's table; the architecture map names every module, and only modules that exist; the
command reference is the commands' own --help; the README stays short; local links lead
somewhere.

    .venv/bin/python tests/test_docs.py    writes the command reference into docs/commands.md
"""

import contextlib
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from conftest import ROOT, make_targets

README = ROOT / "README.md"
DOCS = ROOT / "docs"
PACKAGE = ROOT / "plugins" / "holdspace"
START, END = "<!-- commands:start -->", "<!-- commands:end -->"


def test_every_setting_is_documented_and_every_documented_setting_exists():
    from holdspace.settings import DEFAULTS

    documented = re.findall(
        r"^\| `([A-Z_]+)` \| (`[^|]*`) \|", (DOCS / "settings.md").read_text(encoding="utf-8"), re.M
    )
    names = [name for name, _ in documented]
    assert len(names) == len(set(names)), "a setting is documented twice"
    assert sorted(names) == sorted(DEFAULTS)
    for name, default in documented:  # the default shown is the default
        assert default.strip("`") == (repr(DEFAULTS[name]).replace("'", '"')), name


def test_every_make_target_is_in_make_help_and_in_the_readme_table():
    targets = make_targets()
    env = {**os.environ, "MAKEFLAGS": ""}
    shown = subprocess.run(["make", "-s", "help"], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    helped = set(re.findall(r"^make ([\w-]+)", shown.stdout, re.M))
    table = set(re.findall(r"^\| `make ([\w-]+)", README.read_text(encoding="utf-8"), re.M))
    assert sorted(set(targets) - helped) == [] and sorted(helped - set(targets)) == []
    assert sorted(set(targets) - table) == [] and sorted(table - set(targets)) == []
    assert len(targets) > 20


def test_the_architecture_map_names_every_module_and_only_those():
    text = (DOCS / "architecture.md").read_text(encoding="utf-8")
    block = text.split("## The map", 1)[1].split("```", 2)[1]
    named = re.findall(r"^([\w/]+\.py)\s", block, re.M)
    present = [str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts]
    listed_elsewhere = {p for p in present if p.endswith("__init__.py") and p != "glue/__init__.py"}
    assert len(named) == len(set(named))
    assert sorted(set(present) - set(named) - listed_elsewhere) == []  # the stages' __init__.py list their modules
    assert sorted(set(named) - set(present)) == []


def reference() -> str:
    """The command reference: each subcommand's --help, as the command prints it."""
    from holdspace.cli.main import COMMANDS, main

    os.environ["COLUMNS"] = "100"  # argparse wraps at the terminal's width
    parts = [START, ""]
    for name in COMMANDS:
        out = io.StringIO()
        with contextlib.redirect_stdout(out), pytest.raises(SystemExit):
            main([name, "--help"])
        parts += [f"### holdspace {name}", "", "```", out.getvalue().rstrip("\n"), "```", ""]
    return "\n".join([*parts, END])


def test_the_command_reference_is_the_commands_own_help(monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    text = (DOCS / "commands.md").read_text(encoding="utf-8")
    assert START in text and END in text
    written = text[text.index(START) : text.index(END) + len(END)]
    assert written == reference(), "docs/commands.md is out of date: run .venv/bin/python tests/test_docs.py"


def test_the_readme_is_short_and_tells_no_history():
    text = README.read_text(encoding="utf-8")
    assert len(text.encode("utf-8")) <= 12 * 1024
    assert not re.search(r"\bissue \d|\bfrom issue\b|measured before", text, re.I)


def test_local_links_in_the_readme_and_docs_lead_to_files():
    broken = []
    for page in [README, *DOCS.rglob("*.md")]:
        text = page.read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", re.sub(r"`[^`]*`", "", text)):
            if not (page.parent / target).exists():
                broken.append(f"{page.relative_to(ROOT)} -> {target}")
        for target in re.findall(r"`((?:docs|bench|tests|plugins)/[\w./-]+)`", text):
            if "<" not in target and not (ROOT / target).exists():
                broken.append(f"{page.relative_to(ROOT)} -> {target}")
    assert broken == []


if __name__ == "__main__":
    path = DOCS / "commands.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index(START)] + reference() + text[text.index(END) + len(END) :], encoding="utf-8")
    print(f"wrote the command reference into {path.relative_to(ROOT)}")
