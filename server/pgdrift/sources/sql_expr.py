"""Postgres expressions and queries: a faithful syntax tree and its parser.

sqlglot normalizes what it parses (``now()`` becomes ``CURRENT_TIMESTAMP``,
``char_length`` becomes ``LENGTH``), which is right for transpiling and wrong
for reproducing what Postgres stores: a column default must come out exactly
as ``pg_get_expr`` prints it. So expressions in DDL (defaults, generated
columns, CHECK constraints, policy quals, function argument defaults) are
parsed here, over sqlglot's tokens, into nodes that keep what was written.
:mod:`pgdrift.sources.sql_render` resolves and prints them.

The grammar follows gram.y's ``a_expr`` precedence; sub-queries cover
SELECT with joins, WHERE, GROUP BY, HAVING, ORDER BY, LIMIT and set
operations, which is what policies and defaults use in practice.
"""

from __future__ import annotations

from dataclasses import dataclass

from pgdrift.model import fast_pickling
from pgdrift.sources.sql_tokens import (
    BITSTR,
    EOF,
    NUM,
    OP,
    PARAM,
    QIDENT,
    STR,
    WORD,
    ParseError,
    Stream,
)
from pgdrift.sources.sql_types import SERIAL_TYPES, SQL_TYPE_NAMES, TypeName

# --------------------------------------------------------------------------- nodes


# Nodes, like the operations in ddl.py, are values nobody changes after the
# parser builds them, but they are not frozen dataclasses: a frozen
# dataclass's __init__ goes through object.__setattr__ for every field, three
# times the cost of a plain one, and a cold index builds (and unpickles)
# several hundred thousand nodes. Nor are they hashable.


class Node:
    """Base class of expression nodes."""

    __slots__ = ()


@dataclass(slots=True)
class Const(Node):
    #: "str", "num", "bool", "null", "bits"
    kind: str
    value: str | None


@dataclass(slots=True)
class ColumnRef(Node):
    names: tuple[str, ...]  # the last may be "*"


@dataclass(slots=True)
class Param(Node):
    number: int


@dataclass(slots=True)
class FuncCall(Node):
    name: tuple[str, ...]
    args: tuple[Node, ...] = ()
    arg_names: tuple[str | None, ...] = ()
    star: bool = False
    distinct: bool = False
    variadic: bool = False
    order_by: tuple[SortBy, ...] = ()
    filter: Node | None = None
    over: WindowDef | None = None
    within_group: tuple[SortBy, ...] = ()


@dataclass(slots=True)
class SpecialFunc(Node):
    """SQL-syntax functions: COALESCE, GREATEST, LEAST, NULLIF, EXTRACT,
    SUBSTRING, POSITION, TRIM, OVERLAY, and value functions (CURRENT_DATE...)."""

    name: str  # upper case
    args: tuple[Node, ...] = ()
    #: EXTRACT field / TRIM mode / precision of CURRENT_TIMESTAMP(p) ...
    detail: str = ""


@dataclass(slots=True)
class TypeCast(Node):
    arg: Node
    type: TypeName
    #: "::" cast, CAST(...), or a typed literal (``interval '1 day'``).
    style: str = "::"


@dataclass(slots=True)
class Op(Node):
    name: str
    left: Node | None  # None for prefix operators
    right: Node
    schema: str | None = None  # OPERATOR(schema.op)


@dataclass(slots=True)
class BoolOp(Node):
    op: str  # AND, OR, NOT
    args: tuple[Node, ...]


@dataclass(slots=True)
class Test(Node):
    """IS [NOT] NULL / TRUE / FALSE / UNKNOWN."""

    arg: Node
    what: str  # "NULL", "NOT NULL", "TRUE", "NOT TRUE", ...


@dataclass(slots=True)
class Distinct(Node):
    left: Node
    right: Node
    negated: bool  # IS NOT DISTINCT FROM


@dataclass(slots=True)
class InList(Node):
    arg: Node
    items: tuple[Node, ...]
    negated: bool


@dataclass(slots=True)
class Between(Node):
    arg: Node
    low: Node
    high: Node
    negated: bool
    symmetric: bool


@dataclass(slots=True)
class Like(Node):
    kind: str  # LIKE, ILIKE, SIMILAR
    arg: Node
    pattern: Node
    negated: bool
    escape: Node | None = None


@dataclass(slots=True)
class AnyAll(Node):
    """``x op ANY|SOME|ALL (array)``."""

    op: str
    left: Node
    quantifier: str  # ANY, ALL
    right: Node


@dataclass(slots=True)
class Case(Node):
    arg: Node | None
    whens: tuple[tuple[Node, Node], ...]
    default: Node | None


@dataclass(slots=True)
class ArrayLit(Node):
    items: tuple[Node, ...]


@dataclass(slots=True)
class Row(Node):
    items: tuple[Node, ...]
    explicit: bool  # ROW(...) rather than (a, b)


@dataclass(slots=True)
class SubLink(Node):
    kind: str  # EXISTS, EXPR, ARRAY, ANY, ALL, IN
    query: Query
    test: Node | None = None
    op: str = ""


@dataclass(slots=True)
class Indirection(Node):
    """``arg[i]``, ``arg[a:b]``, ``(arg).field``, ``(arg).*``."""

    arg: Node
    path: tuple[str | tuple[Node | None, Node | None], ...]
    #: True when the subscript is a slice.
    slices: tuple[bool, ...] = ()


@dataclass(slots=True)
class Collate(Node):
    arg: Node
    collation: tuple[str, ...]


@dataclass(slots=True)
class AtTimeZone(Node):
    arg: Node
    zone: Node


@dataclass(slots=True)
class Paren(Node):
    """Parentheses as written: they matter for printing nothing, but keep
    ``(a).b`` apart from ``a.b``."""

    arg: Node


@dataclass(slots=True)
class Src(Node):
    """A top-level DDL expression with its source text, kept for messages and
    as the best-effort text when static analysis cannot resolve it."""

    arg: Node
    text: str


@dataclass(slots=True)
class Default(Node):
    """The ``DEFAULT`` keyword in a function argument list or VALUES."""


# --------------------------------------------------------------------------- queries


@dataclass(slots=True)
class SortBy:
    expr: Node
    desc: bool = False
    nulls: str = ""  # FIRST, LAST, or ""
    using: str = ""


@dataclass(slots=True)
class WindowDef:
    name: str = ""
    partition: tuple[Node, ...] = ()
    order: tuple[SortBy, ...] = ()
    frame: str = ""  # frame clause source text, kept verbatim


@dataclass(slots=True)
class Target:
    expr: Node
    alias: str | None = None


@dataclass(slots=True)
class RangeVar:
    names: tuple[str, ...]
    alias: str | None = None
    col_aliases: tuple[str, ...] = ()
    only: bool = False


@dataclass(slots=True)
class RangeSubselect:
    query: Query
    alias: str | None = None
    col_aliases: tuple[str, ...] = ()
    lateral: bool = False


@dataclass(slots=True)
class RangeFunction:
    call: Node
    alias: str | None = None
    col_aliases: tuple[str, ...] = ()
    lateral: bool = False
    ordinality: bool = False


@dataclass(slots=True)
class Join:
    kind: str  # INNER, LEFT, RIGHT, FULL, CROSS
    left: FromItem
    right: FromItem
    on: Node | None = None
    using: tuple[str, ...] = ()
    natural: bool = False
    alias: str | None = None


FromItem = RangeVar | RangeSubselect | RangeFunction | Join


@dataclass(slots=True)
class Select:
    targets: tuple[Target, ...]
    from_: tuple[FromItem, ...] = ()
    where: Node | None = None
    group_by: tuple[Node, ...] = ()
    having: Node | None = None
    distinct: bool = False
    distinct_on: tuple[Node, ...] = ()
    window: tuple[tuple[str, WindowDef], ...] = ()
    values: tuple[tuple[Node, ...], ...] = ()  # a VALUES list instead of a SELECT
    #: ``SELECT * FROM (query)`` standing for a parenthesized query with its
    #: own WITH, ORDER BY or LIMIT (a set operation's leaf, say).
    wrapped: bool = False


@dataclass(slots=True)
class SetOp:
    op: str  # UNION, INTERSECT, EXCEPT
    all: bool
    left: QueryBody
    right: QueryBody


QueryBody = Select | SetOp


@dataclass(slots=True)
class Query:
    body: QueryBody
    with_: tuple[tuple[str, tuple[str, ...], Query], ...] = ()
    recursive: bool = False
    order_by: tuple[SortBy, ...] = ()
    limit: Node | None = None
    offset: Node | None = None
    locking: str = ""


# --------------------------------------------------------------------------- parser

# Words that end an expression or cannot start a column reference (reserved
# keywords of gram.y that show up after expressions in DDL).
_RESERVED = frozenset(
    [
        "all",
        "analyse",
        "analyze",
        "and",
        "any",
        "array",
        "as",
        "asc",
        "asymmetric",
        "both",
        "case",
        "cast",
        "check",
        "collate",
        "column",
        "constraint",
        "create",
        "current_catalog",
        "current_date",
        "current_role",
        "current_time",
        "current_timestamp",
        "current_user",
        "default",
        "deferrable",
        "desc",
        "distinct",
        "do",
        "else",
        "end",
        "except",
        "false",
        "fetch",
        "for",
        "foreign",
        "from",
        "grant",
        "group",
        "having",
        "in",
        "initially",
        "intersect",
        "into",
        "lateral",
        "leading",
        "limit",
        "localtime",
        "localtimestamp",
        "not",
        "null",
        "offset",
        "on",
        "only",
        "or",
        "order",
        "placing",
        "primary",
        "references",
        "returning",
        "select",
        "session_user",
        "some",
        "symmetric",
        "system_user",
        "table",
        "then",
        "to",
        "trailing",
        "true",
        "union",
        "unique",
        "user",
        "using",
        "variadic",
        "when",
        "where",
        "window",
        "with",
    ]
)

# Keywords that may start a bare column label after an expression (AS omitted).
_COL_LABEL_STOP = _RESERVED | {"over", "filter", "within", "escape", "is", "isnull", "notnull"}

_VALUE_FUNCS = {
    "current_date": "CURRENT_DATE",
    "current_time": "CURRENT_TIME",
    "current_timestamp": "CURRENT_TIMESTAMP",
    "localtime": "LOCALTIME",
    "localtimestamp": "LOCALTIMESTAMP",
    "current_role": "CURRENT_ROLE",
    "current_user": "CURRENT_USER",
    "session_user": "SESSION_USER",
    "user": "USER",
    "current_catalog": "CURRENT_CATALOG",
    "current_schema": "CURRENT_SCHEMA",
    "system_user": "SYSTEM_USER",
}

_COMPARISON = frozenset(["<", ">", "=", "<=", ">=", "<>"])
# Words that continue an a_expr but never a b_expr (COLLATE is a column
# constraint after a DEFAULT's b_expr).
_A_EXPR_ONLY_WORDS = frozenset(
    ["and", "or", "is", "isnull", "notnull", "in", "between", "like", "ilike", "similar", "at"]
)
# Binding powers, gram.y order (higher binds tighter).
(
    _P_OR,
    _P_AND,
    _P_NOT,
    _P_IS,
    _P_CMP,
    _P_IN,
    _P_OP,
    _P_ADD,
    _P_MUL,
    _P_EXP,
    _P_AT,
    _P_COLLATE,
    _P_UNARY,
) = range(1, 14)

_TYPE_WORDS_WITH_LITERAL = frozenset(
    [
        "bigint",
        "bit",
        "boolean",
        "char",
        "character",
        "date",
        "dec",
        "decimal",
        "double",
        "float",
        "int",
        "integer",
        "interval",
        "json",
        "national",
        "nchar",
        "numeric",
        "real",
        "smallint",
        "time",
        "timestamp",
        "varchar",
    ]
)


class ExprParser:
    """Recursive descent over a :class:`Stream`, precedence climbing for operators."""

    def __init__(self, stream: Stream) -> None:
        self.s = stream
        #: SELECT ... INTO: accept an INTO clause in the next SELECT's
        #: target list (the statement's first), and what it named:
        #: (qualified name, TEMP / TEMPORARY / UNLOGGED or "").
        self.allow_into = False
        self.into: tuple[tuple[str, ...], str] | None = None

    # ---------------------------------------------------------------- types

    def type_name(self) -> TypeName:
        """gram.y ``Typename``: SETOF is handled by callers."""
        s = self.s
        t = s.peek()
        names: tuple[str, ...]
        builtin = False
        fields = ""
        mods: tuple[str, ...] = ()
        if t.kind == WORD and t.text in ("double",) and s.is_word("precision", k=1):
            s.pos += 2
            names, builtin = ("float8",), True
        elif t.kind == WORD and t.text in (
            "character",
            "char",
            "national",
            "nchar",
            "varchar",
            "bit",
        ):
            words = [s.next().text]
            if words[0] == "national":
                words.append(s.expect_word("character", "char"))
            if s.accept_word("varying"):
                words.append("varying")
            names, builtin = (SQL_TYPE_NAMES[" ".join(words)],), True
            mods = self._type_mods()
            if not mods and names[0] in ("bpchar", "bit"):
                mods = ("1",)
        elif t.kind == WORD and t.text in ("timestamp", "time"):
            base = s.next().text
            mods = self._type_mods()
            name = base
            if s.accept_word("with"):
                s.expect_words("time", "zone")
                name = base + "tz"
            elif s.accept_word("without"):
                s.expect_words("time", "zone")
            names, builtin = (name,), True
        elif t.kind == WORD and t.text == "interval":
            s.next()
            fields = self._interval_fields()
            mods = self._type_mods()
            if not fields and mods:
                pass
            names, builtin = ("interval",), True
        elif t.kind == WORD and t.text == "float":
            s.next()
            m = self._type_mods()
            name = "float8"
            if m and m[0].isdigit() and int(m[0]) <= 24:
                name = "float4"
            names, builtin = (name,), True
        elif (
            t.kind == WORD
            and t.text in SQL_TYPE_NAMES
            and not s.is_op(".", k=1)
            and t.text not in ("json",)
        ):
            s.next()
            names, builtin = (SQL_TYPE_NAMES[t.text],), True
            mods = self._type_mods()
        else:
            names = s.qualified_name()
            pct = ""
            if s.is_op("%") and s.is_word("type", "rowtype", k=1):
                s.pos += 1
                pct = s.next().text
                return TypeName(names, pct=pct)
            mods = self._type_mods()
        dims = 0
        while True:
            if s.is_op("["):
                s.next()
                if s.peek().kind == NUM:
                    s.next()
                s.expect_op("]")
                dims += 1
            elif s.is_word("array"):
                s.next()
                if s.is_op("["):
                    s.next()
                    if s.peek().kind == NUM:
                        s.next()
                    s.expect_op("]")
                dims += 1
            else:
                break
        return TypeName(names, mods, dims, builtin, fields)

    def _type_mods(self) -> tuple[str, ...]:
        s = self.s
        if not s.is_op("("):
            return ()
        s.next()
        mods: list[str] = []
        while True:
            t = s.next()
            if t.kind == EOF:
                s.fail('expected ")"')
            if t.kind == OP and t.text == "-" and s.peek().kind == NUM:
                mods.append("-" + s.next().text)
            elif t.kind in (NUM, WORD, QIDENT, STR):
                mods.append(t.text)
            else:
                s.fail("expected a type modifier")
            if s.accept_op(")"):
                return tuple(mods)
            s.expect_op(",")

    def _interval_fields(self) -> str:
        s = self.s
        units = ("year", "month", "day", "hour", "minute", "second")
        first = s.accept_word(*units)
        if first is None:
            return ""
        if s.accept_word("to"):
            second = s.expect_word(*units)
            if second == "second" and s.is_op("("):
                # interval day to second(3): the precision belongs to the type
                return f"{first} to second"
            return f"{first} to {second}"
        return first

    # ---------------------------------------------------------------- expressions

    def expr(self, min_prec: int = 0) -> Node:
        left = self._prefix()
        return self._infix(left, min_prec)

    def _prefix(self) -> Node:
        s = self.s
        t = s.peek()
        if t.kind == WORD and t.text == "not":
            s.next()
            return BoolOp("NOT", (self.expr(_P_NOT),))
        if t.kind == OP and t.text in ("-", "+"):
            s.next()
            return _signed(t.text, self.expr(_P_UNARY))
        if t.kind == OP and t.text not in ("(", "[", ")", ",", ".", ";", "::", "]", ":="):
            # A prefix operator (@, ~, |/, ||/, !!, ...).
            s.next()
            return Op(t.text, None, self.expr(_P_OP))
        return self._postfix(self._primary())

    def _postfix(self, node: Node) -> Node:
        s = self.s
        while True:
            t = s.peek()
            if t.kind != OP or t.text not in ("::", "[", "."):
                return node  # the common case, decided by one look
            if t.text == "::":
                s.next()
                node = TypeCast(node, self.type_name())
            elif s.is_op("["):
                path: list[str | tuple[Node | None, Node | None]] = []
                slices: list[bool] = []
                while s.accept_op("["):
                    lo: Node | None = None
                    hi: Node | None = None
                    is_slice = False
                    if not s.is_op(":"):
                        lo = self.expr()
                    if s.accept_op(":"):
                        is_slice = True
                        if not s.is_op("]"):
                            hi = self.expr()
                    s.expect_op("]")
                    path.append((lo, hi))
                    slices.append(is_slice)
                node = Indirection(node, tuple(path), tuple(slices))
            elif s.is_op(".") and isinstance(node, Paren | Indirection | FuncCall):
                s.next()
                if s.accept_op("*"):
                    node = Indirection(node, ("*",))
                else:
                    node = Indirection(node, (s.ident(),))
            else:
                return node

    def _infix(self, left: Node, min_prec: int) -> Node:
        s = self.s
        while True:
            t = s.peek()
            if t.kind == EOF:
                return left
            if t.kind == WORD:
                w = t.text
                if w == "or" and min_prec < _P_OR:
                    s.next()
                    right = self.expr(_P_OR)
                    left = _flatten("OR", left, right)
                    continue
                if w == "and" and min_prec < _P_AND:
                    s.next()
                    right = self.expr(_P_AND)
                    left = _flatten("AND", left, right)
                    continue
                if w in ("is", "isnull", "notnull") and min_prec < _P_IS:
                    left = self._is(left)
                    continue
                negated = False
                k = 0
                if w == "not" and s.is_word("in", "between", "like", "ilike", "similar", k=1):
                    negated = True
                    k = 1
                w2 = s.peek(k).text if s.peek(k).kind == WORD else ""
                if w2 in ("in", "between", "like", "ilike", "similar") and min_prec < _P_IN:
                    s.pos += k + 1
                    left = self._in_like(left, w2, negated)
                    continue
                if w == "at" and s.is_word("time", k=1) and min_prec < _P_AT:
                    s.pos += 1
                    s.expect_words("time", "zone")
                    left = AtTimeZone(left, self.expr(_P_AT))
                    continue
                if w == "collate" and min_prec < _P_COLLATE:
                    s.next()
                    left = Collate(left, s.qualified_name())
                    continue
                if w == "operator" and s.is_op("(", k=1) and min_prec < _P_OP:
                    schema, opname = self._operator_name()
                    left = Op(opname, left, self.expr(_P_OP), schema)
                    continue
                return left
            if t.kind != OP:
                return left
            op = t.text
            if op in (")", ",", "]", ";", ":", ":=", "=>", "["):
                return left
            if op == "::":
                left = self._postfix(left)
                continue
            prec = _op_prec(op)
            if prec <= min_prec:
                return left
            s.next()
            if prec in (_P_CMP, _P_OP) and s.is_word("any", "some", "all") and s.is_op("(", k=1):
                left = self._quantified(left, op)
                continue
            right = self.expr(prec)
            left = Op(op, left, right)

    def _quantified(self, left: Node, op: str) -> Node:
        """``left op ANY|SOME|ALL (...)`` after the operator: over a
        sub-query (a SubLink) or an array."""
        s = self.s
        quant = "ALL" if s.next().text == "all" else "ANY"
        s.expect_op("(")
        if self._starts_query():
            query = self.query()
            s.expect_op(")")
            return SubLink(quant, query, left, op)
        arr = self.expr()
        s.expect_op(")")
        return AnyAll(op, left, quant, arr)

    def _is(self, left: Node) -> Node:
        s = self.s
        w = s.next().text
        if w == "isnull":
            return Test(left, "NULL")
        if w == "notnull":
            return Test(left, "NOT NULL")
        neg = bool(s.accept_word("not"))
        if s.accept_word("null"):
            return Test(left, "NOT NULL" if neg else "NULL")
        for what in ("true", "false", "unknown"):
            if s.accept_word(what):
                return Test(left, ("NOT " if neg else "") + what.upper())
        if s.accept_word("distinct"):
            s.expect_word("from")
            return Distinct(left, self.expr(_P_IS), neg)
        if s.accept_word("document"):
            return Test(left, ("NOT " if neg else "") + "DOCUMENT")
        if s.accept_word("json"):
            return Test(left, ("NOT " if neg else "") + "JSON")
        s.fail("expected NULL, TRUE, FALSE, UNKNOWN or DISTINCT FROM")
        raise AssertionError

    def _in_like(self, left: Node, word: str, negated: bool) -> Node:
        s = self.s
        if word == "in":
            s.expect_op("(")
            q = self._paren_query()
            if q is not None:
                link = SubLink("IN", q, left, "=")
                return BoolOp("NOT", (link,)) if negated else link
            items = [self.expr()]
            while s.accept_op(","):
                items.append(self.expr())
            s.expect_op(")")
            return InList(left, tuple(items), negated)
        if word == "between":
            symmetric = bool(s.accept_word("symmetric"))
            s.accept_word("asymmetric")
            low = self._b_expr(0)  # gram.y: a_expr BETWEEN b_expr AND a_expr
            if not s.accept_word("and"):
                s.fail("syntax error")
            high = self.expr(_P_IN)
            return Between(left, low, high, negated, symmetric)
        kind = word.upper()
        if word == "similar":
            s.expect_word("to")
        elif s.is_word("any", "some", "all") and s.is_op("(", k=1):
            # gram.y's subquery_Op: LIKE ANY (...) is the operator ~~ with ANY.
            op = ("!" if negated else "") + ("~~*" if word == "ilike" else "~~")
            return self._quantified(left, op)
        pattern = self.expr(_P_IN)
        escape = None
        if s.accept_word("escape"):
            escape = self.expr(_P_IN)
        return Like(kind, left, pattern, negated, escape)

    # ---------------------------------------------------------------- b_expr

    def b_expr(self) -> Node:
        """gram.y ``b_expr`` where nothing but a column constraint, a comma or
        a parenthesis may follow it (column and domain DEFAULTs): a syntax
        error, at the token Postgres reports, if an a_expr would go on."""
        node = self._b_expr(0)
        s = self.s
        t = s.peek()
        if t.kind == WORD and (
            t.text in _A_EXPR_ONLY_WORDS
            or (t.text == "not" and s.is_word("in", "between", "like", "ilike", "similar", k=1))
        ):
            s.fail("syntax error")  # "not in" ... is one token (NOT_LA) to Postgres
        return node

    def _operator_name(self) -> tuple[str | None, str]:
        """``OPERATOR(schema.op)`` after an operand: its schema (if given)
        and operator."""
        s = self.s
        s.next()
        s.expect_op("(")
        parts = []
        while not s.is_op(")"):
            if s.at_end():
                s.fail('expected ")"')
            parts.append(s.next().text)
        s.expect_op(")")
        return (parts[0] if len(parts) > 2 else None), parts[-1]

    def _b_expr(self, min_prec: int) -> Node:
        """gram.y's restricted expression: :meth:`expr` without NOT, AND, OR,
        IS [NOT] NULL / TRUE / FALSE / UNKNOWN, ISNULL, NOTNULL, IN, BETWEEN,
        LIKE, ILIKE, SIMILAR TO, AT TIME ZONE, COLLATE or ANY / ALL at its top
        level (parentheses, arguments and subscripts hold any a_expr); IS
        [NOT] DISTINCT FROM and IS [NOT] DOCUMENT remain. Comparisons and IS
        do not chain (gram.y's %nonassoc). It stops before a word it does not
        take, as BETWEEN's lower bound and POSITION's arguments need."""
        s = self.s
        t = s.peek()
        left: Node
        if t.kind == OP and t.text in ("-", "+"):
            s.next()
            left = _signed(t.text, self._b_expr(_P_UNARY))
        elif t.kind == OP and t.text not in ("(", "[", ")", ",", ".", ";", "::", "]", ":="):
            s.next()
            left = Op(t.text, None, self._b_expr(_P_OP))
        elif t.kind == WORD and t.text in ("not", "any", "some", "all"):
            s.fail("syntax error")
            raise AssertionError
        else:
            left = self._postfix(self._primary())
        while True:
            t = s.peek()
            if t.kind == WORD:
                if t.text == "is" and min_prec < _P_IS:
                    s.next()
                    neg = bool(s.accept_word("not"))
                    if s.accept_word("distinct"):
                        if not s.accept_word("from"):
                            s.fail("syntax error")
                        left = Distinct(left, self._b_expr(_P_IS), neg)
                    elif s.accept_word("document"):
                        left = Test(left, ("NOT " if neg else "") + "DOCUMENT")
                    else:
                        s.fail("syntax error")
                    if s.is_word("is"):
                        s.fail("syntax error")
                    continue
                if t.text == "operator" and s.is_op("(", k=1) and min_prec < _P_OP:
                    schema, opname = self._operator_name()
                    left = Op(opname, left, self._b_expr(_P_OP), schema)
                    continue
                return left
            if t.kind != OP:
                return left
            op = t.text
            if op in (")", ",", "]", ";", ":", ":=", "=>", "["):
                return left
            if op == "::":
                left = self._postfix(left)
                continue
            prec = _op_prec(op)
            if prec <= min_prec:
                return left
            s.next()
            left = Op(op, left, self._b_expr(prec))
            if prec == _P_CMP and s.peek().kind == OP and s.peek().text in _COMPARISON:
                s.fail("syntax error")

    def _starts_query(self) -> bool:
        # "((select 1) = x)" is an expression holding a sub-query: only a
        # query keyword right after the parenthesis starts a query here.
        return self.s.is_word("select", "with", "values", "table")

    def _paren_query(self) -> Query | None:
        """After an opening parenthesis: the query up to and including its
        closing one, or None (nothing consumed) when an expression follows.
        "((select 1) union select 2)" is a query, "((select 1) = x)" is not."""
        s = self.s
        if self._starts_query():
            q = self.query()
            s.expect_op(")")
            return q
        if not self._starts_query_at(0):
            return None
        pos = s.pos
        try:
            q = self.query()
            s.expect_op(")")
        except ParseError:
            s.pos = pos
            return None
        return q

    def _primary(self) -> Node:
        s = self.s
        t = s.peek()
        kind = t.kind
        if kind == NUM:
            s.next()
            return Const("num", t.text)
        if kind == STR:
            return Const("str", s.string())
        if kind == BITSTR:
            s.next()
            return Const("bits", t.text)
        if kind == PARAM:
            s.next()
            return Param(int(t.text[1:]))
        if kind == OP and t.text == "(":
            s.next()
            q = self._paren_query()
            if q is not None:
                return SubLink("EXPR", q)
            first = self.expr()
            if s.accept_op(","):
                row_items = [first, self.expr()]
                while s.accept_op(","):
                    row_items.append(self.expr())
                s.expect_op(")")
                return Row(tuple(row_items), False)
            s.expect_op(")")
            return Paren(first)
        if kind == QIDENT:
            return self._name_or_call()
        if kind != WORD:
            s.fail("syntax error")
        w = t.text
        if w not in _PRIMARY_WORDS and s.peek(1).kind != STR:
            return self._name_or_call()  # the common case: a column or a call
        if w in ("true", "false"):
            s.next()
            return Const("bool", w)
        if w == "null":
            s.next()
            return Const("null", None)
        if w == "case":
            return self._case()
        if w == "cast" and s.is_op("(", k=1):
            s.pos += 2
            arg = self.expr()
            s.expect_word("as")
            tn = self.type_name()
            s.expect_op(")")
            return TypeCast(arg, tn, "CAST")
        if w == "exists" and s.is_op("(", k=1):
            s.pos += 2
            q = self.query()
            s.expect_op(")")
            return SubLink("EXISTS", q)
        if w == "array":
            if s.is_op("[", k=1):
                s.pos += 1
                return self._array_items()
            if s.is_op("(", k=1):
                s.pos += 2
                q = self.query()
                s.expect_op(")")
                return SubLink("ARRAY", q)
        if w == "row" and s.is_op("(", k=1):
            s.pos += 2
            items: list[Node] = []
            if not s.is_op(")"):
                items.append(self.expr())
                while s.accept_op(","):
                    items.append(self.expr())
            s.expect_op(")")
            return Row(tuple(items), True)
        if w in _VALUE_FUNCS and not s.is_op(".", k=1):
            s.next()
            detail = ""
            if w in (
                "current_time",
                "current_timestamp",
                "localtime",
                "localtimestamp",
            ) and s.is_op("("):
                s.next()
                detail = s.next().text
                s.expect_op(")")
            return SpecialFunc(_VALUE_FUNCS[w], (), detail)
        if w in ("coalesce", "greatest", "least", "nullif") and s.is_op("(", k=1):
            s.pos += 2
            args = [self.expr()]
            while s.accept_op(","):
                args.append(self.expr())
            s.expect_op(")")
            return SpecialFunc(w.upper(), tuple(args))
        if w == "extract" and s.is_op("(", k=1):
            s.pos += 2
            ft = s.next()
            fieldname = ft.text.lower() if ft.kind in (WORD, QIDENT, STR) else ft.text
            s.expect_word("from")
            arg = self.expr()
            s.expect_op(")")
            return SpecialFunc("EXTRACT", (arg,), fieldname)
        if w in ("substring", "position", "trim", "overlay") and s.is_op("(", k=1):
            special = self._sql_syntax_func(w)
            if special is not None:
                return special
        # typed literal: interval '1 day', timestamp '...', int4 '1'
        if w in _TYPE_WORDS_WITH_LITERAL or (
            s.peek(1).kind == STR and not s.is_op("(", k=1) and w not in _RESERVED
        ):
            save = s.pos
            try:
                tn = self.type_name()
            except Exception:
                s.pos = save
            else:
                if s.peek().kind == STR:
                    lit = Const("str", s.string())
                    if tn.names == ("interval",):
                        fields = self._interval_fields()
                        mods = self._type_mods()
                        if fields or mods:
                            tn = TypeName(tn.names, mods or tn.mods, 0, True, fields)
                    return TypeCast(lit, tn, "literal")
                s.pos = save
        return self._name_or_call()

    def _sql_syntax_func(self, w: str) -> Node | None:
        """SUBSTRING(x FROM a FOR b), POSITION(a IN b), TRIM(...), OVERLAY(...)."""
        s = self.s
        save = s.pos
        s.pos += 2
        if w == "trim":
            mode = s.accept_word("both", "leading", "trailing") or "both"
            chars: Node | None = None
            if not s.accept_word("from"):
                chars = self.expr()
                if not s.accept_word("from"):
                    if s.accept_op(","):
                        # trim(x, chars) is btrim(x, chars)
                        s.pos = save
                        return None
                    s.expect_op(")")
                    return SpecialFunc("TRIM", (chars,), mode)
            target = self.expr()
            args = (target,) if chars is None else (target, chars)
            while s.accept_op(","):
                args = (*args, self.expr())
            s.expect_op(")")
            return SpecialFunc("TRIM", args, mode)
        # gram.y's position_list: b_expr IN b_expr
        first = self._b_expr(0) if w == "position" else self.expr()
        if w == "position":
            if not s.accept_word("in"):
                s.fail("syntax error")
            second = self._b_expr(0)
            if not s.accept_op(")"):
                s.fail("syntax error")
            return SpecialFunc("POSITION", (first, second))
        if w == "substring":
            if s.is_op(",") or s.is_op(")"):
                s.pos = save
                return None
            start: Node | None = None
            count: Node | None = None
            similar: Node | None = None
            if s.accept_word("from"):
                start = self.expr()
            if s.accept_word("for"):
                count = self.expr()
            if s.accept_word("similar"):
                similar = self.expr()
                s.expect_word("escape")
                esc = self.expr()
                s.expect_op(")")
                return SpecialFunc("SUBSTRING", (first, similar, esc), "similar")
            s.expect_op(")")
            if start is None and count is not None:
                return SpecialFunc("SUBSTRING", (first, Const("num", "1"), count), "")
            sub_args: tuple[Node, ...] = (first, *(a for a in (start, count) if a is not None))
            return SpecialFunc("SUBSTRING", sub_args, "")
        # overlay(a placing b from c [for d])
        if not s.accept_word("placing"):
            s.pos = save
            return None
        placing = self.expr()
        s.expect_word("from")
        frm = self.expr()
        args2: tuple[Node, ...] = (first, placing, frm)
        if s.accept_word("for"):
            args2 = (*args2, self.expr())
        s.expect_op(")")
        return SpecialFunc("OVERLAY", args2)

    def _array_items(self) -> Node:
        s = self.s
        s.expect_op("[")
        items: list[Node] = []
        if not s.is_op("]"):
            while True:
                if s.is_op("["):
                    items.append(self._array_items())
                else:
                    items.append(self.expr())
                if not s.accept_op(","):
                    break
        s.expect_op("]")
        return ArrayLit(tuple(items))

    def _case(self) -> Node:
        s = self.s
        s.expect_word("case")
        arg = None if s.is_word("when") else self.expr()
        whens: list[tuple[Node, Node]] = []
        while s.accept_word("when"):
            cond = self.expr()
            s.expect_word("then")
            whens.append((cond, self.expr()))
        default = self.expr() if s.accept_word("else") else None
        s.expect_word("end")
        return Case(arg, tuple(whens), default)

    def _name_or_call(self) -> Node:
        s = self.s
        names = [s.ident()]
        while s.is_op("."):
            if s.is_op("*", k=1):
                s.pos += 2
                names.append("*")
                return ColumnRef(tuple(names))
            if s.peek(1).kind not in (WORD, QIDENT):
                break
            s.next()
            names.append(s.ident())
        if s.is_op("("):
            return self._call(tuple(names))
        return ColumnRef(tuple(names))

    def _call(self, name: tuple[str, ...]) -> Node:
        s = self.s
        s.expect_op("(")
        if s.accept_op("*"):
            s.expect_op(")")
            return self._call_suffix(FuncCall(name, star=True))
        distinct = bool(s.accept_word("distinct"))
        s.accept_word("all")
        args: list[Node] = []
        names: list[str | None] = []
        variadic = False
        order: tuple[SortBy, ...] = ()
        if not s.is_op(")"):
            while True:
                if s.accept_word("variadic"):
                    variadic = True
                argname = None
                if s.peek().kind in (WORD, QIDENT) and s.is_op("=>", ":=", k=1):
                    argname = s.ident()
                    s.next()
                args.append(self.expr())
                names.append(argname)
                if s.is_word("order") and s.is_word("by", k=1):
                    s.pos += 2
                    order = self.sort_list()
                if not s.accept_op(","):
                    break
        s.expect_op(")")
        call = FuncCall(
            name,
            tuple(args),
            tuple(names) if any(n is not None for n in names) else (),
            distinct=distinct,
            variadic=variadic,
            order_by=order,
        )
        return self._call_suffix(call)

    def _call_suffix(self, call: FuncCall) -> Node:
        s = self.s
        within: tuple[SortBy, ...] = ()
        filt: Node | None = None
        over: WindowDef | None = None
        if s.is_word("within") and s.is_word("group", k=1):
            s.pos += 2
            s.expect_op("(")
            s.expect_words("order", "by")
            within = self.sort_list()
            s.expect_op(")")
        if s.is_word("filter") and s.is_op("(", k=1):
            s.pos += 2
            s.expect_word("where")
            filt = self.expr()
            s.expect_op(")")
        if s.accept_word("over"):
            over = self.window_spec() if s.is_op("(") else WindowDef(name=s.ident())
        if within or filt is not None or over is not None:
            return FuncCall(
                call.name,
                call.args,
                call.arg_names,
                call.star,
                call.distinct,
                call.variadic,
                call.order_by,
                filt,
                over,
                within,
            )
        return call

    def window_spec(self) -> WindowDef:
        s = self.s
        s.expect_op("(")
        name = ""
        if s.peek().kind in (WORD, QIDENT) and not s.is_word(
            "partition", "order", "rows", "range", "groups"
        ):
            name = s.ident()
        partition: list[Node] = []
        if s.accept_words("partition", "by"):
            partition.append(self.expr())
            while s.accept_op(","):
                partition.append(self.expr())
        order: tuple[SortBy, ...] = ()
        if s.accept_words("order", "by"):
            order = self.sort_list()
        frame = ""
        if s.is_word("rows", "range", "groups"):
            start = s.peek().start
            depth = 0
            while not (depth == 0 and s.is_op(")")):
                t = s.next()
                if t.kind == EOF:
                    s.fail('expected ")"')
                if t.kind == OP and t.text == "(":
                    depth += 1
                elif t.kind == OP and t.text == ")":
                    depth -= 1
            frame = s.sql[start : s.peek().start].strip()
        s.expect_op(")")
        return WindowDef(name, tuple(partition), order, frame)

    def sort_list(self) -> tuple[SortBy, ...]:
        s = self.s
        items = []
        while True:
            e = self.expr()
            desc = False
            using = ""
            if s.accept_word("desc"):
                desc = True
            elif s.accept_word("asc"):
                pass
            elif s.accept_word("using"):
                using = s.next().text
            nulls = ""
            if s.accept_word("nulls"):
                nulls = s.expect_word("first", "last").upper()
            items.append(SortBy(e, desc, nulls, using))
            if not s.accept_op(","):
                return tuple(items)

    # ---------------------------------------------------------------- queries

    def query(self) -> Query:
        s = self.s
        with_: list[tuple[str, tuple[str, ...], Query]] = []
        recursive = False
        # SELECT ... INTO: in the main query, not in its WITH queries.
        allow_into, self.allow_into = self.allow_into, False
        if s.accept_word("with"):
            recursive = bool(s.accept_word("recursive"))
            while True:
                name = s.ident()
                cols: tuple[str, ...] = ()
                if s.is_op("("):
                    cols = self.name_list()
                s.expect_word("as")
                if s.accept_word("not"):
                    s.expect_word("materialized")
                else:
                    s.accept_word("materialized")
                s.expect_op("(")
                q = self.query()
                s.expect_op(")")
                with_.append((name, cols, q))
                if not s.accept_op(","):
                    break
        self.allow_into = allow_into
        body = self._set_expr(0)
        order: tuple[SortBy, ...] = ()
        limit = offset = None
        locking = ""
        while True:
            if s.accept_words("order", "by"):
                order = self.sort_list()
            elif s.accept_word("limit"):
                limit = None if s.accept_word("all") else self.expr()
            elif s.accept_word("offset"):
                offset = self.expr()
                s.accept_word("row", "rows")
            elif s.accept_word("fetch"):
                s.expect_word("first", "next")
                limit = Const("num", "1")
                if not s.is_word("row", "rows"):
                    limit = self.expr()
                s.expect_word("row", "rows")
                s.expect_word("only")
            elif s.is_word("for") and s.is_word("update", "share", "no", "key", k=1):
                start = s.peek().start
                while not s.at_end() and not s.is_op(")"):
                    s.next()
                locking = s.sql[start : s.peek().start].strip()
            else:
                break
        if (
            isinstance(body, Select)
            and body.wrapped
            and not (with_ or order or locking)
            and limit is None
            and offset is None
        ):
            # "((select 1 limit 1))": the parenthesized query itself.
            sub = body.from_[0]
            assert isinstance(sub, RangeSubselect)
            return sub.query
        return Query(body, tuple(with_), recursive, order, limit, offset, locking)

    def _set_expr(self, min_prec: int) -> QueryBody:
        s = self.s
        left = self._simple_select()
        while True:
            w = s.peek().text if s.peek().kind == WORD else ""
            prec = {"union": 1, "except": 1, "intersect": 2}.get(w, 0)
            if not prec or prec <= min_prec:
                return left
            s.next()
            all_ = bool(s.accept_word("all"))
            s.accept_word("distinct")
            right = self._set_expr(prec)
            left = SetOp(w.upper(), all_, left, right)

    def _simple_select(self) -> QueryBody:
        s = self.s
        if s.accept_op("("):
            q = self.query()
            s.expect_op(")")
            if q.with_ or q.order_by or q.limit is not None or q.offset is not None:
                # Keep the clauses by wrapping as a sub-select.
                return Select(
                    (Target(ColumnRef(("*",))),), (RangeSubselect(q, None),), wrapped=True
                )
            return q.body
        if s.accept_word("values"):
            rows: list[tuple[Node, ...]] = []
            while True:
                s.expect_op("(")
                row = [self.expr()]
                while s.accept_op(","):
                    row.append(self.expr())
                s.expect_op(")")
                rows.append(tuple(row))
                if not s.accept_op(","):
                    break
            return Select((), values=tuple(rows))
        if s.accept_word("table"):
            rv = RangeVar(s.qualified_name())
            return Select((Target(ColumnRef(("*",))),), (rv,))
        s.expect_word("select")
        allow_into, self.allow_into = self.allow_into, False
        distinct = False
        distinct_on: tuple[Node, ...] = ()
        if s.accept_word("distinct"):
            distinct = True
            if s.accept_word("on"):
                s.expect_op("(")
                on = [self.expr()]
                while s.accept_op(","):
                    on.append(self.expr())
                s.expect_op(")")
                distinct_on = tuple(on)
        else:
            s.accept_word("all")
        targets: list[Target] = []
        if not s.is_word("from", "into") and not s.at_end() and not s.is_op(")"):
            while True:
                targets.append(self._target())
                if not s.accept_op(","):
                    break
        if allow_into and s.accept_word("into"):
            persistence = s.accept_word("temporary", "temp", "unlogged") or ""
            s.accept_word("table")
            self.into = (s.qualified_name(), persistence)
        from_: list[FromItem] = []
        if s.accept_word("from"):
            while True:
                from_.append(self._from_item())
                if not s.accept_op(","):
                    break
        where = self.expr() if s.accept_word("where") else None
        group: list[Node] = []
        if s.accept_words("group", "by"):
            s.accept_word("all", "distinct")
            while True:
                group.append(self.expr())
                if not s.accept_op(","):
                    break
        having = self.expr() if s.accept_word("having") else None
        window: list[tuple[str, WindowDef]] = []
        if s.accept_word("window"):
            while True:
                wname = s.ident()
                s.expect_word("as")
                window.append((wname, self.window_spec()))
                if not s.accept_op(","):
                    break
        return Select(
            tuple(targets),
            tuple(from_),
            where,
            tuple(group),
            having,
            distinct,
            distinct_on,
            tuple(window),
        )

    def _target(self) -> Target:
        s = self.s
        if s.is_op("*"):
            s.next()
            return Target(ColumnRef(("*",)))
        e = self.expr()
        alias = None
        if s.accept_word("as"):
            alias = s.next().text
        elif s.peek().kind == QIDENT or (
            s.peek().kind == WORD and s.peek().text not in _COL_LABEL_STOP
        ):
            alias = s.ident()
        return Target(e, alias)

    def name_list(self) -> tuple[str, ...]:
        s = self.s
        s.expect_op("(")
        names = [s.ident()]
        while s.accept_op(","):
            names.append(s.ident())
        s.expect_op(")")
        return tuple(names)

    def _alias(self) -> tuple[str | None, tuple[str, ...]]:
        s = self.s
        alias = None
        if (
            s.accept_word("as")
            or s.peek().kind == QIDENT
            or (
                s.peek().kind == WORD
                and s.peek().text not in _RESERVED
                and s.peek().text
                not in (
                    "join",
                    "inner",
                    "left",
                    "right",
                    "full",
                    "cross",
                    "natural",
                    "on",
                    "using",
                    "where",
                    "group",
                    "order",
                    "limit",
                    "offset",
                    "window",
                    "having",
                    "union",
                    "except",
                    "intersect",
                    "for",
                    "fetch",
                    "tablesample",
                )
            )
        ):
            alias = s.ident()
        cols: tuple[str, ...] = ()
        if alias is not None and s.is_op("("):
            cols = self.name_list()
        return alias, cols

    def _from_item(self) -> FromItem:
        s = self.s
        item = self._from_primary()
        while True:
            natural = bool(s.accept_word("natural"))
            kind = ""
            if s.accept_word("cross"):
                s.expect_word("join")
                right = self._from_primary()
                item = Join("CROSS", item, right)
                continue
            if s.accept_word("join"):
                kind = "INNER"
            elif s.accept_word("inner"):
                s.expect_word("join")
                kind = "INNER"
            elif w := s.accept_word("left", "right", "full"):
                s.accept_word("outer")
                s.expect_word("join")
                kind = w.upper()
            if not kind:
                if natural:
                    s.fail("expected JOIN")
                return item
            right = self._from_primary()
            on = None
            using: tuple[str, ...] = ()
            if not natural:
                if s.accept_word("on"):
                    on = self.expr()
                elif s.accept_word("using"):
                    using = self.name_list()
                else:
                    s.fail("expected ON or USING")
            item = Join(kind, item, right, on, using, natural)

    def _from_primary(self) -> FromItem:
        s = self.s
        lateral = bool(s.accept_word("lateral"))
        if s.is_op("("):
            if self._starts_query_at(1):
                s.next()
                q = self.query()
                s.expect_op(")")
                alias, cols = self._alias()
                return RangeSubselect(q, alias, cols, lateral)
            s.next()
            inner = self._from_item()
            s.expect_op(")")
            alias, cols = self._alias()
            if isinstance(inner, Join) and alias:
                return Join(
                    inner.kind, inner.left, inner.right, inner.on, inner.using, inner.natural, alias
                )
            return inner
        only = bool(s.accept_word("only"))
        names = s.qualified_name()
        if s.is_op("("):
            call = self._call(names)
            ordinality = s.accept_words("with", "ordinality")
            alias, cols = self._alias()
            return RangeFunction(call, alias, cols, lateral, ordinality)
        s.accept_op("*")
        alias, cols = self._alias()
        if s.accept_word("tablesample"):
            # Sampling changes rows, not columns.
            s.ident()
            s.skip_parens()
            if s.accept_word("repeatable"):
                s.skip_parens()
        return RangeVar(names, alias, cols, only)

    def _starts_query_at(self, k: int) -> bool:
        s = self.s
        while s.is_op("(", k=k):
            k += 1
        return s.is_word("select", "with", "values", "table", k=k)


def _signed(sign: str, arg: Node) -> Node:
    # gram.y's doNegate folds "- 1" into the constant -1.
    if (
        sign == "-"
        and isinstance(arg, Const)
        and arg.kind == "num"
        and arg.value
        and not arg.value.startswith("-")
    ):
        return Const("num", "-" + arg.value)
    return Op(sign, None, arg)


def _flatten(op: str, left: Node, right: Node) -> Node:
    """AND/OR chains are one node with all operands, as Postgres stores them."""
    args: tuple[Node, ...] = ()
    args += left.args if isinstance(left, BoolOp) and left.op == op else (left,)
    args += (right,)
    return BoolOp(op, args)


def _op_prec(op: str) -> int:
    if op in _COMPARISON:
        return _P_CMP
    if op in ("+", "-"):
        return _P_ADD
    if op in ("*", "/", "%"):
        return _P_MUL
    if op == "^":
        return _P_EXP
    return _P_OP


def parse_expr(stream: Stream) -> Node:
    return ExprParser(stream).expr()


def parse_type(stream: Stream) -> TypeName:
    return ExprParser(stream).type_name()


def is_serial(tn: TypeName) -> bool:
    return (
        len(tn.names) == 1
        and not tn.sql_builtin
        and tn.names[0] in SERIAL_TYPES
        and not tn.array_dims
    )


_ = (QIDENT, OP)  # re-exported token kinds are used by callers through this module


#: Words _primary treats specially (any other word before a non-string
#: token is a column reference or a function call).
_PRIMARY_WORDS = frozenset(
    [
        "true",
        "false",
        "null",
        "case",
        "cast",
        "exists",
        "array",
        "row",
        "coalesce",
        "greatest",
        "least",
        "nullif",
        "extract",
        "substring",
        "position",
        "trim",
        "overlay",
        *_VALUE_FUNCS,
        *_TYPE_WORDS_WITH_LITERAL,
    ]
)


fast_pickling(globals())


# --------------------------------------------------------------------------- column names


def figure_colname(node: Node) -> tuple[str | None, int]:
    """Postgres' FigureColnameInternal: the name an unnamed expression gets (a
    view's output column, an index column) and how strongly (2: a column,
    function or field name; 1: a type or CASE; 0: none)."""
    if isinstance(node, Paren | Src | Collate):
        return figure_colname(node.arg)
    if isinstance(node, ColumnRef):
        last = node.names[-1]
        return (None, 0) if last == "*" else (last, 2)
    if isinstance(node, Indirection):
        for step in reversed(node.path):
            if isinstance(step, str):
                return (None, 0) if step == "*" else (step, 2)
        return figure_colname(node.arg)
    if isinstance(node, FuncCall):
        return node.name[-1], 2
    if isinstance(node, SpecialFunc):
        if node.name == "TRIM":  # the grammar makes it btrim, ltrim or rtrim
            mode = node.detail.lower()
            return ("ltrim" if mode == "leading" else "rtrim" if mode == "trailing" else "btrim"), 2
        return node.name.lower(), 2
    if isinstance(node, TypeCast):
        name, strength = figure_colname(node.arg)
        if strength <= 1 and node.type.names:
            tn = node.type
            return (tn.names[0] if tn.sql_builtin else tn.names[-1]), 1
        return name, strength
    if isinstance(node, Case):
        return "case", 1
    if isinstance(node, ArrayLit):
        return "array", 2
    if isinstance(node, Row):
        return "row", 2
    if isinstance(node, SubLink):
        if node.kind == "EXISTS":
            return "exists", 2
        if node.kind == "ARRAY":
            return "array", 2
        if node.kind == "EXPR":
            body = node.query.body
            if isinstance(body, Select) and body.targets:
                target = body.targets[0]
                return (target.alias, 2) if target.alias else figure_colname(target.expr)
        return None, 0
    if isinstance(node, AtTimeZone):
        return "timezone", 2
    return None, 0
