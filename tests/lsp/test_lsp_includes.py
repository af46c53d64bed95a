"""Several files open at once, one including another: references cross files, and a change in
the included file re-diagnoses the file that includes it."""
from __future__ import annotations

import asyncio

from conftest import change_document, open_document, pull, uses_pull

COMMON = """schema: common
enums:
  currency: [EUR, USD]
tables:
  users:
    columns:
      id: bigint pk identity
"""

SHOP = """schema: shop
include: [common.schema.yaml]
tables:
  orders:
    columns:
      id: bigint pk identity
      user_id: bigint not null references users
      cur: currency not null default 'EUR'
    indexes:
      - user_id
"""


async def shop_diagnostics(client, uri, action, expect=None):
    """The diagnostics of `uri` after `action`: pulled, or (push clients) the latest published
    ones once they satisfy `expect` — two files publish at nearly the same moment here, so
    waiting for "the next notification" could see the other file's."""
    if uses_pull(client):
        action()
        return await pull(client, uri)
    before = client.diagnostics.get(uri)
    action()
    for _ in range(200):
        current = client.diagnostics.get(uri)
        if current is not None and current is not before and (expect is None or expect(current)):
            return list(current)
        await asyncio.sleep(0.05)
    raise AssertionError(f"no diagnostics for {uri}: {client.diagnostics.get(uri)}")


async def test_a_change_in_an_included_file_rediagnoses_its_includers(client):
    common = client.workspace / "common.schema.yaml"
    shop = client.workspace / "shop.schema.yaml"
    common.write_text(COMMON)
    common_uri = common.as_uri()
    shop_uri = shop.as_uri()
    open_document(client, common, COMMON)
    found = await shop_diagnostics(client, shop_uri, lambda: open_document(client, shop, SHOP))
    assert found == []
    # the included file's unsaved buffer wins over the disk: users renamed there breaks the reference
    renamed = COMMON.replace("  users:", "  people:")
    found = await shop_diagnostics(client, shop_uri, lambda: change_document(client, common_uri, renamed, 2),
                                   expect=lambda ds: len(ds) > 0)
    assert [(d.code, d.range.start.line) for d in found] == [("reference/unknown-table", 6)]
    found = await shop_diagnostics(client, shop_uri, lambda: change_document(client, common_uri, COMMON, 3),
                                   expect=lambda ds: len(ds) == 0)
    assert found == []


async def test_an_include_that_does_not_exist(client):
    shop = client.workspace / "shop.schema.yaml"
    text = SHOP.replace("common.schema.yaml", "missing.schema.yaml")
    found = await shop_diagnostics(client, shop.as_uri(), lambda: open_document(client, shop, text))
    codes = sorted(d.code for d in found)
    assert "schema/include-not-found" in codes
    d = next(d for d in found if d.code == "schema/include-not-found")
    assert (d.range.start.line, d.range.start.character) == (1, text.splitlines()[1].index("missing"))


async def test_go_to_a_table_defined_in_an_included_file(client):
    from lsprotocol import types

    common = client.workspace / "common.schema.yaml"
    shop = client.workspace / "shop.schema.yaml"
    common.write_text(COMMON)  # not open: read from disk
    shop_uri = shop.as_uri()
    await shop_diagnostics(client, shop_uri, lambda: open_document(client, shop, SHOP))
    line = SHOP.splitlines()[6]
    for character in (line.index("users"), line.index("users") + 2, line.index("users") + 5):
        found = await client.text_document_definition_async(types.DefinitionParams(
            text_document=types.TextDocumentIdentifier(uri=shop_uri), position=types.Position(6, character)))
        assert [(f.uri, f.range.start.line, f.range.start.character) for f in found] == [(common.as_uri(), 4, 2)]
    enum_line = SHOP.splitlines()[7]
    found = await client.text_document_definition_async(types.DefinitionParams(
        text_document=types.TextDocumentIdentifier(uri=shop_uri),
        position=types.Position(7, enum_line.index("currency") + 1)))
    assert [(f.uri, f.range.start.line) for f in found] == [(common.as_uri(), 2)]


async def test_references_and_rename_cross_into_files_that_include(client):
    from lsprotocol import types

    common = client.workspace / "common.schema.yaml"
    shop = client.workspace / "shop.schema.yaml"
    common.write_text(COMMON)
    common_uri, shop_uri = common.as_uri(), shop.as_uri()
    open_document(client, common, COMMON)
    await shop_diagnostics(client, shop_uri, lambda: open_document(client, shop, SHOP))
    on_users = types.Position(4, 3)  # `  users:` in common
    found = await client.text_document_references_async(types.ReferenceParams(
        text_document=types.TextDocumentIdentifier(uri=common_uri), position=on_users,
        context=types.ReferenceContext(include_declaration=True)))
    assert sorted((f.uri, f.range.start.line) for f in found) == [(common_uri, 4), (shop_uri, 6)]
    # from the including side: the declaration in the included file, and this file's use
    found = await client.text_document_references_async(types.ReferenceParams(
        text_document=types.TextDocumentIdentifier(uri=shop_uri),
        position=types.Position(6, SHOP.splitlines()[6].index("users") + 1),
        context=types.ReferenceContext(include_declaration=True)))
    assert sorted((f.uri, f.range.start.line) for f in found) == [(common_uri, 4), (shop_uri, 6)]
    edit = await client.text_document_rename_async(types.RenameParams(
        text_document=types.TextDocumentIdentifier(uri=common_uri), position=on_users, new_name="people"))
    changed = {c.text_document.uri: c.edits for c in edit.document_changes} if edit.document_changes else edit.changes
    assert set(changed) == {common_uri, shop_uri}
    assert [(e.range.start.line, e.new_text) for e in changed[shop_uri]] == [(6, "people")]
