"""Real database engines for the tests: one embedded PostgreSQL server per test session."""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

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


@pytest.fixture(scope="session")
def mariadb_socket():
    """A private MariaDB server (Debian's mariadb-server) on a socket in a temporary folder."""
    import os
    import subprocess
    import time

    server, installer = shutil.which("mariadbd"), shutil.which("mariadb-install-db")
    if server is None or installer is None:
        if os.environ.get("CI"):
            pytest.fail("mariadb-server is not installed: .ci/run installs it")
        pytest.skip("mariadb-server is not installed (apt-get install mariadb-server)")
    pymysql = pytest.importorskip("pymysql")
    directory = tempfile.mkdtemp(prefix="schema-lang-tests-mariadb-")
    data, socket = f"{directory}/data", f"{directory}/mysqld.sock"
    subprocess.run([installer, "--no-defaults", f"--datadir={data}", "--user=root",
                    "--auth-root-authentication-method=normal"], check=True, capture_output=True)
    process = subprocess.Popen([server, "--no-defaults", f"--datadir={data}", f"--socket={socket}",
                                "--skip-networking", "--user=root", f"--pid-file={directory}/pid",
                                f"--log-error={directory}/error.log"])
    try:
        for _ in range(100):
            try:
                pymysql.connect(unix_socket=socket, user="root").close()
                break
            except pymysql.err.OperationalError:
                time.sleep(0.1)
        else:
            log = Path(directory, "error.log").read_text(encoding="utf-8", errors="replace")
            pytest.fail("MariaDB did not start: " + log[-2000:])
        yield socket
    finally:
        process.terminate()
        process.wait(timeout=30)
        shutil.rmtree(directory, ignore_errors=True)
