"""Splitting a schema file into one piece per table, so that an edit re-reads one table.

A file in the usual block layout (`tables:` at the left margin, one key per
table at a fixed indent) is cut into the text around the tables (the
"skeleton") and one chunk per table.  Each chunk is valid YAML by itself.
Anything unusual (flow-style tables, anchors and aliases that could cross
chunks, several documents, tabs in indentation) returns None, and the caller
reads the whole file at once instead.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .lines import any_line_indented_less, first_indented_line, is_indented_key_line, lines_indented, next_margin_line

# literal prefixes ("\n...") rather than ^ with MULTILINE: much faster on large files
_TABLES_RE = re.compile(r"(?:\A|\n)tables:[ \t]*(?:#[^\n]*)?(?=\n|\Z)")
_NODE_PROPERTY_RE = re.compile(r"[\s\[{,][&*!][^\s,\]}]")  # anchors, aliases, tags
_DOCUMENT_MARK_RE = re.compile(r"\n(?:---|\.\.\.|%)")


def _unusual(text: str) -> bool:
    if text.startswith(("---", "%", "&", "*", "!")) or "\n\t" in text or "<<" in text:
        return True
    if _DOCUMENT_MARK_RE.search(text):
        return True
    return ("&" in text or "*" in text or "!" in text) and bool(_NODE_PROPERTY_RE.search(text))


@dataclass(slots=True)
class Split:
    skeleton: str
    # skeleton offsets at or after `cut` lie `delta` characters further on in the file
    cut: int
    delta: int
    chunks: list[tuple[int, int]]  # (start, end) of each table's text


def split_tables(text: str) -> Split | None:
    match = _TABLES_RE.search(text)
    if match is None or text.find("\ntables:", match.end()) != -1:
        return None
    if _unusual(text):
        return None
    region_start = match.end() + 1
    region_end = next_margin_line(text, region_start) or len(text)
    first = first_indented_line(text, region_start, region_end)
    if first is None:
        return None
    indent = first[1]
    if any_line_indented_less(text, indent, region_start, region_end):
        return None  # a line less indented than the tables: not the usual layout
    starts = lines_indented(text, indent, region_start, region_end)
    for start in starts:
        if not is_indented_key_line(text, start):
            return None
    chunks = [(a, b) for a, b in zip(starts, starts[1:] + [region_end], strict=False)]
    start = chunks[0][0]
    skeleton = text[:start] + text[region_end:]
    return Split(skeleton, start, region_end - start, chunks)
