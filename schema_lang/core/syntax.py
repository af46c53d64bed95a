"""YAML text to a tree of nodes that remember where they came from.

PyYAML's own composer throws positions away once it builds Python objects and
silently keeps the last of two equal keys, so the tree is built here from the
parser's events instead.  Events come from libyaml when it is installed.

Safety: explicit tags are refused (no object construction of any kind),
aliases are counted and their expanded size is bounded, and nesting depth is
limited.  A syntax error keeps everything parsed before it, so the healthy
part of the file can still be analysed.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml

from .diagnostics import Diagnostic, Severity

try:  # libyaml is several times faster on large files
    from yaml.cyaml import CParser as _Parser  # type: ignore[attr-defined]  # public, missing from the stubs
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml.parser import Parser as _YamlParser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Parser(Reader, Scanner, _YamlParser):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            _YamlParser.__init__(self)


MAX_DEPTH = 64
MAX_ALIASES = 1_000
MAX_EXPANDED_NODES = 2_000_000

NULL_WORDS = frozenset({"", "~", "null", "Null", "NULL"})


@dataclass(slots=True, eq=False)
class Scalar:
    value: str
    start: int
    end: int
    # None for plain scalars, otherwise the quote or block indicator
    style: str | None = None

    @property
    def is_null(self) -> bool:
        return self.style is None and self.value in NULL_WORDS


@dataclass(slots=True, eq=False)
class Mapping:
    start: int
    end: int
    items: list[tuple[Scalar, Node]] = field(default_factory=list)
    flow: bool = False

    # With a duplicate key the last one wins, as it does for YAML loaders.
    def get(self, key: str) -> Node | None:
        for k, v in reversed(self.items):
            if k.value == key:
                return v
        return None

    def key_node(self, key: str) -> Scalar | None:
        for k, _ in reversed(self.items):
            if k.value == key:
                return k
        return None

    def entry(self, key: str) -> tuple[Scalar, Node] | None:
        for item in reversed(self.items):
            if item[0].value == key:
                return item
        return None

    def keys(self) -> list[str]:
        return [k.value for k, _ in self.items]


@dataclass(slots=True, eq=False)
class Sequence:
    start: int
    end: int
    items: list[Node] = field(default_factory=list)
    flow: bool = False


Node = Scalar | Mapping | Sequence


@dataclass(slots=True)
class ParsedYaml:
    root: Node | None
    diagnostics: list[Diagnostic]


def node_kind(node: Node | None) -> str:
    if node is None:
        return "nothing"
    if isinstance(node, Mapping):
        return "a mapping"
    if isinstance(node, Sequence):
        return "a list"
    return "null" if node.is_null else "a string"


def _yaml_error(message: str, start: int, end: int) -> Diagnostic:
    return Diagnostic("syntax/yaml", Severity.ERROR, message, start, end)


class _Builder:
    """Turns the parser's event stream into nodes."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.diagnostics: list[Diagnostic] = []
        self.anchors: dict[str, Node] = {}
        # expanded size of every node that carries an anchor
        self.sizes: dict[int, int] = {}
        self.alias_count = 0
        self.expanded = 0
        # nesting height of every node that carries an anchor (aliases must not nest past MAX_DEPTH)
        self.heights: dict[int, int] = {}

    # An open container is a frame: [node, pending key, expanded size, anchor, merge keys]
    def build(self) -> Node | None:
        parser = _Parser(self.text)
        stack: list[list] = []
        root: Node | None = None
        documents = 0
        skip_depth = 0  # > 0 while inside content deeper than MAX_DEPTH
        ScalarEvent, AliasEvent = yaml.ScalarEvent, yaml.AliasEvent
        MappingStart, SequenceStart = yaml.MappingStartEvent, yaml.SequenceStartEvent
        Ends = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
        attach = self._attach
        try:
            while True:
                # a yaml Event, None past the end; kinds are told apart by type() for speed,
                # so the attributes each kind has are not known to the type checker
                event: Any = parser.get_event()
                kind = type(event)
                if kind is ScalarEvent and not skip_depth:
                    # the common case first: a plain or quoted scalar without tag or anchor
                    if event.tag is not None and not event.implicit[0]:
                        self._check_tag(event)
                    node: Node = Scalar(event.value, event.start_mark.index, event.end_mark.index, event.style or None)
                    if event.anchor:
                        self._remember_anchor(event, node, 1)
                    if stack:
                        attach(stack, node, 1)
                    else:
                        root = node
                    continue
                if event is None or kind is yaml.StreamEndEvent:
                    break
                if kind is yaml.DocumentStartEvent:
                    documents += 1
                    if documents > 1:
                        idx = event.start_mark.index
                        self.diagnostics.append(_yaml_error(
                            "a schema file holds one YAML document; everything after the first is ignored",
                            idx, max(idx + 3, event.end_mark.index)))
                        break
                    continue
                if kind is yaml.DocumentEndEvent or kind is yaml.StreamStartEvent:
                    continue
                if skip_depth:
                    if kind is MappingStart or kind is SequenceStart:
                        skip_depth += 1
                    elif kind in Ends:
                        skip_depth -= 1
                    if skip_depth:
                        continue
                    # the over-deep container is closed: its parent gets a null in its place
                    node = Scalar("", event.end_mark.index, event.end_mark.index)
                    root = attach(stack, node, 1) or root
                    continue
                if kind in Ends:
                    root = self._close(stack, event.end_mark.index) or root
                    continue
                self._check_tag(event)
                start, end = event.start_mark.index, event.end_mark.index
                if kind is AliasEvent:
                    root = self._alias(stack, event) or root
                    continue
                # a collection starts
                if len(stack) >= MAX_DEPTH:
                    self.diagnostics.append(_yaml_error(
                        f"nesting deeper than {MAX_DEPTH} levels is not allowed", start, max(end, start + 1)))
                    skip_depth = 1
                    continue
                flow = bool(event.flow_style)
                node = Mapping(start, end, [], flow) if kind is MappingStart else Sequence(start, end, [], flow)
                stack.append([node, None, 1, event.anchor, []])
                if event.anchor:
                    self.anchors[event.anchor] = node
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            idx = mark.index if mark is not None else len(self.text)
            idx = min(idx, len(self.text))
            problem = exc.problem or exc.context or "invalid YAML"
            if exc.context_mark is not None and not self.text[idx:].strip():
                # ran off the end: point at what was left open (a quote, a bracket) instead
                idx = min(exc.context_mark.index, len(self.text))
                problem = f"{problem} {exc.context}: it is never closed" if exc.context else problem
            end = idx + 1 if idx < len(self.text) and self.text[idx] not in "\r\n" else idx
            self.diagnostics.append(_yaml_error(f"YAML syntax error: {problem}", idx, end))
            # close what was open so the part before the error is kept
            while stack:
                root = self._close(stack, idx) or root
        except yaml.YAMLError as exc:  # reader errors: control characters and the like
            mark = getattr(exc, "position", None)
            idx = min(mark if isinstance(mark, int) else 0, len(self.text))
            self.diagnostics.append(_yaml_error(f"YAML error: {exc}", idx, min(idx + 1, len(self.text))))
            while stack:
                root = self._close(stack, idx) or root
        return root

    def _close(self, stack: list[list], end: int) -> Node | None:
        node, pending_key, size, anchor, merges = stack.pop()
        if anchor:
            self.heights[id(node)] = _height(node)
        node.end = max(node.end, end)
        if isinstance(node, Mapping):
            # a key still waiting for its value means a syntax error cut the value short:
            # the key is left out rather than given an invented null that would cascade
            for merge_key, source in merges:
                self._merge(node, source, merge_key)
        if anchor:
            self.sizes[id(node)] = size
        return self._attach(stack, node, size)

    def _check_tag(self, event) -> None:
        tag = getattr(event, "tag", None)
        if tag is None:
            return
        if isinstance(event, yaml.ScalarEvent) and event.implicit[0]:
            return
        start = event.start_mark.index
        self.diagnostics.append(_yaml_error(
            f"YAML tags such as '{tag}' are not allowed in a schema file", start, max(start + 1, event.end_mark.index)))

    def _remember_anchor(self, event, node: Node, size: int) -> None:
        if event.anchor:
            self.anchors[event.anchor] = node
            self.sizes[id(node)] = size

    def _alias(self, stack: list[list], event) -> Node | None:
        start, end = event.start_mark.index, event.end_mark.index
        self.alias_count += 1
        target = self.anchors.get(event.anchor)
        if self.alias_count > MAX_ALIASES:
            self.diagnostics.append(_yaml_error(f"more than {MAX_ALIASES} aliases", start, end))
            target = None
        elif target is None:
            self.diagnostics.append(_yaml_error(f"alias '*{event.anchor}' refers to no anchor defined before it",
                                                start, end))
        elif len(stack) + self.heights.get(id(target), 0) > MAX_DEPTH:
            self.diagnostics.append(_yaml_error(
                f"this alias would nest the document deeper than {MAX_DEPTH} levels; it is ignored", start, end))
            target = None
        if target is None:
            return self._attach(stack, Scalar("", start, end), 1)
        size = self.sizes.get(id(target), 1)
        if self.expanded + size > MAX_EXPANDED_NODES:
            self.diagnostics.append(_yaml_error(
                "this alias would expand the document past a safe size; it is ignored", start, end))
            return self._attach(stack, Scalar("", start, end), 1)
        self.expanded += size
        return self._attach(stack, target, size)

    def _attach(self, stack: list[list], node: Node, size: int) -> Node | None:
        """Adds a finished node to the open container; returns it when it is the root."""
        if not stack:
            return node
        frame = stack[-1]
        frame[2] += size
        parent = frame[0]
        if isinstance(parent, Sequence):
            parent.items.append(node)
        elif frame[1] is None:
            if not isinstance(node, Scalar):
                self.diagnostics.append(_yaml_error(
                    "only plain string keys are allowed here", node.start,
                    max(node.start + 1, min(node.end, node.start + 80))))
                node = Scalar("", node.start, node.start)
            frame[1] = node
        else:
            key: Scalar = frame[1]
            frame[1] = None
            if key.style is None and key.value == "<<":
                frame[4].append((key, node))  # applied when the mapping is complete
            else:
                parent.items.append((key, node))
        if isinstance(parent, (Mapping, Sequence)) and parent.end < node.end:
            parent.end = node.end
        return None

    def _merge(self, parent: Mapping, value: Node, key: Scalar) -> None:
        """YAML merge keys (`<<: *base`): copy the keys the mapping does not set itself."""
        sources = value.items if isinstance(value, Sequence) else [value]
        for source in sources:
            if not isinstance(source, Mapping):
                self.diagnostics.append(_yaml_error("a merge key needs a mapping or a list of mappings",
                                                    key.start, key.end))
                continue
            present = {k.value for k, _ in parent.items}
            for k, v in source.items:
                if k.value not in present:
                    parent.items.append((k, v))


def _height(node: Node) -> int:
    """Nesting height of a finished node (its anchored descendants are already measured)."""
    if isinstance(node, Scalar):
        return 0
    children = node.items if isinstance(node, Sequence) else [v for _, v in node.items]
    return 1 + max((_height(c) for c in children if not isinstance(c, Scalar)), default=0)


_SURROGATE = re.compile("[\ud800-\udfff]")


def parse_yaml(text: str) -> ParsedYaml:
    lone = _SURROGATE.search(text)
    bad_text: list[Diagnostic] = []
    if lone is not None:
        # libyaml cannot encode lone surrogates (they can arrive through JSON): report
        # them, and read the text with a same-length replacement so offsets hold
        bad_text.append(_yaml_error("invalid character (a lone UTF-16 surrogate)", lone.start(), lone.start() + 1))
        text = _SURROGATE.sub("\ufffd", text)
    builder = _Builder(text)
    root = builder.build()
    diagnostics = bad_text + builder.diagnostics
    if root is not None:
        _find_duplicate_keys(text, root, diagnostics, set())
    return ParsedYaml(root, diagnostics)


def duplicate_key(key: Scalar, earlier: Scalar, table: str | None = None) -> Diagnostic:
    # the line of the first one is added to the message once offsets are final (document._finalize)
    return Diagnostic("syntax/duplicate-key", Severity.ERROR,
                      f"duplicate key '{key.value}': YAML would silently keep only one of them",
                      key.start, key.end, table, related=((earlier.start, earlier.end, "first defined here"),))


def _find_duplicate_keys(text: str, node: Node, diagnostics: list[Diagnostic], seen: set[int]) -> None:
    # aliases make the tree a DAG: visit each shared node once
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, Mapping):
        first: dict[str, Scalar] = {}
        for key, value in node.items:
            earlier = first.get(key.value)
            if earlier is not None and key.start > earlier.start:
                diagnostics.append(duplicate_key(key, earlier))
            elif earlier is None:
                first[key.value] = key
            if not isinstance(value, Scalar):
                _find_duplicate_keys(text, value, diagnostics, seen)
    elif isinstance(node, Sequence):
        for item in node.items:
            if not isinstance(item, Scalar):
                _find_duplicate_keys(text, item, diagnostics, seen)


def walk(node: Node | None) -> Iterator[Node]:
    if node is None:
        return
    yield node
    if isinstance(node, Mapping):
        for k, v in node.items:
            yield k
            yield from walk(v)
    elif isinstance(node, Sequence):
        for item in node.items:
            yield from walk(item)

