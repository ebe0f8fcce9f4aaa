"""Index the same documents with each Whoosh fork, each in its own virtual environment.

    python bench/whoosh_forks.py EXPORT_FOLDER [--forks whoosh3==3.54.0 whoosh-ng==5.4.0]

EXPORT_FOLDER is a built site's output/search/data (its r/*.json hold the
documents' plain text). Each fork indexes them with a stemming analyzer into a
fresh folder; the time and the index size are printed as a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

INDEXER = r"""
import json, os, sys, time
from pathlib import Path
from whoosh import index
from whoosh.analysis import StemmingAnalyzer
from whoosh.fields import ID, TEXT, Schema
packs = sorted(Path(sys.argv[1]).glob("r/*.json"), key=lambda p: int(p.stem))  # the results, a few to a file
texts = [d["x"] for p in packs for d in json.loads(p.read_text(encoding="utf-8"))]
folder = sys.argv[2]
os.makedirs(folder, exist_ok=True)
ix = index.create_in(folder, Schema(id=ID(unique=True, stored=True), content=TEXT(analyzer=StemmingAnalyzer())))
start = time.perf_counter()
w = ix.writer()
for i, text in enumerate(texts):
    w.add_document(id=str(i), content=text)
w.commit()
seconds = time.perf_counter() - start
size = sum(p.stat().st_size for p in Path(folder).iterdir())
print(json.dumps({"docs": len(texts), "seconds": seconds, "bytes": size}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("export")
    parser.add_argument("--forks", nargs="+", default=["whoosh3==3.54.0", "whoosh-ng==5.4.0"])
    parser.add_argument("--work", default=str(Path(__file__).resolve().parent / ".work"))
    args = parser.parse_args()
    print("| fork | documents | index time | index size |\n| --- | --- | --- | --- |")
    for fork in args.forks:
        venv = Path(args.work) / f"venv-{fork.replace('==', '-')}"
        if not (venv / "bin" / "python").exists():
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
            subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", fork], check=True)
        with tempfile.TemporaryDirectory() as folder:
            out = subprocess.run([str(venv / "bin" / "python"), "-c", INDEXER, args.export, folder],
                                 check=True, capture_output=True, text=True).stdout  # fmt: skip
        r = json.loads(out)
        print(f"| {fork} | {r['docs']} | {r['seconds']:.1f} s | {r['bytes'] / 2**20:.1f} MB |")


if __name__ == "__main__":
    main()
