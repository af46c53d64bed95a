"""The catalogs migration tests compare: what they record on each engine, and that they are
equal exactly when the schemas are (column order aside)."""
from __future__ import annotations

import sqlite3

import pytest
from catalogs import MariaDB, PostgresDB, SqliteDB, split_statements


def build(template: str, columns: dict[str, list[str]], reverse: bool = False) -> str:
    """The template with each table's column definitions filled in, in reverse order if asked."""
    return template.format(**{table: ",\n  ".join(reversed(defs) if reverse else defs)
                              for table, defs in columns.items()})


def catalog_of(open_db, script: str) -> dict:
    with open_db() as db:
        db.run(script)
        return db.catalog()


def assert_compares_schemas(open_db, template: str, columns: dict[str, list[str]], index: str) -> None:
    """Column order does not change the catalog; a default or a missing index does."""
    script = build(template, columns)
    catalog = catalog_of(open_db, script)
    assert catalog_of(open_db, build(template, columns, reverse=True)) == catalog
    assert catalog_of(open_db, script.replace("DEFAULT 'happy'", "DEFAULT 'sad'")) != catalog
    assert index in script
    assert catalog_of(open_db, script.replace(index, "")) != catalog


def test_split_statements_keeps_quoted_semicolons_and_drops_comment_only_chunks():
    script = ("-- header\nBEGIN;\n\nCREATE TABLE `we;ird` (a text DEFAULT 'x;\n-- not a comment\ny');\n\n"
              "INSERT INTO \"q;t\" VALUES ('it''s; fine'); SELECT 1; -- one line, two statements\n"
              "COMMIT;\n\n-- the end; nothing follows\n")
    assert split_statements(script) == [
        "-- header\nBEGIN;",
        "CREATE TABLE `we;ird` (a text DEFAULT 'x;\n-- not a comment\ny');",
        "INSERT INTO \"q;t\" VALUES ('it''s; fine');",
        "SELECT 1;",
        "-- one line, two statements\nCOMMIT;",
    ]
    assert split_statements("SELECT 1;\n\nSELECT 2") == ["SELECT 1;", "SELECT 2"]


SQLITE = """\
CREATE TABLE team (
  {team},
  CONSTRAINT team_name_not_blank CHECK (length(name) > 0),
  UNIQUE (name)
);

CREATE TABLE member (
  {member},
  FOREIGN KEY (team_id) REFERENCES team (id) ON DELETE CASCADE
);

CREATE INDEX idx_member_active ON member (team_id) WHERE mood <> 'sad';
"""
SQLITE_COLUMNS = {
    "team": ["id INTEGER PRIMARY KEY", "name TEXT NOT NULL"],
    "member": ["id INTEGER PRIMARY KEY", "team_id INTEGER NOT NULL",
               "mood TEXT NOT NULL DEFAULT 'happy' CHECK (mood IN ('happy', 'so-so', 'sad'))",
               "nickname varchar(20)"],
}


def test_sqlite_catalog():
    with SqliteDB() as db:
        db.run(build(SQLITE, SQLITE_COLUMNS))
        tables = db.catalog()["tables"]
        assert list(tables) == ["member", "team"]
        team, member = tables["team"], tables["member"]
        assert team["columns"]["id"] == {"type": "INTEGER", "nullable": True, "default": None, "identity": True}
        assert member["columns"]["mood"] == {"type": "TEXT", "nullable": False, "default": "'happy'",
                                             "identity": False}
        assert member["columns"]["nickname"]["type"] == "VARCHAR(20)"
        assert team["primary_key"] == {"name": None, "columns": ["id"]}
        assert team["uniques"] == [(None, ["name"])]
        assert team["checks"] == [(None, "CHECK (LENGTH(name) > 0)")]
        assert member["checks"] == [(None, "CHECK (mood IN ('happy', 'so-so', 'sad'))")]
        assert member["foreign_keys"] == [(None, ["team_id"], "team", ["id"], "CASCADE", "NO ACTION")]
        assert member["indexes"] == [("idx_member_active", False, ["team_id"], [], "mood <> 'sad'", "btree")]
        assert (team["comment"], team["column_comments"], db.catalog()["enums"]) == (None, {}, {})
        # foreign keys are enforced, and the cascade acts
        db.execute("INSERT INTO team (name) VALUES (?)", ("a",))
        with pytest.raises(sqlite3.IntegrityError):
            db.execute("INSERT INTO member (team_id) VALUES (42)")
        db.run("INSERT INTO member (team_id, nickname) VALUES (1, 'x;y');")
        assert db.rows("member", ["team_id", "nickname", "mood"], ["id"]) == [(1, "x;y", "happy")]
        db.execute("DELETE FROM team")
        assert db.rows("member", ["id"]) == []
    assert_compares_schemas(SqliteDB, SQLITE, SQLITE_COLUMNS,
                            "CREATE INDEX idx_member_active ON member (team_id) WHERE mood <> 'sad';")


def test_sqlite_catalog_reads_expression_indexes_and_implicit_target_columns():
    with SqliteDB() as db:
        db.run("CREATE TABLE t (k1 int, k2 text COLLATE NOCASE, PRIMARY KEY (k2, k1));\n\n"
               "CREATE TABLE c (a int, b text, FOREIGN KEY (a, b) REFERENCES t ON UPDATE SET NULL);\n\n"
               "CREATE UNIQUE INDEX ix ON c (lower(b) DESC, a)  WHERE   a > 0;")
        t, c = db.catalog()["tables"]["t"], db.catalog()["tables"]["c"]
        assert t["primary_key"] == {"name": None, "columns": ["k2", "k1"]}
        assert t["columns"]["k1"]["identity"] is False  # only INTEGER PRIMARY KEY is the rowid
        assert c["foreign_keys"] == [(None, ["a", "b"], "t", ["k2", "k1"], "NO ACTION", "SET NULL")]
        assert c["indexes"] == [("ix", True, ["LOWER(b) DESC", "a"], [], "a > 0", "btree")]


POSTGRES = """\
CREATE TYPE mood AS ENUM ('happy', 'so-so', 'sad');

CREATE TABLE team (
  {team},
  CONSTRAINT team_pkey PRIMARY KEY (id),
  CONSTRAINT uq_team_name UNIQUE (name),
  CONSTRAINT team_name_not_blank CHECK (length(name) > 0)
);

COMMENT ON TABLE team IS 'Teams; one per office';

COMMENT ON COLUMN team."Display Name" IS 'as shown';

CREATE TABLE member (
  {member},
  PRIMARY KEY (id),
  FOREIGN KEY (team_id) REFERENCES team (id) ON DELETE CASCADE
);

CREATE INDEX idx_member_active ON member (team_id DESC) INCLUDE (id) WHERE mood <> 'sad';
"""
POSTGRES_COLUMNS = {
    "team": ["id bigint GENERATED BY DEFAULT AS IDENTITY", "name text NOT NULL", '"Display Name" varchar(50)'],
    "member": ["id bigint GENERATED BY DEFAULT AS IDENTITY", "team_id bigint NOT NULL",
               "mood mood NOT NULL DEFAULT 'happy'", "joined timestamptz DEFAULT now()"],
}


def test_postgres_catalog(postgres_uri):
    import psycopg

    with PostgresDB(postgres_uri) as db:
        db.run(build(POSTGRES, POSTGRES_COLUMNS))
        catalog = db.catalog()
        assert catalog["enums"] == {"mood": ["happy", "so-so", "sad"]}
        team, member = catalog["tables"]["team"], catalog["tables"]["member"]
        assert team["columns"]["id"] == {"type": "bigint", "nullable": False, "default": None, "identity": True}
        assert team["columns"]["Display Name"] == {"type": "character varying(50)", "nullable": True,
                                                   "default": None, "identity": False}
        assert member["columns"]["mood"]["default"] == "'happy'::mood"
        assert member["columns"]["joined"]["default"] == "now()"
        assert team["primary_key"] == {"name": "team_pkey", "columns": ["id"]}
        assert member["primary_key"] == {"name": "member_pkey", "columns": ["id"]}
        assert team["uniques"] == [("uq_team_name", ["name"])]
        assert team["checks"] == [("team_name_not_blank", "CHECK (length(name) > 0)")]
        assert member["foreign_keys"] == [("member_team_id_fkey", ["team_id"], "team", ["id"], "CASCADE",
                                           "NO ACTION")]
        assert member["indexes"] == [("idx_member_active", False, ["team_id DESC"], ["id"], "mood <> 'sad'::mood",
                                      "btree")]
        assert team["comment"] == "Teams; one per office"
        assert team["column_comments"] == {"Display Name": "as shown"}
        # explicit transactions and CREATE INDEX CONCURRENTLY run as written
        db.run("BEGIN;\n\nINSERT INTO team (name, \"Display Name\") VALUES ('a;b', '100%');\n\nCOMMIT;\n\n"
               "CREATE INDEX CONCURRENTLY idx_team_lower ON team (lower(name) text_pattern_ops);")
        assert ("idx_team_lower", False, ["lower(name) text_pattern_ops"], [], None, "btree") in \
            db.catalog()["tables"]["team"]["indexes"]
        assert db.rows("team", ["id", "name", "Display Name"], ["id"]) == [(1, "a;b", "100%")]
        # a failed script leaves no transaction open
        with pytest.raises(psycopg.errors.DivisionByZero):
            db.run("BEGIN;\n\nSELECT 1 / 0;")
        db.execute("INSERT INTO member (team_id) VALUES (%s)", (1,))
        db.execute("DELETE FROM team")
        assert db.rows("member", ["id"]) == []
        # partitions are listed under their table
        db.run("CREATE TABLE audit (at date NOT NULL) PARTITION BY RANGE (at);\n\n"
               "CREATE TABLE audit_default PARTITION OF audit DEFAULT;")
        audit = db.catalog()["tables"]["audit"]
        assert "audit_default" not in db.catalog()["tables"]
        assert (audit["partition_by"], audit["partitions"]) == ("RANGE (at)", {"audit_default": "DEFAULT"})
    assert_compares_schemas(lambda: PostgresDB(postgres_uri), POSTGRES, POSTGRES_COLUMNS,
                            "CREATE INDEX idx_member_active ON member (team_id DESC) INCLUDE (id) "
                            "WHERE mood <> 'sad';")


MARIADB = """\
-- teams
CREATE TABLE team (
  {team},
  PRIMARY KEY (id),
  CONSTRAINT uq_team_name UNIQUE (name),
  CONSTRAINT team_name_not_blank CHECK (char_length(name) > 0)
) COMMENT='Teams; one per office';

CREATE TABLE member (
  {member},
  PRIMARY KEY (id),
  CONSTRAINT fk_member_team FOREIGN KEY (team_id) REFERENCES team (id) ON DELETE CASCADE
);

CREATE INDEX idx_member_mood ON member (mood DESC, team_id);
"""
MARIADB_COLUMNS = {
    "team": ["id bigint AUTO_INCREMENT", "name varchar(50) NOT NULL", "`Display Name` text COMMENT 'as shown'"],
    "member": ["id bigint AUTO_INCREMENT", "team_id bigint NOT NULL",
               "mood enum('happy','so-so','sad') NOT NULL DEFAULT 'happy'", "note text"],
}


def test_mariadb_catalog(mariadb_socket):
    with MariaDB(mariadb_socket) as db:
        db.run(build(MARIADB, MARIADB_COLUMNS))
        catalog = db.catalog()
        assert catalog["enums"] == {}
        team, member = catalog["tables"]["team"], catalog["tables"]["member"]
        assert team["columns"]["id"] == {"type": "bigint(20)", "nullable": False, "default": None,
                                         "identity": True}
        assert member["columns"]["mood"] == {"type": "enum('happy','so-so','sad')", "nullable": False,
                                             "default": "'happy'", "identity": False}
        assert member["columns"]["note"]["default"] is None  # reported as the text NULL
        assert team["primary_key"] == {"name": None, "columns": ["id"]}
        assert team["uniques"] == []  # unique constraints are unique indexes
        assert team["indexes"] == [("uq_team_name", True, ["name"], [], None, "btree")]
        assert team["checks"] == [("team_name_not_blank", "CHECK (char_length(`name`) > 0)")]
        assert member["foreign_keys"] == [("fk_member_team", ["team_id"], "team", ["id"], "CASCADE", "RESTRICT")]
        # the index MariaDB adds for the foreign key is part of the schema too
        assert member["indexes"] == [("fk_member_team", False, ["team_id"], [], None, "btree"),
                                     ("idx_member_mood", False, ["mood DESC", "team_id"], [], None, "btree")]
        assert team["comment"] == "Teams; one per office"
        assert team["column_comments"] == {"Display Name": "as shown"}
        db.run("BEGIN;\n\nINSERT INTO team (name, `Display Name`) VALUES ('a;b', '100%');\n\nCOMMIT;")
        db.execute("INSERT INTO member (team_id) VALUES (%s)", (1,))
        assert db.rows("team", ["name", "Display Name"], ["id"]) == [("a;b", "100%")]
        db.execute("DELETE FROM team")
        assert db.rows("member", ["id"]) == []
    assert_compares_schemas(lambda: MariaDB(mariadb_socket), MARIADB, MARIADB_COLUMNS,
                            "CREATE INDEX idx_member_mood ON member (mood DESC, team_id);")
