"""Migrations between two versions of a schema: the up script, the down script, and the
findings that say what in them is destructive or risky.

Both versions are turned into the catalog their DDL would create (generate/ddl.py) and
the catalogs are compared, so a migrated database ends up like a freshly created one
(on SQLite, constraint names inside CREATE TABLE aside: SQLite never reads them).  Renames come
from `was:` marks: the old version is first renamed in memory (tables, columns, and the generated
names of indexes and constraints that follow them), and that renamed catalog is compared with the
new one.  The down script is the same comparison the other way round, with the renames reversed.

What each engine can do in place (rename a constraint, alter a column, run DDL in a
transaction) is dialect data; SQLite changes that ALTER TABLE cannot make rebuild the
table with the documented procedure, copying the rows.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import cast, overload

import sqlglot
from sqlglot import exp

from ..analysis import analyze
from ..core.diagnostics import Diagnostic, Severity
from ..core.document import Options
from ..core.model import Schema, Span, Table
from ..core.syntax import Mapping
from ..core.types import ColumnType
from ..dialects import Dialect, get_dialect
from ..rules import RULES
from ..sql.expressions import string_literal
from ..sql.identifiers import quote, shorten
from .ddl import (
    ColumnDef,
    ConstraintDef,
    IndexDef,
    TableDef,
    add_constraint_sql,
    catalog,
    create_enum_sql,
    index_name,
)

# findings that lose data: `migrate` refuses them without --allow-destructive
DESTRUCTIVE = frozenset({"migration/drops-table", "migration/drops-column", "migration/narrows-type",
                         "migration/removes-enum-value"})


@dataclass(slots=True)
class Finding:
    rule: str
    message: str
    table: str | None = None
    column: str | None = None
    # where the editor shows it: offsets in the new version's text (None: the thing is gone)
    span: Span | None = None

    @property
    def destructive(self) -> bool:
        return self.rule in DESTRUCTIVE


@dataclass(slots=True)
class Script:
    dialect: Dialect
    title: str
    statements: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def sql(self) -> str:
        lines = [f"-- {self.title} ({self.dialect.display_name})"]
        lines += [f"-- {f.rule}: {f.message}" for f in self.findings if f.rule != "migration/possible-rename"]
        lines += [f"-- note: {n}" for n in self.notes]
        if not self.statements:
            lines.append("-- no changes")
        return "\n".join(lines) + "\n\n" + "".join(s.rstrip(";") + ";\n\n" for s in self.statements)


@dataclass(slots=True)
class Migration:
    up: Script
    down: Script

    @property
    def findings(self) -> list[Finding]:
        return self.up.findings

    @property
    def empty(self) -> bool:
        return not self.up.statements and not self.down.statements

    @property
    def destructive(self) -> list[Finding]:
        return [f for f in self.up.findings if f.destructive]

    @property
    def unsupported(self) -> list[Finding]:
        return [f for f in self.up.findings if f.rule == "migration/unsupported-change"]


class MigrationError(ValueError):
    """One of the versions has errors: no migration is computed from a broken schema."""

    def __init__(self, side: str, diagnostics: list[Diagnostic]) -> None:
        super().__init__(f"the {side} version has {len(diagnostics)} error(s)")
        self.side = side
        self.diagnostics = diagnostics


# -- renames ---------------------------------------------------------------------------------

@dataclass(slots=True)
class Renames:
    tables: dict[str, str] = field(default_factory=dict)  # old name -> new name
    columns: dict[str, dict[str, str]] = field(default_factory=dict)  # new table -> {old column: new column}

    def inverse(self) -> Renames:
        back = {new: old for old, new in self.tables.items()}
        return Renames(back, {back.get(table, table): {n: o for o, n in cols.items()}
                              for table, cols in self.columns.items()})


def renames_between(old: Schema, new: Schema) -> Renames:
    """The renames the new version's `was:` marks ask for.  A mark is only followed when the
    old name exists in the old version and the new name does not (after a migration the
    mark stays in the file harmlessly); marks that cannot be renames are schema errors."""
    renames = Renames()
    for table in new.tables.values():
        was = table.was
        if (was and was != table.name and was in old.tables and table.name not in old.tables
                and was not in new.tables and was not in renames.tables):
            renames.tables[was] = table.name
    back = {n: o for o, n in renames.tables.items()}
    for table in new.tables.values():
        before = old.tables.get(back.get(table.name, table.name))
        if before is None:
            continue
        columns: dict[str, str] = {}
        for column in table.columns.values():
            was = column.was
            if (was and was != column.name and was in before.columns and column.name not in before.columns
                    and was not in table.columns and was not in columns):
                columns[was] = column.name
        if columns:
            renames.columns[table.name] = columns
    return renames


@overload
def _rename_sql(text: str, columns: dict[str, str], dialect: Dialect) -> str: ...
@overload
def _rename_sql(text: str | None, columns: dict[str, str], dialect: Dialect) -> str | None: ...
def _rename_sql(text: str | None, columns: dict[str, str], dialect: Dialect) -> str | None:
    """An SQL expression with renamed columns (a check, an index's WHERE)."""
    if not text or not columns or not any(re.search(rf"\b{re.escape(c)}\b", text) for c in columns):
        return text
    try:
        tree = sqlglot.parse_one(text, read=dialect.sqlglot_name or None)
    except sqlglot.errors.SqlglotError:
        return text

    def rename(node):
        if isinstance(node, exp.Column) and not node.table and node.name in columns:
            return exp.column(columns[node.name], quoted=node.this.quoted)
        return node

    return tree.transform(rename).sql(dialect=dialect.sqlglot_name or None)


def _renamed_schema(schema: Schema, renames: Renames) -> Schema:
    """The old version as it reads once the renames are made."""
    if not renames.tables and not renames.columns:
        return schema
    source = schema.source_dialect
    tables: dict[str, Table] = {}
    for old_name, table in schema.tables.items():
        name = renames.tables.get(old_name, old_name)
        cols = renames.columns.get(name, {})
        rc = lambda c, cols=cols: cols.get(c, c)  # noqa: E731
        fks = []
        for fk in table.foreign_keys:
            target = renames.tables.get(fk.table, fk.table)
            target_cols = renames.columns.get(target, {})
            fks.append(replace(fk, columns=[rc(c) for c in fk.columns], table=target,
                               target_columns=[target_cols.get(c, c) for c in fk.target_columns]
                               if fk.target_columns else fk.target_columns))
        tables[name] = replace(
            table, name=name, memo={},
            columns={rc(n): replace(c, name=rc(n), check=_rename_sql(c.check, cols, source))
                     for n, c in table.columns.items()},
            primary_key=[rc(c) for c in table.primary_key],
            uniques=[replace(u, columns=[rc(c) for c in u.columns]) for u in table.uniques],
            indexes=[replace(i, columns=[replace(c, name=_rename_sql(c.name, cols, source) if c.expression
                                                 else rc(c.name)) for c in i.columns],
                             where=_rename_sql(i.where, cols, source),
                             include=[(rc(n), s) for n, s in i.include]) for i in table.indexes],
            checks=[(_rename_sql(c, cols, source), s) for c, s in table.checks],
            foreign_keys=fks,
            partition_by=replace(table.partition_by, columns=[(rc(n), s) for n, s in table.partition_by.columns])
            if table.partition_by else None)
    return replace(schema, tables=tables)


# -- comparing -------------------------------------------------------------------------------

@lru_cache(maxsize=4096)
def _canonical(sql: str | None, dialect: str) -> str | None:
    """SQL text compared by meaning rather than spelling (spaces, case of key words)."""
    if sql is None:
        return None
    try:
        return sqlglot.parse_one(sql, read=dialect or None).sql(dialect=dialect or None, normalize=False)
    except sqlglot.errors.SqlglotError:
        return " ".join(sql.split())


def _same_sql(a: str | None, b: str | None, dialect: Dialect) -> bool:
    return a == b or _canonical(a, dialect.sqlglot_name) == _canonical(b, dialect.sqlglot_name)


def _constraint_key(c: ConstraintDef, dialect: Dialect) -> tuple:
    if c.kind in dialect.named_constraints:
        return (c.kind, c.name)
    return (c.kind, _canonical(c.body, dialect.sqlglot_name))


_WIDER = {  # base type -> base types it converts to without losing values
    "smallint": {"int", "bigint", "decimal", "real", "double", "text", "varchar"},
    "int": {"bigint", "decimal", "double", "text", "varchar"},
    "bigint": {"decimal", "text", "varchar"},
    "real": {"double", "text"},
    "double": {"text"},
    "decimal": {"text"},
    "boolean": {"text"},
    "char": {"varchar", "text"},
    "varchar": {"text"},
    "date": {"timestamp", "timestamptz", "text"},
    "time": {"text"},
    "timestamp": {"timestamptz", "text"},
    "timestamptz": {"text"},
    "interval": {"text"},
    "uuid": {"text", "varchar"},
    "json": {"jsonb", "text"},
    "jsonb": {"json", "text"},
    "enum": {"text", "varchar"},
}


_DIGITS = {"smallint": 5, "int": 10, "bigint": 19}  # integer digits each integer type can hold


def _length(t: ColumnType) -> int:
    """A char/varchar's length as the DDL writes it (no length: char(1), varchar(255))."""
    return t.params[0] if t.params else (1 if t.base == "char" else 255)


def _decimal(t: ColumnType) -> tuple[int, int]:
    p, s = (list(t.params) + [18, 0])[:2] if t.params else (18, 0)
    return p, s if len(t.params) > 1 else 0


def _narrows(old: ColumnType, new: ColumnType) -> str | None:
    """Why `new` may not hold every value of `old` (None: it holds them all)."""
    if old.base == new.base:
        if old.base in ("char", "varchar") and _length(new) < _length(old):
            return f"{old} -> {new}: values longer than {_length(new)} characters do not fit"
        if old.base == "decimal":
            (op, os_), (np_, ns) = _decimal(old), _decimal(new)
            if ns < os_:
                return f"{old} -> {new}: values are rounded to {ns} decimal places"
            if np_ - ns < op - os_:
                return f"{old} -> {new}: values of {op - os_} integer digits do not fit in {np_ - ns}"
        if old.base == "array" and old.element and new.element:
            return _narrows(old.element, new.element)
        return None
    if new.base in _WIDER.get(old.base, ()):
        if new.base in ("varchar", "char") and new.params:
            return f"{old} -> {new}: values may not fit in {_length(new)} characters"
        if new.base == "decimal" and old.base in _DIGITS:
            p, s = _decimal(new)
            if p - s < _DIGITS[old.base]:
                return (f"{old} -> {new}: {old} values need up to {_DIGITS[old.base]} integer digits, "
                        f"{new} holds {p - s}")
        return None
    return f"{old} -> {new}: {old} values may not convert"


# the engine converts between these by itself and refuses values that do not fit (an
# explicit cast would truncate strings instead): no USING clause for them
_ASSIGNABLE = [{"smallint", "int", "bigint", "decimal", "real", "double"}, {"date", "timestamp", "timestamptz"}]


def _needs_using(old: ColumnType, new: ColumnType) -> bool:
    if new.base in ("char", "varchar", "text"):
        return False
    return not any(old.base in family and new.base in family for family in _ASSIGNABLE)


# PostgreSQL changes a column's type without rewriting the table only in these cases
def _rewrites(old: ColumnType, new: ColumnType) -> bool:
    if old.base == new.base == "varchar":
        return bool(new.params) and (not old.params or new.params[0] < old.params[0])
    if (old.base, new.base) in {("varchar", "text"), ("char", "text")}:
        return False
    if old.base == new.base == "decimal":
        return (new.params[1:] or (0,)) != (old.params[1:] or (0,)) or (
            bool(new.params) and (not old.params or new.params[0] < old.params[0]))
    return True


_BACKFILL = {"smallint": "0", "int": "0", "bigint": "0", "decimal": "0", "real": "0", "double": "0",
             "boolean": "FALSE", "char": "''", "varchar": "''", "text": "''", "date": "'1970-01-01'",
             "time": "'00:00:00'", "timestamp": "'1970-01-01 00:00:00'", "timestamptz": "'1970-01-01 00:00:00'",
             "interval": "'0'", "uuid": "'00000000-0000-0000-0000-000000000000'", "json": "'{}'",
             "jsonb": "'{}'", "bytes": "''", "array": "'{}'"}


def _backfill(column: ColumnDef, schema: Schema, dialect: Dialect) -> str:
    """The value rows that exist get for a new NOT NULL column without a default."""
    ctype = cast(ColumnType, column.source.type)  # a ColumnDef's column has a type (ddl.table_def)
    if ctype.base == "enum":
        values = ctype.enum_values or tuple(schema.enums[cast(str, ctype.enum_name)].values)
        return string_literal(values[0], dialect)
    if ctype.base == "array" and not dialect.arrays:
        return "'[]'"
    if ctype.base == "boolean" and dialect.name == "sqlite":
        return "0"
    return _BACKFILL.get(ctype.base, "''")


_VOLATILE = re.compile(r"(?i)\b(random|gen_random_uuid|uuid_generate_v\d|clock_timestamp|nextval)\s*\(")


# -- planning --------------------------------------------------------------------------------

class _Plan:
    """The statements of one direction, by phase, so that each statement applies."""

    # drops come before renames so that a name can be dropped and then taken by a rename
    PHASES = ("outside", "types", "drop_foreign_keys", "drops", "drop_columns", "drop_tables", "renames",
              "rename_objects", "columns", "constraints", "create_tables", "indexes", "add_foreign_keys",
              "drop_types")

    def __init__(self, old: Schema, new: Schema, renames: Renames, dialect: Dialect, online: bool) -> None:
        self.old, self.new, self.renames, self.dialect, self.online = old, new, renames, dialect, online
        self.phase: dict[str, list[str]] = {p: [] for p in self.PHASES}
        self.findings: list[Finding] = []
        self.mid = _renamed_schema(old, renames)
        self.cat_old = catalog(old, dialect)
        self.cat_mid = catalog(self.mid, dialect) if self.mid is not old else self.cat_old
        self.cat_new = catalog(new, dialect)
        self.locks = dialect.lock_findings

    def q(self, name: str) -> str:
        return quote(name, self.dialect)

    def literal(self, value: str) -> str:
        return string_literal(value, self.dialect)

    def emit(self, phase: str, sql: str) -> None:
        self.phase[phase].append(sql)

    def find(self, rule: str, message: str, table: str | None = None, column: str | None = None,
             span: Span | None = None) -> None:
        self.findings.append(Finding(rule, message, table, column, span))

    def span_of(self, table: str, column: str | None = None, what: str = "key") -> Span | None:
        t = self.new.tables.get(table)
        if t is None:
            return None
        if column is None:
            return t.at(t.span)
        c = t.columns.get(column)
        if c is None:
            return t.at(t.span)
        return t.at({"key": c.span, "type": c.type_span, "value": c.value_span}[what])

    # ----------------------------------------------------------------------------------------
    def run(self) -> Script:
        d = self.dialect
        old_of = {new: old for old, new in self.renames.tables.items()}
        mid, new = self.cat_mid.tables, self.cat_new.tables
        self.recreated_enums = self._enums()
        self._renames(old_of)
        rebuilt: set[str] = set()
        for name, table in new.items():
            if name in mid:
                if d.alter_column == "rebuild" and self._needs_rebuild(mid[name], table):
                    rebuilt.add(name)
                self._table(mid[name], table, name in rebuilt)
        self._create_tables([t for n, t in new.items() if n not in mid])
        for name in reversed(list(mid)):
            if name not in new:
                self._drop_table(mid[name])
        self._hint_renames()
        return self._script(rebuilt)

    def _enums(self) -> set[str]:
        """Native enum types (PostgreSQL): new values added in place, removals by re-creating the type."""
        d, q = self.dialect, self.q
        recreated = set()
        for name, values in self.cat_new.enums.items():
            before = self.cat_mid.enums.get(name)
            enum = self.new.enums[name]
            if before is None:
                self.emit("types", create_enum_sql(d, name, values))
                continue
            if before == values:
                continue
            removed = [v for v in before if v not in values]
            if removed:
                self.find("migration/removes-enum-value",
                          f"enum {name} loses {', '.join(removed)}: rows holding "
                          f"{'it' if len(removed) == 1 else 'them'} make the migration fail; update them first",
                          span=enum.span)
            if not removed and [v for v in values if v in before] == list(before):
                for i, value in enumerate(values):
                    if value in before:
                        continue
                    where = f" AFTER {self.literal(values[i - 1])}" if i else f" BEFORE {self.literal(values[1])}"
                    # outside the transaction: a value added inside one cannot be used until it commits
                    self.emit("outside", f"ALTER TYPE {q(name)} ADD VALUE IF NOT EXISTS {self.literal(value)}{where}")
                continue
            recreated.add(name)
            old_type = name + "__old"
            self.emit("types", f"ALTER TYPE {q(name)} RENAME TO {q(old_type)}")
            self.emit("types", create_enum_sql(d, name, values))
            self.emit("drop_types", f"DROP TYPE {q(old_type)}")
        for name in self.cat_mid.enums:
            if name not in self.cat_new.enums:
                self.emit("drop_types", f"DROP TYPE {q(name)}")
        for name, enum in self.new.enums.items():
            old_enum = self.mid.enums.get(name)
            if old_enum and not d.native_enums:
                removed = [v for v in old_enum.values if v not in enum.values]
                if removed:
                    self.find("migration/removes-enum-value",
                              f"enum {name} loses {', '.join(removed)}: columns of this type refuse rows "
                              f"holding {'it' if len(removed) == 1 else 'them'}", span=enum.span)
        return recreated

    def _renames(self, old_of: dict[str, str]) -> None:
        """Tables and columns renamed as `was:` says.  Indexes and constraints with generated
        names follow in _objects, once it is known which of them stay."""
        q = self.q
        self.old_table = old_of
        for old, new in self.renames.tables.items():
            self.emit("renames", f"ALTER TABLE {q(old)} RENAME TO {q(new)}")
        for table, columns in self.renames.columns.items():
            for old, new in columns.items():
                self.emit("renames", f"ALTER TABLE {q(table)} RENAME COLUMN {q(old)} TO {q(new)}")
        # the engine's names of objects, by (table, kind, their name in the renamed old version)
        self.original: dict[tuple[str, str, str], str] = {}
        for old_name, before in self.cat_old.tables.items():
            name = self.renames.tables.get(old_name, old_name)
            after = self.cat_mid.tables[name]
            for old_constraint, new_constraint in zip(before.constraints, after.constraints, strict=False):
                self.original[(name, "constraint", new_constraint.name)] = old_constraint.name
            for old_index, new_index in zip(before.indexes, after.indexes, strict=False):
                self.original[(name, "index", new_index.name)] = old_index.name
            for (old_partition, _), (new_partition, _) in zip(before.partitions, after.partitions, strict=False):
                if old_partition != new_partition:
                    self.emit("renames", f"ALTER TABLE {q(old_partition)} RENAME TO {q(new_partition)}")

    # -- one kept table ---------------------------------------------------------------------
    def _needs_rebuild(self, before: TableDef, after: TableDef) -> bool:
        """SQLite: whether ALTER TABLE can make the change, or the table is copied."""
        d = self.dialect
        if {_constraint_key(c, d) for c in before.constraints} != {_constraint_key(c, d) for c in after.constraints}:
            return True
        for name, column in after.columns.items():
            old = before.columns.get(name)
            if old is None:
                default = column.default
                simple = (not column.rowid_key and (column.nullable or default is not None)
                          and (default is None or not (default.startswith("(") or default.upper().startswith(
                              "CURRENT_"))))
                if not simple:
                    return True
            elif (old.type_sql, old.nullable, old.identity, old.rowid_key) != (
                    column.type_sql, column.nullable, column.identity, column.rowid_key) or not _same_sql(
                    old.default, column.default, d):
                return True
        return False

    def _table(self, before: TableDef, after: TableDef, rebuild: bool) -> None:
        d, q, name = self.dialect, self.q, after.name
        t = q(name)
        retyped = {c for c, col in after.columns.items()
                   if c in before.columns and (before.columns[c].type_sql != col.type_sql
                                               or cast(ColumnType, col.source.type).enum_name in self.recreated_enums)}
        if before.partition_clause != after.partition_clause:
            self.find("migration/unsupported-change",
                      f"{name}: partitioning changes from '{before.partition_clause.strip() or 'none'}' to "
                      f"'{after.partition_clause.strip() or 'none'}'; create a new table and move the rows by hand",
                      name, span=self.span_of(name))
        # columns dropped and added, findings first (they hold for every dialect)
        for cname in before.columns:
            if cname not in after.columns:
                self.find("migration/drops-column", f"{name}.{cname} is dropped with its values", name, cname,
                          span=self.span_of(name))
        for cname, column in after.columns.items():
            old = before.columns.get(cname)
            if old is None:
                if not column.nullable and column.default is None and not column.identity:
                    self.find("migration/adds-not-null-without-default",
                              f"{name}.{cname} is NOT NULL without a default: rows that exist get "
                              f"{_backfill(column, self.new, d)}; give it a default, or fill it in a separate step",
                              name, cname, span=self.span_of(name, cname))
                elif self.locks and column.default and _VOLATILE.search(column.default):
                    self.find("migration/locks-table",
                              f"adding {name}.{cname} with the volatile default {column.default} rewrites "
                              f"{name} under an ACCESS EXCLUSIVE lock; add it without a default, backfill in "
                              "batches, then set the default", name, cname, span=self.span_of(name, cname))
                continue
            if old.source.type is not None and column.source.type is not None and old.type_sql != column.type_sql:
                why = _narrows(old.source.type, column.source.type)
                if why:
                    self.find("migration/narrows-type", f"{name}.{cname}: {why}", name, cname,
                              span=self.span_of(name, cname, "type"))
                if self.locks and _rewrites(old.source.type, column.source.type):
                    self.find("migration/locks-table",
                              f"changing {name}.{cname} from {old.source.type} to {column.source.type} rewrites "
                              f"{name} under an ACCESS EXCLUSIVE lock; on a large table add a new column, "
                              "backfill it in batches and switch over", name, cname,
                              span=self.span_of(name, cname, "type"))
            if self.locks and cname in retyped and old.type_sql == column.type_sql:
                self.find("migration/locks-table",
                          f"{name}.{cname} moves to the re-created enum {column.type_sql}, which rewrites {name} "
                          "under an ACCESS EXCLUSIVE lock", name, cname, span=self.span_of(name, cname, "type"))
            inline_old, inline_new = old.source.type, column.source.type
            if (inline_old and inline_new and inline_old.base == inline_new.base == "enum"
                    and not inline_old.enum_name and not inline_new.enum_name):
                removed = [v for v in inline_old.enum_values if v not in inline_new.enum_values]
                if removed:
                    self.find("migration/removes-enum-value",
                              f"{name}.{cname} no longer allows {', '.join(removed)}: rows holding "
                              f"{'it' if len(removed) == 1 else 'them'} make the migration fail",
                              name, cname, span=self.span_of(name, cname, "type"))
        if rebuild:
            self._rebuild(before, after)
            return
        self._objects(before, after, retyped)
        self._columns(before, after, retyped)
        if after.comment != before.comment:
            if d.comments == "statements":
                comment = self.literal(after.comment) if after.comment else "NULL"
                self.emit("columns", f"COMMENT ON TABLE {t} IS {comment}")
            elif d.comments == "inline":
                self.emit("columns", f"ALTER TABLE {t} COMMENT = {self.literal(after.comment or '')}")

    def _objects(self, before: TableDef, after: TableDef, retyped: set[str]) -> None:
        """Constraints and indexes of a table that stays: kept (renamed when their generated name
        changes), dropped or added.
        Drops run before the renames, so they use the names the engine has at the start."""
        d, q, name = self.dialect, self.q, after.name
        old_table = q(self.old_table.get(name, name))
        old_keys = {_constraint_key(c, d): c for c in before.constraints}
        new_keys = {_constraint_key(c, d): c for c in after.constraints}
        dropped_indexes = {i.name for i in before.indexes} - {i.name for i in after.indexes}
        readd = set()
        for key, old in old_keys.items():
            new = new_keys.get(key)
            original = self.original.get((name, "constraint", old.name), old.name)
            keep = new is not None and (old.kind not in d.named_constraints or _same_sql(old.body, new.body, d))
            if keep and old.kind == "check" and set(old.columns) & retyped and d.alter_column == "alter":
                # the engine keeps a check through a type change by casting inside it: write it afresh
                keep = False
            if keep and old.kind == "foreign key":
                # a foreign key on a column changing type, or relying on an index that goes (InnoDB)
                touched = bool(set(old.columns) & retyped) or self._target_retyped(old)
                needs_index = d.indexes_foreign_keys and any(
                    i.columns[:len(old.columns)] == old.columns for i in before.indexes if i.name in dropped_indexes)
                keep = not (touched or needs_index)
            if keep and new is not None:  # (keep implies new)
                if old.kind not in d.named_constraints or original == new.name:
                    continue
                template = d.rename_constraint.get(old.kind)
                if template:
                    self.emit("rename_objects", template.format(table=q(name), old=q(original), new=q(new.name)))
                    continue
            template = d.drop_constraint.get(old.kind)
            if template is not None:  # (SQLite rebuilds the table instead: see _needs_rebuild)
                phase = "drop_foreign_keys" if old.kind == "foreign key" else "drops"
                self.emit(phase, template.format(table=old_table, name=q(original)))
                if old.kind == "foreign key" and d.indexes_foreign_keys and not self._has_index(before, old):
                    # InnoDB made an index for the foreign key; it would stay behind
                    self.emit(phase, d.drop_index.format(table=old_table, name=q(original)))
            if new is not None:
                readd.add(key)
        for key, new in new_keys.items():
            if key in old_keys and key not in readd:
                continue
            if new.kind == "foreign key":
                self._add_foreign_key(name, new)
            else:
                self._add_constraint(name, new)
        old_indexes = {i.name: i for i in before.indexes}
        for index in after.indexes:
            old_index = old_indexes.pop(index.name, None)
            if old_index is not None:
                original = self.original.get((name, "index", old_index.name), old_index.name)
                if _same_sql(old_index.sql, index.sql, d):
                    if original == index.name:
                        continue
                    if d.rename_index:
                        self.emit("rename_objects", d.rename_index.format(table=q(name), old=q(original),
                                                                          new=q(index.name)))
                        continue
                self._drop_index(old_table, original, bool(before.partition_clause))
            self._create_index(name, index)
        for old_index in old_indexes.values():
            self._drop_index(old_table, self.original.get((name, "index", old_index.name), old_index.name),
                             bool(before.partition_clause))

    def _target_retyped(self, fk: ConstraintDef) -> bool:
        if fk.target not in self.cat_mid.tables or fk.target not in self.cat_new.tables:
            return False
        before, after = self.cat_mid.tables[fk.target], self.cat_new.tables[fk.target]
        return any(c in before.columns and c in after.columns
                   and before.columns[c].type_sql != after.columns[c].type_sql
                   for c in fk.target_columns)

    @staticmethod
    def _has_index(table: TableDef, fk: ConstraintDef) -> bool:
        n = len(fk.columns)
        leading = [c.columns for c in table.constraints if c.kind in ("primary key", "unique")]
        leading += [i.columns for i in table.indexes]
        return any(tuple(cols[:n]) == tuple(fk.columns) for cols in leading)

    def _drop_index(self, table: str, name: str, partitioned: bool = False) -> None:
        """`table` is quoted already."""
        d = self.dialect
        sql = d.drop_index.format(table=table, name=self.q(name))
        if self.online and self.locks and not partitioned:
            sql = sql.replace("DROP INDEX ", "DROP INDEX CONCURRENTLY ", 1)
        self.emit("drops", sql)

    def _create_index(self, table: str, index: IndexDef) -> None:
        """An index on a table that exists already (new tables' indexes come with them)."""
        sql = index.sql
        partitioned = self.cat_new.tables[table].partition_clause != ""
        if self.locks:
            if self.online and not partitioned:
                sql = re.sub(r"^CREATE (UNIQUE )?INDEX ", r"CREATE \1INDEX CONCURRENTLY ", sql)
            else:
                how = ("PostgreSQL cannot build it CONCURRENTLY on a partitioned table: create it on each "
                       "partition CONCURRENTLY, then ON ONLY the table and ATTACH PARTITION each one") if partitioned \
                    else "--online uses CREATE INDEX CONCURRENTLY"
                self.find("migration/locks-table", f"CREATE INDEX {index.name} blocks writes to {table} while it "
                          f"builds; {how}", table, span=self._index_span(table, index.name))
        self.emit("indexes", sql)

    def _index_span(self, table: str, name: str) -> Span | None:
        t = self.new.tables.get(table)
        if t is None:
            return None
        for index in t.indexes:
            if index_name(t, index, self.dialect) == name:
                return t.at(index.span)
        return t.at(t.span)

    def _add_constraint(self, table: str, c: ConstraintDef) -> None:
        q = self.q
        if not self.locks:
            self.emit("constraints", add_constraint_sql(self.dialect, table, c))
            return
        span = self.span_of(table)
        if c.kind == "check":
            if self.online:
                self.emit("constraints", add_constraint_sql(self.dialect, table, c) + " NOT VALID")
                self.emit("constraints", f"ALTER TABLE {q(table)} VALIDATE CONSTRAINT {q(c.name)}")
                return
            self.find("migration/locks-table",
                      f"adding CHECK {c.name} scans {table} under an ACCESS EXCLUSIVE lock; --online adds it "
                      "NOT VALID and validates it without blocking writes", table, span=span)
        else:  # primary key, unique: an index is built
            if self.online:
                cols = ", ".join(q(x) for x in c.columns)
                self.emit("indexes", f"CREATE UNIQUE INDEX CONCURRENTLY {q(c.name)} ON {q(table)} ({cols})")
                self.emit("add_foreign_keys", f"ALTER TABLE {q(table)} ADD CONSTRAINT {q(c.name)} "
                                              f"{c.kind.upper()} USING INDEX {q(c.name)}")
                return
            self.find("migration/locks-table",
                      f"adding {c.kind.upper()} {c.name} builds its index under an ACCESS EXCLUSIVE lock on "
                      f"{table}; --online builds it with CREATE UNIQUE INDEX CONCURRENTLY first", table, span=span)
        self.emit("constraints", add_constraint_sql(self.dialect, table, c))

    def _add_foreign_key(self, table: str, c: ConstraintDef) -> None:
        sql = add_constraint_sql(self.dialect, table, c)
        if self.locks:
            if self.online:
                self.emit("add_foreign_keys", sql + " NOT VALID")
                self.emit("add_foreign_keys", f"ALTER TABLE {self.q(table)} VALIDATE CONSTRAINT {self.q(c.name)}")
                return
            self.find("migration/locks-table",
                      f"adding FOREIGN KEY {c.name} checks every row of {table} while blocking writes to it and "
                      f"to {c.target}; --online adds it NOT VALID, then validates it without blocking",
                      table, span=self.span_of(table))
        self.emit("add_foreign_keys", sql)

    def _columns(self, before: TableDef, after: TableDef, retyped: set[str]) -> None:
        d, q, name = self.dialect, self.q, after.name
        t = q(name)
        previous = None
        for cname, column in after.columns.items():
            old = before.columns.get(cname)
            if old is None:
                self._add_column(after, column, previous)
            elif d.alter_column == "modify":
                if (old.type_sql, old.nullable, old.identity, old.comment) != (
                        column.type_sql, column.nullable, column.identity, column.comment) or not _same_sql(
                        old.default, column.default, d):
                    self.emit("columns", f"ALTER TABLE {t} MODIFY COLUMN {column.sql(d)}")
            elif d.alter_column == "alter":
                self._alter_column(name, old, column, cname in retyped)
            previous = cname
        old_table = q(self.old_table.get(name, name))
        for cname in before.columns:
            if cname not in after.columns:
                self.emit("drop_columns", f"ALTER TABLE {old_table} DROP COLUMN {q(cname)}")

    def _add_column(self, table: TableDef, column: ColumnDef, previous: str | None) -> None:
        d, q = self.dialect, self.q
        t = q(table.name)
        sql = column.sql(d)
        fill = None
        if not column.nullable and column.default is None and not column.identity:
            fill = _backfill(column, self.new, d)
            sql += f" DEFAULT {fill}"
        if d.add_column_position:
            sql += f" AFTER {q(previous)}" if previous else " FIRST"
        self.emit("columns", f"ALTER TABLE {t} ADD COLUMN {sql}")
        if fill is not None:
            self.emit("columns", f"ALTER TABLE {t} ALTER COLUMN {q(column.name)} DROP DEFAULT")
        if column.comment and d.comments == "statements":
            self.emit("columns", f"COMMENT ON COLUMN {t}.{q(column.name)} IS {self.literal(column.comment)}")

    def _alter_column(self, table: str, old: ColumnDef, new: ColumnDef, retyped: bool) -> None:
        d, q = self.dialect, self.q
        prefix = f"ALTER TABLE {q(table)} ALTER COLUMN {q(new.name)}"
        emit = lambda sql: self.emit("columns", sql)  # noqa: E731
        if old.identity and not new.identity:
            emit(f"{prefix} DROP IDENTITY")
        default_changed = not _same_sql(old.default, new.default, d)
        if retyped:
            if old.default is not None:
                emit(f"{prefix} DROP DEFAULT")
            # a ColumnDef's column has a type (ddl.table_def)
            old_type, new_type = cast(ColumnType, old.source.type), cast(ColumnType, new.source.type)
            if _needs_using(old_type, new_type) or old.type_sql == new.type_sql:
                through_text = "enum" in (old_type.base, new_type.base)
                using = f"{q(new.name)}{'::text' if through_text else ''}::{new.type_sql}"
                emit(f"{prefix} TYPE {new.type_sql} USING {using}")
            else:
                emit(f"{prefix} TYPE {new.type_sql}")
        if old.nullable and not new.nullable:
            if self.locks and self.online:
                check = q(shorten(f"{table}_{new.name}_not_null", d))
                emit(f"ALTER TABLE {q(table)} ADD CONSTRAINT {check} CHECK ({q(new.name)} IS NOT NULL) NOT VALID")
                emit(f"ALTER TABLE {q(table)} VALIDATE CONSTRAINT {check}")
                emit(f"{prefix} SET NOT NULL")
                emit(f"ALTER TABLE {q(table)} DROP CONSTRAINT {check}")
            else:
                if self.locks:
                    self.find("migration/locks-table",
                              f"SET NOT NULL on {table}.{new.name} scans the table under an ACCESS EXCLUSIVE lock; "
                              "--online validates a CHECK first so the scan does not block", table, new.name,
                              span=self.span_of(table, new.name))
                emit(f"{prefix} SET NOT NULL")
        elif new.nullable and not old.nullable:
            emit(f"{prefix} DROP NOT NULL")
        if new.default is not None and (default_changed or (retyped and old.default is not None)):
            emit(f"{prefix} SET DEFAULT {new.default}")
        elif new.default is None and old.default is not None and not retyped and not new.identity:
            emit(f"{prefix} DROP DEFAULT")
        if new.identity and not old.identity:
            emit(f"{prefix} ADD {d.identity_sql}")
            # continue after the values rows already have
            emit(f"SELECT setval(pg_get_serial_sequence({self.literal(q(table))}, {self.literal(new.name)}), "
                 f"COALESCE(MAX({q(new.name)}), 0) + 1, false) FROM {q(table)}")
        if old.comment != new.comment and d.comments == "statements":
            comment = self.literal(new.comment) if new.comment else "NULL"
            emit(f"COMMENT ON COLUMN {q(table)}.{q(new.name)} IS {comment}")

    def _rebuild(self, before: TableDef, after: TableDef) -> None:
        """SQLite's procedure for changes ALTER TABLE cannot make: create the new table under a
        temporary name, copy the rows, drop the old table, rename the new one, re-create indexes."""
        q, name = self.q, after.name
        temp = f"_new_{name}"
        self.emit("columns", after.create_sql(self.dialect, name=temp, with_foreign_key=lambda c: True))
        targets, sources = [], []
        for cname, column in after.columns.items():
            if cname in before.columns:
                targets.append(q(cname))
                sources.append(q(cname))
            elif not column.nullable and column.default is None:
                targets.append(q(cname))
                sources.append(_backfill(column, self.new, self.dialect))
        if targets:
            self.emit("columns", f"INSERT INTO {q(temp)} ({', '.join(targets)}) SELECT {', '.join(sources)} "
                                 f"FROM {q(name)}")
        self.emit("columns", f"DROP TABLE {q(name)}")
        self.emit("columns", f"ALTER TABLE {q(temp)} RENAME TO {q(name)}")
        for index in after.indexes:
            self.emit("indexes", index.sql)

    # -- whole tables ------------------------------------------------------------------------
    def _create_tables(self, tables: list[TableDef]) -> None:
        d = self.dialect
        made = set(self.cat_new.tables) - {t.name for t in tables}
        for table in tables:
            if d.alter_foreign_keys:
                later = [c for c in table.constraints if c.kind == "foreign key"
                         and c.target not in made and c.target != table.name]
                self.emit("create_tables", table.create_sql(d, with_foreign_key=lambda c, later=later: c not in later))
                for c in later:
                    self.emit("add_foreign_keys", add_constraint_sql(d, table.name, c))
            else:
                self.emit("create_tables", table.create_sql(d, with_foreign_key=lambda c: True))
            made.add(table.name)
            for _, sql in table.partitions:
                self.emit("create_tables", sql)
            for sql in table.comment_statements(d):
                self.emit("create_tables", sql)
            for index in table.indexes:
                self.emit("indexes", index.sql)

    def _drop_table(self, table: TableDef) -> None:
        q = self.q
        rows = f" (about {table.source.rows:,} rows)" if table.source.rows else ""
        self.find("migration/drops-table", f"table {table.name} is dropped with its rows{rows}", table.name)
        self.emit("drop_tables", f"DROP TABLE {q(table.name)}")

    def _hint_renames(self) -> None:
        """A column or table that goes while one of the same type comes may be a rename."""
        mid, new = self.cat_mid.tables, self.cat_new.tables
        for name, after in new.items():
            before = mid.get(name)
            if before is None:
                continue
            gone = [c for c in before.columns.values() if c.name not in after.columns]
            for column in after.columns.values():
                if column.name in before.columns:
                    continue
                same = [g for g in gone if g.type_sql == column.type_sql]
                if same:
                    self.find("migration/possible-rename",
                              f"{name}.{same[0].name} goes and {name}.{column.name} comes, both {column.type_sql}: "
                              f"if this is a rename, write `was: {same[0].name}` on {column.name} so the values "
                              "are kept", name, column.name, span=self.span_of(name, column.name))
        gone_tables = [t for n, t in mid.items() if n not in new]
        for name, after in new.items():
            if name in mid:
                continue
            shape = sorted(c.type_sql for c in after.columns.values())
            same_tables = [g for g in gone_tables if sorted(c.type_sql for c in g.columns.values()) == shape]
            if same_tables:
                self.find("migration/possible-rename",
                          f"table {same_tables[0].name} goes and {name} comes with the same column types: if this is "
                          f"a rename, write `was: {same_tables[0].name}` on {name} so the rows are kept",
                          name, span=self.span_of(name))

    def _script(self, rebuilt: set[str]) -> Script:
        d = self.dialect
        body: list[str] = []
        for phase in self.PHASES[1:]:
            body.extend(self.phase[phase])
        statements = list(self.phase["outside"])
        notes: list[str] = []
        if body:
            if d.alter_column == "rebuild":
                # rows are copied between tables: foreign keys are checked once at the end
                statements.append("PRAGMA foreign_keys = OFF")
            transaction = d.transactional_ddl and not (self.online and self.locks)
            if transaction:
                statements.append("BEGIN")
            statements.extend(body)
            if d.alter_column == "rebuild" and rebuilt:
                statements.append("PRAGMA foreign_key_check")
            if transaction:
                statements.append("COMMIT")
            if d.alter_column == "rebuild":
                statements.append("PRAGMA foreign_keys = ON")
            if self.online and self.locks:
                notes.append("runs outside a transaction: CREATE INDEX CONCURRENTLY cannot run inside one")
        if rebuilt:
            notes.append(f"rebuilt (rows copied to a new table): {', '.join(sorted(rebuilt))}")
        return Script(d, "", statements, notes, self.findings)


def plan(old: Schema, new: Schema, dialect: Dialect | None = None, online: bool = False) -> Migration:
    """The migration from `old` to `new` (both free of errors) and back."""
    dialect = dialect or new.dialect
    renames = renames_between(old, new)
    up = _Plan(old, new, renames, dialect, online).run()
    up.title = "up: " + _summary(old, new)
    down = _Plan(new, old, renames.inverse(), dialect, online).run()
    down.title = "down: " + _summary(new, old)
    return Migration(up, down)


def _summary(a: Schema, b: Schema) -> str:
    return f"{a.name} -> {b.name}" if a.name != b.name else f"schema {a.name}"


def _analyse(text: str, dialect: str | None, side: str, path: str | None = None):

    document = analyze(text, Options(dialect=dialect, path=path))
    errors = [d for d in document.diagnostics if d.severity is Severity.ERROR]
    if errors:
        raise MigrationError(side, errors)
    return document


def plan_texts(old_text: str, new_text: str, dialect: str | None = None, online: bool = False,
               old_path: str | None = None, new_path: str | None = None) -> Migration:
    """The migration between two versions of a schema file's text (paths resolve `include:`)."""
    old = _analyse(old_text, dialect, "old", old_path)
    new = _analyse(new_text, dialect, "new", new_path)
    migration = plan(old.schema, new.schema, get_dialect(dialect) if dialect else new.schema.dialect, online)
    _place(migration.up.findings, new)
    return migration


def _place(findings: list[Finding], document) -> None:
    """Gives findings about things that are gone a place in the new text: the `tables` key."""

    root = document.root
    key = root.key_node("tables") if isinstance(root, Mapping) else None
    for finding in findings:
        if finding.span is None:
            finding.span = (key.start, key.end) if key is not None else (0, 0)


# the analysed old side, by (text, dialect): the editor asks again on every keystroke
_OLD_DOCUMENTS: dict[tuple[str, str | None, str | None], object] = {}
_OLD_DOCUMENTS_KEPT = 8


def migration_diagnostics(old_text: str, new_document, dialect: str | None = None,
                          path: str | None = None) -> list[Diagnostic]:
    """The findings of the migration from `old_text` to the document, as diagnostics on the
    lines that cause them.  Empty when nothing changed or either version has errors."""
    if new_document.text == old_text:
        return []
    if any(d.severity is Severity.ERROR for d in new_document.diagnostics):
        return []
    key = (old_text, dialect, path)
    old = _OLD_DOCUMENTS.get(key)
    if old is None:
        try:
            old = _analyse(old_text, dialect, "old", path)
        except MigrationError:
            old = False
        while len(_OLD_DOCUMENTS) >= _OLD_DOCUMENTS_KEPT:
            del _OLD_DOCUMENTS[next(iter(_OLD_DOCUMENTS))]
        _OLD_DOCUMENTS[key] = old
    if old is False:
        return []
    target = get_dialect(dialect) if dialect else new_document.schema.dialect
    old_schema, new_schema = _changed_parts(old, new_document)
    planned = _Plan(old_schema, new_schema, renames_between(old_schema, new_schema), target, False)
    planned.run()
    _place(planned.findings, new_document)

    # _place gave every finding a span
    return [Diagnostic(f.rule, RULES[f.rule].severity, f.message, *cast(Span, f.span), f.table, f.column)
            for f in planned.findings]


def _table_text(document, table: Table) -> str:
    start = table.at(table.span)[0]
    return document.text[start:table.at(table.value_span)[1]]


def _changed_parts(old, new) -> tuple[Schema, Schema]:
    """The two versions cut down to the tables whose text differs (and the tables those
    reference), so that an edit in a large file is compared in milliseconds.  Findings only
    ever concern changed tables; enums and options changes compare everything."""
    a, b = old.schema, new.schema
    if ({n: e.values for n, e in a.enums.items()} != {n: e.values for n, e in b.enums.items()}
            or (a.arrays_as_json, a.uuid_storage, a.source_dialect.name) !=
            (b.arrays_as_json, b.uuid_storage, b.source_dialect.name)):
        return a, b
    changed = {name for name, table in b.tables.items()
               if name not in a.tables or _table_text(old, a.tables[name]) != _table_text(new, table)}
    changed |= {name for name in a.tables if name not in b.tables}
    if len(changed) * 2 > len(b.tables):
        return a, b

    def cut(schema: Schema) -> Schema:
        keep = {n for n in changed if n in schema.tables}
        keep |= {fk.table for n in list(keep) for fk in schema.tables[n].foreign_keys if fk.table in schema.tables}
        return replace(schema, tables={n: t for n, t in schema.tables.items() if n in keep})

    return cut(a), cut(b)


def migration_paths(out_dir: Path, name: str) -> tuple[Path, Path]:
    """DIR/NNNN_name.up.sql and .down.sql, numbered after the highest number in DIR."""
    highest = 0
    if out_dir.is_dir():
        for path in out_dir.iterdir():
            match = re.match(r"(\d+)_", path.name)
            if match:
                highest = max(highest, int(match.group(1)))
    slug = re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_").lower() or "migration"
    stem = f"{highest + 1:04d}_{slug}"
    return out_dir / f"{stem}.up.sql", out_dir / f"{stem}.down.sql"
