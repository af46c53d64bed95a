"""The index advisor checked against real planners (SQLite, PostgreSQL)."""
from __future__ import annotations

import json

import pytest

from schema_lang.analysis import analyze
from schema_lang.analysis.queries import parse_query
from schema_lang.cli import main
from schema_lang.generate.explain import Generator, bind, explain, volume
from schema_lang.ide.fixes import fixes_for
from schema_lang.ide.refactor.text_edits import apply_edits

SCHEMA = """\
schema: advisor
tables:
  users:
    rows: 500k
    columns:
      id: bigint pk identity
      email: varchar(255) not null unique
      country: char(2) not null
  orders:
    rows: 2M
    columns:
      id: bigint pk identity
      user_id: bigint not null references users
      status: varchar(20) not null
      total: int not null check (total >= 0)
      placed_at: timestamptz not null
queries:
  recent_for_user:
    sql: SELECT id, total FROM orders WHERE user_id = :user_id ORDER BY placed_at DESC LIMIT 10
    frequency: 300/s
  by_status_since:
    sql: SELECT id FROM orders WHERE status = ? AND placed_at >= ?
    frequency: 5/s
  by_total:
    sql: SELECT id FROM orders WHERE total BETWEEN $1 AND $2
    frequency: 1/s
  orders_of_email:
    sql: SELECT o.id FROM users u JOIN orders o ON o.user_id = u.id WHERE u.email = :email
    frequency: 50/s
  user_by_id:
    sql: SELECT email FROM users WHERE id = ?
    frequency: 1000/s
"""

ENGINES = ["sqlite", "postgresql"]


def run(text: str, engine: str, uri: str | None):
    return {r.query: r for r in explain(analyze(text).schema, engine, server_uri=uri)}


def with_all_proposals(text: str) -> tuple[str, dict[str, str]]:
    """Applies every "add index" fix the advisor offers; returns the text and query -> proposed columns."""
    proposals = {}
    while True:
        doc = analyze(text)
        # queries first: their indexes often lead with the foreign key and cover it too
        missing = sorted((d for d in doc.diagnostics
                          if d.rule in ("index/query-missing-index", "index/fk-missing-index")),
                         key=lambda d: d.rule != "index/query-missing-index")
        if not missing:
            return text, proposals
        d = missing[0]
        fix = fixes_for(doc, d)[0]
        if d.rule == "index/query-missing-index":
            proposals[d.data["query"]] = fix.title
        text = apply_edits(text, list(fix.edits))


@pytest.fixture(params=ENGINES)
def engine(request):
    return request.param


@pytest.fixture
def uri(engine, request):
    return request.getfixturevalue("postgres_uri") if engine == "postgresql" else None


def test_advisor_proposals_are_used_by_the_planner(engine, uri):
    before = run(SCHEMA, engine, uri)
    # without the proposed indexes the planner has nothing fitting for those queries
    assert before["by_total"].uses_index is None
    assert before["by_total"].predicted is None
    text, proposals = with_all_proposals(SCHEMA)
    assert set(proposals) == {"recent_for_user", "by_status_since", "by_total"}
    assert proposals["recent_for_user"] == "Add index (user_id, placed_at desc) to orders"
    after = run(text, engine, uri)
    for name in proposals:
        result = after[name]
        assert result.predicted is not None and result.predicted.startswith("idx_orders_"), result
        assert result.uses_index == result.predicted, (name, result.plan)


def test_queries_the_advisor_calls_covered_use_an_index(engine, uri):
    text, _ = with_all_proposals(SCHEMA)
    doc = analyze(text)
    assert [d for d in doc.diagnostics if d.rule.startswith("index/")] == []
    for name, result in run(text, engine, uri).items():
        assert result.uses_index is not None, (name, result.plan)
        assert result.uses_index == result.predicted, (name, result.plan)


def test_explain_json_contract(tmp_path, capsys):
    path = tmp_path / "a.schema.yaml"
    path.write_text(SCHEMA)
    assert main(["explain", str(path), "--format", "json"]) == 0
    results = json.loads(capsys.readouterr().out)
    assert [r["query"] for r in results] == ["recent_for_user", "by_status_since", "by_total", "orders_of_email",
                                             "user_by_id"]
    for r in results:
        assert set(r) == {"query", "engine", "uses_index", "predicted", "plan"}
        assert r["engine"] == "sqlite" and r["plan"]
    assert next(r for r in results if r["query"] == "user_by_id")["uses_index"] == "INTEGER PRIMARY KEY"


def test_explain_refuses_a_file_with_errors(tmp_path, capsys):
    path = tmp_path / "a.schema.yaml"
    path.write_text(SCHEMA.replace("references users", "references usrs"))
    assert main(["explain", str(path)]) == 2
    assert "fix the errors" in capsys.readouterr().err


def test_synthetic_rows_respect_keys_uniques_checks_and_foreign_keys():
    schema = analyze(SCHEMA).schema
    generator = Generator(schema)
    users_cols, users = generator.rows(schema.tables["users"])
    orders_cols, orders = generator.rows(schema.tables["orders"])
    assert len(users) == volume(schema.tables["users"]) == 5000
    assert len(orders) == volume(schema.tables["orders"]) == 20000
    ids = {r[users_cols.index("id")] for r in users}
    assert len(ids) == len(users)
    assert len({r[users_cols.index("email")] for r in users}) == len(users)
    assert all(r[orders_cols.index("user_id")] in ids for r in orders)
    assert all(r[orders_cols.index("total")] >= 0 for r in orders)
    assert all(len(r[users_cols.index("country")]) == 2 for r in users)


def test_placeholders_are_bound_to_real_values():
    schema = analyze(SCHEMA).schema
    generator = Generator(schema)
    for table in ("users", "orders"):
        generator.rows(schema.tables[table])
    parsed = parse_query(schema, schema.queries["orders_of_email"])
    sql = bind(schema, parsed, generator, "postgresql")
    assert ":email" not in sql and "@example.com'" in sql
    parsed = parse_query(schema, schema.queries["by_total"])
    assert "$1" not in bind(schema, parsed, generator, "postgresql")
