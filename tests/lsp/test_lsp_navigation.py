"""Navigation over LSP, as VS Code (UTF-16) and Neovim (UTF-8): definition, references,
highlights, rename, document and workspace symbols."""
from __future__ import annotations

import asyncio

import pytest
import pytest_lsp
from conftest import _config, apply_lsp_edits, open_document
from lsprotocol import types
from pytest_lsp import LanguageClient, client_capabilities

from schema_lang.analysis import analyze

# 📚 (outside the BMP) is 1 code point, 2 UTF-16 units and 4 UTF-8 bytes; ü is 1, 1 and 2:
# every name after them on a line sits at a different character in each encoding.
TEXT = """\
schema: bibliothek
tables:
  autoren:
    columns:
      id: bigint pk
      name: text not null
  bücher:   # 📚 die Bücher
    columns:
      id: bigint pk
      autor_id: {description: "📚 wer es schrieb", type: bigint, references: autoren(id)}
      titel: text not null
    indexes:
      - autor_id
queries:
  nach_autor: SELECT b.titel /* 📚 */ FROM bücher b JOIN autoren a ON a.id = b.autor_id WHERE a.name = ?
"""


def utf8(client: LanguageClient) -> bool:
    return client.profile == "neovim"


def position(client: LanguageClient, text: str, offset: int) -> types.Position:
    """The client's position of a code-point offset, in its negotiated encoding."""
    line = text.count("\n", 0, offset)
    prefix = text[text.rfind("\n", 0, offset) + 1:offset]
    character = len(prefix.encode("utf-8")) if utf8(client) else len(prefix.encode("utf-16-le")) // 2
    return types.Position(line=line, character=character)


def span_range(client: LanguageClient, text: str, start: int, end: int) -> types.Range:
    return types.Range(start=position(client, text, start), end=position(client, text, end))


def find(text: str, needle: str, nth: int = 0) -> int:
    at = -1
    for _ in range(nth + 1):
        at = text.index(needle, at + 1)
    return at


def name_range(client, text: str, needle: str, name: str, nth: int = 0) -> types.Range:
    start = find(text, needle, nth) + needle.index(name)
    return span_range(client, text, start, start + len(name))


def inside(text: str, needle: str, name: str, nth: int = 0) -> list[int]:
    """Offsets at the start, in the middle and at the end of `name` where `needle` contains it."""
    start = find(text, needle, nth) + needle.index(name)
    return [start, start + len(name) // 2, start + len(name)]


def edits_of(client: LanguageClient, workspace_edit: types.WorkspaceEdit, uri: str, version: int):
    """The text edits of a rename, in the shape the client asked for."""
    if client_capabilities(client.profile).workspace.workspace_edit.document_changes:
        assert workspace_edit.changes is None
        (change,) = workspace_edit.document_changes
        assert change.text_document.uri == uri and change.text_document.version == version
        return change.edits
    assert workspace_edit.document_changes is None
    return workspace_edit.changes[uri]


def open_text(client: LanguageClient, name: str = "bib.schema.yaml", text: str = TEXT) -> str:
    return open_document(client, client.workspace / name, text)


def doc_id(uri: str) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri=uri)


async def wait(awaitable):
    return await asyncio.wait_for(awaitable, 10)


async def test_definition_from_start_middle_and_end_of_names(client):
    uri = open_text(client)
    key = name_range(client, TEXT, "  bücher:", "bücher")
    for offset in inside(TEXT, "FROM bücher b", "bücher"):
        found = await wait(client.text_document_definition_async(types.DefinitionParams(
            text_document=doc_id(uri), position=position(client, TEXT, offset))))
        assert [(loc.uri, loc.range) for loc in found] == [(uri, key)]
    # after an emoji inside a quoted string on the same line
    for offset in inside(TEXT, "references: autoren(id)", "autoren"):
        found = await wait(client.text_document_definition_async(types.DefinitionParams(
            text_document=doc_id(uri), position=position(client, TEXT, offset))))
        assert [loc.range for loc in found] == [name_range(client, TEXT, "  autoren:", "autoren")]
    nothing = await wait(client.text_document_definition_async(types.DefinitionParams(
        text_document=doc_id(uri), position=position(client, TEXT, find(TEXT, "bibliothek")))))
    assert not nothing


async def test_references_of_a_column(client):
    uri = open_text(client)
    for offset in inside(TEXT, "b.autor_id", "autor_id"):
        found = await wait(client.text_document_references_async(types.ReferenceParams(
            text_document=doc_id(uri), position=position(client, TEXT, offset),
            context=types.ReferenceContext(include_declaration=True))))
        assert [loc.range for loc in found] == [
            name_range(client, TEXT, "autor_id: {", "autor_id"),
            name_range(client, TEXT, "- autor_id", "autor_id"),
            name_range(client, TEXT, "b.autor_id", "autor_id")]
    found = await wait(client.text_document_references_async(types.ReferenceParams(
        text_document=doc_id(uri), position=position(client, TEXT, find(TEXT, "      id: bigint pk") + 6),
        context=types.ReferenceContext(include_declaration=False))))
    assert [loc.range for loc in found] == [name_range(client, TEXT, "autoren(id)", "id"),
                                            name_range(client, TEXT, "a.id", "id")]


async def test_document_highlight(client):
    uri = open_text(client)
    found = await wait(client.text_document_document_highlight_async(types.DocumentHighlightParams(
        text_document=doc_id(uri), position=position(client, TEXT, find(TEXT, "bücher:") + 3))))
    assert [(h.range, h.kind) for h in found] == [
        (name_range(client, TEXT, "  bücher:", "bücher"), types.DocumentHighlightKind.Write),
        (name_range(client, TEXT, "FROM bücher", "bücher"), types.DocumentHighlightKind.Read)]


async def test_prepare_rename_and_rename_a_table(client):
    uri = open_text(client)
    at = position(client, TEXT, find(TEXT, "FROM bücher") + len("FROM bücher"))  # the end of the name
    prepared = await wait(client.text_document_prepare_rename_async(types.PrepareRenameParams(
        text_document=doc_id(uri), position=at)))
    assert prepared.range == name_range(client, TEXT, "FROM bücher", "bücher")
    assert prepared.placeholder == "bücher"
    nothing = await wait(client.text_document_prepare_rename_async(types.PrepareRenameParams(
        text_document=doc_id(uri), position=position(client, TEXT, find(TEXT, "bigint pk")))))
    assert nothing is None
    edit = await wait(client.text_document_rename_async(types.RenameParams(
        text_document=doc_id(uri), position=at, new_name="bände")))
    out = apply_lsp_edits(TEXT, edits_of(client, edit, uri, 1), utf8(client))
    assert "  bände:   # 📚 die Bücher\n    was: bücher\n    columns:" in out
    assert "SELECT b.titel /* 📚 */ FROM bände b JOIN" in out
    after = analyze(out)
    assert not [d for d in after.diagnostics if d.severity.value == "error"]
    assert after.schema.tables["bände"].was == "bücher"


async def test_rename_a_column_after_an_emoji(client):
    uri = open_text(client)
    edit = await wait(client.text_document_rename_async(types.RenameParams(
        text_document=doc_id(uri), position=position(client, TEXT, find(TEXT, "autoren(id)") + 9),
        new_name="nr")))
    out = apply_lsp_edits(TEXT, edit_list := edits_of(client, edit, uri, 1), utf8(client))
    assert len(edit_list) == 4  # the key, the reference, the query, the added `was`
    assert "      nr: bigint pk was id\n      name: text" in out
    assert 'references: autoren(nr)}' in out and "ON a.nr = b.autor_id" in out
    assert "      id: bigint pk\n      autor_id" in out  # bücher.id is another column
    assert not [d for d in analyze(out).diagnostics if d.severity.value == "error"]


async def test_refused_rename_is_an_lsp_error(client):
    uri = open_text(client)
    at = position(client, TEXT, find(TEXT, "JOIN autoren") + 6)
    with pytest.raises(Exception) as refused:
        await wait(client.text_document_rename_async(types.RenameParams(
            text_document=doc_id(uri), position=at, new_name="bücher")))
    assert "a table named 'bücher' already exists" in str(refused.value)
    assert getattr(refused.value, "code", None) == -32803
    with pytest.raises(Exception) as refused:
        await wait(client.text_document_rename_async(types.RenameParams(
            text_document=doc_id(uri), position=at, new_name="1st")))
    assert "not a valid table name" in str(refused.value)
    # the server is still fine
    found = await wait(client.text_document_definition_async(types.DefinitionParams(
        text_document=doc_id(uri), position=at)))
    assert found[0].range == name_range(client, TEXT, "  autoren:", "autoren")


async def test_document_symbols(client):
    uri = open_text(client)
    found = await wait(client.text_document_document_symbol_async(types.DocumentSymbolParams(
        text_document=doc_id(uri))))
    assert [(s.name, s.kind) for s in found] == [
        ("autoren", types.SymbolKind.Struct), ("bücher", types.SymbolKind.Struct),
        ("nach_autor", types.SymbolKind.Function)]
    books = found[1]
    assert books.selection_range == name_range(client, TEXT, "  bücher:", "bücher")
    assert [(c.name, c.kind) for c in books.children] == [
        ("id", types.SymbolKind.Field), ("autor_id", types.SymbolKind.Field), ("titel", types.SymbolKind.Field),
        ("(autor_id)", types.SymbolKind.Key)]
    assert books.children[1].selection_range == name_range(client, TEXT, "autor_id: {", "autor_id")
    assert books.children[1].detail == "bigint"


async def test_workspace_symbols_over_open_documents(client):
    uri = open_text(client)
    other = open_text(client, "other.schema.yaml", "schema: other\ntables:\n  büchereien:\n    columns:\n"
                                                   "      id: bigint pk\n")
    found = await wait(client.workspace_symbol_async(types.WorkspaceSymbolParams(query="büch")))
    assert sorted((s.name, s.location.uri) for s in found) == [("bücher", uri), ("büchereien", other)]
    books = next(s for s in found if s.name == "bücher")
    assert books.location.range == name_range(client, TEXT, "  bücher:", "bücher")
    assert books.kind == types.SymbolKind.Struct
    found = await wait(client.workspace_symbol_async(types.WorkspaceSymbolParams(query="titel")))
    assert [(s.name, s.container_name) for s in found] == [("titel", "bücher")]


@pytest_lsp.fixture(config=_config())
async def flat_client(lsp_client: LanguageClient, tmp_path):
    """A client without hierarchical document symbols (Neovim's capabilities, otherwise)."""
    lsp_client.profile = "neovim"
    lsp_client.workspace = tmp_path
    capabilities = client_capabilities("neovim")
    capabilities.text_document.document_symbol.hierarchical_document_symbol_support = False
    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=capabilities, initialization_options={"debounceMs": 20}, root_uri=tmp_path.as_uri()))
    yield
    await lsp_client.shutdown_session()


async def test_flat_document_symbols_for_clients_without_hierarchy(flat_client):
    client = flat_client
    uri = open_text(client)
    found = await wait(client.text_document_document_symbol_async(types.DocumentSymbolParams(
        text_document=doc_id(uri))))
    assert all(isinstance(s, types.SymbolInformation) for s in found)
    assert [(s.name, s.container_name) for s in found][:4] == [
        ("autoren", None), ("id", "autoren"), ("name", "autoren"), ("bücher", None)]
    books = found[3]
    assert books.location.uri == uri
    assert books.location.range == name_range(client, TEXT, "  bücher:", "bücher")


async def test_rename_without_was_when_the_setting_says_so(fresh_client):
    client = fresh_client  # changes a setting the server keeps
    client.set_configuration({"renameAddsWas": False}, section="schemaLang")
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    await asyncio.sleep(0.3)
    uri = open_text(client)
    at = position(client, TEXT, find(TEXT, "FROM bücher") + 2 + len("FROM "))
    edit = await wait(client.text_document_rename_async(types.RenameParams(
        text_document=doc_id(uri), position=at, new_name="bände")))
    out = apply_lsp_edits(TEXT, edits_of(client, edit, uri, 1), utf8(client))
    assert "  bände:   # 📚 die Bücher\n    columns:" in out and "was: bücher" not in out
