"""Index analysis: foreign keys, declared queries, redundant and duplicate indexes."""
from __future__ import annotations

import pytest

from schema_lang.analysis import analyze
from schema_lang.core.document import Options
from schema_lang.ide.fixes import fixes_for
from schema_lang.ide.refactor.text_edits import apply_edits


def schema(tables: str, queries: str = "", context: str = "") -> str:
    """`tables` and `queries` are given at their final indentation."""
    text = "schema: s\n" + context + "tables:\n" + tables
    if queries:
        text += "queries:\n" + queries
    return text


PARENT = """\
  users:
    columns:
      id: bigint pk
      email: text not null unique
      created_at: timestamptz
"""


def found(text: str, rule: str, dialect: str | None = None):
    return [d for d in analyze(text, Options(dialect=dialect)).diagnostics if d.rule == rule]


# ---------------------------------------------------------------------------
# foreign keys

FK_CASES = {
    "no index": ("      user_id: bigint references users\n", "", True),
    "own index": ("      user_id: bigint references users\n", "    indexes:\n      - user_id\n", False),
    "composite index that starts with it": ("      user_id: bigint references users\n      at: int\n",
                                            "    indexes:\n      - (user_id, at)\n", False),
    "composite index that does not start with it": ("      user_id: bigint references users\n      at: int\n",
                                                    "    indexes:\n      - (at, user_id)\n", True),
    "partial index": ("      user_id: bigint references users\n",
                      "    indexes:\n      - {columns: [user_id], where: user_id > 0}\n", True),
}


@pytest.mark.parametrize("case", list(FK_CASES))
def test_fk_missing_index(case):
    columns, extra, fires = FK_CASES[case]
    text = schema(PARENT + "  orders:\n    columns:\n      id: bigint pk\n" + columns + extra)
    hits = found(text, "index/fk-missing-index")
    assert bool(hits) == fires
    if fires:
        assert text[hits[0].start:hits[0].end] == "references users"
        assert hits[0].severity.value == "warning"


def test_fk_covered_by_the_primary_key():
    text = schema(PARENT + """\
  follows:
    primary_key: [user_id, other_id]
    columns:
      user_id: bigint references users
      other_id: bigint references users
    indexes:
      - other_id
""")
    assert found(text, "index/fk-missing-index") == []


def test_composite_fk_in_reversed_order_is_covered():
    text = schema("""\
  parents:
    primary_key: [a, b]
    columns:
      a: int
      b: int
  children:
    columns:
      id: bigint pk
      pa: int
      pb: int
    foreign_keys:
      - {columns: [pa, pb], references: "parents(a, b)"}
    indexes:
      - (pb, pa)
""")
    assert found(text, "index/fk-missing-index") == []
    uncovered = text.replace("      - (pb, pa)\n", "      - pb\n")
    assert len(found(uncovered, "index/fk-missing-index")) == 1


def test_mysql_creates_fk_indexes_itself():
    text = schema(PARENT + "  orders:\n    columns:\n      id: bigint pk\n      user_id: bigint references users\n")
    (hit,) = found(text, "index/fk-missing-index", "mysql")
    assert hit.severity.value == "info" and "InnoDB" in hit.message


# ---------------------------------------------------------------------------
# redundant and duplicate

def indexed(lines: str, columns: str = "      a: int\n      b: int\n      c: int\n") -> str:
    return schema("  t:\n    columns:\n      id: bigint pk\n" + columns + "    indexes:\n" + lines)


@pytest.mark.parametrize("lines, underlined", [
    ("- a\n- (a, b)\n", "a"),
    ("- (a, b)\n- (a, b, c)\n", "(a, b)"),
    ("- (a desc, b desc)\n- (a, b, c)\n", "(a desc, b desc)"),  # read backwards
])
def test_redundant_index(lines, underlined):
    text = indexed("".join("      " + line + "\n" for line in lines.splitlines()))
    (hit,) = found(text, "index/redundant-index")
    assert text[hit.start:hit.end] == underlined


@pytest.mark.parametrize("lines", [
    "- (a, b)\n- (b, a)\n",  # different leading column
    "- {columns: [a], unique: true}\n- (a, b)\n",  # backs a UNIQUE constraint
    "- {columns: [a], where: a > 0}\n- (a, b)\n",  # partial
    "- {columns: [a], using: hash}\n- (a, b)\n",  # another kind
    "- (a desc, b)\n- (a, b, c)\n",  # mixed directions differ
])
def test_not_redundant(lines):
    text = indexed("".join("      " + line + "\n" for line in lines.splitlines()))
    assert found(text, "index/redundant-index") == []


def test_primary_key_prefix_index_is_redundant_but_not_the_key():
    text = schema("""\
  t:
    primary_key: [a, b]
    columns:
      a: int
      b: int
    indexes:
      - a
""")
    (hit,) = found(text, "index/redundant-index")
    assert "primary key (a, b)" in hit.message


def test_duplicate_index():
    text = indexed("      - (a, b)\n      - {columns: [a, b], name: again}\n")
    (hit,) = found(text, "index/duplicate-index")
    assert text[hit.start:hit.end] == "{columns: [a, b], name: again}"
    assert found(text, "index/redundant-index") == []
    assert found(indexed("      - (a, b)\n      - (a, b desc)\n"), "index/duplicate-index") == []
    assert found(indexed("      - (a, b)\n      - {columns: [a, b], using: hash}\n"), "index/duplicate-index") == []


def test_index_repeating_a_unique_constraint_is_a_duplicate():
    text = schema("  t:\n    columns:\n      id: bigint pk\n      a: int unique\n    indexes:\n      - a\n")
    (hit,) = found(text, "index/duplicate-index")
    assert "unique (a)" in hit.message


def test_write_heavy_table():
    many = indexed("".join(f"      - (c, {x})\n" for x in ("a", "b", "id")) + "      - a\n      - b\n      - id\n")
    heavy = many.replace("schema: s\n", 'schema: s\ncontext:\n  read_write_ratio: "1:4"\n')
    (hit,) = found(heavy, "index/write-heavy-table")
    assert "6 secondary indexes" in hit.message
    assert found(many, "index/write-heavy-table") == []  # no context: nothing to say
    relaxed = heavy.replace('"1:4"\n', '"1:4"\n  write_heavy_index_limit: 6\n')
    assert found(relaxed, "index/write-heavy-table") == []
    read_heavy = heavy.replace('"1:4"', '"4:1"')
    assert found(read_heavy, "index/write-heavy-table") == []


# ---------------------------------------------------------------------------
# queries

ORDERS = PARENT + """\
  orders:
    columns:
      id: bigint pk
      user_id: bigint not null references users
      status: text not null
      placed_at: timestamptz not null
      total: int
    indexes:
      - user_id
"""

QUERY_CASES = {
    "equality and order": ("SELECT id FROM orders WHERE user_id = :u ORDER BY placed_at DESC LIMIT 10",
                           "(user_id, placed_at desc)"),
    "equality only, served": ("SELECT id FROM orders WHERE user_id = ?", None),
    "range": ("SELECT id FROM orders WHERE status = 'paid' AND placed_at >= $1", "(status, placed_at)"),
    "IN counts as equality": ("SELECT id FROM orders WHERE status IN ('a', 'b') AND total > 5", "(status, total)"),
    "key lookup": ("SELECT total FROM orders WHERE id = ?", None),
    "unique lookup with order is still one row": ("SELECT id FROM users WHERE email = ? ORDER BY created_at", None),
    "join reaches the other table by its key": (
        "SELECT o.id FROM orders o JOIN users u ON u.id = o.user_id WHERE o.user_id = ?", None),
    "join filtered on the joined table": (
        "SELECT o.id FROM users u JOIN orders o ON o.user_id = u.id WHERE o.status = ?", "status"),
    "order by alone": ("SELECT id FROM orders ORDER BY placed_at DESC LIMIT 20", "placed_at"),
    "group by": ("SELECT status, count(*) FROM orders GROUP BY status", "status"),
    "leading wildcard needs no index": ("SELECT id FROM orders WHERE status LIKE '%x'", None),
    "prefix like is a range": ("SELECT id FROM orders WHERE status LIKE 'pa%'", "status"),
    "update by key": ("UPDATE orders SET total = 1 WHERE id = ?", None),
    "delete by status": ("DELETE FROM orders WHERE status = 'cancelled'", "status"),
}


@pytest.mark.parametrize("case", list(QUERY_CASES))
def test_query_missing_index(case):
    sql, proposed = QUERY_CASES[case]
    text = schema(ORDERS, f"  q:\n    sql: {sql}\n    frequency: 20/s\n")
    hits = found(text, "index/query-missing-index")
    if proposed is None:
        assert hits == []
        return
    (hit,) = hits
    assert f"add index {proposed} to" in hit.message and "(20/s)" in hit.message
    assert text[hit.start:hit.end] == sql  # on the query's sql
    # the fix adds exactly that index, and the finding goes
    (fix,) = [f for f in fixes_for(analyze(text), hit) if f.title.startswith("Add index")]
    assert fix.title == f"Add index {proposed} to {hit.table}"
    fixed = apply_edits(text, list(fix.edits))
    assert found(fixed, "index/query-missing-index") == []
    assert [d for d in analyze(fixed).diagnostics if d.severity.value == "error"] == []


def test_order_direction_must_match_or_be_reversed():
    text = schema(ORDERS.replace("      - user_id\n", "      - (user_id, placed_at)\n"),
                  "  q: SELECT id FROM orders WHERE user_id = 1 ORDER BY placed_at DESC LIMIT 5\n"
                  "  r: SELECT id FROM orders ORDER BY user_id DESC, placed_at DESC LIMIT 5\n"
                  "  s: SELECT id FROM orders ORDER BY user_id, placed_at DESC LIMIT 5\n")
    hits = found(text, "index/query-missing-index")
    assert [h.data["query"] for h in hits] == ["s"]


def test_partial_index_serves_only_queries_that_state_its_condition():
    tables = ORDERS.replace("      - user_id\n",
                            "      - user_id\n      - {columns: [placed_at], where: \"status = 'paid'\"}\n")
    text = schema(tables, "  q: SELECT id FROM orders WHERE status = 'paid' AND placed_at > ?\n")
    hits = found(text, "index/query-missing-index")
    assert hits and "(status, placed_at)" in hits[0].message  # the partial index covers only placed_at
    served = schema(tables, "  q: SELECT id FROM orders WHERE placed_at > ? AND status = 'paid'\n")
    # equality on status is still wanted first; the partial one does not lead with it
    assert found(served, "index/query-missing-index")


def test_query_syntax_error_points_inside_the_string():
    text = schema(ORDERS, "  q: SELECT id FROM orders WHERE user_id = = 1\n")
    (hit,) = found(text, "query/syntax")
    assert hit.severity.value == "error"
    line = text[text.index("  q: "):]
    assert text.index("  q: ") < hit.start and hit.end <= text.index("  q: ") + len(line.splitlines()[0])


def test_unknown_table_and_column_in_a_query():
    text = schema(ORDERS, "  q: SELECT o.totl FROM ordrs x JOIN orders o ON o.id = x.id\n")
    diagnostics = analyze(text).diagnostics
    table = next(d for d in diagnostics if d.rule == "reference/unknown-table")
    assert text[table.start:table.end] == "ordrs" and "did you mean 'orders'" in table.message
    column = next(d for d in diagnostics if d.rule == "reference/unknown-column")
    assert text[column.start:column.end] == "totl" and "did you mean 'total'" in column.message


def test_folded_sql_positions():
    text = schema(ORDERS, "  q:\n    sql: >-\n      SELECT id FROM orders\n      WHERE statuss = 'x'\n")
    (hit,) = [d for d in analyze(text).diagnostics if d.rule == "reference/unknown-column"]
    assert text[hit.start:hit.end] == "statuss"


def test_fixes_remove_redundant_and_duplicate_indexes():
    text = indexed("      - a   # the lone one\n      - (a, b)\n      - (a, b)\n")
    for rule in ("index/duplicate-index", "index/redundant-index"):
        doc = analyze(text)
        (hit,) = [d for d in doc.diagnostics if d.rule == rule]
        (fix,) = fixes_for(doc, hit)
        text = apply_edits(text, list(fix.edits))
    assert [d.rule for d in analyze(text).diagnostics] == []
    assert "      - (a, b)\n" in text and "# the lone one" not in text


def test_add_index_creates_the_indexes_key():
    text = schema(PARENT + "  orders:\n    columns:\n      id: bigint pk\n      user_id: bigint references users\n"
                  "  other:\n    columns:\n      id: int pk\n")
    doc = analyze(text)
    (hit,) = [d for d in doc.diagnostics if d.rule == "index/fk-missing-index"]
    (fix,) = fixes_for(doc, hit)
    fixed = apply_edits(text, list(fix.edits))
    assert "      user_id: bigint references users\n    indexes:\n      - user_id\n  other:" in fixed
    assert analyze(fixed).diagnostics == []


def test_example_is_clean_of_index_findings():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "examples" / "shop.schema.yaml").read_text()
    assert [d for d in analyze(text).diagnostics if d.rule.startswith("index/")] == []


@pytest.mark.parametrize("sql", [
    "SELECT id FROM orders WHERE status IS NOT NULL",
    "SELECT id FROM orders WHERE status NOT LIKE 'pa%'",
    "WITH recent AS (SELECT id FROM orders WHERE id = 1) SELECT id FROM recent",
    "SELECT o.id FROM orders o JOIN users u ON u.id = o.user_id WHERE u.id = 1 AND u.created_at > ?",
])
def test_no_index_wanted(sql):
    text = schema(ORDERS, f"  q: {sql}\n")
    assert [d.rule for d in analyze(text).diagnostics] == []


def test_range_and_order_without_limit_is_described_as_a_range():
    text = schema(ORDERS, "  q: SELECT id FROM orders WHERE total > 5 ORDER BY placed_at\n")
    (hit,) = found(text, "index/query-missing-index")
    assert "a range on total" in hit.message and "add index total" in hit.message
