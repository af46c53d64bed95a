"""`include:`: tables and enums of other files, referenced across files."""
from __future__ import annotations

from pathlib import Path

import pytest

from schema_lang.analysis import analyze
from schema_lang.cli import main
from schema_lang.core.document import Options
from schema_lang.dialects import get_dialect
from schema_lang.generate.ddl import generate
from schema_lang.rules import RULES

COMMON = """\
schema: common
enums:
  currency: [EUR, USD]
tables:
  users:
    columns:
      id: bigint pk identity
      email: text not null unique
"""

SHOP = """\
schema: shop
include: [common.schema.yaml]
tables:
  orders:
    columns:
      id: bigint pk identity
      user_id: bigint not null references users
      cur: currency not null default 'EUR'
    indexes:
      - user_id
"""


@pytest.fixture
def files(tmp_path):
    (tmp_path / "common.schema.yaml").write_text(COMMON)
    shop = tmp_path / "shop.schema.yaml"
    shop.write_text(SHOP)
    return tmp_path, shop


def errors(document):
    return [(d.rule, document.text[d.start:d.end]) for d in document.diagnostics if d.severity.value == "error"]


def test_tables_and_enums_of_an_included_file_can_be_referenced(files):
    _, shop = files
    document = analyze(SHOP, Options(path=str(shop)))
    assert errors(document) == []
    assert list(document.schema.tables) == ["orders"]  # the included table is not this file's
    users = document.schema.table("users")
    assert users.origin == str(shop.parent.resolve() / "common.schema.yaml")
    assert document.schema.included == [users.origin]
    # DDL is the file's own: the FK points at the included table, whose type the included file creates
    ddl = generate(document.schema, get_dialect("postgresql")).script()
    assert "CREATE TABLE users" not in ddl and "CREATE TYPE currency" not in ddl
    assert "REFERENCES users (id)" in ddl and "cur currency NOT NULL" in ddl


def test_without_the_include_the_references_fail(files):
    _, shop = files
    text = SHOP.replace("include: [common.schema.yaml]\n", "")
    assert {r for r, _ in errors(analyze(text, Options(path=str(shop))))} == {"reference/unknown-table",
                                                                              "schema/unknown-type"}


def test_an_include_that_cannot_be_read(files):
    _, shop = files
    text = SHOP.replace("[common.schema.yaml]", "[common.schema.yaml, nope.schema.yaml]")
    assert errors(analyze(text, Options(path=str(shop)))) == [("schema/include-not-found", "nope.schema.yaml")]
    # an unsaved buffer has no folder to resolve against
    assert errors(analyze(SHOP))[0] == ("schema/include-not-found", "common.schema.yaml")
    assert RULES["schema/include-not-found"].doc.startswith("# schema/include-not-found")


def test_quiet_when_every_include_resolves(files):
    _, shop = files
    found = {d.rule for d in analyze(SHOP, Options(path=str(shop))).diagnostics}
    assert not found & {"schema/include-not-found", "schema/include-conflict"}


def test_a_name_defined_twice_is_a_conflict(files):
    _, shop = files
    text = SHOP + "  users:\n    columns:\n      id: bigint pk\n"
    text = text.replace("tables:\n", "enums:\n  currency: [GBP]\ntables:\n", 1)
    found = errors(analyze(text, Options(path=str(shop))))
    assert ("schema/include-conflict", "users") in found and ("schema/include-conflict", "currency") in found
    assert RULES["schema/include-conflict"].doc.startswith("# schema/include-conflict")


def test_nested_includes_and_cycles(tmp_path):
    (tmp_path / "a.schema.yaml").write_text("schema: a\ninclude: [b.schema.yaml]\ntables:\n  a:\n    columns:\n"
                                            "      id: int pk\n      b_id: int references b\n"
                                            "      c_id: int references c\n")
    (tmp_path / "b.schema.yaml").write_text("schema: b\ninclude: [sub/c.schema.yaml, a.schema.yaml]\ntables:\n"
                                            "  b:\n    columns:\n      id: int pk\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.schema.yaml").write_text("schema: c\ninclude: [../b.schema.yaml]\ntables:\n  c:\n"
                                                    "    columns:\n      id: int pk\n      b_id: int references b\n")
    path = tmp_path / "a.schema.yaml"
    document = analyze(path.read_text(), Options(path=str(path)))
    assert errors(document) == []
    assert sorted(Path(p).name for p in document.schema.included) == ["b.schema.yaml", "c.schema.yaml"]


def test_an_editor_reader_supplies_unsaved_text(files):
    tmp, shop = files
    edited = COMMON.replace("  users:", "  people:")
    reader = lambda p: edited if p.endswith("common.schema.yaml") else None  # noqa: E731
    found = errors(analyze(SHOP, Options(path=str(shop), read=reader)))
    assert found == [("reference/unknown-table", "users")]


def test_check_resolves_includes_next_to_the_file(files, capsys):
    tmp, shop = files
    assert main(["check", str(shop)]) == 0
    (tmp / "common.schema.yaml").unlink()
    assert main(["check", str(shop)]) == 1
    assert "schema/include-not-found" in capsys.readouterr().out
