"""The named things of a schema file and every place that names them.

Tables (keys under `tables:`), columns (keys under `columns:`), enums (keys under
`enums:`) and enum values are *declared*; they are *referenced* from column
shorthands and long forms (`references t(c)`, enum types, enum defaults, checks),
from a table's `primary_key`, `unique`, `indexes`, `checks`, `foreign_keys`,
`dependencies`, `partition_by` and `denormalized`, from `context.retention`, and
from the SQL of `queries:` (tables after FROM/JOIN with their aliases resolved,
`alias.column`, and bare columns when exactly one table in scope has them).

The index is built from the whole file's positioned YAML tree (not from the
resolved model), so it also covers parts that did not validate.  Every
occurrence is the exact range of the identifier itself (without quotes) in
code points, and is only recorded when the text there *is* the name: a rename
replaces identifier tokens and nothing else, and never re-dumps YAML.

The public functions take a `Document` (see `document.analyze`) and an offset.
"""
from __future__ import annotations

import bisect
import gc
import re
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal, cast

import sqlglot
from sqlglot import exp

from ..core.chunks import split_tables
from ..core.diagnostics import TextEdit
from ..core.document import Document
from ..core.lines import line_start
from ..core.loader import _closes_at_end, value_positions
from ..core.model import Span
from ..core.shorthand import MODIFIER_WORDS, parse_shorthand
from ..core.syntax import NULL_WORDS, Mapping, Node, Scalar, Sequence, parse_yaml
from ..core.types import all_type_names
from ..sql.queries import STATEMENTS, Resolution, portable, try_read

TABLE = "table"
COLUMN = "column"
ENUM = "enum"
ENUM_VALUE = "enum_value"

_NAME = r"[^\W\d][\w$]*"
_NAME_RE = re.compile(_NAME)
_IDENTIFIER_RE = re.compile(rf"{_NAME}\Z")
_ENUM_VALUE_RE = re.compile(r"\w[\w.\-]*\Z")
# a column list item: a name, optionally double-quoted, optionally followed by asc/desc
_ITEM_RE = re.compile(rf'\s*(?:"((?:[^"]|"")+)"|({_NAME}))(\s+(?:asc|desc))?\s*\Z', re.IGNORECASE)
_TARGET_RE = re.compile(rf'\s*("(?:[^"]|"")*"|{_NAME}(?:\.{_NAME})*)\s*(?:\((.*)\))?\s*\Z', re.DOTALL)
_PARTITION_RE = re.compile(r"\s*([A-Za-z]+)\s*\((.*)\)\s*\Z", re.DOTALL)
_MODIFIER_STARTS = frozenset(w.split()[0] for w in MODIFIER_WORDS)


@dataclass(frozen=True, slots=True)
class Symbol:
    kind: str  # table | column | enum | enum_value
    name: str
    container: str | None = None  # a column's table, an enum value's enum

    @property
    def label(self) -> str:
        return f"{self.container}.{self.name}" if self.container else self.name


@dataclass(frozen=True, slots=True)
class Occurrence:
    symbol: Symbol
    start: int
    end: int
    declaration: bool = False
    role: str = ""  # where it is: "key", "references", "index", "query", "check", ...
    sql: bool = False  # inside SQL (a query, a check, an index condition or expression)
    quoted: bool = False  # written in quotes (SQL "name", YAML 'name', a string literal)
    style: str | None = None  # the YAML style of the scalar holding it (None: plain)
    scalar_start: bool = False  # the first character of a plain scalar

    @property
    def span(self) -> Span:
        return (self.start, self.end)


@dataclass(slots=True)
class RenameResult:
    edits: list[TextEdit]


class RenameError(ValueError):
    """A rename that is refused; the message says why."""


@dataclass(slots=True)
class SymbolNode:
    """One entry of the document outline."""

    name: str
    kind: str  # table | column | index | enum | enum_value | query
    span: Span  # the whole entry
    selection: Span  # its name
    detail: str | None = None
    children: list[SymbolNode] = field(default_factory=list)


@dataclass(slots=True)
class WorkspaceSymbol:
    name: str
    kind: str
    uri: str
    span: Span
    container: str | None = None
    document: Document | None = None


# ---------------------------------------------------------------------------
# positioned strings

class _Piece:
    """A scalar's value and the document offset of each of its characters."""

    __slots__ = ("node", "value", "base", "_pos", "_text", "style")

    def __init__(self, node: Scalar, text: str) -> None:
        self.node = node
        self.value = value = node.value
        self.style = node.style
        self._text = text
        self._pos: list[int] | None | Literal[False] = False  # False: not computed yet
        # the common case: the value is the source itself (plain, or quoted without escapes)
        self.base: int | None = None
        if node.style is None and text.startswith(value, node.start) and node.end - node.start == len(value):
            self.base = node.start
        elif node.style in ("'", '"') and node.end - node.start == len(value) + 2 and \
                text.startswith(value, node.start + 1):
            self.base = node.start + 1

    @property
    def pos(self) -> list[int] | None:
        """The document offset of each character of the value, and of its end (None: unknown)."""
        if self._pos is False:
            if self.base is not None:
                self._pos = list(range(self.base, self.base + len(self.value) + 1))
            else:
                self._pos = value_positions(self.node, self._text)
        return self._pos

    def span(self, i: int, j: int) -> Span | None:
        """The document span of value[i:j], when it is one contiguous run of the source."""
        if not 0 <= i < j <= len(self.value):
            return None
        if self.base is not None:
            return (self.base + i, self.base + j)
        pos = self.pos
        if pos is None:
            return None
        start, end = pos[i], pos[j - 1] + 1
        return (start, end) if end - start == j - i else None


def _strip(value: str, i: int, j: int) -> tuple[int, int]:
    while i < j and value[i].isspace():
        i += 1
    while j > i and value[j - 1].isspace():
        j -= 1
    return i, j


def _split_items(value: str, lo: int, hi: int, outer_parens: bool = True) -> list[tuple[int, int]]:
    """Ranges of the comma-separated items of value[lo:hi] (commas inside parentheses do not split;
    `(a, b)` as a whole is unwrapped)."""
    lo, hi = _strip(value, lo, hi)
    if outer_parens and hi - lo >= 2 and value[lo] == "(" and value[hi - 1] == ")" and _closes_at_end(value[lo:hi]):
        lo, hi = lo + 1, hi - 1
    out = []
    depth, start = 0, lo
    for k in range(lo, hi + 1):
        ch = value[k] if k < hi else ","
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "," and depth <= 0:
            a, b = _strip(value, start, k)
            if a < b:
                out.append((a, b))
            start = k + 1
    return out


@lru_cache(maxsize=512)
def _parse_expression(sql: str, dialect: str | None) -> exp.Expr | None:
    try:
        return sqlglot.parse_one(portable(sql, dialect), read=dialect)
    except Exception:  # noqa: BLE001
        return None


@lru_cache(maxsize=512)
def _tokens(sql: str, dialect: str | None) -> tuple:
    try:
        return tuple(sqlglot.tokenize(portable(sql, dialect), read=dialect))
    except Exception:  # noqa: BLE001
        return ()


_WORD_TOKENS = ("VAR", "IDENTIFIER")


# ---------------------------------------------------------------------------
# the index

class SymbolIndex:
    def __init__(self, text: str, root: Node | None, dialect: str | None, build: bool = True,
                 external_columns: dict[str, tuple[str, ...]] | None = None) -> None:
        self.text = text
        self.root = root
        self.dialect = dialect or None
        self.occurrences: list[Occurrence] = []
        # name -> (key, value) nodes; None for tables read piecewise (see _chunked_index)
        self.tables: dict[str, tuple[Scalar, Node] | None] = {}  # the last of duplicate keys wins
        self.columns: dict[str, dict[str, tuple[Scalar, Node] | None]] = {}
        self.enums: dict[str, tuple[Scalar, Node] | None] = {}
        self.enum_values: dict[str, list[str]] = {}
        self.column_enum: dict[tuple[str, str], str] = {}
        self.queries: dict[str, tuple[Scalar, Node]] = {}
        # the columns of tables of included files, which this file's queries may read
        self.external_columns: dict[str, tuple[str, ...]] = external_columns or {}
        self._seen: set[tuple] = set()
        self.piecewise = False
        if build:
            self._build()
            self.finish()

    def finish(self) -> None:
        self.occurrences.sort(key=lambda o: (o.start, o.end))
        self._starts = [o.start for o in self.occurrences]
        self.by_symbol: dict[Symbol, list[Occurrence]] = {}
        for o in self.occurrences:
            self.by_symbol.setdefault(o.symbol, []).append(o)

    # -- recording --------------------------------------------------------------
    def _add(self, symbol: Symbol, span: Span | None, role: str, declaration: bool = False, *,
             sql: bool = False, quoted: bool = False, piece: _Piece | None = None) -> None:
        if span is None or self.text[span[0]:span[1]] != symbol.name:
            return  # the source there is not the name (escapes, folding): never edit it blindly
        key = (symbol, span)
        if key in self._seen:
            return  # an alias shares a node between two places
        self._seen.add(key)
        style = piece.style if piece is not None else None
        at_start = piece is not None and piece.style is None and span[0] == piece.node.start
        self.occurrences.append(Occurrence(symbol, span[0], span[1], declaration, role, sql, quoted, style, at_start))

    def _add_at(self, symbol: Symbol, piece: _Piece, i: int, j: int, role: str, **kw) -> None:
        """An occurrence at value[i:j] of a scalar (a double-quoted name is unwrapped)."""
        v = piece.value
        quoted = False
        if j - i >= 2 and v[i] == '"' and v[j - 1] == '"':
            i, j, quoted = i + 1, j - 1, True
        self._add(symbol, piece.span(i, j), role, piece=piece, quoted=quoted or kw.pop("quoted", False), **kw)

    def _key(self, symbol: Symbol, key: Scalar, role: str = "key", declaration: bool = True) -> None:
        piece = _Piece(key, self.text)
        self._add(symbol, piece.span(0, len(piece.value)), role, declaration, piece=piece,
                  quoted=key.style is not None)

    # -- the walk -----------------------------------------------------------------
    def _build(self) -> None:
        root = self.root
        if not isinstance(root, Mapping):
            return
        enums, tables, queries = root.get("enums"), root.get("tables"), root.get("queries")
        self._collect_enums(enums)
        self._collect_tables(tables)
        self._collect_queries(queries)
        # declarations and references
        self._walk_enums(enums)
        self._walk_tables(tables)
        self._walk_rest(root)

    def _collect_enums(self, enums: Node | None) -> None:
        if isinstance(enums, Mapping):
            for key, value in enums.items:
                self.enums[key.value] = (key, value)
                values = self.enum_values.setdefault(key.value, [])
                if isinstance(value, Sequence):
                    values.extend(item.value for item in value.items if isinstance(item, Scalar))

    def _collect_tables(self, tables: Node | None) -> None:
        if isinstance(tables, Mapping):
            for key, value in tables.items:
                self.tables[key.value] = (key, value)
                cols = self.columns.setdefault(key.value, {})
                columns = value.get("columns") if isinstance(value, Mapping) else None
                if isinstance(columns, Mapping):
                    for ckey, cvalue in columns.items:
                        cols[ckey.value] = (ckey, cvalue)
                        enum = self._type_enum(cvalue)
                        if enum is not None:
                            self.column_enum[(key.value, ckey.value)] = enum

    def _collect_queries(self, queries: Node | None) -> None:
        if isinstance(queries, Mapping):
            for key, value in queries.items:
                self.queries[key.value] = (key, value)

    def _walk_enums(self, enums: Node | None) -> None:
        if isinstance(enums, Mapping):
            for key, value in enums.items:
                self._key(Symbol(ENUM, key.value), key)
                if isinstance(value, Sequence):
                    for item in value.items:
                        if isinstance(item, Scalar) and not item.is_null:
                            self._key(Symbol(ENUM_VALUE, item.value, key.value), item, "enum value")

    def _walk_tables(self, tables: Node | None) -> None:
        if isinstance(tables, Mapping):
            for key, value in tables.items:
                self._key(Symbol(TABLE, key.value), key)
                if isinstance(value, Mapping):
                    self._table(key.value, value)

    def _walk_rest(self, root: Mapping) -> None:
        """Queries and the retention keys of `context`."""
        queries = root.get("queries")
        if isinstance(queries, Mapping):
            for _key, value in queries.items:
                node = value.get("sql") if isinstance(value, Mapping) else value
                if isinstance(node, Scalar) and not node.is_null:
                    self._query(_Piece(node, self.text))
        context = root.get("context")
        retention = context.get("retention") if isinstance(context, Mapping) else None
        if isinstance(retention, Mapping):
            for key, _ in retention.items:
                self._key(Symbol(TABLE, key.value), key, "retention", declaration=False)

    def _type_enum(self, cvalue: Node) -> str | None:
        if isinstance(cvalue, Scalar):
            short = parse_shorthand(cvalue.value)
            type_text = short.type_text
        elif isinstance(cvalue, Mapping) and isinstance(type_node := cvalue.get("type"), Scalar):
            type_text = type_node.value
        else:
            return None
        match = _NAME_RE.match(type_text.strip())
        return match.group(0) if match and match.group(0) in self.enums else None

    def _table(self, table: str, node: Mapping) -> None:
        text = self.text
        for key, value in node.items:
            field_name = key.value
            if field_name == "columns" and isinstance(value, Mapping):
                for ckey, cvalue in value.items:
                    self._key(Symbol(COLUMN, ckey.value, table), ckey)
                    self._column(table, ckey.value, cvalue)
            elif field_name == "primary_key":
                self._column_list(table, value, "primary_key")
            elif field_name == "unique" and isinstance(value, Sequence):
                for item in value.items:
                    self._column_list(table, item, "unique")
            elif field_name == "indexes" and isinstance(value, Sequence):
                for item in value.items:
                    self._index(table, item)
            elif field_name == "checks" and isinstance(value, Sequence):
                for item in value.items:
                    if isinstance(item, Scalar) and not item.is_null:
                        piece = _Piece(item, text)
                        self._sql_fragment(table, piece, 0, len(piece.value), "check")
            elif field_name == "foreign_keys" and isinstance(value, Sequence):
                for item in value.items:
                    if isinstance(item, Mapping):
                        columns = item.get("columns")
                        if columns is not None:
                            self._column_list(table, columns, "foreign_keys")
                        target = item.get("references")
                        if isinstance(target, Scalar):
                            self._target(_Piece(target, text), 0, len(target.value), "foreign_keys")
            elif field_name == "dependencies" and isinstance(value, Sequence):
                for item in value.items:
                    if isinstance(item, Scalar) and not item.is_null:
                        piece = _Piece(item, text)
                        arrow = piece.value.find("->")
                        sides = [(0, arrow), (arrow + 2, len(piece.value))] if arrow >= 0 else []
                        for lo, hi in sides:
                            for m in re.finditer(r"[^,\s]+", piece.value[lo:hi]):
                                if _IDENTIFIER_RE.match(m.group(0)):
                                    self._add_at(Symbol(COLUMN, m.group(0), table), piece, lo + m.start(),
                                                 lo + m.end(), "dependencies")
            elif field_name == "partition_by" and isinstance(value, Scalar):
                piece = _Piece(value, text)
                match = _PARTITION_RE.match(piece.value)
                if match:
                    for a, b in _split_items(piece.value, match.start(2), match.end(2), outer_parens=False):
                        self._column_item(table, piece, a, b, "partition_by")
            elif field_name == "denormalized" and isinstance(value, Mapping):
                for dkey, _ in value.items:
                    self._key(Symbol(COLUMN, dkey.value, table), dkey, "denormalized", declaration=False)

    def _column(self, table: str, column: str, node: Node) -> None:
        text = self.text
        enum = self.column_enum.get((table, column))
        if isinstance(node, Scalar):
            if node.is_null:
                return
            piece = _Piece(node, text)
            value = piece.value
            short = parse_shorthand(value)
            a, b = short.type_span
            if enum is not None:
                match = _NAME_RE.match(value, a)
                if match:
                    self._add_at(Symbol(ENUM, enum), piece, match.start(), match.end(), "type")
            if short.references_table is not None and short.references_table_span is not None:
                ta, tb = short.references_table_span
                self._add_at(Symbol(TABLE, short.references_table), piece, ta, tb, "references")
                for cname, (ca, cb) in short.references_columns:
                    self._add_at(Symbol(COLUMN, cname.strip('"'), short.references_table), piece, ca, cb,
                                 "references")
            if short.check_span is not None:
                ka, kb = short.check_span
                open_paren = value.find("(", ka, kb)
                if open_paren >= 0:
                    end = kb - 1 if value[kb - 1:kb] == ")" else kb
                    self._sql_fragment(table, piece, open_paren + 1, end, "check")
            if short.default_span is not None and enum is not None:
                self._enum_default(enum, piece, *short.default_span)
        elif isinstance(node, Mapping):
            type_node = node.get("type")
            if enum is not None and isinstance(type_node, Scalar):
                piece = _Piece(type_node, text)
                match = _NAME_RE.search(piece.value)
                if match:
                    self._add_at(Symbol(ENUM, enum), piece, match.start(), match.end(), "type")
            ref = node.get("references")
            if isinstance(ref, Scalar) and not ref.is_null:
                self._target(_Piece(ref, text), 0, len(ref.value), "references")
            elif isinstance(ref, Mapping):
                target = ref.get("table")
                if isinstance(target, Scalar) and not target.is_null:
                    piece = _Piece(target, text)
                    a, b = _strip(piece.value, 0, len(piece.value))
                    self._add_at(Symbol(TABLE, piece.value[a:b].strip('"')), piece, a, b, "references")
                    col = ref.get("column")
                    if isinstance(col, Scalar) and not col.is_null:
                        cpiece = _Piece(col, text)
                        ca, cb = _strip(cpiece.value, 0, len(cpiece.value))
                        self._add_at(Symbol(COLUMN, cpiece.value[ca:cb].strip('"'), piece.value[a:b].strip('"')),
                                     cpiece, ca, cb, "references")
            check = node.get("check")
            if isinstance(check, Scalar) and not check.is_null:
                piece = _Piece(check, text)
                self._sql_fragment(table, piece, 0, len(piece.value), "check")
            default = node.get("default")
            if enum is not None and isinstance(default, Scalar) and not default.is_null:
                piece = _Piece(default, text)
                self._enum_default(enum, piece, 0, len(piece.value))

    def _enum_default(self, enum: str, piece: _Piece, a: int, b: int) -> None:
        value = piece.value
        a, b = _strip(value, a, b)
        if b - a >= 2 and value[a] == "'" and value[b - 1] == "'" and "'" not in value[a + 1:b - 1]:
            self._add_at(Symbol(ENUM_VALUE, value[a + 1:b - 1], enum), piece, a + 1, b - 1, "default", quoted=True)
        elif a < b and _ENUM_VALUE_RE.match(value[a:b]) and value[a:b] in self.enum_values.get(enum, ()):
            self._add_at(Symbol(ENUM_VALUE, value[a:b], enum), piece, a, b, "default")

    def _target(self, piece: _Piece, a: int, b: int, role: str) -> None:
        """`table` or `table(a, b)`."""
        match = _TARGET_RE.match(piece.value[a:b])
        if not match:
            return
        name = match.group(1)
        ta, tb = a + match.start(1), a + match.end(1)
        if name.startswith('"'):
            name = name[1:-1].replace('""', '"')
        self._add_at(Symbol(TABLE, name), piece, ta, tb, role)
        if match.group(2) is not None:
            for ca, cb in _split_items(piece.value, a + match.start(2), a + match.end(2), outer_parens=False):
                self._column_item(name, piece, ca, cb, role, allow_expression=False)

    def _column_list(self, table: str, node: Node | None, role: str) -> None:
        if isinstance(node, Sequence):
            for item in node.items:
                if isinstance(item, Scalar) and not item.is_null:
                    piece = _Piece(item, self.text)
                    self._column_item(table, piece, 0, len(piece.value), role)
        elif isinstance(node, Scalar) and not node.is_null:
            piece = _Piece(node, self.text)
            for a, b in _split_items(piece.value, 0, len(piece.value)):
                self._column_item(table, piece, a, b, role)

    def _column_item(self, table: str, piece: _Piece, a: int, b: int, role: str,
                     allow_expression: bool = True) -> None:
        value = piece.value
        match = _ITEM_RE.match(value[a:b])
        if match:
            if match.group(1) is not None:
                name = match.group(1).replace('""', '"')
                self._add_at(Symbol(COLUMN, name, table), piece, a + match.start(1), a + match.end(1), role,
                             quoted=True)
            else:
                self._add_at(Symbol(COLUMN, match.group(2), table), piece, a + match.start(2), a + match.end(2),
                             role)
        elif allow_expression:
            a, b = _strip(value, a, b)
            # `lower(email) desc`: the direction is not part of the expression
            tail = re.search(r"\s+(?:asc|desc)\Z", value[a:b], re.IGNORECASE)
            self._sql_fragment(table, piece, a, a + tail.start() if tail else b, role)

    def _index(self, table: str, node: Node) -> None:
        if isinstance(node, Scalar) and not node.is_null:
            self._column_list(table, node, "index")
        elif isinstance(node, Mapping):
            self._column_list(table, node.get("columns"), "index")
            self._column_list(table, node.get("include"), "index")
            where = node.get("where")
            if isinstance(where, Scalar) and not where.is_null:
                piece = _Piece(where, self.text)
                self._sql_fragment(table, piece, 0, len(piece.value), "index")

    # -- SQL ------------------------------------------------------------------------
    def _add_sql(self, symbol: Symbol, piece: _Piece, base: int, ident: exp.Expression, role: str) -> None:
        meta = ident.meta if isinstance(ident, exp.Identifier) else None
        if not meta or "start" not in meta:
            return
        start, end = base + meta["start"], base + meta["end"] + 1
        quoted = bool(ident.args.get("quoted"))
        if quoted:
            start, end = start + 1, end - 1
        self._add(symbol, piece.span(start, end), role, sql=True, quoted=quoted, piece=piece)

    def _add_literal(self, enum: str, literal: exp.Expr, piece: _Piece, base: int, role: str) -> None:
        if not (isinstance(literal, exp.Literal) and literal.is_string):
            return
        meta = literal.meta
        if not meta or "start" not in meta:
            return
        start, end = base + meta["start"] + 1, base + meta["end"]
        self._add(Symbol(ENUM_VALUE, literal.this, enum), piece.span(start, end), role, sql=True, quoted=True,
                  piece=piece)

    def _enum_literals(self, tree: exp.Expr, resolved: dict[int, tuple[str, str]], piece: _Piece,
                       base: int, role: str) -> None:
        """String literals compared with a column of an enum type are enum values."""
        if not any(found in self.column_enum for found in resolved.values()):
            return

        def enum_of(node) -> str | None:
            found = resolved.get(id(node)) if isinstance(node, exp.Column) else None
            return self.column_enum.get(found) if found else None

        for node in tree.find_all(exp.EQ, exp.NEQ, exp.In):
            if isinstance(node, exp.In):
                enum = enum_of(node.this)
                if enum is not None:
                    for item in node.expressions:
                        self._add_literal(enum, item, piece, base, role)
                continue
            binary = cast(exp.Binary, node)  # an EQ or NEQ
            for side, other in ((binary.left, binary.right), (binary.right, binary.left)):
                enum = enum_of(side)
                if enum is not None:
                    self._add_literal(enum, other, piece, base, role)

    def _sql_fragment(self, table: str, piece: _Piece, a: int, b: int, role: str) -> None:
        """A condition or expression over one table's columns (checks, index conditions)."""
        a, b = _strip(piece.value, a, b)
        sql = piece.value[a:b]
        if not sql:
            return
        columns = self.columns.get(table, {})
        tree = _parse_expression(sql, self.dialect)
        if tree is None:
            for token in _tokens(sql, self.dialect):
                if token.token_type.name in _WORD_TOKENS and token.text in columns:
                    quoted = token.token_type.name == "IDENTIFIER"
                    s, e = a + token.start + quoted, a + token.end + 1 - quoted
                    self._add(Symbol(COLUMN, token.text, table), piece.span(s, e), role, sql=True, quoted=quoted,
                              piece=piece)
            return
        resolved: dict[int, tuple[str, str]] = {}
        for column in tree.find_all(exp.Column):
            if not isinstance(column.this, exp.Identifier):
                continue
            qualifier = column.args.get("table")
            if qualifier is not None:
                if not isinstance(qualifier, exp.Identifier) or qualifier.name != table:
                    continue
                self._add_sql(Symbol(TABLE, table), piece, a, qualifier, role)
            elif column.name not in columns:
                continue
            resolved[id(column)] = (table, column.name)
            self._add_sql(Symbol(COLUMN, column.name, table), piece, a, column.this, role)
        self._enum_literals(tree, resolved, piece, a, role)

    def _query(self, piece: _Piece) -> None:
        resolution = self._resolve_query(piece.value)
        if resolution is None:
            self._query_tokens(piece)
            return
        role = "query"
        for table in resolution.tables:
            node = table.node
            if table.name in self.tables or not node.db:
                self._add_sql(Symbol(TABLE, table.name), piece, 0, node.this, role)
        resolved: dict[int, tuple[str, str]] = {}
        for column in resolution.columns:
            if column.table is None or column.column is None:
                continue  # not a declared table's column, or more than one's
            qualifier, source = column.qualifier, column.source
            if qualifier is not None and source is not None and source.table == qualifier.name == source.alias:
                self._add_sql(Symbol(TABLE, source.table), piece, 0, qualifier, role)  # `users.id`
            if isinstance(column.node, exp.Column):
                resolved[id(column.node)] = (column.table, column.column)
            self._add_sql(Symbol(COLUMN, column.column, column.table), piece, 0, column.ident, role)
        self._enum_literals(resolution.statement, resolved, piece, 0, role)

    def _resolve_query(self, sql: str) -> Resolution | None:
        """What the names of a query denote (None: it is not one statement sqlglot can read)."""
        reading = try_read(sql, self.dialect)
        if reading is None or not isinstance(reading.statement, STATEMENTS):
            return None
        resolution = reading.resolve(self._table_columns)
        return None if resolution.failed else resolution

    def _table_columns(self, name: str) -> tuple[str, ...] | None:
        if name in self.tables:
            return tuple(self.columns.get(name, ()))
        return self.external_columns.get(name)

    def _query_tokens(self, piece: _Piece) -> None:
        """A query sqlglot cannot read (being typed): declared table names, and columns that only
        one of the tables it names has."""
        tokens = [t for t in _tokens(piece.value, self.dialect) if t.token_type.name in _WORD_TOKENS]
        named = {t.text for t in tokens if t.text in self.tables}

        def add(symbol: Symbol, token) -> None:
            quoted = token.token_type.name == "IDENTIFIER"
            s, e = token.start + quoted, token.end + 1 - quoted
            self._add(symbol, piece.span(s, e), "query", sql=True, quoted=quoted, piece=piece)

        for token in tokens:
            if token.text in named:
                add(Symbol(TABLE, token.text), token)
                continue
            owners = [t for t in named if token.text in self.columns.get(t, {})]
            if len(owners) == 1:
                add(Symbol(COLUMN, token.text, owners[0]), token)

    # -- lookups ----------------------------------------------------------------------
    def at(self, offset: int) -> Occurrence | None:
        """The occurrence under `offset` (one just before it when the cursor ends a name)."""
        occurrences = self.occurrences
        i = bisect.bisect_right(self._starts, offset)
        best = None
        # names never nest, so the candidates are the last few that start at or before `offset`
        for o in occurrences[max(0, i - 4):i]:
            if o.start <= offset < o.end:
                return o
            if o.end == offset:
                best = o
        return best

    def declarations(self, symbol: Symbol) -> list[Occurrence]:
        return [o for o in self.by_symbol.get(symbol, ()) if o.declaration]


_CACHE: OrderedDict[tuple[int, bool], tuple[Document, SymbolIndex]] = OrderedDict()
_CACHE_SIZE = 16
# one table's findings, by (its text, the enums, the dialect): offsets relative to the table's text
_PIECES: OrderedDict[tuple, tuple] = OrderedDict()
_PIECES_KEPT = 50_000
_PIECE_PREFIX = "tables:\n"


def symbol_index(document: Document, whole: bool = False) -> SymbolIndex:
    """The document's index (kept for the last few documents asked about).  A file in the usual
    layout is indexed table by table, each table's part kept while its text is unchanged, so a
    request after an edit costs little; `whole` asks for the index over one parse of the whole
    file, whose nodes an edit that inserts text (rename's `was:`) needs."""
    key = (id(document), whole)
    hit = _CACHE.get(key)
    if hit is not None and hit[0] is document:
        _CACHE.move_to_end(key)
        return hit[1]
    dialect = document.schema.source_dialect.sqlglot_name
    external = {name: tuple(t.columns) for name, t in document.schema.external_tables.items()}
    # many small objects that all stay alive: the cyclic collector would rescan them for nothing
    enabled = gc.isenabled()
    gc.disable()
    try:
        index = None if whole else _piecewise_index(document, dialect, external)
        if index is None:
            index = SymbolIndex(document.text, parse_yaml(document.text).root, dialect, external_columns=external)
    finally:
        if enabled:
            gc.enable()
    _CACHE[key] = (document, index)
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return index


def _piecewise_index(document: Document, dialect: str | None,
                     external: dict[str, tuple[str, ...]]) -> SymbolIndex | None:

    root = document.root
    split = split_tables(document.text)
    if split is None or not isinstance(root, Mapping) or isinstance(root.get("tables"), (Mapping, Sequence)):
        return None  # not the usual layout: document.root holds the tables themselves, or nothing
    index = SymbolIndex(document.text, root, dialect, build=False, external_columns=external)
    index.piecewise = True
    index._collect_enums(root.get("enums"))
    index._collect_queries(root.get("queries"))
    enums = tuple((name, tuple(values)) for name, values in index.enum_values.items())
    text = document.text
    for start, end in split.chunks:
        occurrences, columns, column_enum = _table_piece(text[start:end], enums, dialect)
        index.occurrences.extend(Occurrence(o[0], o[1] + start, o[2] + start, *o[3:]) for o in occurrences)
        for table, names in columns.items():
            index.tables[table] = None
            index.columns[table] = dict.fromkeys(names)
        index.column_enum.update(column_enum)
    index._walk_enums(root.get("enums"))
    index._walk_rest(root)
    index.finish()
    return index


def _table_piece(chunk: str, enums: tuple, dialect: str | None) -> tuple:
    key = (chunk, enums, dialect)
    hit = _PIECES.get(key)
    if hit is not None:
        _PIECES.move_to_end(key)
        return hit
    text = _PIECE_PREFIX + chunk
    piece = SymbolIndex(text, parse_yaml(text).root, dialect, build=False)
    piece.enums = dict.fromkeys(name for name, _ in enums)
    piece.enum_values = {name: list(values) for name, values in enums}
    tables = piece.root.get("tables") if isinstance(piece.root, Mapping) else None
    piece._collect_tables(tables)
    piece._walk_tables(tables)
    shift = len(_PIECE_PREFIX)
    occurrences = tuple((o.symbol, o.start - shift, o.end - shift, o.declaration, o.role, o.sql, o.quoted, o.style,
                         o.scalar_start) for o in piece.occurrences)
    result = (occurrences, {t: tuple(cols) for t, cols in piece.columns.items()}, piece.column_enum)
    _PIECES[key] = result
    while len(_PIECES) > _PIECES_KEPT:
        _PIECES.popitem(last=False)
    return result


# ---------------------------------------------------------------------------
# navigation

def symbol_at(document: Document, offset: int) -> Occurrence | None:
    return symbol_index(document).at(offset)


def definition(document: Document, offset: int) -> Occurrence | None:
    """Where the thing named at `offset` is declared (the last of duplicate keys: the one that counts)."""
    index = symbol_index(document)
    found = index.at(offset)
    if found is None:
        return None
    declared = index.declarations(found.symbol)
    return declared[-1] if declared else None


def external_definition(document: Document, offset: int) -> tuple[str, tuple[int, int]] | None:
    """Where a name at `offset` that this file does not declare is declared in an included file:
    (that file's path, the span in its text)."""
    index = symbol_index(document)
    found = index.at(offset)
    schema = document.schema
    if found is None:
        # a column type naming an enum of an included file (this file's index knows only its own enums)
        for table in schema.tables.values():
            for column in table.columns.values():
                start, end = table.at(column.type_span)
                enum = schema.enums.get(column.type.enum_name) if column.type and column.type.enum_name else None
                if start <= offset <= end and enum is not None and enum.origin is not None:
                    return enum.origin, enum.span
        return None
    if index.declarations(found.symbol):
        return None
    symbol = found.symbol
    # (an included table's origin is its file; load_includes sets it)
    if symbol.kind == TABLE:
        external_table = schema.external_tables.get(symbol.name)
        if external_table is None or external_table.origin is None:
            return None
        return external_table.origin, external_table.at(external_table.span)
    if symbol.kind == COLUMN and symbol.container in schema.external_tables:
        external_table = schema.external_tables[symbol.container]
        external_column = external_table.columns.get(symbol.name)
        if external_column is None or external_table.origin is None:
            return None
        return external_table.origin, external_table.at(external_column.span)
    if symbol.kind in (ENUM, ENUM_VALUE):
        enum_name = symbol.name if symbol.kind == ENUM else symbol.container
        enum = schema.enums.get(enum_name) if enum_name is not None else None
        if enum is None or enum.origin is None:
            return None
        if symbol.kind == ENUM:
            return enum.origin, enum.span
        if symbol.name in enum.values:
            return enum.origin, enum.value_spans[enum.values.index(symbol.name)]
    return None


def references(document: Document, offset: int, include_declaration: bool = True) -> list[Occurrence]:
    index = symbol_index(document)
    found = index.at(offset)
    if found is None:
        return []
    return [o for o in index.by_symbol.get(found.symbol, ()) if include_declaration or not o.declaration]


def highlights(document: Document, offset: int) -> list[Occurrence]:
    """Every occurrence in the document of the thing named at `offset` (declarations included)."""
    return references(document, offset, True)


# ---------------------------------------------------------------------------
# rename

def prepare_rename(document: Document, offset: int) -> Span | None:
    """The range of the name at `offset` when it can be renamed (it is declared in this file)."""
    index = symbol_index(document)
    found = index.at(offset)
    if found is None or not index.declarations(found.symbol):
        return None
    return found.span


def _check_new_name(index: SymbolIndex, symbol: Symbol, new_name: str, schema=None) -> None:
    what = {TABLE: "table", COLUMN: "column", ENUM: "enum", ENUM_VALUE: "enum value"}[symbol.kind]
    pattern = _ENUM_VALUE_RE if symbol.kind == ENUM_VALUE else _IDENTIFIER_RE
    if not new_name or not pattern.match(new_name):
        allowed = ("letters, digits, '_', '-' and '.'" if symbol.kind == ENUM_VALUE
                   else "a letter or '_' followed by letters, digits, '_' or '$'")
        raise RenameError(f"'{new_name}' is not a valid {what} name: use {allowed}")
    if new_name in NULL_WORDS:
        raise RenameError(f"'{new_name}' cannot be a {what} name: YAML reads it as null in lists")
    # the resolved schema also knows the tables of included files
    known_tables = getattr(schema, "tables", None) or {}
    if symbol.kind == TABLE and (new_name in index.tables or new_name in known_tables):
        raise RenameError(f"a table named '{new_name}' already exists")
    if symbol.kind == COLUMN and new_name in index.columns.get(symbol.container or "", {}):
        raise RenameError(f"table '{symbol.container}' already has a column named '{new_name}'")
    if symbol.kind == ENUM:
        if new_name in index.enums or new_name in (getattr(schema, "enums", None) or {}):
            raise RenameError(f"an enum named '{new_name}' already exists")
        if new_name.lower() in {t.lower() for t in all_type_names()}:
            raise RenameError(f"'{new_name}' is a built-in type name; an enum of that name would hide it")
        if new_name.lower() in _MODIFIER_STARTS:
            raise RenameError(f"'{new_name}' is a column modifier word and cannot name an enum")
    if symbol.kind == ENUM_VALUE and new_name in index.enum_values.get(symbol.container or "", ()):
        raise RenameError(f"enum '{symbol.container}' already has the value '{new_name}'")


def _replacement(occurrence: Occurrence, new_name: str, dialect) -> str:
    text = new_name
    if occurrence.sql and not occurrence.quoted and occurrence.symbol.kind != ENUM_VALUE and \
            dialect is not None and dialect.is_reserved(new_name) and not occurrence.scalar_start:
        text = dialect.quote(new_name)  # `order` must be quoted in SQL
    if occurrence.style == '"':
        text = text.replace("\\", "\\\\").replace('"', '\\"')
    elif occurrence.style == "'":
        text = text.replace("'", "''")
    return text


def _yaml_plain(name: str) -> str:
    """A name as a YAML value: plain when that reads back as the same string."""
    if _IDENTIFIER_RE.match(name) and name not in NULL_WORDS:
        return name
    return "'" + name.replace("'", "''") + "'"


def _add_key_edit(text: str, mapping: Mapping, line: str) -> TextEdit | None:
    """An edit that adds `line` (a `key: value` entry) as the first entry of a mapping."""
    if not mapping.items:
        return None
    first_key = mapping.items[0][0]
    if mapping.flow:
        if text[mapping.start:mapping.start + 1] != "{":
            return None
        return TextEdit(mapping.start + 1, mapping.start + 1, f"{line}, ")
    start = line_start(text, first_key.start)
    indent = text[start:first_key.start]
    if indent.strip():  # the first key shares its line with something else (`- key: ...`)
        return TextEdit(first_key.start, first_key.start, f"{line}\n{' ' * len(indent)}")
    return TextEdit(start, start, f"{indent}{line}\n")


def _was_edit(index: SymbolIndex, symbol: Symbol) -> TextEdit | None:
    """The edit that records the old name (`was:`) of a renamed table or column, if it has none yet."""
    text = index.text
    if symbol.kind == TABLE:
        entry = index.tables.get(symbol.name)
        node = entry[1] if entry else None
        if not isinstance(node, Mapping) or node.get("was") is not None:
            return None
        return _add_key_edit(text, node, f"was: {_yaml_plain(symbol.name)}")
    if symbol.kind != COLUMN:
        return None
    entry = index.columns.get(symbol.container or "", {}).get(symbol.name)
    node = entry[1] if entry else None
    if isinstance(node, Mapping):
        if node.get("was") is not None:
            return None
        return _add_key_edit(text, node, f"was: {_yaml_plain(symbol.name)}")
    if not isinstance(node, Scalar) or node.is_null or node.style in ("|", ">"):
        return _block_scalar_was(index, node, symbol.name)
    if parse_shorthand(node.value).was is not None:
        return None
    old = symbol.name if _IDENTIFIER_RE.match(symbol.name) else '"' + symbol.name.replace('"', '""') + '"'
    addition = f" was {old}"
    if node.style == '"':
        addition = addition.replace("\\", "\\\\").replace('"', '\\"')
    elif node.style == "'":
        addition = addition.replace("'", "''")
    piece = _Piece(node, text)
    value = piece.value.rstrip()
    if piece.pos is not None and value:
        at = piece.pos[len(value) - 1] + 1
    elif node.style in ("'", '"'):
        at = node.end - 1
    else:
        at = node.end
    return TextEdit(at, at, addition)


def _block_scalar_was(index: SymbolIndex, node: Node | None, old: str) -> TextEdit | None:
    """A shorthand written as a block scalar (`|` or `>`): ` was old` after its last character."""
    if not isinstance(node, Scalar) or node.is_null or parse_shorthand(node.value).was is not None:
        return None
    piece = _Piece(node, index.text)
    value = piece.value.rstrip()
    if piece.pos is None or not value or not _IDENTIFIER_RE.match(old):
        return None
    at = piece.pos[len(value) - 1] + 1
    return TextEdit(at, at, f" was {old}")


def rename(document: Document, offset: int, new_name: str, add_was: bool = True) -> RenameResult:
    """The edits that rename the thing named at `offset` everywhere in the file.  A renamed table or
    column without a `was:` gets one (`add_was`), so the next migration renames instead of dropping."""
    index = symbol_index(document, whole=True)
    found = index.at(offset)
    if found is None:
        raise RenameError("there is no table, column, enum or enum value here to rename")
    symbol = found.symbol
    if not index.declarations(symbol):
        raise RenameError(f"'{symbol.label}' is not declared in this file, so it cannot be renamed here")
    new_name = new_name.strip() if isinstance(new_name, str) else ""
    if new_name == symbol.name:
        return RenameResult([])
    _check_new_name(index, symbol, new_name, document.schema)
    dialect = document.schema.source_dialect
    edits = [TextEdit(o.start, o.end, _replacement(o, new_name, dialect)) for o in index.by_symbol[symbol]]
    if add_was:
        was = _was_edit(index, symbol)
        if was is not None:
            edits.append(was)
    edits.sort(key=lambda e: (e.start, e.end))
    return RenameResult(edits)


def uses_elsewhere(document: Document, symbol: Symbol) -> list[Occurrence]:
    """The places a file that does not declare `symbol` names it (a file including its home)."""
    index = symbol_index(document)
    if index.declarations(symbol):
        return []  # a thing of its own with the same name
    return list(index.by_symbol.get(symbol, ()))


def rename_elsewhere(document: Document, symbol: Symbol, new_name: str) -> list[TextEdit]:
    """The edits a rename in the file that declares `symbol` makes in a file that includes it."""
    dialect = document.schema.source_dialect
    return [TextEdit(o.start, o.end, _replacement(o, new_name, dialect)) for o in uses_elsewhere(document, symbol)]


# ---------------------------------------------------------------------------
# outline

def _trimmed(text: str, start: int, end: int) -> Span:
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end)


def _entry_span(text: str, key: Scalar, value: Node | None) -> Span:
    return _trimmed(text, key.start, max(key.end, value.end if value is not None else key.end))


def _key_span(key: Scalar) -> Span:
    return (key.start, key.end)


def _column_detail(node: Node) -> str | None:
    if isinstance(node, Scalar):
        return node.value.strip() or None
    if isinstance(node, Mapping) and isinstance(type_node := node.get("type"), Scalar):
        return type_node.value.strip() or None
    return None


def document_symbols(document: Document) -> list[SymbolNode]:
    """The outline: tables (columns, indexes), enums (values) and queries, in file order.  Built
    from the model, whose tables are kept while their text is unchanged: cheap on every edit."""
    enabled = gc.isenabled()
    gc.disable()  # tens of thousands of small objects that stay alive: nothing for the collector
    try:
        return _outline(document)
    finally:
        if enabled:
            gc.enable()


def _outline(document: Document) -> list[SymbolNode]:
    text, schema = document.text, document.schema
    out: list[SymbolNode] = []
    for enum in schema.own_enums.values():
        values = [SymbolNode(v, ENUM_VALUE, span, span) for v, span in zip(enum.values, enum.value_spans, strict=False)]
        end = max([enum.span[1]] + [span[1] for span in enum.value_spans])
        out.append(SymbolNode(enum.name, ENUM, _trimmed(text, enum.span[0], end), enum.span, "enum", values))
    for table in schema.tables.values():
        out.append(_table_symbol(text, table))
    for query in schema.queries.values():
        detail = " ".join(query.sql.split())[:80] or None
        end = max(query.span[1], query.sql_node_span[1])
        out.append(SymbolNode(query.name, "query", _trimmed(text, query.span[0], end), query.span, detail))
    out.sort(key=lambda n: n.span)
    return out


def _table_symbol(text: str, table) -> SymbolNode:
    key = table.at(table.span)
    node = SymbolNode(table.name, TABLE, _trimmed(text, key[0], table.at(table.value_span)[1]), key, "table")
    for column in table.columns.values():
        ckey = table.at(column.span)
        value = table.at(column.value_span)
        node.children.append(SymbolNode(column.name, COLUMN, _trimmed(text, ckey[0], max(ckey[1], value[1])), ckey,
                                        _column_text(text, value) or column.type_text or None))
    for index in table.indexes:
        span = _trimmed(text, *table.at(index.span))
        columns = f"({', '.join(c.name + (' desc' if c.descending else '') for c in index.columns)})"
        if index.name:
            node.children.append(SymbolNode(index.name, "index", span, span, columns))
        else:
            node.children.append(SymbolNode(columns, "index", span, span, "index"))
    return node


def _column_text(text: str, span: Span) -> str | None:
    """A shorthand column's text (a long-form column: its type), as the outline's detail."""
    value = text[span[0]:span[1]].strip()
    if not value or value.startswith("{") or "\n" in value:
        return None
    if value[0] in "\"'" and value[-1] == value[0]:
        value = value[1:-1]
    return value or None


def _matches(query: str, name: str) -> bool:
    """Case-insensitive subsequence match, as editors' symbol pickers do."""
    if not query:
        return True
    it = iter(name.lower())
    return all(ch in it for ch in query.lower())


def workspace_symbols(documents: Iterable[tuple[str, Document]], query: str) -> list[WorkspaceSymbol]:
    """Tables, columns, enums and queries of several documents whose name matches `query`."""
    out: list[WorkspaceSymbol] = []
    for uri, document in documents:
        for node in document_symbols(document):
            if _matches(query, node.name):
                out.append(WorkspaceSymbol(node.name, node.kind, uri, node.selection, None, document))
            if node.kind in (TABLE, ENUM):
                for child in node.children:
                    if child.kind != "index" and _matches(query, child.name):
                        out.append(WorkspaceSymbol(child.name, child.kind, uri, child.selection, node.name,
                                                   document))
    return out
