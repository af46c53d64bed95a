"""SQL names (schema_lang/sql/identifiers.py): read the same way everywhere, measured in the
dialect's unit, shortened without collisions, folded and quoted per dialect."""
from __future__ import annotations

import hashlib
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schema_lang.analysis import analyze
from schema_lang.core.document import Options
from schema_lang.dialects import get_dialect
from schema_lang.generate.ddl import generate
from schema_lang.generate.migrate import plan_texts
from schema_lang.importers.sql import import_sql
from schema_lang.sql import identifiers as I

PG, MY, LITE = get_dialect("postgresql"), get_dialect("mysql"), get_dialect("sqlite")

# ---------------------------------------------------------------------------
# one Unicode schema, written each way the format allows

CUSTOMERS = """\
  клиенты:
    columns:
      id: bigint pk
      имя: text not null
"""

FORMS = {
    "shorthand": """\
  заказы:
    columns:
      id: bigint pk
      клиент_id: bigint not null references клиенты(id)
    indexes:
      - клиент_id
""",
    "shorthand, table's key": """\
  заказы:
    columns:
      id: bigint pk
      клиент_id: bigint not null references клиенты
    indexes:
      - (клиент_id desc)
""",
    "long form, string target": """\
  заказы:
    columns:
      id: bigint pk
      клиент_id: {type: bigint, nullable: false, references: клиенты(id)}
    indexes:
      - {columns: [клиент_id]}
""",
    "long form, mapping target": """\
  заказы:
    columns:
      id: bigint pk
      клиент_id:
        type: bigint
        nullable: false
        references: {table: клиенты, column: id}
    indexes:
      - {columns: [клиент_id], name: заказы_по_клиенту}
""",
    "foreign_keys": """\
  заказы:
    columns:
      id: bigint pk
      клиент_id: bigint not null
    foreign_keys:
      - {columns: [клиент_id], references: клиенты(id)}
    indexes:
      - клиент_id
""",
    "quoted names": """\
  заказы:
    columns:
      id: bigint pk
      клиент_id: bigint not null references "клиенты"("id")
    indexes:
      - '"клиент_id"'
""",
}

QUERY = """\
queries:
  заказы_клиента: SELECT id, клиент_id FROM заказы WHERE клиент_id = :клиент
"""


def unicode_schema(form: str, dialect: str = "postgresql") -> str:
    return f"schema: магазин\ndialect: {dialect}\ntables:\n" + CUSTOMERS + FORMS[form] + QUERY


@pytest.mark.parametrize("form", list(FORMS))
def test_unicode_names_resolve_the_same_way_in_every_form(form):
    document = analyze(unicode_schema(form))
    # no errors, and the index on клиент_id serves both the foreign key and the query
    assert [(d.rule, d.message) for d in document.diagnostics] == []
    orders = document.schema.tables["заказы"]
    (fk,) = orders.foreign_keys
    assert (fk.columns, fk.table, fk.target_columns or ["id"]) == (["клиент_id"], "клиенты", ["id"])
    (index,) = orders.indexes
    assert [(c.name, c.expression) for c in index.columns] == [("клиент_id", False)]


@pytest.mark.parametrize("dialect", ["postgresql", "mysql", "sqlite"])
def test_unicode_schema_is_clean_in_every_dialect(dialect):
    text = unicode_schema("foreign_keys", dialect)
    assert [d.rule for d in analyze(text).diagnostics if d.severity.value == "error"] == []


def test_an_unindexed_unicode_foreign_key_is_still_reported():
    text = unicode_schema("shorthand").replace("    indexes:\n      - клиент_id\n", "")
    assert "index/fk-missing-index" in {d.rule for d in analyze(text).diagnostics}


def test_index_expressions_stay_expressions():
    text = ("schema: s\ntables:\n  t:\n    columns:\n      id: bigint pk\n      имя: text\n"
            "    indexes:\n      - lower(имя)\n      - имя || 'x'\n")
    index_columns = [c for ix in analyze(text).schema.tables["t"].indexes for c in ix.columns]
    assert [(c.name, c.expression) for c in index_columns] == [("lower(имя)", True), ("имя || 'x'", True)]


def test_quoted_names_with_spaces_in_a_long_form_target():
    target = '\'"Клиенты Fирмы"("Код Клиента")\''
    text = ('schema: s\ntables:\n  "Клиенты Fирмы":\n    columns:\n      "Код Клиента": bigint pk\n'
            f"  t:\n    columns:\n      id: bigint pk\n      k: {{type: bigint, references: {target}}}\n"
            "    indexes:\n      - k\n")
    document = analyze(text)
    assert [d.rule for d in document.diagnostics] == []
    (fk,) = document.schema.tables["t"].foreign_keys
    assert (fk.table, fk.target_columns) == ("Клиенты Fирмы", ["Код Клиента"])


def test_quoted_names_in_column_lists():
    text = ("schema: s\ntables:\n  \"Order Items\":\n    primary_key: '(\"Item Id\", k)'\n"
            "    unique:\n      - ['\"Item Id\"']\n    columns:\n      \"Item Id\": bigint\n      k: int\n"
            "    indexes:\n      - {columns: [k], include: ['\"Item Id\"']}\n"
            "  t:\n    columns:\n      id: bigint pk\n      r: bigint references \"Order Items\"(\"Item Id\")\n"
            "    indexes:\n      - r\n")
    document = analyze(text)
    assert [d.rule for d in document.diagnostics] == []
    table = document.schema.tables["Order Items"]
    assert table.primary_key == ["Item Id", "k"] and table.uniques[0].columns == ["Item Id"]
    assert [n for n, _ in table.indexes[0].include] == ["Item Id"]


# ---------------------------------------------------------------------------
# reading names

@pytest.mark.parametrize("name", ["клиенты", "顧客", "_tmp", "a$b", "Ελλάδα_2", "x1"])
def test_plain_names_in_any_script(name):
    assert I.is_name(name) and I.is_name_start(name[0]) and all(I.is_name_char(c) for c in name)


@pytest.mark.parametrize("name", ["1st", "٣x", "display name", "a-b", "$a", ""])
def test_not_plain_names(name):
    assert not I.is_name(name)


def test_unquote():
    assert I.unquote('"a ""b"" c"') == 'a "b" c'
    assert I.unquote("`x``y`") == "x`y"
    assert I.unquote("  plain  ") == "plain"
    assert I.unquote("`x`", '"') == "`x`"  # only the quotes asked for


# ---------------------------------------------------------------------------
# measuring

def test_length_is_measured_in_the_dialects_unit():
    name = "я" * 32  # 32 letters, 64 bytes in UTF-8
    assert I.length(name, PG) == 64 and I.length(name, MY) == 32
    assert I.too_long(name, PG) and not I.too_long(name, MY) and not I.too_long(name, LITE)
    assert not I.too_long("я" * 31 + "a", PG)  # 63 bytes
    assert I.too_long("я" * 65, MY) and not I.too_long("я" * 64, MY)


def test_the_checker_measures_user_names_in_bytes_for_postgresql():
    text = "schema: s\ndialect: {}\ntables:\n  t:\n    columns:\n      id: bigint pk\n      " + "я" * 32 + ": int\n"
    rules = lambda d: [x.rule for x in analyze(text.format(d)).diagnostics]  # noqa: E731
    assert rules("postgresql") == ["design/identifier-too-long"]
    assert rules("mysql") == []


def test_clip_never_cuts_a_character():
    assert I.clip("яяя", 5, PG) == "яя"
    assert I.clip("яяя", 2, MY) == "яя"


# ---------------------------------------------------------------------------
# shortening generated names

def test_two_long_names_sharing_their_first_63_bytes_stay_apart():
    base = "idx_" + "заказы_клиента_" * 3  # 4 + 3 * 28 bytes
    a, b = base + "по_дате", base + "по_сумме"
    assert I.length(a, PG) > 90 and a.encode()[:63] == b.encode()[:63]
    short_a, short_b = I.shorten(a, PG), I.shorten(b, PG)
    assert short_a != short_b
    assert I.length(short_a, PG) <= 63 and I.length(short_b, PG) <= 63
    assert I.shorten(a, PG) == short_a  # the same input gives the same name, run after run


def test_ascii_names_are_shortened_as_before():
    # names already in databases keep matching: the scheme for ASCII names does not change
    name = "idx_" + "a" * 80
    assert I.shorten(name, PG) == name[:54] + "_" + hashlib.sha1(name.encode()).hexdigest()[:8]
    assert I.shorten("idx_orders_user_id", PG) == "idx_orders_user_id"


def test_shortening_counts_characters_for_mysql_and_nothing_for_sqlite():
    name = "индекс_" + "я" * 50  # 57 characters, 114 bytes
    assert I.shorten(name, MY) == name
    assert I.shorten(name, LITE) == name
    assert I.shorten(name, PG) != name


LETTERS = st.characters(categories=("Ll", "Lu", "Lo", "Nd"), codec="utf-8") | st.sampled_from("_$")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(LETTERS, min_size=40, max_size=120), min_size=2, max_size=6, unique=True))
def test_shortened_names_fit_and_stay_distinct(names):
    for dialect in (PG, MY):
        shortened = [I.shorten(n, dialect) for n in names]
        assert all(I.length(s, dialect) <= dialect.identifier_limit for s in shortened)
        assert len(set(shortened)) == len(names)
        # what the engine stores is what was written: nothing is cut a second time
        assert [I.stored(s, dialect) for s in shortened] == shortened


def test_the_engine_cuts_user_names_only_in_postgresql():
    name = "ix_" + "я" * 40
    assert I.stored(name, PG) == I.clip(name, 63, PG) and I.length(I.stored(name, PG), PG) <= 63
    assert I.stored(name, MY) == name and I.stored(name, LITE) == name


def test_generated_ddl_names_fit_the_limit():
    columns = "".join(f"      {'колонка_' * 4}{i}: int\n" for i in range(3))
    text = ("schema: s\ntables:\n  " + "таблица_" * 3 + ":\n    columns:\n      id: bigint pk\n" + columns
            + "    indexes:\n" + "".join(f"      - ({'колонка_' * 4}{i}, id)\n" for i in range(3))
            + "    unique:\n" + "".join(f"      - [{'колонка_' * 4}{i}, id]\n" for i in range(3)))
    schema = analyze(text).schema
    ddl = generate(schema, PG)
    names = re.findall(r'(?:INDEX|CONSTRAINT) ("[^"]+"|\S+)', ddl.script())
    assert len(names) == 7  # the primary key, three uniques, three indexes
    assert all(I.length(I.unquote(n), PG) <= 63 for n in names)
    assert len(set(names)) == len(names)


def test_online_not_null_checks_are_shortened_too():
    table, column = "таблица_" * 3, "колонка_" * 3
    old = f"schema: s\ntables:\n  {table}:\n    columns:\n      id: bigint pk\n      {column}: int\n"
    new = old.replace(f"{column}: int", f"{column}: int not null default 0")
    script = plan_texts(old, new, "postgresql", online=True).up.sql()
    (check,) = set(re.findall(r'ADD CONSTRAINT ("[^"]+")', script))
    assert I.length(I.unquote(check), PG) <= 63


# ---------------------------------------------------------------------------
# comparing and quoting

def test_folding_follows_each_dialect():
    assert I.fold("Users", PG) == "users" and I.fold("Users", PG, is_quoted=True) == "Users"
    assert I.fold("Клиенты", PG) == "Клиенты"  # PostgreSQL folds ASCII letters only
    assert I.fold("Users", LITE, is_quoted=True) == "users"  # SQLite ignores case, quoted or not
    assert I.fold("Users", MY) == "Users"  # sqlglot keeps MySQL's case (table names follow the file system)
    assert I.same("Users", "USERS", PG) and I.same("Users", "users", LITE) and not I.same("Users", "users", MY)
    assert I.fold("Users", "postgres") == "users"  # sqlglot's dialect names work too


def test_quoting():
    assert I.quote("orders", PG) == "orders"
    assert I.quote("user", PG) == '"user"'  # reserved
    assert I.quote("Display Name", PG) == '"Display Name"'
    assert I.quote("клиенты", PG) == '"клиенты"'
    assert I.quote("клиенты", MY) == "`клиенты`"
    assert I.quote('a"b', PG) == '"a""b"'
    assert PG.quote("x") == '"x"' and PG.is_reserved("USER")  # the Dialect's shortcuts agree


def test_catalog_key():
    long_a, long_b = "ix_" + "я" * 40 + "a", "ix_" + "я" * 40 + "b"
    assert I.catalog_key(long_a, PG) == I.catalog_key(long_b, PG)
    assert I.catalog_key(long_a, MY) != I.catalog_key(long_b, MY)
    assert I.catalog_key("Users", LITE) == I.catalog_key("users", LITE)


def test_two_user_names_postgresql_would_cut_to_one_are_reported():
    long = "ix_" + "я" * 40
    text = ("schema: s\ntables:\n  t:\n    columns:\n      id: bigint pk\n      a: int\n      b: int\n"
            f"    indexes:\n      - {{columns: [a], name: {long}_a}}\n      - {{columns: [b], name: {long}_b}}\n")
    found = lambda d: [x.rule for x in analyze(text, Options(dialect=d)).diagnostics]  # noqa: E731
    assert sorted(found("postgresql")) == ["design/duplicate-name"] + ["design/identifier-too-long"] * 2
    assert found("mysql") == []  # 45 characters each, kept whole


# ---------------------------------------------------------------------------
# the importer

def test_engine_chosen_names_fit_and_keep_the_label():
    name = I.engine_chosen_name("таблица_" * 5, "колонка_" * 5, "fkey", PG)
    assert name.endswith("_fkey") and I.length(name, PG) <= 63
    assert I.engine_chosen_name("t", "a_b", "key", PG) == "t_a_b_key"
    assert I.engine_chosen_name("t", None, "pkey", PG) == "t_pkey"


def test_import_reads_unicode_names():
    sql = """
        CREATE TABLE клиенты (id bigint PRIMARY KEY, имя text NOT NULL);
        CREATE TABLE заказы (id bigint PRIMARY KEY, клиент_id bigint REFERENCES клиенты (id));
        CREATE INDEX заказы_клиент ON заказы (клиент_id);
        ALTER TABLE заказы ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY;
    """
    text = import_sql(sql, "postgresql").yaml_text
    document = analyze(text)
    assert [d.rule for d in document.diagnostics] == []
    orders = document.schema.tables["заказы"]
    assert orders.columns["id"].identity
    assert [c.name for c in orders.indexes[0].columns] == ["клиент_id"]
    assert '"клиенты"' not in text  # plain names stay plain in the file
