"""The shipped table of national crisis lines (``crisis_lines.toml``): each line says where
it was read and when it was checked, and a site owner verifies the lines of their regions
before publishing (docs/new-site.md)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from ..problems import HoldspaceError, closest

TABLE = Path(__file__).with_name("crisis_lines.toml")
ALIASES = {"UK": "GB"}  # what people type for a code ISO 3166 spells otherwise


class RegionError(HoldspaceError):
    """A region the table does not have."""


@dataclass(frozen=True)
class Line:
    name: str
    contact: str
    url: str
    hours: str
    source: str
    checked: str
    how: str


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    emergency: str
    emergency_source: str
    lines: tuple[Line, ...]


def load(path: Path = TABLE) -> dict[str, Region]:
    """Every region of the table, by its upper-case code."""
    with open(path, "rb") as f:
        data = tomllib.load(f)
    regions = {}
    for entry in data.get("region", []):
        lines = tuple(
            Line(
                line["name"],
                line["contact"],
                line.get("url", ""),
                line.get("hours", ""),
                line["source"],
                line["checked"],
                line.get("how", ""),
            )
            for line in entry.get("line", [])
        )
        code = entry["code"].upper()
        emergency = entry.get("emergency", ""), entry.get("emergency_source", "")
        regions[code] = Region(code, entry["name"], *emergency, lines)
    return regions


def choose(codes: list[str], table: dict[str, Region] | None = None) -> list[Region]:
    """The regions named by ``codes`` (``GB``, ``ie``), in the order given, each once."""
    table = table if table is not None else load()
    chosen: list[Region] = []
    for code in (ALIASES.get(c.strip().upper(), c.strip().upper()) for c in codes):
        if not code:
            continue
        if code not in table:
            close = closest(code, table)
            hint = f"did you mean {close[0]}? " if close else ""
            raise RegionError(f"no crisis lines for the region {code!r} in the table; {hint}the table has "
                              f"{', '.join(sorted(table))} (add your region's lines by hand afterwards: "
                              "CRISIS_RESOURCES and the crisis-resources page)")  # fmt: skip
        if table[code] not in chosen:
            chosen.append(table[code])
    return chosen


def crisis_resources(regions: list[Region]) -> list[dict[str, str]]:
    """The ``CRISIS_RESOURCES`` setting for ``regions``: their emergency numbers, then their lines."""
    resources = []
    for region in regions:
        if region.emergency:
            resources.append({"name": "Emergency services", "contact": f"call {region.emergency}",
                              "region": region.name, "url": f"tel:{region.emergency}"})  # fmt: skip
    for region in regions:
        for line in region.lines:
            resource = {"name": line.name, "contact": line.contact, "region": region.name}
            if line.url:
                resource["url"] = line.url
            resources.append(resource)
    return resources
