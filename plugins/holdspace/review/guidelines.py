"""The community guidelines as rules: read from the TOML file moderators edit.

``load_rules`` checks the file's shape and reports each mistake as
``path:line: what; what to do``; ``Rules`` holds what the checks need.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..problems import HoldspaceError, Problem, did_you_mean
from ..schema import Kind, is_flag, is_whole, is_words, wrong

_WHOLE = Kind("a whole number of 1 or more", is_whole)
_FLAG = Kind("true or false", is_flag)
_WORDS = Kind("a list of words", is_words)
# section -> key -> (kind, default); the defaults apply when a key is left out.
SCHEMA: dict[str, dict[str, tuple[Kind, Any]]] = {
    "length": {"max_characters": (_WHOLE, 5000)},
    "links": {"hold_at": (_WHOLE, 3)},
    "words": {"moderation": (_WORDS, []), "disallowed": (_WORDS, [])},
    "names": {"reserved": (_WORDS, ["moderator", "admin", "administrator", "staff"])},
    "crisis": {"terms": (_WORDS, [])},
    "personal_data": {"email_addresses": (_FLAG, True), "phone_numbers": (_FLAG, True)},
}
# What to write instead of a wrong value, by kind ({key}, {default}).
_TODO = {
    _WHOLE: "write for example {key} = {default}",
    _FLAG: "write {key} = true or {key} = false",
    _WORDS: 'write {key} = ["first", "second"]',
}


# Curly apostrophes and the dashes phones and word processors type, as the
# plain ones the word lists use: one character for one, so positions stay.
_PLAIN = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2032": "'", "\u2010": "-", "\u2011": "-",
                        "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-"})  # fmt: skip


def normalise_text(text: str) -> str:
    return text.translate(_PLAIN)


class RulesError(HoldspaceError, ValueError):
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
    values = _checked(_parse(text, path), text.split("\n"), path)

    def get(section: str, key: str) -> Any:
        return values.get(section, {}).get(key, SCHEMA[section][key][1])

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


def _parse(text: str, path: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
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


def _checked(data: dict[str, Any], lines: list[str], path: str) -> dict[str, dict[str, Any]]:
    """The file's sections, each key checked against SCHEMA; every mistake is reported at once."""
    problems: list[Problem] = []
    for section, content in data.items():
        if section not in SCHEMA:
            hint = did_you_mean(section, SCHEMA, "the known ones are " + ", ".join(SCHEMA))
            problems.append(Problem(path, _line(lines, f"[{section}]"), f"unknown section [{section}]", hint))
        elif not isinstance(content, dict):
            problems.append(
                Problem(
                    path,
                    _line(lines, section),
                    f"{section} should be a [section]",
                    f"write [{section}] on a line of its own",
                )
            )
        else:
            for key in [k for k in content if k not in SCHEMA[section]]:
                hint = did_you_mean(key, SCHEMA[section], "the known ones are " + ", ".join(SCHEMA[section]))
                line = _line(lines, key, after=f"[{section}]")
                problems.append(Problem(path, line, f"unknown key {key!r} in [{section}]", hint))
            kinds = {key: kind for key, (kind, _) in SCHEMA[section].items()}
            for key in wrong(content, kinds):
                problems.append(_wrong_value(path, _line(lines, key, after=f"[{section}]"), key, content[key], section))
    if problems:
        raise RulesError(sorted(problems, key=lambda p: p.line))
    return data


def _wrong_value(path: str, line: int, key: str, value: object, section: str) -> Problem:
    kind, default = SCHEMA[section][key]
    what = f"{key} should be {kind.wanted}" if kind is _WORDS else f"{key} = {value!r} is not {kind.wanted}"
    return Problem(path, line, what, _TODO[kind].format(key=key, default=default))


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
