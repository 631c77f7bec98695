"""The statement splitter: psql's statement boundaries, exact spans, never raises."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pgdrift.sources.sql_split import Piece, split, statements


def texts(sql: str) -> list[str]:
    return [p.text for p in statements(sql)]


def test_simple_statements_and_trivia() -> None:
    sql = "-- lead\ncreate table a (x int);\n\nselect 1;  -- tail\n"
    assert texts(sql) == ["create table a (x int);", "select 1;"]
    assert [p.kind for p in split(sql)] == ["trivia", "statement", "trivia", "statement", "trivia"]


def test_last_statement_without_semicolon() -> None:
    assert texts("select 1; select 2") == ["select 1;", "select 2"]


def test_semicolons_inside_strings_comments_and_identifiers() -> None:
    sql = "select 'a;''b', \"x;\"\"y\" /* ; /* nested ; */ ; */ -- ;\n from t; select 2;"
    assert texts(sql) == [
        "select 'a;''b', \"x;\"\"y\" /* ; /* nested ; */ ; */ -- ;\n from t;",
        "select 2;",
    ]


def test_escape_strings_with_backslashes() -> None:
    sql = r"select E'it\'s; \\' , e'\\'; select 'plain\'; select 3;"
    # In a standard string a backslash is an ordinary character.
    assert texts(sql) == [r"select E'it\'s; \\' , e'\\';", r"select 'plain\';", "select 3;"]


def test_e_inside_identifier_is_not_an_escape_string() -> None:
    sql = r"select somee'\'; select 2;"
    assert texts(sql) == [r"select somee'\';", "select 2;"]


def test_dollar_quotes_with_and_without_tags() -> None:
    sql = (
        "create function f() returns int as $$ select 1; $$ language sql;\n"
        "do $body$ begin perform 1; raise notice $$;$$; end $body$;\n"
        "select $1, a$b$c from t;"
    )
    assert texts(sql) == [
        "create function f() returns int as $$ select 1; $$ language sql;",
        "do $body$ begin perform 1; raise notice $$;$$; end $body$;",
        "select $1, a$b$c from t;",
    ]


def test_begin_atomic_bodies() -> None:
    sql = (
        "CREATE OR REPLACE FUNCTION f(a int) RETURNS int LANGUAGE sql\n"
        "BEGIN ATOMIC\n  SELECT CASE WHEN a > 0 THEN 1 ELSE 2 END;\n  SELECT 2;\nEND;\n"
        "BEGIN; select 1; COMMIT;"
    )
    assert texts(sql) == [
        "CREATE OR REPLACE FUNCTION f(a int) RETURNS int LANGUAGE sql\n"
        "BEGIN ATOMIC\n  SELECT CASE WHEN a > 0 THEN 1 ELSE 2 END;\n  SELECT 2;\nEND;",
        "BEGIN;",
        "select 1;",
        "COMMIT;",
    ]


def test_semicolons_inside_parentheses_do_not_split() -> None:
    sql = "create rule r as on insert to t do instead (insert into u values (1); delete from v); select 1;"
    assert len(statements(sql)) == 2


def test_copy_from_stdin_data() -> None:
    sql = "COPY t (a, b) FROM stdin;\n1\tx;y\n2\t'\n\\.\nselect 1;\n"
    ps = split(sql)
    assert [(p.kind, p.text) for p in ps] == [
        ("statement", "COPY t (a, b) FROM stdin;"),
        ("trivia", "\n"),
        ("copy_data", "1\tx;y\n2\t'\n\\.\n"),
        ("statement", "select 1;"),
        ("trivia", "\n"),
    ]


def test_copy_to_file_has_no_data() -> None:
    assert texts("copy t to '/tmp/x'; select 1;") == ["copy t to '/tmp/x';", "select 1;"]


def test_unterminated_constructs_are_marked() -> None:
    for sql, what in [
        ("select 'abc", "string"),
        ('select "abc', "quoted identifier"),
        ("do $$ begin", "dollar-quoted string"),
        ("select 1 /* open", "comment"),
        ("select E'abc\\'", "string"),
    ]:
        (piece,) = statements(sql)
        assert piece.unterminated == what, sql
        assert piece.end == len(sql)
    (trivia,) = split("/* only a comment")
    assert trivia.kind == "trivia" and trivia.unterminated == "comment"
    assert split("copy t from stdin;\n1\n")[-1].unterminated == "copy data"


def test_positions_are_lines_and_character_columns() -> None:
    sql = "-- é\nselect 'ü';\n  select\n 2;"
    first, second = statements(sql)
    assert (first.start_line, first.start_col, first.end_line, first.end_col) == (1, 0, 1, 11)
    assert (second.start_line, second.start_col, second.end_line, second.end_col) == (2, 2, 3, 3)


def test_empty_and_blank_input() -> None:
    assert split("") == []
    assert [p.kind for p in split("  \n ;; -- x")] == ["trivia"]


def _line_col(text: str, offset: int) -> tuple[int, int]:
    before = text[:offset]
    return before.count("\n"), offset - (before.rfind("\n") + 1)


def _check_invariants(text: str, pieces: list[Piece]) -> None:
    assert "".join(p.text for p in pieces) == text
    offset = 0
    for p in pieces:
        assert p.start == offset and p.end > p.start
        assert text[p.start : p.end] == p.text
        assert (p.start_line, p.start_col) == _line_col(text, p.start)
        assert (p.end_line, p.end_col) == _line_col(text, p.end)
        if p.kind == "statement":
            assert not p.text[0].isspace()
        offset = p.end


_SQLISH = st.lists(
    st.one_of(
        st.sampled_from(list("aeEbx $;'\"-/*()\\\n\t.,01_")),
        st.sampled_from(
            [
                "$$",
                "$t$",
                "--",
                "/*",
                "*/",
                "E'",
                "begin ",
                "end ",
                "case ",
                "copy ",
                "from stdin;\n",
                "\\.\n",
                "create function ",
                "create or replace procedure ",
            ]
        ),
        st.characters(),
    ),
    max_size=80,
).map("".join)


@settings(max_examples=500, deadline=None)
@given(_SQLISH)
def test_never_raises_and_pieces_tile_the_input(text: str) -> None:
    _check_invariants(text, split(text))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_unicode(text: str) -> None:
    _check_invariants(text, split(text))


@given(st.lists(st.text(alphabet="abc xyz\n", min_size=1), max_size=10))
def test_plain_statements_split_on_semicolons(parts: list[str]) -> None:
    sql = ";".join(parts)
    expected = [s.strip() for s in sql.split(";") if s.strip()]
    assert [p.text.rstrip(";").strip() for p in statements(sql)] == expected


_STATEMENTY = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "create table t (",
                "insert into public.t values ",
                "select a, b from x where ",
                "alter table only s.t add ",
                ")",
                "(",
                "((",
                "))",
                ";",
                "'",
                "''",
                "'a;b'",
                '"q;"',
                "E'x\\'y;'",
                "e'",
                " e'",
                "$$",
                "$1",
                "$t$",
                "a$b$",
                "-- c;\n",
                "/* ; */",
                "--",
                "/*",
                "*/",
                "-",
                "/",
                " ",
                "\n",
                "x",
                "1e'",
                "(a, (b, (c, (d))))",
            ]
        ),
        st.sampled_from(list("aeE $;'\"-/*()\\\n.,01_")),
        st.characters(),
    ),
    max_size=60,
).map("".join)


@pytest.mark.parametrize(
    "text",
    [
        "insert into public.t values E'it\\'s; unterminated",  # not a plain 'it\'
        "insert into public.t values x$$ ; $$",  # a$$ is a word, not a quote
        "select a from b where c = $1; select $$;$$",
        "select a from b where (c = (d + (e * (f - (g)))); x",  # deeper than _RUN nests
        "select a from b where (c = $$)$$) ; d",
        "select a from b where c = e'\\';' ; d",
        "create or replace function f() returns int begin atomic select 1; end; select 2;",
        "create function public.x() returns int begin atomic select 1; end; x;",
        "copy public.t from stdin;\n1;2\n\\.\nselect 1;",
        "alter table a.b add e'x;';",  # the fourth word is an E'' prefix
    ],
)
def test_run_skipping_edge_cases(text: str) -> None:
    assert split(text) == split(text, fast=False)


@settings(max_examples=1000, deadline=None)
@given(st.one_of(_SQLISH, _STATEMENTY))
def test_run_skipping_splits_exactly_like_the_token_loop(text: str) -> None:
    assert split(text) == split(text, fast=False)
