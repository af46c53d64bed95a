"""Design lints that depend on the target dialect and on good practice."""
from __future__ import annotations

from functools import partial

from ..loader import Reporter, table_local
from ..model import Schema, Span, Table
from ..types import INTEGER_TYPES


def check(schema: Schema, report: Reporter) -> None:
    for table in schema.tables.values():
        table_local(table, ("design", schema.dialect.name, schema.arrays_as_json, schema.uuid_storage),
                    partial(_check_table, schema, table), report)
    for enum in schema.own_enums.values():
        _check_name(schema, "enum", enum.name, enum.span, report)


def _check_table(schema: Schema, table: Table, report: Reporter) -> None:
    """Findings about one table; spans relative to the table."""
    dialect = schema.dialect
    if not table.primary_key and table.columns:  # a table without columns is reported as such
        report("design/missing-primary-key",
               f"table '{table.name}' has no primary key: rows cannot be addressed one by one, "
               "and replication and ORMs depend on one", table.span, table.name)
    _check_name(schema, "table", table.name, table.span, report, table.name)
    for column in table.columns.values():
        _check_name(schema, "column", column.name, column.span, report, table.name, column.name)
        ctype = column.type
        if ctype is None:
            continue
        if column.identity and ctype.base not in INTEGER_TYPES:
            report("schema/invalid-value",
                   f"identity needs an integer column (smallint, int, bigint), not {ctype}",
                   column.identity_span or column.type_span, table.name, column.name)
        mapping = dialect.types.get(ctype.base)
        note = mapping.note if mapping else None
        if ctype.base == "array" and not dialect.arrays and not schema.arrays_as_json:
            report("dialect/unsupported-type",
                   f"{column.name} {ctype}: {dialect.display_name} has no array types; use a child table with one "
                   f"row per value, or set `options: {{arrays_as_json: true}}` to store arrays as JSON",
                   column.type_span, table.name, column.name)
            continue
        if ctype.base == "uuid" and schema.uuid_storage == "binary16" and note:
            note = f"{dialect.display_name} has no uuid type: stored as BINARY(16) (options.uuid_storage)"
        if ctype.base == "array" and not dialect.arrays:
            note = dialect.types["array"].note
        elif ctype.base == "array":
            element = dialect.types.get(ctype.scalar.base)
            note = element.note if element else None
        if note:
            report("dialect/type-mapped", f"{column.name} {ctype}: {note}", column.type_span, table.name,
                   column.name)
    for index in table.indexes:
        if index.name:
            _check_name(schema, "index", index.name, index.span, report, table.name)
    for fk in table.foreign_keys:
        if fk.name:
            _check_name(schema, "constraint", fk.name, fk.span, report, table.name)
    _check_partition_keys(schema, table, report)


def _check_partition_keys(schema: Schema, table: Table, report: Reporter) -> None:
    """PostgreSQL refuses a primary key or unique constraint on a partitioned table
    that does not include every partition column: say so before the DDL runs."""
    part = table.partition_by
    if part is None or not schema.dialect.partitioning:
        return
    wanted = [c for c, _ in part.columns]
    keys = []
    if table.primary_key:
        keys.append(("primary key", table.primary_key, table.primary_key_span or table.primary_key_spans[0]))
    keys += [("unique constraint", u.columns, u.span) for u in table.uniques]
    keys += [("unique index", [c.name for c in ix.columns], ix.span) for ix in table.indexes if ix.unique]
    for kind, columns, span in keys:
        missing = [c for c in wanted if c not in columns]
        if missing:
            report("design/partition-key-not-in-unique",
                   f"the {kind} ({', '.join(columns)}) of {table.name} lacks the partition column"
                   f"{'s' if len(missing) > 1 else ''} {', '.join(missing)}: {schema.dialect.display_name} "
                   f"refuses it on a table partitioned by {part.method}({', '.join(wanted)}); add "
                   f"{', '.join(missing)} to it", span, table.name)


def _check_name(schema: Schema, kind: str, name: str, span: Span, report: Reporter,
                table: str | None = None, column: str | None = None) -> None:
    dialect = schema.dialect
    if dialect.is_reserved(name):
        report("design/reserved-word",
               f"{kind} name '{name}' is a reserved word in {dialect.display_name}: every statement must quote it "
               f"({dialect.quote(name)}); a name such as '{_alternative(name, kind)}' avoids that",
               span, table, column)
    if dialect.identifier_too_long(name):
        report("design/identifier-too-long",
               f"{kind} name '{name}' is {dialect.identifier_length(name)} {dialect.identifier_limit_unit} long; "
               f"{dialect.display_name} allows {dialect.identifier_limit}",
               span, table, column)


def _alternative(name: str, kind: str) -> str:
    if kind == "table":
        return name + "s" if not name.endswith("s") else name + "_records"
    return name + "_value" if kind == "column" else name + "_" + kind
