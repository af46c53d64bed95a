"""Real database engines for the tests: one embedded PostgreSQL server per test session."""
from __future__ import annotations

import shutil
import tempfile

import pytest


@pytest.fixture(scope="session")
def postgres_uri():
    pgserver = pytest.importorskip("pgserver")
    directory = tempfile.mkdtemp(prefix="schema-lang-tests-pg-")
    server = pgserver.get_server(directory, cleanup_mode="stop")
    try:
        yield server.get_uri()
    finally:
        server.cleanup()
        shutil.rmtree(directory, ignore_errors=True)
