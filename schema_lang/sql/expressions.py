"""SQL expressions written for one dialect and read for another: CHECKs, defaults, string literals.

Everything here goes through sqlglot except the literal quoting, which must be exact for each
engine: a literal is the one place user text (descriptions, enum values) enters generated SQL.
"""
from __future__ import annotations

import re

import sqlglot
from sqlglot import exp

from ..core.model import Column, Schema
from ..dialects import Dialect


def one_line(text: str) -> str:
    """Text for a `--` comment: no line break can end the comment and start a statement."""
    return " ".join(text.split())


def string_literal(value: str, dialect: Dialect) -> str:
    """`value` as a string literal the engine reads back unchanged, whatever it holds."""
    if dialect.string_backslash_escapes:
        value = value.replace("\\", "\\\\")
    return "'" + value.replace("'", "''") + "'"


def check_sql(check: str, schema: Schema, dialect: Dialect, where: str, notes: list[str]) -> str | None:
    """A CHECK expression written for the file's dialect, in the target dialect's SQL."""
    source = schema.source_dialect.sqlglot_name or None
    if source == dialect.sqlglot_name:
        return check
    try:
        tree = sqlglot.parse_one(check, read=source)
    except sqlglot.errors.SqlglotError:
        notes.append(f"CHECK on {where} left out: it could not be read ({check})")
        return None
    if any(type(node).__name__ in dialect.unsupported_in_checks for node in tree.walk()):
        notes.append(f"CHECK on {where} left out: {dialect.display_name} cannot evaluate ({check})")
        return None
    if dialect.regexp_operator:
        tree = tree.transform(lambda node: exp.Anonymous(this="__regexp__", expressions=[node.this, node.expression])
                              if isinstance(node, exp.RegexpLike) else node)
        sql = tree.sql(dialect=dialect.sqlglot_name)
        return re.sub(r"__regexp__\((.+?), ('(?:[^']|'')*')\)", r"\1 REGEXP \2", sql, flags=re.I)
    return tree.sql(dialect=dialect.sqlglot_name)


_NOW = re.compile(r"(?i)now\(\)|current_timestamp(\(\))?|localtimestamp")


def default_sql(column: Column, dialect: Dialect, schema: Schema) -> str | None:
    """A column default in the target dialect: translated from the file's dialect, the
    current time spelled the target's way, expressions parenthesized where the engine asks."""
    default = column.default
    if default is None:
        return None
    text = default.strip()
    if _NOW.fullmatch(text):
        precision = column.type.params if column.type is not None and column.type.base in (
            "time", "timestamp", "timestamptz") and dialect.time_precision else ()
        if precision:  # MySQL refuses a default more precise than its column
            return re.sub(r"\((\d+)\)$", f"({precision[0]})", dialect.now_default)
        return dialect.now_default
    ctype = column.type
    if ctype is not None and ctype.base == "enum":
        values = ctype.enum_values or (schema.enums[ctype.enum_name].values if ctype.enum_name in schema.enums else ())
        if text in values:  # `default pending`: the file may name an enum value without quotes
            return string_literal(text, dialect)
    source = schema.source_dialect.sqlglot_name
    if source == dialect.sqlglot_name:
        return text
    try:
        tree = sqlglot.parse_one(text, read=source)
    except sqlglot.errors.SqlglotError:
        return text
    if isinstance(tree, exp.Cast) and isinstance(tree.this, exp.Literal):
        tree = tree.this  # '{}'::jsonb: the engine converts the literal itself
    sql = tree.sql(dialect=dialect.sqlglot_name)
    simple = isinstance(tree, (exp.Literal, exp.Boolean, exp.Null)) or (
        isinstance(tree, exp.Neg) and isinstance(tree.this, exp.Literal))
    return sql if simple else f"({sql})"


def mentioned_columns(sql: str, dialect: Dialect) -> tuple[str, ...]:
    """The columns an expression names, in order of appearance."""
    try:
        tree = sqlglot.parse_one(sql, read=dialect.sqlglot_name or None)
    except sqlglot.errors.SqlglotError:
        return ()
    return tuple(dict.fromkeys(c.name for c in tree.find_all(exp.Column)))
