"""Migrations executed on real engines: v1 is created and filled, the up script must give the
catalog of a freshly created v2 with the rows kept, the down script the catalog of v1 with
the rows that survived both ways."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from textwrap import dedent

import pytest
from catalogs import MariaDB, PostgresDB, SqliteDB

from schema_lang.analysis import analyze
from schema_lang.dialects import get_dialect
from schema_lang.generate.ddl import generate
from schema_lang.generate.migrate import plan, renames_between


def schema(body: str, enums: str = "") -> str:
    return "schema: app\n" + (dedent(enums).strip("\n") + "\n" if enums else "") + "tables:\n" + \
        "\n".join("  " + line if line else line for line in dedent(body).strip("\n").splitlines()) + "\n"


@dataclass
class Pair:
    id: str
    v1: str
    v2: str
    rows: dict[str, list[dict]]  # v1 rows per table
    # the findings the up direction must report (rule ids)
    findings: set[str] = field(default_factory=set)
    engines: tuple[str, ...] = ("sqlite", "postgresql", "mysql")


USERS = """
users:
  columns:
    id: bigint pk identity
    email: varchar(100) not null unique
    name: varchar(50)
    score: int default 0
"""

USER_ROWS = {"users": [{"id": 1, "email": "a@x.io", "name": "Ann", "score": 3},
                       {"id": 2, "email": "b@x.io", "name": None, "score": 0}]}

ORDERS_V1 = USERS + """
orders:
  columns:
    id: bigint pk identity
    user_id: bigint not null references users on delete cascade
    total: decimal(10,2) not null check (total >= 0)
    note: text
  indexes:
    - user_id
"""
ORDER_ROWS = {**USER_ROWS, "orders": [{"id": 10, "user_id": 1, "total": Decimal("5.50"), "note": "first"},
                                      {"id": 11, "user_id": 2, "total": Decimal("0.00"), "note": None}]}

PAIRS = [
    Pair("add-table", schema(USERS), schema(USERS + """
tags:
  columns:
    id: int pk
    label: varchar(20) not null unique
    user_id: bigint references users
  indexes:
    - user_id
"""), USER_ROWS),
    Pair("drop-table", schema(ORDERS_V1), schema(USERS), ORDER_ROWS, {"migration/drops-table"}),
    Pair("drop-referenced-table", schema(ORDERS_V1), schema("""
orders:
  columns:
    id: bigint pk identity
    total: decimal(10,2) not null check (total >= 0)
    note: text
"""),
        # down cannot bring back the users that orders.user_id pointed at: orders start empty
        USER_ROWS, {"migration/drops-table", "migration/drops-column"}),
    Pair("rename-table", schema(ORDERS_V1), schema(USERS + """
purchases:
  was: orders
  columns:
    id: bigint pk identity
    user_id: bigint not null references users on delete cascade
    total: decimal(10,2) not null check (total >= 0)
    note: text
  indexes:
    - user_id
"""), ORDER_ROWS),
    Pair("rename-referenced-table-and-columns", schema(ORDERS_V1), schema("""
customers:
  was: users
  columns:
    id: bigint pk identity
    mail: varchar(100) not null unique was email
    name: varchar(50)
    score: int default 0
orders:
  columns:
    id: bigint pk identity
    customer_id: bigint not null references customers on delete cascade was user_id
    amount: decimal(10,2) not null check (amount >= 0) was total
    note: text
  indexes:
    - customer_id
"""), ORDER_ROWS),
    Pair("add-columns", schema(USERS), schema("""
users:
  columns:
    id: bigint pk identity
    email: varchar(100) not null unique
    nickname: varchar(30)
    name: varchar(50)
    score: int default 0
    active: boolean not null default true
    joined: date not null
"""), USER_ROWS, {"migration/adds-not-null-without-default"}),
    Pair("drop-column", schema(ORDERS_V1), schema(USERS + """
orders:
  columns:
    id: bigint pk identity
    user_id: bigint not null references users on delete cascade
    total: decimal(10,2) not null check (total >= 0)
  indexes:
    - user_id
"""), ORDER_ROWS, {"migration/drops-column"}),
    Pair("types-nullability-defaults", schema(USERS), schema("""
users:
  columns:
    id: bigint pk identity
    email: varchar(200) not null unique
    name: varchar(50) not null default 'anonymous'
    score: bigint
"""), {"users": [{"id": 1, "email": "a@x.io", "name": "Ann", "score": 3},
                 {"id": 2, "email": "b@x.io", "name": "Bob", "score": 0}]}, {"migration/locks-table"}),
    Pair("narrow-type", schema(USERS), schema("""
users:
  columns:
    id: bigint pk identity
    email: varchar(60) not null unique
    name: varchar(50)
    score: smallint default 0
"""), USER_ROWS, {"migration/narrows-type"}),
    Pair("identity", schema("""
items:
  columns:
    id: bigint pk
    label: text
"""), schema("""
items:
  columns:
    id: bigint pk identity
    label: text
"""), {"items": [{"id": 1, "label": "a"}, {"id": 7, "label": "b"}]}, engines=("postgresql", "mysql")),
    Pair("checks-uniques-indexes", schema(ORDERS_V1), schema(USERS + """
orders:
  columns:
    id: bigint pk identity
    user_id: bigint not null references users on delete cascade
    total: decimal(10,2) not null check (total >= 0 and total < 100000)
    note: text
    code: varchar(12) unique
  checks:
    - "note is null or length(note) > 0"
  indexes:
    - (user_id, total desc)
    - {columns: [note], where: "note is not null", name: idx_orders_noted}
"""), ORDER_ROWS, {"migration/locks-table"}),
    Pair("primary-key", schema("""
memberships:
  columns:
    team: int not null
    member: int not null
    role: varchar(10)
  unique: [[team, member]]
"""), schema("""
memberships:
  primary_key: [team, member]
  columns:
    team: int not null
    member: int not null
    role: varchar(10)
"""), {"memberships": [{"team": 1, "member": 1, "role": "lead"}, {"team": 1, "member": 2, "role": None}]}),
    Pair("foreign-keys", schema(ORDERS_V1), schema(USERS + """
orders:
  columns:
    id: bigint pk identity
    user_id: bigint references users on delete set null
    total: decimal(10,2) not null check (total >= 0)
    note: text
    reviewer_id: bigint references users
  indexes:
    - user_id
    - reviewer_id
"""), ORDER_ROWS),
    Pair("enums", schema("""
tickets:
  columns:
    id: int pk
    state: state not null default 'open'
    kind: enum(bug, idea)
""", enums="enums:\n  state: [open, closed]\n"), schema("""
tickets:
  columns:
    id: int pk
    state: state not null default 'open'
    kind: enum(bug, idea, question)
    level: level
""", enums="enums:\n  state: [new, open, triage, closed]\n  level: [low, high]\n"),
        {"tickets": [{"id": 1, "state": "open", "kind": "bug"}, {"id": 2, "state": "closed", "kind": None}]}),
    Pair("enum-value-removed", schema("""
tickets:
  columns:
    id: int pk
    state: state not null default 'open'
""", enums="enums:\n  state: [open, stale, closed]\n"), schema("""
tickets:
  columns:
    id: int pk
    state: state not null default 'open'
""", enums="enums:\n  state: [open, closed]\n"),
        {"tickets": [{"id": 1, "state": "open"}, {"id": 2, "state": "closed"}]}, {"migration/removes-enum-value"}),
    Pair("comments", schema(USERS), schema("""
users:
  description: People who sign in
  columns:
    id: bigint pk identity
    email: {type: varchar(100), nullable: false, unique: true, description: Where we write to}
    name: varchar(50)
    score: int default 0
"""), USER_ROWS),
    Pair("partial-index-and-rename", schema("""
events:
  columns:
    id: bigint pk
    kind: varchar(20) not null
    seen: boolean not null default false
  indexes:
    - {columns: [kind], where: "seen = false"}
"""), schema("""
events:
  columns:
    id: bigint pk
    category: varchar(20) not null was kind
    seen: boolean not null default false
  indexes:
    - {columns: [category], where: "seen = false"}
"""), {"events": [{"id": 1, "kind": "a", "seen": False}, {"id": 2, "kind": "b", "seen": True}]}),
    # names in another script, long enough that the generated index name (91 bytes) and
    # the online NOT NULL check are shortened for PostgreSQL; the index follows the rename
    Pair("unicode-long-names", schema("""
клиенты:
  columns:
    id: bigint pk
    имя: varchar(50)
заказы_клиентов_магазина:
  columns:
    id: bigint pk
    идентификатор_покупателя: bigint references клиенты
    сумма: int
  indexes:
    - (идентификатор_покупателя, сумма)
"""), schema("""
клиенты:
  columns:
    id: bigint pk
    имя: varchar(50)
заказы_клиентов_магазина:
  columns:
    id: bigint pk
    идентификатор_покупателя: bigint not null references клиенты
    итоговая_сумма: int was сумма
  indexes:
    - (идентификатор_покупателя, итоговая_сумма)
"""), {"клиенты": [{"id": 1, "имя": "Ann"}],
       "заказы_клиентов_магазина": [{"id": 10, "идентификатор_покупателя": 1, "сумма": 5}]}),
]

ENGINES = {
    "sqlite": lambda request: SqliteDB(),
    "postgresql": lambda request: PostgresDB(request.getfixturevalue("postgres_uri")),
    "mysql": lambda request: MariaDB(request.getfixturevalue("mariadb_socket")),
}


def _data_error(engine: str) -> type[Exception]:
    """The driver's exception for a value the column's type cannot hold (PostgreSQL, MySQL)."""
    if engine == "postgresql":
        import psycopg

        return psycopg.DataError
    import pymysql

    return pymysql.err.DataError


def _placeholder(db) -> str:
    return "?" if isinstance(db, SqliteDB) else "%s"


def _insert(db, rows: dict[str, list[dict]]) -> None:
    for table, items in rows.items():
        for row in items:
            columns = ", ".join(db.quote(c) for c in row)
            marks = ", ".join(_placeholder(db) for _ in row)
            values = tuple(str(v) if isinstance(v, Decimal) and isinstance(db, SqliteDB) else v for v in row.values())
            db.execute(f"INSERT INTO {db.quote(table)} ({columns}) VALUES ({marks})", values)


def _value(v):
    # the same engine reads the same value back; widening a type may change its Python type
    if isinstance(v, Decimal):
        return float(v)
    if isinstance(v, bool):
        return int(v)
    return v


def _surviving(old, new, renames) -> dict[str, tuple[str, list[tuple[str, str]], list[str]]]:
    """Per old table: the new table and the (old column, new column) pairs that live on."""
    out = {}
    for name, table in old.tables.items():
        target = renames.tables.get(name, name)
        if target not in new.tables:
            continue
        cols = renames.columns.get(target, {})
        pairs = [(c, cols.get(c, c)) for c in table.columns if cols.get(c, c) in new.tables[target].columns]
        key = [c for c in table.primary_key] or [pairs[0][0]]
        out[name] = (target, pairs, key)
    return out


def _read(db, table: str, columns: list[str], order: list[str]) -> list[tuple]:
    return [tuple(_value(v) for v in row) for row in db.rows(table, columns, order)]


@pytest.mark.parametrize("pair, engine", [pytest.param(p, e, id=f"{p.id}-{e}") for p in PAIRS
                                          for e in ENGINES if e in p.engines])
def test_up_and_down_on_a_real_engine(pair: Pair, engine: str, request):
    dialect = get_dialect(engine)
    v1, v2 = analyze(pair.v1).schema, analyze(pair.v2).schema
    for text in (pair.v1, pair.v2):
        assert not [d for d in analyze(text).diagnostics if d.severity.value == "error"], text
    migration = plan(v1, v2, dialect)
    expected = set(pair.findings)
    if not dialect.lock_findings:
        expected.discard("migration/locks-table")
    if engine == "sqlite":
        expected.discard("migration/narrows-type")  # TEXT and INTEGER either way: nothing changes
    assert expected <= {f.rule for f in migration.findings}, [f.message for f in migration.findings]
    renames = renames_between(v1, v2)
    with ENGINES[engine](request) as db, ENGINES[engine](request) as fresh1, ENGINES[engine](request) as fresh2:
        fresh1.run(generate(v1, dialect).script())
        fresh2.run(generate(v2, dialect).script())
        db.run(generate(v1, dialect).script())
        assert db.catalog() == fresh1.catalog()
        _insert(db, pair.rows)
        forward = _surviving(v1, v2, renames)
        before = {t: _read(db, t, [o for o, _ in pairs], key) for t, (_, pairs, key) in forward.items()}

        db.run(migration.up.sql())
        assert db.catalog() == fresh2.catalog(), migration.up.sql()
        for table, (target, pairs, key) in forward.items():
            new_key = [dict(pairs).get(k, k) for k in key]
            assert _read(db, target, [n for _, n in pairs], new_key) == before[table], migration.up.sql()

        db.run(migration.down.sql())
        assert db.catalog() == fresh1.catalog(), migration.down.sql()
        back = _surviving(v2, v1, renames.inverse())
        for table, (target, pairs, key) in forward.items():
            kept = [o for o, n in pairs if n in dict(b for b in back[target][1])]
            rows = _read(db, table, kept, key)
            assert rows == [tuple(r[[o for o, _ in pairs].index(c)] for c in kept) for r in before[table]]


@pytest.mark.parametrize("pair", [p for p in PAIRS if "postgresql" in p.engines], ids=lambda p: p.id)
def test_online_migrations_on_postgresql(pair: Pair, postgres_uri):
    """--online's forms (CONCURRENTLY, NOT VALID + VALIDATE, USING INDEX) run outside a
    transaction and reach the same catalog."""
    dialect = get_dialect("postgresql")
    v1, v2 = analyze(pair.v1).schema, analyze(pair.v2).schema
    migration = plan(v1, v2, dialect, online=True)
    assert "migration/locks-table" not in {f.rule for f in migration.findings if "rewrites" not in f.message}
    with PostgresDB(postgres_uri) as db, PostgresDB(postgres_uri) as fresh:
        fresh.run(generate(v2, dialect).script())
        db.run(generate(v1, dialect).script())
        _insert(db, pair.rows)
        db.run(migration.up.sql())
        assert db.catalog() == fresh.catalog(), migration.up.sql()


@pytest.mark.parametrize("engine", ["postgresql", "mysql"])
def test_narrowing_fails_instead_of_cutting_values(engine, request):
    v1 = analyze(schema("t:\n  columns:\n    id: int pk\n    code: varchar(40)\n")).schema
    v2 = analyze(schema("t:\n  columns:\n    id: int pk\n    code: varchar(10)\n")).schema
    dialect = get_dialect(engine)
    migration = plan(v1, v2, dialect)
    assert [f.rule for f in migration.findings if f.destructive] == ["migration/narrows-type"]
    with ENGINES[engine](request) as db:
        db.run(generate(v1, dialect).script())
        _insert(db, {"t": [{"id": 1, "code": "sixteen-chars-xx"}]})
        with pytest.raises(_data_error(engine)):
            db.run(migration.up.sql())
        assert db.rows("t", ["code"], ["id"]) == [("sixteen-chars-xx",)]
