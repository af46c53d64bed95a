"""The shape of the code (docs/architecture.md): which layer may import which, no import cycles,
no imports hidden inside functions, the rule catalogue complete without importing anything else,
and the language server importable under its own name."""
from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from schema_lang.rules import RULES

ROOT = Path(__file__).resolve().parents[2]

# layer -> the layers it may import (besides itself).  "cli" and "server" sit on top of everything.
# sql.identifiers is the foundation every layer names things with: it imports nothing of the project.
ALLOWED: dict[str, set[str]] = {
    "names": set(),
    "rules": set(),
    "dialects": {"names"},
    "core": {"names", "rules", "dialects"},
    "sql": {"names", "rules", "dialects", "core"},
    "analysis": {"names", "rules", "dialects", "core", "sql"},
    "importers": {"names", "rules", "dialects", "core", "sql"},
    "generate": {"names", "rules", "dialects", "core", "sql", "analysis"},
    "ide": {"names", "rules", "dialects", "core", "sql", "analysis", "generate"},
    "cli": {"names", "rules", "dialects", "core", "sql", "analysis", "importers", "generate", "ide", "server", "root"},
    "server": {"names", "rules", "dialects", "core", "sql", "analysis", "importers", "generate", "ide", "root"},
    "root": set(),  # schema_lang/__init__.py: the version
}
# Imports a function may make: optional extras (a clear message when they are missing), and the
# CLI's commands, which load the engine only when they run so that `--help` answers at once.
LATE_IMPORTS_ALLOWED = {"psycopg", "pgserver"}
LATE_IMPORT_MODULES = {"schema_lang.cli"}
# The one import against the layers: design/duplicate-name checks the names the DDL writer gives
# (index, constraint and partition names), which only the writer can say; the writer imports
# nothing of the analyses.
EXCEPTIONS = {("schema_lang.analysis.design", "schema_lang.generate.ddl")}


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted((ROOT / "schema_lang").rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    for path in sorted((ROOT / "server").glob("*.py")):
        name = "schema_lang_server" if path.stem == "__init__" else f"schema_lang_server.{path.stem}"
        found[name] = path
    return found


MODULES = _modules()


def _layer(module: str) -> str:
    if module.startswith("schema_lang_server"):
        return "server"
    if module == "schema_lang.sql.identifiers":
        return "names"
    parts = module.split(".")
    if len(parts) == 1:
        return "root"
    if parts[1] == "__main__":  # `python -m schema_lang`
        return "cli"
    return parts[1] if parts[1] in ALLOWED else "root"


def _is_package(module: str) -> bool:
    return MODULES[module].name == "__init__.py"


def _resolve(module: str, node: ast.ImportFrom | ast.Import) -> list[str]:
    """The project's modules an import statement names."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name.split(".")[0] in ("schema_lang", "schema_lang_server")]
    if node.level:
        package = module.split(".") if _is_package(module) else module.split(".")[:-1]
        base = package[:len(package) - (node.level - 1)]
        target = ".".join(base + ([node.module] if node.module else []))
    else:
        target = node.module or ""
    if target.split(".")[0] not in ("schema_lang", "schema_lang_server"):
        return []
    named = [f"{target}.{a.name}" for a in node.names if f"{target}.{a.name}" in MODULES]
    return named or [target]


def _imports(module: str) -> list[tuple[ast.ImportFrom | ast.Import, bool, bool]]:
    """(statement, inside a function, inside `if TYPE_CHECKING:`) for each import of a module."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    found = []

    def visit(node: ast.AST, in_function: bool, type_checking: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                found.append((child, in_function, type_checking))
            elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                visit(child, True, type_checking)
            elif isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                visit(child, in_function, True)
            else:
                visit(child, in_function, type_checking)

    visit(tree, False, False)
    return found


def test_the_layout_has_its_packages():
    for package in ("core", "sql", "analysis", "rules", "dialects", "generate", "importers", "ide"):
        assert f"schema_lang.{package}" in MODULES, package
    assert "schema_lang_server.__main__" in MODULES
    # the root holds only the entry points
    root_modules = {m for m in MODULES if m.startswith("schema_lang.") and m.count(".") == 1
                    and not _is_package(m)}
    assert root_modules == {"schema_lang.cli", "schema_lang.__main__"}


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_point_down_the_layers(module):
    layer = _layer(module)
    for statement, _, type_checking in _imports(module):
        if type_checking:  # annotations only: nothing is imported when the program runs
            continue
        for target in _resolve(module, statement):
            target_layer = _layer(target)
            if (module, target) in EXCEPTIONS:
                continue
            assert target_layer == layer or target_layer in ALLOWED[layer], (
                f"{module} ({layer}) imports {target} ({target_layer}), line {statement.lineno}")


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_imports_inside_functions(module):
    if module in LATE_IMPORT_MODULES:
        return
    for statement, in_function, _ in _imports(module):
        if not in_function:
            continue
        names = [a.name for a in statement.names] if isinstance(statement, ast.Import) else [statement.module or ""]
        assert all(name.split(".")[0] in LATE_IMPORTS_ALLOWED for name in names), (
            f"{module}: import inside a function, line {statement.lineno}")


def test_no_import_cycles():
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    for module in MODULES:
        for statement, _, type_checking in _imports(module):
            if type_checking:
                continue
            for target in _resolve(module, statement):
                if target in MODULES and target != module:
                    graph[module].add(target)
    # a package's __init__ importing its own submodules is how Python packages work; a cycle is
    # any other path back to where it started
    cycles = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if _is_package(nxt) and node.startswith(nxt + "."):
                continue
            if state.get(nxt) == 1:
                cycles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module)
    assert cycles == []


def _rule_count(imports: str) -> int:
    code = f"{imports}\nimport schema_lang.rules as r\nprint(len(r.RULES))"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    return int(run.stdout.strip())


def test_the_rule_catalogue_does_not_depend_on_what_else_was_imported():
    alone = _rule_count("")
    everything = _rule_count("import schema_lang.analysis, schema_lang.generate.migrate, schema_lang.ide.hover, "
                             "schema_lang.cli, schema_lang_server.__main__")
    assert alone == everything
    assert alone > 40


def test_every_reported_rule_is_in_the_catalogue():
    reported = set()
    for path in MODULES.values():
        reported.update(re.findall(r"""["']((?:syntax|schema|reference|design|dialect|normalization|index|query|"""
                                   r"""migration|internal)/[a-z][a-z0-9-]+)["']""", path.read_text(encoding="utf-8")))
    assert reported, "the scan found no rule ids"
    assert reported - set(RULES) == set()


def test_the_server_imports_under_its_own_name_from_anywhere(tmp_path):
    # a folder with its own `server` package first on sys.path must not shadow the language server
    (tmp_path / "server").mkdir()
    (tmp_path / "server" / "__init__.py").write_text("raise ImportError('not the language server')\n")
    code = "import schema_lang_server.__main__ as m; m.build_server(); print(m.__name__)"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path,
                         env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(tmp_path)})
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "schema_lang_server.__main__"
