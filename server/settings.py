"""The server's settings: `initializationOptions` and the `schemaLang` configuration section."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from schema_lang.dialects import DIALECT_NAMES
from schema_lang.document import Options

LEVELS = ("off", "hint", "info", "warning", "error")


@dataclass
class Settings:
    dialect: str | None = None
    validate_on: str = "change"  # change | save
    rules: dict[str, str] = field(default_factory=dict)
    debounce_ms: int = 50
    diagnostics_mode: str = "auto"  # auto | push | pull
    migrations_dir: str = "migrations"  # relative to the schema file's folder
    migration_diagnostics: bool = True  # findings of the change since git HEAD, while the buffer differs
    rename_adds_was: bool = True  # a rename writes `was: <old name>` so the next migration renames

    def options(self) -> Options:
        return Options(dialect=self.dialect, rule_levels=dict(self.rules))

    def update(self, raw: Any) -> list[str]:
        """Applies a settings object; returns complaints about values it ignored."""
        problems: list[str] = []
        if not isinstance(raw, dict):
            return problems
        if "dialect" in raw:
            value = raw["dialect"]
            if value in (None, "", "auto"):
                self.dialect = None
            elif value in DIALECT_NAMES:
                self.dialect = value
            else:
                problems.append(f"schemaLang.dialect: '{value}' is not one of {', '.join(DIALECT_NAMES)}")
        if "validateOn" in raw:
            value = raw["validateOn"]
            if value in ("change", "save"):
                self.validate_on = value
            else:
                problems.append(f"schemaLang.validateOn: '{value}' is not change or save")
        if "rules" in raw and isinstance(raw["rules"], dict):
            rules = {}
            for rule, level in raw["rules"].items():
                if level in LEVELS:
                    rules[str(rule)] = level
                else:
                    problems.append(f"schemaLang.rules.{rule}: '{level}' is not one of {', '.join(LEVELS)}")
            self.rules = rules
        if "debounceMs" in raw:
            try:
                self.debounce_ms = max(0, min(int(raw["debounceMs"]), 5000))
            except (TypeError, ValueError):
                problems.append("schemaLang.debounceMs: expected a number of milliseconds")
        if raw.get("diagnosticsMode") in ("auto", "push", "pull"):
            self.diagnostics_mode = raw["diagnosticsMode"]
        if "migrationsDir" in raw:
            value = raw["migrationsDir"]
            if isinstance(value, str) and value.strip():
                self.migrations_dir = value.strip()
            else:
                problems.append("schemaLang.migrationsDir: expected a folder (relative to the schema file's)")
        if "migrationDiagnostics" in raw:
            value = raw["migrationDiagnostics"]
            if isinstance(value, bool):
                self.migration_diagnostics = value
            else:
                problems.append("schemaLang.migrationDiagnostics: expected true or false")
        if "renameAddsWas" in raw:
            value = raw["renameAddsWas"]
            if isinstance(value, bool):
                self.rename_adds_was = value
            else:
                problems.append("schemaLang.renameAddsWas: expected true or false")
        return problems
