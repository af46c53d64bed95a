"""Formatting: minimal text edits that tidy a schema file without re-writing it.

The file is never dumped again: comments, blank lines, key order and quoting stay
as they are.  What changes:

- block indentation, to one step per level (the step the file mostly uses, else
  `indent`, else 2).  Block mappings and sequences are re-indented; every other line
  (the rest of a multi-line value, a block scalar's content, a flow collection
  spread over lines) moves with the line it belongs to, so a block scalar keeps
  its layout.  Sequences written at their key's column (`key:` / `- item`) stay so;
- the column shorthand: one space between the type and each modifier, keywords in
  lower case (`NOT NULL` -> `not null`), built-in type names in lower case without
  spaces in their parameters (`DECIMAL(10, 2)` -> `decimal(10,2)`).  Names, strings,
  defaults and check conditions are kept as written.  A long-form column's `type:`
  is tidied the same way;
- trailing whitespace, and the end of the file: exactly one line break.

Edits are offsets into the text (code points).  Nothing is changed when the text
has a YAML syntax error, and the result is checked before it is returned: it must
read as the same YAML tree, with each tidied shorthand meaning the same.  A group of
changes that would fail that check is left out.
"""
from __future__ import annotations

import bisect
import difflib
import itertools
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import yaml

from ..core.diagnostics import TextEdit
from ..core.lines import Lines, content_line_end, line_end, newline_of
from ..core.shorthand import Shorthand, Token, parse_shorthand, tokenize
from ..core.syntax import Mapping, Node, Scalar, Sequence, parse_yaml
from ..core.types import TypeError_, parse_type

DEFAULT_STEP = 2

__all__ = ["detect_step", "format_edits", "format_text", "normalize_shorthand", "normalize_type"]


# ---------------------------------------------------------------------------
# the shorthand

def _type_parts(type_text: str) -> tuple[str, str | None, int] | None:
    """(name, parameter text or None, array depth) of a type as the shorthand reads it."""
    text = type_text.strip()
    depth = 0
    while True:
        stripped = text.rstrip()
        if stripped.endswith("[]"):
            depth += 1
            text = stripped[:-2]
        else:
            text = stripped
            break
    args = None
    if text.endswith(")"):
        open_ = text.find("(")
        if open_ < 0:
            return None
        args = text[open_ + 1:-1]
        text = text[:open_].rstrip()
    if not text or "(" in text or ")" in text:
        return None
    return text, args, depth


@lru_cache(maxsize=1 << 14)
def normalize_type(type_text: str, enum_names: frozenset[str] = frozenset()) -> str:
    """The tidy spelling of a column type: built-in names in lower case, no spaces in
    parameters or before `[]`.  Enum names (matched exactly), inline enum values and
    anything that does not parse are kept as written."""
    try:
        before = parse_type(type_text, enum_names)
    except TypeError_:
        return type_text
    parts = _type_parts(type_text)
    if parts is None:
        return type_text
    name, args, depth = parts
    words = name.split()
    if before.scalar.base == "enum" and before.scalar.enum_values:  # enum(a, b): the values stay as written
        if depth or len(words) != 1 or args is None:
            return type_text
        candidate = words[0].lower() + "(" + args + ")"
    else:
        if name in enum_names:
            new_name = " ".join(words)
        else:
            new_name = " ".join(words).lower()
            if new_name in enum_names:  # lower case would name an enum instead
                new_name = " ".join(words)
        candidate = new_name
        if args is not None:
            candidate += "(" + ",".join(a.strip() for a in args.split(",")) + ")"
        candidate += "[]" * depth
    try:
        after = parse_type(candidate, enum_names)
    except TypeError_:
        return type_text
    return candidate if after == before else type_text


_FLAGS = (("not_null", "not null"), ("null", "null"), ("unique", "unique"), ("identity", "identity"),
          ("pii", "pii"))


def _meaning(short: Shorthand, enum_names: frozenset[str]) -> tuple:
    try:
        type_key: object = parse_type(short.type_text, enum_names)
    except TypeError_:
        type_key = short.type_text
    return (type_key, short.primary_key is not None, short.not_null is not None, short.null is not None,
            short.unique is not None, short.identity is not None, short.pii is not None, short.default,
            short.references_table, [c for c, _ in short.references_columns], short.references_span is not None,
            short.on_delete, short.on_update, short.check, short.was)


def _token_before(tokens: list[Token], offset: int) -> Token | None:
    before = [t for t in tokens if t.end <= offset]
    return before[-1] if before else None


@lru_cache(maxsize=1 << 14)
def normalize_shorthand(value: str, enum_names: frozenset[str] = frozenset()) -> str | None:
    """The tidy spelling of a column shorthand, or None when it is left as written
    (it has errors, or tidying could change what it means)."""
    short = parse_shorthand(value)
    if short.errors or not short.type_text:
        return None
    tokens, _ = tokenize(value)
    segments: list[tuple[int, int, str]] = [
        (short.type_span[0], short.type_span[1], normalize_type(short.type_text, enum_names))]
    if short.primary_key is not None:
        s, e = short.primary_key
        segments.append((s, e, "pk" if value[s:e].lower() == "pk" else "primary key"))
    for attr, word in _FLAGS:
        span = getattr(short, attr)
        if span is not None:
            segments.append((span[0], span[1], word))
    if short.default_span is not None:
        keyword = _token_before(tokens, short.default_span[0])
        if keyword is None or keyword.lower != "default":
            return None
        s, e = short.default_span
        segments.append((keyword.start, e, "default " + value[s:e]))
    if short.references_span is not None and short.references_table_span is not None:
        s, e = short.references_table_span
        target = value[s:e]
        if short.references_span[1] > e:  # (column) given
            target += "(" + ", ".join(value[a:b] for _, (a, b) in short.references_columns) + ")"
        segments.append((short.references_span[0], short.references_span[1], "references " + target))
    for attr, event in (("on_delete", "delete"), ("on_update", "update")):
        span = getattr(short, attr + "_span")
        if span is not None:
            segments.append((span[0], span[1], f"on {event} {getattr(short, attr)}"))
    if short.check_span is not None:
        s, e = short.check_span
        paren = next((t for t in tokens if t.start > s and t.text == "("), None)
        if paren is None or paren.start >= e:
            return None
        segments.append((s, e, "check " + value[paren.start:e]))
    if short.was_span is not None:
        keyword = _token_before(tokens, short.was_span[0])
        if keyword is None or keyword.lower != "was":
            return None
        s, e = short.was_span
        segments.append((keyword.start, e, "was " + value[s:e]))
    segments.sort()
    # every token must belong to exactly one segment, or something was not understood
    for (_, end, _), (start, _, _) in itertools.pairwise(segments):
        if start < end:
            return None
    starts = [s for s, _, _ in segments]
    for token in tokens:
        i = bisect.bisect_right(starts, token.start) - 1
        if i < 0 or token.end > segments[i][1]:
            return None
    result = " ".join(text for _, _, text in segments)
    if result == value:
        return value
    after = parse_shorthand(result)
    if after.errors or _meaning(after, enum_names) != _meaning(short, enum_names):
        return None
    return result


# ---------------------------------------------------------------------------
# indentation

class _Bail(Exception):
    """The layout is not one this formatter re-indents with confidence."""


_T = yaml.tokens
_STARTS = (_T.BlockMappingStartToken, _T.BlockSequenceStartToken)
_FLOW_OPEN = (_T.FlowMappingStartToken, _T.FlowSequenceStartToken)
_FLOW_CLOSE = (_T.FlowMappingEndToken, _T.FlowSequenceEndToken)

_SCAN_LOADER: type[yaml.CSafeLoader | yaml.SafeLoader]
try:  # libyaml's scanner is many times faster; its marks are the same code-point offsets
    _SCAN_LOADER = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _SCAN_LOADER = yaml.SafeLoader

# A new column is `levels * step + extra`, the step being chosen once the whole file is read.
_Column = tuple[int, int]


@dataclass(slots=True)
class _Layout:
    owners: dict[int, tuple[int, _Column]]  # line -> (old column, new column) of its first token
    frames: dict[int, tuple]  # line -> the open block collections ((old, new), ...) when it starts
    continuation: set[int]  # lines that belong to a value begun on an earlier line
    block_scalar: dict[int, int]  # content line of a block scalar -> the scalar's content indentation
    samples: list[int]  # the indentation steps the file shows


def _scan(text: str) -> list:
    return list(yaml.scan(text, Loader=_SCAN_LOADER))


def _layout(text: str, lines: Lines, tokens: list) -> _Layout:
    owners: dict[int, tuple[int, _Column]] = {}
    frames: dict[int, tuple] = {}
    continuation: set[int] = set()
    block_scalar: dict[int, int] = {}
    samples: list[int] = []
    stack: tuple = ()  # ((old column, new column), ...)
    touched = -1  # the last line a token started on (tokens come in order)
    flow = 0
    flow_line = 0
    documents = 0
    starts = lines.starts
    indents = lines.indents
    of = lines.line_of
    for token in tokens:
        kind = type(token)
        if kind is _T.BlockEndToken:
            if not stack:
                raise _Bail
            stack = stack[:-1]
            continue
        if kind is _T.StreamStartToken or kind is _T.StreamEndToken:
            continue
        start = token.start_mark.index
        line = of(start)
        column = start - starts[line]
        first = line != touched and column == indents[line]
        touched = line
        if kind in _FLOW_CLOSE:
            flow -= 1
            if flow == 0:
                continuation.update(range(flow_line + 1, line + 1))
            continue
        if flow:
            if kind in _FLOW_OPEN:
                flow += 1
            continue
        if kind is _T.DirectiveToken or kind is _T.DocumentEndToken:
            raise _Bail
        if kind is _T.DocumentStartToken:
            documents += 1
            if documents > 1 or stack or not first:
                raise _Bail
            owners[line] = (column, (0, column))
            frames[line] = ()
            continue
        if kind is _T.KeyToken and text.startswith("?", start):
            raise _Bail  # explicit keys
        if first:
            if kind in _STARTS:
                if stack:
                    parent_old, (levels, extra) = stack[-1]
                    samples.append(column - parent_old)
                    new = (levels + 1, extra)
                else:
                    new = (0, 0)
                stack = stack + ((column, new),)
            elif kind is _T.KeyToken or kind is _T.BlockEntryToken:
                if not stack or stack[-1][0] != column:
                    raise _Bail
                new = stack[-1][1]
            elif kind is _T.ValueToken:
                raise _Bail
            else:  # a value on a line of its own
                new = (stack[-1][1][0] + 1, stack[-1][1][1]) if stack else (0, 0)
            owners[line] = (column, new)
            frames[line] = stack
        elif kind in _STARTS:  # after `- ` or a key on the same line: it moves with that line
            owner = owners.get(line)
            if owner is None:
                raise _Bail
            old, (levels, extra) = owner
            stack = stack + ((column, (levels, extra + column - old)),)
        if kind in _FLOW_OPEN:
            flow_line = line
            flow = 1
        elif kind is _T.ScalarToken:
            end = token.end_mark.index
            last = of(end - 1) if end > start else line
            if last > line:
                rest = range(line + 1, last + 1)
                continuation.update(rest)
                if token.style in ("|", ">"):
                    content = [indents[i] for i in rest if not lines.blanks[i]]
                    indent = min(content) if content else 1 << 30
                    for i in rest:
                        block_scalar[i] = indent
    if flow or stack:
        raise _Bail
    return _Layout(owners, frames, continuation, block_scalar, samples)


def _choose_step(samples: list[int], fallback: int | None) -> int:
    counts = Counter(s for s in samples if s > 0)
    if counts:
        return counts.most_common(1)[0][0]
    return fallback if fallback and fallback > 0 else DEFAULT_STEP


def detect_step(text: str, fallback: int | None = None) -> int:
    """The indentation step the file mostly uses (`fallback`, else 2, when it shows none)."""
    try:
        layout = _layout(text, Lines(text), _scan(text))
    except (yaml.YAMLError, _Bail):
        return fallback if fallback and fallback > 0 else DEFAULT_STEP
    return _choose_step(layout.samples, fallback)


def _indent_edits(text: str, lines: Lines, fallback: int | None) -> list[TextEdit]:
    try:
        layout = _layout(text, lines, _scan(text))
        targets = _targets(lines, layout, _choose_step(layout.samples, fallback))
    except (yaml.YAMLError, _Bail):
        return []
    edits = []
    for line, new in targets.items():
        old = lines.indents[line]
        start = lines.starts[line]
        if new > old:
            edits.append(TextEdit(start, start, " " * (new - old)))
        elif new < old:
            edits.append(TextEdit(start, start + old - new, ""))
    return edits


def _targets(lines: Lines, layout: _Layout, step: int) -> dict[int, int]:
    """line -> its new indentation, for the lines that move."""
    owners = {line: (old, levels * step + extra) for line, (old, (levels, extra)) in layout.owners.items()}
    owner_lines = sorted(owners)
    out: dict[int, int] = {}
    delta = 0
    for line in range(lines.count):
        spaces = lines.indents[line]
        owner = owners.get(line)
        if owner is not None:
            old, new = owner
            delta = new - old
            if delta:
                out[line] = new
            continue
        if line in layout.continuation:
            if lines.blanks[line]:
                indent = layout.block_scalar.get(line)
                width = lines.content_ends[line] - lines.starts[line]
                # a blank line inside a block scalar keeps the spaces past the indentation (they are content)
                if indent is not None and width > indent and delta:
                    if width + delta < 0 or lines.content(line) != " " * width:
                        raise _Bail
                    out[line] = width + delta
                continue
            if delta:
                if spaces + delta < 0:
                    raise _Bail
                out[line] = spaces + delta
            continue
        if lines.blanks[line]:
            continue
        if not lines.content(line).lstrip(" ").startswith("#"):
            raise _Bail  # a line the token walk did not account for
        # a comment line: aligned with the next or the previous entry, or an enclosing one
        i = bisect.bisect_left(owner_lines, line)
        nxt = owner_lines[i] if i < len(owner_lines) else None
        prev = owner_lines[i - 1] if i > 0 else None
        candidates = []
        if nxt is not None:
            candidates.append(owners[nxt])
        if prev is not None:
            candidates.append(owners[prev])
        for around in (prev, nxt):
            if around is not None:
                candidates.extend((old, levels * step + extra)
                                  for old, (levels, extra) in reversed(layout.frames.get(around, ())))
        for old, new in candidates:
            if old == spaces:
                if new != old:
                    out[line] = new
                break
    return out


# ---------------------------------------------------------------------------
# trailing whitespace and the end of the file

def _protected_lines(text: str, lines: Lines, root: Node | None) -> tuple[set[int], dict[int, int]]:
    """Lines whose end lies inside a quoted or block scalar (their trailing spaces are
    content), and for block scalar content lines the scalar's content indentation."""
    protected: set[int] = set()
    block: dict[int, int] = {}
    seen: set[int] = set()
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, Mapping):
            for key, value in node.items:
                stack.append(key)
                stack.append(value)
        elif isinstance(node, Sequence):
            stack.extend(node.items)
        elif node.style is not None:
            first = lines.line_of(node.start)
            last = lines.line_of(max(node.start, node.end - 1))
            if node.style in ("|", ">"):
                rest = range(first + 1, last + 1)
                content = [lines.spaces(i) for i in rest if not lines.blank(i)]
                indent = min(content) if content else 1 << 30
                for i in rest:
                    protected.add(i)
                    block[i] = indent
            else:
                protected.update(range(first, last))
    return protected, block


def _whitespace_edits(text: str, lines: Lines, protected: set[int], block: dict[int, int]) -> list[TextEdit]:
    edits = []
    for line in range(lines.count):
        start, end = lines.starts[line], lines.content_ends[line]
        content = text[start:end]
        if line in protected:
            indent = block.get(line)
            # a blank line of a block scalar: spaces up to its indentation mean nothing
            if indent is not None and content and not content.strip(" ") and len(content) <= indent:
                edits.append(TextEdit(start, end, ""))
            continue
        stripped = content.rstrip(" \t")
        if len(stripped) < len(content):
            edits.append(TextEdit(start + len(stripped), end, ""))
    return edits


def _end_of_file_edit(text: str) -> list[TextEdit]:
    body = text.rstrip()
    if not body:
        return []
    newline = newline_of(text)
    # the tail starts at the line break after the last line with content (at the end when there is none)
    end = line_end(text, len(body))
    tail = content_line_end(text, len(body)) if text[end - 1:end] == "\n" else len(text)
    if text[tail:] == newline:
        return []
    return [TextEdit(tail, len(text), newline)]


# ---------------------------------------------------------------------------
# the shorthand inside the YAML tree

_PLAIN_FIRST = set("-?:,[]{}#&*!|>'\"%@`")


def _fits(new: str, node: Scalar, in_flow: bool) -> bool:
    """Whether `new` can replace the value in place, quoted (or not) the way it is."""
    if node.style == "'":
        return "'" not in new
    if node.style == '"':
        return '"' not in new and "\\" not in new
    if not new or new[0] in _PLAIN_FIRST or new != new.strip() or ": " in new or " #" in new or new.endswith(":"):
        return False
    return not (in_flow and any(c in new for c in ",[]{}"))


def _source_value(text: str, node: Scalar) -> tuple[int, int] | None:
    """(start, end) of the value in the source when it is written out 1:1 on one line."""
    if node.style is None:
        start, end = node.start, node.end
    elif node.style in ("'", '"'):
        start, end = node.start + 1, node.end - 1
    else:
        return None
    if text[start:end] != node.value or "\n" in node.value:
        return None
    return start, end


@lru_cache(maxsize=1 << 14)
def _changes(old: str, new: str) -> tuple[tuple[int, int, str], ...]:
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    return tuple((i1, i2, new[j1:j2]) for op, i1, i2, j1, j2 in matcher.get_opcodes() if op != "equal")


def _diff_edits(base: int, old: str, new: str) -> list[TextEdit]:
    return [TextEdit(base + i1, base + i2, replacement) for i1, i2, replacement in _changes(old, new)]


def _shorthand_edits(text: str, root: Node | None, overrides: dict[int, str]) -> list[TextEdit]:
    if not isinstance(root, Mapping):
        return []
    enums = root.get("enums")
    enum_names = frozenset(enums.keys()) if isinstance(enums, Mapping) else frozenset()
    tables = root.get("tables")
    if not isinstance(tables, Mapping):
        return []
    edits: list[TextEdit] = []
    done: set[int] = set()

    def tidy(node: Node | None, in_flow: bool, how) -> None:
        if not isinstance(node, Scalar) or node.is_null or id(node) in done:
            return
        done.add(id(node))
        where = _source_value(text, node)
        if where is None:
            return
        new = how(node.value)
        if new is None or new == node.value or not _fits(new, node, in_flow):
            return
        overrides[id(node)] = new
        edits.extend(_diff_edits(where[0], node.value, new))

    for _, table in tables.items:
        if not isinstance(table, Mapping):
            continue
        columns = table.get("columns")
        if not isinstance(columns, Mapping):
            continue
        for _, column in columns.items:
            flow = tables.flow or table.flow or columns.flow
            if isinstance(column, Scalar):
                tidy(column, flow, lambda v: normalize_shorthand(v, enum_names))
            elif isinstance(column, Mapping):
                tidy(column.get("type"), flow or column.flow, lambda v: normalize_type(v, enum_names))
    return edits


# ---------------------------------------------------------------------------
# checking the result

def _plain(node: Node | None, overrides: dict[int, str]):
    if node is None:
        return None
    if isinstance(node, Scalar):
        return None if node.is_null else overrides.get(id(node), node.value)
    if isinstance(node, Mapping):
        return {k.value: _plain(v, overrides) for k, v in node.items}
    return [_plain(item, overrides) for item in node.items]


def _apply(text: str, edits: list[TextEdit]) -> str:
    out, pos = [], 0
    for edit in edits:
        out.append(text[pos:edit.start])
        out.append(edit.new_text)
        pos = edit.end
    out.append(text[pos:])
    return "".join(out)


def _syntax_error(parsed) -> bool:
    return any(d.rule == "syntax/yaml" for d in parsed.diagnostics)


# ---------------------------------------------------------------------------
# the entry points

def format_edits(text: str, start: int | None = None, end: int | None = None,
                 indent: int | None = None) -> list[TextEdit]:
    """The edits that format `text` (all of it, or the lines that [start, end) touches),
    sorted and non-overlapping.  `indent` is the indentation step to use when the file
    shows none of its own (default 2)."""
    if not text.strip():
        return []
    parsed = parse_yaml(text)
    if _syntax_error(parsed) or parsed.root is None:
        return []
    lines = Lines(text)
    overrides: dict[int, str] = {}
    shorthand = _shorthand_edits(text, parsed.root, overrides)
    indentation = _indent_edits(text, lines, indent)
    protected, block = _protected_lines(text, lines, parsed.root)
    whitespace = _whitespace_edits(text, lines, protected, block)
    eof = _end_of_file_edit(text)
    if eof:  # the blank lines at the end go with the end of the file
        whitespace = [e for e in whitespace if e.end <= eof[0].start]

    if start is not None or end is not None:
        lo = max(0, min(start if start is not None else 0, len(text)))
        hi = max(lo, min(end if end is not None else len(text), len(text)))
        first, last = lines.line_of(lo), lines.line_of(hi - 1 if hi > lo else lo)

        def inside(edit: TextEdit) -> bool:
            return first <= lines.line_of(edit.start) and lines.line_of(max(edit.start, edit.end - 1)) <= last

        shorthand_in = [e for e in shorthand if inside(e)]
        if len(shorthand_in) != len(shorthand):
            # a shorthand partly outside the range is left alone: drop its value from the check too
            kept = {(e.start, e.end) for e in shorthand_in}
            shorthand, overrides = _restrict_shorthand(text, parsed.root, kept)
        indentation = [e for e in indentation if inside(e)]
        whitespace = [e for e in whitespace if inside(e)]
        eof = [e for e in eof if inside(e)]

    expected = _plain(parsed.root, overrides)
    everything = sorted(shorthand + indentation + whitespace + eof, key=lambda e: (e.start, e.end))
    if not everything or _verified(_apply(text, everything), expected):
        return everything
    # something does not read back the same: keep each group of changes that does
    accepted: list[TextEdit] = []
    tidied = False  # whether the shorthand changes are among those accepted
    for group in (shorthand, whitespace, indentation, eof):
        if not group:
            continue
        trial = sorted(accepted + group, key=lambda e: (e.start, e.end))
        with_shorthand = tidied or group is shorthand
        if _verified(_apply(text, trial), expected if with_shorthand else _plain(parsed.root, {})):
            accepted, tidied = trial, with_shorthand
    return accepted


def _restrict_shorthand(text: str, root: Node | None, kept: set[tuple[int, int]]):
    """The shorthand edits of the scalars all of whose edits are in `kept`."""
    overrides: dict[int, str] = {}
    _shorthand_edits(text, root, overrides)
    nodes = {}
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, Mapping):
            for _k, v in node.items:
                stack.append(v)
        elif isinstance(node, Sequence):
            stack.extend(node.items)
        elif isinstance(node, Scalar) and id(node) in overrides:
            nodes[id(node)] = node
    edits: list[TextEdit] = []
    final: dict[int, str] = {}
    for key, new in overrides.items():
        node = nodes.get(key)
        if node is None:
            continue
        where = _source_value(text, node)
        if where is None:  # not reached: tidy() overrides only values written out 1:1
            continue
        mine = _diff_edits(where[0], node.value, new)
        if all((e.start, e.end) in kept for e in mine):
            edits.extend(mine)
            final[key] = new
    return edits, final


def _verified(new_text: str, expected) -> bool:
    after = parse_yaml(new_text)
    return not _syntax_error(after) and _plain(after.root, {}) == expected


def format_text(text: str, indent: int | None = None) -> str:
    """The formatted text."""
    return _apply(text, format_edits(text, indent=indent))
