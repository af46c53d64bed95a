"""Importing a dump the size of a real application's (400 tables, 3,000 columns, 800
foreign keys; bench/gen_dump.py): made by the real pg_dump, imported whole, and rebuilt
from the imported file into the same catalog.  (Its speed is measured by
bench/import_cost.py, not here.)"""
from __future__ import annotations

import sys
from pathlib import Path

from catalogs import PostgresDB, comparable_after_import
from test_import_engines import _pg_dump

from schema_lang.analysis import analyze
from schema_lang.dialects import get_dialect
from schema_lang.generate.ddl import generate
from schema_lang.importers import import_sql

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from gen_dump import source_ddl  # noqa: E402


def test_a_400_table_pg_dump_round_trips(postgres_uri):
    with PostgresDB(postgres_uri) as original:
        original.connection.execute(source_ddl())
        dump = _pg_dump(postgres_uri, original.name)
        expected = comparable_after_import(original.catalog(), "postgresql")
    assert len(expected["tables"]) == 400

    result = import_sql(dump, "postgresql", schema_name="big")
    assert import_sql(dump, "postgresql", schema_name="big").yaml_text == result.yaml_text
    document = analyze(result.yaml_text)
    assert [d.message for d in document.diagnostics if d.severity.value == "error"] == []
    schema = document.schema
    assert len(schema.tables) == 400
    assert sum(len(t.columns) for t in schema.tables.values()) == 3000
    assert sum(len(t.foreign_keys) for t in schema.tables.values()) == 800
    assert result.skipped["CREATE VIEW"] == 40 and result.skipped["CREATE FUNCTION"] == 1

    with PostgresDB(postgres_uri) as rebuilt:
        rebuilt.run(generate(schema, get_dialect("postgresql")).script())
        assert comparable_after_import(rebuilt.catalog(), "postgresql") == expected
