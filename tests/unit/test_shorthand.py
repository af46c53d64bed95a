"""The column shorthand: `<type> [<modifier> ...]`.

Spans are offsets into the shorthand string; each test checks them by slicing
the string, so a wrong span shows up as the wrong text.  The last part runs
whole files, to check that the spans land on the right place in the document.
"""
from __future__ import annotations

import itertools

import pytest

from schema_lang.analysis import analyze
from schema_lang.core.shorthand import parse_shorthand


def cut(text: str, span) -> str | None:
    return None if span is None else text[span[0]:span[1]]


def errors(text: str) -> list[tuple[str, str]]:
    """(underlined text, message) of each error."""
    return [(text[e.start:e.end], e.message) for e in parse_shorthand(text).errors]


# ---------------------------------------------------------------------------
# the type

@pytest.mark.parametrize("text, type_text", [
    ("bigint", "bigint"),
    ("varchar(255) not null", "varchar(255)"),
    ("decimal(10,2) not null", "decimal(10,2)"),
    ("decimal(10, 2)[] null", "decimal(10, 2)[]"),
    ("double precision not null", "double precision"),
    ("text[][]", "text[][]"),
    ("enum(small, medium, large) default 'medium'", "enum(small, medium, large)"),
    ("order_status[] not null", "order_status[]"),
])
def test_type(text, type_text):
    r = parse_shorthand(text)
    assert r.errors == []
    assert r.type_text == type_text == cut(text, r.type_span)


# ---------------------------------------------------------------------------
# each modifier and its span

def test_pk_and_primary_key():
    r = parse_shorthand("bigint pk identity")
    assert cut("bigint pk identity", r.primary_key) == "pk"
    assert cut("bigint pk identity", r.identity) == "identity"
    text = "bigint primary key"
    assert cut(text, parse_shorthand(text).primary_key) == "primary key"


def test_flags():
    text = "varchar(255) not null unique pii"
    r = parse_shorthand(text)
    assert r.errors == []
    assert cut(text, r.not_null) == "not null"
    assert cut(text, r.unique) == "unique"
    assert cut(text, r.pii) == "pii"
    assert r.null is None and r.primary_key is None and r.identity is None


def test_null():
    text = "varchar(100) null"
    r = parse_shorthand(text)
    assert cut(text, r.null) == "null" and r.not_null is None


def test_references_with_column_and_actions():
    text = "bigint references users(id) on delete cascade on update set null"
    r = parse_shorthand(text)
    assert r.errors == []
    assert r.references_table == "users" and cut(text, r.references_table_span) == "users"
    assert [(c, cut(text, s)) for c, s in r.references_columns] == [("id", "id")]
    assert cut(text, r.references_span) == "references users(id)"
    assert r.on_delete == "cascade" and cut(text, r.on_delete_span) == "on delete cascade"
    assert r.on_update == "set null" and cut(text, r.on_update_span) == "on update set null"


@pytest.mark.parametrize("action", ["cascade", "restrict", "set null", "set default", "no action"])
def test_every_action(action):
    text = f"bigint references users on delete {action}"
    r = parse_shorthand(text)
    assert r.errors == [] and r.on_delete == action
    assert cut(text, r.on_delete_span) == f"on delete {action}"


def test_references_without_column():
    text = "bigint references users"
    r = parse_shorthand(text)
    assert r.references_table == "users" and r.references_columns == []
    assert cut(text, r.references_span) == "references users"


def test_references_quoted_name():
    text = 'bigint references "order"("the id")'
    r = parse_shorthand(text)
    assert r.errors == []
    assert r.references_table == "order" and cut(text, r.references_table_span) == '"order"'
    assert r.references_columns[0][0] == "the id"


def test_check():
    text = "int not null check (quantity > (0 + 1))"
    r = parse_shorthand(text)
    assert r.errors == []
    assert r.check == "quantity > (0 + 1)"
    assert cut(text, r.check_span) == "check (quantity > (0 + 1))"


def test_was():
    text = 'varchar(100) was nickname'
    r = parse_shorthand(text)
    assert r.was == "nickname" and cut(text, r.was_span) == "nickname"
    quoted = 'text was "old name"'
    assert parse_shorthand(quoted).was == "old name"


# ---------------------------------------------------------------------------
# defaults

@pytest.mark.parametrize("text, default", [
    ("timestamptz not null default now()", "now()"),
    ("varchar(20) default 'x'", "'x'"),
    ("int default -1", "-1"),
    ("int default +2.5 not null", "+2.5"),
    ("jsonb not null default '{}'::jsonb", "'{}'::jsonb"),
    ("interval default interval '1 day'", "interval '1 day'"),
    ("date default date '2024-01-01' not null", "date '2024-01-01'"),
    ("date default current_date + 30", "current_date + 30"),
    ("text default 'it''s' unique", "'it''s'"),
    ("int default (1 + 2) * 3 check (x > 0)", "(1 + 2) * 3"),
    ("uuid default gen_random_uuid() pk", "gen_random_uuid()"),
    ("boolean default true not null", "true"),
    ("int default 0 - 1", "0 - 1"),
    ("text default 'a' || 'b'", "'a' || 'b'"),
])
def test_default(text, default):
    r = parse_shorthand(text)
    assert r.errors == []
    assert r.default == default
    assert cut(text, r.default_span) == default


def test_default_ends_at_the_next_modifier():
    text = "int default 0 not null unique"
    r = parse_shorthand(text)
    assert r.default == "0" and cut(text, r.not_null) == "not null" and r.unique is not None


def test_a_space_before_the_parentheses_ends_the_call():
    # documented: write now(), not now (); the parentheses are then not part of the default
    r = parse_shorthand("timestamptz default now ()")
    assert r.default == "now"
    assert r.errors


# ---------------------------------------------------------------------------
# case and order

def test_keywords_are_case_insensitive():
    text = "BIGINT NOT NULL UNIQUE PII Primary Key IDENTITY DEFAULT 0 REFERENCES Users(Id) ON DELETE NO ACTION " \
           "On Update Set Null CHECK (Id > 0) WAS old_id"
    r = parse_shorthand(text)
    assert r.errors == []
    assert cut(text, r.not_null) == "NOT NULL"
    assert cut(text, r.primary_key) == "Primary Key"
    assert r.identity and r.unique and r.pii
    assert r.default == "0"
    # names keep their case; only keywords are folded
    assert r.references_table == "Users" and r.references_columns[0][0] == "Id"
    assert r.on_delete == "no action" and r.on_update == "set null"
    assert r.check == "Id > 0" and r.was == "old_id"


MODIFIERS = ["not null", "unique", "default 0", "references users(id)", "on delete cascade", "check (x > 0)"]


def _summary(text: str) -> tuple:
    r = parse_shorthand(text)
    return (r.type_text, r.not_null is not None, r.unique is not None, r.default, r.references_table,
            [c for c, _ in r.references_columns], r.on_delete, r.check, [e.message for e in r.errors])


def test_modifiers_in_any_order():
    expected = _summary("int " + " ".join(MODIFIERS))
    assert expected[-1] == []
    for order in itertools.permutations(MODIFIERS):
        text = "int " + " ".join(order)
        assert _summary(text) == expected, text
        r = parse_shorthand(text)
        spans = {"not null": r.not_null, "on delete cascade": r.on_delete_span, "check (x > 0)": r.check_span}
        for modifier in ("not null", "on delete cascade", "check (x > 0)"):
            span = spans[modifier]
            assert cut(text, span) == modifier, text


# ---------------------------------------------------------------------------
# errors and their spans

@pytest.mark.parametrize("text, underline, fragment", [
    ("int uniqe", "uniqe", "did you mean 'unique'?"),
    ("int NUL", "NUL", "did you mean 'null'?"),
    ("int idnetity", "idnetity", "did you mean 'identity'?"),
    ("int defualt 0", "defualt", "did you mean 'default'?"),
    ("int zzzz", "zzzz", "unknown modifier 'zzzz' (expected one of"),
])
def test_unknown_modifier(text, underline, fragment):
    found = errors(text)
    assert found[0][0] == underline
    assert fragment in found[0][1]


def test_dangling_references():
    assert errors("int references") == [
        ("references", "'references' needs a table name, as in `references users` or `references users(id)`")]
    assert errors("int not null references") [0][0] == "references"


@pytest.mark.parametrize("text, underline, message", [
    ("varchar(10", "(10", "unclosed '(' in the type"),
    ("int check (a > 0", "(a > 0", "unclosed '(' in the check"),
    ("int check (a > (0)", "(a > (0)", "unclosed '(' in the check"),
    ("int references users(id", "(id", "unclosed '(' after the referenced table"),
    ("int default now(", "(", "unclosed '('"),
    ("int default (1 + 2", "(1 + 2", "unclosed '('"),
])
def test_unclosed_parentheses(text, underline, message):
    assert (underline, message) in errors(text)


@pytest.mark.parametrize("text, underline, message", [
    ("int pk pk", "pk", "'pk' is given twice"),
    ("int not", "not", "'not' must be followed by 'null'"),
    ("int primary", "primary", "did you mean 'primary key'?"),
    ("int default", "default", "'default' needs a value"),
    ("int default 'abc", "'abc", "unterminated string"),
    ("int check x", "check", "'check' needs a condition in parentheses"),
    ("int check ()", "()", "the check condition is empty"),
    ("int references users()", "()", "name the referenced column inside ( )"),
    ("int was", "was", "'was' needs the column's old name"),
    ("int on delete explode", "explode", "expected an action after 'on delete'"),
    ("int on", "on", "expected 'on delete ACTION' or 'on update ACTION'"),
    ("int references a on delete cascade on delete restrict", "on delete restrict", "'on delete' is given twice"),
    ("'quoted'", "'quoted'", "a column starts with its type"),
])
def test_other_errors(text, underline, message):
    found = errors(text)
    assert any(u == underline and message in m for u, m in found), found


def test_one_problem_one_error():
    # a bad action is one mistake: it must not also be reported as an unknown modifier
    assert len(errors("int references a on delete explode")) == 1


def test_trailing_operator_in_default_is_an_error():
    # `1 +` is not an expression; accepting it silently yields DDL the database refuses
    r = parse_shorthand("int default 1 +")
    assert r.errors, r


def test_empty_shorthand():
    r = parse_shorthand("")
    assert [(e.rule, e.start, e.end) for e in r.errors] == [("schema/missing-key", 0, 0)]


# ---------------------------------------------------------------------------
# through the whole pipeline: spans land in the document

def column_file(shorthand: str) -> str:
    return ("schema: s\ntables:\n  users:\n    columns:\n      id: bigint pk\n"
            f"  t:\n    columns:\n      id: bigint pk\n      x: {shorthand}\n")


def doc_findings(shorthand: str) -> list[tuple[str, str, str, str | None]]:
    text = column_file(shorthand)
    return [(d.rule, text[d.start:d.end], d.message, d.column) for d in analyze(text).diagnostics]


@pytest.mark.parametrize("shorthand", ["int uniqe", '"int uniqe"', "'int uniqe'"])
def test_unknown_modifier_in_the_document(shorthand):
    assert [(r, u, c) for r, u, _, c in doc_findings(shorthand)] == [("schema/invalid-value", "uniqe", "x")]


@pytest.mark.parametrize("shorthand", ["int null not null", "int not null null", "INT NULL NOT NULL"])
def test_null_with_not_null(shorthand):
    found = doc_findings(shorthand)
    assert [(r, u.lower(), c) for r, u, _, c in found] == [("schema/invalid-value", "null", "x")]
    assert "contradicts" in found[0][2]
    # the underline is the lone `null`, not the one inside `not null`
    text = column_file(shorthand)
    d = analyze(text).diagnostics[0]
    assert text[d.start - 4:d.start].lower() != "not "


def test_unclosed_type_is_not_also_an_unknown_type_with_a_no_op_fix():
    # `varchar(10` is a known type with a missing ')': one error, and never a "fix" that changes nothing
    text = column_file("varchar(10 not null")
    diagnostics = analyze(text).diagnostics
    for d in diagnostics:
        for fix in d.fixes:
            for edit in fix.edits:
                assert text[edit.start:edit.end] != edit.new_text, (d.rule, d.message)
    assert [d.rule for d in diagnostics] == ["schema/invalid-value"]


def test_dangling_references_in_the_document():
    assert [(r, u) for r, u, _, _ in doc_findings("bigint not null references")] == [
        ("schema/invalid-value", "references")]


def test_on_delete_without_references():
    assert [(r, u) for r, u, _, _ in doc_findings("bigint on delete cascade")] == [
        ("schema/invalid-value", "on delete cascade")]


def test_escaped_string_falls_back_to_the_whole_value():
    # with a YAML escape the string no longer maps 1:1 onto the source: the whole value is underlined
    assert [(r, u) for r, u, _, _ in doc_findings('"int\\tuniqe"')] == [("schema/invalid-value", '"int\\tuniqe"')]


def test_an_enum_with_a_non_ascii_name_is_a_type():
    from schema_lang.analysis import analyze

    text = "schema: s\nenums:\n  état: [a, b]\ntables:\n  t:\n    columns:\n      id: int pk\n      e: état not null\n"
    document = analyze(text)
    assert [d.rule for d in document.diagnostics if d.severity.value == "error"] == []
    assert document.schema.tables["t"].columns["e"].type.enum_name == "état"
