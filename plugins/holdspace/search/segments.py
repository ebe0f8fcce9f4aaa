"""Whoosh's segment writer, for documents whose words come counted (``postings.Counted``).

Whoosh's own writer puts every posting of every document into a sorting pool as a
tuple (700,000 for 20,000 comments), sorts them at commit, and reads each document's
length back from the segment's length column, one posting at a time. Here the counted
field's postings are kept by term in arrays, in the order of the documents (which is
their order in the segment), and written at commit term by term with the lengths kept
in memory. The other field (the author's key, an ID field: one posting each) goes through
Whoosh's pool as before. The segment's files are the ones Whoosh's writer makes, byte
for byte (``tests/test_index.py``). Whoosh is imported here, in ``codec`` and in ``index`` only.
"""

from __future__ import annotations

import itertools
from array import array
from collections.abc import Iterator
from typing import Any, NamedTuple

from whoosh.analysis import IDTokenizer
from whoosh.codec.whoosh3 import W3Codec, W3PostingsWriter
from whoosh.formats import Existence, Frequency
from whoosh.system import pack_uint
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import SegmentWriter

from .codec import StoredPlainCodec  # noqa: F401 (the name indexes written before codec.py record their codec by)
from .postings import Counted


class CountedFrequency(Frequency):
    """Whoosh's Frequency format (what the content field stores), taking the counts of a
    ``Counted`` value as they are: the same frequencies, weights and lengths."""

    def word_values(self, value: Any, analyzer: Any, **kwargs: Any) -> Any:  # (word, frequency, weight, bytes)
        if not isinstance(value, Counted):
            return super().word_values(value, analyzer, **kwargs)
        boost = self.field_boost
        return ((w, n, float(n) * boost, pack_uint(n)) for w, n in value.freqs.items())


class CountedWriter(SegmentWriter):
    """A SegmentWriter that keeps a Counted field's postings by term, for Whoosh's own
    codec (whose postings writer it fills a block at a time). Another codec, a schema with
    term vectors, spelling or columns, a document given boosts or whose counted field is not
    Counted, and a merge of older segments into this one (which fills Whoosh's pool with
    their postings) take Whoosh's own way from there, the postings kept put into its pool."""

    def __init__(self, ix: Any, kept: dict[str, tuple[array, array]] | None = None, **kwargs: Any) -> None:
        """``kept``: the counted postings as the caller keeps them, by term, numbered as this
        writer numbers its documents (a new index's, each document's postings kept before
        it is added); this writer then keeps none of its own."""
        super().__init__(ix, **kwargs)
        self._counted: dict[str, tuple[array, array]] = {} if kept is None else kept  # term -> (docnums, frequencies)
        self._shared = kept is not None
        self._lengths: dict[int, int] = {}  # docnum -> the counted field's length, as Whoosh scores it
        self._field: str | None = None  # the counted field
        self._pooled: set[str] = set()  # the fields whose postings went into Whoosh's pool
        self._plans: dict[tuple[str, ...], _Plan | None] = {}  # by the names of a document's fields
        self._plain = not isinstance(self.codec, W3Codec) or any(
            f.vector or f.separate_spelling() or f.column_type for f in self.schema._fields.values()
        )  # fmt: skip

    def add_document(self, **fields: Any) -> None:
        plan = None if self._plain else self._plan(tuple(fields))
        if plan is not None and self._fits(plan, fields):
            self._add_planned(plan, fields)
            return
        if not self._plain and not self._countable(fields):
            self._to_pool()  # from here on, Whoosh's own way: the postings kept go into its pool first
        if self._plain:
            super().add_document(**fields)
            return
        self._check_state()
        schema, docnum, pdw = self.schema, self.docnum, self.perdocwriter
        names = sorted(fields)  # Whoosh's order: the stored fields are pickled in it
        self._check_fields(schema, names)
        pdw.start_doc(docnum)
        for name in names:
            value = fields[name]
            if value is None:
                continue
            field = schema[name]
            length = 0
            if field.indexed and isinstance(value, Counted):
                self._field = name
                length = self._keep(docnum, value.freqs)
            elif field.indexed:
                self._pooled.add(name)
                for tbytes, freq, weight, vbytes in _indexed(field, value):
                    if field.scorable:
                        length += freq
                    self.pool.add((name, tbytes, docnum, weight, vbytes))
            pdw.add_field(name, field, value if field.stored else None, length)
        pdw.finish_doc()
        self._added = True
        self.docnum += 1

    def _plan(self, names: tuple[str, ...]) -> _Plan | None:
        """How documents of these fields are added, worked out once (``_Plan``); None when
        they cannot be added that way (a field Whoosh does not know, a boost, an indexed
        field neither counted nor an id, a counted field that is stored)."""
        if names in self._plans:
            return self._plans[names]
        schema, plan = self.schema, None
        if all(name in schema and not name.startswith("_") for name in names):
            indexed = [name for name in sorted(names) if schema[name].indexed]
            pooled = tuple((name, schema[name].format.field_boost) for name in indexed if _an_id(schema[name]))
            counted = [name for name in indexed if not _an_id(schema[name])]
            if len(counted) == 1 and not schema[counted[0]].stored:
                plan = _Plan(
                    counted[0], schema[counted[0]], pooled, tuple(n for n in sorted(names) if schema[n].stored)
                )
        self._plans[names] = plan
        return plan

    def _fits(self, plan: _Plan, fields: dict[str, Any]) -> bool:
        """Whether this document is added as ``plan`` says: its counted field's value Counted
        (the field counted before, if there was one, and none of its postings pooled), its
        ids strings."""
        return (
            type(fields[plan.counted]) is Counted
            and all(type(fields[name]) is str for name, _ in plan.pooled)
            and self._field in (None, plan.counted)
            and plan.counted not in self._pooled
        )

    def _add_planned(self, plan: _Plan, fields: dict[str, Any]) -> None:
        """``add_document`` without going field by field: the stored values in Whoosh's order
        (the fields' names sorted, a None left out), the counted postings kept, the ids pooled."""
        self._check_state()
        docnum, pdw, add = self.docnum, self.perdocwriter, self.pool.add
        pdw.start_doc(docnum)
        pdw._storedfields = {name: value for name in plan.stored if (value := fields[name]) is not None}
        self._field = plan.counted
        pdw.add_field(plan.counted, plan.field, None, self._keep(docnum, fields[plan.counted].freqs))
        for name, boost in plan.pooled:
            self._pooled.add(name)
            add((name, fields[name].encode("utf-8"), docnum, boost, b""))
        pdw.finish_doc()
        self._added = True
        self.docnum += 1

    def _countable(self, fields: dict[str, Any]) -> bool:
        """Whether this document's counted postings can be kept by term: no boost, one
        indexed field at most with a Counted value (the one before, if there was one, and
        none of whose postings went into the pool), and no other value for it."""
        if any(name.startswith("_") for name in fields):
            return False
        schema = self.schema
        counted = [n for n, v in fields.items() if isinstance(v, Counted) and n in schema and schema[n].indexed]
        if len(counted) > 1 or (self._field is not None and counted not in ([], [self._field])):
            return False
        if counted and counted[0] in self._pooled:  # some of its postings are in the pool already
            return False
        return self._field is None or isinstance(fields.get(self._field), (Counted, type(None)))

    def _keep(self, docnum: int, freqs: dict[str, int]) -> int:
        counted = self._counted
        length = sum(freqs.values())
        for word, n in () if self._shared else freqs.items():  # shared: the caller keeps them
            postings = counted.get(word)
            if postings is None:
                postings = counted[word] = (array("I"), array("I"))
            postings[0].append(docnum)
            postings[1].append(n)
        if length:
            self._lengths[docnum] = byte_to_length(length_to_byte(length))
        return length

    def add_reader(self, reader: Any) -> None:
        """A merge: the postings kept go into Whoosh's pool, where the merged ones go."""
        self._to_pool()
        super().add_reader(reader)

    def _to_pool(self) -> None:
        if self._field is not None:
            name, boost = self._field, self.schema[self._field].format.field_boost
            for word, (docnums, freqs) in self._counted.items():
                tbytes = word.encode("utf-8")
                for docnum, n in zip(docnums, freqs, strict=True):
                    if docnum < self.docnum:  # (kept by the caller: maybe of a document not added yet)
                        self.pool.add((name, tbytes, docnum, float(n) * boost, pack_uint(n)))
        self._counted, self._lengths, self._plain, self._shared = {}, {}, True, False

    def _flush_segment(self) -> None:
        """Whoosh's, with the counted field's terms written between the fields before it
        and after it in the pool (the terms table is written in order of field and term)."""
        self.perdocwriter.close()
        lengths = self.per_document_reader() if self.codec.length_stats else None
        items = iter(self.pool.iter_postings())  # sorted: the fields before the counted one, then after it
        write = self.fieldwriter.add_postings
        if not self._counted:
            write(self.schema, lengths, items)
        else:
            name, after = str(self._field), []

            def before() -> Iterator[Any]:
                for item in items:
                    assert item[0] != name, "the counted field's postings are all kept here"
                    if item[0] > name:
                        after.append(item)
                        return
                    yield item

            write(self.schema, lengths, before())
            self._write_counted(name)
            write(self.schema, lengths, itertools.chain(after, items))
        self.fieldwriter.close()
        if lengths is not None:
            lengths.close()

    def _write_counted(self, name: str) -> None:
        """Each term's postings, in the order of the terms' bytes (UTF-8 keeps the order of
        code points, so the words' own order), as Whoosh's ``add_postings`` writes them."""
        field, fw, lengths = self.schema[name], self.fieldwriter, self._lengths
        boost = field.format.field_boost
        weight: dict[int, float] = {}
        value: dict[int, bytes] = {}
        fw.start_field(name, field)
        for word in sorted(self._counted):
            docnums, freqs = self._counted[word]
            for n in freqs:
                if n not in weight:
                    weight[n], value[n] = float(n) * boost, pack_uint(n)
            fw.start_term(word.encode("utf-8"))
            _fill(fw._postwriter, docnums, list(map(weight.__getitem__, freqs)), list(map(value.__getitem__, freqs)),
                  list(map(lengths.__getitem__, docnums)))  # fmt: skip
            fw.finish_term()
        fw.finish_field()


class _Plan(NamedTuple):
    counted: str  # the counted field
    field: Any
    pooled: tuple[tuple[str, float], ...]  # the id fields (``_an_id``), each with its boost
    stored: tuple[str, ...]  # the stored fields, in Whoosh's order


def _an_id(field: Any) -> bool:
    """An indexed field whose value is one term, its existence indexed, not scored."""
    return type(field.analyzer) is IDTokenizer and type(field.format) is Existence and not field.scorable


def _indexed(field: Any, value: Any) -> Any:
    """``field.index(value)``: for an ID field as Whoosh makes it (the whole value one term,
    its existence indexed), made here without a token (0.2 s for 42,000 ids and names)."""
    if _an_id(field) and isinstance(value, str):
        return ((value.encode("utf-8"), 1, field.format.field_boost, b""),)
    return field.index(value)


def _fill(writer: W3PostingsWriter, docnums: array, weights: list[float], values: list[bytes],
          lengths: list[int]) -> None:  # fmt: skip
    """A term's postings given to Whoosh's postings writer a block at a time, as its
    ``add_posting`` gives them one by one: a full block is written when the next posting
    comes (the last by ``finish_postings``), and each block keeps its greatest weight and
    its shortest and longest document. Each slice fills a new, empty block."""
    limit = writer._blocklimit
    for start in range(0, len(docnums), limit):
        if start:
            writer._write_block()
        end = start + limit
        writer._ids.extend(docnums[start:end])
        writer._weights.extend(weights[start:end])
        writer._values.extend(values[start:end])
        writer._maxweight = max(writer._maxweight, *weights[start:end])
        writer._minlength, writer._maxlength = min(lengths[start:end]), max(lengths[start:end])
