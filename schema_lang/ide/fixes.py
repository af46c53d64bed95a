"""Fixes computed when they are asked for (a code action), not with every analysis.

Decomposing a table means reading the whole file again; doing that for each
finding on every keystroke would be wasted work, so such fixes are built here
from the diagnostic's `data` when the editor asks for the fixes at a place.
"""
from __future__ import annotations

from collections.abc import Callable

from ..core.diagnostics import Diagnostic, Fix, LineIndex, Reporter, TextEdit
from ..core.document import _IGNORE_RE, Document, find_suppressions
from ..core.lines import column_of, content_line_end, ends_inside_quotes, line_indent, line_start
from ..core.loader import scalar_base
from ..core.shorthand import parse_shorthand
from ..core.syntax import Mapping, Scalar, Sequence, parse_yaml
from ..core.types import SUGGESTIONS
from .hover import lookup_table
from .refactor.normalize import NormalizeError, normalize
from .refactor.text_edits import (
    EditError,
    block_end,
    child_indent,
    find_table,
    inside_scalar,
    mapping_entry,
    mapping_step,
    multiline_scalars,
    sequence_item,
    yaml_key,
)

NORMALIZATION_RULES = ("normalization/partial-dependency", "normalization/transitive-dependency",
                       "normalization/bcnf-violation", "normalization/duplicated-attribute")

DENORMALIZATION_RULES = NORMALIZATION_RULES + ("normalization/repeating-group", "normalization/multivalued-column")


def _move_fix(document: Document, d: Diagnostic) -> list[Fix]:

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

    tables, _, node = find_table(document.text, name)
    return tables, node


def index_text(columns: list) -> str:
    """`user_id` or `(user_id, placed_at desc)`, as written in `indexes:`."""
    if len(columns) == 1 and not columns[0][1]:
        return columns[0][0]
    return "(" + ", ".join(f"{c} desc" if d else c for c, d in columns) + ")"


def add_index_edit(document: Document, table: str, columns: list) -> TextEdit | None:
    """Inserts an entry into the table's `indexes:` (creating the key when absent)."""

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
    key = node.key_node("indexes")
    if indexes is not None and key is not None:  # `indexes:` with nothing under it
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


def _foreign_key_at(document: Document, d: Diagnostic):
    """(table, foreign key) whose referenced table name the diagnostic underlines."""
    table = document.schema.tables.get(d.table) if d.table else None
    if table is None:
        return None, None
    for fk in table.foreign_keys:
        if table.at(fk.table_span) == (d.start, d.end):
            return table, fk
    return table, None


def _create_table_fix(document: Document, d: Diagnostic) -> list[Fix]:
    """`references usrs` with no table usrs: append `usrs:` with a key of the referencing column's type."""

    table, fk = _foreign_key_at(document, d)
    if fk is None or d.table is None or lookup_table(document.schema, fk.table) is not None:
        return []  # (a foreign key is found only for a diagnostic naming its table)
    types = []
    for name in fk.columns:
        column = table.columns.get(name)
        types.append(column.type_text if column is not None and column.type is not None else "bigint")
    if fk.target_columns:
        keys = list(fk.target_columns)
    elif len(fk.columns) == 1:
        keys = ["id"]
    else:
        keys = list(fk.columns)
    if len(keys) != len(types):
        return []
    text = document.text
    tables, _ = _table_node(document, d.table)
    if not isinstance(tables, Mapping) or tables.flow or not tables.items:
        return []
    try:
        at = block_end(text, tables)
    except EditError:
        return []
    indent = child_indent(text, tables)
    step = mapping_step(text, tables)
    pad, inner = " " * (indent + step), " " * (indent + 2 * step)
    lines = [f"{' ' * indent}{yaml_key(fk.table)}:"]
    if len(keys) > 1:
        lines.append(f"{pad}primary_key: [{', '.join(yaml_key(k) for k in keys)}]")
        lines.append(f"{pad}columns:")
        lines += [f"{inner}{yaml_key(k)}: {t}" for k, t in zip(keys, types, strict=False)]
    else:
        lines.append(f"{pad}columns:")
        lines.append(f"{inner}{yaml_key(keys[0])}: {types[0]} pk")
    new_text = "\n".join(lines) + "\n"
    if at == len(text) and text and not text.endswith("\n"):
        new_text = "\n" + new_text
    return [Fix(f"Create table {fk.table}", (TextEdit(at, at, new_text),))]


def _add_primary_key_fix(document: Document, d: Diagnostic) -> list[Fix]:
    """Marks the column `id` as the key, or adds `id: bigint pk identity` as the first column."""

    table = document.schema.tables.get(d.table) if d.table else None
    if table is None or table.primary_key:
        return []
    text = document.text
    _, node = _table_node(document, table.name)
    columns = node.get("columns") if isinstance(node, Mapping) else None
    if not isinstance(columns, Mapping) or not columns.items:
        return []
    edit = None
    if "id" in table.columns:
        title = "Add primary key (mark column id pk)"
        cnode = columns.get("id")
        if isinstance(cnode, Scalar) and not cnode.is_null:
            base = scalar_base(cnode, text)
            short = parse_shorthand(cnode.value)
            if base is not None and short.type_text and not short.errors:
                if short.null is not None:
                    edit = TextEdit(base + short.null[0], base + short.null[1], "pk")
                else:
                    at = base + short.type_span[1]
                    edit = TextEdit(at, at, " pk")
        elif isinstance(cnode, Mapping) and cnode.items:
            existing = cnode.get("primary_key")
            nullable = cnode.get("nullable")
            if isinstance(nullable, Scalar) and nullable.value.strip().lower() in ("true", "yes", "on", "y", "t", "1"):
                edit = None
            elif existing is not None:
                edit = TextEdit(existing.start, existing.end, "true") if isinstance(existing, Scalar) else None
            elif cnode.flow:
                last = cnode.items[-1][1]
                end = last.end if not (isinstance(last, Scalar) and last.start == last.end) else cnode.items[-1][0].end
                edit = TextEdit(end, end, ", primary_key: true")
            else:
                try:
                    at = block_end(text, cnode)
                except EditError:
                    at = None
                if at is not None:
                    edit = TextEdit(at, at, f"{' ' * child_indent(text, cnode)}primary_key: true\n")
        if edit is None and isinstance(node, Mapping) and not node.flow:
            # the column cannot take the mark itself: name it in the table's primary_key
            first = node.items[0][0]
            at = line_start(text, first.start)
            title = "Add primary key (primary_key: [id])"
            edit = TextEdit(at, at, f"{' ' * child_indent(text, node)}primary_key: [id]\n")
    else:
        title = "Add primary key (new column id bigint pk identity)"
        first = columns.items[0][0]
        if columns.flow:
            edit = TextEdit(first.start, first.start, "id: bigint pk identity, ")
        else:
            at = line_start(text, first.start)
            edit = TextEdit(at, at, f"{' ' * child_indent(text, columns)}id: bigint pk identity\n")
    return [Fix(title, (edit,))] if edit is not None else []


def _suggested_type_fix(document: Document, d: Diagnostic) -> list[Fix]:
    """`serial` -> `int identity`, `blob` -> `bytes`: the type other systems call so, when the
    replacement is one definite type."""

    if d.fixes or not d.table or not d.column:
        return []
    table = document.schema.tables.get(d.table)
    column = table.columns.get(d.column) if table else None
    if table is None or column is None:
        return []
    start, end = table.at(column.type_span)
    written = document.text[start:end]
    suggestion = SUGGESTIONS.get(" ".join(written.lower().split()))
    if not suggestion or " or " in suggestion or "(n)" in suggestion or " (" in suggestion:
        return []
    if "identity" in suggestion and column.identity:
        suggestion = suggestion.replace(" identity", "")
    return [Fix(f"Change to '{suggestion}'", (TextEdit(start, end, suggestion),))]


# ---------------------------------------------------------------------------
# ignore comments

SUPPRESSIBLE_EXCEPT = ("syntax/", "internal/")


def _parsed_root(text: str):

    cached = _ROOTS.get(text)
    if cached is None:
        if len(_ROOTS) >= 2:
            _ROOTS.clear()
        cached = _ROOTS[text] = parse_yaml(text).root
    return cached


_ROOTS: dict[str, object] = {}


def _ignore_comment(text: str, line_start_offset: int, line_end_offset: int):
    """The trailing or own-line ignore comment on a line: (match, is_own_line), or None."""

    line = text[line_start_offset:line_end_offset]
    for match in _IGNORE_RE.finditer(line):
        before = line[:match.start()]
        if not ends_inside_quotes(before):
            return match, before.strip() == ""
    return None


def _merge_edit(line_start_offset: int, match, rule: str) -> TextEdit | None:
    """`ignore[a]` -> `ignore[a, rule]`; None for a bare `ignore` (it silences every rule already)."""
    if match.group(1) is None:
        return None
    inner = match.group(1)
    at = line_start_offset + match.end(1)
    trimmed = inner.rstrip()
    at -= len(inner) - len(trimmed)
    return TextEdit(at, at, f", {rule}" if trimmed.strip() else rule)


def ignore_fix(document: Document, d: Diagnostic) -> Fix | None:
    """"Ignore <rule> on this line": `# schema-lang: ignore[rule]` at the end of the line where the
    diagnostic starts, merged into an ignore comment already there; on a line of its own above
    (with the line's indentation) when the end of the line lies inside a quoted or block scalar.
    None when neither place works (the diagnostic starts inside a multi-line value) or the rule
    cannot be ignored (syntax/*, internal/*)."""

    rule = d.rule
    if rule.startswith(SUPPRESSIBLE_EXCEPT):
        return None
    text, lines = document.text, document.lines
    line = lines.position(d.start).line
    start = lines.line_starts[line]
    eol = content_line_end(text, start)
    spans = multiline_scalars(text, _parsed_root(text))
    candidates: list[tuple[TextEdit, int]] = []  # (edit, the diagnostic's line after it)
    if inside_scalar(text, spans, eol) is None:
        existing = _ignore_comment(text, start, eol)
        if existing is not None and not existing[1]:
            merged = _merge_edit(start, existing[0], rule)
            if merged is not None:
                candidates.append((merged, line))
        else:
            candidates.append((TextEdit(eol, eol, f"  # schema-lang: ignore[{rule}]"), line))
    if inside_scalar(text, spans, start) is None:
        # a line of its own above: merged into an ignore comment there, else a new one
        above = _ignore_comment(text, lines.line_starts[line - 1], start - 1) if line > 0 else None
        merged = _merge_edit(lines.line_starts[line - 1], above[0], rule) if above and above[1] else None
        if merged is not None:
            candidates.append((merged, line))
        candidates.append((TextEdit(start, start, f"{line_indent(text, start)}# schema-lang: ignore[{rule}]\n"),
                           line + 1))
    for edit, new_line in candidates:
        # the comment must silence the diagnostic's line as the analysis reads it
        new_text = text[:edit.start] + edit.new_text + text[edit.end:]
        found = find_suppressions(new_text, LineIndex(new_text), Reporter()).get(new_line, frozenset())
        if found is None or rule in found:
            return Fix(f"Ignore {rule} on this line", (edit,))
    return None


LAZY_FIXES: dict[str, list[Callable[[Document, Diagnostic], list[Fix]]]] = {
    "index/fk-missing-index": [_add_index_fix],
    "index/query-missing-index": [_add_index_fix],
    "index/redundant-index": [_remove_index_fix],
    "index/duplicate-index": [_remove_index_fix],
    "reference/unknown-table": [_create_table_fix],
    "design/missing-primary-key": [_add_primary_key_fix],
    "schema/unknown-type": [_suggested_type_fix],
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
