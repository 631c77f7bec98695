"""sql_render on its own: constants, casts, subscripts and range-table names
printed as Postgres prints them (expected texts taken from Postgres 15; the
fidelity sets check the same cases against a real server)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pgdrift.sources.migrations import build_schema
from pgdrift.sources.sql_render import (
    Analyzer,
    const_output,
    is_definition_time,
    parse_array_literal,
    unique_refnames,
)
from pgdrift.sources.sql_types import builtin


@pytest.mark.parametrize(
    ("typname", "text", "expected"),
    [
        ("date", "2020-1-1", "2020-01-01"),
        ("date", "20200101", "2020-01-01"),
        ("date", "2020-01-01T12:34:56.789+0530", "2020-01-01"),
        ("date", " EPOCH ", "1970-01-01"),
        ("date", "Infinity", "infinity"),
        ("timestamp", "1970-01-01 00:00:00 +00:00", "1970-01-01 00:00:00"),
        ("timestamp", "1970-01-01 00:00:00 +02:00", "1970-01-01 00:00:00"),
        ("timestamp", "2020-01-01T00:00:00Z", "2020-01-01 00:00:00"),
        ("timestamp", "1970-01-01 00:00:00.000", "1970-01-01 00:00:00"),
        ("timestamp", "1970-01-01 00:00:00.123456789", "1970-01-01 00:00:00.123457"),
        ("timestamp", "2020-01-01 12:34", "2020-01-01 12:34:00"),
        ("timestamp", "2020-01-01 24:00:00", "2020-01-02 00:00:00"),
        ("timestamp", "2020-01-01 00:00:60", "2020-01-01 00:01:00"),
        ("timestamp", "2020-12-31 23:59:59.9999995", "2021-01-01 00:00:00"),
        ("timestamp", "-infinity", "-infinity"),
        ("timestamptz", "1970-01-01 00:00:00 +02:00", "1969-12-31 22:00:00+00"),
        ("timestamptz", "1970-01-01 00:00:00.5-05:30", "1970-01-01 05:30:00.5+00"),
        ("timestamptz", "2020-01-01T12:34:56.789+0530", "2020-01-01 07:04:56.789+00"),
        ("timestamptz", "1970-01-01 00:00:00+2", "1969-12-31 22:00:00+00"),
        ("timestamptz", "1970-01-01 00:00:00+05:30:15", "1969-12-31 18:29:45+00"),
        ("timestamptz", "1970-01-01 00:00:00 UTC", "1970-01-01 00:00:00+00"),
        ("timestamptz", "2020-01-01", "2020-01-01 00:00:00+00"),
        ("timestamptz", "0001-01-01 00:00:00+01", "0001-12-31 23:00:00+00 BC"),
        ("timestamptz", "epoch", "1970-01-01 00:00:00+00"),
        ("time", "9:00", "09:00:00"),
        ("time", "09:00+02", "09:00:00"),
        ("time", "12:34:56.1234567", "12:34:56.123457"),
        ("time", "23:59:59.9999999", "24:00:00"),
        ("time", "allballs", "00:00:00"),
        ("time", "2020-01-01 09:00", "09:00:00"),
        ("timetz", "09:00", "09:00:00+00"),
        ("timetz", "09:00-0530", "09:00:00-05:30"),
        ("timetz", "12:00:00+05:30:15", "12:00:00+05:30:15"),
        ("timetz", "09:00Z", "09:00:00+00"),
        # Not modelled: kept as written.
        ("timestamptz", "2020-01-01 00:00:00 America/New_York", None),
        ("time", "09:00 PM", None),
        ("date", "Jan 1 2020", None),
        ("timestamptz", "now", None),
    ],
)
def test_datetime_literals_print_in_their_output_form(
    typname: str, text: str, expected: str | None
) -> None:
    assert const_output(builtin(typname), text) == (text if expected is None else expected)


def test_definition_time_words_are_flagged() -> None:
    assert is_definition_time(builtin("timestamptz"), " Now ")
    assert is_definition_time(builtin("date"), "today")
    assert not is_definition_time(builtin("text"), "now")
    assert not is_definition_time(builtin("date"), "epoch")


def test_the_analyzer_notes_definition_time_literals() -> None:
    from pgdrift.sources.sql_render import TConst, unknown

    a = Analyzer(None)  # type: ignore[arg-type]  # no lookups needed for a literal
    out = a.coerce(TConst(unknown(), "now"), builtin("timestamptz"))
    assert isinstance(out, TConst) and out.value == "now"
    assert len(a.notes) == 1 and "'now'" in a.notes[0]


def test_unique_refnames_follow_set_rtable_names() -> None:
    assert unique_refnames(["p"], ["p"]) == ["p_1"]
    assert unique_refnames(["p", "p_1"], ["p"]) == ["p_1", "p_1_1"]
    assert unique_refnames(["p_1", "p"], ["p"]) == ["p_1", "p_2"]
    assert unique_refnames(["q", "q"], []) == ["q", "q_1"]
    long = "a" * 63
    (name,) = unique_refnames([long], [long])
    assert name == "a" * 61 + "_1"


def _defaults(sql: str, table: str) -> dict[str, str | None]:
    schema, findings = build_schema([("x.sql", sql)])
    assert not findings, findings
    rel = schema.relation("public", table)
    assert rel is not None
    return {c.name: c.default for c in rel.columns}


def test_array_casts_are_pushed_into_the_elements() -> None:
    sql = (
        "create type \"Role\" as enum ('ADMIN', 'USER');\n"
        "create table t (\n"
        '  a "Role"[] default ARRAY[\'USER\']::"Role"[],\n'
        "  b bigint[] default ARRAY[1, 2]::bigint[],\n"
        "  c int[] default ARRAY[1, 2]::int[],\n"
        "  d text[] default ARRAY['x']::text[],\n"
        "  e varchar(10)[] default ARRAY['a']::varchar(10)[],\n"
        "  f bigint[] default ARRAY[[1], [2]]::bigint[],\n"
        '  g "Role"[] default \'{USER}\'::"Role"[],\n'
        '  h "Role"[] default ARRAY[]::"Role"[]\n'
        ");"
    )
    assert _defaults(sql, "t") == {
        "a": "ARRAY['USER'::\"Role\"]",
        "b": "ARRAY[(1)::bigint, (2)::bigint]",
        "c": "ARRAY[1, 2]",
        "d": "ARRAY['x'::text]",
        "e": "ARRAY['a'::character varying(10)]",
        "f": "ARRAY[ARRAY[(1)::bigint], ARRAY[(2)::bigint]]",
        "g": "'{USER}'::\"Role\"[]",
        "h": 'ARRAY[]::"Role"[]',
    }


def test_subscripts_parenthesize_what_is_not_a_column() -> None:
    sql = (
        "create table t (\n"
        "  a int[], n bigint,\n"
        "  f text default (string_to_array('a/b', '/'))[1],\n"
        "  g int generated always as (a[n]) stored,\n"
        "  h int generated always as ((a || a)[1]) stored,\n"
        "  i int default ('{1,2}'::int[])[1]\n"
        ");"
    )
    d = _defaults(sql, "t")
    assert d["f"] == "(string_to_array('a/b'::text, '/'::text))[1]"
    assert d["g"] == "a[n]"
    assert d["h"] == "((a || a))[1]"
    assert d["i"] == "('{1,2}'::integer[])[1]"


def test_sub_query_names_do_not_reuse_the_policy_table_name() -> None:
    sql = (
        "create table p (id int primary key, owner int, is_admin boolean);\n"
        "create table p_1 (id int);\n"
        "create policy x on p using (exists (select 1 from p where id = owner and is_admin));\n"
        "create policy y on p using (exists (select 1 from p, p_1 where p.id = p_1.id));\n"
    )
    schema, findings = build_schema([("x.sql", sql)])
    assert not findings
    rel = schema.relation("public", "p")
    assert rel is not None
    using = {p.name: p.using for p in rel.policies}
    assert using["x"] == (
        "(EXISTS ( SELECT 1\n   FROM p p_1\n  WHERE ((p_1.id = p_1.owner) AND p_1.is_admin)))"
    )
    assert using["y"] == (
        "(EXISTS ( SELECT 1\n   FROM p p_1,\n    p_1 p_1_1\n  WHERE (p_1.id = p_1_1.id)))"
    )


_ELEMENTS = st.lists(
    st.one_of(st.none(), st.text(alphabet=' a,{}"\\\tNUL1', max_size=6)), max_size=5
)


def _literal(items: list[str | None]) -> str:
    """An array literal of ``items`` as a user might write it: spaces around
    elements, everything quoted."""
    quoted = [
        "NULL" if x is None else '"' + x.replace("\\", "\\\\").replace('"', '\\"') + '"'
        for x in items
    ]
    return "{ " + " , ".join(quoted) + " }"


@settings(max_examples=300, deadline=None)
@given(_ELEMENTS)
def test_array_constants_print_back_to_the_same_elements(items: list[str | None]) -> None:
    # array_out(array_in(x)) read again gives the same elements: what the
    # output quotes and escapes, the input reads back.
    printed = const_output(builtin("_text"), _literal(items))
    again = const_output(builtin("_text"), printed)
    assert again == printed
    assert parse_array_literal(printed) == items


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet='{}, "\\aN', max_size=30))
def test_any_text_as_an_array_constant_prints_without_raising(text: str) -> None:
    out = const_output(builtin("_int4"), text)
    assert out == text or out.startswith("{")


def test_an_array_constant_nested_too_deeply_is_kept_as_written() -> None:
    deep = "{" * 100_000 + "}" * 100_000
    assert const_output(builtin("_int4"), deep) == deep
