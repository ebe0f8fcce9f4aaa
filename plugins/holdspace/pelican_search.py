"""``PLUGINS = ["holdspace.pelican_search"]``, as sites set it before ``"holdspace"``: search."""

from .glue import register_search as register

__all__ = ["register"]
