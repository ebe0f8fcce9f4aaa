from holdspace.publishing.bodycache import BodyCache


class Counting:
    def __init__(self):
        self.calls = []

    def __call__(self, text):
        self.calls.append(text)
        return f"<p>{text}</p>"


def test_an_unchanged_body_is_not_rendered_again(tmp_path):
    first = Counting()
    cache = BodyCache(str(tmp_path), "v1", first)
    assert cache.render("a") == "<p>a</p>"
    assert cache.render("a") == "<p>a</p>"
    assert first.calls == ["a"]
    cache.save()

    second = Counting()
    cache = BodyCache(str(tmp_path), "v1", second)
    assert cache.render("a") == "<p>a</p>"
    assert cache.render("b") == "<p>b</p>"
    assert second.calls == ["b"]
    assert (cache.hits, cache.misses) == (1, 1)


def test_a_new_renderer_version_renders_everything_again(tmp_path):
    cache = BodyCache(str(tmp_path), "v1", Counting())
    cache.render("a")
    cache.save()
    again = Counting()
    BodyCache(str(tmp_path), "v2", again).render("a")
    assert again.calls == ["a"]


def test_entries_no_build_used_are_dropped(tmp_path):
    cache = BodyCache(str(tmp_path), "v1", Counting())
    cache.render("old")
    cache.save()
    cache = BodyCache(str(tmp_path), "v1", Counting())
    cache.render("new")
    cache.save()
    third = Counting()
    cache = BodyCache(str(tmp_path), "v1", third)
    cache.render("old")
    assert third.calls == ["old"]


def test_a_damaged_cache_file_is_ignored(tmp_path):
    (tmp_path / "bodies.json").write_text("{not json", encoding="utf-8")
    render = Counting()
    assert BodyCache(str(tmp_path), "v1", render).render("a") == "<p>a</p>"
    assert render.calls == ["a"]


def test_bodies_rendered_in_worker_processes_are_the_ones_rendered_here(tmp_path, monkeypatch):
    from holdspace.publishing import bodycache
    from holdspace.publishing.markup import CommentRenderer, render_batch
    from holdspace.publishing.plaintext import as_text

    monkeypatch.setattr(bodycache, "PARALLEL_MIN", 2)
    monkeypatch.setattr(bodycache, "BATCH", 3)
    texts = [f"Comment {i} with *emphasis*, a [link](https://example.org/{i}) and\n\n> a quote" for i in range(10)]
    here = Counting()
    cache = BodyCache(str(tmp_path), "v1", here)
    hashed = []
    sha256 = bodycache.hashlib.sha256
    monkeypatch.setattr(bodycache.hashlib, "sha256", lambda data: hashed.append(data) or sha256(data))
    cache.prefill(texts + texts[:2], render_batch, workers=2)
    renderer = CommentRenderer()
    assert [cache.render(t) for t in texts] == [renderer.render(t) for t in texts]
    assert len(hashed) == 10  # each of the 10 texts hashed once, by prefill: render takes its key
    assert here.calls == []  # every body came from the workers
    assert (cache.misses, cache.hits) == (10, 0)
    # each with its plain text, for the search, made by the workers as the search makes it
    assert cache.texts == {renderer.render(t): as_text(renderer.render(t)) for t in texts} and len(cache.texts) == 10


def test_a_body_that_fails_in_a_worker_is_rendered_here_and_fails_here(tmp_path, monkeypatch):
    from holdspace.publishing import bodycache

    monkeypatch.setattr(bodycache, "PARALLEL_MIN", 1)
    here = Counting()
    cache = BodyCache(str(tmp_path), "v1", here)
    cache.prefill(["ok", "bad"], _fails_on_bad, workers=2)
    assert cache.render("ok") == "<b>ok</b>"
    assert cache.render("bad") == "<p>bad</p>" and here.calls == ["bad"]


def _fails_on_bad(texts):
    return [None if t == "bad" else (f"<b>{t}</b>", t) for t in texts]


def test_a_few_new_bodies_leave_the_file_as_it_was(tmp_path, monkeypatch):
    """An approve renders one body: the build does not write every other back for it (it is
    rendered again next time); more than ``FEW`` new ones, or one gone, are written."""
    from holdspace.publishing import bodycache

    monkeypatch.setattr(bodycache, "FEW", 2)
    cache = BodyCache(str(tmp_path), "v1", Counting())
    for text in ("a", "b", "c"):
        cache.render(text)
    cache.save()
    written = (tmp_path / "bodies.json").read_bytes()
    for new in (["d"], ["d", "e"]):
        cache = BodyCache(str(tmp_path), "v1", Counting())
        for text in ("a", "b", "c", *new):
            cache.render(text)
        cache.save()
        assert (tmp_path / "bodies.json").read_bytes() == written
    third = Counting()
    cache = BodyCache(str(tmp_path), "v1", third)
    for text in ("a", "b", "c", "d", "e", "f"):
        cache.render(text)
    cache.save()
    assert third.calls == ["d", "e", "f"] and (tmp_path / "bodies.json").read_bytes() != written
    cache = BodyCache(str(tmp_path), "v1", Counting())
    cache.render("a")  # b to f gone
    cache.save()
    fourth = Counting()
    cache = BodyCache(str(tmp_path), "v1", fourth)
    for text in ("a", "b"):
        cache.render(text)
    assert fourth.calls == ["b"]
