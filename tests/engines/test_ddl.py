"""Generated DDL executed on real engines (SQLite, PostgreSQL); the catalog is checked afterwards."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from schema_lang.dialects import get_dialect
from schema_lang.document import analyze
from schema_lang.generate.ddl import generate

ROOT = Path(__file__).resolve().parents[2]
SHOP = (ROOT / "examples" / "shop.schema.yaml").read_text()

AWKWARD = """\
schema: awkward
enums:
  mood: [happy, "so-so", sad]
tables:
  user:                       # a reserved word in PostgreSQL
    columns:
      id: bigint pk identity
      "Display Name": varchar(50) not null       # mixed case and a space
      manager_id: bigint references user on delete set null   # self-reference
      mood: mood not null default 'happy'
      team_id: int
  team:
    columns:
      id: int pk
      lead_id: bigint references user               # a cycle with user.team_id
  membership:
    primary_key: [team_id, user_id]
    columns:
      team_id: int references team on delete cascade
      user_id: bigint references user on delete cascade
      since: date not null
  grant_log:
    columns:
      id: bigint pk identity
      team_id: int not null
      user_id: bigint not null
      note: text
      at: timestamptz not null default now()
      amount: decimal(12,2) check (amount >= 0)
      flag: boolean not null default false
      tags: text[]
      payload: jsonb
      token: uuid
      blob: bytes
      wait: interval
      at_time: time
      small: smallint
      ratio: real
      precise: double
      code: char(3)
      kind: enum(a, b)
      local_at: timestamp(3)
      raw: json
      label: varchar
    foreign_keys:
      - {columns: [team_id, user_id], references: "membership(team_id, user_id)", on_delete: cascade}
    indexes:
      - (team_id, user_id)
      - {columns: [at], where: "note IS NOT NULL", name: idx_grant_log_noted}
      - {columns: [team_id], include: [amount]}
  audit:
    primary_key: [id, at]
    partition_by: range(at)
    columns:
      id: bigint identity
      at: timestamptz not null
      what: text
  sharded:
    primary_key: [id, tenant]
    partition_by: hash(tenant)
    columns:
      id: bigint
      tenant: int not null
"""


def catalog_sqlite(script: str) -> dict:
    connection = sqlite3.connect(":memory:")
    connection.execute("PRAGMA foreign_keys = ON")
    connection.executescript(script)
    tables = [r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    out = {}
    for table in tables:
        columns = [r[1] for r in connection.execute(f'PRAGMA table_info("{table}")')]
        fks = sorted((r[2], r[3], r[4]) for r in connection.execute(f'PRAGMA foreign_key_list("{table}")'))
        indexes = sorted(r[1] for r in connection.execute(f'PRAGMA index_list("{table}")'))
        out[table] = {"columns": columns, "fks": fks, "indexes": indexes}
    return out


def catalog_postgres(uri: str, script: str) -> dict:
    import uuid

    import psycopg

    name = f"ddl_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(uri, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
        info = admin.info
        try:
            with psycopg.connect(host=info.host, port=info.port, user=info.user, dbname=name,
                                 autocommit=True) as c:
                for statement in script.split(";\n\n"):
                    if statement.strip():
                        c.execute(statement)
                out = {}
                # partitions are tables of their own; the catalog compared is the declared tables
                tables = [r[0] for r in c.execute(
                    "SELECT relname FROM pg_class WHERE relkind IN ('r', 'p') AND relnamespace = "
                    "'public'::regnamespace AND NOT relispartition")]
                for table in tables:
                    columns = [r[0] for r in c.execute(
                        "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
                        "ORDER BY ordinal_position", (table,))]
                    fks = sorted(r[0] for r in c.execute(
                        "SELECT confrelid::regclass::text FROM pg_constraint WHERE contype = 'f' "
                        "AND conrelid = %s::regclass", (f'"{table}"',)))
                    indexes = sorted(r[0] for r in c.execute(
                        "SELECT indexname FROM pg_indexes WHERE tablename = %s", (table,)))
                    out[table] = {"columns": columns, "fks": fks, "indexes": indexes}
                return out
        finally:
            admin.execute(f"DROP DATABASE {name}")


@pytest.mark.parametrize("text", [SHOP, AWKWARD], ids=["shop", "awkward"])
def test_sqlite_executes_the_ddl(text):
    schema = analyze(text).schema
    catalog = catalog_sqlite(generate(schema, get_dialect("sqlite")).script())
    assert set(catalog) == set(schema.tables)
    for name, table in schema.tables.items():
        assert catalog[name]["columns"] == list(table.columns)
        assert len(catalog[name]["fks"]) == sum(len(fk.columns) for fk in table.foreign_keys)
        for index in table.indexes:
            assert (index.name or "").lower() in {i.lower() for i in catalog[name]["indexes"]} or not index.name


@pytest.mark.parametrize("text", [SHOP, AWKWARD], ids=["shop", "awkward"])
def test_postgresql_executes_the_ddl(text, postgres_uri):
    schema = analyze(text).schema
    catalog = catalog_postgres(postgres_uri, generate(schema, get_dialect("postgresql")).script())
    assert set(catalog) == set(schema.tables)
    for name, table in schema.tables.items():
        assert catalog[name]["columns"] == list(table.columns)
        assert len(catalog[name]["fks"]) == len([fk for fk in table.foreign_keys if fk.table in schema.tables])
        # primary key, unique constraints and every declared index exist under their names
        assert len(catalog[name]["indexes"]) == bool(table.primary_key) + len(table.uniques) + len(table.indexes)


def test_ddl_command(tmp_path, capsys):
    from schema_lang.cli import main

    out = tmp_path / "shop.sql"
    assert main(["ddl", str(ROOT / "examples" / "shop.schema.yaml"), "--dialect", "sqlite", "-o", str(out)]) == 0
    assert "CREATE TABLE users" in out.read_text()
    broken = tmp_path / "b.schema.yaml"
    broken.write_text(SHOP.replace("references users on delete cascade", "references usrs on delete cascade"))
    assert main(["ddl", str(broken)]) == 2
    assert "error" in capsys.readouterr().err


def catalog_mariadb(socket: str, script: str) -> dict:
    import uuid

    import pymysql

    name = f"ddl_{uuid.uuid4().hex[:10]}"
    connection = pymysql.connect(unix_socket=socket, user="root", autocommit=True)
    cursor = connection.cursor()
    cursor.execute(f"CREATE DATABASE {name}")
    try:
        cursor.execute(f"USE {name}")
        for statement in script.split(";\n\n"):
            lines = [line for line in statement.splitlines() if not line.startswith("-- ")]
            if "".join(lines).strip():
                cursor.execute("\n".join(lines))
        out = {}
        cursor.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = %s", (name,))
        for (table,) in cursor.fetchall():
            cursor.execute("SELECT column_name FROM information_schema.columns WHERE table_schema = %s AND "
                           "table_name = %s ORDER BY ordinal_position", (name, table))
            columns = [r[0] for r in cursor.fetchall()]
            cursor.execute("SELECT referenced_table_name FROM information_schema.referential_constraints "
                           "WHERE constraint_schema = %s AND table_name = %s", (name, table))
            fks = sorted(r[0] for r in cursor.fetchall())
            cursor.execute("SELECT DISTINCT index_name FROM information_schema.statistics WHERE table_schema = %s "
                           "AND table_name = %s", (name, table))
            indexes = sorted(r[0] for r in cursor.fetchall())
            out[table] = {"columns": columns, "fks": fks, "indexes": indexes}
        return out
    finally:
        cursor.execute(f"DROP DATABASE {name}")
        connection.close()


@pytest.mark.parametrize("text", [SHOP, AWKWARD], ids=["shop", "awkward"])
def test_mariadb_executes_the_ddl(text, mariadb_socket):
    schema = analyze(text).schema
    ddl = generate(schema, get_dialect("mysql"))
    catalog = catalog_mariadb(mariadb_socket, ddl.script())
    assert set(catalog) == set(schema.tables)
    for name, table in schema.tables.items():
        assert catalog[name]["columns"] == list(table.columns)
        assert len(catalog[name]["fks"]) == len([fk for fk in table.foreign_keys if fk.table in schema.tables])
        for index in table.indexes:
            if index.name:
                assert index.name in catalog[name]["indexes"]


def test_descriptions_become_comments_in_each_engine(postgres_uri, mariadb_socket):
    import uuid

    import psycopg
    import pymysql

    schema = analyze(SHOP).schema
    users = schema.tables["users"]
    # SQLite keeps the comment inside the table's stored definition
    connection = sqlite3.connect(":memory:")
    connection.executescript(generate(schema, get_dialect("sqlite")).script())
    (sql,) = connection.execute("SELECT sql FROM sqlite_master WHERE name = 'users'").fetchone()
    assert users.columns["deleted_at"].description in sql
    # PostgreSQL: COMMENT ON
    name = f"c_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(postgres_uri, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
        info = admin.info
        with psycopg.connect(host=info.host, port=info.port, user=info.user, dbname=name, autocommit=True) as c:
            for statement in generate(schema, get_dialect("postgresql")).script().split(";\n\n"):
                if statement.strip():
                    c.execute(statement)
            assert c.execute("SELECT obj_description('users'::regclass)").fetchone()[0] == users.description
            assert c.execute("SELECT col_description('users'::regclass, 7)").fetchone()[0] == \
                users.columns["deleted_at"].description
        admin.execute(f"DROP DATABASE {name}")
    # MariaDB: COMMENT clauses
    db = f"c_{uuid.uuid4().hex[:8]}"
    conn = pymysql.connect(unix_socket=mariadb_socket, user="root", autocommit=True)
    cur = conn.cursor()
    cur.execute(f"CREATE DATABASE {db}")
    cur.execute(f"USE {db}")
    for statement in generate(schema, get_dialect("mysql")).script().split(";\n\n"):
        body = "\n".join(line for line in statement.splitlines() if not line.startswith("-- "))
        if body.strip():
            cur.execute(body)
    cur.execute("SELECT table_comment FROM information_schema.tables WHERE table_schema = %s AND table_name = 'users'",
                (db,))
    assert cur.fetchone()[0] == users.description
    cur.execute("SELECT column_comment FROM information_schema.columns WHERE table_schema = %s AND "
                "table_name = 'users' AND column_name = 'deleted_at'", (db,))
    assert cur.fetchone()[0] == users.columns["deleted_at"].description
    cur.execute(f"DROP DATABASE {db}")
    conn.close()


def test_postgresql_partitions(postgres_uri):
    import psycopg

    schema = analyze(AWKWARD).schema
    script = generate(schema, get_dialect("postgresql")).script()
    assert "PARTITION BY RANGE (at)" in script and "PARTITION BY HASH (tenant)" in script
    catalog = catalog_postgres(postgres_uri, script)
    assert "audit" in catalog and "audit_default" not in catalog
    # the rule's claim: PostgreSQL refuses a key without the partition column
    bad = AWKWARD.replace("    primary_key: [id, at]\n    partition_by: range(at)",
                          "    primary_key: [id]\n    partition_by: range(at)")
    assert [d.rule for d in analyze(bad).diagnostics if d.severity.value == "error"] == [
        "design/partition-key-not-in-unique"]
    with pytest.raises(psycopg.errors.FeatureNotSupported):
        catalog_postgres(postgres_uri, generate(analyze(bad).schema, get_dialect("postgresql")).script())


def test_sqlite_and_mysql_note_what_they_leave_out():
    schema = analyze(AWKWARD).schema
    for name in ("sqlite", "mysql"):
        notes = generate(schema, get_dialect(name)).notes
        assert any("audit is not partitioned" in n for n in notes), notes


def test_long_generated_names_are_shortened_with_a_note_and_still_run(postgres_uri):
    long = "a" * 40
    text = (f"schema: s\ntables:\n  {long}:\n    columns:\n      id: bigint pk\n      {long}_col: int unique\n"
            f"    indexes:\n      - ({long}_col, id)\n")
    ddl = generate(analyze(text).schema, get_dialect("postgresql"))
    assert len(ddl.notes) == 2 and all("is longer than PostgreSQL allows (63 bytes)" in n for n in ddl.notes)
    catalog = catalog_postgres(postgres_uri, ddl.script())
    assert all(len(name) <= 63 for name in catalog[long]["indexes"])


def test_an_unquoted_enum_default_is_written_as_a_string(postgres_uri):
    text = ("schema: s\nenums:\n  st: [pending, done]\ntables:\n  t:\n    columns:\n      id: int pk\n"
            "      s: st not null default pending\n      k: enum(a, b) default b\n")
    schema = analyze(text).schema
    assert "DEFAULT 'pending'" in generate(schema, get_dialect("postgresql")).script()
    catalog_postgres(postgres_uri, generate(schema, get_dialect("postgresql")).script())
    connection = sqlite3.connect(":memory:")
    connection.executescript(generate(schema, get_dialect("sqlite")).script())
    connection.execute("INSERT INTO t (id) VALUES (1)")
    assert connection.execute("SELECT s, k FROM t").fetchall() == [("pending", "b")]
