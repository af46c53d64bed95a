"""The restricted YAML reader: refused features, safety limits, and recovery.

Whatever the input, `analyze` must return a Document: a schema file is typed
by hand in an editor, so half-written and hostile text is the normal case.
"""
from __future__ import annotations

import os
import random

import pytest

from schema_lang.analysis import analyze
from schema_lang.core import document
from schema_lang.core.syntax import MAX_ALIASES, MAX_DEPTH, Mapping, Scalar, parse_yaml


def rules(doc) -> list[str]:
    return [d.rule for d in doc.diagnostics]


def yaml_errors(doc) -> list[tuple[str, str]]:
    return [(doc.text[d.start:d.end], d.message) for d in doc.diagnostics if d.rule == "syntax/yaml"]


@pytest.fixture
def whole_file(monkeypatch):
    """Analyses without the per-table splitter, as for files it refuses."""
    monkeypatch.setattr(document, "split_tables", lambda text: None)
    return analyze


# ---------------------------------------------------------------------------
# tags

def test_python_tag_is_refused_and_nothing_runs(monkeypatch):
    calls = []
    monkeypatch.setattr(os, "system", lambda *a: calls.append(a) or 0)
    text = ("schema: s\ntables:\n  t:\n    columns:\n"
            "      id: !!python/object/apply:os.system ['echo pwned']\n")
    doc = analyze(text)
    assert calls == []
    errors = yaml_errors(doc)
    assert len(errors) == 1
    underlined, message = errors[0]
    assert underlined.startswith("!!python/object/apply:os.system")
    assert "tags" in message and "python/object/apply:os.system" in message
    # the tagged value is plain data afterwards: a list where a column was expected
    assert "internal/error" not in rules(doc)


@pytest.mark.parametrize("text, tagged", [
    ("schema: !!str s\n", "!!str s"),
    ("schema: s\ntables: !foo\n  t:\n    columns:\n      id: bigint pk\n", "!foo"),
    ("schema: s\nenums:\n  e: !!seq [a]\n", "!!seq"),
    ("schema: s\nenums:\n  e: [!!int 1]\n", "!!int 1"),
    ("schema: s\n!!str enums: {}\n", "!!str enums"),
    ("schema: s\ndescription: !<tag:yaml.org,2002:str> x\n", "!<tag:yaml.org,2002:str> x"),
])
def test_every_explicit_tag_is_refused(text, tagged):
    doc = analyze(text)
    errors = yaml_errors(doc)
    assert len(errors) == 1, errors
    assert errors[0][0].startswith(tagged)


def test_implicitly_typed_scalars_are_strings():
    # YAML 1.1 would turn these into booleans and numbers; schema-lang keeps them as written
    doc = analyze("schema: s\nenums:\n  answer: [yes, no, on, off, 1.0, 07, '~']\n")
    assert rules(doc) == []
    assert doc.schema.enums["answer"].values == ["yes", "no", "on", "off", "1.0", "07", "~"]


# ---------------------------------------------------------------------------
# aliases and the expansion limit

def laughs(levels: int, width: int = 10, under: str = "enums") -> str:
    """Each level is a list of `width` aliases to the level before: width**levels leaves."""
    lines = ["schema: s", f"{under}:", "  l0: &l0 [" + ", ".join(["lol"] * width) + "]"]
    for i in range(1, levels + 1):
        lines.append(f"  l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("under", ["enums", "context", "bogus"])
def test_billion_laughs_is_cut_at_the_expansion_limit(under):
    text = laughs(9)  # 10**9 leaves if expanded
    text = text.replace("enums:", f"{under}:")
    # the work is bounded by the expansion limit (the aliases past it are emptied), not by a clock:
    # how long it takes is measured in bench/, never asserted here
    doc = analyze(text)
    assert any("safe size" in message for _, message in yaml_errors(doc))
    assert "internal/error" not in rules(doc)


def test_alias_past_the_size_limit_is_underlined_and_emptied():
    parsed = parse_yaml(laughs(7))
    over = [d for d in parsed.diagnostics if "safe size" in d.message]
    assert over and all(laughs(7)[d.start:d.end].startswith("*l") for d in over)


def test_too_many_aliases():
    text = "schema: s\ndescription: &d x\nenums:\n  e: [" + ", ".join(["*d"] * (MAX_ALIASES + 1)) + "]\n"
    doc = analyze(text)
    errors = yaml_errors(doc)
    assert [m for _, m in errors] == [f"more than {MAX_ALIASES} aliases"]
    assert errors[0][0] == "*d"
    # the first 1000 aliases still count: the enum lists 'x' twice or more
    assert "schema/invalid-value" in rules(doc)


def test_a_few_aliases_are_fine():
    text = ("schema: s\ntables:\n  t:\n    columns:\n      id: &pk bigint pk identity\n"
            "  u:\n    columns:\n      id: *pk\n")
    doc = analyze(text)
    assert rules(doc) == []
    assert doc.schema.tables["u"].columns["id"].primary_key


def test_undefined_alias_is_reported():
    # YAML forbids an alias to an anchor that does not exist; it must not silently read as empty
    doc = analyze("schema: s\ndescription: *nope\n")
    assert [u for u, _ in yaml_errors(doc)] == ["*nope"]


# ---------------------------------------------------------------------------
# nesting

def flow_nesting(depth: int) -> str:
    # the root mapping is one level, so depth - 1 lists make `depth` levels in all
    return "schema: s\ndescription: " + "[" * (depth - 1) + "]" * (depth - 1) + "\n"


def test_nesting_at_the_limit_is_allowed():
    doc = analyze(flow_nesting(MAX_DEPTH))
    assert yaml_errors(doc) == []
    assert rules(doc) == ["schema/invalid-value"]  # a list is not a description, but it was read


def test_nesting_past_the_limit_is_reported():
    text = flow_nesting(MAX_DEPTH + 1)
    doc = analyze(text)
    errors = yaml_errors(doc)
    assert len(errors) == 1
    assert errors[0] == ("[", f"nesting deeper than {MAX_DEPTH} levels is not allowed")
    # the refused bracket is the 65th level
    d = next(d for d in doc.diagnostics if d.rule == "syntax/yaml")
    assert d.start == text.index("[") + MAX_DEPTH - 1


def test_deep_block_nesting_is_reported_and_the_rest_is_kept():
    text = "schema: s\ncontext:\n" + "".join("  " * (i + 1) + f"k{i}:\n" for i in range(200))
    doc = analyze(text)
    assert any("nesting deeper" in m for _, m in yaml_errors(doc))
    assert doc.schema.name == "s"


def test_nesting_through_aliases_is_limited_too():
    # each anchored node is 60 levels deep and contains an alias to the previous one: 25 * 60 = 1500
    # levels once expanded, deeper than Python's recursion limit; the limit must hold for aliases too
    lines = ["schema: s", "description:", "  - &a0 " + "[" * 60 + "x" + "]" * 60]
    lines += [f"  - &a{i} " + "[" * 60 + f"*a{i - 1}" + "]" * 60 for i in range(1, 25)]
    doc = analyze("\n".join(lines) + "\n")
    assert "internal/error" not in rules(doc), [d.message for d in doc.diagnostics]
    assert yaml_errors(doc)


def test_very_deep_nesting_does_not_recurse():
    # far past the limit: the over-deep part is skipped, not walked recursively
    # (libyaml itself is quadratic in flow depth, so 5,000 levels keep this test fast)
    # Which layer refuses it depends on the YAML library (its scanner has a depth limit of its own
    # in newer releases, our event reader one of MAX_DEPTH), so the test asserts what the user
    # gets, not the wording: one syntax error inside the brackets, and the rest of the file kept.
    prefix = "schema: s\ndescription: "
    text = prefix + "[" * 5_000 + "]" * 5_000 + "\n"
    doc = analyze(text)
    errors = [d for d in doc.diagnostics if d.rule == "syntax/yaml"]
    assert errors, rules(doc)
    assert all(len(prefix) <= d.start < d.end <= len(prefix) + 10_000 for d in errors)
    assert doc.schema.name == "s"
    assert "internal/error" not in rules(doc)


# ---------------------------------------------------------------------------
# documents, keys, merge keys

def test_two_documents():
    text = "schema: s\n---\nschema: t\n"
    doc = analyze(text)
    assert yaml_errors(doc) == [("---", "a schema file holds one YAML document; everything after the first is ignored")]
    assert doc.schema.name == "s"


def test_explicit_start_of_a_single_document_is_fine():
    doc = analyze("---\nschema: s\n...\n")
    assert rules(doc) == []
    assert doc.schema.name == "s"


def test_non_string_key_is_refused():
    doc = analyze("schema: s\n? [a, b]\n: c\n")
    assert ("[a, b]", "only plain string keys are allowed here") in yaml_errors(doc)


MERGE = """\
schema: s
tables:
  invoices:
    columns:
      id: bigint pk identity
      total: &money
        type: decimal(12,2)
        nullable: false
        description: Amount in the invoice currency
      tax:
        <<: *money
        description: Tax included in total
      a: &a {type: int, description: from a}
      b: &b {type: text, unique: true, description: from b}
      c:
        <<: [*a, *b]
"""


def test_merge_keys():
    doc = analyze(MERGE)
    assert rules(doc) == []
    columns = doc.schema.tables["invoices"].columns
    tax = columns["tax"]
    assert str(tax.type) == "decimal(12,2)" and tax.nullable is False
    assert tax.description == "Tax included in total"  # the mapping's own key wins
    c = columns["c"]
    # earlier sources win over later ones; keys only in a later source are still taken
    assert str(c.type) == "int" and c.description == "from a" and c.unique


def test_merge_of_a_scalar_is_reported():
    doc = analyze("schema: s\nbase: &b x\ncontext:\n  <<: *b\n")
    assert ("<<", "a merge key needs a mapping or a list of mappings") in yaml_errors(doc)


def test_merge_does_not_count_as_duplicate_but_a_real_duplicate_does():
    text = MERGE.replace("        description: Tax included in total\n",
                         "        description: Tax included in total\n        description: again\n")
    doc = analyze(text)
    assert [(text[d.start:d.end], d.rule) for d in doc.diagnostics] == [("description", "syntax/duplicate-key")]


# ---------------------------------------------------------------------------
# recovery after a syntax error

BROKEN_MIDDLE = """\
schema: s
tables:
  a:
    columns:
      id: bigint pk
  b:
    columns:
      id: bigint pk
      x: [int
  c:
    columns:
      id: bigint pk
"""


def test_syntax_error_keeps_the_tables_before_it():
    doc = analyze(BROKEN_MIDDLE)
    assert "syntax/yaml" in rules(doc)
    assert {"a", "b"} <= set(doc.schema.tables)
    assert doc.schema.tables["a"].primary_key == ["id"]


def test_syntax_error_keeps_the_tables_before_it_in_whole_file_mode(whole_file):
    doc = whole_file(BROKEN_MIDDLE)
    assert "syntax/yaml" in rules(doc)
    assert {"a", "b"} <= set(doc.schema.tables)


def test_syntax_error_in_the_root_keeps_the_name():
    doc = analyze("schema: s\ndialect: mysql\ncontext: [\n")
    assert "syntax/yaml" in rules(doc)
    assert doc.schema.name == "s" and doc.schema.dialect.name == "mysql"


def test_unterminated_quote_in_a_table():
    text = BROKEN_MIDDLE.replace("x: [int", "x: 'int")
    doc = analyze(text)
    assert "syntax/yaml" in rules(doc)
    assert "a" in doc.schema.tables


# ---------------------------------------------------------------------------
# not a schema at all

@pytest.mark.parametrize("text, rule, underline", [
    ("- a\n- b\n", "schema/invalid-value", "- a\n- b\n"),
    ("hello\n", "schema/invalid-value", "hello"),
    ("", "schema/missing-key", ""),
    ("# only a comment\n", "schema/missing-key", ""),
    ("~\n", "schema/missing-key", ""),
])
def test_not_a_mapping(text, rule, underline):
    doc = analyze(text)
    assert [(d.rule, text[d.start:d.end]) for d in doc.diagnostics] == [(rule, underline)]
    assert doc.schema.tables == {}


GARBAGE = [
    "\x00",
    bytes(range(256)).decode("latin-1"),
    "\ufeffschema: s\n",
    "\x85\u2028\u2029",
    "schema: s\r\ntables:\r\n  t:\r\n    columns:\r\n      id: bigint pk\r\n",
    "\t", "schema:\ts", ":", "- - -", "{", "[", "'", '"', "&a *a", "*a", "? ", "!", "|", ">-",
    "%YAML 1.2\n---\nschema: s\n",
    "schema: s\n...\nmore",
    "schema: s\ntables:\n  t:\n    columns:\n      id: bigint pk\n\x00",
    "schema: s\ntables:\n  t:\n    columns:\n      id: bigint pk " + "(" * 5000 + "\n",
    "schema: s\ntables:\n  t:\n    columns:\n      id: " + "'" * 999 + "\n",
]


@pytest.mark.parametrize("text", GARBAGE, ids=range(len(GARBAGE)))
def test_garbage_does_not_raise(text):
    doc = analyze(text)
    assert "internal/error" not in rules(doc), [d.message for d in doc.diagnostics]
    for d in doc.diagnostics:
        assert 0 <= d.start <= d.end <= len(text)


def test_random_bytes_do_not_raise():
    rnd = random.Random(20240601)
    for _ in range(300):
        raw = bytes(rnd.randrange(256) for _ in range(rnd.randrange(1, 120)))
        text = raw.decode("latin-1")
        doc = analyze(text)
        assert "internal/error" not in rules(doc), repr(text)
        assert all(0 <= d.start <= d.end <= len(text) for d in doc.diagnostics)


def test_lone_surrogate_is_a_yaml_error_not_an_internal_error():
    # an editor can send a lone surrogate (e.g. "\ud800" in the LSP's JSON); it is bad input, not a crash
    doc = analyze("schema: s\ndescription: a\ud800b\n")
    assert "internal/error" not in rules(doc)
    assert "syntax/yaml" in rules(doc)


def test_parse_yaml_positions():
    # offsets are code points into the text, also after multi-byte characters
    text = "é: ü\nkey: [x, 'y']\n"
    root = parse_yaml(text).root
    assert isinstance(root, Mapping)
    key, value = root.items[1]
    assert text[key.start:key.end] == "key"
    assert text[value.start:value.end] == "[x, 'y']"
    quoted = value.items[1]
    assert isinstance(quoted, Scalar) and quoted.style == "'" and text[quoted.start:quoted.end] == "'y'"
