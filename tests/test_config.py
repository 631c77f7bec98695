"""Configuration: defaults from the Supabase layout, validation with lines, pgdrift init."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from pgdrift.checks.finding import Severity
from pgdrift.config import (
    Boundary,
    ConfigError,
    DatabaseRef,
    TypesFile,
    config_findings,
    find_root,
    glob_matches,
    key_lines,
    load_config,
    render_init,
)


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root.resolve()


def line_of(path: Path, needle: str) -> int:
    """The 0-based line holding ``needle``: expected lines are found, not counted."""
    for number, line in enumerate(path.read_text().splitlines()):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def test_defaults_without_any_file(tmp_path: Path) -> None:
    config = load_config(tmp_path)
    assert config.path is None
    assert config.migrations == ("supabase/migrations/*.sql",)
    assert config.schemas == ("public",)
    assert config.local_db == DatabaseRef(
        "PGDRIFT_LOCAL_DB_URL", "postgresql://postgres:postgres@127.0.0.1:54322/postgres"
    )
    assert config.remote_db == DatabaseRef("PGDRIFT_REMOTE_DB_URL")
    assert config.types == ()
    assert config.boundary == Boundary(None, ("scripts/validate/**",), ())
    assert config.problems == ()


def test_defaults_from_the_supabase_layout_and_existing_types(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "supabase/config.toml": (
                'project_id = "demo"\n[api]\nschemas = ["public", "graphql_public"]\n'
                "[db]\nport = 6543\n"
            ),
            "types/database.local.ts": "",
        },
    )
    config = load_config(root)
    assert config.supabase is not None
    assert config.supabase.db_port == 6543
    assert config.schemas == ("public", "graphql_public")
    assert config.local_db.url({}) == "postgresql://postgres:postgres@127.0.0.1:6543/postgres"
    assert config.local_db.url({"PGDRIFT_LOCAL_DB_URL": "postgresql://x@h/db"}) == (
        "postgresql://x@h/db"
    )
    # Only the types files that exist are defaults.
    assert config.types == (TypesFile("types/database.local.ts", "local", "typescript"),)
    # Without [api].schemas: what `supabase gen types` includes by default.
    (root / "supabase" / "config.toml").write_text('project_id = "demo"\n')
    assert load_config(root).schemas == ("public", "graphql_public")
    (root / "supabase" / "config.toml").write_text('[api]\nschemas = ["api", "public"]\n')
    assert load_config(root).schemas == ("api", "public")
    (root / "supabase" / "config.toml").write_text('[api]\nschemas = ["api"]\n')
    assert load_config(root).schemas == ("public", "api")


FULL = """\
migrations = ["prisma/migrations/*/migration.sql"]
schemas = ["public", "app"]

[databases]
local = { env = "DEV_DB" }
remote = { env = "PROD_DB" }

[[types]]
path = "./src/types/db.local.ts"
source = "local"

[[types]]
path = "py/remote_types.py"
source = "remote"

[boundary]
app = ["src/**", "services/**"]
allow-remote = ["scripts/validate/**", "tools/drift.ts"]
canonical = ["src/lib/database.ts"]

[severity]
PGD302 = "error"
drift = "off"
PGD3 = "info"
remote-types-import = "warning"
"""


def test_every_key(tmp_path: Path) -> None:
    root = write(tmp_path, {"pgdrift.toml": FULL})
    config = load_config(root, strict=True)
    assert config.path == root / "pgdrift.toml"
    assert config.migrations == ("prisma/migrations/*/migration.sql",)
    assert config.schemas == ("public", "app")
    assert config.local_db.env == "DEV_DB"
    assert config.remote_db == DatabaseRef("PROD_DB")
    assert config.types == (
        TypesFile("src/types/db.local.ts", "local", "typescript"),
        TypesFile("py/remote_types.py", "remote", "python"),
    )
    assert config.boundary == Boundary(
        ("src/**", "services/**"),
        ("scripts/validate/**", "tools/drift.ts"),
        ("src/lib/database.ts",),
    )
    assert config.severity == {
        "PGD302": Severity.ERROR,
        "drift": None,
        "PGD3": Severity.INFO,
        "remote-types-import": Severity.WARNING,
    }


def test_pyproject_tool_table(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {"pyproject.toml": '[project]\nname = "x"\n\n[tool.pgdrift]\nschemas = ["api"]\n'},
    )
    config = load_config(root)
    assert (config.path, config.schemas) == (root / "pyproject.toml", ("api",))
    with (root / "pyproject.toml").open("a") as f:
        f.write("bogus = true\n")
    [problem] = load_config(root).problems
    assert (problem.line, problem.message) == (
        5,
        "unknown key `bogus`; known keys: "
        + ("migrations, schemas, databases, types, boundary, severity"),
    )


def test_pgdrift_toml_wins_over_pyproject(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "pyproject.toml": '[tool.pgdrift]\nschemas = ["from_pyproject"]\n',
            "pgdrift.toml": 'schemas = ["from_pgdrift"]\n',
        },
    )
    assert load_config(root).schemas == ("from_pgdrift",)


def test_a_pyproject_without_our_table_is_ignored_even_when_broken(tmp_path: Path) -> None:
    root = write(tmp_path, {"pyproject.toml": "[project\nname = 'x'\n"})
    config = load_config(root)
    assert (config.path, config.problems) == (None, ())


def problems(root: Path) -> list[tuple[int, str]]:
    return [(p.line, p.message) for p in load_config(root).problems]


def test_unknown_keys_are_reported_with_their_line_and_a_suggestion(tmp_path: Path) -> None:
    text = (
        'schemas = ["public"]\n'
        "migration = []\n"
        "[boundary]\n"
        'allow_remote = ["x/**"]\n'
        "[[types]]\n"
        'path = "a.ts"\n'
        'source = "local"\n'
        "[[types]]\n"
        'path = "b.ts"\n'
        'source = "remote"\n'
        'lang = "ts"\n'
        "[databases]\n"
        'local = { env = "X", url = "y" }\n'
    )
    root = write(tmp_path, {"pgdrift.toml": text})
    config_file = root / "pgdrift.toml"
    assert problems(root) == [
        (
            line_of(config_file, "migration ="),
            "unknown key `migration`; did you mean `migrations`?",
        ),
        (
            line_of(config_file, "local = {"),
            "unknown key `url` in [databases.local]; known keys: env",
        ),
        (
            line_of(config_file, "lang ="),
            "unknown key `lang` in [[types]]; known keys: path, source",
        ),
        (
            line_of(config_file, "allow_remote"),
            "unknown key `allow_remote` in [boundary]; did you mean `allow-remote`?",
        ),
    ]


def test_bad_values_fall_back_to_defaults(tmp_path: Path) -> None:
    text = (
        'migrations = "supabase/migrations/*.sql"\n'
        "schemas = []\n"
        "[[types]]\n"
        'path = "types/db.json"\n'
        'source = "local"\n'
        "[[types]]\n"
        'path = "types/x.ts"\n'
        'source = "prod"\n'
        "[boundary]\n"
        "app = [\n"
        '  "src/**",\n'
        "  3,\n"
        "]\n"
        'canonical = "src/lib/database.ts"\n'
        "[severity]\n"
        'PGD301 = "fatal"\n'
        'nonsense = "off"\n'
    )
    root = write(tmp_path, {"pgdrift.toml": text})
    f = root / "pgdrift.toml"
    config = load_config(root)
    assert [(p.line, p.message) for p in config.problems] == [
        (line_of(f, "migrations ="), "`migrations` must be a list of strings, not a string"),
        (line_of(f, "schemas ="), "`schemas` must not be empty"),
        (
            line_of(f, "db.json"),
            "cannot tell the language of types/db.json: expected .ts, .d.ts or .py",
        ),
        (line_of(f, '"prod"'), '[[types]] `source` must be "local" or "remote" (\'prod\')'),
        (line_of(f, "app = ["), "`boundary.app` must be a list of strings, not an array"),
        (
            line_of(f, "canonical ="),
            "`boundary.canonical` must be a list of strings, not a string",
        ),
        (
            line_of(f, "PGD301 ="),
            "[severity] PGD301 = 'fatal': expected one of error, warning, info, off",
        ),
        (
            line_of(f, "nonsense"),
            "[severity] key `nonsense` is not a check code (PGD301), code prefix (PGD3), "
            "check name or family",
        ),
    ]
    assert config.migrations == ("supabase/migrations/*.sql",)
    assert config.schemas == ("public",)
    assert config.types == ()
    assert config.boundary.app is None


def test_severity_keys_that_name_no_check_are_reported(tmp_path: Path) -> None:
    text = (
        "[severity]\n"
        'PGD505 = "off"\n'
        'PGD999 = "off"\n'
        'PGD3011 = "off"\n'
        'pgd301 = "off"\n'
        'boundry = "off"\n'
        'PGD6 = "off"\n'
        'unknown-colum = "off"\n'
        # Every kind of valid key: code, prefixes, family, name.
        'PGD504 = "info"\n'
        'PGD50 = "warning"\n'
        'PGD = "error"\n'
        'drift = "off"\n'
        'unknown-column = "info"\n'
    )
    root = write(tmp_path, {"pgdrift.toml": text})
    f = root / "pgdrift.toml"
    config = load_config(root)
    assert [(p.path, p.line, p.message) for p in config.problems] == [
        (
            f,
            line_of(f, "PGD505"),
            "[severity] key `PGD505` is not the code of any check; did you mean `PGD504`?",
        ),
        (f, line_of(f, "PGD999"), "[severity] key `PGD999` is not the code of any check"),
        (
            f,
            line_of(f, "PGD3011"),
            "[severity] key `PGD3011` is not a check code (PGD301), code prefix (PGD3), "
            "check name or family; did you mean `PGD301`?",
        ),
        (
            f,
            line_of(f, "pgd301"),
            "[severity] key `pgd301` is not a check code (PGD301), code prefix (PGD3), "
            "check name or family; did you mean `PGD301`?",
        ),
        (
            f,
            line_of(f, "boundry"),
            "[severity] key `boundry` is not a check code (PGD301), code prefix (PGD3), "
            "check name or family; did you mean `boundary`?",
        ),
        (f, line_of(f, "PGD6 "), "[severity] key `PGD6` is a code prefix no check has"),
        (
            f,
            line_of(f, "unknown-colum "),
            "[severity] key `unknown-colum` is not a check code (PGD301), code prefix (PGD3), "
            "check name or family; did you mean `unknown-column`?",
        ),
    ]
    assert config.severity == {
        "PGD504": Severity.INFO,
        "PGD50": Severity.WARNING,
        "PGD": Severity.ERROR,
        "drift": None,
        "unknown-column": Severity.INFO,
    }


def test_a_single_types_table_is_read_as_one_entry(tmp_path: Path) -> None:
    files = {
        "pgdrift.toml": '\n[types]\npath = "types/db.ts"\nsource = "local"\n',
        "types/database.local.ts": "",
        "types/database.remote.ts": "",
    }
    root = write(tmp_path, files)
    config = load_config(root)
    assert [(p.line, p.message) for p in config.problems] == [
        (
            1,
            "`types` must be an array of tables: write `[[types]]` (two brackets) before each "
            "types file; read as one entry; the default types/database.remote.ts is used too",
        )
    ]
    assert config.types == (
        TypesFile("types/db.ts", "local", "typescript"),
        TypesFile("types/database.remote.ts", "remote", "typescript"),
    )
    # Its keys' mistakes are reported at their own lines.
    (root / "pgdrift.toml").write_text('[types]\npath = "types/db.ts"\nsource = "prod"\n')
    config = load_config(root)
    assert [(p.line, p.message[:30]) for p in config.problems] == [
        (2, '[[types]] `source` must be "lo'),
        (0, "`types` must be an array of ta"),
    ]
    # No usable entry: the defaults, both of them.
    assert [t.path for t in config.types] == ["types/database.local.ts", "types/database.remote.ts"]


@pytest.mark.parametrize(
    ("value", "line"),
    [
        ('types = "types/db.ts"\n', 0),
        ("types = 3\n", 0),
        ('[types.local]\npath = "types/db.ts"\n', 0),
        ('[[types]]\npath = "types/db.json"\nsource = "local"\n', 1),
    ],
)
def test_unusable_types_fall_back_to_the_default_files(
    tmp_path: Path, value: str, line: int
) -> None:
    files = {"pgdrift.toml": value, "types/database.local.ts": "", "types/database.remote.ts": ""}
    config = load_config(write(tmp_path, files))
    [problem] = config.problems
    assert problem.line == line
    assert config.types == (
        TypesFile("types/database.local.ts", "local", "typescript"),
        TypesFile("types/database.remote.ts", "remote", "typescript"),
    )


def test_an_empty_types_list_means_no_types_files(tmp_path: Path) -> None:
    files = {"pgdrift.toml": "types = []\n", "types/database.local.ts": ""}
    config = load_config(write(tmp_path, files))
    assert (config.problems, config.types) == ((), ())


def test_a_database_url_is_refused_and_never_echoed(tmp_path: Path) -> None:
    secret = "postgresql://postgres:hunter2@db.example.com/postgres"
    root = write(
        tmp_path,
        {"pgdrift.toml": f'[databases]\nremote = "{secret}"\nlocal = {{ env = "{secret}" }}\n'},
    )
    config = load_config(root)
    text = "\n".join(str(p) for p in config.problems)
    assert "hunter2" not in text
    assert "databases.remote is a database URL" in text
    assert "databases.local.env is a URL" in text
    assert config.remote_db.env == "PGDRIFT_REMOTE_DB_URL"


def test_invalid_toml_is_reported_at_its_line(tmp_path: Path) -> None:
    root = write(tmp_path, {"pgdrift.toml": 'schemas = ["public"]\n\n[boundary\napp = []\n'})
    [problem] = load_config(root).problems
    assert problem.line == 2
    assert problem.message.startswith("invalid TOML:")


def test_broken_supabase_config_is_reported(tmp_path: Path) -> None:
    root = write(tmp_path, {"supabase/config.toml": "[db]\nport = 'x'\n"})
    config = load_config(root)
    assert [(p.path.name, p.line, p.message) for p in config.problems] == [
        ("config.toml", 1, "[db].port must be a port number, not 'x'")
    ]
    assert config.local_db.default_url is not None
    assert ":54322/" in config.local_db.default_url


def test_strict_loading_raises_with_file_and_line(tmp_path: Path) -> None:
    root = write(tmp_path, {"pgdrift.toml": "\nbogus = 1\n"})
    with pytest.raises(ConfigError) as caught:
        load_config(root, strict=True)
    assert str(caught.value) == f"{root / 'pgdrift.toml'}:2: unknown key `bogus`; known keys: " + (
        "migrations, schemas, databases, types, boundary, severity"
    )


def test_problems_become_findings_on_their_line(tmp_path: Path) -> None:
    root = write(tmp_path, {"pgdrift.toml": "\nbogus = 1\n"})
    [finding] = config_findings(load_config(root))
    assert finding.code == "PGD002"
    assert (finding.span.start_line, finding.span.start_col, finding.span.end_col) == (1, 0, 9)


def test_key_lines_of_array_tables_inline_tables_and_multiline_values() -> None:
    text = (
        "[tool.pgdrift]\n"
        "migrations = [\n"
        '  "a = b",  # not a key\n'
        "]\n"
        "[[tool.pgdrift.types]]\n"
        'path = "x"\n'
        "[[tool.pgdrift.types]]\n"
        'path = "y"\n'
        "[tool.pgdrift.databases]\n"
        'local = { env = "X" }\n'
    )
    lines = key_lines(text)
    assert lines[("tool", "pgdrift", "migrations")] == 1
    assert lines[("tool", "pgdrift", "types", 1, "path")] == 7
    assert lines[("tool", "pgdrift", "databases", "local", "env")] == 9
    assert ("tool", "pgdrift", "a") not in lines


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("src/**", "src/a/b.ts", True),
        ("src/**", "srcx/a.ts", False),
        ("**/*.test.*", "a/b/c.test.ts", True),
        ("**/*.test.*", "c.test.ts", True),
        ("scripts/validate", "scripts/validate/x/y.ts", True),
        ("scripts/validate", "scripts/validated.ts", False),
        ("./src/*.ts", "src/a.ts", True),
        ("src/*.ts", "src/a/b.ts", False),
        ("src/{lib,app}/**", "src/app/x.ts", True),
        ("src/[ab].ts", "src/b.ts", True),
        ("src/[!ab].ts", "src/b.ts", False),
        ("a/**/b.ts", "a/b.ts", True),
        ("a/**/b.ts", "a/x/y/b.ts", True),
    ],
)
def test_globs(pattern: str, path: str, expected: bool) -> None:
    assert glob_matches(pattern, path) is expected


def test_find_root_prefers_the_configured_directory(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            ".git/HEAD": "",
            "web/pgdrift.toml": "",
            "web/src/app.ts": "",
            "other/src/x.ts": "",
        },
    )
    assert find_root(root / "web" / "src" / "app.ts") == root / "web"
    assert find_root(root / "other" / "src") == root


def test_init_reflects_the_detected_layout_and_loads_cleanly(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "supabase/config.toml": '[api]\nschemas = ["public", "storage"]\n[db]\nport = 55432\n',
            "supabase/migrations/20240101000000_init.sql": "",
            "types/database.local.ts": "",
            "types/database.remote.ts": "",
            "src/lib/database.ts": "",
        },
    )
    text = render_init(root)
    data = tomllib.loads(text)
    assert data["migrations"] == ["supabase/migrations/*.sql"]
    assert data["schemas"] == ["public", "storage"]
    assert data["databases"] == {
        "local": {"env": "PGDRIFT_LOCAL_DB_URL"},
        "remote": {"env": "PGDRIFT_REMOTE_DB_URL"},
    }
    assert data["types"] == [
        {"path": "types/database.local.ts", "source": "local"},
        {"path": "types/database.remote.ts", "source": "remote"},
    ]
    assert data["boundary"] == {"app": ["src/**"], "allow-remote": ["scripts/validate/**"]}
    assert "port 55432" in text
    assert '# canonical = ["src/lib/database.ts"]' in text
    (root / "pgdrift.toml").write_text(text)
    assert load_config(root, strict=True).schemas == ("public", "storage")


def test_init_in_an_empty_directory(tmp_path: Path) -> None:
    text = render_init(tmp_path)
    (tmp_path / "pgdrift.toml").write_text(text)
    config = load_config(tmp_path, strict=True)
    assert config.boundary.app is None


def test_migrations_on_the_first_line_of_the_config_are_used(tmp_path: Path) -> None:
    from pgdrift.project import Project

    root = write(
        tmp_path,
        {
            "pgdrift.toml": 'migrations = ["db/*.sql"]\n',
            "db/001_init.sql": "create table t (id int);\n",
        },
    )
    project = Project.load(root)
    assert [f.path.name for f in project.migrations.files] == ["001_init.sql"]
