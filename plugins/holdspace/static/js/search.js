// Holdspace search: ranks the archive exactly as the Whoosh index built at
// compile time does (BM25F over the analysed words, ties by document number),
// fetching only the small files a query needs. No dependencies, no other host.
(function (root) {
  "use strict";

  // Whoosh's default tokenizer, \w+(\.?\w+)* with Python's Unicode \w.
  var TOKEN = /[\p{L}\p{N}_]+(?:\.?[\p{L}\p{N}_]+)*/gu;
  var MIN_SIZE = 2; // Whoosh's StopFilter drops shorter words
  var FORMAT = 7; // the export's layout this script reads (holdspace.search.export.FORMAT)

  function tokens(text) {
    return (text.match(TOKEN) || []).map(function (t) { return t.toLowerCase(); });
  }

  // Whoosh's Porter stemmer (whoosh.lang.porter.stem), ported line by line, its
  // quirks included (its step 1b "double consonant" and "at|bl|iz" tests match
  // only a whole two-letter word, so "padding" stems to "padd"). Strings are
  // handled as code points, as Python does.
  var STEP2 = { ational: "ate", tional: "tion", enci: "ence", anci: "ance", izer: "ize", bli: "ble", alli: "al",
    entli: "ent", eli: "e", ousli: "ous", ization: "ize", ation: "ate", ator: "ate", alism: "al", iveness: "ive",
    fulness: "ful", ousness: "ous", aliti: "al", iviti: "ive", biliti: "ble", logi: "log" };
  var STEP3 = { icate: "ic", ative: "", alize: "al", iciti: "ic", ical: "ic", ful: "", ness: "" };
  var C_SEQ = "[^aeiouy]+", V_SEQ = "[aeiou]+", VOWEL = "[aeiouy]";
  var MGR0 = new RegExp("^(" + C_SEQ + ")?" + V_SEQ + C_SEQ, "u");
  var MEQ1 = new RegExp("^(" + C_SEQ + ")?" + V_SEQ + C_SEQ + "(" + V_SEQ + ")?$", "u");
  var MGR1 = new RegExp("^(" + C_SEQ + ")?" + V_SEQ + C_SEQ + V_SEQ + C_SEQ, "u");
  var S_V = new RegExp("^(" + C_SEQ + ")?" + VOWEL, "u");
  var C_V = new RegExp("^" + C_SEQ + VOWEL + "[^aeiouwxy]$", "u");
  var ED_ING = /^([\s\S]*)(ed|ing)$/u;
  var AT_BL_IZ = /^(at|bl|iz)$/u;
  var STEP1B = /^([^aeiouylsz])\1$/u;
  var RE2 = new RegExp("^([\\s\\S]+?)(" + Object.keys(STEP2).join("|") + ")$", "u");
  var RE3 = new RegExp("^([\\s\\S]+?)(" + Object.keys(STEP3).join("|") + ")$", "u");
  var RE4_1 = /^([\s\S]+?)(al|ance|ence|er|ic|able|ible|ant|ement|ment|ent|ou|ism|ate|iti|ous|ive|ize)$/u;
  var RE4_2 = /^([\s\S]+?)(s|t)(ion)$/u;
  var RE5 = /^([\s\S]+?)e$/u;

  function drop(w, n) { var cp = Array.from(w); return cp.slice(0, cp.length - n).join(""); }
  function ends(w, s) { return w.slice(-s.length) === s && w.length >= s.length; }

  function stem(w) {
    var cp = Array.from(w);
    if (cp.length < 3) return w;
    var firstIsY = cp[0] === "y";
    if (firstIsY) w = "Y" + cp.slice(1).join("");
    if (ends(w, "s")) {
      if (ends(w, "sses")) w = drop(w, 2);
      else if (ends(w, "ies")) w = drop(w, 2);
      else { var c2 = Array.from(w); if (c2[c2.length - 2] !== "s") w = drop(w, 1); }
    }
    var m, st;
    if (ends(w, "eed")) {
      if (MGR0.test(drop(w, 3))) w = drop(w, 1);
    } else if ((m = ED_ING.exec(w))) {
      st = m[1];
      if (S_V.test(st)) {
        w = st;
        if (AT_BL_IZ.test(w)) w += "e";
        else if (STEP1B.test(w)) w = drop(w, 1);
        else if (C_V.test(w)) w += "e";
      }
    }
    if (ends(w, "y")) {
      st = drop(w, 1);
      if (S_V.test(st)) w = st + "i";
    }
    if ((m = RE2.exec(w)) && MGR0.test(m[1])) w = m[1] + STEP2[m[2]];
    if ((m = RE3.exec(w)) && MGR0.test(m[1])) w = m[1] + STEP3[m[2]];
    if ((m = RE4_1.exec(w))) {
      if (MGR1.test(m[1])) w = m[1];
    } else if ((m = RE4_2.exec(w))) {
      st = m[1] + m[2];
      if (MGR1.test(st)) w = st;
    }
    if ((m = RE5.exec(w))) {
      st = m[1];
      if (MGR1.test(st) || (MEQ1.test(st) && !C_V.test(st))) w = st;
    }
    if (ends(w, "ll") && MGR1.test(w)) w = drop(w, 1);
    if (firstIsY) w = "y" + Array.from(w).slice(1).join("");
    return w;
  }

  // The content field's analyzer: Whoosh's StemmingAnalyzer (tokenize, lower-case,
  // drop stop words and one-letter words, stem).
  function analyze(text, stop) {
    return tokens(text).filter(function (t) {
      return Array.from(t).length >= MIN_SIZE && !stop.has(t);
    }).map(stem);
  }

  // Words mean AND; author:Name or author:"Two words" filters (as holdspace.search.query.parse_query).
  var AUTHOR = /(?:^|\s)author:(?:"([^"]*)"|(\S+))/i;
  function parseQuery(query) {
    var author = null, m = AUTHOR.exec(query);
    if (m && (m[1] || m[2])) {
      author = (m[1] !== undefined ? m[1] : m[2]).trim() || null;
      query = query.slice(0, m.index) + " " + query.slice(m.index + m[0].length);
    }
    return { words: query.split(/\s+/).filter(Boolean), author: author };
  }

  // A pseudonym as the index keys it: NFKC, lower-cased, spaces collapsed
  // (holdspace.search.query.author_key; lower-casing is the same in both languages).
  function authorKey(name) {
    return name.normalize("NFKC").toLowerCase().split(/\s+/).filter(Boolean).join(" ");
  }

  // FNV-1a of the UTF-8 bytes, as holdspace.search.buckets.author_bucket.
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
    if (m.format !== FORMAT) throw new Error("the index is of another version of the site: reload the page");
    if (!m.index) {
      m.index = {};
      // s/<i>.json holds the buckets of the prefixes m.buckets[i] lists, between spaces.
      m.buckets.forEach(function (prefixes, i) { prefixes.split(" ").forEach(function (p) { m.index[p] = i; }); });
      m.stopSet = new Set(m.stop);
    }
    return m;
  };

  // The file of a word's or term's bucket: its longest listed prefix's.
  Searcher.prototype.bucket = async function (key) {
    var m = await this.manifest();
    var chars = Array.from(key);
    for (var n = Math.min(chars.length, m.maxPrefix); n > 0; n--) {
      var prefix = chars.slice(0, n).join("");
      if (prefix in m.index) return this.get("s/" + m.index[prefix] + ".json");
    }
    return { w: {}, t: {} };
  };

  // The indexed terms of the query's words, analysed here exactly as Whoosh
  // analysed the archive.
  Searcher.prototype.terms = async function (words) {
    var m = await this.manifest();
    return analyze(words.join(" "), m.stopSet);
  };

  // A term's documents and idf. The bucket holds its document frequency as Whoosh
  // counts it; idf is Whoosh's: log(N / (df + 1)) + 1, N counting deleted documents
  // not yet merged away, as Whoosh does.
  Searcher.prototype.postings = async function (term) {
    var m = await this.manifest();
    var bucket = await this.bucket(term);
    var entry = bucket.t[term];
    if (!entry) return null;
    var map = new Map(), docnum = 0;
    for (var i = 0; i < entry[1].length; i++) {
      docnum += entry[1][i];
      map.set(docnum, [entry[2][i], entry[3][i]]);
    }
    return { idf: Math.log(m.N / (entry[0] + 1)) + 1, docs: map };
  };

  // [{docnum, score}] best first, at most `limit`.
  Searcher.prototype.rank = async function (query, limit) {
    var m = await this.manifest();
    var parsed = parseQuery(query);
    var allowed = null;
    if (parsed.author) {
      var folded = authorKey(parsed.author);
      var names = await this.get("a/" + authorBucket(folded, m.authorFiles) + ".json").catch(function () { return {}; });
      allowed = new Set(names[folded] || []);
    }
    var terms = await this.terms(parsed.words);
    if (parsed.words.length && !terms.length) return [];
    var self = this;
    var lists = await Promise.all(terms.map(function (t) { return self.postings(t); }));
    if (lists.some(function (p) { return !p; })) return [];
    var hits = [];
    if (!lists.length) {
      if (!allowed) return [];
      allowed.forEach(function (docnum) { hits.push({ docnum: docnum, score: 1 }); });
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

  // What a result shows: its document in its file, docsPerFile to a file in the order of their numbers.
  Searcher.prototype.doc = async function (docnum) {
    var m = await this.manifest();
    var pack = await this.get("r/" + Math.floor(docnum / m.docsPerFile) + ".json");
    return pack[docnum % m.docsPerFile];
  };

  // The words of `text` (lower-cased) whose indexed term is one of `terms`: no fetching.
  Searcher.prototype.matches = async function (text, terms) {
    var m = await this.manifest();
    var wanted = new Set(terms), found = new Set();
    tokens(text).forEach(function (t) {
      if (Array.from(t).length >= MIN_SIZE && !m.stopSet.has(t) && wanted.has(stem(t))) found.add(t);
    });
    return found;
  };

  root.HoldspaceSearch = { Searcher: Searcher, tokens: tokens, stem: stem, analyze: analyze, parseQuery: parseQuery,
    bm25: bm25, authorKey: authorKey };
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
      var terms = await searcher.terms(parseQuery(query).words);
      var list = el("ol", { "class": "search-results" });
      var docs = await Promise.all(hits.map(function (h) { return searcher.doc(h.docnum); }));
      for (var i = 0; i < hits.length; i++) {
        var d = docs[i];
        var li = el("li");
        var h = el("h2");
        var a = el("a", { href: form.getAttribute("data-site") + d.u }, d.t);
        h.appendChild(a);
        li.appendChild(h);
        // The date as the site's pages write it, from the build (d.s); d.d, ISO, for machines.
        var meta = el("p", { "class": "meta" }, d.k === "comment" ? "Comment by " : "Post by ");
        meta.appendChild(el("bdi", {}, d.a));  // a right-to-left name keeps to itself: the date stays after it
        meta.appendChild(document.createTextNode(" · "));
        meta.appendChild(el("time", { datetime: d.d }, d.s));
        li.appendChild(meta);
        if (d.w) {  // a post, or a comment on one, behind a content warning: the warning, not the words
          li.appendChild(el("p", { "class": "snippet content-warning-note" }, "Content warning: " + d.w + "."));
        } else {
          li.appendChild(snippet(d.x, await searcher.matches(d.x, terms)));
        }
        list.appendChild(li);
      }
      out.appendChild(list);
      status.textContent = hits.length ? hits.length + (hits.length === 20 ? "+" : "") + " result" +
        (hits.length === 1 ? "" : "s") + " for “" + query + "”" : "Nothing found for “" + query + "”.";
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
