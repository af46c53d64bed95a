"""A Prisma schema imported for PostgreSQL, MySQL (MariaDB) and SQLite, its generated DDL
run on the real engine, and the catalog compared with what Prisma Migrate creates for the
same schema.

The expected catalogs below are written by hand from Prisma's documented behaviour, not
from this importer's output:

- default column types per provider (Prisma schema reference, "model field scalar types":
  String is text / varchar(191) / TEXT, DateTime timestamp(3) / DATETIME(3) / DATETIME,
  Decimal decimal(65,30) / DECIMAL(65,30) / DECIMAL, Float double precision / DOUBLE / REAL,
  Json jsonb / JSON / JSONB, Bytes bytea / LONGBLOB / BLOB, Boolean boolean / TINYINT(1) /
  BOOLEAN, enums a PostgreSQL type / an inline ENUM / TEXT);
- referential action defaults (optional relation: ON DELETE SET NULL, required: ON DELETE
  RESTRICT; ON UPDATE CASCADE for both);
- the implicit many-to-many table: `_CategoryToPost`, columns A (the model first in
  alphabetical order) and B, unique together (the primary key on PostgreSQL since Prisma 6),
  an index on B, foreign keys ON DELETE CASCADE ON UPDATE CASCADE;
- `@unique` / `@@unique` unique constraints, `@@index` with `sort: Desc`, `@@map` / `@map`.

Where schema-lang's DDL spells the same thing differently from Prisma Migrate (IDENTITY
rather than SERIAL, a UNIQUE constraint rather than a unique index, the names of generated
constraints, SQLite's declared types), the comparison is on what the engine does with it,
and each known difference is listed with its reason in ALTERNATIVES.
"""
from __future__ import annotations

import re
import sqlite3

import pytest
from catalogs import MariaDB, PostgresDB, SqliteDB, sqlite_affinity

from schema_lang.analysis import analyze
from schema_lang.dialects import get_dialect
from schema_lang.generate.ddl import generate
from schema_lang.importers.prisma import import_prisma

PRISMA = """\
// A small publishing schema, valid for the postgresql, mysql and sqlite providers
generator client {
  provider = "prisma-client-js"
}

datasource db {
  provider = "__PROVIDER__"
  url      = env("DATABASE_URL")
}

/// A registered account
model User {
  id        Int       @id @default(autoincrement())
  email     String    @unique
  name      String?
  role      Role      @default(MEMBER)
  karma     BigInt    @default(0)
  active    Boolean   @default(true)
  createdAt DateTime  @default(now()) @map("created_at")
  updatedAt DateTime  @updatedAt @map("updated_at")
  managerId Int?      @map("manager_id")
  manager   User?     @relation("Management", fields: [managerId], references: [id])
  reports   User[]    @relation("Management")
  profile   Profile?
  posts     Post[]
  comments  Comment[]

  @@map("users")
}

model Profile {
  userId Int     @id @map("user_id")
  bio    String?
  avatar Bytes?
  user   User    @relation(fields: [userId], references: [id], onDelete: Cascade)

  @@map("profiles")
}

model Post {
  id          String     @id @default(cuid())
  slug        String     @unique
  title       String
  body        String?
  score       Float      @default(0)
  price       Decimal?
  status      PostStatus @default(DRAFT)
  meta        Json?
  publishedAt DateTime?  @map("published_at")
  authorId    Int?       @map("author_id")
  author      User?      @relation(fields: [authorId], references: [id])
  categories  Category[]
  comments    Comment[]

  @@index([authorId, publishedAt(sort: Desc)])
  @@index([status], map: "post_status_idx")
  @@map("posts")
}

model Category {
  id    Int    @id @default(autoincrement())
  name  String @unique
  posts Post[]
}

model Comment {
  postId   String @map("post_id")
  position Int
  authorId Int    @map("author_id")
  text     String
  post     Post   @relation(fields: [postId], references: [id], onDelete: Cascade)
  author   User   @relation(fields: [authorId], references: [id])

  @@id([postId, position])
  @@unique([authorId, postId, position])
  @@map("comments")
}

enum Role {
  MEMBER @map("member")
  ADMIN  @map("admin")
}

enum PostStatus {
  DRAFT
  PUBLISHED

  @@map("post_status")
}
"""

TABLES = ["users", "profiles", "posts", "Category", "comments", "_CategoryToPost"]

# Prisma's columns per provider: (type, nullable).  The type is spelled as the engine reports
# it: format_type() on PostgreSQL, COLUMN_TYPE on MariaDB, and for SQLite the declared
# type's affinity (SQLite keeps values by affinity; the declared name is only a hint).
EXPECTED_COLUMNS = {
    "postgresql": {
        "users": {"id": ("integer", False), "email": ("text", False), "name": ("text", True),
                  "role": ('"Role"', False), "karma": ("bigint", False), "active": ("boolean", False),
                  "created_at": ("timestamp(3) without time zone", False),
                  "updated_at": ("timestamp(3) without time zone", False), "manager_id": ("integer", True)},
        "profiles": {"user_id": ("integer", False), "bio": ("text", True), "avatar": ("bytea", True)},
        "posts": {"id": ("text", False), "slug": ("text", False), "title": ("text", False), "body": ("text", True),
                  "score": ("double precision", False), "price": ("numeric(65,30)", True),
                  "status": ("post_status", False), "meta": ("jsonb", True),
                  "published_at": ("timestamp(3) without time zone", True), "author_id": ("integer", True)},
        "Category": {"id": ("integer", False), "name": ("text", False)},
        "comments": {"post_id": ("text", False), "position": ("integer", False), "author_id": ("integer", False),
                     "text": ("text", False)},
        "_CategoryToPost": {"A": ("integer", False), "B": ("text", False)},
    },
    "mysql": {
        "users": {"id": ("int(11)", False), "email": ("varchar(191)", False), "name": ("varchar(191)", True),
                  "role": ("enum('member','admin')", False), "karma": ("bigint(20)", False),
                  "active": ("tinyint(1)", False), "created_at": ("datetime(3)", False),
                  "updated_at": ("datetime(3)", False), "manager_id": ("int(11)", True)},
        "profiles": {"user_id": ("int(11)", False), "bio": ("varchar(191)", True), "avatar": ("longblob", True)},
        "posts": {"id": ("varchar(191)", False), "slug": ("varchar(191)", False), "title": ("varchar(191)", False),
                  "body": ("varchar(191)", True), "score": ("double", False), "price": ("decimal(65,30)", True),
                  "status": ("enum('DRAFT','PUBLISHED')", False),
                  "meta": ("longtext", True),  # MariaDB's JSON is LONGTEXT with a json_valid check
                  "published_at": ("datetime(3)", True), "author_id": ("int(11)", True)},
        "Category": {"id": ("int(11)", False), "name": ("varchar(191)", False)},
        "comments": {"post_id": ("varchar(191)", False), "position": ("int(11)", False),
                     "author_id": ("int(11)", False), "text": ("varchar(191)", False)},
        "_CategoryToPost": {"A": ("int(11)", False), "B": ("varchar(191)", False)},
    },
    # Prisma's SQLite types: TEXT, INTEGER, BIGINT, BOOLEAN, DATETIME, REAL, DECIMAL, JSONB,
    # BLOB; here as their affinities
    "sqlite": {
        "users": {"id": ("INTEGER", False), "email": ("TEXT", False), "name": ("TEXT", True),
                  "role": ("TEXT", False), "karma": ("INTEGER", False), "active": ("NUMERIC", False),
                  "created_at": ("NUMERIC", False), "updated_at": ("NUMERIC", False),
                  "manager_id": ("INTEGER", True)},
        "profiles": {"user_id": ("INTEGER", False), "bio": ("TEXT", True), "avatar": ("BLOB", True)},
        "posts": {"id": ("TEXT", False), "slug": ("TEXT", False), "title": ("TEXT", False), "body": ("TEXT", True),
                  "score": ("REAL", False), "price": ("NUMERIC", True), "status": ("TEXT", False),
                  "meta": ("NUMERIC", True), "published_at": ("NUMERIC", True), "author_id": ("INTEGER", True)},
        "Category": {"id": ("INTEGER", False), "name": ("TEXT", False)},
        "comments": {"post_id": ("TEXT", False), "position": ("INTEGER", False), "author_id": ("INTEGER", False),
                     "text": ("TEXT", False)},
        "_CategoryToPost": {"A": ("INTEGER", False), "B": ("TEXT", False)},
    },
}

# Where schema-lang's DDL stores a column differently from Prisma Migrate, and why.
# (engine, table, column) -> what schema-lang's DDL may create instead.
ALTERNATIVES = {
    # SQLite: schema-lang declares timestamps TEXT (ISO-8601 text), Prisma DATETIME (NUMERIC
    # affinity); booleans INTEGER rather than BOOLEAN (both keep 0/1); json TEXT rather than JSONB
    ("sqlite", "users", "created_at"): ("TEXT", False),
    ("sqlite", "users", "updated_at"): ("TEXT", False),
    ("sqlite", "posts", "published_at"): ("TEXT", True),
    ("sqlite", "users", "active"): ("INTEGER", False),
    ("sqlite", "posts", "meta"): ("TEXT", True),
    # SQLite: schema-lang writes INTEGER PRIMARY KEY without NOT NULL (Prisma adds it); the
    # column is the rowid, where a NULL written becomes a new number, so it never holds NULL
    ("sqlite", "users", "id"): ("INTEGER", True),
    ("sqlite", "Category", "id"): ("INTEGER", True),
    ("sqlite", "profiles", "user_id"): ("INTEGER", True),
    # MySQL: schema-lang has written every timestamp as DATETIME(6)
    ("mysql", "users", "created_at"): ("datetime(6)", False),
    ("mysql", "users", "updated_at"): ("datetime(6)", False),
    ("mysql", "posts", "published_at"): ("datetime(6)", True),
}

PRIMARY_KEYS = {"users": ["id"], "profiles": ["user_id"], "posts": ["id"], "Category": ["id"],
                "comments": ["post_id", "position"]}
# Prisma 6 makes (A, B) the primary key of the relation table on PostgreSQL; elsewhere it is a
# unique index
M2M_KEY = {"postgresql": ["A", "B"], "mysql": None, "sqlite": None}

UNIQUES = {"users": {("email",)}, "profiles": set(), "posts": {("slug",)}, "Category": {("name",)},
           "comments": {("author_id", "post_id", "position")}, "_CategoryToPost": set()}

INDEXES = {"users": set(), "profiles": set(), "posts": {("author_id", "published_at desc"), ("status",)},
           "Category": set(), "comments": set(), "_CategoryToPost": {("B",)}}
# InnoDB indexes a foreign key that no index starts with: users.manager_id, in the database
# Prisma Migrate creates too
INNODB_FK_INDEXES = {"users": {("manager_id",)}}

# (columns, target table, target columns, on delete, on update)
FOREIGN_KEYS = {
    "users": {(("manager_id",), "users", ("id",), "SET NULL", "CASCADE")},
    "profiles": {(("user_id",), "users", ("id",), "CASCADE", "CASCADE")},
    "posts": {(("author_id",), "users", ("id",), "SET NULL", "CASCADE")},
    "Category": set(),
    "comments": {(("post_id",), "posts", ("id",), "CASCADE", "CASCADE"),
                 (("author_id",), "users", ("id",), "RESTRICT", "CASCADE")},
    "_CategoryToPost": {(("A",), "Category", ("id",), "CASCADE", "CASCADE"),
                        (("B",), "posts", ("id",), "CASCADE", "CASCADE")},
}

# autoincrement(): SERIAL on PostgreSQL, AUTO_INCREMENT on MySQL, INTEGER PRIMARY KEY
# AUTOINCREMENT on SQLite (where any INTEGER PRIMARY KEY is numbered by SQLite: profiles.user_id)
AUTO_NUMBERED = {"postgresql": {("users", "id"), ("Category", "id")},
                 "mysql": {("users", "id"), ("Category", "id")},
                 "sqlite": {("users", "id"), ("Category", "id"), ("profiles", "user_id")}}

# defaults as each engine reports the DEFAULT clause Prisma Migrate writes
DEFAULTS = {
    "postgresql": {("users", "role"): ("'member'::\"Role\"",), ("users", "karma"): ("0",),
                   ("users", "active"): ("true",),
                   # Prisma writes CURRENT_TIMESTAMP, schema-lang now(): the same function
                   ("users", "created_at"): ("CURRENT_TIMESTAMP", "now()"),
                   ("posts", "score"): ("0",), ("posts", "status"): ("'DRAFT'::post_status",)},
    "mysql": {("users", "role"): ("'member'",), ("users", "karma"): ("0",), ("users", "active"): ("1",),
              ("users", "created_at"): ("current_timestamp(3)", "current_timestamp(6)"),
              ("posts", "score"): ("0",), ("posts", "status"): ("'DRAFT'",)},
    "sqlite": {("users", "role"): ("'member'",), ("users", "karma"): ("0",), ("users", "active"): ("true", "1"),
               ("users", "created_at"): ("CURRENT_TIMESTAMP",),
               ("posts", "score"): ("0",), ("posts", "status"): ("'DRAFT'",)},
}
NO_DEFAULT = [("users", "updated_at"), ("posts", "id"), ("users", "email")]  # @updatedAt, cuid(): client-side


def _key(entry: str) -> str:
    """An index key as `column` or `column desc`."""
    entry = entry.strip().replace('"', "").replace("`", "")
    desc = bool(re.search(r"\sDESC\b", entry, re.I))
    column = re.split(r"\s", entry)[0]
    return column + (" desc" if desc else "")


def _import(engine: str) -> str:
    result = import_prisma(PRISMA.replace("__PROVIDER__", engine), "publishing")
    document = analyze(result.yaml_text)
    assert [d for d in document.diagnostics if d.severity.value == "error"] == []
    assert list(document.schema.tables) == TABLES  # model order, then the relation table
    return generate(document.schema, get_dialect(engine)).script()


def _open(engine: str, request):
    if engine == "postgresql":
        return PostgresDB(request.getfixturevalue("postgres_uri"))
    if engine == "mysql":
        return MariaDB(request.getfixturevalue("mariadb_socket"))
    return SqliteDB()


def _integrity_error(engine: str) -> type[Exception]:
    """The driver's exception for a statement a constraint refuses (a foreign key here)."""
    if engine == "postgresql":
        import psycopg

        return psycopg.IntegrityError
    if engine == "mysql":
        import pymysql

        return pymysql.err.IntegrityError
    return sqlite3.IntegrityError


ENGINES = ["postgresql", "mysql", "sqlite"]


@pytest.fixture(scope="module", params=ENGINES)
def created(request):
    """(engine, catalog, database) after running the generated DDL."""
    engine = request.param
    script = _import(engine)
    db = _open(engine, request)
    try:
        db.run(script)
        yield engine, db.catalog(), db
    finally:
        db.close()


def test_tables_and_column_types(created):
    engine, catalog, _ = created
    assert sorted(catalog["tables"]) == sorted(TABLES)
    for table, columns in EXPECTED_COLUMNS[engine].items():
        got = catalog["tables"][table]["columns"]
        assert sorted(got) == sorted(columns), table
        for column, expected in columns.items():
            actual = (sqlite_affinity(got[column]["type"]) if engine == "sqlite" else got[column]["type"],
                      got[column]["nullable"])
            allowed = {expected, ALTERNATIVES.get((engine, table, column), expected)}
            assert actual in allowed, (table, column, actual, expected)


def test_enums(created):
    engine, catalog, _ = created
    if engine == "postgresql":
        assert catalog["enums"] == {"Role": ["member", "admin"], "post_status": ["DRAFT", "PUBLISHED"]}
    else:
        assert catalog["enums"] == {}  # inline ENUM on MySQL (see the column types), TEXT on SQLite


def test_primary_keys(created):
    engine, catalog, _ = created
    tables = catalog["tables"]
    for table, key in PRIMARY_KEYS.items():
        assert tables[table]["primary_key"]["columns"] == key, table
    key = tables["_CategoryToPost"]["primary_key"]
    assert (key["columns"] if key else None) == M2M_KEY[engine]


def _uniques(table: dict) -> set[tuple[str, ...]]:
    """Unique column sets, whether the engine keeps them as constraints or as unique indexes
    (Prisma creates unique indexes; schema-lang UNIQUE constraints where the engine has them)."""
    found = {tuple(columns) for _, columns in table["uniques"]}
    found |= {tuple(_key(k) for k in keys) for _, unique, keys, *_ in table["indexes"] if unique}
    return found


def test_unique_constraints(created):
    engine, catalog, _ = created
    for table, expected in UNIQUES.items():
        if table == "_CategoryToPost" and M2M_KEY[engine] is None:
            expected = {("A", "B")}
        assert _uniques(catalog["tables"][table]) == expected, table


def test_indexes(created):
    engine, catalog, _ = created
    for table, expected in INDEXES.items():
        indexes = catalog["tables"][table]["indexes"]
        got = {tuple(_key(k) for k in keys) for _, unique, keys, *_ in indexes if not unique}
        if engine == "mysql":
            expected = expected | INNODB_FK_INDEXES.get(table, set())
        assert got == expected, table
    # the index named with map: keeps its name
    names = {name for name, *_ in catalog["tables"]["posts"]["indexes"]}
    assert "post_status_idx" in names


def test_foreign_keys_and_referential_actions(created):
    engine, catalog, _ = created
    for table, expected in FOREIGN_KEYS.items():
        got = {(tuple(columns), target, tuple(target_columns or ()), on_delete.upper(), on_update.upper())
               for _, columns, target, target_columns, on_delete, on_update in catalog["tables"][table]["foreign_keys"]}
        assert got == expected, table


def test_auto_numbered_columns(created):
    engine, catalog, _ = created
    got = set()
    for table, info in catalog["tables"].items():
        for column, described in info["columns"].items():
            # Prisma's SERIAL is a nextval() default; schema-lang writes an identity column
            if described["identity"] or (described["default"] or "").startswith("nextval("):
                got.add((table, column))
    assert got == AUTO_NUMBERED[engine]


def test_defaults(created):
    engine, catalog, _ = created
    tables = catalog["tables"]
    for (table, column), allowed in DEFAULTS[engine].items():
        assert tables[table]["columns"][column]["default"] in allowed, (table, column)
    for table, column in NO_DEFAULT:
        assert tables[table]["columns"][column]["default"] is None, (table, column)


def test_the_relations_behave_as_prisma_declares(created):
    """Rows go in and out as the referential actions say: deleting a user with a comment is
    refused (Restrict), deleting a post removes its comments and its category links
    (Cascade), deleting a manager sets manager_id to NULL (SetNull)."""
    engine, _, db = created
    q = db.quote
    for user_id, email, manager in ((1, "ann@example.com", "NULL"), (2, "bob@example.com", "1")):
        db.execute(f"INSERT INTO users (id, email, role, updated_at, manager_id) VALUES "
                   f"({user_id}, '{email}', 'member', '2024-01-01 00:00:00', {manager})")
    db.execute("INSERT INTO posts (id, slug, title, author_id) VALUES ('p1', 'first', 'First', 2)")
    db.execute(f"INSERT INTO {q('Category')} (id, name) VALUES (1, 'news')")
    db.execute(f"INSERT INTO {q('_CategoryToPost')} ({q('A')}, {q('B')}) VALUES (1, 'p1')")
    db.execute("INSERT INTO comments (post_id, position, author_id, text) VALUES ('p1', 1, 2, 'hi')")
    with pytest.raises(_integrity_error(engine)):
        db.execute("DELETE FROM users WHERE id = 2")  # Restrict: bob wrote a comment
    db.execute("DELETE FROM posts WHERE id = 'p1'")
    assert db.execute("SELECT count(*) FROM comments")[0][0] == 0
    assert db.execute(f"SELECT count(*) FROM {q('_CategoryToPost')}")[0][0] == 0
    db.execute("DELETE FROM users WHERE id = 1")
    assert db.execute("SELECT manager_id FROM users WHERE id = 2") == [(None,)]
