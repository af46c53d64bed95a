"""PostgreSQL: the reference dialect; every schema-lang type is native."""
from .base import Dialect, TypeMapping, words

# Key words marked "reserved" or "reserved (can be function or type)" for PostgreSQL
RESERVED = words("""
all analyse analyze and any array as asc asymmetric authorization binary both case cast check
collate collation column concurrently constraint create cross current_catalog current_date
current_role current_schema current_time current_timestamp current_user default deferrable desc
distinct do else end except false fetch for foreign freeze from full grant group having ilike in
initially inner intersect into is isnull join lateral leading left like limit localtime
localtimestamp natural not notnull null offset on only or order outer overlaps placing primary
references returning right select session_user similar some symmetric system_user table tablesample
then to trailing true union unique user using variadic verbose when where window with
""")

TYPES = {
    "smallint": TypeMapping("SMALLINT"),
    "int": TypeMapping("INTEGER"),
    "bigint": TypeMapping("BIGINT"),
    "decimal": TypeMapping("NUMERIC({p},{s})"),
    "real": TypeMapping("REAL"),
    "double": TypeMapping("DOUBLE PRECISION"),
    "boolean": TypeMapping("BOOLEAN"),
    "char": TypeMapping("CHAR({n})"),
    "varchar": TypeMapping("VARCHAR({n})"),
    "text": TypeMapping("TEXT"),
    "date": TypeMapping("DATE"),
    "time": TypeMapping("TIME"),
    "timestamp": TypeMapping("TIMESTAMP"),
    "timestamptz": TypeMapping("TIMESTAMPTZ"),
    "interval": TypeMapping("INTERVAL"),
    "uuid": TypeMapping("UUID"),
    "json": TypeMapping("JSON"),
    "jsonb": TypeMapping("JSONB"),
    "bytes": TypeMapping("BYTEA"),
    "enum": TypeMapping("{name}"),
    "array": TypeMapping("{element}[]"),
}

DIALECT = Dialect(
    sqlglot_name="postgres",
    name="postgresql",
    display_name="PostgreSQL",
    identifier_limit=63,
    identifier_limit_unit="bytes",
    reserved_words=RESERVED,
    types=TYPES,
    indexes_foreign_keys=False,
    native_enums=True,
    arrays=True,
    include_columns=True,
    index_methods=frozenset({"btree", "hash", "gin", "gist", "brin"}),
    comments="statements",
    partitioning=True,
)
