"""Pelican's settings reader without the rest of Pelican, for the commands.

Importing Pelican runs its package's ``__init__``, which imports every generator,
reader (docutils), Jinja and the server: 0.25-0.3 s before a moderation command has
done anything. Reading a settings file needs only ``pelican.settings`` (with
``pelican.log`` and ``pelican.paginator``, which it imports itself), about 0.06 s.

``module("pelican.settings")`` imports just that when Pelican is not imported yet:
the package is made from its own spec but its ``__init__`` is not run. Any later use
of the package runs it in place, completing it as a plain import would have: any name
the package does not have yet (``from pelican import signals``, ``pelican.Pelican``),
or any other submodule imported (the package has no ``__path__`` until then, so the
import system asks for it; a submodule the ``__init__`` imported meanwhile is handed to
that import as it is, not run a second time: ``_Made``). A bare ``import pelican`` alone
leaves it unfinished until then. The submodules loaded first stay the very modules the
completed package uses, and ``pelican.log``, which Pelican wants loaded before any other
of its modules, still is. When Pelican is already imported (a build, the tests) it is
the plain import.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
import types
from collections.abc import Sequence
from typing import Any

PACKAGE = "pelican"


class _Unfinished(types.ModuleType):
    """Pelican's package before its ``__init__`` has run."""

    def __getattr__(self, name: str) -> Any:
        finish(self)
        return getattr(self, name)


class _Made(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """For a Pelican submodule that completing the package imported while the import system
    was about to load it (asking for the package's ``__path__``): that module, as it is."""

    def __init__(self) -> None:
        self._specs: dict[str, importlib.machinery.ModuleSpec | None] = {}

    def find_spec(
        self, name: str, path: Sequence[str] | None, target: types.ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        made = sys.modules.get(name)
        if target is not None or made is None or not name.startswith(PACKAGE + "."):
            return None  # every other import, and a reload, as usual
        return importlib.util.spec_from_loader(name, self)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        made = sys.modules[spec.name]
        self._specs[spec.name] = made.__spec__
        return made

    def exec_module(self, module: types.ModuleType) -> None:
        module.__spec__ = self._specs.pop(module.__name__)  # the import set this spec on it: its own back


_MADE = _Made()


def finish(package: types.ModuleType) -> None:
    """Run the package's ``__init__`` in place (as ``import pelican`` would have)."""
    if not isinstance(package, _Unfinished):
        return
    plain: types.ModuleType = package
    plain.__class__ = types.ModuleType
    spec = package.__spec__
    assert spec is not None and spec.loader is not None and spec.submodule_search_locations is not None
    package.__path__ = list(spec.submodule_search_locations)
    try:
        spec.loader.exec_module(package)
    except BaseException:
        sys.modules.pop(PACKAGE, None)  # as a failed import leaves it: the next import tries again
        raise


def module(name: str) -> types.ModuleType:
    """The Pelican submodule ``name`` (``pelican.settings``, ``pelican.utils``), imported without
    the rest of Pelican when Pelican is not imported yet."""
    package = sys.modules.get(PACKAGE)
    if package is None:
        spec = importlib.util.find_spec(PACKAGE)
        if spec is None or spec.loader is None or spec.submodule_search_locations is None:
            return importlib.import_module(name)  # the import reports it
        package = importlib.util.module_from_spec(spec)
        package.__class__ = _Unfinished
        del package.__path__
        sys.modules[PACKAGE] = package
        if _MADE not in sys.meta_path:
            sys.meta_path.insert(0, _MADE)
    if not isinstance(package, _Unfinished) or name in sys.modules:
        return importlib.import_module(name)
    spec = package.__spec__
    assert spec is not None and spec.submodule_search_locations is not None
    vars(package)["__path__"] = list(spec.submodule_search_locations)  # for this import only
    try:
        return importlib.import_module(name)
    finally:
        if isinstance(package, _Unfinished):
            vars(package).pop("__path__", None)
