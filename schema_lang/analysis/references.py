"""Names that must resolve: tables, columns, enum values; foreign keys that must hold."""
from __future__ import annotations

from functools import partial

from ..core.diagnostics import Fix, Reporter, did_you_mean, replace_fix
from ..core.loader import table_local
from ..core.model import Column, ForeignKey, Schema, Span, Table
from ..core.types import ColumnType


def check(schema: Schema, report: Reporter) -> None:
    _check_was(list(schema.tables.values()), "table", report, lambda t: (t.at(t.was_span), t.name, None))
    for table in schema.tables.values():
        table_local(table, "columns", partial(_check_table_columns, table), report)
        table_local(table, "was", partial(_check_columns_was, table), report)
        for fk in table.foreign_keys:
            _check_foreign_key(schema, table, fk, report)
        for column in table.columns.values():
            _check_enum_default(schema, table, column, report)


def unknown_column(table: Table, name: str, span: Span, report: Reporter, where: str, *,
                   base: int, owner: tuple[str, str | None] | None = None) -> None:
    """`table` lacks column `name`, named at `span` (relative to `base`) in `owner`
    (table, column), by default in `table` itself."""
    suggestion = did_you_mean(name, table.columns)
    message = f"{where} names column '{name}', which table '{table.name}' does not have"
    if suggestion:
        message += f"; did you mean '{suggestion}'?"
    owner_table, owner_column = owner or (table.name, None)
    report("reference/unknown-column", message, span, owner_table, owner_column,
           replace_fix(span, suggestion) if suggestion else (), base=base)


def _check_was(things: list, kind: str, report: Reporter, where) -> None:
    """`was:` names a thing's previous name, for migrations: it must be a name that is no
    longer in use, claimed by one thing only."""
    names = {t.name for t in things}
    claims: dict[str, list] = {}
    for thing in things:
        if not thing.was or thing.was_span is None:
            continue
        span, table, column = where(thing)
        if thing.was == thing.name:
            report("schema/was-unchanged", f"`was: {thing.was}` names the {kind.split(' ')[0]} itself: a rename needs "
                   "the old name it had before", span, table, column)
        elif thing.was in names:
            report("schema/was-unchanged", f"`was: {thing.was}`: a {kind} named '{thing.was}' still exists, so "
                   f"'{thing.name}' cannot be its new name", span, table, column)
        else:
            claims.setdefault(thing.was, []).append((thing, span, table, column))
    for old, claimants in claims.items():
        if len(claimants) < 2:
            continue
        for thing, span, table, column in claimants:
            others = [c[0].name for c in claimants if c[0] is not thing]
            related = tuple((s[0], s[1], f"'{t.name}' also claims to be '{old}'")
                            for t, s, _, _ in claimants if t is not thing)
            report("schema/was-conflict", f"`was: {old}` is also claimed by {', '.join(others)}: only one "
                   f"{kind.split(' ')[0]} can be the renamed '{old}'", span, table, column, related=related)


def _check_columns_was(table: Table, report: Reporter) -> None:
    """The `was:` of one table's columns; spans relative to the table."""
    _check_was(list(table.columns.values()), f"column of table '{table.name}'", report,
               lambda c: (c.was_span, table.name, c.name))


def _check_table_columns(table: Table, report: Reporter) -> None:
    """Column names used inside one table; spans relative to the table."""
    columns = table.columns
    for name, span in zip(table.primary_key, table.primary_key_spans, strict=False):
        if name not in columns:
            unknown_column(table, name, span, report, "primary_key", base=0)
    for unique in table.uniques:
        if unique.inline:
            continue
        for name, span in zip(unique.columns, unique.column_spans, strict=False):
            if name not in columns:
                unknown_column(table, name, span, report, "a unique constraint", base=0)
    for index in table.indexes:
        for item in index.columns:
            if not item.expression and item.name not in columns:
                unknown_column(table, item.name, item.span, report, "an index", base=0)
        for name, span in index.include:
            if name not in columns:
                unknown_column(table, name, span, report, "an index's include", base=0)
    for dependency in table.dependencies:
        for name, span in dependency.lhs + dependency.rhs:
            if name not in columns:
                unknown_column(table, name, span, report, "a dependency", base=0)
    if table.partition_by is not None:
        for name, span in table.partition_by.columns:
            if name not in columns:
                unknown_column(table, name, span, report, "partition_by", base=0)
    for fk in table.foreign_keys:
        if fk.inline:
            continue
        for name, span in zip(fk.columns, fk.column_spans, strict=False):
            if name not in columns:
                unknown_column(table, name, span, report, "a foreign key", base=0)
    for name, span in table.denormalized_unknown:
        unknown_column(table, name, span, report, "denormalized", base=0)


def _same_type(a: ColumnType, b: ColumnType) -> bool:
    return a == b


def _check_foreign_key(schema: Schema, table: Table, fk: ForeignKey, report: Reporter) -> None:
    column = fk.columns[0] if fk.inline else None
    target = schema.table(fk.table)
    if target is None:
        suggestion = did_you_mean(fk.table, [*schema.tables, *schema.external_tables])
        message = f"references table '{fk.table}', which is not declared"
        if suggestion:
            message += f"; did you mean '{suggestion}'?"
        report("reference/unknown-table", message, fk.table_span, table.name, column,
               replace_fix(fk.table_span, suggestion) if suggestion else (), base=table.base)
        return
    if fk.target_columns is None:
        if not target.primary_key:
            report("reference/target-not-unique",
                   f"references '{target.name}', which has no primary key to point at: name a unique column, "
                   f"as in references {target.name}(column)", fk.table_span, table.name, column, base=table.base)
            return
        target_columns = target.primary_key
        if len(target_columns) != len(fk.columns):
            report("schema/invalid-value",
                   f"the primary key of '{target.name}' has {len(target_columns)} columns "
                   f"({', '.join(target_columns)}) but this foreign key has {len(fk.columns)}",
                   fk.span, table.name, column, base=table.base)
            return
    else:
        target_columns = fk.target_columns
        missing = False
        for name, span in zip(target_columns, fk.target_column_spans, strict=False):
            if name not in target.columns:
                unknown_column(target, name, span, report, "this reference", base=table.base,
                               owner=(table.name, column))
                missing = True
        if missing:
            return
        if not _is_unique_key(target, target_columns):
            report("reference/target-not-unique",
                   f"{target.name}({', '.join(target_columns)}) is neither the primary key nor unique: "
                   "the database will refuse this foreign key", fk.span, table.name, column, base=table.base)
    for local, remote in zip(fk.columns, target_columns, strict=False):
        local_col = table.columns.get(local)
        remote_col = target.columns.get(remote)
        if local_col is None or remote_col is None or local_col.type is None or remote_col.type is None:
            continue
        if not _same_type(local_col.type, remote_col.type):
            fixes: tuple[Fix, ...] = ()
            if local_col.type_span[1] > local_col.type_span[0]:
                fixes = replace_fix(local_col.type_span, str(remote_col.type))
            report("reference/type-mismatch",
                   f"{table.name}.{local} is {local_col.type} but references {target.name}.{remote}, "
                   f"which is {remote_col.type}", local_col.type_span, table.name, local,
                   tuple(type(f)(f"Change type to {remote_col.type}", f.edits, f.preferred) for f in fixes),
                   base=table.base)


def _is_unique_key(table: Table, columns: list[str]) -> bool:
    wanted = set(columns)
    if set(table.primary_key) == wanted:
        return True
    if any(set(u.columns) == wanted for u in table.uniques):
        return True
    return any(index.unique and index.where is None and {c.name for c in index.columns} == wanted
               for index in table.indexes)


def _check_enum_default(schema: Schema, table: Table, column: Column, report: Reporter) -> None:
    ctype = column.type
    if ctype is None or ctype.base != "enum" or not column.default or column.default_span is None:
        return
    default = column.default.strip()
    if not (len(default) >= 2 and default[0] == default[-1] == "'"):
        return
    value = default[1:-1].replace("''", "'")
    values = schema.enums[ctype.enum_name].values if ctype.enum_name else list(ctype.enum_values)
    if value in values:
        return
    suggestion = did_you_mean(value, values)
    message = f"default '{value}' is not a value of {ctype}: " + ", ".join(values)
    fixes: tuple[Fix, ...] = ()
    if suggestion:
        message += f"; did you mean '{suggestion}'?"
        start, end = column.default_span
        if end - start == len(default):
            fixes = replace_fix(column.default_span, "'" + suggestion.replace("'", "''") + "'")
    report("reference/unknown-enum-value", message, column.default_span, table.name, column.name, fixes,
           base=table.base)
