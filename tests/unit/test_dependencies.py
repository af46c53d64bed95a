"""Dependency theory: textbook cases with known answers, and properties checked
against brute force on small random relations."""
from __future__ import annotations

from itertools import combinations

from hypothesis import given, settings
from hypothesis import strategies as st

from schema_lang.analysis.dependencies import (
    FD,
    Relation,
    analyse,
    candidate_keys,
    closure,
    decompose_bcnf,
    implies,
    lossless,
    minimal_cover,
    preserved,
    project,
    synthesize_3nf,
)


def rel(names: str, *deps: str) -> tuple[Relation, list[FD]]:
    """rel("ABCD", "AB->C", "C->D")"""
    r = Relation(list(names))
    fds = []
    for d in deps:
        lhs, rhs = d.split("->")
        fds.append(FD(r.mask(lhs), r.mask(rhs)))
    return r, fds


def keys_of(r: Relation, fds) -> list[str]:
    return sorted("".join(r.names_of(k)) for k in analyse(r.all, fds).keys.keys)


# ---------------------------------------------------------------------------
# textbook cases

def test_closure():
    r, fds = rel("ABCDE", "A->B", "B->C", "CD->E")
    assert r.names_of(closure(r.mask("A"), fds)) == ["A", "B", "C"]
    assert r.names_of(closure(r.mask("AD"), fds)) == list("ABCDE")


def test_minimal_cover_of_a_classic_set():
    # {A->BC, B->C, A->B, AB->C} has the minimal cover {A->B, B->C}
    r, fds = rel("ABC", "A->BC", "B->C", "A->B", "AB->C")
    cover = {("".join(r.names_of(fd.lhs)), "".join(r.names_of(fd.rhs))) for fd in minimal_cover(fds)}
    assert cover == {("A", "B"), ("B", "C")}


def test_transitive_dependency_is_2nf_not_3nf():
    r, fds = rel("ABCD", "AB->CD", "C->D")
    a = analyse(r.all, fds)
    assert keys_of(r, fds) == ["AB"]
    assert a.normal_form == "2NF"
    assert [(v.form, r.names_of(v.lhs), r.names_of(v.rhs)) for v in a.violations] == [("3NF", ["C"], ["D"])]


def test_partial_dependency_is_1nf():
    r, fds = rel("ABCD", "AB->CD", "A->C", "B->D")
    a = analyse(r.all, fds)
    assert keys_of(r, fds) == ["AB"]
    assert a.normal_form == "1NF"
    partial = {("".join(r.names_of(v.lhs)), "".join(r.names_of(v.rhs))) for v in a.violations if v.form == "2NF"}
    assert partial == {("A", "C"), ("B", "D")}


def test_street_city_zip_is_3nf_not_bcnf():
    r, fds = rel("SCZ", "SC->Z", "Z->C")
    a = analyse(r.all, fds)
    assert keys_of(r, fds) == ["SC", "SZ"]
    assert a.normal_form == "3NF"
    relations, lost = decompose_bcnf(r.all, fds)
    assert sorted("".join(r.names_of(x)) for x in relations) == ["CZ", "SZ"]
    assert [("".join(r.names_of(f.lhs)), "".join(r.names_of(f.rhs))) for f in lost] == [("SC", "Z")]
    assert lossless(r.all, relations, fds)


def test_four_candidate_keys():
    # A->BC, CD->E, B->D, E->A: keys A, E, BC, CD; B->D has a prime right side: 3NF, not BCNF
    r, fds = rel("ABCDE", "A->BC", "CD->E", "B->D", "E->A")
    assert keys_of(r, fds) == ["A", "BC", "CD", "E"]
    assert analyse(r.all, fds).normal_form == "3NF"


def test_bcnf_when_every_determinant_is_a_key():
    r, fds = rel("ABC", "A->BC", "B->AC")
    assert keys_of(r, fds) == ["A", "B"]
    assert analyse(r.all, fds).normal_form == "BCNF"
    assert analyse(r.all, fds).violations == []


def test_no_dependencies_means_the_whole_relation_is_the_key():
    r, fds = rel("ABC")
    assert keys_of(r, fds) == ["ABC"]
    assert analyse(r.all, fds).normal_form == "BCNF"


def test_many_keys_are_found_exactly():
    # a_i <-> b_i for 6 pairs: 2**6 keys, found exactly
    names = [f"a{i}" for i in range(6)] + [f"b{i}" for i in range(6)]
    r = Relation(names)
    fds = [FD(1 << i, 1 << (i + 6)) for i in range(6)] + [FD(1 << (i + 6), 1 << i) for i in range(6)]
    search = candidate_keys(r.all, fds)
    assert search.complete and len(search.keys) == 64


def test_key_search_is_bounded_not_hung():
    names = [f"a{i}" for i in range(16)] + [f"b{i}" for i in range(16)]
    r = Relation(names)
    fds = [FD(1 << i, 1 << (i + 16)) for i in range(16)] + [FD(1 << (i + 16), 1 << i) for i in range(16)]
    search = candidate_keys(r.all, fds)  # 65,536 keys exist
    assert not search.complete
    assert all(closure(k, fds) == r.all for k in search.keys)


def test_3nf_synthesis_of_a_chain():
    r, fds = rel("ABCD", "A->B", "B->C", "C->D")
    relations = synthesize_3nf(r.all, fds)
    assert sorted("".join(r.names_of(x)) for x in relations) == ["AB", "BC", "CD"]
    assert lossless(r.all, relations, fds)
    assert all(preserved(fd, relations, fds) for fd in fds)


def test_chase_detects_a_lossy_decomposition():
    r, fds = rel("ABC", "A->B")
    assert lossless(r.all, [r.mask("AB"), r.mask("AC")], fds)
    assert not lossless(r.all, [r.mask("AB"), r.mask("BC")], fds)


# ---------------------------------------------------------------------------
# properties against brute force

N = 6
ALL = (1 << N) - 1


def subsets(mask: int):
    items = [1 << i for i in range(N) if mask >> i & 1]
    for size in range(len(items) + 1):
        for combo in combinations(items, size):
            yield sum(combo)


@st.composite
def fd_sets(draw):
    count = draw(st.integers(0, 7))
    out = []
    for _ in range(count):
        lhs = draw(st.integers(1, ALL))
        rhs = draw(st.integers(1, ALL))
        out.append(FD(lhs, rhs))
    return out


def brute_keys(universe: int, fds) -> set[int]:
    supers = [s for s in subsets(universe) if closure(s, fds) & universe == universe]
    return {s for s in supers if not any(t != s and t & s == t for t in supers)}


def brute_normal_form(universe: int, fds) -> str:
    keys = brute_keys(universe, fds)
    prime = 0
    for k in keys:
        prime |= k
    implied = [(x, closure(x, fds) & universe & ~x) for x in subsets(universe) if x]
    for key in keys:
        for part in subsets(key):
            if part and part != key and closure(part, fds) & universe & ~prime & ~part:
                return "1NF"
    superkey = lambda x: closure(x, fds) & universe == universe  # noqa: E731
    if any(rhs & ~prime and not superkey(x) for x, rhs in implied):
        return "2NF"
    if any(rhs and not superkey(x) for x, rhs in implied):
        return "3NF"
    return "BCNF"


SETTINGS = settings(max_examples=300, deadline=None, database=None, derandomize=True)


@SETTINGS
@given(fd_sets())
def test_candidate_keys_match_brute_force(fds):
    assert set(candidate_keys(ALL, fds).keys) == brute_keys(ALL, fds)


@SETTINGS
@given(fd_sets())
def test_minimal_cover_is_equivalent_and_minimal(fds):
    cover = minimal_cover(fds)
    assert all(implies(cover, fd.lhs, fd.rhs) for fd in fds)
    assert all(implies(fds, fd.lhs, fd.rhs) for fd in cover)
    for fd in cover:
        assert bin(fd.rhs).count("1") == 1 and not fd.rhs & fd.lhs
        others = [g for g in cover if g is not fd]
        assert not implies(others, fd.lhs, fd.rhs), "redundant dependency"
        for b in [1 << i for i in range(N) if fd.lhs >> i & 1]:
            if fd.lhs & ~b:
                assert not implies(cover, fd.lhs & ~b, fd.rhs), "extraneous left attribute"


@SETTINGS
@given(fd_sets())
def test_normal_form_matches_the_definitions(fds):
    assert analyse(ALL, fds).normal_form == brute_normal_form(ALL, fds)


@SETTINGS
@given(fd_sets())
def test_3nf_synthesis_is_lossless_dependency_preserving_and_3nf(fds):
    relations = synthesize_3nf(ALL, fds)
    assert lossless(ALL, relations, fds)
    assert all(preserved(fd, relations, fds) for fd in fds)
    covered = 0
    for r in relations:
        covered |= r
        assert brute_normal_form(r, project(fds, r)) in ("3NF", "BCNF")
    assert covered == ALL


@SETTINGS
@given(fd_sets())
def test_bcnf_decomposition_is_lossless_and_bcnf(fds):
    relations, lost = decompose_bcnf(ALL, fds)
    assert lossless(ALL, relations, fds)
    for r in relations:
        assert brute_normal_form(r, project(fds, r)) == "BCNF"
    for fd in lost:
        assert not preserved(fd, relations, fds)
