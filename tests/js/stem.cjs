// search.js's copy of Whoosh's Porter stemmer and analyzer, for the parity tests:
// node stem.cjs <words.json>  ->  JSON [[the analysed terms of each text], ...]
"use strict";
const fs = require("fs");
const path = require("path");
const search = require(path.join(__dirname, "..", "..", "plugins", "holdspace", "static", "js", "search.js"));

const [file, stopFile] = process.argv.slice(2);
const texts = JSON.parse(fs.readFileSync(file, "utf8"));
const stop = new Set(JSON.parse(fs.readFileSync(stopFile, "utf8")));
process.stdout.write(JSON.stringify(texts.map((t) => search.analyze(t, stop))));
