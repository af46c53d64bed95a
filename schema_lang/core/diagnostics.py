"""Diagnostics, fixes and the text positions they are reported at.

Everything in the engine speaks in offsets: indexes into the document's text
counted in Unicode code points.  Line and column numbers are derived only when
a result leaves the engine (CLI output, the language server).
"""
from __future__ import annotations

import bisect
import difflib
from dataclasses import dataclass, field

from ..rules import RULES, Severity
from .lines import line_starts


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
    # what a fix computed on request needs to know (see schema_lang.ide.fixes)
    data: dict | None = None

    def sort_key(self) -> tuple:
        return (self.start, self.end, self.severity.rank, self.rule, self.message)


@dataclass(slots=True, frozen=True)
class Position:
    line: int  # 0-based
    character: int  # 0-based, in code points


class LineIndex:
    """Converts offsets to line/character positions in O(log n)."""

    __slots__ = ("text", "line_starts")

    def __init__(self, text: str) -> None:
        self.text = text
        self.line_starts = line_starts(text)

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


class Reporter:
    """Collects diagnostics with each rule's default severity."""

    def __init__(self) -> None:
        self.items: list[Diagnostic] = []

    def __call__(self, rule: str, message: str, span: tuple[int, int], table: str | None = None,
                 column: str | None = None, fixes: tuple[Fix, ...] = (),
                 related: tuple[tuple[int, int, str], ...] = (), base: int = 0, data: dict | None = None,
                 severity: Severity | None = None) -> Diagnostic:
        """Reports a finding; `base` is added to the span and the fixes' offsets
        (spans inside a table are relative to the table's text, see model.Table)."""
        if severity is None:
            severity = RULES[rule].severity if rule in RULES else Severity.ERROR
        start, end = span
        if base:
            start, end = start + base, end + base
            fixes = tuple(shift_fix(f, base) for f in fixes)
            related = tuple((a + base, b + base, m) for a, b, m in related)
        diagnostic = Diagnostic(rule, severity, message, start, max(start, end), table, column, fixes, related, data)
        self.items.append(diagnostic)
        return diagnostic


def shift_fix(fix: Fix, delta: int) -> Fix:
    return Fix(fix.title, tuple(TextEdit(e.start + delta, e.end + delta, e.new_text) for e in fix.edits), fix.preferred)


def shift_diagnostic(d: Diagnostic, delta: int) -> Diagnostic:
    return Diagnostic(d.rule, d.severity, d.message, d.start + delta, d.end + delta, d.table, d.column,
                      tuple(shift_fix(f, delta) for f in d.fixes),
                      tuple((a + delta, b + delta, m) for a, b, m in d.related), d.data)


def did_you_mean(word: str, candidates, cutoff: float = 0.6) -> str | None:
    lowered = {c.lower(): c for c in candidates}
    if word.lower() in lowered and lowered[word.lower()] != word:
        return lowered[word.lower()]
    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=cutoff)
    return close[0] if close else None


def replace_fix(span: tuple[int, int], suggestion: str) -> tuple[Fix, ...]:
    return (Fix(f"Change to '{suggestion}'", (TextEdit(span[0], span[1], suggestion),), preferred=True),)
