"""The column shorthand: `bigint not null references users(id) on delete cascade`.

Parsed by hand (not by regular expressions) so that every part keeps its own
range: a diagnostic about `references usrs` underlines `usrs` alone.  Offsets
here are relative to the start of the string.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from functools import lru_cache
from typing import cast

from ..sql.identifiers import is_name_char, is_name_start, unquote

Span = tuple[int, int]

ACTIONS = ("cascade", "restrict", "set null", "set default", "no action")
MODIFIER_WORDS = ("pk", "primary key", "not null", "null", "unique", "identity", "pii",
                  "default", "references", "on delete", "on update", "check", "was")
_STARTERS = frozenset({"pk", "primary", "not", "null", "unique", "identity", "pii", "default",
                       "references", "on", "check", "was"})


@dataclass(slots=True)
class Token:
    kind: str  # word, number, string, qident, punct, op
    text: str
    start: int
    end: int

    @property
    def lower(self) -> str:
        return self.text.lower()


@dataclass(slots=True)
class ShorthandError:
    message: str
    start: int
    end: int
    rule: str = "schema/invalid-value"


@dataclass(slots=True)
class Shorthand:
    type_text: str = ""
    type_span: Span = (0, 0)
    primary_key: Span | None = None
    not_null: Span | None = None
    null: Span | None = None
    unique: Span | None = None
    identity: Span | None = None
    pii: Span | None = None
    default: str | None = None
    default_span: Span | None = None
    references_table: str | None = None
    references_table_span: Span | None = None
    references_columns: list[tuple[str, Span]] = field(default_factory=list)
    references_span: Span | None = None
    on_delete: str | None = None
    on_delete_span: Span | None = None
    on_update: str | None = None
    on_update_span: Span | None = None
    check: str | None = None
    check_span: Span | None = None
    was: str | None = None
    was_span: Span | None = None
    errors: list[ShorthandError] = field(default_factory=list)


def tokenize(text: str) -> tuple[list[Token], list[ShorthandError]]:
    tokens: list[Token] = []
    errors: list[ShorthandError] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
            continue
        start = i
        if is_name_start(c):
            i += 1
            while i < n and (is_name_char(text[i]) or text[i] == "."):
                i += 1
            tokens.append(Token("word", text[start:i], start, i))
        elif c.isdigit() or (c in "-+." and i + 1 < n and text[i + 1].isdigit() and _unary_context(tokens)):
            i += 1
            while i < n and (text[i].isdigit() or text[i] in ".eE_"):
                i += 1
            tokens.append(Token("number", text[start:i], start, i))
        elif c in "'\"":
            quote = c
            i += 1
            closed = False
            while i < n:
                if text[i] == quote:
                    if i + 1 < n and text[i + 1] == quote:  # doubled quote escapes itself
                        i += 2
                        continue
                    i += 1
                    closed = True
                    break
                i += 1
            if not closed:
                what = "string" if quote == chr(39) else "quoted name"
                errors.append(ShorthandError(f"unterminated {what}", start, n))
            kind = "string" if quote == "'" else "qident"
            tokens.append(Token(kind, text[start:i], start, i))
        elif c in "(),":
            i += 1
            tokens.append(Token("punct", c, start, i))
        elif c == "[" and i + 1 < n and text[i + 1] == "]":
            i += 2
            tokens.append(Token("punct", "[]", start, i))
        else:
            i += 1
            while i < n and text[i] in "<>=!|&:+-*/%^~" and c in "<>=!|&:":
                i += 1
            tokens.append(Token("op", text[start:i], start, i))
    return tokens, errors


def _unary_context(tokens: list[Token]) -> bool:
    """A sign starts a number unless it follows something it could subtract from."""
    if not tokens:
        return True
    last = tokens[-1]
    if last.kind in ("number", "string", "qident") or (last.kind == "punct" and last.text == ")"):
        return False
    return not (last.kind == "word" and last.lower not in _STARTERS)


def _unquote_ident(token: Token) -> str:
    return unquote(token.text, '"') if token.kind == "qident" else token.text


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens, errors = tokenize(text)
        self.pos = 0
        self.result = Shorthand(errors=list(errors))

    # helpers -------------------------------------------------------------
    def peek(self, ahead: int = 0) -> Token | None:
        i = self.pos + ahead
        return self.tokens[i] if i < len(self.tokens) else None

    def next(self) -> Token | None:
        tok = self.peek()
        if tok is not None:
            self.pos += 1
        return tok

    def error(self, message: str, start: int, end: int, rule: str = "schema/invalid-value") -> None:
        end = max(end, start + 1) if start < len(self.text) else end
        self.result.errors.append(ShorthandError(message, start, end, rule))

    def at_word(self, *words: str) -> bool:
        for k, w in enumerate(words):
            tok = self.peek(k)
            if tok is None or tok.kind != "word" or tok.lower != w:
                return False
        return True

    def skip_group(self) -> int:
        """Skips a balanced ( ... ) group starting at the current token; returns its end offset."""
        depth = 0
        first = self.peek()
        end = first.end if first is not None else len(self.text)
        while (tok := self.peek()) is not None:
            if tok.kind == "punct" and tok.text == "(":
                depth += 1
            elif tok.kind == "punct" and tok.text == ")":
                depth -= 1
            self.pos += 1
            end = tok.end
            if depth == 0:
                return end
        return -1  # not closed

    # grammar ---------------------------------------------------------------
    def parse(self) -> Shorthand:
        self.parse_type()
        while self.peek() is not None:
            self.parse_modifier()
        return self.result

    def parse_type(self) -> None:
        first = self.peek()
        r = self.result
        if first is None:
            self.error("a column needs a type, as in `name: varchar(100) not null`", 0, len(self.text),
                       "schema/missing-key")
            return
        if first.kind != "word":
            self.error(f"a column starts with its type, not '{first.text}'", first.start, first.end,
                       "schema/unknown-type")
            self.pos += 1
            return
        self.pos += 1
        end = first.end
        if first.lower == "double" and self.at_word("precision"):
            end = cast(Token, self.next()).end  # at_word saw it
        tok = self.peek()
        if tok is not None and tok.kind == "punct" and tok.text == "(":
            group_end = self.skip_group()
            if group_end < 0:
                # the rest of the line was swallowed looking for ')': report that alone,
                # and keep the type's name so it is not also an "unknown type"
                self.error("unclosed '(' in the type", tok.start, len(self.text))
                r.type_text = first.text
                r.type_span = (first.start, first.end)
                return
            end = group_end
        while (tok := self.peek()) is not None and tok.kind == "punct" and tok.text == "[]":
            end = tok.end
            self.pos += 1
        r.type_text = self.text[first.start:end]
        r.type_span = (first.start, end)

    def _flag(self, attr: str, span: Span, label: str) -> None:
        if getattr(self.result, attr) is not None:
            self.error(f"'{label}' is given twice", *span)
        setattr(self.result, attr, span)

    def parse_modifier(self) -> None:
        tok = cast(Token, self.next())  # parse() calls this only while a token is left
        r = self.result
        low = tok.lower if tok.kind == "word" else None
        if low == "pk":
            self._flag("primary_key", (tok.start, tok.end), "pk")
        elif low == "primary":
            if self.at_word("key"):
                end = cast(Token, self.next()).end  # at_word saw it
                self._flag("primary_key", (tok.start, end), "primary key")
            else:
                self.error("did you mean 'primary key'?", tok.start, tok.end)
        elif low == "not":
            if self.at_word("null"):
                end = cast(Token, self.next()).end  # at_word saw it
                self._flag("not_null", (tok.start, end), "not null")
            else:
                self.error("'not' must be followed by 'null'", tok.start, tok.end)
        elif low == "null":
            self._flag("null", (tok.start, tok.end), "null")
        elif low == "unique":
            self._flag("unique", (tok.start, tok.end), "unique")
        elif low == "identity":
            self._flag("identity", (tok.start, tok.end), "identity")
        elif low == "pii":
            self._flag("pii", (tok.start, tok.end), "pii")
        elif low == "default":
            self.parse_default(tok)
        elif low == "references":
            self.parse_references(tok)
        elif low == "on":
            self.parse_action(tok)
        elif low == "check":
            self.parse_check(tok)
        elif low == "was":
            name = self.peek()
            if name is None or name.kind not in ("word", "qident"):
                self.error("'was' needs the column's old name", tok.start, tok.end)
                return
            self.pos += 1
            if r.was is not None:
                self.error("'was' is given twice", tok.start, name.end)
            r.was, r.was_span = _unquote_ident(name), (name.start, name.end)
        else:
            self.error(_unknown_modifier_message(tok), tok.start, tok.end)

    def parse_default(self, keyword: Token) -> None:
        """A default is one term, or terms joined by operators: `0`, `'x'`, `now()`,
        `'{}'::jsonb`, `interval '1 day'`, `current_date + 30`."""
        r = self.result
        first = self.peek()
        if first is None:
            self.error("'default' needs a value, as in `default 0` or `default now()`", keyword.start, keyword.end)
            return
        start = first.start
        end = self.parse_term()
        while (tok := self.peek()) is not None and tok.kind == "op" and end >= 0:
            self.pos += 1
            following = self.peek()
            if following is None or (following.kind == "word" and following.lower in _STARTERS):
                self.error(f"the default ends with the operator '{tok.text}'", tok.start, tok.end)
                end = tok.end
                break
            end = self.parse_term()
        if end < 0:
            end = len(self.text)
        if r.default is not None:
            self.error("'default' is given twice", keyword.start, end)
        r.default, r.default_span = self.text[start:end], (start, end)

    def parse_term(self) -> int:
        """Consumes one term of an expression; returns its end offset (-1: ran off the end)."""
        tok = self.peek()
        if tok is None:
            return -1
        if tok.kind == "punct" and tok.text == "(":
            end = self.skip_group()
            if end < 0:
                self.error("unclosed '('", tok.start, len(self.text))
            return end
        self.pos += 1
        if tok.kind == "punct":
            self.error(f"unexpected '{tok.text}'", tok.start, tok.end)
            return tok.end
        end = tok.end
        nxt = self.peek()
        if tok.kind == "word" and nxt is not None:
            if nxt.kind == "punct" and nxt.text == "(" and nxt.start == tok.end:
                group_end = self.skip_group()
                if group_end < 0:
                    self.error("unclosed '('", nxt.start, len(self.text))
                    return -1
                end = group_end
            elif nxt.kind == "string":  # a typed literal such as interval '1 day'
                self.pos += 1
                end = nxt.end
        return end

    def parse_references(self, keyword: Token) -> None:
        r = self.result
        name = self.peek()
        if name is None or name.kind not in ("word", "qident"):
            self.error("'references' needs a table name, as in `references users` or `references users(id)`",
                       keyword.start, keyword.end)
            return
        self.pos += 1
        if r.references_table is not None:
            self.error("a column can reference one table; use foreign_keys for more", keyword.start, name.end)
        r.references_table = _unquote_ident(name)
        r.references_table_span = (name.start, name.end)
        r.references_columns = []
        end = name.end
        tok = self.peek()
        if tok is not None and tok.kind == "punct" and tok.text == "(":
            self.pos += 1
            while (tok := self.next()) is not None:
                if tok.kind == "punct" and tok.text == ")":
                    end = tok.end
                    break
                if tok.kind == "punct" and tok.text == ",":
                    continue
                if tok.kind in ("word", "qident"):
                    r.references_columns.append((_unquote_ident(tok), (tok.start, tok.end)))
                else:
                    self.error(f"expected a column name, found '{tok.text}'", tok.start, tok.end)
            else:
                self.error("unclosed '(' after the referenced table", name.end, len(self.text))
                end = len(self.text)
            if not r.references_columns:
                self.error("name the referenced column inside ( ), or leave out the parentheses",
                           name.end, end)
        r.references_span = (keyword.start, end)

    def parse_action(self, keyword: Token) -> None:
        r = self.result
        event = self.peek()
        if event is None or event.kind != "word" or event.lower not in ("delete", "update"):
            self.error("expected 'on delete ACTION' or 'on update ACTION'", keyword.start, keyword.end)
            return
        self.pos += 1
        action_start = self.peek()
        action = None
        end = event.end
        if action_start is not None and action_start.kind == "word":
            one = action_start.lower
            two = self.peek(1)
            if one in ("set", "no") and two is not None and two.kind == "word":
                candidate = f"{one} {two.lower}"
                if candidate in ACTIONS:
                    action, end = candidate, two.end
                    self.pos += 2
            elif one in ACTIONS:
                action, end = one, action_start.end
                self.pos += 1
        if action is None:
            where = action_start or event
            self.error(f"expected an action after 'on {event.lower}': " + ", ".join(ACTIONS),
                       where.start, where.end)
            if action_start is not None and action_start.kind == "word" and action_start.lower not in _STARTERS:
                self.pos += 1  # the misspelt action: one problem, one error
            return
        attr = "on_delete" if event.lower == "delete" else "on_update"
        if getattr(r, attr) is not None:
            self.error(f"'on {event.lower}' is given twice", keyword.start, end)
        setattr(r, attr, action)
        setattr(r, attr + "_span", (keyword.start, end))

    def parse_check(self, keyword: Token) -> None:
        r = self.result
        tok = self.peek()
        if tok is None or tok.kind != "punct" or tok.text != "(":
            self.error("'check' needs a condition in parentheses, as in `check (price > 0)`",
                       keyword.start, keyword.end)
            return
        end = self.skip_group()
        if end < 0:
            self.error("unclosed '(' in the check", tok.start, len(self.text))
            end = len(self.text)
            inner = self.text[tok.end:end]
        else:
            inner = self.text[tok.end:end - 1]
        if not inner.strip():
            self.error("the check condition is empty", tok.start, end)
        if r.check is not None:
            self.error("'check' is given twice; combine the conditions with AND", keyword.start, end)
        r.check, r.check_span = inner.strip(), (keyword.start, end)


def _unknown_modifier_message(tok: Token) -> str:

    candidates = [w.split()[0] for w in MODIFIER_WORDS] + ["primary key", "not null"]
    close = difflib.get_close_matches(tok.lower, candidates, n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return (f"unknown modifier '{tok.text}'{hint} (expected one of: pk, not null, null, unique, identity, pii, "
            "default, references, on delete, on update, check, was)")


@lru_cache(maxsize=1 << 16)
def parse_shorthand(text: str) -> Shorthand:
    """Parses a column shorthand.  Results are shared between equal strings (most
    schemas repeat `bigint pk identity` many times): treat them as read-only."""
    return _Parser(text).parse()
