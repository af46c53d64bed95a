"""MySQL 8 and MariaDB (InnoDB)."""
from .base import Dialect, TypeMapping, words

# Words marked (R) in MySQL 8's keyword list
RESERVED = words("""
accessible add all alter analyze and as asc asensitive before between bigint binary blob both by
call cascade case change char character check collate column condition constraint continue convert
create cross cube cume_dist current_date current_time current_timestamp current_user cursor database
databases day_hour day_microsecond day_minute day_second dec decimal declare default delayed delete
dense_rank desc describe deterministic distinct distinctrow div double drop dual each else elseif
empty enclosed escaped except exists exit explain false fetch first_value float float4 float8 for
force foreign from fulltext function generated get grant group grouping groups having high_priority
hour_microsecond hour_minute hour_second if ignore in index infile inner inout insensitive insert int
int1 int2 int3 int4 int8 integer intersect interval into io_after_gtids io_before_gtids is iterate
join json_table key keys kill lag last_value lateral lead leading leave left like limit linear lines
load localtime localtimestamp lock long longblob longtext loop low_priority master_bind
master_ssl_verify_server_cert match maxvalue mediumblob mediumint mediumtext middleint
minute_microsecond minute_second mod modifies natural not no_write_to_binlog nth_value ntile null
numeric of on optimize optimizer_costs option optionally or order out outer outfile over partition
percent_rank precision primary procedure purge range rank read reads read_write real recursive
references regexp release rename repeat replace require resignal restrict return revoke right rlike
row rows row_number schema schemas second_microsecond select sensitive separator set show signal
smallint spatial specific sql sqlexception sqlstate sqlwarning sql_big_result sql_calc_found_rows
sql_small_result ssl starting stored straight_join system table terminated then tinyblob tinyint
tinytext to trailing trigger true undo union unique unlock unsigned update usage use using utc_date
utc_time utc_timestamp values varbinary varchar varcharacter varying virtual when where while window
with write xor year_month zerofill
""")

TYPES = {
    "smallint": TypeMapping("SMALLINT"),
    "int": TypeMapping("INT"),
    "bigint": TypeMapping("BIGINT"),
    "decimal": TypeMapping("DECIMAL({p},{s})"),
    "real": TypeMapping("FLOAT"),
    "double": TypeMapping("DOUBLE"),
    "boolean": TypeMapping("BOOLEAN"),
    "char": TypeMapping("CHAR({n})"),
    "varchar": TypeMapping("VARCHAR({n})"),
    "text": TypeMapping("LONGTEXT"),
    "date": TypeMapping("DATE"),
    "time": TypeMapping("TIME(6)"),
    "timestamp": TypeMapping("DATETIME(6)"),
    "timestamptz": TypeMapping(
        "DATETIME(6)",
        "MySQL has no time-zone-aware timestamp: stored as DATETIME(6); keep values in UTC"),
    "interval": TypeMapping(
        "VARCHAR(64)",
        "MySQL has no interval type: stored as VARCHAR(64) text such as '1 day 02:00:00'"),
    "uuid": TypeMapping(
        "CHAR(36)",
        "MySQL has no uuid type: stored as CHAR(36) text (BINARY(16) is smaller but unreadable)"),
    "json": TypeMapping("JSON"),
    "jsonb": TypeMapping("JSON", "MySQL has no jsonb: stored as JSON (MySQL's JSON is already binary)"),
    "bytes": TypeMapping("LONGBLOB"),
    "enum": TypeMapping("ENUM({values})"),
    "array": TypeMapping("JSON", "MySQL has no array types: stored as a JSON array"),
}

DIALECT = Dialect(
    sqlglot_name="mysql",
    name="mysql",
    display_name="MySQL/MariaDB",
    identifier_limit=64,
    identifier_limit_unit="characters",
    # each kind of constraint has its own namespace per database; indexes are per table, and
    # the primary key is always called PRIMARY
    name_scopes=(
        ("schema", frozenset({"table"})),
        ("table", frozenset({"index", "unique"})),
        ("schema", frozenset({"foreign key"})),
        ("schema", frozenset({"check"})),
    ),
    reserved_words=RESERVED,
    types=TYPES,
    indexes_foreign_keys=True,
    native_enums=False,
    arrays=False,
    identifier_quote="`",
    partial_indexes=False,
    index_methods=frozenset({"btree", "hash", "fulltext"}),
    prefix_indexed_types=frozenset({"text", "bytes", "json", "jsonb", "array"}),
    now_default="CURRENT_TIMESTAMP(6)",
    regexp_operator=True,
    string_backslash_escapes=True,
    comments="inline",
    identity_sql="AUTO_INCREMENT",
    alter_column="modify",
    add_column_position=True,
    # the primary key is always called PRIMARY
    named_constraints=frozenset({"unique", "check", "foreign key"}),
    rename_constraint={"unique": "ALTER TABLE {table} RENAME INDEX {old} TO {new}"},
    rename_index="ALTER TABLE {table} RENAME INDEX {old} TO {new}",
    drop_constraint={"primary key": "ALTER TABLE {table} DROP PRIMARY KEY",
                     "unique": "ALTER TABLE {table} DROP INDEX {name}",
                     "check": "ALTER TABLE {table} DROP CONSTRAINT {name}",
                     "foreign key": "ALTER TABLE {table} DROP FOREIGN KEY {name}"},
    drop_index="DROP INDEX {name} ON {table}",
)
