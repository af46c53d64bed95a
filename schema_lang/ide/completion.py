"""Completion: what may be typed at the cursor, found from the text around it.

The text being typed is usually not valid YAML (nor a valid shorthand), so the
context is read from the lines themselves: the cursor line's indentation and
its parent keys above it, a flow collection (`{...}`, `[...]`) open on the
line, and the tokens of a column shorthand before the cursor.  Names (tables,
columns, enums) come from the current text where it can be read line by line,
and from the last analysis of the document for the rest.

Offsets are code-point indexes into the text, like everywhere in the engine.
"""
from __future__ import annotations

import re
import typing
from dataclasses import dataclass, field
from typing import Any, Literal, cast

from pydantic import BaseModel

from ..core import spec
from ..core.lines import Line, Lines, comment_start, indent_step, read_line, top_keys
from ..core.shorthand import ACTIONS, parse_shorthand, tokenize
from ..core.syntax import Mapping, Scalar, parse_yaml
from ..core.types import ALIASES, BUILTIN_TYPES, parse_type
from ..dialects import DIALECTS
from ..rules import RULES
from ..sql import identifiers

KINDS = ("keyword", "table", "column", "type", "enum", "enum-value", "rule", "snippet", "property", "value")


@dataclass(slots=True)
class CompletionItem:
    label: str
    kind: str  # one of KINDS
    detail: str | None = None
    documentation: str | None = None  # markdown
    insert_text: str | None = None  # None: the label
    is_snippet: bool = False  # insert_text uses ${1:placeholders}
    replace: tuple[int, int] = (0, 0)  # the span of the partial word it replaces
    sort_text: str | None = None
    filter_text: str | None = None

    @property
    def text(self) -> str:
        return self.label if self.insert_text is None else self.insert_text


# ---------------------------------------------------------------------------
# where the cursor is

@dataclass(slots=True)
class _Context:
    path: list[str]  # keys from the root; "[]" for a list item
    mode: str  # "key": typing a key of the mapping at `path`; "value": the value of path[-1]
    before: str  # the value's text (or the key's) up to the cursor
    lines: list[int | None]  # the line of each path element, when known
    flow: bool = False  # inside a flow collection
    present: list[str] = field(default_factory=list)  # keys already in the mapping (key mode)
    quote: str | None = None  # the value is a quoted YAML scalar
    value_start: int = 0  # offset of the value's first character
    value_end: int = 0  # offset of the end of the value (for SQL read as a whole)
    after_colon: bool = False  # the cursor follows `key:` directly: a value needs a space first


def _flow_scan(text: str):
    """The innermost open flow collection in `text` (which starts with `{` or `[`):
    (path suffix, mode, fragment offset, keys of the innermost mapping or items of the innermost
    list before the cursor's), or None if all are closed."""
    stack: list[list] = []  # [opener, key, fragment start, keys, suffix element]
    quote = None
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if quote is not None:
            if ch == "\\" and quote == '"':
                i += 1
            elif ch == quote:
                if quote == "'" and text[i + 1:i + 2] == "'":
                    i += 1
                else:
                    quote = None
            i += 1
            continue
        at_start = not stack or not text[stack[-1][2]:i].strip()
        if ch in "'\"" and stack and at_start:
            quote = ch
        elif ch in "[{" and at_start:
            element = None
            if stack:
                parent = stack[-1]
                element = "[]" if parent[0] == "[" else parent[1]
            stack.append([ch, None, i + 1, [], element])
        elif ch in "]}" and stack:
            stack.pop()
            if not stack:
                return None
        elif ch == "," and stack:
            top = stack[-1]
            if top[0] == "[":
                top[3].append(text[top[2]:i].strip())  # the items before the cursor's
            top[1] = None
            top[2] = i + 1
        elif (ch == ":" and stack and stack[-1][0] == "{" and stack[-1][1] is None
              and (i + 1 == n or text[i + 1] in " \t\r\n,}]")):
            top = stack[-1]
            key = text[top[2]:i].strip()
            if len(key) >= 2 and key[0] == key[-1] and key[0] in "'\"":
                key = key[1:-1]
            top[1] = key
            top[3].append(key)
            top[2] = i + 1
        i += 1
    if not stack:
        return None
    suffix = [frame[4] for frame in stack[1:]]
    if any(s is None for s in suffix):
        return None
    top = stack[-1]
    start = top[2]
    while start < n and text[start] in " \t\r\n":
        start += 1
    if top[0] == "{" and top[1] is None:
        return suffix, "key", start, top[3]
    suffix.append("[]" if top[0] == "[" else top[1])
    return suffix, "value", start, top[3]


def _context(text: Lines, offset: int) -> _Context | None:
    number = text.line_of(offset)
    raw = text.content(number)
    col = offset - text.starts[number]
    prefix = raw[:col]
    comment = comment_start(raw)
    if comment is not None and comment < col:
        return _Context(["#"], "comment", raw[comment:col], [number])
    current = read_line(number, text.starts[number], prefix)
    suffix: list[str] = []
    suffix_lines: list[int | None] = []
    if current.blank:
        start_col, after_dash = len(prefix) if not prefix.strip() else current.indent, False
    elif current.dashes:
        start_col, after_dash = current.dashes[0], True
        suffix += ["[]"] * len(current.dashes)
        suffix_lines += [number] * len(current.dashes)
    else:
        start_col, after_dash = current.key_col, False
    # the parent keys, from the lines above
    path: list[str] = []
    lines: list[int | None] = []
    min_col = start_col
    continued: Line | None = None
    if min_col > 0:
        for i in range(number - 1, -1, -1):
            threshold = min_col + (1 if after_dash else 0)
            indent = text.content_indent(i)
            if indent < 0 or indent >= threshold:
                continue  # deeper: a sibling's content, or the lines of a multi-line value
            line = text.line(i)
            key_parent = line.key is not None and line.key_col < threshold
            item_owner = line.key is None and bool(line.dashes) and bool(line.value) and line.dashes[-1] < min_col
            if line.value and (key_parent or item_owner):
                # a value that goes on below: what was found so far (and the cursor) is inside it
                path, lines, suffix, suffix_lines = [], [], [], []
                continued = line
            if key_parent:
                path.insert(0, cast(str, line.key))  # key_parent: it has one
                lines.insert(0, i)
                min_col, after_dash = line.key_col, False
                dashes = line.dashes
            elif item_owner:
                path.insert(0, "[]")  # the item's text goes on below
                lines.insert(0, i)
                min_col, after_dash = line.dashes[-1], True
                dashes = line.dashes[:-1]
            else:
                dashes = line.dashes
            for dash in reversed(dashes):
                if dash < min_col:
                    path.insert(0, "[]")
                    lines.insert(0, i)
                    min_col, after_dash = dash, True
            if min_col == 0:
                break
    if continued is not None:
        # inside a multi-line value (a block scalar, a plain scalar or a flow collection)
        value = continued.value
        value_start = continued.start + continued.value_col
        if value[:1] and value[0] in "|>":
            value_start = text.starts[continued.number + 1] if continued.number + 1 < text.count else offset
        ctx = _Context(path, "value", text.text[value_start:offset], lines, value_start=value_start,
                       value_end=text.value_end(continued.number))
        return _apply_flow(ctx, offset)
    path += suffix
    lines += suffix_lines
    if current.blank or (current.key is None and not current.dashes):
        # typing a key (or nothing yet)
        word_start = text.starts[number] + (current.key_col if not current.blank else len(prefix))
        ctx = _Context(path, "key", text.text[word_start:offset], lines, value_start=word_start)
        ctx.present = _present_keys(text, number, start_col)
        if not current.blank and current.value[:1] and current.value[0] in "[{":
            ctx.mode = "value"
            return _apply_flow(ctx, offset)
        return ctx
    if current.key is not None:
        path.append(current.key)
        lines.append(number)
    value_start = text.starts[number] + current.value_col
    ctx = _Context(path, "value", text.text[value_start:offset], lines, value_start=value_start,
                   value_end=text.value_end(number))
    ctx.after_colon = current.key is not None and prefix.endswith(":")
    return _apply_flow(ctx, offset)


def _apply_flow(ctx: _Context, offset: int) -> _Context:
    before = ctx.before
    if before[:1] and before[0] in "[{":
        scanned = _flow_scan(before)
        if scanned is None:
            return _Context(ctx.path, "none", "", ctx.lines)
        suffix, mode, start, keys = scanned
        ctx.path = ctx.path + suffix
        ctx.lines = ctx.lines + [None] * len(suffix)
        ctx.mode = mode
        ctx.before = before[start:]
        ctx.value_start += start
        ctx.flow = True
        ctx.present = list(keys)
        ctx.after_colon = mode == "value" and before[start - 1:start] == ":" and start == len(before)
    elif before[:1] and before[0] in "'\"":
        ctx.quote = before[0]
        ctx.before = before[1:]
        ctx.value_start += 1
    return ctx


def _present_keys(text: Lines, number: int, col: int) -> list[str]:
    """The keys already written at column `col` around line `number` (same mapping)."""
    if col == 0:
        own = (text.starts[number], text.starts[number + 1] if number + 1 < text.count else len(text.text) + 1)
        return [_unquote(key) for at, key in top_keys(text.text) if not own[0] <= at < own[1]]
    keys = []
    for step in (-1, 1):
        i = number + step
        while 0 <= i < text.count:
            indent = text.content_indent(i)
            i += step
            if indent < 0 or indent > col:
                continue
            line = text.line(i - step)
            if line.indent < col and not (line.dashes and line.key_col == col):
                break
            if line.key is None or line.key_col != col:
                continue
            if line.dashes:  # the start of a list item: ours when looking up, the next one when down
                if step == -1:
                    keys.append(line.key)
                break
            keys.append(line.key)
    return keys


# ---------------------------------------------------------------------------
# names in the schema

@dataclass(slots=True)
class _TableInfo:
    name: str
    line: int | None = None  # its key's line in the current text
    description: str | None = None


class _Names:
    """Tables, columns and enums: from the current text, then from the last analysis."""

    def __init__(self, text: Lines, document) -> None:
        self.text = text
        self.schema = getattr(document, "schema", None)
        self._tables: dict[str, _TableInfo] | None = None
        self._enums: dict[str, list[str]] | None = None

    def tables(self) -> dict[str, _TableInfo]:
        if self._tables is None:
            tables: dict[str, _TableInfo] = {}
            number = self.text.top_key_line("tables")
            if number is not None:
                for line in self.text.children(number):
                    key = cast(str, line.key)  # children() gives key lines only
                    tables.setdefault(key, _TableInfo(key, line.number))
            if self.schema is not None:
                for name, table in self.schema.tables.items():
                    info = tables.setdefault(name, _TableInfo(name))
                    info.description = table.description
            self._tables = tables
        return self._tables

    def columns(self, table: str, line: int | None = None) -> dict[str, str]:
        """Column name -> its type text, of `table`."""
        out: dict[str, str] = {}
        if line is None:
            info = self.tables().get(table)
            line = info.line if info else None
        if line is not None:
            for key_line in self.text.children(line):
                if key_line.key != "columns":
                    continue
                if key_line.value[:1] == "{":
                    out.update(_flow_columns(key_line.value))
                    continue
                for column in self.text.children(key_line.number):
                    out[cast(str, column.key)] = _type_of(self.text, column)  # children() gives key lines only
        if self.schema is not None and table in self.schema.tables:
            for name, column in self.schema.tables[table].columns.items():
                if not out.get(name):
                    out[name] = column.type_text
        return out

    def column_descriptions(self, table: str) -> dict[str, str]:
        if self.schema is None or table not in self.schema.tables:
            return {}
        return {n: c.description for n, c in self.schema.tables[table].columns.items() if c.description}

    def enums(self) -> dict[str, list[str]]:
        if self._enums is None:
            enums: dict[str, list[str]] = {}
            number = self.text.top_key_line("enums")
            if number is not None:
                for line in self.text.children(number):
                    key = cast(str, line.key)  # children() gives key lines only
                    if line.value[:1] == "[":
                        enums[key] = _flow_list(line.value)
                    else:
                        enums[key] = [_unquote(item.value) for item in self.text.items(line.number)]
            if self.schema is not None:
                for name, enum in self.schema.enums.items():
                    if not enums.get(name):
                        enums[name] = list(enum.values)
            self._enums = enums
        return self._enums

    def dialect(self) -> str:
        match = re.search(r"(?m)^dialect[ \t]*:[ \t]*['\"]?([A-Za-z0-9_]+)", self.text.text)
        if match:
            return match.group(1).lower()
        if self.schema is not None:
            return self.schema.dialect.name
        return "postgresql"


def _unquote(value: str) -> str:
    """A YAML value without its quotes (SQL names: identifiers.unquote)."""
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def _flow_list(value: str) -> list[str]:
    inner = value.strip()[1:]
    if inner.endswith("]"):
        inner = inner[:-1]
    return [_unquote(part) for part in inner.split(",") if part.strip()]


def _flow_columns(value: str) -> dict[str, str]:

    root = parse_yaml(value).root
    out = {}
    if isinstance(root, Mapping):
        for key, node in root.items:
            out[key.value] = parse_shorthand(node.value).type_text if isinstance(node, Scalar) else ""
    return out


def _type_of(text: Lines, column: Line) -> str:
    if column.value and column.value[:1] not in "{|>":
        return parse_shorthand(_unquote(column.value)).type_text
    if column.value[:1] == "{":
        match = re.search(r"\btype\s*:\s*(\"[^\"]*\"|'[^']*'|[^,}]+)", column.value)
        return _unquote(match.group(1)) if match else ""
    for child in text.children(column.number):
        if child.key == "type":
            return _unquote(child.value)
    return ""


# ---------------------------------------------------------------------------
# the parts of the file format, from spec.py

_FALLBACK_DOCS = {
    "schema": "the schema's name (required)",
    "dialect": "the target database: postgresql, mysql or sqlite",
    "context": "how the schema is used: read/write ratio, consistency, compliance, volumes",
    "enums": "named enum types: a name and its list of values",
    "tables": "the tables, by name",
    "queries": "important queries, by name, with how often they run",
    "columns": "the columns, by name: shorthand `type modifiers` or long form",
    "primary_key": "the primary key's columns (a composite key; one column is usually marked `pk`)",
    "unique": "unique constraints over several columns",
    "indexes": "indexes: `col`, `(a, b desc)` or a mapping with columns, name, unique, where, using, include",
    "checks": "table-level check constraints, one SQL condition per item",
    "foreign_keys": "foreign keys, including composite ones",
    "nullable": "SQL semantics: nullable unless false",
    "identity": "values generated by the database",
    "pii": "the column holds personal data",
    "check": "a check constraint on the column",
    "sql": "the SQL text",
    "name": "the constraint's or index's name",
    "on_delete": "cascade, restrict, set null, set default or no action",
    "on_update": "cascade, restrict, set null, set default or no action",
    "consistency": "acid or eventual",
    "multi_region": "deployed in several regions",
}

def _model_for(path: list[str]) -> type[BaseModel] | None:
    """The pydantic model of the mapping at `path`."""
    n = len(path)
    if n == 0:
        return spec.SchemaSpec
    if path == ["context"]:
        return spec.ContextSpec
    if path == ["options"]:
        return spec.GenerationOptionsSpec
    if path[0] == "tables":
        if n == 2:
            return spec.TableSpec
        if n == 4 and path[2] == "columns":
            return spec.ColumnSpec
        if n == 5 and path[2] == "columns" and path[4] == "references":
            return spec.ReferenceSpec
        if n == 4 and path[2:] == ["indexes", "[]"]:
            return spec.IndexSpec
        if n == 4 and path[2:] == ["foreign_keys", "[]"]:
            return spec.ForeignKeySpec
    if path[0] == "queries" and n == 2:
        return spec.QuerySpec
    return None


def _fields(model: type[BaseModel]) -> list[tuple[str, Any]]:
    return [(info.alias or name, info) for name, info in model.model_fields.items()]


def _strip_optional(annotation) -> list:
    """The alternatives of an annotation, without None and Annotated wrappers."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _strip_optional(typing.get_args(annotation)[0])
    if origin is typing.Union or (origin is not None and str(origin) == "<class 'types.UnionType'>"):
        out = []
        for arg in typing.get_args(annotation):
            if arg is not type(None):
                out += _strip_optional(arg)
        return out
    return [annotation]


def _shape(annotation) -> str:
    shapes = []
    for alt in _strip_optional(annotation):
        origin = typing.get_origin(alt)
        if origin is Literal:
            shapes.append("one of: " + ", ".join(str(a) for a in typing.get_args(alt)))
        elif origin is dict or (isinstance(alt, type) and issubclass(alt, BaseModel)):
            shapes.append("mapping")
        elif origin is list:
            shapes.append("list")
        elif alt is bool:
            shapes.append("boolean")
        elif alt is int:
            shapes.append("number")
        else:
            shapes.append("text")
    seen = []
    for s in shapes:
        if s not in seen:
            seen.append(s)
    return " or ".join(seen)


def _field_values(info) -> list[str]:
    values: list[str] = []
    for alt in _strip_optional(info.annotation):
        if typing.get_origin(alt) is Literal:
            values += [str(a) for a in typing.get_args(alt)]
        elif alt is bool:
            values += ["true", "false"]
    return values


# ---------------------------------------------------------------------------
# building items

class _Builder:
    def __init__(self, text: Lines, offset: int, snippets: bool, word: tuple[int, int]) -> None:
        self.text = text
        self.offset = offset
        self.snippets = snippets
        self.word = word
        self.items: list[CompletionItem] = []
        self.group = 0

    @property
    def partial(self) -> str:
        return self.text.text[self.word[0]:self.offset]

    def add(self, label: str, kind: str, detail: str | None = None, documentation: str | None = None,
            insert: str | None = None, snippet: str | None = None, replace: tuple[int, int] | None = None,
            filter_text: str | None = None) -> None:
        is_snippet = snippet is not None and self.snippets
        self.items.append(CompletionItem(
            label=label, kind=kind, detail=detail, documentation=documentation,
            insert_text=snippet if is_snippet else insert, is_snippet=is_snippet,
            replace=replace or self.word, sort_text=f"{self.group:02d}{len(self.items):04d}",
            filter_text=filter_text))


def _word_span(text: str, offset: int, chars: str) -> tuple[int, int]:
    pattern = re.compile(rf"[\w{chars}]")
    start = offset
    while start > 0 and pattern.match(text[start - 1]):
        start -= 1
    end = offset
    while end < len(text) and pattern.match(text[end]):
        end += 1
    return start, end


def _escape_snippet(text: str) -> str:
    return text.replace("\\", "\\\\").replace("$", "\\$").replace("}", "\\}")


def complete(text: str, offset: int, document=None, snippets: bool = True) -> list[CompletionItem]:
    """Completion items at `offset` of `text`.  `document` is the last analysis of
    the document (its names are used where the current text cannot be read)."""
    offset = max(0, min(offset, len(text)))
    lines = Lines(text)
    ctx = _context(lines, offset)
    if ctx is None or ctx.mode == "none":
        return []
    names = _Names(lines, document)
    path = ctx.path
    if ctx.mode == "comment":
        return _ignore_comment(lines, offset, ctx, snippets)
    chars = "/-" if path[:1] == ["rules"] else ""
    build = _Builder(lines, offset, snippets, _word_span(text, offset, chars))
    if ctx.mode == "key":
        _keys(build, ctx, names)
    else:
        _values(build, ctx, names)
    return build.items


# ---------------------------------------------------------------------------
# keys

def _keys(build: _Builder, ctx: _Context, names: _Names) -> None:
    path = ctx.path
    if path == ["tables"] and not ctx.flow:
        _new_table(build, ctx)
        return
    if path[:1] == ["rules"] and len(path) == 1:
        _rule_items(build, exclude=set(ctx.present), as_key=not _colon_follows(build))
        return
    if len(path) == 3 and path[0] == "tables" and path[2] == "denormalized":
        table = path[1]
        for name, type_text in names.columns(table, ctx.lines[1]).items():
            if name not in ctx.present:
                build.add(name, "column", type_text or None, insert=_key_text(build, ctx, name, "text"))
        return
    model = _model_for(path)
    if model is None:
        return
    for key, info in _fields(model):
        if key in ctx.present:
            continue
        shape = _shape(info.annotation)
        doc = info.description or _FALLBACK_DOCS.get(key)
        required = info.is_required()
        detail = ("required, " if required else "") + shape
        build.add(key, "property", detail, doc, insert=_key_text(build, ctx, key, shape))


def _colon_follows(build: _Builder) -> bool:
    return build.text.text[build.word[1]:build.word[1] + 1] == ":"


def _key_text(build: _Builder, ctx: _Context, key: str, shape: str) -> str:
    if _colon_follows(build):
        return key
    if ctx.flow or shape not in ("mapping", "list"):
        return key + ": "
    number = build.text.line_of(build.offset)
    col = build.word[0] - build.text.starts[number]
    child = " " * (col + indent_step(build.text.text))
    return key + ":\n" + child + ("- " if shape == "list" else "")


def _new_table(build: _Builder, ctx: _Context) -> None:
    number = build.text.line_of(build.offset)
    col = build.word[0] - build.text.starts[number]
    step = " " * indent_step(build.text.text)
    pad = " " * col
    body = [f"{pad}{step}columns:",
            f"{pad}{step}{step}id: bigint pk identity",
            f"{pad}{step}{step}created_at: timestamptz not null default now()",
            f"{pad}{step}{step}updated_at: timestamptz not null default now()"]
    partial = build.partial
    name = partial or "new_table"
    plain = "\n".join([f"{name}:"] + body)
    snippet = "\n".join(["${1:" + _escape_snippet(name) + "}:"] + [_escape_snippet(b) for b in body]) + "$0"
    build.add("new table", "snippet", "a table with id, created_at and updated_at",
              "```yaml\n" + plain + "\n```", insert=plain, snippet=snippet, filter_text=partial or None)


# ---------------------------------------------------------------------------
# values

def _values(build: _Builder, ctx: _Context, names: _Names) -> None:
    path = ctx.path
    n = len(path)
    if n == 0:
        return
    if path[0] == "tables" and n >= 3:
        table, line = path[1], ctx.lines[1]
        part = path[2]
        rest = path[3:]
        if part == "columns":
            if n == 4:
                _shorthand(build, ctx, names, table, line)
                return
            if n == 5 and path[4] == "type":
                _types(build, names)
                return
            if n == 5 and path[4] == "references":
                _reference(build, ctx, names)
                return
            if n == 5 and path[4] == "default":
                type_text = _long_form_type(build.text, ctx)
                _defaults(build, ctx, names, type_text)
                return
            if n == 6 and path[4] == "references" and path[5] == "table":
                _tables(build, names)
                return
        elif part in ("primary_key", "unique", "dependencies", "checks") or \
                (part == "indexes" and rest[:1] == ["[]"]
                 and (len(rest) == 1 or rest[1:2] in (["columns"], ["include"]))):
            _column_list(build, ctx, names, table, line, asc_desc=(part == "indexes" and len(rest) == 1))
            if part == "indexes" and len(rest) == 1 and not ctx.flow and " " not in ctx.before \
                    and "," not in ctx.before:
                _item_keys(build, ctx, spec.IndexSpec)
            return
        elif part == "foreign_keys" and rest[:1] == ["[]"]:
            if len(rest) == 1 and not ctx.flow and " " not in ctx.before:
                _item_keys(build, ctx, spec.ForeignKeySpec)
                return
            if rest[1:2] == ["columns"]:
                _column_list(build, ctx, names, table, line)
                return
            if rest[1:] == ["references"]:
                _reference(build, ctx, names, columns_key=False)
                return
        elif part == "partition_by" and n == 3:
            _partition(build, ctx, names, table, line)
            return
    if path[0] == "queries" and (n == 2 or (n == 3 and path[2] == "sql")):
        _sql(build, ctx, names)
        return
    if path[0] == "rules" and n == 2:
        for level in typing.get_args(spec.SeverityName):
            build.add(level, "value", "severity", insert=_value_text(ctx, level))
        return
    # a key with a fixed set of values (dialect, consistency, on_delete, using, booleans, ...)
    model = _model_for(path[:-1])
    if model is not None:
        info = dict(_fields(model)).get(path[-1])
        if info is not None:
            for value in _field_values(info):
                build.add(value, "value", _shape(info.annotation), insert=_value_text(ctx, value))


def _value_text(ctx: _Context, text: str) -> str:
    return (" " + text) if ctx.after_colon else text


def _item_keys(build: _Builder, ctx: _Context, model: type[BaseModel]) -> None:
    for key, info in _fields(model):
        shape = _shape(info.annotation)
        detail = ("required, " if info.is_required() else "") + shape
        build.add(key, "property", detail, info.description or _FALLBACK_DOCS.get(key),
                  insert=key + ": ")


def _tables(build: _Builder, names: _Names, after_colon: bool = False) -> None:
    for name, info in names.tables().items():
        build.add(name, "table", info.description or "table", insert=(" " + name) if after_colon else None)


def _reference(build: _Builder, ctx: _Context, names: _Names, columns_key: bool = True) -> None:
    """`table` or `table(column, ...)`."""
    head = ctx.before[:len(ctx.before) - len(build.partial)]
    match = re.match(r"\s*(\"[^\"]*\"|[^\s(]+)\s*\(([^)]*)$", head)
    if match:
        table = identifiers.unquote(match.group(1), '"')
        used = {identifiers.unquote(p, '"') for p in match.group(2).split(",")}
        _columns_of(build, names, table, exclude=used)
        return
    if not head.strip():
        _tables(build, names, ctx.after_colon)


def _columns_of(build: _Builder, names: _Names, table: str, line: int | None = None,
                exclude: set[str] | frozenset[str] = frozenset(), detail_prefix: str = "") -> None:
    descriptions = names.column_descriptions(table)
    for name, type_text in names.columns(table, line).items():
        if name in exclude:
            continue
        build.add(name, "column", (detail_prefix + type_text) if type_text else (detail_prefix.rstrip(" ·") or None),
                  descriptions.get(name))


_LIST_WORD = re.compile(r"[\w$]+|\"[^\"]*\"")


def _column_list(build: _Builder, ctx: _Context, names: _Names, table: str, line: int | None,
                 asc_desc: bool = False) -> None:
    head = ctx.before[:len(ctx.before) - len(build.partial)]
    if asc_desc and re.search(r"[\w\"]\s+$", head):
        for word, doc in (("asc", "ascending order (the default)"), ("desc", "descending order")):
            build.add(word, "keyword", doc)
        return
    if head and not re.search(r"(^|[\s,(\[>-])$", head):
        return
    used = {w.strip('"') for w in _LIST_WORD.findall(" ".join([*ctx.present, head]))}
    _columns_of(build, names, table, line, exclude=used)


def _partition(build: _Builder, ctx: _Context, names: _Names, table: str, line: int | None) -> None:
    head = ctx.before[:len(ctx.before) - len(build.partial)]
    if "(" in head:
        if ")" not in head:
            _column_list(build, ctx, names, table, line)
        return
    if head.strip():
        return
    for method, doc in (("range", "partitions by ranges of values (dates, ids)"),
                        ("list", "partitions by lists of values"),
                        ("hash", "partitions by a hash of the value, spread evenly")):
        build.add(method, "keyword", doc, insert=_value_text(ctx, method + "("),
                  snippet=_value_text(ctx, method + "(${1:column})"))


def _long_form_type(text: Lines, ctx: _Context) -> str:
    column_line = ctx.lines[3] if len(ctx.lines) > 3 else None
    if column_line is None:
        return ""
    return _type_of(text, text.line(column_line))


# ---------------------------------------------------------------------------
# the column shorthand

_MODIFIERS = [
    # label, insert, snippet, detail
    ("not null", "not null", None, "the column always has a value"),
    ("pk", "pk", None, "the column is the table's primary key"),
    ("unique", "unique", None, "no two rows have the same value"),
    ("default", "default ", None, "the value when none is given: `default 0`, `default now()`"),
    ("references", "references ", None, "a foreign key: `references users` or `references users(id)`"),
    ("identity", "identity", None, "values generated by the database"),
    ("check", "check ()", "check (${1:condition})", "a check constraint: `check (price >= 0)`"),
    ("pii", "pii", None, "the column holds personal data"),
    ("null", "null", None, "the column may be empty (the default unless a key)"),
    ("primary key", "primary key", None, "the column is the table's primary key (same as `pk`)"),
    ("on delete", "on delete ", None, "what happens to this row when the referenced one is deleted"),
    ("on update", "on update ", None, "what happens when the referenced key changes"),
    ("was", "was ", None, "the column's previous name, for migrations"),
]


def _shorthand(build: _Builder, ctx: _Context, names: _Names, table: str, line: int | None) -> None:
    before = ctx.before
    partial = build.partial
    head = before[:len(before) - len(partial)]
    # a quote just typed opens a default's string: the words before it decide
    tokens, _ = tokenize(head[:-1] if head.endswith("'") else head)
    if not tokens:
        if not head.strip() and (not ctx.after_colon or not partial):
            _types(build, names, after_colon=ctx.after_colon)
        return
    # an open parenthesis: a referenced column list, a check, or a type's parameters
    depth, opener = 0, None
    for i, token in enumerate(tokens):
        if token.kind == "punct" and token.text == "(":
            if depth == 0:
                opener = i
            depth += 1
        elif token.kind == "punct" and token.text == ")":
            depth = max(0, depth - 1)
    if depth > 0 and opener is not None:
        before_open = tokens[opener - 1] if opener > 0 else None
        if (opener >= 2 and tokens[opener - 2].lower == "references"
                and before_open is not None and before_open.kind in ("word", "qident")):
            target = identifiers.unquote(before_open.text, '"')
            used = {identifiers.unquote(t.text, '"') for t in tokens[opener + 1:] if t.kind in ("word", "qident")}
            _columns_of(build, names, target, exclude=used)
        elif before_open is not None and before_open.lower == "check":
            _columns_of(build, names, table, line)
        return
    last = tokens[-1]
    if head and not head[-1].isspace() and not (head.endswith("'") and last.lower == "default"):
        return
    low = last.lower if last.kind == "word" else None
    if low == "references":
        _tables(build, names)
        return
    if low == "default":
        type_text = parse_shorthand(head).type_text
        _defaults(build, ctx, names, type_text)
        return
    if low == "on":
        build.add("delete", "keyword", "on delete ACTION")
        build.add("update", "keyword", "on update ACTION")
        return
    if low in ("delete", "update") and len(tokens) >= 2 and tokens[-2].lower == "on":
        for action in ACTIONS:
            build.add(action, "value", f"on {low} {action}")
        return
    if low == "not":
        build.add("null", "keyword", "not null")
        return
    if low == "primary":
        build.add("key", "keyword", "primary key")
        return
    if low in ("was", "check"):
        return
    if low in ("set", "no") and len(tokens) >= 3 and tokens[-2].lower in ("delete", "update"):
        for action in ACTIONS:
            if action.startswith(low + " "):
                build.add(action.split()[1], "value", action)
        return
    # after the type, or after a complete modifier: the modifiers not written yet
    rest = build.text.text[build.word[1]:ctx.value_end]
    comment = comment_start(rest)
    whole = parse_shorthand(head + (rest if comment is None else rest[:comment]))
    present = set()
    if whole.primary_key:
        present |= {"pk", "primary key", "null"}
    if whole.not_null or whole.null:
        present |= {"not null", "null"}
    for attr, label in (("unique", "unique"), ("identity", "identity"), ("pii", "pii"),
                        ("default_span", "default"), ("references_span", "references"), ("check_span", "check"),
                        ("on_delete_span", "on delete"), ("on_update_span", "on update"), ("was_span", "was")):
        if getattr(whole, attr) is not None:
            present.add(label)
    if whole.references_span is None:
        present |= {"on delete", "on update"}
    scalar = _scalar_type(whole.type_text, names)
    if scalar is None or scalar not in ("smallint", "int", "bigint", "uuid"):
        present.add("identity")
    for label, insert, snippet, doc in _MODIFIERS:
        if label in present:
            continue
        build.add(label, "keyword", doc, insert=insert, snippet=snippet)


def _scalar_type(type_text: str, names: _Names) -> str | None:
    try:
        parsed = parse_type(type_text, frozenset(names.enums()))
    except ValueError:
        return None
    return parsed.scalar.base


def _type_notes(base: str, dialect: str) -> tuple[str, str]:

    rows = []
    detail = None
    ordered = sorted(DIALECTS.values(), key=lambda d: d.name != dialect)
    for d in ordered:
        mapping = d.types.get(base)
        if mapping is None:
            continue
        sql = mapping.sql.replace("{n}", "n").replace("{p}", "p").replace("{s}", "s")
        note = f" — {mapping.note}" if mapping.note else ""
        rows.append(f"- **{d.display_name}**: `{sql}`{note}")
        if d.name == dialect:
            detail = f"{d.display_name}: {sql}"
    return detail or base, "\n".join(rows)


_TYPE_SNIPPETS = {
    "varchar": ("varchar(255)", "varchar(${1:255})"),
    "char": ("char(1)", "char(${1:1})"),
    "decimal": ("decimal(10,2)", "decimal(${1:10},${2:2})"),
}


def _types(build: _Builder, names: _Names, after_colon: bool = False) -> None:
    dialect = names.dialect()
    space = " " if after_colon else ""
    for name in BUILTIN_TYPES:
        detail, doc = _type_notes(name, dialect)
        plain, snippet = _TYPE_SNIPPETS.get(name, (name, None))
        build.add(name, "type", detail, f"**{name}**\n\n{doc}", insert=space + plain,
                  snippet=(space + snippet) if snippet else None)
    for name, values in names.enums().items():
        build.add(name, "enum", "enum: " + ", ".join(values), insert=space + name if space else None)
    build.group += 1
    for alias, target in ALIASES.items():
        if " " in alias:
            continue
        detail, doc = _type_notes(target, dialect)
        build.add(alias, "type", f"alias of {target}", f"**{alias}** is read as `{target}`\n\n{doc}",
                  insert=space + alias if space else None)


def _defaults(build: _Builder, ctx: _Context, names: _Names, type_text: str) -> None:
    enums = names.enums()
    values: list[str] = []
    try:
        parsed = parse_type(type_text, frozenset(enums))
    except ValueError:
        parsed = None
    if parsed is not None and parsed.base == "enum":
        values = list(parsed.enum_values) or enums.get(parsed.enum_name or "", [])
    if values and parsed is not None:  # values: parsed is an enum type
        start, end = build.word
        text = build.text.text
        if start > 0 and text[start - 1] == "'":
            start -= 1
            if text[end:end + 1] == "'":
                end += 1
        quoted = _quote_enum_defaults(build.text.text, enums)
        for value in values:
            literal = value
            if quoted or not identifiers.is_name(value):
                literal = "'" + value.replace("'", "''") + "'"
            if ctx.quote == "'":
                literal = literal.replace("'", "''")
            build.add(value, "enum-value", parsed.enum_name or "enum value", insert=literal,
                      replace=(start, end), filter_text=literal if start < build.word[0] else value)
        return
    if parsed is None:
        return
    base = parsed.base
    suggestions: list[tuple[str, str]] = []
    if base in ("timestamp", "timestamptz"):
        suggestions = [("now()", "the time of the insert")]
    elif base == "date":
        suggestions = [("current_date", "the day of the insert")]
    elif base == "boolean":
        suggestions = [("false", ""), ("true", "")]
    elif base in ("smallint", "int", "bigint", "decimal", "real", "double"):
        suggestions = [("0", "")]
    elif base in ("json", "jsonb"):
        suggestions = [("'{}'", "an empty object"), ("'[]'", "an empty array")]
    for value, doc in suggestions:
        build.add(value, "value", doc or None)


def _quote_enum_defaults(text: str, enums: dict[str, list[str]]) -> bool:
    """Whether the file writes enum defaults as SQL strings ('pending'), its convention
    when it has one; quoted when there is none."""
    known = {v for values in enums.values() for v in values}
    quoted = bare = 0
    for match in re.finditer(rf"\bdefault[ \t]+('?)({identifiers.NAME})", text):
        if match.group(2) in known:
            if match.group(1):
                quoted += 1
            else:
                bare += 1
    return quoted >= bare


# ---------------------------------------------------------------------------
# queries

_SQL_NOT_ALIAS = frozenset(["where", "join", "on", "inner", "left", "right", "full", "cross", "outer", "natural",
                            "group", "order", "limit", "offset", "having", "union", "window", "using", "lateral",
                            "as", "set", "values", "select", "from", "and", "or"])
_FROM = re.compile(r"\b(?:from|join)\s+(\"[^\"]+\"|[\w$.]+)(?:\s+(?:as\s+)?(\"[^\"]+\"|[\w$]+))?", re.IGNORECASE)


def _sql(build: _Builder, ctx: _Context, names: _Names) -> None:
    sql_all = build.text.text[ctx.value_start:max(ctx.value_end, build.offset)]
    before = ctx.before
    partial = build.partial
    head = before[:len(before) - len(partial)]
    tables = names.tables()
    aliases: dict[str, str] = {}
    for match in _FROM.finditer(sql_all):
        table = identifiers.unquote(match.group(1), '"')
        aliases.setdefault(table, table)
        alias = match.group(2)
        if alias and alias.lower() not in _SQL_NOT_ALIAS:
            aliases[identifiers.unquote(alias, '"')] = table
    dotted = re.search(r"(\"[^\"]+\"|[\w$]+)\.$", head)
    if dotted:
        name = identifiers.unquote(dotted.group(1), '"')
        table = aliases.get(name, name)
        _columns_of(build, names, table)
        return
    previous = re.search(r"([\w$]+)\s+$", head)
    if previous and previous.group(1).lower() in ("from", "join"):
        _tables(build, names)
        return
    if head and not re.search(r"[\s,(=<>!]$", head):
        return
    in_query = [t for t in dict.fromkeys(aliases.values()) if t in tables or names.columns(t)]
    if not in_query:
        return
    for table in in_query:
        _columns_of(build, names, table, detail_prefix=f"{table} · " if len(in_query) > 1 else "")


# ---------------------------------------------------------------------------
# rules

def _rule_items(build: _Builder, exclude: set[str] | frozenset[str] = frozenset(), as_key: bool = False,
                replace: tuple[int, int] | None = None) -> None:

    for rule_id, rule in sorted(RULES.items()):
        if rule_id in exclude:
            continue
        build.add(rule_id, "rule", rule.title, rule.doc, insert=rule_id + ": " if as_key else None,
                  replace=replace)


_IGNORE_OPEN = re.compile(r"#\s*schema-lang:\s*ignore\[([^\]]*)$")


def _ignore_comment(text: Lines, offset: int, ctx: _Context, snippets: bool) -> list[CompletionItem]:
    match = _IGNORE_OPEN.search(ctx.before)
    if match is None:
        return []
    build = _Builder(text, offset, snippets, _word_span(text.text, offset, "/-"))
    listed = {p.strip() for p in match.group(1).split(",")}
    _rule_items(build, exclude=listed - {build.partial})
    return build.items
