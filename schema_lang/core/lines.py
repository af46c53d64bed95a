"""Reading YAML text line by line, without parsing it.

The editor features work on text as it is being typed, which is seldom valid
YAML, and the engine's fast paths (cutting a file into tables) must not pay for
a parse.  Everything here reads lines with string searches and regexes over the
whole text: where lines start and end, their indentation, where a comment
starts outside quoted scalars, the key of a `key: value` line, and the block
structure the indentation shows.  Nothing raises, whatever the text: an
unfinished line is read as far as it goes.

Offsets are code-point indexes into the text; a column is an offset from the
start of its line.  A line ends at "\\n"; a "\\r" just before it (a CRLF file)
is not part of the line's content.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cached_property

# ---------------------------------------------------------------------------
# where lines start and end

_NEWLINE = re.compile("\n")


def line_starts(text: str) -> list[int]:
    """The offset of every line's first character: [0] for an empty text, and a last
    (empty) line after a final newline."""
    starts = [0]
    starts.extend(m.end() for m in _NEWLINE.finditer(text))
    return starts


def line_start(text: str, offset: int) -> int:
    """The offset of the first character of the line holding `offset`."""
    return text.rfind("\n", 0, offset) + 1


def line_end(text: str, offset: int) -> int:
    """The offset just past the newline of the line holding `offset` (the end of the text on the last line)."""
    end = text.find("\n", offset)
    return len(text) if end == -1 else end + 1


def content_line_end(text: str, offset: int) -> int:
    """The offset of the end of the line's content: before its newline (and a carriage return)."""
    end = text.find("\n", offset)
    end = len(text) if end == -1 else end
    if end > 0 and text[end - 1:end] == "\r" and end - 1 >= offset:
        end -= 1
    return end


def column_of(text: str, offset: int) -> int:
    return offset - line_start(text, offset)


_INDENT = re.compile(r"[ \t]*")
_WHITESPACE = re.compile(r"[^\S\n]*")


def _run_end(pattern: re.Pattern[str], text: str, pos: int) -> int:
    """Where the match of `pattern` (one that may match nothing) at `pos` ends."""
    match = pattern.match(text, pos)
    return match.end() if match else pos


def line_indent(text: str, offset: int) -> str:
    """The leading whitespace (spaces and tabs) of the line holding `offset`."""
    start = line_start(text, offset)
    return text[start:_run_end(_INDENT, text, start)]


def whitespace_width(text: str, offset: int) -> int:
    """How many whitespace characters follow `offset` on its line."""
    return _run_end(_WHITESPACE, text, offset) - offset


def newline_of(text: str) -> str:
    """The line break the file uses, as its first line ends: "\\r\\n" or "\\n" (also when it has none)."""
    first = text.find("\n")
    return "\r\n" if first > 0 and text[first - 1] == "\r" else "\n"


# ---------------------------------------------------------------------------
# comments and quoted scalars within a line
#
# A line is read the way YAML's scanner reads it, token by token: a quote opens a
# quoted scalar only where a token starts (inside a plain scalar such as `it's` or
# `a:'b` it is text), and `#` starts a comment where a token could start or after
# whitespace inside a plain scalar (`a#b` is one scalar).  Line breaks count as
# whitespace, so that a value spread over lines can be read as one piece.

_SPACE = " \t\r\n\x85\u2028\u2029"
_SKIP = re.compile(f"[{_SPACE}]*")
# a plain scalar from its first character: it stops before `: `, before ` #`, at the end,
# and in a flow collection also at `,?[]{}` and before `:` followed by one of `,[]{}`
_PLAIN_BLOCK = re.compile(f"(?:[^{_SPACE}:]+|:(?=[^{_SPACE}])|[{_SPACE}]+(?=[^{_SPACE}#]))*")
_PLAIN_FLOW = re.compile(
    f"(?:[^{_SPACE}:,?\\[\\]{{}}]+|:(?=[^{_SPACE},\\[\\]{{}}])|[{_SPACE}]+(?=[^{_SPACE}#]))*")
_ANCHOR = re.compile(r"[&*][0-9A-Za-z_-]*")  # &anchor, *alias
_TAG = re.compile(f"![^{_SPACE}]*")
_BLOCK_HEADER = re.compile(r"[|>][0-9+-]*")
_DOUBLE_QUOTED_STOP = re.compile(r'[\\"]')
_DIRECTIVE_NAME = re.compile(f"%([^{_SPACE}]*)")


def scan_line(line: str) -> tuple[int | None, str | None]:
    """Reads a line of YAML for comments and quoted scalars: (the column of the `#` that
    starts a comment, or None; the quote of a quoted scalar still open at the end, or None).
    Where the line is valid YAML the comment is the one the YAML scanner finds."""
    n = len(line)
    i = 1 if line.startswith("\ufeff") else 0
    if line.startswith(("---", "..."), i) and (n == i + 3 or line[i + 3] in _SPACE):
        i += 3  # a document marker
    elif line.startswith("%", i):
        name = _DIRECTIVE_NAME.match(line, i)
        if name is None or name.group(1) not in ("YAML", "TAG"):
            return None, None  # the rest of an unknown directive's line is ignored, comment and all
        i = name.end()
    flow = 0
    while True:
        i = _run_end(_SKIP, line, i)
        if i >= n:
            return None, None
        ch = line[i]
        if ch == "#":
            return i, None
        if ch == "'":
            close = line.find("'", i + 1)
            while close != -1 and line.startswith("'", close + 1):  # '' is an escaped quote
                close = line.find("'", close + 2)
            if close == -1:
                return None, "'"
            i = close + 1
        elif ch == '"':
            j = i + 1
            while True:
                stop = _DOUBLE_QUOTED_STOP.search(line, j)
                if stop is None:
                    return None, '"'
                j = stop.end()
                if stop.group() == '"':
                    break
                j += 1  # the escaped character
            i = j
        elif ch in "[{":
            flow += 1
            i += 1
        elif ch in "]}":
            flow = max(flow - 1, 0)
            i += 1
        elif ch == ",":
            i += 1
        elif ch in "-?:" and ((flow and ch != "-") or i + 1 == n or line[i + 1] in _SPACE):
            i += 1  # an indicator: `- item`, `? key`, `key: value`
        elif ch in "&*":
            i = _run_end(_ANCHOR, line, i)
        elif ch == "!":
            i = _run_end(_TAG, line, i)
        elif ch in "|>" and not flow:
            i = _run_end(_BLOCK_HEADER, line, i)
        else:
            i = max(_run_end(_PLAIN_FLOW if flow else _PLAIN_BLOCK, line, i), i + 1)


def comment_start(line: str) -> int | None:
    """The column of a YAML comment's `#` on a line (outside quoted scalars), or None."""
    if "#" not in line:
        return None
    return scan_line(line)[0]


def ends_inside_quotes(line_prefix: str) -> bool:
    """Whether the end of a line prefix lies inside a single- or double-quoted YAML string."""
    if "'" not in line_prefix and '"' not in line_prefix:
        return False
    return scan_line(line_prefix)[1] is not None


# ---------------------------------------------------------------------------
# key lines

_KEY_END = re.compile(r":(?=\s|$)")
# an indented `key:` line whose key is plain (no `:` or `#` in it) or quoted on the line
_INDENTED_KEY_LINE = re.compile(r"[ ]+(?:[^\s#'\"][^:#\n]*|'[^'\n]*'|\"[^\"\n]*\")[ \t]*:(?:[ \t]|$)", re.MULTILINE)
_TOP_KEY = re.compile(r"(?m)^([^\s#\-{\[][^\n:]*?|\"[^\"\n]*\"|'[^'\n]*')[ \t]*:(?=\s|$)")
_INDENT_STEP = re.compile(r"(?m)^[^\s#][^\n]*:[ \t]*(?:#[^\n]*)?\n(?:[ \t]*(?:#[^\n]*)?\n)*( +)\S")


@dataclass(slots=True)
class Line:
    """One line, read as a block YAML line: `- - key: value  # comment`."""

    number: int
    start: int  # offset of the line's first character
    text: str
    indent: int
    dashes: tuple[int, ...]  # columns of the `- ` item markers
    key: str | None  # unquoted
    key_col: int  # column of the key, or of the content after the dashes
    value: str  # after `key:` (or after the dashes), comment removed, stripped
    value_col: int  # column where `value` starts
    blank: bool  # empty or only a comment


def read_line(number: int, start: int, text: str) -> Line:
    """Reads the line `text` (line `number`, at offset `start`); `text` may stop anywhere in the
    line, as the part before a cursor does."""
    stripped = text.lstrip(" ")
    indent = len(text) - len(stripped)
    if not stripped.strip() or stripped.startswith("#"):
        return Line(number, start, text, indent, (), None, indent, "", indent, True)
    comment = comment_start(text)
    body = text if comment is None else text[:comment]
    col = indent
    dashes = []
    while col < len(body) and body[col] == "-" and (col + 1 == len(body) or body[col + 1] in " \t"):
        dashes.append(col)
        col += 1
        while col < len(body) and body[col] in " \t":
            col += 1
    content = body[col:]
    key = None
    value_col = col
    if content and content[0] not in "[{":
        key_end = None
        if content[0] in "'\"":
            close = content.find(content[0], 1)
            if close > 0 and _KEY_END.match(content, close + 1):
                key_end = close + 1
        else:
            match = _KEY_END.search(content)
            if match is not None:
                key_end = match.start()
        if key_end is not None:
            key = content[:key_end].strip()
            if len(key) >= 2 and key[0] == key[-1] and key[0] in "'\"":
                key = key[1:-1]
            value_col = col + key_end + 1
    while value_col < len(body) and body[value_col] in " \t":
        value_col += 1
    value = body[value_col:].rstrip()
    return Line(number, start, text, indent, tuple(dashes), key, col, value, value_col, False)


def is_indented_key_line(text: str, start: int) -> bool:
    """Whether the line at `start` is an indented `key:` line with its key written on one line
    (plain without `:` or `#`, or quoted)."""
    return _INDENTED_KEY_LINE.match(text, start) is not None


def top_keys(text: str) -> list[tuple[int, str]]:
    """(offset, key as written) of every `key:` line at the left margin."""
    return [(m.start(), m.group(1)) for m in _TOP_KEY.finditer(text)]


def top_key_offset(text: str, key: str) -> int | None:
    """The offset of the line of a `key:` at the left margin."""
    match = re.search(rf"(?m)^{re.escape(key)}[ \t]*:(?=\s|$)", text)
    return match.start() if match else None


def indent_step(text: str, default: int = 2) -> int:
    """How far the first indented content line below a top-level key is indented."""
    match = _INDENT_STEP.search(text)
    return len(match.group(1)) if match else default


# Searches for content lines (neither blank nor a comment) by their indentation, over a
# range of the text at once.  `start` is the offset of a line's first character: the lines
# from that one on whose newline before them lies before `end` are searched (so the first
# line of the text is never found).

_MARGIN_LINE = re.compile(r"\n[^\s#]")
_FIRST_INDENTED_LINE = re.compile(r"\n( +)[^\s#]")


def next_margin_line(text: str, start: int) -> int | None:
    """The start of the first content line at the left margin."""
    match = _MARGIN_LINE.search(text, max(start - 1, 0))
    return match.start() + 1 if match else None


def first_indented_line(text: str, start: int, end: int) -> tuple[int, int] | None:
    """(start, indentation) of the first indented content line."""
    match = _FIRST_INDENTED_LINE.search(text, max(start - 1, 0), end)
    return (match.start() + 1, len(match.group(1))) if match else None


def lines_indented(text: str, indent: int, start: int, end: int) -> list[int]:
    """The starts of the content lines indented by exactly `indent` spaces."""
    pattern = re.compile(rf"\n {{{indent}}}(?=[^\s#])")
    return [m.start() + 1 for m in pattern.finditer(text, max(start - 1, 0), end)]


def any_line_indented_less(text: str, indent: int, start: int, end: int) -> bool:
    """Whether a content line is indented, but by fewer than `indent` spaces."""
    if indent <= 1:
        return False
    return re.compile(rf"\n {{1,{indent - 1}}}[^\s#]").search(text, max(start - 1, 0), end) is not None


# ---------------------------------------------------------------------------
# the lines of a text

class Lines:
    """The lines of a text, read on demand (a completion request reads a few of them), or
    measured all at once for a pass over every line (`content_ends`, `indents`, `blanks`)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = line_starts(text)
        self.count = len(self.starts)
        self._read: dict[int, Line] = {}
        self._measured: tuple[list[int], list[int], list[bool]] | None = None

    def line_of(self, offset: int) -> int:
        """The number of the line holding `offset`."""
        return bisect.bisect_right(self.starts, offset) - 1

    def end(self, number: int) -> int:
        """The offset just past the line's newline."""
        return self.starts[number + 1] if number + 1 < self.count else len(self.text)

    def content_end(self, number: int) -> int:
        """The offset of the end of the line's content (before "\\r\\n" or "\\n")."""
        end = self.starts[number + 1] - 1 if number + 1 < self.count else len(self.text)
        return end - 1 if end > self.starts[number] and self.text[end - 1] == "\r" else end

    def content(self, number: int) -> str:
        """The line without its line break."""
        return self.text[self.starts[number]:self.content_end(number)]

    def spaces(self, number: int) -> int:
        """The line's indentation: the spaces it starts with."""
        content = self.content(number)
        return len(content) - len(content.lstrip(" "))

    def blank(self, number: int) -> bool:
        """Whether the line is empty or whitespace."""
        return not self.content(number).strip()

    def content_indent(self, number: int) -> int:
        """The indentation of a line with content, without reading the rest; -1 for a blank or comment line."""
        line = self._read.get(number)
        if line is not None:
            return -1 if line.blank else line.indent
        raw = self.content(number)
        stripped = raw.lstrip(" ")
        if not stripped or stripped[0] == "#" or not stripped.strip():
            return -1
        return len(raw) - len(stripped)

    def line(self, number: int) -> Line:
        line = self._read.get(number)
        if line is None:
            line = self._read[number] = read_line(number, self.starts[number], self.content(number))
        return line

    def top_key_line(self, key: str) -> int | None:
        """The number of the line of a `key:` at the left margin."""
        offset = top_key_offset(self.text, key)
        return None if offset is None else self.line_of(offset)

    # the block structure, from the indentation

    def children(self, number: int) -> list[Line]:
        """The key lines directly under the key on line `number` (block style)."""
        parent = self.line(number)
        out: list[Line] = []
        child_col = None
        for i in range(number + 1, self.count):
            indent = self.content_indent(i)
            if indent < 0 or (child_col is not None and indent > child_col):
                continue
            line = self.line(i)
            if line.indent <= parent.key_col and not (line.dashes and line.indent == parent.key_col):
                break
            if child_col is None:
                child_col = line.key_col if not line.dashes else None
                if child_col is None:
                    break  # a list, not a mapping
            if line.key is not None and line.key_col == child_col and not line.dashes:
                out.append(line)
        return out

    def items(self, number: int) -> list[Line]:
        """The `- item` lines directly under the key on line `number`."""
        parent = self.line(number)
        out: list[Line] = []
        dash_col = None
        for i in range(number + 1, self.count):
            indent = self.content_indent(i)
            if indent < 0 or (dash_col is not None and indent > dash_col):
                continue
            line = self.line(i)
            if line.indent < parent.key_col or (line.indent == parent.key_col and not line.dashes):
                break
            if line.dashes:
                if dash_col is None:
                    dash_col = line.dashes[0]
                if line.dashes[0] == dash_col:
                    out.append(line)
        return out

    def value_end(self, number: int) -> int:
        """The offset where the value of the key on line `number` ends (continuation lines included)."""
        owner = self.line(number)
        col = owner.key_col if owner.key is not None else (owner.dashes[-1] if owner.dashes else owner.indent)
        end = owner.start + len(owner.text)
        for i in range(number + 1, self.count):
            indent = self.content_indent(i)
            if indent < 0:
                continue
            if indent <= col:
                break
            end = self.content_end(i)
        return end

    # every line at once

    def _measure(self) -> tuple[list[int], list[int], list[bool]]:
        if self._measured is None:
            contents = self.text.split("\n")
            if "\r" in self.text:
                contents = [raw[:-1] if raw.endswith("\r") else raw for raw in contents]
            self._measured = ([start + len(c) for start, c in zip(self.starts, contents, strict=True)],
                              [len(c) - len(c.lstrip(" ")) for c in contents],
                              [not c.strip() for c in contents])
        return self._measured

    # cached: passes over every line read them in their loops
    @cached_property
    def content_ends(self) -> list[int]:
        return self._measure()[0]

    @cached_property
    def indents(self) -> list[int]:
        """Every line's indentation (spaces), blank and comment lines included."""
        return self._measure()[1]

    @cached_property
    def blanks(self) -> list[bool]:
        """For every line, whether it is empty or whitespace."""
        return self._measure()[2]
