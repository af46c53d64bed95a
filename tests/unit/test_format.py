"""Formatting: minimal edits that tidy indentation, the column shorthand and whitespace.

Every formatted text is checked to analyse exactly like the original (same tables,
columns, types and modifiers, no new diagnostics), and formatting it again changes nothing.
"""
from __future__ import annotations

import itertools
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schema_lang.analysis import analyze
from schema_lang.core.diagnostics import TextEdit
from schema_lang.core.shorthand import parse_shorthand, tokenize
from schema_lang.core.syntax import Mapping, Scalar, parse_yaml
from schema_lang.core.types import ALIASES, BUILTIN_TYPES
from schema_lang.ide.format import (
    detect_step,
    format_edits,
    format_text,
    normalize_shorthand,
    normalize_type,
)
from schema_lang.ide.refactor.text_edits import apply_edits

SHOP = (Path(__file__).resolve().parents[2] / "examples" / "shop.schema.yaml").read_text(encoding="utf-8")


def meaning(text: str) -> dict:
    """What the analysis makes of a file: every column with its type and modifiers, and the findings."""
    document = analyze(text)
    tables = {}
    for name, table in document.schema.tables.items():
        columns = {}
        for cname, c in table.columns.items():
            columns[cname] = (str(c.type) if c.type else c.type_text, c.nullable, c.primary_key, c.unique,
                              c.identity, c.pii, c.default, c.check, c.was, c.description)
        fks = [(fk.columns, fk.table, fk.target_columns, fk.on_delete, fk.on_update) for fk in table.foreign_keys]
        tables[name] = (columns, fks, table.primary_key, table.rows, table.description)
    findings = sorted((d.rule, d.message, d.table, d.column) for d in document.diagnostics)
    return {"tables": tables, "findings": findings, "queries": {n: q.sql for n, q in document.schema.queries.items()}}


def check_formatting(text: str, **kwargs) -> str:
    """Formats `text`, checks that the analysis is unchanged and that formatting is idempotent."""
    edits = format_edits(text, **kwargs)
    positions = [(e.start, e.end) for e in edits]
    assert positions == sorted(positions)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(positions)), "overlapping edits"
    out = apply_edits(text, edits)
    assert meaning(out) == meaning(text)
    assert format_edits(out, **kwargs) == []
    return out


# ---------------------------------------------------------------------------
# the shorthand

@pytest.mark.parametrize("before, after", [
    ("bigint PK identity", "bigint pk identity"),
    ("BIGINT   pk   IDENTITY", "bigint pk identity"),
    ("VARCHAR(20) NOT NULL", "varchar(20) not null"),
    ("varchar(255)  Not   Null  UNIQUE  PII", "varchar(255) not null unique pii"),
    ("decimal(10, 2) not null", "decimal(10,2) not null"),
    ("Decimal( 10 , 2 )", "decimal(10,2)"),
    ("numeric(12, 4)", "numeric(12,4)"),
    ("DOUBLE   PRECISION", "double precision"),
    ("TEXT[]", "text[]"),
    ("int PRIMARY   KEY", "int primary key"),
    ("varchar(100) NULL", "varchar(100) null"),
    ("bigint not null References users ON DELETE CASCADE", "bigint not null references users on delete cascade"),
    ("bigint references Users (id) on delete SET  NULL On Update No Action",
     "bigint references Users(id) on delete set null on update no action"),
    ('bigint references "Order"("Id")', 'bigint references "Order"("Id")'),
    ("int CHECK (quantity >  0 AND quantity < 100)", "int check (quantity >  0 AND quantity < 100)"),
    ("int check(quantity>0)", "int check (quantity>0)"),
    ("varchar(20) DEFAULT 'Pending  Review'", "varchar(20) default 'Pending  Review'"),
    ("timestamptz Default NOW()", "timestamptz default NOW()"),
    ("jsonb not null default '{}'::JSONB", "jsonb not null default '{}'::JSONB"),
    ("date default CURRENT_DATE + 30", "date default CURRENT_DATE + 30"),
    ("varchar(100) WAS NickName", "varchar(100) was NickName"),
    ("enum(Small, Medium) DEFAULT 'Small'", "enum(Small, Medium) default 'Small'"),
    ("ENUM(a, b)", "enum(a, b)"),
    ("bigint pk identity", "bigint pk identity"),
])
def test_shorthand_is_tidied(before, after):
    assert normalize_shorthand(before) == after
    assert normalize_shorthand(after) == after


@pytest.mark.parametrize("text", [
    "bigint pk pk",  # given twice
    "int default now ()",  # the space makes `()` a stray modifier
    "varchar(20 not null",  # unclosed
    "int not",  # incomplete
    "bigint frobnicate",  # unknown modifier
])
def test_a_shorthand_with_errors_is_left_alone(text):
    assert normalize_shorthand(text) is None
    schema = f"schema: s\ntables:\n  t:\n    columns:\n      x: {text}\n"
    assert format_edits(schema) == []


def test_enum_names_keep_their_case():
    enums = frozenset({"OrderStatus", "bigint"})
    assert normalize_type("OrderStatus", enums) == "OrderStatus"
    assert normalize_type("OrderStatus []", enums) == "OrderStatus[]"
    # `BIGINT` is the built-in type here; in lower case it would name the enum `bigint`
    assert normalize_type("BIGINT", enums) == "BIGINT"
    assert normalize_type("Serial") == "Serial"  # unknown: kept as written
    assert normalize_type("varchar(0)") == "varchar(0)"  # invalid: kept as written
    assert normalize_shorthand("OrderStatus NOT NULL DEFAULT 'Paid'", enums) == "OrderStatus not null default 'Paid'"


def test_a_whole_file_of_messy_shorthand():
    text = """schema: s
enums:
  Mood: [Happy, Sad]
tables:
  people:
    columns:
      id: BIGINT   PK IDENTITY
      mood: Mood  NOT NULL DEFAULT 'Happy'
      score: DECIMAL(5, 2) CHECK (score >= 0)
      parent_id: BIGINT REFERENCES people ON DELETE SET NULL
      note:
        type: VARCHAR( 200 )
        description: Kept  as   written
"""
    out = check_formatting(text)
    assert out == """schema: s
enums:
  Mood: [Happy, Sad]
tables:
  people:
    columns:
      id: bigint pk identity
      mood: Mood not null default 'Happy'
      score: decimal(5,2) check (score >= 0)
      parent_id: bigint references people on delete set null
      note:
        type: varchar(200)
        description: Kept  as   written
"""


def test_edits_are_minimal():
    text = "schema: s\ntables:\n  t:\n    columns:\n      id: bigint PK identity\n"
    (edit,) = format_edits(text)
    assert text[edit.start:edit.end] == "PK" and edit.new_text == "pk"


def test_quoted_shorthand_keeps_its_quotes():
    text = "schema: s\ntables:\n  t:\n    columns:\n      id: \"BIGINT PK\"\n      n: 'TEXT   NOT NULL'\n"
    out = check_formatting(text)
    assert out.endswith("      id: \"bigint pk\"\n      n: 'text not null'\n")


def test_a_value_that_would_need_other_quoting_is_left_alone():
    # in a single-quoted YAML string the SQL quotes are doubled: the value is not written 1:1
    text = "schema: s\ntables:\n  t:\n    columns:\n      s: 'TEXT DEFAULT ''x'''\n"
    assert format_edits(text) == []


# ---------------------------------------------------------------------------
# indentation

MESSY_INDENT = """schema: s
tables:
  users:
       description: Accounts
       columns:
            id: bigint pk identity
            email: text not null
       indexes:
         - email
  orders:
    columns:
        id: bigint pk identity
        user_id: bigint references users
"""


def test_indentation_follows_the_step_the_file_mostly_uses():
    assert detect_step(MESSY_INDENT) == 2
    out = check_formatting(MESSY_INDENT)
    assert out == """schema: s
tables:
  users:
    description: Accounts
    columns:
      id: bigint pk identity
      email: text not null
    indexes:
      - email
  orders:
    columns:
      id: bigint pk identity
      user_id: bigint references users
"""


def test_a_file_indented_by_four_stays_so():
    text = "schema: s\ntables:\n    t:\n        columns:\n              id: bigint pk\n"
    assert detect_step(text) == 4
    assert check_formatting(text) == "schema: s\ntables:\n    t:\n        columns:\n            id: bigint pk\n"


def test_the_editor_tab_size_is_used_only_when_the_file_shows_no_step():
    flat = "schema: s\ndialect: sqlite\n"
    assert detect_step(flat, 4) == 4
    assert detect_step(flat) == 2
    text = "schema: s\ntables:\n   t:\n      columns:\n         id: bigint pk\n"
    assert format_edits(text, indent=2) == []  # the file's own step (3) wins
    own_line = "schema: s\ndescription:\n         Free text\n"
    assert check_formatting(own_line, indent=4) == "schema: s\ndescription:\n    Free text\n"
    assert check_formatting(own_line) == "schema: s\ndescription:\n  Free text\n"


def test_sequences_at_their_keys_column_stay_there():
    text = "schema: s\ntables:\n  t:\n    columns:\n      id: bigint pk\n    indexes:\n    - id\n    - (id desc)\n"
    assert format_edits(text) == []


def test_block_scalars_keep_their_layout():
    text = """schema: s
tables:
  t:
      description: |
          first line
            indented more

          after a blank line
      columns:
          id: bigint pk
queries:
  q:
    sql: >-
      SELECT id
        FROM t
"""
    out = check_formatting(text)
    assert out == """schema: s
tables:
  t:
    description: |
        first line
          indented more

        after a blank line
    columns:
      id: bigint pk
queries:
  q:
    sql: >-
      SELECT id
        FROM t
"""


def test_trailing_spaces_inside_a_block_scalar_are_content():
    text = "schema: s\ndescription: |\n  keep these   \n  lines\ntables: {}\n"
    assert format_edits(text) == []


def test_comments_are_kept_byte_for_byte():
    text = """# top comment   
schema: s   # the name
tables:
     # about users
     users:    # trailing  comment  kept
       columns:
         # the key
         id: BIGINT PK   # schema-lang: ignore[design/reserved-word]
         name: text
         # after the last column
     # about orders
     orders:
       columns: {id: bigint pk}
"""
    out = check_formatting(text)
    def comments(t):
        return [line[line.index("#"):] for line in t.splitlines() if "#" in line]
    assert [c.rstrip() for c in comments(text)] == comments(out)
    assert out == """# top comment
schema: s   # the name
tables:
  # about users
  users:    # trailing  comment  kept
    columns:
      # the key
      id: bigint pk   # schema-lang: ignore[design/reserved-word]
      name: text
      # after the last column
  # about orders
  orders:
    columns: {id: bigint pk}
"""


def test_blank_lines_and_key_order_stay():
    text = "schema: s\n\n\ntables:\n  b:\n    columns: {id: int pk}\n\n  a:\n    columns: {id: int pk}\n"
    assert format_edits(text) == []


# ---------------------------------------------------------------------------
# whitespace and the end of the file

def test_trailing_whitespace_and_the_final_newline():
    text = "schema: s   \ntables:\t\n  t:\n    columns:\n      id: bigint pk  \n\n\n\n"
    assert check_formatting(text) == "schema: s\ntables:\n  t:\n    columns:\n      id: bigint pk\n"
    assert check_formatting("schema: s") == "schema: s\n"


def test_windows_line_breaks_are_kept():
    text = "schema: s  \r\ntables:\r\n  t:\r\n    columns:\r\n      id: bigint PK\r\n\r\n"
    assert check_formatting(text) == "schema: s\r\ntables:\r\n  t:\r\n    columns:\r\n      id: bigint pk\r\n"


def test_a_block_scalar_that_keeps_its_final_lines_keeps_them():
    text = "schema: s\nqueries:\n  q:\n    sql: |+\n      SELECT 1\n\n"
    assert format_edits(text) == []


# ---------------------------------------------------------------------------
# what is not changed

@pytest.mark.parametrize("text", [
    "schema: s\ntables:\n  t:\n    columns:\n      id: BIGINT PK\n     bad: [\n",
    "schema: s\ntables:\n  t:\n    columns: {id: BIGINT PK\n",
    "schema: s\ntables:\n\tt: {}\n",
    "schema: 's\n",
])
def test_a_yaml_syntax_error_means_no_edits(text):
    assert format_edits(text) == []


def test_flow_style_is_tidied_inside_but_not_reflowed():
    text = """schema: s
tables:
  t:
    columns: {id: BIGINT PK IDENTITY,   name: "VARCHAR(20)  NOT NULL",
              n: INT}
    indexes: [ {columns: [id],   name: by_id} ]
"""
    out = check_formatting(text)
    assert out == """schema: s
tables:
  t:
    columns: {id: bigint pk identity,   name: "varchar(20) not null",
              n: int}
    indexes: [ {columns: [id],   name: by_id} ]
"""


def test_a_flow_value_that_would_need_quotes_is_left_alone():
    # `decimal(10, 2)` cannot be written in a flow mapping without quotes: it is not tidied there
    text = 'schema: s\ntables:\n  t:\n    columns: {a: "DECIMAL(10, 2)"}\n'
    assert check_formatting(text).endswith('{a: "decimal(10,2)"}\n')


def test_non_ascii_names():
    text = """schema: café
tables:
  clientes_🛒:
    columns:
         prénom: VARCHAR(20)  NOT NULL   # 🎉 kept
         ñandú_id: BIGINT REFERENCES "clientes_🛒"
         ciudad: TEXT REFERENCES ciudades_ñ
"""
    out = check_formatting(text)
    assert out == """schema: café
tables:
  clientes_🛒:
    columns:
      prénom: varchar(20) not null   # 🎉 kept
      ñandú_id: bigint references "clientes_🛒"
      ciudad: text references ciudades_ñ
"""


def test_empty_text():
    assert format_edits("") == []
    assert format_edits("\n\n") == []


# ---------------------------------------------------------------------------
# range formatting

RANGE_TEXT = """schema: s
tables:
  t:
    columns:
      a: BIGINT PK   
      b: TEXT  NOT NULL
      c: INT   
"""


def line_span(text: str, line: int) -> tuple[int, int]:
    starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
    return starts[line], starts[line + 1]


def changed_lines(before: str, after: str) -> set[int]:
    return {i for i, (a, b) in enumerate(zip(before.split("\n"), after.split("\n"), strict=False)) if a != b}


def test_range_formatting_touches_only_its_lines():
    start, end = line_span(RANGE_TEXT, 5)
    out = apply_edits(RANGE_TEXT, format_edits(RANGE_TEXT, start, end))
    assert changed_lines(RANGE_TEXT, out) == {5}
    assert out.split("\n")[5] == "      b: text not null"
    # a range that ends inside a line still takes the whole line; one that spans lines takes each
    start, _ = line_span(RANGE_TEXT, 4)
    _, end = line_span(RANGE_TEXT, 5)
    out = apply_edits(RANGE_TEXT, format_edits(RANGE_TEXT, start + 8, end - 3))
    assert changed_lines(RANGE_TEXT, out) == {4, 5}
    # an empty range at a position formats its line
    out = apply_edits(RANGE_TEXT, format_edits(RANGE_TEXT, start + 3, start + 3))
    assert changed_lines(RANGE_TEXT, out) == {4}


def test_range_formatting_of_indentation():
    start, end = line_span(MESSY_INDENT, 2)[0], line_span(MESSY_INDENT, 8)[1]
    out = apply_edits(MESSY_INDENT, format_edits(MESSY_INDENT, start, end))
    assert changed_lines(MESSY_INDENT, out) == {3, 4, 5, 6, 7, 8}
    assert meaning(out) == meaning(MESSY_INDENT)
    # a range that would leave a block half re-indented changes no indentation
    start, end = line_span(MESSY_INDENT, 5)
    edits = format_edits(MESSY_INDENT, start, end)
    out = apply_edits(MESSY_INDENT, edits)
    assert meaning(out) == meaning(MESSY_INDENT)
    assert changed_lines(MESSY_INDENT, out) <= {5}


# ---------------------------------------------------------------------------
# the example, and messy variants of it

def test_the_example_is_already_formatted():
    assert format_edits(SHOP) == []


def _block_scalar_lines(text: str) -> set[int]:
    lines: set[int] = set()
    starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]

    def line_of(offset: int) -> int:
        return max(i for i, s in enumerate(starts) if s <= offset)

    stack = [parse_yaml(text).root]
    while stack:
        node = stack.pop()
        if isinstance(node, Mapping):
            stack.extend(v for _, v in node.items)
        elif hasattr(node, "items"):
            stack.extend(node.items)
        elif isinstance(node, Scalar) and node.style in ("|", ">"):
            lines.update(range(line_of(node.start) + 1, line_of(node.end - 1) + 1))
    return lines


def _messy_shorthand(value: str, rnd: random.Random) -> str:
    """The same shorthand with keywords in random case and random spaces between its parts
    (names, defaults and check conditions as they were)."""
    short = parse_shorthand(value)
    tokens, _ = tokenize(value)
    keep = [span for span in (short.default_span, short.references_table_span, short.was_span) if span]
    keep += [s for _, s in short.references_columns]
    if short.check_span:
        keep.append((value.index("(", short.check_span[0]), short.check_span[1]))
    name = value[short.type_span[0]:short.type_span[1]].split("(")[0]
    builtin = name.lower() in BUILTIN_TYPES or name.lower() in ALIASES
    out = []
    for i, token in enumerate(tokens):
        inside = any(a <= token.start and token.end <= b for a, b in keep)
        text = token.text
        if not inside and token.kind == "word" and (token.start >= short.type_span[1] or builtin):
            text = "".join(ch.upper() if rnd.random() < 0.5 else ch for ch in text)
        if i:
            gap = value[tokens[i - 1].end:token.start]
            after_keep = any(a <= tokens[i - 1].start and token.end <= b for a, b in keep)
            if gap and not after_keep:
                gap = " " * rnd.randint(1, 3)
            elif not gap and tokens[i - 1].text == "," and short.type_span[0] <= token.start < short.type_span[1]:
                gap = " " * rnd.randint(0, 1)  # decimal(10, 2)
            out.append(gap)
        out.append(text)
    return "".join(out)


def messy_variant(seed: int) -> str:
    rnd = random.Random(seed)
    document = analyze(SHOP)
    text = SHOP
    # the shorthand, from the end of the file so offsets hold
    values = sorted((t.at(c.value_span) for t in document.schema.tables.values() for c in t.columns.values()
                     if c.type_span != c.value_span or isinstance(c.value_span, tuple)), reverse=True)
    values = [(start, end) for start, end in values if ":" not in SHOP[start:end] and "\n" not in SHOP[start:end]]
    for start, end in values:
        if rnd.random() < 0.7:
            text = text[:start] + _messy_shorthand(text[start:end], rnd) + text[end:]
    lines = text.split("\n")
    block = _block_scalar_lines(text)
    indent = [len(line) - len(line.lstrip(" ")) for line in lines]
    # a few blocks indented by more than the file's step, each with everything inside it
    parents = [i for i, line in enumerate(lines) if line.rstrip().endswith(":") and i not in block]
    for parent in rnd.sample(parents, rnd.randint(0, 3)):
        extra = rnd.randint(1, 3)
        for j in range(parent + 1, len(lines)):
            if lines[j].strip() and indent[j] <= indent[parent] and j not in block:
                break
            if lines[j].strip():
                indent[j] += extra
    lines = [" " * indent[i] + line.lstrip(" ") if line.strip() else line for i, line in enumerate(lines)]
    # trailing whitespace, and the end of the file
    lines = [line + rnd.choice(["", "", " ", "   "]) if i not in block else line for i, line in enumerate(lines)]
    text = "\n".join(lines).rstrip("\n") + rnd.choice(["", "\n", "\n\n\n", "\n  \n"])
    return text


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_messy_variants_of_the_example_format_back_to_it(seed):
    messy = messy_variant(seed)
    assert meaning(messy) == meaning(SHOP)  # the variant means the same: the generator is right
    formatted = format_text(messy)
    assert formatted == SHOP
    assert format_edits(formatted) == []


def test_a_messy_variant_really_is_messy():
    messy = messy_variant(7)
    assert messy != SHOP and len(format_edits(messy)) > 5


def test_the_edit_type():
    edits = format_edits("schema: s  \n")
    assert edits == [TextEdit(9, 11, "")]
