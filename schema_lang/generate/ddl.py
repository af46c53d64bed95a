"""CREATE statements for a schema, per dialect.

Differences between dialects come from the dialect's data (type templates,
quoting, reserved words, what it supports); this module only orders and
assembles statements.  Tables are created parents first; a foreign key that
closes a cycle is added by ALTER TABLE once both tables exist (SQLite, which
cannot add constraints later, keeps it inline: it checks foreign keys lazily).
"""
from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import cast

from ..core.model import Column, ForeignKey, Index, Partitioning, Schema, Span, Table
from ..core.types import ColumnType
from ..dialects import Dialect
from ..sql.expressions import check_sql, default_sql, mentioned_columns, one_line, string_literal
from ..sql.identifiers import quote, shorten


def _short(name: str, dialect: Dialect, notes: list[str] | None = None) -> str:
    """A generated name within the dialect's limit (see identifiers.shorten); the shortening
    is noted, never silent.  Names the user wrote are never shortened: those are reported
    by design/identifier-too-long."""
    short = shorten(name, dialect)
    if short != name and notes is not None:
        notes.append(f"generated name {name} is longer than {dialect.display_name} allows "
                     f"({dialect.identifier_limit} {dialect.identifier_limit_unit}): written as {short}")
    return short


def index_name(table: Table, index: Index, dialect: Dialect, notes: list[str] | None = None) -> str:
    if index.name:
        return index.name
    cols = "_".join(re.sub(r"\W+", "_", c.name).strip("_") for c in index.columns)
    return _short(f"idx_{table.name}_{cols}", dialect, notes)


def unique_name(table: Table, columns: list[str], dialect: Dialect, notes: list[str] | None = None) -> str:
    return _short(f"uq_{table.name}_{'_'.join(columns)}", dialect, notes)


def primary_key_name(table: Table, dialect: Dialect, notes: list[str] | None = None) -> str:
    return _short(f"{table.name}_pkey", dialect, notes)


def column_type_sql(ctype: ColumnType, dialect: Dialect, schema: Schema) -> str:
    mapping = dialect.types[ctype.base]
    if ctype.base == "array":
        if dialect.arrays:
            return column_type_sql(cast(ColumnType, ctype.element), dialect, schema) + "[]"  # set for arrays
        return mapping.sql
    if ctype.base == "enum":
        values = ctype.enum_values or tuple(schema.enums[cast(str, ctype.enum_name)].values)
        if dialect.native_enums:
            # a named enum is a type; an inline one is text with a CHECK (see generate)
            return quote(ctype.enum_name, dialect) if ctype.enum_name else "TEXT"
        listed = ", ".join(string_literal(v, dialect) for v in values)
        return mapping.sql.format(values=listed, name=ctype.enum_name or "")
    p = ctype.params
    if ctype.base == "uuid" and schema.uuid_storage == "binary16" and mapping.note:
        return "BINARY(16)"
    if ctype.base == "decimal":
        if "{" not in mapping.sql:
            return mapping.sql
        return mapping.sql.format(p=p[0] if p else 18, s=p[1] if len(p) > 1 else 0)
    if ctype.base in ("char", "varchar"):
        default_length = 1 if ctype.base == "char" else 255
        return mapping.sql.format(n=p[0] if p else default_length) if "{" in mapping.sql else mapping.sql
    if ctype.base in ("time", "timestamp", "timestamptz") and p and dialect.time_precision:
        return re.sub(r"\(\d+\)$", "", mapping.sql) + f"({p[0]})"
    return mapping.sql


# operators a dialect cannot evaluate in a CHECK: the constraint is left out with a note
HASH_PARTITIONS = 4


def _partitions(table: Table, dialect: Dialect) -> list[tuple[str, str]]:
    """Partitions that let the table take rows at once: a default partition for range and
    list partitioning (add ranges as data arrives), four for hash partitioning."""
    q = lambda n: quote(n, dialect)  # noqa: E731
    partitioning = cast(Partitioning, table.partition_by)  # the caller checked the table is partitioned
    if partitioning.method == "hash":
        names = [_short(f"{table.name}_p{i}", dialect) for i in range(HASH_PARTITIONS)]
        return [(name, f"CREATE TABLE {q(name)} PARTITION OF {q(table.name)} "
                       f"FOR VALUES WITH (MODULUS {HASH_PARTITIONS}, REMAINDER {i})") for i, name in enumerate(names)]
    name = _short(f"{table.name}_default", dialect)
    return [(name, f"CREATE TABLE {q(name)} PARTITION OF {q(table.name)} DEFAULT")]


@dataclass(slots=True)
class DDL:
    statements: list[str]
    notes: list[str]

    def script(self) -> str:
        header = "".join(f"-- note: {n}\n" for n in self.notes) + ("\n" if self.notes else "")
        return header + "".join(s.rstrip(";") + ";\n\n" for s in self.statements)


# What the DDL creates, object by object, in the target dialect's SQL.  `generate` writes
# it out as CREATE statements; migrations compare two of them (see generate/migrate.py).

@dataclass(slots=True)
class ColumnDef:
    name: str
    type_sql: str
    nullable: bool
    default: str | None  # SQL; None for identity columns
    identity: bool
    comment: str | None
    source: Column
    rowid_key: bool = False  # SQLite's INTEGER PRIMARY KEY

    def sql(self, dialect: Dialect) -> str:
        q = quote(self.name, dialect)
        if self.rowid_key:
            line = f"{q} INTEGER PRIMARY KEY"
        else:
            parts = [q, self.type_sql]
            if self.identity and dialect.identity_sql:
                parts.append(dialect.identity_sql)
            if not self.nullable:
                parts.append("NOT NULL")
            if self.default is not None:
                parts.append(f"DEFAULT {self.default}")
            line = " ".join(parts)
        if self.comment and dialect.comments == "inline":
            line += f" COMMENT {string_literal(self.comment, dialect)}"
        if self.comment and dialect.comments == "sql":
            line = f"-- {one_line(self.comment)}\n  {line}"
        return line


@dataclass(slots=True)
class ConstraintDef:
    kind: str  # "primary key" | "unique" | "check" | "foreign key"
    name: str
    body: str  # "PRIMARY KEY (a, b)", "CHECK (x > 0)", "FOREIGN KEY (a) REFERENCES t (id) ..."
    columns: tuple[str, ...]  # the columns it constrains (a check's: those it mentions)
    target: str | None = None  # a foreign key's referenced table
    target_columns: tuple[str, ...] = ()
    deferred: bool = False  # a foreign key closing a cycle: added once both tables exist
    # where the file declares it (relative to the table), and whether the file gives its name
    span: Span | None = field(default=None, compare=False)
    written: bool = field(default=False, compare=False)

    def sql(self, dialect: Dialect) -> str:
        return f"CONSTRAINT {quote(self.name, dialect)} {self.body}"


@dataclass(slots=True)
class IndexDef:
    name: str
    sql: str  # the CREATE INDEX statement
    columns: tuple[str, ...]  # the leading plain columns, in order (what a foreign key can use)
    unique: bool = False
    span: Span | None = field(default=None, compare=False)
    written: bool = field(default=False, compare=False)


@dataclass(slots=True)
class TableDef:
    name: str
    columns: dict[str, ColumnDef]
    constraints: list[ConstraintDef]
    indexes: list[IndexDef]
    comment: str | None
    partition_clause: str  # " PARTITION BY RANGE (at)", or ""
    partitions: list[tuple[str, str]]  # (name, CREATE TABLE ... PARTITION OF ...)
    source: Table

    def constraint(self, name: str) -> ConstraintDef | None:
        return next((c for c in self.constraints if c.name == name), None)

    def create_sql(self, dialect: Dialect, name: str | None = None,
                   with_foreign_key=lambda c: not c.deferred) -> str:
        """CREATE TABLE, under `name` when given (SQLite's rebuild creates a copy first)."""
        lines = [c.sql(dialect) for c in self.columns.values()]
        for constraint in self.constraints:
            if constraint.kind == "primary key" and any(c.rowid_key for c in self.columns.values()):
                continue
            if constraint.kind == "foreign key" and not with_foreign_key(constraint):
                continue
            lines.append(constraint.sql(dialect))
        sql = f"CREATE TABLE {quote(name or self.name, dialect)} (\n  " + ",\n  ".join(lines) + "\n)"
        sql += self.partition_clause
        if self.comment and dialect.comments == "inline":
            sql += f" COMMENT={string_literal(self.comment, dialect)}"
        if self.comment and dialect.comments == "sql":
            sql = f"-- {one_line(self.comment)}\n" + sql
        return sql

    def comment_statements(self, dialect: Dialect) -> list[str]:
        if dialect.comments != "statements":
            return []
        q = lambda n: quote(n, dialect)  # noqa: E731
        out = []
        if self.comment:
            out.append(f"COMMENT ON TABLE {q(self.name)} IS {string_literal(self.comment, dialect)}")
        out.extend(f"COMMENT ON COLUMN {q(self.name)}.{q(c.name)} IS {string_literal(c.comment, dialect)}"
                   for c in self.columns.values() if c.comment)
        return out


@dataclass(slots=True)
class Catalog:
    dialect: Dialect
    enums: dict[str, tuple[str, ...]]  # native enum types (PostgreSQL)
    tables: dict[str, TableDef]  # parents before children
    notes: list[str]


def _rowid_key(table: Table, dialect: Dialect) -> str | None:
    """SQLite's rowid alias: a single-column integer primary key is the fast key there,
    and what identity means there."""
    if not dialect.rowid_alias or len(table.primary_key) != 1:
        return None
    column = table.columns.get(table.primary_key[0])
    if column is None or column.type is None or column.type.base not in ("smallint", "int", "bigint"):
        return None
    return column.name


def _check_name(table: Table, columns: tuple[str, ...], taken: set[str], dialect: Dialect) -> str:
    """A check named after the columns it mentions: stable while the expression is."""
    base = f"ck_{table.name}_{'_'.join(columns) if columns else 'row'}"
    name, n = _short(base, dialect), 2
    while name in taken:
        name, n = _short(f"{base}_{n}", dialect), n + 1
    return name


def table_def(table: Table, schema: Schema, dialect: Dialect, notes: list[str], with_checks: bool = True,
              deferred: AbstractSet[int] = frozenset()) -> TableDef:
    q = lambda n: quote(n, dialect)  # noqa: E731
    rowid = _rowid_key(table, dialect)
    columns: dict[str, ColumnDef] = {}
    constraints: list[ConstraintDef] = []
    taken: set[str] = set()
    checks: list[tuple[str, tuple[str, ...], str | None, Span]] = []  # (sql, columns, fixed name, where)
    for column in table.columns.values():
        if column.type is None:
            continue
        identity = column.identity and dialect.identity_sql is not None
        default = None if column.identity else default_sql(column, dialect, schema)
        columns[column.name] = ColumnDef(
            column.name, column_type_sql(column.type, dialect, schema),
            nullable=column.nullable and not column.identity and column.name not in table.primary_key,
            default=default, identity=identity, comment=column.description, source=column,
            rowid_key=column.name == rowid)
        if column.type.base == "enum" and dialect.enum_check and not (column.type.enum_name and dialect.native_enums):
            values = column.type.enum_values or tuple(schema.enums[cast(str, column.type.enum_name)].values)
            listed = ", ".join(string_literal(v, dialect) for v in values)
            checks.append((f"{q(column.name)} IN ({listed})", (column.name,),
                           _short(f"ck_{table.name}_{column.name}_in", dialect), column.type_span))
        if with_checks and column.check:
            check = check_sql(column.check, schema, dialect, f"{table.name}.{column.name}", notes)
            if check:
                checks.append((check, (column.name,), _short(f"ck_{table.name}_{column.name}", dialect),
                               column.check_span or column.span))
    if table.primary_key:
        constraints.append(ConstraintDef("primary key", primary_key_name(table, dialect, notes),
                                         f"PRIMARY KEY ({', '.join(q(c) for c in table.primary_key)})",
                                         tuple(table.primary_key), span=table.primary_key_span or (
                                             table.primary_key_spans[0] if table.primary_key_spans
                                             else table.span)))
    if dialect.unique_constraints:
        for unique in table.uniques:
            constraints.append(ConstraintDef("unique", unique_name(table, unique.columns, dialect, notes),
                                             f"UNIQUE ({', '.join(q(c) for c in unique.columns)})",
                                             tuple(unique.columns), span=unique.span))
    if with_checks:
        for check, check_span in table.checks:
            translated = check_sql(check, schema, dialect, table.name, notes)
            if translated:
                checks.append((translated, mentioned_columns(translated, dialect), None, check_span))
    for sql, cols, name, check_span in checks:
        if name is None or name in taken:
            name = _check_name(table, cols, taken, dialect)
        taken.add(name)
        constraints.append(ConstraintDef("check", name, f"CHECK ({sql})", cols, span=check_span))
    for fk in table.foreign_keys:
        target = schema.table(fk.table)
        if target is None:
            continue
        constraints.append(ConstraintDef(
            "foreign key", fk.name or _short(f"fk_{table.name}_{'_'.join(fk.columns)}", dialect, notes),
            _fk_sql(fk, schema, dialect), tuple(fk.columns), fk.table,
            tuple(fk.target_columns or target.primary_key),
            deferred=id(fk) in deferred and dialect.alter_foreign_keys, span=fk.span, written=fk.name is not None))
    indexes: list[IndexDef] = []
    if not dialect.unique_constraints:
        # named unique indexes, so plans and messages name them as the schema does
        for unique in table.uniques:
            name = unique_name(table, unique.columns, dialect, notes)
            indexes.append(IndexDef(name, f"CREATE UNIQUE INDEX {q(name)} ON {q(table.name)} "
                                          f"({', '.join(q(c) for c in unique.columns)})",
                                    tuple(unique.columns), unique=True, span=unique.span))
    for index in table.indexes:
        index_sql = _index_sql(table, index, dialect, schema, notes)
        if index_sql:
            leading = []
            for c in index.columns:
                if c.expression:
                    break
                leading.append(c.name)
            usable = not index.where and (index.using or "btree") in ("btree", "hash")
            indexes.append(IndexDef(index_name(table, index, dialect), index_sql, tuple(leading) if usable else (),
                                    unique=index.unique, span=index.span, written=index.name is not None))
    clause, partitions = "", []
    if table.partition_by is not None:
        part = table.partition_by
        if dialect.partitioning:
            clause = f" PARTITION BY {part.method.upper()} ({', '.join(q(c) for c, _ in part.columns)})"
            partitions = _partitions(table, dialect)
        else:
            notes.append(f"{table.name} is not partitioned: the DDL for {dialect.display_name} leaves "
                         f"partition_by: {part.method}({', '.join(c for c, _ in part.columns)}) out")
    return TableDef(table.name, columns, constraints, indexes, table.description, clause, partitions, table)


@dataclass(frozen=True, slots=True)
class NamedObject:
    """A name the DDL gives something: a table, partition, key, check, foreign key or index."""

    kind: str  # as in Dialect.name_scopes
    name: str
    span: Span  # where the file declares it, relative to the table
    written: bool  # the file gives the name (else schema-lang makes it up)


def object_names(table: Table, schema: Schema, dialect: Dialect) -> list[NamedObject]:
    """Every name the DDL of `table` uses, as `generate` writes them."""
    tdef = table_def(table, schema, dialect, [])
    out = [NamedObject("table", table.name, table.span, True)]
    if table.partition_by is not None:
        out += [NamedObject("partition", name, table.partition_by.span, False) for name, _ in tdef.partitions]
    out += [NamedObject(c.kind, c.name, c.span or table.span, c.written) for c in tdef.constraints]
    out += [NamedObject("index", i.name, i.span or table.span, i.written) for i in tdef.indexes]
    return out


def catalog(schema: Schema, dialect: Dialect | None = None, with_checks: bool = True) -> Catalog:
    dialect = dialect or schema.dialect
    notes: list[str] = []
    enums = {e.name: tuple(e.values) for e in schema.own_enums.values()} if dialect.native_enums else {}
    order, deferred = _ordered(schema)
    tables = {t.name: table_def(t, schema, dialect, notes, with_checks, deferred) for t in order}
    return Catalog(dialect, enums, tables, notes)


def create_enum_sql(dialect: Dialect, name: str, values: tuple[str, ...]) -> str:
    return f"CREATE TYPE {quote(name, dialect)} AS ENUM ({', '.join(string_literal(v, dialect) for v in values)})"


def _ordered(schema: Schema) -> tuple[list[Table], set[int]]:
    """Tables parents first; returns the order and the ids of foreign keys that close a cycle."""
    order: list[Table] = []
    state: dict[str, int] = {}
    deferred: set[int] = set()

    def visit(table: Table) -> None:
        state[table.name] = 1
        for fk in table.foreign_keys:
            target = schema.tables.get(fk.table)
            if target is None or target is table:
                continue
            if state.get(target.name) == 1:
                deferred.add(id(fk))
            elif target.name not in state:
                visit(target)
        state[table.name] = 2
        order.append(table)

    for table in schema.tables.values():
        if table.name not in state:
            visit(table)
    return order, deferred


def _fk_sql(fk: ForeignKey, schema: Schema, dialect: Dialect) -> str:
    target = cast(Table, schema.table(fk.table))  # the caller checked it exists
    columns = fk.target_columns or target.primary_key
    q = lambda n: quote(n, dialect)  # noqa: E731
    sql = (f"FOREIGN KEY ({', '.join(q(c) for c in fk.columns)}) REFERENCES {q(fk.table)} "
           f"({', '.join(q(c) for c in columns)})")
    if fk.on_delete:
        sql += f" ON DELETE {fk.on_delete.upper()}"
    if fk.on_update:
        sql += f" ON UPDATE {fk.on_update.upper()}"
    return sql


def generate(schema: Schema, dialect: Dialect | None = None, with_checks: bool = True) -> DDL:
    cat = catalog(schema, dialect, with_checks)
    dialect = cat.dialect
    statements = [create_enum_sql(dialect, name, values) for name, values in cat.enums.items()]
    after: list[str] = []
    for table in cat.tables.values():
        statements.append(table.create_sql(dialect))
        statements.extend(sql for _, sql in table.partitions)
        statements.extend(table.comment_statements(dialect))
        statements.extend(index.sql for index in table.indexes)
        after.extend(add_constraint_sql(dialect, table.name, c) for c in table.constraints if c.deferred)
    statements.extend(after)
    return DDL(statements, cat.notes)


def add_constraint_sql(dialect: Dialect, table: str, constraint: ConstraintDef) -> str:
    return f"ALTER TABLE {quote(table, dialect)} ADD {constraint.sql(dialect)}"


def _index_sql(table: Table, index: Index, dialect: Dialect, schema: Schema, notes: list[str]) -> str | None:
    q = lambda n: quote(n, dialect)  # noqa: E731
    name = index_name(table, index, dialect, notes)
    method = index.using or "btree"
    if method not in dialect.index_methods:
        notes.append(f"index {name} on {table.name} left out: {dialect.display_name} has no {method} indexes")
        return None
    if index.where and not dialect.partial_indexes:
        if index.unique:
            notes.append(f"unique index {name} on {table.name} left out: {dialect.display_name} has no partial "
                         f"indexes, and without its WHERE it would forbid rows the schema allows")
            return None
        notes.append(f"index {name} on {table.name} covers every row: {dialect.display_name} has no partial "
                     f"indexes (WHERE {index.where})")
    if index.include and not dialect.include_columns:
        notes.append(f"index {name} on {table.name}: {dialect.display_name} has no INCLUDE; "
                     f"{', '.join(n for n, _ in index.include)} not covered")
    parts = []
    for c in index.columns:
        if c.expression:
            parts.append(f"({c.name})")
            continue
        column = table.columns.get(c.name)
        text = q(c.name)
        if column is not None and column.type is not None and column.type.base in dialect.prefix_indexed_types:
            text += "(191)"
            notes.append(f"index {name} on {table.name} holds the first 191 characters of {c.name}: "
                         f"{dialect.display_name} cannot index a whole {column.type} column")
        parts.append(text + (" DESC" if c.descending else ""))
    kind = "UNIQUE " if index.unique else ("FULLTEXT " if method == "fulltext" else "")
    using = f" USING {method.upper()}" if method not in ("btree", "fulltext") and dialect.name == "postgresql" else ""
    sql = f"CREATE {kind}INDEX {q(name)} ON {q(table.name)}{using} ({', '.join(parts)})"
    if index.include and dialect.include_columns:
        sql += f" INCLUDE ({', '.join(q(n) for n, _ in index.include)})"
    if index.where and dialect.partial_indexes:
        sql += f" WHERE {index.where}"
    return sql
