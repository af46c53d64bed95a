"""Fixes computed when they are asked for (a code action), not with every analysis.

Decomposing a table means reading the whole file again; doing that for each
finding on every keystroke would be wasted work, so such fixes are built here
from the diagnostic's `data` when the editor asks for the fixes at a place.
"""
from __future__ import annotations

from typing import Callable

from .diagnostics import Diagnostic, Fix, TextEdit
from .document import Document
from .syntax import Mapping, parse_yaml

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

    root = parse_yaml(document.text).root
    tables = root.get("tables") if isinstance(root, Mapping) else None
    node = tables.get(d.table) if isinstance(tables, Mapping) else None
    if not isinstance(node, Mapping) or node.flow:
        return []
    text = document.text
    reason = "explain why this is kept"
    existing = node.get("denormalized")
    try:
        if isinstance(existing, Mapping) and existing.items and not existing.flow:
            at = block_end(text, existing)
            edit = TextEdit(at, at, f"{' ' * child_indent(text, existing)}{d.column}: {reason}\n")
        elif existing is None:
            indent = child_indent(text, node)
            key_column = column_of(text, tables.key_node(d.table).start)
            step = max(indent - key_column, 1)
            at = block_end(text, node)
            edit = TextEdit(at, at, f"{' ' * indent}denormalized:\n{' ' * (indent + step)}{d.column}: {reason}\n")
        else:
            return []
    except EditError:
        return []
    return [Fix(f"Keep {d.column} on purpose (record it under denormalized:)", (edit,))]


LAZY_FIXES: dict[str, list[Callable[[Document, Diagnostic], list[Fix]]]] = {}
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
