"""SQL names: how a name is read from a schema file, written into SQL, measured
against a dialect's limit, shortened, and compared.

Every part of schema-lang that handles a table, column, index or constraint name
goes through here, so that a name in any script (`клиенты`, `顧客`) is accepted the
same way in the column shorthand, the long form, `foreign_keys:`, `indexes:` and
the generated SQL.

- A *plain* name, as the file may write it without quotes, is a letter of any
  script or `_`, then letters, digits, `_` and `$` (what PostgreSQL, MySQL and
  SQLite accept in unquoted names).  Any other name is written in double quotes,
  a quote inside doubled: `"Display Name"`, `"a ""b"" c"`.
- Generated SQL leaves a name unquoted only when it is plain lower-case ASCII and
  not reserved, so the engine stores exactly the name the schema has (an unquoted
  `Users` would become `users` in PostgreSQL).
- Limits are measured in the dialect's unit: UTF-8 bytes for PostgreSQL (a
  Cyrillic letter counts two), characters for MySQL/MariaDB.
- Names schema-lang makes up (index and constraint names) are shortened to the
  limit with a hash of the whole name, so two long names never end up the same.
  The user's own names are never shortened: design/identifier-too-long reports them.
"""
from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from typing import TYPE_CHECKING

from sqlglot import exp
from sqlglot.optimizer.normalize_identifiers import normalize_identifiers

if TYPE_CHECKING:
    from ..dialects.base import Dialect

# -- reading names --------------------------------------------------------------------------
# `[^\W\d]` is a word character that is not a digit: a letter of any script, or `_`.

NAME = r"[^\W\d][\w$]*"
QUOTED = r'"(?:[^"]|"")*"'
NAME_OR_QUOTED = rf"(?:{QUOTED}|{NAME})"
# a name that may be qualified with its schema (`billing.invoices`)
DOTTED = r"[^\W\d][\w$.]*"

_NAME_RE = re.compile(NAME)
_NAME_OR_QUOTED_RE = re.compile(NAME_OR_QUOTED)


def is_name_start(ch: str) -> bool:
    """Whether a plain name may start with `ch` (the same characters as `NAME`'s first)."""
    return ch == "_" or (ch.isalnum() and not ch.isdecimal())


def is_name_char(ch: str) -> bool:
    """Whether a plain name may go on with `ch`."""
    return ch == "_" or ch == "$" or ch.isalnum()


def is_name(text: str) -> bool:
    """A plain name: `клиент_id`, `_tmp`, `a$b` (not `1st`, `display name`)."""
    return _NAME_RE.fullmatch(text) is not None


def is_name_or_quoted(text: str) -> bool:
    """A plain name or a double-quoted one: what a column reference may look like."""
    return _NAME_OR_QUOTED_RE.fullmatch(text) is not None


def unquote(text: str, quotes: str = '"`') -> str:
    """A name without its quotes: `"a ""b"" c"` -> `a "b" c`; MySQL's backquotes too.
    A name that is not quoted is returned as it is (without surrounding spaces); an
    unterminated quote loses its opening mark only."""
    text = text.strip()
    if not text or text[0] not in quotes:
        return text
    mark = text[0]
    body = text[1:-1] if len(text) > 1 and text.endswith(mark) else text[1:]
    return body.replace(mark * 2, mark)


# -- writing names into SQL -----------------------------------------------------------------

# what every dialect reads back as the same name without quotes; anything else is quoted
_PLAIN_SQL = re.compile(r"[a-z_][a-z0-9_$]*")


def is_reserved(name: str, dialect: Dialect) -> bool:
    return name.lower() in dialect.reserved_words


def quoted(name: str, dialect: Dialect) -> str:
    """The name in the dialect's quotes, always."""
    mark = dialect.identifier_quote
    return mark + name.replace(mark, mark * 2) + mark


def needs_quotes(name: str, dialect: Dialect) -> bool:
    """Reserved, mixed or upper case, not ASCII, spaces or symbols."""
    return _PLAIN_SQL.fullmatch(name) is None or is_reserved(name, dialect)


def quote(name: str, dialect: Dialect) -> str:
    """The name as generated SQL writes it: quoted exactly when it needs it."""
    return quoted(name, dialect) if needs_quotes(name, dialect) else name


# -- measuring and shortening ---------------------------------------------------------------

_DIGEST = 8  # hex digits of the hash that keeps shortened names apart


def length(name: str, dialect: Dialect) -> int:
    """The name's length in the unit the dialect's limit counts."""
    if dialect.identifier_limit_unit == "bytes":
        return len(name.encode("utf-8"))
    return len(name)


def too_long(name: str, dialect: Dialect) -> bool:
    return dialect.identifier_limit is not None and length(name, dialect) > dialect.identifier_limit


def clip(name: str, limit: int, dialect: Dialect) -> str:
    """The longest beginning of `name` that is at most `limit` long in the dialect's
    unit; a character is never cut in half."""
    if dialect.identifier_limit_unit == "bytes":
        return name.encode("utf-8")[:max(limit, 0)].decode("utf-8", "ignore")
    return name[:max(limit, 0)]


def shorten(name: str, dialect: Dialect) -> str:
    """A generated name within the dialect's limit.  A longer one keeps its beginning and
    ends with `_` and a hash of the whole name: deterministic (a migration between two
    versions finds the same name again), and two long names that start alike still differ."""
    limit = dialect.identifier_limit
    if limit is None or length(name, dialect) <= limit:
        return name
    digest = hashlib.sha1(name.encode("utf-8")).hexdigest()[:_DIGEST]
    return clip(name, limit - _DIGEST - 1, dialect) + "_" + digest


def stored(name: str, dialect: Dialect) -> str:
    """The name the engine keeps: PostgreSQL cuts a longer name to its limit (with only a
    notice); MySQL refuses it instead, and SQLite has no limit."""
    if dialect.identifier_truncated and dialect.identifier_limit is not None and too_long(name, dialect):
        return clip(name, dialect.identifier_limit, dialect)
    return name


def engine_chosen_name(first: str, second: str | None, label: str, dialect: Dialect) -> str:
    """The name PostgreSQL gives an unnamed constraint: `first_second_label` (table, its
    columns joined by `_`, a label such as `fkey`).  When that is too long, the longer of
    `first` and `second` loses a unit at a time until the whole fits; the label stays."""
    limit = dialect.identifier_limit
    if limit is None:
        return "_".join(p for p in (first, second, label) if p)
    overhead = (1 if second else 0) + (len(label) + 1 if label else 0)
    room = limit - overhead
    a, b = length(first, dialect), length(second, dialect) if second else 0
    while a + b > room:
        if a > b:
            a -= 1
        else:
            b -= 1
    parts = [clip(first, a, dialect)]
    if second:
        parts.append(clip(second, b, dialect))
    if label:
        parts.append(label)
    return "_".join(parts)


# -- comparing ------------------------------------------------------------------------------

def _sqlglot_dialect(dialect: Dialect | str) -> str:
    return dialect if isinstance(dialect, str) else dialect.sqlglot_name


@lru_cache(maxsize=1 << 14)
def _fold(name: str, sqlglot_dialect: str, is_quoted: bool) -> str:
    identifier = exp.Identifier(this=name, quoted=is_quoted)
    return normalize_identifiers(identifier, dialect=sqlglot_dialect or None).name


def fold(name: str, dialect: Dialect | str, is_quoted: bool = False) -> str:
    """The name as the engine resolves it, by sqlglot's rules for the dialect: PostgreSQL
    lower-cases unquoted ASCII letters, SQLite ignores ASCII case even in quoted names,
    MySQL keeps the case (its table names follow the file system).  `dialect` is a
    Dialect or sqlglot's name for one."""
    return _fold(name, _sqlglot_dialect(dialect), is_quoted)


def same(a: str, b: str, dialect: Dialect | str, is_quoted: bool = False) -> bool:
    """Whether two names written the same way (both quoted or both not) mean one object."""
    return a == b or fold(a, dialect, is_quoted) == fold(b, dialect, is_quoted)


def catalog_key(name: str, dialect: Dialect) -> str:
    """What the engine compares once generated SQL has created `name`: the stored name,
    cut where the engine cuts it, with the case the dialect ignores folded away.  Two
    names of one namespace with the same key are the same name to the database."""
    return fold(stored(name, dialect), dialect, is_quoted=True)
