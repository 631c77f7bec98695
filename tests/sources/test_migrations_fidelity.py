"""Fidelity: the static model of each fixture migration set equals the shadow model.

Each set under ``tests/fixtures/migrations`` is built twice: statically, from
the files alone, and by replaying the files into the test Postgres and
introspecting the result. The two must agree object for object, and the
generated types from either must be the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fidelity import SETS, MigrationSetFixture, diff, load, server_major, shadow, static

from pgdrift.model import Schema
from pgdrift.sources.migrations import MigrationFinding
from pgdrift.typegen.python import render_python
from pgdrift.typegen.typescript import TypegenError, render_typescript

SET_NAMES = sorted(p.name for p in SETS.iterdir() if p.is_dir())

Built = tuple[MigrationSetFixture, Schema, list[MigrationFinding], Schema]


@pytest.fixture(scope="module")
def build(server_url: str) -> Callable[[str], Built]:
    cache: dict[str, Built] = {}
    major = server_major(server_url)

    def get(name: str) -> Built:
        if name not in cache:
            fx = load(name)
            static_model, findings = static(fx, major)
            cache[name] = (fx, static_model, findings, shadow(fx, server_url))
        return cache[name]

    return get


@pytest.mark.parametrize("name", SET_NAMES)
def test_static_equals_shadow(name: str, build: Callable[[str], Built]) -> None:
    _fx, static_model, findings, shadow_model = build(name)
    errors = [f for f in findings if f.severity == "error"]
    assert not errors, "\n".join(
        f"{f.span.path}:{f.span.start_line + 1}: {f.code}: {f.message}" for f in errors
    )
    differences = diff(static_model, shadow_model)
    assert not differences, "\n".join(differences)


def _typescript(model: Schema, schemas: list[str]) -> str:
    try:
        return render_typescript(model, schemas)
    except TypegenError as exc:
        return f"TypegenError: {exc}"


@pytest.mark.parametrize("name", SET_NAMES)
def test_static_types_are_byte_identical(name: str, build: Callable[[str], Built]) -> None:
    fx, static_model, _findings, shadow_model = build(name)
    assert _typescript(static_model, fx.schemas) == _typescript(shadow_model, fx.schemas)
    assert render_python(static_model, fx.schemas) == render_python(shadow_model, fx.schemas)


def test_sets_cover_the_areas() -> None:
    # One set per area of the static source, a realistic Supabase project of
    # 30+ migrations and a Prisma one.
    assert len(SET_NAMES) >= 12
    supabase = load("supabase_project")
    assert supabase.supabase and len(supabase.files) >= 30
    assert load("prisma").files[0].relpath.startswith("prisma/migrations/")
