"""The incremental path must be invisible.

`analyze` cuts a file in the usual layout into one chunk per table
(`chunks.split_tables`) and reuses the tables whose text did not change
(`TableCache`).  Whatever it does, the result must be exactly what reading the
whole file at once gives: same rules, severities, messages, offsets and fixes.
The whole-file reference is obtained by making `split_tables` refuse the text.
"""
from __future__ import annotations

import tempfile
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import pytest

from schema_lang.analysis import analyze
from schema_lang.core import document
from schema_lang.core.chunks import split_tables
from schema_lang.core.document import Options, TableCache

# Hypothesis imports libcst to describe a failing example; libcst warns about its own dependencies
pytestmark = pytest.mark.filterwarnings("ignore:mypy_extensions.TypedDict is deprecated:DeprecationWarning")

SHOP = (Path(__file__).resolve().parents[2] / "examples" / "shop.schema.yaml").read_text(encoding="utf-8")


@contextmanager
def splitter_refuses():
    with mock.patch.object(document, "split_tables", lambda text: None):
        yield


def whole_file(text: str, options: Options | None = None):
    with splitter_refuses():
        return analyze(text, options)


def key(doc) -> list[tuple]:
    return [(d.rule, d.severity, d.message, d.start, d.end, d.fixes) for d in doc.diagnostics]


def assert_same(text: str, options: Options | None = None, cache: TableCache | None = None):
    assert split_tables(text) is not None, "the splitter refused this text: the comparison would prove nothing"
    incremental = analyze(text, options, cache)
    reference = whole_file(text, options)
    assert key(incremental) == key(reference)
    assert list(incremental.schema.tables) == list(reference.schema.tables)
    return incremental


def assert_positions(doc) -> None:
    """Every table and column span, made absolute through its table's base, names the right text."""
    for name, table in doc.schema.tables.items():
        start, end = table.at(table.span)
        assert doc.text[start:end].strip("\"'") == name
        for cname, column in table.columns.items():
            start, end = table.at(column.span)
            assert doc.text[start:end].strip("\"'") == cname


# ---------------------------------------------------------------------------
# the splitter itself

def test_shop_is_split_into_its_tables():
    split = split_tables(SHOP)
    assert split is not None
    names = [SHOP[a:b].split(":", 1)[0].strip() for a, b in split.chunks]
    assert names == ["users", "addresses", "categories", "products", "product_categories", "orders",
                     "order_items", "payments", "reviews"]
    # skeleton + chunks give back the file
    a = split.chunks[0][0]
    b = split.chunks[-1][1]
    assert split.skeleton == SHOP[:a] + SHOP[b:]
    assert "".join(SHOP[x:y] for x, y in split.chunks) == SHOP[a:b]


@pytest.mark.parametrize("text", [
    SHOP.replace("schema: shop", "schema: &s shop"),
    SHOP.replace("\ntables:\n", "\ntables: # many\n", 1) + "---\nschema: other\n",
    SHOP.replace("      id: bigint pk identity\n", "\t  id: bigint pk identity\n", 1),
    SHOP.replace("tables:\n", "tables:\n  users: {columns: {id: bigint pk}}\ntables:\n", 1),
    "schema: s\ntables: {t: {columns: {id: bigint pk}}}\n",
], ids=["anchor", "two-documents", "tab-indent", "tables-twice", "flow-style"])
def test_unusual_files_are_not_split(text):
    assert split_tables(text) is None


# ---------------------------------------------------------------------------
# one analysis

def test_shop():
    doc = assert_same(SHOP)
    assert doc.diagnostics == []
    assert_positions(doc)


def test_shop_with_other_dialects_and_levels():
    assert_same(SHOP, Options(dialect="mysql"))
    assert_same(SHOP, Options(dialect="sqlite", rule_levels={"dialect/type-mapped": "error"}))


def _variant(old: str, new: str, count: int = 1) -> str:
    assert old in SHOP, old
    return SHOP.replace(old, new, count)


VARIANTS = {
    # schema errors in the first, a middle and the last table
    "first-table-unknown-type": _variant("id: bigint pk identity", "id: bigintt pk identity"),
    "first-table-unknown-key": _variant("    rows: 2M\n", "    rowz: 2M\n"),
    "middle-table-unknown-column": _variant("      - (status, placed_at desc)",
                                            "      - (status, placd_at desc)"),
    "middle-table-unknown-table": _variant("references products on delete restrict",
                                           "references prodcts on delete restrict"),
    "last-table-enum-default": _variant("default 'authorized'", "default 'authorised'"),
    "last-table-type-mismatch": _variant("      user_id: bigint not null references users on delete cascade\n"
                                         "      rating",
                                         "      user_id: int not null references users on delete cascade\n"
                                         "      rating"),
    "reserved-and-too-long": _variant("  payments:\n", "  order:\n") .replace(
        "      provider_reference:", "      " + "p" * 70 + ":"),
    "missing-pk": _variant("      id: bigint pk identity\n      sku:", "      id: bigint identity\n      sku:"),
    "enum-removed": _variant("  address_kind: [billing, shipping]\n", ""),
    "ignore-comment-in-a-table": _variant("      id: bigint pk identity\n      sku:",
                                          "      id: bigint identity  # schema-lang: ignore\n      sku:"),
    "rules-after-tables": SHOP + "rules:\n  design/missing-primary-key: error\n  design/reserved-wrd: off\n",
    # duplicates
    "duplicate-table": _variant("  payments:\n", "  orders:\n"),
    "duplicate-table-identical-text": _variant("  payments:\n", (
        "  categories:\n"
        "    description: Catalogue tree; a category may have a parent\n"
        "    rows: 2k\n"
        "    columns:\n"
        "      id: int pk identity\n"
        "      parent_id: int references categories on delete set null\n"
        "      slug: varchar(80) not null unique\n"
        "      name: varchar(100) not null\n"
        "    indexes:\n"
        "      - parent_id\n"
        "\n"
        "  categories:\n"
        "    description: Catalogue tree; a category may have a parent\n"
        "    rows: 2k\n"
        "    columns:\n"
        "      id: int pk identity\n"
        "      parent_id: int references categories on delete set null\n"
        "      slug: varchar(80) not null unique\n"
        "      name: varchar(100) not null\n"
        "    indexes:\n"
        "      - parent_id\n"
        "\n"
        "  payments:\n"
    )),
    "duplicate-column": _variant("      phone: varchar(32) pii\n", "      phone: varchar(32) pii\n      name: text\n"),
    # YAML syntax errors: in the last table (nothing follows it) and around the tables
    "yaml-colon-in-last-table": _variant("      body: text\n", "      body: text: bad\n"),
    "yaml-error-in-skeleton": _variant("  consistency: acid\n", "  consistency: [acid\n"),
    # comments and blank lines between tables
    "comments-between-tables": _variant("\n  addresses:",
                                        "\n# a comment at the margin\n    # an indented comment\n\n  addresses:"),
    "comment-after-tables-key": _variant("\ntables:\n", "\ntables:   # all of them\n"),
    "blank-lines": SHOP.replace("\n\n  ", "\n\n\n\n  "),
    "tables-key-with-empty-flow-value-before": SHOP.replace("tables:\n", "tables: {}\ntables:\n", 1),
}

# A YAML syntax error inside one table.  Read whole, a file is lost from the error on (and every
# reference to a later table would look broken); read per table, the error stays in its table.
YAML_ERROR_IN_A_TABLE = {
    "unclosed-flow-in-middle-table": (_variant("      - shipping_address_id\n", "      - [shipping_address_id\n"),
                                      "orders"),
    "unterminated-quote-in-first-table": (_variant("name: varchar(100) not null pii",
                                                   'name: "varchar(100) not null pii'), "users"),
    "bad-indent": (_variant("    rows: 3M", "   rows: 3M"), "addresses"),
}


@pytest.mark.parametrize("name", list(YAML_ERROR_IN_A_TABLE))
def test_yaml_error_in_one_table_keeps_the_others(name):
    text, broken_table = YAML_ERROR_IN_A_TABLE[name]
    incremental = analyze(text)
    errors = [d for d in incremental.diagnostics if d.rule == "syntax/yaml"]
    # the error is reported inside the broken table
    chunk = next((a, b) for a, b in split_tables(text).chunks if text[a:b].strip().startswith(broken_table + ":"))
    assert errors and all(chunk[0] <= d.start < chunk[1] for d in errors)
    # every other table is still there, and nothing cascades from the broken one
    others = [t for t in split_tables(SHOP) and _table_names(SHOP) if t != broken_table]
    assert set(others) <= set(incremental.schema.tables)
    assert not [d for d in incremental.diagnostics if d.rule == "reference/unknown-table"]
    assert_positions(incremental)


def _table_names(text: str) -> list[str]:
    return [text[a:b].split(":", 1)[0].strip() for a, b in split_tables(text).chunks]


# Valid files whose scalars or flow collections continue on a line that looks like a table key.
VALID_TRICKY = {
    "multiline-double-quoted": SHOP.replace(
        "    description: Registered customer accounts\n",
        '    description: "Registered customer\n  accounts: all of them"\n', 1),
    "multiline-single-quoted": SHOP.replace(
        "    description: Registered customer accounts\n",
        "    description: 'Registered customer\n  accounts: all of them'\n", 1),
    "multiline-flow-mapping": SHOP.replace(
        "    indexes:\n      - user_id\n",
        "    indexes:\n      - {columns: [user_id],\n  name: idx_addresses_user}\n", 1),
}


@pytest.mark.parametrize("name", list(VARIANTS))
def test_broken_variants(name):
    assert_same(VARIANTS[name])


@pytest.mark.parametrize("name", list(VALID_TRICKY))
def test_valid_files_with_key_like_continuation_lines(name):
    text = VALID_TRICKY[name]
    assert whole_file(text).diagnostics == []  # the file is fine
    assert_same(text)


def test_table_and_column_attribution_is_the_same_too():
    # the language server sends d.table / d.column to the editor: they must not depend on the path taken
    text = VARIANTS["duplicate-table"]
    incremental = [(d.rule, d.start, d.table, d.column) for d in analyze(text).diagnostics]
    reference = [(d.rule, d.start, d.table, d.column) for d in whole_file(text).diagnostics]
    assert incremental == reference


# ---------------------------------------------------------------------------
# a cache reused across edits

def _edits():
    """A session in an editor: each step is the full new text."""
    text = SHOP
    steps = []

    def step(old, new):
        nonlocal text
        assert old in text, old
        text = text.replace(old, new, 1)
        steps.append(text)

    step("      phone: varchar(32) pii\n", "      phone: varchar(32) pii\n      nickname: varchar(40)\n")
    step("      nickname: varchar(40)\n", "      nickname: varchr(40)\n")           # break a type
    step("      nickname: varchr(40)\n", "      nickname: varchar(40)\n")           # and fix it again
    step("description: Online store", "description: An online store, longer now")  # shift every table
    step("  order_status: [pending,", "  order_state: [pending,")                    # enum names change
    step("  order_state: [pending,", "  order_status: [pending,")
    step("  reviews:\n", "  reviews:\n    was: ratings\n")
    step("  payments:\n", "  orders:\n")                                              # duplicate table
    step("  orders:\n    description: Payment", "  payments:\n    description: Payment")
    step("      - shipping_address_id\n", "      - [shipping_address_id\n")         # a YAML error
    step("      - [shipping_address_id\n", "      - shipping_address_id\n")
    step("dialect: postgresql", "dialect: mysql")
    step("  categories:\n", "  category:\n")                                          # breaks references
    step("  category:\n", "  categories:\n")
    text = text + "  extra:\n    columns:\n      id: bigint pk\n"
    steps.append(text)                                                                # append after queries
    return steps


def _syntax_error_in_a_table(reference) -> bool:
    """Whether a whole-file reading found a YAML syntax error inside the tables' block."""
    split = split_tables(reference.text)
    if split is None:
        return False
    region = (split.chunks[0][0], split.chunks[-1][1])
    return any(d.rule == "syntax/yaml" and region[0] <= d.start <= region[1] for d in reference.diagnostics)


def test_cache_across_edits_matches_whole_file():
    cache = TableCache()
    analyze(SHOP, cache=cache)
    failures = []
    for i, text in enumerate(_edits()):
        if split_tables(text) is None:
            continue
        cached = analyze(text, cache=cache)
        reference = whole_file(text)
        if _syntax_error_in_a_table(reference):
            # per-table reading recovers more (see test_yaml_error_in_one_table_keeps_the_others)
            assert any(d.rule == "syntax/yaml" for d in cached.diagnostics)
        elif key(cached) != key(reference):
            failures.append(i)
        assert_positions(cached)
    assert failures == []


def test_cache_across_edits_matches_a_fresh_analysis():
    # separates cache bugs from splitter bugs: reusing tables must not change anything
    cache = TableCache()
    analyze(SHOP, cache=cache)
    for text in _edits():
        cached = analyze(text, cache=cache)
        assert key(cached) == key(analyze(text))
        assert_positions(cached)


def test_cache_entries_are_dropped_when_their_text_goes():
    cache = TableCache()
    analyze(SHOP, cache=cache)
    assert len(cache.entries) == 9
    text = SHOP.replace("      phone: varchar(32) pii\n", "")
    analyze(text, cache=cache)
    assert len(cache.entries) == 9  # the old `users` entry was replaced, not kept beside the new one


def test_cache_does_not_leak_levels_between_analyses():
    text = VARIANTS["last-table-enum-default"]
    cache = TableCache()
    raised = analyze(text, Options(rule_levels={"reference/unknown-enum-value": "warning"}), cache)
    assert {d.severity.value for d in raised.diagnostics} == {"warning"}
    again = analyze(text, None, cache)
    assert key(again) == key(whole_file(text))


def test_dialect_change_with_the_same_cache():
    cache = TableCache()
    analyze(SHOP, cache=cache)
    doc = analyze(SHOP, Options(dialect="mysql"), cache)
    assert key(doc) == key(whole_file(SHOP, Options(dialect="mysql")))
    assert doc.diagnostics  # MySQL maps jsonb and timestamptz


# ---------------------------------------------------------------------------
# random edits

try:
    from hypothesis import HealthCheck, Phase, assume, given, settings
    from hypothesis import strategies as st
    from hypothesis.configuration import set_hypothesis_home_dir
except ImportError:  # pragma: no cover - hypothesis is a test dependency, but optional
    st = None
else:
    # Hypothesis keeps caches and, for a failing test, a patch file under ./.hypothesis; keep them
    # out of the working tree
    set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "schema-lang-hypothesis")

if st is not None:
    INSERTABLE = st.sampled_from(list("ab_ :\n-#[]{}'\",&*!|>%\t0") + ["  ", "\n  ", "é"])

    @st.composite
    def edit(draw, text_len: int):
        if text_len and draw(st.booleans()):
            at = draw(st.integers(0, text_len - 1))
            return ("delete", at, "")
        return ("insert", draw(st.integers(0, text_len)), draw(INSERTABLE))

    def apply(text: str, change) -> str:
        kind, at, new = change
        at = min(at, len(text) - (kind == "delete"))
        if kind == "delete":
            return text[:at] + text[at + 1:] if text else text
        return text[:at] + new + text[at:]

    @st.composite
    def edited_texts(draw):
        """One to three successive single-character edits of the shop example."""
        texts = []
        text = SHOP
        for _ in range(draw(st.integers(1, 3))):
            text = apply(text, draw(edit(len(text))))
            texts.append(text)
        return texts

    # derandomized and without a database: the same examples on every run, and no files written
    # (the explain phase would write patch files and needs libcst)
    HYPOTHESIS = settings(max_examples=150, deadline=None, database=None, derandomize=True,
                          phases=[Phase.explicit, Phase.generate, Phase.shrink],
                          suppress_health_check=[HealthCheck.too_slow])

    @HYPOTHESIS
    @given(edited_texts())
    def test_random_edits_match_whole_file(texts):
        cache = TableCache()
        analyze(SHOP, cache=cache)
        for text in texts:
            cached = analyze(text, cache=cache)  # must not raise
            assert "internal/error" not in [d.rule for d in cached.diagnostics]
            reference = whole_file(text)
            if _syntax_error_in_a_table(reference) and split_tables(text) is not None:
                # per-table reading recovers more: the same first syntax error, no internal error
                first = next(d for d in reference.diagnostics if d.rule == "syntax/yaml")
                assert any(d.rule == "syntax/yaml" for d in cached.diagnostics), first
            else:
                assert key(cached) == key(reference)

    @HYPOTHESIS
    @given(edited_texts())
    def test_random_edits_without_syntax_errors_match_whole_file(texts):
        # the same property on the edits that keep the YAML readable, so that differences other than
        # recovery from a syntax error are not hidden behind the first failure of the test above
        cache = TableCache()
        analyze(SHOP, cache=cache)
        for text in texts:
            reference = whole_file(text)
            assume(not any(d.rule.startswith("syntax/") for d in reference.diagnostics))
            assert key(analyze(text, cache=cache)) == key(reference)

    @HYPOTHESIS
    @given(edited_texts())
    def test_random_edits_cache_matches_fresh_incremental(texts):
        cache = TableCache()
        analyze(SHOP, cache=cache)
        for text in texts:
            cached = analyze(text, cache=cache)
            assert key(cached) == key(analyze(text))
