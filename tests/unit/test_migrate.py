"""Migrations without an engine: the findings of each rule, renames, ordering, and the
`schema-lang migrate` command's contract (output, files, exit codes)."""
from __future__ import annotations

from dataclasses import dataclass
from textwrap import dedent

import pytest

from schema_lang.analysis import analyze
from schema_lang.cli import main
from schema_lang.generate.migrate import migration_diagnostics, migration_paths, plan_texts
from schema_lang.rules import RULES


def table(columns: str, extra: str = "", name: str = "t", more: str = "") -> str:
    body = "".join(f"      {line}\n" for line in dedent(columns).strip("\n").splitlines())
    rest = "".join(f"    {line}\n" for line in dedent(extra).strip("\n").splitlines()) if extra else ""
    return f"schema: s\ntables:\n  {name}:\n    columns:\n{body}{rest}{more}"


@dataclass
class Case:
    id: str
    rule: str
    old: str
    new: str
    fires: bool
    dialect: str = "postgresql"
    underline: str | None = None  # the text of the new version the finding points at
    online: bool = False


BASE = table("id: bigint pk\nname: varchar(50)\nqty: int")
CASES = [
    Case("drop-table", "migration/drops-table", BASE + "  u:\n    columns:\n      id: int pk\n", BASE, True,
         underline="tables"),
    Case("keep-table", "migration/drops-table", BASE, BASE + "  u:\n    columns:\n      id: int pk\n", False),
    Case("rename-table", "migration/drops-table", BASE + "  u:\n    columns:\n      id: int pk\n",
         BASE + "  v:\n    was: u\n    columns:\n      id: int pk\n", False),
    Case("drop-column", "migration/drops-column", BASE, table("id: bigint pk\nname: varchar(50)"), True,
         underline="t"),
    Case("rename-column", "migration/drops-column", BASE, table("id: bigint pk\nname: varchar(50)\ncount: int was qty"),
         False),
    Case("narrow-varchar", "migration/narrows-type", BASE, table("id: bigint pk\nname: varchar(20)\nqty: int"), True,
         underline="varchar(20)"),
    Case("narrow-int", "migration/narrows-type", BASE, table("id: bigint pk\nname: varchar(50)\nqty: smallint"),
         True, dialect="mysql", underline="smallint"),
    Case("widen", "migration/narrows-type", BASE, table("id: bigint pk\nname: text\nqty: bigint"), False),
    Case("sqlite-same-storage", "migration/narrows-type", BASE, table("id: bigint pk\nname: varchar(20)\nqty: int"),
         False, dialect="sqlite"),
    Case("enum-value-removed", "migration/removes-enum-value",
         "schema: s\nenums:\n  st: [a, b, c]\n" + BASE.split("\n", 1)[1].replace("qty: int", "qty: st"),
         "schema: s\nenums:\n  st: [a, c]\n" + BASE.split("\n", 1)[1].replace("qty: int", "qty: st"), True,
         underline="st"),
    Case("inline-enum-value-removed", "migration/removes-enum-value", BASE.replace("qty: int", "qty: enum(a, b)"),
         BASE.replace("qty: int", "qty: enum(a)"), True, dialect="mysql", underline="enum(a)"),
    Case("enum-value-added", "migration/removes-enum-value",
         "schema: s\nenums:\n  st: [a, c]\n" + BASE.split("\n", 1)[1].replace("qty: int", "qty: st"),
         "schema: s\nenums:\n  st: [a, b, c]\n" + BASE.split("\n", 1)[1].replace("qty: int", "qty: st"), False),
    Case("not-null-no-default", "migration/adds-not-null-without-default", BASE,
         table("id: bigint pk\nname: varchar(50)\nqty: int\nsku: text not null"), True, underline="sku"),
    Case("not-null-with-default", "migration/adds-not-null-without-default", BASE,
         table("id: bigint pk\nname: varchar(50)\nqty: int\nsku: text not null default ''"), False),
    Case("new-table-not-null", "migration/adds-not-null-without-default", BASE,
         BASE + "  u:\n    columns:\n      id: int pk\n      x: text not null\n", False),
    Case("create-index", "migration/locks-table", BASE, table("id: bigint pk\nname: varchar(50)\nqty: int",
                                                               "indexes:\n  - name"), True, underline="name"),
    Case("create-index-online", "migration/locks-table", BASE,
         table("id: bigint pk\nname: varchar(50)\nqty: int", "indexes:\n  - name"), False, online=True),
    Case("create-index-mysql", "migration/locks-table", BASE,
         table("id: bigint pk\nname: varchar(50)\nqty: int", "indexes:\n  - name"), False, dialect="mysql"),
    Case("set-not-null", "migration/locks-table", BASE, table("id: bigint pk\nname: varchar(50) not null\nqty: int"),
         True, underline="name"),
    Case("rename-hint", "migration/possible-rename", BASE, table("id: bigint pk\nname: varchar(50)\ncount: int"),
         True, underline="count"),
    Case("rename-hint-other-type", "migration/possible-rename", BASE,
         table("id: bigint pk\nname: varchar(50)\ncount: text"), False),
    Case("partitioning", "migration/unsupported-change",
         table("id: bigint\nat: date not null", "primary_key: [id, at]"),
         table("id: bigint\nat: date not null", "primary_key: [id, at]\npartition_by: range(at)"), True,
         underline="t"),
    Case("partitioning-sqlite", "migration/unsupported-change",
         table("id: bigint\nat: date not null", "primary_key: [id, at]"),
         table("id: bigint\nat: date not null", "primary_key: [id, at]\npartition_by: range(at)"), False,
         dialect="sqlite"),
]


def test_every_migration_rule_is_covered():
    rules = {r for r in RULES if r.startswith("migration/")}
    assert rules - {c.rule for c in CASES if c.fires} == set()
    assert rules - {c.rule for c in CASES if not c.fires} == set()


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_migration_findings(case: Case):
    migration = plan_texts(case.old, case.new, case.dialect, online=case.online)
    found = [f for f in migration.findings if f.rule == case.rule]
    assert bool(found) == case.fires, [(f.rule, f.message) for f in migration.findings]
    if case.fires:
        assert len(found) == 1, [f.message for f in found]
        start, end = found[0].span
        assert case.new[start:end] == case.underline
        assert found[0].destructive == (case.rule in {"migration/drops-table", "migration/drops-column",
                                                      "migration/narrows-type", "migration/removes-enum-value"})
        # the scripts list what they do that is risky
        assert f"-- {case.rule}: {found[0].message}" in migration.up.sql() or case.rule == "migration/possible-rename"


def test_findings_become_diagnostics_of_the_new_text():
    new = table("id: bigint pk\nname: varchar(20)")
    document = analyze(new)
    diagnostics = migration_diagnostics(BASE, document)
    assert sorted(d.rule for d in diagnostics) == ["migration/drops-column", "migration/locks-table",
                                                   "migration/narrows-type"]
    narrow = next(d for d in diagnostics if d.rule == "migration/narrows-type")
    assert new[narrow.start:narrow.end] == "varchar(20)" and narrow.severity.value == "warning"
    assert migration_diagnostics(new, document) == []  # unchanged
    assert migration_diagnostics("schema: [", document) == []  # a broken old side says nothing


def test_renames_keep_generated_names_in_step():
    old = table("id: bigint pk\nemail: text unique", "indexes:\n  - email")
    new = table("id: bigint pk\nmail: text unique was email", "indexes:\n  - mail", name="people").replace(
        "  people:\n", "  people:\n    was: t\n")
    up = plan_texts(old, new).up.statements
    assert up[:2] == ["BEGIN", "ALTER TABLE t RENAME TO people"]
    assert "ALTER TABLE people RENAME COLUMN email TO mail" in up
    assert "ALTER INDEX idx_t_email RENAME TO idx_people_mail" in up
    assert "ALTER TABLE people RENAME CONSTRAINT uq_t_email TO uq_people_mail" in up
    assert not [s for s in up if "DROP" in s]  # a rename is never drop + add
    mysql = plan_texts(old, new, "mysql").up.statements
    assert "ALTER TABLE people RENAME INDEX idx_t_email TO idx_people_mail" in mysql


def test_a_was_mark_left_after_deployment_is_harmless():
    deployed = table("id: bigint pk\nmail: text was email")
    migration = plan_texts(deployed, deployed.replace("mail: text", "mail: text not null default ''"))
    assert not [s for s in migration.up.statements if "RENAME" in s]


def test_foreign_keys_go_before_what_they_reference_and_come_after():
    old = table("id: bigint pk") + "  child:\n    columns:\n      id: bigint pk\n      t_id: bigint references t\n"
    new = "schema: s\ntables:\n  child:\n    columns:\n      id: bigint pk\n      p_id: bigint references p\n" + \
        "  p:\n    columns:\n      id: bigint pk\n"
    up = plan_texts(old, new).up.statements
    drop_fk = up.index("ALTER TABLE child DROP CONSTRAINT fk_child_t_id")
    assert drop_fk < up.index("DROP TABLE t")
    create = next(i for i, s in enumerate(up) if s.startswith("CREATE TABLE p "))
    add_fk = next(i for i, s in enumerate(up) if "ADD CONSTRAINT fk_child_p_id" in s)
    assert create < add_fk


def test_postgresql_enum_values_are_added_outside_the_transaction():
    old = "schema: s\nenums:\n  st: [a, c]\n" + BASE.split("\n", 1)[1].replace("qty: int", "qty: st")
    new = old.replace("[a, c]", "[z, a, b, c]")
    up = plan_texts(old, new).up.statements
    assert up[:2] == ["ALTER TYPE st ADD VALUE IF NOT EXISTS 'z' BEFORE 'a'",
                      "ALTER TYPE st ADD VALUE IF NOT EXISTS 'b' AFTER 'a'"]
    down = plan_texts(old, new).down.statements
    assert "ALTER TYPE st RENAME TO st__old" in down and down[-2] == "DROP TYPE st__old"


def test_online_forms():
    new = table("id: bigint pk\nname: varchar(50) not null\nqty: int check (qty > 0)", "indexes:\n  - name") + \
        "  u:\n    columns:\n      id: bigint pk\n      t_id: bigint references t\n"
    old = BASE + "  u:\n    columns:\n      id: bigint pk\n      t_id: bigint\n"
    up = plan_texts(old, new, online=True).up.statements
    assert "BEGIN" not in up
    assert "CREATE INDEX CONCURRENTLY idx_t_name ON t (name)" in up
    assert any(s.endswith("CHECK (qty > 0) NOT VALID") for s in up)
    assert "ALTER TABLE t VALIDATE CONSTRAINT ck_t_qty" in up
    assert any(s.startswith("ALTER TABLE u ADD CONSTRAINT fk_u_t_id") and s.endswith("NOT VALID") for s in up)
    assert any("IS NOT NULL) NOT VALID" in s for s in up) and "ALTER TABLE t ALTER COLUMN name SET NOT NULL" in up
    assert not [f for f in plan_texts(old, new, online=True).findings if f.rule == "migration/locks-table"]


def test_sqlite_rebuilds_what_alter_table_cannot_do():
    new = table("id: bigint pk\nname: varchar(50) not null default 'x'\nqty: int")
    up = plan_texts(BASE, new, "sqlite").up.statements
    assert up[0] == "PRAGMA foreign_keys = OFF" and up[-1] == "PRAGMA foreign_keys = ON"
    assert any(s.startswith("CREATE TABLE _new_t") for s in up)
    assert "INSERT INTO _new_t (id, name, qty) SELECT id, name, qty FROM t" in up
    assert up.index("DROP TABLE t") < up.index("ALTER TABLE _new_t RENAME TO t")
    # adding a nullable column needs no rebuild
    simple = plan_texts(BASE, table("id: bigint pk\nname: varchar(50)\nqty: int\nnote: text"), "sqlite").up.statements
    assert "ALTER TABLE t ADD COLUMN note TEXT" in simple and not [s for s in simple if "_new_" in s]


# -- the command --------------------------------------------------------------------------

@pytest.fixture
def versions(tmp_path):
    old, new = tmp_path / "old.schema.yaml", tmp_path / "new.schema.yaml"
    old.write_text(BASE)
    new.write_text(table("id: bigint pk\nname: varchar(50)\nqty: int\nnote: text"))
    return old, new


def test_migrate_prints_up_and_down(versions, capsys):
    old, new = versions
    assert main(["migrate", str(old), str(new)]) == 0
    out = capsys.readouterr().out
    up, down = out.split("-- ==================== down ====================\n")
    assert up.startswith("-- ===================== up =====================\n")
    assert "ALTER TABLE t ADD COLUMN note TEXT;" in up and "ALTER TABLE t DROP COLUMN note;" in down


def test_migrate_writes_numbered_files(versions, tmp_path, capsys):
    old, new = versions
    out = tmp_path / "migrations"
    assert main(["migrate", str(old), str(new), "--out", str(out), "--name", "Add note"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["0001_add_note.down.sql", "0001_add_note.up.sql"]
    (out / "0007_older.up.sql").write_text("")
    assert main(["migrate", str(old), str(new), "--out", str(out)]) == 0
    assert (out / "0008_migration.up.sql").read_text().count("ADD COLUMN note") == 1
    assert "DROP COLUMN note" in (out / "0008_migration.down.sql").read_text()
    assert migration_paths(tmp_path / "missing", "x")[0].name == "0001_x.up.sql"


def test_migrate_refuses_destructive_changes(versions, tmp_path, capsys):
    old, new = versions
    out = tmp_path / "migrations"
    assert main(["migrate", str(new), str(old), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "refusing: 1 destructive change(s)" in err and "migration/drops-column: t.note is dropped" in err
    assert f"{old}:3:3: warning migration/drops-column" in err
    assert not out.exists()
    assert main(["migrate", str(new), str(old), "--out", str(out), "--allow-destructive"]) == 0
    assert (out / "0001_migration.up.sql").read_text().count("DROP COLUMN note") == 1


def test_migrate_exit_codes(versions, tmp_path, capsys):
    old, _ = versions
    assert main(["migrate", str(old), str(old)]) == 0
    assert "no changes" in capsys.readouterr().err
    broken = tmp_path / "broken.schema.yaml"
    broken.write_text(BASE.replace("qty: int", "qty: nosuchtype"))
    assert main(["migrate", str(old), str(broken)]) == 2
    err = capsys.readouterr().err
    assert "schema/unknown-type" in err and "Traceback" not in err
    partitioned = tmp_path / "p.schema.yaml"
    partitioned.write_text(table("id: bigint\nat: date not null", "primary_key: [id, at]\npartition_by: range(at)"))
    plain = tmp_path / "q.schema.yaml"
    plain.write_text(table("id: bigint\nat: date not null", "primary_key: [id, at]"))
    assert main(["migrate", str(plain), str(partitioned), "--allow-destructive"]) == 1
    assert "cannot be migrated in place" in capsys.readouterr().err


@pytest.mark.parametrize("edit", [
    ("      email: varchar(255) not null unique", "      email: varchar(100) not null unique"),
    ("      phone: varchar(32) pii\n", "      mobile: varchar(32) pii\n"),
    ("      phone: varchar(32) pii\n", ""),
    ("      phone: varchar(32) pii\n", "      phone: varchar(32) not null pii\n      vip: boolean not null\n"),
])
def test_editor_findings_equal_those_of_the_whole_comparison(edit):
    # the editor compares only the tables whose text changed; it must find what the full comparison finds
    from pathlib import Path

    shop = (Path(__file__).resolve().parents[2] / "examples" / "shop.schema.yaml").read_text()
    assert edit[0] in shop
    edited = shop.replace(edit[0], edit[1], 1)
    full = [(f.rule, f.message, f.span) for f in plan_texts(shop, edited).findings]
    quick = [(d.rule, d.message, (d.start, d.end)) for d in migration_diagnostics(shop, analyze(edited))]
    assert sorted(quick) == sorted(full) and full


@pytest.mark.parametrize("old, new, narrows", [
    ("varchar(40)", "varchar", False),  # varchar is varchar(255)
    ("varchar", "varchar(40)", True),
    ("int", "decimal(5,2)", True),
    ("int", "decimal(12,2)", False),
    ("decimal(10,4)", "decimal(10,2)", True),
    ("text", "int", True),
    ("int", "text", False),
])
def test_what_narrows(old, new, narrows):
    migration = plan_texts(table(f"id: bigint pk\nx: {old}"), table(f"id: bigint pk\nx: {new}"))
    assert ("migration/narrows-type" in {f.rule for f in migration.findings}) == narrows


def test_postgresql_changes_types_without_truncating_casts():
    up = plan_texts(table("id: bigint pk\nx: varchar(40)"), table("id: bigint pk\nx: varchar(10)")).up.statements
    # an explicit ::varchar(10) would cut values; the implicit conversion refuses them
    assert "ALTER TABLE t ALTER COLUMN x TYPE VARCHAR(10)" in up
    up = plan_texts(table("id: bigint pk\nx: text"), table("id: bigint pk\nx: int")).up.statements
    assert "ALTER TABLE t ALTER COLUMN x TYPE INTEGER USING x::INTEGER" in up


def test_old_version_from_standard_input(versions, capsys, monkeypatch):
    import io

    old, new = versions
    monkeypatch.setattr("sys.stdin", io.StringIO(old.read_text()))
    assert main(["migrate", "-", str(new)]) == 0
    assert "ADD COLUMN note" in capsys.readouterr().out
    assert main(["migrate", "-", "-"]) == 2


def test_online_leaves_partitioned_tables_to_a_plain_create_index():
    columns = "id: bigint\nat: date not null\nkind: text"
    old = table(columns, "primary_key: [id, at]\npartition_by: range(at)")
    new = table(columns, "primary_key: [id, at]\npartition_by: range(at)\nindexes:\n  - kind")
    migration = plan_texts(old, new, online=True)
    assert "CREATE INDEX idx_t_kind ON t (kind)" in migration.up.statements  # PostgreSQL refuses CONCURRENTLY here
    assert [f.rule for f in migration.findings] == ["migration/locks-table"]
    assert "ATTACH PARTITION" in migration.findings[0].message
