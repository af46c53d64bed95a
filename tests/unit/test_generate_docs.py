"""The ER diagram and the design document, checked against the schema they come from."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from schema_lang.analysis import analyze
from schema_lang.analysis.indexes import indexes_of
from schema_lang.cli import main
from schema_lang.generate.docs import design_document
from schema_lang.generate.erd import dot, mermaid

ROOT = Path(__file__).resolve().parents[2]
SHOP = analyze((ROOT / "examples" / "shop.schema.yaml").read_text()).schema

ONE_TO_ONE = analyze("""\
schema: s
tables:
  users:
    columns:
      id: bigint pk
  profiles:
    columns:
      user_id: bigint pk references users
      bio: text
""").schema


def test_mermaid_has_every_table_column_and_relationship():
    text = mermaid(SHOP)
    assert text.startswith("erDiagram\n")
    for table in SHOP.tables.values():
        block = re.search(rf"^    {table.name} \{{\n(.*?)^    \}}", text, re.M | re.S)
        assert block, table.name
        for column in table.columns:
            assert re.search(rf"^        \S+ {column}\b", block.group(1), re.M), (table.name, column)
        for key in table.primary_key:
            assert re.search(rf" {key} PK", block.group(1))
        for fk in table.foreign_keys:
            optional = any(table.columns[c].nullable for c in fk.columns)
            line = f"    {fk.table} {'|o' if optional else '||'}--o{{ {table.name} : \"{', '.join(fk.columns)}\""
            assert line in text, line
    assert '    products }o..o{ categories : "many-to-many through product_categories"' in text
    assert 'varchar email UK "PII"' in text


def test_one_to_one_when_the_foreign_key_is_unique():
    assert '    users ||--o| profiles : "user_id"' in mermaid(ONE_TO_ONE)


def test_dot_has_every_table_and_edge():
    text = dot(SHOP)
    for table in SHOP.tables.values():
        assert f'  "{table.name}" [label="{table.name}|' in text
        for fk in table.foreign_keys:
            assert f'  "{table.name}" -> "{fk.table}"' in text


def test_design_document_structure_and_content():
    text = design_document(SHOP, today=dt.date(2026, 11, 21))
    headings = re.findall(r"^## (.+)$", text, re.M)
    assert headings == ["Overview", "Database choice", "Entity-relationship diagram", "Tables", "Normalization",
                        "Query analysis", "Migration strategy", "Scaling", "Data integrity", "Security",
                        "Backup and monitoring"]
    assert "- Date: 2026-11-21" in text and "- Database: PostgreSQL" in text
    assert "```mermaid\n" + mermaid(SHOP) + "```" in text
    for table in SHOP.tables.values():
        section = text.split(f"\n### {table.name}\n", 1)[1].split("\n### ", 1)[0].split("\n## ", 1)[0]
        if table.description:
            assert table.description in section
        rows = [line for line in section.splitlines() if line.startswith("| ") and not line.startswith("| Column")]
        assert [r.split(" | ")[0][2:] for r in rows] == list(table.columns)
        # every index is listed with the reason it exists
        index_lines = [line for line in section.splitlines() if line.startswith("- ") and "(" in line
                       and ("index" in line or "primary key" in line or "unique" in line)]
        assert len(index_lines) == len(indexes_of(table))
        assert not [line for line in index_lines if "no declared query or key uses it" in line], index_lines
        assert f"CREATE TABLE {table.name} (" in section
        for column in table.columns.values():
            if column.pii:
                assert re.search(rf"^\| {column.name} \|.*\| yes \|$", section, re.M)
    for name in SHOP.queries:
        assert re.search(rf"^\| {name} \|", text, re.M)
    assert "order_items.unit_price: the price at the time of purchase" in text
    pii = [f"{t.name}.{c.name}" for t in SHOP.tables.values() for c in t.columns.values() if c.pii]
    assert f"Personal data (`pii`): {', '.join(pii)}." in text
    assert "| products ↔ categories | many-to-many | product_categories | |" in text
    assert "Availability target 99.95%" in text and "Keep orders for 7y" in text


def test_document_says_only_what_the_file_says():
    bare = analyze("schema: s\ntables:\n  t:\n    columns:\n      id: bigint pk\n").schema
    text = design_document(bare, today=dt.date(2026, 1, 1))
    assert "| Requirement |" not in text  # no context: no requirements table
    assert "No column is marked `pii`." in text
    assert "Query analysis" not in text
    assert "No availability target given" in text


def test_cli_doc_and_erd(tmp_path):
    out = tmp_path / "shop.md"
    assert main(["doc", str(ROOT / "examples" / "shop.schema.yaml"), "-o", str(out)]) == 0
    assert out.read_text().startswith("# shop: database design")
    erd = tmp_path / "shop.dot"
    assert main(["erd", str(ROOT / "examples" / "shop.schema.yaml"), "--format", "dot", "-o", str(erd)]) == 0
    assert erd.read_text().startswith('digraph "shop" {')
