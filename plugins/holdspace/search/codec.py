"""Whoosh's own codec (``whoosh3``) made plain for an index that is a cache: the stored
fields' column and the posting blocks not compressed, a block's ids and weights made
smaller in C, and a term's one posting kept in its term info. The same postings, terms
and lengths; each block says whether it is compressed, so Whoosh reads it as it reads its
own. With ``segments`` and ``index``, the only modules that import Whoosh."""

from __future__ import annotations

from operator import sub
from typing import Any

from whoosh import columns
from whoosh.codec.whoosh3 import W3Codec, W3PerDocReader, W3PerDocWriter, W3PostingsWriter

# The stored fields of a document, pickled as Whoosh's codec pickles them, but not compressed:
# zlib took 1 s of the 6-10 s Whoosh spent on 21,000 documents, to make a cache folder 8 MB
# smaller (the stored fields are only read back by the search command and an update).
STORED_PLAIN = columns.PickleColumn(columns.VarBytesColumn())


class StoredPlainCodec(W3Codec):
    """Whoosh's codec, its stored fields' column and its posting blocks not compressed
    (Whoosh's ``compression=0``). Its segments name it, so a reader reads them with it."""

    def __init__(self, blocklimit: int = 128, compression: int = 0, inlinelimit: int = 2) -> None:
        # zlib took 0.2 s of the commit at 21,000 documents, for an index 7 MB smaller (31 MB, not 38).
        super().__init__(blocklimit, compression, inlinelimit)

    def postings_writer(self, dbfile: Any, byteids: bool = False) -> Any:
        return PostingsWriter(dbfile, self._blocklimit, byteids, self._compression, self._inlinelimit)

    def per_document_writer(self, storage: Any, segment: Any) -> Any:
        return _StoredPlainWriter(self, storage, segment)

    def per_document_reader(self, storage: Any, segment: Any) -> Any:
        return _StoredPlainReader(storage, segment)


class PostingsWriter(W3PostingsWriter):
    """Whoosh's, a block's ids and weights made smaller with ``map`` and ``count`` rather than
    a Python step per posting (741,000 at 20,000 comments): the same tuples (a test). A term
    with fewer postings than the codec's ``inlinelimit`` (one: a word, or an author's key, used once)
    keeps them in its term info, as Whoosh's reader reads them, instead of a block of its
    own in the postings file (Whoosh's writer calls ``set_inline``, which its term info
    names ``set_inlined``, so whoosh3 writes no such term; a test reads them back, searched,
    merged and exported)."""

    def finish_postings(self) -> Any:
        terminfo = self._terminfo
        if self._byteids or self.written() or len(self) >= self._inlinelimit:
            # Whoosh's blocks (a term vector's too: its writer needs the block's place in the file).
            limit, self._inlinelimit = self._inlinelimit, 0
            try:
                return super().finish_postings()
            finally:
                self._inlinelimit = limit
        terminfo.add_block(self)
        # A value each (an empty one for an ID field's, which keeps none): a merge reads them back as bytes.
        terminfo.set_inlined(self._ids, self._weights, self._values or [b""] * len(self._ids))
        self._terminfo = None
        return terminfo

    def _mini_ids(self) -> tuple[Any, ...]:
        ids = self._ids
        return tuple(ids) if self._byteids else tuple(map(sub, ids, [0, *ids[:-1]]))

    def _mini_weights(self) -> Any:
        weights = self._weights
        if weights.count(1.0) == len(weights):
            return None
        return weights[0] if weights.count(weights[0]) == len(weights) else tuple(weights)


class _StoredPlainWriter(W3PerDocWriter):
    def _create_column(self, fieldname: str, column: Any) -> None:
        super()._create_column(fieldname, STORED_PLAIN if fieldname == "_stored" else column)


class _StoredPlainReader(W3PerDocReader):
    def stored_fields(self, docnum: int) -> dict[str, Any]:
        value = self._cached_reader("_stored", STORED_PLAIN)[docnum]
        return {} if value is None else value
