"""MigrationIndex: incremental re-indexing and the on-disk cache."""

from __future__ import annotations

import gc
import os
import pickle
import time
from pathlib import Path

import pytest
from fidelity import SETS, load

from pgdrift.sources import migrations
from pgdrift.sources.forked import wait_writers
from pgdrift.sources.migrations import (
    CACHE_VERSION,
    SUPABASE_SEARCH_PATH,
    MigrationIndex,
    ParseCache,
    build_schema,
    content_hash,
    supabase_prelude,
)


def project(n: int = 40) -> list[tuple[str, str]]:
    files = [("000_base.sql", "create table t0 (id int primary key, name text);")]
    for i in range(1, n):
        files.append(
            (
                f"{i:03d}_m.sql",
                f"create table t{i} (id int primary key, parent int references t{i - 1});\n"
                f"alter table t{i - 1} add column c{i} text default 'v{i}';",
            )
        )
    return files


def test_only_the_edited_file_is_parsed_and_replay_resumes_near_it() -> None:
    files = project()
    index = MigrationIndex()
    first, _ = index.update(files)
    assert index.last_parsed == len(files) and index.last_replayed == len(files)
    edited = list(files)
    edited[-1] = (files[-1][0], files[-1][1] + "\ncomment on table t0 is 'edited';")
    schema, _ = index.update(edited)
    assert index.last_parsed == 1
    assert index.last_replayed <= 16  # from the last snapshot before the edit
    t0 = schema.relation("public", "t0")
    assert t0 is not None and t0.comment == "edited"
    # The same result as building from scratch.
    assert schema == build_schema(edited)[0]
    # Unchanged relations are the very same objects: nothing was re-frozen.
    assert schema.relation("public", "t5") is first.relation("public", "t5")


def test_an_early_edit_replays_from_there_and_matches_a_fresh_build() -> None:
    files = project()
    index = MigrationIndex()
    index.update(files)
    edited = list(files)
    edited[3] = (files[3][0], "create table t3 (id int primary key, parent int, extra int);")
    schema, findings = index.update(edited)
    assert index.last_parsed == 1
    fresh = build_schema(edited)
    assert (schema, findings) == fresh
    # Back to the original: only that file again.
    again, _ = index.update(files)
    assert index.last_parsed == 1
    assert again == build_schema(files)[0]


def test_unchanged_input_is_not_replayed() -> None:
    files = project(5)
    index = MigrationIndex()
    a = index.update(files)
    b = index.update([(p, str(t)) for p, t in files])
    assert index.last_parsed == 0 and index.last_replayed == 0
    assert a == b


def test_files_added_and_removed() -> None:
    files = project(10)
    index = MigrationIndex()
    index.update(files[:6])
    schema, _ = index.update(files)
    assert schema == build_schema(files)[0]
    schema, _ = index.update(files[:3])
    assert schema == build_schema(files[:3])[0]


def test_warm_start_from_the_disk_cache(tmp_path: Path) -> None:
    files = project()
    cold = MigrationIndex(cache=ParseCache(tmp_path))
    expected = cold.update(files)
    warm = MigrationIndex(cache=ParseCache(tmp_path))
    assert warm.update(files) == expected
    assert warm.last_parsed == 0 and warm.last_replayed == 0
    # An edit after a warm start: cached parses, one new parse, full replay.
    edited = list(files)
    edited[10] = (files[10][0], files[10][1] + "\ncreate table extra (id int);")
    schema, _ = warm.update(edited)
    assert warm.last_parsed == 1
    assert schema == build_schema(edited)[0]


def test_a_corrupt_or_foreign_cache_is_ignored(tmp_path: Path) -> None:
    files = project(8)
    expected = build_schema(files)
    cache = ParseCache(tmp_path)
    MigrationIndex(cache=cache).update(files)
    wait_writers()  # the result is written behind the update
    entries = sorted(p for p in tmp_path.rglob("*.pickle"))
    assert entries
    for i, p in enumerate(entries):
        if i % 3 == 0:
            p.write_bytes(b"not a pickle")
        elif i % 3 == 1:
            p.write_bytes(pickle.dumps(("someone else's", 1, 2)))
        else:
            p.write_bytes(pickle.dumps((CACHE_VERSION + 1, "x", "y")))
    index = MigrationIndex(cache=ParseCache(tmp_path))
    assert index.update(files) == expected
    assert index.last_parsed == len(files)


def test_a_cache_entry_for_other_content_is_not_used(tmp_path: Path) -> None:
    files = project(3)
    cache = ParseCache(tmp_path)
    MigrationIndex(cache=cache).update(files)
    wait_writers()
    # Swap two entries: the stored digest no longer matches its file name.
    a, b = (content_hash(t) for _, t in files[:2])
    pa = tmp_path / a[:2] / f"{a}.pickle"
    pb = tmp_path / b[:2] / f"{b}.pickle"
    da, db = pa.read_bytes(), pb.read_bytes()
    pa.write_bytes(db)
    pb.write_bytes(da)
    for p in (tmp_path / "results").glob("*.pickle"):
        p.unlink()
    index = MigrationIndex(cache=ParseCache(tmp_path))
    assert index.update(files) == build_schema(files)
    assert index.last_parsed == 2


def test_an_unwritable_cache_only_costs_speed(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    index = MigrationIndex(cache=ParseCache(blocker / "cache"))
    assert index.update(project(4)) == build_schema(project(4))


def test_a_corrupt_pack_is_ignored(tmp_path: Path) -> None:
    files = project(40)
    MigrationIndex(cache=ParseCache(tmp_path), cache_results=False).update(files)
    packs = list((tmp_path / "packs").glob("*.pickle"))
    assert len(packs) == 1
    packs[0].write_bytes(packs[0].read_bytes()[:100])
    index = MigrationIndex(cache=ParseCache(tmp_path), cache_results=False)
    assert index.update(files) == build_schema(files)
    assert index.last_parsed == len(files)
    # The rewritten pack serves the next start.
    again = MigrationIndex(cache=ParseCache(tmp_path), cache_results=False)
    again.update(files)
    assert again.last_parsed == 0


def test_parsing_in_worker_processes_matches_parsing_here(tmp_path: Path) -> None:
    files = project(120)
    here = MigrationIndex(cache=ParseCache(tmp_path / "here"), parallel_threshold=10_000)
    workers = MigrationIndex(cache=ParseCache(tmp_path / "workers"), parallel_threshold=1)
    assert workers.update(files) == here.update(files) == build_schema(files)
    assert workers.last_parsed == len(files)
    # The workers' replies became the cache pack: a restart parses nothing.
    again = MigrationIndex(cache=ParseCache(tmp_path / "workers"), cache_results=False)
    assert again.update(files) == build_schema(files)
    assert again.last_parsed == 0


def test_chunks_parsed_here_while_workers_lag_are_cached_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Rather than wait for a worker, the replay parses the next chunk no
    # worker has taken; those files go into the pack like the workers' own.
    parent = os.getpid()
    parsed_here: list[str] = []
    plain_parse = migrations.parse_file

    def parse(text: str) -> migrations.ParsedFile:
        if os.getpid() == parent:
            parsed_here.append(text)
        else:
            time.sleep(0.002)
        return plain_parse(text)

    monkeypatch.setattr(migrations, "parse_file", parse)
    files = project(120)
    index = MigrationIndex(cache=ParseCache(tmp_path), parallel_threshold=1)
    schema = index.update(files)
    assert parsed_here
    assert schema == build_schema(files)
    again = MigrationIndex(cache=ParseCache(tmp_path), cache_results=False)
    assert again.update(files) == build_schema(files)
    assert again.last_parsed == 0


def test_a_pack_cut_short_keeps_its_whole_records(tmp_path: Path) -> None:
    files = project(120)  # more files than one worker chunk: several records
    MigrationIndex(cache=ParseCache(tmp_path), parallel_threshold=1, cache_results=False).update(
        files
    )
    wait_writers()  # the pack is written behind the update
    (pack,) = (tmp_path / "packs").glob("*.pickle")
    data = pack.read_bytes()
    pack.write_bytes(data[: len(data) * 2 // 3])
    index = MigrationIndex(cache=ParseCache(tmp_path), cache_results=False)
    assert index.update(files) == build_schema(files)
    assert 0 < index.last_parsed < len(files)


def test_a_parse_worker_that_dies_costs_only_speed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pgdrift.sources import migrations

    parent = os.getpid()
    real_parse = migrations.parse_file

    def dies_in_a_worker(text: str) -> migrations.ParsedFile:
        if os.getpid() != parent and "t60 " in text:
            os._exit(1)  # as a worker killed by the OOM killer would
        return real_parse(text)

    monkeypatch.setattr(migrations, "parse_file", dies_in_a_worker)
    files = project(120)
    index = MigrationIndex(cache=ParseCache(tmp_path), parallel_threshold=1)
    assert index.update(files) == build_schema(files)


def test_a_cache_written_by_other_pgdrift_code_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pgdrift.cache

    files = project(40)
    MigrationIndex(cache=ParseCache(tmp_path)).update(files)
    # An upgraded (or edited) pgdrift parses and renders differently.
    monkeypatch.setattr(pgdrift.cache, "code_fingerprint", lambda: "another version")
    index = MigrationIndex(cache=ParseCache(tmp_path))
    assert index.update(files) == build_schema(files)
    assert index.last_parsed == len(files) and index.last_replayed == len(files)


def test_an_update_leaves_no_young_objects_for_the_caller_to_collect() -> None:
    # Otherwise the caller's next allocation starts a collection that scans
    # everything the update built (~0.2 s after a cold index of 2,000 files).
    gc.collect()
    index = MigrationIndex()
    index.update(project(200))
    assert gc.isenabled()
    assert gc.get_count()[0] < 100


def test_a_relation_is_frozen_again_when_its_column_type_gets_hidden() -> None:
    # Nothing about the table changes, but its column's type now prints
    # qualified: a type of the same name appears earlier on the path. The
    # replay resumes from a snapshot taken after the table was made, so the
    # table's state is the very object frozen before.
    files = [
        ("000.sql", "create schema x; create type x.mood as enum ('a');"),
        ("001.sql", "create table t (m x.mood);"),
        *[(f"{i:03d}.sql", f"create table f{i} (id int);") for i in range(2, 100)],
    ]
    index = MigrationIndex(search_path=("public", "x"), display_path=("public", "x"))
    schema, _ = index.update(files)
    assert schema.relation("public", "t").columns[0].type_display == "mood"  # type: ignore[union-attr]
    files.append(("100.sql", "create type public.mood as enum ('b');"))
    schema, _ = index.update(files)
    assert index.last_replayed < 50
    assert schema.relation("public", "t").columns[0].type_display == "x.mood"  # type: ignore[union-attr]


# --------------------------------------------------------------------------- reused analyses


def _repeated(n: int, function: str = "select 1") -> list[tuple[str, str]]:
    """``n`` tables with the same default and policy texts, over a function
    the first file defines."""
    files = [("000.sql", f"create function f() returns integer language sql as '{function}';")]
    for i in range(1, n + 1):
        files.append(
            (
                f"{i:03d}.sql",
                f"create table t{i} (id int primary key, owner text, n bigint default f());\n"
                f"alter table t{i} enable row level security;\n"
                f"create policy own on t{i} using (owner = current_user and n > f());",
            )
        )
    return files


def test_repeated_expressions_are_analyzed_once_while_their_names_hold() -> None:
    files = _repeated(30)
    index = MigrationIndex()
    schema, findings = index.update(files)
    # One default and one policy per table; each analyzed for the first table only.
    assert index.last_reused == 2 * 29
    plain = MigrationIndex(reuse_analyses=False).update(files)
    assert (schema, findings) == plain
    t7 = schema.relation("public", "t7")
    assert t7 is not None and t7.policies[0].using == "((owner = CURRENT_USER) AND (n > f()))"

    # A later update replays from an early edit: every analysis is reused.
    edited = list(files)
    edited[1] = (files[1][0], files[1][1] + "\ncomment on table t1 is 'x';")
    index.update(edited)
    assert index.last_replayed == len(files) and index.last_reused == 2 * 30


def test_a_reused_analysis_is_redone_when_a_name_it_used_changes() -> None:
    index = MigrationIndex()
    index.update(_repeated(10))
    # f() now returns numeric: the comparison casts the column (Postgres 15
    # prints this policy so).
    edited = [
        ("000.sql", "create function f() returns numeric language sql as 'select 1';"),
        *_repeated(10)[1:],
    ]
    schema, findings = index.update(edited)
    assert index.last_reused == 2 * 9  # each redone for t1 once, then reused
    assert (schema, findings) == MigrationIndex(reuse_analyses=False).update(edited)
    t3 = schema.relation("public", "t3")
    assert t3 is not None
    assert t3.columns[2].default == "f()"
    assert t3.policies[0].using == "((owner = CURRENT_USER) AND ((n)::numeric > f()))"


@pytest.mark.parametrize("name", sorted(p.name for p in SETS.iterdir() if p.is_dir()))
def test_reusing_analyses_changes_nothing_in_a_fixture_set(name: str) -> None:
    fx = load(name)
    files = [(f.display, f.path.read_text()) for f in fx.files]
    options = {
        "schemas": tuple(fx.schemas),
        "search_path": SUPABASE_SEARCH_PATH if fx.supabase else ("public",),
        "display_path": SUPABASE_SEARCH_PATH if fx.supabase else ("public",),
        "prelude": supabase_prelude() if fx.supabase else "",
    }
    reusing = MigrationIndex(**options)  # type: ignore[arg-type]
    assert reusing.update(files) == MigrationIndex(**options, reuse_analyses=False).update(files)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- pgdrift's own bugs


def test_a_bug_in_one_statement_costs_that_statement_only(monkeypatch: pytest.MonkeyPatch) -> None:
    from pgdrift.sources.replay import Replayer

    def broken(self: Replayer, op: object) -> None:
        raise KeyError("simulated")

    monkeypatch.setattr(Replayer, "op_Comment", broken)
    files = [
        (
            "001.sql",
            "create table a (id int);\ncomment on table a is 'x';\ncreate table b (id int);",
        ),
        ("002.sql", "create table c (id int);"),
    ]
    schema, findings = MigrationIndex().update(files)
    assert [r.name for r in schema.relations] == ["a", "b", "c"]
    [bug] = findings
    assert bug.code == "migration-internal-error" and bug.severity == "error"
    assert (bug.span.path, bug.span.start_line) == ("001.sql", 1)
    assert "KeyError: 'simulated'" in bug.message and "bug in pgdrift" in bug.message


def test_a_bug_in_the_parser_costs_that_statement_only(monkeypatch: pytest.MonkeyPatch) -> None:
    from pgdrift.sources import ddl

    plain = ddl.parse_statement

    def parse(sql: str, *args: object) -> object:
        if sql.startswith("comment"):
            raise IndexError("simulated")
        return plain(sql, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(ddl, "parse_statement", parse)
    text = "create table a (id int);\ncomment on table a is 'x';\ncreate table b (id int);"
    schema, findings = MigrationIndex().update([("001.sql", text)])
    assert [r.name for r in schema.relations] == ["a", "b"]
    [bug] = findings
    assert bug.code == "migration-internal-error" and bug.span.start_line == 1
    assert "IndexError: simulated" in bug.message


def test_a_statement_too_deep_to_model_is_a_limit_not_a_bug(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from pgdrift.sources.replay import Replayer

    def deep(self: Replayer, op: object) -> None:
        raise RecursionError

    monkeypatch.setattr(Replayer, "op_Comment", deep)
    text = "create table a (id int);\ncomment on table a is 'x';\ncreate table b (id int);"
    schema, findings = MigrationIndex().update([("001.sql", text)])
    assert [r.name for r in schema.relations] == ["a", "b"]
    assert [(f.code, f.severity, f.message) for f in findings] == [
        ("migration-unresolved", "warning", "statement nested too deeply to model")
    ]
