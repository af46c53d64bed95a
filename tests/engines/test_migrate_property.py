"""Property: for random pairs of schemas (a random v1 and a random edit of it), the up
script turns v1's catalog into a fresh v2's, and the down script brings v1's back."""
from __future__ import annotations

import copy

import pytest
from catalogs import PostgresDB, SqliteDB
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schema_lang.analysis import analyze
from schema_lang.dialects import get_dialect
from schema_lang.generate.ddl import generate
from schema_lang.generate.migrate import plan

# types that convert into each other with a cast on PostgreSQL (the tables are empty)
FAMILIES = [["smallint", "int", "bigint", "decimal(10,2)", "decimal(12,4)"],
            ["varchar(20)", "varchar(50)", "text"], ["boolean"], ["date", "timestamptz"]]
TYPES = [t for family in FAMILIES for t in family]
DEFAULTS = {"smallint": "1", "int": "0", "bigint": "7", "decimal(10,2)": "1.5", "decimal(12,4)": "2.25",
            "varchar(20)": "'x'", "varchar(50)": "'y'", "text": "'z'", "boolean": "true", "date": "'2020-01-01'",
            "timestamptz": "now()"}


def family(t: str) -> list[str]:
    return next(f for f in FAMILIES if t in f)


@st.composite
def columns(draw, prefix: str):
    out = {}
    for i in range(draw(st.integers(1, 4))):
        t = draw(st.sampled_from(TYPES))
        out[f"{prefix}{i}"] = {
            "type": t, "null": draw(st.booleans()), "default": draw(st.booleans()),
            "unique": t not in ("boolean", "timestamptz") and draw(st.booleans()),
            "check": t in FAMILIES[0] and draw(st.booleans()), "ref": None, "was": None}
    return out


@st.composite
def schemas(draw):
    tables = {}
    for i in range(draw(st.integers(1, 3))):
        cols = draw(columns(f"c{i}_"))
        if tables and draw(st.booleans()):
            parent = draw(st.sampled_from(sorted(tables)))
            cols[f"{parent}_id"] = {"type": "bigint", "null": draw(st.booleans()), "default": False,
                                    "unique": False, "check": False, "ref": parent, "was": None}
        indexed = draw(st.lists(st.sampled_from(sorted(cols)), max_size=2, unique=True))
        tables[f"t{i}"] = {"columns": cols, "indexes": indexed, "was": None}
    return tables


def render(tables: dict) -> str:
    lines = ["schema: prop", "tables:"]
    for name, table in tables.items():
        lines.append(f"  {name}:")
        if table["was"]:
            lines.append(f"    was: {table['was']}")
        lines.append("    columns:")
        lines.append("      id: bigint pk identity")
        for cname, c in table["columns"].items():
            parts = [c["type"]]
            if not c["null"]:
                parts.append("not null")
            if c["unique"]:
                parts.append("unique")
            if c["default"]:
                parts.append(f"default {DEFAULTS[c['type']]}")
            if c["check"]:
                parts.append(f"check ({cname} >= 0)")
            if c["ref"]:
                parts.append(f"references {c['ref']}")
            if c["was"]:
                parts.append(f"was {c['was']}")
            lines.append(f"      {cname}: {' '.join(parts)}")
        if table["indexes"]:
            lines.append("    indexes:")
            lines.extend(f"      - {c}" for c in table["indexes"])
    return "\n".join(lines) + "\n"


@st.composite
def edits(draw, v1: dict):
    """v2: a few random edits of v1 (renames marked with `was`)."""
    v2 = copy.deepcopy(v1)
    for t in v2.values():
        for c in t["columns"].values():
            c["was"] = None
    for counter in range(1, draw(st.integers(1, 4)) + 1):
        name = draw(st.sampled_from(sorted(v2)))
        table = v2[name]
        cols = table["columns"]
        op = draw(st.sampled_from(["add", "drop", "rename", "retype", "null", "default", "unique", "index",
                                   "rename_table", "add_table", "drop_table", "check"]))
        plain = [c for c in cols if not cols[c]["ref"]]
        if op == "add":
            cols[f"n{counter}"] = draw(columns(f"n{counter}_")).popitem()[1]
        elif op == "drop" and len(cols) > 1:
            victim = draw(st.sampled_from(sorted(cols)))
            del cols[victim]
            table["indexes"] = [c for c in table["indexes"] if c != victim]
        elif op == "rename" and plain:
            old = draw(st.sampled_from(plain))
            new = f"r{counter}_{old}"
            cols[new] = dict(cols.pop(old), was=old)
            table["indexes"] = [new if c == old else c for c in table["indexes"]]
        elif op == "retype" and plain:
            c = cols[draw(st.sampled_from(plain))]
            c["type"] = draw(st.sampled_from(family(c["type"])))
            c["check"] = c["check"] and c["type"] in FAMILIES[0]
        elif op == "null" and cols:
            c = cols[draw(st.sampled_from(sorted(cols)))]
            c["null"] = not c["null"]
        elif op == "default" and plain:
            c = cols[draw(st.sampled_from(plain))]
            c["default"] = not c["default"]
        elif op == "unique" and plain:
            c = cols[draw(st.sampled_from(plain))]
            c["unique"] = not c["unique"] and c["type"] not in ("boolean", "timestamptz")
        elif op == "check" and plain:
            c = cols[draw(st.sampled_from(plain))]
            c["check"] = not c["check"] and c["type"] in FAMILIES[0]
        elif op == "index" and cols:
            c = draw(st.sampled_from(sorted(cols)))
            table["indexes"] = [i for i in table["indexes"] if i != c] if c in table["indexes"] else \
                table["indexes"] + [c]
        elif op == "rename_table":
            new = f"{name}_r{counter}"
            v2 = {(new if k == name else k): v for k, v in v2.items()}
            v2[new]["was"] = name
            for t in v2.values():
                for c in t["columns"].values():
                    if c["ref"] == name:
                        c["ref"] = new
        elif op == "add_table":
            v2[f"a{counter}"] = {"columns": draw(columns(f"a{counter}_")), "indexes": [], "was": None}
        elif op == "drop_table" and len(v2) > 1:
            del v2[name]
            for t in v2.values():
                for cname in [c for c, col in t["columns"].items() if col["ref"] == name]:
                    del t["columns"][cname]
                    t["indexes"] = [i for i in t["indexes"] if i != cname]
                if not t["columns"]:
                    t["columns"]["k"] = {"type": "int", "null": True, "default": False, "unique": False,
                                         "check": False, "ref": None, "was": None}
    return v2


@st.composite
def schema_pairs(draw):
    v1 = draw(schemas())
    return render(v1), render(draw(edits(v1)))


def _round_trip(db, fresh, v1_text: str, v2_text: str, engine: str) -> None:
    dialect = get_dialect(engine)
    v1, v2 = analyze(v1_text), analyze(v2_text)
    for doc in (v1, v2):
        errors = [d.message for d in doc.diagnostics if d.severity.value == "error"]
        assert errors == [], doc.text
    migration = plan(v1.schema, v2.schema, dialect)
    fresh.run(generate(v2.schema, dialect).script())
    expected_v2 = fresh.catalog()
    db.run(generate(v1.schema, dialect).script())
    expected_v1 = db.catalog()
    db.run(migration.up.sql())
    assert db.catalog() == expected_v2, f"{v1_text}\n{v2_text}\n{migration.up.sql()}"
    db.run(migration.down.sql())
    assert db.catalog() == expected_v1, f"{v1_text}\n{v2_text}\n{migration.down.sql()}"


@settings(max_examples=120, deadline=None)
@given(schema_pairs())
def test_up_then_down_returns_to_v1_on_sqlite(pair):
    with SqliteDB() as db, SqliteDB() as fresh:
        _round_trip(db, fresh, *pair, "sqlite")


@pytest.fixture(scope="module")
def postgres_pair(postgres_uri):
    with PostgresDB(postgres_uri) as db, PostgresDB(postgres_uri) as fresh:
        yield db, fresh


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pair=schema_pairs())
def test_up_then_down_returns_to_v1_on_postgresql(pair, postgres_pair):
    db, fresh = postgres_pair
    db.reset()
    fresh.reset()
    _round_trip(db, fresh, *pair, "postgresql")


@settings(max_examples=60, deadline=None)
@given(pair=schema_pairs())
def test_the_pairs_differ(pair):
    # the property is only as good as its pairs: nearly all of them must migrate something
    v1, v2 = analyze(pair[0]).schema, analyze(pair[1]).schema
    migration = plan(v1, v2, get_dialect("postgresql"))
    assert migration.up.statements or pair[0] == pair[1]
