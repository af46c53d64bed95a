"""Formatting, range formatting and code lenses over LSP, as VS Code (UTF-16) and Neovim (UTF-8)."""
from __future__ import annotations

import asyncio

from conftest import apply_lsp_edits, diagnostics_after, open_document
from lsprotocol import types

from schema_lang.ide.format import format_text

# '🛒' is one code point, two UTF-16 units and four UTF-8 bytes: every edit and range after
# it on its line lands in the right place only if positions are converted for the client.
MESSY = """schema: shop
tables:
  users:
      columns:
        id: BIGINT  PK IDENTITY
        email: VARCHAR(255)   NOT NULL UNIQUE
  carts_🛒:
    columns:
      id: bigint pk identity
      note_🛒: TEXT   NOT NULL   
      user_id: BIGINT NOT NULL REFERENCES users ON DELETE CASCADE
queries:
  carts_of_user:
    sql: SELECT id FROM "carts_🛒" WHERE user_id = 1
"""

FORMATTED = """schema: shop
tables:
  users:
    columns:
      id: bigint pk identity
      email: varchar(255) not null unique
  carts_🛒:
    columns:
      id: bigint pk identity
      note_🛒: text not null
      user_id: bigint not null references users on delete cascade
queries:
  carts_of_user:
    sql: SELECT id FROM "carts_🛒" WHERE user_id = 1
"""


def utf8(client) -> bool:
    return client.profile == "neovim"  # the Neovim profile negotiates UTF-8, VS Code speaks UTF-16


def units(text: str, client) -> int:
    return len(text.encode("utf-8")) if utf8(client) else len(text.encode("utf-16-le")) // 2


async def _open(client, name: str, text: str) -> str:
    path = client.workspace / name
    await diagnostics_after(client, path.as_uri(), lambda: open_document(client, path, text))
    return path.as_uri()


def test_the_expected_text_is_the_engines():
    assert format_text(MESSY) == FORMATTED


async def test_formatting(client):
    uri = await _open(client, "shop.schema.yaml", MESSY)
    edits = await asyncio.wait_for(client.text_document_formatting_async(types.DocumentFormattingParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        options=types.FormattingOptions(tab_size=4, insert_spaces=True))), 10)
    assert edits
    assert apply_lsp_edits(MESSY, edits, utf8(client)) == FORMATTED
    # the edits are small: no line is replaced whole
    assert all(e.range.start.line == e.range.end.line for e in edits)
    # an edit after the cart on its line is placed in the client's units
    line = MESSY.split("\n").index("      note_🛒: TEXT   NOT NULL   ")
    on_line = sorted((e for e in edits if e.range.start.line == line), key=lambda e: e.range.start.character)
    prefix = "      note_🛒: "
    assert on_line[0].range.start.character == units(prefix, client)


async def test_formatting_a_formatted_file_changes_nothing(client):
    uri = await _open(client, "tidy.schema.yaml", FORMATTED)
    edits = await asyncio.wait_for(client.text_document_formatting_async(types.DocumentFormattingParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        options=types.FormattingOptions(tab_size=2, insert_spaces=True))), 10)
    assert not edits


async def test_the_tab_size_is_the_step_of_a_file_without_one(client):
    # nothing nested in blocks: the value on a line of its own is indented by the editor's tab size
    text = "schema: s\ndescription:\n         Free text\n\n\n"
    uri = await _open(client, "flat.schema.yaml", text)
    edits = await asyncio.wait_for(client.text_document_formatting_async(types.DocumentFormattingParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        options=types.FormattingOptions(tab_size=4, insert_spaces=True))), 10)
    assert apply_lsp_edits(text, edits, utf8(client)) == "schema: s\ndescription:\n    Free text\n"


async def test_range_formatting(client):
    uri = await _open(client, "range.schema.yaml", MESSY)
    lines = MESSY.split("\n")
    line = lines.index("      note_🛒: TEXT   NOT NULL   ")
    rng = types.Range(start=types.Position(line=line, character=0),
                      end=types.Position(line=line, character=units(lines[line], client)))
    edits = await asyncio.wait_for(client.text_document_range_formatting_async(
        types.DocumentRangeFormattingParams(text_document=types.TextDocumentIdentifier(uri=uri), range=rng,
                                            options=types.FormattingOptions(tab_size=2, insert_spaces=True))), 10)
    out = apply_lsp_edits(MESSY, edits, utf8(client))
    changed = [i for i, (a, b) in enumerate(zip(MESSY.split("\n"), out.split("\n"), strict=False)) if a != b]
    assert changed == [line]
    assert out.split("\n")[line] == "      note_🛒: text not null"


async def test_a_syntax_error_gets_no_edits(client):
    broken = MESSY.replace("queries:", "queries: [")
    uri = await _open(client, "broken.schema.yaml", broken)
    edits = await asyncio.wait_for(client.text_document_formatting_async(types.DocumentFormattingParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        options=types.FormattingOptions(tab_size=2, insert_spaces=True))), 10)
    assert not edits


async def test_code_lens_titles_and_references(client):
    uri = await _open(client, "lens.schema.yaml", FORMATTED)
    lenses = await asyncio.wait_for(client.text_document_code_lens_async(types.CodeLensParams(
        text_document=types.TextDocumentIdentifier(uri=uri))), 10)
    lines = FORMATTED.split("\n")
    by_line = {lens.range.start.line: lens for lens in lenses}
    users, carts = lines.index("  users:"), lines.index("  carts_🛒:")
    assert sorted(by_line) == [users, carts]
    assert by_line[users].command.title == "1 reference · BCNF · 0 queries"
    assert by_line[carts].command.title == "0 references · BCNF · 1 query"
    assert by_line[users].command.command == "schemaLang.showReferences"
    # the range covers the table's name, in the client's units
    cart_range = by_line[carts].range
    assert (cart_range.start.character, cart_range.end.character) == (2, 2 + units("carts_🛒", client))

    arguments = list(by_line[users].command.arguments)
    result = await asyncio.wait_for(client.workspace_execute_command_async(types.ExecuteCommandParams(
        command="schemaLang.showReferences", arguments=arguments)), 10)
    assert len(result) == 1
    location = result[0]
    target = location["range"] if isinstance(location, dict) else location.range
    start = target["start"] if isinstance(target, dict) else target.start
    line = start["line"] if isinstance(start, dict) else start.line
    character = start["character"] if isinstance(start, dict) else start.character
    referencing = lines.index("      user_id: bigint not null references users on delete cascade")
    assert line == referencing
    assert character == units("      user_id: bigint not null references ", client)
