"""The editor features on a file written in flow style, with non-ASCII names, as VS Code (UTF-16)
and Neovim (UTF-8): positions at the start, middle and end of names."""
from __future__ import annotations

from conftest import diagnostics_after, open_document
from lsprotocol import types
from pytest_lsp import LanguageClient

TEXT = (
    "schema: flow\n"
    "tables:\n"
    '  kunden: {description: "🙂 Kundschaft", columns: {id: bigint pk identity, größe: int}}\n'
    '  bestellungen: {description: "🛒", columns: {id: bigint pk identity,'
    ' kunde_id: "bigint  NOT NULL references kunden"}, indexes: [kunde_id]}\n'
)


def position(client: LanguageClient, offset: int) -> types.Position:
    line = TEXT.count("\n", 0, offset)
    prefix = TEXT[TEXT.rfind("\n", 0, offset) + 1:offset]
    utf8 = client.profile == "neovim"
    return types.Position(line, len(prefix.encode("utf-8")) if utf8 else len(prefix.encode("utf-16-le")) // 2)


def offsets(needle: str, name: str) -> list[int]:
    """Start, middle and end of `name` inside the first occurrence of `needle`."""
    start = TEXT.index(needle) + needle.index(name)
    return [start, start + len(name) // 2, start + len(name)]


async def opened(client: LanguageClient) -> str:
    path = client.workspace / "flow.schema.yaml"
    await diagnostics_after(client, path.as_uri(), lambda: open_document(client, path, TEXT))
    return path.as_uri()


async def test_definition_and_hover_in_flow_style(client):
    uri = opened_uri = await opened(client)
    for offset in offsets("references kunden", "kunden"):
        found = await client.text_document_definition_async(types.DefinitionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=position(client, offset)))
        assert [(f.uri, f.range.start) for f in found] == [(opened_uri, position(client, TEXT.index("kunden")))]
        hover = await client.text_document_hover_async(types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=position(client, offset)))
        assert "kunden" in hover.contents.value
    for offset in offsets("größe: int", "größe"):
        hover = await client.text_document_hover_async(types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=position(client, offset)))
        assert "größe" in hover.contents.value and "int" in hover.contents.value.lower()


async def test_completion_after_references_in_flow_style(client):
    path = client.workspace / "flow2.schema.yaml"
    text = TEXT.replace('"bigint  NOT NULL references kunden"}, indexes: [kunde_id]}', 'bigint references ')
    uri = path.as_uri()
    open_document(client, path, text)
    end = text.index('bigint references ') + len('bigint references ')
    line = text.count("\n", 0, end)
    prefix = text[text.rfind("\n", 0, end) + 1:end]
    character = len(prefix.encode("utf-8")) if client.profile == "neovim" else len(prefix.encode("utf-16-le")) // 2
    found = await client.text_document_completion_async(types.CompletionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line, character)))
    items = found.items if hasattr(found, "items") else found
    assert {"kunden", "bestellungen"} <= {i.label for i in items}


async def test_formatting_normalizes_the_shorthand_inside_flow_style(client):
    uri = await opened(client)
    edits = await client.text_document_formatting_async(types.DocumentFormattingParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        options=types.FormattingOptions(tab_size=2, insert_spaces=True)))
    assert edits, "the shorthand has a double space and upper-case keywords"
    lines = TEXT.split("\n")
    utf8 = client.profile == "neovim"
    for e in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        assert e.range.start.line == e.range.end.line == 3  # only the shorthand's line changes
        line = lines[3]
        encoded = line.encode("utf-8") if utf8 else line.encode("utf-16-le")
        width = 1 if utf8 else 2
        a, b = e.range.start.character * width, e.range.end.character * width
        encoded = encoded[:a] + (e.new_text.encode("utf-8") if utf8 else e.new_text.encode("utf-16-le")) + encoded[b:]
        lines[3] = encoded.decode("utf-8" if utf8 else "utf-16-le")
    assert 'kunde_id: "bigint not null references kunden"}' in lines[3]
