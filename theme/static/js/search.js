// Holdspace search: ranks the archive exactly as the Whoosh index built at
// compile time does (BM25F over the analysed words, ties by document number),
// fetching only the small files a query needs. No dependencies, no other host.
(function (root) {
  "use strict";

  // Whoosh's default tokenizer, \w+(\.?\w+)* with Python's Unicode \w.
  var TOKEN = /[\p{L}\p{N}_]+(?:\.?[\p{L}\p{N}_]+)*/gu;
  var MIN_SIZE = 2; // Whoosh's StopFilter drops shorter words

  function tokens(text) {
    return (text.match(TOKEN) || []).map(function (t) { return t.toLowerCase(); });
  }

  function parseQuery(query) {
    var words = [], author = null;
    query.split(/\s+/).forEach(function (part) {
      if (!part) return;
      if (part.toLowerCase().indexOf("author:") === 0 && part.length > 7) author = part.slice(7);
      else words.push(part);
    });
    return { words: words, author: author };
  }

  // Case, width and spacing folded, as holdspace.pseudonyms.fold does.
  function fold(name) {
    return name.normalize("NFKC").toLowerCase().replace(/ß/g, "ss").replace(/ς/g, "σ")
      .split(/\s+/).filter(Boolean).join(" ");
  }

  // FNV-1a of the UTF-8 bytes, as holdspace.searchexport.author_bucket.
  function authorBucket(folded, files) {
    var h = 0x811c9dc5;
    new TextEncoder().encode(folded).forEach(function (byte) {
      h = Math.imul(h ^ byte, 0x01000193) >>> 0;
    });
    return h % files;
  }

  function bm25(idf, tf, fl, avgfl, B, K1) {
    return idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl)));
  }

  // fetchJSON(path) -> Promise of the parsed file under the index folder.
  function Searcher(fetchJSON) {
    this.fetchJSON = fetchJSON;
    this.cache = {};
  }

  Searcher.prototype.get = function (path) {
    if (!this.cache[path]) this.cache[path] = this.fetchJSON(path);
    return this.cache[path];
  };

  Searcher.prototype.manifest = async function () {
    var m = await this.get("manifest.json");
    if (!m.index) {
      m.index = {};
      m.buckets.forEach(function (p, i) { m.index[p] = i; });
      m.stopSet = new Set(m.stop);
    }
    return m;
  };

  // The bucket file of a word or term: its longest listed prefix.
  Searcher.prototype.bucket = async function (key) {
    var m = await this.manifest();
    var chars = Array.from(key);
    for (var n = Math.min(chars.length, m.maxPrefix); n > 0; n--) {
      var prefix = chars.slice(0, n).join("");
      if (prefix in m.index) return this.get("s/" + m.index[prefix] + ".json");
    }
    return { w: {}, t: {} };
  };

  // The indexed terms of the query's words (null: a word the archive never uses).
  // The buckets of all the words are fetched at once.
  Searcher.prototype.terms = async function (words) {
    var m = await this.manifest();
    var list = [];
    words.forEach(function (w) {
      tokens(w).forEach(function (t) {
        if (Array.from(t).length >= MIN_SIZE && !m.stopSet.has(t)) list.push(t);
      });
    });
    var self = this;
    var buckets = await Promise.all(list.map(function (word) { return self.bucket(word); }));
    var terms = [];
    for (var i = 0; i < list.length; i++) {
      var term = buckets[i].w[list[i]];
      if (term === 0) continue;
      if (term === undefined) return null;
      terms.push(term);
    }
    return terms;
  };

  Searcher.prototype.postings = async function (term) {
    var bucket = await this.bucket(term);
    var entry = bucket.t[term];
    if (!entry) return null;
    var map = new Map(), docnum = 0;
    for (var i = 0; i < entry[1].length; i++) {
      docnum += entry[1][i];
      map.set(docnum, [entry[2][i], entry[3][i]]);
    }
    return { idf: entry[0], docs: map };
  };

  // [{docnum, score}] best first, at most `limit`.
  Searcher.prototype.rank = async function (query, limit) {
    var m = await this.manifest();
    var parsed = parseQuery(query);
    var allowed = null;
    if (parsed.author) {
      var folded = fold(parsed.author);
      var names = await this.get("a/" + authorBucket(folded, m.authorFiles) + ".json").catch(function () { return {}; });
      allowed = new Set(names[folded] || []);
    }
    var terms = await this.terms(parsed.words);
    if (terms === null || (parsed.words.length && !terms.length)) return [];
    var self = this;
    var lists = await Promise.all(terms.map(function (t) { return self.postings(t); }));
    if (lists.some(function (p) { return !p; })) return [];
    var hits = [];
    if (!lists.length) {
      if (!allowed) return [];
      allowed.forEach(function (docnum) { hits.push({ docnum: docnum, score: 0 }); });
    } else {
      var smallest = lists.reduce(function (a, b) { return a.docs.size <= b.docs.size ? a : b; });
      smallest.docs.forEach(function (_, docnum) {
        if (allowed && !allowed.has(docnum)) return;
        var score = 0;
        for (var k = 0; k < lists.length; k++) {
          var posting = lists[k].docs.get(docnum);
          if (!posting) return;
          score += bm25(lists[k].idf, posting[0], posting[1], m.avgfl, m.B, m.K1);
        }
        hits.push({ docnum: docnum, score: score });
      });
    }
    hits.sort(function (a, b) { return b.score - a.score || a.docnum - b.docnum; });
    return hits.slice(0, limit);
  };

  Searcher.prototype.doc = function (docnum) {
    return this.get("d/" + docnum + ".json");
  };

  // Words of `text` whose indexed term is one of `terms`, using only the
  // buckets already fetched for the query (word variants share them).
  Searcher.prototype.matches = async function (text, terms) {
    var wanted = new Set(terms), found = new Set();
    var list = tokens(text);
    for (var i = 0; i < list.length; i++) {
      var bucket = await this.bucket(list[i]);
      if (wanted.has(bucket.w[list[i]])) found.add(list[i]);
    }
    return found;
  };

  root.HoldspaceSearch = { Searcher: Searcher, tokens: tokens, parseQuery: parseQuery, bm25: bm25, fold: fold };
  if (typeof module !== "undefined") module.exports = root.HoldspaceSearch;

  // The search page.
  if (typeof document === "undefined") return;
  var form = document.getElementById("search-page-form");
  var out = document.getElementById("search-results");
  if (!form || !out) return;
  var base = form.getAttribute("data-index");
  var searcher = new Searcher(function (path) {
    return fetch(base + path).then(function (r) {
      if (!r.ok) throw new Error(r.status + " " + path);
      return r.json();
    });
  });

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) node.textContent = text;
    return node;
  }

  function snippet(text, found) {
    var words = text.split(/(\s+)/);
    var first = words.findIndex(function (w) { return tokens(w).some(function (t) { return found.has(t); }); });
    var start = Math.max(0, first - 20), end = Math.min(words.length, start + 60);
    var p = el("p", { "class": "snippet" });
    if (start > 0) p.appendChild(document.createTextNode("… "));
    words.slice(start, end).forEach(function (w) {
      if (tokens(w).some(function (t) { return found.has(t); })) p.appendChild(el("mark", {}, w));
      else p.appendChild(document.createTextNode(w));
    });
    if (end < words.length) p.appendChild(document.createTextNode(" …"));
    return p;
  }

  async function run(query) {
    out.textContent = "";
    var status = el("p", { "role": "status" }, "Searching…");
    out.appendChild(status);
    try {
      var hits = await searcher.rank(query, 20);
      var terms = (await searcher.terms(parseQuery(query).words)) || [];
      status.textContent = hits.length ? hits.length + (hits.length === 20 ? "+" : "") + " result" +
        (hits.length === 1 ? "" : "s") + " for “" + query + "”" : "Nothing found for “" + query + "”.";
      var list = el("ol", { "class": "search-results" });
      var docs = await Promise.all(hits.map(function (h) { return searcher.doc(h.docnum); }));
      for (var i = 0; i < hits.length; i++) {
        var d = docs[i];
        var li = el("li");
        var h = el("h2");
        var a = el("a", { href: form.getAttribute("data-site") + d.u }, d.t);
        h.appendChild(a);
        li.appendChild(h);
        var meta = el("p", { "class": "meta" },
          (d.k === "comment" ? "Comment by " + d.a : "Post by " + d.a) + " · " + d.d.slice(0, 10));
        li.appendChild(meta);
        li.appendChild(snippet(d.x, await searcher.matches(d.x, terms)));
        list.appendChild(li);
      }
      out.appendChild(list);
    } catch (e) {
      status.textContent = "Search could not load its index (" + e.message + ").";
    }
  }

  var params = new URLSearchParams(root.location.search);
  var q = params.get("q") || "";
  var input = document.getElementById("search-page-q");
  if (q) {
    input.value = q;
    document.title = q + " · " + document.title;
    run(q);
  }
})(typeof window !== "undefined" ? window : globalThis);
