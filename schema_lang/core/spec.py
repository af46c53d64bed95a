"""The file format as pydantic models.

These models say what may be written where; they validate the plain values
read from YAML and are the source of the JSON Schema offered to editors.
Every scalar arrives as a string (YAML's own typing would turn an enum value
`no` into False), and pydantic's lax mode turns "true" or "12" into the bool
or int a field wants.
"""
from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag

Action = Literal["cascade", "restrict", "set null", "set default", "no action"]
SeverityName = Literal["off", "hint", "info", "warning", "error"]
DialectName = Literal["postgresql", "mysql", "sqlite"]
IndexMethod = Literal["btree", "hash", "gin", "gist", "brin", "fulltext"]


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _shape(value: Any) -> str:
    return "long" if isinstance(value, dict) else "short"


class ReferenceSpec(_Spec):
    table: str = Field(description="the referenced table")
    column: str | None = Field(None, description="the referenced column; default: the table's primary key")
    on_delete: Action | None = None
    on_update: Action | None = None


class ColumnSpec(_Spec):
    """A column in long form."""

    type: str = Field(description="the column type, e.g. varchar(255), decimal(10,2), text[], an enum name")
    primary_key: bool = False
    nullable: bool | None = Field(None, description="SQL semantics: nullable unless false; key columns never are")
    unique: bool = False
    identity: bool = False
    default: str | None = Field(None, description="an SQL expression: 0, 'text', now()")
    references: Annotated[
        Annotated[str, Tag("short")] | Annotated[ReferenceSpec, Tag("long")],
        Discriminator(_shape),
    ] | None = Field(None, description='"table" or "table(column)", or a mapping')
    check: str | None = None
    pii: bool = False
    description: str | None = None
    was: str | None = Field(None, description="the column's previous name, for migrations")
    denormalized: str | None = Field(None, description="why this column deliberately copies or derives data "
                                                       "(silences normalization findings about it)")


ColumnValue = Annotated[
    Annotated[str, Tag("short")] | Annotated[ColumnSpec, Tag("long")],
    Discriminator(_shape),
]


class IndexSpec(_Spec):
    columns: list[str] = Field(description="columns (or expressions), each optionally followed by asc/desc")
    name: str | None = None
    unique: bool = False
    where: str | None = Field(None, description="a partial index's condition")
    using: IndexMethod | None = None
    include: list[str] = Field(default_factory=list, description="covering columns")


IndexValue = Annotated[
    Annotated[str, Tag("short")] | Annotated[IndexSpec, Tag("long")],
    Discriminator(_shape),
]


class ForeignKeySpec(_Spec):
    columns: list[str]
    references: str = Field(description='"table(col_a, col_b)", or "table" for its primary key')
    on_delete: Action | None = None
    on_update: Action | None = None
    name: str | None = None


StringList = Annotated[
    Annotated[str, Tag("short")] | Annotated[list[str], Tag("long")],
    Discriminator(lambda v: "long" if isinstance(v, list) else "short"),
]


class TableSpec(_Spec):
    description: str | None = None
    rows: str | None = Field(None, description="expected volume: 5000, 500k, 2M, 1B")
    columns: dict[str, ColumnValue]
    primary_key: StringList | None = None
    unique: list[StringList] = Field(default_factory=list)
    indexes: list[IndexValue] = Field(default_factory=list)
    checks: list[str] = Field(default_factory=list)
    foreign_keys: list[ForeignKeySpec] = Field(default_factory=list)
    dependencies: list[str] = Field(default_factory=list, description='functional dependencies: "a, b -> c"')
    partition_by: str | None = Field(None, description="range(col), list(col) or hash(col)")
    was: str | None = Field(None, description="the table's previous name, for migrations")
    denormalized: dict[str, str] = Field(default_factory=dict,
                                         description="column -> why it deliberately copies or derives data")


class QuerySpec(_Spec):
    sql: str
    frequency: str | None = Field(None, description="how often it runs: 500/s, 20/min, 1000/day")
    description: str | None = None


QueryValue = Annotated[
    Annotated[str, Tag("short")] | Annotated[QuerySpec, Tag("long")],
    Discriminator(_shape),
]


class ContextSpec(_Spec):
    read_write_ratio: str | None = Field(None, description='reads to writes, e.g. "20:1"')
    consistency: Literal["acid", "eventual"] | None = None
    compliance: list[str] = Field(default_factory=list, description="gdpr, hipaa, pci-dss, sox, ...")
    retention: dict[str, str] = Field(default_factory=dict, description="how long data is kept, per table: 7y, 90d")
    peak_qps: str | None = Field(None, description="peak queries per second")
    growth: str | None = Field(None, description="expected growth, e.g. 20%/year")
    availability: str | None = Field(None, description='e.g. "99.95%"')
    multi_region: bool = False
    write_heavy_index_limit: int = Field(5, ge=0, description="secondary indexes a table may have when writes "
                                                              "dominate before index/write-heavy-table warns")
    notes: str | None = None


class GenerationOptionsSpec(_Spec):
    arrays_as_json: bool = Field(False, description="store array columns as JSON where the dialect has no arrays")
    uuid_storage: Literal["char36", "binary16"] = Field(
        "char36", description="uuid where the dialect has no uuid type: readable CHAR(36) or compact BINARY(16)")


class SchemaSpec(_Spec):
    schema_: str = Field(alias="schema", description="the schema's name")
    dialect: DialectName = "postgresql"
    description: str | None = None
    include: list[str] = Field(default_factory=list,
                               description="other schema files (paths relative to this one) whose tables and "
                                           "enums this file may reference")
    context: ContextSpec | None = None
    enums: dict[str, list[str]] = Field(default_factory=dict)
    tables: dict[str, TableSpec] = Field(default_factory=dict)
    queries: dict[str, QueryValue] = Field(default_factory=dict)
    rules: dict[str, SeverityName] = Field(default_factory=dict, description="per-file severity overrides")
    options: GenerationOptionsSpec | None = Field(None, description="choices for generated SQL")

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def json_schema() -> dict:
    """The JSON Schema of the file format, for editors' YAML validation."""
    schema = SchemaSpec.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "schema-lang schema file"
    return schema
