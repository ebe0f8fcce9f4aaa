"""Pseudonyms: the only name a commenter shows.

Hard rules (``name_problems``): 1-40 characters after trimming; not an email
address or a web address; no control, zero-width or bidirectional-override
characters. Flags: a name that looks like a full name, and names that look
like another (``skeleton`` folds case, width, accents and look-alike letters,
so "Adm1n" and "аdmin" with a Cyrillic "а" both look like "admin").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache, wraps
from typing import TypeVar

MAX_LENGTH = 40
# Names up to this long are remembered once checked, folded or reduced to their skeleton
# (an archive's pseudonyms repeat); a longer one, which the rules refuse anyway, is not,
# so the intake, a long-running process, never keeps what a stranger sends.
_REMEMBERED = 4 * MAX_LENGTH
T = TypeVar("T")


def _remembered(compute: Callable[[str], T]) -> Callable[[str], T]:
    """``compute`` of a name, remembered for names up to _REMEMBERED characters long."""
    cached = lru_cache(maxsize=65536)(compute)

    @wraps(compute)
    def lookup(name: str) -> T:
        return cached(name) if len(name) <= _REMEMBERED else compute(name)

    lookup.cache_info, lookup.cache_clear = cached.cache_info, cached.cache_clear  # type: ignore[attr-defined]
    return lookup


# Letters and digits that pass for Latin letters. Not the whole Unicode
# confusables table: the common look-alikes used to impersonate a name.
_LOOKALIKES = str.maketrans(
    {
        "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s",
        "ԁ": "d", "һ": "h", "ӏ": "l", "ο": "o", "α": "a", "ν": "v", "ι": "i", "κ": "k", "τ": "t", "ρ": "p",
        "0": "o", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g", "$": "s", "@": "a", "ɑ": "a",
        # the strokes: all read as "i" here, so "Adm1n" and "AdmIn" look like "admin"
        "1": "i", "l": "i", "|": "i", "!": "i", "ı": "i",
    }
)  # fmt: skip
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
# A web address: a scheme, "www.", or a domain followed by a path ("example.org/me").
# A bare "Ana.co" is a name.
_URL = re.compile(r"[a-z][a-z0-9+.-]*://|www\.|[\w-]+\.[a-z]{2,}/", re.IGNORECASE)
ZWJ, ZWNJ = "\u200d", "\u200c"
# Categories refused in names: controls, format characters (zero-width, bidi
# overrides, soft hyphen), private use, surrogates, line and paragraph separators.
_REFUSED_CATEGORIES = {"Cc", "Cf", "Co", "Cs", "Zl", "Zp"}


def name_problems(name: str) -> list[tuple[str, str]]:
    """The hard-rule failures of ``name``, as (what is wrong, what to do)."""
    return list(_name_problems(name))


@_remembered
def _name_problems(name: str) -> tuple[tuple[str, str], ...]:
    trimmed = name.strip()
    problems = []
    bad = sorted(
        {
            ch
            for i, ch in enumerate(trimmed)
            if unicodedata.category(ch) in _REFUSED_CATEGORIES and not _joins(trimmed, i)
        }
    )
    if bad:
        codes = ", ".join(f"U+{ord(ch):04X}" for ch in bad)
        problems.append(
            (
                f"the name holds invisible or direction-changing characters ({codes})",
                "write the name with visible letters only",
            )
        )
    length = len(unicodedata.normalize("NFC", trimmed))
    if length == 0:
        problems.append(("the name is empty", "write a first name or pseudonym"))
    elif length > MAX_LENGTH:
        problems.append((f"the name is {length} characters long", f"shorten it to {MAX_LENGTH} characters or fewer"))
    if _EMAIL.search(trimmed):
        problems.append(
            ("the name is an email address, and emails are never shown", "write a first name or pseudonym instead")
        )
    elif _URL.search(trimmed):
        problems.append(
            ("the name is a web address", "put the address in Website and a first name or pseudonym in Author")
        )
    return tuple(problems)


def _joins(text: str, i: int) -> bool:
    """A joiner that is part of how the name is written, not hidden: U+200D inside
    an emoji sequence (🏳️‍🌈, 👩‍❤️‍👩), U+200C between letters (Persian علی‌رضا)."""
    if text[i] not in (ZWJ, ZWNJ) or i == 0 or i == len(text) - 1:
        return False
    before, after = text[i - 1], text[i + 1]
    if text[i] == ZWNJ:
        return before.isalpha() and after.isalpha()
    return _emoji_part(before) and _emoji_part(after)


def _emoji_part(ch: str) -> bool:
    return unicodedata.category(ch) == "So" or ch == "\ufe0f" or 0x1F3FB <= ord(ch) <= 0x1F3FF


def looks_like_full_name(name: str) -> bool:
    """Two or more capitalised words, like "Jane Doe" (not "owl_at_3am", not "Sunny 🌻")."""
    words = [w for w in re.split(r"[\s.]+", name.strip()) if w]
    capitalised = [w for w in words if w[0].isupper() and any(ch.islower() for ch in w[1:])]
    return len(capitalised) >= 2


@_remembered
def fold(name: str) -> str:
    """Case, width and spacing folded: the same name written differently."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


@_remembered
def skeleton(name: str) -> str:
    """What a name looks like: folded, accents and look-alike characters mapped, only letters kept."""
    return "".join(ch for ch in _mapped(name) if ch.isalnum())


def looks_like(name: str, other: str) -> bool:
    """``name`` looks like ``other``, or one of its words does ("Sonia B" looks like "Sonia")."""
    target = skeleton(other)
    if not target:
        return False
    if skeleton(name) == target:
        return True
    return any("".join(ch for ch in word if ch.isalnum()) == target for word in re.split(r"[\W_]+", _mapped(name)))


def _mapped(name: str) -> str:
    text = unicodedata.normalize("NFKD", fold(name))
    return "".join(ch for ch in text if not unicodedata.combining(ch)).translate(_LOOKALIKES)
