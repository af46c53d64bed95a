"""Completion over LSP, as VS Code (UTF-16) and Neovim (UTF-8) clients, and as a client without snippets."""
from __future__ import annotations

import asyncio

import pytest
import pytest_lsp
from conftest import _config, diagnostics_after, open_document
from lsprotocol import types
from pytest_lsp import LanguageClient, client_capabilities

TEXT = """schema: shop
enums:
  order_status: [pending, paid]
tables:
  users:
    description: Registered customer accounts
    columns:
      id: bigint pk identity
      email: varchar(255) not null
  orders:
    columns:
      id: bigint pk identity
      user_id: bigint references users
      status: order_status default 'pending'
"""


async def request(client: LanguageClient, uri: str, line: int, character: int) -> list[types.CompletionItem]:
    result = await asyncio.wait_for(client.text_document_completion_async(types.CompletionParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        position=types.Position(line=line, character=character))), 10)
    assert isinstance(result, types.CompletionList)
    return list(result.items)


async def opened(client: LanguageClient, text: str, name: str = "shop.schema.yaml") -> str:
    path = client.workspace / name
    uri = path.as_uri()
    # wait for the first analysis, so the server has a last good document too
    await diagnostics_after(client, uri, lambda: open_document(client, path, text))
    return uri


def by_label(items, label):
    return next(i for i in items if i.label == label)


def units(text: str, encoding: str) -> int:
    if encoding == "utf-8":
        return len(text.encode("utf-8"))
    return len(text.encode("utf-16-le")) // 2


def encoding_of(client: LanguageClient) -> str:
    """The encoding the server picks: UTF-8 when the client offers it (Neovim), else UTF-16."""
    offered = client_capabilities(client.profile).general.position_encodings or ()
    return "utf-8" if types.PositionEncodingKind.Utf8 in offered else "utf-16"


async def test_tables_after_references_at_end_of_file(client):
    text = TEXT + "      buyer_id: bigint references "
    uri = await opened(client, text)
    line = text.count("\n")
    items = await request(client, uri, line, len(text.splitlines()[-1]))
    assert [i.label for i in items] == ["users", "orders"]
    users = items[0]
    assert users.kind == types.CompletionItemKind.Class
    assert users.detail == "Registered customer accounts"
    assert users.text_edit.new_text == "users"
    assert users.text_edit.range == types.Range(types.Position(line, 34), types.Position(line, 34))


@pytest.mark.parametrize("where", ["start", "middle", "end"])
async def test_positions_in_a_partial_word(client, where):
    text = TEXT + "      buyer_id: bigint references use\n"
    uri = await opened(client, text)
    line = text.count("\n") - 1
    start = text.splitlines()[line].index("use")
    character = {"start": start, "middle": start + 1, "end": start + 3}[where]
    items = await request(client, uri, line, character)
    if where == "start":
        # nothing typed before the cursor: still a table name, and the word after is replaced
        assert "users" in [i.label for i in items]
    users = by_label(items, "users")
    assert users.text_edit.range == types.Range(types.Position(line, start), types.Position(line, start + 3))


async def test_snippets_follow_the_client(client):
    caps = client_capabilities(client.profile).text_document.completion.completion_item
    text = TEXT + "      total: "
    uri = await opened(client, text)
    items = await request(client, uri, text.count("\n"), len(text.splitlines()[-1]))
    decimal = by_label(items, "decimal")
    if caps.snippet_support:  # both bundled profiles advertise snippet support
        assert decimal.insert_text_format == types.InsertTextFormat.Snippet
        assert decimal.text_edit.new_text == "decimal(${1:10},${2:2})"
    else:
        assert decimal.text_edit.new_text == "decimal(10,2)"
    assert decimal.kind == types.CompletionItemKind.TypeParameter
    assert decimal.documentation.kind == types.MarkupKind.Markdown
    assert "PostgreSQL" in decimal.documentation.value
    order_status = by_label(items, "order_status")
    assert order_status.kind == types.CompletionItemKind.Enum


async def test_new_table_snippet_keeps_its_indentation(client):
    text = TEXT + "  "
    uri = await opened(client, text)
    items = await request(client, uri, text.count("\n"), 2)
    snippet = by_label(items, "new table")
    assert snippet.kind == types.CompletionItemKind.Snippet
    lines = snippet.text_edit.new_text.split("\n")
    assert lines[1] == "    columns:" and lines[2] == "      id: bigint pk identity"
    if client_capabilities(client.profile).text_document.completion.completion_item.insert_text_mode_support:
        assert snippet.insert_text_mode == types.InsertTextMode.AsIs
    else:
        assert snippet.insert_text_mode is None


async def test_non_ascii_names_after_an_emoji(client):
    """An emoji (two UTF-16 units, four UTF-8 bytes) and accented letters before the cursor:
    the range must be in the negotiated encoding."""
    text = ("schema: x\ntables:\n  kunden_größe:\n    columns:\n      id: bigint pk\n      straße: text\n"
            "  bestellungen:\n    columns:\n      id: bigint pk\n"
            "      \"😀\": bigint references kunden_größe(st")
    uri = await opened(client, text)
    line = text.count("\n")
    last = text.splitlines()[-1]
    encoding = encoding_of(client)
    cursor = units(last, encoding)
    items = await request(client, uri, line, cursor)
    assert [i.label for i in items] == ["id", "straße"]
    start = units(last[:last.index("(st") + 1], encoding)
    assert items[1].text_edit.range == types.Range(types.Position(line, start), types.Position(line, cursor))
    # and a table name with non-ASCII letters, after the emoji
    text2 = text[:text.rindex("kunden_größe(st")] + "kunden_g"
    uri2 = await opened(client, text2, "second.schema.yaml")
    last2 = text2.splitlines()[-1]
    items = await request(client, uri2, line, units(last2, encoding))
    table = by_label(items, "kunden_größe")
    assert table.text_edit.range.start.character == units(last2[:-len("kunden_g")], encoding)


async def test_rule_ids_in_an_ignore_comment(client):
    text = TEXT + "      note: text  # schema-lang: ignore[design/"
    uri = await opened(client, text)
    items = await request(client, uri, text.count("\n"), len(text.splitlines()[-1]))
    rule = by_label(items, "design/reserved-word")
    assert rule.detail == "A name that is a reserved word in the target dialect"
    assert rule.documentation.kind == types.MarkupKind.Markdown
    start = text.splitlines()[-1].index("design/")
    assert rule.text_edit.range.start.character == start


async def test_completion_uses_the_current_text_before_any_analysis(client):
    text = TEXT + "      status2: order_status default "
    path = client.workspace / "fresh.schema.yaml"
    open_document(client, path, text)
    items = await request(client, path.as_uri(), text.count("\n"), len(text.splitlines()[-1]))
    assert [i.text_edit.new_text for i in items] == ["'pending'", "'paid'"]


# ---------------------------------------------------------------------------
# a client without snippet support

def _plain_capabilities() -> types.ClientCapabilities:
    caps = client_capabilities("neovim")
    caps.text_document.completion.completion_item.snippet_support = False
    return caps


@pytest_lsp.fixture(config=_config())
async def plain_client(lsp_client: LanguageClient, tmp_path):
    lsp_client.profile = "neovim"
    lsp_client.workspace = tmp_path
    lsp_client.initialize_result = await lsp_client.initialize_session(types.InitializeParams(
        capabilities=_plain_capabilities(), initialization_options={"debounceMs": 20},
        root_uri=tmp_path.as_uri(), workspace_folders=[types.WorkspaceFolder(uri=tmp_path.as_uri(), name="ws")]))
    yield
    await lsp_client.shutdown_session()


async def test_plain_text_without_snippet_support(plain_client):
    client = plain_client
    provider = client.initialize_result.capabilities.completion_provider
    assert set(provider.trigger_characters) == {" ", "(", ".", ",", "[", ":"}
    assert str(client.initialize_result.capabilities.position_encoding) == encoding_of(client)
    text = TEXT + "      total: "
    path = client.workspace / "plain.schema.yaml"
    open_document(client, path, text)
    items = await request(client, path.as_uri(), text.count("\n"), len(text.splitlines()[-1]))
    assert all(i.insert_text_format != types.InsertTextFormat.Snippet for i in items)
    assert by_label(items, "decimal").text_edit.new_text == "decimal(10,2)"
    text2 = TEXT + "  "
    path2 = client.workspace / "plain2.schema.yaml"
    open_document(client, path2, text2)
    items = await request(client, path2.as_uri(), text2.count("\n"), 2)
    assert by_label(items, "new table").text_edit.new_text.startswith("new_table:\n    columns:\n")
