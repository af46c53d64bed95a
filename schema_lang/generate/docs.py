"""The design document: a Markdown review document derived line by line from the schema file."""
from __future__ import annotations

import datetime as dt
from typing import cast

from ..analysis.indexes import IndexLike, index_for, indexes_of
from ..analysis.normalization import normalization_of
from ..analysis.queries import parse_query
from ..core.model import Column, Schema, Table
from ..dialects import Dialect
from ..sql.identifiers import quote
from . import ddl as ddl_module
from .erd import junctions, mermaid, relationships

# rough bytes per value, to size tables and backups from `rows:`
_WIDTH = {"smallint": 2, "int": 4, "bigint": 8, "real": 4, "double": 8, "boolean": 1, "date": 4, "time": 8,
          "timestamp": 8, "timestamptz": 8, "interval": 16, "uuid": 16, "json": 200, "jsonb": 200, "bytes": 500,
          "text": 200, "enum": 4, "array": 100}
LARGE_ROWS = 10_000_000


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _column_width(column: Column) -> int:
    ctype = column.type
    if ctype is None:
        return 8
    if ctype.base in ("varchar", "char"):
        return (ctype.params[0] if ctype.params else 64) // 2 + 2
    if ctype.base == "decimal":
        return 8 + (ctype.params[0] if ctype.params else 10) // 2
    return _WIDTH.get(ctype.base, 16)


def table_bytes(table: Table) -> int | None:
    if table.rows is None:
        return None
    row = 24 + sum(_column_width(c) for c in table.columns.values())  # 24: per-row header
    indexes = (1 + len(table.uniques) + len(table.indexes)) * table.rows * 24
    return table.rows * row + indexes


def _size(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if n < 1024:
            return f"{n:.0f} {unit}"
        n /= 1024
    return f"{n:.1f} PB"


def _constraints(table: Table, column: Column, dialect: Dialect) -> str:
    parts = []
    if column.name in table.primary_key:
        parts.append("PK")
    if any(u.columns == [column.name] for u in table.uniques):
        parts.append("UNIQUE")
    if column.identity:
        parts.append("identity")
    for fk in table.foreign_keys:
        if column.name in fk.columns:
            target = ", ".join(fk.target_columns or [])
            parts.append(f"FK → {fk.table}" + (f"({target})" if target else "")
                         + (f" on delete {fk.on_delete}" if fk.on_delete else ""))
    if column.check:
        parts.append(f"CHECK ({column.check})")
    return "; ".join(parts)


def _index_reasons(schema: Schema, table: Table) -> list[tuple[IndexLike, list[str]]]:
    out = []
    parsed = [parse_query(schema, q) for q in schema.queries.values()]
    for ix in indexes_of(table):
        reasons = []
        if ix.source == "primary key":
            reasons.append("primary key")
        elif ix.source == "unique" or ix.unique:
            reasons.append("uniqueness")
        for fk in table.foreign_keys:
            if set(ix.names[:len(fk.columns)]) == set(fk.columns):
                reasons.append(f"foreign key to {fk.table}")
        for p in parsed:
            for access in p.accesses:
                if access.table is not table:
                    continue
                _, _, served = index_for(access, access.limit)
                if served is not None and (served.source, served.position, served.columns) == \
                        (ix.source, ix.position, ix.columns):
                    reasons.append(f"query {p.query.name}")
        if ix.partial:
            reasons.append(f"rows where {ix.partial}")
        out.append((ix, reasons))
    return out


def _table_ddl(schema: Schema, table: Table, dialect: Dialect) -> str:
    script = ddl_module.generate(schema, dialect)
    q = quote(table.name, dialect)
    mine = [s for s in script.statements
            if f"TABLE {q} (" in s or f" ON {q} " in s or f" ON {q}(" in s or f"ON TABLE {q} " in s
            or f"ON COLUMN {q}." in s or f"ALTER TABLE {q} " in s or f"PARTITION OF {q} " in s]
    return "".join(s + ";\n" for s in mine)


def design_document(schema: Schema, today: dt.date | None = None, explain_results=None) -> str:
    dialect = schema.dialect
    context = schema.context
    today = today or dt.date.today()
    out: list[str] = []
    w = out.append
    title = schema.name or "schema"
    w(f"# {title}: database design\n")
    w(f"- Date: {today.isoformat()}")
    w(f"- Database: {dialect.display_name} (`dialect: {dialect.name}`)")
    w(f"- Tables: {len(schema.tables)}; enums: {len(schema.enums)}; declared queries: {len(schema.queries)}\n")

    w("## Overview\n")
    if schema.description:
        w(schema.description + "\n")
    rows = [(k, v) for k, v in (
        ("Reads to writes", f"{context.reads:g}:{context.writes:g}" if context.reads is not None else None),
        ("Consistency", context.consistency), ("Compliance", ", ".join(context.compliance) or None),
        ("Retention", ", ".join(f"{t}: {p}" for t, p in context.retention.items()) or None),
        ("Peak queries per second", context.peak_qps), ("Growth", context.growth),
        ("Availability target", context.availability),
        ("Regions", "several" if context.multi_region else None), ("Notes", context.notes)) if v]
    if rows:
        w("| Requirement | Value |\n|---|---|")
        for k, v in rows:
            w(f"| {k} | {_md(str(v))} |")
        w("")
    # a table with `rows:` has a size
    sized = [(t, cast(int, table_bytes(t))) for t in schema.tables.values() if t.rows is not None]
    if sized:
        total = sum(b for _, b in sized)
        w(f"Estimated size from `rows:`: {_size(total)} across {len(sized)} sized tables "
          f"(largest: {', '.join(f'{t.name} {t.rows:,} rows' for t, _ in sorted(sized, key=lambda x: -x[1])[:3])}).\n")

    w("## Database choice\n")
    reasons = [f"The schema targets {dialect.display_name}."]
    if context.consistency == "acid":
        reasons.append("ACID consistency is required: a relational engine with transactions across tables "
                       "fits; foreign keys and checks are enforced by the database, not the application.")
    if context.consistency == "eventual":
        reasons.append("Eventual consistency is accepted: read replicas and asynchronous copies may serve reads.")
    if dialect.name == "postgresql" and any(t.partition_by for t in schema.tables.values()):
        reasons.append("Declarative partitioning is used, which PostgreSQL provides natively.")
    if dialect.name == "postgresql" and context.compliance:
        reasons.append("Compliance (" + ", ".join(context.compliance) + ") asks for access control per role; "
                       "PostgreSQL has row-level security and column privileges.")
    if dialect.name == "sqlite":
        reasons.append("SQLite is an embedded, single-writer engine: suitable for one process or a device, "
                       "not for concurrent writers over a network.")
    if context.reads is not None and context.writes and context.reads / context.writes >= 10:
        reasons.append(f"Reads outnumber writes {context.reads / context.writes:g} to 1: read replicas scale "
                       "reads without sharding.")
    mapped = sorted({f"{c.type} → {dialect.types[c.type.base].sql}" for t in schema.tables.values()
                     for c in t.columns.values() if c.type and dialect.types.get(c.type.base)
                     and dialect.types[c.type.base].note})
    if mapped:
        reasons.append("Types this dialect lacks are mapped: " + "; ".join(mapped) + ".")
    w("\n".join(f"- {r}" for r in reasons) + "\n")

    w("## Entity-relationship diagram\n")
    w("```mermaid\n" + mermaid(schema) + "```\n")
    rels = relationships(schema)
    if rels or junctions(schema):
        w("| Relationship | Cardinality | Through | On delete |\n|---|---|---|---|")
        for r in rels:
            w(f"| {r.parent} → {r.child} | {r.kind}{' (optional)' if r.optional else ''} | "
              f"{r.child}.{', '.join(r.columns)} | {r.on_delete or 'no action'} |")
        for junction, left, right in junctions(schema):
            w(f"| {left} ↔ {right} | many-to-many | {junction} | |")
        w("")

    w("## Tables\n")
    for table in schema.tables.values():
        w(f"### {table.name}\n")
        if table.description:
            w(table.description + "\n")
        if table.rows is not None:
            w(f"Expected rows: {table.rows:,} (about {_size(cast(int, table_bytes(table)))} with indexes).\n")
        w("| Column | Type | Null | Default | Constraints | Description | PII |\n|---|---|---|---|---|---|---|")
        for column in table.columns.values():
            mapped_type = (ddl_module.column_type_sql(column.type, dialect, schema)
                           if column.type is not None else column.type_text)
            w(f"| {column.name} | {_md(mapped_type)} | {'yes' if column.nullable else 'no'} | "
              f"{_md(column.default or '')} | {_md(_constraints(table, column, dialect))} | "
              f"{_md(column.description or '')} | {'yes' if column.pii else ''} |")
        w("")
        w("Indexes:\n")
        for ix, why in _index_reasons(schema, table):
            w(f"- {ix.label()}: {', '.join(why) if why else 'no declared query or key uses it'}")
        w("")
        inbound = [r for r in rels if r.parent == table.name]
        outbound = [r for r in rels if r.child == table.name]
        if inbound or outbound:
            w("Relationships:\n")
            for r in outbound:
                w(f"- references {r.parent} by {', '.join(r.columns)} ({r.kind}); deleting a row of {r.parent}: "
                  f"{r.on_delete or 'refused while rows refer to it (no action)'}")
            for r in inbound:
                w(f"- referenced by {r.child}.{', '.join(r.columns)} ({r.kind})")
            w("")
        w("```sql\n" + _table_ddl(schema, table, dialect) + "```\n")

    w("## Normalization\n")
    w("| Table | Candidate keys | Normal form |\n|---|---|---|")
    for table in schema.tables.values():
        if table.columns:
            data = normalization_of(schema, table)
            keys = " or ".join("(" + ", ".join(k) + ")" for k in data.candidate_keys)
            w(f"| {table.name} | {keys} | {data.normal_form} |")
    w("")
    kept = [(t.name, c.name, c.denormalized) for t in schema.tables.values() for c in t.columns.values()
            if c.denormalized]
    if kept:
        w("Intentional denormalization:\n")
        for table_name, column_name, reason in kept:
            w(f"- {table_name}.{column_name}: {reason}")
        w("")

    if schema.queries:
        w("## Query analysis\n")
        verdicts = {r.query: r for r in explain_results or []}
        w("| Query | Frequency | Served by | Planner |\n|---|---|---|---|")
        for name, query in schema.queries.items():
            parsed = parse_query(schema, query)
            served = []
            for access in parsed.accesses:
                eq, tail, serving_index = index_for(access, access.limit)
                if not eq and not tail:
                    continue
                served.append(f"{access.table.name}: "
                              f"{serving_index.label() if serving_index else 'no index (add one)'}")
            verdict = verdicts.get(name)
            planner = (f"{verdict.engine} uses {verdict.uses_index or 'a sequential scan'}" if verdict else
                       "not run (`schema-lang explain`)")
            w(f"| {name} | {query.frequency_text or ''} | {_md('; '.join(served) or 'no index needed')} | "
              f"{_md(planner)} |")
        w("")

    w("## Migration strategy\n")
    renames = [f"{t.was} → {t.name}" for t in schema.tables.values() if t.was]
    renames += [f"{t.name}.{c.was} → {c.name}" for t in schema.tables.values() for c in t.columns.values() if c.was]
    if renames:
        w("Renames recorded with `was:` (applied as renames, keeping the data): " + ", ".join(renames) + ".\n")
    big = [t for t in schema.tables.values() if t.rows and t.rows >= 1_000_000]
    if big:
        online = "CREATE INDEX CONCURRENTLY" if dialect.name == "postgresql" else "online DDL (ALGORITHM=INPLACE)"
        w(f"Tables expected above a million rows ({', '.join(t.name for t in big)}) take indexes with {online} "
          "and new NOT NULL columns in three steps: add nullable, backfill in batches, then set NOT NULL.\n")
    else:
        w("No table is expected above a million rows: changes can run in ordinary transactions.\n")

    w("## Scaling\n")
    for table in schema.tables.values():
        if table.partition_by:
            cols = ", ".join(c for c, _ in table.partition_by.columns)
            w(f"- {table.name} is partitioned by {table.partition_by.method}({cols}).")
        elif table.rows and table.rows >= LARGE_ROWS:
            times = [c.name for c in table.columns.values() if c.type and c.type.base in ("timestamp", "timestamptz",
                                                                                           "date")]
            if times:
                w(f"- {table.name} ({table.rows:,} rows): partition by range({times[0]}), e.g. monthly, so old "
                  "data is detached instead of deleted.")
            else:
                w(f"- {table.name} ({table.rows:,} rows): no time column to partition by; consider hash "
                  "partitioning on its key.")
    if context.reads is not None and context.writes and context.reads > context.writes:
        w(f"- Reads outnumber writes ({context.reads:g}:{context.writes:g}): serve reads from replicas; keep "
          "writes and read-your-writes queries on the primary.")
    referenced: dict[str, int] = {}
    for r in rels:
        referenced[r.parent] = referenced.get(r.parent, 0) + 1
    if referenced:
        top = max(referenced, key=lambda parent: referenced[parent])
        pk = ", ".join(schema.tables[top].primary_key) or "its key"
        w(f"- Sharding-key candidate: {top}.{pk}, referenced by {referenced[top]} foreign keys; rows of the "
          f"tables that reference {top} would live with it.")
    w("")

    w("## Data integrity\n")
    for table in schema.tables.values():
        rules = []
        for fk in table.foreign_keys:
            rules.append(f"{', '.join(fk.columns)} → {fk.table} (on delete {fk.on_delete or 'no action'})")
        rules += [f"unique ({', '.join(u.columns)})" for u in table.uniques]
        rules += [f"check ({c.check}) on {c.name}" for c in table.columns.values() if c.check]
        rules += [f"check ({text})" for text, _ in table.checks]
        if rules:
            w(f"- {table.name}: " + "; ".join(rules))
    for enum in schema.enums.values():
        w(f"- enum {enum.name}: {', '.join(enum.values)}")
    w("")

    w("## Security\n")
    pii = [f"{t.name}.{c.name}" for t in schema.tables.values() for c in t.columns.values() if c.pii]
    if pii:
        w(f"Personal data (`pii`): {', '.join(pii)}. Encrypt backups and connections; mask these columns in "
          "non-production copies and logs; grant them only to roles that need them.\n")
    else:
        w("No column is marked `pii`.\n")
    for regime in context.compliance:
        if regime == "gdpr":
            w("- GDPR: erasure must reach every table holding personal data above, including backups "
              "within their retention.")
        elif regime in ("pci", "pci-dss"):
            w("- PCI DSS: card numbers must not be stored; keep payment provider references only.")
        elif regime == "hipaa":
            w("- HIPAA: audit reads of health data; encrypt at rest.")
        else:
            w(f"- {regime}: listed in the context.")
    w("- Roles: an owner role runs migrations; the application role reads and writes rows; a read-only role "
      "serves reporting" + (" and replicas." if context.reads and context.writes and context.reads > context.writes
                            else "."))
    w("")

    w("## Backup and monitoring\n")
    backup_total = sum(b for _, b in sized) if sized else None
    if backup_total is not None:
        w(f"- Size to back up: about {_size(backup_total)} (from `rows:`).")
    if context.availability:
        w(f"- Availability target {context.availability}: continuous archiving (point-in-time recovery) and a "
          "standby replica; test a restore regularly.")
    else:
        w("- No availability target given: daily backups with a tested restore are the minimum.")
    for t, period in context.retention.items():
        w(f"- Keep {t} for {period}: backups and archives of it must live at least that long, and no longer.")
    if schema.queries:
        hot = sorted((q for q in schema.queries.values() if q.frequency), key=lambda q: -(q.frequency or 0))[:3]
        if hot:
            w("- Watch the latency of the most frequent queries: "
              + ", ".join(f"{q.name} ({q.frequency_text})" for q in hot) + ".")
    w("- Watch table and index growth against the sizes above, replication lag, and lock waits during "
      "migrations.")
    return "\n".join(out) + "\n"
