"""CREATE statements for a schema, per dialect.

Differences between dialects come from the dialect's data (type templates,
quoting, reserved words, what it supports); this module only orders and
assembles statements.  Tables are created parents first; a foreign key that
closes a cycle is added by ALTER TABLE once both tables exist (SQLite, which
cannot add constraints later, keeps it inline: it checks foreign keys lazily).
"""
from __future__ import annotations

import hashlib
import re

import sqlglot
from sqlglot import exp
from dataclasses import dataclass

from ..dialects import Dialect
from ..model import Column, ForeignKey, Index, Schema, Table
from ..types import ColumnType

_PLAIN_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_$]*")


def quote(dialect: Dialect, name: str) -> str:
    """Quotes an identifier exactly when it needs it: reserved, mixed case, spaces, symbols."""
    if _PLAIN_IDENTIFIER.fullmatch(name) and not dialect.is_reserved(name):
        return name
    return dialect.quote(name)


def _short(name: str, dialect: Dialect, notes: list[str] | None = None) -> str:
    """A generated name within the dialect's limit (a hash keeps shortened names apart; the
    shortening is noted, never silent).  Names the user wrote are never shortened: those
    are reported by design/identifier-too-long."""
    limit = dialect.identifier_limit
    if limit is None or len(name.encode()) <= limit:
        return name
    digest = hashlib.sha1(name.encode()).hexdigest()[:8]
    short = name[: limit - 9] + "_" + digest
    if notes is not None:
        notes.append(f"generated name {name} is longer than {dialect.display_name} allows "
                     f"({limit} {dialect.identifier_limit_unit}): written as {short}")
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
            return column_type_sql(ctype.element, dialect, schema) + "[]"
        return mapping.sql
    if ctype.base == "enum":
        values = ctype.enum_values or tuple(schema.enums[ctype.enum_name].values)
        if dialect.native_enums:
            # a named enum is a type; an inline one is text with a CHECK (see generate)
            return quote(dialect, ctype.enum_name) if ctype.enum_name else "TEXT"
        return mapping.sql.format(values=", ".join(_string(v) for v in values), name=ctype.enum_name or "")
    p = ctype.params
    if ctype.base == "uuid" and schema.uuid_storage == "binary16" and mapping.note:
        return "BINARY(16)"
    if ctype.base == "decimal":
        return mapping.sql.format(p=p[0] if p else 18, s=p[1] if len(p) > 1 else 0) if "{" in mapping.sql else mapping.sql
    if ctype.base in ("char", "varchar"):
        default_length = 1 if ctype.base == "char" else 255
        return mapping.sql.format(n=p[0] if p else default_length) if "{" in mapping.sql else mapping.sql
    if ctype.base in ("time", "timestamp", "timestamptz") and p and dialect.name == "postgresql":
        return f"{mapping.sql}({p[0]})"
    return mapping.sql


# operators a dialect cannot evaluate in a CHECK: the constraint is left out with a note
_UNSUPPORTED_IN_CHECKS = {"sqlite": ("RegexpLike",), "mysql": ()}


def _check_sql(check: str, schema: Schema, dialect: Dialect, where: str, notes: list[str]) -> str | None:
    """A CHECK expression written for the file's dialect, in the target dialect's SQL."""
    source = schema.source_dialect.sqlglot_name or None
    if source == dialect.sqlglot_name:
        return check
    try:
        tree = sqlglot.parse_one(check, read=source)
    except sqlglot.errors.SqlglotError:
        notes.append(f"CHECK on {where} left out: it could not be read ({check})")
        return None
    unsupported = _UNSUPPORTED_IN_CHECKS.get(dialect.name, ())
    if any(type(node).__name__ in unsupported for node in tree.walk()):
        notes.append(f"CHECK on {where} left out: {dialect.display_name} cannot evaluate ({check})")
        return None
    if dialect.regexp_operator:
        tree = tree.transform(lambda node: exp.Anonymous(this="__regexp__", expressions=[node.this, node.expression])
                              if isinstance(node, exp.RegexpLike) else node)
        sql = tree.sql(dialect=dialect.sqlglot_name)
        return re.sub(r"__regexp__\((.+?), ('(?:[^']|'')*')\)", r"\1 REGEXP \2", sql, flags=re.I)
    return tree.sql(dialect=dialect.sqlglot_name)


HASH_PARTITIONS = 4


def _partitions_sql(table: Table, dialect: Dialect) -> list[str]:
    """Partitions that let the table take rows at once: a default partition for range and
    list partitioning (add ranges as data arrives), four for hash partitioning."""
    q = lambda n: quote(dialect, n)  # noqa: E731
    if table.partition_by.method == "hash":
        return [f"CREATE TABLE {q(_short(f'{table.name}_p{i}', dialect))} PARTITION OF {q(table.name)} "
                f"FOR VALUES WITH (MODULUS {HASH_PARTITIONS}, REMAINDER {i})" for i in range(HASH_PARTITIONS)]
    return [f"CREATE TABLE {q(_short(f'{table.name}_default', dialect))} PARTITION OF {q(table.name)} DEFAULT"]


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


_NOW = re.compile(r"(?i)now\(\)|current_timestamp(\(\))?|localtimestamp")


def _default_sql(column: Column, dialect: Dialect, schema: Schema) -> str | None:
    """A column default in the target dialect: translated from the file's dialect, the
    current time spelled the target's way, expressions parenthesized where the engine asks."""
    default = column.default
    if default is None:
        return None
    text = default.strip()
    if _NOW.fullmatch(text):
        return dialect.now_default
    source = schema.source_dialect.sqlglot_name
    if source == dialect.sqlglot_name:
        return text
    try:
        tree = sqlglot.parse_one(text, read=source)
    except sqlglot.errors.SqlglotError:
        return text
    if isinstance(tree, exp.Cast) and isinstance(tree.this, exp.Literal):
        tree = tree.this  # '{}'::jsonb: the engine converts the literal itself
    sql = tree.sql(dialect=dialect.sqlglot_name)
    simple = isinstance(tree, (exp.Literal, exp.Boolean, exp.Null)) or (
        isinstance(tree, exp.Neg) and isinstance(tree.this, exp.Literal))
    return sql if simple else f"({sql})"


@dataclass(slots=True)
class DDL:
    statements: list[str]
    notes: list[str]

    def script(self) -> str:
        header = "".join(f"-- note: {n}\n" for n in self.notes) + ("\n" if self.notes else "")
        return header + "".join(s.rstrip(";") + ";\n\n" for s in self.statements)


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
    target = schema.tables[fk.table]
    columns = fk.target_columns or target.primary_key
    q = lambda n: quote(dialect, n)  # noqa: E731
    sql = (f"FOREIGN KEY ({', '.join(q(c) for c in fk.columns)}) REFERENCES {q(fk.table)} "
           f"({', '.join(q(c) for c in columns)})")
    if fk.on_delete:
        sql += f" ON DELETE {fk.on_delete.upper()}"
    if fk.on_update:
        sql += f" ON UPDATE {fk.on_update.upper()}"
    return sql


def generate(schema: Schema, dialect: Dialect | None = None, with_checks: bool = True) -> DDL:
    dialect = dialect or schema.dialect
    q = lambda n: quote(dialect, n)  # noqa: E731
    statements: list[str] = []
    notes: list[str] = []
    if dialect.native_enums:
        for enum in schema.enums.values():
            statements.append(f"CREATE TYPE {q(enum.name)} AS ENUM ({', '.join(_string(v) for v in enum.values)})")
    order, deferred = _ordered(schema)
    after: list[str] = []
    for table in order:
        lines = []
        rowid_pk = (dialect.name == "sqlite" and len(table.primary_key) == 1
                    and table.columns.get(table.primary_key[0]) is not None
                    and table.columns[table.primary_key[0]].type is not None
                    and table.columns[table.primary_key[0]].type.base in ("smallint", "int", "bigint"))
        for column in table.columns.values():
            if column.type is None:
                continue
            if rowid_pk and column.name == table.primary_key[0]:
                # SQLite's rowid: the fast key, and what identity means there
                lines.append(f"{q(column.name)} INTEGER PRIMARY KEY")
                continue
            parts = [q(column.name), column_type_sql(column.type, dialect, schema)]
            if column.identity:
                parts.append({"postgresql": "GENERATED BY DEFAULT AS IDENTITY", "mysql": "AUTO_INCREMENT"}.get(
                    dialect.name, ""))
            if not column.nullable:
                parts.append("NOT NULL")
            default = _default_sql(column, dialect, schema)
            if default is not None and not column.identity:
                parts.append(f"DEFAULT {default}")
            inline_enum = column.type.base == "enum" and not column.type.enum_name and dialect.native_enums
            if inline_enum or (column.type.base == "enum" and not dialect.native_enums and dialect.name == "sqlite"):
                values = column.type.enum_values or tuple(schema.enums[column.type.enum_name].values)
                parts.append(f"CHECK ({q(column.name)} IN ({', '.join(_string(v) for v in values)}))")
            if with_checks and column.check:
                check = _check_sql(column.check, schema, dialect, f"{table.name}.{column.name}", notes)
                if check:
                    parts.append(f"CHECK ({check})")
            if column.description and dialect.comments == "inline":
                parts.append(f"COMMENT {_string(column.description)}")
            line = " ".join(p for p in parts if p)
            if column.description and dialect.comments == "sql":
                line = f"-- {_one_line(column.description)}\n  {line}"
            lines.append(line)
        if table.primary_key and not rowid_pk:
            lines.append(f"CONSTRAINT {q(primary_key_name(table, dialect, notes))} PRIMARY KEY "
                         f"({', '.join(q(c) for c in table.primary_key)})")
        if dialect.name != "sqlite":
            for unique in table.uniques:
                lines.append(f"CONSTRAINT {q(unique_name(table, unique.columns, dialect, notes))} UNIQUE "
                             f"({', '.join(q(c) for c in unique.columns)})")
        if with_checks:
            for check, _ in table.checks:
                translated = _check_sql(check, schema, dialect, table.name, notes)
                if translated:
                    lines.append(f"CHECK ({translated})")
        for fk in table.foreign_keys:
            if fk.table not in schema.tables:
                continue
            if id(fk) in deferred and dialect.name != "sqlite":
                after.append(f"ALTER TABLE {q(table.name)} ADD {_fk_sql(fk, schema, dialect)}")
            else:
                lines.append(_fk_sql(fk, schema, dialect))
        create = f"CREATE TABLE {q(table.name)} (\n  " + ",\n  ".join(lines) + "\n)"
        partitions: list[str] = []
        if table.partition_by is not None:
            part = table.partition_by
            columns = ", ".join(q(c) for c, _ in part.columns)
            if dialect.partitioning:
                create += f" PARTITION BY {part.method.upper()} ({columns})"
                partitions = _partitions_sql(table, dialect)
            else:
                notes.append(f"{table.name} is not partitioned: the DDL for {dialect.display_name} leaves "
                             f"partition_by: {part.method}({', '.join(c for c, _ in part.columns)}) out")
        if table.description and dialect.comments == "inline":
            create += f" COMMENT={_string(table.description)}"
        if table.description and dialect.comments == "sql":
            create = f"-- {_one_line(table.description)}\n" + create
        statements.append(create)
        statements.extend(partitions)
        if dialect.comments == "statements":
            if table.description:
                statements.append(f"COMMENT ON TABLE {q(table.name)} IS {_string(table.description)}")
            for column in table.columns.values():
                if column.description and column.type is not None:
                    statements.append(f"COMMENT ON COLUMN {q(table.name)}.{q(column.name)} IS "
                                      f"{_string(column.description)}")
        if dialect.name == "sqlite":
            # named unique indexes, so plans and messages name them as the schema does
            for unique in table.uniques:
                statements.append(f"CREATE UNIQUE INDEX {q(unique_name(table, unique.columns, dialect, notes))} ON "
                                  f"{q(table.name)} ({', '.join(q(c) for c in unique.columns)})")
        for index in table.indexes:
            sql = _index_sql(table, index, dialect, schema, notes)
            if sql:
                statements.append(sql)
    statements.extend(after)
    return DDL(statements, notes)


def _index_sql(table: Table, index: Index, dialect: Dialect, schema: Schema, notes: list[str]) -> str | None:
    q = lambda n: quote(dialect, n)  # noqa: E731
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
