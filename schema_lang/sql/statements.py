"""Splitting SQL scripts (dumps, migration files) into statements, as each engine's client would."""
from __future__ import annotations

import re

_SQLITE_TRIGGER = re.compile(r"(?is)^\s*CREATE\s+(?:TEMP\w*\s+)?TRIGGER\b.*\bBEGIN\b")
_DOLLAR = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)?\$")


def split_statements(text: str, dialect: str = "postgres") -> list[str]:
    """Statements of a dump, each without its terminator.  Quotes, comments and
    PostgreSQL dollar quoting are respected; the data after `COPY ... FROM stdin;` (up to
    its `\\.` line) belongs to the COPY statement; mysqldump's `DELIMITER` is honoured."""
    out: list[str] = []
    i, n = 0, len(text)
    start = 0
    delimiter = ";"
    while i < n:
        c = text[i]
        if c in "'\"`":
            j = i + 1
            while j < n:
                if text[j] == "\\" and c == "'" and dialect == "mysql":
                    j += 2
                    continue
                if text[j] == c:
                    if j + 1 < n and text[j + 1] == c:
                        j += 2
                        continue
                    break
                j += 1
            i = j + 1
            continue
        if text.startswith("--", i) or (c == "#" and dialect == "mysql"):
            j = text.find("\n", i)
            i = n if j < 0 else j + 1
            continue
        if text.startswith("/*", i) and not text.startswith("/*!", i):
            j = text.find("*/", i + 2)
            i = n if j < 0 else j + 2
            continue
        if c == "$" and dialect == "postgres":
            m = _DOLLAR.match(text, i)
            if m and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
                j = text.find(m.group(0), m.end())
                i = n if j < 0 else j + len(m.group(0))
                continue
        if dialect == "mysql" and (i == 0 or text[i - 1] == "\n") and text[i:i + 10].upper() == "DELIMITER ":
            j = text.find("\n", i)
            j = n if j < 0 else j
            pending = text[start:i].strip()
            if pending:
                out.append(pending)
            delimiter = text[i + 10:j].strip() or ";"
            i = start = j + 1
            continue
        if text.startswith(delimiter, i):
            statement = text[start:i].strip()
            if (dialect == "sqlite" and _SQLITE_TRIGGER.match(strip_comments(statement))
                    and not re.search(r"(?i)\bEND\s*$", statement)):
                i += len(delimiter)  # a statement inside the trigger's BEGIN ... END
                continue
            i += len(delimiter)
            if re.match(r"(?is)^copy\b.*\bfrom\s+stdin\b", strip_comments(statement)):
                end = re.compile(r"^\\\.[ \t]*$", re.M).search(text, i)
                i = n if end is None else end.end()
            if statement:
                out.append(statement)
            start = i
            continue
        i += 1
    tail = text[start:].strip()
    if tail and strip_comments(tail).strip():
        out.append(tail)
    return out


def strip_comments(sql: str) -> str:
    sql = re.sub(r"/\*!\d*", " ", sql)  # MySQL's versioned comments hold code
    sql = re.sub(r"/\*.*?\*/", " ", sql, flags=re.S)
    sql = re.sub(r"--[^\n]*", " ", sql)
    return sql.replace("*/", " ")
