"""Write the benchmark schema of gen_schema.py as a Prisma schema.

`schema_prisma(n)` describes the same tables, columns, foreign keys and
indexes as `gen_schema.schema_yaml(n)`, so the Prisma language server and
ours can be timed on equivalent input:

    python bench/prisma_schema.py --tables 3000 > schema.prisma

The datasource has no `url = env("DATABASE_URL")` by default: Prisma 7 (the
engine inside the language server the benchmark pins) rejects that property
with a validation error and expects the URL in `prisma.config.ts` instead.
Pass `with_url=True` for the Prisma 6 spelling.

What Prisma cannot say is left out: the `check (amount >= 0)` constraint and
the `rows:`/`description:` metadata have no Prisma counterpart. In exchange
Prisma requires a back-relation list field on every parent model
(`children`), which has no column behind it.
"""
from __future__ import annotations

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from gen_schema import table_layout  # noqa: E402


def model_name(table: str) -> str:
    """entity_00042 -> Entity00042 (Prisma models are conventionally PascalCase)."""
    return "".join(part[:1].upper() + part[1:] for part in table.split("_"))


# Prisma spelling of each column of table_layout(), keyed by column name.
# The relation field and the back-relation depend on the neighbours, so they
# are added in schema_prisma() itself.
_FIELDS = {
    "id": "BigInt @id @default(autoincrement())",
    "code": "String @unique @db.VarChar(32)",
    "name": "String @db.VarChar(200)",
    "status": "EntityStatus @default(active)",
    "amount": "Decimal? @db.Decimal(12, 2)",
    "notes": "String?",
    "created_at": "DateTime @default(now()) @db.Timestamptz",
    "parent_id": "BigInt?",
}


def _model(i: int, n_tables: int) -> list[str]:
    layout = table_layout(i)
    lines = [f"model {model_name(layout['name'])} {{"]
    for column, _type, _mods in layout["columns"]:
        lines.append(f"  {column} {_FIELDS[column]}")
    if layout["parent"]:
        parent = model_name(layout["parent"])
        lines.append(
            f"  parent {parent}? @relation(fields: [parent_id], references: [id], onDelete: Cascade)"
        )
    if i + 1 < n_tables:
        # The next table points at this one; Prisma insists on the opposite side.
        lines.append(f"  children {model_name(table_layout(i + 1)['name'])}[]")
    lines.append("")
    lines.append("  @@index([status, created_at(sort: Desc)])")
    if layout["parent"]:
        lines.append("  @@index([parent_id])")
    lines.append(f'  @@map("{layout["name"]}")')
    lines.append("}")
    return lines


def schema_prisma(n_tables: int, with_url: bool = False) -> str:
    out = [
        "// Synthetic schema for benchmarks (see bench/gen_schema.py)",
        "",
        "datasource db {",
        '  provider = "postgresql"',
    ]
    if with_url:
        out.append('  url      = env("DATABASE_URL")')
    out += [
        "}",
        "",
        "enum EntityStatus {",
        "  active",
        "  archived",
        "  deleted",
        "",
        '  @@map("entity_status")',
        "}",
    ]
    for i in range(n_tables):
        out.append("")
        out.extend(_model(i, n_tables))
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tables", type=int, default=3000)
    parser.add_argument(
        "--with-url", action="store_true", help="emit the datasource url (Prisma 6 and older)"
    )
    args = parser.parse_args(argv)
    sys.stdout.write(schema_prisma(args.tables, with_url=args.with_url))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
