"""SQL DDL -> a schema file.

`import_sql(text, dialect)` reads a schema dump (`pg_dump --schema-only`, mysqldump
`--no-data` / `SHOW CREATE TABLE`, SQLite `.schema`) statement by statement with
sqlglot and writes the tables, enums, keys, checks and indexes it finds as a
readable schema file: column shorthand where it fits, long form where it must.
A statement that cannot be parsed, or that the file format has no place for
(functions, triggers, views, grants, SET, COPY, ...), is skipped and counted by
kind; it never stops the import.  The output depends on the input alone: the
same dump gives byte-identical text.
"""
from __future__ import annotations

import logging
import re
from contextlib import contextmanager

import sqlglot
from sqlglot import exp

from .model import Column, ForeignKey, ImportResult, Index, Reference, Table, render

SQLGLOT_DIALECTS = {"postgresql": "postgres", "postgres": "postgres", "mysql": "mysql", "sqlite": "sqlite"}
_FILE_DIALECT = {"postgres": "postgresql", "mysql": "mysql", "sqlite": "sqlite"}


# --- splitting into statements -----------------------------------------------------------

_DOLLAR = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)?\$")


def split_statements(text: str, dialect: str = "postgres") -> list[str]:
    """Statements of a dump, each without its terminator.  Quotes, comments and
    PostgreSQL dollar quoting are respected; the data after `COPY ... FROM stdin;` (up to
    its `\\.` line) belongs to the COPY statement; mysqldump's `DELIMITER` is honoured."""
    out: list[str] = []
    i, n = 0, len(text)
    start = 0
    delimiter = ";"
    while i < n:
        c = text[i]
        if c in "'\"`":
            j = i + 1
            while j < n:
                if text[j] == "\\" and c == "'" and dialect == "mysql":
                    j += 2
                    continue
                if text[j] == c:
                    if j + 1 < n and text[j + 1] == c:
                        j += 2
                        continue
                    break
                j += 1
            i = j + 1
            continue
        if text.startswith("--", i) or (c == "#" and dialect == "mysql"):
            j = text.find("\n", i)
            i = n if j < 0 else j + 1
            continue
        if text.startswith("/*", i) and not text.startswith("/*!", i):
            j = text.find("*/", i + 2)
            i = n if j < 0 else j + 2
            continue
        if c == "$" and dialect == "postgres":
            m = _DOLLAR.match(text, i)
            if m and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
                j = text.find(m.group(0), m.end())
                i = n if j < 0 else j + len(m.group(0))
                continue
        if dialect == "mysql" and (i == 0 or text[i - 1] == "\n") and text[i:i + 10].upper() == "DELIMITER ":
            j = text.find("\n", i)
            j = n if j < 0 else j
            pending = text[start:i].strip()
            if pending:
                out.append(pending)
            delimiter = text[i + 10:j].strip() or ";"
            i = start = j + 1
            continue
        if text.startswith(delimiter, i):
            statement = text[start:i].strip()
            i += len(delimiter)
            if re.match(r"(?is)^copy\b.*\bfrom\s+stdin\b", _strip_comments(statement)):
                end = re.compile(r"^\\\.[ \t]*$", re.M).search(text, i)
                i = n if end is None else end.end()
            if statement:
                out.append(statement)
            start = i
            continue
        i += 1
    tail = text[start:].strip()
    if tail and _strip_comments(tail).strip():
        out.append(tail)
    return out


def _strip_comments(sql: str) -> str:
    sql = re.sub(r"/\*!\d*", " ", sql)  # MySQL's versioned comments hold code
    sql = re.sub(r"/\*.*?\*/", " ", sql, flags=re.S)
    sql = re.sub(r"--[^\n]*", " ", sql)
    return sql.replace("*/", " ")


_SKIP_WORDS = {"OR", "REPLACE", "UNIQUE", "TEMP", "TEMPORARY", "UNLOGGED", "GLOBAL", "LOCAL", "IF", "NOT",
               "EXISTS", "DEFAULT", "TRUSTED", "PROCEDURAL", "RECURSIVE", "CONSTRAINT", "ONLY"}


def statement_kind(sql: str) -> str:
    """`CREATE FUNCTION`, `SET`, `COPY`, `COMMENT ON EXTENSION`, `ALTER TABLE`, ..."""
    words = re.findall(r"[A-Za-z_]+(?:=\S*)?", _strip_comments(sql))
    if not words:
        return "COMMENT"
    first = words[0].upper()
    if first in ("CREATE", "ALTER", "DROP"):
        rest = [w.upper() for w in words[1:] if w.upper() not in _SKIP_WORDS and "=" not in w]
        if rest and rest[0] in ("MATERIALIZED", "FOREIGN", "EVENT") and len(rest) > 1:
            return f"{first} {rest[0]} {rest[1]}"
        return f"{first} {rest[0]}" if rest else first
    if first == "COMMENT" and len(words) > 2:
        return f"COMMENT ON {words[2].upper()}"
    return first


# --- the importer ---------------------------------------------------------------------------

@contextmanager
def _quiet_sqlglot():
    logger = logging.getLogger("sqlglot")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


class _Importer:
    def __init__(self, dialect: str) -> None:
        if dialect not in SQLGLOT_DIALECTS:
            raise ValueError(f"unknown dialect {dialect!r}: expected postgresql, mysql or sqlite")
        self.read = SQLGLOT_DIALECTS[dialect]
        self.file_dialect = _FILE_DIALECT[self.read]
        self.tables: dict[str, Table] = {}
        self.enums: dict[str, list[str]] = {}
        self.skipped: dict[str, int] = {}
        self.notes: list[str] = []

    def skip(self, sql: str, why: str | None = None) -> None:
        kind = statement_kind(sql)
        self.skipped[kind] = self.skipped.get(kind, 0) + 1
        if why:
            self.notes.append(f"{kind} skipped: {why}")

    # statements ---------------------------------------------------------------------------
    def statement(self, sql: str) -> None:
        try:
            trees = [t for t in sqlglot.parse(sql, read=self.read) if t is not None]
        except (sqlglot.errors.SqlglotError, RecursionError, ValueError) as exc:
            kind = statement_kind(sql)
            modelled = kind in ("CREATE TABLE", "CREATE INDEX", "CREATE TYPE", "ALTER TABLE")
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            self.skip(sql, f"could not be read ({first[:120]})" if modelled else None)
            return
        if len(trees) != 1:
            self.skip(sql)
            return
        tree = trees[0]
        handled = False
        if isinstance(tree, exp.Create):
            kind = (tree.args.get("kind") or "").upper()
            if kind == "TABLE" and isinstance(tree.this, exp.Schema):
                handled = self.create_table(tree)
            elif kind == "INDEX":
                handled = self.create_index(tree)
            elif kind == "TYPE":
                handled = self.create_type(tree)
        elif isinstance(tree, exp.Alter) and (tree.args.get("kind") or "").upper() == "TABLE":
            handled = self.alter_table(tree, sql)
        elif isinstance(tree, exp.Comment):
            handled = self.comment(tree)
        if not handled:
            self.skip(sql)

    def table(self, node: exp.Expression | None) -> Table | None:
        name = node.name if node is not None else ""
        return self.tables.get(name)

    def create_table(self, tree: exp.Create) -> bool:
        schema = tree.this
        name = schema.this.name
        if name in self.tables:
            self.notes.append(f"table {name} is created twice: the second CREATE TABLE is skipped")
            return False
        table = Table(name)
        self.tables[name] = table
        for item in schema.expressions:
            if isinstance(item, exp.ColumnDef):
                self.column(table, item)
        for item in schema.expressions:
            if not isinstance(item, exp.ColumnDef):
                self.table_constraint(table, item)
        properties = tree.args.get("properties")
        if properties is not None:
            for prop in properties.expressions:
                if isinstance(prop, exp.SchemaCommentProperty):
                    table.description = prop.this.name
        return True

    def column(self, table: Table, item: exp.ColumnDef) -> None:
        name = item.name
        type_text, identity = self.type_of(item.args.get("kind"), f"{table.name}.{name}")
        col = Column(name, type_text, identity=identity)
        table.columns[name] = col
        for constraint in item.args.get("constraints") or []:
            kind = constraint.args.get("kind") if isinstance(constraint, exp.ColumnConstraint) else constraint
            if isinstance(kind, exp.NotNullColumnConstraint):
                if not kind.args.get("allow_null"):
                    col.not_null = True
            elif isinstance(kind, exp.PrimaryKeyColumnConstraint):
                col.primary_key = True
                table.primary_key = [name]
                if self.read == "sqlite" and col.type == "int":
                    col.identity = True  # INTEGER PRIMARY KEY: the rowid, numbered by SQLite
            elif isinstance(kind, exp.UniqueColumnConstraint):
                col.unique = True
            elif isinstance(kind, (exp.GeneratedAsIdentityColumnConstraint, exp.AutoIncrementColumnConstraint)):
                col.identity = True
            elif isinstance(kind, exp.DefaultColumnConstraint):
                self.set_default(table, col, kind.this)
            elif isinstance(kind, exp.CheckColumnConstraint):
                self.add_check(table, kind.this.sql(dialect=self.read), [name])
            elif isinstance(kind, exp.Reference):
                ref = self.reference(kind)
                if ref is not None:
                    table.foreign_keys.append(ForeignKey([name], ref))
            elif isinstance(kind, exp.CommentColumnConstraint):
                col.description = kind.this.name
            elif kind is not None and not isinstance(kind, (exp.CollateColumnConstraint,
                                                            exp.CharacterSetColumnConstraint)):
                self.notes.append(f"{table.name}.{name}: {kind.sql(dialect=self.read)} left out")

    def set_default(self, table: Table, col: Column, value: exp.Expression) -> None:
        if isinstance(value, exp.Anonymous) and value.name.lower() == "nextval":
            col.identity = True  # a serial column: its sequence is the identity
            return
        if isinstance(value, (exp.CurrentTimestamp,)) or (
                isinstance(value, exp.Anonymous) and value.name.lower() in ("now", "current_timestamp")):
            col.default = "now()"
            return
        if isinstance(value, exp.Cast) and isinstance(value.this, exp.Literal) and value.this.is_string:
            target = value.args["to"].sql(dialect=self.read).lower().rsplit(".", 1)[-1].strip('"')
            if target == col.type.lower() or target in self.enums or target in ("text", "character varying",
                                                                             "varchar"):
                value = value.this  # 'pending'::order_status: the column's type already says it
            elif self.read == "postgres":
                col.default = f"{value.this.sql(dialect=self.read)}::{target}"
                return
        if isinstance(value, exp.Null):
            return
        col.default = value.sql(dialect=self.read)

    def reference(self, ref: exp.Reference) -> Reference | None:
        target = ref.this
        if isinstance(target, exp.Schema):
            table = target.this.name
            columns = [c.name for c in target.expressions]
        else:
            table, columns = target.name, []
        if not table:
            return None
        result = Reference(table, columns)
        for option in ref.args.get("options") or []:
            m = re.match(r"(?i)on\s+(delete|update)\s+(cascade|restrict|set\s+null|set\s+default|no\s+action)$",
                         " ".join(str(option).split()))
            if m:
                action = " ".join(m.group(2).lower().split())
                if m.group(1).lower() == "delete":
                    result.on_delete = action
                else:
                    result.on_update = action
        return result

    def add_check(self, table: Table, sql: str, columns: list[str]) -> None:
        if len(columns) == 1 and columns[0] in table.columns and table.columns[columns[0]].check is None:
            table.columns[columns[0]].check = sql
        else:
            table.checks.append(sql)

    def table_constraint(self, table: Table, item: exp.Expression) -> None:
        inner = item.expressions if isinstance(item, exp.Constraint) else [item]
        for node in inner:
            if isinstance(node, exp.PrimaryKey) or isinstance(node, exp.PrimaryKeyColumnConstraint):
                self.set_primary_key(table, [self.ident(e) for e in node.expressions])
            elif isinstance(node, exp.ForeignKey):
                ref = node.args.get("reference")
                ref = self.reference(ref) if ref is not None else None
                if ref is not None:
                    table.foreign_keys.append(ForeignKey([self.ident(e) for e in node.expressions], ref))
            elif isinstance(node, exp.UniqueColumnConstraint):
                target = node.this
                columns = [self.ident(e) for e in target.expressions] if isinstance(target, exp.Schema) else []
                self.add_unique(table, columns)
            elif isinstance(node, exp.CheckColumnConstraint):
                tree = node.this
                self.add_check(table, tree.sql(dialect=self.read),
                               list(dict.fromkeys(c.name for c in tree.find_all(exp.Column))))
            elif isinstance(node, exp.IndexColumnConstraint):
                columns = [self.index_item(e) for e in node.expressions]
                index_type = node.args.get("kind")
                name = node.this.name if node.this else None
                table.indexes.append(Index(columns, name, using="fulltext" if str(index_type or "").upper()
                                            == "FULLTEXT" else None))
            elif isinstance(node, exp.ColumnConstraint) and isinstance(node.args.get("kind"),
                                                                       exp.CheckColumnConstraint):
                self.table_constraint(table, node.args["kind"])
            else:
                self.notes.append(f"{table.name}: constraint {item.sql(dialect=self.read)} left out")

    def set_primary_key(self, table: Table, columns: list[str]) -> None:
        table.primary_key = columns
        for name, col in table.columns.items():
            col.primary_key = len(columns) == 1 and name == columns[0]

    def add_unique(self, table: Table, columns: list[str]) -> None:
        if not columns:
            return
        if len(columns) == 1 and columns[0] in table.columns:
            table.columns[columns[0]].unique = True
        elif columns not in table.uniques:
            table.uniques.append(columns)

    @staticmethod
    def ident(node: exp.Expression) -> str:
        return node.name if isinstance(node, (exp.Identifier, exp.Column)) else node.sql()

    def index_item(self, node: exp.Expression) -> str:
        desc = False
        if isinstance(node, exp.Ordered):
            desc = bool(node.args.get("desc"))
            node = node.this
        if isinstance(node, (exp.Column, exp.Identifier)):
            text = node.name
        elif (isinstance(node, exp.Anonymous) and self.read == "mysql" and len(node.expressions) == 1
              and isinstance(node.expressions[0], exp.Literal) and not node.expressions[0].is_string):
            text = node.name  # a prefix index `col(191)`: the column
        else:
            text = node.sql(dialect=self.read)
            if isinstance(node, exp.Paren):
                text = node.this.sql(dialect=self.read)
        return text + (" desc" if desc else "")

    def create_index(self, tree: exp.Create) -> bool:
        index = tree.this
        if not isinstance(index, exp.Index):
            return False
        table = self.table(index.args.get("table"))
        if table is None:
            self.notes.append(f"index {index.name} is on a table not created here: skipped")
            return False
        params = index.args.get("params")
        columns = [self.index_item(c) for c in (params.args.get("columns") or [])] if params else []
        if not columns:
            return False
        where = params.args.get("where")
        using = params.args.get("using")
        result = Index(columns, index.name or None, bool(tree.args.get("unique")),
                        where.this.sql(dialect=self.read) if where is not None else None,
                        using.name.lower() if using is not None else None)
        if result.using == "btree":
            result.using = None
        plain = all(re.fullmatch(r"[A-Za-z_][\w$]*", c) for c in columns)
        if self.read == "sqlite" and result.unique and plain and result.where is None:
            # SQLite's unique constraints are unique indexes (that is how schema-lang writes them)
            self.add_unique(table, columns)
            return True
        table.indexes.append(result)
        return True

    def create_type(self, tree: exp.Create) -> bool:
        body = tree.args.get("expression")
        if not isinstance(body, exp.DataType) or body.this != exp.DataType.Type.ENUM:
            return False
        self.enums[tree.this.name] = [e.name for e in body.expressions]
        return True

    def alter_table(self, tree: exp.Alter, sql: str) -> bool:
        table = self.table(tree.this)
        if table is None:
            return False
        handled = False
        for action in tree.args.get("actions") or []:
            if isinstance(action, exp.AddConstraint):
                for constraint in action.expressions:
                    self.table_constraint(table, constraint)
                handled = True
            elif isinstance(action, exp.AlterColumn) and action.args.get("default") is not None:
                col = table.columns.get(action.name)
                if col is not None:
                    self.set_default(table, col, action.args["default"])
                    handled = True
        return handled

    def comment(self, tree: exp.Comment) -> bool:
        kind = (tree.args.get("kind") or "").upper()
        text = tree.args.get("expression")
        if not isinstance(text, exp.Literal):
            return False
        if kind == "TABLE":
            table = self.table(tree.this)
            if table is not None:
                table.description = text.name
                return True
        elif kind == "COLUMN" and isinstance(tree.this, exp.Column):
            table = self.tables.get(tree.this.table)
            col = table.columns.get(tree.this.name) if table else None
            if col is not None:
                col.description = text.name
                return True
        return False

    # types ------------------------------------------------------------------------------------
    def type_of(self, dtype: exp.DataType | None, where: str) -> tuple[str, bool]:
        """(schema-lang type, identity) for a column's SQL type."""
        if dtype is None:
            return "text", False  # SQLite allows columns without a type
        T = exp.DataType.Type
        t = dtype.this
        params = [p.this.name if isinstance(p, exp.DataTypeParam) else p.name for p in dtype.expressions]
        ints = [p for p in params if p.isdigit()]
        serials = {T.SERIAL: "int", T.BIGSERIAL: "bigint", T.SMALLSERIAL: "smallint"}
        if t in serials:
            return serials[t], True
        if t == T.TINYINT:
            return ("boolean" if ints == ["1"] else "smallint"), False
        simple = {
            T.INT: "int", T.UINT: "int", T.MEDIUMINT: "int", T.UMEDIUMINT: "int",
            T.BIGINT: "bigint", T.UBIGINT: "bigint", T.SMALLINT: "smallint", T.USMALLINT: "smallint",
            T.TEXT: "text", T.LONGTEXT: "text", T.MEDIUMTEXT: "text", T.TINYTEXT: "text",
            T.BOOLEAN: "boolean", T.DATE: "date", T.UUID: "uuid", T.JSON: "json", T.JSONB: "jsonb",
            T.VARBINARY: "bytes", T.BINARY: "bytes", T.BLOB: "bytes", T.LONGBLOB: "bytes",
            T.MEDIUMBLOB: "bytes", T.TINYBLOB: "bytes", T.DOUBLE: "double", T.FLOAT: "real",
            T.INTERVAL: "interval", T.TIMESTAMPTZ: "timestamptz", T.TIMESTAMPLTZ: "timestamptz",
        }
        if t in simple:
            return simple[t], False
        if t in (T.DECIMAL, T.BIGDECIMAL) or t.name == "NUMERIC":
            return ("decimal(" + ",".join(ints) + ")" if ints else "decimal"), False
        if t in (T.VARCHAR, T.NVARCHAR, T.CHAR, T.NCHAR):
            base = "varchar" if t in (T.VARCHAR, T.NVARCHAR) else "char"
            return (f"{base}({ints[0]})" if ints else base), False
        if t in (T.TIME, T.TIMETZ, T.TIMESTAMP, T.DATETIME):
            base = "time" if t in (T.TIME, T.TIMETZ) else "timestamp"
            if self.read == "mysql" and ints == ["6"]:
                ints = []  # what schema-lang writes for MySQL anyway
            return (f"{base}({ints[0]})" if ints else base), False
        if t == T.ENUM:
            values = [e.name for e in dtype.expressions]
            return "enum(" + ", ".join(values) + ")", False
        if t == T.ARRAY and dtype.expressions:
            element, _ = self.type_of(dtype.expressions[0], where)
            return element + "[]", False
        if t == T.USERDEFINED:
            name = dtype.args.get("kind").name if dtype.args.get("kind") is not None else dtype.sql()
            if name in self.enums:
                return name, False
        self.notes.append(f"{where}: type {dtype.sql(dialect=self.read)} has no schema-lang equivalent; "
                          "imported as text")
        return "text", False


def import_sql(text: str, dialect: str, schema_name: str = "imported") -> ImportResult:
    """Reads SQL DDL written for `dialect` (postgresql, mysql or sqlite) into a schema file."""
    importer = _Importer(dialect)
    with _quiet_sqlglot():
        for statement in split_statements(text, importer.read):
            if not _strip_comments(statement).strip():
                continue  # a comment alone
            importer.statement(statement)
    for table in importer.tables.values():
        for fk in table.foreign_keys:
            if fk.ref.table not in importer.tables:
                importer.notes.append(f"{table.name}: foreign key to {fk.ref.table}, a table not created here")
    yaml_text = render(schema_name, importer.file_dialect, importer.enums, importer.tables)
    return ImportResult(yaml_text, dict(sorted(importer.skipped.items())), importer.notes)


_MYSQL_SIGNS = re.compile(r"`|\bENGINE\s*=|\bAUTO_INCREMENT\b|/\*!\d+|\bLOCK TABLES\b|\bUNSIGNED\b|"
                          r"\bDEFAULT CHARSET\b|^\s*DELIMITER\b", re.I | re.M)
_SQLITE_SIGNS = re.compile(r"\bAUTOINCREMENT\b|\bPRAGMA\b|\bsqlite_sequence\b|\bWITHOUT ROWID\b|"
                           r"\bINTEGER PRIMARY KEY\b", re.I)
_POSTGRES_SIGNS = re.compile(r"\bSERIAL\b|\bBIGSERIAL\b|::|\bpg_catalog\.|\bCREATE TYPE\b|"
                             r"\bGENERATED (?:ALWAYS|BY DEFAULT) AS IDENTITY\b|\bTIMESTAMPTZ\b|"
                             r"\bSET search_path\b|\bOWNER TO\b|\bJSONB\b|\bnextval\(", re.I)


def guess_dialect(text: str) -> str:
    """The dialect a DDL script was most likely written for (postgresql, mysql or sqlite),
    from the marks each engine's dumps leave: backquotes and ENGINE= for MySQL,
    AUTOINCREMENT and PRAGMA for SQLite, ::casts, SERIAL and CREATE TYPE for PostgreSQL.
    PostgreSQL when nothing tells."""
    code = _strip_comments(text[:2_000_000]) if "/*!" not in text[:2_000_000] else text[:2_000_000]
    scores = {name: len(pattern.findall(code)) for name, pattern in
              (("mysql", _MYSQL_SIGNS), ("sqlite", _SQLITE_SIGNS), ("postgresql", _POSTGRES_SIGNS))}
    best = max(scores, key=lambda name: (scores[name], name == "postgresql"))
    return best if scores[best] else "postgresql"
