"""pytest-lsp fixtures: the real server over stdio, driven as VS Code and as Neovim."""
from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

ROOT = Path(__file__).resolve().parents[2]
SERVER = [sys.executable, "-m", "schema_lang_server"]
PROFILES = ["visual-studio-code", "neovim"]


def _config():
    return ClientServerConfig(server_command=SERVER, server_env={"PYTHONPATH": str(ROOT)})


async def _start(client: LanguageClient, profile: str, options: dict | None, workspace: Path) -> None:
    await client.initialize_session(types.InitializeParams(
        capabilities=client_capabilities(profile),
        initialization_options=options,
        root_uri=workspace.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=workspace.as_uri(), name="ws")],
    ))


async def _session(request, lsp_client: LanguageClient, workspace: Path, options: dict, force_push: bool):
    lsp_client.profile = request.param
    lsp_client.workspace = workspace
    lsp_client.force_push = force_push
    await _start(lsp_client, request.param, options, workspace)


# One server per module and profile serves every test that changes no server setting: starting a
# server is most of an LSP test's time. `_isolated_test` below gives each test the state a fresh
# server would have for it: its own folder, no documents left open by earlier tests, and empty
# records of messages, shown documents and progress. A test that changes a setting the server
# keeps (workspace/didChangeConfiguration) takes `fresh_client`, a server of its own.

def _track_open_documents(lsp_client: LanguageClient) -> None:
    lsp_client.open_uris = set()
    did_open, did_close = lsp_client.text_document_did_open, lsp_client.text_document_did_close

    def opened(params: types.DidOpenTextDocumentParams) -> None:
        lsp_client.open_uris.add(params.text_document.uri)
        did_open(params)

    def closed(params: types.DidCloseTextDocumentParams) -> None:
        lsp_client.open_uris.discard(params.text_document.uri)
        did_close(params)

    lsp_client.text_document_did_open = opened
    lsp_client.text_document_did_close = closed


@pytest_lsp.fixture(config=_config(), params=PROFILES, scope="module")
async def client(request, lsp_client: LanguageClient, tmp_path_factory):
    """Diagnostics as each editor gets them by default: pushed to VS Code, pulled by Neovim."""
    await _session(request, lsp_client, tmp_path_factory.mktemp("ws"), {"debounceMs": 20}, force_push=False)
    _track_open_documents(lsp_client)
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=_config(), params=PROFILES, scope="module")
async def push_client(request, lsp_client: LanguageClient, tmp_path_factory):
    """A client told to receive pushed diagnostics, whatever its capabilities."""
    await _session(request, lsp_client, tmp_path_factory.mktemp("ws"),
                   {"debounceMs": 20, "diagnosticsMode": "push"}, force_push=True)
    _track_open_documents(lsp_client)
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=_config(), params=PROFILES)
async def fresh_client(request, lsp_client: LanguageClient, tmp_path):
    """`client`, but a server of its own, for a test that changes the server's settings."""
    await _session(request, lsp_client, tmp_path, {"debounceMs": 20}, force_push=False)
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=_config(), params=PROFILES)
async def save_client(request, lsp_client: LanguageClient, tmp_path):
    await _session(request, lsp_client, tmp_path,
                   {"validateOn": "save", "diagnosticsMode": "push", "debounceMs": 0}, force_push=True)
    yield
    await lsp_client.shutdown_session()


SHARED_CLIENTS = ("client", "push_client")


@pytest.fixture(autouse=True)
def _isolated_test(request, tmp_path):
    shared = [request.getfixturevalue(name) for name in SHARED_CLIENTS if name in request.fixturenames]
    for lsp_client in shared:
        lsp_client.workspace = tmp_path
        for record in (lsp_client.messages, lsp_client.log_messages, lsp_client.shown_documents):
            record.clear()
        lsp_client.progress_reports.clear()
        lsp_client._last_log_index = 0
    yield
    for lsp_client in shared:
        for uri in sorted(lsp_client.open_uris):
            lsp_client.text_document_did_close(types.DidCloseTextDocumentParams(
                text_document=types.TextDocumentIdentifier(uri=uri)))


def uses_pull(client: LanguageClient) -> bool:
    return client_capabilities(client.profile).text_document.diagnostic is not None


async def next_publish(client: LanguageClient, uri: str, timeout: float = 10.0) -> list[types.Diagnostic]:
    """Waits for the next publishDiagnostics for `uri`."""
    async def wait():
        while True:
            params = await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
            if params.uri == uri:
                return list(params.diagnostics)

    return await asyncio.wait_for(wait(), timeout)


async def pull(client: LanguageClient, uri: str) -> list[types.Diagnostic]:
    report = await asyncio.wait_for(client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))), 10)
    return list(report.items)


def open_document(client: LanguageClient, path: Path, text: str, version: int = 1) -> str:
    uri = path.as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id="yaml", version=version, text=text)))
    return uri


def change_document(client: LanguageClient, uri: str, text: str, version: int) -> None:
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))


async def diagnostics_after(client: LanguageClient, uri: str, action) -> list[types.Diagnostic]:
    """Runs `action` (a plain function sending notifications) and returns the
    diagnostics that follow: pulled for clients that pull, else the next push."""
    if uses_pull(client) and not getattr(client, "force_push", False):
        action()
        return await pull(client, uri)
    waiter = asyncio.ensure_future(next_publish(client, uri))
    await asyncio.sleep(0)  # let the waiter register before anything can arrive
    action()
    return await waiter


def apply_lsp_edits(text: str, edits, utf8: bool) -> str:
    """Applies LSP text edits to `text`, counting characters the way the client does (UTF-8
    bytes, or UTF-16 code units); a position inside a character, or overlapping edits, fail."""
    lines = text.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)

    def offset(position: types.Position) -> int:
        line = lines[position.line] if position.line < len(lines) else ""
        units, i = 0, 0
        while i < len(line) and units < position.character:
            units += len(line[i].encode("utf-8")) if utf8 else (2 if ord(line[i]) > 0xFFFF else 1)
            i += 1
        assert units == position.character or i == len(line), "a position inside a character"
        return starts[min(position.line, len(lines))] + i

    out, pos = [], 0
    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character)):
        start, end = offset(edit.range.start), offset(edit.range.end)
        assert start >= pos, "overlapping edits"
        out.append(text[pos:start])
        out.append(edit.new_text)
        pos = end
    out.append(text[pos:])
    return "".join(out)
