from dataclasses import dataclass

from hypothesis import given
from hypothesis import strategies as st

from holdspace.publishing.threads import NOT_SHOWN, build_thread


@dataclass
class C:
    id: str
    reply_to: str | None = None
    author: str = "A"


def chain(n):
    return [C("c0")] + [C(f"c{i}", f"c{i - 1}", author=f"name{i}") for i in range(1, n)]


def walk_ids(page):
    """(opened ids in order, nesting as parent-of mapping) from the page's steps."""
    opened, parent_of, stack = [], {}, []
    for step in page.steps():
        if step.opens:
            opened.append(step.node.item.id)
            parent_of[step.node.item.id] = stack[-1] if stack else None
            stack.append(step.node.item.id)
        else:
            assert stack.pop() == step.node.item.id
    assert stack == []
    return opened, parent_of


def test_replies_sit_under_their_parent_oldest_first():
    items = [C("a"), C("b"), C("r1", "a"), C("r2", "a"), C("rr", "r1")]
    thread = build_thread(items)
    assert [n.item.id for n in thread.roots] == ["a", "b"]
    assert [n.item.id for n in thread.by_id["a"].children] == ["r1", "r2"]
    assert [n.item.id for n in thread.by_id["r1"].children] == ["rr"]
    assert thread.count == 5
    assert [n.number for n in thread.roots] == [1, 2]
    assert thread.by_id["rr"].depth == 3


def test_newest_order_reverses_only_top_level_comments():
    items = [C("a"), C("b"), C("r1", "a"), C("r2", "a")]
    thread = build_thread(items, order="newest")
    assert [n.item.id for n in thread.roots] == ["b", "a"]
    assert [n.item.id for n in thread.by_id["a"].children] == ["r1", "r2"]
    assert [n.number for n in thread.roots] == [1, 2]


def test_pages_hold_per_page_top_level_comments_with_their_subtrees():
    items = [C(f"t{i}") for i in range(34)] + [C("reply", "t12")]
    thread = build_thread(items, per_page=10)
    assert [len(p.roots) for p in thread.pages] == [10, 10, 10, 4]
    assert thread.page_of("reply").number == 2
    assert [n.number for n in thread.pages[3].roots] == [31, 32, 33, 34]


def test_replies_deeper_than_the_limit_are_labelled_with_the_parent_name():
    thread = build_thread(chain(8), max_depth=5)
    labels = {n.item.id: n.in_reply_to for n in thread.by_id.values()}
    assert labels == {
        "c0": None, "c1": None, "c2": None, "c3": None, "c4": None,
        "c5": "name4", "c6": "name5", "c7": "name6",
    }  # fmt: skip
    _opened, parent_of = walk_ids(thread.pages[0])
    assert parent_of["c7"] == "c6"  # still nested in the page: the theme flattens it


def test_a_reply_whose_parent_is_not_published_is_shown_at_the_top():
    thread = build_thread([C("a"), C("orphan", "gone")])
    assert [n.item.id for n in thread.roots] == ["a", "orphan"]
    assert thread.by_id["orphan"].in_reply_to == NOT_SHOWN


def test_an_empty_thread_has_one_empty_page():
    thread = build_thread([])
    assert thread.count == 0 and len(thread.pages) == 1 and thread.pages[0].roots == []


def test_a_very_deep_chain_is_walked_without_recursion():
    thread = build_thread(chain(5000))
    opened, parent_of = walk_ids(thread.pages[0])
    assert len(opened) == 5000 and parent_of["c4999"] == "c4998"


@st.composite
def forests(draw):
    n = draw(st.integers(min_value=0, max_value=60))
    items = []
    for i in range(n):
        parent = draw(st.one_of(st.none(), st.integers(min_value=0, max_value=i - 1))) if i else None
        items.append(C(f"c{i}", None if parent is None else f"c{parent}"))
    return items


@given(forests(), st.integers(min_value=1, max_value=7), st.sampled_from(["oldest", "newest"]))
def test_thread_properties(items, per_page, order):
    thread = build_thread(items, order=order, per_page=per_page, max_depth=3)
    seen = []
    for page in thread.pages:
        opened, parent_of = walk_ids(page)
        seen += opened
        for item_id, parent in parent_of.items():
            reply_to = thread.by_id[item_id].item.reply_to
            # a reply is inside its parent's element, on the same page
            assert parent == reply_to
            assert thread.by_id[item_id].page == page.number
    # every comment exactly once
    assert sorted(seen) == sorted(c.id for c in items)
    tops = sum(1 for c in items if c.reply_to is None)
    # every page but the last holds exactly per_page top-level comments
    assert [len(p.roots) for p in thread.pages[:-1]] == [per_page] * (len(thread.pages) - 1)
    assert 0 < len(thread.pages[-1].roots) <= per_page or tops == 0
    numbers = [n.number for p in thread.pages for n in p.roots]
    assert numbers == list(range(1, tops + 1))


def test_a_thread_signature_changes_with_anything_shown_and_only_then():
    """The page keys (glue/pagereuse) rest on it: every field of every comment, where the
    fields end, the tree and the pages count; equal threads made of other string objects
    sign alike (marshal's format 2 has no references back)."""
    from dataclasses import fields, replace
    from datetime import UTC, datetime

    from holdspace.publishing.published import PublishedComment

    def comment(cid: str, reply_to: str | None = None, **changed: object) -> PublishedComment:
        base = PublishedComment(cid, "Mira", datetime(2025, 1, 2, 10, 0, tzinfo=UTC), "https://example.org/",
                                reply_to, "<p>Words.</p>", "/avatars/a.svg")  # fmt: skip
        return replace(base, **changed)

    def signed(*items: PublishedComment, per_page: int = 50) -> str:
        return build_thread(list(items), per_page=per_page).signature()

    base = signed(comment("a"), comment("b", "a"))
    copy = [comment("a", author="".join(["Mi", "ra"])), comment("b", "a", body="".join(["<p>Words.", "</p>"]))]
    assert signed(*copy) == base  # other objects, same text
    changes = {"author": "Noor", "date": datetime(2025, 1, 2, 10, 1, tzinfo=UTC), "website": None,
               "reply_to": "x", "body": "<p>Words!</p>", "avatar": None, "staff": True, "crisis": True,
               "removed": "a moderator"}  # fmt: skip
    assert set(changes) == {f.name for f in fields(PublishedComment)} - {"id"}  # every field is tried
    signatures = {base, signed(comment("a"), comment("c", "a"))}  # the id
    for name, value in changes.items():
        changed = comment("b", value) if name == "reply_to" else comment("b", "a", **{name: value})
        signatures.add(signed(comment("a"), changed))
    signatures.add(signed(comment("a"), comment("b")))  # the tree: b no longer a reply
    assert signed(comment("a"), comment("b", "a"), per_page=1) == base  # b is a reply: one page all the same
    signatures.add(signed(comment("a"), comment("b"), per_page=1))  # two pages
    moved = comment("b", "a", body="<p>Words.</p>/avatars", avatar="/a.svg")  # where body ends and avatar begins
    signatures.add(signed(comment("a"), moved))
    assert len(signatures) == 2 + len(changes) + 3  # each one differs from every other
