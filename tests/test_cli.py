"""The holdspace command: every subcommand has --help, errors become one line and an exit
status in one place, messages say what to type in the reader's words, and what commands
print is safe for a terminal. The package installs with pip from pyproject.toml."""

import os
import re
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT, make_targets
from holdspace.archive.moves import MoveError
from holdspace.cli import errors
from holdspace.cli.main import COMMANDS, main
from holdspace.cli.spell import SPELLING, spell
from holdspace.cli.terminal import printable
from holdspace.problems import Problem
from holdspace.publishing.avatars import SecretMissing
from holdspace.review.decisions import ModerationError
from holdspace.review.guidelines import RulesError
from holdspace.settings import SettingsError

SUBCOMMANDS = ["build", "serve", "queue", "show", "approve", "reject", "restore", "unpublish", "forget",
               "export-personal", "log", "new-site", "check-site", "check-private", "search", "intake", "import-wordpress", "outbox", "notify", "secret"]  # fmt: skip


def test_the_subcommands_are_the_ones_documented():
    assert list(COMMANDS) == SUBCOMMANDS


@pytest.mark.parametrize("name", SUBCOMMANDS)
def test_every_subcommand_has_help(name, capsys):
    with pytest.raises(SystemExit) as done:
        main([name, "--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("holdspace build" if name == "build" else f"usage: holdspace {name}")
    assert "--settings" in out or "SETTINGS" in out


def test_the_command_lists_its_subcommands_and_refuses_an_unknown_one(capsys):
    with pytest.raises(SystemExit) as done:
        main(["--help"])
    out = capsys.readouterr().out
    assert done.value.code == 0 and all(name in out for name in SUBCOMMANDS)
    with pytest.raises(SystemExit) as done:
        main(["approv"])
    assert done.value.code == 2 and "invalid choice: 'approv'" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("name", "fields", "with_make", "with_holdspace"),
    [
        ("html", {}, "make html", "holdspace build"),
        ("show", {}, "make show ID=<id>", "holdspace show <id>"),
        ("reject", {"id": "q1"}, 'make reject ID=q1 REASON="..."', 'holdspace reject q1 --reason "..."'),
        ("restore", {"id": "q1"}, "make restore ID=q1", "holdspace restore q1"),
        ("intake-port", {}, "make intake INTAKE_PORT=<port>", "holdspace intake --port <port>"),
        ("secret", {}, "make secret", "holdspace secret"),
    ],
)
def test_a_command_is_spelt_as_the_reader_types_it(name, fields, with_make, with_holdspace, monkeypatch):
    monkeypatch.delenv("HOLDSPACE_VIA", raising=False)
    assert spell(name, **fields) == with_holdspace
    monkeypatch.setenv("HOLDSPACE_VIA", "make")
    assert spell(name, **fields) == with_make


def test_every_make_spelling_names_a_make_target():
    named = [target for with_make, _ in SPELLING.values() for target in re.findall(r"\bmake ([\w-]+)", with_make)]
    assert len(named) >= 10 and sorted(set(named) - set(make_targets())) == []


@pytest.mark.parametrize(
    ("error", "status", "message"),
    [
        (ModerationError("q1 cannot be approved"), 1, "q1 cannot be approved"),
        (MoveError("x already exists; nothing was moved"), 1, "x already exists; nothing was moved"),
        (SettingsError("setting A = 1 is not valid"), 2, "pelicanconf.py: setting A = 1 is not valid"),
        (RulesError([Problem("moderation/guidelines.toml", 3, "unknown key 'lenght' in [length]", "did you mean "
                             "'max_characters'?")]), 2,
         "moderation/guidelines.toml:3: unknown key 'lenght' in [length]; did you mean 'max_characters'?"),
        (SecretMissing(".secrets/avatar-secret"), 2, "AVATARS = 'local' needs a secret and there is none in "
         ".secrets/avatar-secret or $HOLDSPACE_AVATAR_SECRET; run `holdspace secret` once (it writes that file, "
         "which git ignores) and keep it: a new secret changes every picture"),
        (FileNotFoundError(2, "No such file", "content/x"), 2, "content/x: not found; run the command in the site's folder"),
        (PermissionError(13, "Permission denied", "content/comments/t/a.md"), 2, "content/comments/t/a.md: not "
         "allowed to change it; run the command as the user who owns the site's files"),
    ],
)  # fmt: skip
def test_errors_become_one_message_and_an_exit_status(error, status, message, monkeypatch):
    monkeypatch.delenv("HOLDSPACE_VIA", raising=False)
    assert errors.status(error) == status
    assert errors.message(error, "pelicanconf.py") == message


@pytest.mark.parametrize(
    ("text", "keep", "shown"),
    [
        ("plain words", "", "plain words"),
        ("\x1b[31mred\x1b[0m", "", "?[31mred?[0m"),
        ("line\nnext\ttab", "\n\t", "line\nnext\ttab"),
        ("line\nnext", "", "line?next"),
        ("\u202eevil\u202c", "", "?evil?"),
        ("Γιάννης 🌿", "", "Γιάννης 🌿"),
    ],
)
def test_what_commands_print_is_safe_for_a_terminal(text, keep, shown):
    assert printable(text, keep) == shown


def test_the_library_never_names_a_make_target():
    """Messages of the library say what to do in plain words; the command line adds the command."""
    library = [p for p in (ROOT / "plugins" / "holdspace").rglob("*.py") if p.parent.name != "cli"]
    target = re.compile(r"\bmake (" + "|".join(map(re.escape, make_targets())) + r")\b")
    named = [f"{p.relative_to(ROOT)}: {line.strip()}" for p in library
             for line in p.read_text(encoding="utf-8").splitlines() if target.search(line)]  # fmt: skip
    assert named == []
    assert target.search("run make secret once")  # the check can see one


def test_pip_installs_the_package_and_its_command(tmp_path):
    """pip install . from a copy of the project (nothing is written in this one), offline:
    the dependencies are the ones installed here; the command runs from the installed copy."""
    source = tmp_path / "source"
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    for name in files:
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    target = tmp_path / "installed"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps",
         "--no-build-isolation", "--target", str(target), str(source)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    assert (target / "holdspace" / "cli" / "main.py").is_file() and (target / "bin" / "holdspace").is_file()
    assert (target / "bin" / "holdspace-build").is_file()  # for a quickstart Makefile's PELICAN
    package = "plugins/holdspace/"
    data = [name.removeprefix(package) for name in files if name.startswith(package) and not name.endswith(".py")]
    assert {"templates/holdspace/thread.html", "static/css/holdspace.css", "newsite/crisis_lines.toml"} <= set(data)
    assert [name for name in data if not (target / "holdspace" / name).is_file()] == []  # all the plugin ships
    env = {**os.environ, "PYTHONPATH": str(target)}
    result = subprocess.run([sys.executable, str(target / "bin" / "holdspace"), "--help"], env=env, cwd=tmp_path,
                            capture_output=True, text=True, timeout=60)  # fmt: skip
    assert result.returncode == 0 and "import-wordpress" in result.stdout
    where = subprocess.run([sys.executable, "-c", "import holdspace; print(holdspace.__file__)"], env=env,
                           cwd=tmp_path, capture_output=True, text=True, check=True).stdout  # fmt: skip
    assert where.startswith(str(target))


@pytest.mark.parametrize("thread", [False, True])
def test_the_command_ends_with_its_status_and_loses_nothing_on_the_way(tmp_path, thread):
    """``leave`` skips Python's freeing of every object at exit: what an exit must do still
    happens (atexit's functions, logging's shutdown, buffered output written), and a thread
    still at work is waited for, as Python's own exit does."""
    late = tmp_path / "late.txt"
    log = tmp_path / "log.txt"
    code = f"""
import atexit, logging, logging.handlers, sys, threading, time
from holdspace.cli.main import leave
held = logging.handlers.MemoryHandler(10_000, flushLevel=logging.CRITICAL, target=logging.FileHandler({str(log)!r}))
logging.getLogger('x').addHandler(held)
logging.getLogger('x').warning('logged')  # held until logging's shutdown closes the handler
atexit.register(lambda: print('atexit ran'))
if {thread}:
    threading.Thread(target=lambda: (time.sleep(0.3), open({str(late)!r}, 'w').write('written'))).start()
sys.stdout.write('buffered, no newline')
leave(3)
"""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "plugins")}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 3, result.stderr
    assert result.stdout == "buffered, no newlineatexit ran\n" and result.stderr == ""
    assert log.read_text(encoding="utf-8") == "logged\n"
    assert late.exists() == thread
    if thread:
        assert late.read_text(encoding="utf-8") == "written"


def test_the_command_says_so_when_its_output_cannot_be_written(tmp_path):
    """Output that cannot be flushed at the end (here /dev/full, a full disk) makes the status
    120, as Python's own exit does; a reader that closed the pipe does not."""
    code = "import sys; from holdspace.cli.main import leave; sys.stdout.write('words'); leave(0)"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "plugins")}
    env.pop("PYTHONUNBUFFERED", None)  # the output is buffered, as a command's is by default
    with open("/dev/full", "w") as full:
        result = subprocess.run([sys.executable, "-c", code], env=env, stdout=full, timeout=60)
    assert result.returncode == 120
    piped = subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert piped.stdout is not None
    piped.stdout.close()  # the reader is gone before the command has started
    assert piped.wait(timeout=60) == 0 and piped.communicate()[1] == b""
