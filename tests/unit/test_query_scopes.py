"""Names in declared queries resolved scope by scope: subqueries (correlated or not), derived
tables, CTEs, UNION branches, JOIN ... USING, LATERAL, output names, INSERT / UPDATE / DELETE.

Every valid query is also run on a real SQLite against the DDL schema-lang generates (and on
PostgreSQL and MariaDB by tests/engines/test_query_scopes_engines.py), so "valid" means an engine
accepts it."""
from __future__ import annotations

import re
import sqlite3

import pytest

from schema_lang.analysis import analyze
from schema_lang.analysis.queries import parse_query
from schema_lang.core.document import Options
from schema_lang.dialects import get_dialect
from schema_lang.generate.ddl import generate
from schema_lang.ide.fixes import fixes_for
from schema_lang.ide.refactor.text_edits import apply_edits
from schema_lang.ide.symbols import COLUMN, TABLE, Symbol, definition, references, rename, symbol_at

SCHEMA = """\
schema: shop
tables:
  users:
    columns:
      id: bigint pk identity
      email: varchar(255) not null unique
      name: text
      created_at: timestamptz not null
  products:
    columns:
      id: bigint pk identity
      name: text not null
      price: decimal(10,2) not null
  orders:
    columns:
      id: bigint pk identity
      user_id: bigint not null references users
      status: varchar(20) not null
      total: decimal(10,2) not null
      placed_at: timestamptz not null
    indexes:
      - user_id
  order_items:
    primary_key: [order_id, product_id]
    columns:
      order_id: bigint not null references orders
      product_id: bigint not null references products
      quantity: int not null
      price: decimal(10,2) not null
    indexes:
      - product_id
"""

PG, LITE, MY = "postgresql", "sqlite", "mysql"
BOTH = (PG, LITE)
ALL = (PG, LITE, MY)

# name -> (sql, the dialects whose engines accept it); parameters are written `:name`
VALID: dict[str, tuple[str, tuple[str, ...]]] = {
    "IN subquery (the reported false alarm)":
        ("SELECT * FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 100)", ALL),
    "correlated EXISTS":
        ("SELECT u.id, u.email FROM users u WHERE EXISTS "
         "(SELECT 1 FROM orders o WHERE o.user_id = u.id AND o.status = :status)", ALL),
    "correlated, unqualified outer column":
        ("SELECT id FROM users WHERE NOT EXISTS "
         "(SELECT 1 FROM orders WHERE orders.user_id = users.id AND placed_at > created_at)", ALL),
    "scalar subquery in the select list":
        ("SELECT u.email, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS order_count FROM users u", ALL),
    "nested correlated subqueries, three levels":
        ("SELECT u.id FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.id AND EXISTS "
         "(SELECT 1 FROM order_items i WHERE i.order_id = o.id AND i.product_id IN "
         "(SELECT id FROM products WHERE products.name = u.name)))", ALL),
    "subquery in HAVING correlated to the grouped table":
        ("SELECT user_id FROM orders o GROUP BY user_id HAVING count(*) > (SELECT count(*) FROM order_items i "
         "WHERE i.order_id IN (SELECT id FROM orders o2 WHERE o2.user_id = o.user_id))", ALL),
    "derived table with aliases":
        ("SELECT t.user_id, t.spent FROM (SELECT user_id, sum(total) AS spent FROM orders GROUP BY user_id) AS t "
         "WHERE t.spent > :min", ALL),
    "derived table over SELECT *":
        ("SELECT x.email FROM (SELECT * FROM users WHERE name IS NOT NULL) x ORDER BY x.email", ALL),
    "derived table holding a join":
        ("SELECT s.email, s.total FROM (SELECT u.email, o.total FROM users u JOIN orders o ON o.user_id = u.id) s "
         "WHERE s.total > 10", ALL),
    "derived table with a column list":
        ("SELECT d.uid FROM (SELECT id FROM users) AS d(uid) WHERE d.uid > 1", (PG,)),
    "CTE joined to a table":
        ("WITH big AS (SELECT user_id, sum(total) AS spent FROM orders GROUP BY user_id) "
         "SELECT u.email, b.spent FROM users u JOIN big b ON b.user_id = u.id ORDER BY b.spent DESC", ALL),
    "CTE with a column list":
        ("WITH c(uid, n) AS (SELECT user_id, count(*) FROM orders GROUP BY user_id) SELECT uid, n FROM c WHERE n > 1",
         ALL),
    "recursive CTE":
        ("WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 10) SELECT n FROM seq", ALL),
    "a CTE reading an earlier one":
        ("WITH paid AS (SELECT * FROM orders WHERE status = 'paid'), "
         "per_user AS (SELECT user_id, count(*) AS n FROM paid GROUP BY user_id) "
         "SELECT users.email, per_user.n FROM users JOIN per_user ON per_user.user_id = users.id", ALL),
    "UNION ordered by an output name":
        ("SELECT id, email AS label FROM users UNION ALL SELECT id, name FROM products ORDER BY label", ALL),
    "UNION inside an IN subquery":
        ("SELECT * FROM products WHERE id IN "
         "(SELECT product_id FROM order_items UNION SELECT id FROM products WHERE price > 100)", ALL),
    "JOIN ... USING":
        ("SELECT o.status, i.quantity, order_id FROM (SELECT id AS order_id, status FROM orders) o "
         "JOIN order_items i USING (order_id)", ALL),
    "NATURAL JOIN":
        ("SELECT order_id, product_id FROM order_items NATURAL JOIN "
         "(SELECT id AS order_id FROM orders WHERE status = 'open') AS open_orders", ALL),
    "LATERAL":
        ("SELECT u.email, last.placed_at FROM users u CROSS JOIN LATERAL "
         "(SELECT placed_at FROM orders o WHERE o.user_id = u.id ORDER BY placed_at DESC LIMIT 1) AS last", (PG,)),
    "ORDER BY an output name":
        ("SELECT user_id, sum(total) AS spent FROM orders GROUP BY user_id ORDER BY spent DESC", ALL),
    "GROUP BY an output name":
        ("SELECT lower(email) AS mailbox, count(*) FROM users GROUP BY mailbox", ALL),
    "HAVING an output name (SQLite)":
        ("SELECT user_id, count(*) AS n FROM orders GROUP BY user_id HAVING n > 2", (LITE,)),
    "ORDER BY a projected column":
        ("SELECT email FROM users ORDER BY email", ALL),
    "window functions":
        ("SELECT id, user_id, row_number() OVER (PARTITION BY user_id ORDER BY placed_at DESC) AS rn FROM orders",
         ALL),
    "window in a derived table, filtered outside":
        ("SELECT id FROM (SELECT id, rank() OVER (ORDER BY total DESC) AS r FROM orders) ranked WHERE r <= 10", ALL),
    "self-join with table aliases":
        ("SELECT a.id, b.id FROM orders a JOIN orders b ON a.user_id = b.user_id AND a.id < b.id", ALL),
    "alias in another case":
        ("SELECT U.email FROM users u WHERE U.id = :id", BOTH),
    "schema-qualified table (PostgreSQL)":
        ("SELECT public.users.email, users.name FROM public.users WHERE public.users.id = :id", (PG,)),
    "schema-qualified table (SQLite)":
        ("SELECT u.email FROM main.users u WHERE u.id = :id", (LITE,)),
    "SELECT *":
        ("SELECT * FROM orders WHERE user_id = :user_id ORDER BY placed_at DESC LIMIT 20", ALL),
    "qualified stars":
        ("SELECT o.*, u.email FROM orders o JOIN users u ON u.id = o.user_id", ALL),
    "DISTINCT ON":
        ("SELECT DISTINCT ON (user_id) user_id, id, placed_at FROM orders ORDER BY user_id, placed_at DESC", (PG,)),
    "system column (PostgreSQL)": ("SELECT ctid, email FROM users", (PG,)),
    "system column (SQLite)": ("SELECT rowid, email FROM users", (LITE,)),
    "INSERT ... VALUES":
        ("INSERT INTO orders (user_id, status, total, placed_at) VALUES (:user_id, 'new', 0, :at)", ALL),
    "INSERT ... SELECT":
        ("INSERT INTO order_items (order_id, product_id, quantity, price) "
         "SELECT :order_id, p.id, 1, p.price FROM products p WHERE p.id = :product_id", ALL),
    "INSERT ... ON CONFLICT DO UPDATE":
        ("INSERT INTO users (email, name, created_at) VALUES (:email, :name, :at) "
         "ON CONFLICT (email) DO UPDATE SET name = excluded.name", BOTH),
    "INSERT ... RETURNING":
        ("INSERT INTO products (name, price) VALUES (:name, :price) RETURNING id", ALL),
    "UPDATE ... FROM":
        ("UPDATE orders SET status = 'vip' FROM users u WHERE u.id = orders.user_id AND u.email = :email", BOTH),
    "UPDATE with an IN subquery":
        ("UPDATE products SET price = price * 1.1 WHERE id IN "
         "(SELECT product_id FROM order_items GROUP BY product_id HAVING sum(quantity) > 100)", ALL),
    "UPDATE with a correlated subquery":
        ("UPDATE orders SET total = (SELECT coalesce(sum(i.quantity * i.price), 0) FROM order_items i "
         "WHERE i.order_id = orders.id)", ALL),
    "UPDATE with an alias, RETURNING":
        ("UPDATE orders AS o SET status = :status WHERE o.id = :id RETURNING o.id, o.status", (PG,)),
    "DELETE ... USING":
        ("DELETE FROM order_items USING orders o WHERE o.id = order_items.order_id AND o.status = 'cancelled'", (PG,)),
    "DELETE with NOT EXISTS":
        ("DELETE FROM orders WHERE NOT EXISTS (SELECT 1 FROM order_items WHERE order_items.order_id = orders.id)",
         ALL),
    "multi-table UPDATE (MySQL)":
        ("UPDATE orders o JOIN users u ON u.id = o.user_id SET o.status = 'vip' WHERE u.email = :email", (MY,)),
    "multi-table DELETE (MySQL)":
        ("DELETE o FROM orders o JOIN users u ON u.id = o.user_id WHERE u.email = :email", (MY,)),
    "INSERT ... ON DUPLICATE KEY UPDATE":
        ("INSERT INTO users (email, name, created_at) VALUES (:email, :name, :at) "
         "ON DUPLICATE KEY UPDATE name = VALUES(name)", (MY,)),
    "HAVING and ORDER BY expressions of output names (MySQL)":
        ("SELECT status AS s, count(*) AS n FROM orders GROUP BY s HAVING n > 2 ORDER BY lower(s)", (MY, LITE)),
    "backquoted names": ("SELECT `u`.`email` FROM `users` `u` WHERE `u`.`id` = :id", (MY,)),
    "system column (MySQL)": ("SELECT _rowid, email FROM users", (MY,)),
}


def with_query(sql: str, style: str = "plain") -> str:
    if style == "block":
        return SCHEMA + "queries:\n  q:\n    sql: |\n" + "".join(f"      {line}\n" for line in sql.split("\n"))
    if style == "double-quoted":
        escaped = sql.replace("\\", "\\\\").replace('"', '\\"')
        return SCHEMA + f'queries:\n  q:\n    sql: "{escaped}"\n'
    return SCHEMA + f"queries:\n  q:\n    sql: {sql}\n"


def name_findings(text: str, dialect: str):
    """The findings about names and SQL (and any internal error): none for a valid query."""
    return [d for d in analyze(text, Options(dialect=dialect)).diagnostics
            if d.rule.startswith(("reference/", "query/", "internal/"))]


_PARAMETER = re.compile(r"(?<![:\w]):([a-z_]+)")


def parameters(sql: str) -> dict[str, None]:
    return dict.fromkeys(_PARAMETER.findall(sql))


@pytest.fixture(scope="module")
def sqlite_shop():
    schema = analyze(SCHEMA).schema
    connection = sqlite3.connect(":memory:")
    connection.executescript(generate(schema, get_dialect("sqlite")).script())
    yield connection
    connection.close()


@pytest.mark.parametrize("case", list(VALID))
def test_valid_queries_have_no_name_findings(case):
    sql, dialects = VALID[case]
    for dialect in dialects:
        assert name_findings(with_query(sql), dialect) == [], dialect


@pytest.mark.parametrize("case", [c for c, (_, d) in VALID.items() if LITE in d])
def test_valid_queries_run_on_sqlite(case, sqlite_shop):
    sql, _ = VALID[case]
    sqlite_shop.execute("EXPLAIN " + sql, parameters(sql))  # compiles it: every name must resolve


def test_the_valid_queries_cover_every_construct():
    text = " ".join(sql for sql, _ in VALID.values()).upper()
    for construct in ("EXISTS", " IN (SELECT", "WITH RECURSIVE", "UNION", "USING (", "NATURAL JOIN", "LATERAL",
                      "OVER (", "INSERT", "UPDATE", "DELETE", "RETURNING", "ON CONFLICT", "SELECT *", "PUBLIC."):
        assert construct in text, construct
    assert len(VALID) >= 25


@pytest.mark.parametrize("style", ["block", "double-quoted"])
def test_subquery_queries_in_block_and_quoted_scalars(style):
    sql = ('SELECT "id" FROM users WHERE id IN\n(SELECT user_id FROM orders WHERE total > 100)' if style == "block"
           else 'SELECT "id" FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 100)')
    assert name_findings(with_query(sql, style), PG) == []


# ---------------------------------------------------------------------------
# invalid queries: the finding, on exactly the name

# (sql, dialect, rule, the name, which occurrence of it in the sql)
INVALID = {
    "unknown column in a subquery": (
        "SELECT * FROM users WHERE id IN (SELECT user_id FROM orders WHERE totl > 100)",
        PG, "reference/unknown-column", "totl", 0),
    "inner scope's column used outside it": (
        "SELECT total FROM users WHERE id IN (SELECT user_id FROM orders)", PG, "reference/unknown-column", "total", 0),
    "inner scope's alias used outside it": (
        "SELECT o.total FROM users WHERE id IN (SELECT user_id FROM orders o)", PG, "reference/unknown-table", "o", 0),
    "unknown alias": ("SELECT x.email FROM users u", PG, "reference/unknown-table", "x", 0),
    "table name hidden by its alias": ("SELECT users.email FROM users u", PG, "reference/unknown-table", "users", 0),
    "unknown table in a subquery": (
        "SELECT * FROM users WHERE id IN (SELECT user_id FROM ordrs)", PG, "reference/unknown-table", "ordrs", 0),
    "unknown table in a CTE": (
        "WITH x AS (SELECT * FROM usr) SELECT * FROM x", PG, "reference/unknown-table", "usr", 0),
    "column a derived table does not expose": (
        "SELECT d.email FROM (SELECT id FROM users) d", PG, "reference/unknown-column", "email", 0),
    "CTE column renamed by its column list": (
        "WITH c(uid) AS (SELECT user_id FROM orders) SELECT user_id FROM c", PG, "reference/unknown-column",
        "user_id", 1),
    "derived table reading a sibling FROM item (no LATERAL)": (
        "SELECT * FROM users u, (SELECT * FROM orders o WHERE o.user_id = u.id) d", PG, "reference/unknown-table",
        "u", 1),
    "HAVING an output name (PostgreSQL)": (
        "SELECT user_id, count(*) AS n FROM orders GROUP BY user_id HAVING n > 2", PG, "reference/unknown-column",
        "n", 1),
    "WHERE an output name (PostgreSQL)": (
        "SELECT total * 2 AS doubled FROM orders WHERE doubled > 10", PG, "reference/unknown-column", "doubled", 1),
    "WHERE an output name (MySQL)": (
        "SELECT total * 2 AS doubled FROM orders WHERE doubled > 10", MY, "reference/unknown-column", "doubled", 1),
    "output name used in the same select list": (
        "SELECT total AS t, t + 1 AS u FROM orders", LITE, "reference/unknown-column", "t", 1),
    "UNION ordered by the second SELECT's name": (
        "SELECT id FROM users UNION SELECT user_id FROM orders ORDER BY user_id", PG, "reference/unknown-column",
        "user_id", 1),
    "UPDATE SET an unknown column": (
        "UPDATE orders SET totl = 0 WHERE id = :id", PG, "reference/unknown-column", "totl", 0),
    "INSERT column list": (
        "INSERT INTO orders (user_id, totl) VALUES (1, 2)", PG, "reference/unknown-column", "totl", 0),
    "USING a column one side lacks": (
        "SELECT * FROM orders JOIN order_items USING (id)", PG, "reference/unknown-column", "id", 0),
    "correlated reference to an unknown outer column": (
        "SELECT id FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.uid)", PG,
        "reference/unknown-column", "uid", 0),
}


def nth_word(text: str, word: str, nth: int, after: int = 0) -> int:
    matches = [m.start() for m in re.finditer(rf"(?<![\w$]){re.escape(word)}(?![\w$])", text[after:])]
    return after + matches[nth]


@pytest.mark.parametrize("case", list(INVALID))
@pytest.mark.parametrize("style", ["plain", "block", "double-quoted"])
def test_invalid_queries_report_the_name_exactly(case, style):
    sql, dialect, rule, name, nth = INVALID[case]
    if style == "block":
        sql = sql.replace(" FROM ", "\nFROM ", 1)  # two lines: the range must cross the line break right
    text = with_query(sql, style)
    found = name_findings(text, dialect)
    at = nth_word(text, name, nth, text.index("queries:"))
    assert [(d.rule, d.start, d.end) for d in found] == [(rule, at, at + len(name))]
    assert found[0].severity.value == "error"


@pytest.mark.parametrize("case", [c for c, v in INVALID.items() if v[1] == LITE])
def test_reported_sqlite_queries_are_refused_by_sqlite(case, sqlite_shop):
    sql = INVALID[case][0]
    with pytest.raises(sqlite3.Error):
        sqlite_shop.execute("EXPLAIN " + sql, parameters(sql))


def test_unknown_names_keep_their_quick_fixes():
    text = with_query("SELECT * FROM users WHERE id IN (SELECT user_id FROM ordrs o WHERE o.totl > 100)")
    document = analyze(text)
    (table,) = [d for d in document.diagnostics if d.rule == "reference/unknown-table"]
    (fix,) = [f for f in fixes_for(document, table) if "orders" in f.title]
    fixed = apply_edits(text, list(fix.edits))
    document = analyze(fixed)
    (column,) = [d for d in document.diagnostics if d.rule == "reference/unknown-column"]
    assert fixed[column.start:column.end] == "totl"
    (fix,) = [f for f in fixes_for(document, column) if "total" in f.title]
    assert name_findings(apply_edits(fixed, list(fix.edits)), PG) == []


def test_an_ambiguous_column_is_not_reported():
    # (the engine rejects it, and says which tables; schema-lang has never reported it)
    assert name_findings(with_query("SELECT id FROM users u JOIN orders o ON o.user_id = u.id"), PG) == []


def test_an_unknown_table_hides_the_columns_it_may_have():
    text = with_query("SELECT user_id, wat FROM ordrs WHERE wat > 1")
    assert [d.rule for d in name_findings(text, PG)] == ["reference/unknown-table"]


# ---------------------------------------------------------------------------
# the index analysis: each block's own tables

def accesses(sql: str, dialect: str = PG):
    document = analyze(with_query(sql), Options(dialect=dialect))
    parsed = parse_query(document.schema, document.schema.queries["q"])
    assert parsed.problems == []
    return [(a.table.name, a.equality, a.ranges, a.joined, a.order_by) for a in parsed.accesses]


def test_subquery_columns_count_for_the_subquery_table():
    assert accesses("SELECT * FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 100)") == [
        ("users", [], [], [], []), ("orders", [], ["total"], [], [])]


def test_a_correlated_outer_column_is_a_constant_for_the_subquery():
    found = accesses("SELECT u.id FROM users u WHERE u.email = :e AND EXISTS "
                     "(SELECT 1 FROM orders o WHERE o.user_id = u.id AND o.status = :s)")
    assert found == [("users", ["email"], [], [], []), ("orders", ["user_id", "status"], [], [], [])]


def test_cte_and_derived_table_blocks_are_analysed_with_their_own_order_and_limit():
    found = accesses("WITH recent AS (SELECT id, user_id FROM orders WHERE status = :s ORDER BY placed_at DESC "
                     "LIMIT 10) SELECT r.id, u.email FROM recent r JOIN users u ON u.id = r.user_id")
    assert ("orders", ["status"], [], [], [("placed_at", True)]) in found
    text = with_query("SELECT r.id FROM (SELECT id FROM orders WHERE status = :s ORDER BY placed_at DESC LIMIT 10) r")
    (hit,) = [d for d in analyze(text).diagnostics if d.rule == "index/query-missing-index"]
    assert hit.data["columns"] == [["status", False], ["placed_at", True]]


def test_a_missing_index_inside_a_subquery_is_reported_and_its_fix_serves_it():
    text = with_query("SELECT * FROM users WHERE id IN (SELECT user_id FROM orders WHERE status = :s)")
    document = analyze(text)
    (hit,) = [d for d in document.diagnostics if d.rule == "index/query-missing-index"]
    assert hit.data["table"] == "orders" and hit.data["columns"] == [["status", False]]
    (fix,) = [f for f in fixes_for(document, hit) if f.title.startswith("Add index")]
    fixed = apply_edits(text, list(fix.edits))
    assert [d for d in analyze(fixed).diagnostics if d.rule.startswith(("index/query", "reference/"))] == []


def test_output_names_and_outer_columns_do_not_count_as_index_columns():
    found = accesses("SELECT user_id, sum(total) AS spent FROM orders GROUP BY user_id ORDER BY spent DESC")
    assert found == [("orders", [], [], [], [])]  # the sort is on an output name: nothing for an index


# ---------------------------------------------------------------------------
# navigation and rename

NAVIGATION = SCHEMA + """\
queries:
  big_spenders:
    sql: |
      WITH big AS (SELECT user_id, sum(total) AS spent FROM orders GROUP BY user_id)
      SELECT u.email, b.spent FROM users u JOIN big b ON b.user_id = u.id
      WHERE EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.id AND o.total > 100)
      ORDER BY spent DESC
  buyers: SELECT x.email FROM (SELECT email FROM users) x WHERE x.email IN (SELECT email FROM users WHERE name = :n)
"""


def at(text: str, needle: str, nth: int = 0, inner: int = 0) -> int:
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return start + inner


def declaration_text(text: str, occurrence) -> str:
    return text[occurrence.start:occurrence.end]


def test_definition_of_columns_inside_subqueries_and_ctes():
    document = analyze(NAVIGATION)
    # inside the CTE
    found = definition(document, at(NAVIGATION, "user_id, sum"))
    assert found.symbol == Symbol(COLUMN, "user_id", "orders") and found.declaration
    # inside the correlated subquery: the inner table's column, and the outer one's
    assert definition(document, at(NAVIGATION, "o.total", 0, 2)).symbol == Symbol(COLUMN, "total", "orders")
    assert definition(document, at(NAVIGATION, "u.id AND", 0, 2)).symbol == Symbol(COLUMN, "id", "users")
    # through the CTE and the derived table, which pass the column on unchanged
    assert symbol_at(document, at(NAVIGATION, "b.user_id", 0, 2)).symbol == Symbol(COLUMN, "user_id", "orders")
    assert symbol_at(document, at(NAVIGATION, "x.email", 0, 2)).symbol == Symbol(COLUMN, "email", "users")
    # a name the query makes up is nobody's column
    assert symbol_at(document, at(NAVIGATION, "b.spent", 0, 2)) is None
    assert symbol_at(document, at(NAVIGATION, "spent DESC")) is None
    assert symbol_at(document, at(NAVIGATION, "orders o")).symbol == Symbol(TABLE, "orders")


def test_references_of_a_column_include_every_scope():
    document = analyze(NAVIGATION)
    found = [o for o in references(document, at(NAVIGATION, "      email:", 0, 6)) if o.role == "query"]
    # big_spenders' u.email; buyers': the derived table's, both x.email outside it, the IN subquery's
    assert len(found) == 5
    assert {NAVIGATION[o.start:o.end] for o in found} == {"email"}


def test_rename_a_column_used_in_a_cte_and_a_correlated_subquery():
    out = apply_edits(NAVIGATION, rename(analyze(NAVIGATION), at(NAVIGATION, "user_id: bigint"), "buyer_id").edits)
    assert "WITH big AS (SELECT buyer_id, sum(total) AS spent FROM orders GROUP BY buyer_id)" in out
    assert "JOIN big b ON b.buyer_id = u.id" in out
    assert "WHERE o.buyer_id = u.id AND o.total > 100" in out
    assert [d for d in analyze(out).diagnostics if d.severity.value == "error"] == []


def test_rename_a_column_passed_through_a_derived_table():
    out = apply_edits(NAVIGATION, rename(analyze(NAVIGATION), at(NAVIGATION, "      email:", 0, 6), "mail").edits)
    assert "SELECT u.mail, b.spent" in out
    assert "SELECT x.mail FROM (SELECT mail FROM users) x WHERE x.mail IN (SELECT mail FROM users" in out
    assert [d for d in analyze(out).diagnostics if d.severity.value == "error"] == []


def test_rename_a_table_used_only_in_a_subquery():
    text = with_query("SELECT * FROM users WHERE id IN (SELECT product_id FROM order_items WHERE quantity > 1)")
    out = apply_edits(text, rename(analyze(text), at(text, "  order_items:", 0, 2), "lines").edits)
    assert "(SELECT product_id FROM lines WHERE quantity > 1)" in out
    assert [d for d in analyze(out).diagnostics if d.severity.value == "error"] == []
