"""Normalization in the editor: quick fixes, the refactor action and hover, over LSP."""
from __future__ import annotations

import asyncio

from conftest import apply_lsp_edits, diagnostics_after, open_document
from lsprotocol import types

from schema_lang.analysis import analyze

TEXT = """schema: shop
tables:
  products:
    columns:
      id: bigint pk
      name: text not null
  order_items:  # lines of an order
    primary_key: [order_id, product_id]
    columns:
      order_id: bigint
      product_id: bigint references products
      warehouse_code: text
      warehouse_city: text
      quantity: int not null
    dependencies:
      - product_id -> warehouse_code
      - warehouse_code -> warehouse_city
"""


def utf8(client) -> bool:
    return client.profile == "neovim"


async def test_quick_fix_moves_the_partial_dependency(client):
    path = client.workspace / "shop.schema.yaml"
    uri = path.as_uri()
    diagnostics = await diagnostics_after(client, uri, lambda: open_document(client, path, TEXT))
    partial = next(d for d in diagnostics if d.code == "normalization/partial-dependency")
    assert partial.message.startswith("order_items.warehouse_code, warehouse_city depend on product_id, "
                                      "only part of the key (order_id, product_id): 2NF")
    actions = await asyncio.wait_for(client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=partial.range,
        context=types.CodeActionContext(diagnostics=[partial]))), 10)
    titles = [a.title for a in actions]
    assert "Move warehouse_code, warehouse_city to products" in titles
    move = actions[titles.index("Move warehouse_code, warehouse_city to products")]
    assert move.kind == types.CodeActionKind.QuickFix and move.is_preferred
    out = apply_lsp_edits(TEXT, move.edit.changes[uri], utf8(client))
    assert "  order_items:  # lines of an order\n" in out  # the comment survives
    after = analyze(out)
    assert not [d for d in after.diagnostics if d.rule.startswith("normalization/") and d.table == "order_items"]
    assert "warehouse_code" in after.schema.tables["products"].columns


async def test_refactor_action_normalizes_the_table(client):
    path = client.workspace / "shop.schema.yaml"
    uri = path.as_uri()
    await diagnostics_after(client, uri, lambda: open_document(client, path, TEXT))
    line = TEXT.splitlines().index("  order_items:  # lines of an order")
    at = types.Position(line, 4)
    actions = await asyncio.wait_for(client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=types.Range(at, at),
        context=types.CodeActionContext(diagnostics=[], only=[types.CodeActionKind.Refactor]))), 10)
    titles = [a.title for a in actions]
    assert titles == ["Normalize table order_items to 3NF", "Normalize table order_items to BCNF"]
    out = apply_lsp_edits(TEXT, actions[0].edit.changes[uri], utf8(client))
    doc = analyze(out)
    assert "warehouses" in doc.schema.tables
    assert not [d for d in doc.diagnostics if d.severity.value == "error"]


async def test_hover_on_a_table_shows_keys_and_normal_form(client):
    path = client.workspace / "shop.schema.yaml"
    uri = path.as_uri()
    await diagnostics_after(client, uri, lambda: open_document(client, path, TEXT))
    line = TEXT.splitlines().index("  order_items:  # lines of an order")
    for character in (2, 7, 13):  # start, middle, end of the name
        hover = await asyncio.wait_for(client.text_document_hover_async(types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line, character))), 10)
        value = hover.contents.value
        assert "Normal form: **1NF**" in value
        assert "Candidate keys: (order_id, product_id)" in value
        assert "`product_id -> warehouse_code`" in value and "`warehouse_code -> warehouse_city`" in value
    # not on a table name: nothing
    nothing = await asyncio.wait_for(client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(0, 2))), 10)
    assert nothing is None


INDEXED = """schema: shop
tables:
  orders:
    columns:
      id: bigint pk
      user_id: bigint not null
      placed_at: timestamptz not null
queries:
  recent:
    sql: SELECT id FROM orders WHERE user_id = ? ORDER BY placed_at DESC LIMIT 10
    frequency: 500/s
"""


async def test_add_index_quick_fix(client):
    path = client.workspace / "idx.schema.yaml"
    uri = path.as_uri()
    diagnostics = await diagnostics_after(client, uri, lambda: open_document(client, path, INDEXED))
    (missing,) = [d for d in diagnostics if d.code == "index/query-missing-index"]
    assert "add index (user_id, placed_at desc) to orders" in missing.message and "(500/s)" in missing.message
    actions = await asyncio.wait_for(client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=missing.range,
        context=types.CodeActionContext(diagnostics=[missing]))), 10)
    (add,) = [a for a in actions if a.title.startswith("Add index")]
    assert add.title == "Add index (user_id, placed_at desc) to orders"
    out = apply_lsp_edits(INDEXED, add.edit.changes[uri], utf8(client))
    assert "    indexes:\n      - (user_id, placed_at desc)\n" in out
    assert [d for d in analyze(out).diagnostics if d.rule.startswith("index/")] == []
