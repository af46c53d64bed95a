"""A small PostgreSQL client on the standard library alone, for reading a catalog.

It speaks the frontend/backend protocol version 3.0: the startup message,
authentication (trust, cleartext password, MD5 and SCRAM-SHA-256 without channel
binding), optional TLS negotiated with SSLRequest, and the simple query protocol
with every value in text form.  That is all an importer needs; there are no
parameters, no extended protocol, no COPY.

    params = parse_url("postgresql://alice:secret@db.example.com/shop?sslmode=require")
    with connect(params) as connection:
        result = connection.query("SELECT relname FROM pg_class")
        result.columns   # ["relname"]
        result.rows      # [["pg_statistic"], ...], every value a str or None

URLs follow libpq's conventions (`postgresql://` or `postgres://`, percent-decoding,
`?host=/socket/dir`, a host starting with `/` for a Unix socket, the PG* environment
variables as defaults).  Nothing waits without a limit: connecting, TLS and
authentication share a deadline of `connect_timeout` seconds (10 unless given), and
each read of a query's answer waits at most `Connection.timeout` seconds.

Errors are `PgError`s: `PgConnectError` (nothing to talk to), `PgProtocolError` (the
peer does not speak PostgreSQL's protocol), `PgAuthError` (the client cannot or will
not authenticate as asked) and `PgServerError` (the server's ErrorResponse, with its
SQLSTATE).  No message ever contains the password.
"""
from __future__ import annotations

import base64
import contextlib
import getpass
import hashlib
import hmac
import os
import secrets
import socket
import ssl
import stringprep
import struct
import threading
import time
import unicodedata
from dataclasses import dataclass, field
from typing import cast
from urllib.parse import unquote

PROTOCOL_VERSION = 3 << 16  # 3.0
SSL_REQUEST_CODE = 80877103
DEFAULT_PORT = 5432
DEFAULT_CONNECT_TIMEOUT = 10.0
DEFAULT_QUERY_TIMEOUT = 300.0
DEFAULT_SOCKET_DIRS = ("/var/run/postgresql", "/tmp")
SSLMODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
MAX_MESSAGE = 1 << 30  # the server never sends more than 1 GB in one message

# query parameters libpq knows that this client accepts and ignores (they change
# nothing about what it reads, nor how safely); any other unknown parameter is an error,
# as in libpq, and so are those that would connect elsewhere or less safely if ignored
_IGNORED_PARAMS = frozenset({
    "options", "application_name", "fallback_application_name", "client_encoding", "keepalives",
    "keepalives_idle", "keepalives_interval", "keepalives_count", "tcp_user_timeout", "target_session_attrs",
    "load_balance_hosts", "gsslib", "krbsrvname", "sslcompression", "sslsni", "sslcrl", "sslcrldir",
    "sslpassword", "ssl_min_protocol_version", "ssl_max_protocol_version", "replication", "passfile",
    "sslnegotiation",
})
_UNSUPPORTED_PARAMS = frozenset({"hostaddr", "service", "requirepeer", "require_auth"})


# --- errors ---------------------------------------------------------------------------------

class PgError(Exception):
    """Anything that went wrong talking to PostgreSQL.  `target` is the server it happened
    with (a socket path or host:port), when known."""

    def __init__(self, message: str, target: str | None = None) -> None:
        super().__init__(message)
        self.message, self.target = message, target


class PgConnectError(PgError):
    """No server could be reached (refused, unknown host, timeout, TLS failure).  `failures`
    lists (target, reason) for every target tried; the message names them all."""

    def __init__(self, reason: str, target: str | None = None,
                 failures: list[tuple[str, str]] | None = None) -> None:
        self.reason = reason
        self.failures = failures if failures is not None else ([(target, reason)] if target else [])
        text = ("cannot connect to " + "; ".join(f"{t}: {r}" for t, r in self.failures)) if self.failures else reason
        super().__init__(text, target)


class PgProtocolError(PgError):
    """The peer sent something PostgreSQL's protocol does not allow: not a PostgreSQL server."""


class PgAuthError(PgError):
    """The client cannot authenticate as the server asks (no password, unsupported method,
    a server that could not prove it knows the password)."""


class PgServerError(PgError):
    """An ErrorResponse: `sqlstate` ("28P01", "3D000", ...), `message`, and every field
    by its protocol code in `fields` ("S" severity, "D" detail, "H" hint, ...)."""

    def __init__(self, fields: dict[str, str], target: str | None = None) -> None:
        self.fields = fields
        self.sqlstate = fields.get("C", "")
        self.severity = fields.get("V", fields.get("S", "ERROR"))
        self.detail = fields.get("D")
        self.hint = fields.get("H")
        message = fields.get("M", "unknown error")
        super().__init__(message, target)
        self.args = (f"{message} (SQLSTATE {self.sqlstate})" if self.sqlstate else message,)


# --- connection parameters -------------------------------------------------------------------

@dataclass(slots=True)
class Target:
    """One place to connect to: a TCP host and port, or a Unix socket file."""
    host: str
    port: int
    socket_path: str | None = None  # "<dir>/.s.PGSQL.<port>" for a Unix socket

    def describe(self) -> str:
        if self.socket_path is not None:
            return self.socket_path
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"


@dataclass(slots=True)
class ConnectParams:
    """Where and how to connect.  `hosts` are host names, IP addresses or absolute socket
    directories; `ports` has one port, or one per host.  `schema` is not libpq's: it is the
    `?schema=` of a schema-lang URL, which schema an importer reads (None when not given)."""
    hosts: list[str]
    ports: list[int]
    user: str
    dbname: str
    password: str | None = field(default=None, repr=False)
    sslmode: str = "prefer"
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT
    sslrootcert: str | None = None
    sslcert: str | None = None
    sslkey: str | None = None
    schema: str | None = None

    def targets(self) -> list[Target]:
        out = []
        for i, host in enumerate(self.hosts):
            port = self.ports[i] if len(self.ports) > 1 else self.ports[0]
            if host.startswith("/"):
                out.append(Target(host, port, os.path.join(host, f".s.PGSQL.{port}")))
            else:
                out.append(Target(host, port))
        return out

    def describe(self) -> str:
        """The servers tried, for messages: socket paths or host:port, never the password."""
        return ", ".join(t.describe() for t in self.targets())


def _split_hosts(text: str) -> tuple[list[str], list[str]]:
    """`host1:5432,[::1]:5433,host3` -> (hosts, ports); a port may be missing ("")."""
    hosts, ports = [], []
    for item in text.split(","):
        host, port = item, ""
        if item.startswith("["):
            end = item.find("]")
            if end < 0:
                raise ValueError(f"unterminated IPv6 address in {item!r}")
            host, rest = item[1:end], item[end + 1:]
            if rest and not rest.startswith(":"):
                raise ValueError(f"unexpected {rest!r} after an IPv6 address")
            port = rest[1:]
        elif ":" in item:
            host, port = item.rsplit(":", 1)
        hosts.append(unquote(host))
        ports.append(unquote(port))
    return hosts, ports


def _port(text: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise ValueError(f"invalid port number {text!r}")
    return int(text)


def parse_url(url: str, environ: dict[str, str] | None = None) -> ConnectParams:
    """Connection parameters from a `postgresql://` or `postgres://` URL, as libpq reads it:
    `postgresql://[user[:password]@][host[:port][,...]][/dbname][?param=value&...]`, every part
    percent-decoded, query parameters overriding the parts before them.  What the URL leaves
    out comes from PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE, PGSSLMODE, PGCONNECT_TIMEOUT,
    PGSSLROOTCERT, PGSSLCERT and PGSSLKEY (from `environ`, os.environ by default), then from libpq's defaults:
    the OS user, a database named like the user, port 5432, and the Unix sockets in
    /var/run/postgresql then /tmp.  A host starting with `/` is a socket directory.
    ValueError for anything that is not such a URL (the message never contains the password)."""
    env = os.environ if environ is None else environ
    scheme, sep, rest = url.partition("://")
    if not sep or scheme.lower() not in ("postgresql", "postgres"):
        raise ValueError("not a PostgreSQL URL: expected postgresql:// or postgres://")
    rest, _, fragment = rest.partition("#")
    rest, _, query = rest.partition("?")
    authority, slash, path = rest.partition("/")
    userinfo = None
    if "@" in authority:
        userinfo, _, authority = authority.rpartition("@")
    values: dict[str, str] = {}
    if userinfo is not None:
        url_user, has_password, url_password = userinfo.partition(":")
        if url_user:
            values["user"] = unquote(url_user)
        if has_password:
            values["password"] = unquote(url_password)
    if authority:
        url_hosts, url_ports = _split_hosts(authority)
        if any(url_hosts):
            values["host"] = ",".join(url_hosts)
        if any(url_ports):
            values["port"] = ",".join(url_ports)
    if slash and path:
        values["dbname"] = unquote(path)
    if query:
        for pair in query.split("&"):
            if not pair:
                continue
            key, eq, value = pair.partition("=")
            key = unquote(key)
            if not eq:
                raise ValueError(f"missing value for URL parameter {key!r}")
            if key in ("host", "port", "user", "password", "dbname", "sslmode", "connect_timeout",
                       "sslrootcert", "sslcert", "sslkey", "schema"):
                values[key] = unquote(value)
            elif key in ("channel_binding", "gssencmode"):
                if unquote(value) == "require":
                    raise ValueError(f"{key}=require is not supported")
            elif key in _UNSUPPORTED_PARAMS:
                raise ValueError(f"URL parameter {key!r} is not supported")
            elif key not in _IGNORED_PARAMS:
                raise ValueError(f"unknown URL parameter {key!r}")

    def pick(key: str, env_name: str | None) -> str | None:
        if values.get(key):
            return values[key]
        if env_name and env.get(env_name):
            return env[env_name]
        return None

    host_text = pick("host", "PGHOST")
    hosts = host_text.split(",") if host_text else list(_default_socket_dirs())
    port_text = pick("port", "PGPORT") or ""
    port_items = port_text.split(",") if port_text else [""]
    if len(port_items) not in (1, len(hosts)):
        raise ValueError(f"{len(port_items)} ports given for {len(hosts)} hosts")
    ports = [_port(p) if p else DEFAULT_PORT for p in port_items]
    # an empty host in a list (",host2") is the default socket directory, as in libpq
    hosts = [h if h else _default_socket_dirs()[0] for h in hosts]
    user = pick("user", "PGUSER") or _os_user()
    # an empty password is no password (libpq then asks its password file)
    password = values["password"] if values.get("password") else (env.get("PGPASSWORD") or None)
    dbname = pick("dbname", "PGDATABASE") or user
    sslmode = pick("sslmode", "PGSSLMODE") or "prefer"
    if sslmode not in SSLMODES:
        raise ValueError(f"invalid sslmode {sslmode!r}: expected one of {', '.join(SSLMODES)}")
    timeout_text = pick("connect_timeout", "PGCONNECT_TIMEOUT")
    connect_timeout = DEFAULT_CONNECT_TIMEOUT
    if timeout_text is not None:
        try:
            connect_timeout = float(timeout_text)
        except ValueError:
            raise ValueError(f"invalid connect_timeout {timeout_text!r}") from None
        if connect_timeout != connect_timeout:  # NaN
            raise ValueError(f"invalid connect_timeout {timeout_text!r}")
        # libpq waits forever on 0; this client never does: 0 (or less) is the default
        connect_timeout = DEFAULT_CONNECT_TIMEOUT if connect_timeout <= 0 else max(connect_timeout, 0.5)
    return ConnectParams(hosts=hosts, ports=ports, user=user, dbname=dbname, password=password,
                         sslmode=sslmode, connect_timeout=connect_timeout,
                         sslrootcert=pick("sslrootcert", "PGSSLROOTCERT"), sslcert=pick("sslcert", "PGSSLCERT"),
                         sslkey=pick("sslkey", "PGSSLKEY"), schema=values.get("schema") or None)


def _default_socket_dirs() -> tuple[str, ...]:
    return DEFAULT_SOCKET_DIRS if hasattr(socket, "AF_UNIX") else ("localhost",)


def _os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in the environment nor in the password database
        return "postgres"


# --- message framing -------------------------------------------------------------------------

def message(kind: bytes, payload: bytes = b"") -> bytes:
    """A frontend message: its type byte, its length (counting itself) and its payload."""
    return kind + struct.pack("!i", len(payload) + 4) + payload


def startup_message(parameters: dict[str, str]) -> bytes:
    """The StartupMessage: no type byte, the length, protocol 3.0, then name/value pairs."""
    body = struct.pack("!i", PROTOCOL_VERSION)
    for key, value in parameters.items():
        body += key.encode() + b"\0" + value.encode() + b"\0"
    body += b"\0"
    return struct.pack("!i", len(body) + 4) + body


def ssl_request() -> bytes:
    return struct.pack("!ii", 8, SSL_REQUEST_CODE)


def cstring(text: str) -> bytes:
    return text.encode() + b"\0"


def parse_error_fields(payload: bytes) -> dict[str, str]:
    """The fields of an ErrorResponse or NoticeResponse, by their one-letter code."""
    fields: dict[str, str] = {}
    pos = 0
    while pos < len(payload) and payload[pos] != 0:
        code = chr(payload[pos])
        end = payload.find(b"\0", pos + 1)
        if end < 0:
            raise PgProtocolError("malformed error message from the server")
        fields[code] = payload[pos + 1:end].decode("utf-8", "replace")
        pos = end + 1
    return fields


def parse_row_description(payload: bytes) -> list[str]:
    (count,) = struct.unpack_from("!h", payload, 0)
    names, pos = [], 2
    for _ in range(count):
        end = payload.index(b"\0", pos)
        names.append(payload[pos:end].decode("utf-8", "replace"))
        pos = end + 1 + 18  # table oid, column number, type oid, type size, type modifier, format
    return names


def parse_data_row(payload: bytes, encoding: str = "utf-8") -> list[str | None]:
    (count,) = struct.unpack_from("!h", payload, 0)
    values: list[str | None] = []
    pos = 2
    for _ in range(count):
        (length,) = struct.unpack_from("!i", payload, pos)
        pos += 4
        if length < 0:
            values.append(None)
        else:
            values.append(payload[pos:pos + length].decode(encoding, "replace"))
            pos += length
    return values


# --- authentication ----------------------------------------------------------------------------

def md5_password(user: str, password: str, salt: bytes) -> str:
    """The answer to AuthenticationMD5Password: "md5" + md5(md5(password + user) + salt)."""
    inner = hashlib.md5((password + user).encode()).hexdigest()
    return "md5" + hashlib.md5(inner.encode() + salt).hexdigest()


def saslprep(text: str) -> str:
    """SASLprep (RFC 4013) of a password.  As in PostgreSQL, a password that SASLprep refuses
    (prohibited or unassigned characters, wrong bidirectional text) is used as it is."""
    mapped = "".join(" " if stringprep.in_table_c12(ch) else ch for ch in text if not stringprep.in_table_b1(ch))
    normalized = unicodedata.normalize("NFKC", mapped)
    if not normalized:
        return text
    prohibited = (stringprep.in_table_c12, stringprep.in_table_c21, stringprep.in_table_c22,
                  stringprep.in_table_c3, stringprep.in_table_c4, stringprep.in_table_c5,
                  stringprep.in_table_c6, stringprep.in_table_c7, stringprep.in_table_c8,
                  stringprep.in_table_c9, stringprep.in_table_a1)
    if any(check(ch) for ch in normalized for check in prohibited):
        return text
    if any(stringprep.in_table_d1(ch) for ch in normalized) and (
            any(stringprep.in_table_d2(ch) for ch in normalized) or not (
                stringprep.in_table_d1(normalized[0]) and stringprep.in_table_d1(normalized[-1]))):
        return text
    return normalized


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


class ScramSHA256:
    """The client side of SCRAM-SHA-256 (RFC 5802, RFC 7677), without channel binding
    (gs2 header "n,,").  PostgreSQL takes the user from the startup message and ignores the
    SCRAM user name, so it is empty unless given (the RFC's test vector gives one)."""

    GS2_HEADER = "n,,"

    def __init__(self, password: str, username: str = "", nonce: str | None = None) -> None:
        self.password = password
        self.username = username.replace("=", "=3D").replace(",", "=2C")
        self.nonce = nonce or _b64(secrets.token_bytes(18))
        self.client_first_bare = f"n={self.username},r={self.nonce}"
        self.server_signature: bytes | None = None
        self.verified = False  # the server proved it knows the password

    def client_first(self) -> str:
        return self.GS2_HEADER + self.client_first_bare

    def client_final(self, server_first: str) -> str:
        attributes = _scram_attributes(server_first)
        if "m" in attributes:
            raise PgAuthError("SCRAM: the server asks for an extension this client does not know")
        nonce, salt, iterations = attributes.get("r"), attributes.get("s"), attributes.get("i")
        if not nonce or salt is None or iterations is None:
            raise PgAuthError("SCRAM: malformed server-first-message")
        if not nonce.startswith(self.nonce) or len(nonce) == len(self.nonce):
            raise PgAuthError("SCRAM: the server's nonce does not extend the client's")
        if not iterations.isdigit() or int(iterations) < 1:
            raise PgAuthError("SCRAM: invalid iteration count")
        try:
            salt_bytes = base64.b64decode(salt, validate=True)
        except ValueError:
            raise PgAuthError("SCRAM: invalid salt") from None
        salted = hashlib.pbkdf2_hmac("sha256", saslprep(self.password).encode(), salt_bytes, int(iterations))
        client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
        stored_key = hashlib.sha256(client_key).digest()
        without_proof = f"c={_b64(self.GS2_HEADER.encode())},r={nonce}"
        auth_message = f"{self.client_first_bare},{server_first},{without_proof}".encode()
        signature = hmac.new(stored_key, auth_message, hashlib.sha256).digest()
        proof = bytes(a ^ b for a, b in zip(client_key, signature, strict=False))
        server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()
        self.server_signature = hmac.new(server_key, auth_message, hashlib.sha256).digest()
        return f"{without_proof},p={_b64(proof)}"

    def verify_server_final(self, server_final: str) -> None:
        """Raises PgAuthError unless the server proved that it knows the password too."""
        attributes = _scram_attributes(server_final)
        if "e" in attributes:
            raise PgAuthError(f"SCRAM: the server refused the proof ({attributes['e']})")
        try:
            verifier = base64.b64decode(attributes.get("v", ""), validate=True)
        except ValueError:
            verifier = b""
        if self.server_signature is None or not hmac.compare_digest(verifier, self.server_signature):
            raise PgAuthError("SCRAM: the server's signature is wrong: it does not know the password")
        self.verified = True


def _scram_attributes(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in text.split(","):
        if len(part) >= 2 and part[1] == "=":
            out.setdefault(part[0], part[2:])
    return out


# --- the connection ------------------------------------------------------------------------------

@dataclass(slots=True)
class QueryResult:
    columns: list[str]
    rows: list[list[str | None]]
    command: str = ""  # the command tag: "SELECT 3", "SET", ...


class _Transport:
    """A socket (plain or TLS) with a read buffer and a deadline or a per-read timeout."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buffer = bytearray()
        self.deadline: float | None = None
        self.timeout = DEFAULT_QUERY_TIMEOUT

    def _wait(self) -> float:
        if self.deadline is None:
            return self.timeout
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("timed out")
        return left

    def send(self, data: bytes) -> None:
        self.sock.settimeout(self._wait())
        self.sock.sendall(data)

    def recv_exact(self, n: int) -> bytes:
        while len(self.buffer) < n:
            self.sock.settimeout(self._wait())
            chunk = self.sock.recv(max(65536, n - len(self.buffer)))
            if not chunk:
                raise PgConnectError("the server closed the connection")
            self.buffer += chunk
        data = bytes(self.buffer[:n])
        del self.buffer[:n]
        return data

    def read_message(self) -> tuple[bytes, bytes]:
        header = self.recv_exact(5)
        kind = header[:1]
        (length,) = struct.unpack("!i", header[1:])
        if length < 4 or length > MAX_MESSAGE:
            raise PgProtocolError(f"not a PostgreSQL server: invalid message length {length}")
        return kind, self.recv_exact(length - 4)


def _resolve(target: Target, deadline: float) -> list[tuple]:
    """getaddrinfo with the deadline: a resolver that does not answer must not hang the caller."""
    box: dict[str, object] = {}

    def run() -> None:
        try:
            box["result"] = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
        except OSError as exc:
            box["error"] = exc

    thread = threading.Thread(target=run, daemon=True, name="pgwire-resolve")
    thread.start()
    thread.join(max(0.0, deadline - time.monotonic()))
    if thread.is_alive():
        raise PgConnectError("could not resolve the host name: timed out", target.describe())
    if "error" in box:
        error = cast(OSError, box["error"])
        raise PgConnectError(f"could not resolve the host name: {_os_reason(error)}", target.describe())
    return cast("list[tuple]", box["result"])


def _os_reason(exc: BaseException) -> str:
    if isinstance(exc, socket.timeout):
        return "timed out"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror[0].lower() + exc.strerror[1:]
    return str(exc) or type(exc).__name__


def _open_socket(target: Target, deadline: float) -> socket.socket:
    if target.socket_path is not None:
        if not hasattr(socket, "AF_UNIX"):
            raise PgConnectError("Unix-domain sockets are not available on this system", target.describe())
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.settimeout(max(0.001, deadline - time.monotonic()))
            sock.connect(target.socket_path)
        except OSError as exc:
            sock.close()
            raise PgConnectError(_os_reason(exc), target.describe()) from None
        return sock
    last: BaseException | None = None
    for family, kind, proto, _name, address in _resolve(target, deadline):
        sock = socket.socket(family, kind, proto)
        try:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("timed out")
            sock.settimeout(left)
            sock.connect(address)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            return sock
        except OSError as exc:
            sock.close()
            last = exc
    raise PgConnectError(_os_reason(last) if last else "no address", target.describe())


def _ssl_context(params: ConnectParams) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    if params.sslmode in ("verify-ca", "verify-full"):
        context.check_hostname = params.sslmode == "verify-full"
        context.verify_mode = ssl.CERT_REQUIRED
        root = params.sslrootcert
        default_root = os.path.join(os.path.expanduser("~"), ".postgresql", "root.crt")
        if root is None and os.path.exists(default_root):
            root = default_root
        if root is None or root == "system":
            context.load_default_certs()
        else:
            try:
                context.load_verify_locations(cafile=root)
            except (OSError, ssl.SSLError) as exc:
                raise PgConnectError(f"cannot read the root certificate {root}: {_os_reason(exc)}") from None
    else:  # allow, prefer, require: encrypted, not verified (libpq's meaning)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    if params.sslcert:
        try:
            context.load_cert_chain(params.sslcert, params.sslkey)
        except (OSError, ssl.SSLError) as exc:
            raise PgConnectError(f"cannot read the client certificate {params.sslcert}: {_os_reason(exc)}") from None
    return context


class _Retry(Exception):
    """Internal: this attempt failed in a way the sslmode says to retry with the other choice."""

    def __init__(self, error: PgError) -> None:
        super().__init__(str(error))
        self.error = error


class Connection:
    """One session with a server, after a successful startup.  `parameters` holds what the
    server reported (server_version, server_encoding, ...); `ssl` tells whether the session is
    encrypted.  Use it as a context manager, or call close() (which sends Terminate)."""

    def __init__(self, transport: _Transport, target: Target, parameters: dict[str, str], tls: bool) -> None:
        self._transport = transport
        self.target = target
        self.parameters = parameters
        self.ssl = tls
        self.closed = False

    @property
    def timeout(self) -> float:
        return self._transport.timeout

    @timeout.setter
    def timeout(self, seconds: float) -> None:
        self._transport.timeout = seconds

    def query(self, sql: str) -> QueryResult:
        """Runs `sql` with the simple query protocol and returns the last result (columns, rows
        of str | None, command tag).  An ErrorResponse raises PgServerError once the server is
        ready again, so the connection stays usable."""
        if self.closed:
            raise PgConnectError("the connection is closed", self.target.describe())
        error: PgServerError | None = None
        try:
            self._transport.send(message(b"Q", cstring(sql)))
            result = QueryResult([], [])
            encoding = "utf-8" if self.parameters.get("client_encoding", "UTF8").upper() in ("UTF8", "UNICODE") \
                else "latin-1"
            while True:
                kind, payload = self._transport.read_message()
                if kind == b"T":
                    result = QueryResult(parse_row_description(payload), [])
                elif kind == b"D":
                    result.rows.append(parse_data_row(payload, encoding))
                elif kind == b"C":
                    result.command = payload.rstrip(b"\0").decode("utf-8", "replace")
                elif kind == b"E":
                    error = PgServerError(parse_error_fields(payload), self.target.describe())
                elif kind == b"Z":
                    break
                elif kind == b"S":
                    self._parameter_status(payload)
                elif kind in (b"I", b"N", b"A"):  # empty query, notice, notification
                    continue
                elif kind == b"G":  # COPY FROM STDIN: refuse it, the server answers with an error
                    self._transport.send(message(b"f", cstring("COPY is not supported by this client")))
                elif kind in (b"H", b"d", b"c", b"W"):  # COPY TO STDOUT: its data is dropped
                    continue
                else:
                    raise PgProtocolError(f"unexpected message {kind!r} from the server")
        except (OSError, PgError, struct.error, ValueError) as exc:
            self._abort()
            if error is not None and error.severity in ("FATAL", "PANIC"):
                raise error from None  # why the server closed the connection
            if isinstance(exc, PgConnectError):
                raise PgConnectError(f"lost the connection: {exc.reason}", self.target.describe()) from None
            if isinstance(exc, PgError):
                exc.target = exc.target or self.target.describe()
                raise
            if isinstance(exc, (struct.error, ValueError)):
                raise PgProtocolError("malformed message from the server", self.target.describe()) from None
            raise PgConnectError(f"lost the connection: {_os_reason(exc)}", self.target.describe()) from None
        if error is not None:
            raise error
        return result

    def _parameter_status(self, payload: bytes) -> None:
        parts = payload.split(b"\0")
        if len(parts) >= 2:
            self.parameters[parts[0].decode("utf-8", "replace")] = parts[1].decode("utf-8", "replace")

    def _abort(self) -> None:
        self.closed = True
        with contextlib.suppress(OSError):
            self._transport.sock.close()

    def close(self) -> None:
        """Sends Terminate and closes the socket; never raises."""
        if self.closed:
            return
        self.closed = True
        try:
            self._transport.deadline = None
            self._transport.timeout = 2.0
            self._transport.send(message(b"X"))
        except OSError:
            pass
        with contextlib.suppress(OSError):
            self._transport.sock.close()

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def connect(params: ConnectParams | str, query_timeout: float = DEFAULT_QUERY_TIMEOUT) -> Connection:
    """Connects to the first target that answers (in the order of `params.targets()`).  The
    first error a server itself reports (a wrong password, an unknown database) ends the
    attempt at once; unreachable targets are skipped and reported together."""
    if isinstance(params, str):
        params = parse_url(params)
    failures: list[tuple[str, str]] = []
    for target in params.targets():
        try:
            connection = _connect_target(params, target)
        except PgConnectError as exc:
            failures.extend(exc.failures or [(target.describe(), exc.reason)])
            continue
        connection.timeout = query_timeout
        return connection
    raise PgConnectError(failures[-1][1] if failures else "no server to connect to",
                         failures[-1][0] if failures else None, failures)


def _connect_target(params: ConnectParams, target: Target) -> Connection:
    unix = target.socket_path is not None
    mode = "disable" if unix else params.sslmode  # never TLS over a Unix socket (libpq's rule)
    if mode == "allow":
        attempts = [False, True]
    elif mode == "prefer":
        attempts = [True, False]
    else:
        attempts = [mode != "disable"]
    for i, tls in enumerate(attempts):
        last = i == len(attempts) - 1
        try:
            return _attempt(params, target, tls, required=tls and mode not in ("allow", "prefer"),
                            retry_possible=not last)
        except _Retry as retry:
            if last:
                raise retry.error from None
    raise AssertionError("unreachable")


def _attempt(params: ConnectParams, target: Target, tls: bool, required: bool, retry_possible: bool) -> Connection:
    deadline = time.monotonic() + params.connect_timeout
    sock = _open_socket(target, deadline)
    transport = _Transport(sock)
    transport.deadline = deadline
    encrypted = False
    try:
        if tls:
            transport.send(ssl_request())
            answer = transport.recv_exact(1)
            if answer == b"S":
                if transport.buffer:  # bytes after 'S' before the handshake: a man in the middle
                    raise PgProtocolError("the server sent unencrypted data after accepting TLS")
                context = _ssl_context(params)
                try:
                    sock.settimeout(max(0.001, deadline - time.monotonic()))
                    sock = context.wrap_socket(sock, server_hostname=target.host)
                except (ssl.SSLError, ssl.CertificateError, OSError) as exc:
                    error = PgConnectError(f"TLS failed: {_os_reason(exc)}", target.describe())
                    if retry_possible:
                        raise _Retry(error) from None
                    raise error from None
                transport.sock = sock
                encrypted = True
            elif answer == b"N":
                if required:
                    raise PgConnectError(f"the server does not support TLS (sslmode={params.sslmode})",
                                         target.describe())
            elif answer == b"E":  # a server too old to know SSLRequest
                error = PgConnectError("the server does not support TLS", target.describe())
                if retry_possible:
                    raise _Retry(error)
                raise error
            else:
                raise PgProtocolError(f"not a PostgreSQL server: it answered {answer!r} to SSLRequest",
                                      target.describe())
        parameters = _startup(transport, params, target)
    except _Retry:
        _close_quietly(transport.sock)
        raise
    except PgServerError as exc:
        _close_quietly(transport.sock)
        exc.target = target.describe()
        # refused by pg_hba.conf (28000): the other choice of encryption may be allowed; a
        # wrong password (28P01) or an unknown database would only be refused a second time
        if retry_possible and exc.sqlstate == "28000":
            raise _Retry(exc) from None
        raise
    except PgConnectError as exc:
        _close_quietly(transport.sock)
        if exc.failures:
            raise
        raise PgConnectError(exc.reason, target.describe()) from None
    except PgError as exc:
        _close_quietly(transport.sock)
        if exc.target is None:
            exc.target = target.describe()
        raise
    except (OSError, struct.error) as exc:
        _close_quietly(transport.sock)
        raise PgConnectError(_os_reason(exc), target.describe()) from None
    transport.deadline = None
    return Connection(transport, target, parameters, encrypted)


def _close_quietly(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.close()


def _startup(transport: _Transport, params: ConnectParams, target: Target) -> dict[str, str]:
    transport.send(startup_message({"user": params.user, "database": params.dbname,
                                    "client_encoding": "UTF8", "application_name": "schema-lang"}))
    parameters: dict[str, str] = {}
    scram: ScramSHA256 | None = None
    first = True
    while True:
        kind, payload = transport.read_message()
        if first and kind not in (b"R", b"E", b"N", b"v"):
            raise PgProtocolError(f"not a PostgreSQL server: it answered {kind!r} to the startup message",
                                  target.describe())
        first = False
        if kind == b"E":
            raise PgServerError(parse_error_fields(payload), target.describe())
        if kind == b"R":
            if len(payload) < 4:
                raise PgProtocolError("malformed authentication request")
            (code,) = struct.unpack_from("!i", payload, 0)
            if code == 0:  # AuthenticationOk
                if scram is not None and not scram.verified:
                    raise PgAuthError("SCRAM: the server accepted the login without proving it knows the password")
                continue
            if code == 3:  # cleartext password
                transport.send(message(b"p", cstring(_password(params, target))))
            elif code == 5:  # MD5, with a 4-byte salt
                salt = payload[4:8]
                transport.send(message(b"p", cstring(md5_password(params.user, _password(params, target), salt))))
            elif code == 10:  # SASL: the mechanisms the server offers
                mechanisms = [m.decode("ascii", "replace") for m in payload[4:].split(b"\0") if m]
                if "SCRAM-SHA-256" not in mechanisms:
                    raise PgAuthError(f"the server offers only SASL mechanisms this client does not support: "
                                      f"{', '.join(mechanisms)}")
                scram = ScramSHA256(_password(params, target))
                first_message = scram.client_first().encode()
                transport.send(message(b"p", cstring("SCRAM-SHA-256") + struct.pack("!i", len(first_message))
                                       + first_message))
            elif code == 11:  # SASL continue: server-first-message
                if scram is None:
                    raise PgProtocolError("SASL continue without SASL")
                final = scram.client_final(payload[4:].decode("utf-8", "replace"))
                transport.send(message(b"p", final.encode()))
            elif code == 12:  # SASL final: server-final-message
                if scram is None or scram.server_signature is None:
                    raise PgProtocolError("SASL final without SASL")
                scram.verify_server_final(payload[4:].decode("utf-8", "replace"))
            else:
                names = {2: "Kerberos V5", 6: "SCM credentials", 7: "GSSAPI", 9: "SSPI"}
                raise PgAuthError(f"the server asks for {names.get(code, f'authentication method {code}')}, "
                                  "which this client does not support")
        elif kind == b"S":
            parts = payload.split(b"\0")
            if len(parts) >= 2:
                parameters[parts[0].decode("utf-8", "replace")] = parts[1].decode("utf-8", "replace")
        elif kind in (b"K", b"N", b"v"):  # BackendKeyData, a notice, NegotiateProtocolVersion
            continue
        elif kind == b"Z":
            return parameters
        else:
            raise PgProtocolError(f"unexpected message {kind!r} during startup")


def _password(params: ConnectParams, target: Target) -> str:
    if params.password is None:
        raise PgAuthError(f"the server asks for a password for user \"{params.user}\", and none was given",
                          target.describe())
    return params.password
