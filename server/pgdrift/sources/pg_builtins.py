"""Postgres' built-in catalog, as far as static analysis needs it.

``pg_builtins.json`` is generated from a stock server's ``pg_catalog`` by
``tools/gen_pg_builtins.py``: types (with category and preferred flag, the
inputs of Postgres' overload resolution), casts, functions, operators and the
keyword list that decides when an identifier must be quoted. Loaded once, on
first use.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

_DATA = Path(__file__).with_name("pg_builtins.json")


@dataclass(frozen=True, slots=True)
class BuiltinType:
    name: str
    typtype: str  # b, p, r, m, c, d, e
    category: str  # typcategory: N numeric, S string, ...
    preferred: bool
    elem: str  # element typname for arrays, else ""
    array: str  # array typname, else ""


@dataclass(frozen=True, slots=True)
class Proc:
    name: str
    args: tuple[str, ...]  # IN argument typnames
    variadic: str  # element type of a VARIADIC last argument, or ""
    result: str
    retset: bool
    ndefaults: int
    kind: str  # f function, a aggregate, w window
    volatility: str
    #: OUT, INOUT and TABLE parameters: (name, typname, mode "o"/"b"/"t").
    outs: tuple[tuple[str, str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Operator:
    name: str
    left: str  # "" for a prefix operator
    right: str
    result: str


@dataclass(frozen=True, slots=True)
class Builtins:
    version: str
    types: dict[str, BuiltinType]
    #: (source, target) -> castcontext: "i" implicit, "a" assignment, "e" explicit
    casts: dict[tuple[str, str], str]
    #: (source, target) -> castmethod: "f" function, "b" binary, "i" I/O
    cast_methods: dict[tuple[str, str], str]
    procs: dict[str, tuple[Proc, ...]]
    operators: dict[str, tuple[Operator, ...]]
    keywords: dict[str, str]  # word -> catcode (U unreserved, C col_name, T type_func, R reserved)
    #: pg_catalog tables and views: name -> (relkind, ((column, typname), ...))
    relations: dict[str, tuple[str, tuple[tuple[str, str], ...]]]


@cache
def builtins() -> Builtins:
    data = json.loads(_DATA.read_text())
    types = {
        name: BuiltinType(name, typtype, cat, pref, elem, arr)
        for name, typtype, cat, pref, elem, arr, _len in data["types"]
    }
    casts: dict[tuple[str, str], str] = {}
    methods: dict[tuple[str, str], str] = {}
    for src, tgt, ctx, method in data["casts"]:
        casts[src, tgt] = ctx
        methods[src, tgt] = method
    procs: dict[str, list[Proc]] = {}
    for name, args, variadic, result, retset, ndefaults, kind, vol, outs in data["procs"]:
        procs.setdefault(name, []).append(
            Proc(
                name,
                tuple(args),
                variadic,
                result,
                retset,
                ndefaults,
                kind,
                vol,
                tuple((n, t, m) for n, t, m in outs),
            )
        )
    ops: dict[str, list[Operator]] = {}
    for name, left, right, result in data["operators"]:
        ops.setdefault(name, []).append(Operator(name, left, right, result))
    return Builtins(
        version=data["version"],
        types=types,
        casts=casts,
        cast_methods=methods,
        procs={k: tuple(v) for k, v in procs.items()},
        operators={k: tuple(v) for k, v in ops.items()},
        keywords=data["keywords"],
        relations={
            name: (kind, tuple((c, t) for c, t in cols))
            for name, (kind, cols) in data.get("relations", {}).items()
        },
    )


def builtins_major() -> int:
    """The major version of the server ``pg_builtins.json`` comes from."""
    return int(builtins().version.split(".")[0])


#: Names pg_catalog gained in Postgres 16 to 18 (functions, relations, their
#: row types), from a Postgres 18.6 server's catalog less pg_builtins.json's:
#: on a server later than the builtins', a name missing from them may be one.
_LATER_NAMES_TEXT = """
    _pg_aios _pg_shmem_allocations_numa _pg_stat_checkpointer _pg_stat_io _pg_wait_events
    any_value any_value_transfn array_agg_array_combine array_agg_array_deserialize
    array_agg_array_serialize array_agg_combine array_agg_deserialize array_agg_serialize
    array_append_support array_prepend_support array_reverse array_sample array_shuffle
    array_sort array_subscript_handler_support binary_upgrade_add_sub_rel_state
    binary_upgrade_logical_slot_has_caught_up binary_upgrade_replorigin_advance
    btboolskipsupport btcharskipsupport btint2skipsupport btint4skipsupport
    btint8skipsupport btoidskipsupport bytea bytea_larger bytea_smaller casefold crc32
    crc32c date_add date_skipsupport date_subtract elem_contained_by_range_support erf erfc
    gamma generate_series_numeric_support generate_series_timestamp_support
    gist_translate_cmptype_common has_largeobject_privilege hashbool hashboolextended
    hashbytea hashbyteaextended hashcid hashcidextended hashdate hashdateextended hashxid
    hashxid8 hashxid8extended hashxidextended icu_unicode_version interval_avg_accum
    interval_avg_accum_inv interval_avg_combine interval_avg_deserialize
    interval_avg_serialize interval_sum json_agg_strict json_agg_strict_transfn
    json_object_agg_strict json_object_agg_strict_transfn json_object_agg_unique
    json_object_agg_unique_strict json_object_agg_unique_strict_transfn
    json_object_agg_unique_transfn jsonb_agg_strict jsonb_agg_strict_transfn
    jsonb_object_agg_strict jsonb_object_agg_strict_transfn jsonb_object_agg_unique
    jsonb_object_agg_unique_strict jsonb_object_agg_unique_strict_transfn
    jsonb_object_agg_unique_transfn jsonb_populate_record_valid lgamma pg_aios
    pg_available_wal_summaries pg_basetype pg_clear_attribute_stats pg_clear_relation_stats
    pg_column_toast_chunk_id pg_get_acl pg_get_aios pg_get_loaded_modules
    pg_get_sequence_data pg_get_shmem_allocations_numa pg_get_wait_events
    pg_get_wal_summarizer_state pg_input_error_info pg_input_is_valid
    pg_log_standby_snapshot pg_ls_summariesdir pg_numa_available pg_restore_attribute_stats
    pg_restore_relation_stats pg_shmem_allocations_numa pg_split_walfile_name
    pg_stat_checkpointer pg_stat_get_backend_io pg_stat_get_backend_subxact
    pg_stat_get_backend_wal pg_stat_get_checkpointer_buffers_written
    pg_stat_get_checkpointer_num_performed pg_stat_get_checkpointer_num_requested
    pg_stat_get_checkpointer_num_timed pg_stat_get_checkpointer_restartpoints_performed
    pg_stat_get_checkpointer_restartpoints_requested
    pg_stat_get_checkpointer_restartpoints_timed pg_stat_get_checkpointer_slru_written
    pg_stat_get_checkpointer_stat_reset_time pg_stat_get_checkpointer_sync_time
    pg_stat_get_checkpointer_write_time pg_stat_get_db_conflict_logicalslot
    pg_stat_get_db_parallel_workers_launched pg_stat_get_db_parallel_workers_to_launch
    pg_stat_get_io pg_stat_get_lastscan pg_stat_get_total_analyze_time
    pg_stat_get_total_autoanalyze_time pg_stat_get_total_autovacuum_time
    pg_stat_get_total_vacuum_time pg_stat_get_tuples_newpage_updated
    pg_stat_get_xact_tuples_newpage_updated pg_stat_io pg_stat_reset_backend_stats
    pg_sync_replication_slots pg_timezone_abbrevs_abbrevs pg_timezone_abbrevs_zone
    pg_wait_events pg_wal_summary_contents random_normal range_contains_elem_support
    range_sortsupport record_larger record_smaller string_agg_combine string_agg_deserialize
    string_agg_serialize system_user timestamp_skipsupport timestamptz_hash
    timestamptz_hash_extended to_bin to_oct to_regtypemod unicode_assigned unicode_version
    uuid_extract_timestamp uuid_extract_version uuid_skipsupport uuidv4 uuidv7
    window_cume_dist_support window_ntile_support window_percent_rank_support xmltext
    """
LATER_NAMES = frozenset(_LATER_NAMES_TEXT.split())


_SAFE_IDENT = re.compile(r"[a-z_][a-z0-9_]*\Z")


def quote_ident(name: str) -> str:
    """``quote_ident``: double-quote unless the name is lower-case, plain and
    not a keyword that would need quoting."""
    if _SAFE_IDENT.match(name) and builtins().keywords.get(name, "U") == "U":
        return name
    return '"' + name.replace('"', '""') + '"'


def quote_literal(value: str) -> str:
    """A string constant as ruleutils prints it (standard_conforming_strings on)."""
    return "'" + value.replace("'", "''") + "'"
