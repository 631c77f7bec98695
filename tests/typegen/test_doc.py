"""The prettier-style document printer.

Expected layouts were produced by prettier 3.5.3's own ``printDocToString``
on the same documents (built with ``prettier.doc.builders``).
"""

from __future__ import annotations

import pytest

from pgdrift.typegen.doc import (
    BREAK_PARENT,
    HARDLINE,
    LINE,
    SOFTLINE,
    Align,
    Doc,
    Group,
    IfBreak,
    Indent,
    IndentIfBreak,
    get_string_width,
    join,
    print_doc,
)


def union_prop(n: int) -> Doc:
    """``k: A...A | null`` the way prettier builds a property with a union type."""
    return Group(
        [
            "k: ",
            Group(Indent([IfBreak([LINE, "| "]), Align(2, "A" * n), LINE, "| ", Align(2, "null")])),
        ]
    )


def array(items: list[str]) -> Doc:
    return Group(["[", Indent([SOFTLINE, *join([",", LINE], items), IfBreak(",")]), SOFTLINE, "]"])


def test_group_fits_at_80_breaks_at_81() -> None:
    assert print_doc(Group(["x" * 70, LINE, "y" * 9])) == "x" * 70 + " " + "y" * 9
    assert print_doc(Group(["x" * 70, LINE, "y" * 10])) == "x" * 70 + "\n" + "y" * 10


def test_union_property_boundary() -> None:
    assert print_doc(union_prop(70)) == "k: " + "A" * 70 + " | null"
    # One column more: the key line ends after ":" (trailing space trimmed).
    assert print_doc(union_prop(71)) == "k:\n  | " + "A" * 71 + "\n  | null"


def test_if_break_picks_by_group_mode() -> None:
    assert print_doc(Group(["x" * 78, IfBreak("!", "?"), SOFTLINE, "z"])) == "x" * 78 + "?z"
    assert print_doc(Group(["x" * 78, IfBreak("!", "?"), SOFTLINE, "zz"])) == "x" * 78 + "!\nzz"


def test_fits_counts_what_follows_up_to_the_next_line() -> None:
    items = ['"' + "a" * 35 + '"', '"' + "b" * 36 + '"']
    # 79 columns, then the "," after the group still fits ...
    assert print_doc([array(items), ","]) == "[" + ", ".join(items) + "],"
    items[0] = '"' + "a" * 36 + '"'
    assert print_doc([array(items), ","]) == "[\n  " + ",\n  ".join(items) + ",\n],"


def test_softline_indent_hardline_and_trim() -> None:
    assert print_doc(Group(["a", Indent([SOFTLINE, "b"]), SOFTLINE, "c", HARDLINE, "d"])) == (
        "a\n  b\nc\nd"
    )
    assert print_doc(["a   ", HARDLINE, "b"]) == "a\nb"
    assert (
        print_doc(Group(["f(", Indent([SOFTLINE, "x   "]), SOFTLINE, ")"]), width=3) == "f(\n  x\n)"
    )


def test_break_parent_propagates_through_groups() -> None:
    inner = Group(["a", LINE, "b", BREAK_PARENT])
    outer = Group(["x", LINE, inner, LINE, "y"])
    assert inner.brk and outer.brk
    assert print_doc(outer) == "x\na\nb\ny"
    forced = Group(["{", Indent([LINE, "a: 1"]), LINE, "}"], should_break=True)
    assert print_doc(Group(["k: ", forced, " | null"])) == "k: {\n  a: 1\n} | null"


def test_broken_child_object_and_suffix() -> None:
    obj = Group(["{", Indent([LINE, "a: " + "x" * 70]), LINE, "}"])
    assert print_doc(["(", obj, ")[]"]) == "({\n  a: " + "x" * 70 + "\n})[]"
    short = Group(
        ["{", Indent([LINE, join([IfBreak("", ";"), LINE], ["a: 1", "b: 2"])]), LINE, "}"]
    )
    assert print_doc(short) == "{ a: 1; b: 2 }"


def test_intersection_breaks_inner_group_first() -> None:
    doc = Group([Group(["aaa", LINE, "bbb"]), " & ", '"' + "m" * 80 + '"'])
    assert print_doc(doc) == 'aaa\nbbb & "' + "m" * 80 + '"'


def test_indent_if_break_follows_the_named_group() -> None:
    gid = object()

    def prop(key: str, value: str) -> Doc:
        return Group([key + ":", Group(Indent(LINE), id=gid), IndentIfBreak(array([value]), gid)])

    v70 = '"' + "v" * 70 + '"'
    assert print_doc(prop("key", v70)) == "key: [" + v70 + "]"
    # "key: [" still fits, so the value breaks instead of moving down.
    assert print_doc(prop("k" * 76, '"v"')) == "k" * 76 + ': [\n  "v",\n]'


@pytest.mark.parametrize(
    ("text", "width"),
    [
        ("", 0),
        ("abc", 3),
        ("a\x7fb", 3),  # prettier's ASCII fast path covers 0x20-0x7F
        ("é\x7f", 1),  # ... but not once other text forces the slow path
        ("tab\there", 7),  # control characters count 0
        ("日本語", 6),
        ("ｱ", 1),  # halfwidth katakana
        ("\uff21", 2),  # fullwidth A
        ("\u3000", 2),  # ideographic space
        ("e\u0301", 1),  # combining acute
        ("😀", 2),
        ("👍🏽", 2),  # emoji + skin tone: one emoji
        ("👨\u200d👩\u200d👧\u200d👦", 2),  # ZWJ family
        ("🇫🇷", 2),  # flag
        ("1\ufe0f\u20e3", 2),  # keycap
        ("©", 2),  # text-style emoji still matches prettier's emoji regex
        ("™x", 3),
        ("♒\ufe0f", 2),
        ("⏩\ufe0f", 3),  # no emoji sequence: wide ⏩ plus a narrow selector
        ("☺", 2),
        ("\u2764\ufe0f", 2),
        ("ǅ", 1),
        ("\U0001f93c\U0001f3fd", 2),  # wrestlers + skin tone, not in RGI
    ],
)
def test_string_width(text: str, width: int) -> None:
    assert get_string_width(text) == width


def test_wide_characters_in_layout() -> None:
    assert print_doc(Group(["日本語" * 13, LINE, "x"])) == "日本語" * 13 + " x"
    assert print_doc(Group(["日本語" * 13, LINE, "xy"])) == "日本語" * 13 + "\nxy"
    assert print_doc(Group(["😀" * 39, LINE, "a"])) == "😀" * 39 + " a"
    assert print_doc(Group(["😀" * 39, LINE, "ab"])) == "😀" * 39 + "\nab"
    assert print_doc(Group(["é" * 78, LINE, "é"])) == "é" * 78 + " é"


def test_deep_nesting_does_not_recurse() -> None:
    doc: Doc = "x"
    for _ in range(3_000):
        doc = Group(["(", Indent([SOFTLINE, doc]), SOFTLINE, ")"])
    out = print_doc(doc)
    assert out.count("(") == 3_000
    assert out.startswith("(\n  (\n    (")


def test_large_document_is_fast() -> None:
    members = [
        Group(
            [
                f"column_{i}: ",
                Group(
                    Indent(
                        [IfBreak([LINE, "| "]), Align(2, "string"), LINE, "| ", Align(2, "null")]
                    )
                ),
            ]
        )
        for i in range(10_000)
    ]
    doc = Group(["{", Indent([LINE, *join(LINE, members)]), LINE, "}"], should_break=True)
    out = print_doc(doc)  # speed is measured in bench/, not asserted here
    assert out.count("\n") == 10_001
