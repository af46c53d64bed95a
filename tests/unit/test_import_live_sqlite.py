"""Importing a live SQLite file by URL (schema_lang.importers.live): the file is read-only to the
import, and the imported schema's DDL, run on a fresh database, gives the original's catalog.

What the round trip compares is the catalog of tests/engines/catalogs.py (tables, columns,
defaults, auto-numbering, keys, checks, foreign keys with their actions, indexes with their
names, keys and conditions), with four differences that are SQLite's and not the import's:

- types are compared by their affinity: schema-lang writes SQLite's own type names (TEXT for
  varchar(100), NUMERIC for decimal(10,2)), and the affinity is what SQLite makes of a type;
- the columns of a primary key count as NOT NULL: SQLite lets a non-integer primary key hold
  NULL (a bug kept for compatibility), which a schema file's primary key never does;
- a unique index over plain columns without WHERE is a unique constraint (in SQLite a UNIQUE
  constraint is such an index): the import reads both as `unique`, and neither name is kept;
- an index key that is a whole parenthesized expression is compared without its parentheses.

Constraint names are not compared where the original had none (all of them, here).
"""
from __future__ import annotations

import os
import re
import sqlite3
import sys
from pathlib import Path

import pytest

from schema_lang.analysis import analyze
from schema_lang.dialects import get_dialect
from schema_lang.generate.ddl import generate
from schema_lang.importers import ImportResult, ImportSourceError
from schema_lang.importers.live import import_url, sqlite_path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "engines"))
from catalogs import SqliteDB, comparable_after_import, sqlite_affinity  # noqa: E402

SHOP = """
CREATE TABLE users (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  email TEXT NOT NULL UNIQUE,
  name VARCHAR(100),
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'blocked')),
  created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE TABLE products (
  sku TEXT PRIMARY KEY,
  price NUMERIC(10,2) NOT NULL CHECK (price >= 0),
  weight REAL,
  image BLOB
);
CREATE TABLE orders (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  total NUMERIC(10,2) NOT NULL DEFAULT 0,
  discount NUMERIC(10,2) NOT NULL DEFAULT 0,
  note TEXT,
  CHECK (discount <= total)
);
CREATE TABLE order_items (
  order_id INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
  sku TEXT NOT NULL REFERENCES products (sku) ON UPDATE CASCADE,
  quantity INTEGER NOT NULL DEFAULT 1 CHECK (quantity > 0),
  PRIMARY KEY (order_id, sku)
);
CREATE TABLE memberships (
  tenant_id INTEGER NOT NULL,
  email TEXT NOT NULL,
  role TEXT NOT NULL DEFAULT 'member',
  UNIQUE (tenant_id, email)
);
CREATE INDEX idx_orders_user ON orders (user_id);
CREATE INDEX orders_open ON orders (user_id, total DESC) WHERE note IS NULL;
CREATE UNIQUE INDEX users_email_lower ON users (lower(email));
CREATE UNIQUE INDEX products_sku_price ON products (sku, price);
CREATE VIEW big_orders AS SELECT * FROM orders WHERE total > 100;
CREATE TRIGGER orders_touch AFTER UPDATE OF total ON orders
BEGIN
  UPDATE orders SET note = 'changed' WHERE id = NEW.id;
END;
INSERT INTO users (email) VALUES ('ann@example.com');
"""


def _build(path: Path, script: str = SHOP) -> dict:
    """Writes the database file and returns its catalog."""
    with SqliteDB() as original:
        original.run(script)
        target = sqlite3.connect(path)
        original.connection.backup(target)
        target.close()
        return original.catalog()


def _snapshot(path: Path) -> tuple:
    stat = path.stat()
    return path.read_bytes(), stat.st_mtime_ns, sorted(os.listdir(path.parent))


def _comparable(catalog: dict) -> dict:
    """The catalog without what is SQLite's own rather than the import's (see the module's doc)."""
    catalog = comparable_after_import(catalog, "sqlite")
    for table in catalog["tables"].values():
        key = table["primary_key"]["columns"] if table["primary_key"] else []
        for name, column in table["columns"].items():
            column["type"] = sqlite_affinity(column["type"])
            if name in key and not column["identity"]:
                column["nullable"] = False
    return catalog


def _errors(text: str) -> list:
    document = analyze(text)
    return [(d.rule, d.message) for d in document.diagnostics if d.severity.value == "error"]


def test_sqlite_file_is_imported_read_only_and_round_trips(tmp_path):
    path = tmp_path / "shop.db"
    expected = _comparable(_build(path))
    before = _snapshot(path)

    result = import_url(f"sqlite:///{path}")  # sqlite:/// + an absolute path = sqlite:////abs

    assert isinstance(result, ImportResult)
    assert _snapshot(path) == before  # same bytes, same mtime, no journal or -shm left behind
    text = result.yaml_text
    assert text.startswith("schema: shop\ndialect: sqlite\n")
    for line in [
        "  users:\n",
        "      id: int pk identity\n",  # INTEGER PRIMARY KEY AUTOINCREMENT
        "      email: text not null unique\n",
        "      name: varchar(100)\n",
        "      status: text not null default 'active' check (status IN ('active', 'blocked'))\n",
        "      created_at: text not null default now()\n",
        "      - {columns: [lower(email)], name: users_email_lower, unique: true}\n",
        "      sku: text pk\n",
        "      price: decimal(10,2) not null check (price >= 0)\n",
        "      user_id: int not null references users on delete cascade\n",
        "      - \"discount <= total\"\n",
        "      - {columns: [user_id], name: idx_orders_user}\n",
        "      - {columns: [user_id, total desc], name: orders_open, where: \"note IS NULL\"}\n",
        "    primary_key: [order_id, sku]\n",
        "      sku: text not null references products on update cascade\n",
        "      - [tenant_id, email]\n",
        "      - [sku, price]\n",
    ]:
        assert line in text, line
    assert "sqlite_sequence" not in text and "big_orders" not in text
    assert result.skipped == {"CREATE TRIGGER": 1, "CREATE VIEW": 1}
    assert _errors(text) == []

    script = generate(analyze(text).schema, get_dialect("sqlite")).script()
    with SqliteDB() as rebuilt:
        rebuilt.run(script)
        assert _comparable(rebuilt.catalog()) == expected


def test_the_same_file_gives_the_same_text_and_tables_come_by_name(tmp_path):
    path = tmp_path / "shop.db"
    _build(path)
    first = import_url(f"sqlite:///{path}").yaml_text
    assert import_url(f"sqlite:///{path}").yaml_text == first
    tables = re.findall(r"^  (\w+):$", first, re.M)
    assert tables == sorted(tables) == ["memberships", "order_items", "orders", "products", "users"]


def test_relative_and_absolute_urls_and_the_schema_name(tmp_path, monkeypatch):
    folder = tmp_path / "data dir"
    folder.mkdir()
    path = folder / "My-Shop.sqlite3"
    _build(path, "CREATE TABLE t (id INTEGER PRIMARY KEY, label TEXT NOT NULL);")
    monkeypatch.chdir(tmp_path)

    relative = import_url("sqlite:///data%20dir/My-Shop.sqlite3")
    assert relative.yaml_text.startswith("schema: my_shop\n")
    assert import_url(f"sqlite:///{path}").yaml_text == relative.yaml_text
    assert import_url("sqlite:////" + str(path).lstrip("/")).yaml_text == relative.yaml_text
    named = import_url("sqlite:///data%20dir/My-Shop.sqlite3", schema_name="catalog")
    assert named.yaml_text.startswith("schema: catalog\n")
    assert "      label: text not null\n" in named.yaml_text

    assert sqlite_path("sqlite:///a/b.db") == Path("a/b.db")
    assert sqlite_path("sqlite:////a/b.db") == Path("/a/b.db")
    assert sqlite_path("sqlite:///a%3Fb.db?mode=rw") == Path("a?b.db")


def test_a_wal_database_leaves_no_files_behind(tmp_path):
    path = tmp_path / "wal.db"
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")
    connection.commit()
    connection.close()
    before = _snapshot(path)
    assert before[2] == ["wal.db"]

    result = import_url(f"sqlite:///{path}")

    assert "      body: text not null\n" in result.yaml_text
    assert _snapshot(path) == before


def test_an_empty_database_has_no_tables(tmp_path):
    path = tmp_path / "empty.db"
    path.write_bytes(b"")
    result = import_url(f"sqlite:///{path}")
    assert result.yaml_text == "schema: empty\ndialect: sqlite\n\ntables: {}\n"
    assert path.read_bytes() == b""


def test_a_missing_file_is_an_error_and_is_not_created(tmp_path):
    path = tmp_path / "missing.db"
    with pytest.raises(ImportSourceError, match="missing.db: no such file"):
        import_url(f"sqlite:///{path}")
    assert not path.exists()
    assert os.listdir(tmp_path) == []


def test_a_file_that_is_not_a_database_is_an_error(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("these are not the pages of a database\n" * 100)
    before = _snapshot(path)
    with pytest.raises(ImportSourceError, match="notes.db: not a SQLite database"):
        import_url(f"sqlite:///{path}")
    assert _snapshot(path) == before


def test_a_folder_and_bad_urls_are_errors(tmp_path):
    with pytest.raises(ImportSourceError, match="not a file"):
        import_url(f"sqlite:///{tmp_path}")
    with pytest.raises(ImportSourceError, match="names a file, not a host"):
        import_url("sqlite://server/shop.db")
    with pytest.raises(ImportSourceError, match="names no file"):
        import_url("sqlite:///")
    with pytest.raises(ImportSourceError, match="sqlite:///PATH or postgresql://"):
        import_url("mysql://root@localhost/shop")
