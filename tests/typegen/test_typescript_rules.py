"""The TypeScript renderer, rule by rule, on hand-built :class:`Schema` values.

Each scenario's model mirrors what the catalog reads from the SQL quoted above
it; the expected text is what the real generator (postgres-meta 0.96.6 with
prettier 3.5.3, ``supabase gen types typescript --local``) printed for that
SQL. No database is needed here; ``test_compat.py`` runs the generator itself.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from pgdrift.model import (
    Attribute,
    Column,
    ColumnSource,
    CompositeType,
    Domain,
    Enum,
    ForeignKey,
    Function,
    FunctionArg,
    Relation,
    RelationKind,
    Schema,
    TypeKind,
    TypeRef,
)
from pgdrift.typegen.typescript import TypegenError, render_typescript, ts_key, ts_string

# ---------------------------------------------------------------- builders


def pg(name: str, kind: TypeKind = "base") -> TypeRef:
    return TypeRef("pg_catalog", name, kind)


INT4 = pg("int4")
INT8 = pg("int8")
TEXT = pg("text")
JSON = pg("json")
JSONB = pg("jsonb")
MONEY = pg("money")
VOID = pg("void", "pseudo")
RECORD = pg("record", "pseudo")


def col(
    name: str,
    type: TypeRef = TEXT,
    *,
    nullable: bool = True,
    default: str | None = None,
    identity: str | None = None,
    updatable: bool = True,
) -> Column:
    return Column(
        name,
        type,
        type.name,
        nullable=nullable,
        default=default,
        identity=identity,  # type: ignore[arg-type]
        updatable=updatable,
    )


def rel(
    name: str,
    *columns: Column,
    schema: str = "public",
    kind: RelationKind = "table",
    pk: tuple[str, ...] = (),
    unique: tuple[tuple[str, ...], ...] = (),
    updatable: bool = True,
    sources: tuple[ColumnSource, ...] = (),
) -> Relation:
    return Relation(
        schema,
        name,
        kind,
        columns,
        primary_key=pk,
        unique_keys=unique,
        updatable=updatable,
        column_sources=sources,
    )


def arg(
    name: str, type: TypeRef, display: str, mode: str = "in", default: bool = False
) -> FunctionArg:
    return FunctionArg(name, type, display, mode=mode, has_default=default)  # type: ignore[arg-type]


def fn(
    name: str,
    args: Sequence[FunctionArg] = (),
    ret: TypeRef = INT4,
    *,
    argument_types: str = "",
    return_type: str = "integer",
    schema: str = "public",
    setof: bool = False,
    rows: float | None = None,
) -> Function:
    return Function(
        schema,
        name,
        tuple(args),
        argument_types,
        argument_types,
        return_type,
        ret,
        returns_set=setof,
        rows=(1000.0 if rows is None else rows) if setof else None,
    )


def render(schema: Schema, schemas: Sequence[str] = ("public",), **kw: object) -> str:
    return render_typescript(schema, schemas, **kw)  # type: ignore[arg-type]


def database(out: str) -> str:
    """The ``export type Database = ...`` declaration."""
    start = out.index("export type Database = ")
    return out[start : out.index("\n\ntype DatabaseWithoutInternals")]


def constants(out: str) -> str:
    return out[out.index("export const Constants = ") :]


def section(out: str, schema: str, name: str) -> str:
    """One schema's ``Tables``/``Views``/... block, without its indentation."""
    db = database(out)
    start = db.index(f"\n  {schema}: {{\n")
    start = db.index(f"\n    {name}: {{\n", start) + 1
    end = db.index("\n    }\n", start) + 6
    return "\n".join(line[4:] for line in db[start:end].split("\n"))


# ---------------------------------------------------------------- file skeleton

EMPTY_SECTIONS = """\
  public: {
    Tables: {
      [_ in never]: never
    }
    Views: {
      [_ in never]: never
    }
    Functions: {
      [_ in never]: never
    }
    Enums: {
      [_ in never]: never
    }
    CompositeTypes: {
      [_ in never]: never
    }
  }"""


def test_file_skeleton() -> None:
    out = render(Schema(schemas=("public",)))
    assert out.startswith(
        "export type Json =\n  | string\n  | number\n  | boolean\n  | null\n"
        "  | { [key: string]: Json | undefined }\n  | Json[]\n\nexport type Database = {\n"
    )
    assert database(out) == "export type Database = {\n" + EMPTY_SECTIONS + "\n}"
    assert '\n\ntype DatabaseWithoutInternals = Omit<Database, "__InternalSupabase">\n\n' in out
    assert (
        'type DefaultSchema = DatabaseWithoutInternals[Extract<keyof Database, "public">]\n' in out
    )
    # console.log adds a newline after prettier's: one empty last line.
    assert (
        constants(out)
        == "export const Constants = {\n  public: {\n    Enums: {},\n  },\n} as const\n\n"
    )
    assert out.count("\n") == 151


def test_no_schema_at_all() -> None:
    # A listed schema that does not exist, or a system one, is left out.
    out = render(Schema(schemas=("public",)), ["nope", "pg_catalog", "information_schema"])
    assert database(out) == "export type Database = {}"
    assert constants(out) == "export const Constants = {} as const\n\n"


def test_schemas_sorted_and_deduplicated() -> None:
    out = render(Schema(schemas=("public", "b", "A", "a")), ["public", "b", "A", "a", "b"])
    keys = [line for line in database(out).split("\n") if line.endswith(": {") and line[2] != " "]
    assert keys == ["  a: {", "  A: {", "  b: {", "  public: {"]


def test_postgrest_version_block() -> None:
    out = render(Schema(schemas=("public",)), postgrest_version="12.2.3 (519615d)")
    assert database(out).startswith(
        "export type Database = {\n"
        "  // Allows to automatically instantiate createClient with right options\n"
        "  // instead of createClient<Database, { PostgrestVersion: 'XX' }>(URL, KEY)\n"
        "  __InternalSupabase: {\n"
        '    PostgrestVersion: "12.2.3 (519615d)"\n'
        "  }\n  public: {\n"
    )
    with pytest.raises(TypegenError):
        render(Schema(schemas=("public",)), postgrest_version="it's")


# ---------------------------------------------------------------- tables, enums, quoting
#
# create type public.mood as enum ('happy', 'it''s "complicated"', 'with\backslash');
# create schema hidden;
# create type hidden.level as enum ('low', 'high');
# create table public.t (
#   id bigint generated always as identity primary key,
#   bd int generated by default as identity,
#   name text not null, note text, score int not null default 0,
#   gen text generated always as (name || '!') stored,
#   "user-name" text, "1" int, "CamelCase" text, "naïve" text,
#   m mood, ms mood[], lvl hidden.level, lvls hidden.level[], j jsonb not null, x money
# );
# create table public.e ();

MOOD = TypeRef("public", "mood", "enum")
LEVEL = TypeRef("hidden", "level", "enum")


def s1() -> Schema:
    t = rel(
        "t",
        col("id", INT8, nullable=False, identity="ALWAYS"),
        col("bd", INT4, nullable=False, identity="BY DEFAULT"),
        col("name", nullable=False),
        col("note"),
        col("score", INT4, nullable=False, default="0"),
        col("gen", default="(name || '!'::text)"),
        col("user-name"),
        col("1", INT4),
        col("CamelCase"),
        col("naïve"),
        col("m", MOOD),
        col("ms", TypeRef("public", "_mood", "array")),
        col("lvl", LEVEL),
        col("lvls", TypeRef("hidden", "_level", "array")),
        col("j", JSONB, nullable=False),
        col("x", MONEY),
        pk=("id",),
    )
    return Schema(
        schemas=("public",),
        relations=(t, rel("e")),
        enums=(
            Enum("public", "mood", ("happy", 'it\'s "complicated"', "with\\backslash")),
            Enum("hidden", "level", ("low", "high")),
        ),
    )


S1_TABLES = """\
Tables: {
  e: {
    Row: {}
    Insert: {}
    Update: {}
    Relationships: []
  }
  t: {
    Row: {
      "1": number | null
      bd: number
      CamelCase: string | null
      gen: string | null
      id: number
      j: Json
      lvl: "low" | "high" | null
      lvls: ("low" | "high")[] | null
      m: Database["public"]["Enums"]["mood"] | null
      ms: Database["public"]["Enums"]["mood"][] | null
      naïve: string | null
      name: string
      note: string | null
      score: number
      "user-name": string | null
      x: unknown
    }
    Insert: {
      "1"?: number | null
      bd?: number
      CamelCase?: string | null
      gen?: string | null
      id?: never
      j: Json
      lvl?: "low" | "high" | null
      lvls?: ("low" | "high")[] | null
      m?: Database["public"]["Enums"]["mood"] | null
      ms?: Database["public"]["Enums"]["mood"][] | null
      naïve?: string | null
      name: string
      note?: string | null
      score?: number
      "user-name"?: string | null
      x?: unknown
    }
    Update: {
      "1"?: number | null
      bd?: number
      CamelCase?: string | null
      gen?: string | null
      id?: never
      j?: Json
      lvl?: "low" | "high" | null
      lvls?: ("low" | "high")[] | null
      m?: Database["public"]["Enums"]["mood"] | null
      ms?: Database["public"]["Enums"]["mood"][] | null
      naïve?: string | null
      name?: string
      note?: string | null
      score?: number
      "user-name"?: string | null
      x?: unknown
    }
    Relationships: []
  }
}"""


def test_table_rows_insert_update() -> None:
    out = render(s1())
    assert section(out, "public", "Tables") == S1_TABLES


def test_enums_and_constants_quote_choice() -> None:
    out = render(s1())
    assert section(out, "public", "Enums") == (
        'Enums: {\n  mood: "happy" | \'it\\\'s "complicated"\' | "with\\\\backslash"\n}'
    )
    assert constants(out) == (
        "export const Constants = {\n  public: {\n    Enums: {\n"
        '      mood: ["happy", \'it\\\'s "complicated"\', "with\\\\backslash"],\n'
        "    },\n  },\n} as const\n\n"
    )


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("_private", "_private"),
        ("$dollar", "$dollar"),
        ("CamelCase", "CamelCase"),
        ("naïve", "naïve"),
        ("日本語カラム", "日本語カラム"),
        ("constructor", "constructor"),
        ("a\u200cb", "a\u200cb"),  # ZWNJ may continue an ES5 identifier
        ("user-name", '"user-name"'),
        ("with space", '"with space"'),
        ("has.dot", '"has.dot"'),
        ("😀", '"😀"'),
        ("\U0001d465", '"\U0001d465"'),  # astral letters are not ES5 identifier characters
        ("℘x", '"℘x"'),
        ("1", '"1"'),
        ("01", '"01"'),
        ("1.5", '"1.5"'),
        ("1e3", '"1e3"'),
        ("", '""'),
        ("it's", '"it\'s"'),
        ('say "hi"', "'say \"hi\"'"),
    ],
)
def test_keys(name: str, key: str) -> None:
    assert ts_key(name) == key


@pytest.mark.parametrize(
    ("value", "printed"),
    [
        ("plain", '"plain"'),
        ('it\'s "complicated"', "'it\\'s \"complicated\"'"),
        ("a'b'c\"d", '"a\'b\'c\\"d"'),
        ('a"b', "'a\"b'"),
        ("a'b\"", '"a\'b\\""'),  # a tie keeps double quotes
        ("back\\slash", '"back\\\\slash"'),
        ("tab\tnl\n\x01", '"tab\\tnl\\n\\u0001"'),
        ("ünïcödé", '"ünïcödé"'),
    ],
)
def test_string_literals(value: str, printed: str) -> None:
    assert ts_string(value) == printed


# ---------------------------------------------------------------- 80 vs 81 columns
#
# create type public.abcdefghij as enum ('a', 'b');
# create table public.w (id int primary key, abcdefghij_xxxxxxxxx abcdefghij,
#   abcdefghij_xxxxxxxxxx abcdefghij);
# create function public.sig_fits_at_eighty_columns_aaaaa(a int) returns int ...;
# create function public.sig_fits_at_eighty_columns_aaaaaa(a int) returns int ...;
# create function public.args_80(aaaaaaaaaaaaaaaaaaaaaa int, bbbbbbbbbbbbbbbbbbbbbb text) ...;
# create function public.args_81(aaaaaaaaaaaaaaaaaaaaaa int, bbbbbbbbbbbbbbbbbbbbbbb text) ...;
# create table public.parent (id int primary key, aaaaaaaaaaaaaaaaaaaaaa int,
#   bbbbbbbbbbbbbbbbbbb int, unique (...)); -- and parent2 with 20 b's
# create table public.child (id int primary key, x int, y int,
#   constraint fk foreign key (x, y) references public.parent (aaaa..., bbbb...));
# create type public.e_const_80 as enum ('a' * 31, 'b' * 22);
# create type public.e_const_81 as enum ('a' * 31, 'b' * 23);

A22 = "a" * 22


def s2() -> Schema:
    enum = TypeRef("public", "abcdefghij", "enum")
    w = rel(
        "w",
        col("id", INT4, nullable=False),
        col("abcdefghij_xxxxxxxxx", enum),
        col("abcdefghij_xxxxxxxxxx", enum),
        pk=("id",),
    )
    rels = [w]
    fks = []
    for parent, child, b in (("parent", "child", "b" * 19), ("parent2", "child2", "b" * 20)):
        rels.append(
            rel(
                parent,
                col("id", INT4, nullable=False),
                col(A22, INT4),
                col(b, INT4),
                pk=("id",),
                unique=((A22, b),),
            )
        )
        rels.append(
            rel(child, col("id", INT4, nullable=False), col("x", INT4), col("y", INT4), pk=("id",))
        )
        fks.append(ForeignKey("fk", "public", child, ("x", "y"), "public", parent, (A22, b)))
    fns = [
        fn(
            "sig_fits_at_eighty_columns_aaaaa" + "a" * i,
            [arg("a", INT4, "integer")],
            argument_types="a integer",
        )
        for i in (0, 1)
    ]
    for name, b in (("args_80", "b" * 22), ("args_81", "b" * 23)):
        fns.append(
            fn(
                name,
                [arg(A22, INT4, "integer"), arg(b, TEXT, "text")],
                argument_types=f"{A22} integer, {b} text",
            )
        )
    return Schema(
        schemas=("public",),
        relations=tuple(rels),
        enums=(
            Enum("public", "abcdefghij", ("a", "b")),
            Enum("public", "e_const_80", ("a" * 31, "b" * 22)),
            Enum("public", "e_const_81", ("a" * 31, "b" * 23)),
        ),
        functions=tuple(fns),
        foreign_keys=tuple(fks),
    )


def test_union_property_80_vs_81() -> None:
    out = render(s2())
    assert (
        '          abcdefghij_xxxxxxxxx: Database["public"]["Enums"]["abcdefghij"] | null\n'
        "          abcdefghij_xxxxxxxxxx:\n"
        '            | Database["public"]["Enums"]["abcdefghij"]\n'
        "            | null\n"
    ) in out
    # The "?" of Insert/Update pushes the 80-column line to 81.
    assert (
        "          abcdefghij_xxxxxxxxx?:\n"
        '            | Database["public"]["Enums"]["abcdefghij"]\n'
        "            | null\n"
    ) in out


def test_function_signature_80_vs_81() -> None:
    assert section(render(s2()), "public", "Functions") == (
        "Functions: {\n"
        "  args_80: {\n"
        "    Args: { aaaaaaaaaaaaaaaaaaaaaa: number; bbbbbbbbbbbbbbbbbbbbbb: string }\n"
        "    Returns: number\n"
        "  }\n"
        "  args_81: {\n"
        "    Args: {\n"
        "      aaaaaaaaaaaaaaaaaaaaaa: number\n"
        "      bbbbbbbbbbbbbbbbbbbbbbb: string\n"
        "    }\n"
        "    Returns: number\n"
        "  }\n"
        "  sig_fits_at_eighty_columns_aaaaa: { Args: { a: number }; Returns: number }\n"
        "  sig_fits_at_eighty_columns_aaaaaa: {\n"
        "    Args: { a: number }\n"
        "    Returns: number\n"
        "  }\n"
        "}"
    )


def test_tuple_80_vs_81() -> None:
    out = render(s2())
    assert f'            referencedColumns: ["{A22}", "{"b" * 19}"]\n' in out
    assert (
        f'            referencedColumns: [\n              "{A22}",\n              "{"b" * 20}",\n'
        "            ]\n"
    ) in out


def test_constants_array_80_vs_81() -> None:
    out = render(s2())
    assert f'      e_const_80: ["{"a" * 31}", "{"b" * 22}"],\n' in out
    assert f'      e_const_81: [\n        "{"a" * 31}",\n        "{"b" * 23}",\n      ],\n' in out


# ---------------------------------------------------------------- functions
#
# create table public.users (id int primary key, email text not null);
# create function public.f() returns json ...;  create function public.f(json) returns json ...;
# create function public.g(a int) returns int; g(a int, b text) returns text; g(b text) returns text
# create function public."10"() ...; "9"() ...; "01"() ... returns int
# create function public.conflict(a int) returns int; conflict(a text) returns text
# create function public.nodef() returns int; nodef(text default '') returns text
# create function public.all_users() returns setof users ...;
# create function public.one_user(uid int) returns setof users ... rows 1;
# create function public.label(users) returns text ...;
# create function public.posts(users) returns setof users ...;
# create function public.tbl(min int default 0) returns table (n int, "Label" text) ...;
# create function public.outs(x int, out a int, out b text) ...;
# create function public.v(variadic xs int[]) returns void ...;
# create function public.unnamed_int(int) returns int ...;  -- not callable: left out

USERS = TypeRef("public", "users", "relation")


def s3() -> Schema:
    users = rel("users", col("id", INT4, nullable=False), col("email", nullable=False), pk=("id",))
    fns = (
        fn("f", (), JSON, return_type="json"),
        fn("f", [arg("", JSON, "json")], JSON, argument_types="json", return_type="json"),
        fn("g", [arg("a", INT4, "integer")], argument_types="a integer"),
        fn(
            "g",
            [arg("a", INT4, "integer"), arg("b", TEXT, "text")],
            TEXT,
            argument_types="a integer, b text",
            return_type="text",
        ),
        fn("g", [arg("b", TEXT, "text")], TEXT, argument_types="b text", return_type="text"),
        fn("10"),
        fn("9"),
        fn("01"),
        fn("conflict", [arg("a", INT4, "integer")], argument_types="a integer"),
        fn("conflict", [arg("a", TEXT, "text")], TEXT, argument_types="a text", return_type="text"),
        fn("nodef"),
        fn(
            "nodef",
            [arg("", TEXT, "text", default=True)],
            TEXT,
            argument_types="text DEFAULT ''::text",
            return_type="text",
        ),
        fn("all_users", (), USERS, return_type="SETOF users", setof=True),
        fn(
            "one_user",
            [arg("uid", INT4, "integer")],
            USERS,
            argument_types="uid integer",
            return_type="SETOF users",
            setof=True,
            rows=1,
        ),
        fn("label", [arg("", USERS, "users")], TEXT, argument_types="users", return_type="text"),
        fn(
            "posts",
            [arg("", USERS, "users")],
            USERS,
            argument_types="users",
            return_type="SETOF users",
            setof=True,
        ),
        fn(
            "tbl",
            [
                arg("min", INT4, "integer", default=True),
                arg("n", INT4, "integer", "table"),
                arg("Label", TEXT, "text", "table"),
            ],
            RECORD,
            argument_types="min integer DEFAULT 0",
            return_type='TABLE(n integer, "Label" text)',
            setof=True,
        ),
        fn(
            "outs",
            [
                arg("x", INT4, "integer"),
                arg("a", INT4, "integer", "out"),
                arg("b", TEXT, "text", "out"),
            ],
            RECORD,
            argument_types="x integer, OUT a integer, OUT b text",
            return_type="record",
        ),
        fn(
            "v",
            [arg("xs", pg("_int4", "array"), "integer[]", "variadic")],
            VOID,
            argument_types="VARIADIC xs integer[]",
            return_type="void",
        ),
        fn("unnamed_int", [arg("", INT4, "integer")], argument_types="integer"),
    )
    return Schema(schemas=("public",), relations=(users,), functions=fns)


CONFLICT = (
    "Could not choose the best candidate function between: public.conflict(a => int4), "
    "public.conflict(a => text). Try renaming the parameters or the function itself in the "
    "database so function overloading can be resolved"
)
NODEF = (
    "Could not choose the best candidate function between: public.nodef(), public.nodef( => text). "
    "Try renaming the parameters or the function itself in the database so function overloading "
    "can be resolved"
)
LABEL = (
    "the function public.label with parameter or with a single unnamed json/jsonb parameter, "
    "but no matches were found in the schema cache"
)

S3_FUNCTIONS = f"""\
Functions: {{
  "9": {{ Args: never; Returns: number }}
  "10": {{ Args: never; Returns: number }}
  "01": {{ Args: never; Returns: number }}
  all_users: {{
    Args: never
    Returns: {{
      email: string
      id: number
    }}[]
    SetofOptions: {{
      from: "*"
      to: "users"
      isOneToOne: false
      isSetofReturn: true
    }}
  }}
  conflict:
    | {{
        Args: {{ a: number }}
        Returns: {{
          error: true
        }} & "{CONFLICT}"
      }}
    | {{
        Args: {{ a: string }}
        Returns: {{
          error: true
        }} & "{CONFLICT}"
      }}
  f: {{ Args: never; Returns: Json }} | {{ Args: {{ "": Json }}; Returns: Json }}
  g:
    | {{ Args: {{ a: number }}; Returns: number }}
    | {{ Args: {{ a: number; b: string }}; Returns: string }}
    | {{ Args: {{ b: string }}; Returns: string }}
  label: {{
    Args: {{ "": Database["public"]["Tables"]["users"]["Row"] }}
    Returns: {{
      error: true
    }} & "{LABEL}"
  }}
  nodef:
    | {{
        Args: never
        Returns: {{
          error: true
        }} & "{NODEF}"
      }}
    | {{ Args: {{ ""?: string }}; Returns: string }}
  one_user: {{
    Args: {{ uid: number }}
    Returns: {{
      email: string
      id: number
    }}
    SetofOptions: {{
      from: "*"
      to: "users"
      isOneToOne: true
      isSetofReturn: true
    }}
  }}
  outs: {{ Args: {{ x: number }}; Returns: Record<string, unknown> }}
  posts: {{
    Args: {{ "": Database["public"]["Tables"]["users"]["Row"] }}
    Returns: {{
      email: string
      id: number
    }}[]
    SetofOptions: {{
      from: "users"
      to: "users"
      isOneToOne: false
      isSetofReturn: true
    }}
  }}
  tbl: {{
    Args: {{ min?: number }}
    Returns: {{
      Label: string
      n: number
    }}[]
  }}
  v: {{ Args: {{ xs: number[] }}; Returns: undefined }}
}}"""


def test_functions() -> None:
    assert section(render(s3()), "public", "Functions") == S3_FUNCTIONS


def test_computed_fields_in_row() -> None:
    # label(users) and posts(users): argument text equals the table name. The
    # setof result gets no [] and the object is hugged by "| null".
    assert section(render(s3()), "public", "Tables").startswith(
        "Tables: {\n  users: {\n    Row: {\n      email: string\n      id: number\n"
        "      label: string | null\n      posts: {\n        email: string\n        id: number\n"
        "      } | null\n    }\n"
    )


def test_object_prototype_function_name_crashes() -> None:
    schema = Schema(schemas=("public",), functions=(fn("toString"),))
    with pytest.raises(TypegenError, match="toString"):
        render(schema)
    # Only included schemas count.
    render(Schema(schemas=("public", "x"), functions=(fn("valueOf", schema="x"),)))


def test_object_prototype_schema_with_enum_crashes() -> None:
    schema = Schema(schemas=("public",), enums=(Enum("constructor", "e", ("a",)),))
    with pytest.raises(TypegenError, match="constructor"):
        render(schema)


def test_trigger_functions_are_left_out() -> None:
    trig = fn("t", (), pg("trigger", "pseudo"), return_type="trigger")
    out = render(Schema(schemas=("public",), functions=(trig,)))
    assert database(out) == "export type Database = {\n" + EMPTY_SECTIONS + "\n}"


def test_rows_one_without_setof_options_keeps_array() -> None:
    # v0.96.6: `[]` iff setof and prorows > 1, whatever SetofOptions says.
    f = fn("ints", (), INT4, return_type="SETOF integer", setof=True, rows=1)
    g = fn("ints2", (), INT4, return_type="SETOF integer", setof=True, rows=2)
    out = section(render(Schema(schemas=("public",), functions=(f, g))), "public", "Functions")
    assert "  ints: { Args: never; Returns: number }\n" in out
    assert "  ints2: { Args: never; Returns: number[] }\n" in out


def test_array_suffix_binds_to_last_union_member() -> None:
    # setof of an enum from a non-included schema: "low"|"high"[] as the template writes it.
    f = fn("lv", (), LEVEL, return_type="SETOF hidden.level", setof=True)
    schema = Schema(
        schemas=("public",), functions=(f,), enums=(Enum("hidden", "level", ("low", "high")),)
    )
    assert '  lv: { Args: never; Returns: "low" | "high"[] }\n' in section(
        render(schema), "public", "Functions"
    )


# ---------------------------------------------------------------- relationships
#
# create table public.orgs (id int primary key, region text, code int, unique (region, code));
# create table public.members (id int primary key, org_id int references public.orgs(id) unique,
#   r text, c int, foreign key (r, c) references public.orgs(region, code));
# create view public.org_view as select id, id as id_again, region, code from public.orgs;
# create view public.member_view as select id, org_id, r, c from public.members;
# create materialized view public.org_mv as select id from public.orgs;


def s4() -> Schema:
    orgs = rel(
        "orgs",
        col("id", INT4, nullable=False),
        col("region"),
        col("code", INT4),
        pk=("id",),
        unique=(("region", "code"),),
    )
    members = rel(
        "members",
        col("id", INT4, nullable=False),
        col("org_id", INT4),
        col("r"),
        col("c", INT4),
        pk=("id",),
        unique=(("org_id",),),
    )

    def src(view_col: str, table: str, base: str) -> ColumnSource:
        return ColumnSource(view_col, "public", table, base)

    org_view = rel(
        "org_view",
        col("id", INT4),
        col("id_again", INT4),
        col("region"),
        col("code", INT4),
        kind="view",
        sources=(
            src("id", "orgs", "id"),
            src("id_again", "orgs", "id"),
            src("region", "orgs", "region"),
            src("code", "orgs", "code"),
        ),
    )
    member_view = rel(
        "member_view",
        col("id", INT4),
        col("org_id", INT4),
        col("r"),
        col("c", INT4),
        kind="view",
        sources=tuple(src(c, "members", c) for c in ("id", "org_id", "r", "c")),
    )
    org_mv = rel(
        "org_mv",
        col("id", INT4),
        kind="materialized_view",
        updatable=False,
        sources=(src("id", "orgs", "id"),),
    )
    return Schema(
        schemas=("public",),
        relations=(orgs, members, org_view, member_view, org_mv),
        foreign_keys=(
            ForeignKey(
                "members_org_id_fkey", "public", "members", ("org_id",), "public", "orgs", ("id",)
            ),
            ForeignKey(
                "members_r_c_fkey",
                "public",
                "members",
                ("r", "c"),
                "public",
                "orgs",
                ("region", "code"),
            ),
        ),
    )


def rel_obj(fk: str, cols: str, one: bool, target: str, ref: str, indent: str = "  ") -> str:
    lines = [
        "{",
        f'  foreignKeyName: "{fk}"',
        f"  columns: {cols}",
        f"  isOneToOne: {'true' if one else 'false'}",
        f'  referencedRelation: "{target}"',
        f"  referencedColumns: {ref}",
        "},",
    ]
    return "".join(f"{indent}{line}\n" for line in lines)


MEMBER_RELATIONSHIPS = (
    rel_obj("members_org_id_fkey", '["org_id"]', True, "org_mv", '["id"]')
    + rel_obj("members_org_id_fkey", '["org_id"]', True, "org_view", '["id_again"]')
    + rel_obj("members_org_id_fkey", '["org_id"]', True, "org_view", '["id"]')
    + rel_obj("members_org_id_fkey", '["org_id"]', True, "orgs", '["id"]')
    + rel_obj("members_r_c_fkey", '["r", "c"]', False, "org_view", '["region", "code"]')
    + rel_obj("members_r_c_fkey", '["r", "c"]', False, "orgs", '["region", "code"]')
)


def relationships_of(out: str, section_name: str, name: str) -> str:
    block = section(out, "public", section_name)
    start = block.index(f"\n  {name}: {{\n")
    start = block.index("    Relationships: [", start)
    end = block.index("\n    ]", start)
    return "\n".join(line[4:] for line in block[start:end].split("\n")[1:]) + "\n"


def test_table_relationships_include_views_exposing_the_key() -> None:
    # Base FK rows plus table->view rows (the view exposes the referenced key,
    # id twice: one row per view column), sorted by (fk, target, columns).
    assert relationships_of(render(s4()), "Tables", "members") == MEMBER_RELATIONSHIPS


def test_view_relationships_view_to_table_and_view_to_view() -> None:
    out = render(s4())
    assert relationships_of(out, "Views", "member_view") == MEMBER_RELATIONSHIPS
    assert (
        "  org_mv: {\n    Row: {\n      id: number | null\n    }\n    Relationships: []\n  }\n"
        in (section(out, "public", "Views"))
    )


def test_detect_one_to_one_off() -> None:
    out = render(s4(), detect_one_to_one=False)
    assert "isOneToOne" not in database(out)
    assert (
        '          {\n            foreignKeyName: "members_org_id_fkey"\n'
        '            columns: ["org_id"]\n            referencedRelation: "org_mv"\n'
    ) in out


def test_updatable_views_get_insert_and_update() -> None:
    views = section(render(s4()), "public", "Views")
    assert "  org_view: {\n    Row: {\n" in views
    assert "    Insert: {\n      code?: number | null\n      id?: number | null\n" in views


# ---------------------------------------------------------------- cross-schema names, domains
#
# create schema app;
# create type public.mood as enum ('a', 'b');  create type app.mood as enum ('x', 'y');
# create domain public.email as text;  create domain public.email2 as public.email;
# create table app.items (id int primary key, pm public.mood, e public.email not null,
#   e2 public.email2);
# create table public.things (id int primary key, e public.email);
# create view public.things_v as select id, e from public.things;
# create view public.things_ro as select count(*) as n from public.things;
# create function app.by_email(e public.email) returns public.email ...;
# create type app.pair as (a int, e public.email, m public.mood);


def s5() -> Schema:
    email = TypeRef("public", "email", "domain")
    email2 = TypeRef("public", "email2", "domain")
    pub_mood = TypeRef("public", "mood", "enum")
    items = rel(
        "items",
        col("id", INT4, nullable=False),
        col("pm", pub_mood),
        col("e", email, nullable=False),
        col("e2", email2),
        schema="app",
        pk=("id",),
    )
    things = rel("things", col("id", INT4, nullable=False), col("e", email), pk=("id",))
    things_v = rel(
        "things_v",
        col("id", INT4),
        col("e", email),
        kind="view",
        sources=(
            ColumnSource("id", "public", "things", "id"),
            ColumnSource("e", "public", "things", "e"),
        ),
    )
    things_ro = rel("things_ro", col("n", INT8), kind="view", updatable=False)
    return Schema(
        schemas=("public", "app"),
        relations=(items, things, things_v, things_ro),
        enums=(Enum("public", "mood", ("a", "b")), Enum("app", "mood", ("x", "y"))),
        domains=(Domain("public", "email", TEXT), Domain("public", "email2", email)),
        composites=(
            CompositeType(
                "app",
                "pair",
                (Attribute("a", INT4), Attribute("e", email), Attribute("m", pub_mood)),
            ),
        ),
        functions=(
            fn(
                "by_email",
                [arg("e", email, "email")],
                email,
                schema="app",
                argument_types="e email",
                return_type="email",
            ),
        ),
    )


def test_cross_schema_enum_resolves_to_current_schema() -> None:
    # app.items.pm is public.mood, but app has its own "mood": the name wins.
    out = render(s5(), ["public", "app"])
    assert section(out, "app", "Tables").startswith(
        "Tables: {\n  items: {\n    Row: {\n      e: string\n      e2: unknown\n      id: number\n"
        '      pm: Database["app"]["Enums"]["mood"] | null\n    }\n'
    )


def test_domains() -> None:
    out = render(s5(), ["public", "app"])
    # Columns use the immediate base type; function args/results and
    # composite attributes use the domain's own name: unknown.
    assert section(out, "app", "Functions") == (
        "Functions: {\n  by_email: { Args: { e: unknown }; Returns: unknown }\n}"
    )
    assert section(out, "app", "CompositeTypes") == (
        "CompositeTypes: {\n  pair: {\n    a: number | null\n    e: unknown\n"
        '    m: Database["app"]["Enums"]["mood"] | null\n  }\n}'
    )
    assert "  things: {\n    Row: {\n      e: string | null\n" in section(out, "public", "Tables")


def test_not_updatable_view_has_no_insert() -> None:
    views = section(render(s5(), ["public", "app"]), "public", "Views")
    assert views.startswith(
        "Views: {\n  things_ro: {\n    Row: {\n      n: number | null\n    }\n"
        "    Relationships: []\n  }\n  things_v: {\n"
    )


def test_constants_for_every_schema() -> None:
    assert constants(render(s5(), ["app", "public"])) == (
        "export const Constants = {\n"
        '  app: {\n    Enums: {\n      mood: ["x", "y"],\n    },\n  },\n'
        '  public: {\n    Enums: {\n      mood: ["a", "b"],\n    },\n  },\n'
        "} as const\n\n"
    )


# ---------------------------------------------------------------- speed


def test_big_schema_renders_fast() -> None:
    def cols(i: int) -> tuple[Column, ...]:
        return (
            col("id", INT8, nullable=False),
            col(f"name_{i}"),
            col("created_at", pg("timestamptz"), nullable=False),
            col("owner_id", pg("uuid")),
        )

    rels = tuple(rel(f"table_{i:03d}", *cols(i), pk=("id",)) for i in range(500))
    fns = tuple(
        fn(
            f"fn_{i}",
            [arg("a", INT4, "integer"), arg("b", TEXT, "text")],
            argument_types="a integer, b text",
        )
        for i in range(100)
    )
    schema = Schema(schemas=("public",), relations=rels, functions=fns)
    out = render(schema)  # speed is measured in bench/typegen, not asserted here
    assert out.count("Relationships: []") == 500
    assert render(schema) == out  # deterministic, also with warm caches
