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
_KEY_LINE_RE = re.compile(r"[ ]+(?:[^\s#'\"][^:#\n]*|'[^'\n]*'|\"[^\"\n]*\")[ \t]*:(?:[ \t]|$)", re.MULTILINE)


@dataclass(slots=True)
class Split:
    skeleton: str
    # skeleton offsets at or after `cut` lie `delta` characters further on in the file
    cut: int
    delta: int
    chunks: list[tuple[int, int]]  # (start, end) of each table's text


_MARGIN_RE = re.compile(r"\n[^\s#]")
_FIRST_CONTENT_RE = re.compile(r"\n( +)[^\s#]")


def split_tables(text: str) -> Split | None:
    match = _TABLES_RE.search(text)
    if match is None or text.find("\ntables:", match.end()) != -1:
        return None
    if _unusual(text):
        return None
    region_start = match.end() + 1
    margin = _MARGIN_RE.search(text, match.end())
    region_end = margin.start() + 1 if margin else len(text)
    first = _FIRST_CONTENT_RE.search(text, match.end(), region_end)
    if first is None:
        return None
    indent = len(first.group(1))
    if indent > 1 and re.compile(rf"\n {{1,{indent - 1}}}[^\s#]").search(text, region_start - 1, region_end):
        return None  # a line less indented than the tables: not the usual layout
    key_re = re.compile(rf"\n {{{indent}}}(?=[^\s#])")
    starts = [m.start() + 1 for m in key_re.finditer(text, region_start - 1, region_end)]
    for start in starts:
        if not _KEY_LINE_RE.match(text, start):
            return None
    chunks = [(a, b) for a, b in zip(starts, starts[1:] + [region_end], strict=False)]
    start = chunks[0][0]
    skeleton = text[:start] + text[region_end:]
    return Split(skeleton, start, region_end - start, chunks)
