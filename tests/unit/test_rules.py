"""Each rule of the registry: a small file where it fires, and a closely related
one where it must stay quiet.

A firing case names the exact text the diagnostic underlines and the
table/column it is attributed to, because editors and `--format json` show
both.  When the diagnostic offers a fix, the fix is applied and the file
analysed again: a quick fix that does not remove its own diagnostic is a bug.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from textwrap import dedent

import pytest

from schema_lang.analysis import analyze
from schema_lang.core.document import Options
from schema_lang.rules import RULES


def src(text: str) -> str:
    return dedent(text).lstrip("\n")


def run(text: str, dialect: str | None = None):
    return analyze(text, Options(dialect=dialect)).diagnostics


def apply_fix(text: str, fix) -> str:
    # edits of one fix never overlap; apply from the end so offsets stay valid
    for edit in sorted(fix.edits, key=lambda e: e.start, reverse=True):
        text = text[:edit.start] + edit.new_text + text[edit.end:]
    return text


def preferred_fix(d):
    """The fix an editor applies on "fix all": the preferred one, else the first."""
    return next((f for f in d.fixes if f.preferred), d.fixes[0])


@dataclass
class Fires:
    id: str
    rule: str
    text: str
    underline: str
    table: str | None = None
    column: str | None = None
    dialect: str | None = None
    message: str | None = None  # a fragment the message must contain
    fix_to: str | None = None  # the preferred fix's replacement text, when one is expected


@dataclass
class Quiet:
    id: str
    rule: str
    text: str
    dialect: str | None = None


# ---------------------------------------------------------------------------
# shared texts

TARGETS = src("""
    schema: s
    tables:
      a:
        columns:
          id: bigint pk identity
          code: int
          code2: int unique
          x: int
          y: int
          p: int
          q: int
        unique:
          - [x, y]
        indexes:
          - {columns: [p], unique: true, where: p > 0}
          - {columns: [q], unique: true}
      b:
        columns:
          id: bigint pk
          ref: {refcol}
    """)


def fk_to(refcol: str) -> str:
    return TARGETS.replace("{refcol}", refcol)


COMPOSITE_FK = src("""
    schema: s
    tables:
      a:
        columns:
          id: bigint pk
          x: int
          y: int
        unique:
          - [x, y]
      b:
        columns:
          id: bigint pk
          ax: int
          ay: int
        foreign_keys:
          - columns: [ax, ay]
            references: a(y, x)
    """)

NO_PK_TARGET = src("""
    schema: s
    tables:
      a:
        columns:
          code: int
      b:
        columns:
          id: bigint pk
          a_code: int references a
    """)

MISMATCH = src("""
    schema: s
    tables:
      a:
        columns:
          id: bigint pk identity
          small: int unique
      b:
        columns:
          id: bigint pk
          a_id: {local} references a
    """)

UNKNOWN_COLUMNS = src("""
    schema: s
    tables:
      p:
        columns:
          id: bigint pk
          code: int unique
      t:
        primary_key: [id, idd]
        unique:
          - [name, nme]
          - name, nam
        columns:
          id: bigint
          name: text
          p_id: bigint
        indexes:
          - nmae
          - (name, naem desc)
          - {columns: [name, lower(name)], include: [incl]}
        dependencies:
          - id -> nme3
        foreign_keys:
          - columns: [p_idd]
            references: p(id)
          - columns: [p_id]
            references: p(codee)
        partition_by: range(idx)
      u:
        columns:
          id: bigint pk
          p_code: int references p(cod)
    """)

KNOWN_COLUMNS = src("""
    schema: s
    tables:
      p:
        columns:
          id: bigint pk
          code: int unique
      t:
        primary_key: [id, name]
        unique:
          - [name, p_id]
          - name, id
        columns:
          id: bigint
          name: text
          p_id: bigint
        indexes:
          - name
          - (name, p_id desc)
          - {columns: [name, lower(name)], include: [p_id]}
        dependencies:
          - id -> name
        foreign_keys:
          - columns: [p_id]
            references: p(id)
        partition_by: range(id)
      u:
        columns:
          id: bigint pk
          p_code: int references p(code)
    """)

ENUMS = src("""
    schema: s
    enums:
      st: [pending, paid]
    tables:
      t:
        columns:
          id: bigint pk
          s: st not null default {default}
          inline: enum(a, b) default {inline}
    """)


def too_long(name: str, dialect: str) -> str:
    return src(f"""
        schema: s
        dialect: {dialect}
        tables:
          t:
            columns:
              id: bigint pk
              {name}: int
        """)


RESERVED = src("""
    schema: s
    dialect: {dialect}
    tables:
      {table}:
        columns:
          id: bigint pk
          {column}: int
    """)


def reserved(dialect: str, table: str = "orders", column: str = "amount") -> str:
    return RESERVED.format(dialect=dialect, table=table, column=column)


MAPPED = src("""
    schema: s
    dialect: {dialect}
    tables:
      t:
        columns:
          id: bigint pk
          at: {type} not null
    """)


def mapped(dialect: str, type_: str = "timestamptz") -> str:
    return MAPPED.format(dialect=dialect, type=type_)


# two tables whose made-up index names are the same: idx_ + cart + _item_sku, idx_ + cart_item + _sku
SAME_INDEX_NAME = src("""
    schema: s
    tables:
      cart:
        columns:
          id: bigint pk
          item_sku: text
        indexes:
          - item_sku
      cart_item:
        columns:
          id: bigint pk
          sku: text
        indexes:
          - sku
""")
LONG_NAME = "ix_" + "a" * 70  # PostgreSQL keeps its first 63 bytes only


def one_table(columns: str, extra: str = "", top: str = "") -> str:
    """A file with one table `t`; `columns` and `extra` are lines at the table's indent + 2."""
    body = "".join(f"      {line}\n" for line in dedent(columns).strip("\n").splitlines())
    more = "".join(f"    {line}\n" for line in dedent(extra).strip("\n").splitlines()) if extra else ""
    return f"schema: s\n{top}tables:\n  t:\n    columns:\n{body}{more}"


# ---------------------------------------------------------------------------
# where each rule fires

NORMALIZATION = src("""
    schema: n
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
          user_id: bigint references users
          customer_email: varchar(255)
          zip: varchar(10)
          city: text
          phone1: text
          phone2: text
          phone3: text
          tag_ids: text
        dependencies:
          - zip -> city
      order_items:
        primary_key: [order_id, product_id]
        columns:
          order_id: bigint references orders
          product_id: bigint references products
          product_name: text
          quantity: int
        dependencies:
          - product_id -> product_name
      addresses:
        primary_key: [street, city]
        columns:
          street: text
          city: text
          zip: text not null
          id_numbers: int[]
        dependencies:
          - street, city -> zip
          - zip -> city
      wide:
        columns:
""") + "".join(f"      a{i}: int\n      b{i}: int\n" for i in range(10)) + "    dependencies:\n" + "".join(
    f"      - a{i} -> b{i}\n      - b{i} -> a{i}\n" for i in range(10))  # 2**10 candidate keys

NORMALIZED = src("""
    schema: n
    tables:
      users:
        columns:
          id: bigint pk
          email: varchar(255) not null unique
          address_line1: text
          address_line2: text
      orders:
        columns:
          id: bigint pk
          user_id: bigint references users
          zip: varchar(10)
          tags_count: int
          customer_email:
            type: varchar(255)
            denormalized: shown on invoices exactly as it was when ordering
      addresses:
        primary_key: [street, city]
        columns:
          street: text
          city: text
          zip: text not null
        denormalized:
          zip: postal codes are not normalized on purpose
        dependencies:
          - street, city -> zip
""")


FIRES = [
    # -- syntax
    Fires("yaml-mapping-in-plain-value", "syntax/yaml",
          one_table("id: bigint pk\nx: int: bad"), ":"),  # the wording is the YAML library's
    Fires("yaml-tag", "syntax/yaml", "schema: !!str s\n", "!!str s", message="tags"),
    Fires("duplicate-column", "syntax/duplicate-key",
          one_table("id: bigint pk\nx: int\nx: bigint"), "x", None, None,
          # the first `x` is on line 6 of the file (line 4 of the table's own text)
          message="(first on line 6)"),
    Fires("duplicate-table", "syntax/duplicate-key", src("""
              schema: s
              tables:
                t:
                  columns:
                    id: bigint pk
                u:
                  columns:
                    id: bigint pk
                t:
                  columns:
                    id: int pk
              """), "t", None, message="(first on line 3)"),
    # -- schema
    Fires("unknown-table-key", "schema/unknown-key", src("""
              schema: s
              tables:
                t:
                  colums:
                    id: bigint pk
              """), "colums", "t", message="did you mean 'columns'?", fix_to="columns"),
    Fires("unknown-top-key", "schema/unknown-key", "schema: s\ndescripton: x\n", "descripton",
          message="did you mean 'description'?", fix_to="description"),
    Fires("unknown-column-key", "schema/unknown-key",
          one_table("id: bigint pk\nx: {type: int, nulable: false}"), "nulable", "t", "x",
          fix_to="nullable"),
    Fires("was-itself", "schema/was-unchanged", one_table("id: bigint pk\nx: int was x"), "x", "t", "x",
          message="names the column itself"),
    Fires("was-still-exists", "schema/was-unchanged", one_table("id: bigint pk\nx: int was id"), "id", "t", "x",
          message="named 'id' still exists"),
    Fires("table-was-itself", "schema/was-unchanged", one_table("id: bigint pk", "was: t"), "t", "t"),
    Fires("was-conflict", "schema/was-conflict",
          one_table('id: bigint pk\nx: int was old\nz: {type: int, was: "old"}'), '"old"', "t", "z",
          message="also claimed by x"),
    Fires("unknown-key-no-suggestion", "schema/unknown-key",
          one_table("id: bigint pk", "zzzzzz: 1"), "zzzzzz", "t", message="allowed here: description"),
    Fires("missing-schema", "schema/missing-key", "dialect: mysql\n", "d",
          message="missing required key 'schema'"),
    Fires("empty-file", "schema/missing-key", "", "", message="an empty file is not a schema"),
    Fires("table-without-columns", "schema/missing-key", src("""
              schema: s
              tables:
                t:
                  description: no columns yet
              """),
          # the table is what lacks the key: underline its name, as for an empty table
          "t", "t", message="missing required key 'columns'"),
    Fires("empty-table", "schema/missing-key", "schema: s\ntables:\n  t:\n", "t", "t",
          message="needs columns"),
    Fires("long-column-without-type", "schema/missing-key",
          one_table("id: bigint pk\nx:\n  nullable: false"), "x", "t", "x", message="'type'"),
    Fires("bad-dialect", "schema/invalid-value", "schema: s\ndialect: oracle\n", "oracle",
          message="'postgresql', 'mysql' or 'sqlite'"),
    Fires("bad-rows", "schema/invalid-value", one_table("id: bigint pk", "rows: lots"), "lots", "t",
          message="not a volume"),
    Fires("varchar-0", "schema/invalid-value", one_table("id: bigint pk\nx: varchar(0)"), "varchar(0)", "t", "x"),
    Fires("decimal-scale", "schema/invalid-value", one_table("id: bigint pk\nx: decimal(5,7)"),
          "decimal(5,7)", "t", "x"),
    Fires("int-params", "schema/invalid-value", one_table("id: bigint pk\nx: int(11)"), "int(11)", "t", "x"),
    Fires("null-and-not-null", "schema/invalid-value", one_table("id: bigint pk\nx: int not null null"),
          "null", "t", "x", message="contradicts"),
    Fires("pk-null", "schema/invalid-value", one_table("id: bigint pk null"), "null", "t", "id"),
    Fires("bad-boolean", "schema/invalid-value", one_table("id: bigint pk\nx: {type: int, unique: maybe}"),
          "maybe", "t", "x", message="expected true or false"),
    Fires("modifier-twice", "schema/invalid-value", one_table("id: bigint pk identity identity"),
          "identity", "t", "id", message="given twice"),
    Fires("identity-on-text", "schema/invalid-value", one_table("id: bigint pk\nx: text identity"),
          "identity", "t", "x", message="integer"),
    Fires("bad-partition", "schema/invalid-value", one_table("id: bigint pk", "partition_by: banana(id)"),
          "banana(id)", "t"),
    Fires("bad-dependency", "schema/invalid-value", one_table("id: bigint pk", "dependencies:\n  - a b c"),
          "a b c", "t"),
    Fires("index-columns-not-list", "schema/invalid-value",
          one_table("id: bigint pk", "indexes:\n  - {columns: id, unique: yes}"), "id", "t",
          message="expected a list"),
    Fires("empty-enum", "schema/invalid-value", "schema: s\nenums:\n  e: []\n", "e", message="no values"),
    Fires("enum-value-twice", "schema/invalid-value", "schema: s\nenums:\n  e: [a, b, a]\n", "a", message="twice"),
    Fires("bad-frequency", "schema/invalid-value",
          "schema: s\nqueries:\n  q:\n    sql: select 1\n    frequency: often\n", "often"),
    Fires("tables-not-mapping", "schema/invalid-value", "schema: s\ntables: [a, b]\n", "[a, b]",
          message="expected a mapping of table names"),
    Fires("fk-count-mismatch", "schema/invalid-value", src("""
              schema: s
              tables:
                a:
                  columns:
                    id: bigint pk
                b:
                  columns:
                    id: bigint pk
                    x: bigint
                    y: bigint
                  foreign_keys:
                    - {columns: [x, y], references: a(id)}
              """), "{columns: [x, y], references: a(id)}", "b", message="counts must match"),
    Fires("unknown-type-suggestion", "schema/unknown-type", one_table("id: bigint pk\nx: serial"), "serial",
          "t", "x", message="write int identity"),
    Fires("unknown-type-typo", "schema/unknown-type", one_table("id: bigint pk\nx: varchr(10) not null"),
          "varchr(10)", "t", "x", message="did you mean 'varchar'?", fix_to="varchar"),
    Fires("unknown-type-enum-typo", "schema/unknown-type",
          one_table("id: bigint pk\nx: statuss", top="enums:\n  status: [a, b]\n"), "statuss", "t", "x",
          fix_to="status"),
    Fires("unknown-rule-in-rules", "schema/unknown-rule",
          one_table("id: bigint pk") + "rules:\n  design/missing-primary-ky: error\n",
          "design/missing-primary-ky", fix_to="design/missing-primary-key"),
    Fires("unknown-rule-in-ignore", "schema/unknown-rule",
          one_table("id: bigint pk\nx: int  # schema-lang: ignore[dialect/type-maped]"),
          "dialect/type-maped", message="in an ignore comment", fix_to="dialect/type-mapped"),
    Fires("unknown-rule-second-id-in-ignore", "schema/unknown-rule",
          one_table("id: bigint pk\nx: int  # schema-lang: ignore[dialect/type-mapped, nonsense/rule]"),
          "nonsense/rule"),
    # -- reference
    Fires("unknown-table", "reference/unknown-table",
          src("""
              schema: s
              tables:
                users:
                  columns:
                    id: bigint pk
                t:
                  columns:
                    id: bigint pk
                    u: bigint references userz
              """), "userz", "t", "u", fix_to="users"),
    Fires("unknown-table-long-form", "reference/unknown-table",
          src("""
              schema: s
              tables:
                users:
                  columns:
                    id: bigint pk
                t:
                  columns:
                    id: bigint pk
                    u:
                      type: bigint
                      references: {table: usr}
              """), "usr", "t", "u", fix_to="users"),
    Fires("unknown-table-foreign-keys", "reference/unknown-table",
          one_table("id: bigint pk", "foreign_keys:\n  - {columns: [id], references: zzzz(id)}"), "zzzz", "t"),
    Fires("unknown-column-primary-key", "reference/unknown-column", UNKNOWN_COLUMNS, "idd", "t",
          message="primary_key", fix_to="id"),
    Fires("unknown-column-unique-list", "reference/unknown-column", UNKNOWN_COLUMNS, "nme", "t",
          message="unique constraint", fix_to="name"),
    Fires("unknown-column-unique-string", "reference/unknown-column", UNKNOWN_COLUMNS, "nam", "t",
          fix_to="name"),
    Fires("unknown-column-index", "reference/unknown-column", UNKNOWN_COLUMNS, "nmae", "t",
          message="an index names", fix_to="name"),
    Fires("unknown-column-index-desc", "reference/unknown-column", UNKNOWN_COLUMNS, "naem", "t",
          fix_to="name"),
    Fires("unknown-column-include", "reference/unknown-column", UNKNOWN_COLUMNS, "incl", "t",
          message="include"),
    Fires("unknown-column-dependency", "reference/unknown-column", UNKNOWN_COLUMNS, "nme3", "t",
          message="dependency", fix_to="name"),
    Fires("unknown-column-foreign-key-local", "reference/unknown-column", UNKNOWN_COLUMNS, "p_idd", "t",
          message="a foreign key", fix_to="p_id"),
    # The two below name a column of the *referenced* table.  The diagnostic
    # sits in (and is attributed to) the referencing table and column, like
    # every other diagnostic; (p, p_code) would name a column p does not have.
    Fires("unknown-column-foreign-key-target", "reference/unknown-column", UNKNOWN_COLUMNS, "codee", "t",
          message="table 'p' does not have", fix_to="code"),
    Fires("unknown-column-references", "reference/unknown-column", UNKNOWN_COLUMNS, "cod", "u", "p_code",
          message="table 'p' does not have", fix_to="code"),
    Fires("unknown-column-partition", "reference/unknown-column", UNKNOWN_COLUMNS, "idx", "t",
          message="partition_by", fix_to="id"),
    Fires("unknown-enum-value", "reference/unknown-enum-value", ENUMS.format(default="'pendng'", inline="'a'"),
          "'pendng'", "t", "s", message="did you mean 'pending'?", fix_to="'pending'"),
    Fires("unknown-inline-enum-value", "reference/unknown-enum-value",
          ENUMS.format(default="'paid'", inline="'c'"), "'c'", "t", "inline", message="a, b"),
    Fires("type-mismatch-int-bigint", "reference/type-mismatch", MISMATCH.format(local="int"), "int", "b", "a_id",
          message="b.a_id is int but references a.id, which is bigint", fix_to="bigint"),
    Fires("type-mismatch-to-unique", "reference/type-mismatch",
          MISMATCH.replace("references a", "references a(small)").format(local="bigint"), "bigint", "b", "a_id",
          fix_to="int"),
    Fires("type-mismatch-decimal", "reference/type-mismatch", src("""
              schema: s
              tables:
                a:
                  columns:
                    amount: decimal(10,2) pk
                b:
                  columns:
                    id: bigint pk
                    amount: decimal(12,2) references a
              """), "decimal(12,2)", "b", "amount", fix_to="decimal(10,2)"),
    Fires("target-not-unique", "reference/target-not-unique", fk_to("int references a(code)"),
          "references a(code)", "b", "ref"),
    Fires("target-partial-unique-index", "reference/target-not-unique", fk_to("int references a(p)"),
          "references a(p)", "b", "ref"),
    Fires("target-without-pk", "reference/target-not-unique", NO_PK_TARGET, "a", "b", "a_code",
          message="has no primary key"),
    Fires("target-composite-not-unique", "reference/target-not-unique",
          COMPOSITE_FK.replace("references: a(y, x)", "references: a(y, id)"),
          # a block mapping ends where the next line starts, so the span keeps its newline
          "columns: [ax, ay]\n        references: a(y, id)\n", "b"),
    # -- design
    Fires("missing-pk", "design/missing-primary-key", one_table("x: int"), "t", "t"),
    Fires("reserved-table-pg", "design/reserved-word", reserved("postgresql", table="order"), "order", "order",
          message='"order"'),
    Fires("reserved-column-pg", "design/reserved-word", reserved("postgresql", column="user"), "user", "orders",
          "user"),
    Fires("reserved-table-mysql", "design/reserved-word", reserved("mysql", table="order"), "order", "order",
          message="`order`"),
    Fires("reserved-case-insensitive", "design/reserved-word", reserved("postgresql", column="Select"), "Select",
          "orders", "Select"),
    Fires("reserved-sqlite", "design/reserved-word", reserved("sqlite", column="transaction"), "transaction",
          "orders", "transaction"),
    Fires("reserved-index-name", "design/reserved-word",
          one_table("id: bigint pk", "indexes:\n  - {columns: [id], name: select}"),
          "{columns: [id], name: select}", "t"),
    Fires("too-long-pg", "design/identifier-too-long", too_long("a" * 64, "postgresql"), "a" * 64, "t", "a" * 64,
          message="64 bytes"),
    Fires("too-long-pg-bytes", "design/identifier-too-long", too_long("é" * 32, "postgresql"), "é" * 32, "t",
          "é" * 32, message="64 bytes long; PostgreSQL allows 63"),
    Fires("too-long-mysql-chars", "design/identifier-too-long", too_long("é" * 65, "mysql"), "é" * 65, "t",
          "é" * 65, message="65 characters"),
    Fires("too-long-table", "design/identifier-too-long",
          "schema: s\ntables:\n  " + "t" * 70 + ":\n    columns:\n      id: bigint pk\n", "t" * 70, "t" * 70),
    Fires("same-generated-index-name", "design/duplicate-name", SAME_INDEX_NAME, "sku", "cart_item",
          message="idx_cart_item_sku"),
    Fires("same-after-truncation", "design/duplicate-name",
          one_table("id: bigint pk\nx: int\ny: int", f"indexes:\n  - {{columns: [x], name: {LONG_NAME}_1}}\n"
                                                     f"  - {{columns: [y], name: {LONG_NAME}_2}}"),
          f"{{columns: [y], name: {LONG_NAME}_2}}", "t", message="63 bytes"),
    Fires("enum-named-like-a-table", "design/duplicate-name",
          one_table("id: bigint pk", top="enums:\n  t: [a, b]\n"), "t", "t"),
    Fires("sqlite-ignores-case", "design/duplicate-name",
          "schema: s\ndialect: sqlite\ntables:\n  Users:\n    columns:\n      id: int pk\n"
          "  users:\n    columns:\n      id: int pk\n", "users", "users"),
    # -- dialect
    Fires("timestamptz-mysql", "dialect/type-mapped", mapped("mysql"), "timestamptz", "t", "at",
          message="keep values in UTC"),
    Fires("timestamptz-mysql-override", "dialect/type-mapped", mapped("postgresql"), "timestamptz", "t", "at",
          dialect="mysql"),
    # with arrays stored as JSON by choice, an array on MySQL is a mapped type
    Fires("array-mysql", "dialect/type-mapped", mapped("mysql", "text[]") + "options: {arrays_as_json: true}\n",
          "text[]", "t", "at"),
    Fires("decimal-sqlite", "dialect/type-mapped", mapped("sqlite", "decimal(10,2)"), "decimal(10,2)", "t", "at"),
    # -- normalization
    Fires("repeating-group", "normalization/repeating-group", NORMALIZATION, "phone1", "orders", "phone1",
          message="phone1, phone2, phone3"),
    Fires("multivalued-text", "normalization/multivalued-column", NORMALIZATION, "tag_ids", "orders", "tag_ids"),
    Fires("multivalued-array", "normalization/multivalued-column", NORMALIZATION, "int[]", "addresses", "id_numbers"),
    Fires("duplicated-attribute", "normalization/duplicated-attribute", NORMALIZATION, "customer_email", "orders",
          "customer_email", message="copies users.email"),
    Fires("partial-dependency", "normalization/partial-dependency", NORMALIZATION, "product_id -> product_name",
          "order_items", "product_name",
          message="order_items.product_name depends on product_id, only part of the key (order_id, product_id): 2NF"),
    Fires("transitive-dependency", "normalization/transitive-dependency", NORMALIZATION, "zip -> city",
          "orders", "city", message="orders.city depends on zip, which is not a key"),
    Fires("bcnf-violation", "normalization/bcnf-violation", NORMALIZATION, "zip -> city", "addresses", "city",
          message="but is not a key (keys: (city, street) or (street, zip)): BCNF"),
    Fires("key-search-bounded", "normalization/key-search-bounded", NORMALIZATION, "wide", "wide"),
    # -- indexes
    Fires("fk-missing-index", "index/fk-missing-index",
          src("""
              schema: s
              tables:
                p:
                  columns:
                    id: bigint pk
                c:
                  columns:
                    id: bigint pk
                    p_id: bigint references p
              """), "references p", "c", "p_id", message="add index p_id"),
    Fires("query-missing-index", "index/query-missing-index",
          one_table("id: bigint pk\nx: int", top="", extra="") + "queries:\n  q: SELECT id FROM t WHERE x = ?\n",
          "SELECT id FROM t WHERE x = ?", "t", message="add index x to t"),
    Fires("redundant-index", "index/redundant-index", one_table("id: bigint pk\nx: int\ny: int",
          "indexes:\n  - x\n  - (x, y)"), "x", "t", message="leading part of index (x, y)"),
    Fires("duplicate-index", "index/duplicate-index", one_table("id: bigint pk\nx: int",
          "indexes:\n  - x\n  - {columns: [x]}"), "{columns: [x]}", "t"),
    Fires("write-heavy-table", "index/write-heavy-table", one_table("id: bigint pk\nx: int\ny: int",
          "indexes:\n  - x\n  - y", top='context: {read_write_ratio: "1:9", write_heavy_index_limit: 1}\n'),
          "t", "t", message="2 secondary indexes"),
    Fires("query-syntax", "query/syntax", one_table("id: bigint pk") + "queries:\n  q: SELECT id FROM t WHERE\n",
          "WHERE"),
    Fires("partition-key-not-in-unique", "design/partition-key-not-in-unique",
          one_table("id: bigint pk\nat: timestamptz not null", "partition_by: range(at)"), "pk", "t",
          message="lacks the partition column at"),
    Fires("unsupported-array", "dialect/unsupported-type", one_table("id: bigint pk\ntags: text[]"), "text[]",
          "t", "tags", dialect="mysql", message="arrays_as_json"),
]

QUIET = [
    Quiet("valid-yaml", "syntax/yaml", one_table("id: bigint pk\nx: 'int'")),
    Quiet("no-duplicates", "syntax/duplicate-key", one_table("id: bigint pk\nx: int\ny: bigint")),
    # a key set by the mapping itself wins over a merged one: not a duplicate
    Quiet("merge-override", "syntax/duplicate-key",
          one_table("id: bigint pk\nx: &m {type: int, nullable: false}\ny: {<<: *m, nullable: true}")),
    Quiet("known-keys", "schema/unknown-key",
          one_table("id: bigint pk\nx: {type: int, nullable: false}", "description: d\nrows: 2M")),
    Quiet("keys-present", "schema/missing-key", one_table("id: bigint pk\nx:\n  type: int")),
    Quiet("valid-values", "schema/invalid-value",
          one_table("id: bigint pk identity\nx: varchar(1)\ny: decimal(5,5) null\nz: {type: int}",
                    "rows: 1.5M\npartition_by: hash(id)\nunique: [[z, id]]\ndependencies:\n  - id -> x, y"),
          dialect=None),
    Quiet("known-types", "schema/unknown-type",
          one_table("id: bigint pk\na: Varchar(10)\nb: integer\nc: double precision\nd: status[]\ne: enum(a, b)",
                    top="enums:\n  status: [a, b]\n")),
    Quiet("known-rules", "schema/unknown-rule",
          one_table("id: bigint pk\nx: int  # schema-lang: ignore[dialect/type-mapped]")
          + "rules:\n  design/missing-primary-key: error\n"),
    Quiet("known-table", "reference/unknown-table", src("""
              schema: s
              tables:
                users:
                  columns:
                    id: bigint pk
                "order":
                  columns:
                    id: bigint pk
                t:
                  columns:
                    id: bigint pk
                    u: bigint references users
                    o: bigint references "order"
              """)),
    # sqlite: no declarative partitioning there, so the partition key needs no place in the uniques
    Quiet("known-columns", "reference/unknown-column", KNOWN_COLUMNS, dialect="sqlite"),
    Quiet("enum-value-ok", "reference/unknown-enum-value", ENUMS.format(default="'pending'", inline="'b'")),
    # a default that is not a quoted string is not checked against the values
    Quiet("enum-default-expression", "reference/unknown-enum-value", ENUMS.format(default="upper('x')",
                                                                                  inline="'a'")),
    Quiet("same-type", "reference/type-mismatch", MISMATCH.format(local="bigint")),  # the target's identity is ignored
    Quiet("alias-same-type", "reference/type-mismatch", MISMATCH.format(local="int8")),
    Quiet("to-unique-column", "reference/target-not-unique", fk_to("int references a(code2)")),
    Quiet("to-unique-index", "reference/target-not-unique", fk_to("int references a(q)")),
    Quiet("to-pk", "reference/target-not-unique", fk_to("bigint references a(id)")),
    Quiet("to-composite-unique", "reference/target-not-unique", COMPOSITE_FK),
    Quiet("has-pk", "design/missing-primary-key", one_table("x: int pk")),
    Quiet("has-table-pk", "design/missing-primary-key", one_table("x: int\ny: int", "primary_key: x, y")),
    Quiet("plural-pg", "design/reserved-word", reserved("postgresql", table="orders", column="users")),
    Quiet("user-mysql", "design/reserved-word", reserved("mysql", column="user")),
    Quiet("user-sqlite", "design/reserved-word", reserved("sqlite", table="user", column="rank")),
    Quiet("63-bytes-pg", "design/identifier-too-long", too_long("a" * 63, "postgresql")),
    Quiet("multibyte-mysql", "design/identifier-too-long", too_long("é" * 32, "mysql")),
    Quiet("64-chars-mysql", "design/identifier-too-long", too_long("é" * 64, "mysql")),
    Quiet("sqlite-no-limit", "design/identifier-too-long", too_long("a" * 300, "sqlite")),
    Quiet("long-generated-names-stay-apart", "design/duplicate-name",
          one_table(f"id: bigint pk\n{'я' * 30}_a: int\n{'я' * 30}_b: int",
                    f"indexes:\n  - {'я' * 30}_a\n  - {'я' * 30}_b")),
    Quiet("index-names-are-per-table-in-mysql", "design/duplicate-name",
          SAME_INDEX_NAME.replace("schema: s\n", "schema: s\ndialect: mysql\n")),
    Quiet("case-matters-in-postgresql", "design/duplicate-name",
          one_table("id: bigint pk\nx: int", "indexes:\n  - {columns: [x], name: ix}\n"
                                               "  - {columns: [id, x], name: Ix}")),
    Quiet("timestamptz-pg", "dialect/type-mapped", mapped("postgresql")),
    Quiet("timestamp-mysql", "dialect/type-mapped", mapped("mysql", "timestamp")),
    Quiet("timestamptz-override-pg", "dialect/type-mapped", mapped("mysql"), dialect="postgresql"),
    # -- normalization
    Quiet("two-address-lines", "normalization/repeating-group", NORMALIZED),
    Quiet("count-is-not-a-list", "normalization/multivalued-column", NORMALIZED),
    Quiet("copy-kept-on-purpose", "normalization/duplicated-attribute", NORMALIZED),
    Quiet("whole-key", "normalization/partial-dependency", NORMALIZED),
    Quiet("no-transitive", "normalization/transitive-dependency", NORMALIZED),
    Quiet("bcnf-kept-on-purpose", "normalization/bcnf-violation", NORMALIZED),
    Quiet("small-key-search", "normalization/key-search-bounded", NORMALIZED),
    Quiet("shop-example", "normalization/partial-dependency",
          (Path(__file__).resolve().parents[2] / "examples" / "shop.schema.yaml").read_text()),
    # -- indexes
    Quiet("fk-indexed", "index/fk-missing-index", one_table("id: bigint pk\np: bigint references t",
          "indexes:\n  - p")),
    Quiet("query-indexed", "index/query-missing-index",
          one_table("id: bigint pk\nx: int", "indexes:\n  - x") + "queries:\n  q: SELECT id FROM t WHERE x = ?\n"),
    Quiet("different-leading", "index/redundant-index", one_table("id: bigint pk\nx: int\ny: int",
          "indexes:\n  - y\n  - (x, y)")),
    Quiet("different-order", "index/duplicate-index", one_table("id: bigint pk\nx: int\ny: int",
          "indexes:\n  - (x, y)\n  - (y, x)")),
    Quiet("read-heavy", "index/write-heavy-table", one_table("id: bigint pk\nx: int\ny: int",
          "indexes:\n  - x\n  - y", top='context: {read_write_ratio: "9:1", write_heavy_index_limit: 1}\n')),
    Quiet("valid-sql", "query/syntax", one_table("id: bigint pk") + "queries:\n  q: SELECT id FROM t\n"),
    Quiet("partition-key-in-key", "design/partition-key-not-in-unique",
          one_table("id: bigint\nat: timestamptz not null", "primary_key: [id, at]\npartition_by: range(at)")),
    Quiet("no-partitioning-in-sqlite", "design/partition-key-not-in-unique",
          one_table("id: bigint pk\nat: timestamptz not null", "partition_by: range(at)"), dialect="sqlite"),
    Quiet("was-renamed", "schema/was-unchanged", one_table("id: bigint pk\nx: int was old")),
    Quiet("was-once", "schema/was-conflict", one_table("id: bigint pk\nx: int was old\nz: int was older")),
    Quiet("arrays-as-json", "dialect/unsupported-type",
          one_table("id: bigint pk\ntags: text[]") + "options: {arrays_as_json: true}\n", dialect="sqlite"),
]


def test_every_rule_is_covered():
    # a rule added to the registry without tests should fail here, not go unnoticed
    # migration/* rules compare two versions (tests/unit/test_migrate.py), include rules need files
    # on disk (tests/unit/test_includes.py)
    rules = {r for r in RULES if not r.startswith(("migration/", "schema/include-"))} - {"internal/error"}
    assert rules - {c.rule for c in FIRES} == set()
    assert rules - {c.rule for c in QUIET} == set()


def _find(case: Fires):
    diagnostics = run(case.text, case.dialect)
    matches = [d for d in diagnostics if d.rule == case.rule and case.text[d.start:d.end] == case.underline]
    assert len(matches) == 1, (f"expected one {case.rule} underlining {case.underline!r}, got: "
                               + repr([(d.rule, case.text[d.start:d.end], d.message) for d in diagnostics]))
    return matches[0]


@pytest.mark.parametrize("case", FIRES, ids=lambda c: c.id)
def test_fires(case: Fires):
    d = _find(case)
    assert (d.table, d.column) == (case.table, case.column)
    assert d.severity == RULES[case.rule].severity  # no `rules:` in these files: the default level
    if case.message:
        assert case.message in d.message
    # every offered fix is exercised by test_fix_removes_the_diagnostic
    assert bool(d.fixes) == (case.fix_to is not None), [f.title for f in d.fixes]
    if case.fix_to is not None:
        assert [e.new_text for e in preferred_fix(d).edits] == [case.fix_to]


@pytest.mark.parametrize("case", [c for c in FIRES if c.fix_to is not None], ids=lambda c: c.id)
def test_fix_removes_the_diagnostic(case: Fires):
    d = _find(case)
    fixed = apply_fix(case.text, preferred_fix(d))
    after = run(fixed, case.dialect)
    # the edit starts where the diagnostic did, so "the same diagnostic" keeps its start
    assert not [x for x in after if x.rule == case.rule and x.start == d.start]
    assert len([x for x in after if x.rule == case.rule]) == \
        len([x for x in run(case.text, case.dialect) if x.rule == case.rule]) - 1
    assert not [x for x in after if x.rule.startswith("syntax/")]  # the fix keeps the file readable


@pytest.mark.parametrize("case", QUIET, ids=lambda c: c.id)
def test_quiet(case: Quiet):
    diagnostics = run(case.text, case.dialect)
    assert [(d.rule, case.text[d.start:d.end], d.message) for d in diagnostics if d.rule == case.rule] == []


def test_quiet_files_are_clean():
    # most quiet cases are valid files: any error in them would mean the case does not test what it says
    for case in QUIET:
        errors = [(d.rule, d.message) for d in run(case.text, case.dialect) if d.severity.value == "error"]
        assert errors == [], case.id


def test_fires_for_each_id_of_several_unknown_rules():
    text = one_table("id: bigint pk") + "rules:\n  nope/one: off\n  nope/two: error\n"
    found = [text[d.start:d.end] for d in run(text) if d.rule == "schema/unknown-rule"]
    assert found == ["nope/one", "nope/two"]


def test_unknown_rule_in_rules_has_no_effect():
    # an unknown id is reported and otherwise ignored; the known one next to it still applies
    text = one_table("x: int") + "rules:\n  nope/one: off\n  design/missing-primary-key: error\n"
    levels = {d.rule: d.severity.value for d in run(text)}
    assert levels["design/missing-primary-key"] == "error"


def test_reserved_word_follows_the_dialect_option():
    # the editor/CLI dialect overrides the file's own dialect: 'user' is reserved in PostgreSQL only
    text = reserved("mysql", column="user")
    assert [d.rule for d in run(text, "postgresql") if d.rule == "design/reserved-word"] == ["design/reserved-word"]
    assert [d for d in run(text, "mysql") if d.rule == "design/reserved-word"] == []


def test_type_mismatch_is_checked_for_each_column_of_a_composite_key():
    text = COMPOSITE_FK.replace("ay: int", "ay: bigint")
    found = [(text[d.start:d.end], d.column) for d in run(text) if d.rule == "reference/type-mismatch"]
    # ay -> x (the list is y, x): bigint vs int
    assert found == [("bigint", "ay")]
