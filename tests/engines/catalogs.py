"""Comparable catalogs of real databases, for migration tests.

A migration test creates version 1 from DDL, applies a migration script, and checks
that the result equals version 2 created from DDL.  That comparison needs everything
that decides how the database behaves (types, nullability, defaults, keys, checks,
indexes, comments, enums, partitions) and nothing that legitimately differs between
two ways of reaching the same schema: column order, OIDs, the spelling and spacing
of SQL text.  Each engine reports its catalog in the same shape:

    {"tables": {table: {
        "columns": {column: {"type": str, "nullable": bool, "default": str | None,
                             "identity": bool}},
        "primary_key": {"name": str | None, "columns": [column, ...]} | None,
        "uniques": [(name | None, [column, ...]), ...],
        "checks": [(name | None, "CHECK (...)"), ...],
        "foreign_keys": [(name | None, [column, ...], target_table, [target_column, ...] | None,
                          on_delete, on_update), ...],
        "indexes": [(name, unique, [key, ...], [included_column, ...], where | None, method), ...],
        "comment": str | None,
        "column_comments": {column: comment},
        "partition_by": str | None,
        "partitions": {partition: bound}}},
     "enums": {enum: [value, ...]}}

Lists whose order carries no meaning are sorted; lists in key order (key columns,
enum values) keep it.  A name is None where the engine keeps none.
"""
from __future__ import annotations

import json
import re
import sqlite3
import uuid
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any

import sqlglot
from sqlglot import exp


def split_statements(script: str) -> list[str]:
    """The statements of a script, each ending where SQLite's tokenizer says a statement
    is complete: a semicolon inside a string or a quoted identifier ('...', "...",
    `...`) or a comment does not end one.  Several statements on one line are
    separated.  Chunks holding only comments are dropped: servers refuse an empty query.
    (PostgreSQL dollar quoting is not understood: generated scripts do not use it.)"""
    statements, buffer = [], ""
    for line in script.splitlines(keepends=True):
        start = 0
        for end in [i + 1 for i, char in enumerate(line) if char == ";"]:
            if sqlite3.complete_statement(buffer + line[start:end]):
                statements.append(buffer + line[start:end])
                buffer, start = "", end
        buffer += line[start:]
    statements.append(buffer)
    return [s.strip() for s in statements if _has_code(s)]


def _has_code(statement: str) -> bool:
    code = "".join(line for line in statement.splitlines() if not line.lstrip().startswith("--"))
    return bool(code.replace(";", "").strip())


def _squash(text: str | None) -> str | None:
    """SQL text with its spacing normalized, so layout never makes two catalogs differ."""
    return None if text is None else " ".join(text.split())


def _sorted(items: list) -> list:
    """Items in a fixed order whatever they hold (names may be None, which plain sorting refuses)."""
    return sorted(items, key=json.dumps)


def _empty_table() -> dict[str, Any]:
    """Every engine reports every key, so catalogs of different engines have the same shape."""
    return {"columns": {}, "primary_key": None, "uniques": [], "checks": [], "foreign_keys": [],
            "indexes": [], "comment": None, "column_comments": {}, "partition_by": None, "partitions": {}}


def _finished(tables: dict[str, dict[str, Any]], enums: dict[str, list[str]]) -> dict[str, Any]:
    """The catalog with tables, columns and unordered lists in a fixed order."""
    for table in tables.values():
        table["columns"] = dict(sorted(table["columns"].items()))
        table["column_comments"] = dict(sorted(table["column_comments"].items()))
        table["partitions"] = dict(sorted(table["partitions"].items()))
        for key in ("uniques", "checks", "foreign_keys", "indexes"):
            table[key] = _sorted(table[key])
    return {"tables": dict(sorted(tables.items())), "enums": dict(sorted(enums.items()))}


class _Database(ABC):
    """One scratch database: scripts run against it, and its catalog and rows are read back."""

    @abstractmethod
    def run(self, script: str) -> None:
        """Runs a script (statements ending with ;), as a migration tool would."""

    @abstractmethod
    def catalog(self) -> dict[str, Any]:
        """The catalog in the shape described at the top of this module."""

    @abstractmethod
    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        """Runs one statement with the driver's placeholders; returns its rows, if it has any."""

    @abstractmethod
    def close(self) -> None:
        """Closes the connection and removes the database."""

    @staticmethod
    def quote(name: str) -> str:
        return '"' + name.replace('"', '""') + '"'

    def rows(self, table: str, columns: list[str], order_by: list[str] | None = None) -> list[tuple]:
        """The table's rows as tuples of the driver's values (Decimal, datetime, bytes...), ordered
        by order_by (every selected column when not given) so that two reads compare equal."""
        names = ", ".join(self.quote(c) for c in columns)
        order = ", ".join(self.quote(c) for c in (order_by or columns))
        return self.execute(f"SELECT {names} FROM {self.quote(table)} ORDER BY {order}")

    def __enter__(self):
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


class SqliteDB(_Database):
    """An in-memory SQLite database with foreign keys enforced, as an application would run it."""

    def __init__(self) -> None:
        # autocommit: the only transactions are the ones scripts open themselves
        self.connection = sqlite3.connect(":memory:", isolation_level=None)
        self.connection.execute("PRAGMA foreign_keys = ON")

    def run(self, script: str) -> None:
        """The script as one piece, so its own PRAGMAs and transactions act as written;
        a failed script leaves no transaction open behind it."""
        try:
            self.connection.executescript(script)
        except sqlite3.Error:
            if self.connection.in_transaction:
                self.connection.rollback()
            raise

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        cursor = self.connection.execute(sql, params)
        return cursor.fetchall() if cursor.description else []

    def close(self) -> None:
        self.connection.close()

    def _pragma(self, name: str, argument: str) -> list[tuple]:
        return self.connection.execute(f"PRAGMA {name}({self.quote(argument)})").fetchall()

    def _primary_key(self, table: str) -> list[str]:
        return [row[1] for row in sorted(self._pragma("table_xinfo", table), key=lambda r: r[5]) if row[5]]

    def catalog(self) -> dict[str, Any]:
        tables = {}
        for name, sql in self.connection.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT GLOB 'sqlite_*'"):
            tables[name] = self._table(name, sql)
        return _finished(tables, {})

    def _table(self, name: str, sql: str) -> dict[str, Any]:
        table = _empty_table()
        index_list = self._pragma("index_list", name)  # seq, name, unique, origin, partial
        key = self._primary_key(name)
        # INTEGER PRIMARY KEY makes the column the rowid (numbered by SQLite, what identity
        # means there); any other primary key is backed by an index of origin 'pk'
        rowid_alias = key[0] if len(key) == 1 and not any(row[3] == "pk" for row in index_list) else None
        for _cid, column, type_, notnull, default, _pk, hidden in self._pragma("table_xinfo", name):
            if hidden == 1:  # a virtual table's hidden column
                continue
            table["columns"][column] = {"type": _squash(type_).upper(), "nullable": not notnull,
                                        "default": _squash(default), "identity": column == rowid_alias}
        if key:
            table["primary_key"] = {"name": None, "columns": key}
        table["checks"] = _sqlite_checks(sql)
        table["foreign_keys"] = self._foreign_keys(name)
        for _seq, index, unique, origin, _partial in index_list:
            # index_xinfo: seqno, cid, name, desc, collation, key (0 for the rowid appended to each index)
            keys = [row for row in self._pragma("index_xinfo", index) if row[5]]
            if origin == "u":  # a UNIQUE constraint: its sqlite_autoindex_* name is positional, not a name
                table["uniques"].append((None, [row[2] for row in keys]))
            elif origin == "c":
                table["indexes"].append(self._index(index, bool(unique), keys))
        return table

    def _foreign_keys(self, name: str) -> list[tuple]:
        grouped: dict[int, list[tuple]] = {}
        for row in self._pragma("foreign_key_list", name):  # id, seq, table, from, to, on_update, on_delete, match
            grouped.setdefault(row[0], []).append(row)
        foreign_keys = []
        for rows in grouped.values():
            rows.sort(key=lambda r: r[1])
            target = rows[0][2]
            # REFERENCES parent without columns means the parent's primary key
            target_columns = ([r[4] for r in rows] if rows[0][4] is not None
                              else self._primary_key(target) or None)
            foreign_keys.append((None, [r[3] for r in rows], target, target_columns, rows[0][6], rows[0][5]))
        return foreign_keys

    def _index(self, name: str, unique: bool, keys: list[tuple]) -> tuple:
        """An index created by CREATE INDEX; expressions and WHERE come from its SQL, rendered
        by sqlglot so that spacing and letter case of the original do not matter."""
        (sql,) = self.connection.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?",
                                         (name,)).fetchone()
        params = sqlglot.parse_one(sql, read="sqlite").this.args["params"]
        parts = []
        for seqno, cid, column, desc, collation, _key in keys:
            if cid == -2:  # an expression
                expression = params.args["columns"][seqno].this
                if isinstance(expression, exp.Collate):  # reported by index_xinfo below
                    expression = expression.this
                while isinstance(expression, exp.Paren):  # ((lower(x))) is lower(x)
                    expression = expression.this
                column = expression.sql(dialect="sqlite")
            parts.append(column + ("" if collation == "BINARY" else f" COLLATE {collation}")
                         + (" DESC" if desc else ""))
        where = params.args.get("where")
        return (name, unique, parts, [], where.this.sql(dialect="sqlite") if where else None, "btree")


def _sqlite_checks(sql: str) -> list[tuple]:
    """SQLite keeps CHECK constraints only in the table's SQL: every column-level and
    table-level CHECK.  Their CONSTRAINT names are left out: SQLite never uses them (they
    are not even in its error messages), and ALTER TABLE cannot change them."""
    return [(None, f"CHECK ({node.this.sql(dialect='sqlite')})")
            for node in sqlglot.parse_one(sql, read="sqlite").find_all(exp.CheckColumnConstraint, exp.Check)]


_PG_ACTIONS = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}


class PostgresDB(_Database):
    """A fresh database on the PostgreSQL server at uri, dropped again by close()."""

    def __init__(self, uri: str) -> None:
        import psycopg
        from psycopg.conninfo import make_conninfo

        self.uri, self.name = uri, f"catalog_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(uri, autocommit=True) as admin:
            admin.execute(f"CREATE DATABASE {self.name}")
        # autocommit, so CREATE INDEX CONCURRENTLY runs and a script's BEGIN/COMMIT are its own
        self.connection = psycopg.connect(make_conninfo(uri, dbname=self.name), autocommit=True)

    def run(self, script: str) -> None:
        """Statement by statement (the server takes one per query here); a failed script
        leaves no transaction open behind it."""
        from psycopg.pq import TransactionStatus

        try:
            for statement in split_statements(script):
                self.connection.execute(statement)
        except Exception:
            if self.connection.info.transaction_status in (TransactionStatus.INTRANS, TransactionStatus.INERROR):
                self.connection.execute("ROLLBACK")
            raise

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        # no parameters: the query goes as written, a % in it is not a placeholder
        cursor = self.connection.execute(sql, params or None)
        return cursor.fetchall() if cursor.description else []

    def reset(self) -> None:
        """Empties the database (much faster than a new one, for many small runs)."""
        self.connection.execute("DROP SCHEMA public CASCADE")
        self.connection.execute("CREATE SCHEMA public")

    def close(self) -> None:
        import psycopg

        self.connection.close()
        with psycopg.connect(self.uri, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE {self.name} WITH (FORCE)")

    def catalog(self) -> dict[str, Any]:
        tables = {}
        # partitions are tables of their own; they are listed under their parent instead
        for oid, name, comment, partition_by in self.execute(
                "SELECT oid, relname, obj_description(oid, 'pg_class'), pg_get_partkeydef(oid) FROM pg_class "
                "WHERE relkind IN ('r', 'p') AND relnamespace = 'public'::regnamespace AND NOT relispartition"):
            table = tables[name] = _empty_table()
            table["comment"], table["partition_by"] = comment, partition_by
            self._columns(oid, table)
            self._constraints(oid, table)
            self._indexes(oid, table)
            table["partitions"] = dict(self.execute(
                "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid, true) FROM pg_inherits i "
                "JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = %s::oid", (oid,)))
        enums: dict[str, list[str]] = {}
        for name, value in self.execute(
                "SELECT t.typname, e.enumlabel FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid "
                "WHERE t.typnamespace = 'public'::regnamespace ORDER BY t.typname, e.enumsortorder"):
            enums.setdefault(name, []).append(value)
        return _finished(tables, enums)

    def _columns(self, oid: int, table: dict[str, Any]) -> None:
        for name, type_, nullable, identity, default, comment in self.execute(
                "SELECT a.attname, format_type(a.atttypid, a.atttypmod), NOT a.attnotnull, a.attidentity <> '', "
                "pg_get_expr(d.adbin, d.adrelid), col_description(a.attrelid, a.attnum) FROM pg_attribute a "
                "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
                "WHERE a.attrelid = %s::oid AND a.attnum > 0 AND NOT a.attisdropped", (oid,)):
            table["columns"][name] = {"type": type_, "nullable": nullable, "default": _squash(default),
                                      "identity": identity}
            if comment is not None:
                table["column_comments"][name] = comment

    def _constraints(self, oid: int, table: dict[str, Any]) -> None:
        names_of = ("ARRAY(SELECT a.attname FROM unnest(c.{keys}) WITH ORDINALITY AS k(attnum, position) "
                    "JOIN pg_attribute a ON a.attrelid = c.{rel} AND a.attnum = k.attnum ORDER BY k.position)")
        for name, kind, definition, columns, target, target_columns, on_delete, on_update in self.execute(
                "SELECT c.conname, c.contype, pg_get_constraintdef(c.oid, true), "
                f"{names_of.format(keys='conkey', rel='conrelid')}, "
                "(SELECT relname FROM pg_class WHERE oid = c.confrelid), "
                f"{names_of.format(keys='confkey', rel='confrelid')}, c.confdeltype, c.confupdtype "
                "FROM pg_constraint c WHERE c.conrelid = %s::oid", (oid,)):
            if kind == "p":
                table["primary_key"] = {"name": name, "columns": columns}
            elif kind == "u":
                table["uniques"].append((name, columns))
            elif kind == "c":  # the definition keeps NOT VALID and NO INHERIT, which matter
                table["checks"].append((name, _squash(definition)))
            elif kind == "f":
                table["foreign_keys"].append((name, columns, target, target_columns,
                                              _PG_ACTIONS[on_delete], _PG_ACTIONS[on_update]))

    def _indexes(self, oid: int, table: dict[str, Any]) -> None:
        """Indexes other than those backing the primary key and unique constraints (those are
        reported, with their names, as the constraints).  A key is its column or expression,
        then a non-default operator class and a non-default order."""
        for name, unique, keys, include, where, method in self.execute(
                "SELECT i.relname, x.indisunique, "
                "ARRAY(SELECT pg_get_indexdef(x.indexrelid, k.n::int, true)"
                "  || CASE WHEN o.opcdefault THEN '' ELSE ' ' || o.opcname END"
                "  || CASE x.indoption[k.n::int - 1] & 3 WHEN 1 THEN ' DESC NULLS LAST' WHEN 2 THEN ' NULLS FIRST'"
                "     WHEN 3 THEN ' DESC' ELSE '' END"
                "  FROM unnest(x.indclass::oid[]) WITH ORDINALITY AS k(opclass, n)"
                "  JOIN pg_opclass o ON o.oid = k.opclass ORDER BY k.n), "
                "ARRAY(SELECT pg_get_indexdef(x.indexrelid, k, true)"
                "  FROM generate_series(x.indnkeyatts + 1, x.indnatts) AS k ORDER BY k), "
                "pg_get_expr(x.indpred, x.indrelid, true), am.amname "
                "FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_am am ON am.oid = i.relam "
                "WHERE x.indrelid = %s::oid AND NOT EXISTS (SELECT FROM pg_constraint c WHERE c.conrelid = x.indrelid "
                "AND c.conindid = x.indexrelid AND c.contype IN ('p', 'u'))", (oid,)):
            table["indexes"].append((name, unique, keys, include, _squash(where), method))


class MariaDB(_Database):
    """A fresh database on the MariaDB server listening on socket (user root, no password),
    dropped again by close()."""

    def __init__(self, socket: str) -> None:
        import pymysql

        self.name = f"catalog_{uuid.uuid4().hex[:12]}"
        self.connection = pymysql.connect(unix_socket=socket, user="root", autocommit=True)
        self.execute(f"CREATE DATABASE {self.name}")
        self.execute(f"USE {self.name}")

    @staticmethod
    def quote(name: str) -> str:
        return "`" + name.replace("`", "``") + "`"

    def run(self, script: str) -> None:
        """Statement by statement (the connection takes one per query); a failed script
        leaves no explicit transaction open behind it (DDL has committed already)."""
        try:
            for statement in split_statements(script):
                self.execute(statement)
        except Exception:
            self.connection.rollback()
            raise

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        with self.connection.cursor() as cursor:
            # no parameters: the query goes as written, a % in it is not a placeholder
            cursor.execute(sql, params or None)
            return list(cursor.fetchall()) if cursor.description else []

    def close(self) -> None:
        self.execute(f"DROP DATABASE {self.name}")
        self.connection.close()

    def catalog(self) -> dict[str, Any]:
        tables = {}
        for name, comment in self.execute(
                "SELECT TABLE_NAME, TABLE_COMMENT FROM information_schema.TABLES "
                "WHERE TABLE_SCHEMA = %s AND TABLE_TYPE = 'BASE TABLE'", (self.name,)):
            tables[name] = _empty_table()
            tables[name]["comment"] = comment or None
        for table, name, type_, nullable, default, extra, comment in self.execute(
                "SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA, COLUMN_COMMENT "
                "FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = %s", (self.name,)):
            if table not in tables:  # a view's column
                continue
            # a nullable column without a default reports the default as the text NULL
            # (a string default is quoted: 'NULL' is the string)
            tables[table]["columns"][name] = {"type": type_, "nullable": nullable == "YES",
                                              "default": None if default == "NULL" else _squash(default),
                                              "identity": "auto_increment" in extra.lower()}
            if comment:
                tables[table]["column_comments"][name] = comment
        self._indexes(tables)
        self._foreign_keys(tables)
        for table, name, clause in self.execute(
                "SELECT TABLE_NAME, CONSTRAINT_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS "
                "WHERE CONSTRAINT_SCHEMA = %s", (self.name,)):
            tables[table]["checks"].append((name, f"CHECK ({_squash(clause)})"))
        return _finished(tables, {})

    def _indexes(self, tables: dict[str, dict[str, Any]]) -> None:
        """PRIMARY is the primary key; every other index, unique constraints included (in
        MariaDB a UNIQUE constraint is a unique index), is under indexes.  Indexes MariaDB
        creates by itself for foreign keys are listed too: they are part of the schema."""
        grouped: dict[tuple[str, str], list[tuple]] = {}
        for row in self.execute(
                "SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, COLUMN_NAME, SUB_PART, COLLATION, INDEX_TYPE "
                "FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = %s "
                "ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX", (self.name,)):
            grouped.setdefault(row[:2], []).append(row)
        for (table, name), rows in grouped.items():
            if name == "PRIMARY":  # always named PRIMARY: no name worth comparing
                tables[table]["primary_key"] = {"name": None, "columns": [r[3] for r in rows]}
                continue
            keys = [column + (f"({sub_part})" if sub_part else "") + (" DESC" if collation == "D" else "")
                    for _t, _n, _u, column, sub_part, collation, _m in rows]
            tables[table]["indexes"].append((name, not rows[0][2], keys, [], None, rows[0][6].lower()))

    def _foreign_keys(self, tables: dict[str, dict[str, Any]]) -> None:
        grouped: dict[tuple[str, str], list[tuple]] = {}
        for row in self.execute(
                "SELECT k.TABLE_NAME, k.CONSTRAINT_NAME, k.COLUMN_NAME, k.REFERENCED_TABLE_NAME, "
                "k.REFERENCED_COLUMN_NAME, r.DELETE_RULE, r.UPDATE_RULE FROM information_schema.KEY_COLUMN_USAGE k "
                "JOIN information_schema.REFERENTIAL_CONSTRAINTS r ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA "
                "AND r.TABLE_NAME = k.TABLE_NAME AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME "
                "WHERE k.TABLE_SCHEMA = %s ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION",
                (self.name,)):
            grouped.setdefault(row[:2], []).append(row)
        for (table, name), rows in grouped.items():
            tables[table]["foreign_keys"].append((name, [r[2] for r in rows], rows[0][3], [r[4] for r in rows],
                                                  rows[0][5], rows[0][6]))


# --- what an imported schema file can say ---------------------------------------------------

def sqlite_affinity(declared: str) -> str:
    """SQLite's rules for a column's type affinity (https://www.sqlite.org/datatype3.html):
    what SQLite makes of a declared type, and so what two declarations share."""
    upper = declared.upper()
    if "INT" in upper:
        return "INTEGER"
    if any(word in upper for word in ("CHAR", "CLOB", "TEXT")):
        return "TEXT"
    if "BLOB" in upper or not upper:
        return "BLOB"
    if any(word in upper for word in ("REAL", "FLOA", "DOUB")):
        return "REAL"
    return "NUMERIC"


def comparable_after_import(catalog: dict[str, Any], engine: str, *,
                            primary_key_names: bool = False) -> dict[str, Any]:
    """The catalog without what a schema file leaves out by design, so that a database and
    the one rebuilt from its import compare equal: the names of uniques, checks and foreign
    keys (and of the primary key, unless `primary_key_names`), the partitions of a
    partitioned table (the file has `partition_by`), serial versus identity (both are
    `identity`); on SQLite a unique index on plain columns is a UNIQUE constraint; on MySQL
    schema-lang's deliberate types (every text is LONGTEXT, a timestamp is a DATETIME, which
    does not end in 2038) and the names of unique indexes (the file names them by convention)."""
    for table in catalog["tables"].values():
        if table["primary_key"] and not primary_key_names:
            table["primary_key"]["name"] = None
        table["uniques"] = _sorted([(None, cols) for _name, cols in table["uniques"]])
        table["checks"] = _sorted([(None, text) for _name, text in table["checks"]])
        table["foreign_keys"] = _sorted([(None, *rest) for _name, *rest in table["foreign_keys"]])
        table["partitions"] = {}
        for column in table["columns"].values():
            if (column["default"] or "").startswith("nextval("):
                column["default"], column["identity"] = None, True
        if engine == "sqlite":
            for index in [i for i in table["indexes"]
                          if i[1] and i[4] is None and all(re.fullmatch(r"\w+", k) for k in i[2])]:
                table["indexes"].remove(index)
                table["uniques"] = _sorted(table["uniques"] + [(None, index[2])])
        if engine == "mysql":
            for column in table["columns"].values():
                column["type"] = re.sub(r"^(tiny|medium)?text$", "longtext", column["type"])
                column["type"] = re.sub(r"^timestamp\b", "datetime", column["type"])
            table["indexes"] = _sorted([
                (None if unique and method == "btree" else name, unique, keys, include, where, method)
                for name, unique, keys, include, where, method in table["indexes"]])
    return catalog

