"""What every importer builds, and the one writer that turns it into a schema file.

The SQL, Prisma and live-database importers each fill a `Table` per table (columns,
keys, checks, foreign keys, indexes) and hand the lot to `render`, which writes a
readable schema file: column shorthand where it reads back the same, the long form
where it must, generated names left out.  The text depends on its input alone, so
the same source always gives byte-identical output.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from ..core.shorthand import parse_shorthand
from ..sql import identifiers


class ImportSourceError(ValueError):
    """A source that cannot be imported at all (a Prisma file that does not parse, a
    database that cannot be reached).  `line` and `column` are 1-based when known."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


@dataclass(slots=True)
class ImportResult:
    yaml_text: str
    skipped: dict[str, int] = field(default_factory=dict)  # statement kind -> how many
    notes: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Reference:
    table: str
    columns: list[str]
    on_delete: str | None = None
    on_update: str | None = None


@dataclass(slots=True)
class Column:
    name: str
    type: str
    not_null: bool = False
    primary_key: bool = False
    unique: bool = False
    identity: bool = False
    default: str | None = None
    check: str | None = None
    description: str | None = None


@dataclass(slots=True)
class ForeignKey:
    columns: list[str]
    ref: Reference
    name: str | None = None


@dataclass(slots=True)
class Index:
    columns: list[str]  # "a", "a desc", "lower(email)"
    name: str | None = None
    unique: bool = False
    where: str | None = None
    using: str | None = None
    include: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Table:
    name: str
    columns: dict[str, Column] = field(default_factory=dict)
    primary_key: list[str] = field(default_factory=list)
    uniques: list[list[str]] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)
    foreign_keys: list[ForeignKey] = field(default_factory=list)
    indexes: list[Index] = field(default_factory=list)
    description: str | None = None
    partition_by: str | None = None  # "range(created_at)"


_YAML_WORDS = {"true", "false", "yes", "no", "on", "off", "y", "n", "null", "~"}
# a letter of any script, `_` or `(` first: the value cannot be mistaken for YAML syntax
_PLAIN = re.compile(r"(?:[^\W\d]|\()[^\n]*")


def _scalar(value: str, flow: bool = False) -> str:
    """A YAML scalar: plain when it reads back as the same string, double-quoted otherwise."""
    needs = (not value or not _PLAIN.fullmatch(value) or value != value.strip()
             or value.lower() in _YAML_WORDS or ": " in value or " #" in value or value.endswith(":")
             or "\t" in value or any(ord(ch) < 32 for ch in value)
             or (flow and any(ch in value for ch in ",[]{}")))
    return json.dumps(value, ensure_ascii=False) if needs else value


def _flow_list(items: list[str]) -> str:
    return "[" + ", ".join(_scalar(i, flow=True) for i in items) + "]"


def _references(ref: Reference, tables: dict[str, Table]) -> str:
    target = tables.get(ref.table)
    if ref.columns and not (target is not None and target.primary_key == ref.columns):
        return f"{ref.table}({', '.join(ref.columns)})"
    return ref.table


def _shorthand(col: Column, fk: ForeignKey | None, pk_inline: bool, tables: dict[str, Table]) -> str:
    parts = [col.type]
    if pk_inline:
        parts.append("pk")
    elif col.not_null:
        parts.append("not null")
    if col.unique:
        parts.append("unique")
    if col.identity:
        parts.append("identity")
    if col.default is not None:
        parts.append(f"default {col.default}")
    if fk is not None:
        parts.append(f"references {_references(fk.ref, tables)}")
        if fk.ref.on_delete:
            parts.append(f"on delete {fk.ref.on_delete}")
        if fk.ref.on_update:
            parts.append(f"on update {fk.ref.on_update}")
    if col.check is not None:
        parts.append(f"check ({col.check})")
    return " ".join(parts)


def _shorthand_reads_back(text: str, col: Column) -> bool:
    parsed = parse_shorthand(text)
    return (not parsed.errors and parsed.default == col.default
            and (parsed.check or None) == (col.check.strip() if col.check else None))


def _column_lines(col: Column, fk: ForeignKey | None, pk_inline: bool, tables: dict[str, Table]) -> list[str]:
    key = _scalar(col.name)
    text = _shorthand(col, fk, pk_inline, tables)
    if col.description is None and _shorthand_reads_back(text, col):
        return [f"      {key}: {_scalar(text)}"]
    lines = [f"      {key}:", f"        type: {_scalar(col.type)}"]
    if pk_inline:
        lines.append("        primary_key: true")
    elif col.not_null:
        lines.append("        nullable: false")
    if col.unique:
        lines.append("        unique: true")
    if col.identity:
        lines.append("        identity: true")
    if col.default is not None:
        lines.append(f"        default: {_scalar(col.default)}")
    if fk is not None:
        lines.append("        references:")
        lines.append(f"          table: {_scalar(fk.ref.table)}")
        if fk.ref.columns:
            lines.append(f"          column: {_scalar(fk.ref.columns[0])}")
        if fk.ref.on_delete:
            lines.append(f"          on_delete: {fk.ref.on_delete}")
        if fk.ref.on_update:
            lines.append(f"          on_update: {fk.ref.on_update}")
    if col.check is not None:
        lines.append(f"        check: {_scalar(col.check)}")
    if col.description is not None:
        lines.append(f"        description: {_scalar(col.description)}")
    return lines


def _default_index_name(table: str, index: Index) -> str:
    cols = "_".join(re.sub(r"\W+", "_", c.removesuffix(" desc")).strip("_") for c in index.columns)
    return f"idx_{table}_{cols}"


def _index_line(table: Table, index: Index) -> str:
    name = index.name if index.name and index.name != _default_index_name(table.name, index) else None
    if name is None and not index.unique and index.where is None and index.using is None and not index.include:
        if len(index.columns) == 1 and identifiers.is_name(index.columns[0]):
            return f"      - {index.columns[0]}"
        if all(identifiers.is_name(c.removesuffix(" desc")) for c in index.columns):
            return f"      - ({', '.join(index.columns)})"
    parts = [f"columns: {_flow_list(index.columns)}"]
    if name:
        parts.append(f"name: {_scalar(name, flow=True)}")
    if index.unique:
        parts.append("unique: true")
    if index.using:
        parts.append(f"using: {index.using}")
    if index.include:
        parts.append(f"include: {_flow_list(index.include)}")
    if index.where is not None:
        parts.append(f"where: {json.dumps(index.where, ensure_ascii=False)}")
    return "      - {" + ", ".join(parts) + "}"


def render(schema_name: str, dialect: str, enums: dict[str, list[str]], tables: dict[str, Table]) -> str:
    out = [f"schema: {_scalar(schema_name)}", f"dialect: {dialect}"]
    if enums:
        out.append("")
        out.append("enums:")
        out.extend(f"  {_scalar(name)}: {_flow_list(values)}" for name, values in enums.items())
    out.append("")
    out.append("tables:" if tables else "tables: {}")
    for table in tables.values():
        out.append(f"  {_scalar(table.name)}:")
        if table.description is not None:
            out.append(f"    description: {_scalar(table.description)}")
        composite = len(table.primary_key) > 1 or (table.primary_key and table.primary_key[0] not in table.columns)
        if table.partition_by is not None:
            out.append(f"    partition_by: {_scalar(table.partition_by)}")
        if composite:
            out.append(f"    primary_key: {_flow_list(table.primary_key)}")
        inline_fks: dict[str, ForeignKey] = {}
        other_fks: list[ForeignKey] = []
        for fk in table.foreign_keys:
            if len(fk.columns) == 1 and fk.columns[0] in table.columns and fk.columns[0] not in inline_fks \
                    and len(fk.ref.columns) <= 1:
                inline_fks[fk.columns[0]] = fk
            else:
                other_fks.append(fk)
        out.append("    columns:" if table.columns else "    columns: {}")
        for col in table.columns.values():
            pk_inline = not composite and table.primary_key == [col.name]
            out.extend(_column_lines(col, inline_fks.get(col.name), pk_inline, tables))
        if table.uniques:
            out.append("    unique:")
            out.extend(f"      - {_flow_list(u)}" for u in table.uniques)
        if table.checks:
            out.append("    checks:")
            out.extend(f"      - {json.dumps(c, ensure_ascii=False)}" for c in table.checks)
        if other_fks:
            out.append("    foreign_keys:")
            for fk in other_fks:
                target = fk.ref.table + (f"({', '.join(fk.ref.columns)})" if fk.ref.columns else "")
                parts = [f"columns: {_flow_list(fk.columns)}", f"references: {_scalar(target, flow=True)}"]
                if fk.ref.on_delete:
                    parts.append(f"on_delete: {fk.ref.on_delete}")
                if fk.ref.on_update:
                    parts.append(f"on_update: {fk.ref.on_update}")
                out.append("      - {" + ", ".join(parts) + "}")
        if table.indexes:
            out.append("    indexes:")
            out.extend(_index_line(table, index) for index in table.indexes)
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"
