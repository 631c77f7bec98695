"""Regenerate server/pgdrift/sources/pg_builtins.json from a live Postgres.

The static migrations source needs Postgres' built-in types, casts, operators,
functions and keywords to resolve expressions as the server does. They are
read from ``pg_catalog`` of a real server (run against a stock database):

    .venv/bin/python tools/gen_pg_builtins.py postgresql://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import psycopg

OUT = Path(__file__).resolve().parent.parent / "server/pgdrift/sources/pg_builtins.json"

TYPES = """
SELECT t.typname, t.typtype, t.typcategory, t.typispreferred,
  coalesce(e.typname, ''), coalesce(a.typname, ''), t.typlen
FROM pg_type t
LEFT JOIN pg_type e ON e.oid = t.typelem AND e.typarray = t.oid
LEFT JOIN pg_type a ON a.oid = t.typarray
WHERE t.typnamespace = 'pg_catalog'::regnamespace
ORDER BY t.oid
"""

CASTS = """
SELECT s.typname, t.typname, c.castcontext, c.castmethod
FROM pg_cast c JOIN pg_type s ON s.oid = c.castsource JOIN pg_type t ON t.oid = c.casttarget
WHERE s.typnamespace = 'pg_catalog'::regnamespace AND t.typnamespace = 'pg_catalog'::regnamespace
ORDER BY c.oid
"""

PROCS = """
SELECT p.proname,
  ARRAY(SELECT format('%s', t.typname) FROM unnest(p.proargtypes::oid[]) WITH ORDINALITY a(oid, i)
        JOIN pg_type t ON t.oid = a.oid ORDER BY a.i),
  coalesce((SELECT typname FROM pg_type WHERE oid = p.provariadic), ''),
  r.typname, p.proretset, p.pronargdefaults, p.prokind, p.provolatile,
  coalesce((SELECT array_agg(ARRAY[coalesce(p.proargnames[a.i], ''), t.typname::text, a.mode::text]
                             ORDER BY a.i)
            FROM unnest(p.proallargtypes, p.proargmodes) WITH ORDINALITY a(oid, mode, i)
            JOIN pg_type t ON t.oid = a.oid
            WHERE a.mode IN ('o', 'b', 't')), '{}')
FROM pg_proc p JOIN pg_type r ON r.oid = p.prorettype
WHERE p.pronamespace = 'pg_catalog'::regnamespace AND p.prokind IN ('f', 'a', 'w')
ORDER BY p.oid
"""

OPERATORS = """
SELECT o.oprname, coalesce(l.typname, ''), coalesce(r.typname, ''), res.typname
FROM pg_operator o
LEFT JOIN pg_type l ON l.oid = o.oprleft
LEFT JOIN pg_type r ON r.oid = o.oprright
JOIN pg_type res ON res.oid = o.oprresult
WHERE o.oprnamespace = 'pg_catalog'::regnamespace
ORDER BY o.oid
"""

KEYWORDS = "SELECT word, catcode FROM pg_get_keywords() ORDER BY word"

RELATIONS = """
SELECT c.relname, c.relkind::text,
  ARRAY(SELECT ARRAY[a.attname::text, t.typname::text] FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
        WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum)
FROM pg_class c
WHERE c.relnamespace = 'pg_catalog'::regnamespace AND c.relkind IN ('r', 'v')
ORDER BY c.relname
"""


def main(url: str) -> None:
    with psycopg.connect(url) as conn:
        data = {
            "version": conn.execute("SHOW server_version").fetchone()[0],  # type: ignore[index]
            "types": [list(r) for r in conn.execute(TYPES)],
            "casts": [list(r) for r in conn.execute(CASTS)],
            "procs": [list(r) for r in conn.execute(PROCS)],
            "operators": [list(r) for r in conn.execute(OPERATORS)],
            "keywords": {w: c for w, c in conn.execute(KEYWORDS)},
            "relations": {n: [k, cols] for n, k, cols in conn.execute(RELATIONS)},
        }
    OUT.write_text(json.dumps(data, separators=(",", ":")) + "\n")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "postgresql://postgres@127.0.0.1:5432/postgres")
