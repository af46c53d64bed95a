"""The `schema-lang` command: output formats, exit codes, bad input."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from schema_lang.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "shop.schema.yaml"

BROKEN = """schema: s
tables:
  users:
    columns:
      id: bigint pk
      name: varchr(10)
  café:
    columns:
      id: bigint pk
      user_id: bigint references usrs
"""


def run(capsys, *args) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def run_process(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "schema_lang", *args], capture_output=True, text=True, cwd=ROOT)


def test_example_is_clean(capsys):
    code, out, err = run(capsys, "check", str(EXAMPLE))
    assert code == 0 and out == ""
    assert "no problems" in err


def test_text_output_is_compiler_style(tmp_path, capsys):
    path = tmp_path / "b.schema.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    code, out, _ = run(capsys, "check", str(path))
    assert code == 1
    lines = out.splitlines()
    assert f"{path}:6:13: error schema/unknown-type unknown type 'varchr'; did you mean 'varchar'?" in lines
    assert any(line.startswith(f"{path}:10:34: error reference/unknown-table ") for line in lines)


def test_json_output_shape(tmp_path, capsys):
    path = tmp_path / "b.schema.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    code, out, _ = run(capsys, "check", "--format", "json", str(path))
    assert code == 1
    items = json.loads(out)
    assert isinstance(items, list) and len(items) == 2
    for item in items:
        assert set(item) == {"file", "rule", "severity", "message", "range", "table", "column"}
        assert item["severity"] in ("error", "warning", "info", "hint")
    unknown = next(i for i in items if i["rule"] == "reference/unknown-table")
    # 0-based, in code points: 'usrs' on line 9 (0-based), after 'user_id: bigint references '
    assert unknown["range"] == {"start": {"line": 9, "character": 33}, "end": {"line": 9, "character": 37}}
    assert unknown["table"] == "café" and unknown["column"] == "user_id"
    assert unknown["file"] == str(path)


def test_json_table_and_column_null_when_not_applicable(tmp_path, capsys):
    path = tmp_path / "c.schema.yaml"
    path.write_text("tables: {}\n", encoding="utf-8")
    code, out, _ = run(capsys, "check", "--format", "json", str(path))
    items = json.loads(out)
    assert code == 1
    assert [(i["rule"], i["table"], i["column"]) for i in items] == [("schema/missing-key", None, None)]


def test_sarif_is_structurally_valid(tmp_path, capsys):
    path = tmp_path / "b.schema.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    code, out, _ = run(capsys, "check", "--format", "sarif", str(path))
    assert code == 1
    sarif = json.loads(out)
    assert sarif["version"] == "2.1.0" and "$schema" in sarif
    (run_,) = sarif["runs"]
    driver = run_["tool"]["driver"]
    assert driver["name"] == "schema-lang"
    rule_ids = [r["id"] for r in driver["rules"]]
    assert sorted(rule_ids) == ["reference/unknown-table", "schema/unknown-type"]
    for rule in driver["rules"]:
        assert rule["shortDescription"]["text"] and rule["help"]["markdown"].startswith("# " + rule["id"])
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note", "none")
    assert len(run_["results"]) == 2
    for result in run_["results"]:
        assert rule_ids[result["ruleIndex"]] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note", "none")
        assert result["message"]["text"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"].endswith("b.schema.yaml")
        region = location["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
        assert (region["endLine"], region["endColumn"]) >= (region["startLine"], region["startColumn"])
    unknown = next(r for r in run_["results"] if r["ruleId"] == "reference/unknown-table")
    assert unknown["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 10, "startColumn": 34, "endLine": 10, "endColumn": 38}


def test_dialect_flag_changes_the_findings(tmp_path, capsys):
    path = tmp_path / "d.schema.yaml"
    path.write_text("schema: s\ntables:\n  t:\n    columns:\n      id: bigint pk\n      at: timestamptz\n")
    assert run(capsys, "check", str(path))[0] == 0
    code, out, _ = run(capsys, "check", "--dialect", "mysql", "--format", "json", str(path))
    assert code == 0  # a warning is not an error
    assert [i["rule"] for i in json.loads(out)] == ["dialect/type-mapped"]


def test_folder_is_searched_for_schema_files(tmp_path, capsys):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.schema.yml").write_text(BROKEN)
    (tmp_path / "notes.yaml").write_text("not: a schema\n")
    code, out, _ = run(capsys, "check", "--format", "json", str(tmp_path))
    assert code == 1
    assert {Path(i["file"]).name for i in json.loads(out)} == {"a.schema.yml"}


@pytest.mark.parametrize("args, message", [
    (["check", "/nonexistent/x.schema.yaml"], "no such file or folder"),
    (["check", "--format", "xml", "x"], "invalid choice"),
    (["check"], "the following arguments are required"),
])
def test_usage_errors_exit_2(args, message):
    result = run_process(*args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_unreadable_input_exits_2_without_traceback(tmp_path):
    path = tmp_path / "latin1.schema.yaml"
    path.write_bytes("schema: caf\xe9\n".encode("latin-1"))
    result = run_process("check", str(path))
    assert result.returncode == 2
    assert "not UTF-8" in result.stderr and "Traceback" not in result.stderr


def test_rules_command_shows_docs(capsys):
    code, out, _ = run(capsys, "rules", "design/reserved-word")
    assert code == 0 and out.startswith("# design/reserved-word")
    assert "## How to suppress" in out
    code, out, _ = run(capsys, "rules")
    assert "reference/unknown-table" in out


def test_installed_entry_points_exist():
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["scripts"]["schema-lang"] == "schema_lang.cli:main"
    assert project["scripts"]["schema-lang-server"] == "schema_lang_server.__main__:main"


def _quick_start_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## Quick start"):]
    section = section[:section.index("\n## ", 1)]
    return re.findall(r"```sh\n(.*?)\n```", section, re.S)


def test_ci_runs_the_readme_test_command():
    main_job, tests = _quick_start_commands()
    assert "examples/shop.schema.yaml" in main_job
    assert tests.endswith("python -m pytest")
    # both make their own virtual environment and take the pinned versions CI takes
    for command in (main_job, tests):
        assert command.startswith("python3 -m venv .venv && . .venv/bin/activate && ")
        assert "-c .ci/constraints.txt" in command
    ci_lines = (ROOT / ".ci" / "run").read_text().splitlines()
    assert tests in ci_lines


def test_every_rule_has_a_page_and_docs_index_is_current():
    from schema_lang.rules import RULES, index_markdown

    for rule in RULES.values():
        doc = rule.doc_path.read_text()
        assert doc.startswith(f"# {rule.id}\n"), rule.id
        for heading in ("## Why it matters", "## How to fix", "## How to suppress"):
            assert heading in doc, (rule.id, heading)
    # regenerate with: schema-lang rules --markdown > docs/rules.md
    assert (ROOT / "docs" / "rules.md").read_text() == index_markdown()
