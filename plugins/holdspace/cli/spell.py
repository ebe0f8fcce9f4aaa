"""How a reader types a command here: ``make approve ID=x`` when the command came from
the Makefile (which sets HOLDSPACE_VIA=make), ``holdspace approve x`` otherwise. The
library never names a command; the command line says what to type, in the words the
reader used."""

from __future__ import annotations

import os

# The command, as typed with make and with holdspace; {id} and {port} are filled in.
SPELLING = {
    "html": ("make html", "holdspace build"),
    "queue": ("make queue", "holdspace queue"),
    "show": ("make show ID={id}", "holdspace show {id}"),
    "show-both": ("make show ID={id} (or holdspace show {id})", "make show ID={id} (or holdspace show {id})"),
    "approve": ("make approve ID={id}", "holdspace approve {id}"),
    "approve-several": ('make approve ID="a b"', "holdspace approve a b"),
    "approve-as": (
        "add MODERATOR=<your name> to the command, e.g. make approve ID=x MODERATOR=Ana",
        "set MODERATOR=<your name> in the environment, or add --moderator, e.g. holdspace approve x --moderator Ana",
    ),
    "reject": ('make reject ID={id} REASON="..."', 'holdspace reject {id} --reason "..."'),
    "restore": ("make restore ID={id}", "holdspace restore {id}"),
    "unpublish": ('make unpublish ID={id} REASON="..."', 'holdspace unpublish {id} --reason "..."'),
    "forget": ("make forget EMAIL=name@example.org [DRY_RUN=yes]", "holdspace forget name@example.org [--dry-run]"),
    "forget-finish": ("make forget", "holdspace forget"),
    "export-personal": ("make export-personal EMAIL=name@example.org", "holdspace export-personal name@example.org"),
    "approve-force": ("make approve ID={id} FORCE=yes", "holdspace approve {id} --force"),
    "search": ('make search Q="words"', 'holdspace search "words"'),
    "secret": ("make secret", "holdspace secret"),
    "serve-port": ("PORT={port}", "--port {port}"),
    "intake-port": ("make intake INTAKE_PORT={port}", "holdspace intake --port {port}"),
    "import": ("make import-wordpress FILE=export.xml", "holdspace import-wordpress export.xml"),
    "new-site": ('make new-site SITENAME="..." REGIONS="GB IE"', 'holdspace new-site --name "..." --region "GB IE"'),
    "demo": ("make demo", "make demo"),
    "serve": ("make serve", "holdspace serve"),
    "check-site": ("make check-site", "holdspace check-site"),
}


def via_make() -> bool:
    return os.environ.get("HOLDSPACE_VIA") == "make"


def spell(name: str, **fields: str) -> str:
    """The command ``name`` as the reader types it (``fields`` fill its blanks)."""
    with_make, with_holdspace = SPELLING[name]
    return (with_make if via_make() else with_holdspace).format(**{"id": "<id>", "port": "<port>", **fields})
