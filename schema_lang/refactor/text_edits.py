"""Line-level editing of block-style YAML through the positioned node tree."""
from __future__ import annotations

from dataclasses import dataclass

from ..diagnostics import TextEdit
from ..syntax import Mapping, Node, Scalar, Sequence


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


def line_start(text: str, offset: int) -> int:
    return text.rfind("\n", 0, offset) + 1


def line_end(text: str, offset: int) -> int:
    """The offset just past the newline of the line holding `offset`."""
    end = text.find("\n", offset)
    return len(text) if end == -1 else end + 1


def column_of(text: str, offset: int) -> int:
    return offset - line_start(text, offset)


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
    from ..syntax import parse_yaml

    root = parse_yaml(text).root
    tables = root.get("tables") if isinstance(root, Mapping) else None
    if not isinstance(tables, Mapping):
        return None, None, None
    return tables, tables.key_node(name), tables.get(name)
