"""Proof by the planner: create the schema in a real engine, fill it with synthetic
rows, gather statistics and ask the engine how it would run each declared query.

Engines: SQLite in memory (always there) and PostgreSQL through the `pgserver`
package (an embedded server; `pip install 'schema-lang[postgres]'`).  The copy of
the schema made here leaves CHECK constraints out (plans do not depend on them);
the generated values keep to the simple ones (bounds, BETWEEN, IN lists).
"""
from __future__ import annotations

import datetime as dt
import json
import random
import re
import sqlite3
import tempfile
import uuid
from dataclasses import dataclass
from functools import lru_cache
from typing import cast

import sqlglot
from sqlglot import exp

from ..analysis.indexes import IndexLike, index_for
from ..analysis.queries import ParsedQuery, parse_query
from ..core.model import Column, Schema, Table
from ..core.types import ColumnType
from ..dialects import get_dialect
from ..sql.identifiers import quote
from ..sql.queries import read as read_query
from .ddl import _ordered, generate, index_name, primary_key_name, unique_name

DEFAULT_ROWS = 2_000
MAX_ROWS = 20_000


class ExplainError(RuntimeError):
    """The engine is not available or refused the schema (a message for the user)."""


@dataclass(slots=True)
class Result:
    query: str
    engine: str
    uses_index: str | None
    predicted: str | None
    plan: str
    table: str | None = None

    def as_json(self) -> dict:
        return {"query": self.query, "engine": self.engine, "uses_index": self.uses_index,
                "predicted": self.predicted, "plan": self.plan}


def volume(table: Table) -> int:
    """Rows to generate: the declared volume scaled down, within bounds that keep a run short."""
    if table.rows is None:
        return DEFAULT_ROWS
    return max(200, min(MAX_ROWS, table.rows // 100))


# ---------------------------------------------------------------------------
# synthetic rows

@lru_cache(maxsize=4096)
def _check_bounds(check: str | None) -> tuple[float | None, float | None, tuple | None]:
    return _bounds_of(check)


def _bounds(column: Column) -> tuple[float | None, float | None, tuple | None]:
    return _check_bounds(column.check)


def _bounds_of(check: str | None) -> tuple[float | None, float | None, tuple | None]:
    """(low, high, allowed values) read from a column's simple CHECK."""
    low = high = None
    allowed = None
    if not check:
        return low, high, allowed
    try:
        tree = sqlglot.parse_one(check, read="postgres")
    except sqlglot.errors.SqlglotError:
        return low, high, allowed
    for node in tree.find_all(exp.GT, exp.GTE, exp.LT, exp.LTE, exp.Between, exp.In):
        if isinstance(node, exp.Between) and isinstance(node.args.get("low"), exp.Literal):
            low, high = float(node.args["low"].this), float(node.args["high"].this)
        elif isinstance(node, exp.In):
            allowed = tuple(e.this for e in node.expressions if isinstance(e, exp.Literal))
        elif isinstance(node.expression, exp.Literal) and node.expression.is_number:
            value = float(node.expression.this)
            if isinstance(node, exp.GT):
                low = value + 1
            elif isinstance(node, exp.GTE):
                low = value
            elif isinstance(node, exp.LT):
                high = value - 1
            else:
                high = value
    return low, high, allowed


class Generator:
    def __init__(self, schema: Schema, seed: int = 7) -> None:
        self.schema = schema
        self.random = random.Random(seed)
        self.keys: dict[str, list[tuple]] = {}  # table -> key tuples of its rows (for foreign keys)
        self.values: dict[tuple[str, str], list] = {}  # a sample of each column's values

    def rows(self, table: Table) -> tuple[list[str], list[tuple]]:
        n = volume(table)
        columns = [c for c in table.columns.values() if c.type is not None]
        names = [c.name for c in columns]
        fk_values = self._foreign_values(table, n)
        unique = {u.columns[0] for u in table.uniques if len(u.columns) == 1} | (
            set(table.primary_key) if len(table.primary_key) == 1 else set())
        data = []
        seen_keys: set[tuple] = set()
        composite_keys = [table.primary_key] if len(table.primary_key) > 1 else []
        composite_keys += [u.columns for u in table.uniques if len(u.columns) > 1]
        for i in range(n):
            row = []
            for column in columns:
                if column.name in fk_values:
                    row.append(fk_values[column.name][i])
                else:
                    row.append(self._value(table, column, i, n, column.name in unique))
            keep = True
            for key in composite_keys:
                k = tuple(row[names.index(c)] for c in key)
                if (tuple(key), k) in seen_keys:
                    keep = False
                seen_keys.add((tuple(key), k))
            if keep:
                data.append(tuple(row))
        pk = table.primary_key or names[:1]
        self.keys[table.name] = [tuple(r[names.index(c)] for c in pk) for r in data]
        for j, name in enumerate(names):
            self.values[(table.name, name)] = [r[j] for r in data[:: max(1, len(data) // 50)]]
        return names, data

    def _foreign_values(self, table: Table, n: int) -> dict[str, list]:
        out: dict[str, list] = {}
        for fk in table.foreign_keys:
            target = self.schema.tables.get(fk.table)
            parents = self.keys.get(fk.table)
            nullable = all(table.columns[c].nullable for c in fk.columns if c in table.columns)
            if target is None or not parents or target is table:
                if nullable or target is table:
                    for c in fk.columns:
                        out[c] = [None] * n
                continue
            target_columns = fk.target_columns or target.primary_key
            if fk.target_columns and list(fk.target_columns) != list(target.primary_key):
                # a reference to another unique column: take that column's values
                pool = [(v,) for v in self.values.get((fk.table, fk.target_columns[0]), [])] or parents
            else:
                pool = parents
            picks = [pool[self.random.randrange(len(pool))] for _ in range(n)]
            for j, c in enumerate(fk.columns[: len(target_columns)]):
                out[c] = [p[j] if j < len(p) else None for p in picks]
        return out

    def _value(self, table: Table, column: Column, i: int, n: int, unique: bool):
        column_type = cast(ColumnType, column.type)  # the schema has no errors: every column has a type
        ctype = column_type.scalar
        rnd = self.random
        low, high, allowed = _bounds(column)
        # non-unique columns get about ten rows per value: selective, like real data
        distinct = n if unique else max(2, n // 10)
        k = i if unique else rnd.randrange(distinct)
        base = ctype.base
        if column_type.base == "array":
            return None if column.nullable else "{}"
        if allowed:
            return allowed[k % len(allowed)]
        if base in ("smallint", "int", "bigint"):
            lo = int(low) if low is not None else (1 if unique else 0)
            hi = int(high) if high is not None else (32_000 if base == "smallint" else lo + max(distinct, 1) * 3)
            if unique:
                return lo + i
            return lo + (k % max(1, hi - lo + 1))
        if base in ("decimal", "real", "double"):
            real_lo = low if low is not None else 1.0
            real_hi = high if high is not None else real_lo + 1000
            value = real_lo + (k / max(distinct, 1)) * (real_hi - real_lo)
            return round(value, 2)
        if base == "boolean":
            return k % 2 == 0
        if base in ("char", "varchar", "text"):
            limit = ctype.params[0] if ctype.params else 255
            if base == "char" and limit <= 3:
                letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                return "".join(letters[(k // (26 ** p)) % 26] for p in range(limit))
            text = f"{column.name}_{k}"
            if "email" in column.name:
                text = f"user{k}@example.com"
            return text[-limit:] if len(text) > limit else text
        if base == "enum":
            values = ctype.enum_values or tuple(self.schema.enums[cast(str, ctype.enum_name)].values)
            return values[k % len(values)]
        start = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
        if base in ("timestamp", "timestamptz"):
            moment = start + dt.timedelta(seconds=(i if unique else rnd.randrange(n * 60)) * 37)
            return moment if base == "timestamptz" else moment.replace(tzinfo=None)
        if base == "date":
            return (start + dt.timedelta(days=k % 3650)).date()
        if base == "time":
            return dt.time((k // 60) % 24, k % 60)
        if base == "interval":
            return dt.timedelta(minutes=k)
        if base == "uuid":
            return str(uuid.UUID(int=rnd.getrandbits(128)))
        if base in ("json", "jsonb"):
            return json.dumps({"n": k})
        if base == "bytes":
            return f"b{k}".encode()
        return None


# ---------------------------------------------------------------------------
# parameters

def bind(schema: Schema, parsed: ParsedQuery, generator: Generator, engine_dialect: str) -> str:
    """The query with its placeholders replaced by values taken from the generated rows."""

    # (the reading the analysis made; `transform` below works on a copy)
    statement = read_query(parsed.query.sql, schema.dialect.sqlglot_name or None).statement
    aliases = {a.alias: a.table for a in parsed.accesses}

    def sample(column: exp.Column | None):
        if column is None:
            return 1
        tables = [aliases[column.table]] if column.table in aliases else [a.table for a in parsed.accesses]
        for table in tables:
            values = [v for v in generator.values.get((table.name, column.name), []) if v is not None]
            if values:
                return values[len(values) // 2]
        return 1

    def literal(value) -> exp.Expression:
        if isinstance(value, bool):
            return exp.Boolean(this=value)
        if isinstance(value, (int, float)):
            return exp.Literal.number(value)
        return exp.Literal.string(str(value))

    def replace(node: exp.Expression):
        if isinstance(node, (exp.Placeholder, exp.Parameter)):
            parent = node.parent
            column = None
            if isinstance(parent, (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.Like)):
                other = parent.left if parent.right is node else parent.right
                column = other if isinstance(other, exp.Column) else None
            elif isinstance(parent, (exp.In, exp.Between)):
                column = parent.this if isinstance(parent.this, exp.Column) else None
            return literal(sample(column))
        return node

    bound = statement.transform(replace)
    return bound.sql(dialect=get_dialect(engine_dialect).sqlglot_name)


# ---------------------------------------------------------------------------
# engines

def _engine_index_names(table: Table, ix: IndexLike, engine: str) -> set[str]:
    dialect = get_dialect(engine)
    if ix.source == "index":
        return {index_name(table, table.indexes[ix.position], dialect)}
    if ix.source == "unique":
        return {unique_name(table, ix.names, dialect)}
    if engine == "sqlite":
        column = table.columns.get(ix.names[0])
        if (len(ix.names) == 1 and column is not None and column.type
                and column.type.base in ("smallint", "int", "bigint")):
            return {"INTEGER PRIMARY KEY"}
        return {f"sqlite_autoindex_{table.name}_1"}
    return {primary_key_name(table, dialect)}


def predicted_index(parsed: ParsedQuery, engine: str) -> tuple[str | None, str | None]:
    """(table, index name) the advisor expects for the query's driving table."""
    driving = next((a for a in parsed.accesses if a.driving), None)
    if driving is None:
        return None, None
    _, _, ix = index_for(driving, driving.limit)
    if ix is None:
        return driving.table.name, None
    return driving.table.name, sorted(_engine_index_names(driving.table, ix, engine))[0]


class SQLiteEngine:
    name = "sqlite"

    def __init__(self) -> None:

        self.connection = sqlite3.connect(":memory:")

    def load(self, schema: Schema, generator: Generator, order: list[Table]) -> None:
        ddl = generate(schema, get_dialect("sqlite"), with_checks=False)
        self.connection.executescript(ddl.script())
        for table in order:
            names, rows = generator.rows(table)
            if not rows:
                continue
            q = get_dialect("sqlite")
            sql = (f"INSERT OR IGNORE INTO {quote(table.name, q)} ({', '.join(quote(n, q) for n in names)}) "
                   f"VALUES ({', '.join('?' for _ in names)})")
            self.connection.executemany(sql, [tuple(_sqlite_value(v) for v in r) for r in rows])
        self.connection.execute("ANALYZE")
        self.connection.commit()

    def explain(self, sql: str, table: str | None, aliases: dict[str, str]) -> tuple[str | None, str]:
        rows = self.connection.execute("EXPLAIN QUERY PLAN " + sql).fetchall()
        lines = [r[-1] for r in rows]
        used = None
        for line in lines:
            match = re.match(r"(SEARCH|SCAN) (\S+)(?: AS \S+)?(?: USING (?:COVERING )?INDEX (\S+)|"
                             r" USING (INTEGER PRIMARY KEY))?", line)
            if not match:
                continue
            name = aliases.get(match.group(2), match.group(2))
            if table is None or name == table:
                used = match.group(3) or match.group(4)
                break
        return used, "\n".join(lines)

    def close(self) -> None:
        self.connection.close()


def _sqlite_value(v):
    if isinstance(v, (dt.datetime, dt.date, dt.time)):
        return v.isoformat()
    if isinstance(v, dt.timedelta):
        return str(v)
    return v


class PostgresEngine:
    """A throwaway database: on a server given by URI (one test session shares one), or
    on an embedded server started for this run."""

    name = "postgresql"

    def __init__(self, server_uri: str | None = None) -> None:
        try:
            import psycopg
        except ImportError as exc:
            raise ExplainError("the postgresql engine needs psycopg (and pgserver for an embedded server): "
                               "pip install 'schema-lang[postgres]'") from exc
        self.server = None
        if server_uri is None:
            try:
                import pgserver
            except ImportError as exc:
                raise ExplainError("the postgresql engine needs the pgserver package: "
                                   "pip install 'schema-lang[postgres]'") from exc
            self.directory = tempfile.mkdtemp(prefix="schema-lang-pg-")
            self.server = pgserver.get_server(self.directory, cleanup_mode="stop")
            server_uri = self.server.get_uri()
        self.admin = psycopg.connect(server_uri, autocommit=True)
        self.database = f"explain_{uuid.uuid4().hex[:12]}"
        self.admin.execute(f"CREATE DATABASE {self.database}")
        info = self.admin.info
        self.connection = psycopg.connect(host=info.host, port=info.port, user=info.user, dbname=self.database,
                                          autocommit=True)

    def load(self, schema: Schema, generator: Generator, order: list[Table]) -> None:
        dialect = get_dialect("postgresql")
        ddl = generate(schema, dialect, with_checks=False)
        for statement in ddl.statements:
            self.connection.execute(statement)
        for table in order:
            names, rows = generator.rows(table)
            if not rows:
                continue
            columns = ", ".join(quote(n, dialect) for n in names)
            with (self.connection.cursor() as cursor,
                  cursor.copy(f"COPY {quote(table.name, dialect)} ({columns}) FROM STDIN") as copy):
                for row in rows:
                    copy.write_row(row)
        self.connection.execute("ANALYZE")

    def explain(self, sql: str, table: str | None, aliases: dict[str, str]) -> tuple[str | None, str]:
        row = cast(tuple, self.connection.execute("EXPLAIN (FORMAT JSON) " + sql).fetchone())  # always one row
        plan = row[0][0]["Plan"]
        text = "\n".join(r[0] for r in self.connection.execute("EXPLAIN " + sql).fetchall())
        found: list[tuple[str | None, str | None]] = []

        def walk(node: dict, relation: str | None = None) -> None:
            rel = node.get("Relation Name") or relation
            if "Index Name" in node:
                found.append((rel, node["Index Name"]))
            elif node.get("Node Type") == "Seq Scan":
                found.append((rel, None))
            for child in node.get("Plans", []):
                walk(child, node.get("Relation Name") if node.get("Node Type") == "Bitmap Heap Scan" else None)

        walk(plan)
        for rel, index in found:
            if table is None or rel == table:
                return index, text
        return None, text

    def close(self) -> None:
        try:
            self.connection.close()
            self.admin.execute(f"DROP DATABASE IF EXISTS {self.database}")
            self.admin.close()
        finally:
            if self.server is not None:
                self.server.cleanup()


def _generation_order(schema: Schema) -> list[Table]:

    return _ordered(schema)[0]


def explain(schema: Schema, engine: str = "sqlite", queries: list[str] | None = None,
            server_uri: str | None = None) -> list[Result]:
    """Runs EXPLAIN for the declared queries; `server_uri` points the postgresql engine at a
    running server (a fresh database is made and dropped) instead of starting one."""
    runner: SQLiteEngine | PostgresEngine
    if engine == "sqlite":
        runner = SQLiteEngine()
    elif engine == "postgresql":
        runner = PostgresEngine(server_uri)
    else:
        raise ExplainError(f"unknown engine '{engine}': use sqlite or postgresql")
    try:
        generator = Generator(schema)
        runner.load(schema, generator, _generation_order(schema))
        results = []
        for name, query in schema.queries.items():
            if queries and name not in queries:
                continue
            parsed = parse_query(schema, query)
            if parsed.problems or not parsed.accesses:
                continue
            table, predicted = predicted_index(parsed, engine)
            sql = bind(schema, parsed, generator, engine)
            aliases = {a.alias: a.table.name for a in parsed.accesses}
            used, plan = runner.explain(sql, table, aliases)
            results.append(Result(name, engine, used, predicted, plan, table))
        return results
    finally:
        runner.close()
