"""The server's settings: `initializationOptions` and the `schemaLang` configuration section."""
from __future__ import annotations

import typing
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, ValidationInfo
from pydantic_core import PydanticCustomError

from schema_lang.core.document import Options
from schema_lang.dialects import DIALECT_NAMES

Level = Literal["off", "hint", "info", "warning", "error"]
LEVELS: tuple[str, ...] = typing.get_args(Level)
DIAGNOSTICS_MODES = ("auto", "push", "pull")

# The error type of a value that is ignored without a complaint.
_IGNORED = "ignored"


def _dialect(value: Any) -> str | None:
    if value in (None, "", "auto"):
        return None
    if value in DIALECT_NAMES:
        return value
    raise ValueError(f"'{value}' is not one of {', '.join(DIALECT_NAMES)}")


def _validate_on(value: Any) -> str:
    if value in ("change", "save"):
        return value
    raise ValueError(f"'{value}' is not change or save")


def _rule_levels(value: Any, info: ValidationInfo) -> dict[str, str]:
    """The valid levels of a `rules` mapping.  With a list of complaints in the validation context
    (`Settings.update`) an invalid level is reported there and left out, so that one typo does not
    undo the other rules' levels; without one it fails the validation."""
    if value is None:  # null: the client has no value to give, not a wrong one
        raise PydanticCustomError(_IGNORED, "no value")
    if not isinstance(value, dict):
        raise ValueError("expected a mapping of rule ids to levels (off, hint, info, warning, error)")
    levels: dict[str, str] = {}
    wrong: list[str] = []
    for rule, level in value.items():
        if level in LEVELS:
            levels[str(rule)] = level
        else:
            wrong.append(f"schemaLang.rules.{rule}: '{level}' is not one of {', '.join(LEVELS)}")
    complaints = info.context.get("complaints") if isinstance(info.context, dict) else None
    if wrong:
        if complaints is None:
            raise ValueError("; ".join(wrong))
        complaints.extend(wrong)
    return levels


def _debounce(value: Any) -> int:
    try:
        return max(0, min(int(value), 5000))
    except (TypeError, ValueError, OverflowError):
        raise ValueError("expected a number of milliseconds") from None


def _diagnostics_mode(value: Any) -> str:
    if value in DIAGNOSTICS_MODES:
        return value
    if value is None:  # null: the client has no value to give, not a wrong one
        raise PydanticCustomError(_IGNORED, "no value")
    raise ValueError(f"'{value}' is not one of auto, push, pull")


def _folder(value: Any) -> str:
    if isinstance(value, str) and value.strip():
        return value.strip()
    raise ValueError("expected a folder (relative to the schema file's)")


def _boolean(value: Any) -> bool:
    # strictly a boolean: "false" is not read as true, nor 0 as false
    if isinstance(value, bool):
        return value
    raise ValueError("expected true or false")


_Boolean = Annotated[bool, BeforeValidator(_boolean)]


class Settings(BaseModel):
    """The `schemaLang` settings, by their camelCase names in the client's configuration.

    Building a model from invalid values fails as usual; `update` instead applies a client's
    settings value by value, keeping the current value of each one that is invalid."""

    model_config = ConfigDict(populate_by_name=True, validate_assignment=True)

    dialect: Annotated[str | None, BeforeValidator(_dialect)] = None
    validate_on: Annotated[Literal["change", "save"], BeforeValidator(_validate_on)] = Field(
        default="change", alias="validateOn")
    rules: Annotated[dict[str, Level], BeforeValidator(_rule_levels)] = Field(default_factory=dict)
    debounce_ms: Annotated[int, BeforeValidator(_debounce)] = Field(default=50, alias="debounceMs")
    diagnostics_mode: Annotated[Literal["auto", "push", "pull"], BeforeValidator(_diagnostics_mode)] = Field(
        default="auto", alias="diagnosticsMode")
    # relative to the schema file's folder
    migrations_dir: Annotated[str, BeforeValidator(_folder)] = Field(default="migrations", alias="migrationsDir")
    # findings of the change since git HEAD, while the buffer differs
    migration_diagnostics: _Boolean = Field(default=True, alias="migrationDiagnostics")
    # a rename writes `was: <old name>` so the next migration renames
    rename_adds_was: _Boolean = Field(default=True, alias="renameAddsWas")

    def options(self) -> Options:
        return Options(dialect=self.dialect, rule_levels=dict(self.rules))

    def update(self, raw: Any) -> list[str]:
        """Applies a settings object (unknown keys are ignored); returns complaints about the
        values it ignored, each naming its setting."""
        complaints: list[str] = []
        if not isinstance(raw, dict):
            return complaints
        for name, info in type(self).model_fields.items():
            key = info.alias or name
            if key not in raw:
                continue
            try:
                checked = type(self).model_validate({key: raw[key]}, context={"complaints": complaints})
            except ValidationError as exc:
                complaints.extend(f"schemaLang.{key}: {_reason(error)}"
                                  for error in exc.errors() if error["type"] != _IGNORED)
                continue
            setattr(self, name, getattr(checked, name))
        return complaints


def _reason(error: Any) -> str:
    cause = error.get("ctx", {}).get("error")
    return str(cause) if cause is not None else error["msg"]
