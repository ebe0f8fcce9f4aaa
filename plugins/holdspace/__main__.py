"""``python -m holdspace``: the ``holdspace`` command."""

from .cli.main import run

run()
