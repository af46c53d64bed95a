"""Code lenses: a line above each table with what points at it and how it stands.

`2 references · 3NF · 1 query`: the foreign keys of other tables that reference it,
its normal form, and the declared queries whose SQL names it.
"""
from __future__ import annotations

import gc
import logging
from dataclasses import dataclass, field

import sqlglot
from sqlglot import exp

from ..analysis.normalization import normalization_of
from ..core.model import ForeignKey, Query, Schema, Span, Table
from ..sql.queries import read

log = logging.getLogger(__name__)


@dataclass(slots=True, frozen=True)
class Lens:
    span: Span  # the table's key, in document offsets
    title: str
    table: str = ""
    # document spans of the inbound foreign keys' mentions of the table (`references users`)
    references: tuple[Span, ...] = field(default=())


def _plural(count: int, word: str, plural: str) -> str:
    return f"{count} {word if count == 1 else plural}"


def query_tables(schema: Schema, query: Query) -> frozenset[str]:
    """The names of the tables a query's SQL reads or writes (CTE names left out),
    read as the analysis of queries reads them; empty when the SQL does not parse."""
    try:
        statements = read(query.sql, schema.dialect.sqlglot_name or None).statements
    except sqlglot.errors.SqlglotError:
        return frozenset()
    names = set()
    for statement in statements:
        ctes = {cte.alias for cte in statement.find_all(exp.CTE)}
        for node in statement.find_all(exp.Table):
            if node.name and not (node.name in ctes and not node.db):
                names.add(node.name)
    return frozenset(names)


def _inbound(schema: Schema) -> dict[str, list[tuple[Table, ForeignKey]]]:
    """Every table's inbound foreign keys, in one pass over the schema."""
    out: dict[str, list[tuple[Table, ForeignKey]]] = {}
    for other in schema.tables.values():
        for fk in other.foreign_keys:
            if fk.table != other.name:
                out.setdefault(fk.table, []).append((other, fk))
    return out


def table_lenses(document) -> list[Lens]:
    """One lens per table, in the order of the file."""
    enabled = gc.isenabled()
    gc.disable()  # many small objects that stay alive: nothing for the cyclic collector to find
    try:
        return _lenses(document)
    finally:
        if enabled:
            gc.enable()


def _lenses(document) -> list[Lens]:
    schema = document.schema
    tables_by_query = [query_tables(schema, q) for q in schema.queries.values()]
    inbound_by_table = _inbound(schema)
    lenses = []
    for table in sorted(schema.tables.values(), key=lambda t: t.at(t.span)):
        inbound = inbound_by_table.get(table.name, [])
        parts = [_plural(len(inbound), "reference", "references")]
        if table.columns:
            try:
                parts.append(normalization_of(schema, table).normal_form)
            except Exception:  # a lens must not fail the whole request
                log.exception("normal form of %s", table.name)
        queries = sum(1 for names in tables_by_query if table.name in names)
        parts.append(_plural(queries, "query", "queries"))
        spans = tuple(other.at(fk.table_span) for other, fk in inbound)
        lenses.append(Lens(table.at(table.span), " · ".join(parts), table.name, spans))
    return lenses
