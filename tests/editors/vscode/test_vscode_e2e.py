"""The VS Code end-to-end test (run_e2e.sh) as a pytest test, for running it from pytest:

    SCHEMA_LANG_E2E=1 python -m pytest tests/editors/vscode -s

Skipped otherwise: the test installs real VS Code (cached under .cache/editors/, ~3 min the first
time) and builds the .vsix, so the normal test run stays fast; CI runs run_e2e.sh directly.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).with_name("run_e2e.sh")

pytestmark = pytest.mark.skipif(os.environ.get("SCHEMA_LANG_E2E") != "1",
                                reason="the VS Code end-to-end test runs with SCHEMA_LANG_E2E=1")


def test_extension_in_real_vscode():
    env = {**os.environ, "SCHEMA_LANG_PYTHON": os.environ.get("SCHEMA_LANG_PYTHON", sys.executable)}
    result = subprocess.run(["bash", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=1800)
    sys.stdout.write(result.stdout)
    sys.stderr.write(result.stderr[-20000:])
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
