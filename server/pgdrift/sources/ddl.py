"""Parse DDL statements into replayable operations.

One statement in, one :class:`Op` (plain data) out. Ops know nothing
about the schema built so far, so a file's ops can be cached by the file's
content hash and replayed later. The grammar is Postgres' (gram.y) for the
statements that shape a schema; statements that do not (DML, GRANT,
publications, roles ...) become :class:`Ignored`, and statements whose effect
cannot be known without running them (``EXECUTE``, ``CALL``, ``DO`` blocks
beyond plain DDL and simple guards) become :class:`Unmodelled`, which the
replay reports.

Identifiers are truncated to 63 bytes as Postgres' scanner truncates them;
a statement that had some is wrapped in :class:`Noted`, which carries the
notices (with positions relative to the statement) for the replay to report.
"""

from __future__ import annotations

import bisect
import operator
import re
from dataclasses import dataclass

from pgdrift.model import fast_pickling
from pgdrift.sources import sql_expr as E
from pgdrift.sources.pg_builtins import builtins, quote_ident
from pgdrift.sources.sql_expr import ExprParser
from pgdrift.sources.sql_tokens import (
    EOF,
    NUM,
    OP,
    QIDENT,
    STR,
    WORD,
    ParseError,
    Stream,
    Tok,
    TokenizeError,
    tokenize,
)
from pgdrift.sources.sql_types import TypeName

QName = tuple[str, ...]  # (name,) or (schema, name)


# --------------------------------------------------------------------------- ops

# Ops are values nobody changes after parsing; like sql_expr's nodes they are
# not frozen dataclasses, which cost three times as much to build and unpickle.


class Op:
    __slots__ = ()


@dataclass(slots=True)
class FKSpec:
    table: QName
    columns: tuple[str, ...]
    on_delete: str = "NO ACTION"
    on_update: str = "NO ACTION"


@dataclass(slots=True)
class ColConstraint:
    #: notnull, null, default, identity, generated, pk, unique, fk, check
    kind: str
    name: str | None = None
    expr: E.Node | None = None
    identity: str = ""  # ALWAYS / BY DEFAULT
    fk: FKSpec | None = None
    #: Generated columns: "stored", "virtual" (Postgres 18) or "" (not said).
    storage: str = ""


@dataclass(slots=True)
class ColumnDef:
    name: str
    type: TypeName | None  # None in CREATE TABLE ... PARTITION OF / OF type
    constraints: tuple[ColConstraint, ...] = ()
    collate: str | None = None


@dataclass(slots=True)
class TableConstraint:
    kind: str  # pk, unique, fk, check, exclude
    name: str | None = None
    columns: tuple[str, ...] = ()
    fk: FKSpec | None = None
    expr: E.Node | None = None
    #: PRIMARY KEY / UNIQUE USING INDEX: the existing index that becomes the constraint.
    index: str | None = None


@dataclass(slots=True)
class LikeClause:
    source: QName
    #: (including?, option) in order: ("defaults", True) ...
    options: tuple[tuple[str, bool], ...] = ()


@dataclass(slots=True)
class CreateTable(Op):
    name: QName
    elements: tuple[ColumnDef | TableConstraint | LikeClause, ...] = ()
    if_not_exists: bool = False
    kind: str = "table"  # table, partitioned_table, foreign_table
    partition_of: QName | None = None
    inherits: tuple[QName, ...] = ()
    as_query: E.Query | None = None
    as_sql: str = ""


# ALTER TABLE actions -------------------------------------------------------


@dataclass(slots=True)
class AddColumn:
    column: ColumnDef
    if_not_exists: bool = False


@dataclass(slots=True)
class DropColumn:
    name: str
    if_exists: bool = False
    cascade: bool = False


@dataclass(slots=True)
class AlterColumnType:
    name: str
    type: TypeName
    using: E.Node | None = None


@dataclass(slots=True)
class SetDefault:
    name: str
    expr: E.Node | None  # None: DROP DEFAULT


@dataclass(slots=True)
class SetNotNull:
    name: str
    not_null: bool


@dataclass(slots=True)
class SetIdentity:
    """ADD GENERATED ... AS IDENTITY, SET GENERATED ..., DROP IDENTITY."""

    name: str
    action: str  # add, set, drop
    kind: str = ""  # ALWAYS / BY DEFAULT
    if_exists: bool = False


@dataclass(slots=True)
class DropExpression:
    name: str


@dataclass(slots=True)
class AddConstraint:
    constraint: TableConstraint


@dataclass(slots=True)
class DropConstraint:
    name: str
    if_exists: bool = False
    cascade: bool = False


@dataclass(slots=True)
class RenameConstraint:
    old: str
    new: str


@dataclass(slots=True)
class RenameColumn:
    old: str
    new: str


@dataclass(slots=True)
class RenameRelation:
    new: str


@dataclass(slots=True)
class SetSchema:
    schema: str


@dataclass(slots=True)
class SetRowSecurity:
    action: str  # enable, disable, force, no force


@dataclass(slots=True)
class AttachPartition:
    child: QName
    detach: bool = False


Action = (
    AddColumn
    | DropColumn
    | AlterColumnType
    | SetDefault
    | SetNotNull
    | SetIdentity
    | DropExpression
    | AddConstraint
    | DropConstraint
    | RenameConstraint
    | RenameColumn
    | RenameRelation
    | SetSchema
    | SetRowSecurity
    | AttachPartition
)


@dataclass(slots=True)
class AlterTable(Op):
    name: QName
    actions: tuple[Action, ...]
    if_exists: bool = False
    #: The object word used: table, view, materialized view, foreign table,
    #: index, sequence.
    target: str = "table"
    #: ALTER TABLE ONLY: children (partitions, inheritors) are not reached.
    only: bool = False


@dataclass(slots=True)
class CreateIndex(Op):
    name: str | None
    table: QName
    unique: bool = False
    if_not_exists: bool = False
    #: Key columns: a plain column's name, "" for an expression.
    columns: tuple[str, ...] = ()
    #: The names Postgres derives the index name from (key and INCLUDE
    #: columns; an expression's function name or "expr").
    colnames: tuple[str, ...] = ()
    method: str = "btree"
    partial: bool = False
    #: The first key column (1-based) that does not sort the default way
    #: (DESC, NULLS FIRST, an operator class); 0 when they all do.
    odd_sort: int = 0
    concurrently: bool = False


@dataclass(slots=True)
class Drop(Op):
    kind: str  # table, view, materialized view, type, domain, schema, sequence, index, extension, foreign table
    names: tuple[QName, ...]
    if_exists: bool = False
    cascade: bool = False


@dataclass(slots=True)
class FuncArg:
    mode: str  # in, out, inout, variadic
    name: str
    type: TypeName
    default: E.Node | None = None


@dataclass(slots=True)
class CreateFunction(Op):
    name: QName
    args: tuple[FuncArg, ...]
    returns: TypeName | None = None
    setof: bool = False
    returns_table: tuple[tuple[str, TypeName], ...] | None = None
    replace: bool = False
    language: str = "sql"
    volatility: str = "volatile"
    security_definer: bool = False
    rows: float | None = None
    body: str | None = None
    sql_body: bool = False
    procedure: bool = False
    #: Extra arguments written after AS 'obj_file', 'link_symbol' (C functions).
    link_symbol: str | None = None


@dataclass(slots=True)
class FuncRef:
    name: QName
    #: Argument types as written (IN/INOUT/VARIADIC only); None when omitted.
    args: tuple[TypeName, ...] | None = None


@dataclass(slots=True)
class DropFunction(Op):
    items: tuple[FuncRef, ...]
    if_exists: bool = False
    cascade: bool = False
    procedure: bool = False


@dataclass(slots=True)
class CreateAggregate(Op):
    """CREATE [OR REPLACE] AGGREGATE, either syntax: ``args`` are the direct
    arguments then (``order_by``, for an ordered-set aggregate) the
    aggregated ones, ``()`` for ``name(*)``. The settings the model does not
    need (INITCOND, PARALLEL, moving-aggregate ones ...) are skipped."""

    name: QName
    args: tuple[FuncArg, ...]
    sfunc: QName
    stype: TypeName
    finalfunc: QName | None = None
    replace: bool = False
    #: Number of direct arguments of an ordered-set aggregate, or None.
    order_by: int | None = None
    #: FINALFUNC_EXTRA was given.
    final_extra: bool = False


@dataclass(slots=True)
class DropAggregate(Op):
    items: tuple[FuncRef, ...]
    if_exists: bool = False
    cascade: bool = False


@dataclass(slots=True)
class AlterFunction(Op):
    func: FuncRef
    rename: str | None = None
    set_schema: str | None = None
    volatility: str | None = None
    security_definer: bool | None = None
    rows: float | None = None
    procedure: bool = False


@dataclass(slots=True)
class CreateEnum(Op):
    name: QName
    labels: tuple[str, ...]


@dataclass(slots=True)
class CreateComposite(Op):
    name: QName
    attributes: tuple[tuple[str, TypeName], ...]


@dataclass(slots=True)
class CreateOtherType(Op):
    """Range, base or shell types: known by name only."""

    name: QName
    kind: str  # range, base, shell
    subtype: TypeName | None = None
    #: Ranges: the multirange type's name when given (multirange_type_name).
    multirange: QName | None = None


@dataclass(slots=True)
class AlterType(Op):
    name: QName
    action: str  # add value, rename value, rename, set schema, add attribute, drop attribute, alter attribute, rename attribute, owner
    value: str = ""
    other: str = ""  # BEFORE/AFTER label, or new name
    position: str = ""  # before / after
    if_not_exists: bool = False
    type: TypeName | None = None
    #: Attribute actions: CASCADE (the typed tables follow) rather than RESTRICT.
    cascade: bool = False
    #: The further attribute actions of a comma-separated list, in order.
    more: tuple[AlterType, ...] = ()


@dataclass(slots=True)
class CreateDomain(Op):
    name: QName
    base: TypeName
    default: E.Node | None = None
    not_null: bool = False
    checks: tuple[tuple[str | None, E.Node], ...] = ()


@dataclass(slots=True)
class AlterDomain(Op):
    name: QName
    action: str  # set default, drop default, set not null, drop not null, add check, drop constraint, rename, set schema, rename constraint
    expr: E.Node | None = None
    constraint: str | None = None
    new: str = ""


@dataclass(slots=True)
class CreateView(Op):
    name: QName
    query: E.Query | None
    query_sql: str
    columns: tuple[str, ...] = ()
    replace: bool = False
    materialized: bool = False
    if_not_exists: bool = False
    check_option: bool = False
    #: Set when our parser could not read the query (sqlglot may).
    query_error: str = ""


@dataclass(slots=True)
class CreateTrigger(Op):
    name: str
    table: QName
    timing: str  # BEFORE, AFTER, INSTEAD OF
    events: tuple[str, ...]
    replace: bool = False
    function: QName = ()
    #: UPDATE OF columns.
    columns: tuple[str, ...] = ()


@dataclass(slots=True)
class DropTrigger(Op):
    name: str
    table: QName
    if_exists: bool = False


@dataclass(slots=True)
class CreatePolicy(Op):
    name: str
    table: QName
    permissive: bool = True
    command: str = "ALL"
    roles: tuple[str, ...] = ("public",)
    using: E.Node | None = None
    check: E.Node | None = None


@dataclass(slots=True)
class AlterPolicy(Op):
    name: str
    table: QName
    rename: str | None = None
    roles: tuple[str, ...] | None = None
    using: E.Node | None = None
    check: E.Node | None = None


@dataclass(slots=True)
class DropPolicy(Op):
    name: str
    table: QName
    if_exists: bool = False


@dataclass(slots=True)
class Comment(Op):
    kind: str  # table, column, view, materialized view, type, domain, function, schema, ...
    target: QName
    text: str | None
    func_args: tuple[TypeName, ...] | None = None


@dataclass(slots=True)
class CreateSchema(Op):
    name: str
    if_not_exists: bool = False
    elements: tuple[Op, ...] = ()


@dataclass(slots=True)
class CreateTextSearch(Op):
    """CREATE TEXT SEARCH CONFIGURATION / DICTIONARY / PARSER / TEMPLATE:
    known by name only (reg* literals name them)."""

    kind: str  # configuration, dictionary, parser, template
    name: QName


@dataclass(slots=True)
class AlterSchema(Op):
    name: str
    rename: str


@dataclass(slots=True)
class CreateExtension(Op):
    name: str
    schema: str | None = None
    if_not_exists: bool = False


@dataclass(slots=True)
class AlterExtension(Op):
    name: str
    set_schema: str


@dataclass(slots=True)
class CreateSequence(Op):
    name: QName
    if_not_exists: bool = False
    owned_by: QName | None = None


@dataclass(slots=True)
class AlterSequence(Op):
    name: QName
    owned_by: QName | None = None
    if_exists: bool = False


@dataclass(slots=True)
class SetSearchPath(Op):
    path: tuple[str, ...] | None  # None: RESET / DEFAULT
    local: bool = False


@dataclass(slots=True)
class Transaction(Op):
    kind: str  # begin, commit, rollback, savepoint, release, rollback to
    name: str = ""


@dataclass(slots=True)
class Unmodelled(Op):
    """A statement whose effect on the schema cannot be known statically."""

    what: str


@dataclass(slots=True)
class Ignored(Op):
    """A statement with no effect on the model (DML, GRANT, roles ...)."""

    what: str


#: A position inside a statement, relative to the statement's start:
#: (lines after the first, column, end lines after the first, end column);
#: a column on the statement's first line counts from the statement's start.
RelLoc = tuple[int, int, int, int]


def rel_loc(sql: str, start: int, end: int) -> RelLoc:
    """The :data:`RelLoc` of ``sql[start:end]``."""

    def at(offset: int) -> tuple[int, int]:
        lines = sql.count("\n", 0, offset)
        if lines:
            return lines, offset - (sql.rfind("\n", 0, offset) + 1)
        return 0, offset

    return (*at(start), *at(end))


class _Lines:
    """:func:`rel_loc` for many positions in one long text."""

    def __init__(self, sql: str) -> None:
        self.newlines = [m.start() for m in re.finditer("\n", sql)]

    def at(self, offset: int) -> tuple[int, int]:
        lines = bisect.bisect_left(self.newlines, offset)
        if lines:
            return lines, offset - (self.newlines[lines - 1] + 1)
        return 0, offset

    def loc(self, start: int, end: int) -> RelLoc:
        return (*self.at(start), *self.at(end))


@dataclass(slots=True)
class Noted(Op):
    """A statement and the notices Postgres gives while reading it
    (identifiers truncated to 63 bytes)."""

    op: Op
    #: (where in the statement, message)
    notes: tuple[tuple[RelLoc, str], ...]


@dataclass(slots=True)
class DoStmt:
    """A SQL statement inside a DO block."""

    op: Op
    loc: RelLoc


@dataclass(slots=True)
class DoUnknown:
    """A PL/pgSQL statement whose effect is not modelled (EXECUTE, RAISE
    EXCEPTION, assignments ...): the block is unmodelled if it runs."""

    what: str
    loc: RelLoc


@dataclass(slots=True)
class DoBlock:
    """``BEGIN items [EXCEPTION WHEN conditions THEN handler ...] END``."""

    items: tuple[DoItem, ...]
    #: (condition names, handler items): names are lower case, ``others``,
    #: or ``sqlstate:XXXXX``.
    handlers: tuple[tuple[tuple[str, ...], tuple[DoItem, ...]], ...] = ()


@dataclass(slots=True)
class DoIf:
    """``IF cond THEN ... [ELSIF cond THEN ...] [ELSE ...] END IF``; the
    ELSE branch has no condition."""

    branches: tuple[tuple[E.Node | None, tuple[DoItem, ...]], ...]
    loc: RelLoc


DoItem = DoStmt | DoUnknown | DoBlock | DoIf


@dataclass(slots=True)
class Do(Op):
    """A PL/pgSQL DO block made of SQL statements, nested blocks with
    exception handlers and IF guards: what the replay can decide."""

    block: DoBlock


# --------------------------------------------------------------------------- entry point

_FIRST_WORDS = re.compile(
    r"\s*(?:(?:--[^\n]*\n|/\*.*?\*/)\s*)*([A-Za-z_]+)(?:\s+([A-Za-z_]+))?", re.S
)

# First words of statements that never change the model: skipped without tokenizing.
_IGNORED_FIRST = frozenset(
    [
        "insert",
        "update",
        "delete",
        "merge",
        "copy",
        "truncate",
        "vacuum",
        "analyze",
        "analyse",
        "notify",
        "listen",
        "unlisten",
        "lock",
        "refresh",
        "cluster",
        "reindex",
        "discard",
        "prepare",
        "deallocate",
        "checkpoint",
        "load",
        "explain",
        "grant",
        "revoke",
        "fetch",
        "move",
        "close",
        "declare",
        "reassign",
        "import",
    ]
)


def first_words(sql: str) -> tuple[str, str]:
    m = _FIRST_WORDS.match(sql)
    if m is None:
        return "", ""
    return m.group(1).lower(), (m.group(2) or "").lower()


def is_ignored(sql: str) -> bool:
    """Whether a statement cannot change the model (DML, GRANT ...), by its
    first words alone."""
    w1, _ = first_words(sql)
    if w1 == "select":
        low = sql.lower()
        return "set_config" not in low and _INTO.search(low) is None
    return w1 in _IGNORED_FIRST


#: SELECT ... INTO new_table creates a table.
_INTO = re.compile(r"\binto\b")


def parse_statement(
    sql: str, toks: list[Tok] | None = None, long_names: list[int] | None = None
) -> Op:
    """Parse one statement (with or without its ``;``); ``toks`` are its
    tokens when the caller already has them, and ``long_names`` the
    positions among them of the names that may need truncating (see
    :func:`~pgdrift.sources.sql_tokens.convert`), when known.

    Raises :class:`ParseError` (with an offset into ``sql``) on a syntax
    error, or :class:`~pgdrift.sources.sql_tokens.TokenizeError`.
    """
    if toks is None:
        if is_ignored(sql):
            return Ignored(first_words(sql)[0])
        toks = tokenize(sql)
    if not toks:
        return Ignored("empty")
    notes: list[tuple[RelLoc, str]] = []
    if long_names is None or long_names:
        toks = truncate_tokens(sql, toks, notes)
    op = _Parser(Stream(toks, sql), notes).statement()
    if notes:
        return Noted(op, tuple(notes))
    return op


NAMEDATALEN = 64
_TEXT = operator.itemgetter(1)


def truncate_identifier(name: str) -> str:
    """``name`` cut to NAMEDATALEN - 1 bytes of UTF-8, never inside a
    character, as Postgres' scanner cuts identifiers."""
    if len(name) < NAMEDATALEN // 4:
        return name  # at most 4 bytes a character: short enough
    b = name.encode("utf-8", "surrogatepass")
    if len(b) < NAMEDATALEN:
        return name
    return b[: NAMEDATALEN - 1].decode("utf-8", "ignore")


def truncate_tokens(
    sql: str, toks: list[Tok], notes: list[tuple[RelLoc, str]], base: int = 0
) -> list[Tok]:
    """``toks`` with identifiers of 64 bytes or more truncated, and a notice
    for each (positions are offsets into ``sql`` plus ``base``)."""
    short = NAMEDATALEN // 4
    if max(map(len, map(_TEXT, toks)), default=0) < short:
        return toks  # the common case, decided in C
    out: list[Tok] | None = None
    for i, t in enumerate(toks):
        if t.kind not in (WORD, QIDENT) or len(t.text) < short:
            continue
        cut = truncate_identifier(t.text)
        if cut == t.text:
            continue
        if out is None:
            out = list(toks)
        out[i] = Tok(t.kind, cut, t.start, t.end)
        notes.append(
            (
                rel_loc(sql, base + t.start, base + t.end),
                f'identifier "{t.text}" will be truncated to "{cut}"',
            )
        )
    return toks if out is None else out


# --------------------------------------------------------------------------- parser

#: Words that can start a column constraint, and a constraint attribute.
_COLUMN_CONSTRAINT_FIRST = frozenset(
    [
        "constraint",
        "not",
        "null",
        "default",
        "generated",
        "primary",
        "unique",
        "check",
        "references",
    ]
)
_CONSTRAINT_ATTR_FIRST = frozenset(["deferrable", "not", "initially", "no", "enforced"])

_MULTIWORD_TYPE_FIRST = frozenset(
    ["double", "character", "char", "bit", "national", "timestamp", "time", "interval"]
)
_MULTIWORD_TYPE_SECOND = frozenset(["precision", "varying", "with", "without", "character", "char"])

_REF_ACTIONS = {
    ("no", "action"): "NO ACTION",
    ("restrict",): "RESTRICT",
    ("cascade",): "CASCADE",
    ("set", "null"): "SET NULL",
    ("set", "default"): "SET DEFAULT",
}

_OBJECT_KINDS_2 = {
    ("materialized", "view"): "materialized view",
    ("foreign", "table"): "foreign table",
    ("event", "trigger"): "event trigger",
    ("text", "search"): "text search",
    ("access", "method"): "access method",
    ("foreign", "data"): "foreign data wrapper",
    ("user", "mapping"): "user mapping",
}


class _Parser:
    def __init__(self, s: Stream, notes: list[tuple[RelLoc, str]] | None = None) -> None:
        self.s = s
        self.e = ExprParser(s)
        #: Notices for the statement (identifiers truncated in a DO body).
        self.notes: list[tuple[RelLoc, str]] = notes if notes is not None else []
        #: A statement of a DO body: SELECT ... INTO names variables there.
        self.plpgsql = False

    # ---------------------------------------------------------------- helpers

    def done(self) -> None:
        s = self.s
        s.accept_op(";")
        if s.peek().kind != EOF:
            s.fail("syntax error")

    def qname(self) -> QName:
        return self.s.qualified_name()

    def if_not_exists(self) -> bool:
        return self.s.accept_words("if", "not", "exists")

    def if_exists(self) -> bool:
        return self.s.accept_words("if", "exists")

    def name_list(self) -> tuple[str, ...]:
        return self.e.name_list()

    def src_expr(self, restricted: bool = False) -> E.Node:
        """An expression (gram.y's a_expr, or its b_expr when restricted: a
        column or domain DEFAULT) wrapped with its source text (see :class:`E.Src`)."""
        s = self.s
        start = s.peek().start
        e = self.e.b_expr() if restricted else self.e.expr()
        end = s.toks[s.pos - 1].end if s.pos else start
        return E.Src(e, s.sql[start:end])

    def paren_expr(self) -> E.Node:
        s = self.s
        s.expect_op("(")
        e = self.src_expr()
        s.expect_op(")")
        return e

    def skip_rest(self) -> None:
        self.s.skip_to_end()

    def number(self) -> float:
        s = self.s
        neg = bool(s.accept_op("-"))
        t = s.next()
        if t.kind != NUM:
            s.pos -= 1
            s.fail("expected a number")
        v = float(t.text)
        return -v if neg else v

    # ---------------------------------------------------------------- dispatch

    def statement(self) -> Op:
        s = self.s
        w = s.accept_word(
            "create",
            "alter",
            "drop",
            "comment",
            "set",
            "reset",
            "select",
            "begin",
            "start",
            "commit",
            "end",
            "rollback",
            "abort",
            "savepoint",
            "release",
            "do",
            "call",
            "execute",
            "with",
        )
        if w is None:
            t = s.peek()
            if t.kind == WORD:
                return Ignored(t.text)
            s.fail("syntax error")
        op: Op
        if w == "create":
            op = self.create()
        elif w == "alter":
            op = self.alter()
        elif w == "drop":
            op = self.drop()
        elif w == "comment":
            op = self.comment()
        elif w in ("set", "reset"):
            op = self.set_stmt(w)
        elif w == "select":
            op = self.select_stmt()
        elif w in ("begin", "start", "commit", "end", "rollback", "abort", "savepoint", "release"):
            op = self.transaction(w)
        elif w == "do":
            return self.do_stmt()
        elif w in ("call", "execute"):
            self.skip_rest()
            return Unmodelled(w.upper())
        elif w == "with" and (into := self._select_into()) is not None:
            op = into
        else:
            self.skip_rest()
            return Ignored(w or "")
        if not isinstance(op, Ignored):
            self.done()
        return op

    # ---------------------------------------------------------------- DO

    def do_stmt(self) -> Op:
        s = self.s
        # sqlglot reads what follows DO as one raw string: read it here.
        sql = s.sql
        pos = s.toks[s.pos - 1].end
        self.skip_rest()
        found = _do_body(sql, pos)
        if found is None:
            return Unmodelled("DO block")
        body, base = found
        try:
            toks = tokenize(body)
        except TokenizeError:
            return Unmodelled("DO block")
        notes: list[tuple[RelLoc, str]] = []
        toks = truncate_tokens(sql, toks, notes, base)
        try:
            block = _DoParser(sql, body, toks, base).body()
        except (ParseError, _DoUnsupported, TokenizeError, RecursionError):
            return Unmodelled("DO block")
        self.notes.extend(notes)
        if not _has_effect(block):
            return Ignored("do")
        return Do(block)

    # ---------------------------------------------------------------- CREATE

    def create(self) -> Op:
        s = self.s
        replace = s.accept_words("or", "replace")
        s.accept_word("temp", "temporary", "unlogged")
        if s.accept_word("global", "local"):
            s.accept_word("temp", "temporary")
        if s.accept_word("table"):
            return self.create_table("table")
        if s.words_ahead("foreign", "table"):
            s.pos += 2
            return self.create_table("foreign_table")
        if s.is_word("unique", "index"):
            return self.create_index()
        if s.accept_word("type"):
            return self.create_type()
        if s.accept_word("domain"):
            return self.create_domain()
        if s.accept_word("recursive"):
            s.expect_word("view")
            return self.create_view(replace, False, recursive=True)
        if s.accept_word("view"):
            return self.create_view(replace, False)
        if s.accept_words("materialized", "view"):
            return self.create_view(replace, True)
        if s.accept_word("function"):
            return self.create_function(replace, False)
        if s.accept_word("procedure"):
            return self.create_function(replace, True)
        if s.accept_word("aggregate"):
            return self.create_aggregate(replace)
        if s.accept_word("trigger") or s.accept_words("constraint", "trigger"):
            return self.create_trigger(replace)
        if s.accept_word("policy"):
            return self.create_policy()
        if s.accept_word("schema"):
            return self.create_schema()
        if s.accept_word("extension"):
            return self.create_extension()
        if s.accept_word("sequence"):
            return self.create_sequence()
        if s.accept_words("text", "search"):
            kind = s.expect_word("configuration", "dictionary", "parser", "template")
            name = self.qname()
            self.skip_rest()
            return CreateTextSearch(kind, name)
        t = s.peek()
        what = t.text if t.kind == WORD else "statement"
        self.skip_rest()
        if what == "rule":
            return Unmodelled("CREATE RULE")
        return Ignored(f"create {what}")

    def create_table(self, kind: str) -> Op:
        s = self.s
        ine = self.if_not_exists()
        name = self.qname()
        if s.accept_word("partition"):
            s.expect_word("of")
            parent = self.qname()
            elements: tuple[ColumnDef | TableConstraint | LikeClause, ...] = ()
            if s.is_op("("):
                elements = self.table_elements(partition=True)
            if s.accept_word("default"):
                pass
            else:
                s.expect_words("for", "values")
                self._skip_partition_bound()
            op = CreateTable(name, elements, ine, "table", partition_of=parent)
            return self._table_tail(op)
        if s.accept_word("of"):
            # Typed table: columns come from the composite type.
            tn = self.qname()
            elements = self.table_elements(partition=True) if s.is_op("(") else ()
            op = CreateTable(name, (LikeClause(tn, (("__type__", True),)), *elements), ine, kind)
            return self._table_tail(op)
        if s.accept_word("as") or (s.is_op("(") and self._paren_is_column_names()):
            return self._create_table_as(name, ine)
        elements = self.table_elements() if s.is_op("(") else ()
        inherits: tuple[QName, ...] = ()
        if s.accept_word("inherits"):
            s.expect_op("(")
            items = [self.qname()]
            while s.accept_op(","):
                items.append(self.qname())
            s.expect_op(")")
            inherits = tuple(items)
        op = CreateTable(name, elements, ine, kind, inherits=inherits)
        return self._table_tail(op)

    def _paren_is_column_names(self) -> bool:
        # CREATE TABLE t (a, b) AS SELECT ...: a list of bare names then AS.
        s = self.s
        k = 1
        while True:
            if s.peek(k).kind not in (WORD, QIDENT):
                return False
            k += 1
            if s.is_op(")", k=k):
                return s.is_word("as", k=k + 1)
            if not s.is_op(",", k=k):
                return False
            k += 1

    def _create_table_as(self, name: QName, ine: bool) -> Op:
        s = self.s
        cols: tuple[str, ...] = ()
        if s.is_op("("):
            cols = self.name_list()
            s.expect_word("as")
        start = s.peek().start
        q = self.e.query()
        end = s.peek().start
        with_data = True
        if s.accept_word("with"):
            if s.accept_word("no"):
                with_data = False
            s.expect_word("data")
        del with_data
        elements = tuple(ColumnDef(c, None) for c in cols)
        return CreateTable(name, elements, ine, "table", as_query=q, as_sql=s.sql[start:end])

    def _skip_partition_bound(self) -> None:
        s = self.s
        if s.accept_word("in"):
            s.skip_parens()
        elif s.accept_word("from"):
            s.skip_parens()
            s.expect_word("to")
            s.skip_parens()
        elif s.accept_word("with"):
            s.skip_parens()
        else:
            s.fail("expected IN, FROM or WITH")

    def _table_tail(self, op: CreateTable) -> Op:
        s = self.s
        kind = op.kind
        while not s.at_end():
            if s.accept_words("partition", "by"):
                s.expect_word("range", "list", "hash")
                s.skip_parens()
                kind = "partitioned_table"
            elif s.accept_word("using"):
                s.ident()
            elif s.accept_word("with"):
                if s.is_op("("):
                    s.skip_parens()
                else:
                    s.expect_word("oids")
            elif s.accept_word("without"):
                s.expect_word("oids")
            elif s.accept_word("on"):
                s.expect_word("commit")
                s.expect_word("preserve", "delete", "drop")
                s.accept_word("rows")
            elif s.accept_word("tablespace") or s.accept_word("server"):
                s.ident()
            elif s.accept_word("options"):
                s.skip_parens()
            else:
                s.fail("syntax error")
        if kind != op.kind:
            return CreateTable(
                op.name,
                op.elements,
                op.if_not_exists,
                kind,
                op.partition_of,
                op.inherits,
                op.as_query,
                op.as_sql,
            )
        return op

    def table_elements(
        self, partition: bool = False
    ) -> tuple[ColumnDef | TableConstraint | LikeClause, ...]:
        s = self.s
        s.expect_op("(")
        out: list[ColumnDef | TableConstraint | LikeClause] = []
        if s.accept_op(")"):
            return ()
        while True:
            if s.is_word("constraint", "primary", "unique", "check", "foreign", "exclude"):
                out.append(self.table_constraint())
            elif s.accept_word("like"):
                out.append(self.like_clause())
            else:
                out.append(self.column_def(partition))
            if s.accept_op(")"):
                return tuple(out)
            s.expect_op(",")

    def like_clause(self) -> LikeClause:
        s = self.s
        src = self.qname()
        opts: list[tuple[str, bool]] = []
        while True:
            w = s.accept_word("including", "excluding")
            if w is None:
                break
            opt = s.next().text
            opts.append((opt, w == "including"))
        return LikeClause(src, tuple(opts))

    def column_def(self, partition: bool = False) -> ColumnDef:
        s = self.s
        name = s.ident()
        tn: TypeName | None = None
        if not partition or not (
            s.is_word(
                "with",
                "not",
                "null",
                "default",
                "constraint",
                "check",
                "primary",
                "unique",
                "references",
                "generated",
            )
            or s.is_op(",", ")")
        ):
            tn = self.e.type_name()
        collate = None
        constraints: list[ColConstraint] = []
        while True:
            if s.accept_word("collate"):
                collate = ".".join(self.qname())
                continue
            if s.accept_word("compression"):
                s.ident()
                continue
            if s.accept_word("storage"):
                s.ident()
                continue
            if partition and s.accept_words("with", "options"):
                continue
            c = self.column_constraint()
            if c is None:
                break
            constraints.append(c)
        return ColumnDef(name, tn, tuple(constraints), collate)

    def column_constraint(self) -> ColConstraint | None:
        s = self.s
        t = s.peek()
        if t.kind != WORD or t.text not in _COLUMN_CONSTRAINT_FIRST:
            return None  # the common case: "," or ")" after a column
        cname = None
        if s.accept_word("constraint"):
            cname = s.ident()
        c: ColConstraint | None = None
        if s.accept_words("not", "null"):
            c = ColConstraint("notnull", cname)
        elif s.accept_word("null"):
            c = ColConstraint("null", cname)
        elif s.accept_word("default"):
            c = ColConstraint("default", cname, self.src_expr(restricted=True))
        elif s.accept_word("generated"):
            kind = "ALWAYS"
            if s.accept_word("always"):
                kind = "ALWAYS"
            else:
                s.expect_words("by", "default")
                kind = "BY DEFAULT"
            s.expect_word("as")
            if s.accept_word("identity"):
                if s.is_op("("):
                    s.skip_parens()
                c = ColConstraint("identity", cname, identity=kind)
            else:
                e = self.paren_expr()
                storage = s.next().text if s.is_word("stored", "virtual") else ""
                c = ColConstraint("generated", cname, e, storage=storage)
        elif s.accept_words("primary", "key"):
            self._index_params()
            c = ColConstraint("pk", cname)
        elif s.accept_word("unique"):
            if s.accept_word("nulls"):
                s.accept_word("not")
                s.expect_word("distinct")
            self._index_params()
            c = ColConstraint("unique", cname)
        elif s.accept_word("check"):
            e = self.paren_expr()
            s.accept_words("no", "inherit")
            c = ColConstraint("check", cname, e)
        elif s.accept_word("references"):
            c = ColConstraint("fk", cname, fk=self.references(()))
        elif cname is not None:
            s.fail("expected a constraint")
        if c is not None:
            self._constraint_attrs()
        return c

    def _index_params(self) -> None:
        s = self.s
        while True:
            if s.accept_word("include") or (s.accept_word("with") and s.is_op("(")):
                s.skip_parens()
            elif s.accept_words("using", "index", "tablespace"):
                s.ident()
            else:
                return

    def _constraint_attrs(self) -> None:
        s = self.s
        while True:
            t = s.peek()
            if t.kind != WORD or t.text not in _CONSTRAINT_ATTR_FIRST:
                return  # the common case, decided by one look
            if s.accept_word("deferrable") or s.accept_words("not", "deferrable"):
                continue
            if s.accept_word("initially"):
                s.expect_word("deferred", "immediate")
                continue
            if s.accept_words("not", "valid") or s.accept_words("no", "inherit"):
                continue
            if s.accept_word("enforced") or s.accept_words("not", "enforced"):
                continue
            return

    def references(self, columns: tuple[str, ...]) -> FKSpec:
        s = self.s
        table = self.qname()
        ref_cols: tuple[str, ...] = ()
        if s.is_op("("):
            ref_cols = self.name_list()
        on_delete = on_update = "NO ACTION"
        while True:
            if s.accept_word("match"):
                s.expect_word("full", "partial", "simple")
            elif s.accept_word("on"):
                which = s.expect_word("delete", "update")
                action = self._ref_action()
                if which == "delete":
                    on_delete = action
                else:
                    on_update = action
            else:
                break
        return FKSpec(table, ref_cols, on_delete, on_update)

    def _ref_action(self) -> str:
        s = self.s
        for words, action in _REF_ACTIONS.items():
            if s.accept_words(*words):
                if action in ("SET NULL", "SET DEFAULT") and s.is_op("("):
                    s.skip_parens()
                return action
        s.fail("expected a referential action")
        raise AssertionError

    def table_constraint(self) -> TableConstraint:
        s = self.s
        name = None
        if s.accept_word("constraint"):
            name = s.ident()
        tc: TableConstraint
        if s.accept_words("primary", "key"):
            if s.accept_words("using", "index"):
                tc = TableConstraint("pk", name, (), index=s.ident())
            else:
                cols = self.name_list()
                self._index_params()
                tc = TableConstraint("pk", name, cols)
        elif s.accept_word("unique"):
            if s.accept_word("nulls"):
                s.accept_word("not")
                s.expect_word("distinct")
            if s.accept_words("using", "index"):
                tc = TableConstraint("unique", name, (), index=s.ident())
            else:
                cols = self.name_list()
                self._index_params()
                tc = TableConstraint("unique", name, cols)
        elif s.accept_word("check"):
            e = self.paren_expr()
            s.accept_words("no", "inherit")
            tc = TableConstraint("check", name, (), expr=e)
        elif s.accept_words("foreign", "key"):
            cols = self.name_list()
            s.expect_word("references")
            tc = TableConstraint("fk", name, cols, fk=self.references(cols))
        elif s.accept_word("exclude"):
            if s.accept_word("using"):
                s.ident()
            s.skip_parens()
            self._index_params()
            if s.accept_word("where"):
                self.paren_expr()
            tc = TableConstraint("exclude", name)
        else:
            s.fail("expected a table constraint")
            raise AssertionError
        self._constraint_attrs()
        return tc

    def create_index(self) -> Op:
        s = self.s
        unique = bool(s.accept_word("unique"))
        s.expect_word("index")
        concurrently = bool(s.accept_word("concurrently"))
        ine = self.if_not_exists()
        name = None
        if not s.is_word("on"):
            name = s.ident()
        s.expect_word("on")
        s.accept_word("only")
        table = self.qname()
        method = "btree"
        if s.accept_word("using"):
            method = s.ident()
        if not s.is_op("("):
            self.skip_rest()
            return CreateIndex(name, table, unique, ine, method=method, concurrently=concurrently)
        columns: list[str] = []
        colnames: list[str] = []
        odd_sort = 0
        for i, (first, last) in enumerate(self._paren_items(), 1):
            column, colname, plain = self._index_element(first, last)
            columns.append(column)
            colnames.append(colname)
            if not plain and not odd_sort:
                odd_sort = i
        partial = False
        while not s.at_end():
            if s.accept_word("include"):
                colnames.extend(self.name_list())
            elif s.accept_word("where"):
                partial = True
                self.skip_rest()
            elif s.is_op("("):
                s.skip_parens()
            else:
                s.next()
        return CreateIndex(
            name,
            table,
            unique,
            ine,
            tuple(columns),
            _unique_colnames(colnames),
            method,
            partial,
            odd_sort,
            concurrently,
        )

    def _paren_items(self) -> list[tuple[int, int]]:
        """Token ranges [first, last) of the comma-separated items of the
        parenthesized list at the cursor, which moves past it."""
        s = self.s
        inner_start, inner_end = s.skip_parens()
        items: list[tuple[int, int]] = []
        depth = 0
        start = inner_start
        for i in range(inner_start, inner_end):
            t = s.toks[i]
            if t.kind == OP and t.text in ("(", "["):
                depth += 1
            elif t.kind == OP and t.text in (")", "]"):
                depth -= 1
            elif t.kind == OP and t.text == "," and depth == 0:
                items.append((start, i))
                start = i + 1
        items.append((start, inner_end))
        return items

    def _index_element(self, first: int, last: int) -> tuple[str, str, bool]:
        """(column name or "" for an expression, the name Postgres derives
        from it, whether it sorts the default way) of an index element."""
        s = self.s
        toks = s.toks
        if first >= last:
            s.pos = first
            s.fail("syntax error")
        t0 = toks[first]
        k = first
        column = ""
        colname = "expr"
        if t0.kind in (WORD, QIDENT) and not (
            first + 1 < last and toks[first + 1].kind == OP and toks[first + 1].text in ("(", ".")
        ):
            column = colname = t0.text
            k = first + 1
        else:
            # An expression: parenthesized, or a function call.
            sub = Stream(toks[first:last], s.sql)
            try:
                node = ExprParser(sub).expr()
                k = first + sub.pos
                colname = E.figure_colname(node)[0] or "expr"
            except ParseError:
                k = last
        # COLLATE, opclass (with parameters), ASC/DESC, NULLS FIRST/LAST.
        plain = True
        desc = False
        rest = toks[k:last]
        j = 0
        while j < len(rest):
            t = rest[j]
            if t.kind == WORD and t.text == "collate":
                j += 2
                while j + 1 < len(rest) and rest[j].kind == OP and rest[j].text == ".":
                    j += 2
                continue
            if t.kind == WORD and t.text == "asc":
                pass
            elif t.kind == WORD and t.text == "desc":
                desc = True
                plain = False
            elif t.kind == WORD and t.text == "nulls" and j + 1 < len(rest):
                j += 1
                if rest[j].text == ("last" if desc else "first"):
                    plain = False
            elif t.kind == OP and t.text in ("(", ")", ".", ",", "="):
                pass
            else:
                plain = False  # an operator class
            j += 1
        return column, colname, plain

    def create_type(self) -> Op:
        s = self.s
        name = self.qname()
        if s.at_end():
            return CreateOtherType(name, "shell")
        if s.accept_word("as"):
            if s.accept_word("enum"):
                s.expect_op("(")
                labels: list[str] = []
                if not s.is_op(")"):
                    labels.append(s.string())
                    while s.accept_op(","):
                        labels.append(s.string())
                s.expect_op(")")
                return CreateEnum(name, tuple(labels))
            if s.accept_word("range"):
                s.expect_op("(")
                subtype = None
                multirange = None
                while not s.is_op(")"):
                    key = s.ident()
                    s.expect_op("=")
                    if key == "subtype":
                        subtype = self.e.type_name()
                    elif key == "multirange_type_name":
                        multirange = self.qname()
                    else:
                        while not s.is_op(",", ")"):
                            s.next()
                    s.accept_op(",")
                s.expect_op(")")
                return CreateOtherType(name, "range", subtype, multirange)
            s.expect_op("(")
            attrs: list[tuple[str, TypeName]] = []
            if not s.is_op(")"):
                while True:
                    aname = s.ident()
                    attrs.append((aname, self.e.type_name()))
                    if s.accept_word("collate"):
                        self.qname()
                    if not s.accept_op(","):
                        break
            s.expect_op(")")
            return CreateComposite(name, tuple(attrs))
        if s.is_op("("):
            s.skip_parens()
            return CreateOtherType(name, "base")
        s.fail("expected AS or (")
        raise AssertionError

    def create_domain(self) -> Op:
        s = self.s
        name = self.qname()
        s.accept_word("as")
        base = self.e.type_name()
        default = None
        not_null = False
        checks: list[tuple[str | None, E.Node]] = []
        while not s.at_end():
            cname = None
            if s.accept_word("constraint"):
                cname = s.ident()
            if s.accept_word("collate"):
                self.qname()
            elif s.accept_word("default"):
                default = self.src_expr(restricted=True)
            elif s.accept_words("not", "null"):
                not_null = True
            elif s.accept_word("null"):
                not_null = False
            elif s.accept_word("check"):
                checks.append((cname, self.paren_expr()))
                s.accept_words("not", "valid")
            else:
                s.fail("syntax error")
        return CreateDomain(name, base, default, not_null, tuple(checks))

    def create_view(self, replace: bool, materialized: bool, *, recursive: bool = False) -> Op:
        s = self.s
        ine = self.if_not_exists() if materialized else False
        name = self.qname()
        cols: tuple[str, ...] = ()
        if s.is_op("("):
            cols = self.name_list()
        if s.accept_word("using"):
            s.ident()
        if s.accept_word("with"):
            s.skip_parens()
        if s.accept_word("tablespace"):
            s.ident()
        s.expect_word("as")
        start = s.peek().start
        depth_end = self._query_end()
        sql = s.sql[start:depth_end]
        query: E.Query | None = None
        error = ""
        save = s.pos
        try:
            query = self.e.query()
            if s.peek().start < depth_end and not s.at_end():
                raise ParseError("unexpected input after the query", s.peek().start)
        except ParseError as exc:
            error = exc.message
            query = None
        # Continue after the query whatever happened.
        while s.pos < len(s.toks) and s.peek().start < depth_end:
            s.next()
        del save
        if recursive:
            # gram.y: CREATE RECURSIVE VIEW v (cols) AS q is CREATE VIEW v AS
            # WITH RECURSIVE v (cols) AS (q) SELECT cols FROM v.
            if not cols:
                s.fail("syntax error: a recursive view needs a column list")
            if query is not None:
                outer = E.Select(
                    tuple(E.Target(E.ColumnRef((c,))) for c in cols), (E.RangeVar((name[-1],)),)
                )
                query = E.Query(outer, ((name[-1], cols, query),), recursive=True)
            listed = ", ".join(quote_ident(c) for c in cols)
            cte = quote_ident(name[-1])
            sql = f"WITH RECURSIVE {cte} ({listed}) AS ({sql}) SELECT {listed} FROM {cte}"
        check = False
        if s.accept_word("with"):
            if s.accept_word("no"):
                s.expect_word("data")
            elif s.accept_word("data"):
                pass
            else:
                s.accept_word("cascaded", "local")
                s.expect_words("check", "option")
                check = True
        return CreateView(name, query, sql, cols, replace, materialized, ine, check, error)

    def _query_end(self) -> int:
        """Offset where a view's query ends (before WITH [NO] DATA / CHECK OPTION)."""
        s = self.s
        toks = s.toks
        depth = 0
        for i in range(s.pos, len(toks)):  # a plain loop: queries are long
            t = toks[i]
            if t.kind == OP:
                if t.text == ";" and depth == 0:
                    return t.start
                if t.text == "(":
                    depth += 1
                elif t.text == ")":
                    depth -= 1
            elif depth == 0 and t.kind == WORD and t.text == "with" and i > s.pos:
                nxt = s.peek(i + 1 - s.pos)
                if nxt.kind == WORD and nxt.text in ("data", "no", "check", "cascaded", "local"):
                    return t.start
        return len(s.sql)  # where the end-of-input token is

    def create_function(self, replace: bool, procedure: bool) -> Op:
        s = self.s
        name = self.qname()
        args = self.func_args()
        returns: TypeName | None = None
        setof = False
        table: tuple[tuple[str, TypeName], ...] | None = None
        language = "sql"
        volatility = "volatile"
        secdef = False
        rows: float | None = None
        body: str | None = None
        sql_body = False
        link: str | None = None
        while not s.at_end():
            if s.words_ahead("returns", "null", "on"):
                s.expect_words("returns", "null", "on", "null", "input")  # = STRICT
            elif s.accept_word("returns"):
                if s.accept_word("table"):
                    s.expect_op("(")
                    cols = []
                    while True:
                        cname = s.ident()
                        cols.append((cname, self.e.type_name()))
                        if not s.accept_op(","):
                            break
                    s.expect_op(")")
                    table = tuple(cols)
                    setof = True
                else:
                    setof = bool(s.accept_word("setof"))
                    returns = self.e.type_name()
            elif s.accept_word("language"):
                t = s.next()
                language = t.text.lower() if t.kind in (WORD, QIDENT, STR) else t.text
            elif w := s.accept_word("immutable", "stable", "volatile"):
                volatility = w
            elif s.accept_words("security", "definer") or s.accept_words(
                "external", "security", "definer"
            ):
                secdef = True
            elif s.accept_words("security", "invoker") or s.accept_words(
                "external", "security", "invoker"
            ):
                secdef = False
            elif (
                s.accept_word("strict")
                or s.accept_words("called", "on", "null", "input")
                or s.accept_word("leakproof")
                or s.accept_words("not", "leakproof")
                or s.accept_word("window")
            ):
                pass
            elif s.accept_word("parallel"):
                s.ident()
            elif s.accept_word("cost"):
                self.number()
            elif s.accept_word("rows"):
                rows = self.number()
            elif s.accept_word("support"):
                self.qname()
            elif s.accept_word("transform"):
                while s.accept_words("for", "type"):
                    self.e.type_name()
                    if not s.accept_op(","):
                        break
            elif s.accept_word("set"):
                s.ident()
                while s.is_op("."):
                    s.next()
                    s.ident()
                if s.accept_words("from", "current"):
                    continue
                if not s.accept_word("to"):
                    s.expect_op("=")
                while True:
                    t = s.next()
                    if t.kind == EOF:
                        s.fail("expected a value")
                    if not s.accept_op(","):
                        break
            elif s.accept_word("as"):
                body = s.string()
                if s.accept_op(","):
                    link = s.string()
            elif s.accept_word("return"):
                start = s.peek().start
                self.e.expr()
                body = ""
                sql_body = True
                del start
            elif s.is_word("begin") and s.is_word("atomic", k=1):
                self._skip_atomic()
                body = ""
                sql_body = True
            else:
                s.fail("syntax error")
        return CreateFunction(
            name,
            args,
            returns,
            setof,
            table,
            replace,
            language,
            volatility,
            secdef,
            rows,
            body,
            sql_body,
            procedure,
            link,
        )

    def _skip_atomic(self) -> None:
        s = self.s
        s.expect_words("begin", "atomic")
        depth = 1
        while depth:
            t = s.next()
            if t.kind == EOF:
                s.fail("expected END")
            if t.kind == WORD:
                if t.text in ("begin", "case"):
                    depth += 1
                elif t.text == "end":
                    depth -= 1

    def func_args(self) -> tuple[FuncArg, ...]:
        s = self.s
        s.expect_op("(")
        args: list[FuncArg] = []
        if s.accept_op(")"):
            return ()
        while True:
            args.append(self.func_arg())
            if s.accept_op(")"):
                return tuple(args)
            s.expect_op(",")

    def func_arg(self) -> FuncArg:
        s = self.s
        mode = s.accept_word("in", "out", "inout", "variadic") or "in"
        name = ""
        # An argument name is present when a type follows it.
        t0 = s.peek()
        if t0.kind in (WORD, QIDENT) and self._arg_has_name():
            name = s.ident()
            m2 = s.accept_word("in", "out", "inout", "variadic")
            if m2:
                mode = m2
        tn = self.e.type_name()
        default = None
        if s.accept_word("default") or s.accept_op("="):
            default = self.src_expr()
        return FuncArg(mode, name, tn, default)

    def _arg_has_name(self) -> bool:
        s = self.s
        t1 = s.peek(1)
        if t1.kind == OP and t1.text in (",", ")", "(", "[", ".", "%", "="):
            return False
        if t1.kind == WORD and t1.text in ("default", "array"):
            return False
        t0 = s.peek()
        # Multi-word type names: "double precision", "character varying" ...
        return not (
            t0.kind == WORD
            and t0.text in _MULTIWORD_TYPE_FIRST
            and t1.kind == WORD
            and t1.text in _MULTIWORD_TYPE_SECOND
        )

    def create_trigger(self, replace: bool) -> Op:
        s = self.s
        name = s.ident()
        timing = s.expect_word("before", "after", "instead").upper()
        if timing == "INSTEAD":
            s.expect_word("of")
            timing = "INSTEAD OF"
        events = [s.expect_word("insert", "update", "delete", "truncate").upper()]
        columns: list[str] = []
        if events[-1] == "UPDATE" and s.accept_word("of"):
            columns.append(s.ident())
            while s.accept_op(","):
                columns.append(s.ident())
        while s.accept_word("or"):
            events.append(s.expect_word("insert", "update", "delete", "truncate").upper())
            if events[-1] == "UPDATE" and s.accept_word("of"):
                columns.append(s.ident())
                while s.accept_op(","):
                    columns.append(s.ident())
        s.expect_word("on")
        table = self.qname()
        func: QName = ()
        while not s.at_end():
            if s.accept_word("execute"):
                s.expect_word("function", "procedure")
                func = self.qname()
                s.skip_parens()
            else:
                s.next()
        return CreateTrigger(name, table, timing, tuple(events), replace, func, tuple(columns))

    def create_policy(self) -> Op:
        s = self.s
        name = s.ident()
        s.expect_word("on")
        table = self.qname()
        permissive = True
        command = "ALL"
        roles: tuple[str, ...] = ("public",)
        using = check = None
        if s.accept_word("as"):
            permissive = s.expect_word("permissive", "restrictive") == "permissive"
        if s.accept_word("for"):
            command = s.expect_word("all", "select", "insert", "update", "delete").upper()
        if s.accept_word("to"):
            roles = self.role_list()
        if s.accept_word("using"):
            using = self.paren_expr()
        if s.accept_words("with", "check"):
            check = self.paren_expr()
        return CreatePolicy(name, table, permissive, command, roles, using, check)

    def role_list(self) -> tuple[str, ...]:
        s = self.s
        roles = [self.role()]
        while s.accept_op(","):
            roles.append(self.role())
        return tuple(roles)

    def role(self) -> str:
        s = self.s
        t = s.next()
        if t.kind == QIDENT:
            return t.text
        if t.kind == WORD:
            if t.text in ("current_user", "session_user", "current_role"):
                return t.text
            return t.text
        s.pos -= 1
        s.fail("expected a role name")
        raise AssertionError

    def create_schema(self) -> Op:
        s = self.s
        ine = self.if_not_exists()
        name: str
        if s.accept_word("authorization"):
            name = self.role()
        else:
            name = s.ident()
            if s.accept_word("authorization"):
                self.role()
        if not s.at_end():
            # Schema elements (CREATE TABLE ... inside CREATE SCHEMA): rare.
            self.skip_rest()
            return Unmodelled("CREATE SCHEMA with schema elements")
        return CreateSchema(name, ine)

    def create_extension(self) -> Op:
        s = self.s
        ine = self.if_not_exists()
        name = s.ident()
        schema = None
        s.accept_word("with")
        while not s.at_end():
            if s.accept_word("schema"):
                schema = s.ident()
            elif s.accept_word("version", "from"):
                s.next()
            elif s.accept_word("cascade"):
                pass
            else:
                s.fail("syntax error")
        return CreateExtension(name, schema, ine)

    def create_sequence(self) -> Op:
        ine = self.if_not_exists()
        name = self.qname()
        owned = self._sequence_options()
        return CreateSequence(name, ine, owned)

    def _sequence_options(self) -> QName | None:
        s = self.s
        owned: QName | None = None
        while not s.at_end():
            if s.accept_words("owned", "by"):
                owned = ("",) if s.accept_word("none") else self.qname()
            elif s.accept_word("as"):
                self.e.type_name()
            elif s.accept_word("increment", "start", "restart", "minvalue", "maxvalue", "cache"):
                s.accept_word("by", "with")
                if s.peek().kind == NUM or s.is_op("-"):
                    self.number()
            elif s.accept_word("no"):
                s.expect_word("minvalue", "maxvalue", "cycle", "cache")
            elif s.accept_word("cycle", "temp", "temporary", "unlogged", "logged"):
                pass
            elif s.accept_word("owner"):
                s.expect_word("to")
                self.role()
            elif s.accept_word("set"):
                if s.accept_word("schema"):
                    s.ident()
                else:
                    s.accept_word("logged", "unlogged")
            else:
                s.fail("syntax error")
        return owned

    # ---------------------------------------------------------------- ALTER

    def alter(self) -> Op:
        s = self.s
        if s.accept_word("table"):
            return self.alter_table("table")
        for words, kind in (
            (("materialized", "view"), "materialized view"),
            (("foreign", "table"), "foreign table"),
        ):
            if s.accept_words(*words):
                return self.alter_table(kind)
        if s.accept_word("view"):
            return self.alter_table("view")
        if s.accept_word("index"):
            return self.alter_table("index")
        if s.accept_word("sequence"):
            return self.alter_sequence()
        if s.accept_word("type"):
            return self.alter_type()
        if s.accept_word("domain"):
            return self.alter_domain()
        if s.accept_word("function"):
            return self.alter_function(False)
        if s.accept_word("procedure"):
            return self.alter_function(True)
        if s.accept_word("policy"):
            return self.alter_policy()
        if s.accept_word("schema"):
            name = s.ident()
            if s.accept_words("rename", "to"):
                return AlterSchema(name, s.ident())
            self.skip_rest()
            return Ignored("alter schema")
        if s.accept_word("extension"):
            name = s.ident()
            if s.accept_words("set", "schema"):
                return AlterExtension(name, s.ident())
            self.skip_rest()
            return Ignored("alter extension")
        t = s.peek()
        self.skip_rest()
        return Ignored(f"alter {t.text}")

    def alter_table(self, target: str) -> Op:
        s = self.s
        ine = self.if_exists()
        only = s.accept_word("only") is not None
        if s.words_ahead("all", "in"):
            self.skip_rest()
            return Ignored("alter table all in tablespace")
        name = self.qname()
        s.accept_op("*")
        if s.accept_word("rename"):
            if s.accept_word("to"):
                return AlterTable(name, (RenameRelation(s.ident()),), ine, target)
            if s.accept_word("constraint"):
                old = s.ident()
                s.expect_word("to")
                return AlterTable(name, (RenameConstraint(old, s.ident()),), ine, target)
            s.accept_word("column")
            old = s.ident()
            s.expect_word("to")
            return AlterTable(name, (RenameColumn(old, s.ident()),), ine, target, only)
        if s.words_ahead("set", "schema"):
            s.pos += 2
            return AlterTable(name, (SetSchema(s.ident()),), ine, target)
        if s.accept_words("attach", "partition"):
            child = self.qname()
            if s.accept_word("default"):
                pass
            else:
                s.expect_words("for", "values")
                self._skip_partition_bound()
            return AlterTable(name, (AttachPartition(child),), ine, target)
        if s.accept_words("detach", "partition"):
            child = self.qname()
            s.accept_word("concurrently", "finalize")
            return AlterTable(name, (AttachPartition(child, True),), ine, target)
        actions: list[Action] = []
        while True:
            a = self.alter_action()
            if a is not None:
                actions.append(a)
            if not s.accept_op(","):
                break
        return AlterTable(name, tuple(actions), ine, target, only)

    def alter_action(self) -> Action | None:
        s = self.s
        if s.accept_word("add"):
            if s.is_word("constraint", "primary", "unique", "check", "foreign", "exclude"):
                tc = self.table_constraint()
                return AddConstraint(tc)
            s.accept_word("column")
            ine = self.if_not_exists()
            return AddColumn(self.column_def(), ine)
        if s.accept_word("drop"):
            if s.accept_word("constraint"):
                ie = self.if_exists()
                name = s.ident()
                cascade = s.accept_word("cascade", "restrict") == "cascade"
                return DropConstraint(name, ie, cascade)
            s.accept_word("column")
            ie = self.if_exists()
            name = s.ident()
            cascade = s.accept_word("cascade", "restrict") == "cascade"
            return DropColumn(name, ie, cascade)
        if s.accept_word("alter"):
            column = bool(s.accept_word("column"))
            # gram.y: ALTER opt_column ColId, and a ColId is no reserved or
            # type-or-function-name keyword ("alter table t drop a, alter
            # table u ..." misses a semicolon: a syntax error at TABLE).
            # ALTER CONSTRAINT is a command of its own (not supported here).
            t = s.peek()
            if (
                t.kind == WORD
                and (column or t.text != "constraint")
                and builtins().keywords.get(t.text, "U") in ("R", "T")
            ):
                s.fail("syntax error")
            col = s.ident()
            if s.accept_words("set", "data", "type") or s.accept_word("type"):
                tn = self.e.type_name()
                if s.accept_word("collate"):
                    self.qname()
                using = self.e.expr() if s.accept_word("using") else None
                return AlterColumnType(col, tn, using)
            if s.accept_words("set", "default"):
                return SetDefault(col, self.src_expr())  # a_expr, unlike a column's DEFAULT
            if s.accept_words("drop", "default"):
                return SetDefault(col, None)
            if s.accept_words("set", "not", "null"):
                return SetNotNull(col, True)
            if s.accept_words("drop", "not", "null"):
                return SetNotNull(col, False)
            if s.accept_words("drop", "expression"):
                self.if_exists()
                return DropExpression(col)
            if s.accept_words("drop", "identity"):
                ie = self.if_exists()
                return SetIdentity(col, "drop", if_exists=ie)
            if s.accept_words("add", "generated"):
                kind = "ALWAYS" if s.accept_word("always") else ""
                if not kind:
                    s.expect_words("by", "default")
                    kind = "BY DEFAULT"
                s.expect_words("as", "identity")
                if s.is_op("("):
                    s.skip_parens()
                return SetIdentity(col, "add", kind)
            if s.is_word("set", "restart"):
                kind = ""
                while not s.at_end() and not s.is_op(","):
                    if s.accept_words("set", "generated"):
                        if s.accept_word("always"):
                            kind = "ALWAYS"
                        else:
                            s.expect_words("by", "default")
                            kind = "BY DEFAULT"
                        continue
                    if s.is_op("("):
                        s.skip_parens()
                        continue
                    s.next()
                if kind:
                    return SetIdentity(col, "set", kind)
                return None
            if s.accept_word("reset") or s.accept_word("options"):
                s.skip_parens()
                return None
            s.fail("unsupported ALTER COLUMN action")
        if s.words_ahead("enable", "row", "level", "security"):
            s.pos += 4
            return SetRowSecurity("enable")
        if s.words_ahead("disable", "row", "level", "security"):
            s.pos += 4
            return SetRowSecurity("disable")
        if s.words_ahead("force", "row", "level", "security"):
            s.pos += 4
            return SetRowSecurity("force")
        if s.words_ahead("no", "force", "row", "level", "security"):
            s.pos += 5
            return SetRowSecurity("no force")
        if s.accept_word("validate"):
            s.expect_word("constraint")
            s.ident()
            return None
        if s.is_word(
            "owner",
            "enable",
            "disable",
            "replica",
            "cluster",
            "set",
            "reset",
            "inherit",
            "no",
            "alter",
            "of",
            "not",
        ):
            # OWNER TO, triggers, replica identity, storage options: no model effect.
            depth = 0
            while not s.at_end():
                if depth == 0 and s.is_op(","):
                    break
                t = s.next()
                if t.kind == OP and t.text == "(":
                    depth += 1
                elif t.kind == OP and t.text == ")":
                    depth -= 1
            return None
        s.fail("unsupported ALTER TABLE action")
        raise AssertionError

    def alter_sequence(self) -> Op:
        s = self.s
        ie = self.if_exists()
        name = self.qname()
        if s.accept_word("rename"):
            s.expect_word("to")
            return AlterTable(name, (RenameRelation(s.ident()),), ie, "sequence")
        if s.words_ahead("set", "schema"):
            s.pos += 2
            return AlterTable(name, (SetSchema(s.ident()),), ie, "sequence")
        owned = self._sequence_options()
        return AlterSequence(name, owned, ie)

    def alter_type(self) -> Op:
        s = self.s
        name = self.qname()
        if s.accept_words("add", "value"):
            ine = self.if_not_exists()
            value = s.string()
            position = other = ""
            if w := s.accept_word("before", "after"):
                position = w
                other = s.string()
            return AlterType(name, "add value", value, other, position, ine)
        if s.accept_words("rename", "value"):
            old = s.string()
            s.expect_word("to")
            return AlterType(name, "rename value", old, s.string())
        if s.accept_words("rename", "to"):
            return AlterType(name, "rename", other=s.ident())
        if s.accept_words("rename", "attribute"):
            old = s.ident()
            s.expect_word("to")
            new = s.ident()
            cascade = s.accept_word("cascade", "restrict") == "cascade"
            return AlterType(name, "rename attribute", old, new, cascade=cascade)
        if s.accept_words("set", "schema"):
            return AlterType(name, "set schema", other=s.ident())
        first = self._attribute_action(name)
        if first is None:
            self.skip_rest()
            return Ignored("alter type")
        # ADD, DROP and ALTER ATTRIBUTE take a comma-separated list.
        more = []
        while s.accept_op(","):
            action = self._attribute_action(name)
            if action is None:
                s.fail("syntax error")
                raise AssertionError
            more.append(action)
        first.more = tuple(more)
        return first

    def _attribute_action(self, name: QName) -> AlterType | None:
        s = self.s
        if s.accept_words("add", "attribute"):
            aname = s.ident()
            tn = self.e.type_name()
            if s.accept_word("collate"):
                self.qname()
            cascade = s.accept_word("cascade", "restrict") == "cascade"
            return AlterType(name, "add attribute", aname, type=tn, cascade=cascade)
        if s.accept_words("drop", "attribute"):
            ie = self.if_exists()
            aname = s.ident()
            cascade = s.accept_word("cascade", "restrict") == "cascade"
            return AlterType(name, "drop attribute", aname, if_not_exists=ie, cascade=cascade)
        if s.accept_words("alter", "attribute"):
            aname = s.ident()
            s.accept_words("set", "data")
            s.expect_word("type")
            tn = self.e.type_name()
            if s.accept_word("collate"):
                self.qname()
            cascade = s.accept_word("cascade", "restrict") == "cascade"
            return AlterType(name, "alter attribute", aname, type=tn, cascade=cascade)
        return None

    def alter_domain(self) -> Op:
        s = self.s
        name = self.qname()
        if s.accept_words("set", "default"):
            return AlterDomain(name, "set default", self.src_expr())  # a_expr
        if s.accept_words("drop", "default"):
            return AlterDomain(name, "drop default")
        if s.accept_words("set", "not", "null"):
            return AlterDomain(name, "set not null")
        if s.accept_words("drop", "not", "null"):
            return AlterDomain(name, "drop not null")
        if s.accept_word("add"):
            cname = None
            if s.accept_word("constraint"):
                cname = s.ident()
            if s.accept_words("not", "null"):
                return AlterDomain(name, "set not null")
            s.expect_word("check")
            e = self.paren_expr()
            s.accept_words("not", "valid")
            return AlterDomain(name, "add check", e, cname)
        if s.accept_words("drop", "constraint"):
            self.if_exists()
            cname = s.ident()
            s.accept_word("cascade", "restrict")
            return AlterDomain(name, "drop constraint", constraint=cname)
        if s.accept_words("rename", "constraint"):
            old = s.ident()
            s.expect_word("to")
            return AlterDomain(name, "rename constraint", constraint=old, new=s.ident())
        if s.accept_words("rename", "to"):
            return AlterDomain(name, "rename", new=s.ident())
        if s.accept_words("set", "schema"):
            return AlterDomain(name, "set schema", new=s.ident())
        self.skip_rest()
        return Ignored("alter domain")

    def aggregate_args(self) -> tuple[tuple[FuncArg, ...], int | None]:
        """An aggregate's ``(args)``, ``(*)`` or ``([args] ORDER BY args)``:
        the arguments, and the number of direct ones of an ordered-set
        aggregate (None for a plain one)."""
        s = self.s
        s.expect_op("(")
        if s.accept_op("*"):
            s.expect_op(")")
            return (), None
        args: list[FuncArg] = []
        direct: int | None = None
        while True:
            if direct is None and s.accept_words("order", "by"):
                direct = len(args)
            if s.peek().kind in (WORD, QIDENT) and s.is_word("order", k=1) and s.is_word("by", k=2):
                args.append(FuncArg("in", "", self.e.type_name()))  # no name: "text ORDER BY"
            else:
                args.append(self.func_arg())
            if s.accept_op(")"):
                return tuple(args), direct
            if direct is None and s.words_ahead("order", "by"):
                continue
            s.expect_op(",")

    def create_aggregate(self, replace: bool) -> Op:
        s = self.s
        start = s.pos
        try:
            name = self.qname()
            order_by: int | None = None
            # The old syntax: name (BASETYPE = type, SFUNC = ..., STYPE = ...).
            old_style = s.is_op("(") and s.peek(1).kind in (WORD, QIDENT) and s.is_op("=", k=2)
            args: tuple[FuncArg, ...] | None = None
            if not old_style:
                args, order_by = self.aggregate_args()
            sfunc: QName | None = None
            stype: TypeName | None = None
            finalfunc: QName | None = None
            final_extra = False
            s.expect_op("(")
            while True:
                key = s.ident().lower()
                if s.accept_op("="):
                    if key in ("sfunc", "finalfunc"):
                        fn = self.qname()
                        if key == "sfunc":
                            sfunc = fn
                        else:
                            finalfunc = fn
                    elif key in ("stype", "basetype"):
                        tn = self.e.type_name()
                        if key == "stype":
                            stype = tn
                        elif old_style:
                            args = (FuncArg("in", "", tn),) if tn.names[-1] != "any" else ()
                    else:
                        depth = 0
                        while depth or not s.is_op(",", ")"):
                            t = s.next()
                            if t.kind == EOF:
                                s.fail('expected ")"')
                            if t.kind == OP and t.text in ("(", ")"):
                                depth += 1 if t.text == "(" else -1
                elif key == "finalfunc_extra":
                    final_extra = True
                if s.accept_op(")"):
                    break
                s.expect_op(",")
            if sfunc is None or stype is None or args is None or not s.at_end():
                raise ParseError("not a modelled aggregate definition", s.peek().start)
        except ParseError:
            s.pos = start
            self.skip_rest()
            return Ignored("create aggregate")
        return CreateAggregate(name, args, sfunc, stype, finalfunc, replace, order_by, final_extra)

    def func_ref(self) -> FuncRef:
        s = self.s
        name = self.qname()
        if not s.is_op("("):
            return FuncRef(name, None)
        s.expect_op("(")
        types: list[TypeName] = []
        if not s.accept_op(")"):
            while True:
                a = self.func_arg()
                if a.mode != "out":
                    types.append(a.type)
                if s.accept_op(")"):
                    break
                s.expect_op(",")
        return FuncRef(name, tuple(types))

    def alter_function(self, procedure: bool) -> Op:
        s = self.s
        ref = self.func_ref()
        if s.accept_words("rename", "to"):
            return AlterFunction(ref, rename=s.ident(), procedure=procedure)
        if s.accept_words("set", "schema"):
            return AlterFunction(ref, set_schema=s.ident(), procedure=procedure)
        volatility = None
        secdef = None
        rows = None
        while not s.at_end():
            if w := s.accept_word("immutable", "stable", "volatile"):
                volatility = w
            elif s.accept_words("security", "definer") or s.accept_words(
                "external", "security", "definer"
            ):
                secdef = True
            elif s.accept_words("security", "invoker") or s.accept_words(
                "external", "security", "invoker"
            ):
                secdef = False
            elif s.accept_word("rows"):
                rows = self.number()
            elif s.accept_word("owner"):
                s.expect_word("to")
                self.role()
            else:
                # SET/RESET configuration, COST, PARALLEL, LEAKPROOF...: no model effect.
                s.next()
        return AlterFunction(ref, None, None, volatility, secdef, rows, procedure)

    def alter_policy(self) -> Op:
        s = self.s
        name = s.ident()
        s.expect_word("on")
        table = self.qname()
        if s.accept_words("rename", "to"):
            return AlterPolicy(name, table, rename=s.ident())
        roles = None
        using = check = None
        if s.accept_word("to"):
            roles = self.role_list()
        if s.accept_word("using"):
            using = self.paren_expr()
        if s.accept_words("with", "check"):
            check = self.paren_expr()
        return AlterPolicy(name, table, None, roles, using, check)

    # ---------------------------------------------------------------- DROP

    def drop(self) -> Op:
        s = self.s
        kind = None
        for words, k in _OBJECT_KINDS_2.items():
            if s.words_ahead(*words):
                s.pos += len(words)
                if k == "foreign data wrapper":
                    s.expect_word("wrapper")
                kind = k
                break
        if kind is None:
            t = s.next()
            kind = t.text
        if kind == "text search":
            kind += " " + s.expect_word("configuration", "dictionary", "parser", "template")
        if kind in ("function", "procedure"):
            ie = self.if_exists()
            items = [self.func_ref()]
            while s.accept_op(","):
                items.append(self.func_ref())
            cascade = s.accept_word("cascade", "restrict") == "cascade"
            return DropFunction(tuple(items), ie, cascade, kind == "procedure")
        if kind == "aggregate":
            ie = self.if_exists()
            refs: list[FuncRef] = []
            while True:
                aname = self.qname()
                aargs, _direct = self.aggregate_args()
                refs.append(FuncRef(aname, tuple(a.type for a in aargs if a.mode != "out")))
                if not s.accept_op(","):
                    break
            cascade = s.accept_word("cascade", "restrict") == "cascade"
            return DropAggregate(tuple(refs), ie, cascade)
        if kind == "trigger":
            ie = self.if_exists()
            name = s.ident()
            s.expect_word("on")
            table = self.qname()
            s.accept_word("cascade", "restrict")
            return DropTrigger(name, table, ie)
        if kind == "policy":
            ie = self.if_exists()
            name = s.ident()
            s.expect_word("on")
            table = self.qname()
            s.accept_word("cascade", "restrict")
            return DropPolicy(name, table, ie)
        if kind in (
            "table",
            "view",
            "materialized view",
            "type",
            "domain",
            "schema",
            "sequence",
            "index",
            "extension",
            "foreign table",
            "text search configuration",
            "text search dictionary",
            "text search parser",
            "text search template",
        ):
            if kind == "index":
                s.accept_word("concurrently")
            ie = self.if_exists()
            names = [self.qname()]
            while s.accept_op(","):
                names.append(self.qname())
            cascade = s.accept_word("cascade", "restrict") == "cascade"
            return Drop(kind, tuple(names), ie, cascade)
        self.skip_rest()
        if kind == "rule":
            return Unmodelled("DROP RULE")
        return Ignored(f"drop {kind}")

    # ---------------------------------------------------------------- COMMENT

    def comment(self) -> Op:
        s = self.s
        s.expect_word("on")
        kind = None
        for words, k in _OBJECT_KINDS_2.items():
            if s.words_ahead(*words):
                s.pos += len(words)
                kind = k
                break
        if kind is None:
            kind = s.next().text
        func_args: tuple[TypeName, ...] | None = None
        if kind in ("function", "procedure"):
            ref = self.func_ref()
            target, func_args = ref.name, ref.args
        elif kind in ("constraint", "policy", "trigger", "rule"):
            cname = s.ident()
            s.expect_word("on")
            s.accept_word("domain")
            target = (*self.qname(), cname)
        elif kind in (
            "table",
            "view",
            "materialized view",
            "type",
            "domain",
            "schema",
            "column",
            "foreign table",
            "sequence",
            "index",
            "extension",
        ):
            target = self.qname()
        else:
            self.skip_rest()
            return Ignored(f"comment on {kind}")
        s.expect_word("is")
        text = None if s.accept_word("null") else s.string()
        return Comment(kind, target, text, func_args)

    # ---------------------------------------------------------------- SET, SELECT, transactions

    def set_stmt(self, w: str) -> Op:
        s = self.s
        if w == "reset":
            # sqlglot's tokenizer reads the rest of a RESET as one string.
            if s.peek().kind == STR and s.peek().text.strip().lower() in ("search_path", "all"):
                s.next()
                return SetSearchPath(None)
            if s.accept_word("search_path"):
                return SetSearchPath(None)
            if s.accept_word("all"):
                return SetSearchPath(None)
            self.skip_rest()
            return Ignored("reset")
        local = bool(s.accept_word("local"))
        s.accept_word("session")
        if s.words_ahead("schema"):
            s.next()
            return SetSearchPath((s.string(),), local)
        if not s.accept_word("search_path"):
            self.skip_rest()
            return Ignored("set")
        if not s.accept_word("to"):
            s.expect_op("=")
        if s.accept_word("default"):
            return SetSearchPath(None, local)
        path: list[str] = []
        while True:
            t = s.next()
            if t.kind == WORD:
                path.append(t.text)
            elif t.kind in (QIDENT, STR):
                # A quoted list element may hold several names: SET search_path = 'a, b'.
                if t.kind == STR and "," in t.text:
                    path.extend(p.strip().strip('"') for p in t.text.split(",") if p.strip())
                else:
                    path.append(t.text)
            else:
                s.pos -= 1
                s.fail("expected a schema name")
            if not s.accept_op(","):
                break
        return SetSearchPath(tuple(path), local)

    def select_stmt(self) -> Op:
        # pg_dump output: SELECT pg_catalog.set_config('search_path', '', false);
        s = self.s
        into = self._select_into()
        if into is not None:
            return into
        if s.peek().kind not in (WORD, QIDENT):
            self.skip_rest()
            return Ignored("select")
        names = self.qname()
        if names[-1] != "set_config" or not s.accept_op("("):
            self.skip_rest()
            return Ignored("select")
        t = s.next()
        if t.kind != STR or t.text.lower() != "search_path":
            self.skip_rest()
            return Ignored("select")
        s.expect_op(",")
        value = s.string()
        s.expect_op(",")
        is_local = s.next().text == "true"
        s.expect_op(")")
        if not s.at_end():
            self.skip_rest()
            return Ignored("select")
        path = tuple(p.strip().strip('"') for p in value.split(",") if p.strip())
        return SetSearchPath(path, is_local)

    def _select_into(self) -> Op | None:
        """[WITH ...] SELECT ... INTO [TEMP | UNLOGGED] [TABLE] name ...:
        CREATE TABLE AS (a temporary table is not the model's). None, the
        stream unmoved, when no INTO follows the main query's first target
        list (WITH ... INSERT INTO ...)."""
        s = self.s
        if self.plpgsql:
            return None
        depth = 0
        for t in s.toks[s.pos :]:
            if t.kind == OP and t.text in ("(", "["):
                depth += 1
            elif t.kind == OP and t.text in (")", "]"):
                depth -= 1
            elif depth == 0 and t.kind == WORD and t.text in ("into", "from"):
                break
        else:
            return None
        if t.text != "into":
            return None
        save = s.pos
        s.pos -= 1  # back to SELECT / WITH
        start = s.peek().start
        self.e.allow_into = True
        try:
            q = self.e.query()
        except ParseError:
            s.pos = save
            return None
        finally:
            self.e.allow_into = False
        into, self.e.into = self.e.into, None
        if into is None or not s.at_end():
            s.pos = save
            return None
        name, persistence = into
        if persistence in ("temp", "temporary"):
            self.skip_rest()
            return Ignored("select into temp")
        end = s.peek().start
        return CreateTable(name, (), False, "table", as_query=q, as_sql=s.sql[start:end])

    def transaction(self, w: str) -> Op:
        s = self.s
        if w == "start":
            s.expect_word("transaction")
            self.skip_rest()
            return Transaction("begin")
        if w == "begin":
            self.skip_rest()
            return Transaction("begin")
        if w in ("commit", "end"):
            if s.accept_word("prepared"):
                self.skip_rest()
                return Ignored("commit prepared")
            self.skip_rest()
            return Transaction("commit")
        if w in ("rollback", "abort"):
            s.accept_word("work", "transaction")
            if s.accept_word("to"):
                s.accept_word("savepoint")
                return Transaction("rollback to", s.ident())
            if s.accept_word("prepared"):
                self.skip_rest()
                return Ignored("rollback prepared")
            self.skip_rest()
            return Transaction("rollback")
        if w == "savepoint":
            return Transaction("savepoint", s.ident())
        s.accept_word("savepoint")
        return Transaction("release", s.ident())


class _DoUnsupported(Exception):
    """A DO body outside what the static source models."""


_DO_SPACE = re.compile(r"(?:\s+|--[^\n]*|/\*.*?\*/)*", re.S)
_DO_LANGUAGE = re.compile(r"language\s+(?:([A-Za-z_]\w*)|'([^']*)'|\"([^\"]*)\")", re.I)
_DOLLAR_TAG = re.compile(r"\$(?:[^\W\d]\w*)?\$")


def _do_body(sql: str, pos: int) -> tuple[str, int] | None:
    """The PL/pgSQL body of ``DO [LANGUAGE l] 'body' [LANGUAGE l]`` whose
    text follows ``pos``, and the body's offset in ``sql``; None when it is
    not a plain PL/pgSQL body."""
    body: tuple[str, int] | None = None
    language = "plpgsql"
    n = len(sql)
    while True:
        pos = _DO_SPACE.match(sql, pos).end()  # type: ignore[union-attr]
        if pos >= n or sql[pos] == ";":
            break
        m = _DO_LANGUAGE.match(sql, pos)
        if m is not None:
            language = (m.group(1) or "").lower() or m.group(2) or m.group(3) or ""
            pos = m.end()
            continue
        if body is not None:
            return None
        tag = _DOLLAR_TAG.match(sql, pos)
        if tag is not None:
            close = sql.find(tag.group(), tag.end())
            if close < 0:
                return None
            body = (sql[tag.end() : close], tag.end())
            pos = close + len(tag.group())
        elif sql[pos] == "'":
            close = pos + 1
            while True:
                close = sql.find("'", close)
                if close < 0:
                    return None
                if sql.startswith("''", close):
                    close += 2
                    continue
                break
            text = sql[pos + 1 : close]
            if "''" in text:
                return None  # positions would not map: not worth it
            body = (text, pos + 1)
            pos = close + 1
        else:
            return None
    if body is None or language != "plpgsql":
        return None
    return body


#: PL/pgSQL statements that only report (RAISE below EXCEPTION level).
_RAISE_LEVELS = frozenset(["debug", "log", "info", "notice", "warning"])
#: PL/pgSQL control statements the static source does not follow.
_PLPGSQL_UNSUPPORTED = frozenset(
    [
        "declare",
        "loop",
        "for",
        "foreach",
        "while",
        "case",
        "exit",
        "continue",
        "open",
        "fetch",
        "move",
        "close",
        "get",
        "return",
        "assert",
    ]
)


class _DoParser:
    """The PL/pgSQL of a DO body, as far as the static source models it:
    blocks (without DECLARE), exception handlers, IF, NULL, RAISE, PERFORM
    and SQL statements. Anything else raises :class:`_DoUnsupported`."""

    def __init__(self, outer: str, body: str, toks: list[Tok], base: int) -> None:
        self.outer = outer
        self.body_text = body
        self.toks = toks
        self.s = Stream(toks, body)
        self.base = base
        self.lines = _Lines(outer)

    def loc(self, start: int, end: int) -> RelLoc:
        """Where ``body[start:end]`` is in the DO statement."""
        return self.lines.loc(self.base + start, self.base + end)

    def body(self) -> DoBlock:
        s = self.s
        block = self.block()
        s.accept_op(";")
        if s.peek().kind != EOF:
            s.fail("syntax error")
        return block

    def block(self) -> DoBlock:
        s = self.s
        if s.accept_op("<<"):
            s.ident()
            s.expect_op(">>")
        if s.is_word("declare"):
            raise _DoUnsupported("DECLARE")
        s.expect_word("begin")
        items = self.statements(("exception", "end"))
        handlers: list[tuple[tuple[str, ...], tuple[DoItem, ...]]] = []
        if s.accept_word("exception"):
            while s.accept_word("when"):
                conditions = [self.condition()]
                while s.accept_word("or"):
                    conditions.append(self.condition())
                s.expect_word("then")
                handlers.append((tuple(conditions), self.statements(("when", "end"))))
            if not handlers:
                s.fail("syntax error")
        s.expect_word("end")
        if s.peek().kind in (WORD, QIDENT):
            s.next()  # the block's label
        return DoBlock(items, tuple(handlers))

    def condition(self) -> str:
        s = self.s
        if s.accept_word("sqlstate"):
            return "sqlstate:" + s.string().upper()
        return s.ident().lower()

    def statements(self, stops: tuple[str, ...]) -> tuple[DoItem, ...]:
        s = self.s
        items: list[DoItem] = []
        while True:
            t = s.peek()
            if t.kind == EOF:
                s.fail("syntax error")
            if t.kind == WORD and t.text in stops:
                return tuple(items)
            if t.kind == OP and t.text == ";":
                s.next()
                continue
            item = self.statement()
            if item is not None:
                items.append(item)

    def statement(self) -> DoItem | None:
        s = self.s
        t = s.peek()
        if (t.kind == WORD and t.text == "begin") or (t.kind == OP and t.text == "<<"):
            block = self.block()
            s.expect_op(";")
            return block
        if t.kind == WORD and t.text == "if":
            return self.if_stmt()
        if t.kind == WORD and t.text in _PLPGSQL_UNSUPPORTED:
            raise _DoUnsupported(t.text.upper())
        start, end = self.to_semicolon()
        first = self.toks[start]
        loc = self.loc(first.start, self.toks[end].end)  # with its ";"
        if first.kind == WORD and first.text == "null" and end - start == 1:
            return None
        if first.kind == WORD and first.text == "perform":
            return None  # like a top-level SELECT: no effect on the model
        if first.kind == WORD and first.text == "raise":
            level = self.toks[start + 1] if end - start > 1 else None
            if level is not None and level.kind == WORD and level.text in _RAISE_LEVELS:
                return None
            return DoUnknown("RAISE", loc)
        second = self.toks[start + 1] if end - start > 1 else None
        if second is not None and second.kind == OP and second.text in (":=", "=", ":"):
            return DoUnknown("an assignment", loc)
        if first.kind == WORD and first.text in ("execute", "call", "commit", "rollback"):
            return DoUnknown(first.text.upper(), loc)
        op = self.sql_statement(start, end)
        if isinstance(op, Ignored):
            return None
        if isinstance(op, (Unmodelled, Transaction)):
            return DoUnknown(op.what if isinstance(op, Unmodelled) else op.kind.upper(), loc)
        return DoStmt(op, loc)

    def to_semicolon(self) -> tuple[int, int]:
        """Token range of the statement at the cursor (without its ``;``);
        the cursor moves past the ``;``."""
        s = self.s
        start = s.pos
        depth = 0
        while True:
            t = s.peek()
            if t.kind == EOF:
                s.fail('expected ";"')
            if t.kind == OP:
                if t.text in ("(", "["):
                    depth += 1
                elif t.text in (")", "]"):
                    depth -= 1
                elif t.text == ";" and depth == 0:
                    end = s.pos
                    s.next()
                    if end == start:
                        s.fail("syntax error")
                    return start, end
            s.next()

    def sql_statement(self, start: int, end: int) -> Op:
        toks = self.toks
        first = toks[start].start
        last = toks[end - 1].end
        sql = self.body_text[first:last]
        sub = [Tok(t.kind, t.text, t.start - first, t.end - first) for t in toks[start:end]]
        parser = _Parser(Stream(sub, sql))
        parser.plpgsql = True
        op = parser.statement()
        if isinstance(op, (Do, Noted)):
            raise _DoUnsupported("nested DO")
        return op

    def if_stmt(self) -> DoIf:
        s = self.s
        start = s.peek().start
        s.expect_word("if")
        branches: list[tuple[E.Node | None, tuple[DoItem, ...]]] = []
        cond = self.condition_expr()
        branches.append((cond, self.statements(("elsif", "elseif", "else", "end"))))
        while s.accept_word("elsif", "elseif"):
            cond = self.condition_expr()
            branches.append((cond, self.statements(("elsif", "elseif", "else", "end"))))
        if s.accept_word("else"):
            branches.append((None, self.statements(("end",))))
        s.expect_words("end", "if")
        end = self.toks[s.pos - 1].end
        s.expect_op(";")
        return DoIf(tuple(branches), self.loc(start, end))

    def condition_expr(self) -> E.Node:
        """The expression up to THEN (which is consumed)."""
        s = self.s
        start = s.pos
        depth = 0
        cases = 0
        while True:
            t = s.peek()
            if t.kind == EOF or (t.kind == OP and t.text == ";"):
                s.fail("expected THEN")
            if t.kind == OP and t.text in ("(", "["):
                depth += 1
            elif t.kind == OP and t.text in (")", "]"):
                depth -= 1
            elif t.kind == WORD and t.text == "case":
                cases += 1
            elif t.kind == WORD and t.text == "end" and cases:
                cases -= 1
            elif t.kind == WORD and t.text == "then" and depth == 0 and not cases:
                break
            s.next()
        end = s.pos
        s.next()
        sub = Stream(self.toks[start:end], self.body_text)
        node = ExprParser(sub).expr()
        if sub.peek().kind != EOF:
            sub.fail("syntax error")
        return node


def _has_effect(block: DoBlock) -> bool:
    """Whether running the block can change the model at all."""

    def items(xs: tuple[DoItem, ...]) -> bool:
        for x in xs:
            if isinstance(x, (DoStmt, DoUnknown)):
                return True
            if isinstance(x, DoBlock) and _has_effect(x):
                return True
            if isinstance(x, DoIf) and any(items(b) for _c, b in x.branches):
                return True
        return False

    return items(block.items) or any(items(h) for _c, h in block.handlers)


def _unique_colnames(names: list[str]) -> tuple[str, ...]:
    """ChooseIndexColumnNames: a repeated name gets a number appended."""
    out: list[str] = []
    for name in names:
        cur = name
        i = 0
        while cur in out:
            i += 1
            suffix = str(i)
            room = NAMEDATALEN - 1 - len(suffix)
            cur = name.encode("utf-8", "surrogatepass")[:room].decode("utf-8", "ignore") + suffix
        out.append(cur)
    return tuple(out)


_ = (STR, QIDENT)


fast_pickling(globals())
