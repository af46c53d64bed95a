"""From the YAML node tree to the resolved `Schema`.

1. The nodes become plain values and are validated by the pydantic models in
   `spec`.  Each validation error is reported on the node it concerns, the
   offending part is pruned, and validation runs again, so a file with errors
   still yields a model of its healthy parts.
2. The validated values are resolved into `model` objects, parsing the column
   shorthand and the small languages inside strings (index columns,
   dependencies, references) with a span for every name.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from pydantic import ValidationError

from ..dialects import get_dialect
from ..rules import RULES
from ..sql import identifiers
from . import spec as S
from .diagnostics import Fix, Reporter, did_you_mean, replace_fix, shift_diagnostic
from .model import (
    Column,
    Context,
    Dependency,
    Enum,
    ForeignKey,
    Index,
    IndexColumn,
    Partitioning,
    Query,
    Schema,
    Span,
    Table,
    UniqueConstraint,
)
from .shorthand import parse_shorthand
from .syntax import Mapping, Node, Scalar, Sequence, node_kind
from .types import TypeError_, all_type_names, parse_type

if TYPE_CHECKING:
    from pydantic_core import ErrorDetails

_TAGS = ("short", "long")
_MAX_ROUNDS = 4


def table_local(table, key, compute: Callable[[Reporter], None], report: Reporter) -> None:
    """Reports findings that depend on one table alone (and on `key`, e.g. the dialect).

    `compute` reports with spans relative to the table; its findings are kept in
    the table's memo, which lives as long as the table's text is unchanged."""
    found = table.memo.get(key)
    if found is None:
        local = Reporter()
        compute(local)
        found = table.memo[key] = local.items
    # copies: the final pass adjusts severities in place
    report.items.extend(shift_diagnostic(d, table.base) for d in found)


# ---------------------------------------------------------------------------
# nodes -> plain values, and validation errors -> nodes

def to_plain(node: Node | None) -> Any:
    if node is None:
        return None
    if isinstance(node, Scalar):
        return None if node.is_null else node.value
    if isinstance(node, Mapping):
        return {k.value: to_plain(v) for k, v in node.items}
    return [to_plain(item) for item in node.items]


def key_index(node: Node | None) -> dict[str, tuple[Scalar, Node]]:
    if not isinstance(node, Mapping):
        return {}
    return {k.value: (k, v) for k, v in node.items}


def _locate(root: Node, loc: tuple) -> tuple[Node, Scalar | None, list]:
    """Follows a pydantic error location through the node tree.

    Returns the deepest node reached, the key node of the last mapping step,
    and the location as a plain-value path (discriminator tags removed)."""
    node: Node = root
    key: Scalar | None = None
    path: list = []
    for part in loc:
        if isinstance(part, str) and part in _TAGS and not (isinstance(node, Mapping) and node.entry(part)):
            continue  # a union's tag, not a key of the file
        if isinstance(node, Mapping) and isinstance(part, str):
            entry = node.entry(part)
            path.append(part)
            if entry is None:
                break
            key, node = entry
        elif isinstance(node, Sequence) and isinstance(part, int) and 0 <= part < len(node.items):
            node = node.items[part]
            key = None
            path.append(part)
        else:
            path.append(part)
            break
    return node, key, path


_FRIENDLY = {
    "dict_type": "expected a mapping (key: value pairs)",
    "list_type": "expected a list",
    "string_type": "expected a text value",
    "bool_parsing": "expected true or false",
    "bool_type": "expected true or false",
}

def _known_keys(loc_path: list) -> list[str]:
    """The keys allowed in the mapping a path points into (best effort, for suggestions)."""
    depth = len(loc_path)
    if depth == 1:
        return [("schema" if f == "schema_" else f) for f in S.SchemaSpec.model_fields]
    head = loc_path[0]
    if head == "tables":
        if depth == 3:
            return list(S.TableSpec.model_fields)
        if depth == 5 and loc_path[2] == "columns":
            return list(S.ColumnSpec.model_fields)
        if depth == 6 and loc_path[2] == "columns":
            return list(S.ReferenceSpec.model_fields)
        if depth == 5 and loc_path[2] == "indexes":
            return list(S.IndexSpec.model_fields)
        if depth == 5 and loc_path[2] == "foreign_keys":
            return list(S.ForeignKeySpec.model_fields)
    if head == "context" and depth == 2:
        return list(S.ContextSpec.model_fields)
    if head == "queries" and depth == 3:
        return list(S.QuerySpec.model_fields)
    return []


def _report_validation_error(report: Reporter, root: Node, error: ErrorDetails, prefix: tuple = (),
                             owner_key: Scalar | None = None) -> list:
    node, key, local_path = _locate(root, tuple(error["loc"]))
    if key is None and node is root:
        key = owner_key  # the mapping being validated is known by its own key
    kind = error["type"]
    path = list(prefix) + local_path
    where = ".".join(str(p) for p in path)
    table = path[1] if len(path) > 1 and path[0] == "tables" and isinstance(path[1], str) else None
    column = path[3] if table and len(path) > 3 and path[2] == "columns" and isinstance(path[3], str) else None
    if kind == "extra_forbidden":
        name = path[-1]
        span = (key.start, key.end) if key is not None else (node.start, node.end)
        known = _known_keys(path)
        suggestion = did_you_mean(str(name), known) if known else None
        message = f"unknown key '{name}'"
        fixes: tuple[Fix, ...] = ()
        if suggestion:
            message += f"; did you mean '{suggestion}'?"
            fixes = replace_fix(span, suggestion)
        elif known:
            message += " (allowed here: " + ", ".join(known) + ")"
        report("schema/unknown-key", message, span, table, column, fixes)
    elif kind == "missing":
        missing = path[-1]
        # the mapping that lacks the key is `node`; point at its own key when there is one
        if key is not None:
            span = (key.start, key.end)
        else:
            span = (node.start, min(node.end, node.start + 1)) if node.end > node.start else (0, 0)
        owner = f" in '{path[-2]}'" if len(path) > 1 else ""
        report("schema/missing-key", f"missing required key '{missing}'{owner}", span, table, column)
    else:
        message = _FRIENDLY.get(kind) or error["msg"][0].lower() + error["msg"][1:]
        if kind in ("dict_type", "list_type", "string_type") and isinstance(node, (Scalar, Mapping, Sequence)):
            message += f", found {node_kind(node)}"
        label = f"'{path[-1]}': " if path and isinstance(path[-1], str) else (f"{where}: " if where else "")
        report("schema/invalid-value", label + message, (node.start, node.end), table, column)
    return local_path


# a missing key that is filled in rather than dropping its container
_FILL_MISSING = {("schema",): "", ("columns",): {}}


def _prune(plain: dict, path: list, kind: str) -> None:
    """Removes the invalid part at `path` (a plain-value path) so validation can go on."""
    if kind == "missing":
        if tuple(path) in _FILL_MISSING:
            plain[path[0]] = type(_FILL_MISSING[tuple(path)])()
            return
        path = path[:-1]  # the container that lacks the key goes
        if not path:
            return
    container: Any = plain
    for part in path[:-1]:
        try:
            container = container[part]
        except (KeyError, IndexError, TypeError):
            return
    last = path[-1]
    if isinstance(container, dict) and last in container:
        del container[last]
    elif isinstance(container, list) and isinstance(last, int) and 0 <= last < len(container):
        container[last] = _REMOVED  # dropped by _compact, which keeps count of positions


_REMOVED = object()

# For each list (by its path of mapping keys), the node positions of the items still there.
Alive = dict[tuple, list[int]]


def _compact(value: Any, path: tuple, alive: Alive) -> Any:
    if isinstance(value, dict):
        return {k: _compact(v, path + (k,), alive) for k, v in value.items()}
    if isinstance(value, list):
        if any(item is _REMOVED for item in value):
            positions = alive.get(path, list(range(len(value))))
            alive[path] = [positions[i] for i, item in enumerate(value) if item is not _REMOVED]
            value = [item for item in value if item is not _REMOVED]
        return [_compact(v, path + (i,), alive) for i, v in enumerate(value)]
    return value


def _empty_spec(name: str = "") -> S.SchemaSpec:
    return S.SchemaSpec.model_construct(schema_=name, tables={}, enums={}, queries={}, rules={},
                                        dialect="postgresql", context=None, description=None)


def validate_node(model, node: Mapping, plain: dict, report: Reporter, prefix: tuple = (),
                  owner_key: Scalar | None = None):
    """Validates plain values read from `node` with a pydantic model; returns the
    model instance (None when nothing valid is left) and which list items survived."""
    alive: Alive = {}
    for round_ in range(_MAX_ROUNDS):
        try:
            return model.model_validate(plain), alive
        except ValidationError as exc:
            errors = exc.errors()
        pruned = []
        for error in errors:
            if round_ == 0:
                # later rounds only see what pruning left behind: already reported
                path = _report_validation_error(report, node, error, prefix, owner_key)
            else:
                path = [p for p in error["loc"] if p not in _TAGS]
            pruned.append((path, error["type"]))
        for path, kind in sorted(pruned, key=lambda pk: (len(pk[0]), [str(p) for p in pk[0]]), reverse=True):
            _prune(plain, path, kind)
        plain = _compact(plain, (), alive)
    return None, alive


def validate_root(root: Node | None, report: Reporter) -> tuple[S.SchemaSpec, Alive]:
    """Validates everything but the tables, which are validated one by one."""
    if not isinstance(root, Mapping):
        if root is not None and not (isinstance(root, Scalar) and root.is_null):
            report("schema/invalid-value",
                   f"a schema file is a mapping with keys such as schema:, tables:, found {node_kind(root)}",
                   (root.start, root.end))
        else:
            report("schema/missing-key", "missing required key 'schema' (an empty file is not a schema)", (0, 0))
        return _empty_spec(), {}
    plain = to_plain(root)
    tables = root.get("tables")
    if tables is not None and not isinstance(tables, Mapping) and not (isinstance(tables, Scalar) and tables.is_null):
        report("schema/invalid-value", f"'tables': expected a mapping of table names, found {node_kind(tables)}",
               (tables.start, tables.end))
    plain["tables"] = {}
    spec, alive = validate_node(S.SchemaSpec, root, plain, report)
    return spec or _empty_spec(), alive


def aligned(node: Node | None, path: tuple, alive: Alive) -> list[Node]:
    """The items of a sequence node that survived validation, in order."""
    if not isinstance(node, Sequence):
        return []
    positions = alive.get(path)
    if positions is None:
        return node.items
    return [node.items[i] for i in positions if i < len(node.items)]


# ---------------------------------------------------------------------------
# small languages inside strings

def scalar_base(node: Node | None, text: str) -> int | None:
    """The document offset of value[0] when the scalar's value maps 1:1 onto its source."""
    if not isinstance(node, Scalar):
        return None
    if node.style is None:
        return node.start if text[node.start:node.end] == node.value else None
    if node.style in ("'", '"') and text[node.start + 1:node.end - 1] == node.value:
        return node.start + 1
    return None


def value_positions(node: Node | None, text: str) -> list[int] | None:
    """For each character of a scalar's value, its offset in the document (plus one
    entry for the end), also for multi-line plain and folded scalars, whose line
    breaks and indentation the value does not keep.  None when the value is not a
    subsequence of the source (escapes in a double-quoted string)."""
    if not isinstance(node, Scalar):
        return None
    value = node.value
    positions = []
    j, end = node.start, node.end
    for ch in value:
        while j < end and text[j] != ch and not (ch == " " and text[j] == "\n"):
            j += 1
        if j >= end:
            return None
        positions.append(j)
        j += 1
    positions.append(min(j, end))
    return positions


class Located:
    """A scalar's value with the ability to map value offsets to document spans."""

    __slots__ = ("value", "base", "node_span")

    def __init__(self, node: Node, text: str) -> None:
        self.value = node.value if isinstance(node, Scalar) else ""
        self.base = scalar_base(node, text)
        self.node_span = (node.start, node.end)

    def span(self, start: int, end: int) -> Span:
        if self.base is None:
            return self.node_span
        return (self.base + start, self.base + end)


def split_names(loc: Located) -> list[tuple[str, Span]]:
    """`a, b desc` or `(a, b desc)` -> [("a", span), ("b desc", span)]; commas inside
    parentheses (expressions such as `lower(email)`) do not split."""
    value = loc.value
    lo, hi = 0, len(value)
    stripped = value.strip()
    if stripped.startswith("(") and stripped.endswith(")") and _closes_at_end(stripped):
        lo = value.index("(") + 1
        hi = value.rindex(")")
    out: list[tuple[str, Span]] = []
    depth = 0
    item_start = lo
    for i in range(lo, hi + 1):
        ch = value[i] if i < hi else ","
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "," and depth <= 0:
            raw = value[item_start:i]
            name = raw.strip()
            if name:
                s = item_start + (len(raw) - len(raw.lstrip()))
                out.append((name, loc.span(s, s + len(name))))
            item_start = i + 1
    return out


def _closes_at_end(text: str) -> bool:
    """True when the '(' at text[0] is closed by the ')' at the end."""
    depth = 0
    for i, ch in enumerate(text):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i == len(text) - 1
    return False


# `table` or `table(a, b)`, as `references:` values write them (the same names as the shorthand's)
_TARGET = re.compile(rf"\s*({identifiers.QUOTED}|{identifiers.DOTTED})\s*(?:\((.*)\))?\s*")
_TARGET_COLUMN = re.compile(rf"{identifiers.QUOTED}|[^,\s]+")


def parse_index_item(name: str, span: Span) -> IndexColumn:
    parts = name.rsplit(None, 1)
    descending = False
    if len(parts) == 2 and parts[1].lower() in ("asc", "desc"):
        descending = parts[1].lower() == "desc"
        name = parts[0].rstrip()
        span = (span[0], span[0] + len(name)) if span[1] - span[0] > len(name) else span
    expression = "(" in name or not identifiers.is_name_or_quoted(name)
    if not expression:
        name = identifiers.unquote(name, '"')
    return IndexColumn(name, span, descending, expression)


_VOLUME_RE = re.compile(r"^\s*(\d+(?:[._,]\d+)*)\s*([kmb]?)\s*$", re.IGNORECASE)
_SCALE = {"": 1, "k": 1_000, "m": 1_000_000, "b": 1_000_000_000}


def parse_volume(value: str) -> int | None:
    match = _VOLUME_RE.match(value)
    if not match:
        return None
    number, suffix = match.groups()
    if suffix and "," in number:  # "1,5M": a decimal comma or a typo; refuse rather than guess
        return None
    if suffix == "" and ("," in number or "_" in number):
        number = number.replace(",", "").replace("_", "")
    try:
        quantity = float(number.replace("_", "").replace(",", "")) if suffix else float(number)
    except ValueError:
        return None
    return int(quantity * _SCALE[suffix.lower()])


_FREQ_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:/|per\s+)\s*(s|sec|second|m|min|minute|h|hr|hour|d|day)s?\s*$",
                      re.IGNORECASE)
_PER_SECOND = {"s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60, "h": 3600, "hr": 3600,
               "hour": 3600, "d": 86400, "day": 86400}


def parse_frequency(value: str) -> float | None:
    match = _FREQ_RE.match(value)
    if match:
        return float(match.group(1)) / _PER_SECOND[match.group(2).lower()]
    try:
        return float(value)
    except ValueError:
        return None


# ---------------------------------------------------------------------------
# resolution

class Resolver:
    def __init__(self, text: str, root: Mapping, spec: S.SchemaSpec, removed: Alive,
                 report: Reporter, dialect_override: str | None) -> None:
        self.text = text
        self.root = root
        self.spec = spec
        self.removed = removed
        self.report = report
        self.dialect_override = dialect_override
        self.root_keys = key_index(root)

    def node(self, key: str) -> Node | None:
        entry = self.root_keys.get(key)
        return entry[1] if entry else None

    def resolve(self) -> Schema:
        """Resolves everything but the tables (see `resolve_table_entry`)."""
        spec = self.spec
        dialect = get_dialect(self.dialect_override or spec.dialect)
        schema = Schema(name=spec.schema_, dialect=dialect, description=spec.description,
                        written_in=get_dialect(spec.dialect))
        if spec.options is not None:
            schema.arrays_as_json = spec.options.arrays_as_json
            schema.uuid_storage = spec.options.uuid_storage
        schema.enums = self.resolve_enums()
        schema.context = self.resolve_context()
        schema.queries = self.resolve_queries()
        rules_node = key_index(self.node("rules"))
        for rule_id, level in spec.rules.items():
            key = rules_node[rule_id][0] if rule_id in rules_node else None
            span = (key.start, key.end) if key else (0, 0)
            if rule_id not in RULES:
                suggestion = did_you_mean(rule_id, RULES)
                self.report("schema/unknown-rule",
                            f"unknown rule '{rule_id}'" + (f"; did you mean '{suggestion}'?" if suggestion else ""),
                            span, fixes=replace_fix(span, suggestion) if suggestion else ())
                continue
            schema.rule_levels[rule_id] = level
            schema.rule_level_spans[rule_id] = span
        return schema

    # -- enums, context, queries ------------------------------------------------
    def resolve_enums(self) -> dict[str, Enum]:
        enums: dict[str, Enum] = {}
        nodes = key_index(self.node("enums"))
        for name, values in self.spec.enums.items():
            key, value_node = nodes[name]
            items = aligned(value_node, ("enums", name), self.removed)
            spans = [(n.start, n.end) for n in items]
            seen: set[str] = set()
            for v, n in zip(values, items, strict=False):
                if v in seen:
                    self.report("schema/invalid-value", f"enum '{name}' lists '{v}' twice", (n.start, n.end))
                seen.add(v)
            if not values:
                self.report("schema/invalid-value", f"enum '{name}' has no values", (key.start, key.end))
            enums[name] = Enum(name, (key.start, key.end), list(values), spans)
        return enums

    def resolve_context(self) -> Context:
        cspec = self.spec.context
        context = Context()
        if cspec is None:
            return context
        nodes = key_index(self.node("context"))
        if cspec.read_write_ratio:
            match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*:\s*(\d+(?:\.\d+)?)\s*", cspec.read_write_ratio)
            if match and float(match.group(2)) + float(match.group(1)) > 0:
                context.reads, context.writes = float(match.group(1)), float(match.group(2))
            else:
                node = nodes["read_write_ratio"][1]
                self.report("schema/invalid-value",
                            "read_write_ratio is written reads:writes, as in \"20:1\" (read-heavy) or \"1:5\"",
                            (node.start, node.end))
        context.consistency = cspec.consistency
        context.compliance = [c.lower() for c in cspec.compliance]
        context.retention = dict(cspec.retention)
        context.peak_qps = cspec.peak_qps
        context.growth = cspec.growth
        context.availability = cspec.availability
        context.multi_region = cspec.multi_region
        context.write_heavy_index_limit = cspec.write_heavy_index_limit
        context.notes = cspec.notes
        return context

    def resolve_queries(self) -> dict[str, Query]:
        queries: dict[str, Query] = {}
        nodes = key_index(self.node("queries"))
        for name, qspec in self.spec.queries.items():
            key, node = nodes[name]
            if isinstance(qspec, str):
                sql_node, sql, frequency_text, description = node, qspec, None, None
            else:
                # the long form is a mapping, and validation saw its sql
                sql_node = cast(Node, node.get("sql")) if isinstance(node, Mapping) else node
                sql, frequency_text, description = qspec.sql, qspec.frequency, qspec.description
            query = Query(name, (key.start, key.end), sql, (sql_node.start, sql_node.end),
                          value_positions(sql_node, self.text), description=description)
            if frequency_text:
                query.frequency_text = frequency_text
                query.frequency = parse_frequency(frequency_text)
                if query.frequency is None:
                    fnode = cast(Node, cast(Mapping, node).get("frequency"))  # the long form's: it has one
                    self.report("schema/invalid-value",
                                f"frequency '{frequency_text}' is not understood: "
                                "write it as 500/s, 20/min, 3/h or 100/day",
                                (fnode.start, fnode.end))
            if not sql.strip():
                self.report("schema/invalid-value", f"query '{name}' has no SQL", (sql_node.start, sql_node.end))
            queries[name] = query
        return queries

    # -- tables -------------------------------------------------------------------
    def resolve_table(self, name: str, key: Scalar, node: Node, tspec: S.TableSpec,
                      enum_names: frozenset[str]) -> Table:
        table = Table(name, (key.start, key.end), (node.start, node.end), description=tspec.description)
        fields = key_index(node)
        path = ()
        if tspec.rows is not None:
            table.rows = parse_volume(tspec.rows)
            if table.rows is None:
                n = fields["rows"][1]
                self.report("schema/invalid-value",
                            f"rows '{tspec.rows}' is not a volume: write a whole number or 500k, 2M, 1B",
                            (n.start, n.end), name)
        if tspec.was:
            n = fields["was"][1]
            table.was, table.was_span = tspec.was, (n.start, n.end)
        columns_node = key_index(fields["columns"][1]) if "columns" in fields else {}
        for cname, cvalue in tspec.columns.items():
            ckey, cnode = columns_node[cname]
            column = self.resolve_column(table, cname, ckey, cnode, cvalue, enum_names)
            table.columns[cname] = column
        self.resolve_primary_key(table, tspec, fields)
        for item_node in aligned(fields.get("unique", (None, None))[1], path + ("unique",), self.removed):
            names = self.names_of(item_node)
            if names:
                table.uniques.append(UniqueConstraint([n for n, _ in names], [s for _, s in names],
                                                      (item_node.start, item_node.end)))
        for ispec, inode in zip(tspec.indexes, aligned(fields.get("indexes", (None, None))[1], path + ("indexes",),
                                                         self.removed), strict=False):
            index = self.resolve_index(table, ispec, inode)
            if index is not None:
                table.indexes.append(index)
        for check, cnode in zip(tspec.checks, aligned(fields.get("checks", (None, None))[1], path + ("checks",),
                                                        self.removed), strict=False):
            table.checks.append((check, (cnode.start, cnode.end)))
        for fspec, fnode in zip(tspec.foreign_keys, aligned(fields.get("foreign_keys", (None, None))[1],
                                                             path + ("foreign_keys",), self.removed), strict=False):
            fk = self.resolve_foreign_key(table, fspec, fnode)
            if fk is not None:
                table.foreign_keys.append(fk)
        for dnode in aligned(fields.get("dependencies", (None, None))[1], path + ("dependencies",), self.removed):
            dependency = self.resolve_dependency(table, dnode)
            if dependency is not None:
                table.dependencies.append(dependency)
        if tspec.partition_by:
            self.resolve_partitioning(table, fields["partition_by"][1])
        if tspec.denormalized:
            reasons = key_index(fields["denormalized"][1])
            for cname, reason in tspec.denormalized.items():
                denormalized_column = table.columns.get(cname)
                if denormalized_column is not None:
                    denormalized_column.denormalized = reason
                else:
                    ckey = reasons[cname][0]
                    table.denormalized_unknown.append((cname, (ckey.start, ckey.end)))
        return table

    def names_of(self, node: Node) -> list[tuple[str, Span]]:
        """A column list written as a YAML list or as "a, b" / "(a, b)"; a name may be in
        double quotes, as everywhere else (`"Item Id"`)."""
        if isinstance(node, Sequence):
            out = []
            for item in node.items:
                if isinstance(item, Scalar) and not item.is_null:
                    out.append((identifiers.unquote(item.value, '"'), (item.start, item.end)))
            return out
        if isinstance(node, Scalar):
            return [(identifiers.unquote(name, '"'), span) for name, span in split_names(Located(node, self.text))]
        return []

    def resolve_column(self, table: Table, cname: str, ckey: Scalar, cnode: Node, cvalue,
                       enum_names: frozenset[str]) -> Column:
        report = self.report
        if isinstance(cvalue, str):
            loc = Located(cnode, self.text)
            short = parse_shorthand(loc.value)
            for err in short.errors:
                report(err.rule, err.message, loc.span(err.start, err.end), table.name, cname)
            column = Column(cname, (ckey.start, ckey.end), (cnode.start, cnode.end), None, short.type_text,
                            loc.span(*short.type_span))
            sp = lambda s: loc.span(*s) if s else None  # noqa: E731
            column.primary_key = short.primary_key is not None
            column.pk_span = sp(short.primary_key)
            column.unique = short.unique is not None
            column.unique_span = sp(short.unique)
            column.identity = short.identity is not None
            column.identity_span = sp(short.identity)
            column.pii = short.pii is not None
            column.default = short.default
            column.default_span = sp(short.default_span)
            column.check = short.check
            column.check_span = sp(short.check_span)
            column.was = short.was
            column.was_span = sp(short.was_span)
            if short.null and short.not_null:
                report("schema/invalid-value", "'null' contradicts 'not null'", loc.span(*short.null),
                       table.name, cname)
            if short.null and short.primary_key:
                report("schema/invalid-value", "a primary key column cannot be null", loc.span(*short.null),
                       table.name, cname)
            column.nullable = not (short.not_null or short.primary_key)
            if short.references_table is not None:
                # the shorthand sets these spans together with references_table
                references_span = cast(Span, short.references_span)
                references_table_span = cast(Span, short.references_table_span)
                cols = short.references_columns
                if len(cols) > 1:
                    report("schema/invalid-value",
                           "a column references one column; declare a composite key under foreign_keys",
                           loc.span(*references_span), table.name, cname)
                table.foreign_keys.append(ForeignKey(
                    [cname], [(ckey.start, ckey.end)], short.references_table, loc.span(*references_table_span),
                    [c for c, _ in cols[:1]] if cols else None, [loc.span(*s) for _, s in cols[:1]],
                    loc.span(*references_span), short.on_delete, short.on_update, inline=True))
            elif short.on_delete or short.on_update:
                span = cast(Span, short.on_delete_span or short.on_update_span)  # set with its action
                report("schema/invalid-value", "'on delete'/'on update' need 'references TABLE' before them",
                       loc.span(*span), table.name, cname)
        else:
            column = self.resolve_long_column(table, cname, ckey, cnode, cvalue)
        if column.type_text:
            try:
                column.type = parse_type(column.type_text, enum_names)
            except TypeError_ as exc:
                self.report_type_error(table, column, exc, enum_names)
        if column.unique:
            table.uniques.append(UniqueConstraint([cname], [column.span], column.unique_span or column.span,
                                                  inline=True))
        return column

    def report_type_error(self, table: Table, column: Column, exc: TypeError_, enum_names) -> None:
        if not exc.unknown:
            self.report("schema/invalid-value", str(exc), column.type_span, table.name, column.name)
            return
        word = column.type_text.split("(")[0].strip()
        message = str(exc)
        fixes: tuple[Fix, ...] = ()
        if exc.suggestion:
            message += f": write {exc.suggestion}"
        else:
            suggestion = did_you_mean(word, list(all_type_names()) + list(enum_names))
            if suggestion:
                message += f"; did you mean '{suggestion}'?"
                start = column.type_span[0]
                fixes = replace_fix((start, start + len(word)), suggestion) if column.type_text.startswith(word) else ()
            else:
                message += " (not a built-in type nor an enum declared under enums:)"
        self.report("schema/unknown-type", message, column.type_span, table.name, column.name, fixes)

    def resolve_long_column(self, table: Table, cname: str, ckey: Scalar, cnode: Node, cspec: S.ColumnSpec) -> Column:
        fields = key_index(cnode)

        def span_of(field: str) -> Span | None:
            entry = fields.get(field)
            return (entry[1].start, entry[1].end) if entry else None

        type_node = fields["type"][1]
        type_loc = Located(type_node, self.text)
        type_text = type_loc.value.strip()
        lead = len(type_loc.value) - len(type_loc.value.lstrip())
        column = Column(cname, (ckey.start, ckey.end), (cnode.start, cnode.end), None, type_text,
                        type_loc.span(lead, lead + len(type_text)))
        column.primary_key = cspec.primary_key
        column.pk_span = span_of("primary_key") if cspec.primary_key else None
        column.unique = cspec.unique
        column.unique_span = span_of("unique") if cspec.unique else None
        column.identity = cspec.identity
        column.identity_span = span_of("identity") if cspec.identity else None
        column.pii = cspec.pii
        column.default = cspec.default
        column.default_span = span_of("default")
        column.check = cspec.check
        column.check_span = span_of("check")
        column.description = cspec.description
        column.was = cspec.was
        column.was_span = span_of("was")
        column.denormalized = cspec.denormalized
        if cspec.primary_key and cspec.nullable:
            self.report("schema/invalid-value", "a primary key column cannot be nullable",
                        cast(Span, span_of("nullable")), table.name, cname)  # cspec.nullable: the key is there
        column.nullable = False if cspec.primary_key else (cspec.nullable is not False)
        ref = cspec.references
        if ref is not None:
            ref_node = fields["references"][1]
            if isinstance(ref, str):
                parsed = self.parse_target(Located(ref_node, self.text), table, cname)
                if parsed is None:
                    return column
                target, target_span, cols = parsed
                on_delete = on_update = None
            else:
                rfields = key_index(ref_node)
                target, target_span = ref.table, (rfields["table"][1].start, rfields["table"][1].end)
                cols = [(ref.column, (rfields["column"][1].start, rfields["column"][1].end))] if ref.column else []
                on_delete, on_update = ref.on_delete, ref.on_update
            if len(cols) > 1:
                self.report("schema/invalid-value",
                            "a column references one column; declare a composite key under foreign_keys",
                            (ref_node.start, ref_node.end), table.name, cname)
            table.foreign_keys.append(ForeignKey(
                [cname], [(ckey.start, ckey.end)], target, target_span, [c for c, _ in cols[:1]] or None,
                [s for _, s in cols[:1]], (ref_node.start, ref_node.end), on_delete, on_update, inline=True))
        return column

    def parse_target(self, loc: Located, table: Table, column: str | None) -> tuple[str, Span, list] | None:
        """`table` or `table(a, b)` inside a string."""
        value = loc.value
        match = _TARGET.fullmatch(value)
        if not match:
            self.report("schema/invalid-value", "write the target as table or table(column, ...)", loc.node_span,
                        table.name, column)
            return None
        name = identifiers.unquote(match.group(1), '"')
        span = loc.span(match.start(1), match.end(1))
        cols: list[tuple[str, Span]] = []
        if match.group(2) is not None:
            inner_start = match.start(2)
            for part in _TARGET_COLUMN.finditer(match.group(2)):
                cols.append((identifiers.unquote(part.group(0), '"'),
                             loc.span(inner_start + part.start(), inner_start + part.end())))
            if not cols:
                self.report("schema/invalid-value", "name the referenced columns inside ( )", loc.node_span,
                            table.name, column)
        return name, span, cols

    def resolve_primary_key(self, table: Table, tspec: S.TableSpec, fields: dict) -> None:
        column_pk = [c for c in table.columns.values() if c.primary_key]
        if tspec.primary_key is not None:
            node = fields["primary_key"][1]
            names = self.names_of(node)
            table.primary_key = [n for n, _ in names]
            table.primary_key_spans = [s for _, s in names]
            table.primary_key_span = (node.start, node.end)
            if not names:
                self.report("schema/invalid-value", "primary_key lists no columns", (node.start, node.end), table.name)
            if column_pk and [c.name for c in column_pk] != table.primary_key and \
                    {c.name for c in column_pk} != set(table.primary_key):
                for c in column_pk:
                    self.report("schema/invalid-value",
                                f"column '{c.name}' is marked pk but the table's primary_key is "
                                f"({', '.join(table.primary_key)}); keep one of the two",
                                c.pk_span or c.span, table.name, c.name)
            for column_name in table.primary_key:
                col = table.columns.get(column_name)
                if col is not None:
                    col.nullable = False
        else:
            table.primary_key = [c.name for c in column_pk]
            table.primary_key_spans = [c.pk_span or c.span for c in column_pk]

    def resolve_index(self, table: Table, ispec, inode: Node) -> Index | None:
        if isinstance(ispec, str):
            items = split_names(Located(inode, self.text))
            if not items:
                self.report("schema/invalid-value", "an index needs at least one column", (inode.start, inode.end),
                            table.name)
                return None
            return Index([parse_index_item(n, s) for n, s in items], (inode.start, inode.end))
        fields = key_index(inode)
        column_nodes = fields["columns"][1]
        names: list[tuple[str, Span]] = []
        if isinstance(column_nodes, Sequence):
            for item in column_nodes.items:
                if isinstance(item, Scalar):
                    loc = Located(item, self.text)
                    lead = len(loc.value) - len(loc.value.lstrip())
                    stripped = loc.value.strip()
                    names.append((stripped, loc.span(lead, lead + len(stripped))))
        if not names:
            self.report("schema/invalid-value", "an index needs at least one column",
                        (column_nodes.start, column_nodes.end), table.name)
            return None
        include = []
        if ispec.include:
            include = self.names_of(fields["include"][1])
        return Index([parse_index_item(n, s) for n, s in names], (inode.start, inode.end), ispec.name, ispec.unique,
                     ispec.where, ispec.using, include)

    def resolve_foreign_key(self, table: Table, fspec: S.ForeignKeySpec, fnode: Node) -> ForeignKey | None:
        fields = key_index(fnode)
        columns = self.names_of(fields["columns"][1])
        parsed = self.parse_target(Located(fields["references"][1], self.text), table, None)
        if parsed is None:
            return None
        target, target_span, cols = parsed
        if cols and len(cols) != len(columns):
            self.report("schema/invalid-value",
                        f"{len(columns)} column(s) reference {len(cols)} column(s) of {target}: the counts must match",
                        (fnode.start, fnode.end), table.name)
        return ForeignKey([c for c, _ in columns], [s for _, s in columns], target, target_span,
                          [c for c, _ in cols] or None, [s for _, s in cols], (fnode.start, fnode.end),
                          fspec.on_delete, fspec.on_update, fspec.name)

    def resolve_dependency(self, table: Table, node: Node) -> Dependency | None:
        loc = Located(node, self.text)
        value = loc.value
        arrow = value.find("->")
        if arrow < 0 or value.count("->") > 1:
            self.report("schema/invalid-value", "a dependency is written 'a, b -> c, d'", (node.start, node.end),
                        table.name)
            return None

        def side(start: int, end: int) -> list[tuple[str, Span]]:
            out = []
            for part in re.finditer(r"[^,\s]+", value[start:end]):
                out.append((part.group(0), loc.span(start + part.start(), start + part.end())))
            return out

        lhs, rhs = side(0, arrow), side(arrow + 2, len(value))
        if not lhs or not rhs:
            self.report("schema/invalid-value", "both sides of '->' need at least one column",
                        (node.start, node.end), table.name)
            return None
        return Dependency(lhs, rhs, (node.start, node.end))

    def resolve_partitioning(self, table: Table, node: Node) -> None:
        loc = Located(node, self.text)
        match = re.fullmatch(r"\s*([A-Za-z]+)\s*\((.*)\)\s*", loc.value)
        if not match or match.group(1).lower() not in ("range", "list", "hash"):
            self.report("schema/invalid-value", "partition_by is range(col), list(col) or hash(col)",
                        (node.start, node.end), table.name)
            return
        start = match.start(2)
        cols = [(m.group(0), loc.span(start + m.start(), start + m.end()))
                for m in re.finditer(r"[^,\s]+", match.group(2))]
        if not cols:
            self.report("schema/invalid-value", "name the partition column(s) inside ( )", (node.start, node.end),
                        table.name)
            return
        table.partition_by = Partitioning(match.group(1).lower(), cols, (node.start, node.end))


def load_root(text: str, root: Node | None, report: Reporter, dialect_override: str | None = None) -> Schema:
    """The schema without its tables: name, dialect, context, enums, queries, rules."""
    spec, alive = validate_root(root, report)
    if not isinstance(root, Mapping):
        return Schema(name="", dialect=get_dialect(dialect_override or "postgresql"))
    return Resolver(text, root, spec, alive, report, dialect_override).resolve()


def resolve_table_entry(text: str, key: Scalar, node: Node, enum_names: frozenset[str],
                        report: Reporter) -> Table | None:
    """Validates and resolves one table; spans are offsets into `text`."""
    name = key.value
    if not isinstance(node, Mapping):
        if isinstance(node, Scalar) and node.is_null:
            report("schema/missing-key", f"table '{name}' is empty: it needs columns:", (key.start, key.end), name)
        else:
            report("schema/invalid-value", f"table '{name}': expected a mapping with columns:, found {node_kind(node)}",
                   (node.start, node.end), name)
        return None
    tspec, alive = validate_node(S.TableSpec, node, to_plain(node), report, ("tables", name), key)
    if tspec is None:
        return None
    resolver = Resolver(text, node, _empty_spec(), alive, report, None)
    return resolver.resolve_table(name, key, node, tspec, enum_names)
