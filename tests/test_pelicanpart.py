"""Pelican's settings reader without the rest of Pelican (glue/pelicanpart.py): in a new
interpreter, as a command starts, the settings are Pelican's own, nothing else of Pelican
is imported, and Pelican used afterwards is whole."""

import json
import subprocess
import sys

from holdspace.glue.project import load_project

SETTINGS = """
import json, sys
from holdspace.glue.project import load_project
settings = load_project(sys.argv[1]).settings
print(json.dumps(sorted((key, repr(value)) for key, value in settings.items() if key != "JINJA_ENVIRONMENT")))
print(json.dumps(sorted(name for name in sys.modules if name.split(".")[0] == "pelican")))
"""


def run(code: str, *args: str) -> list[str]:
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_a_command_reads_pelican_s_settings_without_the_rest_of_pelican(site):
    conf = site.write_settings(SITEURL="https://example.org/", SLUG_REGEX_SUBSTITUTIONS=[(r"\s+", "_")])
    settings, modules = run(SETTINGS, str(conf))
    assert json.loads(modules) == ["pelican", "pelican.log", "pelican.paginator", "pelican.settings"]
    whole = run("import pelican\n" + SETTINGS, str(conf))  # Pelican imported first, as in a build
    assert "pelican.generators" in json.loads(whole[1])
    assert json.loads(settings) == json.loads(whole[0])
    assert dict(json.loads(settings))["SITEURL"] == "'https://example.org'"  # Pelican's rules applied


def test_pelican_used_afterwards_is_whole_and_builds(site):
    """Its package's __init__ runs in place: the modules loaded first are the ones it uses,
    a submodule imported first does not meet a half-made package, and a build runs."""
    site.write_settings()
    site.post("t", "The Post")
    site.comment("t", "a", "Hello there.", author="Mira")
    code = """
import logging, sys
from holdspace.glue.project import load_project
project = load_project(sys.argv[1])
first = sys.modules["pelican.settings"]
assert "pelican.generators" not in sys.modules
import pelican.generators
import pelican
from pelican import Pelican
from pelican.settings import read_settings
assert pelican.settings is first
assert pelican.ArticlesGenerator is pelican.generators.ArticlesGenerator  # one module, not two
assert sys.modules["pelican.generators"] is pelican.generators and pelican.generators.__spec__.origin
assert logging.getLoggerClass() is pelican.log.FatalLogger
settings = read_settings(sys.argv[1], override={"OUTPUT_PATH": sys.argv[2]})
Pelican(settings).run()
"""
    out = site.root / "output"
    run(code, str(site.root / "pelicanconf.py"), str(out))
    assert (out / "index.html").exists()
    assert "Hello there." in "".join(p.read_text(encoding="utf-8") for p in out.rglob("*.html"))


def test_in_a_process_that_imported_pelican_it_is_the_plain_import(site):
    import pelican
    import pelican.settings
    from pelican import Pelican  # whole, whatever an earlier test in this process did

    assert Pelican

    settings_module = pelican.settings
    project = load_project(str(site.write_settings()))
    assert project.settings["PATH"] == str(site.content)
    assert sys.modules["pelican"] is pelican and pelican.settings is settings_module
    assert type(pelican).__name__ == "module" and pelican.Pelican is Pelican
