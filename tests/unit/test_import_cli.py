"""`schema-lang import`: SQL DDL (a file, or a folder of migrations in name order) to a schema file."""
from __future__ import annotations

from pathlib import Path

from schema_lang.cli import main
from schema_lang.document import analyze

ROOT = Path(__file__).resolve().parents[2]


def test_import_a_dump_written_by_ddl(tmp_path, capsys):
    dump = tmp_path / "shop.sql"
    assert main(["ddl", str(ROOT / "examples" / "shop.schema.yaml"), "--dialect", "postgresql", "-o", str(dump)]) == 0
    out = tmp_path / "shop.schema.yaml"
    assert main(["import", str(dump), "--from", "postgresql", "-o", str(out)]) == 0
    document = analyze(out.read_text())
    assert not [d for d in document.diagnostics if d.severity.value == "error"]
    assert set(document.schema.tables) == set(analyze((ROOT / "examples" / "shop.schema.yaml").read_text()).schema.tables)
    first = out.read_text()
    assert main(["import", str(dump), "--from", "postgresql", "-o", str(out)]) == 0
    assert out.read_text() == first  # byte-identical


def test_import_a_folder_of_migrations_in_name_order(tmp_path, capsys):
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "0002_orders.sql").write_text(
        "CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint NOT NULL REFERENCES users (id));\n"
        "CREATE INDEX idx_orders_user_id ON orders (user_id);\n")
    (folder / "0001_users.sql").write_text("SET search_path = public;\nCREATE TABLE users (id bigint PRIMARY KEY);\n")
    assert main(["import", str(folder)]) == 0
    captured = capsys.readouterr()
    document = analyze(captured.out)
    assert list(document.schema.tables) == ["users", "orders"]
    assert document.schema.tables["orders"].foreign_keys[0].table == "users"
    assert "skipped: 1 SET" in captured.err
    assert main(["import", str(tmp_path / "missing.sql")]) == 2
