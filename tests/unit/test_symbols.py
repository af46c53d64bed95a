"""Names and their occurrences: definition, references, highlights, rename, outline."""
from __future__ import annotations

import pytest

from schema_lang.analysis import analyze
from schema_lang.ide.refactor.text_edits import apply_edits
from schema_lang.ide.symbols import (
    COLUMN,
    ENUM,
    ENUM_VALUE,
    TABLE,
    RenameError,
    Symbol,
    definition,
    document_symbols,
    highlights,
    prepare_rename,
    references,
    rename,
    symbol_at,
    workspace_symbols,
)

TEXT = """\
schema: shop   # the shop
context:
  retention: {orders: 7y}
enums:
  order_status: [pending, paid, shipped]
tables:
  users:
    columns:
      id: bigint pk identity
      email: varchar(255) not null unique
      tenant_id: bigint not null
    unique:
      - [tenant_id, email]
      - [tenant_id, id]
  orders:   # what customers buy
    primary_key: [id, placed_at]
    columns:
      id: bigint identity
      user_id: bigint not null references users(id) on delete cascade   # the buyer
      status: order_status not null default 'pending'
      total: decimal(10,2) not null check (total >= 0)
      placed_at: timestamptz not null
      note:
        type: text
        check: length(note) < 500
    indexes:
      - (user_id, placed_at desc)
      - columns: [status]
        include: [total]
        where: status <> 'shipped'
      - lower(note)
    checks:
      - total < 1000000 OR status = 'paid'
    dependencies:
      - user_id, placed_at -> total
    partition_by: range(placed_at)
    denormalized:
      total: kept for the invoice
  accounts:
    primary_key: (tenant_id, id)
    columns:
      tenant_id: bigint
      id: bigint
      owner_id: bigint
    foreign_keys:
      - columns: [tenant_id, owner_id]
        references: users(tenant_id, id)
queries:
  recent:
    sql: SELECT o.id, o.total FROM orders o JOIN users u ON u.id = o.user_id WHERE u.email = ? AND o.status = 'paid'
  count_users: SELECT count(*) FROM users WHERE tenant_id = $1
"""


def doc(text: str = TEXT):
    return analyze(text)


def offset(text: str, needle: str, nth: int = 0, inner: int = 0) -> int:
    """The offset of the nth occurrence of `needle`, plus `inner`."""
    at = -1
    for _ in range(nth + 1):
        at = text.index(needle, at + 1)
    return at + inner


def occurrence_texts(text: str, found) -> list[str]:
    return [text[o.start:o.end] for o in found]


def lines_of(text: str, found) -> list[int]:
    return [text.count("\n", 0, o.start) + 1 for o in found]


def errors(document) -> list[str]:
    return sorted(d.message for d in document.diagnostics if d.severity.value == "error")


def apply_rename(text: str, at: int, new_name: str, **kw) -> str:
    return apply_edits(text, rename(analyze(text), at, new_name, **kw).edits)


# ---------------------------------------------------------------------------
# each kind of occurrence resolves to its declaration

@pytest.mark.parametrize("needle,nth,symbol,role", [
    ("orders: 7y", 0, Symbol(TABLE, "orders"), "retention"),
    ("users(id)", 0, Symbol(TABLE, "users"), "references"),
    ("id) on delete", 0, Symbol(COLUMN, "id", "users"), "references"),
    ("order_status not null", 0, Symbol(ENUM, "order_status"), "type"),
    ("pending'", 0, Symbol(ENUM_VALUE, "pending", "order_status"), "default"),
    ("total >= 0", 0, Symbol(COLUMN, "total", "orders"), "check"),
    ("note) < 500", 0, Symbol(COLUMN, "note", "orders"), "check"),
    ("user_id, placed_at desc", 0, Symbol(COLUMN, "user_id", "orders"), "index"),
    ("placed_at desc", 0, Symbol(COLUMN, "placed_at", "orders"), "index"),
    ("status]\n", 0, Symbol(COLUMN, "status", "orders"), "index"),
    ("total]", 0, Symbol(COLUMN, "total", "orders"), "index"),
    ("status <> ", 0, Symbol(COLUMN, "status", "orders"), "index"),
    ("shipped'", 0, Symbol(ENUM_VALUE, "shipped", "order_status"), "index"),
    ("note)\n", 0, Symbol(COLUMN, "note", "orders"), "index"),
    ("total < 1000000", 0, Symbol(COLUMN, "total", "orders"), "check"),
    ("paid'\n", 0, Symbol(ENUM_VALUE, "paid", "order_status"), "check"),
    ("user_id, placed_at ->", 0, Symbol(COLUMN, "user_id", "orders"), "dependencies"),
    ("total\n    partition_by", 0, Symbol(COLUMN, "total", "orders"), "dependencies"),
    ("placed_at)", 0, Symbol(COLUMN, "placed_at", "orders"), "partition_by"),
    ("total: kept", 0, Symbol(COLUMN, "total", "orders"), "denormalized"),
    ("tenant_id, email]", 0, Symbol(COLUMN, "tenant_id", "users"), "unique"),
    ("email]", 0, Symbol(COLUMN, "email", "users"), "unique"),
    ("tenant_id, id)\n", 0, Symbol(COLUMN, "tenant_id", "accounts"), "primary_key"),
    ("id)\n    columns", 0, Symbol(COLUMN, "id", "accounts"), "primary_key"),
    ("owner_id]", 0, Symbol(COLUMN, "owner_id", "accounts"), "foreign_keys"),
    ("users(tenant_id", 0, Symbol(TABLE, "users"), "foreign_keys"),
    ("tenant_id, id)\n", 1, Symbol(COLUMN, "tenant_id", "users"), "foreign_keys"),
    ("id)\nqueries", 0, Symbol(COLUMN, "id", "users"), "foreign_keys"),
    ("orders o", 0, Symbol(TABLE, "orders"), "query"),
    ("id, o.total", 0, Symbol(COLUMN, "id", "orders"), "query"),
    ("id = o.user_id", 0, Symbol(COLUMN, "id", "users"), "query"),
    ("email = ?", 0, Symbol(COLUMN, "email", "users"), "query"),
    ("status = 'paid'\n  count", 0, Symbol(COLUMN, "status", "orders"), "query"),
    ("paid'\n  count", 0, Symbol(ENUM_VALUE, "paid", "order_status"), "query"),
    ("users WHERE", 0, Symbol(TABLE, "users"), "query"),
    ("tenant_id = $1", 0, Symbol(COLUMN, "tenant_id", "users"), "query"),
])
def test_each_kind_of_occurrence_resolves(needle, nth, symbol, role):
    document = doc()
    at = offset(TEXT, needle, nth)
    found = symbol_at(document, at)
    assert found is not None and found.symbol == symbol and found.role == role
    assert TEXT[found.start:found.end] == symbol.name
    target = definition(document, at)
    assert target is not None and target.declaration and target.symbol == symbol
    assert TEXT[target.start:target.end] == symbol.name


def test_positions_at_start_middle_and_end_of_a_name():
    document = doc()
    start = offset(TEXT, "users(id)")
    for at in (start, start + 2, start + len("users")):
        assert symbol_at(document, at).symbol == Symbol(TABLE, "users")
    assert symbol_at(document, start - 1) is None  # the space before it
    assert symbol_at(document, offset(TEXT, "schema: shop")) is None


def test_definition_of_a_declaration_is_itself():
    document = doc()
    at = offset(TEXT, "  orders:", 0, 2)
    target = definition(document, at)
    assert (target.start, target.end) == (at, at + len("orders"))


def test_references_of_a_column_used_in_fk_index_and_query():
    document = doc()
    found = references(document, offset(TEXT, "user_id: bigint"), include_declaration=True)
    assert {o.role for o in found} == {"key", "index", "dependencies", "query"}
    assert occurrence_texts(TEXT, found) == ["user_id"] * 4
    found = references(document, offset(TEXT, "      id: bigint pk", 0, 6), include_declaration=False)  # users.id
    assert [o.role for o in found] == ["unique", "references", "foreign_keys", "query"]
    found = references(document, offset(TEXT, "email: varchar"))
    assert [o.role for o in found] == ["key", "unique", "query"]


def test_references_of_a_table_include_retention_references_and_queries():
    document = doc()
    found = references(document, offset(TEXT, "  orders:", 0, 3), include_declaration=False)
    assert [o.role for o in found] == ["retention", "query"]
    assert highlights(document, offset(TEXT, "orders o"))[0].role == "retention"
    assert [o.declaration for o in highlights(document, offset(TEXT, "orders o"))] == [False, True, False]


def test_unambiguous_bare_columns_in_a_join_and_ambiguous_ones_left_alone():
    text = TEXT.replace("WHERE u.email = ?", "WHERE email = ? AND id = 1")
    document = doc(text)
    email = symbol_at(document, offset(text, "email = ?"))
    assert email.symbol == Symbol(COLUMN, "email", "users")
    assert symbol_at(document, offset(text, "id = 1")) is None  # both tables have `id`


def test_aliases_and_subqueries_resolve_per_scope():
    text = TEXT.replace(
        "  count_users: SELECT count(*) FROM users WHERE tenant_id = $1",
        "  nested: SELECT x.email FROM (SELECT email FROM users) x WHERE EXISTS "
        "(SELECT 1 FROM orders o2 WHERE o2.user_id = 1 AND placed_at > now())")
    document = doc(text)
    assert symbol_at(document, offset(text, "email FROM users")).symbol == Symbol(COLUMN, "email", "users")
    assert symbol_at(document, offset(text, "o2.user_id", 0, 3)).symbol == Symbol(COLUMN, "user_id", "orders")
    assert symbol_at(document, offset(text, "placed_at > now")).symbol == Symbol(COLUMN, "placed_at", "orders")
    # the derived table passes users.email through unchanged: a rename of it must rename both
    assert symbol_at(document, offset(text, "x.email", 0, 2)).symbol == Symbol(COLUMN, "email", "users")


def test_a_query_that_does_not_parse_still_names_tables_and_columns():
    text = TEXT.replace("  count_users: SELECT count(*) FROM users WHERE tenant_id = $1",
                        "  broken: SELECT email FROM users WHERE (")
    document = doc(text)
    assert symbol_at(document, offset(text, "users WHERE (")).symbol == Symbol(TABLE, "users")
    assert symbol_at(document, offset(text, "email FROM users")).symbol == Symbol(COLUMN, "email", "users")


def test_undeclared_names_have_references_but_no_definition():
    text = TEXT.replace("references users(id)", "references usrs(id)")
    document = doc(text)
    at = offset(text, "usrs")
    assert symbol_at(document, at).symbol == Symbol(TABLE, "usrs")
    assert definition(document, at) is None
    assert prepare_rename(document, at) is None
    with pytest.raises(RenameError, match="not declared"):
        rename(document, at, "people")


def test_multi_line_query_sql_maps_back_to_the_document():
    text = TEXT.replace(
        "  count_users: SELECT count(*) FROM users WHERE tenant_id = $1",
        "  folded:\n    sql: >-\n      SELECT u.email\n      FROM users u\n      WHERE u.tenant_id = 1\n")
    document = doc(text)
    found = references(document, offset(text, "tenant_id: bigint not null"))
    assert occurrence_texts(text, found) == ["tenant_id"] * len(found)
    assert "query" in {o.role for o in found}
    assert symbol_at(document, offset(text, "users u")).symbol == Symbol(TABLE, "users")


# ---------------------------------------------------------------------------
# rename

def test_rename_table_updates_every_reference_and_keeps_comments():
    assert not errors(doc())
    out = apply_rename(TEXT, offset(TEXT, "  users:", 0, 2), "customers")
    assert "  customers:\n    was: users\n    columns:" in out
    assert "references customers(id) on delete cascade   # the buyer" in out
    assert "references: customers(tenant_id, id)" in out
    assert "JOIN customers u ON" in out and "FROM customers WHERE tenant_id = $1" in out
    assert "schema: shop   # the shop" in out and "orders:   # what customers buy" in out
    after = analyze(out)
    assert not errors(after)
    assert "customers" in after.schema.tables and after.schema.tables["customers"].was == "users"
    # only the names changed: the rest is byte for byte the same
    assert out.replace("customers", "users").replace("    was: users\n", "", 1) == \
        TEXT.replace("what customers buy", "what users buy")


def test_rename_table_from_a_reference_and_in_flow_style_context():
    out = apply_rename(TEXT, offset(TEXT, "orders: 7y", 0, 3), "purchases")
    assert "retention: {purchases: 7y}" in out
    assert "  purchases:   # what customers buy\n    was: orders\n    primary_key:" in out
    assert "FROM purchases o JOIN" in out
    assert not errors(analyze(out))


def test_rename_column_updates_fk_index_query_and_adds_was():
    out = apply_rename(TEXT, offset(TEXT, "u.id", 0, 2), "user_no")
    assert "      user_no: bigint pk identity was id\n" in out
    assert "references users(user_no) on delete cascade   # the buyer" in out
    assert "references: users(tenant_id, user_no)" in out
    assert "ON u.user_no = o.user_id" in out
    assert "      id: bigint identity\n      user_id" in out  # orders.id is another column
    after = analyze(out)
    assert not errors(after)
    assert after.schema.tables["users"].columns["user_no"].was == "id"


def test_rename_column_used_in_checks_dependencies_partition_and_denormalized():
    out = apply_rename(TEXT, offset(TEXT, "total: decimal"), "amount")
    for expected in ("amount: decimal(10,2) not null check (amount >= 0) was total", "include: [amount]",
                     "- amount < 1000000 OR status = 'paid'", "user_id, placed_at -> amount",
                     "amount: kept for the invoice", "SELECT o.id, o.amount FROM"):
        assert expected in out
    assert not errors(analyze(out))


def test_rename_long_form_column_adds_a_was_key():
    out = apply_rename(TEXT, offset(TEXT, "note:\n"), "remark")
    assert "      remark:\n        was: note\n        type: text\n        check: length(remark) < 500\n" in out
    assert "- lower(remark)" in out
    after = analyze(out)
    assert after.schema.tables["orders"].columns["remark"].was == "note"
    assert not errors(after)


def test_rename_without_was():
    out = apply_rename(TEXT, offset(TEXT, "  users:", 0, 2), "customers", add_was=False)
    assert "was:" not in out
    out = apply_rename(TEXT, offset(TEXT, "email: varchar"), "mail", add_was=False)
    assert "mail: varchar(255) not null unique\n" in out


def test_existing_was_is_kept():
    text = TEXT.replace("      email: varchar(255) not null unique", "      email: varchar(255) not null was mail")
    out = apply_rename(text, offset(text, "email: varchar"), "address")
    assert "address: varchar(255) not null was mail\n" in out
    text = TEXT.replace("  users:\n", "  users:\n    was: people\n")
    out = apply_rename(text, offset(text, "  users:", 0, 2), "customers")
    assert out.count("was:") == 1 and "was: people" in out


@pytest.mark.parametrize("line,expected", [
    ("      email: 'varchar(255) not null'  # contact\n",
     "      address: 'varchar(255) not null was email'  # contact\n"),
    ('      email: "varchar(255) not null"\n', '      address: "varchar(255) not null was email"\n'),
    ("      email: varchar(255) not null   # contact # more\n",
     "      address: varchar(255) not null was email   # contact # more\n"),
    ("      email: >-\n        varchar(255)\n        not null\n",
     "      address: >-\n        varchar(255)\n        not null was email\n"),
])
def test_was_in_quoted_commented_and_block_shorthands(line, expected):
    text = TEXT.replace("      email: varchar(255) not null unique\n", line)
    assert not errors(analyze(text))
    out = apply_rename(text, offset(text, "email:"), "address")
    assert expected in out
    column = analyze(out).schema.tables["users"].columns["address"]
    assert column.was == "email" and not column.nullable


def test_rename_enum_and_enum_value():
    out = apply_rename(TEXT, offset(TEXT, "order_status not null", 0, 5), "order_state")
    assert "  order_state: [pending, paid, shipped]" in out
    assert "status: order_state not null default 'pending'" in out
    assert not errors(analyze(out))
    out = apply_rename(TEXT, offset(TEXT, "paid,"), "settled")
    assert "[pending, settled, shipped]" in out
    assert "- total < 1000000 OR status = 'settled'" in out
    assert "AND o.status = 'settled'" in out
    out = apply_rename(TEXT, offset(TEXT, "pending'"), "new")
    assert "[new, paid, shipped]" in out and "default 'new'" in out
    assert not errors(analyze(out))


@pytest.mark.parametrize("needle,inner,new_name,message", [
    ("  users:", 2, "orders", "a table named 'orders' already exists"),
    ("email: varchar", 0, "tenant_id", "already has a column named 'tenant_id'"),
    ("order_status: [", 0, "order_status2", None),
    ("order_status: [", 0, "int", "built-in type"),
    ("paid,", 0, "shipped", "already has the value 'shipped'"),
    ("  users:", 2, "2fast", "not a valid table name"),
    ("  users:", 2, "my table", "not a valid table name"),
    ("email: varchar", 0, "e-mail", "not a valid column name"),
    ("email: varchar", 0, "null", "null"),
])
def test_refusals(needle, inner, new_name, message):
    document = doc()
    at = offset(TEXT, needle, 0, inner)
    if message is None:
        assert rename(document, at, new_name).edits
        return
    with pytest.raises(RenameError, match=message):
        rename(document, at, new_name)


def test_nothing_to_rename_and_same_name():
    document = doc()
    with pytest.raises(RenameError, match="nothing|no table"):
        rename(document, offset(TEXT, "schema: shop"), "x")
    assert rename(document, offset(TEXT, "email: varchar"), "email").edits == []


def test_prepare_rename_gives_the_name_range():
    document = doc()
    at = offset(TEXT, "users(id)", 0, 3)
    start = offset(TEXT, "users(id)")
    assert prepare_rename(document, at) == (start, start + len("users"))
    assert prepare_rename(document, offset(TEXT, "bigint pk")) is None


def test_rename_to_a_reserved_word_quotes_it_in_sql():
    out = apply_rename(TEXT, offset(TEXT, "  users:", 0, 2), "user")
    assert 'JOIN "user" u ON' in out and 'FROM "user" WHERE' in out
    assert "references user(id)" in out and "  user:\n    was: users" in out


# ---------------------------------------------------------------------------
# flow style and non-ASCII names

FLOW = """\
schema: flow
enums: {mood: [happy, sad]}
tables:
  people: {columns: {id: bigint pk, name: text, feeling: mood default 'happy'}, indexes: [name]}
  pets: {columns: {id: bigint pk, owner: bigint references people(id), kind: {type: text}}}
queries:
  q: {sql: "SELECT name FROM people WHERE feeling = 'sad'"}
"""


def test_flow_style_references_and_renames():
    document = doc(FLOW)
    assert not errors(document)
    found = references(document, offset(FLOW, "name: text"))
    assert [o.role for o in found] == ["key", "index", "query"]
    out = apply_rename(FLOW, offset(FLOW, "people: {"), "persons")
    assert "  persons: {was: persons" not in out
    assert "  persons: {was: people, columns: {id: bigint pk" in out
    assert "references persons(id)" in out and "FROM persons WHERE" in out
    assert not errors(analyze(out))
    out = apply_rename(FLOW, offset(FLOW, "name: text"), "full_name")
    assert "full_name: text was name," in out and "indexes: [full_name]" in out
    assert "SELECT full_name FROM" in out
    out = apply_rename(FLOW, offset(FLOW, "kind: {"), "species")
    assert "species: {was: kind, type: text}" in out
    assert analyze(out).schema.tables["pets"].columns["species"].was == "kind"
    out = apply_rename(FLOW, offset(FLOW, "sad]"), "glum")
    assert "[happy, glum]" in out and "feeling = 'glum'" in out
    assert not errors(analyze(out))


UNICODE = """\
schema: bibliothek
tables:
  autoren:
    columns:
      id: bigint pk
      straße: text
  bücher:   # 📚 Bücher
    columns:
      id: bigint pk
      autor_id: bigint references autoren(id)
      titel: text not null
    indexes:
      - titel
queries:
  nach_titel: SELECT b.id FROM bücher b JOIN autoren a ON a.id = b.autor_id WHERE b.titel = ? AND a.straße = ?
"""


def test_non_ascii_names():
    document = doc(UNICODE)
    assert not errors(document)
    found = references(document, offset(UNICODE, "bücher b"))
    assert occurrence_texts(UNICODE, found) == ["bücher", "bücher"]
    assert symbol_at(document, offset(UNICODE, "straße = ?", 0, 4)).symbol == Symbol(COLUMN, "straße", "autoren")
    out = apply_rename(UNICODE, offset(UNICODE, "bücher:"), "bände")
    assert "  bände:   # 📚 Bücher\n    was: bücher\n" in out and "FROM bände b JOIN" in out
    assert not errors(analyze(out))
    out = apply_rename(UNICODE, offset(UNICODE, "straße: text"), "gäßchen")
    assert "gäßchen: text was straße\n" in out and "AND a.gäßchen = ?" in out
    assert analyze(out).schema.tables["autoren"].columns["gäßchen"].was == "straße"


# ---------------------------------------------------------------------------
# outline

def test_document_symbols_tree():
    document = doc()
    nodes = document_symbols(document)
    assert [(n.kind, n.name) for n in nodes] == [
        (ENUM, "order_status"), (TABLE, "users"), (TABLE, "orders"), (TABLE, "accounts"),
        ("query", "recent"), ("query", "count_users")]
    enum, users, orders = nodes[0], nodes[1], nodes[2]
    assert [c.name for c in enum.children] == ["pending", "paid", "shipped"]
    assert [(c.kind, c.name) for c in users.children] == [(COLUMN, "id"), (COLUMN, "email"), (COLUMN, "tenant_id")]
    assert users.children[1].detail == "varchar(255) not null unique"
    assert [c.name for c in orders.children if c.kind == "index"] == [
        "(user_id, placed_at desc)", "(status)", "(lower(note))"]
    for node in nodes:
        assert node.span[0] <= node.selection[0] <= node.selection[1] <= node.span[1]
        assert TEXT[node.selection[0]:node.selection[1]] == node.name
        for child in node.children:
            assert node.span[0] <= child.span[0] <= child.span[1] <= node.span[1]


def test_workspace_symbols_match_by_subsequence():
    found = workspace_symbols([("file:///a.schema.yaml", doc()), ("file:///b.schema.yaml", doc(UNICODE))], "ord")
    names = {(s.uri[-13:], s.name, s.container) for s in found}
    assert ("a.schema.yaml", "orders", None) in names
    assert ("a.schema.yaml", "order_status", None) in names
    found = workspace_symbols([("file:///b.schema.yaml", doc(UNICODE))], "BÜCH")
    assert [(s.name, s.kind) for s in found] == [("bücher", TABLE)]
    found = workspace_symbols([("file:///b.schema.yaml", doc(UNICODE))], "titel")
    assert [(s.name, s.kind, s.container) for s in found] == [
        ("titel", COLUMN, "bücher"), ("nach_titel", "query", None)
    ]


def _occurrences(index):
    return [(o.symbol, o.start, o.end, o.declaration, o.role, o.sql, o.quoted, o.style, o.scalar_start)
            for o in index.occurrences]


@pytest.mark.parametrize("name", ["shop", "generated", "edited"])
def test_the_table_by_table_index_equals_the_whole_file_index(name):
    # a file in the usual layout is indexed table by table (fast after an edit); it must find
    # exactly what one parse of the whole file finds
    import sys
    from pathlib import Path

    from schema_lang.core.document import TableCache
    from schema_lang.ide.symbols import symbol_index

    root = Path(__file__).resolve().parents[2]
    sys.path.insert(0, str(root / "bench"))
    from gen_schema import schema_yaml

    text = {"shop": (root / "examples" / "shop.schema.yaml").read_text(), "generated": schema_yaml(40),
            "edited": schema_yaml(40).replace("entity_00003:", "entity_0003x:", 1)}[name]
    cache = TableCache()
    analyze(schema_yaml(40), cache=cache)
    document = analyze(text, cache=cache)
    piecewise, whole = symbol_index(document), symbol_index(document, whole=True)
    assert piecewise.piecewise and not whole.piecewise
    assert _occurrences(piecewise) == _occurrences(whole) and len(whole.occurrences) > 100
