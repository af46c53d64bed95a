"""The resolved schema that analyses and generators work on.

Built from the validated file (see `loader`); every part keeps the source
span it came from so findings can point at it.  Spans are (start, end)
offsets into the document's text.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..dialects import Dialect
from .types import ColumnType

Span = tuple[int, int]


@dataclass(slots=True, eq=False)
class Column:
    name: str
    span: Span  # the column's key
    value_span: Span  # the whole shorthand string or long-form mapping
    type: ColumnType | None
    type_text: str
    type_span: Span
    nullable: bool = True
    primary_key: bool = False
    unique: bool = False
    identity: bool = False
    pii: bool = False
    default: str | None = None
    default_span: Span | None = None
    check: str | None = None
    check_span: Span | None = None
    description: str | None = None
    was: str | None = None
    was_span: Span | None = None
    pk_span: Span | None = None
    unique_span: Span | None = None
    identity_span: Span | None = None
    # why the column deliberately holds redundant data (long form, or the table's `denormalized:`)
    denormalized: str | None = None


@dataclass(slots=True, eq=False)
class ForeignKey:
    columns: list[str]
    column_spans: list[Span]
    table: str
    table_span: Span
    # None: the referenced table's primary key
    target_columns: list[str] | None
    target_column_spans: list[Span]
    span: Span
    on_delete: str | None = None
    on_update: str | None = None
    name: str | None = None
    inline: bool = False  # declared with `references` on a column


@dataclass(slots=True, eq=False)
class IndexColumn:
    name: str  # a column name, or the text of an expression
    span: Span
    descending: bool = False
    expression: bool = False


@dataclass(slots=True, eq=False)
class Index:
    columns: list[IndexColumn]
    span: Span
    name: str | None = None
    unique: bool = False
    where: str | None = None
    using: str | None = None
    include: list[tuple[str, Span]] = field(default_factory=list)


@dataclass(slots=True, eq=False)
class UniqueConstraint:
    columns: list[str]
    column_spans: list[Span]
    span: Span
    inline: bool = False  # a column's own `unique`


@dataclass(slots=True, eq=False)
class Dependency:
    """A functional dependency `lhs -> rhs` declared under `dependencies:`."""

    lhs: list[tuple[str, Span]]
    rhs: list[tuple[str, Span]]
    span: Span


@dataclass(slots=True, eq=False)
class Partitioning:
    method: str  # range | list | hash
    columns: list[tuple[str, Span]]
    span: Span


@dataclass(slots=True, eq=False)
class Table:
    """A table.  Its spans, and those of everything inside it, are relative to
    `base`: a table is resolved from its own piece of the file and reused while
    that piece is unchanged, wherever it moves.  Absolute = base + relative."""

    name: str
    span: Span  # the table's key
    value_span: Span
    description: str | None = None
    rows: int | None = None
    columns: dict[str, Column] = field(default_factory=dict)
    primary_key: list[str] = field(default_factory=list)
    primary_key_spans: list[Span] = field(default_factory=list)
    primary_key_span: Span | None = None  # the table-level `primary_key:` value
    uniques: list[UniqueConstraint] = field(default_factory=list)
    indexes: list[Index] = field(default_factory=list)
    checks: list[tuple[str, Span]] = field(default_factory=list)
    foreign_keys: list[ForeignKey] = field(default_factory=list)
    dependencies: list[Dependency] = field(default_factory=list)
    partition_by: Partitioning | None = None
    was: str | None = None
    was_span: Span | None = None
    # names under `denormalized:` that are not columns
    denormalized_unknown: list[tuple[str, Span]] = field(default_factory=list)
    base: int = 0
    # findings that depend on this table alone, by analysis: kept while the table's text is unchanged
    memo: dict = field(default_factory=dict)
    # the file the table is defined in, when it comes from an `include:` (its spans are that file's)
    origin: str | None = None

    def at(self, span: Span) -> Span:
        return (span[0] + self.base, span[1] + self.base)


@dataclass(slots=True, eq=False)
class Enum:
    name: str
    span: Span
    values: list[str]
    value_spans: list[Span]
    origin: str | None = None  # the file it is defined in, when it comes from an `include:`


@dataclass(slots=True, eq=False)
class Query:
    name: str
    span: Span
    sql: str
    sql_node_span: Span  # the whole `sql` value in the file
    # the document offset of each character of `sql` (and of its end), when known
    sql_positions: list[int] | None = None

    def sql_range(self, start: int, end: int) -> Span:
        """The document span of sql[start:end] (the whole value when positions are unknown)."""
        p = self.sql_positions
        if p is None or not 0 <= start <= end < len(p):
            return self.sql_node_span
        return (p[start], p[end - 1] + 1 if end > start else p[start])
    frequency: float | None = None  # executions per second
    frequency_text: str | None = None
    description: str | None = None


@dataclass(slots=True, eq=False)
class Context:
    reads: float | None = None
    writes: float | None = None
    consistency: str | None = None
    compliance: list[str] = field(default_factory=list)
    retention: dict[str, str] = field(default_factory=dict)
    peak_qps: str | None = None
    growth: str | None = None
    availability: str | None = None
    multi_region: bool = False
    write_heavy_index_limit: int = 5
    notes: str | None = None

    @property
    def write_heavy(self) -> bool:
        return self.reads is not None and self.writes is not None and self.writes > self.reads


@dataclass(slots=True, eq=False)
class Schema:
    name: str
    dialect: Dialect  # the target (the file's `dialect:`, or the override asked for)
    description: str | None = None
    context: Context = field(default_factory=Context)
    enums: dict[str, Enum] = field(default_factory=dict)
    tables: dict[str, Table] = field(default_factory=dict)
    queries: dict[str, Query] = field(default_factory=dict)
    # rule id -> severity name ("off", "hint", ...), from the file's `rules:`
    rule_levels: dict[str, str] = field(default_factory=dict)
    rule_level_spans: dict[str, Span] = field(default_factory=dict)
    # a YAML syntax error cut part of the file away: checks across the whole schema hold back
    incomplete: bool = False
    # the dialect the file's SQL fragments (defaults, checks, queries) are written in
    written_in: Dialect | None = None
    # `options:` — choices for generated SQL
    arrays_as_json: bool = False
    uuid_storage: str = "char36"
    # tables of included files (`include:`), by name: referenced, never generated or checked here
    external_tables: dict[str, Table] = field(default_factory=dict)
    # the included files, resolved (absolute paths), nested includes too
    included: list[str] = field(default_factory=list)

    def table(self, name: str) -> Table | None:
        """A table this file may reference: its own, or one of an included file."""
        table = self.tables.get(name)
        return table if table is not None else self.external_tables.get(name)

    @property
    def own_enums(self) -> dict[str, Enum]:
        return {n: e for n, e in self.enums.items() if e.origin is None}

    @property
    def source_dialect(self) -> Dialect:
        return self.written_in or self.dialect
