"""Silencing and re-levelling diagnostics: ignore comments, the file's `rules:`
and the editor's rule levels (Options.rule_levels).

The base file is a MySQL schema with two warnings on separate lines (a
reserved table name and a mapped type) plus a second mapped type, so each test
can tell exactly which diagnostic a comment or level affected.
"""
from __future__ import annotations

from schema_lang.analysis import analyze
from schema_lang.core.document import Options


def mysql_file(table_comment: str = "", before_at: str = "", at_comment: str = "", rules: str = "") -> str:
    text = (
        "schema: s\n"
        "dialect: mysql\n"
        "tables:\n"
        f"  order:{table_comment}\n"                 # design/reserved-word
        "    columns:\n"
        "      id: bigint pk identity\n"
        f"{before_at}"
        f"      at: timestamptz not null{at_comment}\n"  # dialect/type-mapped
        "      uu: uuid\n"                               # dialect/type-mapped
    )
    if rules:
        text += "rules:\n" + "".join(f"  {line}\n" for line in rules.splitlines())
    return text


def found(text: str, **options) -> list[tuple[str, str, str]]:
    """(rule, underlined text, severity) of every diagnostic."""
    return [(d.rule, text[d.start:d.end], d.severity.value)
            for d in analyze(text, Options(**options)).diagnostics]


RESERVED = ("design/reserved-word", "order", "warning")
AT = ("dialect/type-mapped", "timestamptz", "warning")
UU = ("dialect/type-mapped", "uuid", "warning")


def test_baseline():
    assert found(mysql_file()) == [RESERVED, AT, UU]


def test_end_of_line_comment_silences_that_rule_on_that_line():
    text = mysql_file(table_comment="  # schema-lang: ignore[design/reserved-word]")
    assert found(text) == [AT, UU]


def test_end_of_line_comment_leaves_other_rules_on_the_line():
    text = mysql_file(table_comment="  # schema-lang: ignore[dialect/type-mapped]")
    assert found(text) == [RESERVED, AT, UU]


def test_own_line_comment_applies_to_the_next_line_only():
    text = mysql_file(before_at="      # schema-lang: ignore[dialect/type-mapped]\n")
    # `at` (next line) is silenced, `uu` (the line after) is not
    assert found(text) == [RESERVED, UU]


def test_own_line_comment_before_a_blank_line_silences_nothing():
    text = mysql_file(before_at="      # schema-lang: ignore[dialect/type-mapped]\n\n")
    assert found(text) == [RESERVED, AT, UU]


def test_several_ids_with_commas_or_spaces():
    comma = "  # schema-lang: ignore[design/reserved-word, dialect/type-mapped]"
    assert found(mysql_file(table_comment=comma)) == [AT, UU]  # only 'order' is on that line
    spaces = "  # schema-lang: ignore[design/reserved-word dialect/type-mapped]"
    assert found(mysql_file(at_comment=spaces)) == [RESERVED, UU]
    assert found(mysql_file(before_at="      # schema-lang: ignore[design/reserved-word,dialect/type-mapped]\n")) \
        == [RESERVED, UU]


def test_bare_ignore_silences_every_rule_on_the_line():
    # `key` is reserved in MySQL and `uuid` is mapped: two rules on one line
    text = mysql_file().replace("      uu: uuid\n", "      key: uuid  # schema-lang: ignore\n")
    assert found(text) == [RESERVED, AT]
    without = mysql_file().replace("      uu: uuid\n", "      key: uuid\n")
    assert ("design/reserved-word", "key", "warning") in found(without)


def test_bare_ignore_on_its_own_line():
    text = mysql_file(before_at="      # schema-lang: ignore\n")
    assert found(text) == [RESERVED, UU]


def test_comment_without_space_after_hash_still_counts():
    assert found(mysql_file(at_comment="  #schema-lang: ignore")) == [RESERVED, UU]


def test_ignore_text_inside_a_string_is_not_a_comment():
    # only a YAML comment silences; the same words inside a quoted value are data
    text = mysql_file().replace(
        "      uu: uuid\n", '      uu: {type: uuid, description: "see # schema-lang: ignore"}\n')
    assert UU in found(text)


def test_unknown_id_in_ignore_comment_is_reported_and_known_ids_still_apply():
    text = mysql_file(table_comment="  # schema-lang: ignore[design/reserved-word, design/nope]")
    assert found(text) == [("schema/unknown-rule", "design/nope", "warning"), AT, UU]


def test_syntax_rules_cannot_be_ignored():
    text = mysql_file().replace("      uu: uuid\n", "      uu: uuid\n      uu: text  # schema-lang: ignore\n")
    assert ("syntax/duplicate-key", "uu", "error") in found(text)
    text = mysql_file().replace(
        "      uu: uuid\n", "      uu: uuid\n      # schema-lang: ignore[syntax/duplicate-key]\n      uu: text\n")
    assert ("syntax/duplicate-key", "uu", "error") in found(text)


def test_rules_level_applies_to_syntax_rules():
    text = mysql_file(rules="syntax/duplicate-key: warning").replace(
        "      uu: uuid\n", "      uu: uuid\n      uu: text\n")
    assert ("syntax/duplicate-key", "uu", "warning") in found(text)


# ---------------------------------------------------------------------------
# levels

def test_rules_off():
    assert found(mysql_file(rules="dialect/type-mapped: off")) == [RESERVED]


def test_rules_raise_warning_to_error():
    assert found(mysql_file(rules="design/reserved-word: error")) == [
        ("design/reserved-word", "order", "error"), AT, UU
    ]


def test_rules_lower_to_info_and_hint():
    text = mysql_file(rules="design/reserved-word: info\ndialect/type-mapped: hint")
    assert found(text) == [("design/reserved-word", "order", "info"),
                           ("dialect/type-mapped", "timestamptz", "hint"), ("dialect/type-mapped", "uuid", "hint")]


def test_rules_with_an_invalid_level_is_reported_and_ignored():
    text = mysql_file(rules="dialect/type-mapped: loud")
    assert found(text) == [RESERVED, AT, UU, ("schema/invalid-value", "loud", "error")]


def test_editor_levels():
    levels = {"dialect/type-mapped": "off", "design/reserved-word": "info"}
    assert found(mysql_file(), rule_levels=levels) == [("design/reserved-word", "order", "info")]


def test_editor_level_raises_to_error():
    assert found(mysql_file(), rule_levels={"dialect/type-mapped": "error"}) == [
        RESERVED, ("dialect/type-mapped", "timestamptz", "error"), ("dialect/type-mapped", "uuid", "error")]


def test_file_rules_win_over_editor_levels():
    text = mysql_file(rules="dialect/type-mapped: error\ndesign/reserved-word: warning")
    levels = {"dialect/type-mapped": "off", "design/reserved-word": "off"}
    assert found(text, rule_levels=levels) == [
        RESERVED, ("dialect/type-mapped", "timestamptz", "error"), ("dialect/type-mapped", "uuid", "error")]


def test_file_off_wins_over_editor_error():
    text = mysql_file(rules="dialect/type-mapped: off")
    assert found(text, rule_levels={"dialect/type-mapped": "error"}) == [RESERVED]


def test_editor_levels_for_other_rules_survive_a_file_rules_mapping():
    # the file overrides only the ids it names
    text = mysql_file(rules="design/reserved-word: error")
    assert found(text, rule_levels={"dialect/type-mapped": "off"}) == [("design/reserved-word", "order", "error")]


def test_unknown_ids_and_levels_from_the_editor_are_harmless():
    assert found(mysql_file(), rule_levels={"nope/rule": "off", "dialect/type-mapped": "loud"}) == [RESERVED, AT, UU]


def test_an_ignore_comment_beats_a_raised_level():
    text = mysql_file(at_comment="  # schema-lang: ignore[dialect/type-mapped]", rules="dialect/type-mapped: error")
    assert found(text, rule_levels={"dialect/type-mapped": "error"}) == [
        RESERVED, ("dialect/type-mapped", "uuid", "error")]


def test_levels_do_not_leak_between_analyses():
    # severities are set on diagnostic objects; a cached or shared object must not keep the last level
    text = mysql_file()
    assert found(text, rule_levels={"dialect/type-mapped": "error"})[1][2] == "error"
    assert found(text) == [RESERVED, AT, UU]
