"""Column types: parsing `varchar(255)`, `decimal(10,2)`, `text[]`, `enum(a, b)`."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# canonical name -> (min params, max params)
BUILTIN_TYPES: dict[str, tuple[int, int]] = {
    "smallint": (0, 0),
    "int": (0, 0),
    "bigint": (0, 0),
    "decimal": (0, 2),
    "real": (0, 0),
    "double": (0, 0),
    "boolean": (0, 0),
    "char": (0, 1),
    "varchar": (0, 1),
    "text": (0, 0),
    "date": (0, 0),
    "time": (0, 1),
    "timestamp": (0, 1),
    "timestamptz": (0, 1),
    "interval": (0, 0),
    "uuid": (0, 0),
    "json": (0, 0),
    "jsonb": (0, 0),
    "bytes": (0, 0),
}

ALIASES = {
    "integer": "int",
    "int4": "int",
    "int2": "smallint",
    "int8": "bigint",
    "numeric": "decimal",
    "bool": "boolean",
    "double precision": "double",
    "float8": "double",
    "float": "double",
    "float4": "real",
    "bytea": "bytes",
}

# Types users bring from other tools, with what to write instead.
SUGGESTIONS = {
    "serial": "int identity",
    "bigserial": "bigint identity",
    "smallserial": "smallint identity",
    "string": "text or varchar(n)",
    "datetime": "timestamp (or timestamptz for an instant)",
    "blob": "bytes",
    "binary": "bytes",
    "varbinary": "bytes",
    "tinyint": "smallint or boolean",
    "mediumint": "int",
    "nvarchar": "varchar(n)",
    "varchar2": "varchar(n)",
    "money": "decimal(19,4)",
    "float64": "double",
    "datetimeoffset": "timestamptz",
    "character varying": "varchar(n)",
}

INTEGER_TYPES = frozenset({"smallint", "int", "bigint"})
NUMERIC_TYPES = INTEGER_TYPES | {"decimal", "real", "double"}
TEXT_TYPES = frozenset({"char", "varchar", "text"})
TIME_TYPES = frozenset({"date", "time", "timestamp", "timestamptz"})

_TYPE_RE = re.compile(
    r"^\s*(?P<name>[^\W\d]\w*(?:\s+precision)?)\s*(?:\((?P<args>[^()]*)\))?\s*(?P<array>(?:\[\s*\]\s*)*)$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class ColumnType:
    base: str  # a BUILTIN_TYPES key, "enum" or "array"
    params: tuple[int, ...] = ()
    enum_name: str | None = None  # a named enum from `enums:`
    enum_values: tuple[str, ...] = ()  # an inline enum(a, b)
    element: ColumnType | None = None  # for arrays

    def __str__(self) -> str:
        if self.base == "array":
            return f"{self.element}[]"
        if self.base == "enum":
            if self.enum_name:
                return self.enum_name
            return "enum(" + ", ".join(self.enum_values) + ")"
        if self.params:
            return f"{self.base}({','.join(str(p) for p in self.params)})"
        return self.base

    @property
    def scalar(self) -> ColumnType:
        return self.element.scalar if self.element is not None else self


class TypeError_(ValueError):
    """A type that cannot be parsed; `suggestion` is what to write instead."""

    def __init__(self, message: str, unknown: bool = False, suggestion: str | None = None) -> None:
        super().__init__(message)
        self.unknown = unknown
        self.suggestion = suggestion


def _split_enum_values(args: str) -> tuple[str, ...]:
    values = []
    for part in args.split(","):
        part = part.strip()
        if len(part) >= 2 and part[0] == part[-1] and part[0] in "'\"":
            part = part[1:-1]
        if part:
            values.append(part)
    return tuple(values)


def parse_type(text: str, enum_names: frozenset[str] = frozenset()) -> ColumnType:
    """Parses a type; raises TypeError_ with a user-facing message."""
    result = _parse_type_cached(text, enum_names)
    if isinstance(result, TypeError_):
        raise result
    return result


@lru_cache(maxsize=1 << 14)
def _parse_type_cached(text: str, enum_names: frozenset[str]) -> ColumnType | TypeError_:
    try:
        return _parse_type(text, enum_names)
    except TypeError_ as exc:
        return exc


def _parse_type(text: str, enum_names: frozenset[str]) -> ColumnType:
    raw = text.strip()
    lowered = raw.lower()
    if lowered.startswith("enum") and "(" in raw:
        inner = raw[raw.index("(") + 1:]
        if not inner.rstrip().endswith(")"):
            raise TypeError_("an inline enum is written enum(a, b, c)")
        values = _split_enum_values(inner.rstrip()[:-1])
        if not values:
            raise TypeError_("an inline enum needs at least one value")
        if len(set(values)) != len(values):
            raise TypeError_("an inline enum lists a value twice")
        return ColumnType("enum", enum_values=values)
    match = _TYPE_RE.match(raw)
    if not match:
        raise TypeError_(f"'{raw}' is not a type", unknown=True)
    name = " ".join(match.group("name").split())
    key = name.lower()
    args = match.group("args")
    depth = match.group("array").count("[")
    if name in enum_names:
        if args is not None:
            raise TypeError_(f"enum type '{name}' takes no parameters")
        base = ColumnType("enum", enum_name=name)
    else:
        key = ALIASES.get(key, key)
        if key not in BUILTIN_TYPES:
            suggestion = SUGGESTIONS.get(key)
            raise TypeError_(f"unknown type '{name}'", unknown=True, suggestion=suggestion)
        low, high = BUILTIN_TYPES[key]
        params: tuple[int, ...] = ()
        if args is not None:
            try:
                params = tuple(int(a) for a in args.split(","))
            except ValueError:
                raise TypeError_(f"the parameters of {key} must be whole numbers, as in {key}(10)") from None
            if len(params) > high:
                if high == 0:
                    raise TypeError_(f"type {key} takes no parameters")
                raise TypeError_(f"type {key} takes at most {high} parameter{'s' if high > 1 else ''}")
        if len(params) < low:
            raise TypeError_(f"type {key} needs {low} parameter(s)")
        _check_params(key, params)
        base = ColumnType(key, params)
    for _ in range(depth):
        base = ColumnType("array", element=base)
    return base


def _check_params(key: str, params: tuple[int, ...]) -> None:
    if key in ("char", "varchar") and params and params[0] < 1:
        raise TypeError_(f"the length of {key} must be at least 1")
    if key == "decimal" and params:
        precision = params[0]
        scale = params[1] if len(params) > 1 else 0
        if not 1 <= precision <= 1000:
            raise TypeError_("decimal precision must be between 1 and 1000")
        if not 0 <= scale <= precision:
            raise TypeError_("decimal scale must be between 0 and the precision")
    if key in ("time", "timestamp", "timestamptz") and params and not 0 <= params[0] <= 6:
        raise TypeError_(f"the precision of {key} must be between 0 and 6")


def all_type_names() -> list[str]:
    return sorted(set(BUILTIN_TYPES) | set(ALIASES))
