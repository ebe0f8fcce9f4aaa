"""``python -m holdspace``: the ``holdspace`` command."""

import sys

from .cli.main import main

sys.exit(main())
