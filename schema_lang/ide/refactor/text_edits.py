"""Line-level editing of block-style YAML through the positioned node tree."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

from ...core.diagnostics import TextEdit
from ...core.lines import column_of, line_end, line_start
from ...core.syntax import Mapping, Node, Scalar, Sequence, parse_yaml, walk


class EditError(ValueError):
    """The text is not laid out in a way this edit can handle (e.g. flow style)."""


def apply_edits(text: str, edits: list[TextEdit]) -> str:
    """Applies non-overlapping edits, all computed against `text`."""
    out = []
    pos = 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        if edit.start < pos:
            raise ValueError(f"overlapping edits at {edit.start}")
        out.append(text[pos:edit.start])
        out.append(edit.new_text)
        pos = edit.end
    out.append(text[pos:])
    return "".join(out)


def last_content_offset(node: Node) -> int:
    """The last offset that belongs to the node's own text (block nodes end after their newline)."""
    if isinstance(node, Scalar):
        return max(node.start, node.end - 1)
    items = node.items if isinstance(node, Sequence) else [v for _, v in node.items]
    if not items:
        return max(node.start, node.end - 1)
    last = items[-1]
    if isinstance(node, Mapping) and isinstance(last, Scalar) and last.end == last.start:
        return node.items[-1][0].end  # `key:` with an empty value
    return last_content_offset(last)


@dataclass(slots=True)
class Entry:
    """A block mapping entry or sequence item, by whole lines."""

    start: int  # start of its first line
    end: int  # just past the newline of its last line


def mapping_entry(text: str, mapping: Mapping, key: str) -> Entry:
    if mapping.flow:
        raise EditError("flow-style mappings are not edited; write the mapping in block style")
    for k, v in mapping.items:
        if k.value == key:
            return Entry(line_start(text, k.start), line_end(text, last_content_offset(v)))
    raise KeyError(key)


def sequence_item(text: str, sequence: Sequence, index: int) -> Entry:
    if sequence.flow:
        raise EditError("flow-style lists are not edited; write the list in block style")
    item = sequence.items[index]
    dash = text.rfind("-", line_start(text, item.start), item.start + 1)
    start = line_start(text, dash if dash != -1 else item.start)
    return Entry(start, line_end(text, last_content_offset(item)))


def block_end(text: str, node: Node) -> int:
    """Where new lines go to follow a block node: just past its last content line."""
    return line_end(text, last_content_offset(node))


def child_indent(text: str, mapping: Mapping) -> int:
    if mapping.items:
        return column_of(text, mapping.items[0][0].start)
    return column_of(text, mapping.start)


def find_table(text: str, name: str) -> tuple[Mapping | None, Scalar | None, Node | None]:
    """(the `tables:` mapping, the table's key, the table's value) in the file's node tree."""

    root = parse_yaml(text).root
    tables = root.get("tables") if isinstance(root, Mapping) else None
    if not isinstance(tables, Mapping):
        return None, None, None
    return tables, tables.key_node(name), tables.get(name)


_PLAIN_KEY = re.compile(r"[^\W\d][\w$.\-]*(?: [\w$.\-]+)*")
_NOT_PLAIN = frozenset({"null", "~"})  # every other plain scalar reads back as the string it is


def yaml_key(name: str) -> str:
    """`name` written as a YAML mapping key: plain when that reads back as the same string,
    else double-quoted."""
    if _PLAIN_KEY.fullmatch(name) and name.lower() not in _NOT_PLAIN:
        return name
    return json.dumps(name, ensure_ascii=False)


def multiline_scalars(text: str, root: Node | None) -> list[tuple[int, int, bool]]:
    """(start, end, is a block scalar) of every scalar in the tree that spans several lines:
    a comment added at the end of a line inside it could land inside the value."""

    out = []
    seen: set[int] = set()
    for node in walk(root):
        if isinstance(node, Scalar) and id(node) not in seen:
            seen.add(id(node))
            if "\n" in text[node.start:node.end].rstrip():
                out.append((node.start, node.end, node.style in ("|", ">")))
    return out


def inside_scalar(text: str, spans: list[tuple[int, int, bool]], offset: int) -> tuple[int, int, bool] | None:
    """The multi-line scalar (from `multiline_scalars`) whose value goes on past `offset`: text put
    at `offset` would become part of it (a block scalar holds every line up to its end)."""
    for span in spans:
        a, b, block = span
        if a < offset < b and (block or text[offset:b].strip()):
            return span
    return None


def mapping_step(text: str, mapping: Mapping, default: int = 2) -> int:
    """How far the file indents a block mapping's children past a key: measured on the first
    entry of `mapping` whose value is a block mapping with entries."""
    for key, value in mapping.items:
        if isinstance(value, Mapping) and value.items and not value.flow:
            step = child_indent(text, value) - column_of(text, key.start)
            if step > 0:
                return step
    return default
