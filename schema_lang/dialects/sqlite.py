"""SQLite 3: type affinities rather than types, few reserved words."""
from .base import Dialect, TypeMapping, words

# Key words SQLite refuses as a bare table, column or index name (many other
# key words fall back to identifiers and are accepted; the test suite checks
# this list against the installed engine)
RESERVED = words("""
add all alter and as autoincrement between case check collate commit constraint create default
deferrable delete distinct drop else escape except exists foreign from group having if in index
insert intersect into is isnull join limit not nothing notnull null on or order primary references
returning select set table then to transaction union unique update using values when where
""")

TYPES = {
    "smallint": TypeMapping("INTEGER"),
    "int": TypeMapping("INTEGER"),
    "bigint": TypeMapping("INTEGER"),
    "decimal": TypeMapping(
        "NUMERIC",
        "SQLite has no exact decimal type: NUMERIC affinity may store values as 8-byte floats"),
    "real": TypeMapping("REAL"),
    "double": TypeMapping("REAL"),
    "boolean": TypeMapping("INTEGER"),
    "char": TypeMapping("TEXT"),
    "varchar": TypeMapping("TEXT"),
    "text": TypeMapping("TEXT"),
    "date": TypeMapping("TEXT"),
    "time": TypeMapping("TEXT"),
    "timestamp": TypeMapping("TEXT"),
    "timestamptz": TypeMapping(
        "TEXT", "SQLite has no time-zone-aware timestamp: stored as ISO-8601 TEXT; keep values in UTC"),
    "interval": TypeMapping("TEXT", "SQLite has no interval type: stored as TEXT"),
    "uuid": TypeMapping("TEXT", "SQLite has no uuid type: stored as TEXT"),
    "json": TypeMapping("TEXT"),
    "jsonb": TypeMapping("TEXT", "jsonb is stored as JSON text in SQLite"),
    "bytes": TypeMapping("BLOB"),
    "enum": TypeMapping("TEXT"),
    "array": TypeMapping("TEXT", "SQLite has no array types: stored as JSON text"),
}

DIALECT = Dialect(
    sqlglot_name="sqlite",
    unsupported_in_checks=("RegexpLike",),
    name="sqlite",
    display_name="SQLite",
    identifier_limit=None,
    identifier_limit_unit="characters",
    # tables and indexes (uniques are unique indexes here) share the schema's namespace
    name_scopes=(("schema", frozenset({"table", "index", "unique"})),),
    reserved_words=RESERVED,
    types=TYPES,
    indexes_foreign_keys=False,
    native_enums=False,
    arrays=False,
    now_default="CURRENT_TIMESTAMP",
    time_precision=False,
    rowid_alias=True,
    enum_check=True,
    unique_constraints=False,
    alter_foreign_keys=False,
    transactional_ddl=True,
    # ALTER TABLE renames tables and columns and adds and drops simple columns; anything else
    # rebuilds the table (https://www.sqlite.org/lang_altertable.html#otheralter)
    alter_column="rebuild",
    # constraint names are only text inside CREATE TABLE: nothing reads them
    named_constraints=frozenset(),
)
