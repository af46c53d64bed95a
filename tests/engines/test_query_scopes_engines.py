"""The declared queries of tests/unit/test_query_scopes.py on a real PostgreSQL and MariaDB: every query
schema-lang finds nothing wrong with is accepted, and every one it reports an unknown name in is refused."""
from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
from catalogs import MariaDB, PostgresDB

from schema_lang.analysis import analyze
from schema_lang.dialects import get_dialect
from schema_lang.generate.ddl import generate

_spec = importlib.util.spec_from_file_location(
    "query_scope_cases", Path(__file__).resolve().parents[1] / "unit" / "test_query_scopes.py")
assert _spec is not None and _spec.loader is not None
cases = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cases)

_PARAMETER = re.compile(r"(?<![:\w]):[a-z_]+")


def without_parameters(sql: str) -> str:
    """NULL for each parameter, so no type has to be guessed for it."""
    return _PARAMETER.sub("NULL", sql)


def prepared(sql: str) -> str:
    """PREPARE analyses a statement fully (every name resolved) without running it."""
    return "PREPARE q AS " + without_parameters(sql)


@pytest.fixture(scope="module")
def shop(postgres_uri):
    with PostgresDB(postgres_uri) as db:
        db.run(generate(analyze(cases.SCHEMA).schema, get_dialect("postgresql")).script())
        yield db


@pytest.mark.parametrize("case", [c for c, (_, d) in cases.VALID.items() if cases.PG in d])
def test_valid_queries_are_accepted_by_postgresql(case, shop):
    sql, _ = cases.VALID[case]
    shop.execute(prepared(sql))
    shop.execute("DEALLOCATE q")


@pytest.mark.parametrize("case", [c for c, v in cases.INVALID.items() if v[1] == cases.PG])
def test_reported_queries_are_refused_by_postgresql(case, shop):
    import psycopg

    sql = cases.INVALID[case][0]
    with pytest.raises(psycopg.errors.Error):
        shop.execute(prepared(sql))


@pytest.fixture(scope="module")
def mariadb_shop(mariadb_socket):
    with MariaDB(mariadb_socket) as db:
        db.run(generate(analyze(cases.SCHEMA).schema, get_dialect("mysql")).script())
        yield db


@pytest.mark.parametrize("case", [c for c, (_, d) in cases.VALID.items() if cases.MY in d])
def test_valid_queries_are_accepted_by_mariadb(case, mariadb_shop):
    sql, _ = cases.VALID[case]
    mariadb_shop.execute("EXPLAIN " + without_parameters(sql))  # resolves every name, runs nothing


@pytest.mark.parametrize("case", [c for c, v in cases.INVALID.items() if v[1] == cases.MY])
def test_reported_queries_are_refused_by_mariadb(case, mariadb_shop):
    import pymysql

    with pytest.raises(pymysql.err.MySQLError):
        mariadb_shop.execute("EXPLAIN " + without_parameters(cases.INVALID[case][0]))
