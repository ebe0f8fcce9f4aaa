"""The community guidelines as rules: read from the TOML file moderators edit.

``load_rules`` checks the file's shape and reports each mistake as
``path:line: what; what to do``; ``Rules`` holds what the checks need.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .problems import Problem

# The rules file, in the moderation folder.
GUIDELINES_FILE = "guidelines.toml"

# section -> key -> (type, default); the defaults apply when a key is left out.
SCHEMA: dict[str, dict[str, tuple[type, Any]]] = {
    "length": {"max_characters": (int, 5000)},
    "links": {"hold_at": (int, 3)},
    "words": {"moderation": (list, []), "disallowed": (list, [])},
    "names": {"reserved": (list, ["moderator", "admin", "administrator", "staff"])},
    "crisis": {"terms": (list, [])},
    "personal_data": {"email_addresses": (bool, True), "phone_numbers": (bool, True)},
}


# Curly apostrophes and the dashes phones and word processors type, as the
# plain ones the word lists use: one character for one, so positions stay.
_PLAIN = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2032": "'", "\u2010": "-", "\u2011": "-",
                        "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-"})  # fmt: skip


def normalise_text(text: str) -> str:
    return text.translate(_PLAIN)


class RulesError(ValueError):
    """The rules file cannot be used; ``problems`` say where and why."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class Rules:
    max_characters: int = 5000
    links_hold_at: int = 3
    moderation_words: tuple[str, ...] = ()
    disallowed_words: tuple[str, ...] = ()
    reserved_names: tuple[str, ...] = ("moderator", "admin", "administrator", "staff")
    crisis_terms: tuple[str, ...] = ()
    flag_email_addresses: bool = True
    flag_phone_numbers: bool = True
    source: str = ""
    missing: bool = False  # no rules file was found: these are the defaults
    _patterns: dict[str, re.Pattern[str] | None] = field(default_factory=dict, compare=False, repr=False)

    def pattern(self, kind: str) -> re.Pattern[str] | None:
        """One compiled any-case pattern for a word list ("crisis", "moderation", "disallowed"),
        to search in ``normalise_text``'d text. Words match whole words; crisis terms also
        match with an ending ("overdosed", "self-harming"), since a miss costs more there."""
        if kind not in self._patterns:
            listed = {"crisis": self.crisis_terms, "moderation": self.moderation_words}.get(kind, self.disallowed_words)
            words = [normalise_text(w) for w in listed]
            alternatives = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))
            end = "" if kind == "crisis" else r"(?!\w)"
            self._patterns[kind] = re.compile(rf"(?<!\w)(?:{alternatives}){end}", re.IGNORECASE) if words else None
        return self._patterns[kind]


def load_rules(path: str | Path) -> Rules:
    """Read and check the rules file; a missing file gives the default rules."""
    path = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        return Rules(source=path, missing=True)
    except (OSError, UnicodeDecodeError) as e:
        raise RulesError([Problem(path, 1, f"cannot read the rules file ({e})", "save it as UTF-8 text")]) from e
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        match = re.search(r"at line (\d+)", str(e))
        what = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", str(e))
        last = len(text.rstrip("\n").split("\n"))
        raise RulesError(
            [
                Problem(
                    path,
                    int(match.group(1)) if match else last,
                    f"this is not valid TOML ({what})",
                    'compare it with the lines around it: text in "quotes", lists in [brackets]',
                )
            ]
        ) from e

    problems: list[Problem] = []
    values: dict[str, Any] = {}
    lines = text.split("\n")
    for section, content in data.items():
        if section not in SCHEMA:
            problems.append(
                Problem(path, _line(lines, f"[{section}]"), f"unknown section [{section}]", _hint(section, SCHEMA))
            )
            continue
        if not isinstance(content, dict):
            problems.append(
                Problem(
                    path,
                    _line(lines, section),
                    f"{section} should be a [section]",
                    f"write [{section}] on a line of its own",
                )
            )
            continue
        for key, value in content.items():
            line = _line(lines, key, after=f"[{section}]")
            if key not in SCHEMA[section]:
                problems.append(Problem(path, line, f"unknown key {key!r} in [{section}]", _hint(key, SCHEMA[section])))
                continue
            kind, _ = SCHEMA[section][key]
            if kind is int and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
                problems.append(
                    Problem(
                        path,
                        line,
                        f"{key} = {value!r} is not a whole number of 1 or more",
                        f"write for example {key} = {SCHEMA[section][key][1]}",
                    )
                )
            elif kind is bool and not isinstance(value, bool):
                problems.append(
                    Problem(
                        path, line, f"{key} = {value!r} is not true or false", f"write {key} = true or {key} = false"
                    )
                )
            elif kind is list and (
                not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value)
            ):
                problems.append(
                    Problem(path, line, f"{key} should be a list of words", f'write {key} = ["first", "second"]')
                )
            else:
                values[f"{section}.{key}"] = value
    if problems:
        raise RulesError(problems)

    def get(section: str, key: str) -> Any:
        return values.get(f"{section}.{key}", SCHEMA[section][key][1])

    def words(section: str, key: str) -> tuple[str, ...]:
        return tuple(w.strip() for w in get(section, key))

    return Rules(
        max_characters=get("length", "max_characters"),
        links_hold_at=get("links", "hold_at"),
        moderation_words=words("words", "moderation"),
        disallowed_words=words("words", "disallowed"),
        reserved_names=words("names", "reserved"),
        crisis_terms=words("crisis", "terms"),
        flag_email_addresses=get("personal_data", "email_addresses"),
        flag_phone_numbers=get("personal_data", "phone_numbers"),
        source=path,
    )


def describe(rules: Rules) -> list[str]:
    """The rules in plain sentences, for the site's guidelines page (so page and file agree)."""
    sentences = [
        "Your name: a first name or pseudonym of 1 to 40 characters, not an email or web address.",
        f"A comment can be up to {rules.max_characters:,} characters long.",
        f"A comment with {rules.links_hold_at} or more links waits for a closer look.",
    ]
    if rules.reserved_names:
        names = ", ".join(rules.reserved_names)
        sentences.append(f"These names, and names that look like them, are kept for staff: {names}.")
    if rules.crisis_terms:
        sentences.append("Comments that speak of crisis are read first.")
    if rules.moderation_words or rules.disallowed_words:
        sentences.append("Some words and phrases ask a moderator to read a comment with extra care.")
    data = [
        label
        for flag, label in (
            (rules.flag_email_addresses, "email addresses"),
            (rules.flag_phone_numbers, "phone numbers"),
        )
        if flag
    ]
    if data:
        sentences.append(
            f"Moderators look out for {' and '.join(data)} in comments, and remove them or hold the comment back."
        )
    return sentences


def _line(lines: list[str], key: str, after: str | None = None) -> int:
    """The line where ``key`` is set (below the ``after`` header when given); 1 if not found."""
    start = 0
    if after is not None:
        start = next((i for i, line in enumerate(lines) if line.strip() == after), 0)
    for number in range(start, len(lines)):
        stripped = lines[number].strip()
        if stripped == key or re.match(rf"{re.escape(key)}\s*=", stripped) or stripped.startswith(f"[{key}]"):
            return number + 1
    return start + 1


def _hint(name: str, known: dict[str, Any]) -> str:
    close = difflib.get_close_matches(name, known, n=1)
    return f"did you mean {close[0]!r}?" if close else "the known ones are " + ", ".join(known)
