"""Functional dependency theory over a table's columns.

Attribute sets are bit masks (bit i = the table's i-th column), so closure and
key search stay cheap on wide tables.  Everything here is textbook: attribute
closure, minimal (canonical) cover, candidate keys, prime attributes, normal
forms, 3NF synthesis and BCNF decomposition.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations

# A table can have exponentially many candidate keys; past these bounds the
# search stops and says so.
MAX_KEYS = 200
MAX_KEY_SEARCH_STEPS = 200_000


@dataclass(frozen=True, slots=True)
class FD:
    lhs: int
    rhs: int
    # where it came from: "declared", "primary key", "unique", "inferred", ...
    origin: str = "declared"
    # an index into the caller's list of sources (a declared dependency, a constraint), or -1
    source: int = -1


@dataclass(slots=True)
class Relation:
    """A set of attributes with dependencies; `names[i]` is attribute bit i."""

    names: Sequence[str]
    fds: list[FD] = field(default_factory=list)

    @property
    def all(self) -> int:
        return (1 << len(self.names)) - 1

    def mask(self, names: Iterable[str]) -> int:
        index = {n: i for i, n in enumerate(self.names)}
        m = 0
        for n in names:
            m |= 1 << index[n]
        return m

    def names_of(self, mask: int) -> list[str]:
        return [n for i, n in enumerate(self.names) if mask >> i & 1]


def bits(mask: int) -> Iterable[int]:
    while mask:
        low = mask & -mask
        yield low
        mask ^= low


def closure(attrs: int, fds: Sequence[FD]) -> int:
    result = attrs
    changed = True
    while changed:
        changed = False
        for fd in fds:
            if fd.lhs & result == fd.lhs and fd.rhs & ~result:
                result |= fd.rhs
                changed = True
    return result


def implies(fds: Sequence[FD], lhs: int, rhs: int) -> bool:
    return closure(lhs, fds) & rhs == rhs


# which origin a message should name when several give the same dependency
_ORIGIN_RANK = {"declared": 0, "inferred": 1, "unique": 2, "primary key": 3}


def minimal_cover(fds: Sequence[FD]) -> list[FD]:
    """A minimal cover: single-attribute right sides, no extraneous left
    attribute, no redundant dependency.  Origins are kept."""
    split = []
    seen = set()
    for fd in fds:
        for b in bits(fd.rhs & ~fd.lhs):  # trivial parts dropped
            key = (fd.lhs, b)
            if key not in seen:
                seen.add(key)
                split.append(FD(fd.lhs, b, fd.origin, fd.source))
    # extraneous left attributes
    reduced = []
    for fd in split:
        lhs = fd.lhs
        for b in list(bits(lhs)):
            smaller = lhs & ~b
            if smaller and closure(smaller, split) & fd.rhs:
                lhs = smaller
        reduced.append(FD(lhs, fd.rhs, fd.origin, fd.source))
    # remove duplicates created by the reduction (keeping the most telling origin),
    # then redundant dependencies
    best: dict[tuple[int, int], FD] = {}
    for fd in reduced:
        known = best.get((fd.lhs, fd.rhs))
        if known is None or _ORIGIN_RANK.get(fd.origin, 9) < _ORIGIN_RANK.get(known.origin, 9):
            best[(fd.lhs, fd.rhs)] = fd
    unique = list(best.values())
    result = list(unique)
    for fd in unique:
        others = [g for g in result if g is not fd]
        if implies(others, fd.lhs, fd.rhs):
            result = others
    return result


@dataclass(slots=True)
class KeySearch:
    keys: list[int]
    complete: bool  # False when a bound stopped the search


def candidate_keys(universe: int, fds: Sequence[FD]) -> KeySearch:
    """All candidate keys (Lucchesi and Osborn): start from one key; for every key K
    and dependency X -> Y, the set X | (K - Y) is a superkey; shrink it to a key and
    keep it when no known key lies inside it.  Polynomial in the number of keys, so
    only a pathological table can hit the bound."""
    fds = [fd for fd in fds if fd.rhs & ~fd.lhs]
    keys = [_shrink(universe, universe, fds)]
    i = 0
    steps = 0
    while i < len(keys):
        key = keys[i]
        i += 1
        for fd in fds:
            steps += 1
            if steps > MAX_KEY_SEARCH_STEPS or len(keys) > MAX_KEYS:
                return KeySearch(keys, False)
            superkey = (fd.lhs | (key & ~fd.rhs)) & universe
            if any(k & superkey == k for k in keys):
                continue
            keys.append(_shrink(superkey, universe, fds))
    return KeySearch(keys, True)


def _shrink(superkey: int, universe: int, fds: Sequence[FD]) -> int:
    """A candidate key inside a superkey: drop attributes while the rest still determines everything."""
    key = superkey
    for b in bits(superkey):
        if closure(key & ~b, fds) & universe == universe:
            key &= ~b
    return key


def is_superkey(attrs: int, universe: int, fds: Sequence[FD]) -> bool:
    return closure(attrs, fds) & universe == universe


NORMAL_FORMS = ("1NF", "2NF", "3NF", "BCNF")


@dataclass(slots=True)
class Violation:
    form: str  # the normal form it breaks: "2NF", "3NF" or "BCNF"
    lhs: int
    rhs: int  # the dependents (one or more attributes)
    key: int  # the candidate key involved (2NF: the key lhs is part of)
    fd: FD | None  # the dependency it shows in, when there is one


class Analysis:
    """Keys, prime attributes, normal form and violations of one relation."""

    __slots__ = ("keys", "prime", "normal_form", "violations", "_fds", "_cover")

    def __init__(self, keys: KeySearch, prime: int, normal_form: str, violations: list[Violation],
                 fds: Sequence[FD]) -> None:
        self.keys = keys
        self.prime = prime
        self.normal_form = normal_form
        self.violations = violations
        self._fds = fds
        self._cover: list[FD] | None = None

    @property
    def cover(self) -> list[FD]:
        """A minimal cover, computed when first asked for (only reports need it)."""
        if self._cover is None:
            self._cover = minimal_cover(self._fds)
        return self._cover


def group_by_lhs(fds: Sequence[FD]) -> list[FD]:
    """One dependency per determinant, trivial parts dropped; the most telling origin is kept."""
    groups: dict[int, FD] = {}
    for fd in fds:
        rhs = fd.rhs & ~fd.lhs
        if not rhs:
            continue
        known = groups.get(fd.lhs)
        if known is None:
            groups[fd.lhs] = FD(fd.lhs, rhs, fd.origin, fd.source)
        else:
            best = fd if _ORIGIN_RANK.get(fd.origin, 9) < _ORIGIN_RANK.get(known.origin, 9) else known
            groups[fd.lhs] = FD(fd.lhs, known.rhs | rhs, best.origin, best.source)
    return list(groups.values())


def _reduce_lhs(lhs: int, rhs: int, fds: Sequence[FD]) -> int:
    """The smallest part of `lhs` (dropping attributes one by one) that still determines `rhs`."""
    for b in bits(lhs):
        if lhs & ~b and closure(lhs & ~b, fds) & rhs == rhs:
            lhs &= ~b
    return lhs


def analyse(universe: int, fds: Sequence[FD]) -> Analysis:
    """Textbook tests, done on the given dependencies grouped by determinant: checking the
    given set suffices for 3NF and BCNF, and closure answers 2NF, so no minimal cover is
    needed on this path (it matters when thousands of tables are checked per keystroke)."""
    grouped = group_by_lhs(fds)
    keys = candidate_keys(universe, grouped)
    prime = 0
    for k in keys.keys:
        prime |= k
    violations: list[Violation] = []
    # 2NF: a non-prime attribute determined by a proper subset of a candidate key.  Closure
    # is monotone, so it is enough to try each key minus one attribute, then shrink that
    # determinant to a smallest one for the message.
    partial_found = 0
    nonprime = universe & ~prime
    for key in keys.keys:
        if bin(key).count("1") < 2:
            continue
        for b in bits(key):
            part = key & ~b
            dependents = closure(part, grouped) & nonprime & ~partial_found
            if not dependents:
                continue
            part = _reduce_lhs(part, dependents, grouped)
            partial_found |= dependents
            violations.append(Violation("2NF", part, dependents, key, _showing(fds, part, dependents)))
    # 3NF and BCNF
    for fd in grouped:
        if closure(fd.lhs, grouped) & universe == universe:
            continue
        lhs = _reduce_lhs(fd.lhs, fd.rhs, grouped)
        nonprime_rhs = fd.rhs & nonprime & ~partial_found
        if nonprime_rhs and not any(lhs & k == lhs and lhs != k for k in keys.keys):
            violations.append(Violation("3NF", lhs, nonprime_rhs, 0, _showing(fds, lhs, nonprime_rhs) or fd))
        if fd.rhs & prime:
            violations.append(Violation("BCNF", lhs, fd.rhs & prime, 0, _showing(fds, lhs, fd.rhs & prime) or fd))
    forms = {v.form for v in violations}
    if "2NF" in forms:
        normal_form = "1NF"
    elif "3NF" in forms:
        normal_form = "2NF"
    elif "BCNF" in forms:
        normal_form = "3NF"
    else:
        normal_form = "BCNF"
    return Analysis(keys, prime, normal_form, violations, fds)


def _showing(fds: Sequence[FD], lhs: int, rhs: int) -> FD | None:
    """The given dependency that best shows lhs -> rhs: a declared one within lhs if any."""
    best = None
    for fd in fds:
        if fd.rhs & rhs and fd.lhs & lhs == fd.lhs and (
                best is None or _ORIGIN_RANK.get(fd.origin, 9) < _ORIGIN_RANK.get(best.origin, 9)):
            best = fd
    return best


# ---------------------------------------------------------------------------
# decomposition

def project(fds: Sequence[FD], attrs: int, limit: int = 8) -> list[FD]:
    """Dependencies that hold on the projection onto `attrs`.  Exact (every subset's
    closure) for up to `limit` attributes; past that the closures of the given
    determinants that lie inside `attrs`, which keeps wide tables fast."""
    attr_bits = list(bits(attrs))
    if len(attr_bits) > limit:
        out = []
        for fd in fds:
            if fd.lhs & attrs == fd.lhs:
                rhs = closure(fd.lhs, fds) & attrs & ~fd.lhs
                if rhs:
                    out.append(FD(fd.lhs, rhs, "projected"))
        return out
    out = []
    for size in range(1, len(attr_bits)):
        for combo in combinations(attr_bits, size):
            lhs = 0
            for b in combo:
                lhs |= b
            rhs = closure(lhs, fds) & attrs & ~lhs
            if rhs:
                out.append(FD(lhs, rhs, "projected"))
    return minimal_cover(out)


def synthesize_3nf(universe: int, fds: Sequence[FD]) -> list[int]:
    """3NF synthesis: lossless and dependency-preserving."""
    cover = minimal_cover(fds)
    groups: dict[int, int] = {}
    for fd in cover:
        groups[fd.lhs] = groups.get(fd.lhs, 0) | fd.rhs
    relations = [lhs | rhs for lhs, rhs in groups.items()]
    keys = candidate_keys(universe, cover).keys
    if not any(any(k & r == k for k in keys) for r in relations):
        relations.append(keys[0])
    # attributes in no dependency still need a home: they go with the key
    covered = 0
    for r in relations:
        covered |= r
    if universe & ~covered:
        for i, r in enumerate(relations):
            if any(k & r == k for k in keys):
                relations[i] = r | (universe & ~covered)
                break
    # drop relations contained in others
    result = []
    for i, r in enumerate(relations):
        if any(j != i and r & s == r and (r != s or j < i) for j, s in enumerate(relations)):
            continue
        result.append(r)
    return result


def decompose_bcnf(universe: int, fds: Sequence[FD]) -> tuple[list[int], list[FD]]:
    """BCNF decomposition (lossless); returns the relations and the dependencies
    of the cover that no relation preserves."""
    pending = [universe]
    done: list[int] = []
    while pending:
        r = pending.pop()
        local = project(fds, r)
        violation = next((fd for fd in local if not is_superkey(fd.lhs, r, local)), None)
        if violation is None:
            done.append(r)
            continue
        x = violation.lhs
        x_plus = closure(x, local) & r
        pending.append(x_plus)
        pending.append((r & ~x_plus) | x)
    done.sort(key=lambda m: (-bin(m).count("1"), m))
    lost = [fd for fd in minimal_cover(fds) if not preserved(fd, done, fds)]
    return done, lost


def preserved(fd: FD, relations: Sequence[int], fds: Sequence[FD]) -> bool:
    """Whether the projections onto `relations` still imply `fd` (the usual
    closure-by-relations test, without computing projections)."""
    result = fd.lhs
    changed = True
    while changed:
        changed = False
        for r in relations:
            gained = closure(result & r, fds) & r
            if gained & ~result:
                result |= gained
                changed = True
    return result & fd.rhs == fd.rhs


def lossless(universe: int, relations: Sequence[int], fds: Sequence[FD]) -> bool:
    """The chase test for a lossless join."""
    n = len(relations)
    attrs = list(bits(universe))
    # table[i][a]: 0 means the distinguished symbol, otherwise a unique subscript
    table = [[0 if relations[i] & a else (i + 1) * 1000 + k for k, a in enumerate(attrs)] for i in range(n)]
    index = {a: k for k, a in enumerate(attrs)}
    changed = True
    while changed:
        changed = False
        for fd in fds:
            lhs_cols = [index[b] for b in bits(fd.lhs & universe)]
            rhs_cols = [index[b] for b in bits(fd.rhs & universe)]
            groups: dict[tuple, list[int]] = {}
            for i, row in enumerate(table):
                groups.setdefault(tuple(row[c] for c in lhs_cols), []).append(i)
            for rows in groups.values():
                if len(rows) < 2:
                    continue
                for c in rhs_cols:
                    values = {table[i][c] for i in rows}
                    if len(values) > 1:
                        target = 0 if 0 in values else min(values)
                        for i in rows:
                            if table[i][c] != target:
                                table[i][c] = target
                                changed = True
        if any(all(v == 0 for v in row) for row in table):
            return True
    return any(all(v == 0 for v in row) for row in table)
