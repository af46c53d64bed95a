"""The standard-library PostgreSQL client (schema_lang.importers.pgwire): URLs read as libpq reads
them, SCRAM-SHA-256 and MD5 answers, message framing, and the client's side of a session against
small scripted servers on 127.0.0.1 (TLS negotiation, timeouts, a server that is not PostgreSQL).
The real server is in tests/engines/test_import_live.py."""
from __future__ import annotations

import base64
import hashlib
import hmac
import shutil
import socket
import ssl
import struct
import subprocess
import threading

import pytest

from schema_lang.importers import pgwire
from schema_lang.importers.pgwire import (
    ConnectParams,
    PgAuthError,
    PgConnectError,
    PgProtocolError,
    PgServerError,
    ScramSHA256,
    connect,
    cstring,
    md5_password,
    message,
    parse_data_row,
    parse_error_fields,
    parse_row_description,
    parse_url,
    saslprep,
    ssl_request,
    startup_message,
)

NO_ENV: dict[str, str] = {}


# --- URLs ------------------------------------------------------------------------------------------

def test_the_url_pgserver_gives():
    params = parse_url("postgresql://postgres:@/postgres?host=/tmp/tmpabc", NO_ENV)
    assert params.hosts == ["/tmp/tmpabc"] and params.ports == [5432]
    assert (params.user, params.dbname, params.password) == ("postgres", "postgres", None)
    assert [t.socket_path for t in params.targets()] == ["/tmp/tmpabc/.s.PGSQL.5432"]
    assert params.sslmode == "prefer" and params.connect_timeout == 10.0 and params.schema is None


def test_every_part_percent_decoded():
    params = parse_url("postgres://al%40ice:p%40ss%3Aw%2Fd@db.example.com:6543/my%20db"
                       "?sslmode=verify-full&connect_timeout=3&options=-c%20search_path%3Dx&schema=Sales%20Q1"
                       "&application_name=x&sslrootcert=%2Fetc%2Fca.pem", NO_ENV)
    assert (params.user, params.password, params.dbname) == ("al@ice", "p@ss:w/d", "my db")
    assert params.hosts == ["db.example.com"] and params.ports == [6543]
    assert params.sslmode == "verify-full" and params.connect_timeout == 3.0
    assert params.schema == "Sales Q1" and params.sslrootcert == "/etc/ca.pem"
    assert params.describe() == "db.example.com:6543"
    assert "p@ss" not in repr(params)


def test_socket_directories_ipv6_and_several_hosts():
    socket_dir = parse_url("postgresql://%2Fvar%2Frun%2Fpostgresql:5433/shop", NO_ENV)
    assert [t.socket_path for t in socket_dir.targets()] == ["/var/run/postgresql/.s.PGSQL.5433"]
    assert socket_dir.sslmode == "prefer"  # and yet never TLS on a socket (see the tests below)
    v6 = parse_url("postgresql://[::1]:5433/shop", NO_ENV)
    assert v6.hosts == ["::1"] and v6.targets()[0].describe() == "[::1]:5433"
    several = parse_url("postgresql://h1,h2:5433,[fe80::1]/shop", NO_ENV)
    assert several.hosts == ["h1", "h2", "fe80::1"] and several.ports == [5432, 5433, 5432]
    assert several.describe() == "h1:5432, h2:5433, [fe80::1]:5432"
    overridden = parse_url("postgresql://h1:1111/db1?host=h2&port=2222&dbname=db2&user=u2", NO_ENV)
    assert (overridden.hosts, overridden.ports, overridden.dbname, overridden.user) == (["h2"], [2222], "db2", "u2")


def test_defaults_from_the_environment_then_libpq():
    env = {"PGHOST": "envhost", "PGPORT": "7000", "PGUSER": "envuser", "PGPASSWORD": "envpw",
           "PGDATABASE": "envdb", "PGSSLMODE": "require", "PGCONNECT_TIMEOUT": "4"}
    params = parse_url("postgresql://", env)
    assert (params.hosts, params.ports, params.user, params.password, params.dbname) == \
        (["envhost"], [7000], "envuser", "envpw", "envdb")
    assert params.sslmode == "require" and params.connect_timeout == 4.0
    explicit = parse_url("postgresql://me:mine@there:5/here?sslmode=disable", env)
    assert (explicit.hosts, explicit.ports, explicit.user, explicit.password, explicit.dbname, explicit.sslmode) == \
        (["there"], [5], "me", "mine", "here", "disable")
    bare = parse_url("postgresql:///shop", NO_ENV)
    assert bare.hosts == ["/var/run/postgresql", "/tmp"]
    assert [t.socket_path for t in bare.targets()] == ["/var/run/postgresql/.s.PGSQL.5432", "/tmp/.s.PGSQL.5432"]
    assert bare.user == pgwire._os_user() and bare.dbname == "shop"
    assert parse_url("postgresql://someone@/", NO_ENV).dbname == "someone"  # the database is named like the user


def test_connect_timeout_never_means_forever():
    assert parse_url("postgresql://h/d?connect_timeout=0", NO_ENV).connect_timeout == 10.0
    assert parse_url("postgresql://h/d?connect_timeout=-1", NO_ENV).connect_timeout == 10.0
    assert parse_url("postgresql://h/d?connect_timeout=2.5", NO_ENV).connect_timeout == 2.5


@pytest.mark.parametrize("url, error", [
    ("mysql://root@localhost/shop", "not a PostgreSQL URL"),
    ("postgresql:/shop", "not a PostgreSQL URL"),
    ("postgresql://u:topsecret@h:99999/d", "invalid port number '99999'"),
    ("postgresql://u:topsecret@h:port/d", "invalid port number 'port'"),
    ("postgresql://u:topsecret@h/d?sslmode=always", "invalid sslmode 'always'"),
    ("postgresql://u:topsecret@h/d?sslmod=require", "unknown URL parameter 'sslmod'"),
    ("postgresql://u:topsecret@h/d?channel_binding=require", "channel_binding=require is not supported"),
    ("postgresql://u:topsecret@h/d?hostaddr=10.0.0.1", "URL parameter 'hostaddr' is not supported"),
    ("postgresql://u:topsecret@h/d?require_auth=scram-sha-256", "URL parameter 'require_auth' is not supported"),
    ("postgresql://u:topsecret@h/d?connect_timeout=soon", "invalid connect_timeout 'soon'"),
    ("postgresql://u:topsecret@h1,h2/d?port=1,2,3", "3 ports given for 2 hosts"),
    ("postgresql://u:topsecret@[::1/d", "unterminated IPv6 address"),
    ("postgresql://u:topsecret@h/d?sslmode", "missing value for URL parameter 'sslmode'"),
])
def test_bad_urls(url, error):
    with pytest.raises(ValueError, match=error) as info:
        parse_url(url, NO_ENV)
    assert "topsecret" not in str(info.value)


# --- authentication --------------------------------------------------------------------------------

def test_scram_sha_256_against_rfc_7677():
    """The exchange of RFC 7677, section 3: user "user", password "pencil"."""
    client = ScramSHA256("pencil", username="user", nonce="rOprNGfwEbeRWgbNEkqO")
    assert client.client_first() == "n,,n=user,r=rOprNGfwEbeRWgbNEkqO"
    server_first = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"
    assert client.client_final(server_first) == (
        "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=")
    client.verify_server_final("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")
    assert client.verified


def test_scram_refuses_a_server_that_does_not_know_the_password():
    client = ScramSHA256("pencil", username="user", nonce="rOprNGfwEbeRWgbNEkqO")
    client.client_final("r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096")
    with pytest.raises(PgAuthError, match="signature is wrong"):
        client.verify_server_final("v=" + base64.b64encode(b"x" * 32).decode())
    with pytest.raises(PgAuthError, match="refused the proof"):
        client.verify_server_final("e=invalid-proof")
    assert not client.verified


def test_scram_refuses_bad_server_first_messages():
    client = ScramSHA256("pencil", nonce="abc")
    assert client.client_first() == "n,,n=,r=abc"  # PostgreSQL's form: the user is the startup message's
    with pytest.raises(PgAuthError, match="does not extend"):
        client.client_final("r=xyz123,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096")
    with pytest.raises(PgAuthError, match="does not extend"):
        client.client_final("r=abc,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096")
    with pytest.raises(PgAuthError, match="iteration count"):
        client.client_final("r=abcdef,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=0")
    with pytest.raises(PgAuthError, match="malformed"):
        client.client_final("r=abcdef,i=4096")
    with pytest.raises(PgAuthError, match="extension"):
        client.client_final("m=ext,r=abcdef,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096")
    assert len(ScramSHA256("x").nonce) >= 24 and ScramSHA256("x").nonce != ScramSHA256("x").nonce


def test_saslprep():
    assert saslprep("I\u00adX") == "IX"  # RFC 4013's examples: soft hyphen mapped to nothing
    assert saslprep("user") == "user"
    assert saslprep("\u00aa") == "a"  # NFKC
    assert saslprep("\u2168") == "IX"
    assert saslprep("a\u00a0b") == "a b"  # non-ASCII space
    assert saslprep("bell\u0007") == "bell\u0007"  # prohibited: used as it is, as PostgreSQL does
    assert saslprep("\u0627\u0031") == "\u0627\u0031"  # RandALCat not at both ends: as it is


def test_md5_password():
    # md5("secretpostgres") = 53f48b7c4b76a86ce72276c5755f217d, what PostgreSQL stores (after "md5");
    # the answer is md5 of that hex and the salt (checked with `openssl md5`)
    assert hashlib.md5(b"secretpostgres").hexdigest() == "53f48b7c4b76a86ce72276c5755f217d"
    assert md5_password("postgres", "secret", b"\x01\x02\x03\x04") == "md5bb41a296aab6baccb36ff243a562abff"


# --- framing --------------------------------------------------------------------------------------

def test_frontend_messages():
    assert message(b"Q", cstring("SELECT 1")) == b"Q\x00\x00\x00\x0dSELECT 1\x00"
    assert message(b"X") == b"X\x00\x00\x00\x04"
    assert ssl_request() == b"\x00\x00\x00\x08\x04\xd2\x16\x2f"  # 1234, 5679
    startup = startup_message({"user": "u", "database": "d"})
    assert startup == struct.pack("!ii", 27, 196608) + b"user\0u\0database\0d\0\0"
    assert len(startup) == 27


def test_backend_messages():
    fields = parse_error_fields(b"SERROR\0VERROR\0C42P01\0Mrelation \"x\" does not exist\0P15\0\0")
    assert fields == {"S": "ERROR", "V": "ERROR", "C": "42P01", "M": 'relation "x" does not exist', "P": "15"}
    error = PgServerError(fields)
    assert (error.sqlstate, error.message, str(error)) == \
        ("42P01", 'relation "x" does not exist', 'relation "x" does not exist (SQLSTATE 42P01)')
    description = struct.pack("!h", 2) + b"id\0" + bytes(18) + b"name\0" + bytes(18)
    assert parse_row_description(description) == ["id", "name"]
    row = struct.pack("!h", 3) + struct.pack("!i", 2) + b"42" + struct.pack("!i", -1) + struct.pack("!i", 3) + \
        "é!".encode()
    assert parse_data_row(row) == ["42", None, "é!"]
    assert parse_data_row(struct.pack("!h", 1) + struct.pack("!i", 0)) == [""]


# --- scripted servers -------------------------------------------------------------------------------

def _recv_exact(sock, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data


def _read_startup(sock) -> bytes:
    (length,) = struct.unpack("!i", _recv_exact(sock, 4))
    return _recv_exact(sock, length - 4)


def _read_message(sock) -> tuple[bytes, bytes]:
    kind = _recv_exact(sock, 1)
    (length,) = struct.unpack("!i", _recv_exact(sock, 4))
    return kind, _recv_exact(sock, length - 4)


def _backend(kind: bytes, payload: bytes = b"") -> bytes:
    return kind + struct.pack("!i", len(payload) + 4) + payload


def _auth(code: int, data: bytes = b"") -> bytes:
    return _backend(b"R", struct.pack("!i", code) + data)


READY = _backend(b"Z", b"I")
WELCOME = (_backend(b"S", b"server_version\x0016.0\0") + _backend(b"S", b"client_encoding\0UTF8\0")
           + _backend(b"K", struct.pack("!ii", 1, 2)) + READY)


class Server:
    """A listener on 127.0.0.1 that runs `handler(sock)` for each connection, in a thread."""

    def __init__(self, handler, connections: int = 1) -> None:
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(8)
        self.port = self.listener.getsockname()[1]
        self.handler, self.errors, self.seen = handler, [], []
        self.thread = threading.Thread(target=self._serve, args=(connections,), daemon=True)
        self.thread.start()

    def _serve(self, connections: int) -> None:
        for _ in range(connections):
            try:
                sock, _ = self.listener.accept()
            except OSError:
                return
            with sock:
                sock.settimeout(10)
                try:
                    self.handler(sock, self)
                except (EOFError, ConnectionError, ssl.SSLError):
                    pass
                except Exception as exc:  # noqa: BLE001 - reported by the test
                    self.errors.append(exc)

    def url(self, query: str = "", user: str = "u:pw") -> str:
        return f"postgresql://{user}@127.0.0.1:{self.port}/db" + (f"?{query}" if query else "")

    def close(self) -> None:
        self.listener.close()
        self.thread.join(5)
        assert not self.errors, self.errors


def _scram_server(password: str, break_signature: bool = False):
    salt, iterations = b"0123456789abcdef", 4096

    def handler(sock, server):
        if _read_startup(sock)[:4] == struct.pack("!i", pgwire.SSL_REQUEST_CODE):
            sock.sendall(b"N")
            _read_startup(sock)
        sock.sendall(_auth(10, b"SCRAM-SHA-256-PLUS\0SCRAM-SHA-256\0\0"))
        kind, payload = _read_message(sock)
        mechanism, _, rest = payload.partition(b"\0")
        assert kind == b"p" and mechanism == b"SCRAM-SHA-256"
        (length,) = struct.unpack_from("!i", rest)
        client_first = rest[4:4 + length].decode()
        assert client_first.startswith("n,,n=,r=")
        nonce = client_first.split("r=", 1)[1] + "server-part"
        server_first = f"r={nonce},s={base64.b64encode(salt).decode()},i={iterations}"
        sock.sendall(_auth(11, server_first.encode()))
        kind, payload = _read_message(sock)
        client_final = payload.decode()
        without_proof, proof = client_final.rsplit(",p=", 1)
        salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
        stored_key = hashlib.sha256(hmac.new(salted, b"Client Key", hashlib.sha256).digest()).digest()
        auth_message = f"{client_first[3:]},{server_first},{without_proof}".encode()
        signature = hmac.new(stored_key, auth_message, hashlib.sha256).digest()
        client_key = bytes(a ^ b for a, b in zip(base64.b64decode(proof), signature, strict=False))
        if hashlib.sha256(client_key).digest() != stored_key:
            sock.sendall(_backend(b"E", b"SFATAL\0C28P01\0Mpassword authentication failed for user \"u\"\0\0"))
            return
        server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()
        verifier = hmac.new(server_key, auth_message, hashlib.sha256).digest()
        if break_signature:
            verifier = bytes(32)
        sock.sendall(_auth(12, b"v=" + base64.b64encode(verifier)) + _auth(0) + WELCOME)
        while True:
            kind, payload = _read_message(sock)
            server.seen.append((kind, payload))
            if kind == b"X":
                return
            if payload.startswith(b"SELECT 1"):
                sock.sendall(_backend(b"T", struct.pack("!h", 2) + b"a\0" + bytes(18) + b"b\0" + bytes(18))
                             + _backend(b"D", struct.pack("!hi", 2, 1) + b"1" + struct.pack("!i", -1))
                             + _backend(b"N", b"SNOTICE\0Mhello\0\0")
                             + _backend(b"C", b"SELECT 1\0") + READY)
            else:
                sock.sendall(_backend(b"E", b"SERROR\0C42601\0Msyntax error\0\0") + READY)

    return handler


def test_a_session_with_scram_queries_errors_and_terminate():
    server = Server(_scram_server("pw"))
    try:
        with connect(server.url("sslmode=prefer")) as connection:
            assert not connection.ssl  # the server said N: prefer goes on without TLS
            assert connection.parameters["server_version"] == "16.0"
            result = connection.query("SELECT 1")
            assert (result.columns, result.rows, result.command) == (["a", "b"], [["1", None]], "SELECT 1")
            with pytest.raises(PgServerError) as info:
                connection.query("SELEC 1")
            assert info.value.sqlstate == "42601"
            assert connection.query("SELECT 1").rows == [["1", None]]  # still usable after an error
    finally:
        server.close()
    assert server.seen[-1] == (b"X", b"")  # Terminate on close
    assert [kind for kind, _ in server.seen] == [b"Q", b"Q", b"Q", b"X"]


def test_scram_with_a_wrong_password_and_a_lying_server():
    server = Server(_scram_server("pw"))
    try:
        with pytest.raises(PgServerError, match="password authentication failed") as info:
            connect(server.url("sslmode=disable", user="u:wrong"))
        assert info.value.sqlstate == "28P01"
    finally:
        server.close()
    server = Server(_scram_server("pw", break_signature=True))
    try:
        with pytest.raises(PgAuthError, match="signature is wrong"):
            connect(server.url("sslmode=disable"))
    finally:
        server.close()


def test_md5_and_cleartext_and_missing_passwords():
    def handler(sock, server):
        _read_startup(sock)
        sock.sendall(_auth(5, b"\x01\x02\x03\x04"))
        server.seen.append(_read_message(sock))
        sock.sendall(_auth(0) + WELCOME)
        _read_message(sock)

    server = Server(handler)
    try:
        connect(server.url("sslmode=disable", user="postgres:secret")).close()
    finally:
        server.close()
    assert server.seen == [(b"p", b"md5bb41a296aab6baccb36ff243a562abff\0")]

    def cleartext(sock, server):
        _read_startup(sock)
        sock.sendall(_auth(3))
        server.seen.append(_read_message(sock))
        sock.sendall(_auth(0) + WELCOME)
        _read_message(sock)

    server = Server(cleartext, connections=2)
    try:
        connect(server.url("sslmode=disable", user="u:s%20cret")).close()
        with pytest.raises(PgAuthError, match='asks for a password for user "u", and none was given'):
            connect(server.url("sslmode=disable", user="u"))
    finally:
        server.close()
    assert server.seen == [(b"p", b"s cret\0")]


def test_unsupported_authentication_is_refused():
    def handler(sock, server):
        _read_startup(sock)
        sock.sendall(_auth(7))  # GSSAPI

    server = Server(handler)
    try:
        with pytest.raises(PgAuthError, match="GSSAPI"):
            connect(server.url("sslmode=disable"))
    finally:
        server.close()


def test_sslmode_require_refuses_a_server_without_tls():
    def handler(sock, server):
        assert _read_startup(sock) == struct.pack("!i", pgwire.SSL_REQUEST_CODE)
        sock.sendall(b"N")
        server.seen.append("asked")

    server = Server(handler)
    try:
        with pytest.raises(PgConnectError, match="does not support TLS"):
            connect(server.url("sslmode=require"))
    finally:
        server.close()
    assert server.seen == ["asked"]


def test_sslmode_prefer_goes_on_without_tls_when_the_handshake_fails():
    def handler(sock, server):
        startup = _read_startup(sock)
        if startup == struct.pack("!i", pgwire.SSL_REQUEST_CODE):
            server.seen.append("tls refused")
            sock.sendall(b"S")  # then no handshake at all: the client's TLS fails
            return
        server.seen.append("plain")
        sock.sendall(_auth(0) + WELCOME)
        _read_message(sock)

    server = Server(handler, connections=2)
    try:
        with connect(server.url("sslmode=prefer")) as connection:
            assert not connection.ssl
        assert server.seen == ["tls refused", "plain"]
    finally:
        server.close()


def test_sslmode_disable_sends_no_ssl_request():
    def handler(sock, server):
        server.seen.append(_read_startup(sock)[:4])
        sock.sendall(_auth(0) + WELCOME)
        _read_message(sock)

    server = Server(handler)
    try:
        connect(server.url("sslmode=disable")).close()
    finally:
        server.close()
    assert server.seen == [struct.pack("!i", pgwire.PROTOCOL_VERSION)]


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for localhost, made with the openssl command."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is not installed")
    folder = tmp_path_factory.mktemp("tls")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem"),
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"],
                   check=True, capture_output=True)
    return folder / "cert.pem", folder / "key.pem"


def _tls_server(certificate, connections: int = 1) -> Server:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)

    def handler(sock, server):
        assert _read_startup(sock) == struct.pack("!i", pgwire.SSL_REQUEST_CODE)
        sock.sendall(b"S")
        with context.wrap_socket(sock, server_side=True) as tls:
            startup = _read_startup(tls)
            server.seen.append(startup[4:].split(b"\0")[:2])
            tls.sendall(_auth(0) + WELCOME)
            _read_message(tls)

    return Server(handler, connections)


def test_tls_require_and_verify_full(certificate):
    cert, _key = certificate
    server = _tls_server(certificate, connections=3)
    try:
        with connect(server.url("sslmode=require")) as connection:
            assert connection.ssl
        url = f"postgresql://u@localhost:{server.port}/db?sslmode=verify-full&sslrootcert={cert}"
        with connect(url) as connection:
            assert connection.ssl
        with connect(server.url("sslmode=prefer")) as connection:
            assert connection.ssl
    finally:
        server.close()
    assert server.seen == [[b"user", b"u"]] * 3


def test_tls_verify_full_refuses_a_certificate_for_another_host(certificate):
    cert, _key = certificate
    server = _tls_server(certificate)
    try:
        # the certificate names localhost, not 127.0.0.1
        with pytest.raises(PgConnectError, match=r"cannot connect to 127.0.0.1:\d+: TLS failed"):
            connect(server.url(f"sslmode=verify-full&sslrootcert={cert}"))
    finally:
        server.close()


def test_tls_verify_ca_refuses_an_unknown_authority(certificate, tmp_path):
    other = tmp_path / "other.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-keyout", str(tmp_path / "other.key"), "-out", str(other), "-subj", "/CN=other"],
                   check=True, capture_output=True)
    server = _tls_server(certificate)
    try:
        with pytest.raises(PgConnectError, match="certificate verify failed"):
            connect(server.url(f"sslmode=verify-ca&sslrootcert={other}"))
    finally:
        server.close()


def test_a_silent_server_times_out():
    def handler(sock, server):
        _read_startup(sock)
        sock.recv(1)  # nothing to say: waits until the client gives up

    # no clock here: the test server gives up after its own 10 s, and a client that waited
    # that long would see the connection closed instead of its own time-out
    server = Server(handler)
    try:
        with pytest.raises(PgConnectError, match="timed out"):
            connect(server.url("sslmode=disable&connect_timeout=0.5"))
    finally:
        server.close()


def test_a_query_that_never_answers_times_out():
    def handler(sock, server):
        _read_startup(sock)
        sock.sendall(_auth(0) + WELCOME)
        _read_message(sock)
        sock.recv(1)  # never answers the query: waits until the client gives up

    server = Server(handler)
    try:
        connection = connect(server.url("sslmode=disable"), query_timeout=0.5)
        with pytest.raises(PgConnectError, match="timed out"):
            connection.query("SELECT pg_sleep(100)")
        assert connection.closed
    finally:
        server.close()


@pytest.mark.parametrize("sslmode", ["disable", "prefer"])
def test_a_server_that_is_not_postgresql(sslmode):
    def handler(sock, server):
        sock.recv(100)
        sock.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")

    server = Server(handler)
    try:
        with pytest.raises(PgProtocolError, match="not a PostgreSQL server"):
            connect(server.url(f"sslmode={sslmode}"))
    finally:
        server.close()


def test_nothing_listening():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    listener.close()  # a port nobody listens on
    with pytest.raises(PgConnectError, match=f"cannot connect to 127.0.0.1:{port}: connection refused"):
        connect(f"postgresql://u@127.0.0.1:{port}/db")


def test_unix_sockets_are_tried_in_order_and_never_use_tls(tmp_path):
    sockets = [tmp_path / "a", tmp_path / "b"]
    for folder in sockets:
        folder.mkdir()
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(str(sockets[1] / ".s.PGSQL.5432"))
    listener.listen(1)
    seen = []

    def serve():
        sock, _ = listener.accept()
        with sock:
            seen.append(_read_startup(sock)[:4])
            sock.sendall(_auth(0) + WELCOME)
            _read_message(sock)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    params = parse_url(f"postgresql://u@/db?host={sockets[0]},{sockets[1]}&sslmode=require", NO_ENV)
    try:
        with connect(params) as connection:
            assert not connection.ssl and connection.target.socket_path == str(sockets[1] / ".s.PGSQL.5432")
    finally:
        thread.join(5)
        listener.close()
    assert seen == [struct.pack("!i", pgwire.PROTOCOL_VERSION)]  # a startup message, not an SSLRequest
    with pytest.raises(PgConnectError) as info:
        connect(ConnectParams(hosts=[str(sockets[0])], ports=[5432], user="u", dbname="db"))
    assert str(info.value) == f"cannot connect to {sockets[0]}/.s.PGSQL.5432: no such file or directory"
