"""``pgdrift.typegen.python``: postgres-meta 0.96.6's Python template.

Unit tests build schemas by hand and assert exact fragments. The oracle tests
load ``tests/fixtures/typegen/python/*.sql`` into fresh databases and compare
with the real generator byte for byte; ``crash/*.sql`` are schemas the
generator throws on, where pgdrift's output must import and type-check;
``known_diffs/*.sql`` are expected failures, schemas whose output depends on a
fact the model does not record. Each fixture's first line is
``-- schemas: a,b`` (the included schemas).
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from pgdrift.model import (
    Attribute,
    Column,
    CompositeType,
    Domain,
    Enum,
    IdentityKind,
    Relation,
    RelationKind,
    Schema,
    TypeKind,
    TypeRef,
)
from pgdrift.typegen.python import render_python

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "typegen" / "python"

HEADER = """\
from __future__ import annotations

import datetime
import uuid
from typing import (
    Annotated,
    Any,
    List,
    Literal,
    NotRequired,
    Optional,
    TypeAlias,
    TypedDict,
)

from pydantic import BaseModel, Field, Json
"""


# --------------------------------------------------------------------------- builders


def ref(name: str, schema: str = "pg_catalog", kind: TypeKind = "base") -> TypeRef:
    if name.startswith("_") and kind == "base":
        kind = "array"
    return TypeRef(schema, name, kind)


def col(
    name: str,
    type_: str | TypeRef = "text",
    *,
    nullable: bool = True,
    default: str | None = None,
    identity: IdentityKind | None = None,
) -> Column:
    type_ref = ref(type_) if isinstance(type_, str) else type_
    return Column(name, type_ref, type_ref.name, nullable, default, identity)


def rel(
    name: str, *columns: Column, schema: str = "public", kind: RelationKind = "table"
) -> Relation:
    return Relation(schema, name, kind, columns)


def render(schemas: Sequence[str] = ("public",), **parts: object) -> str:
    return render_python(Schema(schemas=tuple(schemas), **parts), schemas)  # type: ignore[arg-type]


def body(output: str) -> str:
    """The output after the imports header."""
    assert output.startswith(HEADER)
    return output[len(HEADER) :]


# --------------------------------------------------------------------------- layout


def test_empty_schema_is_the_header_and_one_newline() -> None:
    assert render() == HEADER.rstrip("\n") + "\n"


def test_table_row_insert_and_update() -> None:
    users = rel(
        "users",
        col("id", "int8", nullable=False, identity="ALWAYS"),
        col("name", "text", nullable=False),
        col("note", "text", default="'n/a'::text"),
        col("created_at", "timestamptz", nullable=False, default="now()"),
        col("tags", "_text"),
        col("serial_no", "int4", nullable=False, default="nextval('s'::regclass)"),
    )
    # No enums: their empty section still leaves its blank lines.
    assert body(render(relations=(users,))) == (
        "\n\n\n"
        "class PublicUsers(BaseModel):\n"
        '    created_at: datetime.datetime = Field(alias="created_at")\n'
        '    id: int = Field(alias="id")\n'
        '    name: str = Field(alias="name")\n'
        '    note: Optional[str] = Field(alias="note")\n'
        '    serial_no: int = Field(alias="serial_no")\n'
        '    tags: Optional[List[str]] = Field(alias="tags")\n'
        "\n"
        "class PublicUsersInsert(TypedDict):\n"
        '    created_at: NotRequired[Annotated[datetime.datetime, Field(alias="created_at")]]\n'
        '    id: NotRequired[Annotated[int, Field(alias="id")]]\n'
        '    name: Annotated[str, Field(alias="name")]\n'
        '    note: NotRequired[Annotated[Optional[str], Field(alias="note")]]\n'
        '    serial_no: NotRequired[Annotated[int, Field(alias="serial_no")]]\n'
        '    tags: NotRequired[Annotated[Optional[List[str]], Field(alias="tags")]]\n'
        "\n"
        "class PublicUsersUpdate(TypedDict):\n"
        '    created_at: NotRequired[Annotated[datetime.datetime, Field(alias="created_at")]]\n'
        '    id: NotRequired[Annotated[int, Field(alias="id")]]\n'
        '    name: NotRequired[Annotated[str, Field(alias="name")]]\n'
        '    note: NotRequired[Annotated[Optional[str], Field(alias="note")]]\n'
        '    serial_no: NotRequired[Annotated[int, Field(alias="serial_no")]]\n'
        '    tags: NotRequired[Annotated[Optional[List[str]], Field(alias="tags")]]\n'
    )


def test_empty_classes_get_pass() -> None:
    out = render(relations=(rel("nothing"),))
    assert "class PublicNothing(BaseModel):\n    pass\n\n" in out
    assert "class PublicNothingInsert(TypedDict):\n    pass\n\n" in out
    assert out.endswith("class PublicNothingUpdate(TypedDict):\n    pass\n")


def test_columns_sort_by_icu_collation_not_ascii() -> None:
    names = ["Zeta", "zeta", "B", "user-name", "userName", "username", "user_name", "a1", "a_b"]
    out = render(relations=(rel("t", *(col(n) for n in names)),))
    model = out.split("class PublicT(BaseModel):\n")[1].split("\n\n")[0]
    aliases = [line.split('alias="')[1][:-2] for line in model.splitlines()]
    assert aliases == [
        "a_b",
        "a1",
        "B",
        "user_name",
        "user-name",
        "username",
        "userName",
        "zeta",
        "Zeta",
    ]


def test_sections_come_in_template_order() -> None:
    out = render(
        relations=(
            rel("m", col("x", "int4"), kind="materialized_view"),
            rel("v", col("x", "int4"), kind="view"),
            rel("f", col("x", "int4"), kind="foreign_table"),
            rel("p", col("x", "int4"), kind="partitioned_table"),
            rel("t", col("x", "int4")),
        ),
        composites=(CompositeType("public", "c", (Attribute("x", ref("int4")),)),),
        enums=(Enum("public", "e", ("a",)),),
    )
    classes = [line for line in out.splitlines() if line.startswith(("class ", "PublicE"))]
    assert classes == [
        'PublicE: TypeAlias = Literal["a"]',
        "class PublicP(BaseModel):",
        "class PublicPInsert(TypedDict):",
        "class PublicPUpdate(TypedDict):",
        "class PublicT(BaseModel):",
        "class PublicTInsert(TypedDict):",
        "class PublicTUpdate(TypedDict):",
        "class PublicV(BaseModel):",
        "class PublicM(BaseModel):",
        "class PublicC(BaseModel):",
    ]
    # Views and matviews have no Insert/Update; foreign tables are not printed.
    assert "PublicF" not in out


def test_relations_outside_included_schemas_are_left_out() -> None:
    schema = Schema(
        schemas=("public", "app"),
        relations=(rel("a", schema="app"), rel("b")),
    )
    assert "AppA" not in render_python(schema, ["public"])
    assert "class AppA(BaseModel)" in render_python(schema, ["app"])
    # No list means every schema of the model (the variable being unset).
    assert "class AppA(BaseModel)" in render_python(schema, [])


# --------------------------------------------------------------------------- enums


def test_enum_aliases_are_keyed_by_name_newest_wins_at_first_position() -> None:
    out = render(
        ("public", "app"),
        enums=(
            Enum("public", "mood", ("happy", "sad")),
            Enum("hidden", "level", ("low",)),
            Enum("app", "mood", ("calm",)),
            Enum("public", "empty", ()),
        ),
        relations=(rel("t", col("m", ref("mood", "public", "enum"))),),
    )
    assert body(out).startswith(
        '\nAppMood: TypeAlias = Literal["calm"]\n\nHiddenLevel: TypeAlias = Literal["low"]\n\n'
    )
    assert "PublicMood" not in out
    assert 'm: Optional[AppMood] = Field(alias="m")' in out
    assert "Empty" not in out


def test_integer_like_enum_names_come_first_like_js_object_keys() -> None:
    out = render(
        enums=(
            Enum("public", "b", ("x",)),
            Enum("public", "42", ("x",)),
            Enum("public", "7", ("x",)),
            Enum("public", "07", ("x",)),
        )
    )
    aliases = [line.split(":")[0] for line in body(out).splitlines() if "TypeAlias" in line]
    assert aliases == ["Public7", "Public42", "PublicB", "Public07"]


def test_enum_labels_and_aliases_are_pasted_unescaped() -> None:
    out = render(
        enums=(Enum("public", "q", ('it\'s "x"', "back\\slash")),),
        relations=(rel("t", col('we"ird')),),
    )
    assert 'PublicQ: TypeAlias = Literal["it\'s "x"", "back\\slash"]' in out
    assert 'we_ird: Optional[str] = Field(alias="we"ird")' in out


# --------------------------------------------------------------------------- types


@pytest.mark.parametrize(
    ("pg_type", "python"),
    [
        ("bool", "bool"),
        ("int2", "int"),
        ("int8", "int"),
        ("float4", "float"),
        ("numeric", "float"),
        ("bytea", "bytes"),
        ("bpchar", "str"),
        ("varchar", "str"),
        ("date", "datetime.date"),
        ("timetz", "datetime.time"),
        ("timestamp", "datetime.datetime"),
        ("uuid", "uuid.UUID"),
        ("interval", "str"),
        ("json", "Json[Any]"),
        ("jsonb", "Json[Any]"),
        ("tstzrange", "str"),
        ("datemultirange", "str"),
        ("inet", "PgCatalogInet"),  # unmapped built-ins name a class nobody defines
        ("money", "PgCatalogMoney"),
        ("_int4", "List[int]"),
        ("_jsonb", "List[Json[Any]]"),
        ("_inet", "List[PgCatalogInet]"),
    ],
)
def test_builtin_type_map(pg_type: str, python: str) -> None:
    out = render(relations=(rel("t", col("c", pg_type, nullable=False)),))
    assert f'    c: {python} = Field(alias="c")\n' in out


def test_extension_types_map_by_name_whatever_their_schema() -> None:
    out = render(
        relations=(
            rel(
                "t",
                col("a", ref("citext", "extensions"), nullable=False),
                col("b", ref("vector", "public"), nullable=False),
                col("c", ref("hstore", "extensions"), nullable=False),
            ),
        )
    )
    assert 'a: str = Field(alias="a")' in out
    assert 'b: list[Any] = Field(alias="b")' in out
    assert 'c: ExtensionsHstore = Field(alias="c")' in out


def test_domain_columns_resolve_one_level() -> None:
    domains = (
        Domain("public", "email", ref("citext", "public")),
        Domain("public", "work_email", ref("email", "public", "domain")),
        Domain("public", "labels", ref("_text")),
        Domain("public", "positive", ref("int4"), not_null=True),
    )
    out = render(
        domains=domains,
        relations=(
            rel(
                "t",
                col("a", ref("email", "public", "domain")),
                col("b", ref("work_email", "public", "domain")),
                col("c", ref("labels", "public", "domain")),
                col("d", ref("positive", "public", "domain"), nullable=False),
                col("e", ref("_email", "public", "array")),
                col("f", ref("cardinal_number", "information_schema", "domain")),
            ),
        ),
    )
    assert 'a: Optional[str] = Field(alias="a")' in out
    assert 'b: Optional[PublicEmail] = Field(alias="b")' in out
    assert 'c: Optional[List[str]] = Field(alias="c")' in out
    assert 'd: int = Field(alias="d")' in out
    assert 'e: Optional[List[PublicEmail]] = Field(alias="e")' in out
    assert 'f: Optional[int] = Field(alias="f")' in out


def test_relation_row_types_name_their_class() -> None:
    users = rel("users", col("id", "int4"))
    holder = rel("holder", col("u", ref("users", "public", "relation")))
    remote = rel("remote", col("id", "int4"), kind="foreign_table")
    uses_remote = rel("r", col("x", ref("remote", "public", "relation")))
    out = render(relations=(users, holder, remote, uses_remote))
    assert 'u: Optional[PublicUsers] = Field(alias="u")' in out
    # Foreign tables' row types are not in postgres-meta's types list.
    assert 'x: Optional[Any] = Field(alias="x")' in out


def test_arrays_of_foreign_table_rows_do_not_crash_the_template() -> None:
    # The array type (typrelid 0) is in the type list, its element is not.
    remote = rel("remote", col("id", "int4"), kind="foreign_table")
    comp = CompositeType("public", "c", (Attribute("rs", ref("_remote", "public", "array")),))
    out = render(relations=(remote,), composites=(comp,))
    assert 'rs: List[Any] = Field(alias="rs")' in out


def test_object_prototype_names_print_what_javascript_finds() -> None:
    tables = tuple(rel(n, col("id", "int4")) for n in ("constructor", "toString", "valueOf"))
    user = rel(
        "u",
        col("a", ref("constructor", "public", "relation"), nullable=False),
        col("b", ref("toString", "public", "relation"), nullable=False),
        col("c", ref("_valueOf", "public", "array"), nullable=False),
        # Every leading underscore means a list, whatever the type really is.
        col("d", ref("__x", "public", "composite"), nullable=False),
    )
    out = render(relations=(*tables, user))
    assert 'a: Object = Field(alias="a")' in out
    assert 'b: toString = Field(alias="b")' in out
    assert 'c: List[valueOf] = Field(alias="c")' in out
    assert 'd: List[List[Any]] = Field(alias="d")' in out


def test_names_fold_to_pascal_and_snake_case() -> None:
    out = render(
        ("my-schema",),
        relations=(
            rel(
                "Weird Table-Name",
                col("user-name"),
                col("CamelCase"),
                col("naïve"),
                col("__x__"),
                schema="my-schema",
            ),
        ),
    )
    assert "class MySchemaWeirdTableName(BaseModel):" in out
    assert 'user_name: Optional[str] = Field(alias="user-name")' in out
    assert 'camelcase: Optional[str] = Field(alias="CamelCase")' in out
    assert 'na_ve: Optional[str] = Field(alias="naïve")' in out
    assert '_x_: Optional[str] = Field(alias="__x__")' in out


# --------------------------------------------------------------------------- composites


def test_composites_keep_attnum_order_are_required_and_use_raw_type_names() -> None:
    out = render(
        ("public", "app"),
        domains=(Domain("public", "short", ref("varchar")),),
        composites=(
            CompositeType(
                "public",
                "address",
                (
                    Attribute("street", ref("text")),
                    Attribute("zip", ref("short", "public", "domain")),
                    Attribute("lines", ref("_text")),
                ),
            ),
            CompositeType("public", "none", ()),
            CompositeType("hidden", "secret", (Attribute("x", ref("int4")),)),
            CompositeType(
                "app", "pair", (Attribute("b", ref("int4")), Attribute("a", ref("int4")))
            ),
        ),
    )
    empty_sections = "\n" * 9  # enums, tables, views and matviews leave blank lines
    assert body(out) == empty_sections + (
        "class PublicAddress(BaseModel):\n"
        '    street: str = Field(alias="street")\n'
        '    zip: PublicShort = Field(alias="zip")\n'
        '    lines: List[str] = Field(alias="lines")\n'
        "\n"
        "class AppPair(BaseModel):\n"
        '    b: int = Field(alias="b")\n'
        '    a: int = Field(alias="a")\n'
    )


# --------------------------------------------------------------------------- crash cases


def _crashing_schema() -> Schema:
    """public.address(m public.mood) while app.mood is newer: v0.96.6 throws."""
    mood = ref("mood", "public", "enum")
    return Schema(
        schemas=("public", "app"),
        enums=(Enum("public", "mood", ("happy", "sad")), Enum("app", "mood", ("calm",))),
        composites=(CompositeType("public", "address", (Attribute("m", mood),)),),
        relations=(
            rel(
                "user_roles",
                col("id", "int4", nullable=False, identity="ALWAYS"),
                col("m", mood, nullable=False),
                col("am", ref("mood", "app", "enum")),
                col("addr", ref("address", "public", "composite")),
                col("inet", "inet"),
                col("class"),
                col("_hidden"),
                col("1st"),
                col("json", "jsonb"),
                col("ab"),
                col("aB"),
                col('quote"d\\'),
            ),
            rel("UserRoles", col("x", "int4")),
            rel("user_roles_insert", col("x", "int4")),
            rel("v", col("m", mood), kind="view"),
        ),
    )


def test_crash_case_resolves_every_reference_to_its_own_type() -> None:
    out = render_python(_crashing_schema(), ["public", "app"])
    assert 'PublicMood: TypeAlias = Literal["happy", "sad"]' in out
    assert 'AppMood: TypeAlias = Literal["calm"]' in out
    assert 'm: PublicMood = Field(alias="m")' in out
    assert 'am: Optional[AppMood] = Field(alias="am")' in out
    assert 'addr: Optional[PublicAddress] = Field(alias="addr")' in out
    assert 'inet: Optional[Any] = Field(alias="inet")' in out


def test_crash_case_names_are_unique_valid_identifiers() -> None:
    out = render_python(_crashing_schema(), ["public", "app"])
    assert "class PublicUserRoles(BaseModel):" in out
    assert "class PublicUserRoles_2(BaseModel):" in out
    # user_roles_insert would print as PublicUserRolesInsert, which the Insert
    # dict of user_roles already is.
    assert "class PublicUserRolesInsert_2(BaseModel):" in out
    for line in (
        'class_: Optional[str] = Field(alias="class")',
        'hidden: Optional[str] = Field(alias="_hidden")',
        'field_1st: Optional[str] = Field(alias="1st")',
        'json_: Optional[Json[Any]] = Field(alias="json")',
        'ab: Optional[str] = Field(alias="ab")',
        'ab_2: Optional[str] = Field(alias="aB")',
        'quote_d_: Optional[str] = Field(alias="quote\\"d\\\\")',
    ):
        assert f"    {line}\n" in out
    compile(out, "types.py", "exec")


def test_corrected_field_names_avoid_every_basemodel_attribute() -> None:
    pytest.importorskip("pydantic")
    from pydantic import BaseModel

    from pgdrift.typegen.python import _BASEMODEL_ATTRS

    public = {name for name in dir(BaseModel) if not name.startswith("_")}
    assert public <= _BASEMODEL_ATTRS


def test_no_crash_when_the_attribute_names_the_newest_type() -> None:
    schema = Schema(
        schemas=("public",),
        enums=(Enum("public", "mood", ("a",)), Enum("app", "mood", ("b",))),
        composites=(
            CompositeType("public", "c", (Attribute("m", ref("mood", "app", "enum")),)),
            CompositeType("public", "d", (Attribute("ms", ref("_mood", "app", "array")),)),
        ),
    )
    out = render_python(schema, ["public"])
    assert "PublicMood" not in out  # the template's single alias per name
    assert 'm: AppMood = Field(alias="m")' in out
    assert 'ms: List[AppMood] = Field(alias="ms")' in out


@pytest.mark.parametrize(
    ("attribute", "line"),
    [
        # Arrays collide with their elements: both schemas have a "_mood".
        (ref("_mood", "public", "array"), 'x: List[PublicMood] = Field(alias="x")'),
        # Foreign tables' row types are not in the template's type list.
        (ref("remote", "public", "relation"), 'x: Any = Field(alias="x")'),
    ],
)
def test_other_crash_triggers(attribute: TypeRef, line: str) -> None:
    schema = Schema(
        schemas=("public",),
        enums=(Enum("public", "mood", ("a",)), Enum("other", "mood", ("b",))),
        relations=(rel("remote", col("id", "int4"), kind="foreign_table"),),
        composites=(CompositeType("public", "c", (Attribute("x", attribute),)),),
    )
    out = render_python(schema, ["public"])
    assert 'PublicMood: TypeAlias = Literal["a"]' in out  # corrected: one alias per enum
    assert f"    {line}\n" in out


def test_crash_case_output_imports_and_type_checks(tmp_path: Path) -> None:
    _check_importable(render_python(_crashing_schema(), ["public", "app"]), tmp_path)


# --------------------------------------------------------------------------- helpers


def _check_importable(source: str, tmp_path: Path) -> None:
    """Import ``source`` as a module, build every model, and run mypy --strict on it."""
    pytest.importorskip("pydantic")
    pytest.importorskip("mypy")
    from pydantic import BaseModel

    name = f"pgdrift_generated_{uuid.uuid4().hex[:8]}"
    path = tmp_path / f"{name}.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # pydantic resolves forward references through it
    try:
        spec.loader.exec_module(module)
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, BaseModel)
                and value.__module__ == name
            ):
                value.model_rebuild(raise_errors=True)
    finally:
        del sys.modules[name]
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            "--cache-dir",
            str(tmp_path / ".mypy_cache"),
            path.name,
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr


# --------------------------------------------------------------------------- oracle


def _fixture_schemas(path: Path) -> list[str]:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("-- schemas: "), f"{path.name}: first line must list the schemas"
    return first.removeprefix("-- schemas: ").split(",")


COMPAT = sorted(FIXTURES.glob("*.sql"))
CRASH = sorted((FIXTURES / "crash").glob("*.sql"))
# Schemas where the model lacks a fact the generator's output depends on.
KNOWN_DIFFS = sorted((FIXTURES / "known_diffs").glob("*.sql"))
# Fixtures whose (generator-identical) output is also valid, checkable Python.
TYPE_CHECKED = {"empty.sql", "supabase_like.sql", "views.sql"}


def _generate(make_db: Callable[..., str], path: Path) -> tuple[str, list[str], str]:
    from pgdrift.sources.catalog import introspect_url

    schemas = _fixture_schemas(path)
    url = make_db(path.read_text(encoding="utf-8"))
    return url, schemas, render_python(introspect_url(url, schemas, read_only=True), schemas)


@pytest.mark.oracle
@pytest.mark.parametrize("path", COMPAT, ids=lambda p: p.stem)
def test_matches_the_real_generator(
    make_db: Callable[..., str], path: Path, tmp_path: Path
) -> None:
    from oracle import run_oracle

    url, schemas, ours = _generate(make_db, path)
    expected = run_oracle(url, schemas, lang="python")
    assert ours == expected
    if path.name in TYPE_CHECKED:
        _check_importable(ours, tmp_path)


@pytest.mark.oracle
@pytest.mark.parametrize("path", CRASH, ids=lambda p: p.stem)
def test_generator_crash_cases_give_importable_python(
    make_db: Callable[..., str], path: Path, tmp_path: Path
) -> None:
    from oracle import OracleError, run_oracle

    url, schemas, ours = _generate(make_db, path)
    with pytest.raises(
        OracleError, match=r"Cannot read properties of undefined \(reading 'name'\)"
    ):
        run_oracle(url, schemas, lang="python")
    _check_importable(ours, tmp_path)


@pytest.mark.oracle
def test_the_shared_sample_schema_crashes_the_generator_but_not_pgdrift(
    make_db: Callable[..., str], tmp_path: Path
) -> None:
    from oracle import OracleError, run_oracle
    from pgdrift.sources.catalog import introspect_url

    sample = FIXTURES.parent / "sample_schema.sql"
    if not sample.is_file():
        pytest.skip("tests/fixtures/typegen/sample_schema.sql is missing")
    schemas = ["public", "app"]
    url = make_db(sample.read_text(encoding="utf-8"))
    ours = render_python(introspect_url(url, schemas, read_only=True), schemas)
    with pytest.raises(OracleError, match="Cannot read properties of undefined"):
        run_oracle(url, schemas, lang="python")
    # public.address has "m public.mood" while app.mood is newer.
    assert 'm: PublicMood = Field(alias="m")' in ours
    _check_importable(ours, tmp_path)


@pytest.mark.oracle
@pytest.mark.xfail(strict=True, reason="views come in physical order, the model has oid order")
@pytest.mark.parametrize("path", KNOWN_DIFFS, ids=lambda p: p.stem)
def test_known_differences(make_db: Callable[..., str], path: Path) -> None:
    from oracle import run_oracle

    url, schemas, ours = _generate(make_db, path)
    assert ours == run_oracle(url, schemas, lang="python")


def test_fixture_lists_are_not_empty() -> None:
    assert len(COMPAT) >= 8
    assert CRASH
