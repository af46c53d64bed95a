"""Hover and the new quick fixes over LSP, as VS Code (UTF-16 positions) and as Neovim (UTF-8):
hover over a column, a type, a rule id in an ignore comment and a diagnostic; "Create table",
"Add primary key" and "Ignore <rule> on this line", their edits applied as the client would."""
from __future__ import annotations

import asyncio

from conftest import apply_lsp_edits, diagnostics_after, open_document
from lsprotocol import types

from schema_lang.analysis import analyze

TEXT = """schema: shop
dialect: mysql
tables:
  paniers_été:
    columns:
      id: bigint pk
  commandes:
    columns:
      id: bigint pk
      🛒: bigint references paniers_été
      at: timestamptz not null  # schema-lang: ignore[dialect/type-mapped]
      🧾: int references paniers_ete
  journal:
    columns:
      x: int
"""
LINES = TEXT.split("\n")


def is_utf8(client) -> bool:
    return client.profile == "neovim"


def units(text: str, utf8: bool) -> int:
    """The length of `text` in the client's position units."""
    return len(text.encode("utf-8")) if utf8 else len(text.encode("utf-16-le")) // 2


def position(client, needle: str, inside: int = 0, line_hint: str | None = None) -> types.Position:
    """The client position of the character `inside` characters into the first `needle` (on the
    first line containing `line_hint`, if given)."""
    for number, line in enumerate(LINES):
        if (line_hint or needle) in line and needle in line:
            column = line.index(needle) + inside
            return types.Position(number, units(line[:column], is_utf8(client)))
    raise AssertionError(needle)


async def opened(client) -> tuple[str, list[types.Diagnostic]]:
    path = client.workspace / "shop.schema.yaml"
    diagnostics = await diagnostics_after(client, path.as_uri(), lambda: open_document(client, path, TEXT))
    return path.as_uri(), diagnostics


async def hover(client, uri: str, at: types.Position) -> types.Hover | None:
    return await asyncio.wait_for(client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=at)), 10)


async def actions_for(client, uri: str, diagnostic: types.Diagnostic) -> list[types.CodeAction]:
    found = await asyncio.wait_for(client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=diagnostic.range,
        context=types.CodeActionContext(diagnostics=[diagnostic]))), 10)
    return list(found or [])


async def test_hover_column_type_rule_id_and_diagnostic(client):
    uri, _ = await opened(client)
    column = await hover(client, uri, position(client, "at:", 1))
    assert column.contents.kind == types.MarkupKind.Markdown
    assert column.contents.value.startswith("**column** `commandes.at`: `timestamptz`")
    assert "Stored in MySQL/MariaDB as `DATETIME(6)` (⚠ MySQL has no time-zone-aware timestamp" \
        in column.contents.value
    line = LINES.index("      at: timestamptz not null  # schema-lang: ignore[dialect/type-mapped]")
    assert column.range == types.Range(types.Position(line, 6), types.Position(line, 8))

    type_hover = await hover(client, uri, position(client, "timestamptz", 11))  # just past its end
    assert type_hover.contents.value.startswith("**type** `timestamptz`: an instant in time")
    assert "| **MySQL/MariaDB** (target) | `DATETIME(6)` | ⚠ MySQL has no time-zone-aware" in type_hover.contents.value

    rule = await hover(client, uri, position(client, "dialect/type-mapped]", 8))
    assert rule.contents.value.startswith("# dialect/type-mapped")
    start = LINES[line].index("dialect/type-mapped]")
    assert rule.range == types.Range(types.Position(line, start), types.Position(line, start + 19))

    diagnostic = await hover(client, uri, position(client, "journal", 3))
    assert "**design/missing-primary-key** (warning): A table without a primary key" in diagnostic.contents.value


async def test_hover_after_an_emoji_uses_the_client_position_encoding(client):
    uri, _ = await opened(client)
    utf8 = is_utf8(client)
    line = next(i for i, text in enumerate(LINES) if text.startswith("      🛒:"))
    name_start = LINES[line].index("paniers_été")
    for inside in (0, 5, len("paniers_été")):  # start, middle, end of the name
        found = await hover(client, uri, position(client, "paniers_été", inside, line_hint="🛒"))
        assert found.contents.value.startswith("**table** `paniers_été`"), inside
        assert "`commandes(🛒)`" in found.contents.value
        start = units(LINES[line][:name_start], utf8)
        assert found.range == types.Range(types.Position(line, start),
                                          types.Position(line, start + units("paniers_été", utf8)))
    # VS Code counts the emoji as 2 units, Neovim as 4 bytes: one position, two encodings
    assert units(LINES[line][:name_start], utf8) == name_start + (3 if utf8 else 1)
    # the emoji column itself
    found = await hover(client, uri, types.Position(line, 6))
    assert found.contents.value.startswith("**column** `commandes.🛒`: `bigint`")
    assert found.range.end.character == 6 + units("🛒", utf8)


async def test_unknown_table_fixes_after_an_emoji(client):
    uri, diagnostics = await opened(client)
    utf8 = is_utf8(client)
    unknown = next(d for d in diagnostics if d.code == "reference/unknown-table")
    line = LINES.index("      🧾: int references paniers_ete")
    start = units(LINES[line][:LINES[line].index("paniers_ete")], utf8)
    assert unknown.range == types.Range(types.Position(line, start), types.Position(line, start + 11))
    actions = await actions_for(client, uri, unknown)
    titles = [a.title for a in actions]
    assert titles == ["Change to 'paniers_été'", "Create table paniers_ete",
                      "Ignore reference/unknown-table on this line"]
    assert all(a.kind == types.CodeActionKind.QuickFix for a in actions)
    assert actions[0].is_preferred and not actions[1].is_preferred and not actions[2].is_preferred

    changed = apply_lsp_edits(TEXT, actions[0].edit.changes[uri], utf8)
    assert changed == TEXT.replace("🧾: int references paniers_ete", "🧾: int references paniers_été")

    created = apply_lsp_edits(TEXT, actions[1].edit.changes[uri], utf8)
    assert created == TEXT + "  paniers_ete:\n    columns:\n      id: int pk\n"
    assert not [d for d in analyze(created).diagnostics if d.rule == "reference/unknown-table"]

    ignored = apply_lsp_edits(TEXT, actions[2].edit.changes[uri], utf8)
    assert ignored == TEXT.replace("🧾: int references paniers_ete",
                                   "🧾: int references paniers_ete  # schema-lang: ignore[reference/unknown-table]")
    assert not [d for d in analyze(ignored).diagnostics if d.rule == "reference/unknown-table"]


async def test_add_primary_key_and_ignore(client):
    uri, diagnostics = await opened(client)
    utf8 = is_utf8(client)
    missing = next(d for d in diagnostics if d.code == "design/missing-primary-key")
    actions = await actions_for(client, uri, missing)
    titles = [a.title for a in actions]
    assert titles == ["Add primary key (new column id bigint pk identity)",
                      "Ignore design/missing-primary-key on this line"]
    added = apply_lsp_edits(TEXT, actions[0].edit.changes[uri], utf8)
    assert added == TEXT.replace("  journal:\n    columns:\n",
                                 "  journal:\n    columns:\n      id: bigint pk identity\n")
    assert analyze(added).schema.tables["journal"].primary_key == ["id"]
    ignored = apply_lsp_edits(TEXT, actions[1].edit.changes[uri], utf8)
    assert "  journal:  # schema-lang: ignore[design/missing-primary-key]\n" in ignored
    assert not [d for d in analyze(ignored).diagnostics if d.rule == "design/missing-primary-key"]
