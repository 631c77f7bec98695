"""Shadow replay: Supabase stand-ins, whole-file replay, exact error positions.

The stand-ins run against both the test server (Debian's Postgres 15 when it
is there) and the embedded Postgres 18: their extension sets differ (15 has
uuid-ossp and pgcrypto but no pgvector; 18 has pgvector but neither of the
others), which exercises both the real-extension and the stand-in paths.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest

from pgdrift.embedded import EmbeddedPostgres
from pgdrift.migrations_files import MigrationFile, default_schemas, find_migrations
from pgdrift.sources.shadow import (
    MigrationFailed,
    replay,
    shadow_database,
    shadow_schema,
    standin_sections,
)

MakeDb = Callable[..., str]

PROJECT = Path(__file__).parent.parent / "fixtures" / "projects" / "supabase_basic"


@pytest.fixture(scope="module")
def embedded_url() -> Iterator[str]:
    with EmbeddedPostgres() as pg:
        yield pg.url


@pytest.fixture(params=["server", "embedded"])
def any_server(request: pytest.FixtureRequest) -> str:
    """The test server, then the embedded Postgres 18."""
    name = "server_url" if request.param == "server" else "embedded_url"
    url: str = request.getfixturevalue(name)
    return url


@pytest.fixture
def fresh_db(embedded_url: str) -> MakeDb:
    """Databases on the module's embedded server (fsync off: cheap to create;
    never dropped, the server goes away whole)."""

    def make() -> str:
        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(embedded_url, autocommit=True) as conn:
            conn.execute(f'create database "{name}"')
        return embedded_url.rsplit("/", 1)[0] + "/" + name

    return make


def _one(conn: psycopg.Connection[tuple[object, ...]], query: str) -> object:
    row = conn.execute(query).fetchone()
    assert row is not None
    return row[0]


def _databases(server: str) -> set[str]:
    """The shadow databases on ``server`` (other suites may share it)."""
    with psycopg.connect(server, autocommit=True) as conn:
        rows = conn.execute(
            "select datname from pg_database where datname like 'pgdrift\\_shadow\\_%'"
        ).fetchall()
    return {str(r[0]) for r in rows}


def write_migration(
    tmp_path: Path, text: str, name: str = "20240101000000_test.sql"
) -> MigrationFile:
    path = tmp_path / "supabase" / "migrations" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    version, _, rest = name.partition("_")
    return MigrationFile(path, version, rest.removesuffix(".sql"), f"supabase/migrations/{name}")


# ------------------------------------------------------------------ success


def test_supabase_project_replays(any_server: str) -> None:
    files = find_migrations(PROJECT).files
    notes: list[str] = []
    before = _databases(any_server)
    with shadow_database(files, supabase=True, server_url=any_server, notes=notes) as url:
        assert "/pgdrift_shadow_" in url and url.startswith("postgresql://")
        with psycopg.connect(url, autocommit=True) as conn:
            tables = conn.execute(
                "select c.relname from pg_class c where c.relnamespace = 'public'::regnamespace"
                " and c.relkind = 'r' order by 1"
            ).fetchall()
            assert [t[0] for t in tables] == ["documents", "notes", "profiles", "tags"]
            columns = conn.execute(
                "select attname, format_type(atttypid, atttypmod), attnotnull from pg_attribute"
                " where attrelid = 'public.documents'::regclass and attnum > 0 order by attnum"
            ).fetchall()
            assert columns == [
                ("id", "uuid", True),
                ("owner_id", "uuid", True),
                ("body", "text", True),
                ("embedding", "vector(3)", False),
            ]
            # The file after the `set search_path = ''` one used unqualified names.
            assert _one(conn, "select count(*) from pg_attribute where attname = 'tag_id'") == 1
            assert _one(conn, "show search_path") == '"$user", public, extensions'
            assert _one(conn, "select public from storage.buckets where id = 'avatars'") is True
            assert (
                _one(
                    conn,
                    "select count(*) from pg_publication_tables"
                    " where pubname = 'supabase_realtime' and tablename = 'documents'",
                )
                == 1
            )
            assert _one(
                conn, "select schedule from cron.job where jobname = 'purge-documents'"
            ) == ("0 3 * * *")
            assert (
                _one(conn, "select count(*) from pg_policy where polname like 'Avatar uploads%'")
                == 1
            )
            # The trigger on auth.users reads raw_user_meta_data, as real ones do.
            conn.execute(
                "insert into auth.users (id, raw_user_meta_data)"
                " values ('00000000-0000-0000-0000-0000000000aa', '{\"username\": \"ada\"}')"
            )
            assert _one(conn, "select username from public.profiles") == "ada"
            assert _one(conn, "select pg_typeof(extensions.uuid_generate_v4())::text") == "uuid"
    # The shadow database is gone; cluster-wide roles stay.
    assert _databases(any_server) == before
    joined = "\n".join(notes)
    with psycopg.connect(any_server) as conn:
        has_vector = _one(
            conn, "select count(*) from pg_available_extensions where name = 'vector'"
        )
    if has_vector:
        assert "hnsw" not in joined
    else:
        assert "20240101000000_init.sql:3:1: extension vector is not available" in joined
        assert "20240101000000_init.sql:21:1: skipped CREATE INDEX USING hnsw" in joined


def test_shadow_schema_introspects(server_url: str) -> None:
    found = find_migrations(PROJECT)
    schema = shadow_schema(
        found.files, default_schemas(PROJECT), supabase=found.is_supabase, server_url=server_url
    )
    assert schema.schemas == ("public", "graphql_public")
    profiles = schema.relation("public", "profiles")
    assert profiles is not None
    assert [c.name for c in profiles.columns] == [
        "id",
        "username",
        "role",
        "avatar_url",
        "updated_at",
    ]
    assert profiles.rls_enabled
    documents = schema.relation("public", "documents")
    assert documents is not None
    embedding = documents.column("embedding")
    assert embedding is not None and embedding.type.name == "vector"
    assert [e.labels for e in schema.enums if e.name == "user_role"] == [("member", "admin")]
    assert any(
        (fk.table, fk.referenced_schema, fk.referenced_table) == ("profiles", "auth", "users")
        for fk in schema.foreign_keys
    )
    graphql = [f for f in schema.functions if f.schema == "graphql_public"]
    assert [f.name for f in graphql] == ["graphql"]
    assert graphql[0].argument_types == (
        '"operationName" text DEFAULT NULL::text, query text DEFAULT NULL::text,'
        " variables jsonb DEFAULT NULL::jsonb, extensions jsonb DEFAULT NULL::jsonb"
    )


def test_plain_project_on_embedded_server(tmp_path: Path) -> None:
    """No server given: an embedded one is started and stopped. Without
    ``supabase``, missing extensions get stand-ins where the project puts them."""
    migration = write_migration(
        tmp_path,
        'create extension if not exists "uuid-ossp";\n'
        "create schema app;\n"
        "create extension pg_jsonschema with schema app;\n"
        "create table items (\n"
        "  id uuid primary key default uuid_generate_v4(),\n"
        "  data jsonb check (app.jsonb_matches_schema('{}', data))\n"
        ");\n",
    )
    notes: list[str] = []
    with (
        shadow_database([migration], supabase=False, notes=notes) as url,
        psycopg.connect(url) as conn,
    ):
        assert _one(conn, "select 'public.uuid_generate_v4'::regproc::text") == ("uuid_generate_v4")
        assert _one(conn, "select to_regnamespace('auth')") is None
        assert _one(conn, "select count(*) from pg_roles where rolname = 'anon'") in (0, 1)
    assert any("extension uuid-ossp is not available" in n for n in notes)
    assert any("extension pg_jsonschema is not available" in n for n in notes)


def test_session_is_reset_between_files(make_db: MakeDb, tmp_path: Path) -> None:
    first = write_migration(
        tmp_path,
        "create temp table scratch (x int);\nset search_path = '';\nset statement_timeout = 1;\n",
        "1_first.sql",
    )
    second = write_migration(
        tmp_path,
        "create table t (x int);\ncreate temp table scratch (x int);\nselect pg_sleep(0.01);\n",
        "2_second.sql",
    )
    url = make_db()
    replay(url, [first, second], supabase=False)
    with psycopg.connect(url) as conn:
        assert _one(conn, "select to_regclass('public.t') is not null") is True


def test_role_and_prepared_statements_do_not_leak(make_db: MakeDb, tmp_path: Path) -> None:
    role = f"pgdrift_replay_{uuid.uuid4().hex[:8]}"
    first = write_migration(
        tmp_path,
        f"create role {role};\ngrant create on schema public to {role};\n"
        f"set role {role};\nprepare q as select 1;\nlisten pgdrift;\n",
        "1_first.sql",
    )
    second = write_migration(
        tmp_path, "create table owned (x int);\nprepare q as select 2;\n", "2_second.sql"
    )
    url = make_db()
    try:
        replay(url, [first, second], supabase=False)
        with psycopg.connect(url) as conn:
            # The second file ran as the connecting user again, not as the role.
            owner = "select tableowner = current_user from pg_tables where tablename = 'owned'"
            assert _one(conn, owner) is True
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"drop owned by {role}")
            conn.execute(f"drop role {role}")


def test_database_defaults_set_by_a_file_reach_the_next(make_db: MakeDb, tmp_path: Path) -> None:
    url = make_db()
    with psycopg.connect(url) as conn:
        name = _one(conn, "select current_database()")
    first = write_migration(
        tmp_path,
        f'create schema app;\nalter database "{name}" set search_path = app, public;\n',
        "1_first.sql",
    )
    # A new session (as on Supabase, where each file gets one) sees the new default.
    second = write_migration(tmp_path, "create table t (x int);\n", "2_second.sql")
    replay(url, [first, second], supabase=False)
    with psycopg.connect(url) as conn:
        assert _one(conn, "select to_regclass('app.t') is not null") is True


def test_open_transaction_is_committed_with_a_note(make_db: MakeDb, tmp_path: Path) -> None:
    migration = write_migration(tmp_path, "begin;\ncreate table t (x int);\n")
    url = make_db()
    notes: list[str] = []
    replay(url, [migration], supabase=False, notes=notes)
    with psycopg.connect(url) as conn:
        assert _one(conn, "select to_regclass('public.t') is not null") is True
    assert notes == [
        "supabase/migrations/20240101000000_test.sql: ends inside a transaction block; committed"
    ]


def test_bom_and_crlf(fresh_db: MakeDb, tmp_path: Path) -> None:
    path = tmp_path / "1_bom.sql"
    path.write_bytes("\ufeffcreate table t (x int);\r\nselect * from nope;\r\n".encode())
    with pytest.raises(MigrationFailed) as info:
        replay(fresh_db(), [MigrationFile(path, "1", "bom")], supabase=False)
    assert (info.value.line, info.value.column) == (2, 15)


def test_unknown_extension_is_skipped_with_a_note(fresh_db: MakeDb, tmp_path: Path) -> None:
    migration = write_migration(
        tmp_path,
        "create extension if not exists pgsodium;\n"
        "comment on extension pgsodium is 'x';\n"
        "create table t (x int);\n",
    )
    notes: list[str] = []
    replay(fresh_db(), [migration], supabase=True, notes=notes)
    assert any(":1:1: skipped CREATE EXTENSION pgsodium" in n for n in notes)
    assert any(":2:1: skipped COMMENT ON EXTENSION pgsodium" in n for n in notes)


def test_roles_are_created_concurrently_once() -> None:
    """Roles are cluster-wide: replays starting at once on a fresh server must
    not trip over each other creating them."""
    roles_sql = standin_sections()["roles"]
    errors: list[BaseException] = []
    with EmbeddedPostgres() as pg:
        conns = [psycopg.connect(pg.url, autocommit=True) for _ in range(4)]
        barrier = threading.Barrier(len(conns))

        def run(conn: psycopg.Connection[tuple[object, ...]]) -> None:
            try:
                barrier.wait()
                conn.execute(roles_sql.encode())
            except BaseException as exc:  # collected for the assertion below
                errors.append(exc)

        threads = [threading.Thread(target=run, args=(c,)) for c in conns]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for c in conns:
            c.close()
        assert errors == []
        with psycopg.connect(pg.url) as conn:
            assert _one(conn, "select count(*) from pg_roles where rolname = 'service_role'") == 1
            members = _one(conn, "select count(*) from pg_auth_members")
            assert isinstance(members, int) and members >= 3
        replay(pg.url, [], supabase=True)  # and once more, with everything in place


def test_standin_sections_are_complete() -> None:
    sections = standin_sections()
    assert {"roles", "platform", "uuid-ossp", "pgcrypto", "vector", "pg_cron", "pg_net"} <= set(
        sections
    )
    assert "@extschema@" in sections["vector"]
    # Projects install these themselves, sometimes in public: never pre-installed.
    joined = "\n".join(sections.values()).lower()
    for name in ("pg_trgm", "citext", "unaccent"):
        assert name not in joined


# ------------------------------------------------------------------ failures

# Each case: the file's text, the text the error must point at (its first
# occurrence, or the one after «), and a fragment of the message.
FAILURES = {
    "missing relation": (
        "create table profiles (id int);\n\n-- a comment\nselect *\n  from profiles\n"
        "  join profilez on true;\n",
        "profilez",
        'relation "profilez" does not exist',
    ),
    "no position: duplicate policy": (
        "create table t (id int);\ncreate policy p on t using (true);\n"
        "  «create policy p on t using (true);\n",
        "create policy",
        'policy "p" for table "t" already exists',
    ),
    "inside a DO block": (
        "create table a (id int);\ndo $$\nbegin\n  insert into missing_table values (1);\nend $$;\n",
        "missing_table",
        'relation "missing_table" does not exist',
    ),
    "raise in a DO block": (
        "do $$\nbegin\n  perform 1;\n  raise exception 'nope %', 1;\nend $$;\n",
        "raise exception",
        "nope 1",
    ),
    "plpgsql syntax": (
        "create function f() returns int language plpgsql as $$\nbegin\n  retrun 1;\nend $$;\n",
        "retrun",
        'syntax error at or near "retrun"',
    ),
    "after a multi-byte comment": (
        "-- café 🚀 naïve\nselect 1; select * from «profilez;\n",
        "profilez",
        'relation "profilez" does not exist',
    ),
    "after a skipped extension": (
        "create extension if not exists pgsodium;\ncreate table t (id int);\n"
        "alter table t add column x nope_type;\n",
        "nope_type",
        'type "nope_type" does not exist',
    ),
    "inside its own transaction": (
        "begin;\ncreate table t (id int);\ncommit;\nbegin;\ninsert into t values ('x');\ncommit;\n",
        "'x'",
        "invalid input syntax for type integer",
    ),
    "no position: a re-run statement": (
        "create table t (id int);\n  «create table t (id int);\n",
        "create table",
        'relation "t" already exists',
    ),
}


@pytest.mark.parametrize("case", list(FAILURES))
def test_failure_reports_file_line_column(fresh_db: MakeDb, tmp_path: Path, case: str) -> None:
    text, needle, message = FAILURES[case]
    marker = text.find("«")
    text = text.replace("«", "")
    offset = text.index(needle, marker if marker >= 0 else 0)
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1

    migration = write_migration(tmp_path, text)
    with pytest.raises(MigrationFailed) as info:
        replay(fresh_db(), [migration], supabase=True)
    err = info.value
    assert message in err.message
    assert (err.line, err.column) == (line, column), str(err)
    assert err.offset == offset
    assert str(err).startswith(f"supabase/migrations/20240101000000_test.sql:{line}:{column}: ")
    assert err.file == migration


def test_failure_names_the_right_file_and_keeps_earlier_ones(
    make_db: MakeDb, tmp_path: Path
) -> None:
    good = write_migration(tmp_path, "create table ok (id int);\n", "1_good.sql")
    bad = write_migration(tmp_path, "\n\n   select nope;\n", "2_bad.sql")
    url = make_db()
    with pytest.raises(MigrationFailed) as info:
        replay(url, [good, bad], supabase=False)
    assert str(info.value) == 'supabase/migrations/2_bad.sql:3:11: column "nope" does not exist'
    assert info.value.sqlstate == "42703"


def test_failed_shadow_database_is_dropped(embedded_url: str, tmp_path: Path) -> None:
    # On the module's own server: concurrent runs on a shared one create
    # shadow databases of their own.
    bad = write_migration(tmp_path, "select * from nowhere;\n")
    assert _databases(embedded_url) == set()
    with (
        pytest.raises(MigrationFailed),
        shadow_database([bad], supabase=False, server_url=embedded_url),
    ):
        pytest.fail("replay should have failed")  # pragma: no cover
    assert _databases(embedded_url) == set(), "the failed shadow database was left behind"


def test_invalid_utf8_is_reported(fresh_db: MakeDb, tmp_path: Path) -> None:
    path = tmp_path / "1_latin1.sql"
    path.write_bytes(b"select 1;\n-- caf\xe9\n")
    with pytest.raises(MigrationFailed) as info:
        replay(fresh_db(), [MigrationFile(path, "1", "latin1", "1_latin1.sql")], supabase=False)
    assert str(info.value) == "1_latin1.sql:2:7: migration is not valid UTF-8"


def test_duplicate_extension_stand_in(fresh_db: MakeDb, tmp_path: Path) -> None:
    """A second CREATE EXTENSION (no IF NOT EXISTS) of a stood-in extension fails
    as Postgres would fail it."""
    name = f"n{uuid.uuid4().hex[:6]}"
    migration = write_migration(
        tmp_path,
        f"create schema {name};\n"
        f"create extension pg_jsonschema with schema {name};\n"
        f"create extension pg_jsonschema with schema {name};\n",
    )
    with pytest.raises(MigrationFailed) as info:
        replay(fresh_db(), [migration], supabase=False)
    assert (info.value.line, info.value.message) == (3, 'extension "pg_jsonschema" already exists')
