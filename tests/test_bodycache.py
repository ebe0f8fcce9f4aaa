from holdspace.bodycache import BodyCache


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
