"""The search index: with its writer (``segments``), the only module that imports Whoosh.

Built at compile time from published posts and comments (never from
moderation/), kept in a cache folder outside output/, updated incrementally:
only added, changed or removed documents are written, keyed by id; a change of
schema or analyzer rebuilds it. No email is ever indexed: documents are made
from published data, which holds none.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from whoosh import index as whoosh_index
from whoosh import versionstring as whoosh_version
from whoosh.analysis import Analyzer, StemmingAnalyzer
from whoosh.fields import ID, STORED, TEXT, Schema
from whoosh.query import And, Every, Term
from whoosh.reading import TermNotFound
from whoosh.scoring import BM25F
from whoosh.searching import Searcher
from whoosh.util.numeric import byte_to_length, length_to_byte

from . import postings
from .codec import StoredPlainCodec
from .documents import (
    Doc,
    UpdateStats,
    content_of,
    describe,
    load_digests,
    numbered,
    numbers_taken,
    save_digests,
    stored,
)
from .export import Export, Posting
from .postings import begin, gather
from .query import K1, B, Hit, author_key, parse_query
from .segments import CountedFrequency, CountedWriter
from .words import counter, stop_words

VERSION_FILE = "holdspace-index.json"
# A change rebuilds. 3: content warnings; 4: shown dates; 5: Counted; 6: StoredPlainCodec; 7: ISO dates;
# 8: ids stored, not indexed.
SCHEMA_VERSION = 8
# The writer's posting pool (authors' keys, merged postings) is sorted in memory below this (bench/README.md).
WRITER_LIMIT_MB = 128
# Commits add a segment each and never merge; at this many the index is optimized into one.
MAX_SEGMENTS = 12


def analyzer() -> Analyzer:
    return StemmingAnalyzer()


def schema() -> Schema:
    """Only what a query reads is indexed: the words (without positions: there are no
    phrase queries) and the author filter. The rest is stored for results; indexing it (a
    date at eight precisions, tags, kinds) cost a third of the time. An update finds a
    document by its number, recorded with the digests (``documents.numbered``): the ids' 21,000
    one-posting terms were a third of the commit at 20,000 comments."""
    return Schema(
        id=STORED,
        kind=STORED,  # "post" or "comment"
        title=STORED,
        author=STORED,
        author_key=ID,  # author_key(pseudonym), for author: filters
        content=_content_field(),  # the words searched and scored
        text=STORED,  # plain text, for snippets
        date=STORED,  # ISO 8601: a datetime with its time zone took most of the time pickling the stored fields
        thread=STORED,
        tags=STORED,  # comma-separated
        url=STORED,
        warning=STORED,  # a post's Content-Warning: results show it instead of the words behind it
        shown_date=STORED,  # the date as the site's pages write it, for results
        digest=STORED,
    )


def _content_field() -> TEXT:
    field = TEXT(analyzer=analyzer(), phrase=False)
    field.format = CountedFrequency(field_boost=getattr(field.format, "field_boost", 1.0))
    return field


def _signature() -> str:
    """What the index was built with, analyzer settings and field types included: a change rebuilds it."""
    chain = [
        [type(item).__name__, {k: describe(v) for k, v in sorted(vars(item).items()) if not k.startswith("_")}]
        for item in getattr(analyzer(), "items", [analyzer()])
    ]
    fields = {name: type(field).__name__ for name, field in schema().items()}
    return json.dumps({"schema": SCHEMA_VERSION, "whoosh": whoosh_version(), "fields": fields, "analyzer": chain})


Step = Callable[[UpdateStats], None]


def update_index(
    folder: str, docs: Iterable[Doc], before_commit: Step | None = None, counted: Step | None = None
) -> UpdateStats:
    """Make the index in ``folder`` hold exactly ``docs``, writing only what changed, and
    gather the counts of what it writes, numbered in the export's order (``in_order``, as
    a new index numbers them), whole when ``before_commit`` is called, and for a new index
    when ``counted`` is: then every document is counted before Whoosh writes any. Segments
    are not merged on a commit; at MAX_SEGMENTS, optimized."""
    wanted, digests, stats = begin(docs)
    stats.rebuilt = _create_if_stale(folder)
    ix = whoosh_index.open_dir(folder)
    have, where, old = stored(ix, wanted, digests, recorded := load_digests(folder, ix.latest_generation()))
    before = numbers_taken(ix)
    # A new index numbers its documents as the export does: they share the gathered postings.
    kept, codec = stats.gathered.terms if stats.rebuilt else None, StoredPlainCodec()
    writer = CountedWriter(ix, kept=kept, limitmb=WRITER_LIMIT_MB, codec=codec)
    try:
        written = _write(writer, wanted, digests, (have, where), old, stats, counted if stats.rebuilt else None)
        if stats.rebuilt and writer.docnum != len(stats.gathered.hits):  # the shared numbering broken
            raise RuntimeError("the search index's documents are not numbered as the export's")
        if before_commit is not None:
            before_commit(stats)
    except BaseException:
        writer.cancel()
        raise
    if stats.added or stats.changed or stats.removed:
        optimize = len(ix._segments()) + 1 > MAX_SEGMENTS
        writer.commit(merge=False, optimize=optimize)
        where = numbered(whoosh_index.open_dir(folder), where, written, before, optimize)
    else:
        writer.cancel()
    if stats.changed_anything or recorded is None:  # else the record stands as it is
        save_digests(folder, whoosh_index.open_dir(folder).latest_generation(), digests, where)
    return stats


def count_all(docs: Iterable[Doc]) -> UpdateStats:
    """Every document's words counted and gathered as ``update_index`` gathers those it
    writes, the index left as it is: for a whole export while the index stands."""
    return postings.count_all(docs, counter(analyzer()))


def _create_if_stale(folder: str) -> bool:
    """Create the index afresh when there is none, or it was built with another schema or
    analyzer; True when it was."""
    signature = _signature()
    version_path = os.path.join(folder, VERSION_FILE)
    try:
        with open(version_path, encoding="utf-8") as f:
            current = f.read()
    except OSError:
        current = ""
    if current == signature and whoosh_index.exists_in(folder):
        return False
    if os.path.isdir(folder):
        shutil.rmtree(folder)  # a cache: rebuilt from the archive
    os.makedirs(folder)
    whoosh_index.create_in(folder, schema())
    with open(version_path, "w", encoding="utf-8") as f:
        f.write(signature)
    return True


def _write(writer: Any, wanted: dict[str, Doc], digests: dict[str, str], index: tuple[dict, dict],
           old: dict[str, dict], stats: UpdateStats, counted: Step | None) -> list[str]:  # fmt: skip
    """Delete the documents that went or changed (``index``: each one's digest and number,
    the number taken out), add the new and changed ones, and note the terms they touch
    (for an export of the changes alone); the ids added, in order. ``counted``: see
    ``update_index``."""
    a = analyzer()
    count = counter(a)
    have, where = index
    written: list[str] = []
    for doc_id in have.keys() - wanted.keys():
        writer.delete_document(where.pop(doc_id))
        stats.removed += 1
    first = {doc_id: gather(doc, count, stats) for doc_id, doc in wanted.items()} if counted is not None else {}
    if counted is not None:
        counted(stats)
    for doc_id, doc in wanted.items():
        digest = digests[doc_id]
        if have.get(doc_id) == digest:
            stats.unchanged += 1
            continue
        if doc_id in have:
            writer.delete_document(where.pop(doc_id))
            stats.changed += 1
        else:
            stats.added += 1
        content, text = first.pop(doc_id) if first else gather(doc, count, stats)
        writer.add_document(
            id=doc.id, kind=doc.kind, title=doc.title, author=doc.author, author_key=author_key(doc.author),
            content=content, text=text, date=doc.date.isoformat(), thread=doc.thread, tags=doc.tags, url=doc.url,
            warning=doc.warning, shown_date=doc.shown_date, digest=digest,
        )  # fmt: skip
        written.append(doc_id)
    for fields in old.values():
        stats.touched_terms.update(t.text for t in a(content_of(fields["kind"], fields["title"], fields["text"])))
    return written


def index_exists(folder: str) -> bool:
    return os.path.isdir(folder) and whoosh_index.exists_in(folder)


def query_terms(words: Iterable[str]) -> list[str]:
    """The indexed terms for the words, as the content field's analyzer makes them."""
    a = analyzer()
    return [token.text for word in words for token in a(word)]


def search(folder: str, query: str, limit: int = 10) -> list[Hit]:
    """Whoosh's own ranking of ``query``: BM25F over the content field, ties by document number."""
    words, author = parse_query(query)
    terms = query_terms(words)
    if (words and not terms) or (not words and not author):
        return []  # only stop words, or nothing at all
    ix = whoosh_index.open_dir(folder)
    with ix.searcher(weighting=BM25F(B=B, K1=K1)) as searcher:
        q = And([Term("content", t) for t in terms]) if terms else Every()
        flt = Term("author_key", author_key(author)) if author else None
        results = searcher.search(q, limit=limit, filter=flt)
        return [_hit(searcher, r.docnum, r.score or 0.0) for r in results]


def _hit(searcher: Searcher, docnum: int, score: float) -> Hit:
    f = searcher.reader().stored_fields(docnum)
    date = f["date"] if isinstance(f["date"], datetime) else datetime.fromisoformat(f["date"])  # (an older index's)
    return Hit(docnum, score, f["id"], f["kind"], f["title"], f["author"], date, f["url"], f["text"],
               f.get("warning", ""), f.get("shown_date", ""))  # fmt: skip


def export(
    folder: str,
    terms: Iterable[str] | None = None,
    encode: Callable[[str, int, list[Posting]], Any] | None = None,
) -> Export:
    """The index for the browser: every term and document, or only ``terms`` (their
    postings, for the documents' current numbers). With
    ``encode``, each term's (df, postings) is kept as ``encode(term, df, postings)``
    (the export's text: at 100,000 comments the postings as objects take 300 MB)."""
    ix = whoosh_index.open_dir(folder)
    with ix.searcher(weighting=BM25F(B=B, K1=K1)) as searcher:
        docs = {docnum: _hit(searcher, docnum, 0.0) for docnum in searcher.reader().all_doc_ids()}  # not deleted
        authors: dict[str, list[int]] = {}
        for docnum, hit in docs.items():
            authors.setdefault(author_key(hit.author), []).append(docnum)
        # Field lengths as the scorer reads them (stored as a byte, so rounded): once per document.
        lengths: dict[int, float] = {}
        out: dict[str, Any] = {}
        wanted = searcher.lexicon("content") if terms is None else sorted(terms)
        for raw in wanted:
            term = raw.decode("utf-8") if isinstance(raw, bytes) else raw
            try:
                matcher = searcher.postings("content", term)
            except TermNotFound:
                continue
            postings = []
            for docnum, weight in matcher.items_as("weight"):
                length = lengths.get(docnum)
                if length is None:
                    length = lengths[docnum] = searcher.doc_field_length(docnum, "content", 1)
                postings.append(Posting(docnum, weight, length))
            if postings:
                df = searcher.doc_frequency("content", term)
                out[term] = (df, postings) if encode is None else encode(term, df, postings)
        return Export(
            doc_count=searcher.doc_count(),
            doc_count_all=searcher.doc_count_all(),
            avg_length=searcher.avg_field_length("content") or 1,
            terms=out,
            docs=docs,
            authors=authors,
            stop_words=frozenset(stop_words(analyzer())),
        )


def stopped() -> list[str]:
    """The words the analyzer leaves out, for the export's manifest."""
    return sorted(stop_words(analyzer()))


def rounded_length(n: int) -> float:
    """A document's length as Whoosh stores it (a byte) and scores with it."""
    return byte_to_length(length_to_byte(n)) or 1
