"""PostgREST's mini-languages and the supabase-js / supabase-py chain readers."""

from __future__ import annotations

from pathlib import Path

import pytest

from pgdrift.checks.app_refs_py import _chains_ast, _chains_parso, chains_in_py
from pgdrift.checks.app_refs_syntax import (
    OTHER,
    SUPABASE,
    UNKNOWN,
    Arr,
    Chain,
    Embed,
    Field,
    Literal,
    Obj,
    camel_case,
    parse_column_list,
    parse_filter_column,
    parse_logic,
    parse_select,
)
from pgdrift.checks.app_refs_ts import chains_in_ts


def names(items: tuple[Field | Embed, ...] | None) -> list[object]:
    """A select tree as nested lists of (alias:)name[!hints] strings."""
    assert items is not None
    result: list[object] = []
    for item in items:
        label = f"{item.alias.text}:" if item.alias else ""
        label += item.name.text
        if isinstance(item, Embed):
            label = ("..." if item.spread else "") + label
            label += "".join(f"!{h.text}" for h in item.hints)
            result.append((label, names(item.items)))
        else:
            result.append(label)
    return result


@pytest.mark.parametrize(
    ("select", "expected"),
    [
        ("", []),
        ("*", []),
        ("id, name", ["id", "name"]),
        ("alias:col, col::text, x:col::int", ["alias:col", "col", "x:col"]),
        ("data->a->>b, data->0, x:data->'k'", None),
        ("data->a->>b, data->0, x:data->-1->>k", ["data", "data", "x:data"]),
        (
            "count, count(), n:count()::int, total:amount.sum(), amount::int.avg()",
            ["count", "total:amount", "amount"],
        ),
        ("*, rel(*), rel()", [("rel", []), ("rel", [])]),
        (
            "a:rel!fk!inner(c, d:e(f)), ...other(g), rel!left(count)",
            [
                ("a:rel!fk!inner", ["c", ("d:e", ["f"])]),
                ("...other", ["g"]),
                ("rel!left", ["count"]),
            ],
        ),
        ('"with space", "a,b"', ["with space", "a,b"]),
        ("user-name, x->y", ["user-name", "x"]),
        ("\n  id,\n  rel ( a , b )\n", ["id", ("rel", ["a", "b"])]),
        ("rel!hint", None),
        ("...spread", None),
        ("a b", None),
        ("a,", None),
        ("rel(a", None),
        ('"open', None),
        ("a.b", None),
    ],
)
def test_parse_select(select: str, expected: list[object] | None) -> None:
    parsed = parse_select(select)
    if expected is None:
        assert parsed is None
    else:
        assert names(parsed) == expected


def test_select_names_know_their_range() -> None:
    text = 'x:"my col", rel!hint(abc)'
    items = parse_select(text)
    assert items is not None
    field, embed = items
    assert isinstance(field, Field) and isinstance(embed, Embed)
    assert text[field.name.start : field.name.end] == "my col"
    assert text[embed.hints[0].start : embed.hints[0].end] == "hint"
    inner = embed.items[0]
    assert text[inner.name.start : inner.name.end] == "abc"
    assert embed.key == "rel"


@pytest.mark.parametrize(
    ("column", "expected"),
    [
        ("col", ["col"]),
        ("data->a->>b", ["data"]),
        ("rel.sub.col", ["rel", "sub", "col"]),
        ('"odd name"', ["odd name"]),
        (" col", None),
        ("rel(col)", None),
        ("", None),
    ],
)
def test_parse_filter_column(column: str, expected: list[str] | None) -> None:
    parsed = parse_filter_column(column)
    assert (None if parsed is None else [n.text for n in parsed]) == expected


@pytest.mark.parametrize(
    ("logic", "expected"),
    [
        ("a.eq.1,b.gt.2", [["a"], ["b"]]),
        ("a.in.(1,2),b.not.is.null", [["a"], ["b"]]),
        ("and(a.eq.1,or(b.is.null,not.and(c.eq.x,d.lt.3)))", [["a"], ["b"], ["c"], ["d"]]),
        ('name.eq."a,b",rel.col.eq.1', [["name"], ["rel", "col"]]),
        ("data->>x.eq.1, y.like(any).{a*,b*}", [["data"], ["y"]]),
        ("title.ilike.*(draft)*,id.eq.2.5", [["title"], ["id"]]),
        ("a.eq.1)", None),
        ("justaname", None),
        ("a.unknownop.1", None),
    ],
)
def test_parse_logic(logic: str, expected: list[list[str]] | None) -> None:
    parsed = parse_logic(logic)
    assert (None if parsed is None else [[n.text for n in p] for p in parsed]) == expected


def test_parse_column_list() -> None:
    parsed = parse_column_list(" a, b ")
    assert parsed is not None and [n.text for n in parsed] == ["a", "b"]
    assert parse_column_list("a,,b") is None


def test_camel_case() -> None:
    assert [camel_case(n) for n in ("contained_by", "in_", "from_", "eq", "on_conflict")] == [
        "containedBy",
        "in",
        "from",
        "eq",
        "onConflict",
    ]


# --- TypeScript ------------------------------------------------------------------------


def test_ts_chain_with_schema_steps_and_arguments() -> None:
    text = (
        "const r = await client.schema('app')\n"
        "  .from(`settings`)\n"
        "  .insert([{ key: 'k', 'value': 1, [\"x\"]: 2, shorthand, ...rest }])!\n"
        "  .select('key' + ', value')\n"
        "  .order('key', { referencedTable: 'rel' }) as any;\n"
    )
    [chain] = chains_in_ts("a.ts", text)
    assert (chain.kind, chain.name.value, chain.receiver) == ("from", "settings", "client")
    assert chain.schema is not None and chain.schema.value == "app"
    assert [s.method for s in chain.steps] == ["insert", "select", "order"]
    rows = chain.steps[0].args[0]
    assert isinstance(rows, Arr)
    [row] = rows.items
    assert isinstance(row, Obj)
    assert [k.value for k, _ in row.entries] == ["key", "value", "x", "shorthand"]
    assert not row.complete
    select = chain.steps[1].args[0]
    assert isinstance(select, Literal) and select.value == "key, value"
    # A concatenation keeps each part's own position.
    value = select.span(5, 10)
    assert text.splitlines()[value.start_line][value.start_col : value.end_col] == "value"
    options = chain.steps[2].args[1]
    assert isinstance(options, Obj)
    referenced = options.get("referencedTable")
    assert isinstance(referenced, Literal) and referenced.value == "rel"


def test_ts_only_literals_are_read() -> None:
    text = "supabase.from(name).select(`a, ${b}`); supabase.rpc('f', args).select(`x`);"
    [chain] = chains_in_ts("a.ts", text)
    assert chain.kind == "rpc" and chain.args == (None,)
    assert [s.method for s in chain.steps] == ["select"]


def test_ts_escapes_and_non_ascii_positions() -> None:
    text = "// é\nsupabase.from('pé').select('a\\u0062c, d\\\ne')"
    [chain] = chains_in_ts("a.tsx", text)
    select = chain.steps[0].args[0]
    assert isinstance(select, Literal)
    assert select.value == "abc, de"
    span = select.span(0, 3)
    assert (span.start_line, span.start_col, span.end_col) == (1, 28, 36)
    name = chain.name.span()
    assert (name.start_line, name.start_col, name.end_col) == (1, 15, 17)
    # A line continuation joins "d" and "e" across lines.
    joined = select.span(5, 7)
    assert (joined.start_line, joined.start_col, joined.end_line, joined.end_col) == (1, 38, 2, 1)


def test_ts_files_without_calls_are_not_parsed() -> None:
    assert chains_in_ts("a.ts", "const x = 1;\n") == []
    assert chains_in_ts("a.ts", "import { from } from 'rxjs'; from([1]);") == []


def test_ts_receivers_are_judged_from_their_bindings() -> None:
    text = (
        'import * as sb from "@supabase/supabase-js";\n'
        'const { createClient } = require("@supabase/supabase-js");\n'
        'import { Pool } from "pg";\n'
        'const a = sb.createClient("u", "k");\n'
        'const b = createClient("u", "k");\n'
        "const pool = new Pool();\n"
        "const alias = pool;\n"
        "function f(c: SupabaseClient<DB>, d) {\n"
        '  a.from("t"); b.from("t"); c.from("t"); d.from("t");\n'
        '  pool.from("t"); alias.from("t"); a.storage.from("t");\n'
        "}\n"
    )
    assert [(c.receiver, c.client) for c in chains_in_ts("a.ts", text)] == [
        ("a", SUPABASE),
        ("b", SUPABASE),
        ("c", SUPABASE),
        ("d", UNKNOWN),
        ("pool", OTHER),
        ("alias", OTHER),
        ("a.storage", UNKNOWN),
    ]


def test_ts_calls_on_a_builder_variable_join_its_chain() -> None:
    text = (
        "let q = supabase.from('t').select('a');\n"
        "q = q.eq('b', 1);\n"
        "q.order('c');\n"
        "let r = supabase.from('t');\n"
        "r = something(r);\n"
        "r.eq('d', 1);\n"
    )
    first, second = chains_in_ts("a.ts", text)
    assert [s.method for s in first.steps] == ["select", "eq", "order"]
    column = first.steps[2].args[0]
    assert isinstance(column, Literal)
    assert (column.span().start_line, column.span().start_col) == (2, 9)
    assert second.steps == ()


# --- Python ----------------------------------------------------------------------------


def test_py_chain_with_keywords_and_not() -> None:
    text = (
        "rows = await (client.schema('app').table('settings')\n"
        "    .select('key', 'value', count='exact')\n"
        "    .not_.in_('key', ['a'])\n"
        "    .upsert([{'key': 'k', **extra}], on_conflict='key')\n"
        "    .execute())\n"
    )
    [chain] = chains_in_py("a.py", text)
    assert (chain.kind, chain.name.value, chain.receiver) == ("from", "settings", "client")
    assert chain.schema is not None and chain.schema.value == "app"
    assert [s.method for s in chain.steps] == ["select", "in", "upsert", "execute"]
    select = chain.steps[0]
    assert [a.value for a in select.args if isinstance(a, Literal)] == ["key", "value"]
    upsert = chain.steps[2]
    assert [k for k, _ in upsert.kwargs] == ["onConflict"]
    rows = upsert.args[0]
    assert isinstance(rows, Arr)
    [row] = rows.items
    assert isinstance(row, Obj) and not row.complete


def test_py_rpc_params_and_strings() -> None:
    text = (
        "supabase.rpc('fn', params={'a': 1})\n"
        "supabase.from_(f'{x}')\n"
        "supabase.table(b'posts')\n"
        "supabase.table(R'po\\sts')\n"
        "supabase.table('p' 'osts')\n"
    )
    chains = chains_in_py("a.py", text)
    assert [(c.kind, c.name.value) for c in chains] == [
        ("rpc", "fn"),
        ("from", "po\\sts"),
        ("from", "posts"),
    ]
    params = dict(chains[0].kwargs)["params"]
    assert isinstance(params, Obj) and [k.value for k, _ in params.entries] == ["a"]
    split = chains[2].name.span(1, 3)
    assert (split.start_line, split.start_col, split.end_col) == (4, 20, 22)


def test_py_syntax_errors_are_tolerated() -> None:
    text = "def broken(:\n    pass\nsupabase.table('posts').select('id')\n"
    [chain] = chains_in_py("a.py", text)
    assert chain.name.value == "posts"


def _summary(chains: list[Chain]) -> list[object]:
    def arg(a: object) -> object:
        if isinstance(a, Literal):
            return (a.value, a.span())
        if isinstance(a, Obj):
            return ("obj", [arg(k) for k, _ in a.entries], a.complete)
        if isinstance(a, Arr):
            return ("arr", [arg(i) for i in a.items])
        return a

    return [
        (
            c.kind,
            arg(c.name),
            arg(c.schema),
            [arg(a) for a in c.args],
            [(k, arg(v)) for k, v in c.kwargs],
            [
                (s.method, [arg(a) for a in s.args], [(k, arg(v)) for k, v in s.kwargs])
                for s in c.steps
            ],
        )
        for c in sorted(chains, key=lambda c: c.name.offsets[0])
    ]


@pytest.mark.parametrize(
    "path",
    sorted((Path(__file__).parent.parent / "fixtures" / "app_refs").rglob("*.py")),
    ids=lambda p: p.name,
)
def test_ast_and_parso_read_the_same_chains(path: Path) -> None:
    text = path.read_text()
    fast = _chains_ast(str(path), text)
    assert fast
    assert _summary(fast) == _summary(_chains_parso(str(path), text))


def test_py_strings_with_comments_between_parts() -> None:
    text = 'supabase.table("posts").select(\n    "id, "  # the key\n    r"ti\\tle"\n)\n'
    [chain] = chains_in_py("a.py", text)
    [select] = chain.steps[0].args
    assert isinstance(select, Literal) and select.value == "id, ti\\tle"
    span = select.span(4, 10)
    assert (span.start_line, span.start_col, span.end_line, span.end_col) == (2, 6, 2, 12)
    assert _summary([chain]) == _summary(_chains_parso("a.py", text))


def test_py_receivers_are_judged_from_their_bindings() -> None:
    text = (
        "from typing import Optional\n"
        "import supabase\n"
        "from supabase import AsyncClient\n"
        "import duckdb\n"
        "a = supabase.create_client('u', 'k')\n"
        "con = duckdb.connect()\n"
        "async def f(b: Optional[AsyncClient], c: AsyncClient | None, d):\n"
        "    a.table('t'); b.table('t'); c.table('t'); d.table('t'); con.table('t')\n"
        "    supabase.table('t')\n"
    )
    assert [(c.receiver, c.client) for c in chains_in_py("a.py", text)] == [
        ("a", SUPABASE),
        ("b", SUPABASE),
        ("c", SUPABASE),
        ("d", UNKNOWN),
        ("con", OTHER),
        ("supabase", SUPABASE),
    ]


def test_py_calls_on_a_builder_variable_join_its_chain() -> None:
    text = (
        "def f(client, other):\n"
        "    q = client.table('t').select('a')\n"
        "    q = q.eq('b', 1)\n"
        "    q.order('c').execute()\n"
        "    r = client.table('t')\n"
        "    r = other\n"
        "    r.eq('d', 1)\n"
    )
    first, second = chains_in_py("a.py", text)
    assert [s.method for s in first.steps] == ["select", "eq", "order", "execute"]
    column = first.steps[2].args[0]
    assert isinstance(column, Literal)
    assert (column.span().start_line, column.span().start_col) == (3, 13)
    assert second.steps == ()
    # The chains as written, call by call, are what both parsers read.
    as_written = sorted(_chains_ast("a.py", text), key=lambda c: c.name.offsets[0])
    assert [[s.method for s in c.steps] for c in as_written] == [["select"], []]
