"""The kinds of value the settings and the guidelines file take, and the one check
of a table of them. Each file says what to write in its own words (Python's
``True``, TOML's ``true``); the tests of what a kind accepts are the same."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any


def is_whole(value: object, least: int = 1) -> bool:
    """A whole number of ``least`` or more (``True`` is not a number here)."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= least


def is_flag(value: object) -> bool:
    return isinstance(value, bool)


def is_text(value: object) -> bool:
    return isinstance(value, str)


def is_words(value: object) -> bool:
    """A list of words or phrases, none of them blank."""
    return isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)


@dataclass(frozen=True)
class Kind:
    """What a value must be: ``test`` says whether it is, ``wanted`` what to write instead
    (``{default!r}`` in it is the key's default)."""

    wanted: str
    test: Callable[[Any], bool]


def wrong(values: Mapping[str, Any], kinds: Mapping[str, Kind]) -> list[str]:
    """The keys of ``values`` whose value is not of its kind, in the order of ``kinds``."""
    return [key for key, kind in kinds.items() if key in values and not kind.test(values[key])]
