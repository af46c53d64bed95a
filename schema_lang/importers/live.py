"""A live database -> a schema file.

`import_url(url)` reads the catalog of a running database and writes the DDL script
the engine's own dump tool would write for it (SQLite's `.schema`, `pg_dump
--schema-only`), then hands that script to `import_sql`: a live import and the
import of a dump share one reader, and give the same file for the same schema.

    sqlite:///relative/path.db     sqlite:////absolute/path.db
    postgresql://user:password@host:port/dbname?sslmode=require&schema=sales
    postgresql:///dbname?host=/var/run/postgresql          (a Unix socket)

SQLite files are opened read-only (a missing file is an error, never created).
PostgreSQL is read through psycopg 3 (the optional `postgres` extra), inside one
read-only transaction.  The URL goes to libpq as the user wrote it, so whatever
libpq users rely on applies: ~/.pgpass, PGPASSFILE and `passfile=`, service files
(`service=`, PGSERVICE, PGSERVICEFILE), `sslmode`, `target_session_attrs`, several
hosts, and the PG* environment variables.  The one parameter that is not libpq's,
`?schema=`, picks the PostgreSQL schema to read (`public` by default) and is taken
out before the URL reaches libpq.  Connecting gives up after `connect_timeout=` (or
PGCONNECT_TIMEOUT) seconds, 10 when neither is given.  Whatever cannot be read (no
file, no server, a refused login, an unknown database, no psycopg) is an
ImportSourceError with a one-line message that never contains the password.
"""
from __future__ import annotations

import contextlib
import os
import re
import sqlite3
from collections import defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import quote as url_quote
from urllib.parse import unquote

from .model import ImportResult, ImportSourceError
from .sql import import_sql

# psycopg is an optional extra: without it SQLite files are still imported, and a
# PostgreSQL URL gets a message saying what to install instead of a traceback
try:
    import psycopg
    from psycopg.conninfo import conninfo_to_dict
except ImportError:
    _HAVE_PSYCOPG = False
    _CONNECTION_TIMEOUT: Any = ()
else:
    _HAVE_PSYCOPG = True
    _CONNECTION_TIMEOUT = getattr(psycopg.errors, "ConnectionTimeout", ())  # not in every psycopg 3 release


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

PSYCOPG_MISSING_MESSAGE = ("reading a live PostgreSQL database needs psycopg: "
                           "pip install 'schema-lang[postgres]' (or pip install 'psycopg[binary]')")
# psycopg's own default is 130 s; an import that cannot reach its server should say so sooner
DEFAULT_CONNECT_TIMEOUT = 10
# libpq has no limit on waiting for a query's answer; this one is the server's, and applies only
# inside the import's own transaction when the session has none
CATALOG_STATEMENT_TIMEOUT = "300s"


class _CatalogError(Exception):
    """The catalog cannot be read for a reason of schema-lang's (no such schema, a server too old)."""


def _import_postgres(url: str, schema_name: str | None) -> ImportResult:
    if not _HAVE_PSYCOPG:
        raise ImportSourceError(PSYCOPG_MISSING_MESSAGE)
    secrets = _url_secrets(url)
    conninfo, namespace = _without_schema(url)
    try:
        given = conninfo_to_dict(conninfo)
    except psycopg.Error as exc:
        raise ImportSourceError(_redacted(f"invalid PostgreSQL URL: {_one_line(str(exc))}", secrets)) from None
    # nothing here changes where or how safely libpq connects: rows are decoded as UTF-8 whatever the
    # user's PGCLIENTENCODING, and a fallback name leaves application_name= and PGAPPNAME in charge
    settings: dict[str, Any] = {"client_encoding": "UTF8", "fallback_application_name": "schema-lang"}
    if "connect_timeout" not in given and not os.environ.get("PGCONNECT_TIMEOUT"):
        settings["connect_timeout"] = DEFAULT_CONNECT_TIMEOUT
    try:
        connection = psycopg.connect(conninfo, autocommit=True, prepare_threshold=None, **settings)
    except psycopg.Error as exc:
        pgconn = getattr(exc, "pgconn", None)
        known = {key: _text(getattr(pgconn, attribute, b"")) for key, attribute in
                 (("host", "host"), ("port", "port"), ("dbname", "db"), ("user", "user"))}
        if "," in (_text(given.get("host")) or os.environ.get("PGHOST", "")):
            known["host"] = known["port"] = ""  # every host was tried, not only the last one libpq names
        reason = _one_line(str(exc))
        if isinstance(exc, _CONNECTION_TIMEOUT):
            reason = f"timed out ({reason})"
        raise ImportSourceError(_redacted(f"cannot connect to PostgreSQL{_described(known, given)}: {reason}",
                                          secrets)) from None
    info = connection.info
    dbname = info.dbname
    where = _described({"host": info.host, "port": str(info.port), "dbname": dbname, "user": info.user}, given)
    try:
        with connection:
            script, notes = postgres_script(connection, namespace)
    except (psycopg.Error, _CatalogError) as exc:
        raise ImportSourceError(_redacted(f"cannot read the catalog of PostgreSQL{where}: {_reason(exc)}",
                                          secrets)) from None
    return _merge(import_sql(script, "postgresql", schema_name or _schema_name(dbname)), notes)


def _split_query(url: str) -> tuple[str, str | None]:
    """The URL before its query string and the query string (None when there is none), found as
    libpq finds it: credentials end at an `@` before any `/`, and may hold a `?`."""
    scheme_end = url.find("://")
    rest_start = scheme_end + 3 if scheme_end >= 0 else 0
    credentials = re.match(r"[^@/]*@", url[rest_start:])
    after = rest_start + (credentials.end() if credentials else 0)
    mark = url.find("?", after)
    return (url, None) if mark < 0 else (url[:mark], url[mark + 1:])


def _without_schema(url: str) -> tuple[str, str]:
    """The URL for libpq (without `schema=`, which libpq would refuse; the scheme in lower case,
    as libpq knows it) and the PostgreSQL schema to read."""
    scheme, sep, rest = url.partition("://")
    head, query = _split_query(scheme.lower() + sep + rest)
    if query is None:
        return head, "public"
    namespace = ""
    kept = []
    for pair in query.split("&"):
        key, _eq, value = pair.partition("=")
        if unquote(key) == "schema":
            namespace = unquote(value)
        else:
            kept.append(pair)
    return head + ("?" + "&".join(kept) if kept else ""), namespace or "public"


def _url_secrets(url: str) -> list[str]:
    """The password of the URL (after `user:` or in `password=`), as written and decoded, longest
    first: libpq repeats the URL, or a part of it, in some of its messages."""
    head, query = _split_query(url)
    found = []
    credentials = re.match(r"[^@/]*@", head.partition("://")[2])
    if credentials and ":" in credentials.group():
        found.append(credentials.group()[:-1].split(":", 1)[1])
    for pair in (query or "").split("&"):
        key, _eq, value = pair.partition("=")
        if unquote(key) == "password":
            found.append(value)
    secrets = {variant for value in found for variant in (value, unquote(value)) if variant}
    return sorted(secrets, key=len, reverse=True)


def _redacted(message: str, secrets: list[str]) -> str:
    for secret in secrets:
        message = message.replace(secret, "***")
    return message


def _one_line(message: str) -> str:
    """libpq's message on one line: its lines joined with "; ", runs of blanks made one space."""
    lines = [" ".join(line.split()) for line in message.splitlines()]
    text = "; ".join(line for line in lines if line)
    for prefix in ("connection failed: ", "connection is bad: "):  # psycopg's, before libpq's own text
        text = text.removeprefix(prefix)
    return text or "unknown error"


def _text(value: object) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return "" if value is None else str(value)


def _described(known: dict[str, str], given: dict[str, Any]) -> str:
    """` at HOST:PORT (database "D", user "U")` for messages: what libpq used when it says, else what
    the URL or the PG* variables give; a socket directory is shown as the socket's path."""
    environment = {"host": "PGHOST", "port": "PGPORT", "dbname": "PGDATABASE", "user": "PGUSER"}
    value = {key: known.get(key) or _text(given.get(key)) or os.environ.get(variable, "")
             for key, variable in environment.items()}
    hosts = value["host"].split(",") if value["host"] else []
    ports = value["port"].split(",") if value["port"] else []
    targets = []
    for i, host in enumerate(hosts):
        port = (ports[i] if len(ports) == len(hosts) else ports[0] if ports else "") or "5432"
        if host.startswith("/"):
            targets.append(f"{host.rstrip('/')}/.s.PGSQL.{port}")
        else:
            targets.append(f"[{host}]:{port}" if ":" in host else f"{host}:{port}")
    if not targets and given.get("service"):
        targets.append(f"service \"{_text(given['service'])}\"")
    who = [f'{what} "{value[key]}"' for key, what in (("dbname", "database"), ("user", "user")) if value[key]]
    return (f" at {', '.join(targets)}" if targets else "") + (f" ({', '.join(who)})" if who else "")


def _reason(exc: Exception) -> str:
    diag = getattr(exc, "diag", None)
    sqlstate = getattr(exc, "sqlstate", None)
    primary = getattr(diag, "message_primary", None) if diag is not None else None
    message = _one_line(primary or str(exc))
    return f"{message} (SQLSTATE {sqlstate})" if sqlstate else message


def _literal(text: str) -> str:
    """A string literal that reads the same whatever standard_conforming_strings says."""
    return "E'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


def _comment_literal(text: str) -> str:
    """A literal as pg_dump writes it (standard_conforming_strings is on in the script)."""
    return "'" + text.replace("'", "''") + "'"


def _rows(connection: psycopg.Connection[Any], sql: str) -> list[list[str | None]]:
    """The rows of `sql`, every value as the server's text for it (or None): read from libpq's
    result rather than through psycopg's loaders, so a boolean is "t", an oid a string of digits,
    as the script builder expects."""
    result = connection.execute(sql).pgresult
    if result is None:
        return []
    return [[None if (value := result.get_value(row, column)) is None else bytes(value).decode("utf-8", "replace")
             for column in range(result.nfields)] for row in range(result.ntuples)]


class _Catalog:
    """Queries of one schema's catalog on an open connection, each returning rows of str | None."""

    def __init__(self, connection: psycopg.Connection[Any], namespace_oid: str, version: int) -> None:
        self.connection, self.ns, self.version = connection, namespace_oid, version

    def rows(self, sql: str) -> list[list[str | None]]:
        return _rows(self.connection, sql.replace("{ns}", self.ns))

    def not_extension_member(self, catalog: str, alias: str) -> str:
        return (f"NOT EXISTS (SELECT FROM pg_depend e WHERE e.classid = '{catalog}'::regclass "
                f"AND e.objid = {alias}.oid AND e.deptype = 'e')")


def postgres_script(connection: psycopg.Connection[Any], namespace: str) -> tuple[str, list[str]]:
    """What `pg_dump --schema-only --schema=NAMESPACE` would write, in a fixed order (each kind
    of object by name), read in one read-only transaction: extensions, enums, domains and
    composite types, functions,
    tables (columns with their types, defaults, NOT NULL and identity written inline; PARTITION
    BY; comments), free-standing sequences, views, then primary keys, unique, check and
    exclusion constraints, indexes that back no constraint, triggers and foreign keys.
    Partitions are left out (a schema file declares the partitioning, not the partitions),
    with a note; so are the objects of extensions.  Names of objects in NAMESPACE are written
    unqualified where the catalog functions print them, and tables qualified as pg_dump does.
    `connection` is in autocommit mode: the transaction is this function's own."""
    version = connection.info.server_version
    if version < 100000:
        raise _CatalogError(f"PostgreSQL 10 or later is needed (server_version_num is {version})")
    # read-only by the transaction, not by default_transaction_read_only at connect time: that
    # setting would make target_session_attrs=read-write refuse a primary
    connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
    try:
        connection.execute(f"SELECT set_config('statement_timeout', {_literal(CATALOG_STATEMENT_TIMEOUT)}, true) "
                           "WHERE current_setting('statement_timeout') = '0'")
        found = _rows(connection, f"SELECT oid, quote_ident(nspname) FROM pg_namespace "
                                  f"WHERE nspname = {_literal(namespace)}")
        if not found:
            raise _CatalogError(f"there is no schema \"{namespace}\" in the database")
        ns_oid, qns = found[0][0] or "", found[0][1] or ""
        # the catalog functions name objects of NAMESPACE without their schema, others with it
        connection.execute(f"SET LOCAL search_path = pg_catalog, {qns}")
        return _PostgresScript(_Catalog(connection, ns_oid, version), qns).build()
    finally:
        with contextlib.suppress(psycopg.Error):  # the error that brought us here says more
            connection.execute("ROLLBACK")


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
