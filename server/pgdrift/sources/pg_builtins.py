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
