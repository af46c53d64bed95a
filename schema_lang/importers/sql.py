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
from collections.abc import Sequence
from contextlib import contextmanager
from typing import cast

import sqlglot
from sqlglot import exp
from sqlglot.dialects.dialect import Dialect

from ..dialects import get_dialect
from ..dialects.mysql import RESERVED as MYSQL_RESERVED
from ..sql import identifiers
from ..sql.identifiers import unquote
from ..sql.statements import split_statements, strip_comments
from .model import Column, ForeignKey, ImportResult, Index, Reference, Table, render

SQLGLOT_DIALECTS = {"postgresql": "postgres", "postgres": "postgres", "mysql": "mysql", "sqlite": "sqlite"}
_FILE_DIALECT = {"postgres": "postgresql", "mysql": "mysql", "sqlite": "sqlite"}
_POSTGRESQL = get_dialect("postgresql")


_SKIP_WORDS = {"OR", "REPLACE", "UNIQUE", "TEMP", "TEMPORARY", "UNLOGGED", "GLOBAL", "LOCAL", "IF", "NOT",
               "EXISTS", "DEFAULT", "TRUSTED", "PROCEDURAL", "RECURSIVE", "CONSTRAINT", "ONLY"}


def statement_kind(sql: str) -> str:
    """`CREATE FUNCTION`, `SET`, `COPY`, `COMMENT ON EXTENSION`, `ALTER TABLE`, ..."""
    words = re.findall(r"[A-Za-z_]+(?:=\S*)?", strip_comments(sql))
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


# --- expressions as they were written ---------------------------------------------------------

# where a column's DEFAULT expression ends: the next constraint of the column, or its end
_DEFAULT_STOPS = {"NOT", "NULL", "CONSTRAINT", "REFERENCES", "PRIMARY_KEY", "UNIQUE", "COLLATE", "COMMENT",
                  "AUTO_INCREMENT", "ON", "CHECK", "GENERATED", "PRIMARY", "KEY", "AUTOINCREMENT"}


class _Source:
    """The tokens of one statement, so that CHECK conditions, defaults, index expressions
    and WHERE clauses are imported as they were written rather than as sqlglot would
    print them again."""

    def __init__(self, sql: str, read: str) -> None:
        self.sql, self.read = sql, read
        try:
            self.tokens = Dialect.get_or_raise(read).tokenize(sql)
        except Exception:  # noqa: BLE001 - the tokens are a nicety; the parse tree has the meaning
            self.tokens = []

    def close_of(self, i: int) -> int:
        """Index of the token closing the parenthesis opened at token i (or the last token)."""
        depth = 0
        for j in range(i, len(self.tokens)):
            kind = self.tokens[j].token_type.name
            if kind == "L_PAREN":
                depth += 1
            elif kind == "R_PAREN":
                depth -= 1
                if depth == 0:
                    return j
        return len(self.tokens) - 1

    def text(self, first: int, last: int) -> str:
        """The source from token `first` through token `last`."""
        if first > last:
            return ""
        return self.sql[self.tokens[first].start:self.tokens[last].end + 1]

    def check_texts(self) -> list[str]:
        out = []
        for i, token in enumerate(self.tokens[:-1]):
            if token.text.upper() == "CHECK" and self.tokens[i + 1].token_type.name == "L_PAREN":
                out.append(self.text(i + 2, self.close_of(i + 1) - 1))
        return out

    def default_texts(self) -> list[str]:
        out = []
        for i, token in enumerate(self.tokens):
            if token.token_type.name != "DEFAULT" or (i and self.tokens[i - 1].text.upper() in ("SET", "BY")):
                continue
            j, depth = i + 1, 0
            while j < len(self.tokens):
                t = self.tokens[j]
                kind = t.token_type.name
                if kind == "L_PAREN":
                    depth += 1
                elif kind == "R_PAREN":
                    if depth == 0:
                        break
                    depth -= 1
                elif depth == 0 and (kind == "COMMA" or (j > i + 1 and (kind in _DEFAULT_STOPS
                                                                          or t.text.upper() in _DEFAULT_STOPS))):
                    break
                j += 1
            out.append(self.text(i + 1, j - 1))
        return out

    def index_parts(self) -> tuple[list[str], list[str], str | None]:
        """(key items, INCLUDE columns, WHERE condition) of a CREATE INDEX, as written."""
        tokens = self.tokens
        start = next((i for i, t in enumerate(tokens) if t.token_type.name == "ON"), None)
        if start is None:
            return [], [], None
        opening = next((i for i in range(start, len(tokens)) if tokens[i].token_type.name == "L_PAREN"), None)
        if opening is None:
            return [], [], None
        closing = self.close_of(opening)
        items = self.split(opening + 1, closing - 1)
        include: list[str] = []
        where = None
        i = closing + 1
        if i + 1 < len(tokens) and tokens[i].text.upper() == "INCLUDE" and tokens[i + 1].token_type.name == "L_PAREN":
            end = self.close_of(i + 1)
            include = self.split(i + 2, end - 1)
            i = end + 1
        for j in range(i, len(tokens)):
            if tokens[j].token_type.name == "WHERE":
                where = self.text(j + 1, len(tokens) - 1)
                break
        return items, include, where

    def split(self, first: int, last: int) -> list[str]:
        """The comma-separated items between two tokens, at the outer level."""
        items, depth, begin = [], 0, first
        for j in range(first, last + 1):
            kind = self.tokens[j].token_type.name
            if kind == "L_PAREN":
                depth += 1
            elif kind == "R_PAREN":
                depth -= 1
            elif kind == "COMMA" and depth == 0:
                items.append(self.text(begin, j - 1))
                begin = j + 1
        if begin <= last:
            items.append(self.text(begin, last))
        return items


def _same_expression(text: str, node: exp.Expression, read: str) -> bool:
    """Whether `text` parses to the expression sqlglot found (so taking the text is safe)."""
    try:
        parsed = sqlglot.parse_one(text, read=read)
    except (sqlglot.errors.SqlglotError, RecursionError, ValueError):
        return False
    strip = lambda e: e.this if isinstance(e, exp.Paren) else e  # noqa: E731
    return strip(parsed).sql(dialect=read) == strip(node).sql(dialect=read)


def _unwrap(text: str) -> str:
    """`((a > 0))` -> `a > 0`: parentheses around the whole expression add nothing."""
    text = " ".join(text.split())
    while text.startswith("(") and text.endswith(")"):
        depth, quote = 0, None
        for i, ch in enumerate(text):
            if quote:
                if ch == quote:
                    quote = None
                continue
            if ch in "'\"`":
                quote = ch
            elif ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
                if depth == 0 and i != len(text) - 1:
                    return text
        text = text[1:-1].strip()
    return text


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


_IDENT = rf'(?:"(?:[^"]|"")+"|`(?:[^`]|``)+`|{identifiers.NAME})'
_QNAME = rf"{_IDENT}(?:\s*\.\s*{_IDENT})?"
_ADD_IDENTITY = re.compile(
    rf"(?is)^\s*ALTER\s+TABLE\s+(?:ONLY\s+)?(?:IF\s+EXISTS\s+)?({_QNAME})\s+ALTER\s+(?:COLUMN\s+)?({_IDENT})\s+"
    r"ADD\s+GENERATED\s+(?:ALWAYS|BY\s+DEFAULT)\s+AS\s+IDENTITY\b")
_ATTACH_PARTITION = re.compile(
    rf"(?is)^\s*ALTER\s+TABLE\s+(?:ONLY\s+)?(?:IF\s+EXISTS\s+)?({_QNAME})\s+ATTACH\s+PARTITION\s+({_QNAME})\s+(.*)$")


def _db_name(node: exp.Expression) -> str:
    """The schema (sqlglot's `db`) a name is qualified with; "" when it is not."""
    db = node.args.get("db")
    return db.name if db else ""


def _split_qualified(name: str) -> tuple[str, str]:
    parts = re.findall(_IDENT, name)
    if len(parts) == 2:
        return unquote(parts[0]), unquote(parts[1])
    return "", unquote(parts[-1] if parts else name)


class _Importer:
    def __init__(self, dialect: str) -> None:
        if dialect not in SQLGLOT_DIALECTS:
            raise ValueError(f"unknown dialect {dialect!r}: expected postgresql, mysql or sqlite")
        self.read = SQLGLOT_DIALECTS[dialect]
        self.file_dialect = _FILE_DIALECT[self.read]
        self.tables: dict[str, Table] = {}
        self.qualified: dict[tuple[str, str], str] = {}  # (schema, table) -> the table's name in the file
        self.schemas: set[str] = set()  # schema qualifiers seen (left out of the file)
        self.enums: dict[str, list[str]] = {}
        self.partitions: dict[str, str] = {}  # partition -> its parent
        # named constraints, so a later DROP CONSTRAINT (in a folder of migrations) can find them
        self.constraints: dict[tuple[str, str], tuple[str, object]] = {}
        self.skipped: dict[str, int] = {}
        self.notes: list[str] = []
        self.source: _Source | None = None
        self.texts: dict[int, str] = {}  # id(expression node) -> its text as written

    def skip(self, sql: str, why: str | None = None) -> None:
        kind = statement_kind(sql)
        self.skipped[kind] = self.skipped.get(kind, 0) + 1
        if why:
            self.notes.append(f"{kind} skipped: {why}")

    # statements ---------------------------------------------------------------------------
    def statement(self, sql: str) -> None:
        if self.read == "mysql" and "/*!" in sql:
            sql = re.sub(r"/\*!\d*\s?(.*?)\*/", r"\1", sql, flags=re.S)  # versioned comments hold code
            if not strip_comments(sql).strip():
                return
        if self.read == "postgres":  # pg_dump's "-- Name: ..." headers (SQLite's are descriptions)
            sql = re.sub(r"^(?:\s*--[^\n]*\n)+", "", sql)
        if self.special_alter(sql):
            return
        # pg_dump: an index of a partitioned table is made ON ONLY the parent (sqlglot reads no ONLY)
        sql = re.sub(r"(?is)^(\s*CREATE\s+(?:UNIQUE\s+)?INDEX\s+\S+\s+ON)\s+ONLY\b", r"\1", sql)
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
        self.source = _Source(sql, self.read)
        self.texts = {}
        handled = False
        if isinstance(tree, exp.Create):
            kind = (tree.args.get("kind") or "").upper()
            if kind == "TABLE":
                handled = self.create_table(tree)
            elif kind == "INDEX":
                handled = self.create_index(tree)
            elif kind == "TYPE":
                handled = self.create_type(tree)
        elif isinstance(tree, exp.Alter):
            kind = (tree.args.get("kind") or "").upper()
            if kind == "TABLE":
                handled = self.alter_table(tree)
            elif kind == "INDEX":
                handled = self.alter_index(tree)
        elif isinstance(tree, exp.Drop):
            handled = self.drop(tree)
        elif isinstance(tree, exp.Comment):
            handled = self.comment(tree)
        if not handled:
            self.skip(sql)

    def special_alter(self, sql: str) -> bool:
        """ALTER TABLE forms sqlglot does not read, as pg_dump writes them."""
        m = _ADD_IDENTITY.match(sql)
        if m:
            table = self.table_named(*_split_qualified(m.group(1)))
            col = table.columns.get(unquote(m.group(2))) if table else None
            if col is None:
                self.skip(sql)
            else:
                col.identity = True
            return True
        m = _ATTACH_PARTITION.match(sql)
        if m:
            parent = self.table_named(*_split_qualified(m.group(1)))
            schema, child = _split_qualified(m.group(2))
            if parent is None:
                self.skip(sql)
                return True
            self.make_partition(self.qualified.get((schema, child), child), parent.name,
                                " ".join(m.group(3).split()))
            return True
        return False

    def make_partition(self, child: str, parent: str, bound: str) -> None:
        """A partition is not a table of the schema file: its parent is, with `partition_by`."""
        self.partitions[child] = parent
        self.tables.pop(child, None)
        self.notes.append(f"{child} is a partition of {parent} ({bound}): partitions are not part of the "
                          "schema file, create them with the table")

    # names ----------------------------------------------------------------------------------
    def table_named(self, schema: str, name: str) -> Table | None:
        if (schema, name) in self.qualified:
            return self.tables.get(self.qualified[(schema, name)])
        if not schema:
            key = next((k for (s, n), k in sorted(self.qualified.items()) if n == name), None)
            return self.tables.get(key) if key else None
        return None

    def table(self, node: exp.Expression | None) -> Table | None:
        if node is None:
            return None
        schema = _db_name(node) if isinstance(node, exp.Table) else ""
        return self.table_named(schema, node.name)

    def target_name(self, node: exp.Expression) -> str:
        """The file's name for a referenced table (it may be created later in the dump)."""
        schema = _db_name(node) if isinstance(node, exp.Table) else ""
        if (schema, node.name) in self.qualified:
            return self.qualified[(schema, node.name)]
        return node.name

    def new_table_name(self, schema: str, name: str) -> str | None:
        if schema:
            self.schemas.add(schema)
        if (schema, name) in self.qualified:
            return None
        key = name
        if key in self.tables:
            key = f"{schema}_{name}" if schema else name
            if key in self.tables:
                return None
            self.notes.append(f"{schema}.{name}: a table {name} exists in another schema; imported as {key}")
        self.qualified[(schema, name)] = key
        return key

    def expression(self, node: exp.Expression) -> str:
        """An expression as the user wrote it, when the statement's text can be matched to it."""
        text = self.texts.get(id(node))
        if text is None:
            text = node.sql(dialect=self.read, normalize_functions="lower")
        return self.tidy(text)

    def tidy(self, text: str) -> str:
        text = _unwrap(text)
        if self.read == "mysql":
            # MySQL quotes every name in what it prints; the file quotes only where needed
            text = re.sub(rf"`({identifiers.NAME})`",
                          lambda m: m.group(0) if m.group(1).lower() in MYSQL_RESERVED else m.group(1), text)
        if self.read != "postgres":
            return text
        if self.schemas:
            schemas = "|".join(re.escape(s) for s in sorted(self.schemas))
            text = re.sub(rf'(?<![\w."])(?:{schemas})\.(?=[^\W\d]|")', "", text)
        # pg_dump's explicit casts of literals the comparison would cast anyway
        text = re.sub(r"('(?:[^']|'')*')::(?:text|character varying|bpchar)\b(?!\[)", r"\1", text)
        text = re.sub(r"\((-?\d+(?:\.\d+)?)\)::(?:numeric|integer|bigint|smallint)\b(?!\[)", r"\1", text)
        return text

    def match_texts(self, tree: exp.Expression) -> None:
        """Pairs the CHECK conditions and DEFAULT expressions of the tree with their text."""
        if self.source is None:
            return
        checks = [n for n in tree.walk(bfs=False) if isinstance(n, exp.CheckColumnConstraint)]
        defaults = [n for n in tree.walk(bfs=False) if isinstance(n, exp.DefaultColumnConstraint)]
        for nodes, texts in ((checks, self.source.check_texts()), (defaults, self.source.default_texts())):
            if len(nodes) == len(texts):
                for node, text in zip(nodes, texts, strict=False):
                    if _same_expression(text, node.this, self.read):
                        self.texts[id(node.this)] = text

    # CREATE TABLE ---------------------------------------------------------------------------
    def create_table(self, tree: exp.Create) -> bool:
        schema = tree.this
        properties = tree.args.get("properties")
        props = list(properties.expressions) if properties is not None else []
        partition_of = next((p for p in props if isinstance(p, exp.PartitionedOfProperty)), None)
        target = schema.this if isinstance(schema, exp.Schema) else schema
        qualifier = _db_name(target) if isinstance(target, exp.Table) else ""
        if partition_of is not None:
            parent = self.table(partition_of.this)
            if parent is None:
                return False
            self.new_table_name(qualifier, target.name)
            self.make_partition(target.name, parent.name,
                                partition_of.args["expression"].sql(dialect=self.read))
            return True
        if not isinstance(schema, exp.Schema):
            return False
        name = self.new_table_name(qualifier, target.name)
        if name is None:
            if not tree.args.get("exists"):
                self.notes.append(f"table {target.name} is created twice: the second CREATE TABLE is skipped")
            return False
        table = Table(name)
        self.tables[name] = table
        self.match_texts(tree)
        for item in schema.expressions:
            if isinstance(item, exp.ColumnDef):
                self.column(table, item)
        for item in schema.expressions:
            if not isinstance(item, exp.ColumnDef):
                self.table_constraint(table, item)
        for prop in props:
            if isinstance(prop, exp.SchemaCommentProperty):
                table.description = prop.this.name
            elif isinstance(prop, exp.PartitionedByProperty):
                table.partition_by = self.partition_clause(prop.this)
        if self.read == "sqlite":
            self.sqlite_comments(table, self.source.sql if self.source else "")
        return True

    def partition_clause(self, node: exp.Expression) -> str | None:
        if isinstance(node, (exp.Anonymous, exp.Func)) and node.name:
            args = ", ".join(self.tidy(a.sql(dialect=self.read, normalize_functions="lower"))
                             for a in node.expressions)
            return f"{node.name.lower()}({args})"
        if isinstance(node, exp.Schema):
            return None
        return self.tidy(node.sql(dialect=self.read, normalize_functions="lower")).lower()

    def sqlite_comments(self, table: Table, sql: str) -> None:
        """schema-lang's SQLite DDL keeps descriptions as `--` lines before the table and
        before each column (SQLite has no COMMENT); so do hand-written schemas."""
        head = sql[:sql.upper().find("CREATE")]
        lines = [ln.strip()[2:].strip() for ln in head.splitlines() if ln.strip().startswith("--")]
        if lines and table.description is None:
            table.description = " ".join(lines)
        body = sql[sql.find("(") + 1:]
        pending: list[str] = []
        for line in body.splitlines():
            stripped = line.strip()
            if stripped.startswith("--"):
                pending.append(stripped[2:].strip())
                continue
            m = re.match(rf"({_IDENT})\s", stripped)
            if m and pending:
                col = table.columns.get(unquote(m.group(1)))
                if col is not None and col.description is None:
                    col.description = " ".join(pending)
            if stripped:
                pending = []

    def column(self, table: Table, item: exp.ColumnDef) -> None:
        name = item.name
        if name in table.columns:
            self.notes.append(f"{table.name}.{name} is defined twice: the second is skipped")
            return
        type_text, identity = self.type_of(item.args.get("kind"), f"{table.name}.{name}")
        col = Column(name, type_text, identity=identity)
        table.columns[name] = col
        self.column_constraints(table, col, item.args.get("constraints") or [])

    def column_constraints(self, table: Table, col: Column, constraints: list[exp.Expression]) -> None:
        name = col.name
        for constraint in constraints:
            kind = constraint.args.get("kind") if isinstance(constraint, exp.ColumnConstraint) else constraint
            cname = constraint.name if isinstance(constraint, exp.ColumnConstraint) and constraint.this else None
            if isinstance(kind, exp.NotNullColumnConstraint):
                col.not_null = not kind.args.get("allow_null")
            elif isinstance(kind, exp.PrimaryKeyColumnConstraint):
                self.set_primary_key(table, [name])
                if self.read == "sqlite" and col.type == "int":
                    col.identity = True  # INTEGER PRIMARY KEY: the rowid, numbered by SQLite
                self.remember(table, cname, "pk", None)
            elif isinstance(kind, exp.UniqueColumnConstraint):
                col.unique = True
                self.remember(table, cname, "unique", [name])
            elif isinstance(kind, (exp.GeneratedAsIdentityColumnConstraint, exp.AutoIncrementColumnConstraint)):
                if isinstance(kind, exp.GeneratedAsIdentityColumnConstraint) and kind.args.get("expression"):
                    self.notes.append(f"{table.name}.{name}: a generated column; imported as a plain column")
                else:
                    col.identity = True
            elif isinstance(kind, exp.DefaultColumnConstraint):
                self.set_default(col, kind.this)
            elif isinstance(kind, exp.CheckColumnConstraint):
                check = self.expression(kind.this)
                if self.read == "mysql" and col.type == "text" and check == f"json_valid({name})":
                    col.type = "json"  # MariaDB's JSON: LONGTEXT with this check, as it dumps it
                    continue
                self.add_check(table, check, [name], cname)
            elif isinstance(kind, exp.Reference):
                ref = self.reference(kind)
                if ref is not None:
                    fk = ForeignKey([name], ref, cname)
                    table.foreign_keys.append(fk)
                    self.remember(table, cname, "fk", fk)
            elif isinstance(kind, exp.CommentColumnConstraint):
                col.description = kind.this.name
            elif isinstance(kind, exp.OnUpdateColumnConstraint):
                self.notes.append(f"{table.name}.{name}: ON UPDATE {kind.this.sql(dialect=self.read)} left out "
                                  "(set the value in the application or a trigger)")
            elif kind is not None and not isinstance(kind, (exp.CollateColumnConstraint,
                                                            exp.CharacterSetColumnConstraint)):
                self.notes.append(f"{table.name}.{name}: {kind.sql(dialect=self.read)} left out")

    def remember(self, table: Table, name: str | None, kind: str, payload: object) -> None:
        """Records a constraint under its name, or the name the engine gives an unnamed one,
        so that a later migration in the folder can drop it."""
        name = name or self.engine_name(table, kind, payload)
        if name:
            self.constraints[(table.name, name)] = (kind, payload)

    def engine_name(self, table: Table, kind: str, payload: object) -> str | None:
        columns = (payload.columns if isinstance(payload, ForeignKey) else [payload] if isinstance(payload, str)
                   and kind == "column check" else payload if isinstance(payload, list) else [])
        if self.read == "postgres":
            suffix = {"pk": "pkey", "fk": "fkey", "unique": "key", "column check": "check"}.get(kind)
            # PostgreSQL's own choice, cut to its limit as PostgreSQL cuts it (no hash: this is the
            # name the engine gave, which a later ALTER TABLE ... DROP CONSTRAINT names)
            if kind == "pk":
                return identifiers.engine_chosen_name(table.name, None, "pkey", _POSTGRESQL)
            if suffix and columns:
                return identifiers.engine_chosen_name(table.name, "_".join(columns), suffix, _POSTGRESQL)
            return None
        if self.read == "mysql":
            if kind == "fk":
                count = sum(1 for (t, _), (k, _) in self.constraints.items() if t == table.name and k == "fk")
                return f"{table.name}_ibfk_{count + 1}"
            if kind == "unique" and columns:
                return columns[0]
            if kind == "column check" and columns:
                return columns[0]
        return None

    def set_default(self, col: Column, value: exp.Expression) -> None:
        if isinstance(value, exp.Anonymous) and value.name.lower() == "nextval":
            col.identity = True  # a serial column: its sequence is the identity
            return
        if isinstance(value, exp.CurrentTimestamp) or (
                isinstance(value, exp.Anonymous) and value.name.lower() in ("now", "current_timestamp")):
            col.default = "now()"
            return
        if isinstance(value, exp.Null):
            col.default = None
            return
        text = self.expression(value)
        m = re.fullmatch(r"('(?:[^']|'')*')::(\w+)", text)
        if m and (m.group(2) == col.type or m.group(2) in self.enums):
            text = m.group(1)  # 'pending'::order_status: the column's type says it already
        if isinstance(value, exp.Boolean):
            text = text.lower()
        if (isinstance(value, exp.Literal) and value.is_string and re.fullmatch(r"-?\d+(\.\d+)?", value.name)
                and re.match(r"(small|big)?int\b|decimal|double|real", col.type)):
            text = value.name  # MySQL writes numeric defaults as strings: DEFAULT '0'
        col.default = text

    def reference(self, ref: exp.Reference) -> Reference | None:
        target = ref.this
        if isinstance(target, exp.Schema):
            table = self.target_name(target.this)
            columns = [c.name for c in target.expressions]
        else:
            table, columns = self.target_name(target), []
        if not table:
            return None
        result = Reference(table, columns)
        for option in ref.args.get("options") or []:
            m = re.match(r"(?i)on\s+(delete|update)\s+(cascade|restrict|set\s+null|set\s+default|no\s+action)$",
                         " ".join(str(option).split()))
            if m:
                action = " ".join(m.group(2).lower().split())
                if action == "no action":
                    continue  # what every engine does when nothing is said
                if m.group(1).lower() == "delete":
                    result.on_delete = action
                else:
                    result.on_update = action
        return result

    def add_check(self, table: Table, sql: str, columns: list[str], name: str | None = None) -> None:
        if len(columns) == 1 and columns[0] in table.columns and table.columns[columns[0]].check is None:
            table.columns[columns[0]].check = sql
            self.remember(table, name, "column check", columns[0])
        else:
            table.checks.append(sql)
            self.remember(table, name, "check", sql)

    def table_constraint(self, table: Table, item: exp.Expression, name: str | None = None) -> None:
        if isinstance(item, exp.Constraint):
            for node in item.expressions:
                self.table_constraint(table, node, item.name or None)
            return
        node = item
        if isinstance(node, (exp.PrimaryKey, exp.PrimaryKeyColumnConstraint)):
            self.set_primary_key(table, [self.ident(e) for e in node.expressions])
            self.remember(table, name, "pk", None)
        elif isinstance(node, exp.ForeignKey):
            ref = node.args.get("reference")
            ref = self.reference(ref) if ref is not None else None
            if ref is not None:
                fk = ForeignKey([self.ident(e) for e in node.expressions], ref, name)
                table.foreign_keys.append(fk)
                self.remember(table, name, "fk", fk)
        elif isinstance(node, exp.UniqueColumnConstraint):
            target = node.this
            columns = [self.ident(e) for e in target.expressions] if isinstance(target, exp.Schema) else []
            if not name and isinstance(target, exp.Schema) and isinstance(target.this, exp.Identifier):
                name = target.this.name  # MySQL: UNIQUE KEY name (cols)
            self.add_unique(table, columns)
            self.remember(table, name, "unique", columns)
        elif isinstance(node, exp.CheckColumnConstraint):
            tree = node.this
            self.add_check(table, self.expression(tree),
                           list(dict.fromkeys(c.name for c in tree.find_all(exp.Column))), name)
        elif isinstance(node, exp.IndexColumnConstraint):
            columns = [self.index_item(e) for e in node.expressions]
            index_type = str(node.args.get("kind") or "").upper()
            index = Index(columns, node.this.name if node.this else None,
                          using="fulltext" if index_type == "FULLTEXT" else None)
            if index_type == "SPATIAL":
                self.notes.append(f"{table.name}: SPATIAL index on {', '.join(columns)} imported as a plain index")
            table.indexes.append(index)
        elif isinstance(node, exp.ColumnConstraint) and isinstance(node.args.get("kind"),
                                                                   exp.CheckColumnConstraint):
            self.table_constraint(table, node.args["kind"], node.name or name)
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

    def index_item(self, node: exp.Expression, text: str | None = None) -> str:
        desc = False
        if isinstance(node, exp.Ordered):
            desc = bool(node.args.get("desc"))
            node = node.this
        if isinstance(node, (exp.Column, exp.Identifier)):
            out = node.name
        elif (isinstance(node, exp.Anonymous) and self.read == "mysql" and len(node.expressions) == 1
              and isinstance(node.expressions[0], exp.Literal) and not node.expressions[0].is_string):
            out = node.name  # a prefix index `col(191)`: the column
        else:
            if text is not None:
                text = re.sub(r"(?i)\s+(asc|desc)(\s+nulls\s+(first|last))?\s*$", "", text)
            if text is not None and _same_expression(text, node, self.read):
                out = self.tidy(text)
            else:
                out = self.tidy(node.sql(dialect=self.read, normalize_functions="lower"))
        return out + (" desc" if desc else "")

    # CREATE INDEX ---------------------------------------------------------------------------
    def create_index(self, tree: exp.Create) -> bool:
        index = tree.this
        if not isinstance(index, exp.Index):
            return False
        table = self.table(index.args.get("table"))
        if table is None:
            if index.args.get("table") is not None and index.args["table"].name in self.partitions:
                return False
            self.notes.append(f"index {index.name} is on a table not created here: skipped")
            return False
        params = index.args.get("params")
        nodes = (params.args.get("columns") or []) if params else []
        texts: Sequence[str | None]
        texts, include_texts, where_text = self.source.index_parts() if self.source else ([], [], None)
        if len(texts) != len(nodes):
            texts = [None] * len(nodes)
        columns = [self.index_item(c, t) for c, t in zip(nodes, texts, strict=False)]
        if params is None or not columns:  # (no params: no columns)
            return False
        where = params.args.get("where")
        using = params.args.get("using")
        include = [e.name for e in (params.args.get("include") or [])]
        condition = None
        if where is not None:
            condition = self.tidy(where_text) if where_text and _same_expression(where_text, where.this, self.read) \
                else self.tidy(where.this.sql(dialect=self.read, normalize_functions="lower"))
        result = Index(columns, index.name or None, bool(tree.args.get("unique")), condition,
                       using.name.lower() if using is not None else None, include)
        if result.using == "btree":
            result.using = None
        plain = all(identifiers.is_name(c) for c in columns)
        if self.read == "sqlite" and result.unique and plain and result.where is None:
            # SQLite's unique constraints are unique indexes (that is how schema-lang writes them)
            self.add_unique(table, columns)
            self.remember(table, index.name, "unique", columns)
            return True
        table.indexes.append(result)
        return True

    def create_type(self, tree: exp.Create) -> bool:
        body = tree.args.get("expression")
        if not isinstance(body, exp.DataType) or body.this != exp.DataType.Type.ENUM:
            return False
        name = tree.this.name
        if isinstance(tree.this, exp.Table) and tree.this.args.get("db"):
            self.schemas.add(tree.this.args["db"].name)
        self.enums[name] = [e.name for e in body.expressions]
        return True

    # ALTER TABLE (dumps add keys here; a folder of migrations changes tables here) ----------
    def alter_table(self, tree: exp.Alter) -> bool:
        table = self.table(tree.this)
        if table is None:
            return False
        self.match_texts(tree)
        handled = False
        for action in tree.args.get("actions") or []:
            handled = self.alter_action(table, action) or handled
        return handled

    def alter_action(self, table: Table, action: exp.Expression) -> bool:
        if isinstance(action, exp.AddConstraint):
            for constraint in action.expressions:
                self.table_constraint(table, constraint)
            return True
        if isinstance(action, exp.ColumnDef):  # ADD COLUMN
            self.column(table, action)
            return True
        if isinstance(action, exp.ModifyColumn):  # MySQL: MODIFY / CHANGE COLUMN
            definition = action.this
            old = action.args.get("rename_from")
            old_name = old.name if old is not None else definition.name
            col = table.columns.get(old_name)
            if col is None:
                return False
            if old_name != definition.name:
                self.rename_column(table, old_name, definition.name)
            type_text, identity = self.type_of(definition.args.get("kind"), f"{table.name}.{definition.name}")
            new = Column(definition.name, type_text, identity=identity, primary_key=col.primary_key,
                         unique=col.unique, description=col.description)
            table.columns[definition.name] = new
            self.column_constraints(table, new, definition.args.get("constraints") or [])
            return True
        if isinstance(action, exp.AlterColumn):
            col = table.columns.get(action.name)
            if col is None:
                return False
            if action.args.get("dtype") is not None:
                col.type, identity = self.type_of(action.args["dtype"], f"{table.name}.{col.name}")
                col.identity = col.identity or identity
            if action.args.get("default") is not None:
                self.set_default(col, action.args["default"])
            if action.args.get("drop"):
                col.default = None
            if action.args.get("allow_null") is not None:
                col.not_null = not action.args["allow_null"]
            return True
        if isinstance(action, exp.RenameColumn):
            if action.this.name not in table.columns or action.args["to"].name in table.columns:
                return False
            self.rename_column(table, action.this.name, action.args["to"].name)
            return True
        if isinstance(action, exp.AlterRename):
            self.rename_table(table, action.this.name)
            return True
        if isinstance(action, exp.RenameIndex):
            return self.rename_index(action.this.name, action.args["to"].name)
        if isinstance(action, exp.Drop):
            kind = (action.args.get("kind") or "").upper()
            names = [t.name for t in action.args.get("tables") or []]
            if kind == "COLUMN":
                return all(self.drop_column(table, n) for n in names)
            if kind in ("CONSTRAINT", "FOREIGN KEY", "CHECK"):
                return all(self.drop_constraint(table, n) for n in names)
            if kind in ("INDEX", "KEY"):
                return all(self.drop_index(n, table) for n in names)
            if kind == "PRIMARY KEY":
                self.set_primary_key(table, [])
                return True
        return False

    def alter_index(self, tree: exp.Alter) -> bool:
        for action in tree.args.get("actions") or []:
            if isinstance(action, exp.AlterRename):
                return self.rename_index(tree.this.name, action.this.name)
        return False

    def drop(self, tree: exp.Drop) -> bool:
        kind = (tree.args.get("kind") or "").upper()
        done = False
        for node in tree.args.get("tables") or []:
            if kind == "TABLE":
                table = self.table(node)
                if table is not None:
                    self.drop_table(table)
                    done = True
            elif kind == "INDEX":
                done = self.drop_index(node.name) or done
            elif kind == "TYPE" and node.name in self.enums:
                del self.enums[node.name]
                done = True
        return done

    # changes that follow a name everywhere --------------------------------------------------
    def rename_column(self, table: Table, old: str, new: str) -> None:
        table.columns = {(new if k == old else k): v for k, v in table.columns.items()}
        table.columns[new].name = new
        swap = lambda cols: [new if c == old else c for c in cols]  # noqa: E731
        table.primary_key = swap(table.primary_key)
        table.uniques = [swap(u) for u in table.uniques]
        for fk in table.foreign_keys:
            fk.columns = swap(fk.columns)
        for index in table.indexes:
            index.columns = [re.sub(rf"^{re.escape(old)}(?= desc$|$)", new, c) for c in index.columns]
            index.include = swap(index.include)
        for other in self.tables.values():
            for fk in other.foreign_keys:
                if fk.ref.table == table.name:
                    fk.ref.columns = swap(fk.ref.columns)

    def rename_table(self, table: Table, new: str) -> None:
        old = table.name
        self.tables = {(new if k == old else k): v for k, v in self.tables.items()}
        table.name = new
        self.qualified = {key: (new if value == old else value) for key, value in self.qualified.items()}
        self.qualified.setdefault(("", new), new)
        for other in self.tables.values():
            for fk in other.foreign_keys:
                if fk.ref.table == old:
                    fk.ref.table = new
        self.constraints = {((new if t == old else t), n): v for (t, n), v in self.constraints.items()}

    def rename_index(self, old: str, new: str) -> bool:
        for table in self.tables.values():
            for index in table.indexes:
                if index.name == old:
                    index.name = new
                    return True
        return False

    def drop_table(self, table: Table) -> None:
        del self.tables[table.name]
        self.qualified = {k: v for k, v in self.qualified.items() if v != table.name}
        for other in self.tables.values():
            kept = [fk for fk in other.foreign_keys if fk.ref.table != table.name]
            if len(kept) != len(other.foreign_keys):
                self.notes.append(f"{other.name}: foreign keys to the dropped table {table.name} dropped too")
                other.foreign_keys = kept

    def drop_column(self, table: Table, name: str) -> bool:
        if name not in table.columns:
            return False
        del table.columns[name]
        # the engine drops what depends on the column
        if name in table.primary_key:
            table.primary_key = []
        table.uniques = [u for u in table.uniques if name not in u]
        table.foreign_keys = [fk for fk in table.foreign_keys if name not in fk.columns]
        table.indexes = [i for i in table.indexes
                         if name not in [c.removesuffix(" desc") for c in i.columns] and name not in i.include]
        return True

    def drop_constraint(self, table: Table, name: str) -> bool:
        found = self.constraints.pop((table.name, name), None)
        if found is None:
            return False
        kind, payload = found
        if kind == "fk":
            table.foreign_keys = [fk for fk in table.foreign_keys if fk is not payload]
        elif kind == "unique":
            columns = cast("list[str]", payload)  # remembered as the unique's columns
            if len(columns) == 1 and columns[0] in table.columns:
                table.columns[columns[0]].unique = False
            else:
                table.uniques = [u for u in table.uniques if u != columns]
        elif kind == "column check":
            if payload in table.columns:
                table.columns[payload].check = None
        elif kind == "check":
            if payload in table.checks:
                table.checks.remove(payload)
        elif kind == "pk":
            self.set_primary_key(table, [])
        return True

    def drop_index(self, name: str, table: Table | None = None) -> bool:
        for candidate in ([table] if table is not None else list(self.tables.values())):
            kept = [i for i in candidate.indexes if i.name != name]
            if len(kept) != len(candidate.indexes):
                candidate.indexes = kept
                return True
            if (candidate.name, name) in self.constraints:  # MySQL: DROP INDEX of a unique key
                return self.drop_constraint(candidate, name)
        return False

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
            node = tree.this
            table = self.table_named(_db_name(node), node.table)
            col = table.columns.get(node.name) if table else None
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
            T.INTERVAL: "interval",
        }
        if t in simple:
            return simple[t], False
        if t in (T.DECIMAL, T.BIGDECIMAL) or t.name == "NUMERIC":
            return ("decimal(" + ",".join(ints) + ")" if ints else "decimal"), False
        if t in (T.VARCHAR, T.NVARCHAR, T.CHAR, T.NCHAR):
            base = "varchar" if t in (T.VARCHAR, T.NVARCHAR) else "char"
            return (f"{base}({ints[0]})" if ints else base), False
        if t in (T.TIME, T.TIMETZ, T.TIMESTAMP, T.DATETIME, T.TIMESTAMPTZ, T.TIMESTAMPLTZ):
            base = ("time" if t in (T.TIME, T.TIMETZ) else
                    "timestamptz" if t in (T.TIMESTAMPTZ, T.TIMESTAMPLTZ) else "timestamp")
            if self.read == "mysql":
                # MySQL's default precision is 0; schema-lang writes 6 when the file says none
                ints = [] if ints == ["6"] else (ints or ["0"])
            return (f"{base}({ints[0]})" if ints else base), False
        if t == T.ENUM:
            values = [e.name for e in dtype.expressions]
            return "enum(" + ", ".join(values) + ")", False
        if t == T.ARRAY and dtype.expressions:
            element, _ = self.type_of(dtype.expressions[0], where)
            return element + "[]", False
        if t == T.USERDEFINED:
            kind_node = dtype.args.get("kind")
            name = kind_node.name if kind_node is not None else dtype.sql()
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
            if not strip_comments(statement).strip():
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
    code = strip_comments(text[:2_000_000]) if "/*!" not in text[:2_000_000] else text[:2_000_000]
    scores = {name: len(pattern.findall(code)) for name, pattern in
              (("mysql", _MYSQL_SIGNS), ("sqlite", _SQLITE_SIGNS), ("postgresql", _POSTGRES_SIGNS))}
    best = max(scores, key=lambda name: (scores[name], name == "postgresql"))
    return best if scores[best] else "postgresql"
