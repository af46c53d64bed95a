"""Generated DDL executed on real engines (SQLite, PostgreSQL); the catalog is checked afterwards."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from schema_lang.analysis import analyze
from schema_lang.dialects import get_dialect
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
    # utf8mb4 as MySQL 8 and Debian's MariaDB configuration default to (the test server skips its
    # configuration, and MariaDB's built-in latin1 cannot hold non-ASCII enum values)
    cursor.execute(f"CREATE DATABASE {name} CHARACTER SET utf8mb4")
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


# -- names in any script, and long generated names -----------------------------------------

UNICODE = """\
schema: магазин
tables:
  клиенты:
    columns:
      id: bigint pk identity
      имя: varchar(100) not null
      почта: varchar(200) unique
  заказы:
    columns:
      id: bigint pk identity
      клиент_id: bigint not null references клиенты on delete cascade
      сумма: decimal(10,2) check (сумма >= 0)
      статус: enum(новый, оплачен) not null default новый
    indexes:
      - клиент_id
      - {columns: [сумма], name: заказы_по_сумме}
"""


def _expected_indexes(schema, dialect) -> dict[str, set[str]]:
    from schema_lang.generate.ddl import index_name

    return {name: {index_name(table, index, dialect) for index in table.indexes}
            for name, table in schema.tables.items()}


def test_unicode_names_are_clean_and_run_on_every_engine(postgres_uri, mariadb_socket):
    schema = analyze(UNICODE).schema
    assert [d.rule for d in analyze(UNICODE).diagnostics] == []
    runs = {"sqlite": lambda script: catalog_sqlite(script),
            "postgresql": lambda script: catalog_postgres(postgres_uri, script),
            "mysql": lambda script: catalog_mariadb(mariadb_socket, script)}
    for name, run in runs.items():
        dialect = get_dialect(name)
        catalog = run(generate(schema, dialect).script())
        assert set(catalog) == set(schema.tables), name
        for table_name, table in schema.tables.items():
            assert catalog[table_name]["columns"] == list(table.columns), name
            assert _expected_indexes(schema, dialect)[table_name] <= set(catalog[table_name]["indexes"]), name
        assert len(catalog["заказы"]["fks"]) == 1, name


# two generated index names of 94 bytes that share their first 63 bytes
LONG_COLUMN = "идентификатор_клиента_в_сети"  # 53 bytes
LONG_NAMES = f"""\
schema: s
tables:
  заказы:
    columns:
      id: bigint pk
      {LONG_COLUMN}: bigint
      сумма_заказа: int
      номер_заказа: int
    indexes:
      - ({LONG_COLUMN}, сумма_заказа)
      - ({LONG_COLUMN}, номер_заказа)
"""


def test_long_generated_names_that_start_alike_get_distinct_names_postgresql_keeps(postgres_uri):
    from schema_lang.sql.identifiers import length

    pg = get_dialect("postgresql")
    document = analyze(LONG_NAMES)
    assert [d.rule for d in document.diagnostics if d.severity.value == "error"] == []
    table = document.schema.tables["заказы"]
    full = ["idx_заказы_" + "_".join(c.name for c in index.columns) for index in table.indexes]
    assert [len(n.encode()) for n in full] == [94, 94] and full[0].encode()[:63] == full[1].encode()[:63]
    expected = _expected_indexes(document.schema, pg)["заказы"]
    assert len(expected) == 2 and all(length(n, pg) <= 63 for n in expected)
    catalog = catalog_postgres(postgres_uri, generate(document.schema, pg).script())
    # the engine kept the names as written: nothing was cut, so migrations find them again
    assert expected <= set(catalog["заказы"]["indexes"])


def test_user_names_postgresql_cuts_to_one_are_reported_and_refused(postgres_uri):
    import psycopg

    long = "индекс_" * 6  # 78 bytes
    text = LONG_NAMES.replace(f"      - ({LONG_COLUMN}, сумма_заказа)\n      - ({LONG_COLUMN}, номер_заказа)\n",
                              f"      - {{columns: [сумма_заказа], name: {long}a}}\n"
                              f"      - {{columns: [номер_заказа], name: {long}b}}\n")
    errors = {d.rule for d in analyze(text).diagnostics if d.severity.value == "error"}
    assert "design/duplicate-name" in errors
    with pytest.raises(psycopg.errors.DuplicateTable):
        catalog_postgres(postgres_uri, generate(analyze(text).schema, get_dialect("postgresql")).script())


def test_the_importer_predicts_the_names_postgresql_gives(postgres_uri):
    """Unnamed constraints of long names in any script: the importer's names are PostgreSQL's."""
    import uuid

    import psycopg

    from schema_lang.sql.identifiers import engine_chosen_name

    pg = get_dialect("postgresql")
    table, column = "таблица_заказов_клиентов", "идентификатор_клиента_в_сети"
    statements = [f'CREATE TABLE "{table}" (id bigint PRIMARY KEY, "{column}" bigint UNIQUE '
                  f'CHECK ("{column}" > 0) REFERENCES "{table}" (id))']
    name = f"names_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(postgres_uri, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
        info = admin.info
        try:
            with psycopg.connect(host=info.host, port=info.port, user=info.user, dbname=name,
                                 autocommit=True) as c:
                for statement in statements:
                    c.execute(statement)
                found = {r[0]: r[1] for r in c.execute(
                    "SELECT contype, conname FROM pg_constraint WHERE conrelid = %s::regclass", (f'"{table}"',))}
        finally:
            admin.execute(f"DROP DATABASE {name}")
    assert found == {"p": engine_chosen_name(table, None, "pkey", pg),
                     "u": engine_chosen_name(table, column, "key", pg),
                     "c": engine_chosen_name(table, column, "check", pg),
                     "f": engine_chosen_name(table, column, "fkey", pg)}


HOSTILE = "ends in a backslash \\' ); DROP TABLE victim; -- and a quote ' and \\\\ two"
# PostgreSQL keeps enum labels of up to 63 bytes
HOSTILE_LABEL = "x\\' ); DROP TABLE victim; -- '"


def _yaml_quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


HOSTILE_SCHEMA = f"""schema: hostile
dialect: postgresql
enums:
  mood: [calm, {_yaml_quoted(HOSTILE_LABEL)}]
tables:
  victim:
    columns:
      id: int pk
  notes:
    description: {_yaml_quoted(HOSTILE)}
    columns:
      id: int pk
      mood: mood
      body:
        type: text
        description: {_yaml_quoted(HOSTILE)}
"""


def test_descriptions_and_enum_values_cannot_end_a_string_early(postgres_uri, mariadb_socket, tmp_path):
    """User text reaches generated SQL only as string literals; run by each engine's own client
    (which executes every statement of a script), text that tries to close the literal must come
    back unchanged and run nothing."""
    import subprocess
    import uuid

    import psycopg
    import pymysql

    document = analyze(HOSTILE_SCHEMA)
    assert not [d for d in document.diagnostics if d.severity.value == "error"], document.diagnostics
    schema = document.schema
    assert schema.tables["notes"].description == HOSTILE
    # MariaDB: the `mariadb` client runs the whole script, as a user would
    db = f"h_{uuid.uuid4().hex[:8]}"
    conn = pymysql.connect(unix_socket=mariadb_socket, user="root", autocommit=True)
    cur = conn.cursor()
    cur.execute(f"CREATE DATABASE {db} CHARACTER SET utf8mb4")
    script = generate(schema, get_dialect("mysql")).script()
    run = subprocess.run(["mariadb", "--no-defaults", f"--socket={mariadb_socket}", "-uroot", db], input=script,
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    cur.execute("SELECT table_name, table_comment FROM information_schema.tables WHERE table_schema = %s", (db,))
    tables = dict(cur.fetchall())
    assert set(tables) == {"victim", "notes"}
    assert tables["notes"] == HOSTILE
    cur.execute("SELECT column_comment FROM information_schema.columns WHERE table_schema = %s "
                "AND table_name = 'notes' AND column_name = 'body'", (db,))
    assert cur.fetchone()[0] == HOSTILE
    cur.execute("SET SESSION sql_mode = 'STRICT_ALL_TABLES'")
    cur.execute(f"INSERT INTO {db}.notes (id, mood) VALUES (1, %s)", (HOSTILE_LABEL,))  # a value of the enum
    cur.execute(f"SELECT mood FROM {db}.notes")
    assert cur.fetchone()[0] == HOSTILE_LABEL
    cur.execute(f"DROP DATABASE {db}")
    conn.close()
    # PostgreSQL: psql-equivalent, the whole script in one simple-protocol call (every statement runs)
    name = f"h_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(postgres_uri, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
        info = admin.info
        with psycopg.connect(host=info.host, port=info.port, user=info.user, dbname=name, autocommit=True) as c:
            c.execute(generate(schema, get_dialect("postgresql")).script().encode())
            assert c.execute("SELECT obj_description('notes'::regclass)").fetchone()[0] == HOSTILE
            assert c.execute("SELECT col_description('notes'::regclass, 3)").fetchone()[0] == HOSTILE
            labels = [r[0] for r in c.execute("SELECT enumlabel FROM pg_enum ORDER BY enumsortorder")]
            assert labels == ["calm", HOSTILE_LABEL]
            assert c.execute("SELECT to_regclass('victim')").fetchone()[0] is not None
        admin.execute(f"DROP DATABASE {name}")
    # SQLite: executescript runs every statement
    connection = sqlite3.connect(":memory:")
    connection.executescript(generate(schema, get_dialect("sqlite")).script())
    names = {r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert names == {"victim", "notes"}
