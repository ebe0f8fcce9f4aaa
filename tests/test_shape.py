"""The code's shape: the stages in the folder listing, which modules may import Pelican
(and Whoosh, nh3, feedgenerator), what each stage may import, and the size of modules
and functions."""

import ast
import re
import subprocess
import sys

import pytest

from conftest import ROOT

PACKAGE = ROOT / "plugins" / "holdspace"
# The stages in pipeline order: a stage imports only from the ones before it.
STAGES = ["archive", "review", "publishing", "search", "mail", "control", "intake", "importers", "newsite", "glue", "cli"]  # fmt: skip
MAY_IMPORT = {
    "archive": set(),
    "review": {"archive"},
    "publishing": {"archive", "review"},
    "search": {"archive", "review", "publishing"},
    "mail": {"archive", "review"},
    "control": {"archive", "review", "publishing", "mail"},
    "intake": {"archive", "review", "mail", "control"},
    "importers": {"archive", "review"},
    "newsite": {"archive", "review"},
    "glue": {"archive", "review", "publishing", "search", "mail"},
    "cli": set(STAGES) - {"cli"},
}
# What every stage may use: what goes wrong, the settings and their kinds.
SHARED = {"problems", "settings", "schema"}
TOP_LEVEL = {"__init__.py", "__main__.py", "problems.py", "settings.py", "schema.py",
             "pelican_threads.py", "pelican_search.py"}  # fmt: skip
MAX_MODULE_LINES, MAX_FUNCTION_LINES = 300, 60
LONG_ON_PURPOSE = "# Long on purpose:"  # the comment, just above a longer function, that says why


def module_name(path):
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules():
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imported(name, path):
    """The absolute names ``name``'s module imports, at any depth of its code."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{node.module}" if node.module else base
                found.update([target] if node.module else [f"{base}.{a.name}" for a in node.names])
            else:
                found.add(node.module or "")
    return found


def test_the_folder_listing_shows_the_stages():
    folders = sorted(p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__")
    files = {p.name for p in PACKAGE.iterdir() if p.is_file()}
    assert folders == sorted([*STAGES, "static", "templates"])  # the plugin's own files, data, not stages
    assert files == TOP_LEVEL
    for stage in STAGES:  # each stage says what its modules do, in pipeline order
        doc = ast.get_docstring(ast.parse((PACKAGE / stage / "__init__.py").read_text(encoding="utf-8")), clean=False)
        listed = [m.group(1) for m in re.finditer(r"^ *(\w+) {2,}\S", doc, re.MULTILINE)]
        present = sorted(p.stem for p in (PACKAGE / stage).glob("*.py") if p.name != "__init__.py")
        assert sorted(listed) == present, stage


@pytest.mark.parametrize(
    ("library", "allowed"),
    [
        ("pelican", ("holdspace.glue", "holdspace.cli")),
        ("whoosh", ("holdspace.search.index", "holdspace.search.segments", "holdspace.search.codec")),
        ("nh3", ("holdspace.publishing.sanitize",)),
        ("feedgenerator", ("holdspace.publishing.feeds",)),
        ("markdown", ("holdspace.publishing.markup",)),
    ],
)
def test_a_library_is_imported_only_where_it_belongs(library, allowed):
    importers = {
        name
        for name, path in modules().items()
        if any(m == library or m.startswith(library + ".") for m in imported(name, path))
    }
    assert importers, f"nothing imports {library}: the test looks for the wrong name"
    assert sorted(n for n in importers if not n.startswith(allowed)) == []


def test_each_stage_imports_only_the_stages_before_it():
    wrong = []
    for name, path in modules().items():
        parts = name.split(".")
        if len(parts) < 2 or parts[1] not in STAGES:
            continue
        stage = parts[1]
        for target in imported(name, path):
            bits = target.split(".")
            if bits[0] != "holdspace" or len(bits) < 2 or bits[1] in SHARED or bits[1] == stage:
                continue
            if bits[1] not in MAY_IMPORT[stage]:
                wrong.append(f"{name} imports {target}")
    assert wrong == []


def test_the_pure_stages_run_without_pelican():
    """Imported for real: not one of their modules pulls Pelican in, even indirectly."""
    pure = [name for name in modules() if name.split(".")[1:2] and name.split(".")[1] in STAGES[: STAGES.index("glue")]]
    code = "import sys\n" + "".join(f"import {name}\n" for name in pure) + "print('pelican' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert len(pure) > 30 and result.stdout.strip() == "False"


def test_modules_and_functions_are_short():
    too_long = []
    for name, path in modules().items():
        lines = path.read_text(encoding="utf-8").splitlines()
        if len(lines) > MAX_MODULE_LINES:
            too_long.append(f"{name}: {len(lines)} lines")
        for node in ast.walk(ast.parse("\n".join(lines))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                if length > MAX_FUNCTION_LINES and not lines[first - 2].strip().startswith(LONG_ON_PURPOSE):
                    too_long.append(f"{name}.{node.name}: {length} lines")
    assert too_long == []


def test_the_shape_test_sees_what_it_checks():
    """The checks above cannot pass by seeing nothing: they find the modules and imports."""
    found = modules()
    assert len(found) > 60 and "holdspace.glue.comments" in found and "holdspace.archive" in found
    assert "holdspace.archive.commentfile" in imported("holdspace.review.verdicts", found["holdspace.review.verdicts"])
    assert "holdspace.problems" in imported("holdspace.archive.reader", found["holdspace.archive.reader"])


def test_lint_and_type_checks_cover_every_module_with_nothing_excluded():
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    mypy = config["tool"]["mypy"]
    assert mypy["files"] == ["plugins/holdspace"]
    assert not {"exclude", "overrides"} & mypy.keys()
    ruff = config["tool"]["ruff"]
    assert not any("plugins" in entry for entry in ruff.get("extend-exclude", []) + ruff.get("exclude", []))
    assert not any(key.startswith("plugins") for key in ruff["lint"].get("per-file-ignores", {}))
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert ci.index("make lint") < ci.index("make test")
