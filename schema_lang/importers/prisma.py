"""schema.prisma -> a schema file.

`import_prisma(text)` reads a Prisma schema (the Prisma Schema Language: `datasource`,
`generator`, `model`, `enum`, `view` and `type` blocks) with a parser of its own and
writes the database Prisma Migrate would create for it: tables and columns under
their database names (`@@map`, `@map`), the column types Prisma picks for the
provider (or the `@db.*` native type), keys, unique constraints, indexes, defaults,
the foreign keys of relations (with Prisma's default referential actions written
out) and the relation tables of implicit many-to-many relations.

What the file format has no place for is left out and said in `notes`; blocks that
are not tables (`view`, composite `type`) and what Prisma itself ignores (`@@ignore`,
`@ignore`) are counted in `skipped`.  A file that does not parse raises
`ImportSourceError` with the 1-based line and column.  The output depends on the
input alone: the same schema gives byte-identical text.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import NoReturn, cast

from .model import Column, ForeignKey, ImportResult, ImportSourceError, Index, Reference, Table, render

DIALECTS = {"postgresql": "postgresql", "postgres": "postgresql", "mysql": "mysql", "sqlite": "sqlite"}
_PROVIDERS = {"postgresql": "postgresql", "postgres": "postgresql", "mysql": "mysql", "sqlite": "sqlite",
              "cockroachdb": "postgresql"}
SCALARS = ("String", "Boolean", "Int", "BigInt", "Float", "Decimal", "DateTime", "Json", "Bytes")

# The column type Prisma Migrate creates for a scalar without a native type attribute
# (Prisma schema reference, "model field scalar types", default type mappings).  A few
# are chosen for what they mean rather than their SQLite spelling: SQLite keeps Float in
# REAL and Decimal in DECIMAL whatever the size, and `double` / `decimal(65,30)` say so
# without changing the SQLite DDL.
DEFAULT_TYPES = {
    "postgresql": {"String": "text", "Boolean": "boolean", "Int": "int", "BigInt": "bigint", "Float": "double",
                   "Decimal": "decimal(65,30)", "DateTime": "timestamp(3)", "Json": "jsonb", "Bytes": "bytes"},
    "mysql": {"String": "varchar(191)", "Boolean": "boolean", "Int": "int", "BigInt": "bigint", "Float": "double",
              "Decimal": "decimal(65,30)", "DateTime": "timestamp(3)", "Json": "json", "Bytes": "bytes"},
    "sqlite": {"String": "text", "Boolean": "boolean", "Int": "int", "BigInt": "bigint", "Float": "double",
               "Decimal": "decimal(65,30)", "DateTime": "timestamp(3)", "Json": "json", "Bytes": "bytes"},
}
_INTEGER_TYPES = ("smallint", "int", "bigint")
_ACTIONS = {"Cascade": "cascade", "Restrict": "restrict", "NoAction": "no action", "SetNull": "set null",
            "SetDefault": "set default"}
_INDEX_TYPES = {"BTree": None, "Hash": "hash", "Gist": "gist", "Gin": "gin", "Brin": "brin"}
_CLIENT_SIDE = ("uuid", "cuid", "nanoid", "ulid")
_MAX_DEPTH = 32


# --- tokens -------------------------------------------------------------------------------------

@dataclass(slots=True)
class _Tok:
    kind: str   # name, num, str, doc, nl, eof, or the punctuation itself: { } ( ) [ ] , : = ? . @ @@
    value: str
    start: int


_LEXEME = re.compile(r"""
    (?P<space>[ \t\f\v\r\ufeff]+)
  | (?P<nl>\n)
  | (?P<doc>///[^\n]*)
  | (?P<comment>//[^\n]*)
  | (?P<num>-?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?(?![A-Za-z0-9_]))
  | (?P<name>[A-Za-z0-9_][A-Za-z0-9_-]*)
  | (?P<punct>@@|[{}()\[\],:=?.@])
  | (?P<str>")
""", re.X)
_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


class _Source:
    """The text, and 1-based positions of its offsets."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self.line_starts, offset)
        return line, offset - self.line_starts[line - 1] + 1

    def error(self, message: str, offset: int) -> ImportSourceError:
        line, column = self.position(min(max(offset, 0), len(self.text)))
        return ImportSourceError(_short(message), line, column)


def _short(message: str) -> str:
    """A message that quotes the schema: very long names and values are cut."""
    return re.sub(r"\S{61,}", lambda m: m.group()[:57] + "...", message)


def _tokens(source: _Source) -> list[_Tok]:
    text, out, i, n = source.text, [], 0, len(source.text)
    while i < n:
        m = _LEXEME.match(text, i)
        if m is None:
            char = text[i]
            shown = repr(char) if char.isprintable() else f"U+{ord(char):04X}"
            hint = ": block comments (/* */) are not Prisma schema syntax, use //" if text.startswith("/*", i) else ""
            raise source.error(f"unexpected character {shown}{hint}", i)
        kind = m.lastgroup
        if kind == "str":
            value, i = _string(source, i)
            out.append(_Tok("str", value, m.start()))
            continue
        if kind == "nl":
            out.append(_Tok("nl", "\n", i))
        elif kind == "doc":
            out.append(_Tok("doc", m.group()[3:].strip(), i))
        elif kind in ("num", "name"):
            out.append(_Tok(kind, m.group(), i))
        elif kind == "punct":
            out.append(_Tok(m.group(), m.group(), i))
        i = m.end()
    out.append(_Tok("eof", "", n))
    return out


def _string(source: _Source, start: int) -> tuple[str, int]:
    """A double-quoted string starting at `start`: its value and the offset after it."""
    chars: list[str]
    text, i, n, chars = source.text, start + 1, len(source.text), []
    while i < n:
        char = text[i]
        if char == '"':
            return "".join(chars), i + 1
        if char == "\n":
            break
        if char == "\\" and i + 1 < n:
            escape = text[i + 1]
            if escape == "u" and re.fullmatch(r"[0-9A-Fa-f]{4}", text[i + 2:i + 6]):
                chars.append(chr(int(text[i + 2:i + 6], 16)))
                i += 6
                continue
            if escape not in _ESCAPES:
                raise source.error(f"unknown escape sequence \\{escape} in a string", i)
            chars.append(_ESCAPES[escape])
            i += 2
            continue
        chars.append(char)
        i += 1
    raise source.error("string not closed: a string ends with \" on the same line", start)


# --- syntax tree --------------------------------------------------------------------------------

@dataclass(slots=True)
class _Expr:
    kind: str  # str, num, name, call, list
    value: str = ""
    start: int = 0
    args: list[_Arg] = field(default_factory=list)    # call
    items: list[_Expr] = field(default_factory=list)  # list


@dataclass(slots=True)
class _Arg:
    name: str | None
    value: _Expr
    start: int


@dataclass(slots=True)
class _Attr:
    name: str  # "id", "db.VarChar", "@@index" for block attributes: "index"
    start: int
    args: list[_Arg] = field(default_factory=list)

    def arg(self, name: str, position: int | None = None) -> _Expr | None:
        for arg in self.args:
            if arg.name == name:
                return arg.value
        if position is not None:
            positional = [a.value for a in self.args if a.name is None]
            if position < len(positional):
                return positional[position]
        return None


@dataclass(slots=True)
class _Field:
    name: str
    start: int
    type: str = ""
    type_start: int = 0
    optional: bool = False
    is_list: bool = False
    unsupported: str | None = None
    attrs: list[_Attr] = field(default_factory=list)
    doc: str | None = None

    def attr(self, name: str) -> _Attr | None:
        return next((a for a in self.attrs if a.name == name), None)


@dataclass(slots=True)
class _Block:
    kind: str  # datasource, generator, model, view, type, enum
    name: str
    start: int
    brace: int
    fields: list[_Field] = field(default_factory=list)  # model/view/type fields, enum values
    attrs: list[_Attr] = field(default_factory=list)    # @@ attributes
    entries: list[tuple[str, _Expr, int]] = field(default_factory=list)  # datasource/generator key = value
    doc: str | None = None

    def attr(self, name: str) -> _Attr | None:
        return next((a for a in self.attrs if a.name == name), None)

    def entry(self, key: str) -> tuple[_Expr, int] | None:
        return next(((value, start) for k, value, start in self.entries if k == key), None)


_BLOCK_KINDS = ("datasource", "generator", "model", "view", "type", "enum")
_ARTICLE = {"datasource": "a datasource", "generator": "a generator", "model": "a model", "view": "a view",
            "type": "a composite type", "enum": "an enum"}


def _shown(tok: _Tok) -> str:
    if tok.kind == "eof":
        return "the end of the file"
    if tok.kind == "nl":
        return "the end of the line"
    if tok.kind == "str":
        return "a string"
    if tok.kind == "doc":
        return "a /// comment"
    return f"'{tok.value}'" if len(tok.value) <= 40 else f"'{tok.value[:37]}...'"


class _Parser:
    def __init__(self, source: _Source) -> None:
        self.source = source
        self.tokens = _tokens(source)
        self.i = 0

    # token access ----------------------------------------------------------------------------
    def peek(self, ahead: int = 0) -> _Tok:
        return self.tokens[min(self.i + ahead, len(self.tokens) - 1)]

    def next(self) -> _Tok:
        tok = self.peek()
        if tok.kind != "eof":
            self.i += 1
        return tok

    def skip_newlines(self) -> None:
        while self.peek().kind in ("nl", "doc"):
            self.i += 1

    def fail(self, message: str, tok: _Tok) -> NoReturn:
        raise self.source.error(message, tok.start)

    def expect(self, kind: str, what: str) -> _Tok:
        tok = self.next()
        if tok.kind != kind:
            self.fail(f"expected {what}, found {_shown(tok)}", tok)
        return tok

    # blocks ------------------------------------------------------------------------------------
    def parse(self) -> list[_Block]:
        blocks: list[_Block] = []
        docs: list[str] = []
        while True:
            tok = self.next()
            if tok.kind == "eof":
                return blocks
            if tok.kind == "nl":
                if self.peek().kind == "nl":
                    docs = []  # a blank line: the comments above belong to no block
                continue
            if tok.kind == "doc":
                docs.append(tok.value)
                continue
            if tok.kind == "name" and tok.value in _BLOCK_KINDS:
                blocks.append(self.block(tok, "\n".join(docs) if docs else None))
                docs = []
                continue
            self.fail(f"expected a block (model, enum, view, type, datasource or generator), found {_shown(tok)}",
                      tok)

    def block(self, keyword: _Tok, doc: str | None) -> _Block:
        kind = keyword.value
        name = self.expect("name", f"the name of {_ARTICLE[kind]} after '{kind}'")
        if kind == "type" and self.peek().kind == "=":
            self.fail("type aliases (type X = Y) are not Prisma schema syntax any more", self.peek())
        brace = self.expect("{", f"'{{' after {kind} {name.value}")
        block = _Block(kind, name.value, keyword.start, brace.start, doc=doc)
        docs: list[str] = []
        while True:
            tok = self.peek()
            if tok.kind == "eof":
                line, _ = self.source.position(brace.start)
                self.fail(f"{kind} {name.value} is not closed: '}}' missing for the '{{' on line {line}", tok)
            if tok.kind == "}":
                self.next()
                return block
            if tok.kind == "nl":
                self.next()
                if self.peek().kind == "nl":
                    docs = []
                continue
            if tok.kind == "doc":
                self.next()
                docs.append(tok.value)
                continue
            doc_text, docs = ("\n".join(docs) if docs else None), []
            if tok.kind == "@@":
                self.next()
                block.attrs.append(self.attribute(tok, block=True))
                self.end_of_line(block)
            elif kind in ("datasource", "generator"):
                key = self.expect("name", f"a setting (name = value) in {kind} {name.value}")
                self.expect("=", f"'=' after {key.value}")
                block.entries.append((key.value, self.expression(0, in_brackets=False), key.start))
                self.end_of_line(block)
            elif kind == "enum":
                value = self.expect("name", f"an enum value in enum {name.value}")
                item = _Field(value.value, value.start, doc=doc_text)
                self.field_attributes(item)
                block.fields.append(item)
                self.end_of_line(block, item)
            else:
                block.fields.append(self.field(block, doc_text))

    def end_of_line(self, block: _Block, item: _Field | None = None) -> None:
        tok = self.peek()
        if tok.kind == "doc":  # a trailing /// comment documents the line's field
            self.next()
            if item is not None:
                item.doc = f"{item.doc}\n{tok.value}" if item.doc else tok.value
            tok = self.peek()
        if tok.kind == "nl":
            self.next()
        elif tok.kind != "}":
            if tok.kind == "eof":
                self.fail(f"{block.kind} {block.name} is not closed: '}}' missing", tok)
            self.fail(f"expected the end of the line, found {_shown(tok)}", tok)

    def field(self, block: _Block, doc: str | None) -> _Field:
        name = self.expect("name", f"a field name in {block.kind} {block.name}")
        item = _Field(name.value, name.start, doc=doc)
        type_tok = self.next()
        if type_tok.kind != "name":
            self.fail(f"expected the type of field {name.value}, found {_shown(type_tok)}", type_tok)
        item.type, item.type_start = type_tok.value, type_tok.start
        if type_tok.value == "Unsupported" and self.peek().kind == "(":
            paren = self.next()
            args = self.arguments(paren, 1)
            if len(args) != 1 or args[0].name is not None or args[0].value.kind != "str":
                self.fail('Unsupported takes one string: Unsupported("type")', paren)
            item.unsupported = args[0].value.value
        if self.peek().kind == "[":
            self.next()
            self.expect("]", "']' after '[' (a list type is written Type[])")
            item.is_list = True
        if self.peek().kind == "?":
            question = self.next()
            if item.is_list:
                self.fail("a list field cannot be optional (Type[]?)", question)
            item.optional = True
        self.field_attributes(item)
        self.end_of_line(block, item)
        return item

    def field_attributes(self, item: _Field) -> None:
        while self.peek().kind == "@":
            item.attrs.append(self.attribute(self.next(), block=False))
        if self.peek().kind == "@@":
            self.fail("block attributes (@@...) go on a line of their own", self.peek())

    def attribute(self, at: _Tok, block: bool) -> _Attr:
        name = self.expect("name", "an attribute name after '@@'" if block else "an attribute name after '@'")
        full = name.value
        while self.peek().kind == ".":
            self.next()
            full += "." + self.expect("name", f"a name after '{full}.'").value
        attr = _Attr(full, at.start)
        if self.peek().kind == "(":
            attr.args = self.arguments(self.next(), 1)
        return attr

    # expressions ---------------------------------------------------------------------------------
    def arguments(self, paren: _Tok, depth: int) -> list[_Arg]:
        if depth > _MAX_DEPTH:
            self.fail("expressions nested too deeply", paren)
        args: list[_Arg] = []
        while True:
            self.skip_newlines()
            if self.peek().kind == ")":
                self.next()
                return args
            tok = self.peek()
            name = None
            if tok.kind == "name" and self.peek(1).kind == ":":
                name = tok.value
                self.next()
                self.next()
                self.skip_newlines()
            args.append(_Arg(name, self.expression(depth + 1), tok.start))
            self.skip_newlines()
            tok = self.next()
            if tok.kind == ")":
                return args
            if tok.kind != ",":
                line, column = self.source.position(paren.start)
                self.fail(f"expected ',' or ')' (for the '(' at line {line}, column {column}), "
                          f"found {_shown(tok)}", tok)

    def expression(self, depth: int, in_brackets: bool = True) -> _Expr:
        if depth > _MAX_DEPTH:
            self.fail("expressions nested too deeply", self.peek())
        if in_brackets:
            self.skip_newlines()
        tok = self.next()
        if tok.kind in ("str", "num"):
            return _Expr(tok.kind, tok.value, tok.start)
        if tok.kind == "[":
            items: list[_Expr] = []
            while True:
                self.skip_newlines()
                if self.peek().kind == "]":
                    self.next()
                    return _Expr("list", "", tok.start, items=items)
                items.append(self.expression(depth + 1))
                self.skip_newlines()
                sep = self.next()
                if sep.kind == "]":
                    return _Expr("list", "", tok.start, items=items)
                if sep.kind != ",":
                    line, column = self.source.position(tok.start)
                    self.fail(f"expected ',' or ']' (for the '[' at line {line}, column {column}), "
                              f"found {_shown(sep)}", sep)
        if tok.kind == "name":
            value = tok.value
            while self.peek().kind == ".":
                self.next()
                value += "." + self.expect("name", f"a name after '{value}.'").value
            if self.peek().kind == "(":
                return _Expr("call", value, tok.start, args=self.arguments(self.next(), depth + 1))
            return _Expr("name", value, tok.start)
        self.fail(f"expected a value, found {_shown(tok)}", tok)


# --- the importer -------------------------------------------------------------------------------

@dataclass(slots=True)
class _Model:
    block: _Block
    table: str
    scalars: dict[str, _Field] = field(default_factory=dict)    # field name -> field (columns)
    columns: dict[str, str] = field(default_factory=dict)       # field name -> column name
    relations: list[_Field] = field(default_factory=list)
    id_fields: list[str] = field(default_factory=list)


class _Importer:
    def __init__(self, source: _Source, blocks: list[_Block], dialect: str | None) -> None:
        self.source = source
        self.blocks = blocks
        self.dialect_arg = dialect
        self.notes: list[str] = []
        self.noted: set[str] = set()
        self.skipped: dict[str, int] = {}
        self.tables: dict[str, Table] = {}
        self.enums: dict[str, list[str]] = {}
        self.enum_blocks: dict[str, _Block] = {}
        self.enum_values: dict[str, dict[str, str]] = {}  # enum -> value -> database value
        self.models: dict[str, _Model] = {}
        self.ignored_models: set[str] = set()
        self.views: set[str] = set()
        self.composites: set[str] = set()
        self.model_blocks = {b.name: b for b in blocks if b.kind == "model"}
        self.datasource = "db"
        self.provider: str | None = None  # the datasource's provider, as written
        self.dialect = "postgresql"       # the schema file's dialect
        self.flavour = "postgresql"       # what Prisma Migrate targets: the dialect, or cockroachdb
        self.emulated = False  # relationMode = "prisma": no foreign keys in the database

    def error(self, message: str, offset: int) -> ImportSourceError:
        return self.source.error(message, offset)

    def note(self, message: str) -> None:
        message = _short(message)
        if message not in self.noted:
            self.noted.add(message)
            self.notes.append(message)

    def skip(self, kind: str) -> None:
        self.skipped[kind] = self.skipped.get(kind, 0) + 1

    def where(self, model: _Block, item: _Field | None = None) -> str:
        line, _ = self.source.position(item.start if item else model.start)
        return f"{model.name}.{item.name} (line {line})" if item else f"{model.name} (line {line})"

    # datasource --------------------------------------------------------------------------------
    def read_datasource(self) -> None:
        sources = [b for b in self.blocks if b.kind == "datasource"]
        if len(sources) > 1:
            raise self.error("a Prisma schema has one datasource block; this is a second one", sources[1].start)
        target = DIALECTS[self.dialect_arg] if self.dialect_arg is not None else None
        if not sources:
            if target is None:
                self.note("the schema has no datasource block: imported for PostgreSQL (give a dialect to choose)")
            self.dialect = target or "postgresql"
            self.flavour = self.dialect
            return
        block = sources[0]
        self.datasource = block.name
        found = block.entry("provider")
        if found is None:
            if target is None:
                raise self.error(f"datasource {block.name} has no provider", block.start)
        else:
            value, start = found
            if value.kind != "str":
                raise self.error("the provider must be a string, such as \"postgresql\"", value.start)
            self.provider = value.value.strip().lower()
            if self.provider == "mongodb":
                raise self.error("MongoDB schemas cannot be imported: schema files describe relational "
                                 "databases (PostgreSQL, MySQL, SQLite)", value.start)
            if self.provider not in _PROVIDERS and target is None:
                if self.provider == "sqlserver":
                    raise self.error("SQL Server schemas cannot be imported as they are: schema files are "
                                     "written for PostgreSQL, MySQL or SQLite; give one of those as the dialect "
                                     "to import the models for it", value.start)
                raise self.error(f"unknown provider \"{value.value}\": expected postgresql, mysql, sqlite or "
                                 "cockroachdb", value.start)
        mode = block.entry("relationMode") or block.entry("referentialIntegrity")
        if mode is not None and mode[0].kind == "str" and mode[0].value == "prisma":
            self.emulated = True
            self.note('relationMode = "prisma": Prisma Migrate creates no foreign keys, so none are imported; '
                      "relations are only checked by Prisma Client")
        if target is not None:
            self.dialect = target
            self.flavour = target
            if self.provider is not None and _PROVIDERS.get(self.provider) != target:
                self.note(f"provider {self.provider} overridden: imported as Prisma Migrate would create the "
                          f"schema for {target} (native types read as written for {self.provider})")
            return
        self.dialect = _PROVIDERS[cast(str, self.provider)]  # read above: the datasource has a known provider
        self.flavour = "cockroachdb" if self.provider == "cockroachdb" else self.dialect
        if self.provider == "cockroachdb":
            self.note("provider cockroachdb imported as postgresql: column types follow Prisma's PostgreSQL "
                      "defaults, CockroachDB native types their closest PostgreSQL ones")

    # names ---------------------------------------------------------------------------------------
    def collect(self) -> None:
        seen: dict[str, _Block] = {}
        for block in self.blocks:
            if block.kind in ("datasource", "generator"):
                continue
            if block.name in seen:
                raise self.error(f"{block.name} is defined twice (first as {_ARTICLE[seen[block.name].kind]})",
                                 block.start)
            if block.name in SCALARS or block.name == "Unsupported":
                raise self.error(f"{block.name} is a Prisma scalar type and cannot name {_ARTICLE[block.kind]}",
                                 block.start)
            seen[block.name] = block
            if block.kind == "view":
                self.views.add(block.name)
                self.skip("view")
                self.note(f"view {block.name} skipped: schema files describe tables; create the view in a migration")
            elif block.kind == "type":
                self.composites.add(block.name)
                self.skip("type")
                self.note(f"composite type {block.name} skipped: only MongoDB stores composite types")
            elif block.kind == "enum":
                self.read_enum(block)
            elif block.attr("ignore") is not None:
                self.ignored_models.add(block.name)
                self.skip("model @@ignore")
                self.note(f"model {self.where(block)} has @@ignore: skipped (Prisma Migrate still creates "
                          "its table; Prisma Client leaves it out)")
        tables: dict[str, _Block] = {}
        for block in self.blocks:
            if block.kind != "model" or block.name in self.ignored_models:
                continue
            table = self.mapped_name(block.attr("map"), block.name)
            if table in tables:
                raise self.error(f"model {block.name} maps to table {table}, like model {tables[table].name}",
                                 block.start)
            tables[table] = block
            self.models[block.name] = self.read_model(block, table)

    def mapped_name(self, attr: _Attr | None, default: str) -> str:
        if attr is None:
            return default
        value = attr.arg("name", 0)
        if value is None or value.kind != "str" or not value.value.strip():
            raise self.error('@map and @@map take a name: @map("name")', attr.start)
        return value.value

    def read_enum(self, block: _Block) -> None:
        name = self.mapped_name(block.attr("map"), block.name)
        if name in self.enums:
            raise self.error(f"enum {block.name} maps to {name}, like another enum", block.start)
        values: dict[str, str] = {}
        for item in block.fields:
            if item.name in values:
                raise self.error(f"enum {block.name} lists {item.name} twice", item.start)
            values[item.name] = self.mapped_name(item.attr("map"), item.name)
        if not values:
            raise self.error(f"enum {block.name} has no values", block.start)
        if len(set(values.values())) != len(values):
            raise self.error(f"enum {block.name} maps two values to the same database value", block.start)
        self.enum_blocks[block.name] = block
        self.enum_values[block.name] = values
        self.enums[name] = list(values.values())
        for attr in block.attrs:
            if attr.name not in ("map", "schema"):
                self.note(f"enum {self.where(block)}: @@{attr.name} ignored")

    def read_model(self, block: _Block, table: str) -> _Model:
        model = _Model(block, table)
        names: dict[str, _Field] = {}
        used: dict[str, str] = {}
        for item in block.fields:
            if item.name in names:
                raise self.error(f"model {block.name} has two fields named {item.name}", item.start)
            names[item.name] = item
            kind = self.kind_of(item)
            if kind == "relation":
                model.relations.append(item)
                continue
            if kind in ("composite", "unsupported"):
                continue
            column = self.mapped_name(item.attr("map"), item.name)
            if column in used:
                raise self.error(f"fields {used[column]} and {item.name} of model {block.name} are both "
                                 f"column {column}", item.start)
            used[column] = item.name
            model.scalars[item.name] = item
            model.columns[item.name] = column
            if item.attr("id") is not None:
                model.id_fields.append(item.name)
        ids = block.attr("id")
        if ids is not None:
            if model.id_fields:
                raise self.error(f"model {block.name} has both @id and @@id", ids.start)
            model.id_fields = [self.field_ref(model, e, "@@id")[0] for e in self.field_list(ids, "@@id")]
        elif len(model.id_fields) > 1:
            raise self.error(f"model {block.name} has @id on several fields: use @@id([a, b])",
                             names[model.id_fields[1]].start)
        return model

    def kind_of(self, item: _Field) -> str:
        if item.unsupported is not None:
            return "unsupported"
        if item.type in SCALARS:
            return "scalar"
        if item.type in self.enum_values:
            return "enum"
        if item.type in self.views or item.type in self.model_blocks:
            return "relation"
        if item.type in self.composites:
            return "composite"
        raise self.error(f"unknown type {item.type}: not a scalar type, enum, model or view of this schema",
                         item.type_start)

    # argument helpers ----------------------------------------------------------------------------
    def field_list(self, attr: _Attr, what: str, key: str = "fields", position: int | None = 0) -> list[_Expr]:
        value = attr.arg(key, position)
        if value is None or value.kind != "list" or not value.items:
            raise self.error(f"{what} takes a list of fields: {what}([a, b])", attr.start)
        return value.items

    def field_ref(self, model: _Model, expr: _Expr, what: str) -> tuple[str, _Expr]:
        """A scalar field named in a list (`a` or `a(sort: Desc)`): its name and the expression."""
        if expr.kind not in ("name", "call") or "." in expr.value:
            raise self.error(f"{what}: expected a field name", expr.start)
        block = model.block
        item = next((f for f in block.fields if f.name == expr.value), None)
        if item is None:
            raise self.error(f"{what}: model {block.name} has no field {expr.value}", expr.start)
        if item.name not in model.columns:
            raise self.error(f"{what}: {expr.value} is not a scalar field of model {block.name}", expr.start)
        return item.name, expr

    def string_arg(self, attr: _Attr, key: str, position: int | None = None) -> str | None:
        value = attr.arg(key, position)
        if value is None:
            return None
        if value.kind != "str":
            raise self.error(f"{key}: expected a string", value.start)
        return value.value

    def constant_arg(self, attr: _Attr, key: str) -> tuple[str, int] | None:
        value = attr.arg(key)
        if value is None:
            return None
        if value.kind != "name":
            raise self.error(f"{key}: expected a name such as Cascade", value.start)
        return value.value, value.start

    # types ---------------------------------------------------------------------------------------
    def column_type(self, model: _Model, item: _Field) -> str:
        where = self.where(model.block, item)
        if item.type in self.enum_values:
            base = self.mapped_name(self.enum_blocks[item.type].attr("map"), item.type)
            native = self.native_attr(item)
            if native is not None:
                self.note(f"{where}: @{native.name} ignored on an enum field")
        else:
            base = DEFAULT_TYPES[self.dialect][item.type]
            native = self.native_attr(item)
            if native is not None:
                base = self.native_type(item, native, base, where)
        if not item.is_list:
            return base
        if self.dialect == "postgresql":
            return base + "[]"
        self.note(f"{where}: scalar lists exist only on PostgreSQL and CockroachDB; {item.type}[] imported as json")
        return "json"

    def native_attr(self, item: _Field) -> _Attr | None:
        natives = [a for a in item.attrs if "." in a.name]
        for attr in natives:
            prefix = attr.name.split(".", 1)[0]
            if prefix != self.datasource:
                raise self.error(f"@{attr.name}: native types are written @{self.datasource}.Type, after the "
                                 "datasource's name", attr.start)
        return natives[-1] if natives else None

    def native_type(self, item: _Field, attr: _Attr, default: str, where: str) -> str:
        name = attr.name.split(".", 1)[1]
        params: list[int] = []
        flavour = self.native_flavour()
        for arg in attr.args:
            if flavour == "sqlserver" and arg.value.kind == "name" and arg.value.value == "Max":
                params.append(-1)  # NVarChar(Max): no limit
                continue
            if arg.value.kind != "num" or not re.fullmatch(r"[0-9]+", arg.value.value):
                raise self.error(f"@{attr.name}: expected whole numbers as arguments", arg.value.start)
            params.append(int(arg.value.value))
        if flavour == "sqlite":
            self.note(f"{where}: SQLite has no native type attributes; @{attr.name} ignored")
            return default
        found = _native(flavour, item.type, name, params)
        if found is None:
            shown = f"@{attr.name}" + (f"({', '.join(map(str, params))})" if params else "")
            self.note(f"{where}: native type {shown} has no schema-lang equivalent; imported as {default}, "
                      f"Prisma's {item.type} type")
            return default
        type_text, why = found
        if why:
            self.note(f"{where}: @{attr.name} {why}")
        return type_text

    def native_flavour(self) -> str:
        if self.provider in ("postgresql", "postgres"):
            return "postgresql"
        if self.provider in ("mysql", "sqlite", "cockroachdb", "sqlserver"):
            return self.provider
        return self.dialect

    # tables --------------------------------------------------------------------------------------
    def build(self) -> None:
        for model in self.models.values():
            self.tables[model.table] = self.table(model)
        m2m: dict[str, tuple[Table, int]] = {}
        for model in self.models.values():
            self.relations(model, m2m)
        for name in sorted(m2m):
            table, start = m2m[name]
            if name in self.tables:
                raise self.error(f"the relation table {name} of this implicit many-to-many relation has the name "
                                 "of a model's table", start)
            self.tables[name] = table

    def table(self, model: _Model) -> Table:
        block = model.block
        table = Table(model.table, description=block.doc)
        for item in block.fields:
            kind = self.kind_of(item)
            where = self.where(block, item)
            if kind == "unsupported":
                self.skip("field Unsupported")
                self.note(f"{where}: Unsupported(\"{item.unsupported}\") has no schema-lang type: column left out")
                continue
            if kind == "composite":
                self.skip("field of a composite type")
                self.note(f"{where}: composite type {item.type} (MongoDB only): field left out")
                continue
            if kind == "relation":
                continue
            if item.attr("ignore") is not None:
                self.skip("field @ignore")
                self.note(f"{where} has @ignore: column left out (Prisma Migrate still creates it; "
                          "Prisma Client leaves it out)")
                continue
            name = model.columns[item.name]
            column = Column(name, self.column_type(model, item), not_null=not item.optional and not item.is_list,
                            description=item.doc)
            table.columns[name] = column
            self.field_attrs(model, item, table, column)
        pk = [model.columns[f] for f in model.id_fields if model.columns[f] in table.columns]
        if len(pk) != len(model.id_fields):
            self.note(f"model {self.where(block)}: its id has a field left out; no primary key imported")
            pk = []
        table.primary_key = pk
        for name in pk:
            table.columns[name].not_null = True
            table.columns[name].primary_key = len(pk) == 1
            if len(pk) == 1:
                table.columns[name].unique = False
        for attr in block.attrs:
            self.block_attr(model, attr, table)
        return table

    def field_attrs(self, model: _Model, item: _Field, table: Table, column: Column) -> None:
        where = self.where(model.block, item)
        for attr in item.attrs:
            name = attr.name
            if "." in name or name in ("map", "ignore"):
                continue
            if name == "id":
                self.pk_name(model, attr, where)
            elif name == "unique":
                self.unique(model, table, [self.column_entry(model, item.name, None, attr, where)], attr, where)
            elif name == "default":
                self.default(model, item, column, attr, where)
            elif name == "updatedAt":
                self.note(f"{where}: @updatedAt is set by Prisma Client on every update; the database keeps no "
                          "default or trigger for it")
            elif name == "relation":
                raise self.error(f"@relation on {item.name}, which is not a relation field", attr.start)
            else:
                self.note(f"{where}: @{name} ignored")

    def pk_name(self, model: _Model, attr: _Attr, where: str) -> None:
        name = self.string_arg(attr, "map")
        if name is not None and name != f"{model.table}_pkey":
            self.note(f"{where}: primary key name {name} not kept (schema files name it {model.table}_pkey)")

    def column_entry(self, model: _Model, field_name: str, expr: _Expr | None, attr: _Attr, where: str) -> str:
        """An index column: the column name, with ` desc` for sort: Desc."""
        column = model.columns[field_name]
        sort = attr.arg("sort") if expr is None else None
        options = attr if expr is None else None
        if expr is not None and expr.kind == "call":
            options = _Attr(expr.value, expr.start, expr.args)
            sort = options.arg("sort")
            for arg in expr.args:
                if arg.name not in ("sort", "length", "ops"):
                    raise self.error(f"{field_name}({arg.name or '...'}): unknown argument", arg.start)
        if options is not None:
            length, ops = options.arg("length"), options.arg("ops")
            if length is not None:
                self.note(f"{where}: length: on {field_name} (a MySQL prefix index) not kept")
            if ops is not None:
                self.note(f"{where}: ops: on {field_name} (an operator class) not kept")
        if sort is None:
            return column
        if sort.kind != "name" or sort.value not in ("Asc", "Desc"):
            raise self.error("sort: expected Asc or Desc", sort.start)
        return column + (" desc" if sort.value == "Desc" else "")

    def unique(self, model: _Model, table: Table, columns: list[str], attr: _Attr, where: str) -> None:
        name = self.string_arg(attr, "map")
        plain = [c.removesuffix(" desc") for c in columns]
        if name is None and plain == columns:
            if plain == table.primary_key:
                return
            if len(plain) == 1:
                table.columns[plain[0]].unique = True
            elif plain not in table.uniques:
                table.uniques.append(plain)
            return
        # a name or a sort order: a unique index says both
        table.indexes.append(Index(columns, name, unique=True))

    def block_attr(self, model: _Model, attr: _Attr, table: Table) -> None:
        where = f"model {self.where(model.block)}: @@{attr.name}"
        if attr.name in ("map", "ignore"):
            return
        if attr.name == "id":
            self.pk_name(model, attr, where)
            for item in self.field_list(attr, "@@id"):
                if item.kind == "call":
                    self.note(f"{where}: arguments of {item.value} not kept")
            return
        if attr.name in ("unique", "index", "fulltext"):
            entries = [self.column_entry(model, *self.field_ref(model, e, f"@@{attr.name}"), attr, where)
                       for e in self.field_list(attr, f"@@{attr.name}")]
            if any(e.removesuffix(" desc") not in table.columns for e in entries):
                self.note(f"{where}: a column of it is left out: not imported")
                return
            if attr.name == "unique":
                self.unique(model, table, entries, attr, where)
                return
            name = self.string_arg(attr, "map") or self.string_arg(attr, "name")
            index = Index(entries, name)
            if attr.name == "fulltext":
                if self.dialect != "mysql":
                    self.note(f"{where}: full-text indexes exist on MySQL only; left out")
                    return
                index.using = "fulltext"
            kind = self.constant_arg(attr, "type")
            if kind is not None:
                if kind[0] not in _INDEX_TYPES and kind[0] != "SpGist":
                    raise self.error(f"type: unknown index type {kind[0]} (BTree, Hash, Gist, Gin, SpGist, Brin)",
                                     kind[1])
                if kind[0] == "SpGist":
                    self.note(f"{where}: SP-GiST has no schema-lang index method; imported as a B-tree index")
                elif self.dialect == "postgresql":
                    index.using = _INDEX_TYPES[kind[0]]
                elif _INDEX_TYPES[kind[0]]:
                    self.note(f"{where}: type: {kind[0]} exists on PostgreSQL only; imported as a B-tree index")
            condition = attr.arg("where")
            if condition is not None:
                if condition.kind == "call" and condition.value == "raw" and len(condition.args) == 1 \
                        and condition.args[0].value.kind == "str":
                    index.where = condition.args[0].value.value
                else:
                    self.note(f"{where}: where: is kept only as raw(\"SQL\"); index imported without it")
            if attr.arg("clustered") is not None:
                self.note(f"{where}: clustered: (SQL Server) ignored")
            table.indexes.append(index)
            return
        if attr.name == "schema":
            self.note(f"{where}: the table is imported without its database schema")
            return
        self.note(f"{where} ignored")

    # defaults ------------------------------------------------------------------------------------
    def default(self, model: _Model, item: _Field, column: Column, attr: _Attr, where: str) -> None:
        value = attr.arg("value", 0)
        if value is None:
            raise self.error("@default takes a value: @default(0)", attr.start)
        if value.kind == "call":
            self.default_function(item, column, value, where)
            return
        if item.is_list:
            if self.dialect != "postgresql":
                self.note(f"{where}: the default of a scalar list is left out (stored as json)")
                return
            if value.kind != "list":
                raise self.error("the default of a list field is a list: @default([...])", value.start)
            elements = [self.array_element(item, e) for e in value.items]
            column.default = _sql_string("{" + ",".join(elements) + "}")
            return
        if value.kind == "list":
            raise self.error(f"{item.name} is not a list: its default cannot be a list", value.start)
        if item.type in self.enum_values:
            text = value.value
            if value.kind not in ("name", "str") or text not in self.enum_values[item.type]:
                raise self.error(f"{text} is not a value of enum {item.type}", value.start)
            column.default = _sql_string(self.enum_values[item.type][text])
            return
        if item.type == "Bytes":
            self.note(f"{where}: a Bytes default (base64 in the Prisma schema) is left out")
            return
        if value.kind == "num":
            column.default = value.value
        elif value.kind == "str":
            column.default = _sql_string(value.value)
        elif value.value in ("true", "false"):
            column.default = value.value
        else:
            raise self.error(f"@default({value.value}): expected a string, a number, true, false or a function",
                             value.start)

    def array_element(self, item: _Field, expr: _Expr) -> str:
        if item.type in self.enum_values:
            if expr.kind not in ("name", "str") or expr.value not in self.enum_values[item.type]:
                raise self.error(f"{expr.value} is not a value of enum {item.type}", expr.start)
            text = self.enum_values[item.type][expr.value]
        elif expr.kind in ("num", "str") or (expr.kind == "name" and expr.value in ("true", "false")):
            text = expr.value
        else:
            raise self.error("expected a literal in the list default", expr.start)
        if expr.kind == "num" or (expr.kind == "name" and item.type == "Boolean"):
            return text
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    def default_function(self, item: _Field, column: Column, call: _Expr, where: str) -> None:
        name = call.value
        if name == "autoincrement" or name == "sequence":
            if column.type not in _INTEGER_TYPES:
                self.note(f"{where}: {name}() on a {column.type} column: no identity imported")
                return
            column.identity = True
            if name == "sequence":
                self.note(f"{where}: sequence() (CockroachDB) imported as identity; its options are not kept")
            return
        if name == "now":
            column.default = "now()"
            return
        if name == "dbgenerated":
            if not call.args:
                self.note(f"{where}: dbgenerated() without an expression: no default imported")
                return
            sql = call.args[0].value
            if sql.kind != "str":
                raise self.error('dbgenerated takes the SQL as a string: dbgenerated("now()")', sql.start)
            if sql.value.strip():
                column.default = sql.value.strip()
            return
        if name in _CLIENT_SIDE:
            self.note(f"{where}: {name}() values are made by Prisma Client, not the database: no default imported")
            return
        if name == "auto":
            raise self.error("auto() exists on MongoDB only", call.start)
        self.note(f"{where}: @default({name}(...)) is not known: no default imported")

    # relations -----------------------------------------------------------------------------------
    def relation_name(self, item: _Field) -> str:
        attr = item.attr("relation")
        if attr is None:
            return ""
        return self.string_arg(attr, "name", 0) or ""

    def opposite(self, model: _Model, item: _Field) -> list[_Field]:
        name = self.relation_name(item)
        target = self.model_blocks.get(item.type)
        if target is None:
            return []
        return [f for f in target.fields if f is not item and f.type == model.block.name
                and f.unsupported is None and self.relation_name(f) == name]

    def relations(self, model: _Model, m2m: dict[str, tuple[Table, int]]) -> None:
        block = model.block
        for item in model.relations:
            where = self.where(block, item)
            attr = item.attr("relation")
            fields = attr.arg("fields") if attr is not None else None
            if attr is not None:
                for arg in attr.args:
                    if arg.name not in (None, "name", "fields", "references", "onDelete", "onUpdate", "map"):
                        raise self.error(f"@relation: unknown argument {arg.name}", arg.start)
            if fields is not None and attr is not None:  # (fields come from attr)
                self.foreign_key(model, item, attr, where)
                continue
            if attr is not None and attr.arg("references") is not None:
                raise self.error("@relation with references needs fields too", attr.start)
            if not item.is_list or item.type in self.views:
                continue  # the side of a one-to-one or one-to-many relation that holds no key
            others = self.opposite(model, item)
            if len(others) != 1:
                self.note(f"{where}: {'no' if not others else 'more than one'} opposite relation field on "
                          f"{item.type}: nothing imported for it")
                continue
            other = others[0]
            other_attr = other.attr("relation")
            if not other.is_list or (other_attr is not None and other_attr.arg("fields") is not None):
                continue  # the list side of a one-to-many relation
            self.implicit_many_to_many(model, item, m2m, where)

    def foreign_key(self, model: _Model, item: _Field, attr: _Attr, where: str) -> None:
        target_name = item.type
        references = attr.arg("references")
        if references is None:
            raise self.error("@relation with fields needs references: @relation(fields: [a], references: [id])",
                             attr.start)
        local = [self.field_ref(model, e, "fields")[0] for e in self.field_list(attr, "@relation", "fields", None)]
        if item.attr("ignore") is not None:
            self.note(f"{where} has @ignore: its foreign key is left out")
            return
        if target_name in self.views or target_name in self.ignored_models:
            why = "a view" if target_name in self.views else "a model with @@ignore"
            self.note(f"{where}: {target_name} is {why}: no foreign key imported")
            return
        target = self.models[target_name]
        remote = [self.field_ref(target, e, "references")[0]
                  for e in self.field_list(attr, "@relation", "references", None)]
        if len(local) != len(remote):
            raise self.error("@relation: fields and references must name as many fields", attr.start)
        columns = [model.columns[f] for f in local]
        table = self.tables[model.table]
        if any(c not in table.columns for c in columns) or \
                any(target.columns[f] not in self.tables[target.table].columns for f in remote):
            self.note(f"{where}: a column of the relation is left out: no foreign key imported")
            return
        if self.emulated:
            return
        optional = any(model.scalars[f].optional for f in local)
        on_delete = self.action(attr, "onDelete") or ("set null" if optional else "restrict")
        on_update = self.action(attr, "onUpdate") or "cascade"
        if "set default" in (on_delete, on_update) and self.dialect == "mysql":
            self.note(f"{where}: SetDefault on MySQL: InnoDB refuses it or treats it as NO ACTION")
        fk_name = self.string_arg(attr, "map")
        if fk_name is not None:
            self.note(f"{where}: foreign key name {fk_name} (map:) not kept: the schema file names foreign keys "
                      "itself")
        table.foreign_keys.append(ForeignKey(columns, Reference(target.table, [target.columns[f] for f in remote],
                                                                on_delete, on_update)))

    def action(self, attr: _Attr, key: str) -> str | None:
        found = self.constant_arg(attr, key)
        if found is None:
            return None
        if found[0] not in _ACTIONS:
            raise self.error(f"{key}: unknown referential action {found[0]} "
                             "(Cascade, Restrict, NoAction, SetNull, SetDefault)", found[1])
        return _ACTIONS[found[0]]

    def implicit_many_to_many(self, model: _Model, item: _Field, m2m: dict[str, tuple[Table, int]],
                              where: str) -> None:
        """The relation table Prisma keeps for an implicit m-n relation: `_` and the relation's
        name (default: both model names in alphabetical order joined by `To`), columns A and B
        pointing at the ids of the first and second model in that order, A and B unique
        together (PostgreSQL: the primary key, since Prisma 6), an index on B, and cascading
        foreign keys."""
        first, second = sorted([model.block.name, item.type])
        name = "_" + (self.relation_name(item) or f"{first}To{second}")
        if name in m2m:
            return
        for other in (first, second):
            if other in self.views or other in self.ignored_models:
                self.note(f"{where}: {other} is not imported: no relation table {name}")
                return
        table = Table(name)
        for column, other in (("A", first), ("B", second)):
            target = self.models[other]
            ids = target.id_fields
            if len(ids) != 1:
                raise self.error(f"implicit many-to-many relation: model {other} needs a single-field @id",
                                 item.start)
            target_table = self.tables[target.table]
            key = target.columns[ids[0]]
            if key not in target_table.columns:
                self.note(f"{where}: the id of {other} is left out: no relation table {name}")
                return
            table.columns[column] = Column(column, target_table.columns[key].type, not_null=True)
            if not self.emulated:
                table.foreign_keys.append(ForeignKey([column], Reference(target.table, [key], "cascade", "cascade")))
        if self.flavour == "postgresql":
            table.primary_key = ["A", "B"]
        else:
            table.uniques.append(["A", "B"])
        table.indexes.append(Index(["B"]))
        m2m[name] = (table, item.start)

    # the result ----------------------------------------------------------------------------------
    def run(self, schema_name: str) -> ImportResult:
        self.read_datasource()
        self.collect()
        self.build()
        yaml_text = render(schema_name, self.dialect, self.enums, self.tables)
        return ImportResult(yaml_text, dict(sorted(self.skipped.items())), self.notes)


def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _native(flavour: str, scalar: str, name: str, params: list[int]) -> tuple[str, str | None] | None:
    """The schema-lang type of a native type attribute, and a note when it is not exact;
    None for a native type this provider does not have."""
    p = params

    def sized(base: str, limit: int | None = None) -> str:
        if not p:
            return base
        if limit is not None and p[0] > limit:
            return base
        return f"{base}({p[0]})"

    def decimal() -> str:
        if len(p) == 2 and 1 <= p[0] <= 1000 and 0 <= p[1] <= p[0]:
            return f"decimal({p[0]},{p[1]})"
        if len(p) == 1 and 1 <= p[0] <= 1000:
            return f"decimal({p[0]})"
        return "decimal(65,30)"

    def length(base: str) -> str:
        return f"{base}({p[0]})" if p and p[0] >= 1 else base

    if flavour in ("postgresql", "cockroachdb"):
        simple = {"Text": "text", "Uuid": "uuid", "Boolean": "boolean", "Bool": "boolean", "Integer": "int",
                  "Int": "int", "Int4": "int", "SmallInt": "smallint", "Int2": "smallint", "BigInt": "bigint",
                  "Int8": "bigint", "DoublePrecision": "double", "Float8": "double", "Real": "real",
                  "Float4": "real", "Date": "date", "Json": "json", "JsonB": "jsonb", "ByteA": "bytes",
                  "Bytes": "bytes"}
        if name in simple:
            return simple[name], None
        if name in ("VarChar", "String"):
            if p:
                return length("varchar"), None
            return "text", "without a length is unbounded: imported as text"
        if name == "Char":
            return length("char"), None
        if name == "CatalogSingleChar":
            return "char(1)", None
        if name == "Decimal":
            return decimal(), None
        if name == "Money":
            return "decimal(19,2)", "(money) imported as decimal(19,2)"
        if name in ("Timestamp", "Timestamptz", "Time"):
            return sized(name.lower(), 6), None
        if name == "Timetz":
            return sized("time", 6), "(time with time zone) imported as time: the zone is not kept"
        if name in ("Citext", "Xml", "Inet", "Bit", "VarBit"):
            return "text", f"({name.lower()}) has no schema-lang type: imported as text"
        if name == "Oid":
            return "bigint", "(oid) imported as bigint"
        return None
    if flavour == "mysql":
        simple = {"LongText": "text", "Int": "int", "SmallInt": "smallint", "BigInt": "bigint", "Float": "real",
                  "Double": "double", "Date": "date", "Json": "json", "LongBlob": "bytes"}
        if name in simple:
            return simple[name], None
        if name == "VarChar":
            return length("varchar"), None
        if name == "Char":
            return length("char"), None
        if name in ("Text", "TinyText", "MediumText"):
            return "text", f"({name.upper()}) imported as text, which schema-lang stores in LONGTEXT"
        if name in ("Binary", "VarBinary", "TinyBlob", "Blob", "MediumBlob"):
            return "bytes", f"({name.upper()}) imported as bytes, which schema-lang stores in LONGBLOB"
        if name == "Bit":
            if scalar == "Boolean":
                return "boolean", None
            return ("bytes" if scalar == "Bytes" else "text"), "(BIT) has no schema-lang type"
        if name == "TinyInt":
            if scalar == "Boolean":
                return "boolean", None
            return "smallint", "(TINYINT) imported as smallint"
        if name == "Decimal":
            return decimal(), None
        if name in ("DateTime", "Timestamp"):
            why = "(TIMESTAMP, kept in UTC) imported as timestamp" if name == "Timestamp" else None
            return sized("timestamp", 6), why
        if name == "Time":
            return sized("time", 6), None
        unsigned = {"UnsignedTinyInt": "smallint", "UnsignedSmallInt": "int", "MediumInt": "int",
                    "UnsignedMediumInt": "int", "UnsignedInt": "bigint", "UnsignedBigInt": "bigint", "Year": "smallint"}
        if name in unsigned:
            why = "values above 2^63-1 do not fit" if name == "UnsignedBigInt" else "the range is kept"
            return unsigned[name], f"imported as {unsigned[name]} ({why})"
        return None
    if flavour == "sqlserver":
        simple = {"Text": "text", "NText": "text", "Xml": "text", "UniqueIdentifier": "uuid", "Bit": "boolean",
                  "TinyInt": "smallint", "SmallInt": "smallint", "Int": "int", "BigInt": "bigint", "Real": "real",
                  "Float": "double", "Date": "date", "DateTime": "timestamp(3)", "SmallDateTime": "timestamp(0)",
                  "Binary": "bytes", "VarBinary": "bytes", "Image": "bytes"}
        if name in simple:
            return simple[name], None
        if name in ("VarChar", "NVarChar", "Char", "NChar"):
            base = "char" if name.endswith("Char") and "Var" not in name else "varchar"
            return (length(base) if p and p[0] >= 1 else "text"), None
        if name == "Decimal":
            return decimal(), None
        if name in ("Money", "SmallMoney"):
            return ("decimal(19,4)" if name == "Money" else "decimal(10,4)"), f"({name.lower()}) imported as decimal"
        if name in ("DateTime2", "Time"):
            return sized("timestamp" if name == "DateTime2" else "time", 6), None
        if name == "DateTimeOffset":
            return sized("timestamptz", 6), None
        return None
    return None


def import_prisma(text: str, schema_name: str = "imported", dialect: str | None = None) -> ImportResult:
    """Reads a Prisma schema (`schema.prisma`) into a schema file.  `dialect` (postgresql,
    mysql or sqlite) overrides the datasource's provider: the result is what Prisma
    Migrate would create for that provider."""
    if dialect is not None and dialect not in DIALECTS:
        raise ValueError(f"unknown dialect {dialect!r}: expected postgresql, mysql or sqlite")
    source = _Source(text)
    try:
        blocks = _Parser(source).parse()
        return _Importer(source, blocks, dialect).run(schema_name)
    except RecursionError:
        raise ImportSourceError("the schema is nested too deeply to be read") from None
