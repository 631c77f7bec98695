"""JavaScript ``localeCompare`` order.

Expected orders come from Node (``[...xs].sort((a, b) => a.localeCompare(b))``
with ``LANG=C.UTF-8``), the sort postgres-meta runs.
"""

from __future__ import annotations

import random

import pytest

from pgdrift.typegen.collation import _ascii_key, locale_compare, locale_key

NODE_ORDERS = [
    ["a", "A", "ä", "a_b", "a1", "ab", "aB", "B"],
    ["user_name", "user-name", "username", "userName"],
    ["zeta", "Zeta", "日本"],
    [
        "_a",
        "-a",
        ".a",
        "#a",
        "😀",
        "$a",
        "1a",
        "a",
        "a b",
        "a-b",
        "a.b",
        "a'b",
        "b",
        "e",
        "E",
        "é",
        "ɛ",
    ],
    ["_id", "i_d", "id", "iD", "Id", "ID", "id_", "id_1", "id-1", "id1"],
    ["col_10", "col1", "Col1", "col10", "col9"],
    ['["a_b"]', '["a","b"]', '["a"]', '["ab"]', '["aB"]', '["b"]'],
    ['"A" integer', "a integer", "b text", "integer", "integer DEFAULT 1", "integer, text", "text"],
]


@pytest.mark.parametrize("expected", NODE_ORDERS)
def test_sorts_like_node(expected: list[str]) -> None:
    shuffled = expected[:]
    random.Random(len(expected)).shuffle(shuffled)
    assert sorted(shuffled, key=locale_key) == expected
    assert sorted(reversed(expected), key=locale_key) == expected


def test_ties_keep_input_order() -> None:
    # Control characters and ZWJ are ignorable: Node returns 0, its sort is
    # stable, and so is Python's.
    items = ["x\x01", "x", "x\u200d", "x\t"]
    assert sorted(items, key=locale_key) == items
    assert sorted(["x\u200d", "x", "x\x01"], key=locale_key) == ["x\u200d", "x", "x\x01"]
    assert locale_compare("x", "x\x01") == 0


def test_compare() -> None:
    assert locale_compare("a", "B") == -1
    assert locale_compare("b", "A") == 1
    assert locale_compare("abc", "abc") == 0


def test_ascii_fast_path_equals_pyuca() -> None:
    import pyuca  # type: ignore[import-untyped]

    collator = pyuca.Collator()
    rng = random.Random(7)
    samples = [chr(i) for i in range(128)]
    samples += [
        "".join(chr(rng.randrange(128)) for _ in range(rng.randrange(9))) for _ in range(3000)
    ]
    for s in samples:
        assert _ascii_key(s) == collator.sort_key(s), repr(s)


def test_ascii_and_unicode_keys_compare() -> None:
    # Keys from the two paths must be comparable with each other.
    assert sorted(["b", "á", "a", "Á", "ab"], key=locale_key) == ["a", "á", "Á", "ab", "b"]


def test_keys_are_cached() -> None:
    locale_key.cache_clear()
    locale_key("cached")
    locale_key("cached")
    assert locale_key.cache_info().hits >= 1
