// Runs search.js's ranking in Node on an exported index folder, for the parity
// test: node rank.cjs <index folder> <queries.json>  ->  JSON [[[docnum, score], ...], ...]
"use strict";
const fs = require("fs");
const path = require("path");
const search = require(path.join(__dirname, "..", "..", "plugins", "holdspace", "static", "js", "search.js"));

const [folder, queriesFile] = process.argv.slice(2);
const queries = JSON.parse(fs.readFileSync(queriesFile, "utf8"));
const searcher = new search.Searcher(async (p) => JSON.parse(fs.readFileSync(path.join(folder, p), "utf8")));

(async () => {
  const out = [];
  for (const q of queries) {
    const hits = await searcher.rank(q, 10);
    out.push(hits.map((h) => [h.docnum, h.score]));
  }
  process.stdout.write(JSON.stringify(out));
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
