"""Code lenses above tables: inbound foreign keys, normal form, queries that name the table."""
from __future__ import annotations

from pathlib import Path

from schema_lang.analysis import analyze
from schema_lang.ide.lens import query_tables, table_lenses

SHOP = (Path(__file__).resolve().parents[2] / "examples" / "shop.schema.yaml").read_text(encoding="utf-8")


def titles(text: str) -> dict[str, str]:
    return {lens.table: lens.title for lens in table_lenses(analyze(text))}


def test_the_example():
    document = analyze(SHOP)
    lenses = table_lenses(document)
    assert [lens.table for lens in lenses] == list(document.schema.tables)  # in the order of the file
    for lens in lenses:
        assert document.text[lens.span[0]:lens.span[1]] == lens.table  # on the table's key
    got = {lens.table: lens.title for lens in lenses}
    assert got["users"] == "3 references · BCNF · 0 queries"  # addresses, orders, reviews
    assert got["orders"] == "2 references · BCNF · 2 queries"
    assert got["products"] == "3 references · BCNF · 1 query"
    assert got["product_categories"] == "0 references · BCNF · 1 query"
    # categories references itself (parent_id): that is not counted
    assert got["categories"] == "1 reference · BCNF · 0 queries"


def test_reference_spans_point_at_the_referencing_foreign_keys():
    document = analyze(SHOP)
    users = next(lens for lens in table_lenses(document) if lens.table == "users")
    lines = [document.text[:start].count("\n") for start, _ in users.references]
    assert [document.text[s:e] for s, e in users.references] == ["users"] * 3
    assert all("references users" in document.lines.line_text(line) for line in lines)


def test_normal_form_and_plurals():
    text = """schema: s
tables:
  customers:
    columns:
      id: bigint pk
      zip: varchar(10)
      city: text
    dependencies:
      - zip -> city
  orders:
    columns:
      id: bigint pk
      customer_id: bigint references customers
queries:
  by_city: SELECT id FROM customers WHERE city = 'x'
  with_cte:
    sql: WITH c AS (SELECT id FROM customers) SELECT o.id FROM orders o JOIN c ON c.id = o.customer_id
  broken: SELEKT nonsense FROM
"""
    got = titles(text)
    assert got["customers"] == "1 reference · 2NF · 2 queries"
    assert got["orders"] == "0 references · BCNF · 1 query"


def test_query_tables_leave_out_cte_names():
    document = analyze("""schema: s
tables:
  a:
    columns: {id: int pk}
  b:
    columns: {id: int pk}
queries:
  q: WITH b AS (SELECT id FROM a) SELECT id FROM b
  sub: SELECT id FROM a WHERE id IN (SELECT id FROM b)
""")
    queries = document.schema.queries
    assert query_tables(document.schema, queries["q"]) == {"a"}
    assert query_tables(document.schema, queries["sub"]) == {"a", "b"}


def test_a_table_without_columns_gets_a_lens_without_normal_form():
    assert titles("schema: s\ntables:\n  empty:\n    columns: {}\n") == {"empty": "0 references · 0 queries"}


def test_non_ascii_names():
    document = analyze("""schema: s
tables:
  clientes_ñ:
    columns:
      id: bigint pk
  pedidos:
    columns:
      id: bigint pk
      cliente: bigint references clientes_ñ
""")
    lens = next(lens for lens in table_lenses(document) if lens.table == "clientes_ñ")
    assert lens.title == "1 reference · BCNF · 0 queries"
    assert document.text[lens.span[0]:lens.span[1]] == "clientes_ñ"
