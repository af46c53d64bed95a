"""Normalization in the engine: findings, inspect, decomposition of real schema files."""
from __future__ import annotations

import json
from pathlib import Path
from textwrap import dedent

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schema_lang.analysis import analyze
from schema_lang.analysis.normalization import normalization_of
from schema_lang.cli import main
from schema_lang.ide.fixes import fixes_for
from schema_lang.ide.refactor.normalize import NormalizeError, normalize
from schema_lang.ide.refactor.text_edits import apply_edits

ROOT = Path(__file__).resolve().parents[2]

STORE = dedent("""\
    # A store with normalization problems on purpose.
    schema: store
    tables:
      users:
        columns:
          id: bigint pk
          email: varchar(255) not null unique
      products:
        columns:
          id: bigint pk
          name: text not null
      orders:
        columns:
          id: bigint pk
          user_id: bigint not null references users
          customer_email: varchar(255)   # copied at checkout
          zip: varchar(10)
          city: text
        dependencies:
          - zip -> city   # one city per postal code
      order_items:
        primary_key: [order_id, product_id]
        columns:
          order_id: bigint references orders
          product_id: bigint references products
          warehouse_code: text
          warehouse_city: text
          quantity: int not null
        dependencies:
          - order_id, product_id -> quantity, warehouse_code
          - product_id -> warehouse_code
          - warehouse_code -> warehouse_city
      addresses:
        primary_key: [street, city]
        columns:
          street: text
          city: text
          zip: text not null
        dependencies:
          - street, city -> zip
          - zip -> city
    queries:
      q: SELECT id FROM orders WHERE user_id = 1
    """)

NORMALIZATION_RULES = {"normalization/partial-dependency", "normalization/transitive-dependency",
                       "normalization/bcnf-violation", "normalization/duplicated-attribute"}


def findings(text: str, table: str | None = None) -> list:
    return [d for d in analyze(text).diagnostics
            if d.rule.startswith("normalization/") and (table is None or d.table == table)]


def test_inspect_json_contract(tmp_path, capsys):
    path = tmp_path / "s.schema.yaml"
    path.write_text(STORE)
    assert main(["inspect", str(path), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    tables = report["tables"]
    assert set(tables) == {"users", "products", "orders", "order_items", "addresses"}
    assert tables["addresses"] == {
        "candidate_keys": [["city", "street"], ["street", "zip"]],
        "normal_form": "3NF",
        "dependencies": ["city, street -> zip", "street, zip -> city", "zip -> city"],
    }
    assert tables["users"]["candidate_keys"] == [["email"], ["id"]]
    assert tables["users"]["normal_form"] == "BCNF"
    assert tables["order_items"]["normal_form"] == "1NF"
    assert tables["orders"]["normal_form"] == "2NF"
    assert "zip -> city" in tables["orders"]["dependencies"]
    assert "user_id -> customer_email" in tables["orders"]["dependencies"]  # inferred from the copy


def test_inspect_text(tmp_path, capsys):
    path = tmp_path / "s.schema.yaml"
    path.write_text(STORE)
    assert main(["inspect", str(path)]) == 0
    out = capsys.readouterr().out
    assert "addresses: 3NF, candidate keys (city, street) or (street, zip)" in out


def test_findings_name_determinant_dependents_and_key():
    messages = {(d.rule, d.table): d.message for d in findings(STORE)}
    # warehouse_city depends on product_id too, through warehouse_code
    assert messages[("normalization/partial-dependency", "order_items")].startswith(
        "order_items.warehouse_code, warehouse_city depend on product_id, only part of the key "
        "(order_id, product_id): 2NF (declared: product_id -> warehouse_code)")
    assert messages[("normalization/transitive-dependency", "orders")].startswith(
        "orders.city depends on zip, which is not a key (key: (id)): 3NF")
    assert "copies users.email" in messages[("normalization/duplicated-attribute", "orders")]
    bcnf_message = messages[("normalization/bcnf-violation", "addresses")]
    assert "but is not a key (keys: (city, street) or (street, zip)): BCNF" in bcnf_message


def test_ranges_point_at_the_dependency_line():
    for d in findings(STORE, "orders"):
        if d.rule == "normalization/transitive-dependency":
            assert STORE[d.start:d.end] == "zip -> city"


def test_denormalized_column_turns_findings_into_nothing_and_is_recorded():
    text = STORE.replace("      customer_email: varchar(255)   # copied at checkout\n",
                         "      customer_email:\n        type: varchar(255)\n"
                         "        denormalized: the address the receipt was sent to\n")
    text = text.replace("    dependencies:\n      - zip -> city   # one city per postal code\n",
                        "    dependencies:\n      - zip -> city   # one city per postal code\n"
                        "    denormalized:\n      city: printed on the label as entered\n")
    assert text.count("denormalized:") == 2
    assert findings(text, "orders") == []
    doc = analyze(text)
    columns = doc.schema.tables["orders"].columns
    assert columns["customer_email"].denormalized == "the address the receipt was sent to"
    assert columns["city"].denormalized == "printed on the label as entered"
    # the normal form is still reported honestly
    assert normalization_of(doc.schema, doc.schema.tables["orders"]).normal_form == "2NF"


def test_denormalized_names_an_unknown_column():
    text = STORE.replace("    dependencies:\n      - zip -> city   # one city per postal code\n",
                         "    denormalized:\n      citty: typo\n")
    assert "citty" in text
    rules = [(d.rule, text[d.start:d.end]) for d in analyze(text).diagnostics]
    assert ("reference/unknown-column", "citty") in rules


@pytest.mark.parametrize("table, target", [("orders", "3nf"), ("order_items", "3nf"), ("order_items", "bcnf"),
                                           ("addresses", "bcnf"), ("orders", "bcnf")])
def test_normalize_reaches_the_target_and_keeps_everything_else(table, target):
    result = normalize(STORE, table, target)
    out = apply_edits(STORE, result.edits)
    doc = analyze(out)
    assert [d for d in doc.diagnostics if d.severity.value == "error"] == []
    wanted = ("3NF", "BCNF") if target == "3nf" else ("BCNF",)
    for name in [table] + [p.name for p in result.pieces if p.merge_into is None]:
        assert normalization_of(doc.schema, doc.schema.tables[name]).normal_form in wanted, name
    # every column survives somewhere (a dropped copy lives on in the table it copied)
    original = analyze(STORE).schema.tables[table]
    everywhere = {c for t in doc.schema.tables.values() for c in t.columns}
    copies = {c.column for c in normalization_of(analyze(STORE).schema, original).copies}
    assert set(original.columns) - copies <= everywhere
    # the other tables, the comments and the queries are untouched
    for other in ("users", "products", "queries:", "# A store with normalization problems on purpose."):
        if other in ("users", "products") and any(p.merge_into == other for p in result.pieces):
            continue
        assert _block(STORE, other) == _block(out, other)
    if table == "orders":
        assert "# one city per postal code" not in out or target == "bcnf"


def _block(text: str, start_marker: str) -> str:
    """The lines from the one starting with `start_marker` (after indentation) to the next line at that indent."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.strip().startswith(start_marker):
            indent = len(line) - len(line.lstrip())
            out = [line]
            for following in lines[i + 1:]:
                if following.strip() and len(following) - len(following.lstrip()) <= indent:
                    break
                out.append(following)
            return "\n".join(out)
    raise AssertionError(start_marker)


def test_normalize_3nf_moves_to_a_new_table_named_after_the_determinant():
    result = normalize(STORE, "orders", "3nf")
    out = apply_edits(STORE, result.edits)
    assert "  zips:\n" in out
    assert "      zip: varchar(10) pk\n      city: text\n" in out
    assert "      zip: varchar(10) references zips\n" in out
    assert "customer_email" not in _block(out, "orders:")  # the copy goes; users has email
    assert "dependencies" not in _block(out, "orders:")


def test_normalize_merges_into_the_referenced_table():
    text = STORE.replace("      warehouse_city: text\n", "      warehouse_city: text\n"
                         "      product_label: text\n").replace(
        "      - product_id -> warehouse_code\n", "      - product_id -> warehouse_code, product_label\n")
    assert "product_label" in text
    result = normalize(text, "order_items", "3nf")
    out = apply_edits(text, result.edits)
    products = _block(out, "products:")
    assert "product_label: text" in products and "warehouse_code" in products
    assert "product_label" not in _block(out, "order_items:")


def test_bcnf_reports_lost_dependencies(tmp_path, capsys):
    path = tmp_path / "s.schema.yaml"
    path.write_text(STORE)
    assert main(["normalize", str(path), "--table", "addresses", "--to", "bcnf"]) == 0
    captured = capsys.readouterr()
    assert ("does not preserve city, street -> zip" in captured.err
            or "does not preserve street, city -> zip" in captured.err)
    assert "primary_key: [street, zip]" in captured.out
    assert path.read_text() == STORE  # printing leaves the file alone


def test_normalize_write_rewrites_the_file(tmp_path, capsys):
    path = tmp_path / "s.schema.yaml"
    path.write_text(STORE)
    assert main(["normalize", str(path), "--table", "orders", "--write"]) == 0
    assert "  zips:" in path.read_text()
    assert not [d for d in findings(path.read_text(), "orders") if d.rule in NORMALIZATION_RULES]


def test_normalize_unknown_table_is_a_usage_error(tmp_path, capsys):
    path = tmp_path / "s.schema.yaml"
    path.write_text(STORE)
    assert main(["normalize", str(path), "--table", "nope"]) == 2
    assert "no table 'nope'" in capsys.readouterr().err
    with pytest.raises(NormalizeError):
        normalize(STORE, "nope")


def test_normalized_table_needs_no_change(tmp_path, capsys):
    assert normalize(STORE, "users", "bcnf").edits == []


@pytest.mark.parametrize("rule", sorted(NORMALIZATION_RULES))
def test_each_violation_has_a_quick_fix_that_removes_it(rule):
    doc = analyze(STORE)
    targets = [d for d in doc.diagnostics if d.rule == rule]
    assert targets
    for d in targets:
        fixes = fixes_for(doc, d)
        move = fixes[0]
        assert move.title.startswith(("Move ", "Remove "))
        out = apply_edits(STORE, list(move.edits))
        after = analyze(out)
        assert not [x for x in after.diagnostics if x.rule == rule and x.table == d.table and x.column == d.column]
        assert not [x for x in after.diagnostics if x.severity.value == "error"]
        # and the other fix records the choice instead
        keep = fixes[-1]
        assert keep.title.startswith("Keep ")
        kept = analyze(apply_edits(STORE, list(keep.edits)))
        assert not [x for x in kept.diagnostics if x.rule == rule and x.table == d.table and x.column == d.column]


def test_move_fix_title_names_columns_and_target():
    doc = analyze(STORE)
    d = next(d for d in doc.diagnostics if d.rule == "normalization/partial-dependency")
    assert fixes_for(doc, d)[0].title == "Move warehouse_code, warehouse_city to products"


# ---------------------------------------------------------------------------
# random tables, decomposed end to end through the file

COLS = ["c0", "c1", "c2", "c3", "c4", "c5"]


@st.composite
def tables_with_dependencies(draw):
    deps = []
    for _ in range(draw(st.integers(1, 5))):
        lhs = draw(st.lists(st.sampled_from(COLS), min_size=1, max_size=2, unique=True))
        rhs = draw(st.lists(st.sampled_from([c for c in COLS if c not in lhs]), min_size=1, max_size=2, unique=True))
        deps.append(f"{', '.join(lhs)} -> {', '.join(rhs)}")
    key = draw(st.lists(st.sampled_from(COLS), min_size=1, max_size=3, unique=True))
    columns = "".join(f"      {c}: int\n" for c in COLS)
    return (f"schema: r\ntables:\n  t:\n    primary_key: [{', '.join(key)}]\n    columns:\n{columns}"
            f"    dependencies:\n" + "".join(f"      - {d}\n" for d in deps))


@settings(max_examples=120, deadline=None, database=None, derandomize=True)
@given(tables_with_dependencies(), st.sampled_from(["3nf", "bcnf"]))
def test_random_tables_decompose_into_the_target_form(text, target):
    try:
        result = normalize(text, "t", target)
    except NormalizeError:
        return  # e.g. the primary key must move but cannot be rewritten
    out = apply_edits(text, result.edits)
    doc = analyze(out)
    assert [d for d in doc.diagnostics if d.severity.value == "error"] == [], out
    wanted = ("3NF", "BCNF") if target == "3nf" else ("BCNF",)
    for table in doc.schema.tables.values():
        assert normalization_of(doc.schema, table).normal_form in wanted, out
    assert {c for t in doc.schema.tables.values() for c in t.columns} == set(COLS)


def test_wide_tables_decompose_quickly():
    # projections are computed exactly only for narrow relations: a wide table must not
    # make the editor's quick fix or the CLI enumerate every subset of its columns
    columns = "".join(f"      attr_{chr(97 + i // 26)}{chr(97 + i % 26)}: int\n" for i in range(30))
    text = (f"schema: s\ntables:\n  t:\n    columns:\n      id: bigint pk\n{columns}"
            "    dependencies:\n      - attr_ab -> attr_ac, attr_ad\n")
    for target in ("3nf", "bcnf"):
        result = normalize(text, "t", target)
        assert [p.name for p in result.pieces] == ["attr_abs"]
        out = apply_edits(text, result.edits)
        assert not [d for d in analyze(out).diagnostics if d.rule.startswith("normalization/")]
