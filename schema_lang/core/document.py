"""The one pipeline: text -> Document(model, positions, diagnostics).

`analyze` reads, validates and resolves a file and runs the `passes` it is given over the
resolved schema; the analyses themselves live above this package (schema_lang.analysis, whose
`analyze` is the one the CLI and the language server call).
"""
from __future__ import annotations

import gc
import re
import traceback
from collections.abc import Callable
from collections.abc import Sequence as Seq
from contextlib import contextmanager
from dataclasses import dataclass, field

from ..dialects import get_dialect
from ..rules import RULES
from .chunks import split_tables
from .diagnostics import Diagnostic, LineIndex, Reporter, Severity, did_you_mean, replace_fix, shift_diagnostic
from .includes import add_external_tables, load_includes
from .lines import ends_inside_quotes
from .loader import load_root, resolve_table_entry
from .model import Schema, Table
from .syntax import Mapping, Node, Scalar, Sequence, duplicate_key, parse_yaml

# An analysis over the resolved schema: reports its findings, changes nothing.
Pass = Callable[[Schema, Reporter], None]

SEVERITY_LEVELS = {"error": Severity.ERROR, "warning": Severity.WARNING, "info": Severity.INFO,
                   "hint": Severity.HINT}


@dataclass(slots=True)
class Options:
    dialect: str | None = None  # overrides the file's `dialect:`
    # rule id -> off|hint|info|warning|error; the file's own `rules:` wins over these
    rule_levels: dict[str, str] = field(default_factory=dict)
    # the file's path, against which `include:` paths are resolved
    path: str | None = None
    # reads an included file (an editor passes one that prefers its open buffers); None: from disk
    read: object = None
    # the files being included on the way here: a cycle stops there
    including: tuple[str, ...] = ()


@dataclass(slots=True)
class Document:
    text: str
    lines: LineIndex
    root: Node | None
    schema: Schema
    diagnostics: list[Diagnostic]
    # ignore comments: line -> rule ids (None: every rule)
    suppressions: dict[int, frozenset[str] | None]

    def table_at(self, offset: int) -> Table | None:
        """The table whose name (its key) is at `offset`."""
        for table in self.schema.tables.values():
            start, end = table.at(table.span)
            if start <= offset <= end:
                return table
        return None


_IGNORE_RE = re.compile(r"(?:^|(?<=\s))#\s*schema-lang:\s*ignore(?:\[([^\]]*)\])?")


def find_suppressions(text: str, lines: LineIndex, report: Reporter) -> dict[int, frozenset[str] | None]:
    found: dict[int, frozenset[str] | None] = {}
    if "schema-lang:" not in text:
        return found
    for match in _IGNORE_RE.finditer(text):
        position = lines.position(match.start())
        before = text[lines.line_starts[position.line]:match.start()]
        if ends_inside_quotes(before):
            continue  # '#' inside a quoted string is text, not a comment
        target_line = position.line + 1 if before.strip() == "" else position.line
        ids: frozenset[str] | None = None
        if match.group(1) is not None:
            names = []
            offset = match.start(1)
            for part in re.finditer(r"[^,\s]+", match.group(1)):
                rule_id = part.group(0)
                if rule_id not in RULES:
                    span = (offset + part.start(), offset + part.end())
                    suggestion = did_you_mean(rule_id, RULES)
                    report("schema/unknown-rule", f"unknown rule '{rule_id}' in an ignore comment"
                           + (f"; did you mean '{suggestion}'?" if suggestion else ""), span,
                           fixes=replace_fix(span, suggestion) if suggestion else ())
                names.append(rule_id)
            ids = frozenset(names)
        previous = found.get(target_line, frozenset())
        found[target_line] = None if ids is None or previous is None else previous | ids
    return found


class TableCache:
    """Resolved tables by their source text, kept between analyses of one document.

    A cached `Table` is shared by successive Documents; only its `base` changes
    when its text moves, so an older Document must not be used after a newer one
    is made from the same cache."""

    def __init__(self) -> None:
        self.entries: dict[tuple[str, frozenset[str]], tuple[list[Table], list[Diagnostic]]] = {}

    def resolve(self, chunk: str, enum_names: frozenset[str]) -> tuple[list[Table], list[Diagnostic]]:
        key = (chunk, enum_names)
        hit = self.entries.get(key)
        if hit is None:
            hit = _resolve_chunk(chunk, enum_names)
            self.entries[key] = hit
        return hit

    def keep_only(self, used: set) -> None:
        self.entries = {k: v for k, v in self.entries.items() if k in used}


def _resolve_chunk(chunk: str, enum_names: frozenset[str]) -> tuple[list[Table], list[Diagnostic]]:
    report = Reporter()
    parsed = parse_yaml(chunk)
    report.items.extend(parsed.diagnostics)
    tables = []
    if isinstance(parsed.root, Mapping):
        for key, node in parsed.root.items:
            table = resolve_table_entry(chunk, key, node, enum_names, report)
            if table is not None:
                tables.append(table)
    return tables, report.items


def _shift_nodes(node: Node | None, cut: int, delta: int, seen: set[int]) -> None:
    if node is None or id(node) in seen:
        return
    seen.add(id(node))
    if node.start >= cut:
        node.start += delta
    if node.end >= cut:
        node.end += delta
    if isinstance(node, Mapping):
        for key, value in node.items:
            _shift_nodes(key, cut, delta, seen)
            _shift_nodes(value, cut, delta, seen)
    elif isinstance(node, Sequence):
        for item in node.items:
            _shift_nodes(item, cut, delta, seen)


@contextmanager
def _collector_paused():
    """An analysis allocates many small objects that all stay alive until it ends; the
    cyclic garbage collector would scan the growing heap again and again for nothing
    (it doubled the time of a cold 3,000-table analysis).  Cycles are collected after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def analyze(text: str, options: Options | None = None, cache: TableCache | None = None,
            passes: Seq[Pass] = ()) -> Document:
    """Analyses a schema file: reads it, resolves it and runs `passes` over the schema.  Pass the
    same `cache` for successive versions of one document and only the tables whose text changed
    are read again."""
    with _collector_paused():
        return _analyze(text, options, cache, tuple(passes))


def _analyze(text: str, options: Options | None, cache: TableCache | None, passes: tuple[Pass, ...]) -> Document:
    options = options or Options()
    lines = LineIndex(text)
    report = Reporter()
    root = None
    schema = Schema(name="", dialect=_dialect(options))
    suppressions: dict[int, frozenset[str] | None] = {}
    cache = cache or TableCache()
    try:
        split = split_tables(text)
        parsed = None
        if split is not None:
            parsed = parse_yaml(split.skeleton)
            if any(d.rule == "syntax/yaml" for d in parsed.diagnostics):
                # a broken skeleton could lose the enums every table depends on: read it all as one
                split = None
            else:
                root = parsed.root
                _shift_nodes(root, split.cut, split.delta, set())
                report.items.extend(shift_diagnostic(d, split.delta) if d.start >= split.cut else d
                                    for d in parsed.diagnostics)
        if split is None:
            parsed = parse_yaml(text)
            root = parsed.root
            report.items.extend(parsed.diagnostics)
        schema = load_root(text, root, report, options.dialect)
        external = load_includes(root, schema, options, report, _included_reader(options, passes), passes)
        enum_names = frozenset(schema.enums)
        first_key: dict[str, Table] = {}
        if split is not None:
            used: set = set()
            for start, _end, tables, diagnostics in _table_chunks(text, split.chunks, enum_names, cache, used):
                report.items.extend(shift_diagnostic(d, start) for d in diagnostics)
                for table in tables:
                    table.base = start
                    _add_table(schema, table, first_key, report)
            cache.keep_only(used)
        else:
            tables_node = root.get("tables") if isinstance(root, Mapping) else None
            if isinstance(tables_node, Mapping):
                for key, node in tables_node.items:
                    table = resolve_table_entry(text, key, node, enum_names, report)
                    if table is not None:
                        _add_table(schema, table, first_key, report, already_reported=True)
        add_external_tables(schema, external, report)
        schema.incomplete = any(d.rule == "syntax/yaml" for d in report.items)
        for analysis in passes:
            analysis(schema, report)
        suppressions = find_suppressions(text, lines, report)
    except Exception as exc:  # noqa: BLE001 - a bug must not cost the user their diagnostics
        report("internal/error",
               f"schema-lang failed while analysing this file ({type(exc).__name__}: {exc}); "
               "the findings shown may be incomplete. Please report this with the file.",
               (0, 0))
        report.items[-1].related = ((0, 0, "".join(traceback.format_exception(exc))[-2000:]),)
    diagnostics = _finalize(report.items, schema, options, lines, suppressions)
    return Document(text, lines, root, schema, diagnostics, suppressions)


def _table_chunks(text: str, chunks: list[tuple[int, int]], enum_names: frozenset[str], cache: TableCache,
                  used: set):
    """Resolves each table's chunk: (start, end, tables, diagnostics relative to start)."""
    i = 0
    while i < len(chunks):
        start, end = chunks[i]
        chunk = text[start:end]
        tables, diagnostics = _resolve_once(cache, chunk, enum_names, used)
        if any(d.rule == "syntax/yaml" for d in diagnostics):
            # A multi-line quoted string or flow collection can hold a line that looks like
            # the next table's key: if joining the pieces reads cleanly, they were one.
            for j in range(i + 1, min(i + 4, len(chunks))):
                joined = text[start:chunks[j][1]]
                if not any(d.rule == "syntax/yaml" for d in parse_yaml(joined).diagnostics):
                    end = chunks[j][1]
                    tables, diagnostics = _resolve_once(cache, joined, enum_names, used)
                    i = j
                    break
        yield start, end, tables, diagnostics
        i += 1


def _resolve_once(cache: TableCache, chunk: str, enum_names: frozenset[str], used: set):
    key = (chunk, enum_names)
    if key in used:
        # the same text twice (a duplicated table): each needs its own objects, as `base` differs
        return _resolve_chunk(chunk, enum_names)
    used.add(key)
    return cache.resolve(chunk, enum_names)


def _add_table(schema: Schema, table: Table, first: dict[str, Table], report: Reporter,
               already_reported: bool = False) -> None:
    earlier = first.get(table.name)
    if earlier is None:
        first[table.name] = table
    elif not already_reported:  # whole-file parsing reports duplicate keys itself
        start, end = table.at(table.span)
        first_start, first_end = earlier.at(earlier.span)
        report.items.append(duplicate_key(Scalar(table.name, start, end), Scalar(table.name, first_start, first_end)))
    # the last one wins, as with YAML loaders
    schema.tables[table.name] = table


def _dialect(options: Options):
    return get_dialect(options.dialect)


def _included_reader(options: Options, passes: tuple[Pass, ...]):
    def read_included(text: str, path: str, including: tuple[str, ...]) -> Schema:
        nested = Options(dialect=options.dialect, path=path, read=options.read, including=including)
        return _analyze(text, nested, None, passes).schema

    return read_included


def apply_rule_levels(document: Document, items: list[Diagnostic], options: Options | None = None) -> list[Diagnostic]:
    """Findings on `document` made outside `analyze` (a migration's, say), under the same rule levels
    (`options`, then the file's `rules:`) and ignore comments as its own: sorted, those turned off dropped."""
    return _finalize(items, document.schema, options or Options(), document.lines, document.suppressions)


def _finalize(items: list[Diagnostic], schema: Schema, options: Options, lines: LineIndex,
              suppressions: dict[int, frozenset[str] | None]) -> list[Diagnostic]:
    levels = dict(options.rule_levels)
    levels.update(schema.rule_levels)
    out = []
    seen = set()
    for diagnostic in items:
        level = levels.get(diagnostic.rule)
        if level == "off":
            continue
        if level in SEVERITY_LEVELS:
            diagnostic.severity = SEVERITY_LEVELS[level]
        if suppressions and not diagnostic.rule.startswith(("syntax/", "internal/")):
            ids = suppressions.get(lines.position(diagnostic.start).line, frozenset())
            if ids is None or diagnostic.rule in ids:
                continue
        if diagnostic.rule == "syntax/duplicate-key" and diagnostic.related:
            first_line = lines.position(diagnostic.related[0][0]).line + 1
            diagnostic.message += f" (first on line {first_line})"
        key = (diagnostic.rule, diagnostic.start, diagnostic.end, diagnostic.message)
        if key in seen:  # an alias can make one node report twice
            continue
        seen.add(key)
        out.append(diagnostic)
    out.sort(key=Diagnostic.sort_key)
    return out
