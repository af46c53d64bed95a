"""Declared queries: parsed with sqlglot, checked against the schema, and reduced to
what an index can serve — per table, the columns compared for equality, the range
column, the sort order and the columns read."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import sqlglot
from sqlglot import exp

from ..loader import did_you_mean, replace_fix
from ..model import Query, Schema, Span, Table


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
    accesses: list[Access]
    limit: bool
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


def _constant(node: exp.Expr) -> bool:
    """A value fixed for one execution: literals, parameters, expressions without columns."""
    return not any(True for _ in node.find_all(exp.Column)) and not node.find(exp.Select)


_NUMBERED_PARAMETER = re.compile(r"\$\d+")


def _portable_parameters(sql: str) -> str:
    """`$1` read by every dialect: replaced by `?` padded to the same length, so offsets hold."""
    return _NUMBERED_PARAMETER.sub(lambda m: "?" + " " * (len(m.group(0)) - 1), sql)


@lru_cache(maxsize=1024)
def _statements(sql: str, dialect: str | None) -> list[exp.Expr]:
    """sqlglot's reading of a query, kept across keystrokes (the trees are only read, never changed)."""
    text = sql if dialect == "postgres" else _portable_parameters(sql)
    return [s for s in sqlglot.parse(text, read=dialect) if s is not None]


def parse_query(schema: Schema, query: Query) -> ParsedQuery:
    dialect = schema.dialect.sqlglot_name or None
    problems: list[tuple[str, str, Span, tuple]] = []
    try:
        statements = _statements(query.sql, dialect)
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
    if not isinstance(statement, (exp.Select, exp.Update, exp.Delete)):
        problems.append(("query/syntax", f"query '{query.name}': only SELECT, UPDATE and DELETE are analysed",
                         query.sql_node_span, ()))
        return ParsedQuery(query, [], False, problems)
    return _Reader(schema, query, statement, problems).read()


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
    def __init__(self, schema: Schema, query: Query, statement: exp.Expr, problems) -> None:
        self.schema = schema
        self.query = query
        self.statement = statement
        self.problems = problems
        self.accesses: dict[str, Access] = {}  # by alias (or table name)

    def read(self) -> ParsedQuery:
        statement = self.statement
        tables = [t for t in statement.find_all(exp.Table) if t.find_ancestor(exp.Select, exp.Update, exp.Delete)
                  is statement or isinstance(statement, (exp.Update, exp.Delete))]
        with_ = statement.args.get("with_") or statement.args.get("with")
        ctes = {cte.alias for cte in with_.expressions} if with_ is not None else set()
        for node in tables:
            name = node.name
            if name in ctes and not node.db:
                continue  # a WITH query's name, not a table
            table = self.schema.table(name)
            if table is None:
                suggestion = did_you_mean(name, self.schema.tables)
                span = _span(self.query, node)
                self.problems.append(("reference/unknown-table",
                                      f"query '{self.query.name}' reads table '{name}', which is not declared"
                                      + (f"; did you mean '{suggestion}'?" if suggestion else ""),
                                      span, replace_fix(span, suggestion) if suggestion else ()))
                continue
            alias = node.alias_or_name
            self.accesses[alias] = Access(table, alias)
        if not self.accesses and not self.problems:
            return ParsedQuery(self.query, [], False, self.problems)
        for column in statement.find_all(exp.Column):
            if column.find_ancestor(exp.Select) not in (statement, None) and isinstance(statement, exp.Select):
                continue  # inside a subquery
            self.resolve(column)
        conditions = [statement.args.get("where")]
        for join in statement.args.get("joins") or []:
            conditions.append(join.args.get("on"))
        for condition in conditions:
            if condition is None:
                continue
            inner = condition.this if isinstance(condition, exp.Where) else condition
            for conjunct in _conjuncts(inner):
                self.predicate(conjunct)
        # the planner starts from a table the query filters by constants: the first such in
        # FROM/JOIN order, else the first table
        accesses = list(self.accesses.values())
        if accesses:
            driving = next((a for a in accesses if a.equality or a.ranges), accesses[0])
            driving.driving = True
        order = statement.args.get("order")
        if order is not None:
            self.ordering([(o.this, bool(o.args.get("desc"))) for o in order.expressions])
        elif statement.args.get("group"):
            self.ordering([(g, False) for g in statement.args["group"].expressions])
        limit = statement.args.get("limit") is not None
        return ParsedQuery(self.query, list(self.accesses.values()), limit, self.problems)

    def resolve(self, column: exp.Column) -> Access | None:
        name = column.name
        qualifier = column.table
        if qualifier:
            access = self.accesses.get(qualifier)
            if access is None:
                return None  # an unknown alias: reported as an unknown table, or a subquery's
            candidates = [access]
        else:
            candidates = [a for a in self.accesses.values() if name in a.table.columns]
            if not candidates:
                if self.accesses and not self._is_output_alias(name):
                    tables = list(self.accesses.values())
                    names = [c for a in tables for c in a.table.columns]
                    self._unknown_column(column, name, ", ".join(a.table.name for a in tables), names)
                return None
        access = candidates[0]
        if name not in access.table.columns:
            self._unknown_column(column, name, access.table.name, list(access.table.columns))
            return None
        access.columns.add(name)
        return access

    def _is_output_alias(self, name: str) -> bool:
        if not isinstance(self.statement, exp.Select):
            return False
        return any(isinstance(e, exp.Alias) and e.alias == name for e in self.statement.expressions)

    def _unknown_column(self, column: exp.Column, name: str, where: str, names: list[str]) -> None:
        span = _span(self.query, column)
        suggestion = did_you_mean(name, names)
        self.problems.append(("reference/unknown-column",
                              f"query '{self.query.name}' names column '{name}', which {where} does not have"
                              + (f"; did you mean '{suggestion}'?" if suggestion else ""),
                              span, replace_fix(span, suggestion) if suggestion else ()))

    def _column_access(self, node: exp.Expr) -> tuple[Access, str] | None:
        if not isinstance(node, exp.Column):
            return None
        access = self.resolve(node)
        return (access, node.name) if access is not None else None

    def predicate(self, conjunct: exp.Expr) -> None:
        """Notes what one AND-ed condition lets an index do."""
        found = None if conjunct.args.get("negate") else self._indexable(conjunct)  # NOT ...: no seek
        if found is None:
            # nothing an index seeks on (OR, functions of columns, NOT ...); its columns are still read
            for column in conjunct.find_all(exp.Column):
                self.resolve(column)
            return
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
            return ("equality", side) if side and _constant(other) else None
        if isinstance(conjunct, exp.In) and not conjunct.args.get("query"):
            side = self._column_access(conjunct.this)
            return ("equality", side) if side else None
        if isinstance(conjunct, exp.Is):
            side = self._column_access(conjunct.this)
            return ("equality", side) if side else None
        if isinstance(conjunct, (exp.GT, exp.GTE, exp.LT, exp.LTE)):
            left, right = self._column_access(conjunct.left), self._column_access(conjunct.right)
            side = left if left and _constant(conjunct.right) else right if right and _constant(conjunct.left) else None
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
