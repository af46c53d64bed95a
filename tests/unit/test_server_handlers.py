"""The language server's handlers are plain module-level functions: each can be imported and
called on a server that was initialized in memory, without a client or a stream."""
from __future__ import annotations

import pytest
from lsprotocol import types

from schema_lang_server import diagnostics, formatting, hover, navigation
from schema_lang_server.__main__ import build_server

URI = "file:///tmp/handlers.schema.yaml"
TEXT = """schema: shop
dialect: postgresql
tables:
  users:
    columns:
      id: bigint pk
      email: text unique
  orders:
    columns:
      id: bigint pk
      user_id: bigint references users(id)"""
TEXT += "   \n"  # trailing blanks: the one thing the formatter changes


def _initialized():
    server = build_server()
    steps = server.protocol.lsp_initialize(types.InitializeParams(capabilities=types.ClientCapabilities()))
    try:
        step = next(steps)
        while True:  # the server's own initialize handler runs as a step of pygls's
            handler, args, _ = step
            step = steps.send(handler(*args))
    except StopIteration as done:
        assert isinstance(done.value, types.InitializeResult)
    server.workspace.put_text_document(types.TextDocumentItem(uri=URI, language_id="yaml", version=1, text=TEXT))
    diagnostics.analyse_document(server, URI)
    return server


@pytest.fixture(scope="module")
def server():
    return _initialized()


def _doc() -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri=URI)


def _position(needle: str, occurrence: int = 0, delta: int = 0) -> types.Position:
    start = -1
    for _ in range(occurrence + 1):
        start = TEXT.index(needle, start + 1)
    offset = start + delta
    line = TEXT.count("\n", 0, offset)
    return types.Position(line=line, character=offset - (TEXT.rfind("\n", 0, offset) + 1))


def test_hover_handler(server):
    found = hover.hover(server, types.HoverParams(_doc(), _position("users:", delta=2)))
    assert found is not None
    assert "users" in found.contents.value
    assert found.range.start == _position("users:")


def test_definition_handler(server):
    target = navigation.definition(server, types.DefinitionParams(_doc(), _position("users(id)", delta=1)))
    locations = target if isinstance(target, list) else [target]
    assert [loc.range.start for loc in locations] == [_position("users:")]


def test_formatting_handler(server):
    edits = formatting.formatting(server, types.DocumentFormattingParams(
        _doc(), types.FormattingOptions(tab_size=2, insert_spaces=True)))
    # the only thing out of place is the trailing whitespace after `users(id)`
    assert len(edits) == 1
    assert edits[0].range.start.line == _position("user_id").line
