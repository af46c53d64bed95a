"""Completion by context, on complete and on half-typed text.

Each test writes the text with a `|` where the cursor is."""
from __future__ import annotations

from pathlib import Path

import pytest

from schema_lang.analysis import analyze
from schema_lang.ide.completion import KINDS, complete
from schema_lang.rules import RULES

ROOT = Path(__file__).resolve().parents[2]
SHOP = (ROOT / "examples" / "shop.schema.yaml").read_text(encoding="utf-8")

BASE = """schema: shop
enums:
  order_status: [pending, paid, "in transit"]
tables:
  users:
    description: Registered customer accounts
    columns:
      id: bigint pk identity
      email: varchar(255) not null unique
      naïve_name: text
  orders:
    columns:
      id: bigint pk identity
      user_id: bigint not null references users
      status: order_status not null
      placed_at: timestamptz not null
"""


def at(text: str, document=None, snippets: bool = True):
    offset = text.index("|")
    text = text.replace("|", "", 1)
    return text, offset, complete(text, offset, document, snippets)


def labels(text: str, document=None, snippets: bool = True) -> list[str]:
    return [i.label for i in at(text, document, snippets)[2]]


def item(text: str, label: str, document=None, snippets: bool = True):
    found = [i for i in at(text, document, snippets)[2] if i.label == label]
    assert found, f"no {label!r}"
    return found[0]


def apply(text: str, label: str, snippets: bool = False) -> str:
    source, _, items = at(text, snippets=snippets)
    chosen = next(i for i in items if i.label == label)
    start, end = chosen.replace
    return source[:start] + chosen.text + source[end:]


# ---------------------------------------------------------------------------
# keys

def test_top_level_keys_from_the_spec_with_descriptions():
    items = at("|")[2]
    names = [i.label for i in items]
    for key in ("schema", "dialect", "description", "context", "enums", "tables", "queries", "rules", "options"):
        assert key in names
    assert all(i.kind == "property" for i in items)
    rules = next(i for i in items if i.label == "rules")
    assert rules.documentation == "per-file severity overrides"
    assert next(i for i in items if i.label == "schema").detail.startswith("required")


def test_top_level_keys_already_present_are_left_out():
    names = labels("schema: shop\ndialect: mysql\n|\ntables: {}\n")
    assert "schema" not in names and "dialect" not in names and "tables" not in names
    assert "enums" in names


def test_partial_top_level_key_replaces_the_word():
    text, offset, items = at("schema: shop\nta|")
    tables = next(i for i in items if i.label == "tables")
    assert tables.replace == (offset - 2, offset)
    assert tables.text == "tables:\n  "


def test_cursor_in_the_middle_of_a_key_before_its_colon():
    text, offset, items = at("schema: shop\nta|bles:\n  users: {columns: {id: int}}\n")
    tables = next(i for i in items if i.label == "tables")
    assert text[tables.replace[0]:tables.replace[1]] == "tables"
    assert tables.text == "tables"  # the colon is already there


def test_table_keys():
    names = labels(BASE.replace("    description: Registered customer accounts\n", "    |\n"))
    assert "columns" not in names  # already there, below the cursor
    names = labels(BASE + "  invoices:\n    |")
    for key in ("columns", "primary_key", "unique", "indexes", "foreign_keys", "checks", "dependencies",
                "partition_by", "description", "rows", "was", "denormalized"):
        assert key in names, key


def test_long_form_column_keys():
    text = BASE + "      note:\n        type: text\n        |"
    names = labels(text)
    assert {"nullable", "default", "references", "pii", "description", "was"} <= set(names)
    assert "type" not in names


def test_context_keys_and_literal_values():
    assert "read_write_ratio" in labels("schema: x\ncontext:\n  |")
    assert labels("schema: x\ncontext:\n  consistency: |") == ["acid", "eventual"]
    assert labels("schema: x\ndialect: |") == ["postgresql", "mysql", "sqlite"]
    assert labels("schema: x\ncontext:\n  multi_region: |") == ["true", "false"]


def test_value_right_after_the_colon_gets_a_space():
    item_ = item("schema: x\ndialect:|", "mysql")
    assert item_.text == " mysql"


# ---------------------------------------------------------------------------
# the column shorthand

def test_types_at_the_start_of_a_column_value():
    items = at(BASE + "      total: |")[2]
    names = [i.label for i in items]
    assert {"bigint", "varchar", "decimal", "timestamptz", "uuid", "jsonb"} <= set(names)
    assert "order_status" in names  # declared enums are types too
    enum = next(i for i in items if i.label == "order_status")
    assert enum.kind == "enum" and "pending" in enum.detail


def test_type_parameters_as_snippets_or_plain_text():
    snippet = item(BASE + "      total: |", "decimal")
    assert snippet.is_snippet and snippet.text == "decimal(${1:10},${2:2})"
    assert item(BASE + "      total: |", "varchar").text == "varchar(${1:255})"
    plain = item(BASE + "      total: |", "decimal", snippets=False)
    assert not plain.is_snippet and plain.text == "decimal(10,2)"
    assert item(BASE + "      total: |", "varchar", snippets=False).text == "varchar(255)"
    assert not any(i.is_snippet for i in at(BASE + "      total: |", snippets=False)[2])


def test_type_documentation_per_dialect():
    uuid = item(BASE + "      token: |", "uuid")
    assert uuid.detail == "PostgreSQL: UUID"
    assert "MySQL" in uuid.documentation and "CHAR(36)" in uuid.documentation
    mysql = item(BASE.replace("schema: shop\n", "schema: shop\ndialect: mysql\n") + "      token: |", "uuid")
    assert mysql.detail == "MySQL/MariaDB: CHAR(36)"


def test_partial_type_replaces_the_word():
    text, offset, items = at(BASE + "      total: deci|")
    decimal = next(i for i in items if i.label == "decimal")
    assert text[decimal.replace[0]:decimal.replace[1]] == "deci"


def test_modifiers_after_the_type_without_those_present():
    names = labels(BASE + "      nick: varchar(40) not null |")
    assert "not null" not in names and "null" not in names
    assert {"unique", "default", "references", "check", "pii", "pk", "was"} <= set(names)
    assert "identity" not in names  # not an integer type
    assert "on delete" not in names  # no references yet
    names = labels(BASE + "      owner_id: bigint pk |")
    assert "pk" not in names and "primary key" not in names and "identity" in names


def test_modifiers_after_a_reference_include_actions():
    names = labels(BASE + "      owner_id: bigint references users |")
    assert "on delete" in names and "on update" in names and "references" not in names
    names = labels(BASE + "      owner_id: bigint references users on delete cascade |")
    assert "on delete" not in names and "on update" in names


def test_modifiers_later_on_the_line_count_as_present():
    names = labels(BASE + "      nick: varchar(40) | unique")
    assert "unique" not in names and "not null" in names


def test_check_modifier_snippet():
    assert item(BASE + "      qty: int |", "check").text == "check (${1:condition})"
    assert item(BASE + "      qty: int |", "check", snippets=False).text == "check ()"


def test_follow_up_words():
    assert labels(BASE + "      a: int not |") == ["null"]
    assert labels(BASE + "      a: int references users on |") == ["delete", "update"]
    assert labels(BASE + "      a: int references users on delete |") == ["cascade", "restrict", "set null",
                                                                          "set default", "no action"]


def test_tables_after_references_at_the_end_of_the_file():
    text = BASE + "      user_id: bigint references "
    items = complete(text, len(text), None, True)
    assert [i.label for i in items] == ["users", "orders"]
    assert all(i.kind == "table" for i in items)
    assert items[0].replace == (len(text), len(text))


def test_partial_table_name_after_references():
    text, offset, items = at(BASE + "      user_id: bigint references us|")
    assert "users" in [i.label for i in items]
    assert items[0].replace == (offset - 2, offset)


def test_table_description_as_detail_from_the_analysis():
    document = analyze(BASE)
    users = item(BASE + "      owner: bigint references |", "users", document=document)
    assert users.detail == "Registered customer accounts"


def test_columns_inside_references_parentheses():
    items = at(BASE + "      user_id: bigint references users(|")[2]
    assert [i.label for i in items] == ["id", "email", "naïve_name"]
    assert items[0].kind == "column" and items[0].detail == "bigint"
    assert items[1].detail == "varchar(255)"
    assert labels(BASE + "      user_id: bigint references orders(id, |") == ["user_id", "status", "placed_at"]


def test_enum_values_after_default():
    items = at(BASE + "      state: order_status not null default |")[2]
    assert [i.label for i in items] == ["pending", "paid", "in transit"]
    assert [i.text for i in items] == ["'pending'", "'paid'", "'in transit'"]
    assert items[0].kind == "enum-value"


def test_enum_values_follow_the_files_unquoted_convention():
    text = BASE.replace("      status: order_status not null\n", "      status: order_status not null default paid\n")
    items = at(text + "      state: order_status default |")[2]
    assert [i.text for i in items] == ["pending", "paid", "'in transit'"]  # a space always needs quotes


def test_enum_value_after_a_typed_quote_replaces_the_quote():
    text, offset, items = at(BASE + "      state: order_status default 'pe|")
    pending = items[0]
    assert text[pending.replace[0]:pending.replace[1]] == "'pe"
    assert pending.text == "'pending'" and pending.filter_text == "'pending'"


def test_enum_values_inside_a_single_quoted_yaml_value():
    items = at(BASE + "      state: 'order_status default |")[2]
    assert items[0].text == "''pending''"


def test_inline_enum_values_and_plain_defaults():
    assert labels(BASE + "      size: enum(s, m, l) default |") == ["s", "m", "l"]
    assert labels(BASE + "      at: timestamptz not null default |") == ["now()"]
    assert labels(BASE + "      flag: boolean default |") == ["false", "true"]


def test_enum_names_from_the_last_analysis_when_the_text_lost_them():
    document = analyze(BASE)
    broken = BASE.replace("enums:\n  order_status: [pending, paid, \"in transit\"]\n", "")
    assert "order_status" in labels(broken + "      s: |", document=document)
    assert labels(broken + "      s: order_status default |", document=document)[:2] == ["pending", "paid"]


def test_flow_style_columns():
    text = "schema: x\ntables:\n  t:\n    columns: {id: bigint pk, x: |"
    names = labels(text)
    assert "bigint" in names and "varchar" in names
    assert "unique" in labels("schema: x\ntables:\n  t:\n    columns: {id: bigint pk, x: text |")
    # a column name (a key) gets nothing
    assert labels("schema: x\ntables:\n  t:\n    columns: {id: bigint pk, |") == []


def test_flow_mapping_over_several_lines():
    text = "schema: x\ntables:\n  t:\n    columns: {\n      id: bigint pk,\n      x: |"
    assert "bigint" in labels(text)


def test_quoted_column_value():
    assert "not null" in labels(BASE + '      nick: "varchar(40) |')


def test_nothing_inside_type_parameters_or_after_a_word_without_space():
    assert labels(BASE + "      nick: varchar(|") == []
    assert labels(BASE + "      nick: varchar(40)|") == []


def test_check_offers_the_tables_columns():
    names = labels(BASE + "      total: int check (|")
    assert "placed_at" in names and "email" not in names


# ---------------------------------------------------------------------------
# non-ASCII names

UNICODE = """schema: x
tables:
  kunden_größe:
    columns:
      id: bigint pk
      straße: text
  注文:
    columns:
      id: bigint pk
      kunde: bigint references |
"""


def test_non_ascii_table_and_column_names():
    names = labels(UNICODE)
    assert names == ["kunden_größe", "注文"]
    text = UNICODE.replace("references |", "references kunden_größe(st|")
    source, offset, items = at(text)
    assert [i.label for i in items] == ["id", "straße"]
    assert source[items[1].replace[0]:items[1].replace[1]] == "st"
    # a partial non-ASCII word is replaced whole
    source, offset, items = at(UNICODE.replace("references |", "references 注|"))
    assert source[items[0].replace[0]:offset] == "注"


# ---------------------------------------------------------------------------
# the table's own columns

def test_primary_key_columns():
    table = "schema: x\ntables:\n  t:\n    columns:\n      a: int\n      b: int\n      c: text\n"
    assert labels(table + "    primary_key: [|") == ["a", "b", "c"]
    assert labels(table + "    primary_key: [a, |") == ["b", "c"]
    assert labels(table + "    primary_key: a, |") == ["b", "c"]
    assert labels(table + "    primary_key:\n      - a\n      - |") == ["a", "b", "c"]


def test_primary_key_above_columns_uses_the_columns_below():
    text = "schema: x\ntables:\n  t:\n    primary_key: [|]\n    columns:\n      a: int\n      b: int\n"
    assert labels(text) == ["a", "b"]


def test_unique_indexes_and_include():
    table = "schema: x\ntables:\n  t:\n    columns:\n      a: int\n      b: int\n      c: text\n"
    assert labels(table + "    unique:\n      - [a, |") == ["b", "c"]
    assert labels(table + "    indexes:\n      - (a, |") == ["b", "c"]
    assert labels(table + "    indexes:\n      - (a |") == ["asc", "desc"]
    assert labels(table + "    indexes:\n      - {columns: [|") == ["a", "b", "c"]
    assert labels(table + "    indexes:\n      - columns: [a]\n        include: [|") == ["a", "b", "c"]
    names = labels(table + "    indexes:\n      - |")
    assert "a" in names and "where" in names  # a column, or the start of a long-form index
    assert labels(table + "    indexes:\n      - columns: [a]\n        using: |")[:2] == ["btree", "hash"]


def test_dependencies_both_sides():
    table = "schema: x\ntables:\n  t:\n    columns:\n      a: int\n      b: int\n      c: text\n"
    assert labels(table + "    dependencies:\n      - |") == ["a", "b", "c"]
    assert labels(table + "    dependencies:\n      - a -> |") == ["b", "c"]
    assert labels(table + "    dependencies:\n      - a, b -> c\n      - b -> |") == ["a", "c"]


def test_partition_by():
    table = "schema: x\ntables:\n  t:\n    columns:\n      a: int\n      day: date\n"
    assert labels(table + "    partition_by: |") == ["range", "list", "hash"]
    assert item(table + "    partition_by: |", "range").text == "range(${1:column})"
    assert item(table + "    partition_by: |", "range", snippets=False).text == "range("
    assert labels(table + "    partition_by: range(|") == ["a", "day"]
    assert labels(table + "    partition_by: range(day)|") == []


def test_denormalized_keys_are_columns_not_yet_listed():
    table = "schema: x\ntables:\n  t:\n    columns:\n      a: int\n      b: int\n"
    assert labels(table + "    denormalized:\n      a: kept on purpose\n      |") == ["b"]
    assert item(table + "    denormalized:\n      |", "a").text == "a: "


def test_foreign_keys():
    text = BASE + "    foreign_keys:\n      - |"
    assert "references" in labels(text) and "columns" in labels(text)
    assert labels(BASE + "    foreign_keys:\n      - columns: [|") == ["id", "user_id", "status", "placed_at"]
    assert labels(BASE + "    foreign_keys:\n      - columns: [user_id]\n        references: |") == ["users", "orders"]
    assert labels(BASE + "    foreign_keys:\n      - columns: [user_id]\n        references: users(|") == \
        ["id", "email", "naïve_name"]
    assert labels(BASE + "    foreign_keys:\n      - columns: [user_id]\n        on_delete: |")[0] == "cascade"


# ---------------------------------------------------------------------------
# queries

def test_sql_tables_after_from_and_join():
    text = BASE + "queries:\n  q:\n    sql: SELECT id FROM |"
    assert labels(text) == ["users", "orders"]
    text = BASE + "queries:\n  q:\n    sql: >-\n      SELECT o.id\n      FROM orders o\n      JOIN |"
    assert labels(text) == ["users", "orders"]


def test_sql_columns_after_an_alias():
    text = BASE + "queries:\n  q:\n    sql: SELECT u.id FROM users u JOIN orders o ON o.|"
    assert labels(text) == ["id", "user_id", "status", "placed_at"]
    text = BASE + "queries:\n  q:\n    sql: SELECT u.id FROM users AS u WHERE u.|"
    assert labels(text) == ["id", "email", "naïve_name"]


def test_sql_alias_defined_after_the_cursor():
    text = BASE + "queries:\n  q:\n    sql: SELECT o.| FROM orders o\n    frequency: 5/s\n"
    assert labels(text) == ["id", "user_id", "status", "placed_at"]


def test_sql_columns_of_the_from_tables_otherwise():
    text = BASE + "queries:\n  q:\n    sql: SELECT id FROM orders WHERE |"
    assert labels(text) == ["id", "user_id", "status", "placed_at"]
    text = BASE + "queries:\n  q: SELECT id FROM users WHERE |"  # the short form
    assert labels(text) == ["id", "email", "naïve_name"]


def test_sql_in_a_folded_block_of_the_example():
    document = analyze(SHOP)
    text = SHOP.replace("SELECT p.id, p.name", "SELECT p.|, p.name")
    names = labels(text, document)
    assert "unit_price" in names and "sku" in names
    text = SHOP.replace("WHERE pc.category_id", "WHERE pc.|")
    assert labels(text, document) == ["product_id", "category_id"]


def test_query_keys():
    assert labels(BASE + "queries:\n  q:\n    sql: SELECT 1\n    |") == ["frequency", "description"]


# ---------------------------------------------------------------------------
# rules

def test_rule_ids_as_rules_keys():
    items = at("schema: x\nrules:\n  design/missing-primary-key: off\n  |")[2]
    ids = [i.label for i in items]
    assert "design/missing-primary-key" not in ids
    assert set(ids) == set(RULES) - {"design/missing-primary-key"}
    rule = next(i for i in items if i.label == "design/reserved-word")
    assert rule.kind == "rule"
    assert rule.detail == RULES["design/reserved-word"].title
    assert rule.documentation == RULES["design/reserved-word"].doc
    assert rule.text == "design/reserved-word: "


def test_partial_rule_id_includes_the_slash():
    text, offset, items = at("schema: x\nrules:\n  design/mis|")
    assert text[items[0].replace[0]:offset] == "design/mis"


def test_rule_levels():
    assert labels("schema: x\nrules:\n  design/reserved-word: |") == ["off", "hint", "info", "warning", "error"]


def test_rule_ids_in_ignore_comments():
    text, offset, items = at(BASE + "      x: int  # schema-lang: ignore[design/reserved-word, des|")
    ids = [i.label for i in items]
    assert "design/missing-primary-key" in ids and "design/reserved-word" not in ids
    assert text[items[0].replace[0]:offset] == "des"
    assert items[0].text == items[0].label
    assert labels(BASE + "# schema-lang: ignore[|")
    assert labels(BASE + "# a comment |") == []


# ---------------------------------------------------------------------------
# a new table

def test_new_table_snippet():
    items = at(BASE + "  |")[2]
    assert [i.label for i in items] == ["new table"]
    snippet = items[0]
    assert snippet.kind == "snippet" and snippet.is_snippet
    assert snippet.text == ("${1:new_table}:\n"
                            "    columns:\n"
                            "      id: bigint pk identity\n"
                            "      created_at: timestamptz not null default now()\n"
                            "      updated_at: timestamptz not null default now()$0")


def test_new_table_plain_text_uses_the_typed_name():
    result = apply(BASE + "  invoices|", "new table")
    assert result.endswith("  invoices:\n    columns:\n      id: bigint pk identity\n"
                           "      created_at: timestamptz not null default now()\n"
                           "      updated_at: timestamptz not null default now()")
    document = analyze(result)
    assert not [d for d in document.diagnostics if d.severity.value == "error"]
    assert list(document.schema.tables["invoices"].columns) == ["id", "created_at", "updated_at"]


def test_new_table_under_four_space_indentation():
    text = "schema: x\ntables:\n    a:\n        columns:\n            id: int pk\n    |"
    snippet = at(text, snippets=False)[2][0]
    assert snippet.text.split("\n")[1] == "        columns:"


# ---------------------------------------------------------------------------
# odd places

@pytest.mark.parametrize("text", [
    "",
    "|",
    "schema: x\ntables:\n  t:\n    columns:\n      a: int\n    description: |",
    "schema: x\ntables: [|",
    "schema: x\ntables:\n  t: {columns: {a: int}}|",
    "schema: x\n- |",
    "\t|",
    "schema: 'x\n|",
])
def test_odd_places_do_not_fail(text):
    if "|" not in text:
        text += "|"
    for _, _, items in [at(text)]:
        assert all(i.kind in KINDS for i in items)


def test_every_offset_of_the_example_is_safe():
    document = analyze(SHOP)
    for offset in range(0, len(SHOP), 7):
        for item_ in complete(SHOP, offset, document, True):
            assert item_.kind in KINDS
            assert item_.replace[0] <= offset <= item_.replace[1]
            assert "\n" not in SHOP[item_.replace[0]:item_.replace[1]]
