"""What a target database can and cannot do, as data.

Each dialect module builds one `Dialect`; analyses and generators ask it
questions instead of testing the dialect's name.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..sql import identifiers


@dataclass(frozen=True, slots=True)
class TypeMapping:
    """How a schema-lang type is stored by a dialect.

    `sql` is a template: `{n}`, `{p}`, `{s}` are filled from the type's
    parameters.  `note` is set when the dialect has no real equivalent and the
    mapping changes behaviour; such columns get a `dialect/type-mapped` warning.
    """

    sql: str
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Dialect:
    name: str
    display_name: str
    # identifier length limit, and whether it counts bytes (UTF-8) or characters
    identifier_limit: int | None
    identifier_limit_unit: str  # "bytes" | "characters"
    reserved_words: frozenset[str]
    types: dict[str, TypeMapping]
    # does the engine create an index for a foreign key by itself?
    indexes_foreign_keys: bool = False
    native_enums: bool = False
    arrays: bool = False
    notes: dict[str, str] = field(default_factory=dict)
    identifier_quote: str = '"'
    # the engine cuts a longer name to the limit (PostgreSQL, with only a notice) instead of refusing it
    identifier_truncated: bool = False
    # which names must differ from each other: (scope, kinds), scope "schema" or "table", kinds among
    # table, partition, enum, index, primary key, unique, check, foreign key (as the DDL creates them)
    name_scopes: tuple[tuple[str, frozenset[str]], ...] = ()
    partial_indexes: bool = True
    include_columns: bool = False
    # index methods the engine has (others are left out of the DDL with a note)
    index_methods: frozenset[str] = frozenset({"btree"})
    # column types an index can only hold a prefix of (MySQL's TEXT and BLOB)
    prefix_indexed_types: frozenset[str] = frozenset()
    # how CURRENT_TIMESTAMP is written as a column default, per type
    now_default: str = "now()"
    # does a time type keep a fractional-seconds precision (`timestamp(3)`)?  The mapping's
    # own precision, if any (MySQL's DATETIME(6)), is the one used when the file gives none
    time_precision: bool = True
    # write regular-expression matches as `x REGEXP 'p'` (MariaDB has no REGEXP_LIKE in CHECKs)
    regexp_operator: bool = False
    # sqlglot expression kinds a CHECK cannot use here (SQLite has no REGEXP function by default)
    unsupported_in_checks: tuple[str, ...] = ()
    # a backslash in a string literal escapes the next character (MySQL/MariaDB by default), so a
    # literal must double it or a description ending in a backslash could end the string early
    string_backslash_escapes: bool = False
    # where descriptions go: "statements" (COMMENT ON), "inline" (COMMENT '...' clauses),
    # or "sql" (-- comments inside CREATE TABLE, which SQLite keeps with the table's definition)
    comments: str = "sql"
    # declarative partitioning that the DDL writes (PARTITION BY ... with partitions)
    partitioning: bool = False
    sqlglot_name: str = ""  # the dialect's name in sqlglot
    # how a column is made an identity column (None: the dialect has none beyond SQLite's rowid)
    identity_sql: str | None = None
    rowid_alias: bool = False  # a single integer primary key is the table's rowid (SQLite)
    enum_check: bool = False  # enums without a native type are text with a CHECK of the values
    unique_constraints: bool = True  # False: uniques are written as named unique indexes
    alter_foreign_keys: bool = True  # foreign keys can be added and dropped after CREATE TABLE

    # -- migrations (generate/migrate.py) --
    transactional_ddl: bool = False  # schema changes can run inside BEGIN ... COMMIT
    # how columns change: "alter" (one ALTER COLUMN per property), "modify" (MODIFY COLUMN with the
    # whole new definition) or "rebuild" (a new table, rows copied over)
    alter_column: str = "alter"
    add_column_position: bool = False  # ADD COLUMN ... AFTER keeps the schema's column order
    # constraint kinds whose names the engine keeps (others are matched by what they say)
    named_constraints: frozenset[str] = frozenset({"primary key", "unique", "check", "foreign key"})
    # templates with {table}, {old}, {new} / {name}; a kind without one is dropped and added again
    rename_constraint: dict[str, str] = field(default_factory=dict)
    rename_index: str | None = None
    drop_constraint: dict[str, str] = field(default_factory=dict)
    drop_index: str = "DROP INDEX {name}"
    # report PostgreSQL's long-lock operations (migration/locks-table) and offer online forms
    lock_findings: bool = False

    # shortcuts for sql/identifiers.py, which holds the rules for names
    def quote(self, name: str) -> str:
        return identifiers.quoted(name, self)

    def is_reserved(self, name: str) -> bool:
        return identifiers.is_reserved(name, self)


def words(text: str) -> frozenset[str]:
    return frozenset(text.lower().split())
