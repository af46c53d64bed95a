"""Hover: what the engine knows about the thing at an offset, as Markdown.

`hover(document, offset)` answers for table names, columns (their keys, and
names of them in keys, indexes, dependencies and foreign keys), types and
modifiers of the column shorthand, enum names and values, rule ids (in
`rules:` and in ignore comments), and for any offset inside a diagnostic's
range, the summary of its rule.  Offsets and spans are code-point offsets
into the document's text; the language server converts them.
"""
from __future__ import annotations

import re

from ..analysis.indexes import indexes_of
from ..analysis.normalization import normalization_of
from ..analysis.queries import parse_query
from ..core.document import _IGNORE_RE, Document
from ..core.lines import ends_inside_quotes
from ..core.model import Column, Enum, ForeignKey, Schema, Span, Table
from ..core.shorthand import Shorthand, parse_shorthand
from ..core.types import ALIASES, ColumnType, TypeError_, parse_type
from ..dialects import DIALECTS, Dialect, get_dialect
from ..generate.ddl import column_type_sql
from ..rules import RULES

Result = tuple[str, Span]

# what each built-in type holds (docs/language.md, "Types")
TYPE_MEANINGS = {
    "smallint": "a 2-byte integer (-32,768 to 32,767); accepts `identity`",
    "int": "a 4-byte integer (about ±2.1 billion); accepts `identity`",
    "bigint": "an 8-byte integer (about ±9.2 × 10¹⁸); accepts `identity`",
    "decimal": "an exact number: `decimal(p,s)` has p digits, s of them after the point",
    "real": "a 4-byte floating-point number (about 6 significant digits)",
    "double": "an 8-byte floating-point number (about 15 significant digits)",
    "boolean": "true or false",
    "char": "fixed-length text: `char(n)` is always n characters, padded with spaces",
    "varchar": "variable-length text: `varchar(n)` holds at most n characters",
    "text": "text without a length limit",
    "date": "a calendar date, without a time of day",
    "time": "a time of day, without a date; `time(p)` keeps p fractional-second digits",
    "timestamp": "a date and time of day without a time zone (a wall-clock reading); "
                 "`timestamp(p)` keeps p fractional-second digits",
    "timestamptz": "an instant in time (time-zone aware): written in any zone, compared as the same moment; "
                   "`timestamptz(p)` keeps p fractional-second digits",
    "interval": "a duration, such as 1 day 02:00:00",
    "uuid": "a 128-bit universally unique identifier",
    "json": "a JSON document, kept as written",
    "jsonb": "a JSON document in PostgreSQL's binary form (indexable, keys reordered, duplicates dropped)",
    "bytes": "binary data",
}

ACTION_MEANINGS = {
    "cascade": "the referencing rows change with it: deleted with the row, or given the new key",
    "restrict": "the change is refused at once while rows reference it",
    "set null": "the referencing column is set to NULL (it must be nullable)",
    "set default": "the referencing column is set to its default",
    "no action": "the change is refused if rows still reference it when the statement (or a deferred "
                 "constraint's transaction) ends; the default",
}

MODIFIER_MEANINGS = {
    "pk": "**pk** (primary key): the column is the table's primary key: unique, never NULL, and what other "
          "tables reference by default. Long form: `primary_key: true`.",
    "not null": "**not null**: the column cannot be NULL. Long form: `nullable: false`.",
    "null": "**null**: the column may be NULL (already the default for columns that are not a key). "
            "Long form: `nullable: true`.",
    "unique": "**unique**: no two rows share a value (NULLs excepted: a unique column may hold several). "
              "Long form: `unique: true`.",
    "identity": "**identity**: the database generates the value for each new row; smallint, int or bigint only. "
                "Long form: `identity: true`.",
    "pii": "**pii**: the column holds personal data (names, e-mail addresses, phone numbers ...): the design "
           "document lists it for data-protection review and erasure requests. Long form: `pii: true`.",
    "default": "**default** `EXPR`: the value used when an insert gives none. Long form: `default: EXPR`.",
    "references": "**references** `TABLE[(COLUMN)]`: a foreign key; without a column, to the table's primary key. "
                  "Long form: `references:`.",
    "check": "**check** `(CONDITION)`: a check constraint every row must satisfy. Long form: `check: CONDITION`.",
    "was": "**was** `OLD_NAME`: the column's previous name, so a migration renames it instead of dropping it "
           "and adding a new one. Long form: `was: OLD_NAME`.",
}


def _dialect(document: Document, dialect) -> Dialect:
    if isinstance(dialect, Dialect):
        return dialect
    if isinstance(dialect, str) and dialect:
        try:
            return get_dialect(dialect)
        except KeyError:
            pass
    return document.schema.dialect


def _inside(offset: int, span: Span | None) -> bool:
    return span is not None and span[0] <= offset <= span[1]


def hover(document: Document, offset: int, dialect: Dialect | str | None = None,
          extra_diagnostics=()) -> Result | None:
    """(markdown, span) for the thing at `offset`, or None.  `dialect` is the target the
    storage of types is described for (default: the document's)."""
    target = _dialect(document, dialect)
    try:
        main = _main(document, offset, target)
    except Exception:  # noqa: BLE001 - a hover that cannot be built is simply not shown
        main = None
    notes = diagnostic_notes(document, offset, extra_diagnostics)
    if main is None and not notes:
        return None
    parts = [main[0]] if main else []
    parts += [md for md, _ in notes]
    span = main[1] if main else notes[0][1]
    return "\n\n---\n\n".join(parts), span


# ---------------------------------------------------------------------------
# what is at the offset

def _main(document: Document, offset: int, dialect: Dialect) -> Result | None:
    found = _rule_at(document, offset)
    if found is not None:
        return found
    schema = document.schema
    for enum in schema.enums.values():
        if getattr(enum, "origin", None) is not None:
            continue  # an included file's: its spans are that file's
        if _inside(offset, enum.span):
            return enum_markdown(schema, enum, dialect), enum.span
        for value, span in zip(enum.values, enum.value_spans, strict=False):
            if _inside(offset, span):
                return enum_value_markdown(schema, enum, value), span
    for table in schema.tables.values():
        key = table.at(table.span)
        if _inside(offset, key):
            if not table.columns:
                return None
            return table_markdown(schema, table), key
        start, end = table.at(table.value_span)
        if start <= offset <= end:
            found = _in_table(document.text, schema, table, offset - table.base, dialect)
            if found is not None:
                return found[0], table.at(found[1])
    return None


def _in_table(text: str, schema: Schema, table: Table, rel: int, dialect: Dialect) -> Result | None:
    """Inside one table; `rel` and the spans returned are relative to the table."""
    for column in table.columns.values():
        if _inside(rel, column.span):
            return column_markdown(schema, table, column, dialect), column.span
        if _inside(rel, column.value_span):
            found = _in_column(text, schema, table, column, rel, dialect)
            if found is not None:
                return found
    for fk in table.foreign_keys:
        target = lookup_table(schema, fk.table)
        if _inside(rel, fk.table_span):
            if target is None or not target.columns:
                return None
            return table_markdown(schema, target), fk.table_span
        for name, span in zip(fk.target_columns or [], fk.target_column_spans, strict=False):
            if _inside(rel, span) and target is not None and name in target.columns:
                return column_markdown(schema, target, target.columns[name], dialect), span
        if not fk.inline:
            for name, span in zip(fk.columns, fk.column_spans, strict=False):
                if _inside(rel, span) and name in table.columns:
                    return column_markdown(schema, table, table.columns[name], dialect), span
    names: list[tuple[str, Span]] = list(zip(table.primary_key, table.primary_key_spans, strict=False))
    for unique in table.uniques:
        if not unique.inline:
            names += list(zip(unique.columns, unique.column_spans, strict=False))
    for index in table.indexes:
        names += [(c.name, c.span) for c in index.columns if not c.expression]
        names += list(index.include)
    for dependency in table.dependencies:
        names += dependency.lhs + dependency.rhs
    if table.partition_by is not None:
        names += table.partition_by.columns
    for name, span in names:
        if _inside(rel, span) and name in table.columns:
            return column_markdown(schema, table, table.columns[name], dialect), span
    return None


def _in_column(text: str, schema: Schema, table: Table, column: Column, rel: int,
               dialect: Dialect) -> Result | None:
    """Inside a column's value: its type, a modifier of the shorthand, or a long-form value."""
    if _inside(rel, column.type_span) and column.type_span[1] > column.type_span[0]:
        markdown = type_markdown(schema, column.type, column.type_text, dialect)
        return (markdown, column.type_span) if markdown else None
    located = _shorthand_of(text, table, column)
    if located is None:
        # the long form: its values of pk, unique, identity, default, check
        for word, span in (("pk", column.pk_span), ("unique", column.unique_span),
                           ("identity", column.identity_span), ("default", column.default_span),
                           ("check", column.check_span), ("was", column.was_span)):
            if span is not None and _inside(rel, span):
                return _modifier(schema, table, column, word, dialect), span
        return None
    base, raw, short = located
    r = rel - base

    def out(md: str, span: Span) -> Result:
        return md, (span[0] + base, span[1] + base)

    if _inside(r, short.references_table_span):
        return None  # answered by the foreign key (the target table's hover)
    if short.on_delete_span is not None and _inside(r, short.on_delete_span):
        return out(_action_markdown("delete", short.on_delete), short.on_delete_span)
    if short.on_update_span is not None and _inside(r, short.on_update_span):
        return out(_action_markdown("update", short.on_update), short.on_update_span)
    for word, span in (("pk", short.primary_key), ("not null", short.not_null), ("null", short.null),
                       ("unique", short.unique), ("identity", short.identity), ("pii", short.pii)):
        if span is not None and _inside(r, span):
            return out(_modifier(schema, table, column, word, dialect), span)
    for word, span in (("default", short.default_span), ("check", short.check_span), ("was", short.was_span)):
        if span is not None and _inside(r, span):
            return out(_modifier(schema, table, column, word, dialect), span)
    if short.references_span is not None and _inside(r, (short.references_span[0], short.references_span[0] + 10)):
        return out(_modifier(schema, table, column, "references", dialect),
                   (short.references_span[0], short.references_span[0] + 10))
    # the keywords `default` and `was` in front of their values
    keyword = _word_at(raw, r)
    if keyword is not None and keyword[0].lower() in ("default", "was"):
        return out(_modifier(schema, table, column, keyword[0].lower(), dialect), keyword[1])
    return None


def _shorthand_of(text: str, table: Table, column: Column) -> tuple[int, str, Shorthand] | None:
    """(offset of the shorthand's first character relative to the table, its text, its parse),
    when the column is a one-line shorthand whose text maps 1:1 onto the file."""
    start, end = column.value_span
    raw = text[table.base + start:table.base + end]
    if not raw or "\n" in raw:
        return None
    base = start
    if raw[0] in "'\"":
        if len(raw) < 2 or raw[-1] != raw[0] or raw[0] in raw[1:-1] or "\\" in raw:
            return None
        raw, base = raw[1:-1], start + 1
    elif raw[0] in "{[":
        return None
    short = parse_shorthand(raw)
    if (short.type_span[0] + base, short.type_span[1] + base) != tuple(column.type_span):
        return None
    return base, raw, short


def _word_at(text: str, r: int) -> tuple[str, Span] | None:
    for m in re.finditer(r"[A-Za-z_]+", text):
        if m.start() <= r <= m.end():
            return m.group(0), (m.start(), m.end())
    return None


def _rule_at(document: Document, offset: int) -> Result | None:
    rules = RULES
    for rule_id, span in document.schema.rule_level_spans.items():
        if _inside(offset, span) and rule_id in rules:
            return rules[rule_id].doc, span
    if "schema-lang:" not in document.text:
        return None
    lines = document.lines
    line = lines.position(offset).line
    start = lines.line_starts[line]
    text = lines.line_text(line)
    for match in _IGNORE_RE.finditer(text):
        if match.group(1) is None or ends_inside_quotes(text[:match.start()]):
            continue
        for part in re.finditer(r"[^,\s]+", match.group(1)):
            span = (start + match.start(1) + part.start(), start + match.start(1) + part.end())
            if _inside(offset, span) and part.group(0) in rules:
                return rules[part.group(0)].doc, span
    return None


# ---------------------------------------------------------------------------
# diagnostics

def rule_summary(rule_id: str) -> str | None:
    """The rule's title, the first paragraph of its documentation and a link to it."""
    rule = RULES.get(rule_id)
    if rule is None:
        return None
    paragraphs = [p.strip() for p in rule.doc.split("\n\n") if p.strip() and not p.lstrip().startswith("#")]
    lines = [f"**{rule.id}** ({rule.severity.value}): {rule.title}"]
    if paragraphs:
        lines += ["", paragraphs[0]]
    if rule.doc_path.exists():
        lines += ["", f"[Documentation of {rule.id}]({rule.doc_path.as_uri()})"]
    return "\n".join(lines)


def diagnostic_notes(document: Document, offset: int, extra=()) -> list[Result]:
    """The summary of the rule of each diagnostic whose range holds `offset` (once per rule)."""
    out: list[Result] = []
    seen: set[str] = set()
    for d in [*document.diagnostics, *extra]:
        if not d.start <= offset <= d.end or d.rule in seen:
            continue
        summary = rule_summary(d.rule)
        if summary is None:
            continue
        seen.add(d.rule)
        out.append((summary, (d.start, d.end)))
    return out


# ---------------------------------------------------------------------------
# the Markdown of each kind

def lookup_table(schema: Schema, name: str) -> Table | None:
    """A table the file may reference: its own, or one of an included file (when the schema has those)."""
    find = getattr(schema, "table", None)
    return find(name) if callable(find) else schema.tables.get(name)


def _code_list(items) -> str:
    return ", ".join(f"`{i}`" for i in items)


def references_into(schema: Schema, table: Table) -> list[tuple[Table, ForeignKey]]:
    """(referencing table, foreign key) for every foreign key pointing at `table`."""
    return [(other, fk) for other in schema.tables.values() for fk in other.foreign_keys if fk.table == table.name]


def _fk_text(fk, target: Table | None) -> str:
    cols = fk.target_columns or (target.primary_key if target is not None else [])
    text = f"{fk.table}({', '.join(cols)})" if cols else fk.table
    actions = []
    if fk.on_delete:
        actions.append(f"on delete {fk.on_delete}")
    if fk.on_update:
        actions.append(f"on update {fk.on_update}")
    return f"`{text}`" + (" " + ", ".join(actions) if actions else "")


def table_markdown(schema: Schema, table: Table) -> str:

    data = normalization_of(schema, table)
    lines = [f"**table** `{table.name}`"]
    if table.description:
        lines += ["", table.description]
    if table.rows is not None:
        lines += ["", f"Expected rows: {table.rows:,}"]
    keys = " or ".join("(" + ", ".join(k) + ")" for k in data.candidate_keys) or "none"
    pk = ", ".join(table.primary_key) if table.primary_key else "none"
    lines += ["", f"Primary key: ({pk})" if table.primary_key else "Primary key: none"]
    lines += ["", f"Normal form: **{data.normal_form}**", "", f"Candidate keys: {keys}"]
    dependencies = data.dependency_strings()
    if dependencies:
        lines += ["", "Functional dependencies:", ""] + [f"- `{d}`" for d in dependencies]
    kept = [(n, c.denormalized) for n, c in table.columns.items() if c.denormalized]
    if kept:
        lines += ["", "Denormalized on purpose:", ""] + [f"- `{n}`: {why}" for n, why in kept]
    if table.foreign_keys:
        lines += ["", "References:", ""]
        for fk in table.foreign_keys:
            lines.append(f"- ({', '.join(fk.columns)}) → {_fk_text(fk, lookup_table(schema, fk.table))}")
    inbound = references_into(schema, table)
    if inbound:
        lines += ["", "Referenced by:", ""]
        for other, fk in inbound:
            lines.append(f"- `{other.name}({', '.join(fk.columns)})`"
                         + (f" on delete {fk.on_delete}" if fk.on_delete else ""))
    return "\n".join(lines)


def _storage_rows(schema: Schema, ctype: ColumnType, dialect: Dialect) -> list[str]:
    """A Markdown table: how each dialect stores the type, the target first and marked."""

    rows = ["| Dialect | Stored as | Note |", "|---|---|---|"]
    order = [dialect] + [d for d in DIALECTS.values() if d.name != dialect.name]
    for d in order:
        try:
            sql = column_type_sql(ctype, d, schema)
        except Exception:  # noqa: BLE001 - e.g. an enum that is not declared
            sql = d.types[ctype.base].sql if ctype.base in d.types else "?"
        note = _type_note(schema, ctype, d)
        name = f"**{d.display_name}** (target)" if d.name == dialect.name else d.display_name
        rows.append(f"| {name} | `{sql}` | {('⚠ ' + note) if note else ''} |")
    return rows


def _type_note(schema: Schema, ctype: ColumnType, dialect: Dialect) -> str | None:
    if ctype.base == "array":
        if not dialect.arrays:
            note = dialect.types["array"].note or ""
            if not schema.arrays_as_json:
                note += " (needs `options: {arrays_as_json: true}`, else dialect/unsupported-type)"
            return note
        element = dialect.types.get(ctype.scalar.base)
        return element.note if element else None
    if ctype.base == "enum" and not dialect.native_enums:
        if dialect.enum_check:
            return f"{dialect.display_name} has no enum types: text with a CHECK of the values"
        return None
    mapping = dialect.types.get(ctype.base)
    if ctype.base == "uuid" and schema.uuid_storage == "binary16" and mapping and mapping.note:
        return f"{dialect.display_name} has no uuid type: stored as BINARY(16) (options.uuid_storage)"
    return mapping.note if mapping else None


def _type_meaning(ctype: ColumnType) -> str:
    if ctype.base == "array" and ctype.element is not None:  # an array always has its element
        return f"an array of {_type_meaning(ctype.element)} (`{ctype.element}`)"
    if ctype.base == "enum":
        if ctype.enum_name:
            return f"the enum `{ctype.enum_name}`"
        return "an inline enum: one of " + _code_list(ctype.enum_values)
    meaning = TYPE_MEANINGS.get(ctype.base, ctype.base)
    p = ctype.params
    if ctype.base == "varchar" and p:
        meaning = f"variable-length text of at most {p[0]:,} characters"
    elif ctype.base == "char" and p:
        meaning = f"fixed-length text of exactly {p[0]:,} characters (padded with spaces)"
    elif ctype.base == "decimal" and p:
        scale = p[1] if len(p) > 1 else 0
        meaning = f"an exact number of {p[0]} digits, {scale} of them after the point"
    elif ctype.base in ("time", "timestamp", "timestamptz") and p:
        meaning += f" (here {p[0]} fractional-second digits)"
    return meaning


def type_markdown(schema: Schema, ctype: ColumnType | None, written: str, dialect: Dialect) -> str | None:
    if ctype is None:
        try:
            ctype = parse_type(written, frozenset(schema.enums))
        except TypeError_:
            return None
    if ctype.base == "enum" and ctype.enum_name and ctype.enum_name in schema.enums:
        return enum_markdown(schema, schema.enums[ctype.enum_name], dialect)
    lines = [f"**type** `{ctype}`: {_type_meaning(ctype)}"]
    word = written.split("(")[0].split("[")[0].strip().lower()
    word = " ".join(word.split())
    if word in ALIASES:
        lines += ["", f"`{word}` is another name for `{ALIASES[word]}`."]
    lines += [""] + _storage_rows(schema, ctype, dialect)
    return "\n".join(lines)


def enum_markdown(schema: Schema, enum: Enum, dialect: Dialect) -> str:
    lines = [f"**enum** `{enum.name}`: {_code_list(enum.values)}"]
    users = [f"{t.name}.{c.name}" for t in schema.tables.values() for c in t.columns.values()
             if c.type is not None and c.type.scalar.base == "enum" and c.type.scalar.enum_name == enum.name]
    if users:
        lines += ["", "Used by: " + _code_list(users)]
    lines += ["", "| Dialect | Stored as |", "|---|---|"]
    order = [dialect] + [d for d in DIALECTS.values() if d.name != dialect.name]
    for d in order:
        if d.native_enums:
            how = f"a type of its own: `CREATE TYPE {enum.name} AS ENUM (...)`"
        elif "{values}" in d.types["enum"].sql:
            how = f"`{d.types['enum'].sql.split('(')[0]}(...)` on each column"
        else:
            how = f"`{d.types['enum'].sql}`" + (" with a CHECK of the values" if d.enum_check else "")
        name = f"**{d.display_name}** (target)" if d.name == dialect.name else d.display_name
        lines.append(f"| {name} | {how} |")
    return "\n".join(lines)


def enum_value_markdown(schema: Schema, enum: Enum, value: str) -> str:
    position = enum.values.index(value) + 1 if value in enum.values else 0
    lines = [f"**value** `{value}` of enum `{enum.name}` ({position} of {len(enum.values)})"]
    quoted = "'" + value.replace("'", "''") + "'"
    defaults = [f"{t.name}.{c.name}" for t in schema.tables.values() for c in t.columns.values()
                if c.default is not None and c.default.strip() == quoted and c.type is not None
                and c.type.base == "enum" and c.type.enum_name == enum.name]
    if defaults:
        lines += ["", "The default of " + _code_list(defaults)]
    return "\n".join(lines)


def _constraints(schema: Schema, table: Table, column: Column, dialect: Dialect) -> list[str]:
    out = []
    if column.name in table.primary_key:
        out.append("primary key" + (f" (with {', '.join(c for c in table.primary_key if c != column.name)})"
                                    if len(table.primary_key) > 1 else ""))
    out.append("nullable" if column.nullable and column.name not in table.primary_key else "not null")
    if any(u.columns == [column.name] for u in table.uniques):
        out.append("unique")
    if column.identity:
        how = dialect.identity_sql or ("the table's rowid" if dialect.rowid_alias else "not generated")
        out.append(f"identity ({how} in {dialect.display_name})")
    if column.default is not None:
        out.append(f"default `{column.default}`")
    if column.check:
        out.append(f"check `({column.check})`")
    if column.pii:
        out.append("pii (personal data)")
    return out


def column_markdown(schema: Schema, table: Table, column: Column, dialect: Dialect) -> str:

    ctype = column.type
    head = f"**column** `{table.name}.{column.name}`: `{ctype if ctype is not None else column.type_text}`"
    lines = [head]
    if column.description:
        lines += ["", column.description]
    if ctype is not None:
        try:
            sql = column_type_sql(ctype, dialect, schema)
        except Exception:  # noqa: BLE001
            sql = None
        if sql:
            stored = f"Stored in {dialect.display_name} as `{sql}`"
            note = _type_note(schema, ctype, dialect)
            lines += ["", stored + (f" (⚠ {note})" if note else "")]
    lines += ["", "Constraints: " + ", ".join(_constraints(schema, table, column, dialect))]
    if column.denormalized:
        lines += ["", f"Denormalized on purpose: {column.denormalized}"]
    if column.was:
        lines += ["", f"Renamed from `{column.was}`"]
    outbound = [fk for fk in table.foreign_keys if column.name in fk.columns]
    for fk in outbound:
        lines += ["", "References " + _fk_text(fk, lookup_table(schema, fk.table))]
    inbound = []
    for other, fk in references_into(schema, table):
        targets = fk.target_columns or table.primary_key
        if column.name in targets:
            local = fk.columns[targets.index(column.name)] if len(fk.columns) == len(targets) else fk.columns[0]
            inbound.append(f"{other.name}.{local}")
    if inbound:
        lines += ["", "Referenced by " + _code_list(inbound)]
    used = _index_uses(table, column)
    if used:
        lines += ["", "Indexes: " + "; ".join(used)]
    queries = _query_uses(schema, table, column)
    if queries:
        lines += ["", "Queries: " + _code_list(queries)]
    return "\n".join(lines)


def _index_uses(table: Table, column: Column) -> list[str]:

    out = []
    for index in indexes_of(table):
        if column.name in index.names or column.name in index.include:
            out.append(index.label())
    return out


def _query_uses(schema: Schema, table: Table, column: Column) -> list[str]:

    out = []
    for query in schema.queries.values():
        try:
            parsed = parse_query(schema, query)
        except Exception:  # noqa: BLE001
            continue
        if any(a.table is table and column.name in a.columns for a in parsed.accesses):
            out.append(query.name)
    return out


def _action_markdown(event: str, action: str | None) -> str:
    lines = [f"**on {event}** `{action}`" if action else f"**on {event}**"]
    when = "the referenced row is deleted" if event == "delete" else "the referenced key changes"
    if action in ACTION_MEANINGS:
        lines += ["", f"When {when}: {ACTION_MEANINGS[action]}."]
    lines += ["", "Actions: " + _code_list(ACTION_MEANINGS)]
    return "\n".join(lines)


def _modifier(schema: Schema, table: Table, column: Column, word: str, dialect: Dialect) -> str:
    lines = [MODIFIER_MEANINGS[word]]
    if word == "identity":
        rows = ["| Dialect | Written as |", "|---|---|"]
        for d in [dialect] + [d for d in DIALECTS.values() if d.name != dialect.name]:
            how = d.identity_sql and f"`{d.identity_sql}`"
            if how is None:
                how = ("an INTEGER PRIMARY KEY column: the table's rowid, assigned by SQLite"
                       if d.rowid_alias else "not generated")
            name = f"**{d.display_name}** (target)" if d.name == dialect.name else d.display_name
            rows.append(f"| {name} | {how} |")
        lines += [""] + rows
    elif word == "pk" and len(table.primary_key) > 1:
        lines += ["", f"Here part of the key ({', '.join(table.primary_key)})."]
    elif word == "unique" and column.nullable:
        lines += ["", "This column is nullable: rows without a value do not conflict."]
    elif word == "default" and column.default is not None:
        lines += ["", f"Here: `{column.default}`"]
    elif word == "was" and column.was:
        lines += ["", f"Here: renamed from `{column.was}`"]
    return "\n".join(lines)
