"""A file's last committed version, read from git.

Nothing here raises: when git is missing, the folder is not in a repository, the file was
never committed or anything else goes wrong, the answer is None.
"""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

# Variables that make git use another repository than the one around the working directory
# (set, for example, while a git hook runs): the file's own folder must decide.
_REPOSITORY_ENV = (
    "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_COMMON_DIR", "GIT_DIR", "GIT_GRAFT_FILE", "GIT_IMPLICIT_WORK_TREE",
    "GIT_INDEX_FILE", "GIT_NO_REPLACE_OBJECTS", "GIT_OBJECT_DIRECTORY", "GIT_PREFIX", "GIT_REPLACE_REF_BASE",
    "GIT_SHALLOW_FILE", "GIT_WORK_TREE",
)


def git_environment() -> dict[str, str]:
    """The process environment without the variables that point git at a particular repository."""
    return {k: v for k, v in os.environ.items() if k not in _REPOSITORY_ENV}


def committed_text(path: Path, timeout: float = 5.0) -> str | None:
    """The content of `path` at git HEAD (UTF-8, undecodable bytes replaced), or None."""
    try:
        path = Path(path).absolute()
        folder = path.parent
        if not folder.is_dir():
            return None
        result = subprocess.run(
            ["git", "show", f"HEAD:./{path.name}"], cwd=folder, env=git_environment(),
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=timeout,
            check=False)
    except (OSError, ValueError, subprocess.SubprocessError):
        return None
    if result.returncode != 0:
        return None
    return result.stdout.decode("utf-8", errors="replace")
