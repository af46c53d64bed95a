"""Engine offsets (code points) to LSP positions in the negotiated encoding."""
from __future__ import annotations

from lsprotocol import types

from schema_lang.core.diagnostics import LineIndex


class PositionConverter:
    def __init__(self, lines: LineIndex, encoding: types.PositionEncodingKind | str | None) -> None:
        self.lines = lines
        self.encoding = str(encoding or types.PositionEncodingKind.Utf16.value)
        if isinstance(encoding, types.PositionEncodingKind):
            self.encoding = encoding.value

    def position(self, offset: int) -> types.Position:
        pos = self.lines.position(offset)
        character = pos.character
        if character and self.encoding != "utf-32":
            start = self.lines.line_starts[pos.line]
            prefix = self.lines.text[start:start + character]
            if not prefix.isascii():
                if self.encoding == "utf-8":
                    character = len(prefix.encode("utf-8"))
                else:
                    character = len(prefix.encode("utf-16-le")) // 2
        return types.Position(line=pos.line, character=character)

    def range(self, start: int, end: int) -> types.Range:
        return types.Range(start=self.position(start), end=self.position(end))

    def offset(self, position: types.Position) -> int:
        """The engine offset of a client position."""
        lines = self.lines
        if position.line >= lines.line_count:
            return len(lines.text)
        text = lines.line_text(position.line)
        start = lines.line_starts[position.line]
        if self.encoding == "utf-32" or text.isascii():
            return start + min(position.character, len(text))
        units = 0
        for i, ch in enumerate(text):
            if units >= position.character:
                return start + i
            units += len(ch.encode("utf-8")) if self.encoding == "utf-8" else (2 if ord(ch) > 0xFFFF else 1)
        return start + len(text)
