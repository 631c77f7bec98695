"""Static vs shadow: load a fixture migration set, build both models, diff them.

A set is a small project under ``tests/fixtures/migrations/<name>/``: a
Supabase layout (``supabase/migrations``), a Prisma layout
(``prisma/migrations/*/migration.sql``) or plain files under ``migrations/``.
The static model (no database) must equal the shadow model (the same files
replayed into Postgres and introspected) object for object. Spans exist only
on the static side and view definitions only on the shadow side; both are
left out of the comparison.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import psycopg

from pgdrift.migrations_files import MigrationFile, default_schemas, find_migrations
from pgdrift.model import Schema
from pgdrift.sources.migrations import MigrationFinding, static_schema
from pgdrift.sources.shadow import shadow_schema

SETS = Path(__file__).parent.parent / "fixtures" / "migrations"


@dataclasses.dataclass
class MigrationSetFixture:
    name: str
    root: Path
    files: tuple[MigrationFile, ...]
    supabase: bool
    schemas: list[str]


def load(name: str) -> MigrationSetFixture:
    root = SETS / name
    found = find_migrations(root)
    if found.layout == "none":
        found = find_migrations(root, ["migrations/*.sql"])
    schemas = default_schemas(root)
    extra = root / "schemas.txt"
    if extra.exists():
        schemas = extra.read_text().split()
    return MigrationSetFixture(name, root, found.files, found.is_supabase, schemas)


def server_major(server_url: str) -> int:
    """The major version of the test server: the static model models it."""
    with psycopg.connect(server_url) as conn:
        row = conn.execute("SHOW server_version_num").fetchone()
    assert row is not None
    return int(row[0]) // 10000


def static(
    fx: MigrationSetFixture, server_version: int = 15
) -> tuple[Schema, list[MigrationFinding]]:
    return static_schema(
        [(f.display, f.path) for f in fx.files],
        fx.schemas,
        supabase=fx.supabase,
        server_version=server_version,
    )


def shadow(fx: MigrationSetFixture, server_url: str) -> Schema:
    return shadow_schema(fx.files, fx.schemas, supabase=fx.supabase, server_url=server_url)


def _strip(value: Any) -> Any:
    """The value without spans (and view definitions), as plain data."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {}
        for f in dataclasses.fields(value):
            if f.name in ("span", "altered", "_index") or not f.compare:
                continue
            if f.name == "definition" and getattr(value, "kind", None) in (
                "view",
                "materialized_view",
            ):
                continue
            out[f.name] = _strip(getattr(value, f.name))
        return out
    if isinstance(value, tuple):
        return [_strip(v) for v in value]
    return value


def _key(kind: str, obj: dict[str, Any]) -> str:
    if kind == "functions":
        return f"{obj['schema']}.{obj['name']}({obj['identity_arguments']})"
    if kind == "foreign_keys":
        return f"{obj['schema']}.{obj['table']}.{obj['name']}"
    return f"{obj.get('schema', '')}.{obj.get('name', '')}"


def diff(static_model: Schema, shadow_model: Schema) -> list[str]:
    """Readable differences, object by object (empty when equal)."""
    a, b = _strip(static_model), _strip(shadow_model)
    out: list[str] = []
    for kind in a:
        va, vb = a[kind], b[kind]
        if va == vb:
            continue
        if not isinstance(va, list) or not va or not isinstance(va[0], dict):
            out.append(f"{kind}: static {va!r} != shadow {vb!r}")
            continue
        ka = {_key(kind, o): o for o in va}
        kb = {_key(kind, o): o for o in vb}
        for k in ka.keys() - kb.keys():
            out.append(f"{kind} {k}: only in static")
        for k in kb.keys() - ka.keys():
            out.append(f"{kind} {k}: only in shadow")
        for k in ka.keys() & kb.keys():
            out.extend(_diff_obj(f"{kind} {k}", ka[k], kb[k]))
        if not out and [_key(kind, o) for o in va] != [_key(kind, o) for o in vb]:
            out.append(
                f"{kind}: order differs: static {[_key(kind, o) for o in va]} shadow {[_key(kind, o) for o in vb]}"
            )
    return out


def _diff_obj(where: str, a: Any, b: Any) -> list[str]:
    if a == b:
        return []
    if isinstance(a, dict) and isinstance(b, dict):
        out: list[str] = []
        for k in a:
            out.extend(_diff_obj(f"{where}.{k}", a[k], b.get(k)))
        return out
    if (
        isinstance(a, list)
        and isinstance(b, list)
        and len(a) == len(b)
        and all(isinstance(x, dict) for x in a + b)
    ):
        out = []
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            label = x.get("name", i) if isinstance(x, dict) else i
            out.extend(_diff_obj(f"{where}[{label}]", x, y))
        return out
    if (
        isinstance(a, list)
        and isinstance(b, list)
        and all(isinstance(x, dict) and "name" in x for x in a + b)
    ):
        na = [x["name"] for x in a]
        nb = [x["name"] for x in b]
        if na != nb:
            return [f"{where}: static {na} != shadow {nb}"]
    return [f"{where}: static {a!r} != shadow {b!r}"]
