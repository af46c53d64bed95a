"""Indexes: missing for foreign keys and declared queries, redundant, duplicated, too many.

Matching follows the usual B-tree rules: an index serves a lookup when its leading
columns are the columns compared for equality (in any order), followed by at most
one range column, or by the sort order (in order, all directions equal or all
reversed).  Primary keys and unique constraints are indexes too; partial indexes
serve only queries that state their condition.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

from ..core.diagnostics import Reporter, Severity
from ..core.loader import table_local
from ..core.model import Schema, Span, Table
from .queries import ParsedQuery, parse_query


@dataclass(slots=True)
class IndexLike:
    """Anything the database keeps a B-tree (or other access method) for."""

    columns: list[tuple[str, bool]]  # (column, descending); expressions keep their text
    kind: str  # btree, hash, gin, ...
    source: str  # "primary key", "unique" or "index"
    span: Span  # relative to the table
    name: str | None = None
    unique: bool = False
    partial: str | None = None  # the WHERE of a partial index
    include: tuple[str, ...] = ()
    position: int = -1  # index into table.indexes for secondary indexes
    expression: bool = False

    @property
    def names(self) -> list[str]:
        return [c for c, _ in self.columns]

    def label(self) -> str:
        cols = ", ".join(f"{c} desc" if d else c for c, d in self.columns)
        if self.source == "index":
            kind = "unique index" if self.unique else "index"
            return f"{kind} {self.name} ({cols})" if self.name else f"{kind} ({cols})"
        return f"{self.source} ({cols})"


def indexes_of(table: Table) -> list[IndexLike]:
    out: list[IndexLike] = []
    if table.primary_key:
        out.append(IndexLike([(c, False) for c in table.primary_key], "btree", "primary key",
                             table.primary_key_span or (table.primary_key_spans[0] if table.primary_key_spans
                                                        else table.span), unique=True))
    for u in table.uniques:
        out.append(IndexLike([(c, False) for c in u.columns], "btree", "unique", u.span, unique=True))
    for i, ix in enumerate(table.indexes):
        out.append(IndexLike([(c.name, c.descending) for c in ix.columns], ix.using or "btree", "index", ix.span,
                             ix.name, ix.unique, ix.where, tuple(n for n, _ in ix.include), i,
                             any(c.expression for c in ix.columns)))
    return out


def _fmt(columns: list[tuple[str, bool]]) -> str:
    if len(columns) == 1 and not columns[0][1]:
        return columns[0][0]
    return "(" + ", ".join(f"{c} desc" if d else c for c, d in columns) + ")"


def fits(index: IndexLike, eq: list[str], tail: list[tuple[str, bool]], table: Table,
         conjuncts: Sequence[str] = ()) -> bool:
    """Whether `index` serves equality on `eq` followed by `tail` (a range column or a sort order)."""
    if index.partial is not None and not _states(index.partial, conjuncts):
        return False
    if index.expression:
        return False
    names = index.names
    if index.kind == "hash":
        return not tail and set(names) == set(eq)
    if index.kind not in ("btree",):
        return False
    n = len(eq)
    if set(names[:n]) != set(eq) or len(names) < n:
        return False
    if index.unique and set(names) == set(eq):
        return True  # at most one row: no range or order left to serve
    if not tail:
        return True
    rest = index.columns[n:n + len(tail)]
    if [c for c, _ in rest] != [c for c, _ in tail]:
        return False
    if len(tail) == 1:
        return True
    same = all(d == td for (_, d), (_, td) in zip(rest, tail, strict=False))
    flipped = all(d != td for (_, d), (_, td) in zip(rest, tail, strict=False))
    return same or flipped


def _states(condition: str, conjuncts) -> bool:
    wanted = " ".join(condition.lower().split())
    return any(" ".join(c.lower().split()) == wanted for c in conjuncts)


def serving_index(table: Table, eq: list[str], tail: list[tuple[str, bool]], conjuncts=(),
                  null_tests: frozenset[str] = frozenset()) -> IndexLike | None:
    indexes = indexes_of(table)
    exact = next((ix for ix in indexes if fits(ix, eq, tail, table, conjuncts)), None)
    if exact is not None:
        return exact
    # equality on every column of a unique key finds one row, whatever else is asked
    # (IS NULL excepted: NULLs repeat in a unique column)
    return next((ix for ix in indexes if ix.unique and ix.partial is None and not ix.expression
                 and ix.kind == "btree" and set(ix.names) <= set(eq) - null_tests), None)


def index_for(access, limit: bool) -> tuple[list[str], list[tuple[str, bool]], IndexLike | None]:
    """What a query's access to a table wants (equality columns, range or sort tail) and the
    index that serves it (None: none does, or nothing is wanted)."""
    eq, tail = access.wanted(limit)
    if not eq and not tail:
        return eq, tail, None
    return eq, tail, serving_index(access.table, eq, tail, access.conjuncts, frozenset(access.null_tests))


def check(schema: Schema, report: Reporter) -> None:
    context = schema.context
    key = ("indexes", schema.dialect.name, context.write_heavy, context.write_heavy_index_limit)
    for table in schema.tables.values():
        targets = tuple(schema.table(fk.table) is not None for fk in table.foreign_keys)  # findings depend on them
        table_local(table, key + (targets,), partial(_table_findings, schema, table), report)
    for _name, query in schema.queries.items():
        _query_findings(schema, parse_query(schema, query), report)


def _query_problems_to_report(schema: Schema, parsed: ParsedQuery):
    # with part of the file lost to a syntax error, unknown names are likely its casualties
    return [p for p in parsed.problems if not (schema.incomplete and p[0].startswith("reference/"))]


def _table_findings(schema: Schema, table: Table, report: Reporter) -> None:
    dialect = schema.dialect
    indexes = indexes_of(table)
    for fk in table.foreign_keys:
        if schema.table(fk.table) is None or not all(c in table.columns for c in fk.columns):
            continue  # reported as a reference problem
        wanted = set(fk.columns)
        covered = any(ix.partial is None and not ix.expression and ix.kind in ("btree", "hash")
                      and set(ix.names[:len(wanted)]) == wanted and (ix.kind == "btree" or set(ix.names) == wanted)
                      for ix in indexes)
        if covered:
            continue
        cols = ", ".join(fk.columns)
        data = {"table": table.name, "columns": [[c, False] for c in fk.columns]}
        if dialect.indexes_foreign_keys:
            report("index/fk-missing-index",
                   f"{table.name}({cols}) references {fk.table} without an index of its own; "
                   f"{dialect.display_name} (InnoDB) creates one for the foreign key itself, so this is only "
                   f"worth declaring to name or shape it", fk.span, table.name, fk.columns[0] if fk.inline else None,
                   data=data, severity=Severity.INFO)
        else:
            report("index/fk-missing-index",
                   f"{table.name}({cols}) references {fk.table} but no index starts with {cols}: deleting or "
                   f"updating a row of {fk.table} scans {table.name}, and joins from {fk.table} cannot seek; "
                   f"add index {_fmt([(c, False) for c in fk.columns])}",
                   fk.span, table.name, fk.columns[0] if fk.inline else None, data=data)
    secondary = [ix for ix in indexes if ix.source == "index"]
    flagged: set[int] = set()
    for _i, ix in enumerate(secondary):
        for other in indexes:
            if other is ix or (other.source == "index" and other.position > ix.position and
                               other.columns == ix.columns and other.kind == ix.kind):
                continue
            same = (other.columns == ix.columns and other.kind == ix.kind and other.partial == ix.partial
                    and set(other.include) >= set(ix.include) and (other.unique or not ix.unique))
            if same and not (ix.unique and other.source == "index" and not other.unique):
                report("index/duplicate-index",
                       f"{ix.label()} on {table.name} repeats {other.label()}: one of them is pure write cost",
                       ix.span, table.name, data={"table": table.name, "index": ix.position})
                flagged.add(ix.position)
                break
    for ix in secondary:
        if ix.position in flagged or ix.unique or ix.partial is not None or ix.expression or ix.kind != "btree":
            continue
        for other in indexes:
            if other is ix or other.kind != "btree" or other.partial is not None or other.expression:
                continue
            if len(other.columns) > len(ix.columns) and _leads(ix.columns, other.columns):
                report("index/redundant-index",
                       f"{ix.label()} on {table.name} is a leading part of {other.label()}, which serves the same "
                       f"lookups: drop it", ix.span, table.name, data={"table": table.name, "index": ix.position})
                break
    context = schema.context
    if context.write_heavy and len(secondary) > context.write_heavy_index_limit:
        report("index/write-heavy-table",
               f"{table.name} has {len(secondary)} secondary indexes, and writes outnumber reads "
               f"(read_write_ratio {context.reads:g}:{context.writes:g}): every insert and update maintains each "
               f"of them; keep at most {context.write_heavy_index_limit} or raise context.write_heavy_index_limit",
               table.span, table.name)


def _leads(prefix: list[tuple[str, bool]], columns: list[tuple[str, bool]]) -> bool:
    head = columns[:len(prefix)]
    if [c for c, _ in head] != [c for c, _ in prefix]:
        return False
    if len(prefix) == 1:
        return True  # a B-tree is read in either direction
    same = all(a == b for (_, a), (_, b) in zip(prefix, head, strict=False))
    flipped = all(a != b for (_, a), (_, b) in zip(prefix, head, strict=False))
    return same or flipped


def _query_findings(schema: Schema, parsed: ParsedQuery, report: Reporter) -> None:
    query = parsed.query
    for rule, message, span, fixes in _query_problems_to_report(schema, parsed):
        report(rule, message, span, fixes=fixes)
    if parsed.problems or schema.incomplete:
        return
    for access in parsed.accesses:
        eq, tail, served = index_for(access, access.limit)
        if served is not None or (not eq and not tail):
            continue
        columns = [(c, False) for c in eq] + tail
        if not eq and tail and all(d for _, d in tail):
            columns = [(c, False) for c, _ in tail]  # read backwards: no need to declare it descending
        frequency = f" ({query.frequency_text})" if query.frequency_text else ""
        lookup = " and ".join(filter(None, [
            f"equality on {', '.join(eq)}" if eq else "",
            ("order " + ", ".join(f"{c} desc" if d else c for c, d in tail))
            if tail and access.serves_order(access.limit)
            else (f"a range on {tail[0][0]}" if tail else "")]))
        report("index/query-missing-index",
               f"query '{query.name}'{frequency} reads {access.table.name} by {lookup}, and no index fits: "
               f"add index {_fmt(columns)} to {access.table.name}",
               query.sql_node_span, access.table.name,
               data={"table": access.table.name, "columns": [[c, d] for c, d in columns], "query": query.name})
