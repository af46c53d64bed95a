"""Entity-relationship diagrams: Mermaid `erDiagram` and Graphviz DOT."""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..core.model import Schema, Table


@dataclass(slots=True)
class Relationship:
    parent: str
    child: str
    columns: list[str]
    kind: str  # one-to-one | one-to-many
    optional: bool  # the child may have no parent (nullable foreign key)
    on_delete: str | None


def _unique_in(table: Table, columns: list[str]) -> bool:
    wanted = set(columns)
    return (set(table.primary_key) == wanted or any(set(u.columns) == wanted for u in table.uniques)
            or any(ix.unique and ix.where is None and {c.name for c in ix.columns} == wanted for ix in table.indexes))


def relationships(schema: Schema) -> list[Relationship]:
    out = []
    for table in schema.tables.values():
        for fk in table.foreign_keys:
            if fk.table not in schema.tables:
                continue
            kind = "one-to-one" if _unique_in(table, fk.columns) else "one-to-many"
            optional = any(table.columns[c].nullable for c in fk.columns if c in table.columns)
            out.append(Relationship(fk.table, table.name, list(fk.columns), kind, optional, fk.on_delete))
    return out


def junctions(schema: Schema) -> list[tuple[str, str, str]]:
    """(junction, left, right) for tables whose primary key is two foreign keys to two tables."""
    out = []
    for table in schema.tables.values():
        pk = set(table.primary_key)
        fks = [fk for fk in table.foreign_keys if fk.table in schema.tables and set(fk.columns) <= pk]
        if len(fks) == 2 and set(fks[0].columns) | set(fks[1].columns) == pk and fks[0].table != fks[1].table:
            out.append((table.name, fks[0].table, fks[1].table))
    return out


def _ident(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", name)


def _label(text: str) -> str:
    return '"' + text.replace('"', "'") + '"'


def mermaid(schema: Schema) -> str:
    lines = ["erDiagram"]
    for table in schema.tables.values():
        lines.append(f"    {_ident(table.name)} {{")
        fk_columns = {c for fk in table.foreign_keys for c in fk.columns}
        unique_columns = {u.columns[0] for u in table.uniques if len(u.columns) == 1}
        for column in table.columns.values():
            type_name = _ident(column.type.base if column.type else column.type_text or "unknown")
            if column.type is not None and column.type.base == "enum":
                type_name = _ident(column.type.enum_name or "enum")
            keys = [k for k, on in (("PK", column.name in table.primary_key), ("FK", column.name in fk_columns),
                                    ("UK", column.name in unique_columns)) if on]
            comment = "PII" if column.pii else ""
            line = f"        {type_name} {_ident(column.name)}"
            if keys:
                line += " " + ", ".join(keys)
            if comment:
                line += f" {_label(comment)}"
            lines.append(line)
        lines.append("    }")
    for r in relationships(schema):
        parent_side = "|o" if r.optional else "||"
        child_side = "o|" if r.kind == "one-to-one" else "o{"
        lines.append(f"    {_ident(r.parent)} {parent_side}--{child_side} {_ident(r.child)} : "
                     f"{_label(', '.join(r.columns))}")
    for junction, left, right in junctions(schema):
        lines.append(f"    {_ident(left)} }}o..o{{ {_ident(right)} : {_label('many-to-many through ' + junction)}")
    return "\n".join(lines) + "\n"


LEFT = "\\l"  # DOT: end a record line, aligned left


def dot(schema: Schema) -> str:
    lines = [f"digraph {_label(schema.name or 'schema')} {{", "  rankdir=LR;", "  node [shape=record];"]
    for table in schema.tables.values():
        fields = []
        for column in table.columns.values():
            mark = " (PK)" if column.name in table.primary_key else ""
            fields.append(f"{column.name}: {column.type or column.type_text}{mark}".replace("|", "/")
                          .replace("{", "(").replace("}", ")").replace("<", "(").replace(">", ")"))
        record = table.name + "|" + LEFT.join(fields) + LEFT
        lines.append(f"  {_label(table.name)} [label={_label(record)}];")
    for r in relationships(schema):
        label = f"{', '.join(r.columns)} ({r.kind})"
        lines.append(f"  {_label(r.child)} -> {_label(r.parent)} [label={_label(label)}];")
    for junction, left, right in junctions(schema):
        lines.append(f"  {_label(left)} -> {_label(right)} [dir=both, style=dashed, "
                     f"label={_label('many-to-many through ' + junction)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"
