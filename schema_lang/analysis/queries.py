"""Declared queries: checked against the schema, and reduced to what an index can serve —
per table and query block, the columns compared for equality, the range column, the sort
order and the columns read.  Reading the SQL and resolving its names is `sql.queries`'."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import sqlglot
from sqlglot import exp

from ..core.diagnostics import did_you_mean, replace_fix
from ..core.model import Query, Schema, Span, Table
from ..sql.queries import COLUMN, UNKNOWN, UNKNOWN_SOURCE, Block, ColumnRef, Resolution, read


@dataclass(slots=True)
class Access:
    """How a query reaches one table."""

    table: Table
    alias: str
    equality: list[str] = field(default_factory=list)  # = constant, IN (...), IS NULL
    joined: list[str] = field(default_factory=list)  # columns equal to another table's column
    ranges: list[str] = field(default_factory=list)  # <, >, BETWEEN, LIKE 'prefix%'
    order_by: list[tuple[str, bool]] = field(default_factory=list)  # (column, descending)
    columns: set[str] = field(default_factory=set)  # every column the query reads from it
    conjuncts: list[str] = field(default_factory=list)  # predicate texts, for partial indexes
    null_tests: list[str] = field(default_factory=list)  # columns compared with IS NULL
    driving: bool = False
    limit: bool = False  # its query block has a LIMIT (pass it to `wanted`, `index_for`)

    def serves_order(self, limit: bool) -> bool:
        """Whether the wanted index's tail is the sort order (else a range column)."""
        return bool(self.order_by) and (limit or not self.ranges)

    def wanted(self, limit: bool) -> tuple[list[str], list[tuple[str, bool]]]:
        """The index this access wants: equality columns, then a sort order (when there is
        an ORDER BY and a LIMIT, or no range) or the one range column."""
        eq = list(dict.fromkeys(self.equality + ([] if self.driving else self.joined)))
        if self.order_by and (limit or not self.ranges):
            tail = [(c, d) for c, d in self.order_by if c not in eq]
        elif self.ranges:
            tail = ([(next(c for c in self.ranges if c not in eq), False)] if any(c not in eq for c in self.ranges)
                    else [])
        else:
            tail = []
        return eq, tail


@dataclass(slots=True)
class ParsedQuery:
    query: Query
    accesses: list[Access]  # the statement's own query block's first, then its subqueries', CTEs', ...
    limit: bool  # the statement's own query block has a LIMIT (each access knows its block's)
    # (rule, message, document span, fixes)
    problems: list[tuple[str, str, Span, tuple]]


def _span(query: Query, node: exp.Expr) -> Span:
    meta = node.meta if isinstance(node, exp.Identifier) else None
    if isinstance(node, (exp.Column, exp.Table)):
        meta = node.this.meta if isinstance(node.this, exp.Identifier) else None
    if meta and "start" in meta:
        return query.sql_range(meta["start"], meta["end"] + 1)
    return query.sql_node_span


def _conjuncts(condition: exp.Expr | None) -> list[exp.Expr]:
    if condition is None:
        return []
    if isinstance(condition, exp.And):
        return _conjuncts(condition.left) + _conjuncts(condition.right)
    if isinstance(condition, exp.Paren):
        return _conjuncts(condition.this)
    return [condition]


def parse_query(schema: Schema, query: Query) -> ParsedQuery:
    dialect = schema.dialect.sqlglot_name or None
    problems: list[tuple[str, str, Span, tuple]] = []
    try:
        reading = read(query.sql, dialect)
        statements = reading.statements
    except sqlglot.errors.ParseError as exc:
        err = exc.errors[0] if exc.errors else {}
        start = _error_offset(query.sql, err)
        length = max(1, len(err.get("highlight") or ""))
        problems.append(("query/syntax", f"query '{query.name}': {err.get('description') or exc}",
                         query.sql_range(start, min(start + length, len(query.sql))), ()))
        return ParsedQuery(query, [], False, problems)
    except sqlglot.errors.SqlglotError as exc:
        problems.append(("query/syntax", f"query '{query.name}': {exc}", query.sql_node_span, ()))
        return ParsedQuery(query, [], False, problems)
    if len(statements) != 1:
        problems.append(("query/syntax", f"query '{query.name}' must be one SQL statement", query.sql_node_span, ()))
        return ParsedQuery(query, [], False, problems)
    statement = statements[0]
    if not isinstance(statement, (exp.Query, exp.Update, exp.Delete, exp.Insert)):
        problems.append(("query/syntax",
                         f"query '{query.name}': only SELECT, INSERT, UPDATE and DELETE are analysed",
                         query.sql_node_span, ()))
        return ParsedQuery(query, [], False, problems)
    return _Reader(schema, query, reading.resolve(_catalog(schema)), problems).read()


def _catalog(schema: Schema):
    def columns(name: str) -> Sequence[str] | None:
        table = schema.table(name)
        return None if table is None else tuple(table.columns)
    return columns


def _error_offset(sql: str, err: dict) -> int:
    line, col = err.get("line"), err.get("col")
    if not line or col is None:
        return 0
    starts = [0]
    for i, ch in enumerate(sql):
        if ch == "\n":
            starts.append(i + 1)
    base = starts[min(line, len(starts)) - 1]
    return max(0, min(len(sql), base + col - len(err.get("highlight") or " ")))


class _Reader:
    def __init__(self, schema: Schema, query: Query, resolution: Resolution, problems) -> None:
        self.schema = schema
        self.query = query
        self.resolution = resolution
        self.problems = problems
        # by query block, then by alias (or table name)
        self.accesses: dict[int, dict[str, Access]] = {}
        self.block: Block | None = None  # the block being read

    def read(self) -> ParsedQuery:
        resolution = self.resolution
        self._names()
        if resolution.failed:
            return ParsedQuery(self.query, [], False, self.problems)
        for block in resolution.blocks:
            read: dict[str, Access] = {}
            for alias, source in block.sources.items():
                table = self.schema.table(source.table) if source.table is not None and source.read else None
                if table is not None:
                    read[alias] = Access(table, alias, limit=block.limit)
            if read:
                self.accesses[id(block)] = read
        for ref in resolution.columns:
            access = self._access(ref)
            if access is not None:
                access.columns.add(ref.name)
        for block in resolution.blocks:
            if id(block) in self.accesses:
                self._block(block)
        accesses = [a for b in resolution.blocks for a in self.accesses.get(id(b), {}).values()]
        root = resolution.root
        return ParsedQuery(self.query, accesses, root is not None and root.limit, self.problems)

    def _block(self, block: Block) -> None:
        """What one query block asks of the indexes of the tables it reads itself."""
        self.block = block
        expression = block.expression
        conditions = [expression.args.get("where")]
        conditions.extend(join.args.get("on") for join in block.joins)
        for condition in conditions:
            if condition is None:
                continue
            inner = condition.this if isinstance(condition, exp.Where) else condition
            for conjunct in _conjuncts(inner):
                self.predicate(conjunct)
        # the planner starts from a table the block filters by constants: the first such in
        # FROM/JOIN order, else the first table
        accesses = list(self.accesses[id(block)].values())
        driving = next((a for a in accesses if a.equality or a.ranges), accesses[0])
        driving.driving = True
        order = expression.args.get("order")
        if order is not None:
            self.ordering([(o.this, bool(o.args.get("desc"))) for o in order.expressions])
        elif expression.args.get("group"):
            self.ordering([(g, False) for g in expression.args["group"].expressions])

    # -- names ------------------------------------------------------------------------
    def _names(self) -> None:
        """The names no table in reach has: findings with the exact range, and a did-you-mean."""
        for ref in self.resolution.tables:
            if ref.known:
                continue
            name = ref.name
            suggestion = did_you_mean(name, self.schema.tables)
            span = _span(self.query, ref.node)
            self.problems.append(("reference/unknown-table",
                                  f"query '{self.query.name}' reads table '{name}', which is not declared"
                                  + (f"; did you mean '{suggestion}'?" if suggestion else ""),
                                  span, replace_fix(span, suggestion) if suggestion else ()))
        for column in self.resolution.columns:
            if column.kind == UNKNOWN:
                self._unknown_column(column)
            elif column.kind == UNKNOWN_SOURCE and column.qualifier is not None:
                qualifier = column.qualifier.name
                span = _span(self.query, column.qualifier)
                suggestion = did_you_mean(qualifier, column.visible)
                self.problems.append(("reference/unknown-table",
                                      f"query '{self.query.name}' names '{qualifier}.{column.name}', but no table "
                                      f"or alias '{qualifier}' is in reach there"
                                      + (f"; did you mean '{suggestion}'?" if suggestion else ""),
                                      span, replace_fix(span, suggestion) if suggestion else ()))

    def _unknown_column(self, column: ColumnRef) -> None:
        name = column.name
        span = _span(self.query, column.ident)
        own = [s for s in column.searched if column.block.sources.get(s.alias) is s] or list(column.searched)
        names = [c for s in column.searched for c in s.columns or ()]
        if own:
            where = f"which {', '.join(dict.fromkeys(s.label for s in own))} does not have"
        else:
            where = "which is not an output column of the query"
        suggestion = did_you_mean(name, names)
        self.problems.append(("reference/unknown-column",
                              f"query '{self.query.name}' names column '{name}', {where}"
                              + (f"; did you mean '{suggestion}'?" if suggestion else ""),
                              span, replace_fix(span, suggestion) if suggestion else ()))

    # -- index lookups ------------------------------------------------------------------
    def _access(self, ref: ColumnRef) -> Access | None:
        """The access of the table `ref` is a column of, when its block reads that table itself."""
        if ref.kind != COLUMN or ref.source is None or ref.owner is None:
            return None
        return self.accesses.get(id(ref.owner), {}).get(ref.source.alias)

    def _column_access(self, node: exp.Expr) -> tuple[Access, str] | None:
        """(access, column) for a column of a table the current block reads."""
        if not isinstance(node, exp.Column):
            return None
        ref = self.resolution.by_node.get(id(node))
        if ref is None or ref.owner is not self.block:
            return None
        access = self._access(ref)
        return (access, node.name) if access is not None else None

    def _constant(self, node: exp.Expr) -> bool:
        """A value fixed for one execution of the block: literals, parameters, columns of an
        enclosing block (a correlated subquery runs once per outer row), expressions of these."""
        if node.find(exp.Select):
            return False
        for column in node.find_all(exp.Column):
            ref = self.resolution.by_node.get(id(column))
            if ref is None or ref.kind != COLUMN or ref.owner is None or ref.owner is self.block:
                return False
        return True

    def predicate(self, conjunct: exp.Expr) -> None:
        """Notes what one AND-ed condition lets an index do."""
        found = None if conjunct.args.get("negate") else self._indexable(conjunct)  # NOT ...: no seek
        if found is None:
            return  # nothing an index seeks on (OR, functions of columns, NOT ...)
        kind, (access, name) = found
        if kind == "join":
            return
        (access.ranges if kind == "range" else access.equality).append(name)
        if isinstance(conjunct, exp.Is):
            access.null_tests.append(name)
        access.conjuncts.append(conjunct.sql())

    def _indexable(self, conjunct: exp.Expr):
        """("equality" | "range" | "join", (access, column)) for a condition an index can use."""
        if isinstance(conjunct, exp.EQ):
            left, right = self._column_access(conjunct.left), self._column_access(conjunct.right)
            if left and right:
                # a join: each side can be reached by its column once the other is known
                if left[0] is not right[0]:
                    for access, name in (left, right):
                        access.joined.append(name)
                return "join", left
            side = left or right
            other = conjunct.right if left else conjunct.left
            return ("equality", side) if side and self._constant(other) else None
        if isinstance(conjunct, exp.In) and not conjunct.args.get("query"):
            side = self._column_access(conjunct.this)
            return ("equality", side) if side else None
        if isinstance(conjunct, exp.Is):
            side = self._column_access(conjunct.this)
            return ("equality", side) if side else None
        if isinstance(conjunct, (exp.GT, exp.GTE, exp.LT, exp.LTE)):
            left, right = self._column_access(conjunct.left), self._column_access(conjunct.right)
            side = (left if left and self._constant(conjunct.right)
                    else right if right and self._constant(conjunct.left) else None)
            return ("range", side) if side else None
        if isinstance(conjunct, exp.Between):
            side = self._column_access(conjunct.this)
            return ("range", side) if side else None
        if isinstance(conjunct, exp.Like):
            side = self._column_access(conjunct.this)
            pattern = conjunct.expression
            prefix = isinstance(pattern, exp.Literal) and not pattern.this.startswith(("%", "_"))
            return ("range", side) if side and prefix else None
        return None

    def ordering(self, items: list[tuple[exp.Expr, bool]]) -> None:
        resolved = []
        for node, desc in items:
            side = self._column_access(node)
            if side is None:
                return  # an expression or an output alias: no index order to match
            resolved.append((side[0], side[1], desc))
        owners = {id(a) for a, _, _ in resolved}
        if len(owners) == 1 and resolved[0][0].driving:
            resolved[0][0].order_by = [(name, desc) for _, name, desc in resolved]
