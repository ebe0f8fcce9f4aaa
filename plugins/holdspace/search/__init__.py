"""Search, built at compile time and run in the reader's browser (pure: no Pelican).

documents    the documents indexed: published posts and comments
query        a reader's query: words, author:, BM25F's parameters
index        Whoosh, with segments and codec its only importers: schema, incremental updates, search, export data
segments     Whoosh's segment writer for counted words (their postings by term, not through a sorting pool)
codec        Whoosh's codec made plain: stored fields and posting blocks not compressed, one posting inlined
buckets      how terms and pseudonyms are cut into small files (as search.js reads them)
export       the index as static files for search.js, updated with the changes alone
packs        the results' files, a few documents to a file
words        the words of a text counted as Whoosh counts them, piece by piece between white space
postings     a new index's postings, gathered as it is written (its export without reading it back)
"""
