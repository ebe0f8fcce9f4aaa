"""The reply tree of one thread, numbered and cut into pages.

Pure: works on any items with ``id``, ``reply_to`` and ``date`` (and
``author`` for "in reply to" labels). The tree is built in linear time from
the items, which come sorted by date; a page holds ``per_page`` top-level
comments, each with all its replies.
"""

from __future__ import annotations

import hashlib
import marshal
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol


class Item(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def reply_to(self) -> str | None: ...
    @property
    def author(self) -> str: ...


@dataclass
class Node:
    item: Any
    depth: int  # 1 for a top-level comment
    children: list[Node] = field(default_factory=list)
    number: int | None = None  # top-level comments: 1, 2, 3 ... across pages
    # Shown as "in reply to <name>": replies drawn at the last level, and
    # replies whose parent is not published (they are drawn at the top).
    in_reply_to: str | None = None
    page: int = 1


@dataclass
class Step:
    """One step of an iterative walk: open a node's element, or close it."""

    node: Node
    opens: bool


@dataclass
class Page:
    number: int
    roots: list[Node]
    url: str = ""
    save_as: str = ""

    def signature(self) -> list[Any]:
        """The page's place; its comments are in its thread's signature."""
        return [self.number, self.url, self.save_as]

    def steps(self) -> Iterator[Step]:
        """Walk the page's comments depth-first without recursion (any depth is fine)."""
        stack: list[tuple[Node, bool]] = [(node, True) for node in reversed(self.roots)]
        while stack:
            node, opens = stack.pop()
            yield Step(node, opens)
            if opens:
                stack.append((node, False))
                stack.extend((child, True) for child in reversed(node.children))


@dataclass
class Thread:
    roots: list[Node]
    pages: list[Page]
    count: int  # every comment, replies included (not the places of removed ones)
    by_id: dict[str, Node]

    def page_of(self, comment_id: str) -> Page:
        return self.pages[self.by_id[comment_id].page - 1]

    def permalink(self, comment_id: str) -> str:
        """The comment on its page: ``<page url>#comment-<id>``, relative to the site."""
        return f"{self.page_of(comment_id).url}#comment-{comment_id}"

    def signature(self) -> str:
        """A hash of everything the thread shows (``pagereuse``): each page's comments in
        the order they are drawn. Linear in the comments. An item may describe itself
        with a ``signature()`` method, a tuple of plain values (faster than its ``repr``).
        The rows are marshalled in format 2, which has no references back to an object met
        before (format 3 refers to a string seen twice when it is the same object), so equal
        rows give equal bytes; each value is written with its type and length, so where
        one ends is part of them, as in a ``repr``."""
        rows: list[Any] = [self.count]
        for page in self.pages:
            rows.append(("page", page.number, page.url, page.save_as))
            for s in page.steps():
                item, node = s.node.item, s.node
                if not s.opens:  # the end of a comment and its replies, drawn when it was opened
                    rows.append(("end", item.id))
                    continue
                shown = item.signature() if hasattr(item, "signature") else repr(item)
                rows.append((shown, node.depth, node.number, node.in_reply_to))
        return hashlib.sha256(marshal.dumps(rows, 2)).hexdigest()


NOT_SHOWN = "a comment that is not shown"
REMOVED = "a removed comment"  # the place of a removed comment (an item with ``removed`` set) has no author


def build_thread(items: Sequence[Item], order: str = "oldest", max_depth: int = 5, per_page: int = 50) -> Thread:
    """Tree, numbering and pages for ``items`` (sorted oldest first)."""
    by_id: dict[str, Node] = {}
    roots: list[Node] = []
    for item in items:
        by_id[item.id] = Node(item, depth=1)
    for item in items:
        node = by_id[item.id]
        parent = by_id.get(item.reply_to) if item.reply_to else None
        if parent is None:
            if item.reply_to:  # the parent was held back or is missing
                node.in_reply_to = NOT_SHOWN
            roots.append(node)
        else:
            parent.children.append(node)
    if order == "newest":
        roots.reverse()

    pages: list[Page] = []
    for index, root in enumerate(roots):
        root.number = index + 1
        page_number = index // per_page + 1
        if page_number > len(pages):
            pages.append(Page(page_number, []))
        pages[-1].roots.append(root)
        # Depths, pages and labels of the subtree, iteratively.
        stack = [root]
        while stack:
            node = stack.pop()
            node.page = page_number
            for child in node.children:
                child.depth = node.depth + 1
                if child.depth > max_depth:
                    child.in_reply_to = node.item.author or REMOVED
                stack.append(child)
    if not pages:
        pages.append(Page(1, []))
    shown = sum(1 for node in by_id.values() if not getattr(node.item, "removed", ""))
    return Thread(roots=roots, pages=pages, count=shown, by_id=by_id)
