"""Diagnostics over LSP, as VS Code (push, UTF-16) and Neovim (pull, UTF-8) clients."""
from __future__ import annotations

import asyncio
import sys

import pytest
from conftest import ROOT, change_document, diagnostics_after, next_publish, open_document, uses_pull
from lsprotocol import types

sys.path.insert(0, str(ROOT / "bench"))
from gen_schema import schema_yaml  # noqa: E402

VALID = """schema: shop
tables:
  users:
    columns:
      id: bigint pk identity
      email: varchar(255) not null unique
  orders:
    columns:
      id: bigint pk identity
      user_id: bigint not null references users
    indexes:
      - user_id
"""

BROKEN = VALID.replace("references users", "references usrs")


def codes(diagnostics) -> list[str]:
    return sorted(d.code for d in diagnostics)


async def test_clean_file_has_no_diagnostics(client):
    path = client.workspace / "shop.schema.yaml"
    diagnostics = await diagnostics_after(client, path.as_uri(), lambda: open_document(client, path, VALID))
    assert diagnostics == []


async def test_unknown_table_is_underlined_exactly(client):
    path = client.workspace / "shop.schema.yaml"
    diagnostics = await diagnostics_after(client, path.as_uri(), lambda: open_document(client, path, BROKEN))
    assert codes(diagnostics) == ["reference/unknown-table"]
    d = diagnostics[0]
    line = BROKEN.splitlines()[9]
    start = line.index("usrs")
    assert d.range == types.Range(types.Position(9, start), types.Position(9, start + 4))
    assert d.severity == types.DiagnosticSeverity.Error
    assert "did you mean 'users'" in d.message
    assert d.source == "schema-lang"
    assert d.code_description is not None and d.code_description.href.endswith("reference/unknown-table.md")


async def test_edit_breaks_then_fixes(client):
    path = client.workspace / "shop.schema.yaml"
    uri = path.as_uri()
    assert await diagnostics_after(client, uri, lambda: open_document(client, path, VALID)) == []
    broken = await diagnostics_after(client, uri, lambda: change_document(client, uri, BROKEN, 2))
    assert codes(broken) == ["reference/unknown-table"]
    fixed = await diagnostics_after(client, uri, lambda: change_document(client, uri, VALID, 3))
    assert fixed == []


async def test_rapid_edits_publish_the_latest_version_only(push_client):
    client = push_client
    path = client.workspace / "shop.schema.yaml"
    uri = path.as_uri()
    await diagnostics_after(client, uri, lambda: open_document(client, path, VALID))
    waiter = asyncio.ensure_future(next_publish(client, uri))
    await asyncio.sleep(0)
    for version in range(2, 7):  # faster than the debounce: only the last should be analysed
        change_document(client, uri, BROKEN if version % 2 == 0 else VALID + f"# {version}\n", version)
    diagnostics = await waiter
    assert codes(diagnostics) == ["reference/unknown-table"]  # version 6 is BROKEN
    # nothing else follows for the superseded versions
    with pytest.raises(asyncio.TimeoutError):
        await next_publish(client, uri, timeout=0.5)


async def test_push_on_open_change_close(push_client):
    client = push_client
    path = client.workspace / "shop.schema.yaml"
    uri = path.as_uri()
    assert codes(await diagnostics_after(client, uri, lambda: open_document(client, path, BROKEN))) == [
        "reference/unknown-table"]
    assert await diagnostics_after(client, uri, lambda: change_document(client, uri, VALID, 2)) == []
    closed = await diagnostics_after(client, uri, lambda: client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))))
    assert closed == []


async def test_validate_on_save(save_client):
    client = save_client
    path = client.workspace / "shop.schema.yaml"
    uri = path.as_uri()
    assert await diagnostics_after(client, uri, lambda: open_document(client, path, VALID)) == []
    change_document(client, uri, BROKEN, 2)
    with pytest.raises(asyncio.TimeoutError):  # typing alone does not re-check
        await next_publish(client, uri, timeout=0.6)
    saved = await diagnostics_after(client, uri, lambda: client.text_document_did_save(
        types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))))
    assert codes(saved) == ["reference/unknown-table"]


async def test_pull_answers_unchanged_for_same_version(client):
    path = client.workspace / "shop.schema.yaml"
    uri = path.as_uri()
    open_document(client, path, BROKEN)
    first = await asyncio.wait_for(client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))), 10)
    assert [d.code for d in first.items] == ["reference/unknown-table"]
    again = await asyncio.wait_for(client.text_document_diagnostic_async(types.DocumentDiagnosticParams(
        text_document=types.TextDocumentIdentifier(uri=uri), previous_result_id=first.result_id)), 10)
    assert again.kind == "unchanged" and again.result_id == first.result_id
    change_document(client, uri, VALID, 2)
    third = await asyncio.wait_for(client.text_document_diagnostic_async(types.DocumentDiagnosticParams(
        text_document=types.TextDocumentIdentifier(uri=uri), previous_result_id=first.result_id)), 10)
    assert third.kind == "full" and list(third.items) == [] and third.result_id != first.result_id


@pytest.mark.parametrize("text, rule", [
    ("{ not yaml: [\n", "syntax/yaml"),
    ("\x00\x01 binary", "syntax/yaml"),
    ("just a sentence, not a schema\n", "schema/invalid-value"),
    ("", "schema/missing-key"),
    ("a: !!python/object/apply:os.system [ls]\n", "syntax/yaml"),
])
async def test_hostile_input_gets_a_diagnostic_not_a_crash(client, text, rule):
    path = client.workspace / "bad.schema.yaml"
    diagnostics = await diagnostics_after(client, path.as_uri(), lambda: open_document(client, path, text))
    assert rule in codes(diagnostics)
    # the server is still alive and answers
    assert await diagnostics_after(client, path.as_uri(),
                                   lambda: change_document(client, path.as_uri(), VALID, 2)) == []


async def test_one_megabyte_file(client):
    text = schema_yaml(2200)
    assert len(text.encode()) > 1_000_000
    broken = text.replace("references entity_01000 ", "references entity_x1000 ")
    path = client.workspace / "big.schema.yaml"
    uri = path.as_uri()
    assert await diagnostics_after(client, uri, lambda: open_document(client, path, text)) == []
    diagnostics = await diagnostics_after(client, uri, lambda: change_document(client, uri, broken, 2))
    assert codes(diagnostics) == ["reference/unknown-table"]
    line = broken.splitlines()[diagnostics[0].range.start.line]
    assert "entity_x1000" in line


async def test_position_encoding_with_non_ascii_names(client):
    # '🛒' is one code point, two UTF-16 units, four UTF-8 bytes
    text = VALID.replace("user_id: bigint not null references users",
                         "user_id: bigint not null references users # 🛒\n      note_🛒: text references nope")
    path = client.workspace / "unicode.schema.yaml"
    diagnostics = await diagnostics_after(client, path.as_uri(), lambda: open_document(client, path, text))
    assert codes(diagnostics) == ["reference/unknown-table"]
    line = text.splitlines()[diagnostics[0].range.start.line]
    prefix = line[:line.index("nope")]
    # the Neovim profile negotiates UTF-8; VS Code speaks UTF-16
    expected = len(prefix.encode("utf-8")) if uses_pull(client) else len(prefix.encode("utf-16-le")) // 2
    assert diagnostics[0].range.start.character == expected
    assert diagnostics[0].range.end.character == expected + 4


async def test_settings_from_initialization_options_and_configuration(fresh_client):
    client = fresh_client  # changes a setting the server keeps
    # a rule turned off by the client's configuration disappears
    client.set_configuration({"rules": {"reference/unknown-table": "off"}}, section="schemaLang")
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    await asyncio.sleep(0.3)
    path = client.workspace / "shop.schema.yaml"
    diagnostics = await diagnostics_after(client, path.as_uri(), lambda: open_document(client, path, BROKEN))
    assert diagnostics == []


async def test_quick_fix_replaces_the_misspelled_name(client):
    path = client.workspace / "shop.schema.yaml"
    uri = path.as_uri()
    diagnostics = await diagnostics_after(client, uri, lambda: open_document(client, path, BROKEN))
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=diagnostics[0].range,
        context=types.CodeActionContext(diagnostics=diagnostics)))
    assert actions and actions[0].title == "Change to 'users'"
    (edit,) = actions[0].edit.changes[uri]
    assert edit.range == diagnostics[0].range and edit.new_text == "users"
