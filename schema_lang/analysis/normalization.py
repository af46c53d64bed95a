"""Normal forms from declared and inferred functional dependencies.

Per table the dependencies are: those declared under `dependencies:`; the
primary key and every unique constraint determining all columns; and, inferred,
a column that copies an attribute of a table the row already references
(`orders.customer_email` beside `orders.user_id -> users(email)`), which
depends on the foreign key.  From them: candidate keys, prime attributes, the
highest normal form, and the dependencies that break 2NF, 3NF or BCNF.
1NF findings (repeating groups, list-valued columns) are read from names and types.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import partial

from ..core.diagnostics import Reporter
from ..core.loader import table_local
from ..core.model import Column, ForeignKey, Schema, Span, Table
from ..core.types import TEXT_TYPES
from .dependencies import FD, Analysis, Relation, analyse, closure

# Columns that many tables have for their own reasons: equal names are not copies.
GENERIC_COLUMNS = frozenset(["id", "uuid", "created_at", "updated_at", "deleted_at", "created_by", "updated_by",
                             "created_on", "updated_on", "inserted_at", "modified_at", "status", "state", "type",
                             "kind", "version", "revision", "notes", "note", "description", "comment", "comments",
                             "position", "sort_order", "ordinal", "is_active", "active", "enabled", "is_deleted",
                             "deleted", "quantity", "qty", "amount", "currency", "total", "count", "metadata", "meta",
                             "data", "value", "extra", "attributes", "settings", "tenant_id", "name", "title", "label",
                             "slug", "display_name"])

LIST_NAMES = frozenset(["tags", "labels", "keywords", "categories", "roles", "permissions", "emails", "phones",
                        "phone_numbers", "ids", "attachments", "urls", "links", "aliases"])
LIST_SUFFIXES = ("_ids", "_list", "_csv", "_tags", "_array")

# letters of any script (`[^\W\d_]`), as names may have: phone1, phone_2, телефон3
_COUNTER_RE = re.compile(r"^(?P<pre>[^\W\d_][^\W\d]*?)_?(?P<n>[0-9]{1,3})(?P<post>_[^\W\d_]\w*)?$")


@dataclass(slots=True)
class Copy:
    """`column` of this table copies `target_column` of the table `fk` references."""

    column: str
    fk: ForeignKey
    target_table: str
    target_column: str


@dataclass(slots=True)
class TableNormalization:
    table: str
    relation: Relation
    fds: list[FD]
    # FD.source indexes this: (kind, relative span, text)
    sources: list[tuple[str, Span, str]]
    analysis: Analysis
    copies: list[Copy] = field(default_factory=list)

    def names(self, mask: int) -> list[str]:
        return self.relation.names_of(mask)

    @property
    def candidate_keys(self) -> list[list[str]]:
        return sorted(sorted(self.names(k)) for k in self.analysis.keys.keys)

    @property
    def normal_form(self) -> str:
        return self.analysis.normal_form

    def dependency_strings(self) -> list[str]:
        """Each candidate key with what it determines, then the dependencies of the
        minimal cover whose determinant is not a key, grouped by determinant."""
        universe = self.relation.all
        groups: dict[int, int] = {}
        for key in self.analysis.keys.keys:
            if universe & ~key:
                groups[key] = universe & ~key
        for fd in self.analysis.cover:
            if closure(fd.lhs, self.analysis.cover) & universe != universe:
                groups[fd.lhs] = groups.get(fd.lhs, 0) | fd.rhs
        return sorted(f"{', '.join(sorted(self.names(lhs)))} -> {', '.join(sorted(self.names(rhs)))}"
                      for lhs, rhs in groups.items())


def _singular(name: str) -> str:
    if name.endswith("ies"):
        return name[:-3] + "y"
    if name.endswith(("ses", "xes", "ches", "shes")):
        return name[:-2]
    if name.endswith("s") and not name.endswith("ss"):
        return name[:-1]
    return name


# Words that name the same party as a users/customers table: `customer_email` beside
# `user_id -> users` is the user's email.
PERSON_WORDS = frozenset(["user", "customer", "buyer", "client", "member", "account", "owner", "author", "person",
                          "patient", "employee"])


def find_copies(schema: Schema, table: Table) -> list[Copy]:
    """Columns that copy an attribute of a referenced table: the same name, or the
    name prefixed with the reference's role or the referenced table's name
    (`customer_email`, `product_name`), and the same type."""
    copies: list[Copy] = []
    own_key = set(table.primary_key)
    # a column unique in its own table identifies its own rows: a copy would repeat across them
    own_unique = {c for u in table.uniques if len(u.columns) == 1 for c in u.columns}
    fk_columns = {c for fk in table.foreign_keys for c in fk.columns}
    if not table.foreign_keys:
        return copies
    candidates = [c for c in table.columns.values()
                  if c.name not in own_key and c.name not in own_unique and c.name not in fk_columns
                  and c.name not in GENERIC_COLUMNS and c.type is not None]
    for fk in table.foreign_keys:
        target = schema.table(fk.table)
        if target is None or target is table or not candidates:
            continue
        target_key = set(target.primary_key)
        prefixes = _prefixes(fk, target)
        for column in candidates:
            name = column.name
            for candidate in _copied_names(name, prefixes):
                source = target.columns.get(candidate)
                if (source is not None and candidate not in target_key and candidate not in GENERIC_COLUMNS
                        and source.type == column.type):
                    copies.append(Copy(name, fk, target.name, candidate))
                    break
    return copies


def _prefixes(fk: ForeignKey, target: Table) -> set[str]:
    prefixes = {target.name, _singular(target.name)}
    if len(fk.columns) == 1:
        role = fk.columns[0]
        for suffix in ("_id", "_code", "_key", "_uuid"):
            if role.endswith(suffix):
                prefixes.add(role[: -len(suffix)])
    if prefixes & PERSON_WORDS or {_singular(p) for p in prefixes} & PERSON_WORDS:
        prefixes |= PERSON_WORDS
    return prefixes


def _copied_names(name: str, prefixes: set[str]) -> list[str]:
    """`customer_email` may copy `customer_email`, or `email` when `customer` names the reference."""
    names = [name]
    for prefix in prefixes:
        if name.startswith(prefix + "_") and len(name) > len(prefix) + 1:
            names.append(name[len(prefix) + 1:])
    return names


def copies_of(schema: Schema, table: Table) -> list[Copy]:
    """find_copies, kept in the table's memo while the tables it references are the same objects
    (an unchanged table keeps its object from one analysis to the next)."""
    targets = tuple(schema.table(fk.table) for fk in table.foreign_keys)
    hit = table.memo.get("copies")
    if hit is not None and len(hit[0]) == len(targets) and all(a is b for a, b in zip(hit[0], targets, strict=False)):
        return hit[1]
    copies = find_copies(schema, table)
    table.memo["copies"] = (targets, copies)
    return copies


def normalization_of(schema: Schema, table: Table) -> TableNormalization:
    copies = copies_of(schema, table)
    key = ("normalization", tuple((tuple(c.fk.columns), c.column, c.target_table, c.target_column) for c in copies))
    data = table.memo.get(key)
    if data is None:
        data = table.memo[key] = _build(table, copies)
    return data


def _build(table: Table, copies: list[Copy]) -> TableNormalization:
    names = list(table.columns)
    relation = Relation(names)
    index = {n: i for i, n in enumerate(names)}
    universe = relation.all

    def mask(cols) -> int | None:
        m = 0
        for c in cols:
            if c not in index:
                return None
            m |= 1 << index[c]
        return m

    fds: list[FD] = []
    sources: list[tuple[str, Span, str]] = []

    def add(lhs_cols, rhs: int, kind: str, span: Span, text: str) -> None:
        lhs = mask(lhs_cols)
        if lhs is None or not lhs:
            return
        sources.append((kind, span, text))
        fds.append(FD(lhs, rhs, kind, len(sources) - 1))

    if table.primary_key:
        add(table.primary_key, universe, "primary key",
            table.primary_key_span or (table.primary_key_spans[0] if table.primary_key_spans else table.span),
            "(" + ", ".join(table.primary_key) + ")")
    for unique in table.uniques:
        add(unique.columns, universe, "unique", unique.span, "(" + ", ".join(unique.columns) + ")")
    for ix in table.indexes:
        if ix.unique and ix.where is None and not any(c.expression for c in ix.columns):
            add([c.name for c in ix.columns], universe, "unique", ix.span,
                "(" + ", ".join(c.name for c in ix.columns) + ")")
    for dependency in table.dependencies:
        rhs = mask(n for n, _ in dependency.rhs)
        if rhs is not None:
            add([n for n, _ in dependency.lhs], rhs, "declared", dependency.span,
                ", ".join(n for n, _ in dependency.lhs) + " -> " + ", ".join(n for n, _ in dependency.rhs))
    for copy in copies:
        rhs = mask([copy.column])
        # a copy kept on purpose (a price at the time of purchase) does not follow its source:
        # the inferred dependency does not hold
        if rhs is not None and not table.columns[copy.column].denormalized:
            add(copy.fk.columns, rhs, "inferred", table.columns[copy.column].span,
                f"{', '.join(copy.fk.columns)} -> {copy.column} (a copy of {copy.target_table}.{copy.target_column})")
    analysis = analyse(universe, fds)
    return TableNormalization(table.name, relation, fds, sources, analysis, copies)


# ---------------------------------------------------------------------------
# findings

def check(schema: Schema, report: Reporter) -> None:
    for table in schema.tables.values():
        if not table.columns:
            continue
        data = normalization_of(schema, table)
        key = ("normalization-findings", id(data))
        table_local(table, key, partial(_findings, table, data), report)


def _join(names) -> str:
    return ", ".join(names)


def _findings(table: Table, data: TableNormalization, report: Reporter) -> None:
    _repeating_groups(table, report)
    _multivalued(table, report)
    columns = table.columns
    denormalized = {n for n, c in columns.items() if c.denormalized}
    analysis = data.analysis
    if not analysis.keys.complete:
        report("normalization/key-search-bounded",
               f"table '{table.name}' has too many interdependent columns to list every candidate key; "
               f"the normal form is judged from the {len(analysis.keys.keys)} keys found, such as "
               + "; ".join("(" + _join(data.names(k)) + ")" for k in analysis.keys.keys[:3]),
               table.span, table.name)
    explained: set[str] = set()  # columns a violation already speaks of
    if not analysis.violations and not data.copies:
        return
    shown = sorted(sorted(data.names(k)) for k in analysis.keys.keys)[:5]
    keys_text = " or ".join("(" + _join(k) + ")" for k in shown) or "none"
    if len(analysis.keys.keys) > len(shown):
        keys_text += f" and {len(analysis.keys.keys) - len(shown)} more"
    for violation in analysis.violations:
        dependents = [n for n in data.names(violation.rhs) if n not in denormalized]
        if not dependents:
            continue
        fd = violation.fd
        if fd is not None and fd.origin == "inferred" and violation.form != "2NF":
            continue  # reported as normalization/duplicated-attribute
        explained.update(dependents)
        lhs = _join(data.names(violation.lhs))
        subject = f"{table.name}.{_join(dependents)}"
        verb = "depends" if len(dependents) == 1 else "depend"
        span = _violation_span(table, data, violation, dependents)
        origin = ""
        if fd is not None and fd.source >= 0 and data.sources[fd.source][0] in ("declared", "inferred"):
            kind, _, text = data.sources[fd.source]
            origin = f" (declared: {text})" if kind == "declared" else f" (inferred: {text})"
        fix_data = {"lhs": data.names(violation.lhs), "dependents": dependents}
        if violation.form == "2NF":
            key = _join(data.names(violation.key))
            report("normalization/partial-dependency",
                   f"{subject} {verb} on {lhs}, only part of the key ({key}): 2NF{origin}",
                   span, table.name, dependents[0], data=fix_data)
        elif violation.form == "3NF":
            report("normalization/transitive-dependency",
                   f"{subject} {verb} on {lhs}, which is not a key (key: {keys_text}): 3NF{origin}",
                   span, table.name, dependents[0], data=fix_data)
        else:
            report("normalization/bcnf-violation",
                   f"{lhs} determines {_join(dependents)} in '{table.name}' but is not a key "
                   f"(keys: {keys_text}): BCNF{origin}",
                   span, table.name, dependents[0], data=fix_data)
    for copy in data.copies:
        column = columns[copy.column]
        if copy.column in denormalized or copy.column in explained:
            continue
        key = _join(table.primary_key) or "none"
        report("normalization/duplicated-attribute",
               f"{table.name}.{copy.column} copies {copy.target_table}.{copy.target_column} "
               f"({table.name}.{_join(copy.fk.columns)} references {copy.target_table}): it depends on "
               f"{_join(copy.fk.columns)}, not on the key ({key}), and can drift from the original; read it "
               f"through the reference, or say why with `denormalized:`",
               column.span, table.name, copy.column, data={"lhs": list(copy.fk.columns), "dependents": [copy.column]})


def _violation_span(table: Table, data: TableNormalization, violation, dependents: list[str]) -> Span:
    """The declared dependency line that shows the violation, else the first dependent column."""
    fd = violation.fd
    if fd is not None and fd.source >= 0:
        kind, span, _ = data.sources[fd.source]
        if kind == "declared":
            return span
    for dependency in table.dependencies:
        lhs = {n for n, _ in dependency.lhs}
        rhs = {n for n, _ in dependency.rhs}
        if lhs <= set(data.names(violation.lhs)) and rhs & set(dependents):
            return dependency.span
    return table.columns[dependents[0]].span


def _repeating_groups(table: Table, report: Reporter) -> None:
    numbered = [c for c in table.columns.values() if any(ch.isdigit() for ch in c.name)]
    if len(numbered) < 2:
        return
    groups: dict[tuple[str, str], list[tuple[int, Column]]] = {}
    for column in numbered:
        match = _COUNTER_RE.match(column.name)
        if match:
            key = (match.group("pre").rstrip("_").lower(), (match.group("post") or "").lower())
            groups.setdefault(key, []).append((int(match.group("n")), column))
    by_prefix: dict[str, list[tuple[str, list]]] = {}
    for (pre, post), members in groups.items():
        if len({n for n, _ in members}) >= 2:
            by_prefix.setdefault(pre, []).append((post, members))
    for pre, posts in by_prefix.items():
        members = [m for _, ms in posts for m in ms]
        counters = sorted({n for n, _ in members})
        # three or more copies, or two copies of a group of several attributes (item1_qty, item1_price, ...)
        if len(counters) < 3 and len(posts) < 2:
            continue
        if table.columns.get(pre) is not None:
            continue
        columns = [c for _, c in sorted(members, key=lambda m: (m[0], m[1].name))]
        if any(c.denormalized for c in columns):
            continue
        attributes = sorted({post.lstrip("_") or pre for post, _ in posts})
        child = _plural(pre)
        owner_key = _join(table.primary_key) or "the key"
        report("normalization/repeating-group",
               f"{_join(c.name for c in columns)} repeat "
               f"{'one attribute' if len(attributes) == 1 else 'a group of attributes'} "
               f"with a counter: 1NF. Move them to a child table, e.g. {child} ({owner_key}, position, "
               f"{_join(attributes)}), one row per {pre}",
               columns[0].span, table.name, columns[0].name)


def _multivalued(table: Table, report: Reporter) -> None:
    for column in table.columns.values():
        ctype = column.type
        if ctype is None or column.denormalized:
            continue
        name = column.name.lower()
        if ctype.base == "array":
            report("normalization/multivalued-column",
                   f"{table.name}.{column.name} is an array ({ctype}): its elements cannot be referenced by foreign "
                   f"keys or constrained one by one; a child table with one row per value keeps 1NF",
                   column.type_span, table.name, column.name)
        elif ctype.base in TEXT_TYPES and (name in LIST_NAMES or name.endswith(LIST_SUFFIXES)):
            report("normalization/multivalued-column",
                   f"{table.name}.{column.name} looks like a list packed into {ctype}: values in one string cannot "
                   f"be joined, constrained or indexed; a child table with one row per value keeps 1NF",
                   column.span, table.name, column.name)


def _plural(word: str) -> str:
    if word.endswith("y") and not word.endswith(("ay", "ey", "oy", "uy")):
        return word[:-1] + "ies"
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    return word + "s"
