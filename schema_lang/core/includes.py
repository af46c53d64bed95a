"""`include:`: other schema files whose tables and enums a file may reference.

Paths are relative to the including file.  An included file is analysed on its own (and
kept while its text is unchanged); its tables become the including schema's external
tables: foreign keys, queries and enum types may name them, while findings, DDL and
documents stay with the file that defines them.  Includes of includes are followed; a
cycle stops where it closes.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .diagnostics import Reporter
from .model import Schema, Table
from .syntax import Mapping, Scalar, Sequence

MAX_DEPTH = 16
_CACHE: dict[tuple, Schema] = {}  # (path, text, dialect, including, passes) -> the included file's schema

# Analyses an included file: (text, its path, the files including it) -> its schema.  The caller,
# the pipeline in document.py, passes itself in, so this module needs nothing above it.
ReadIncluded = Callable[[str, str, tuple[str, ...]], Schema]
_CACHE_SIZE = 64


def _read_file(path: str) -> str | None:
    try:
        return Path(path).read_text(encoding="utf-8-sig").replace("\r\n", "\n")
    except (OSError, UnicodeDecodeError):
        return None


def _entries(root) -> list[Scalar]:
    node = root.get("include") if isinstance(root, Mapping) else None
    if isinstance(node, Sequence):
        return [item for item in node.items if isinstance(item, Scalar) and not item.is_null]
    return []


def load_includes(root, schema: Schema, options, report: Reporter, read_included: ReadIncluded,
                  cache_key: tuple = ()) -> dict[str, Table]:
    """Reads the included files: adds their enums to `schema` and returns their tables.
    `cache_key` holds whatever else changes the result of `read_included` (the analyses run)."""
    entries = _entries(root)
    if not entries:
        return {}
    tables: dict[str, Table] = {}
    read = options.read or _read_file
    here = str(Path(options.path).resolve()) if options.path else None
    for entry in entries:
        span = (entry.start, entry.end)
        if here is None:
            report("schema/include-not-found", f"include '{entry.value}' cannot be resolved: this text has no file "
                   "path to resolve it against (save the file first)", span)
            continue
        path = str((Path(here).parent / entry.value).resolve())
        if path == here or path in options.including:
            continue  # a cycle: the including file is being read already
        if len(options.including) >= MAX_DEPTH:
            report("schema/include-not-found", f"include '{entry.value}': includes nest deeper than {MAX_DEPTH} "
                   "files", span)
            continue
        text = read(path)
        if text is None:
            report("schema/include-not-found", f"include '{entry.value}': no such file ({path})", span)
            continue
        including = options.including + (here,)
        key = (path, text, options.dialect, including, cache_key)
        included = _CACHE.get(key)
        if included is None:
            included = read_included(text, path, including)
            while len(_CACHE) >= _CACHE_SIZE:
                del _CACHE[next(iter(_CACHE))]
            _CACHE[key] = included
        schema.included.append(path)
        schema.included.extend(p for p in included.included if p not in schema.included)
        for name, table in {**included.external_tables, **included.tables}.items():
            if table.origin is None:
                table.origin = path
            tables.setdefault(name, table)
        for name, enum in included.enums.items():
            if name in schema.enums and schema.enums[name].origin is None:
                own = schema.enums[name]
                report("schema/include-conflict", f"enum '{name}' is also defined in {entry.value}: "
                       "rename one of them", own.span)
                continue
            if enum.origin is None:
                enum.origin = path
            schema.enums.setdefault(name, enum)
    return tables


def add_external_tables(schema: Schema, tables: dict[str, Table], report: Reporter) -> None:
    for name, table in tables.items():
        own = schema.tables.get(name)
        if own is not None:
            report("schema/include-conflict", f"table '{name}' is also defined in the included file {table.origin}: "
                   "rename one of them", own.at(own.span), name)
            continue
        schema.external_tables[name] = table
