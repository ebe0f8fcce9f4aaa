"""``PLUGINS = ["holdspace.pelican_threads"]``, as sites set it before ``"holdspace"``: threads."""

from .glue import register_threads as register

__all__ = ["register"]
