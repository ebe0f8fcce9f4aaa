"""Rendered comment bodies, cached by a hash of the body and the renderer's
version, so an unchanged comment is not rendered again on the next build.

One JSON file in the cache folder (ignored by git). Entries not used by a
build are dropped when it saves, so the cache never outgrows the archive. A build
that rendered at most ``FEW`` bodies and dropped none leaves it as it was.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor

from ..archive.moves import write_atomically
from ..archive.parsecache import FEW, collector_paused

# Below this many bodies to render, worker processes cost more than they save.
PARALLEL_MIN = 400
BATCH = 200


class BodyCache:
    def __init__(self, folder: str, version: str, render: Callable[[str], str]) -> None:
        self.path = os.path.join(folder, "bodies.json")
        self._render = render
        self._salt = version.encode("utf-8") + b"\0"
        self._old: dict[str, str] = {}
        self._new: dict[str, str] = {}
        self._fresh: dict[str, str] = {}  # rendered by prefill, not yet asked for
        # The plain text of each body prefill's workers rendered, by its HTML (for the search).
        self.texts: dict[str, str] = {}
        self._keys: dict[str, str] = {}  # each body's key, as prefill made it, until ``render`` asks
        self.hits = 0
        self.misses = 0
        try:
            with open(self.path, encoding="utf-8") as f, collector_paused():
                data = json.load(f)
            if isinstance(data, dict) and data.get("version") == version:
                self._old = data.get("bodies", {})
        except (OSError, ValueError):
            pass  # no cache yet, or a damaged one: render everything
        self._version = version

    def _key(self, text: str) -> str:
        key = self._keys.pop(text, None)  # hashed by prefill already
        return self._hash(text) if key is None else key

    def _hash(self, text: str) -> str:
        return hashlib.sha256(self._salt + text.encode("utf-8")).hexdigest()  # body_key

    def prefill(
        self, texts: Iterable[str], render_batch: Callable[[list[str]], list[tuple[str, str] | None]], workers: int
    ) -> None:
        """Render the bodies not in the cache in ``workers`` processes (a first build of a
        large archive); ``render`` then finds them, and ``texts`` their plain texts, which
        ``render_batch`` makes with each. Counted as rendered, not as hits."""
        if workers < 2:
            return  # ``render`` renders them one by one; no need to hash them here first
        missing: dict[str, str] = {}
        for text in texts:
            key = self._keys.get(text)
            if key is None:
                key = self._keys[text] = self._hash(text)
            if key not in self._old and key not in self._new:
                missing.setdefault(key, text)
        if len(missing) < PARALLEL_MIN:
            return
        keys = list(missing)
        batches = [[missing[k] for k in keys[i : i + BATCH]] for i in range(0, len(keys), BATCH)]
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            results = [made for batch in pool.map(render_batch, batches) for made in batch]
        for key, made in zip(keys, results, strict=True):
            if made is not None:
                self._fresh[key], text = made
                self.texts[made[0]] = text

    def render(self, text: str) -> str:
        key = self._key(text)
        html = self._new.get(key)
        if html is None:
            html = self._old.get(key)
            if html is None:
                html = self._fresh.pop(key, None)
                if html is None:
                    html = self._render(text)
                self.misses += 1
            else:
                self.hits += 1
            self._new[key] = html
        else:
            self.hits += 1
        return html

    def save(self) -> None:
        """Write the entries this build used, atomically; skip when that is the cache as it was
        but for at most ``FEW`` bodies rendered (an approve: rendered again next time, rather
        than 20,000 written back now) and none dropped."""
        if self._old and self.misses <= FEW and not self._old.keys() - self._new.keys():
            return
        data = {"version": self._version, "bodies": self._new}
        write_atomically(self.path, lambda f: f.write(json.dumps(data, ensure_ascii=False)))


def body_key(version: str, text: str) -> str:
    """The cache's key of ``text`` (a hash: an erasure's plan may keep it)."""
    return hashlib.sha256(version.encode("utf-8") + b"\0" + text.encode("utf-8")).hexdigest()


def forget(folder: str, version: str, keys: set[str]) -> int:
    """Drop the rendered bodies with ``keys`` (``body_key``) from the cache in ``folder``
    (an erasure); how many were dropped."""
    cache = BodyCache(folder, version, lambda text: text)
    kept = {key: html for key, html in cache._old.items() if key not in keys}
    if len(kept) == len(cache._old):
        return 0
    data = {"version": version, "bodies": kept}
    write_atomically(cache.path, lambda f: f.write(json.dumps(data, ensure_ascii=False)))
    return len(cache._old) - len(kept)
