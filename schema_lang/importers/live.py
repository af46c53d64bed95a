"""A live database -> a schema file.

`import_url(url)` reads the catalog of a running database and writes the DDL script
the engine's own dump tool would write for it (SQLite's `.schema`, `pg_dump
--schema-only`), then hands that script to `import_sql`: a live import and the
import of a dump share one reader, and give the same file for the same schema.

    sqlite:///relative/path.db     sqlite:////absolute/path.db
    postgresql://user:password@host:port/dbname?sslmode=require&schema=sales
    postgresql:///dbname?host=/var/run/postgresql          (a Unix socket)

SQLite files are opened read-only (a missing file is an error, never created).
PostgreSQL is read with the standard-library client of `pgwire`, inside one
read-only transaction; `?schema=` picks the PostgreSQL schema to read (`public`
by default).  Whatever cannot be read (no file, no server, a refused login, an
unknown database) is an ImportSourceError with a one-line message that never
contains the password.
"""
from __future__ import annotations

import contextlib
import re
import sqlite3
from collections import defaultdict
from pathlib import Path
from urllib.parse import quote as url_quote
from urllib.parse import unquote

from . import pgwire
from .model import ImportResult, ImportSourceError
from .sql import import_sql


def import_url(url: str, schema_name: str | None = None) -> ImportResult:
    """Imports the schema of the database at `url` (sqlite:/// or postgresql://).  The
    file's `schema:` is `schema_name`, else the database's name (a SQLite file's stem)."""
    scheme = url.partition(":")[0].lower()
    if scheme == "sqlite":
        return _import_sqlite(url, schema_name)
    if scheme in ("postgresql", "postgres"):
        return _import_postgres(url, schema_name)
    raise ImportSourceError(f"cannot import from a {scheme or 'schemeless'} URL: "
                            "expected sqlite:///PATH or postgresql://...")


def _schema_name(name: str) -> str:
    """A plain lower-case identifier, as the CLI makes of a dump's file name."""
    return re.sub(r"\W+", "_", name).strip("_").lower() or "imported"


def _merge(result: ImportResult, notes: list[str]) -> ImportResult:
    result.notes = notes + result.notes
    return result


# --- SQLite -------------------------------------------------------------------------------------

def sqlite_path(url: str) -> Path:
    """The file of `sqlite:///relative/path` or `sqlite:////absolute/path` (percent-decoded;
    anything after `?` or `#` is ignored)."""
    rest = url.split(":", 1)[1]
    if not rest.startswith("//"):
        raise ImportSourceError("a SQLite URL is sqlite:///relative/path or sqlite:////absolute/path")
    rest = rest[2:]
    host, slash, path = rest.partition("/")
    if host or not slash:
        raise ImportSourceError(f"a SQLite URL names a file, not a host ({host!r}): "
                                "sqlite:///relative/path or sqlite:////absolute/path")
    path = unquote(re.split(r"[?#]", path, maxsplit=1)[0])
    if not path:
        raise ImportSourceError("the SQLite URL names no file")
    return Path(path)


def _import_sqlite(url: str, schema_name: str | None) -> ImportResult:
    path = sqlite_path(url)
    if not path.exists():
        raise ImportSourceError(f"{path}: no such file")
    if not path.is_file():
        raise ImportSourceError(f"{path}: not a file")
    script, notes = sqlite_script(path)
    return _merge(import_sql(script, "sqlite", schema_name or _schema_name(path.name.split(".")[0])), notes)


def sqlite_script(path: Path) -> tuple[str, list[str]]:
    """What `sqlite3 FILE .schema` prints, in a fixed order: tables, indexes, views and
    triggers, each by name.  SQLite's own objects (sqlite_sequence, sqlite_stat1, automatic
    indexes) and the shadow tables of virtual tables are left out.  The file is opened
    read-only: neither its bytes nor its modification time change."""
    uri = "file:" + url_quote(str(path.resolve())) + "?mode=ro"
    if _wal_without_log(path):
        # read-only, a WAL database would get -wal and -shm files that stay behind; with no
        # -wal file there is nothing but the file to read, and immutable=1 creates nothing
        uri += "&immutable=1"
    try:
        connection = sqlite3.connect(uri, uri=True, timeout=5, isolation_level=None)
    except sqlite3.Error as exc:
        raise ImportSourceError(f"{path}: cannot open as a SQLite database ({exc})") from None
    notes: list[str] = []
    try:
        try:
            rows = connection.execute(
                "SELECT type, name, tbl_name, sql FROM sqlite_master "
                "WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'").fetchall()
            shadow = _sqlite_shadow_tables(connection)
        except sqlite3.DatabaseError as exc:
            if "not a database" in str(exc) or "malformed" in str(exc) or "encrypted" in str(exc):
                raise ImportSourceError(f"{path}: not a SQLite database ({exc})") from None
            raise ImportSourceError(f"{path}: cannot read the schema ({exc})") from None
    finally:
        connection.close()
    order = {"table": 0, "index": 1, "view": 2, "trigger": 3}
    statements = []
    for kind, name, _table, sql in sorted(rows, key=lambda r: (order.get(r[0], 4), r[1])):
        if kind == "table" and name in shadow:
            continue
        sql = sql.strip().rstrip(";")
        # SQLite keeps a comment after the last word: the terminator goes on a line of its own then
        statements.append(sql + ("\n;" if "--" in sql.rsplit("\n", 1)[-1] else ";"))
    if shadow:
        notes.append(f"the shadow tables of virtual tables are left out: {_listed(sorted(shadow))}")
    return "\n\n".join(statements) + ("\n" if statements else ""), notes


def _wal_without_log(path: Path) -> bool:
    """Whether the file is a database in WAL mode (bytes 18 and 19 of its header are 2)
    with no -wal file beside it."""
    try:
        with open(path, "rb") as file:
            header = file.read(100)
    except OSError:
        return False
    return (header.startswith(b"SQLite format 3\0") and header[18:20] == b"\x02\x02"
            and not Path(str(path) + "-wal").exists())


def _sqlite_shadow_tables(connection: sqlite3.Connection) -> set[str]:
    try:
        return {row[1] for row in connection.execute("PRAGMA main.table_list") if row[2] == "shadow"}
    except sqlite3.OperationalError:  # SQLite before 3.37 has no table_list
        return set()


def _listed(names: list[str], limit: int = 10) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


# --- PostgreSQL ------------------------------------------------------------------------------------

def _import_postgres(url: str, schema_name: str | None) -> ImportResult:
    try:
        params = pgwire.parse_url(url)
    except ValueError as exc:
        raise ImportSourceError(f"invalid PostgreSQL URL: {exc}") from None
    namespace = params.schema or "public"
    who = f"database \"{params.dbname}\", user \"{params.user}\""
    try:
        connection = pgwire.connect(params)
    except pgwire.PgConnectError as exc:
        if len(exc.failures) == 1:
            (target, reason), = exc.failures
            raise ImportSourceError(f"cannot connect to PostgreSQL at {target} ({who}): {reason}") from None
        reasons = "; ".join(f"{target}: {reason}" for target, reason in exc.failures) or exc.reason
        raise ImportSourceError(f"cannot connect to PostgreSQL ({who}): {reasons}") from None
    except pgwire.PgError as exc:
        raise ImportSourceError(f"cannot connect to PostgreSQL at {exc.target or params.describe()} ({who}): "
                                f"{_reason(exc)}") from None
    try:
        with connection:
            script, notes = postgres_script(connection, namespace)
    except pgwire.PgError as exc:
        raise ImportSourceError(f"cannot read the catalog of PostgreSQL at {connection.target.describe()} "
                                f"({who}): {_reason(exc)}") from None
    return _merge(import_sql(script, "postgresql", schema_name or _schema_name(params.dbname)), notes)


def _reason(exc: pgwire.PgError) -> str:
    if isinstance(exc, pgwire.PgServerError):
        return f"{exc.message} (SQLSTATE {exc.sqlstate})"
    if isinstance(exc, pgwire.PgConnectError):
        return exc.reason
    return exc.message


def _literal(text: str) -> str:
    """A string literal that reads the same whatever standard_conforming_strings says."""
    return "E'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


def _comment_literal(text: str) -> str:
    """A literal as pg_dump writes it (standard_conforming_strings is on in the script)."""
    return "'" + text.replace("'", "''") + "'"


class _Catalog:
    """Queries of one schema's catalog on an open connection, each returning rows of str | None."""

    def __init__(self, connection: pgwire.Connection, namespace_oid: str, version: int) -> None:
        self.connection, self.ns, self.version = connection, namespace_oid, version

    def rows(self, sql: str) -> list[list[str | None]]:
        return self.connection.query(sql.replace("{ns}", self.ns)).rows

    def not_extension_member(self, catalog: str, alias: str) -> str:
        return (f"NOT EXISTS (SELECT FROM pg_depend e WHERE e.classid = '{catalog}'::regclass "
                f"AND e.objid = {alias}.oid AND e.deptype = 'e')")


def postgres_script(connection: pgwire.Connection, namespace: str) -> tuple[str, list[str]]:
    """What `pg_dump --schema-only --schema=NAMESPACE` would write, in a fixed order (each kind
    of object by name), read in one read-only transaction: extensions, enums, domains and
    composite types, functions,
    tables (columns with their types, defaults, NOT NULL and identity written inline; PARTITION
    BY; comments), free-standing sequences, views, then primary keys, unique, check and
    exclusion constraints, indexes that back no constraint, triggers and foreign keys.
    Partitions are left out (a schema file declares the partitioning, not the partitions),
    with a note; so are the objects of extensions.  Names of objects in NAMESPACE are written
    unqualified where the catalog functions print them, and tables qualified as pg_dump does."""
    version_rows = connection.query("SELECT current_setting('server_version_num')").rows
    try:
        version = int(version_rows[0][0] or "0")
    except (ValueError, IndexError):
        raise pgwire.PgProtocolError("the server does not report its version: not PostgreSQL") from None
    if version < 100000:
        raise pgwire.PgError(f"PostgreSQL 10 or later is needed (server_version_num is {version})")
    connection.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
    try:
        found = connection.query(f"SELECT oid, quote_ident(nspname) FROM pg_namespace "
                                 f"WHERE nspname = {_literal(namespace)}").rows
        if not found:
            raise pgwire.PgError(f"there is no schema \"{namespace}\" in the database")
        ns_oid, qns = found[0][0] or "", found[0][1] or ""
        # the catalog functions name objects of NAMESPACE without their schema, others with it
        connection.query(f"SET LOCAL search_path = pg_catalog, {qns}")
        return _PostgresScript(_Catalog(connection, ns_oid, version), qns).build()
    finally:
        with contextlib.suppress(pgwire.PgError):  # the error that brought us here says more
            connection.query("ROLLBACK")


class _PostgresScript:
    def __init__(self, catalog: _Catalog, qns: str) -> None:
        self.c, self.qns = catalog, qns
        self.out: list[str] = []
        self.notes: list[str] = []

    def qualified(self, quoted_name: str) -> str:
        return f"{self.qns}.{quoted_name}"

    def build(self) -> tuple[str, list[str]]:
        tables = self.tables()
        self.extensions()
        self.enums()
        self.other_types()
        self.functions()
        self.create_tables(tables)
        self.sequences()
        self.views()
        self.constraints(("p", "u", "c", "x"))
        self.indexes()
        self.triggers()
        self.constraints(("f",))
        return "\n\n".join(self.out) + ("\n" if self.out else ""), self.notes

    # what is read --------------------------------------------------------------------------------
    def tables(self) -> list[list[str | None]]:
        """The tables of the schema file, by name: oid, quoted name, relkind, partition key, comment,
        persistence, name, is a partition, parent.  Partitions and foreign tables are left out
        with a note."""
        rows = self.c.rows(
            "SELECT c.oid, quote_ident(c.relname), c.relkind, "
            "CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END, obj_description(c.oid, 'pg_class'), "
            "c.relpersistence, c.relname, c.relispartition, "
            "(SELECT p.relname FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent "
            " WHERE i.inhrelid = c.oid ORDER BY i.inhseqno LIMIT 1) "
            "FROM pg_class c WHERE c.relnamespace = {ns} AND c.relkind IN ('r', 'p', 'f') AND "
            + self.c.not_extension_member("pg_class", "c") + " ORDER BY c.relname")
        partitions: dict[str, list[str]] = defaultdict(list)
        kept = []
        for row in rows:
            name, kind, is_partition, parent = row[6] or "", row[2], row[7] == "t", row[8]
            if is_partition:
                partitions[parent or "?"].append(name)
            elif kind == "f":
                self.notes.append(f"{name} is a foreign table: left out")
            else:
                if parent is not None:
                    self.notes.append(f"{name} inherits from {parent}: the inheritance is left out")
                kept.append(row)
        for parent, names in sorted(partitions.items()):
            self.notes.append(f"{parent}: {len(names)} partition{'s' if len(names) != 1 else ''} left out "
                              f"({_listed(names)}); a schema file declares the partitioning, not the partitions")
        self.table_oids = [row[0] for row in kept]
        return kept

    def in_tables(self, column: str) -> str:
        oids = ", ".join(o for o in self.table_oids if o) or "0"
        return f"{column} IN ({oids})"

    def extensions(self) -> None:
        for (name,) in self.c.rows("SELECT quote_ident(extname) FROM pg_extension "
                                   "WHERE extnamespace = {ns} ORDER BY extname"):
            self.out.append(f"CREATE EXTENSION IF NOT EXISTS {name} WITH SCHEMA {self.qns};")

    def enums(self) -> None:
        values: dict[str, list[str]] = {}
        for name, label in self.c.rows(
                "SELECT quote_ident(t.typname), e.enumlabel FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid "
                "WHERE t.typnamespace = {ns} AND " + self.c.not_extension_member("pg_type", "t")
                + " ORDER BY t.typname, e.enumsortorder"):
            values.setdefault(name or "", []).append(label or "")
        for name, labels in values.items():
            body = ",\n".join(f"    {_comment_literal(v)}" for v in labels)
            self.out.append(f"CREATE TYPE {self.qualified(name)} AS ENUM (\n{body}\n);")

    def other_types(self) -> None:
        """Domains and composite types: the file format has no place for them, but the import
        counts them as skipped, and a column of such a type says which one it is."""
        for name, base, not_null, default, checks in self.c.rows(
                "SELECT quote_ident(t.typname), format_type(t.typbasetype, t.typtypmod), t.typnotnull, "
                "t.typdefault, (SELECT string_agg('CONSTRAINT ' || quote_ident(k.conname) || ' ' "
                "|| pg_get_constraintdef(k.oid), ' ' ORDER BY k.conname) FROM pg_constraint k "
                "WHERE k.contypid = t.oid AND k.contype = 'c') "
                "FROM pg_type t WHERE t.typnamespace = {ns} AND t.typtype = 'd' AND "
                + self.c.not_extension_member("pg_type", "t") + " ORDER BY t.typname"):
            sql = f"CREATE DOMAIN {self.qualified(name or '')} AS {base}"
            if default is not None:
                sql += f" DEFAULT {default}"
            if not_null == "t":
                sql += " NOT NULL"
            if checks:
                sql += f" {checks}"
            self.out.append(sql + ";")
        composite: dict[str, list[str]] = {}
        for name, attribute, type_ in self.c.rows(
                "SELECT quote_ident(t.typname), quote_ident(a.attname), format_type(a.atttypid, a.atttypmod) "
                "FROM pg_type t JOIN pg_class c ON c.oid = t.typrelid AND c.relkind = 'c' "
                "LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
                "WHERE t.typnamespace = {ns} AND t.typtype = 'c' AND " + self.c.not_extension_member("pg_type", "t")
                + " ORDER BY t.typname, a.attnum"):
            fields = composite.setdefault(name or "", [])
            if attribute is not None:
                fields.append(f"    {attribute} {type_}")
        for name, fields in composite.items():
            self.out.append(f"CREATE TYPE {self.qualified(name)} AS (\n" + ",\n".join(fields) + "\n);")

    def functions(self) -> None:
        kinds = "p.prokind IN ('f', 'p')" if self.c.version >= 110000 else "NOT p.proisagg"
        for (definition,) in self.c.rows(
                "SELECT pg_get_functiondef(p.oid) FROM pg_proc p WHERE p.pronamespace = {ns} AND " + kinds
                + " AND " + self.c.not_extension_member("pg_proc", "p")
                + " ORDER BY p.proname, pg_get_function_identity_arguments(p.oid)"):
            self.out.append((definition or "").strip().rstrip(";") + ";")

    def create_tables(self, tables: list[list[str | None]]) -> None:
        generated = "a.attgenerated" if self.c.version >= 120000 else "''"
        columns: dict[str, list[list[str | None]]] = defaultdict(list)
        for row in self.c.rows(
                "SELECT a.attrelid, quote_ident(a.attname), format_type(a.atttypid, a.atttypmod), a.attnotnull, "
                f"a.attidentity, {generated}, pg_get_expr(d.adbin, d.adrelid), col_description(a.attrelid, a.attnum), "
                "CASE WHEN a.attcollation <> t.typcollation AND a.attcollation <> 0 THEN "
                " (SELECT quote_ident(n.nspname) || '.' || quote_ident(l.collname) FROM pg_collation l "
                "  JOIN pg_namespace n ON n.oid = l.collnamespace WHERE l.oid = a.attcollation) END "
                "FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid "
                "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
                "WHERE " + self.in_tables("a.attrelid") + " AND a.attnum > 0 AND NOT a.attisdropped "
                "ORDER BY a.attrelid, a.attnum"):
            columns[row[0] or ""].append(row)
        for oid, qname, _kind, partition_key, comment, persistence, _name, _part, _parent in tables:
            table = self.qualified(qname or "")
            lines = []
            comments = []
            for _rel, column, type_, not_null, identity, generated_kind, default, col_comment, collation \
                    in columns.get(oid or "", []):
                line = f"    {column} {type_}"
                if collation:
                    line += f" COLLATE {collation}"
                if generated_kind in ("s", "v"):  # stored, or virtual (PostgreSQL 18)
                    line += f" GENERATED ALWAYS AS ({default})" + (" STORED" if generated_kind == "s" else "")
                elif identity in ("a", "d"):
                    line += f" GENERATED {'ALWAYS' if identity == 'a' else 'BY DEFAULT'} AS IDENTITY"
                elif default is not None:
                    line += f" DEFAULT {default}"
                if not_null == "t":
                    line += " NOT NULL"
                lines.append(line)
                if col_comment is not None:
                    comments.append(f"COMMENT ON COLUMN {table}.{column} IS {_comment_literal(col_comment)};")
            unlogged = "UNLOGGED " if persistence == "u" else ""
            sql = f"CREATE {unlogged}TABLE {table} (\n" + ",\n".join(lines) + "\n)"
            if partition_key:
                sql += f"\nPARTITION BY {partition_key}"
            self.out.append(sql + ";")
            if comment is not None:
                self.out.append(f"COMMENT ON TABLE {table} IS {_comment_literal(comment)};")
            self.out.extend(comments)

    def sequences(self) -> None:
        """Sequences no column owns (serial and identity columns own theirs)."""
        for (name,) in self.c.rows(
                "SELECT quote_ident(s.relname) FROM pg_class s WHERE s.relnamespace = {ns} AND s.relkind = 'S' "
                "AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass "
                "AND d.objid = s.oid AND d.refobjsubid > 0 AND d.deptype IN ('a', 'i')) AND "
                + self.c.not_extension_member("pg_class", "s") + " ORDER BY s.relname"):
            self.out.append(f"CREATE SEQUENCE {self.qualified(name or '')};")

    def views(self) -> None:
        for name, kind, definition in self.c.rows(
                "SELECT quote_ident(c.relname), c.relkind, pg_get_viewdef(c.oid) FROM pg_class c "
                "WHERE c.relnamespace = {ns} AND c.relkind IN ('v', 'm') AND "
                + self.c.not_extension_member("pg_class", "c") + " ORDER BY c.relname"):
            body = (definition or "").strip().rstrip(";")
            if kind == "m":
                self.out.append(f"CREATE MATERIALIZED VIEW {self.qualified(name or '')} AS\n{body}\n  WITH NO DATA;")
            else:
                self.out.append(f"CREATE VIEW {self.qualified(name or '')} AS\n{body};")

    def constraints(self, kinds: tuple[str, ...]) -> None:
        inherited = " AND con.conparentid = 0" if self.c.version >= 110000 else ""
        wanted = ", ".join(f"'{k}'" for k in kinds)
        for table, name, definition in self.c.rows(
                "SELECT quote_ident(c.relname), quote_ident(con.conname), pg_get_constraintdef(con.oid) "
                "FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid "
                "WHERE " + self.in_tables("con.conrelid") + f" AND con.contype IN ({wanted}) AND con.conislocal"
                + inherited + " ORDER BY c.relname, con.conname"):
            self.out.append(f"ALTER TABLE ONLY {self.qualified(table or '')}\n"
                            f"    ADD CONSTRAINT {name} {definition};")

    def indexes(self) -> None:
        for (definition,) in self.c.rows(
                "SELECT pg_get_indexdef(x.indexrelid) FROM pg_index x JOIN pg_class c ON c.oid = x.indrelid "
                "JOIN pg_class i ON i.oid = x.indexrelid WHERE " + self.in_tables("x.indrelid") +
                " AND x.indislive AND NOT EXISTS (SELECT FROM pg_constraint k WHERE k.conrelid = x.indrelid "
                "AND k.conindid = x.indexrelid AND k.contype IN ('p', 'u', 'x')) ORDER BY c.relname, i.relname"):
            self.out.append((definition or "") + ";")

    def triggers(self) -> None:
        for (definition,) in self.c.rows(
                "SELECT pg_get_triggerdef(t.oid) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE c.relnamespace = {ns} AND NOT t.tgisinternal AND NOT c.relispartition "
                "ORDER BY c.relname, t.tgname"):
            self.out.append((definition or "") + ";")
