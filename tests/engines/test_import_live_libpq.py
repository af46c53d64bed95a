"""What libpq brings to `schema-lang import postgresql://...`: password files (~/.pgpass, PGPASSFILE,
`passfile=`), service files, the PG* environment variables, sslmode, target_session_attrs and several
hosts, each tried with a real connection; the messages of what fails (one line, naming the server,
never the password); and the message when psycopg is not installed.

The server here is one of its own, started from pgserver's binaries: initdb with scram-sha-256 for
every connection, listening on 127.0.0.1 (without TLS) and on a Unix socket, so that a password is
always asked for.  Every test runs with no PG* variables and HOME and PGSYSCONFDIR pointing at empty
folders, so nothing of the machine's own (a ~/.pgpass, a pg_service.conf) takes part.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest

from schema_lang.cli import main
from schema_lang.importers import ImportSourceError
from schema_lang.importers.live import import_url

psycopg = pytest.importorskip("psycopg")

PASSWORD = "s3cret: p@ss?word"  # what a URL must percent-encode
QUIZ_PASSWORD = "wh?t:now"  # libpq takes it unencoded before the @, question mark and all


@dataclass
class AuthServer:
    host: str
    port: int
    socket_dir: str

    def url(self, password: str | None = PASSWORD, user: str = "postgres", database: str = "shop",
            query: str = "") -> str:
        auth = quote(user, safe="") + (f":{quote(password, safe='')}" if password is not None else "")
        return f"postgresql://{auth}@{self.host}:{self.port}/{database}" + (f"?{query}" if query else "")


def _free_port() -> int:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return port


@pytest.fixture(scope="module")
def auth_server(postgres_uri):
    """A PostgreSQL server that asks every client for a password (scram-sha-256), with a database
    `shop` holding one table.  `postgres_uri` first: as root, pgserver makes the system user the
    servers run as, and opens its binaries to it."""
    pgserver = pytest.importorskip("pgserver")
    binaries = Path(pgserver.__file__).parent / "pginstall" / "bin"
    run_as = None
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # initdb and postgres refuse to run as root
        with psycopg.connect(postgres_uri) as session:
            (data_directory,) = session.execute("SHOW data_directory").fetchone()
        run_as = Path(data_directory).owner()
    directory = Path(tempfile.mkdtemp(prefix="schema-lang-tests-pgauth-"))
    password_file = directory / "password"
    password_file.write_text(PASSWORD + "\n")
    if run_as is not None:
        for path in (directory, password_file):
            shutil.chown(path, run_as, run_as)
    data, log, port = directory / "data", directory / "log", _free_port()
    subprocess.run([str(binaries / "initdb"), "-D", str(data), "-U", "postgres", "--auth=scram-sha-256",
                    f"--pwfile={password_file}", "--encoding=UTF8", "--no-instructions"],
                   check=True, capture_output=True, user=run_as)
    started = subprocess.run([str(binaries / "pg_ctl"), "-D", str(data), "-w", "-t", "120", "-l", str(log),
                              "-o", f"-h 127.0.0.1 -p {port} -k {directory} -c ssl=off", "start"],
                             capture_output=True, text=True, user=run_as)
    try:
        if started.returncode != 0:
            pytest.fail("the password server did not start: " + log.read_text(errors="replace")[-2000:])
        server = AuthServer("127.0.0.1", port, str(directory))
        with psycopg.connect(server.url(database="postgres"), autocommit=True) as admin:
            admin.execute("CREATE DATABASE shop")
            admin.execute(f"CREATE ROLE quiz LOGIN PASSWORD '{QUIZ_PASSWORD}'")
        with psycopg.connect(server.url(), autocommit=True) as shop:
            shop.execute("CREATE TABLE notes (id bigint PRIMARY KEY, body text NOT NULL)")
            shop.execute("CREATE SCHEMA archive")
            shop.execute("CREATE TABLE archive.old_notes (id bigint PRIMARY KEY)")
            shop.execute("GRANT USAGE ON SCHEMA public, archive TO quiz")
        yield server
    finally:
        subprocess.run([str(binaries / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                       capture_output=True, user=run_as)
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(autouse=True)
def no_libpq_defaults(monkeypatch, tmp_path):
    """No PG* variable, and a HOME and PGSYSCONFDIR with nothing in them: returns the fake HOME."""
    for name in list(os.environ):
        if name.startswith("PG"):
            monkeypatch.delenv(name)
    home = tmp_path / "home"
    home.mkdir()
    (tmp_path / "sysconf").mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("PGSYSCONFDIR", str(tmp_path / "sysconf"))
    return home


def _password_file(path: Path, server: AuthServer, password: str = PASSWORD, database: str = "*") -> Path:
    # .pgpass escapes : and \ in its fields
    escaped = password.replace("\\", "\\\\").replace(":", "\\:")
    path.write_text(f"{server.host}:{server.port}:{database}:postgres:{escaped}\n")
    path.chmod(0o600)  # libpq ignores a password file others can read
    return path


def _imports_shop(url: str, schema_name: str | None = None) -> str:
    text = import_url(url, schema_name).yaml_text
    assert "  notes:\n" in text and "      body: text not null\n" in text
    return text


def _refused(url: str) -> str:
    with pytest.raises(ImportSourceError) as info:
        import_url(url)
    message = str(info.value)
    assert "\n" not in message
    return message


# --- passwords -------------------------------------------------------------------------------------

def test_the_password_comes_from_pgpass_in_home(auth_server, no_libpq_defaults):
    url = auth_server.url(password=None)
    _refused(url)  # no password anywhere: the server refuses
    _password_file(no_libpq_defaults / ".pgpass", auth_server, database="shop")
    assert _imports_shop(url).startswith("schema: shop\n")


def test_the_password_comes_from_pgpassfile(auth_server, monkeypatch, tmp_path):
    url = auth_server.url(password=None)
    monkeypatch.setenv("PGPASSFILE", str(_password_file(tmp_path / "elsewhere", auth_server)))
    _imports_shop(url)


def test_the_password_comes_from_passfile_in_the_url(auth_server, monkeypatch, tmp_path):
    right = _password_file(tmp_path / "right", auth_server)
    # the URL's passfile= wins over PGPASSFILE, as libpq has it
    monkeypatch.setenv("PGPASSFILE", str(_password_file(tmp_path / "wrong", auth_server, password="nope")))
    base = auth_server.url(password=None)
    message = _refused(base)
    assert "nope" not in message
    _imports_shop(base + "?passfile=" + quote(str(right), safe=""))


def test_a_password_with_a_question_mark_before_the_at_sign(auth_server):
    """libpq reads credentials up to the @, a ? included: the query string (with schema=) starts after."""
    raw = f"postgresql://quiz:{QUIZ_PASSWORD}@{auth_server.host}:{auth_server.port}/shop"
    _imports_shop(raw + "?schema=public&sslmode=disable")
    archive = import_url(raw + "?sslmode=disable&schema=archive").yaml_text
    assert "  old_notes:\n" in archive and "  notes:\n" not in archive
    wrong = raw.replace(QUIZ_PASSWORD, "wh?t:later")
    assert "wh?t:later" not in _refused(wrong + "?schema=public")


def test_a_wrong_password_is_never_shown(auth_server, capsys):
    for url in (auth_server.url(password="Wr0ng-Passw0rd"),
                auth_server.url(password=None, query="password=Wr0ng-Passw0rd&sslmode=prefer")):
        message = _refused(url)
        assert "Wr0ng-Passw0rd" not in message
        assert message.startswith(f"cannot connect to PostgreSQL at {auth_server.host}:{auth_server.port} "
                                  '(database "shop", user "postgres")')

        assert main(["import", url]) == 2
        err = capsys.readouterr().err
        assert "Wr0ng-Passw0rd" not in err and "Traceback" not in err and err.count("\n") == 1


def test_a_wrong_password_from_a_password_file_is_never_shown(auth_server, no_libpq_defaults):
    _password_file(no_libpq_defaults / ".pgpass", auth_server, password="from-the-file-but-wrong")
    message = _refused(auth_server.url(password=None))
    assert "from-the-file-but-wrong" not in message


# --- where to connect ---------------------------------------------------------------------------------

def test_a_service_file_gives_host_port_user_and_database(auth_server, monkeypatch, tmp_path):
    services = tmp_path / "services.conf"
    services.write_text(f"[shopdb]\nhost={auth_server.host}\nport={auth_server.port}\nuser=postgres\n"
                        "dbname=shop\n")
    monkeypatch.setenv("PGSERVICEFILE", str(services))
    monkeypatch.setenv("PGPASSFILE", str(_password_file(tmp_path / "pgpass", auth_server)))
    # the schema is named after the database the service names
    assert _imports_shop("postgresql://?service=shopdb").startswith("schema: shop\n")
    assert _imports_shop("postgresql:///?service=shopdb&schema=public", "mine").startswith("schema: mine\n")
    monkeypatch.setenv("PGSERVICE", "shopdb")
    _imports_shop("postgresql://")
    message = _refused("postgresql://?service=no_such_service")
    assert "no_such_service" in message


def test_the_pg_environment_variables(auth_server, monkeypatch):
    for name, value in {"PGHOST": auth_server.host, "PGPORT": str(auth_server.port), "PGUSER": "postgres",
                        "PGPASSWORD": PASSWORD, "PGDATABASE": "shop"}.items():
        monkeypatch.setenv(name, value)
    assert _imports_shop("postgresql://").startswith("schema: shop\n")
    monkeypatch.setenv("PGPASSWORD", "not-it")
    message = _refused("postgresql://")
    assert message.startswith(f"cannot connect to PostgreSQL at {auth_server.host}:{auth_server.port} ")
    assert "not-it" not in message


def test_a_unix_socket_directory(auth_server):
    _imports_shop(f"postgresql://postgres:{quote(PASSWORD, safe='')}@/shop"
                  f"?host={quote(auth_server.socket_dir, safe='')}&port={auth_server.port}")


def test_several_hosts_the_first_that_answers_is_used(auth_server):
    dead = _free_port()
    url = (f"postgresql://postgres:{quote(PASSWORD, safe='')}@{auth_server.host}:{dead},"
           f"{auth_server.host}:{auth_server.port}/shop?target_session_attrs=read-write")
    _imports_shop(url)
    other = _free_port()
    message = _refused(url.replace(f":{auth_server.port}/", f":{other}/"))
    assert message.startswith(f"cannot connect to PostgreSQL at {auth_server.host}:{dead}, {auth_server.host}:{other} ")


# --- sslmode and target_session_attrs -----------------------------------------------------------------

def test_sslmode_require_refuses_a_server_without_tls(auth_server):
    for mode in ("disable", "allow", "prefer"):
        _imports_shop(auth_server.url(query=f"sslmode={mode}"))
    for mode in ("require", "verify-ca", "verify-full"):
        message = _refused(auth_server.url(query=f"sslmode={mode}"))
        assert message.startswith(f"cannot connect to PostgreSQL at {auth_server.host}:{auth_server.port} "
                                  '(database "shop", user "postgres"): ')
        assert PASSWORD not in message and quote(PASSWORD, safe="") not in message


def test_sslmode_from_the_environment(auth_server, monkeypatch):
    monkeypatch.setenv("PGSSLMODE", "require")
    _refused(auth_server.url())
    _imports_shop(auth_server.url(query="sslmode=prefer"))  # the URL wins


def test_target_session_attrs_on_a_primary(auth_server):
    for attrs in ("any", "read-write", "primary", "prefer-standby"):
        _imports_shop(auth_server.url(query=f"target_session_attrs={attrs}"))
    for attrs in ("standby", "read-only"):
        message = _refused(auth_server.url(query=f"target_session_attrs={attrs}"))
        assert message.startswith(f"cannot connect to PostgreSQL at {auth_server.host}:{auth_server.port} ")


# --- URLs and servers that never answer -----------------------------------------------------------

@pytest.mark.parametrize("url", [
    "postgresql://u:topsecret@[::1/d",
    "postgresql://u:topsecret%zz@h/d",
    "postgresql://u:topsecret@h/d?sslmod=require",
    "postgresql://u:topsecret@h/d?sslmode",
    "postgresql://u:topsecret@h/d?sslmode=always",
    "postgresql://u:topsecret@h:port/d",
    "postgresql://u:topsecret@127.0.0.1:99999/d",
    "postgresql://u:topsecret@h/d?connect_timeout=soon",
    "postgresql://u@h/d?password=topsecret&sslmode=always",
    "postgresql://u@h/d?password=top%73ecret&host=[::1",
])
def test_bad_urls_are_errors_that_never_show_the_password(url):
    message = _refused(url)
    assert "topsecret" not in message and "top%73ecret" not in message


def test_without_connect_timeout_a_silent_server_still_times_out():
    silent = socket.socket()  # accepts connections (the kernel does) and never answers
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)
    # no clock: psycopg alone would wait 130 s; closing the listener first resets the connection,
    # and the error would then not be a time-out
    closer = threading.Timer(90, silent.close)
    closer.start()
    try:
        message = _refused(f"postgresql://postgres:hunter2@127.0.0.1:{silent.getsockname()[1]}/shop")
        assert "timed out" in message and "hunter2" not in message
        assert message.startswith(f"cannot connect to PostgreSQL at 127.0.0.1:{silent.getsockname()[1]} ")
    finally:
        closer.cancel()
        silent.close()


# --- psycopg not installed ---------------------------------------------------------------------------

def test_without_psycopg_a_postgresql_url_says_what_to_install(tmp_path):
    import sqlite3

    database = tmp_path / "app.db"
    with sqlite3.connect(database) as connection:
        connection.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL)")
    script = (
        "import sys\n"
        "sys.modules['psycopg'] = None\n"  # what an interpreter without the extra sees
        "from schema_lang.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    run = subprocess.run([sys.executable, "-c", script, "import", "postgresql://alice:s3cret@127.0.0.1:1/db"],
                         capture_output=True, text=True, env=environment)
    assert run.returncode != 0
    assert "schema-lang[postgres]" in run.stderr and "psycopg" in run.stderr
    assert "Traceback" not in run.stderr and "s3cret" not in run.stderr
    assert run.stderr.count("\n") == 1 and run.stdout == ""

    sqlite = subprocess.run([sys.executable, "-c", script, "import", f"sqlite:///{database}"],
                            capture_output=True, text=True, env=environment)
    assert sqlite.returncode == 0, sqlite.stderr
    assert "  items:\n" in sqlite.stdout
