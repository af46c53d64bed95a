"""Decomposing a table: 3NF synthesis, BCNF decomposition, or one violation at a time.

The result is a list of text edits against the original file: the moved
columns (and the dependencies, indexes, unique constraints and checks that
only concern them) leave the table, new tables are written right after it
(named after their key, or merged into the table the key already references),
and a foreign key ties each piece back.  Nothing else in the file changes.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ...analysis import analyze
from ...analysis.dependencies import FD, candidate_keys, closure, decompose_bcnf, project, synthesize_3nf
from ...analysis.normalization import TableNormalization, _plural, normalization_of
from ...core.diagnostics import TextEdit
from ...core.document import Document
from ...core.lines import column_of, whitespace_width
from ...core.model import Column, ForeignKey, Schema, Table
from ...core.syntax import Mapping, Scalar, Sequence
from ...sql import identifiers
from .text_edits import EditError, block_end, child_indent, find_table, mapping_entry, sequence_item


class NormalizeError(ValueError):
    """The table cannot be decomposed as asked (a message for the user)."""


@dataclass(slots=True)
class Piece:
    """One relation of the decomposition other than the table itself."""

    columns: list[str]
    key: list[str]
    name: str = ""
    merge_into: str | None = None  # an existing table that gets the columns instead
    referenced_by: str | None = None  # the piece (or the table) that holds its key; None: none does
    dependencies: list[str] = field(default_factory=list)  # declared dependency texts carried along
    other_keys: list[list[str]] = field(default_factory=list)  # declared as unique
    # moved columns that copy a column the merge target has under its own name: they just go
    dropped_copies: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class Result:
    table: str
    edits: list[TextEdit]
    pieces: list[Piece]
    moved: list[str]
    lost: list[str]  # dependencies no relation preserves (BCNF)
    title: str
    notes: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------
# planning

def _usable_fds(table: Table, data: TableNormalization) -> list[FD]:
    """The table's dependencies, minus those that only explain columns kept on purpose."""
    denormalized = data.relation.mask(n for n, c in table.columns.items() if c.denormalized)
    out = []
    for fd in data.fds:
        if fd.origin in ("primary key", "unique"):
            out.append(fd)
        elif fd.rhs & ~denormalized:
            out.append(FD(fd.lhs, fd.rhs & ~denormalized, fd.origin, fd.source))
    return out


def _key_of(relation: int, fds: list[FD]) -> int:
    """The smallest candidate key of a relation, under the dependencies projected onto it."""
    keys = candidate_keys(relation, project(fds, relation)).keys
    return min(keys, key=lambda k: (bin(k).count("1"), k))


def plan_relations(table: Table, data: TableNormalization, target: str, lhs: list[str] | None = None,
                   dependents: list[str] | None = None) -> tuple[int, list[int], list[str]]:
    """(the relation the table keeps, the other relations, lost dependencies)."""
    relation = data.relation
    universe = relation.all
    fds = _usable_fds(table, data)
    lost: list[str] = []
    order = ("1NF", "2NF", "3NF", "BCNF")
    if (lhs is None and target in ("3nf", "bcnf")
            and order.index(data.analysis.normal_form) >= order.index(target.upper())):
        return universe, [], []
    if lhs is not None:
        x = relation.mask(lhs)
        y = relation.mask(dependents or [])
        if not y:
            y = closure(x, fds) & universe & ~x & ~data.analysis.prime
        relations = [universe & ~y, x | y]
    elif target == "3nf":
        relations = synthesize_3nf(universe, fds)
    elif target == "bcnf":
        relations, lost_fds = decompose_bcnf(universe, fds)
        lost = [f"{', '.join(relation.names_of(fd.lhs))} -> {', '.join(relation.names_of(fd.rhs))}"
                for fd in lost_fds]
    else:
        raise NormalizeError(f"unknown target '{target}': use 3nf or bcnf")
    if len(relations) < 2:
        return universe, [], lost
    pk = relation.mask(table.primary_key) if table.primary_key else 0
    keys = data.analysis.keys.keys

    def rank(r: int):
        holds_pk = bool(pk) and r & pk == pk
        holds_key = any(r & k == k for k in keys)
        return (holds_pk, holds_key, bin(r).count("1"))

    kept = max(relations, key=rank)
    others = [r for r in relations if r != kept]
    # Pieces whose shared columns determine both are one-to-one slices of one thing: join
    # them (into the table itself when it is one of the two).
    def joinable(a: int, b: int) -> bool:
        joined = a | b
        return closure(a & b, fds) & joined == joined and (target != "bcnf" or _bcnf_safe(joined, fds))

    merged = True
    while merged:
        merged = False
        for r in others:
            if joinable(kept, r):
                kept |= r
                others.remove(r)
                merged = True
                break
        else:
            for i, a in enumerate(others):
                b = next((b for b in others[i + 1:] if joinable(a, b)), None)
                if b is not None:
                    others[i] = a | b
                    others.remove(b)
                    merged = True
                    break
    return kept, others, lost


def _bcnf_safe(relation: int, fds: list[FD]) -> bool:
    local = project(fds, relation)
    return all(closure(fd.lhs, local) & relation == relation for fd in local)


def _stem(column: str) -> str:
    for suffix in ("_id", "_code", "_key", "_no", "_number", "_uuid"):
        if column.endswith(suffix) and len(column) > len(suffix):
            return column[: -len(suffix)]
    return column


def _new_name(schema: Schema, table: Table, key: list[str], taken: set[str]) -> str:
    stems = [_stem(k) for k in key]
    base = "_".join(stems[:-1] + [_plural(stems[-1])])
    candidates = [base, f"{table.name}_{base}"]
    for candidate in candidates:
        if candidate not in schema.tables and candidate not in taken and candidate != table.name:
            return candidate
    n = 2
    while f"{base}_{n}" in schema.tables or f"{base}_{n}" in taken:
        n += 1
    return f"{base}_{n}"


def _fk_for(table: Table, columns: list[str], schema: Schema) -> ForeignKey | None:
    """A foreign key of `table` whose columns are exactly `columns` and point at a key."""
    wanted = set(columns)
    for fk in table.foreign_keys:
        if set(fk.columns) != wanted or fk.table not in schema.tables or fk.table == table.name:
            continue
        target = schema.tables[fk.table]
        if fk.target_columns is None or set(fk.target_columns) == set(target.primary_key):
            return fk
    return None


def plan(document: Document, table_name: str, target: str = "3nf", lhs: list[str] | None = None,
         dependents: list[str] | None = None) -> tuple[list[str], list[Piece], list[str]]:
    schema = document.schema
    table = schema.tables.get(table_name)
    if table is None:
        raise NormalizeError(f"no table '{table_name}' in this file")
    data = normalization_of(schema, table)
    kept, others, lost = plan_relations(table, data, target, lhs, dependents)
    names = data.relation.names_of
    fds = _usable_fds(table, data)
    pieces: list[Piece] = []
    holders: list[int | None] = []  # the relation that holds each piece's key
    taken: set[str] = set()
    for r in others:
        # of the piece's keys, prefer one the table keeps (it becomes the foreign key), then one
        # another piece holds
        piece_keys = sorted(candidate_keys(r, project(fds, r)).keys, key=lambda k: (bin(k).count("1"), k))
        key_mask = next((k for k in piece_keys if kept & k == k), None) or next(
            (k for k in piece_keys if any(o != r and o & k == k for o in others)), piece_keys[0])
        key = names(key_mask)
        # None: no single relation holds the key (BCNF can join a piece through two others)
        holder = kept if kept & key_mask == key_mask else next(
            (o for o in others if o != r and o & key_mask == key_mask), None)
        # the key first, then the other columns in the table's order
        piece = Piece(columns=key + [c for c in names(r) if c not in key], key=key,
                      other_keys=[names(k) for k in piece_keys if k != key_mask])
        fk = _fk_for(table, key, schema) if holder == kept else None
        if fk is not None:
            piece.merge_into = piece.name = fk.table
        else:
            piece.name = _new_name(schema, table, key, taken)
            taken.add(piece.name)
        pieces.append(piece)
        holders.append(holder)
    for piece, holder in zip(pieces, holders, strict=False):
        if holder is None:
            piece.referenced_by = None
        else:
            piece.referenced_by = table.name if holder == kept else pieces[others.index(holder)].name
    # declared dependencies travel with the piece they fit
    for dependency in table.dependencies:
        cols = {n for n, _ in dependency.lhs} | {n for n, _ in dependency.rhs}
        text = ", ".join(n for n, _ in dependency.lhs) + " -> " + ", ".join(n for n, _ in dependency.rhs)
        for p in pieces:
            if cols <= set(p.columns) and {n for n, _ in dependency.lhs} != set(p.key):
                p.dependencies.append(text)
                break
    return names(kept), pieces, lost


# ---------------------------------------------------------------------------
# text

def _column_text(column: Column, key_single: bool, fk: ForeignKey | None) -> str:
    parts = [column.type_text]
    if key_single:
        parts.append("pk")
    elif not column.nullable:
        parts.append("not null")
    if column.unique and not key_single:
        parts.append("unique")
    if column.default is not None:
        parts.append(f"default {column.default}")
    if fk is not None:
        target = f"references {fk.table}" + (f"({fk.target_columns[0]})" if fk.target_columns else "")
        if fk.on_delete:
            target += f" on delete {fk.on_delete}"
        if fk.on_update:
            target += f" on update {fk.on_update}"
        parts.append(target)
    if column.check:
        parts.append(f"check ({column.check})")
    if column.pii:
        parts.append("pii")
    return " ".join(parts)


def _inline_fk(table: Table, column: str) -> ForeignKey | None:
    return next((fk for fk in table.foreign_keys if fk.inline and fk.columns == [column]), None)


def _flow_list(names: list[str]) -> str:
    return "[" + ", ".join(names) + "]"


def _yaml_string(value: str) -> str:
    if re.fullmatch(r"[A-Za-z0-9_][\w ,.()/-]*", value) and not value.strip().endswith(":"):
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _piece_text(table: Table, piece: Piece, step: int, indent: int,
                references: dict[str, tuple[str, list[str]]]) -> str:
    """The YAML of a new table; `references` maps a column to (table, key) it should reference."""
    i1, i2, i3 = " " * indent, " " * (indent + step), " " * (indent + 2 * step)
    moved = [c for c in piece.columns if c not in piece.key]
    description = f"{', '.join(moved)} of {table.name}, by {', '.join(piece.key)}"
    lines = [f"{i1}{piece.name}:", f"{i2}description: {_yaml_string(description)}"]
    single = len(piece.key) == 1
    if not single:
        lines.append(f"{i2}primary_key: {_flow_list(piece.key)}")
    lines.append(f"{i2}columns:")
    composite: list[tuple[str, list[str]]] = []  # (referenced piece, its key) held by several columns
    for target, key in {(t, tuple(k)) for t, k in references.values()}:
        if len(key) > 1:
            composite.append((target, list(key)))
    for name in piece.columns:
        column = table.columns[name]
        fk = _inline_fk(table, name)
        ref = references.get(name)
        if ref is not None and len(ref[1]) == 1:
            fk = ForeignKey([name], [], ref[0], (0, 0), None, [], (0, 0), inline=True)
        text = _column_text(column, single and name in piece.key, fk)
        if not single and name in piece.key and "not null" not in text:
            text += " not null"
        lines.append(f"{i3}{name}: {text}")
    if piece.other_keys:
        lines.append(f"{i2}unique:")
        lines.extend(f"{i3}- {_flow_list(k)}" for k in piece.other_keys)
    if composite:
        lines.append(f"{i2}foreign_keys:")
        lines.extend(f"{i3}- {{columns: {_flow_list(key)}, references: \"{target}({', '.join(key)})\"}}"
                     for target, key in sorted(composite))
    if piece.dependencies:
        lines.append(f"{i2}dependencies:")
        lines.extend(f"{i3}- {d}" for d in piece.dependencies)
    return "\n".join(lines) + "\n"


def _table_node(text: str, table_name: str) -> tuple[Mapping, Scalar]:
    """The table's mapping and key, in block style (else NormalizeError)."""
    tables, key, node = find_table(text, table_name)
    # (a table's value comes with the `tables:` mapping and its key)
    if not isinstance(node, Mapping) or tables is None or key is None or tables.flow:
        raise NormalizeError(f"table '{table_name}' must be written in block style to be rewritten")
    if node.flow:
        raise NormalizeError(f"table '{table_name}' is written in flow style; write it in block style first")
    return node, key


def _list_entries_to_drop(text: str, node: Mapping, key: str, keep) -> list[TextEdit]:
    """Deletes the items of list `key` for which keep(index) is False (the whole key when none is kept)."""
    seq = node.get(key)
    if not isinstance(seq, Sequence) or not seq.items:
        return []
    drop = [i for i in range(len(seq.items)) if not keep(i)]
    if not drop:
        return []
    if len(drop) == len(seq.items):
        entry = mapping_entry(text, node, key)
        return [TextEdit(entry.start, entry.end, "")]
    if seq.flow:
        raise EditError(f"'{key}' is a flow-style list; write it in block style first")
    edits = []
    for i in drop:
        entry = sequence_item(text, seq, i)
        edits.append(TextEdit(entry.start, entry.end, ""))
    return edits


_WORD = re.compile(identifiers.NAME)


def normalize(text: str, table_name: str, target: str = "3nf", lhs: list[str] | None = None,
              dependents: list[str] | None = None, document: Document | None = None) -> Result:
    document = document or analyze(text)
    schema = document.schema
    table = schema.tables.get(table_name)
    if table is None:
        raise NormalizeError(f"no table '{table_name}' in this file")
    kept, pieces, lost = plan(document, table_name, target, lhs, dependents)
    if not pieces:
        return Result(table_name, [], [], [], lost, f"'{table_name}' is already in {target.upper()}")
    node, table_key = _table_node(text, table_name)
    columns_node = node.get("columns")
    if not isinstance(columns_node, Mapping) or columns_node.flow:
        raise NormalizeError(f"the columns of '{table_name}' must be a block mapping to be rewritten")
    kept_set = set(kept)
    moved = [c for c in table.columns if c not in kept_set]
    edits: list[TextEdit] = []
    for name in moved:
        entry = mapping_entry(text, columns_node, name)
        edits.append(TextEdit(entry.start, entry.end, ""))

    def fits_kept(cols) -> bool:
        return set(cols) <= kept_set

    # list entries that concern moved columns leave the table
    edits += _list_entries_to_drop(text, node, "dependencies", lambda i: fits_kept(
        [n for n, _ in table.dependencies[i].lhs + table.dependencies[i].rhs]) if i < len(table.dependencies) else True)
    declared_uniques = [u for u in table.uniques if not u.inline]
    edits += _list_entries_to_drop(text, node, "unique", lambda i: fits_kept(declared_uniques[i].columns)
                                   if i < len(declared_uniques) else True)
    edits += _list_entries_to_drop(text, node, "indexes", lambda i: fits_kept(
        [c.name for c in table.indexes[i].columns if not c.expression] + [n for n, _ in table.indexes[i].include])
        if i < len(table.indexes) else True)
    all_columns = set(table.columns)
    edits += _list_entries_to_drop(text, node, "checks", lambda i: fits_kept(
        set(_WORD.findall(table.checks[i][0])) & all_columns) if i < len(table.checks) else True)

    # the primary key must lie within what the table keeps
    if table.primary_key and not set(table.primary_key) <= kept_set:
        pk_node = node.get("primary_key")
        if pk_node is None:
            raise NormalizeError(
                f"the primary key of '{table_name}' ({', '.join(table.primary_key)}) would lose a column; "
                "declare it with primary_key: first so it can be rewritten")
        data = normalization_of(schema, table)
        new_key = data.relation.names_of(_key_of(data.relation.mask(kept), _usable_fds(table, data)))
        edits.append(TextEdit(pk_node.start, pk_node.end, _flow_list(new_key)))

    # foreign keys from the table to the pieces it holds the key of
    indent = column_of(text, table_key.start)
    step = max(child_indent(text, node) - indent, 1)
    col_indent = child_indent(text, columns_node)
    after_table = block_end(text, node)
    appended: list[str] = []
    new_fks: list[str] = []
    references: dict[str, dict[str, tuple[str, list[str]]]] = {p.name: {} for p in pieces}
    notes: list[str] = []
    for piece in pieces:
        if piece.merge_into is not None:
            continue  # the table references it already
        if piece.referenced_by is None:
            notes.append(f"{piece.name} ({', '.join(piece.key)}) joins back only through several tables: "
                         "no foreign key can tie it to one of them")
        elif piece.referenced_by == table.name:
            edits += _add_reference(text, table, columns_node, piece, new_fks, step, col_indent)
        else:
            references[piece.referenced_by].update({k: (piece.name, piece.key) for k in piece.key})
    if new_fks:
        fk_node = node.get("foreign_keys")
        if isinstance(fk_node, Sequence) and fk_node.items and not fk_node.flow:
            item_indent = column_of(text, sequence_item(text, fk_node, 0).start
                                    + whitespace_width(text, sequence_item(text, fk_node, 0).start))
            edits.append(TextEdit(block_end(text, fk_node), block_end(text, fk_node),
                                  "".join(f"{' ' * item_indent}- {fk}\n" for fk in new_fks)))
        else:
            appended.append(f"{' ' * (indent + step)}foreign_keys:\n"
                            + "".join(f"{' ' * (indent + 2 * step)}- {fk}\n" for fk in new_fks))
    # keys of what the table keeps that nothing declares yet become unique constraints, so the
    # table still says what the dependencies it loses used to imply
    data = normalization_of(schema, table)
    relation = data.relation
    kept_mask = relation.mask(kept)
    declared = [set(table.primary_key)] + [set(u.columns) for u in table.uniques]
    new_keys = [relation.names_of(k)
                for k in candidate_keys(kept_mask, project(_usable_fds(table, data), kept_mask)).keys
                if set(relation.names_of(k)) not in declared and set(relation.names_of(k)) <= kept_set]
    if table.primary_key and not set(table.primary_key) <= kept_set:
        new_keys = [k for k in new_keys if k != _rewritten_pk(text, edits, node)]
    if new_keys:
        unique_node = node.get("unique")
        if isinstance(unique_node, Sequence) and unique_node.items and not unique_node.flow:
            first = sequence_item(text, unique_node, 0)
            item_indent = column_of(text, first.start + whitespace_width(text, first.start))
            edits.append(TextEdit(block_end(text, unique_node), block_end(text, unique_node),
                                  "".join(f"{' ' * item_indent}- {_flow_list(k)}\n" for k in new_keys)))
        elif unique_node is None:
            appended.insert(0, f"{' ' * (indent + step)}unique:\n"
                            + "".join(f"{' ' * (indent + 2 * step)}- {_flow_list(k)}\n" for k in new_keys))
        else:
            raise NormalizeError(f"the unique: list of '{table_name}' must be in block style to be extended")

    # merged pieces: the referenced table gets the columns it lacks
    for piece in pieces:
        if piece.merge_into is None:
            continue
        target_table = schema.tables[piece.merge_into]
        copied = {c.column: c.target_column for c in normalization_of(schema, table).copies
                  if c.target_table == piece.merge_into and c.column in piece.columns}
        # a copy of one of the target's own columns simply goes: the target has it already
        piece.dropped_copies = copied
        missing = [c for c in piece.columns
                   if c not in piece.key and c not in target_table.columns and c not in copied]
        if missing:
            target_node, _ = _table_node(text, piece.merge_into)
            target_columns = target_node.get("columns")
            if not isinstance(target_columns, Mapping) or target_columns.flow:
                raise NormalizeError(f"the columns of '{piece.merge_into}' must be a block mapping")
            at = block_end(text, target_columns)
            ti = child_indent(text, target_columns)
            edits.append(TextEdit(at, at, "".join(
                f"{' ' * ti}{c}: {_column_text(table.columns[c], False, _inline_fk(table, c))}\n" for c in missing)))
    new_pieces = [p for p in pieces if p.merge_into is None]
    if new_pieces:
        blank = "\n" if text[after_table:after_table + 1] == "\n" or after_table >= len(text) else ""
        for piece in new_pieces:
            appended.append(("\n" if blank or appended else "") + _piece_text(table, piece, step, indent,
                                                                          references[piece.name]))
    if appended:
        if after_table >= len(text) and text and not text.endswith("\n"):
            appended.insert(0, "\n")
        edits.append(TextEdit(after_table, after_table, "".join(appended)))
    title = _title(table_name, moved, pieces, target, lhs)
    return Result(table_name, edits, pieces, moved, lost, title, notes)


def _rewritten_pk(text: str, edits: list[TextEdit], node: Mapping) -> list[str] | None:
    """The new primary key written by an edit of the `primary_key:` value, if any."""
    pk_node = node.get("primary_key")
    for edit in edits:
        if pk_node is not None and edit.start == pk_node.start and edit.new_text.startswith("["):
            return [c.strip() for c in edit.new_text.strip("[]").split(",")]
    return None


def _add_reference(text: str, table: Table, columns_node: Mapping, piece: Piece, new_fks: list[str],
                   step: int, col_indent: int) -> list[TextEdit]:
    key = piece.key
    if len(key) == 1 and _inline_fk(table, key[0]) is None:
        value = columns_node.get(key[0])
        if isinstance(value, Scalar) and value.style is None:
            return [TextEdit(value.end, value.end, f" references {piece.name}")]
        if isinstance(value, Mapping) and not value.flow and value.get("references") is None:
            at = block_end(text, value)
            return [TextEdit(at, at, f"{' ' * child_indent(text, value)}references: {piece.name}\n")]
    new_fks.append(f"{{columns: {_flow_list(key)}, references: \"{piece.name}({', '.join(key)})\"}}")
    return []


def _title(table: str, moved: list[str], pieces: list[Piece], target: str, lhs) -> str:
    if (lhs is not None and len(pieces) == 1 and pieces[0].dropped_copies
            and set(pieces[0].dropped_copies) >= set(moved)):
        piece = pieces[0]
        copies = ", ".join(f"{c} (a copy of {piece.name}.{t})" for c, t in piece.dropped_copies.items())
        return f"Remove {copies}: read it through {', '.join(piece.key)}"
    if lhs is not None and len(pieces) == 1:
        return f"Move {', '.join(c for c in pieces[0].columns if c not in pieces[0].key)} to {pieces[0].name}"
    return f"Normalize {table} to {target.upper()}: {', '.join(p.name for p in pieces)}"
