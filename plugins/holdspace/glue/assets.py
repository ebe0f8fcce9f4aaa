"""The plugin's own static files (``settings.STATIC``: search.js, reply.js, holdspace.css),
copied into the output under ``holdspace/`` for any theme's pages to load."""

from __future__ import annotations

import os
import shutil
from typing import Any

from pelican.generators import Generator

from ..settings import STATIC, STATIC_URL


class AssetsGenerator(Generator):
    """Writes nothing but the plugin's static files, in ``generate_output``."""

    def generate_context(self) -> None:
        pass

    def generate_output(self, writer: Any) -> None:
        for folder, _, names in os.walk(STATIC):
            for name in sorted(names):
                source = os.path.join(folder, name)
                target = os.path.join(self.output_path, STATIC_URL, os.path.relpath(source, STATIC))
                os.makedirs(os.path.dirname(target), exist_ok=True)
                shutil.copyfile(source, target)


def get_generators(pelican_object: Any) -> type[Generator]:
    return AssetsGenerator
