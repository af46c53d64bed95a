"""Design lints that depend on the target dialect and on good practice."""
from __future__ import annotations

from functools import partial

from ..core.diagnostics import Reporter
from ..core.loader import table_local
from ..core.model import Schema, Span, Table
from ..core.types import INTEGER_TYPES
from ..generate.ddl import NamedObject, object_names
from ..sql import identifiers


def check(schema: Schema, report: Reporter) -> None:
    for table in schema.tables.values():
        table_local(table, ("design", schema.dialect.name, schema.arrays_as_json, schema.uuid_storage),
                    partial(_check_table, schema, table), report)
    for enum in schema.own_enums.values():
        _check_name(schema, "enum", enum.name, enum.span, report)
    _check_duplicate_names(schema, report)


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
    if identifiers.is_reserved(name, dialect):
        report("design/reserved-word",
               f"{kind} name '{name}' is a reserved word in {dialect.display_name}: every statement must quote it "
               f"({identifiers.quoted(name, dialect)}); a name such as '{_alternative(name, kind)}' avoids that",
               span, table, column)
    if identifiers.too_long(name, dialect):
        report("design/identifier-too-long",
               f"{kind} name '{name}' is {identifiers.length(name, dialect)} {dialect.identifier_limit_unit} long; "
               f"{dialect.display_name} allows {dialect.identifier_limit}",
               span, table, column)


def _alternative(name: str, kind: str) -> str:
    if kind == "table":
        return name + "s" if not name.endswith("s") else name + "_records"
    return name + "_value" if kind == "column" else name + "_" + kind


def _object_names(schema: Schema, table: Table) -> list[tuple[NamedObject, str]]:
    """The names the DDL gives the table's objects with the key the engine compares them by,
    kept while the table's text, the dialects and the tables its foreign keys reach are
    unchanged (a foreign key to nothing is not created)."""
    targets = frozenset(fk.table for fk in table.foreign_keys if schema.table(fk.table) is not None)
    key = ("object names", schema.dialect.name, schema.source_dialect.name, targets)
    names = table.memo.get(key)
    if names is None:
        names = table.memo[key] = [(o, identifiers.catalog_key(o.name, schema.dialect))
                                   for o in object_names(table, schema, schema.dialect)]
    return names


_KIND_LABEL = {"primary key": "primary key constraint", "unique": "unique constraint", "check": "check constraint",
               "foreign key": "foreign key constraint"}


def _check_duplicate_names(schema: Schema, report: Reporter) -> None:
    """Two objects of one namespace that the database would know by the same name: the DDL's
    second CREATE fails.  Names compare as the engine stores them, so two long names that
    PostgreSQL cuts to the same 63 bytes are the same name."""
    dialect = schema.dialect
    if not dialect.name_scopes or schema.incomplete:
        return
    # (the table, None for an enum; the object, its span relative to the table; the engine's key)
    objects: list[tuple[Table | None, NamedObject, str]] = []
    if dialect.native_enums:
        objects += [(None, NamedObject("enum", e.name, e.span, True), identifiers.catalog_key(e.name, dialect))
                    for e in schema.own_enums.values()]
    for own in schema.tables.values():
        objects += [(own, o, k) for o, k in _object_names(schema, own)]
    # kind -> the namespaces it belongs to, as (position in name_scopes, whether per table)
    scopes: dict[str, list[tuple[int, bool]]] = {}
    for position, (scope, kinds) in enumerate(dialect.name_scopes):
        for kind in kinds:
            scopes.setdefault(kind, []).append((position, scope == "table"))
    seen: dict[tuple[int, str, str], int] = {}
    reported: set[tuple[int, int]] = set()
    for i, (table, obj, key) in enumerate(objects):
        for position, per_table in scopes.get(obj.kind, ()):
            owner = table.name if per_table and table is not None else ""
            first = seen.setdefault((position, owner, key), i)
            if first != i and (first, i) not in reported:
                reported.add((first, i))
                _report_duplicate(schema, report, objects[i], objects[first])


def _report_duplicate(schema: Schema, report: Reporter, second: tuple[Table | None, NamedObject, str],
                      first: tuple[Table | None, NamedObject, str]) -> None:
    dialect = schema.dialect
    table, obj, _ = second
    other_table, other, _ = first
    span = table.at(obj.span) if table is not None else obj.span
    other_span = other_table.at(other.span) if other_table is not None else other.span
    label = _KIND_LABEL.get(obj.kind, obj.kind)
    other_label = _KIND_LABEL.get(other.kind, other.kind)
    where = f" of table {other_table.name}" if other_table is not None and other_table is not table \
        and other.kind != "table" else ""
    message = (f"{label} name '{obj.name}'{'' if obj.written else ' (made up by schema-lang)'} is the name of "
               f"{other_label} '{other.name}'{where} too")
    stored = identifiers.stored(obj.name, dialect)
    if stored != obj.name or identifiers.stored(other.name, dialect) != other.name:
        message += (f" once {dialect.display_name} cuts both to {dialect.identifier_limit} "
                    f"{dialect.identifier_limit_unit} ('{stored}')")
    elif obj.name != other.name:
        message += f": {dialect.display_name} does not tell them apart"
    message += f"; {dialect.display_name} refuses the second one"
    if not obj.written and obj.kind in ("index", "foreign key"):
        message += ": give it a name of its own with `name:`"
    else:
        message += ": rename one of them"
    related = ((other_span[0], other_span[1], f"{other_label} '{other.name}'"),)
    report("design/duplicate-name", message, span, table.name if table is not None else None, related=related)
