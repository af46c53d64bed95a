"""The language server's settings model: the `schemaLang` section as clients send it."""
from __future__ import annotations

import pytest
from pydantic import ValidationError

from schema_lang.dialects import DIALECT_NAMES
from schema_lang_server.settings import LEVELS, Settings


def test_defaults():
    s = Settings()
    assert (s.dialect, s.validate_on, s.rules, s.debounce_ms, s.diagnostics_mode) == (None, "change", {}, 50, "auto")
    assert (s.migrations_dir, s.migration_diagnostics, s.rename_adds_was) == ("migrations", True, True)


def test_camel_case_names_and_field_names():
    raw = {"dialect": "sqlite", "validateOn": "save", "rules": {"design/missing-primary-key": "error"},
           "debounceMs": 120, "diagnosticsMode": "push", "migrationsDir": "db", "migrationDiagnostics": False,
           "renameAddsWas": False}
    s = Settings()
    assert s.update(raw) == []
    assert s == Settings.model_validate(raw)
    assert s == Settings(dialect="sqlite", validate_on="save", rules={"design/missing-primary-key": "error"},
                         debounce_ms=120, diagnostics_mode="push", migrations_dir="db", migration_diagnostics=False,
                         rename_adds_was=False)
    assert s.model_dump(by_alias=True) == raw


def test_unknown_keys_and_other_shapes_are_ignored():
    s = Settings()
    assert s.update({"trace": {"server": "verbose"}, "server": {"path": ""}, "debounce_ms": 7}) == []
    assert s == Settings()  # snake_case is not the client's spelling
    for raw in (None, [], "x", 3):
        assert s.update(raw) == []
    assert s == Settings()


@pytest.mark.parametrize("value", [None, "", "auto"])
def test_no_dialect(value):
    s = Settings(dialect="mysql")
    assert s.update({"dialect": value}) == []
    assert s.dialect is None


def test_invalid_values_keep_the_previous_value_and_are_named():
    s = Settings(dialect="mysql", validate_on="save", debounce_ms=10, migrations_dir="db")
    complaints = s.update({"dialect": "oracle", "validateOn": "never", "debounceMs": "soon", "migrationsDir": "  ",
                           "migrationDiagnostics": "false", "renameAddsWas": 0})
    assert complaints == [
        f"schemaLang.dialect: 'oracle' is not one of {', '.join(DIALECT_NAMES)}",
        "schemaLang.validateOn: 'never' is not change or save",
        "schemaLang.debounceMs: expected a number of milliseconds",
        "schemaLang.migrationsDir: expected a folder (relative to the schema file's)",
        "schemaLang.migrationDiagnostics: expected true or false",
        "schemaLang.renameAddsWas: expected true or false",
    ]
    assert s == Settings(dialect="mysql", validate_on="save", debounce_ms=10, migrations_dir="db")


def test_valid_values_apply_next_to_invalid_ones():
    s = Settings()
    assert s.update({"dialect": "nosql", "debounceMs": 0}) == [
        f"schemaLang.dialect: 'nosql' is not one of {', '.join(DIALECT_NAMES)}"]
    assert (s.dialect, s.debounce_ms) == (None, 0)


@pytest.mark.parametrize("value, expected", [
    (-5, 0), (99_999, 5000), ("120", 120), (12.7, 12), (True, 1), (5000, 5000)])
def test_debounce_is_a_clamped_number_of_milliseconds(value, expected):
    s = Settings()
    assert s.update({"debounceMs": value}) == []
    assert s.debounce_ms == expected


@pytest.mark.parametrize("value", [None, "1.5", [], float("inf")])
def test_debounce_that_is_no_number(value):
    s = Settings(debounce_ms=30)
    assert s.update({"debounceMs": value}) == ["schemaLang.debounceMs: expected a number of milliseconds"]
    assert s.debounce_ms == 30


def test_rule_levels_are_checked_one_by_one():
    s = Settings(rules={"old/rule": "off"})
    complaints = s.update({"rules": {"design/missing-primary-key": "error", "index/fk-missing-index": "loud",
                                     "reference/unknown-table": "off"}})
    assert complaints == [f"schemaLang.rules.index/fk-missing-index: 'loud' is not one of {', '.join(LEVELS)}"]
    # the mapping replaces the previous one; the invalid level is left out
    assert s.rules == {"design/missing-primary-key": "error", "reference/unknown-table": "off"}
    assert s.options().rule_levels == s.rules
    assert s.options().rule_levels is not s.rules


def test_rules_that_are_no_mapping_are_refused_with_a_complaint():
    s = Settings(rules={"a/b": "hint"})
    (complaint,) = s.update({"rules": ["a/b"]})
    assert complaint.startswith("schemaLang.rules:")
    assert s.update({"rules": None}) == []  # null: no value, nothing to complain about
    assert s.rules == {"a/b": "hint"}


def test_diagnostics_mode():
    s = Settings()
    assert s.update({"diagnosticsMode": "pull"}) == []
    assert s.diagnostics_mode == "pull"
    (complaint,) = s.update({"diagnosticsMode": "carrier pigeon"})
    assert complaint.startswith("schemaLang.diagnosticsMode:") and "carrier pigeon" in complaint
    assert s.diagnostics_mode == "pull"
    assert s.update({"diagnosticsMode": None}) == []


def test_migrations_dir_is_trimmed():
    s = Settings()
    assert s.update({"migrationsDir": "  db/changes "}) == []
    assert s.migrations_dir == "db/changes"


def test_options():
    s = Settings()
    s.update({"dialect": "postgresql", "rules": {"design/missing-primary-key": "warning"}})
    options = s.options()
    assert (options.dialect, options.rule_levels) == ("postgresql", {"design/missing-primary-key": "warning"})


def test_building_or_assigning_an_invalid_value_fails():
    with pytest.raises(ValidationError):
        Settings(validate_on="never")
    with pytest.raises(ValidationError):
        Settings(rules={"a/b": "loud"})
    s = Settings()
    with pytest.raises(ValidationError):
        s.rename_adds_was = "yes"  # type: ignore[assignment]
    assert s.rename_adds_was is True
    s.debounce_ms = 10_000
    assert s.debounce_ms == 5000
