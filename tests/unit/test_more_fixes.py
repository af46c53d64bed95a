"""Quick fixes computed on request: "Create table X" for an unknown referenced table, "Add
primary key", the definite replacement of a type from another system, and "Ignore <rule> on this
line" for any diagnostic.  Each is applied, the file analysed again: the diagnostic is gone,
nothing else changed, comments are kept."""
from __future__ import annotations

from collections import Counter

import pytest

from schema_lang.analysis import analyze
from schema_lang.core.document import Options
from schema_lang.ide.fixes import fixes_for, ignore_fix
from schema_lang.ide.refactor.text_edits import apply_edits, yaml_key


def the(text: str, rule: str, underline: str | None = None, dialect: str | None = None):
    document = analyze(text, Options(dialect=dialect))
    found = [d for d in document.diagnostics
             if d.rule == rule and (underline is None or text[d.start:d.end] == underline)]
    assert len(found) == 1, [(d.rule, text[d.start:d.end]) for d in document.diagnostics]
    return document, found[0]


def fix_titled(document, d, prefix: str):
    fixes = [f for f in fixes_for(document, d) if f.title.startswith(prefix)]
    assert len(fixes) == 1, [f.title for f in fixes_for(document, d)]
    return fixes[0]


def rules_of(text: str, dialect: str | None = None) -> Counter:
    return Counter(d.rule for d in analyze(text, Options(dialect=dialect)).diagnostics)


def applied(text: str, fix, rule: str, dialect: str | None = None, allow: tuple[str, ...] = ()) -> str:
    """Applies the fix; checks that one `rule` diagnostic went away and nothing else appeared
    but the rules in `allow`."""
    out = apply_edits(text, list(fix.edits))
    before, after = rules_of(text, dialect), rules_of(out, dialect)
    assert after[rule] == before[rule] - 1, (out, after)
    new = after - before
    assert set(new) <= set(allow), (out, new)
    assert not [r for r in after if r.startswith("syntax/")]
    return out


# ---------------------------------------------------------------------------
# reference/unknown-table: Create table X

UNKNOWN_TABLE = """schema: s
tables:
  users:  # the customers
    columns:
      id: bigint pk
  orders:
    columns:
      id: bigint pk
      user_id: int not null references usrs on delete cascade  # who ordered
    indexes:
      - user_id
# the end
"""


def test_create_table_with_the_type_of_the_referencing_column():
    document, d = the(UNKNOWN_TABLE, "reference/unknown-table", "usrs")
    titles = [f.title for f in fixes_for(document, d)]
    assert titles == ["Change to 'users'", "Create table usrs"]  # did you mean first, and preferred
    assert fixes_for(document, d)[0].preferred and not fixes_for(document, d)[1].preferred
    out = applied(UNKNOWN_TABLE, fix_titled(document, d, "Create table"), "reference/unknown-table")
    assert out == UNKNOWN_TABLE.replace("      - user_id\n",
                                        "      - user_id\n  usrs:\n    columns:\n      id: int pk\n")
    assert "# the customers" in out and "# who ordered" in out and out.endswith("# the end\n")
    assert analyze(out).schema.tables["usrs"].columns["id"].type_text == "int"


def test_create_table_follows_the_file_indentation_and_a_missing_final_newline():
    text = ("schema: s\ntables:\n    a:\n        columns:\n            id: bigint pk\n"
            "            b_code: decimal(10,2) references bb(code)")
    document, d = the(text, "reference/unknown-table", "bb")
    out = applied(text, fix_titled(document, d, "Create table bb"), "reference/unknown-table",
                  allow=("index/fk-missing-index",))
    assert out == text + "\n    bb:\n        columns:\n            code: decimal(10,2) pk\n"
    # the new key matches the referencing column: no type mismatch
    assert "reference/type-mismatch" not in rules_of(out)


def test_create_table_for_a_composite_foreign_key():
    text = """schema: s
tables:
  t:
    columns:
      id: bigint pk
      ax: int
      ay: varchar(10)
    foreign_keys:
      - {columns: [ax, ay], references: 'pairs(x, y)'}
"""
    document, d = the(text, "reference/unknown-table", "pairs")
    out = applied(text, fix_titled(document, d, "Create table pairs"), "reference/unknown-table",
                  allow=("index/fk-missing-index",))
    assert out.endswith("  pairs:\n    primary_key: [x, y]\n    columns:\n      x: int\n      y: varchar(10)\n")


def test_create_table_with_a_name_that_needs_quotes():
    text = 'schema: s\ntables:\n  t:\n    columns:\n      id: bigint pk\n      x: bigint references "🛒 cart#1"\n'
    document, d = the(text, "reference/unknown-table")
    out = applied(text, fix_titled(document, d, "Create table"), "reference/unknown-table",
                  allow=("index/fk-missing-index",))
    assert '  "🛒 cart#1":\n    columns:\n      id: bigint pk\n' in out
    assert "🛒 cart#1" in analyze(out).schema.tables


def test_yaml_key():
    assert yaml_key("users") == "users"
    assert yaml_key("prénom") == "prénom"
    assert yaml_key("order items") == "order items"
    assert yaml_key("null") == '"null"'
    assert yaml_key("a: b") == '"a: b"'
    assert yaml_key("#x") == '"#x"'


def test_no_create_table_for_a_query():
    text = "schema: s\ntables:\n  t:\n    columns:\n      id: bigint pk\nqueries:\n  q: SELECT id FROM tt\n"
    document, d = the(text, "reference/unknown-table")
    assert [f.title for f in fixes_for(document, d)] == ["Change to 't'"]


# ---------------------------------------------------------------------------
# design/missing-primary-key: Add primary key

def one_table(columns: str) -> str:
    return "schema: s\ntables:\n  t:  # kept\n    columns:\n" + "".join(
        f"      {line}\n" for line in columns.splitlines())


@pytest.mark.parametrize("columns, expected", [
    ("x: int  # a comment\ny: text", "id: bigint pk identity\nx: int  # a comment\ny: text"),
    ("id: int not null\nx: int", "id: int pk not null\nx: int"),
    ("id: int null\nx: int", "id: int pk\nx: int"),
    ("id: 'bigint unique'", "id: 'bigint pk unique'"),
    ("id:\n  type: bigint\n  description: the key\nx: int",
     "id:\n  type: bigint\n  description: the key\n  primary_key: true\nx: int"),
    ("id: {type: bigint}", "id: {type: bigint, primary_key: true}"),
    ("id: {type: bigint, primary_key: false}", "id: {type: bigint, primary_key: true}"),
])
def test_add_primary_key(columns, expected):
    text = one_table(columns)
    document, d = the(text, "design/missing-primary-key")
    fix = fix_titled(document, d, "Add primary key")
    assert not fix.preferred
    out = applied(text, fix, "design/missing-primary-key")
    assert out == one_table(expected)
    assert analyze(out).schema.tables["t"].primary_key == ["id"]


def test_add_primary_key_to_flow_columns():
    text = "schema: s\ntables:\n  t:\n    columns: {x: int, y: text}\n"
    document, d = the(text, "design/missing-primary-key")
    out = applied(text, fix_titled(document, d, "Add primary key"), "design/missing-primary-key")
    assert out == "schema: s\ntables:\n  t:\n    columns: {id: bigint pk identity, x: int, y: text}\n"


def test_add_primary_key_on_a_nullable_long_form_id_names_it_in_primary_key():
    text = one_table("id:\n  type: bigint\n  nullable: true\nx: int")
    document, d = the(text, "design/missing-primary-key")
    fix = fix_titled(document, d, "Add primary key")
    assert fix.title == "Add primary key (primary_key: [id])"
    out = apply_edits(text, list(fix.edits))
    assert "  t:  # kept\n    primary_key: [id]\n    columns:\n" in out


# ---------------------------------------------------------------------------
# schema/unknown-type: the definite replacement of another system's type

@pytest.mark.parametrize("written, expected", [
    ("x: serial", "x: int identity"),
    ("x: bigserial identity", "x: bigint identity"),
    ("x: blob not null", "x: bytes not null"),
])
def test_type_from_another_system(written, expected):
    text = one_table("id: bigint pk\n" + written)
    document, d = the(text, "schema/unknown-type")
    fix = fix_titled(document, d, "Change to")
    out = applied(text, fix, "schema/unknown-type")
    assert out == one_table("id: bigint pk\n" + expected)


def test_no_replacement_when_there_is_a_choice():
    text = one_table("id: bigint pk\nx: string")
    document, d = the(text, "schema/unknown-type")
    assert fixes_for(document, d) == []


# ---------------------------------------------------------------------------
# the fixes that already existed: did you mean, and the type of the FK target

@pytest.mark.parametrize("text, rule, underline, replacement", [
    (UNKNOWN_TABLE, "reference/unknown-table", "usrs", "users"),
    (one_table("id: bigint pk\nx: varchr(10)"), "schema/unknown-type", "varchr(10)", "varchar"),
    (one_table("id: bigint pk") + "    primary_key: [idd]\n", "reference/unknown-column", "idd", "id"),
    (one_table("id: bigint pk\nref: int references t(idd)"), "reference/unknown-column", "idd", "id"),
    (one_table("id: bigint pk\nref: int references t"), "reference/type-mismatch", "int", "bigint"),
])
def test_existing_preferred_fixes(text, rule, underline, replacement):
    document, d = the(text, rule, underline)
    fix = fixes_for(document, d)[0]
    assert fix.preferred and [e.new_text for e in fix.edits] == [replacement]
    applied(text, fix, rule, allow=("index/fk-missing-index", "reference/type-mismatch"))


def test_type_mismatch_fix_title():
    text = one_table("id: bigint pk\nref: int references t")
    document, d = the(text, "reference/type-mismatch")
    assert fixes_for(document, d)[0].title == "Change type to bigint"


# ---------------------------------------------------------------------------
# Ignore <rule> on this line

MYSQL = """schema: s
dialect: mysql
tables:
  t:
    columns:
      id: bigint pk
      at: timestamptz not null  # when
      uu: "uuid"
"""


def ignored(text: str, rule: str, underline: str | None = None) -> str:
    document, d = the(text, rule, underline)
    fix = ignore_fix(document, d)
    assert fix is not None and fix.title == f"Ignore {rule} on this line" and not fix.preferred
    return applied(text, fix, rule)


def test_ignore_appends_a_comment_at_the_end_of_the_line():
    out = ignored(MYSQL, "dialect/type-mapped", "timestamptz")
    assert "      at: timestamptz not null  # when  # schema-lang: ignore[dialect/type-mapped]\n" in out
    out = ignored(MYSQL, "dialect/type-mapped", "uuid")
    assert '      uu: "uuid"  # schema-lang: ignore[dialect/type-mapped]\n' in out


def test_ignore_merges_into_an_ignore_comment_on_the_line():
    text = MYSQL.replace("  t:\n", "  order:  # schema-lang: ignore[dialect/type-mapped]\n")
    out = ignored(text, "design/reserved-word")
    assert "  order:  # schema-lang: ignore[dialect/type-mapped, design/reserved-word]\n" in out
    text = MYSQL.replace("  t:\n", "  order:  # schema-lang: ignore[]\n")
    out = ignored(text, "design/reserved-word")
    assert "  order:  # schema-lang: ignore[design/reserved-word]\n" in out


def test_ignore_on_the_table_key_line():
    text = "schema: s\ntables:\n  t:\n    columns:\n      x: int\n"
    out = ignored(text, "design/missing-primary-key")
    assert out == ("schema: s\ntables:\n  t:  # schema-lang: ignore[design/missing-primary-key]\n"
                   "    columns:\n      x: int\n")


def test_ignore_after_a_quoted_string_holding_a_hash():
    text = MYSQL.replace('uu: "uuid"', "uu: 'uuid pii # not a comment'")
    out = ignored(text, "dialect/type-mapped", "uuid")
    assert "      uu: 'uuid pii # not a comment'  # schema-lang: ignore[dialect/type-mapped]\n" in out


def test_ignore_a_multi_line_quoted_value_goes_on_a_line_above():
    text = MYSQL.replace('uu: "uuid"', 'uu: "uuid\n        not null"')
    out = ignored(text, "dialect/type-mapped", '"uuid\n        not null"')
    assert '      # schema-lang: ignore[dialect/type-mapped]\n      uu: "uuid\n        not null"\n' in out


def test_ignore_merges_into_an_own_line_comment_above():
    text = MYSQL.replace('      uu: "uuid"',
                         '      # schema-lang: ignore[design/reserved-word]\n      uu: "uuid\n   x"')
    out = ignored(text, "dialect/type-mapped", '"uuid\n   x"')
    assert '      # schema-lang: ignore[design/reserved-word, dialect/type-mapped]\n      uu: "uuid\n   x"\n' in out


def test_ignore_in_a_flow_mapping():
    text = "schema: s\ndialect: sqlite\ntables:\n  t:\n    columns: {id: bigint pk,\n      at: interval}\n"
    out = ignored(text, "dialect/type-mapped")
    assert "      at: interval}  # schema-lang: ignore[dialect/type-mapped]\n" in out


def test_no_ignore_inside_a_block_scalar():
    text = ("schema: s\ntables:\n  t:\n    columns:\n      id: bigint pk\n"
            "queries:\n  q:\n    sql: |\n      SELECT id\n      FROM tt\n")
    document, d = the(text, "reference/unknown-table")
    assert ignore_fix(document, d) is None


def test_ignore_on_the_first_line_of_a_block_scalar_goes_above():
    text = ("schema: s\ntables:\n  t:\n    columns:\n      id: bigint pk\n"
            "queries:\n  q:\n    sql: >\n      SELECT id\n      FROM t\n    frequency: often\n")
    document, d = the(text, "schema/invalid-value")
    fix = ignore_fix(document, d)
    assert fix is not None
    out = apply_edits(text, list(fix.edits))
    assert "    # schema-lang: ignore[schema/invalid-value]\n    frequency: often\n" in out or \
        "    frequency: often  # schema-lang: ignore[schema/invalid-value]\n" in out
    assert "schema/invalid-value" not in rules_of(out)


def test_no_ignore_for_syntax_errors():
    text = "schema: s\ntables:\n  t:\n    columns:\n      id: bigint pk\n      id: int\n"
    document, d = the(text, "syntax/duplicate-key")
    assert ignore_fix(document, d) is None


def test_ignore_an_unknown_rule_in_an_own_line_ignore_comment():
    text = ("schema: s\ntables:\n  t:\n    columns:\n      id: bigint pk\n"
            "      # schema-lang: ignore[nope/rule]\n      x: int\n")
    out = ignored(text, "schema/unknown-rule")
    assert "      # schema-lang: ignore[nope/rule]  # schema-lang: ignore[schema/unknown-rule]\n" in out


def test_ignore_with_crlf_line_endings():
    text = MYSQL.replace("\n", "\r\n")
    out = ignored(text, "dialect/type-mapped", "timestamptz")
    assert "      at: timestamptz not null  # when  # schema-lang: ignore[dialect/type-mapped]\r\n" in out
