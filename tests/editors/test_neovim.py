"""The language server in a real Neovim (Debian's `neovim`, 0.7.2), headless.

`neovim/check.lua` starts the server with `vim.lsp.start_client`, attaches it to the buffer of
`neovim/typo.schema.yaml` (two references to a misspelt table `usrs`), waits for the pushed
diagnostics, asks for completion right after `references `, fixes the typos with
`nvim_buf_set_lines` (Neovim sends didChange) and writes what it saw to a JSON file, which the
tests below check. Neovim runs once per module (about 2 s).

Without `nvim` the tests are skipped, except under CI (the `CI` environment variable set), where a
missing Neovim is a failure: `.ci/run` must install Debian's `neovim`.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

HERE = Path(__file__).parent / "neovim"
REPO = Path(__file__).resolve().parents[2]
FIXTURE = HERE / "typo.schema.yaml"
TIMEOUT_S = 60


def _columns(prefix: str, encoding: str) -> int:
    """The LSP `character` of the text after `prefix` in `encoding` (utf-8, utf-16, utf-32)."""
    if encoding == "utf-8":
        return len(prefix.encode("utf-8"))
    if encoding == "utf-32":
        return len(prefix)
    return len(prefix.encode("utf-16-le")) // 2


def _typo_lines() -> list[tuple[int, str]]:
    """(0-based line, text before `usrs`) for each fixture line with `references usrs` (or `references: usrs`)."""
    lines = FIXTURE.read_text(encoding="utf-8").splitlines()
    found = ((n, re.search(r"references:? (usrs)\b", line)) for n, line in enumerate(lines))
    return [(n, lines[n][: match.start(1)]) for n, match in found if match]


@pytest.fixture(scope="module")
def nvim_run(tmp_path_factory: pytest.TempPathFactory) -> dict:
    nvim = shutil.which("nvim")
    if nvim is None:
        if os.environ.get("CI"):
            pytest.fail("nvim is not installed: .ci/run must install Debian's neovim "
                        "(apt-get install -y --no-install-recommends neovim)")
        pytest.skip("nvim is not installed (apt-get install neovim)")
    work = tmp_path_factory.mktemp("neovim")
    schema = work / FIXTURE.name
    shutil.copyfile(FIXTURE, schema)
    result_path = work / "result.json"
    xdg = work / "xdg"  # Neovim's logs (lsp.log) and state stay in the temporary folder
    env = {
        **os.environ,
        "HOME": str(work),
        "XDG_CONFIG_HOME": str(xdg / "config"),
        "XDG_DATA_HOME": str(xdg / "data"),
        "XDG_STATE_HOME": str(xdg / "state"),
        "XDG_CACHE_HOME": str(xdg / "cache"),
        "SCHEMA_LANG_PYTHON": sys.executable,
        "SCHEMA_LANG_ROOT": str(REPO),
        "SCHEMA_LANG_RESULT": str(result_path),
        "SCHEMA_LANG_WAIT_MS": "15000",  # per step; check.lua's own hard timeout is 3x this + 10 s
    }
    command = [nvim, "--headless", "--clean", "-n", "-u", "NONE", "-i", "NONE",
               "-c", f"luafile {HERE / 'check.lua'}", schema.name]
    started = time.monotonic()
    try:
        done = subprocess.run(command, check=False, cwd=work, env=env, stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"nvim did not finish within {TIMEOUT_S} s\nstdout: {exc.stdout!r}\nstderr: {exc.stderr!r}")
    elapsed = time.monotonic() - started

    result = json.loads(result_path.read_text(encoding="utf-8")) if result_path.exists() else None
    if done.returncode != 0 or result is None or result.get("error"):
        log = xdg / "cache" / "nvim" / "lsp.log"
        log_tail = log.read_text(encoding="utf-8", errors="replace")[-3000:] if log.exists() else "(no lsp.log)"
        pytest.fail(f"nvim exited with {done.returncode} after {elapsed:.1f} s\n"
                    f"result: {json.dumps(result, indent=1, ensure_ascii=False)}\n"
                    f"stdout: {done.stdout}\nstderr: {done.stderr}\nlsp.log: {log_tail}")
    return result


def test_neovim_07_client_gets_pushed_diagnostics_in_utf16(nvim_run: dict) -> None:
    major, minor, _ = (int(part) for part in nvim_run["nvim_version"].split("."))
    assert (major, minor) >= (0, 7)
    # Neovim 0.7 has no pull diagnostics: the server must decide to push for it (it advertises
    # pull too, for clients that take it), and it did, for the opened version
    assert nvim_run["client_offers_pull"] is False, (
        f"Neovim {nvim_run['nvim_version']} offers pull diagnostics: check.lua waits for pushed ones")
    assert nvim_run["publications"], "no textDocument/publishDiagnostics for the buffer"
    assert nvim_run["open"]["version"] == nvim_run["open"]["buffer_version"]
    # Neovim 0.7 offers no position encodings: LSP's default, UTF-16, on both sides
    assert nvim_run.get("client_position_encodings") is None  # (nil: absent from the JSON)
    assert nvim_run["offset_encoding"] == "utf-16"
    assert nvim_run.get("server_position_encoding") in (None, "utf-16")
    assert nvim_run["server_exit"] == {"code": 0, "signal": 0}, "the server did not exit cleanly on shutdown"
    assert nvim_run["steps"][-1] == "done"


def test_open_file_shows_unknown_table_with_exact_ranges(nvim_run: dict) -> None:
    encoding = nvim_run["offset_encoding"]
    typos = _typo_lines()
    assert len(typos) == 2
    # the second line has non-ASCII text before `usrs`: bytes, UTF-16 units and code points differ
    prefix = typos[1][1]
    assert len({_columns(prefix, e) for e in ("utf-8", "utf-16", "utf-32")}) == 3

    lsp = nvim_run["open"]["lsp"]
    assert [d["code"] for d in lsp] == ["reference/unknown-table"] * 2, lsp
    for d, (line, prefix) in zip(lsp, typos, strict=False):
        start = _columns(prefix, encoding)
        assert d["range"] == {"start": {"line": line, "character": start},
                              "end": {"line": line, "character": start + len("usrs")}}, d
        assert d["severity"] == 1
        assert d["message"] == "references table 'usrs', which is not declared; did you mean 'users'?"

    # what Neovim made of them (vim.diagnostic.get: 0-based byte columns)
    shown = nvim_run["open"]["vim"]
    assert [(d["code"], d["lnum"], d["col"], d["end_lnum"], d["end_col"]) for d in shown] == [
        ("reference/unknown-table", line, _columns(prefix, "utf-8"), line, _columns(prefix, "utf-8") + 4)
        for line, prefix in typos
    ], shown


def test_completion_after_references_lists_the_tables(nvim_run: dict) -> None:
    encoding = nvim_run["offset_encoding"]
    completions = nvim_run["completions"]
    assert [c["line"] for c in completions] == [line for line, _ in _typo_lines()]
    for completion, (line, prefix) in zip(completions, _typo_lines(), strict=False):
        # the cursor sat right after `references `; Neovim sent the position in its encoding
        assert prefix.rstrip().endswith(("references", "references:"))
        assert completion["byte_col"] == _columns(prefix, "utf-8")
        assert completion["position"] == {"line": line, "character": _columns(prefix, encoding)}
        assert {"users", "orders"} <= set(completion["labels"]), completion


def test_did_change_clears_the_fixed_diagnostics(nvim_run: dict) -> None:
    (_, _), (second_line, second_prefix) = _typo_lines()
    first = nvim_run["after_first_fix"]
    assert first["version"] == first["buffer_version"] > nvim_run["open"]["version"]
    start = _columns(second_prefix, nvim_run["offset_encoding"])
    assert [(d["code"], d["range"]) for d in first["lsp"]] == [
        ("reference/unknown-table", {"start": {"line": second_line, "character": start},
                                     "end": {"line": second_line, "character": start + 4}})]
    assert [(d["lnum"], d["col"]) for d in first["vim"]] == [(second_line, _columns(second_prefix, "utf-8"))]

    second = nvim_run["after_second_fix"]
    assert second["version"] == second["buffer_version"] > first["version"]
    assert second["lsp"] == [] and second["vim"] == [], second
