"""Dialect data checked against real engines where one is at hand."""
from __future__ import annotations

import sqlite3

import pytest

from schema_lang.core.types import BUILTIN_TYPES
from schema_lang.dialects import DIALECTS, get_dialect
from schema_lang.dialects.sqlite import RESERVED as SQLITE_RESERVED
from schema_lang.sql.identifiers import too_long

# Every key word SQLite's documentation lists; the engine refuses only some as names.
SQLITE_KEYWORDS = [
    "abort", "action", "add", "after", "all", "alter", "always", "analyze", "and", "as", "asc", "attach",
    "autoincrement", "before", "begin", "between", "by", "cascade", "case", "cast", "check", "collate", "column",
    "commit", "conflict", "constraint", "create", "cross", "current", "current_date", "current_time",
    "current_timestamp", "database", "default", "deferrable", "deferred", "delete", "desc", "detach", "distinct", "do",
    "drop", "each", "else", "end", "escape", "except", "exclude", "exclusive", "exists", "explain", "fail", "filter",
    "first", "following", "for", "foreign", "from", "full", "generated", "glob", "group", "groups", "having", "if",
    "ignore", "immediate", "in", "index", "indexed", "initially", "inner", "insert", "instead", "intersect", "into",
    "is", "isnull", "join", "key", "last", "left", "like", "limit", "match", "materialized", "natural", "no", "not",
    "nothing", "notnull", "null", "nulls", "of", "offset", "on", "or", "order", "others", "outer", "over", "partition",
    "plan", "pragma", "preceding", "primary", "query", "raise", "range", "recursive", "references", "regexp", "reindex",
    "release", "rename", "replace", "restrict", "returning", "right", "rollback", "row", "rows", "savepoint", "select",
    "set", "table", "temp", "temporary", "then", "ties", "to", "transaction", "trigger", "unbounded", "union", "unique",
    "update", "using", "vacuum", "values", "view", "virtual", "when", "where", "window", "with", "without",
]


def _sqlite_refuses(word: str) -> bool:
    for sql in (f"create table {word}(x int)", f"create table t(x int, {word} int)",
                f"create table u(x int); create index {word} on u(x)"):
        try:
            sqlite3.connect(":memory:").executescript(sql)
        except sqlite3.Error:
            return True
    return False


def test_sqlite_reserved_words_match_the_engine():
    refused = {w for w in SQLITE_KEYWORDS if _sqlite_refuses(w)}
    assert refused == set(SQLITE_RESERVED)


@pytest.mark.parametrize("name", ["postgresql", "mysql", "sqlite"])
def test_every_builtin_type_has_a_mapping(name):
    dialect = DIALECTS[name]
    for type_name in list(BUILTIN_TYPES) + ["enum", "array"]:
        assert type_name in dialect.types, (name, type_name)


def test_reserved_words_differ_by_dialect():
    assert get_dialect("postgresql").is_reserved("user")
    assert not get_dialect("mysql").is_reserved("user")
    assert get_dialect("mysql").is_reserved("Order")
    assert not get_dialect("sqlite").is_reserved("user")


def test_identifier_limits():
    pg, my = get_dialect("postgresql"), get_dialect("mysql")
    assert not too_long("a" * 63, pg) and too_long("a" * 64, pg)
    # PostgreSQL counts bytes: 32 two-byte characters are 64 bytes
    assert too_long("é" * 32, pg) and not too_long("é" * 64, my)
    assert too_long("a" * 65, my)
    assert get_dialect("mariadb") is my and get_dialect(None) is pg
