"""``supabase gen types typescript`` output read back into a :class:`Schema`.

Parsed with tree-sitter-typescript, so reformatted, hand-edited and older
files read as well as fresh ones: ``export type Database = {…}`` or the older
``export interface Database {…}``, with or without semicolons, prettier's
layout or any other. What is recovered (see :mod:`pgdrift.sources.typefile`
for the conventions):

* schemas (the ``Database`` keys, ``__InternalSupabase`` left out);
* tables (``Tables``) and views (``Views``) with their ``Row`` columns: the
  TypeScript type (canonical text in ``type_display``, a best-effort
  :class:`TypeRef`), nullability from ``| null``, insert optionality
  (``Insert``) as :data:`HAS_DEFAULT`, ``never`` as an ``ALWAYS`` identity
  (tables) or a read-only column (views), views' updatability;
* ``Relationships`` as foreign keys (``isOneToOne: true`` becomes a unique key
  on the columns, which is what the generator derives it from);
* enums with their labels in order, composite types, functions (each
  overload's ``Args`` and ``Returns``).

A file that ends early (truncated) is closed at its last complete line and
read up to there; syntax errors are skipped over. Both become problems.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cache

import tree_sitter_typescript
from tree_sitter import Language, Node, Parser, Tree

from pgdrift.model import (
    Attribute,
    Column,
    CompositeType,
    Enum,
    ForeignKey,
    Function,
    FunctionArg,
    IdentityKind,
    Relation,
    Schema,
    Span,
    TypeKind,
    TypeRef,
)
from pgdrift.sources.typefile import HAS_DEFAULT, ReadProblem, TypesFileRead

__all__ = ["read_typescript", "ts_type_text"]

SECTIONS = ("Tables", "Views", "Functions", "Enums", "CompositeTypes")

#: Best-effort Postgres types for TypeScript's own names (the generator maps
#: many Postgres types to each; the broadest is named).
_PREDEFINED: dict[str, TypeRef] = {
    "number": TypeRef("pg_catalog", "numeric"),
    "string": TypeRef("pg_catalog", "text"),
    "boolean": TypeRef("pg_catalog", "bool"),
    "Json": TypeRef("pg_catalog", "jsonb"),
    "unknown": TypeRef("pg_catalog", "unknown", "pseudo"),
    "undefined": TypeRef("pg_catalog", "void", "pseudo"),
    "Record<string, unknown>": TypeRef("pg_catalog", "record", "pseudo"),
}
_TEXT_OF_REF = {(r.schema, r.name): text for text, r in _PREDEFINED.items()}
_IDENTIFIER = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")
_MAX_PROBLEMS = 50
_MAX_REPAIRS = 12
_BRACKETS = re.compile(
    r"""//[^\n]*|/\*.*?\*/|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|`(?:\\.|[^`\\])*`|[{}\[\]()\n]""",
    re.DOTALL,
)
_CLOSER = {"{": "}", "[": "]", "(": ")"}


@cache
def _parser() -> Parser:
    return Parser(Language(tree_sitter_typescript.language_typescript()))


def read_typescript(text: str, path: str) -> TypesFileRead:
    """Read generated TypeScript types; never raises on bad input."""
    return _Reader(text, path).read()


# --- canonical type texts --------------------------------------------------------------


def quote(value: str) -> str:
    """A string literal in canonical form (double quotes, JSON escapes)."""
    return json.dumps(value, ensure_ascii=False)


def canonical_key(key: str) -> str:
    """An object key in canonical form: bare when an ASCII identifier, else quoted."""
    return key if _IDENTIFIER.fullmatch(key) else quote(key)


def ts_type_text(ref: TypeRef, within: Schema | None = None) -> str:
    """The TypeScript text a reader's :class:`TypeRef` stands for (its inverse).

    An array's element kind is not in the ref: ``within`` (the schema the ref
    was read with) tells an enum from a composite from a row type.
    """
    if not ref.schema:
        return ref.name
    if ref.kind == "array":
        element = ts_type_text(TypeRef(ref.schema, ref.name[1:], _element_kind(ref, within)))
        return f"({element})[]" if " | " in element or " & " in element else element + "[]"
    known = _TEXT_OF_REF.get((ref.schema, ref.name))
    if known is not None:
        return known
    section = {"enum": "Enums", "composite": "CompositeTypes", "relation": "Tables"}.get(ref.kind)
    if section is None:
        return ref.name
    if ref.kind == "relation" and within is not None:
        rel = within.relation(ref.schema, ref.name)
        section = "Views" if rel is not None and rel.is_view else section
    text = f"Database[{quote(ref.schema)}][{quote(section)}][{quote(ref.name)}]"
    return text + '["Row"]' if ref.kind == "relation" else text


def _element_kind(ref: TypeRef, within: Schema | None) -> TypeKind:
    name = ref.name[1:]
    if ref.schema == "pg_catalog" or within is None:
        return "base" if ref.schema == "pg_catalog" else "enum"
    if any(e.schema == ref.schema and e.name == name for e in within.enums):
        return "enum"
    if any(c.schema == ref.schema and c.name == name for c in within.composites):
        return "composite"
    return "relation"


def _string_value(raw: str) -> str:
    """The value of a JavaScript string literal's source text (quotes included)."""
    body = raw[1:-1] if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "\"'`" else raw
    if "\\" not in body:
        return body
    out: list[str] = []
    i = 0
    simple = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}
    while i < len(body):
        ch = body[i]
        if ch != "\\" or i + 1 >= len(body):
            out.append(ch)
            i += 1
            continue
        nxt = body[i + 1]
        if nxt in simple and not (nxt == "0" and body[i + 2 : i + 3].isdigit()):
            out.append(simple[nxt])
            i += 2
        elif nxt == "x" and re.fullmatch(r"[0-9a-fA-F]{2}", body[i + 2 : i + 4]):
            out.append(chr(int(body[i + 2 : i + 4], 16)))
            i += 4
        elif nxt == "u" and body[i + 2 : i + 3] == "{":
            end = body.find("}", i + 3)
            try:
                out.append(chr(int(body[i + 3 : end], 16)))
                i = end + 1
            except ValueError:
                out.append(nxt)
                i += 2
        elif nxt == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", body[i + 2 : i + 6]):
            out.append(chr(int(body[i + 2 : i + 6], 16)))
            i += 6
        elif nxt == "\r":  # line continuation
            i += 3 if body[i + 2 : i + 3] == "\n" else 2
        elif nxt in "\n\u2028\u2029":
            i += 2
        else:
            out.append(nxt)
            i += 2
    # Surrogate pairs written as two \u escapes become one character.
    return "".join(out).encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def _unwrap(node: Node) -> Node:
    while node.type == "parenthesized_type" and node.named_children:
        node = node.named_children[0]
    return node


def _flatten(node: Node, kind: str) -> list[Node]:
    """Members of a union (or intersection), nested and parenthesized ones flattened."""
    out: list[Node] = []
    for child in node.named_children:
        inner = _unwrap(child)
        if inner.type == kind:
            out += _flatten(inner, kind)
        else:
            out.append(child)
    return out


def _node_text(node: Node) -> str:
    return (node.text or b"").decode("utf-8", "replace")


def type_text(node: Node) -> str:
    """A type's canonical text: the same for any formatting of the same type."""
    node = _unwrap(node)
    kind = node.type
    if kind == "union_type":
        return " | ".join(type_text(m) for m in _flatten(node, "union_type"))
    if kind == "intersection_type":
        return " & ".join(type_text(m) for m in _flatten(node, "intersection_type"))
    if kind == "array_type" and node.named_children:
        element = _unwrap(node.named_children[0])
        text = type_text(element)
        if element.type in ("union_type", "intersection_type", "function_type"):
            text = f"({text})"
        return text + "[]"
    if kind == "literal_type" and node.named_children:
        return type_text(node.named_children[0])
    if kind == "string":
        return quote(_string_value(_node_text(node)))
    if kind == "lookup_type" and len(node.named_children) == 2:
        base, index = node.named_children
        return f"{type_text(base)}[{type_text(index)}]"
    if kind == "generic_type":
        name = node.child_by_field_name("name")
        args = node.child_by_field_name("type_arguments")
        arg_texts = [type_text(a) for a in args.named_children] if args is not None else []
        return f"{_node_text(name) if name else ''}<{', '.join(arg_texts)}>"
    if kind in ("object_type", "interface_body"):
        members = []
        for member in node.named_children:
            if member.type == "property_signature":
                key = _key(member)
                value = _member_type(member)
                if key is None or value is None:
                    continue
                optional = "?" if _is_optional(member) else ""
                members.append(f"{canonical_key(key)}{optional}: {type_text(value)}")
            elif member.type != "comment":
                members.append(" ".join(_node_text(member).split()))
        return "{ " + "; ".join(members) + " }" if members else "{}"
    if kind == "tuple_type":
        return "[" + ", ".join(type_text(e) for e in node.named_children) + "]"
    return " ".join(_node_text(node).split())


def type_ref(node: Node) -> TypeRef:
    """A best-effort Postgres type for a TypeScript type (null already removed)."""
    node = _unwrap(node)
    text = type_text(node)
    known = _PREDEFINED.get(text)
    if known is not None:
        return known
    if node.type == "lookup_type":
        path = _lookup_path(node)
        if path is not None and path[0] == "Database":
            keys = path[1:]
            if len(keys) == 3 and keys[1] == "Enums":
                return TypeRef(keys[0], keys[2], "enum")
            if len(keys) == 3 and keys[1] == "CompositeTypes":
                return TypeRef(keys[0], keys[2], "composite")
            if len(keys) == 4 and keys[1] in ("Tables", "Views") and keys[3] == "Row":
                return TypeRef(keys[0], keys[2], "relation")
    if node.type == "array_type" and node.named_children:
        element = type_ref(node.named_children[0])
        if element.schema:
            return TypeRef(element.schema, "_" + element.name, "array")
    return TypeRef("", text, "pseudo")


def _lookup_path(node: Node) -> list[str] | None:
    keys: list[str] = []
    while node.type == "lookup_type" and len(node.named_children) == 2:
        base, index = node.named_children
        index = _unwrap(index)
        if index.type == "literal_type" and index.named_children:
            index = index.named_children[0]
        if index.type != "string":
            return None
        keys.append(_string_value(_node_text(index)))
        node = _unwrap(base)
    if node.type != "type_identifier":
        return None
    return [_node_text(node), *reversed(keys)]


def _is_null(node: Node) -> bool:
    node = _unwrap(node)
    return node.type == "literal_type" and _node_text(node).strip() == "null"


def _split_null(node: Node) -> tuple[str, TypeRef, bool]:
    """(canonical text without ``| null``, best-effort type, nullable)."""
    node = _unwrap(node)
    if node.type != "union_type":
        if _is_null(node):
            return "null", TypeRef("", "null", "pseudo"), True
        return type_text(node), type_ref(node), False
    members = _flatten(node, "union_type")
    rest = [m for m in members if not _is_null(m)]
    nullable = len(rest) != len(members)
    if len(rest) == 1:
        return type_text(rest[0]), type_ref(rest[0]), nullable
    text = " | ".join(type_text(m) for m in rest)
    return text, TypeRef("", text, "pseudo"), nullable


def _key(member: Node) -> str | None:
    name = member.child_by_field_name("name")
    if name is None:
        return None
    if name.type == "string":
        return _string_value(_node_text(name))
    return _node_text(name)


def _member_type(member: Node) -> Node | None:
    annotation = member.child_by_field_name("type")
    if annotation is None or not annotation.named_children:
        return None
    return annotation.named_children[0]


def _is_optional(member: Node) -> bool:
    return any(child.type == "?" for child in member.children)


# --- reading ---------------------------------------------------------------------------


class _Reader:
    def __init__(self, text: str, path: str) -> None:
        self.text = text
        self.path = path
        self.problems: list[ReadProblem] = []
        self.anchors: dict[tuple[str, ...], Span] = {}
        self.lines: list[bytes] = []
        self.relations: list[Relation] = []
        self.enums: list[Enum] = []
        self.composites: list[CompositeType] = []
        self.functions: list[Function] = []
        self.foreign_keys: list[ForeignKey] = []
        self.schemas: list[str] = []
        #: The first line a truncation repair appended, if one did.
        self.cut_line: int | None = None

    def read(self) -> TypesFileRead:
        tree = self._parse()
        decl = _find_database(tree.root_node)
        if decl is None:
            self.problem(0, 0, "no `Database` type found: not a generated types file?")
        else:
            name, body = decl
            self.anchors[()] = self.span(name)
            self.read_database(body)
        schema = Schema(
            schemas=tuple(self.schemas),
            relations=tuple(self.relations),
            enums=tuple(self.enums),
            composites=tuple(self.composites),
            functions=tuple(self.functions),
            foreign_keys=tuple(self.foreign_keys),
        )
        self.problems.sort(key=lambda p: (p.line, p.column))
        return TypesFileRead(
            self.path,
            "typescript",
            schema,
            tuple(self.problems[:_MAX_PROBLEMS]),
            self.anchors,
            self.text,
        )

    # --- parsing and repair ----------------------------------------------------------

    def _parse(self) -> Tree:
        data = self.text.encode("utf-8")
        tree = _parser().parse(data)
        self.lines = data.split(b"\n")
        if not tree.root_node.has_error:
            return tree
        repaired = self._repair()
        if repaired is not None:
            tree, last_line = repaired
            self.problem(
                last_line,
                0,
                f"the file ends early (truncated?): read up to line {last_line + 1}; regenerate it",
            )
            return tree
        self._report_errors(tree.root_node)
        return tree

    def _repair(self) -> tuple[Tree, int] | None:
        """Close a truncated file at its last complete line(s), if that parses."""
        stacks: list[str] = [""]  # the open brackets at the start of each line
        stack: list[str] = []
        for match in _BRACKETS.finditer(self.text):
            token = match.group()
            if token == "\n":
                stacks.append("".join(stack))
            elif token in _CLOSER:
                stack.append(token)
            elif token in "}])":
                if stack and _CLOSER[stack[-1]] == token:
                    stack.pop()
            elif "\n" in token:  # a block comment or template spanning lines
                stacks += ["".join(stack)] * token.count("\n")
        if not stack:
            return None  # balanced: an error inside, not a file cut short
        lines = self.text.split("\n")
        # The last line of a cut file is usually cut too: start before it.
        first = len(lines) - 1 if not self.text.endswith("\n") else len(lines)
        attempts = 0
        for cut in range(first, 0, -1):
            if attempts >= _MAX_REPAIRS:
                break
            opened = stacks[cut] if cut < len(stacks) else "".join(stack)
            if not opened:
                continue
            attempts += 1
            head = "\n".join(lines[:cut])
            closing = "".join(_CLOSER[b] for b in reversed(opened))
            data = (head + "\n" + closing + "\n").encode("utf-8")
            tree = _parser().parse(data)
            if not tree.root_node.has_error:
                self.lines = data.split(b"\n")
                self.cut_line = cut
                return tree, max(cut - 1, 0)
        return None

    def _report_errors(self, root: Node) -> None:
        def walk(node: Node) -> None:
            if len(self.problems) >= _MAX_PROBLEMS:
                return
            if node.is_missing:
                line, col = self.position(node)
                self.problem(line, col, f"syntax error: missing `{node.type}`")
                return
            if node.type == "ERROR":
                line, col = self.position(node)
                snippet = " ".join(_node_text(node).split())[:40]
                self.problem(line, col, f"syntax error: cannot read `{snippet}`; skipped")
                return
            if node.has_error:
                for child in node.children:
                    walk(child)

        walk(root)

    # --- positions -------------------------------------------------------------------

    def position(self, node: Node) -> tuple[int, int]:
        row, byte_col = node.start_point
        return row, self.column(row, byte_col)

    def column(self, row: int, byte_col: int) -> int:
        if row >= len(self.lines):
            return byte_col
        line = self.lines[row]
        if line.isascii():
            return byte_col
        return len(line[:byte_col].decode("utf-8", "replace"))

    def span(self, node: Node) -> Span:
        (row, col), (end_row, end_col) = node.start_point, node.end_point
        if end_row != row:
            end_row, end_col = row, len(self.lines[row]) if row < len(self.lines) else col
        return Span(
            self.path,
            row,
            self.column(row, col),
            end_row,
            self.column(end_row, end_col),
        )

    def problem(self, line: int, column: int, message: str) -> None:
        self.problems.append(ReadProblem(line, column, message))

    def incomplete(self, node: Node, message: str) -> None:
        """A problem with ``node``, unless the file was cut inside it (said once already)."""
        if self.cut_line is not None and node.end_point[0] >= self.cut_line:
            return
        line, col = self.position(node)
        self.problem(line, col, message)

    # --- structure -------------------------------------------------------------------

    def members(self, node: Node) -> Iterator[tuple[str, Node, Node | None, bool]]:
        """(key, key node, type node, optional) of an object type's properties,
        including those inside error nodes."""
        node = _unwrap(node)
        seen: set[str] = set()
        for child in node.named_children:
            candidates = [child]
            if child.type == "ERROR":
                candidates = [c for c in child.named_children if c.type == "property_signature"]
            for member in candidates:
                if member.type != "property_signature":
                    continue
                key = _key(member)
                name = member.child_by_field_name("name")
                if key is None or name is None:
                    continue
                if key in seen:
                    line, col = self.position(name)
                    self.problem(line, col, f"`{key}` is defined twice; the first one is read")
                    continue
                seen.add(key)
                yield key, name, _member_type(member), _is_optional(member)

    def object_members(self, node: Node | None) -> dict[str, tuple[Node, Node | None, bool]]:
        if node is None or _unwrap(node).type not in ("object_type", "interface_body"):
            return {}
        return {key: (name, value, opt) for key, name, value, opt in self.members(node)}

    def read_database(self, body: Node) -> None:
        for key, name, value, _ in self.members(body):
            if key.startswith("__"):  # __InternalSupabase: client options, not a schema
                continue
            if value is None or _unwrap(value).type != "object_type":
                line, col = self.position(name)
                self.problem(line, col, f"schema `{key}` is not an object type; skipped")
                continue
            self.schemas.append(key)
            self.anchors[(key,)] = self.span(name)
            sections = self.object_members(value)
            for section, (section_name, _, _) in sections.items():
                if section in SECTIONS:
                    self.anchors[(key, section)] = self.span(section_name)
            for section, (section_name, section_value, _) in sections.items():
                if section in ("Tables", "Views"):
                    for rel_key, rel_name, rel_value, _ in self.members_of(section_value):
                        self.read_relation(key, section, rel_key, rel_name, rel_value)
                elif section == "Functions":
                    for fn_key, fn_name, fn_value, _ in self.members_of(section_value):
                        self.read_function(key, fn_key, fn_name, fn_value)
                elif section == "Enums":
                    for e_key, e_name, e_value, _ in self.members_of(section_value):
                        self.read_enum(key, e_key, e_name, e_value)
                elif section == "CompositeTypes":
                    for c_key, c_name, c_value, _ in self.members_of(section_value):
                        self.read_composite(key, c_key, c_name, c_value)
                else:
                    line, col = self.position(section_name)
                    self.problem(line, col, f"unknown section `{section}` in schema `{key}`")

    def members_of(self, node: Node | None) -> Iterator[tuple[str, Node, Node | None, bool]]:
        if node is None:
            return iter(())
        return self.members(node)

    def read_relation(
        self, schema: str, section: str, name: str, key_node: Node, value: Node | None
    ) -> None:
        parts = self.object_members(value)
        row = parts.get("Row")
        if row is None:
            self.incomplete(value or key_node, f"`{schema}.{name}` has no Row type; skipped")
            return
        insert_part = parts.get("Insert")
        insert = {
            key: (opt, value is not None and type_text(value) == "never")
            for key, _, value, opt in self.members_of(insert_part[1] if insert_part else None)
        }
        is_view = section == "Views"
        columns: list[Column] = []
        for col_name, col_key, col_value, _ in self.members_of(row[1]):
            if col_value is None:
                continue
            text, ref, nullable = _split_null(col_value)
            default: str | None = None
            identity: IdentityKind | None = None
            updatable = True
            if insert_part is None:
                updatable = not is_view
            elif col_name not in insert:
                updatable = False  # a computed field: a function over the row
            else:
                optional, never = insert[col_name]
                if never:
                    if is_view:
                        updatable = False
                    else:
                        identity = "ALWAYS"
                elif optional and not nullable and not is_view:
                    default = HAS_DEFAULT
            columns.append(
                Column(
                    col_name,
                    ref,
                    text,
                    nullable=nullable,
                    default=default,
                    identity=identity,
                    updatable=updatable,
                    span=self.span(col_key),
                )
            )
        if insert_part is None and not is_view:
            self.incomplete(value or key_node, f"table `{schema}.{name}` has no Insert type")
        unique: list[tuple[str, ...]] = []
        rels = parts.get("Relationships")
        if rels is not None and rels[1] is not None:
            for fk in self.read_relationships(schema, name, rels[1]):
                self.foreign_keys.append(fk[0])
                if fk[1] and fk[0].columns not in unique:
                    unique.append(fk[0].columns)
        self.relations.append(
            Relation(
                schema,
                name,
                "view" if is_view else "table",
                tuple(columns),
                unique_keys=tuple(unique),
                updatable=insert_part is not None if is_view else True,
                span=self.span(key_node),
            )
        )

    def read_relationships(
        self, schema: str, table: str, node: Node
    ) -> Iterator[tuple[ForeignKey, bool]]:
        node = _unwrap(node)
        if node.type != "tuple_type":
            return
        for element in node.named_children:
            fields = self.object_members(element)
            if not fields:
                continue
            name = self.literal(fields.get("foreignKeyName"))
            target = self.literal(fields.get("referencedRelation"))
            columns = self.literal_tuple(fields.get("columns"))
            referenced = self.literal_tuple(fields.get("referencedColumns"))
            one = fields.get("isOneToOne")
            one_to_one = one is not None and one[1] is not None and type_text(one[1]) == "true"
            if name is None or target is None or columns is None or referenced is None:
                self.incomplete(element, f"relationship of `{schema}.{table}` is incomplete")
                continue
            # The foreignKeyName line names the relationship: point there.
            where = fields["foreignKeyName"][0]
            fk = ForeignKey(
                name, schema, table, columns, schema, target, referenced, span=self.span(where)
            )
            yield fk, one_to_one

    def literal(self, part: tuple[Node, Node | None, bool] | None) -> str | None:
        if part is None or part[1] is None:
            return None
        node = _unwrap(part[1])
        if node.type == "literal_type" and node.named_children:
            node = node.named_children[0]
        return _string_value(_node_text(node)) if node.type == "string" else None

    def literal_tuple(self, part: tuple[Node, Node | None, bool] | None) -> tuple[str, ...] | None:
        if part is None or part[1] is None:
            return None
        node = _unwrap(part[1])
        if node.type != "tuple_type":
            return None
        values = [self.literal((node, e, False)) for e in node.named_children]
        if any(v is None for v in values):
            return None
        return tuple(v for v in values if v is not None)

    def read_enum(self, schema: str, name: str, key_node: Node, value: Node | None) -> None:
        if value is None:
            return
        node = _unwrap(value)
        members = _flatten(node, "union_type") if node.type == "union_type" else [node]
        labels: list[str] = []
        for member in members:
            label = self.literal((member, member, False))
            if label is None:
                line, col = self.position(member)
                self.problem(line, col, f"enum `{schema}.{name}` has a member that is not a string")
                continue
            labels.append(label)
        self.enums.append(Enum(schema, name, tuple(labels), span=self.span(key_node)))

    def read_composite(self, schema: str, name: str, key_node: Node, value: Node | None) -> None:
        attributes = []
        for attr_name, _, attr_value, _ in self.members_of(value):
            if attr_value is None:
                continue
            _, ref, _ = _split_null(attr_value)
            attributes.append(Attribute(attr_name, ref))
        self.composites.append(
            CompositeType(schema, name, tuple(attributes), span=self.span(key_node))
        )

    def read_function(self, schema: str, name: str, key_node: Node, value: Node | None) -> None:
        if value is None:
            return
        node = _unwrap(value)
        overloads = _flatten(node, "union_type") if node.type == "union_type" else [node]
        for overload in overloads:
            parts = self.object_members(overload)
            if "Args" not in parts and "Returns" not in parts:
                self.incomplete(overload, f"function `{schema}.{name}` has no Args or Returns")
                continue
            args: list[FunctionArg] = []
            args_node = parts.get("Args", (None, None, False))[1]
            for arg_name, _, arg_value, optional in self.members_of(args_node):
                if arg_value is None:
                    continue
                args.append(
                    FunctionArg(
                        arg_name, type_ref(arg_value), type_text(arg_value), has_default=optional
                    )
                )
            signature = ", ".join(
                f"{canonical_key(a.name)}{'?' if a.has_default else ''}: {a.type_display}"
                for a in args
            )
            returns_node = parts.get("Returns", (None, None, False))[1]
            returns = type_text(returns_node) if returns_node is not None else "unknown"
            returns_ref = (
                type_ref(returns_node) if returns_node is not None else _PREDEFINED["unknown"]
            )
            setof = self.object_members(parts.get("SetofOptions", (None, None, False))[1])
            is_set = setof.get("isSetofReturn")
            if is_set is not None and is_set[1] is not None:
                returns_set = type_text(is_set[1]) == "true"
            else:
                unwrapped = _unwrap(returns_node) if returns_node is not None else None
                returns_set = (
                    unwrapped is not None
                    and unwrapped.type == "array_type"
                    and _unwrap(unwrapped.named_children[0]).type == "object_type"
                )
            span = self.span(key_node) if len(overloads) == 1 else self.span(overload)
            self.functions.append(
                Function(
                    schema,
                    name,
                    tuple(args),
                    signature,
                    signature,
                    returns,
                    returns_ref,
                    returns_set=returns_set,
                    span=span,
                )
            )


def _find_database(root: Node) -> tuple[Node, Node] | None:
    """The ``Database`` declaration's name and body (type alias or interface)."""
    stack = [(root, 0)]
    while stack:
        node, depth = stack.pop(0)
        if node.type == "type_alias_declaration":
            name = node.child_by_field_name("name")
            value = node.child_by_field_name("value")
            if (
                name is not None
                and value is not None
                and _node_text(name) == "Database"
                and _unwrap(value).type == "object_type"
            ):
                return name, _unwrap(value)
        elif node.type == "interface_declaration":
            name = node.child_by_field_name("name")
            body = node.child_by_field_name("body")
            if name is not None and body is not None and _node_text(name) == "Database":
                return name, body
        if depth < 3:
            stack += [(child, depth + 1) for child in node.named_children]
    return None
