"""Generate a large synthetic schema for benchmarks.

The same table layout can be written as a schema-lang file or as a Prisma
schema, so both language servers can be measured on an equivalent schema.

    python bench/gen_schema.py --tables 3000 > big.schema.yaml
"""
from __future__ import annotations

import argparse
import sys


def table_name(i: int) -> str:
    return f"entity_{i:05d}"


def table_layout(i: int) -> dict:
    """The columns of table i, as (name, type, modifiers) plus its FK and index."""
    columns = [
        ("id", "bigint", "pk identity"),
        ("code", "varchar(32)", "not null unique"),
        ("name", "varchar(200)", "not null"),
        ("status", "entity_status", "not null default 'active'"),
        ("amount", "decimal(12,2)", "check (amount >= 0)"),
        ("notes", "text", ""),
        ("created_at", "timestamptz", "not null default now()"),
    ]
    parent = table_name(i - 1) if i > 0 else None
    if parent:
        columns.append(("parent_id", "bigint", f"references {parent} on delete cascade"))
    return {"name": table_name(i), "columns": columns, "parent": parent}


def schema_yaml(n_tables: int) -> str:
    out = [
        "schema: bench",
        "dialect: postgresql",
        "description: Synthetic schema for benchmarks",
        "enums:",
        "  entity_status: [active, archived, deleted]",
        "tables:",
    ]
    for i in range(n_tables):
        layout = table_layout(i)
        out.append(f"  {layout['name']}:")
        out.append(f"    description: Synthetic table number {i}")
        out.append("    rows: 100k")
        out.append("    columns:")
        for name, type_, mods in layout["columns"]:
            out.append(f"      {name}: {type_} {mods}".rstrip())
        out.append("    indexes:")
        out.append("      - (status, created_at desc)")
        if layout["parent"]:
            out.append("      - parent_id")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tables", type=int, default=3000)
    args = parser.parse_args(argv)
    sys.stdout.write(schema_yaml(args.tables))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
