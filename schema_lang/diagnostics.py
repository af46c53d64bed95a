"""Diagnostics, fixes and the text positions they are reported at.

Everything in the engine speaks in offsets: indexes into the document's text
counted in Unicode code points.  Line and column numbers are derived only when
a result leaves the engine (CLI output, the language server).
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from enum import Enum


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"
    HINT = "hint"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2, Severity.HINT: 3}


@dataclass(slots=True, frozen=True)
class TextEdit:
    """Replace text[start:end] with new_text."""

    start: int
    end: int
    new_text: str


@dataclass(slots=True, frozen=True)
class Fix:
    title: str
    edits: tuple[TextEdit, ...]
    preferred: bool = False


@dataclass(slots=True)
class Diagnostic:
    rule: str
    severity: Severity
    message: str
    start: int
    end: int
    table: str | None = None
    column: str | None = None
    fixes: tuple[Fix, ...] = ()
    # other places worth showing with this one: (start, end, message)
    related: tuple[tuple[int, int, str], ...] = field(default=())
    # what a fix computed on request needs to know (see schema_lang.fixes)
    data: dict | None = None

    def sort_key(self) -> tuple:
        return (self.start, self.end, self.severity.rank, self.rule, self.message)


@dataclass(slots=True, frozen=True)
class Position:
    line: int  # 0-based
    character: int  # 0-based, in code points


_NEWLINE = re.compile("\n")


class LineIndex:
    """Converts offsets to line/character positions in O(log n)."""

    __slots__ = ("text", "line_starts")

    def __init__(self, text: str) -> None:
        self.text = text
        starts = [0]
        starts.extend(m.end() for m in _NEWLINE.finditer(text))
        self.line_starts = starts

    def position(self, offset: int) -> Position:
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self.line_starts, offset) - 1
        return Position(line, offset - self.line_starts[line])

    def offset(self, line: int, character: int) -> int:
        if line >= len(self.line_starts):
            return len(self.text)
        start = self.line_starts[line]
        end = self.line_starts[line + 1] - 1 if line + 1 < len(self.line_starts) else len(self.text)
        return min(start + max(character, 0), end)

    def line_text(self, line: int) -> str:
        start = self.line_starts[line]
        end = self.line_starts[line + 1] - 1 if line + 1 < len(self.line_starts) else len(self.text)
        return self.text[start:end]

    @property
    def line_count(self) -> int:
        return len(self.line_starts)
