"""`schema-lang import`: SQL DDL (a file, or a folder of migrations in name order) to a schema file."""
from __future__ import annotations

from pathlib import Path

from schema_lang.analysis import analyze
from schema_lang.cli import main

ROOT = Path(__file__).resolve().parents[2]


def test_import_a_dump_written_by_ddl(tmp_path, capsys):
    dump = tmp_path / "shop.sql"
    assert main(["ddl", str(ROOT / "examples" / "shop.schema.yaml"), "--dialect", "postgresql", "-o", str(dump)]) == 0
    out = tmp_path / "shop.schema.yaml"
    assert main(["import", str(dump), "--from", "postgresql", "-o", str(out)]) == 0
    document = analyze(out.read_text())
    assert not [d for d in document.diagnostics if d.severity.value == "error"]
    shop = analyze((ROOT / "examples" / "shop.schema.yaml").read_text())
    assert set(document.schema.tables) == set(shop.schema.tables)
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


def test_the_dialect_is_guessed_when_from_is_not_given(tmp_path, capsys):
    dump = tmp_path / "legacy.sql"
    dump.write_text("CREATE TABLE `users` (\n  `id` int NOT NULL AUTO_INCREMENT,\n  PRIMARY KEY (`id`)\n"
                    ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n")
    assert main(["import", str(dump)]) == 0
    captured = capsys.readouterr()
    assert captured.out.splitlines()[:2] == ["schema: legacy", "dialect: mysql"]
    assert "imported 1 table from" in captured.err and "(mysql)" in captured.err
    assert main(["import", str(dump), "--from", "postgresql", "--name", "other"]) == 0
    captured = capsys.readouterr()
    assert captured.out.splitlines()[:2] == ["schema: other", "dialect: postgresql"]


def test_a_database_url_that_cannot_be_opened_is_a_clear_error(tmp_path, capsys):
    missing = tmp_path / "nope.db"
    assert main(["import", f"sqlite:///{missing}"]) == 2
    err = capsys.readouterr().err
    assert "nope.db" in err and "Traceback" not in err
    assert not missing.exists()  # never created by looking
    assert main(["import", "sqlite:///x.db", "--from", "mysql"]) == 2


def test_a_url_password_is_never_echoed(tmp_path, capsys):
    assert main(["import", "postgresql://alice:s3cret@127.0.0.1:1/db?connect_timeout=2"]) == 2
    err = capsys.readouterr().err
    assert "s3cret" not in err and err.strip()


def test_a_prisma_file_is_recognised_by_its_name(tmp_path, capsys):
    source = tmp_path / "schema.prisma"
    source.write_text('datasource db {\n  provider = "mysql"\n  url = env("DATABASE_URL")\n}\n'
                      "model User {\n  id Int @id @default(autoincrement())\n  email String @unique\n}\n")
    assert main(["import", str(source)]) == 0
    captured = capsys.readouterr()
    assert captured.out.splitlines()[:2] == ["schema: schema", "dialect: mysql"]
    assert "      email: varchar(191) not null unique\n" in captured.out
    assert "(prisma)" in captured.err
    source.write_text("model User {\n  id Int @id\n")  # not closed
    assert main(["import", str(source)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"{source}:") and "Traceback" not in err
