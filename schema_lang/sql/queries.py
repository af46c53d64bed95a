"""Declared queries as SQL: read with sqlglot in the file's dialect, and every table and column
name in them resolved to what it denotes.

A query is a tree of *blocks*: the statement itself and each SELECT of a subquery, CTE, derived
table, LATERAL or UNION branch.  The blocks, and which blocks a block can see into (a correlated
subquery sees the query around it, a derived table or CTE does not), come from sqlglot's optimizer
(`sqlglot.optimizer.scope`); what a name in a block denotes follows the rules of SQL:

- `q.c` is column `c` of the table or alias `q` of the block, else of the nearest enclosing block
  the block can see;
- a bare `c` is the column of the block's own FROM items that have it (several: ambiguous), else of
  the nearest enclosing block's; an output name of the SELECT (`AS c`) where the dialect allows one
  (see `_OUTPUT_NAMES`); a bare ORDER BY name is an output column first, as in every engine;
- a derived table or CTE has the output columns of its SELECT (`*` expanded over its FROM items),
  renamed by a column list (`AS d(a, b)`); an output column that is a bare column passes it through,
  so a rename of the column renames the names that reach it through the derived table.

Table and column names are compared with the model's as written (the file's keys), so a query
spells a table as the file does.  Aliases of the query itself may differ in case when unquoted, as
every engine folds them.

Nothing here reports: `analysis.queries` turns the resolution into findings and index lookups,
`ide.symbols` into navigation and rename.  Readings are cached by text (the trees are never
changed), and each keeps its resolutions by the columns of the tables the query names, so a
query is resolved again only when one of those tables changes.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import sqlglot
from sqlglot import exp
from sqlglot.optimizer.scope import Scope, find_all_in_scope, traverse_scope, walk_in_scope

# ---------------------------------------------------------------------------
# reading

_NUMBERED_PARAMETER = re.compile(r"\$\d+")


def portable_parameters(sql: str) -> str:
    """`$1` read by every dialect: replaced by `?` padded to the same length, so offsets hold."""
    return _NUMBERED_PARAMETER.sub(lambda m: "?" + " " * (len(m.group(0)) - 1), sql)


def portable(sql: str, dialect: str | None) -> str:
    """The text sqlglot is given for `dialect`: PostgreSQL reads `$1` itself, the others as `?`."""
    return sql if dialect == "postgres" else portable_parameters(sql)


@lru_cache(maxsize=2048)
def read(sql: str, dialect: str | None) -> Reading:
    """sqlglot's reading of a query's text, kept across keystrokes.  Raises sqlglot's errors for
    text it cannot read (not cached: the text is usually being typed)."""
    statements = tuple(s for s in sqlglot.parse(portable(sql, dialect), read=dialect) if s is not None)
    return Reading(sql, dialect, statements)


@lru_cache(maxsize=2048)
def try_read(sql: str, dialect: str | None) -> Reading | None:
    """The reading of a query that is one statement; None for anything else (half-typed text too)."""
    try:
        reading = read(sql, dialect)
    except Exception:  # noqa: BLE001 - sqlglot can fail on half-typed text in many ways
        return None
    return reading if len(reading.statements) == 1 else None


# statements the resolution reads; anything else (DDL, MERGE, ...) is not a declared query
STATEMENTS = (exp.Query, exp.Update, exp.Delete, exp.Insert)

Catalog = Callable[[str], "Sequence[str] | None"]  # a table's column names (None: no such table)
_KEPT_RESOLUTIONS = 4  # per reading: the catalogs of the last few versions of its tables


class Reading:
    """The statements of one query text, and their resolutions against the catalogs asked about."""

    __slots__ = ("sql", "dialect", "statements", "_names", "_resolutions")

    def __init__(self, sql: str, dialect: str | None, statements: tuple[exp.Expr, ...]) -> None:
        self.sql = sql
        self.dialect = dialect
        self.statements = statements
        self._names: tuple[str, ...] | None = None
        self._resolutions: dict[tuple, Resolution] = {}

    @property
    def statement(self) -> exp.Expr:
        return self.statements[0]

    @property
    def table_names(self) -> tuple[str, ...]:
        """Every name the statement writes where a table goes (CTE names too): what a resolution
        depends on."""
        if self._names is None:
            self._names = tuple(dict.fromkeys(t.name for t in self.statement.find_all(exp.Table) if t.name))
        return self._names

    def resolve(self, catalog: Catalog) -> Resolution:
        """What each name of the (single) statement denotes, the tables being those `catalog` knows."""
        known = tuple((name, _tuple(catalog(name))) for name in self.table_names)
        hit = self._resolutions.get(known)
        if hit is None:
            columns = dict(known)
            hit = resolve(self.statement, self.dialect, columns.get)
            if len(self._resolutions) >= _KEPT_RESOLUTIONS:
                self._resolutions.pop(next(iter(self._resolutions)))
            self._resolutions[known] = hit
        return hit


def _tuple(columns: Iterable[str] | None) -> tuple[str, ...] | None:
    return None if columns is None else tuple(columns)


# ---------------------------------------------------------------------------
# the resolution

# what a column name turned out to be
COLUMN = "column"  # a column of a table, derived table or CTE
OUTPUT = "output"  # an output name of the SELECT (`SELECT a + b AS total ... ORDER BY total`)
STAR = "star"  # `q.*`
SYSTEM = "system"  # a column every table of the dialect has (rowid, ctid, ...), or a whole-row reference
UNRESOLVED = "unresolved"  # it may belong to a table whose columns are not known (undeclared, a function)
UNKNOWN = "unknown"  # no table in reach has it
UNKNOWN_SOURCE = "unknown-source"  # `q.c` where no table or alias `q` is in reach


@dataclass(eq=False, slots=True)
class Source:
    """One FROM item of a block, under its alias (or name)."""

    alias: str
    node: exp.Expr | None  # the exp.Table naming a table or CTE; a derived table's exp.Subquery
    table: str | None = None  # the declared table it is (None: a derived table, CTE, function, undeclared)
    block: Block | None = None  # a derived table's or CTE's own block
    columns: tuple[str, ...] | None = None  # None: not known
    # output column -> (table, column) it passes through unchanged (derived tables and CTEs)
    origins: dict[str, tuple[str, str]] = field(default_factory=dict)
    read: bool = True  # False: an INSERT's target, which the query does not search
    derived: bool = False  # a derived table, CTE or LATERAL: not a name of a table
    bare: bool = True  # False: only `alias.column` reaches its columns (`excluded` of ON CONFLICT)
    rename: tuple[str, ...] = ()  # its column list (`AS d(a, b)`, `WITH c(a, b) AS`)
    resolved: bool = True  # False: a derived table's columns are not worked out yet

    def origin(self, column: str) -> tuple[str, str] | None:
        if self.table is not None:
            return (self.table, column)
        return self.origins.get(column)

    @property
    def label(self) -> str:
        return self.table or self.alias


@dataclass(eq=False, slots=True)
class Block:
    """A SELECT (of the statement, a subquery, CTE, derived table, LATERAL or UNION branch), a
    UNION itself, or the UPDATE / DELETE / INSERT statement."""

    expression: exp.Expr
    kind: str  # root | subquery | derived_table | cte | set_operation | udtf
    scope: Scope | None  # sqlglot's (None: the UPDATE / DELETE / INSERT statement)
    sources: dict[str, Source] = field(default_factory=dict)
    outer: Block | None = None  # the block it also sees (a correlated subquery's query)
    resolved: bool = False
    outputs: list[tuple[str, tuple[str, str] | None]] | None = None
    outputs_known: bool = False
    in_progress: bool = False
    _joins: list[exp.Join] | None = None

    @property
    def limit(self) -> bool:
        return self.expression.args.get("limit") is not None

    @property
    def joins(self) -> list[exp.Join]:
        """The block's own JOINs (an UPDATE's hang off its FROM item), kept with the resolution."""
        if self._joins is None:
            self._joins = list(find_all_in_scope(self.expression, exp.Join))
        return self._joins


@dataclass(frozen=True, slots=True)
class TableRef:
    """A name where a table goes that is not a CTE's: a declared table, or an undeclared one."""

    node: exp.Table
    name: str
    known: bool
    block: Block


@dataclass(eq=False, slots=True)
class ColumnRef:
    node: exp.Expr  # the exp.Column, or the exp.Identifier of a column list (INSERT INTO t (a), USING (a))
    ident: exp.Identifier  # the column's name as written (with its position)
    qualifier: exp.Identifier | None  # `q` of `q.c`
    block: Block  # where it is written
    kind: str
    source: Source | None = None  # the FROM item it is a column of (the first, when ambiguous)
    owner: Block | None = None  # the block that FROM item belongs to (`block`, or an enclosing one)
    table: str | None = None  # the declared table and column it denotes (None: not one, or not known)
    column: str | None = None
    ambiguous: bool = False  # more than one FROM item of the block has it
    searched: tuple[Source, ...] = ()  # UNKNOWN: where it was looked for, innermost block first
    visible: tuple[str, ...] = ()  # UNKNOWN_SOURCE: the aliases in reach

    @property
    def name(self) -> str:
        return self.ident.name


@dataclass(eq=False, slots=True)
class Resolution:
    statement: exp.Expr
    blocks: list[Block]  # the statement's block first
    tables: list[TableRef]
    columns: list[ColumnRef]
    by_node: dict[int, ColumnRef]  # by id() of the exp.Column (or identifier)
    failed: bool = False  # sqlglot could not scope the statement: nothing is known about its names

    @property
    def root(self) -> Block | None:
        return self.blocks[0] if self.blocks else None


@dataclass(frozen=True, slots=True)
class _OutputNames:
    """Where a SELECT's output names (`AS total`) can be used instead of an input column, checked
    on PostgreSQL 16, MariaDB 10.11 and SQLite 3.40."""

    clauses: frozenset[str]  # the SELECT's clauses (sqlglot's argument names)
    bare: bool  # only as the whole item (`ORDER BY total`, not `ORDER BY total + 1`)
    nested: bool  # also from subqueries inside those clauses
    windows: bool  # also in window definitions (`OVER (ORDER BY total)`)


_OUTPUT_NAMES = {
    "postgres": _OutputNames(frozenset({"order", "group", "distinct"}), bare=True, nested=False, windows=False),
    "mysql": _OutputNames(frozenset({"group", "having", "order"}), bare=False, nested=True, windows=True),
    "sqlite": _OutputNames(frozenset({"where", "group", "having", "order"}), bare=False, nested=True, windows=False),
}
# a dialect not listed: wherever any of them allows one (a finding must never be a false alarm)
_ANY_OUTPUT_NAMES = _OutputNames(frozenset({"where", "group", "having", "order", "distinct"}), False, True, True)

# columns every table has without declaring them
_SYSTEM_COLUMNS = {
    "postgres": frozenset({"ctid", "xmin", "xmax", "cmin", "cmax", "tableoid"}),
    "sqlite": frozenset({"rowid", "_rowid_", "oid"}),
    "mysql": frozenset({"_rowid"}),
}


def resolve(statement: exp.Expr, dialect: str | None, catalog: Catalog) -> Resolution:
    """What each table and column name of `statement` denotes (see the module's description)."""
    resolver = _Resolver(statement, dialect, catalog)
    try:
        return resolver.run()
    except sqlglot.errors.SqlglotError:  # sqlglot refuses to scope some statements (an alias used twice, ...)
        return Resolution(statement, [], [], [], {}, failed=True)


class _Resolver:
    def __init__(self, statement: exp.Expr, dialect: str | None, catalog: Catalog) -> None:
        self.statement = statement
        self.dialect = dialect
        self.catalog = catalog
        self.output_names = _OUTPUT_NAMES.get(dialect or "", _ANY_OUTPUT_NAMES)
        self.system_columns = _SYSTEM_COLUMNS.get(dialect or "", frozenset().union(*_SYSTEM_COLUMNS.values()))
        self.blocks: list[Block] = []
        self.by_scope: dict[int, Block] = {}
        self.by_expression: dict[int, Block] = {}
        self.scopes_by_expression: dict[int, Scope] = {}
        self.columns: list[ColumnRef] = []
        self.by_node: dict[int, ColumnRef] = {}
        self.statement_block: Block | None = None
        self.statement_scope: Scope | None = None  # sqlglot's scope of an UPDATE / DELETE / INSERT

    # -- blocks -----------------------------------------------------------------------
    def run(self) -> Resolution:
        statement = self.statement
        if not isinstance(statement, STATEMENTS):
            return Resolution(statement, [], [], [], {}, failed=True)
        scopes = traverse_scope(statement)
        for scope in scopes:
            self.scopes_by_expression.setdefault(id(scope.expression), scope)
            if scope.parent is not None and scope.parent.expression is statement:
                self.statement_scope = scope.parent
        dml = isinstance(statement, (exp.Update, exp.Delete, exp.Insert))
        if dml:
            self.statement_block = Block(statement, "root", None)
            self.blocks.append(self.statement_block)
        for scope in scopes:
            if dml and scope.parent is None and scope.expression is not statement \
                    and isinstance(scope.expression, (exp.Table, exp.Subquery)):
                continue  # UPDATE ... FROM / DELETE ... USING items, scoped alone: the statement's sources
            self._block(scope)
        if not dml and scopes:
            root = self.by_scope.get(id(scopes[-1]))
            if root is not None:  # the statement's block first
                self.blocks.remove(root)
                self.blocks.insert(0, root)
        for block in self.blocks:
            self._link(block)
        if self.statement_block is not None:
            self._statement_sources(self.statement_block)
        for block in self.blocks:
            self._resolve_block(block)
        return Resolution(statement, self.blocks, self._tables(), self.columns, self.by_node)

    def _block(self, scope: Scope) -> Block:
        block = self.by_scope.get(id(scope))
        if block is None:
            block = Block(scope.expression, scope.scope_type.name.lower(), scope)
            self.by_scope[id(scope)] = block
            self.by_expression.setdefault(id(scope.expression), block)
            self.blocks.append(block)
        return block

    def _link(self, block: Block) -> None:
        """The block's FROM items, and the block it also sees."""
        scope = block.scope
        if scope is None:
            return
        if not isinstance(scope.expression, exp.UDTF):
            # (a LATERAL's FROM items are its query's: it sees them as the block it is part of)
            for name, (node, source) in scope.selected_sources.items():
                block.sources[name] = self._source(name, node, source)
        if scope.can_be_correlated:
            parent = scope.parent
            while parent is not None:
                outer = self.by_scope.get(id(parent))
                if outer is None and parent.expression is self.statement:
                    outer = self.statement_block
                if outer is not None:
                    # an INSERT's query does not see the table it inserts into
                    block.outer = None if isinstance(outer.expression, exp.Insert) else outer
                    break
                parent = parent.parent

    def _source(self, name: str, node: exp.Expr, source: exp.Table | Scope) -> Source:
        if isinstance(source, Scope):
            return self._derived(name, node, source)
        return self._table_source(name, source)

    def _table_source(self, name: str, table: exp.Table) -> Source:
        if not isinstance(table.this, exp.Identifier):
            # a function in FROM (`generate_series(1, 3) AS g(n)`): its column list, if it has one
            return Source(name, table, columns=tuple(table.alias_column_names) or None)
        columns = _tuple(self.catalog(table.name))
        return Source(name, table, table.name if columns is not None else None, columns=columns)

    def _derived(self, name: str, node: exp.Expr, scope: Scope) -> Source:
        block = self.by_scope.get(id(scope)) or self.by_expression.get(id(scope.expression))
        if block is None:
            return Source(name, node, derived=True)  # not scoped by sqlglot: columns unknown
        rename = tuple(scope.outer_columns) or tuple(_cte_columns(scope.expression))
        return Source(name, node, block=block, derived=True, rename=rename, resolved=False)

    def _statement_sources(self, block: Block) -> None:
        """An UPDATE's, DELETE's or INSERT's own FROM items: the target, and FROM / USING / joins."""
        statement = self.statement
        target = statement.this
        if isinstance(target, exp.Schema):  # INSERT INTO t (a, b)
            target = target.this
        relations: list[exp.Expr] = []
        if isinstance(target, exp.Table):
            relations.append(target)
            relations.extend(j.this for j in target.args.get("joins") or [])
        from_ = statement.args.get("from_")
        if isinstance(from_, exp.From):
            relations.append(from_.this)
            relations.extend(j.this for j in from_.this.args.get("joins") or [])
        relations.extend(j.this for j in statement.args.get("joins") or [])
        using = statement.args.get("using")
        for item in using if isinstance(using, list) else [using] if isinstance(using, exp.Expr) else []:
            relations.append(item)
            relations.extend(j.this for j in item.args.get("joins") or [])
        ctes = self.statement_scope.cte_sources if self.statement_scope is not None else {}
        insert = isinstance(statement, exp.Insert)
        for relation in relations:
            name = relation.alias_or_name
            if isinstance(relation, exp.Table):
                cte = ctes.get(relation.name) if not relation.db else None
                source = self._derived(name, relation, cte) if isinstance(cte, Scope) \
                    else self._table_source(name, relation)
            elif isinstance(relation, exp.Subquery):
                inner = self.scopes_by_expression.get(id(relation.unnest()))
                source = self._derived(name, relation, inner) if inner is not None \
                    else Source(name, relation, derived=True)
            else:
                source = Source(name, relation, derived=True)
            source.read = not insert
            block.sources.setdefault(name, source)
        if insert and isinstance(target, exp.Table) and statement.args.get("conflict") is not None:
            # ON CONFLICT ... DO UPDATE SET c = excluded.c: the row that was to be inserted
            first = block.sources.get(target.alias_or_name)
            if first is not None and "excluded" not in block.sources:
                block.sources["excluded"] = Source("excluded", None, first.table, columns=first.columns,
                                                   read=False, bare=False)

    def _tables(self) -> list[TableRef]:
        out: list[TableRef] = []
        seen: set[int] = set()
        for block in self.blocks:
            for source in block.sources.values():
                node = source.node
                if not isinstance(node, exp.Table) or source.derived or id(node) in seen:
                    continue
                if not isinstance(node.this, exp.Identifier):
                    continue  # a function
                seen.add(id(node))
                out.append(TableRef(node, node.name, source.table is not None, block))
        out.sort(key=lambda t: _start(t.node.this))
        return out

    # -- output columns ---------------------------------------------------------------
    def columns_of(self, source: Source) -> tuple[str, ...] | None:
        if not source.resolved:
            source.resolved = True
            block = source.block
            outputs = self._outputs(block) if block is not None else None
            names = source.rename
            if outputs is not None and names:
                # the column list names the first columns; what it renames no longer passes through
                outputs = [(names[i], None) if i < len(names) else item for i, item in enumerate(outputs)] + \
                    [(n, None) for n in names[len(outputs):]]
            if outputs is not None:
                source.columns = tuple(n for n, _ in outputs)
                source.origins = {n: o for n, o in outputs if o is not None}
        return source.columns

    def _outputs(self, block: Block) -> list[tuple[str, tuple[str, str] | None]] | None:
        """The block's output columns and what each passes through (None: not known)."""
        if block.outputs_known or block.in_progress:
            return block.outputs
        block.in_progress = True
        try:
            block.outputs = self._compute_outputs(block)
        finally:
            block.in_progress = False
        block.outputs_known = True
        return block.outputs

    def _compute_outputs(self, block: Block) -> list[tuple[str, tuple[str, str] | None]] | None:
        expression = block.expression
        scope = block.scope
        if isinstance(expression, exp.SetOperation):
            # a UNION's columns are named by its first SELECT
            left = scope.set_operation_scopes[0] if scope is not None and scope.set_operation_scopes else None
            first = self.by_scope.get(id(left)) if left is not None else None
            return self._outputs(first) if first is not None else None
        if isinstance(expression, exp.Lateral):
            inner = scope.subquery_scopes[0] if scope is not None and scope.subquery_scopes else None
            lateral = self.by_scope.get(id(inner)) if inner is not None else None
            if lateral is None:
                names = expression.alias_column_names
                return [(n, None) for n in names] if names else None
            return self._outputs(lateral)
        if isinstance(expression, exp.Values):
            rows = expression.expressions
            width = len(rows[0].expressions) if rows and isinstance(rows[0], exp.Tuple) else 1
            return [(f"column{i + 1}", None) for i in range(width)]
        if not isinstance(expression, exp.Select):
            return None
        self._resolve_block(block)
        out: list[tuple[str, tuple[str, str] | None]] = []
        for projection in expression.expressions:
            if isinstance(projection, exp.Star) or \
                    (isinstance(projection, exp.Column) and isinstance(projection.this, exp.Star)):
                qualifier = projection.table if isinstance(projection, exp.Column) else ""
                chosen = [s for s in block.sources.values() if not qualifier or s.alias == qualifier]
                if qualifier and not chosen:
                    return None
                for source in chosen:
                    columns = self.columns_of(source)
                    if columns is None:
                        return None
                    out.extend((n, source.origin(n)) for n in columns)
                continue
            origin = None
            if isinstance(projection, exp.Column):
                ref = self.by_node.get(id(projection))
                if ref is not None and ref.kind == COLUMN and ref.table is not None and ref.column is not None:
                    origin = (ref.table, ref.column)
            out.append((projection.alias_or_name, origin))
        return out

    # -- columns ----------------------------------------------------------------------
    def _resolve_block(self, block: Block) -> None:
        if block.resolved:
            return
        block.resolved = True
        expression = block.expression
        for node in walk_in_scope(expression):
            if node is expression:
                continue
            if type(node) is exp.Column:
                self._ref(block, node)
            elif isinstance(node, exp.Join) and node.args.get("using"):
                self._using(block, node)
        if isinstance(expression, exp.Insert) and isinstance(expression.this, exp.Schema):
            target = next(iter(block.sources.values()), None)
            for ident in expression.this.expressions:
                if isinstance(ident, exp.Identifier) and target is not None:
                    self._record(self._in_source(ident, ident, None, block, target, block))

    def _ref(self, block: Block, node: exp.Column) -> ColumnRef:
        ref = self.by_node.get(id(node))
        if ref is None:
            ref = self._resolve_column(block, node)
            self._record(ref)
        return ref

    def _record(self, ref: ColumnRef) -> None:
        if id(ref.node) not in self.by_node:
            self.by_node[id(ref.node)] = ref
            self.columns.append(ref)

    def _resolve_column(self, block: Block, node: exp.Column) -> ColumnRef:
        qualifier = node.args.get("table")
        qualifier = qualifier if isinstance(qualifier, exp.Identifier) else None
        ident = node.this
        if not isinstance(ident, exp.Identifier):  # `q.*`
            if qualifier is None:
                return ColumnRef(node, exp.Identifier(this="*"), None, block, STAR)
            source, owner = self._find_source(block, qualifier)
            if source is None:
                return self._unknown_source(node, exp.Identifier(this="*"), qualifier, block)
            return ColumnRef(node, exp.Identifier(this="*"), qualifier, block, STAR, source, owner)
        target = self._assignment_target(block, node)
        if target is not None:  # UPDATE ... SET c = ..., ON CONFLICT (c): the target's column
            return self._in_source(node, ident, qualifier, block, target, block)
        if qualifier is not None:
            source, owner = self._find_source(block, qualifier)
            if source is None or owner is None:
                if isinstance(block.expression, exp.SetOperation) and self.dialect == "sqlite":
                    return ColumnRef(node, ident, qualifier, block, UNRESOLVED)  # SQLite reads it anyway
                return self._unknown_source(node, ident, qualifier, block)
            return self._in_source(node, ident, qualifier, block, source, owner)
        return self._bare(block, node, ident)

    def _in_source(self, node: exp.Expr, ident: exp.Identifier, qualifier: exp.Identifier | None, block: Block,
                   source: Source, owner: Block) -> ColumnRef:
        name = ident.name
        columns = self.columns_of(source)
        if columns is None:
            return ColumnRef(node, ident, qualifier, block, UNRESOLVED, source, owner)
        if name in columns:
            origin = source.origin(name)
            return ColumnRef(node, ident, qualifier, block, COLUMN, source, owner,
                             origin[0] if origin else None, origin[1] if origin else None)
        if name.lower() in self.system_columns and source.table is not None:
            return ColumnRef(node, ident, qualifier, block, SYSTEM, source, owner)
        return ColumnRef(node, ident, qualifier, block, UNKNOWN, source, owner, searched=(source,))

    def _bare(self, block: Block, node: exp.Column, ident: exp.Identifier) -> ColumnRef:
        name = ident.name
        expression = block.expression
        clause, bare, in_window = _clause(expression, node)
        if isinstance(expression, exp.Select) and clause == "order" and bare and not in_window:
            # ORDER BY looks at the output columns first
            same = [p for p in expression.expressions if not isinstance(p, exp.Star) and p.alias_or_name == name]
            if len(same) == 1:
                if isinstance(same[0], exp.Column) and isinstance(same[0].this, exp.Identifier):
                    projected = self._ref(block, same[0])
                    return ColumnRef(node, ident, None, block, projected.kind, projected.source, projected.owner,
                                     projected.table, projected.column, projected.ambiguous, projected.searched)
                return ColumnRef(node, ident, None, block, OUTPUT)
        if isinstance(expression, exp.SetOperation):
            return self._union_output(block, node, ident)
        current: Block | None = block
        below: exp.Expr = node
        searched: list[Source] = []
        while current is not None:
            sources = [s for s in current.sources.values() if s.bare]
            found = [s for s in sources if (c := self.columns_of(s)) is not None and name in c]
            if found:
                return self._found(node, ident, block, found, current)
            if any(self.columns_of(s) is None for s in sources):
                return ColumnRef(node, ident, None, block, UNRESOLVED)
            searched.extend(sources)
            if self._output_name_allowed(current, below, nested=current is not block) and \
                    name in _aliases(current.expression):
                return ColumnRef(node, ident, None, block, OUTPUT)
            if self.dialect in (None, "postgres") and name in current.sources:
                return ColumnRef(node, ident, None, block, SYSTEM)  # `SELECT u FROM users u`: the whole row
            below, current = current.expression, current.outer
        if not searched:
            # no FROM item anywhere: nothing to compare with (a keyword sqlglot reads as a name, ...)
            return ColumnRef(node, ident, None, block, UNRESOLVED)
        if name.lower() in self.system_columns and any(s.table is not None for s in searched):
            return ColumnRef(node, ident, None, block, SYSTEM)
        return ColumnRef(node, ident, None, block, UNKNOWN, searched=tuple(searched))

    def _found(self, node: exp.Expr, ident: exp.Identifier, block: Block, found: list[Source],
               owner: Block) -> ColumnRef:
        name = ident.name
        origins = {s.origin(name) for s in found}
        origin = next(iter(origins)) if len(origins) == 1 else None
        return ColumnRef(node, ident, None, block, COLUMN, found[0], owner, origin[0] if origin else None,
                         origin[1] if origin else None, ambiguous=len(found) > 1)

    def _union_output(self, block: Block, node: exp.Column, ident: exp.Identifier) -> ColumnRef:
        """A bare name in a UNION's own ORDER BY: one of its output columns."""
        name = ident.name
        outputs = self._outputs(block)
        if outputs is None:
            return ColumnRef(node, ident, None, block, UNRESOLVED)
        for output, origin in outputs:
            if output == name:
                if origin is not None:
                    return ColumnRef(node, ident, None, block, COLUMN, None, None, origin[0], origin[1])
                return ColumnRef(node, ident, None, block, OUTPUT)
        if self.dialect == "sqlite":
            # SQLite also takes the names of the other SELECTs
            for branch in self._branches(block):
                outputs = self._outputs(branch)
                if outputs is None or any(output == name for output, _ in outputs):
                    return ColumnRef(node, ident, None, block, OUTPUT)
        return ColumnRef(node, ident, None, block, UNKNOWN)

    def _branches(self, block: Block) -> list[Block]:
        """The SELECTs a UNION (of UNIONs) is made of."""
        out = []
        for scope in block.scope.set_operation_scopes if block.scope is not None else ():
            branch = self.by_scope.get(id(scope))
            if branch is not None:
                out.extend(self._branches(branch) if isinstance(branch.expression, exp.SetOperation) else [branch])
        return out

    def _using(self, block: Block, join: exp.Join) -> None:
        """`JOIN t USING (a)`: `a` must be a column of t and of a FROM item before it."""
        right = block.sources.get(join.alias_or_name)
        if right is None:
            return
        before: list[Source] = []
        for source in block.sources.values():
            if source is right:
                break
            before.append(source)
        for ident in join.args.get("using") or []:
            ident = ident.this if isinstance(ident, exp.Column) else ident
            if not isinstance(ident, exp.Identifier):
                continue
            ref = self._in_source(ident, ident, None, block, right, block)
            if ref.kind == COLUMN:
                left = [s for s in before if (c := self.columns_of(s)) is not None and ident.name in c]
                if not left and before and all(self.columns_of(s) is not None for s in before):
                    ref = ColumnRef(ident, ident, None, block, UNKNOWN, searched=tuple(before))
                else:
                    # the two sides' columns become one: a name for neither table alone
                    ref.table = ref.column = None
                    ref.ambiguous = True
            self._record(ref)

    def _assignment_target(self, block: Block, node: exp.Column) -> Source | None:
        """The target table of `SET c = ...` (UPDATE, ON CONFLICT / ON DUPLICATE KEY) and of
        `ON CONFLICT (c)`; None elsewhere."""
        if block is not self.statement_block:
            return None
        parent = node.parent
        if isinstance(parent, exp.Ordered) and isinstance(parent.parent, exp.OnConflict):
            pass  # a conflict key
        elif not (isinstance(parent, exp.EQ) and node.arg_key == "this" and parent.arg_key == "expressions"
                  and isinstance(parent.parent, (exp.Update, exp.OnConflict))):
            return None
        if node.args.get("table") is not None:
            return None  # qualified (MySQL's UPDATE a JOIN b SET a.c = ...): resolved as any other
        target = self.statement.this
        target = target.this if isinstance(target, exp.Schema) else target
        return block.sources.get(target.alias_or_name) if isinstance(target, exp.Table) else None

    def _find_source(self, block: Block, qualifier: exp.Identifier) -> tuple[Source | None, Block | None]:
        name = qualifier.name
        current: Block | None = block
        while current is not None:
            if name in current.sources:
                return current.sources[name], current
            current = current.outer
        if not qualifier.args.get("quoted"):
            # an unquoted alias in another case: every engine folds them
            folded = name.casefold()
            current = block
            while current is not None:
                for alias, source in current.sources.items():
                    if alias.casefold() == folded:
                        return source, current
                current = current.outer
        return None, None

    def _unknown_source(self, node: exp.Expr, ident: exp.Identifier, qualifier: exp.Identifier,
                        block: Block) -> ColumnRef:
        visible: list[str] = []
        current: Block | None = block
        while current is not None:
            visible.extend(a for a in current.sources if a not in visible and a != "excluded")
            current = current.outer
        return ColumnRef(node, ident, qualifier, block, UNKNOWN_SOURCE, visible=tuple(visible))

    def _output_name_allowed(self, block: Block, below: exp.Expr, nested: bool) -> bool:
        """Whether a bare name at `below` (a column of `block`, or the subquery of `block` it is in)
        may be one of the block's output names."""
        if not isinstance(block.expression, exp.Select):
            return False
        rules = self.output_names
        if nested and not rules.nested:
            return False
        clause, bare, in_window = _clause(block.expression, below)
        if in_window:
            return rules.windows
        return clause in rules.clauses and (bare or not rules.bare)


def _aliases(expression: exp.Expr) -> set[str]:
    if not isinstance(expression, exp.Select):
        return set()
    return {p.alias for p in expression.expressions if isinstance(p, exp.Alias)}


def _clause(expression: exp.Expr, node: exp.Expr) -> tuple[str, bool, bool]:
    """(the argument of `expression` that holds `node`, whether `node` is a whole item of it, whether
    a window definition holds it)."""
    in_window = False
    child, parent = node, node.parent
    while parent is not None and parent is not expression:
        if isinstance(parent, exp.Window):
            in_window = True
        child, parent = parent, parent.parent
    if parent is None:
        return "", False, in_window
    up = node.parent
    bare = up is expression or isinstance(up, exp.Group) or \
        (isinstance(up, exp.Ordered) and isinstance(up.parent, exp.Order) and up.parent.parent is expression) or \
        (isinstance(up, exp.Tuple) and isinstance(up.parent, exp.Distinct))
    return child.arg_key or "", bare, in_window


def _cte_columns(expression: exp.Expr) -> list[str]:
    """The column list of the CTE whose query `expression` is, or is the first SELECT of."""
    node: exp.Expr | None = expression
    while node is not None and node.parent is not None and isinstance(node.parent, (exp.SetOperation, exp.Subquery)):
        node = node.parent
    parent = node.parent if node is not None else None
    return list(parent.alias_column_names) if isinstance(parent, exp.CTE) else []


def _start(ident: exp.Expr) -> int:
    meta = ident.meta if isinstance(ident, exp.Identifier) else None
    return meta.get("start", 0) if meta else 0
