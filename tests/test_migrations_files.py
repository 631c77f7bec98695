"""Finding migration files: Supabase, Prisma and glob layouts; config.toml."""

from __future__ import annotations

from pathlib import Path

from pgdrift.migrations_files import (
    DEFAULT_API_SCHEMAS,
    DEFAULT_DB_PORT,
    default_schemas,
    find_migrations,
    is_supabase_project,
    parse_migration_name,
    read_supabase_config,
)

FIXTURES = Path(__file__).parent / "fixtures" / "projects"


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_supabase_fixture() -> None:
    root = FIXTURES / "supabase_basic"
    found = find_migrations(root)
    assert found.layout == "supabase"
    assert found.is_supabase
    assert [f.version for f in found.files] == [
        "20240101000000",
        "20240102000000",
        "20240103000000",
        "20240104000000",
    ]
    assert found.files[0].name == "init"
    assert found.files[0].relpath == "supabase/migrations/20240101000000_init.sql"
    assert found.files[0].path == root / found.files[0].relpath
    assert [p.name for p in found.skipped] == ["README.md"]
    assert found.duplicates == ()
    assert found.config is not None
    assert found.config.db_port == 54322
    assert found.config.error is None
    assert is_supabase_project(root)
    # config.toml lists "public" twice; the result keeps the first.
    assert default_schemas(root) == ["public", "graphql_public"]


def test_ordering_is_by_file_name_and_names_are_filtered(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "supabase/config.toml": "",
            "supabase/migrations/20240102000000_b.sql": "",
            "supabase/migrations/20240101000000_a.sql": "",
            # A 10-digit version sorts by name, not by number: "1700..." < "2024...".
            "supabase/migrations/1700000000_unix_time.sql": "",
            "supabase/migrations/9_single_digit.sql": "",
            "supabase/migrations/seed.sql": "",
            "supabase/migrations/20240103000000-dash.sql": "",
            "supabase/migrations/20240104000000_upper.SQL": "",
            "supabase/migrations/20240105000000_.sql": "",
            "supabase/migrations/20240106000000_dir.sql/keep": "",
        },
    )
    found = find_migrations(tmp_path)
    assert [f.path.name for f in found.files] == [
        "1700000000_unix_time.sql",
        "20240101000000_a.sql",
        "20240102000000_b.sql",
        "20240105000000_.sql",
        "9_single_digit.sql",
    ]
    assert found.files[-2].name == ""
    assert sorted(p.name for p in found.skipped) == [
        "20240103000000-dash.sql",
        "20240104000000_upper.SQL",
        "seed.sql",
    ]


def test_legacy_init_file_is_skipped_only_first(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "supabase/config.toml": "",
            "supabase/migrations/20211208000000_init.sql": "",
            "supabase/migrations/20211210000000_init.sql": "",
        },
    )
    found = find_migrations(tmp_path)
    assert [f.path.name for f in found.files] == ["20211210000000_init.sql"]
    assert [p.name for p in found.skipped] == ["20211208000000_init.sql"]


def test_duplicate_versions_are_reported(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "supabase/config.toml": "",
            "supabase/migrations/20240101000000_a.sql": "",
            "supabase/migrations/20240101000000_b.sql": "",
            "supabase/migrations/20240102000000_c.sql": "",
        },
    )
    found = find_migrations(tmp_path)
    assert len(found.files) == 3
    assert len(found.duplicates) == 1
    dup = found.duplicates[0]
    assert dup.version == "20240101000000"
    assert [f.name for f in dup.files] == ["a", "b"]


def test_prisma_layout(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "prisma/schema.prisma": "",
            "prisma/migrations/migration_lock.toml": 'provider = "postgresql"',
            "prisma/migrations/20230102000000_add_posts/migration.sql": "",
            "prisma/migrations/20230101000000_init/migration.sql": "",
            "prisma/migrations/20230103000000_empty/README": "",
        },
    )
    found = find_migrations(tmp_path)
    assert found.layout == "prisma"
    assert not found.is_supabase
    assert [(f.version, f.name) for f in found.files] == [
        ("20230101000000", "init"),
        ("20230102000000", "add_posts"),
    ]
    assert found.files[0].relpath == "prisma/migrations/20230101000000_init/migration.sql"
    assert default_schemas(tmp_path) == ["public"]


def test_globs_order_by_path(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "db/b/002_second.sql": "",
            "db/a/010_tenth.sql": "",
            "db/a/notes.sql": "",
            "db/a/readme.txt": "",
            "prisma/migrations/20230101000000_init/migration.sql": "",
        },
    )
    found = find_migrations(
        tmp_path, ["db/**/*.sql", "prisma/migrations/*/migration.sql", "db/a/*.sql"]
    )
    assert found.layout == "glob"
    assert [(f.relpath, f.version, f.name) for f in found.files] == [
        ("db/a/010_tenth.sql", "010", "tenth"),
        ("db/a/notes.sql", "", "notes"),
        ("db/b/002_second.sql", "002", "second"),
        ("prisma/migrations/20230101000000_init/migration.sql", "20230101000000", "init"),
    ]


def test_no_migrations(tmp_path: Path) -> None:
    found = find_migrations(tmp_path)
    assert found.layout == "none"
    assert found.files == ()
    assert read_supabase_config(tmp_path) is None
    assert default_schemas(tmp_path) == ["public"]


def test_config_defaults_and_errors(tmp_path: Path) -> None:
    write(tmp_path, {"supabase/config.toml": "[db]\nmajor_version = 15\n"})
    config = read_supabase_config(tmp_path)
    assert config is not None
    assert (config.db_port, config.api_schemas, config.error) == (
        DEFAULT_DB_PORT,
        DEFAULT_API_SCHEMAS,
        None,
    )
    assert default_schemas(tmp_path) == ["public", "graphql_public"]
    assert config.major_version == 15 and find_migrations(tmp_path).server_version == 15

    write(tmp_path, {"supabase/config.toml": '[api]\nschemas = ["api", "public"]\n'})
    assert default_schemas(tmp_path) == ["public", "api"]

    write(tmp_path, {"supabase/config.toml": "[db]\nport = 'x'\n[api]\nschemas = 3\n"})
    config = read_supabase_config(tmp_path)
    assert config is not None and config.error is not None
    assert "[db].port" in config.error and "[api].schemas" in config.error
    assert config.db_port == DEFAULT_DB_PORT

    write(tmp_path, {"supabase/config.toml": "[db]\nmajor_version = '17'\n"})
    config = read_supabase_config(tmp_path)
    assert config is not None and config.error is not None
    assert "[db].major_version must be a Postgres major version" in config.error
    assert config.major_version is None and find_migrations(tmp_path).server_version == 15

    write(tmp_path, {"supabase/config.toml": "[db\nport = 1\n"})
    config = read_supabase_config(tmp_path)
    assert config is not None and config.error is not None
    assert "line 1" in config.error
    # A broken config.toml still means a Supabase project; discovery goes on.
    assert find_migrations(tmp_path).layout == "supabase"


def test_parse_migration_name() -> None:
    assert parse_migration_name("20240101000000_create_users.sql") == (
        "20240101000000",
        "create_users",
    )
    assert parse_migration_name("1_a_b.sql") == ("1", "a_b")
    assert parse_migration_name("seed.sql") is None
    assert parse_migration_name("1_a.sql.bak") is None
