"""The one split of a Key: value header from its body, and the one join. A table of exact outputs."""

import random

import pytest

from holdspace.archive.header import head, join, split


@pytest.mark.parametrize(
    ("text", "header", "body", "body_line", "blank_line"),
    [
        ("A: 1\nB: 2\n\nBody.\n", [(1, "A: 1"), (2, "B: 2")], "Body.", 4, 3),
        ("A: 1\r\nB: 2\r\n\r\nBody.\r\n", [(1, "A: 1"), (2, "B: 2")], "Body.", 4, 3),
        ("A: 1\r\rBody.", [(1, "A: 1")], "Body.", 3, 2),
        ("A: 1\n\n\n\nLate body.\nSecond line.", [(1, "A: 1")], "Late body.\nSecond line.", 5, 2),
        ("A: 1\n   \nBody.", [(1, "A: 1")], "Body.", 3, 2),  # a line of spaces is blank
        ("A: 1\nB: 2", [(1, "A: 1"), (2, "B: 2")], "", 4, 3),  # no blank line: all header, no body
        ("\nNo header.", [], "No header.", 2, 1),
        ("", [], "", 2, 1),
    ],
)
def test_split(text, header, body, body_line, blank_line):
    part = split(text)
    assert (part.header, part.body, part.body_line, part.blank_line) == (header, body, body_line, blank_line)
    assert head(text) == header


def test_head_is_split_s_header_alone():
    pieces = ["A: 1", "B", " ", "\t", "\u2003", "\x0c", "\n", "\r\n", "\r", "\ufeff", "Body."]
    rng = random.Random(7)
    for _ in range(20_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(12)))
        assert head(text) == split(text).header, repr(text)


def test_join_then_split_gives_the_same_back():
    text = join(["Author: Ana", "Email: ana@example.org"], "\n  Hello.\n\n")
    assert text == "Author: Ana\nEmail: ana@example.org\n\nHello.\n"
    part = split(text)
    assert [line for _, line in part.header] == ["Author: Ana", "Email: ana@example.org"] and part.body == "Hello."
