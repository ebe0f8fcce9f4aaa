"""The results' files: what a result shows of each document, DOCS_PER_FILE documents to a
file in the order of their numbers (``r/<docnum // DOCS_PER_FILE>.json``, a JSON array; in
"r/", not the "d/" that held one result a file: a search.js of that layout, still in a
reader's cache, finds no file and says so, instead of showing a pack as one result).

Fewer files, not less in them: a file costs more to create than to fill (at 20,000
comments one to a document was 21,000 files, 0.5 s to 6 s of a build on this disk), and
a reader fetches a little more with each result (docs/search.md). A pack's text is
``[`` the documents' JSON ``]``, one to a line: JSON writes no raw line break inside a
string, so a pack of the previous export is cut into its documents again without parsing
them. An update links a pack whose documents are all kept, in the same order under the
same numbers; it writes any other from the documents written and the kept ones' texts.
"""

from __future__ import annotations

import os
from functools import lru_cache
from json.encoder import encode_basestring as _quoted  # json.dumps's escaping of a str (ensure_ascii=False)

from ..archive.moves import write_text
from .query import Hit

DOCS_PER_FILE = 4
RESULTS = "r"  # their folder


def pack_count(n: int) -> int:
    """How many files hold ``n`` documents."""
    return -(-n // DOCS_PER_FILE)


def pack_text(texts: list[str]) -> str:
    return "[" + ",\n".join(texts) + "]"


def texts_of(pack: str) -> list[str]:
    """The documents' texts of a pack (``pack_text``)."""
    if not (pack.startswith("[") and pack.endswith("]")):
        raise ValueError("not a pack of the search's results")
    return pack[1:-1].split(",\n")


def write_packs(
    folder: str,
    n: int,
    docs: dict[int, Hit],
    keep: dict[int, int],
    previous: str = "",
    old_n: int = 0,
) -> tuple[int, int, int]:
    """Write the packs of documents 0 to ``n - 1`` into ``folder``/r/: the documents
    ``docs`` (docnum -> hit) and those ``keep`` (docnum -> its number in ``previous``, an
    export of ``old_n`` documents). Files written, linked, and bytes written."""
    written = linked = size = 0
    previous_pack = lru_cache(maxsize=8)(lambda number: texts_of(_read(previous, number)))
    for number in range(pack_count(n)):
        first = number * DOCS_PER_FILE
        members = range(first, min(n, first + DOCS_PER_FILE))
        if (
            previous
            and _same_pack(members, keep, old_n)
            and link(previous, folder, f"{RESULTS}/{keep[first] // DOCS_PER_FILE}.json", f"{RESULTS}/{number}.json")
        ):
            linked += 1
            continue
        texts = []
        for docnum in members:
            if docnum in docs:
                texts.append(document_text(docs[docnum]))
            elif docnum in keep and previous:
                texts.append(previous_pack(keep[docnum] // DOCS_PER_FILE)[keep[docnum] % DOCS_PER_FILE])
            else:
                raise ValueError(f"the search's document {docnum} is neither written nor kept")
        size += write_text(os.path.join(folder, RESULTS, f"{number}.json"), pack_text(texts))
        written += 1
    return written, linked, size


def _same_pack(members: range, keep: dict[int, int], old_n: int) -> bool:
    """Are ``members`` all kept, and were they the whole of one pack, in this order?"""
    start = keep.get(members[0], -1)
    if start % DOCS_PER_FILE or min(old_n, start + DOCS_PER_FILE) - start != len(members):
        return False
    return all(keep.get(docnum) == start + i for i, docnum in enumerate(members))


def _read(previous: str, number: int) -> str:
    with open(os.path.join(previous, RESULTS, f"{number}.json"), encoding="utf-8") as f:
        return f.read()


def link(previous: str, folder: str, name: str, new_name: str = "") -> bool:
    """A file of the previous export (``name``, under ``previous``) linked into ``folder``
    as ``new_name`` (or ``name``); False when it cannot be."""
    try:
        os.link(os.path.join(previous, name), os.path.join(folder, new_name or name))
        return True
    except OSError:
        return False


def document_text(hit: Hit) -> str:
    """A result's text: ``json.dumps`` of its fields, compact (no "w" without a warning)."""
    q, warning = _quoted, f',"w":{_quoted(hit.warning)}' if hit.warning else ""
    return (f'{{"id":{q(hit.id)},"k":{q(hit.kind)},"t":{q(hit.title)},"a":{q(hit.author)},'
            f'"d":{q(hit.date.isoformat())},"s":{q(hit.shown_date)},"u":{q(hit.url)},'
            f'"x":{q(hit.text)}{warning}}}')  # fmt: skip
