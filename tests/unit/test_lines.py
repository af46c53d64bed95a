"""The line reader: line boundaries, comments and quotes, key lines, block structure.

Text comes from an editor, half typed: nothing here may raise, and where the text
is valid YAML a comment must be where YAML's own scanner finds it.
"""
from __future__ import annotations

import re

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schema_lang.core.lines import (
    Lines,
    any_line_indented_less,
    column_of,
    comment_start,
    content_line_end,
    ends_inside_quotes,
    first_indented_line,
    indent_step,
    is_indented_key_line,
    line_end,
    line_indent,
    line_start,
    line_starts,
    lines_indented,
    newline_of,
    next_margin_line,
    read_line,
    scan_line,
    top_key_offset,
    top_keys,
    whitespace_width,
)

# ---------------------------------------------------------------------------
# where lines start and end


def test_line_boundaries_in_a_crlf_file():
    text = "a: 1\r\n  b: 2\r\n\r\nc"
    assert line_starts(text) == [0, 6, 14, 16]
    assert line_start(text, 9) == 6
    assert line_end(text, 9) == 14
    assert content_line_end(text, 9) == 12  # before "\r\n"
    assert column_of(text, 9) == 3
    assert line_indent(text, 9) == "  "
    assert content_line_end(text, len(text)) == len(text)
    assert line_end(text, len(text)) == len(text)


def test_line_boundaries_at_the_edges():
    assert line_starts("") == [0]
    assert line_starts("a\n") == [0, 2]  # the empty line after the last newline
    assert line_start("a\nb", 2) == 2  # an offset at a line's start is on that line
    assert content_line_end("a\r", 0) == 1  # a carriage return at the end is not content either
    assert content_line_end("\r\nb", 1) == 1  # the offset is inside the line break
    assert line_indent("x\n \t y", 4) == " \t "


def test_whitespace_width_and_newline():
    assert whitespace_width("-   a", 1) == 3
    assert whitespace_width("a  \nb", 1) == 2  # stops at the newline
    assert whitespace_width("a  \r\nb", 1) == 3  # a carriage return is whitespace
    assert newline_of("a\r\nb\n") == "\r\n"
    assert newline_of("a\nb\r\n") == "\n"
    assert newline_of("a") == "\n"


# ---------------------------------------------------------------------------
# comments and quotes

@pytest.mark.parametrize("line, column", [
    ("a: b # c", 5),
    ("# only a comment", 0),
    ("a: 'x # y' # z", 11),
    ('a: "x \\" # y" # z', 14),
    ("a: 'it''s # here' # z", 18),
    ("a: b#c", None),  # `#` inside a plain scalar
    ("it's: a # c", 8),  # a quote inside a plain scalar opens nothing
    ("a 'b # c", 5),
    ("a:'b # c", 5),
    ("a: 'x' #c", 7),
    ("'a'#b", 3),  # YAML's scanner takes `#` right after a token as a comment
    ("[a, {b: c}]  # c", 13),
    ("{a: b#c}", None),
    ("key: |  # c", 8),
    ("- - &x a # c", 9),
    ("--- 'a # b'", None),  # a document marker, then a quoted scalar
    ("a: 'x # y", None),  # still open: the rest of the line is inside the quotes
    ('a: "x \\', None),
    ("a:\tb\t# c", 5),
    ("", None),
])
def test_comment_start(line, column):
    assert comment_start(line) == column


@pytest.mark.parametrize("prefix, inside", [
    ("name: 'abc", True),
    ('name: "a\\"', True),
    ("name: 'it''s", True),
    ("- 'x", True),
    ("[a, 'b", True),
    ("name: 'abc' ", False),
    ("it's", False),
    ("a:'b", False),
    ("a # 'b", False),  # inside a comment
    ("", False),
])
def test_ends_inside_quotes(prefix, inside):
    assert ends_inside_quotes(prefix) is inside
    assert (scan_line(prefix)[1] is not None) is inside


# ---------------------------------------------------------------------------
# key lines

def test_read_line():
    line = read_line(3, 40, "  - - 'a key': value  # note")
    assert (line.number, line.start, line.indent, line.dashes) == (3, 40, 2, (2, 4))
    assert (line.key, line.key_col, line.value, line.value_col, line.blank) == ("a key", 6, "value", 15, False)
    assert read_line(0, 0, "   # comment").blank
    assert read_line(0, 0, "  ").blank
    flow = read_line(0, 0, "{a: b}")
    assert flow.key is None and flow.value == "{a: b}"
    typing = read_line(0, 0, "  name: varchar(")  # a prefix, as before a cursor
    assert (typing.key, typing.value) == ("name", "varchar(")


def test_key_line_searches():
    text = "schema: s\ntables:\n  users:\n    columns: {}\n  'odd:name': {}\n  a: b: c\nenums: {}\n"
    assert [key for _, key in top_keys(text)] == ["schema", "tables", "enums"]
    assert top_key_offset(text, "tables") == 10
    assert top_key_offset(text, "table") is None
    assert indent_step(text) == 2
    assert indent_step("a: 1\n") == 2
    assert indent_step("a:\n    b: 1\n") == 4
    assert is_indented_key_line(text, text.index("  users"))
    assert is_indented_key_line(text, text.index("  'odd"))
    assert not is_indented_key_line(text, text.index("schema"))  # not indented
    assert not is_indented_key_line("  a:b", 0)  # `a:b` is a plain scalar, not a key
    region = text.index("  users")
    assert next_margin_line(text, region) == text.index("enums")
    assert first_indented_line(text, region, len(text)) == (region, 2)
    assert lines_indented(text, 2, region, text.index("enums")) == [
        region, text.index("  'odd"), text.index("  a: b")]
    assert not any_line_indented_less(text, 2, region, text.index("enums"))
    assert any_line_indented_less(text, 4, region, text.index("enums"))


# ---------------------------------------------------------------------------
# the lines of a text

TEXT = """\
tables:
  users:   # people
    columns:
      id: int pk

      name:
        type: text
  orders:
    indexes:
      - a
      # a comment
      - b
    check: >
      x > 0
      and y
"""


def test_lines_read_on_demand():
    lines = Lines(TEXT)
    assert lines.count == TEXT.count("\n") + 1
    users = lines.line_of(TEXT.index("users"))
    assert lines.content(users) == "  users:   # people"
    assert lines.spaces(users) == 2
    assert lines.content_indent(lines.line_of(TEXT.index("# a comment"))) == -1
    assert lines.blank(4) and lines.content_indent(4) == -1
    assert [line.key for line in lines.children(0)] == ["users", "orders"]
    assert [line.key for line in lines.children(lines.line_of(TEXT.index("columns")))] == ["id", "name"]
    indexes = lines.line_of(TEXT.index("indexes"))
    assert [line.value for line in lines.items(indexes)] == ["a", "b"]
    check = lines.line_of(TEXT.index("check"))
    assert lines.value_end(check) == TEXT.index("and y") + len("and y")
    assert lines.top_key_line("tables") == 0


def test_lines_measured_at_once_agree_with_the_lines_read_one_by_one():
    text = "a:\r\n  b: 1  \r\n   \r\n\tc\n"
    lines = Lines(text)
    assert lines.content_ends == [lines.content_end(i) for i in range(lines.count)]
    assert lines.indents == [lines.spaces(i) for i in range(lines.count)] == [0, 2, 3, 0, 0]
    assert lines.blanks == [lines.blank(i) for i in range(lines.count)] == [False, False, True, False, True]
    assert lines.content(1) == "  b: 1  "


# ---------------------------------------------------------------------------
# properties

_PIECES = st.sampled_from([*" \t#'\":-?,[]{}ab\\|>&*!%\n", "\r\n", "key: ", "- ", "  ", "---", "''", "# c"])
_YAMLISH = st.lists(_PIECES, max_size=30).map("".join)
_ANY = st.text(max_size=60) | _YAMLISH


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_ANY, st.integers(min_value=0, max_value=80))
def test_the_reader_never_raises_and_lines_partition_the_text(text, at):
    lines = Lines(text)
    pieces = [text[lines.starts[i]:lines.end(i)] for i in range(lines.count)]
    assert "".join(pieces) == text
    for i in range(lines.count):
        start, content_end = lines.starts[i], lines.content_end(i)
        assert start <= content_end <= lines.end(i)
        assert "\n" not in lines.content(i)
        assert line_start(text, content_end) == start
        assert line_end(text, start) == lines.end(i)
        assert content_line_end(text, start) == content_end
        assert lines.line_of(start) == i
        lines.line(i)
        lines.content_indent(i)
        lines.children(i)
        lines.items(i)
        lines.value_end(i)
        lines.top_key_line("tables")
    assert lines.content_ends == [lines.content_end(i) for i in range(lines.count)]
    offset = min(at, len(text))
    assert line_start(text, offset) <= offset <= line_end(text, offset)
    line_indent(text, offset)
    whitespace_width(text, offset)
    read_line(0, 0, text)
    top_keys(text)
    indent_step(text)
    is_indented_key_line(text, offset)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_ANY)
def test_a_comment_starts_at_a_hash_outside_quotes(text):
    for line in text.split("\n"):
        column = comment_start(line)
        if column is not None:
            assert line[column] == "#"
            assert not ends_inside_quotes(line[:column])
            assert comment_start(line[:column]) is None  # it is the first one


_BREAKS = re.compile("[\r\x85\u2028\u2029]")
_SKIPPED = (yaml.StreamStartToken, yaml.StreamEndToken, yaml.BlockEndToken)
_BLOCK_HEADER = re.compile(r"[|>][0-9+-]*")


def _yaml_comments(text: str, loader) -> dict[int, int | None] | None:
    """Line number -> the column of the comment YAML's scanner skips on that line (None for
    none), for the lines a line-by-line reading can judge: not inside a multi-line scalar or
    flow collection.  None when the text is not valid YAML."""
    try:
        list(yaml.parse(text, Loader=loader))
        tokens = list(yaml.scan(text, Loader=loader))
    except yaml.YAMLError:
        return None
    spans = []
    for token in tokens:
        if isinstance(token, _SKIPPED):
            continue
        start, end = token.start_mark.index, token.end_mark.index
        if isinstance(token, yaml.ScalarToken) and token.style in ("|", ">"):
            end = _BLOCK_HEADER.match(text, start).end()  # its content is on the lines below
        spans.append((start, end, type(token)))
    found: dict[int, int | None] = {}
    flow = 0
    start = 0
    for number, raw in enumerate(text.split("\n")):
        line = raw[:-1] if raw.endswith("\r") else raw
        end = start + len(line)
        mine = [(a, b, kind) for a, b, kind in spans if start <= a <= end]
        crossing = any(a < start < b for a, b, _ in spans) or any(b > end for _, b, _ in mine)
        if flow == 0 and not crossing and not _BREAKS.search(line):
            after = max([b for _, b, _ in mine] + [start])
            while after < end and text[after] in " \t":
                after += 1
            if after == end:
                found[number] = None
            elif text[after] == "#":
                found[number] = after - start
        for _, _, kind in mine:
            if kind in (yaml.FlowSequenceStartToken, yaml.FlowMappingStartToken):
                flow += 1
            elif kind in (yaml.FlowSequenceEndToken, yaml.FlowMappingEndToken):
                flow -= 1
        start += len(raw) + 1
    return found


_LOADERS = [yaml.SafeLoader] + ([yaml.CSafeLoader] if getattr(yaml, "__with_libyaml__", False) else [])


@pytest.mark.parametrize("loader", _LOADERS, ids=lambda loader: loader.__name__)
@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_YAMLISH)
def test_comments_are_where_yaml_finds_them(loader, text):
    expected = _yaml_comments(text, loader)
    if expected is None:
        return
    for number, raw in enumerate(text.split("\n")):
        if number in expected:
            line = raw[:-1] if raw.endswith("\r") else raw
            assert comment_start(line) == expected[number], (line, loader.__name__)


def test_the_yaml_oracle_sees_comments():
    """The oracle of the property above reads comments as YAML does."""
    assert _yaml_comments("a: 'x # y' # z\nb: c#d\n", yaml.SafeLoader) == {0: 11, 1: None, 2: None}
    assert _yaml_comments("a: 'x\n  # y'\n", yaml.SafeLoader) == {2: None}  # a scalar over two lines
    assert _yaml_comments("a: [\n b, # c\n]\n", yaml.SafeLoader) == {0: None, 3: None}  # inside the flow: not judged
    assert _yaml_comments("a: 'x", yaml.SafeLoader) is None
