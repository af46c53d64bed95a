"""Fixes computed when they are asked for (a code action), not with every analysis.

Decomposing a table means reading the whole file again; doing that for each
finding on every keystroke would be wasted work, so such fixes are built here
from the diagnostic's `data` when the editor asks for the fixes at a place.
"""
from __future__ import annotations

from typing import Callable

from .diagnostics import Diagnostic, Fix, TextEdit
from .document import Document
from .syntax import Mapping, Sequence

NORMALIZATION_RULES = ("normalization/partial-dependency", "normalization/transitive-dependency",
                       "normalization/bcnf-violation", "normalization/duplicated-attribute")

DENORMALIZATION_RULES = NORMALIZATION_RULES + ("normalization/repeating-group", "normalization/multivalued-column")


def _move_fix(document: Document, d: Diagnostic) -> list[Fix]:
    from .refactor.normalize import NormalizeError, normalize
    from .refactor.text_edits import EditError

    if not d.data or d.table is None:
        return []
    try:
        result = normalize(document.text, d.table, "3nf", d.data["lhs"], d.data["dependents"], document=document)
    except (NormalizeError, EditError, KeyError):
        return []
    if not result.edits:
        return []
    return [Fix(result.title, tuple(result.edits), preferred=True)]


def _denormalized_fix(document: Document, d: Diagnostic) -> list[Fix]:
    """Records the finding as a deliberate choice under the table's `denormalized:`."""
    if d.table is None or d.column is None:
        return []
    from .refactor.text_edits import EditError, block_end, child_indent, column_of

    columns = list((d.data or {}).get("dependents") or [d.column])
    tables, node = _table_node(document, d.table)
    if not isinstance(node, Mapping) or node.flow:
        return []
    text = document.text
    reason = "explain why this is kept"
    existing = node.get("denormalized")
    try:
        if isinstance(existing, Mapping) and existing.items and not existing.flow:
            at = block_end(text, existing)
            indent = child_indent(text, existing)
            new = [c for c in columns if existing.get(c) is None]
            edit = TextEdit(at, at, "".join(f"{' ' * indent}{c}: {reason}\n" for c in new))
        elif existing is None:
            indent = child_indent(text, node)
            step = max(indent - column_of(text, tables.key_node(d.table).start), 1)
            at = block_end(text, node)
            edit = TextEdit(at, at, f"{' ' * indent}denormalized:\n"
                            + "".join(f"{' ' * (indent + step)}{c}: {reason}\n" for c in columns))
        else:
            return []
    except EditError:
        return []
    return [Fix(f"Keep {', '.join(columns)} on purpose (record it under denormalized:)", (edit,))]


def _table_node(document: Document, name: str):
    from .refactor.text_edits import find_table

    tables, _, node = find_table(document.text, name)
    return tables, node


def index_text(columns: list) -> str:
    """`user_id` or `(user_id, placed_at desc)`, as written in `indexes:`."""
    if len(columns) == 1 and not columns[0][1]:
        return columns[0][0]
    return "(" + ", ".join(f"{c} desc" if d else c for c, d in columns) + ")"


def add_index_edit(document: Document, table: str, columns: list) -> TextEdit | None:
    """Inserts an entry into the table's `indexes:` (creating the key when absent)."""
    from .refactor.text_edits import block_end, child_indent, column_of, line_start

    text = document.text
    tables, node = _table_node(document, table)
    if not isinstance(node, Mapping) or node.flow:
        return None
    entry = index_text(columns)
    indexes = node.get("indexes")
    if isinstance(indexes, Sequence) and indexes.items:
        if indexes.flow:
            last = indexes.items[-1]
            return TextEdit(last.end, last.end, f", '{entry}'" if "," in entry else f", {entry}")
        first = indexes.items[0]
        dash = text.rfind("-", line_start(text, first.start), first.start)
        indent = column_of(text, dash if dash != -1 else first.start)
        at = block_end(text, indexes)
        return TextEdit(at, at, f"{' ' * indent}- {entry}\n")
    if indexes is not None and not (isinstance(indexes, Sequence) or getattr(indexes, "is_null", False)):
        return None
    indent = child_indent(text, node)
    step = max(indent - column_of(text, tables.key_node(table).start), 1)
    if indexes is not None:  # `indexes:` with nothing under it
        key = node.key_node("indexes")
        at = line_start(text, key.start)
        end = block_end(text, key)
        return TextEdit(at, end, f"{' ' * indent}indexes:\n{' ' * (indent + step)}- {entry}\n")
    at = block_end(text, node)
    return TextEdit(at, at, f"{' ' * indent}indexes:\n{' ' * (indent + step)}- {entry}\n")


def _add_index_fix(document: Document, d: Diagnostic) -> list[Fix]:
    if not d.data or "columns" not in d.data:
        return []
    edit = add_index_edit(document, d.data["table"], d.data["columns"])
    if edit is None:
        return []
    return [Fix(f"Add index {index_text(d.data['columns'])} to {d.data['table']}", (edit,), preferred=True)]


def _remove_index_fix(document: Document, d: Diagnostic) -> list[Fix]:
    from .refactor.text_edits import EditError, mapping_entry, sequence_item

    if not d.data or "index" not in d.data:
        return []
    _, node = _table_node(document, d.data["table"])
    indexes = node.get("indexes") if isinstance(node, Mapping) else None
    position = d.data["index"]
    if not isinstance(indexes, Sequence) or not 0 <= position < len(indexes.items):
        return []
    try:
        if len(indexes.items) == 1:
            entry = mapping_entry(document.text, node, "indexes")
        else:
            entry = sequence_item(document.text, indexes, position)
    except EditError:
        return []
    title = "Remove redundant index" if d.rule == "index/redundant-index" else "Remove duplicate index"
    return [Fix(title, (TextEdit(entry.start, entry.end, ""),), preferred=True)]


LAZY_FIXES: dict[str, list[Callable[[Document, Diagnostic], list[Fix]]]] = {
    "index/fk-missing-index": [_add_index_fix],
    "index/query-missing-index": [_add_index_fix],
    "index/redundant-index": [_remove_index_fix],
    "index/duplicate-index": [_remove_index_fix],
}
for _rule in NORMALIZATION_RULES:
    LAZY_FIXES.setdefault(_rule, []).append(_move_fix)
for _rule in DENORMALIZATION_RULES:
    LAZY_FIXES.setdefault(_rule, []).append(_denormalized_fix)


def fixes_for(document: Document, d: Diagnostic) -> list[Fix]:
    fixes = list(d.fixes)
    for provider in LAZY_FIXES.get(d.rule, ()):
        try:
            fixes.extend(provider(document, d))
        except Exception:  # noqa: BLE001 - a fix that cannot be built is simply not offered
            continue
    return fixes
