#!/usr/bin/env bash
# Fills bundled/libs with the schema-lang package (schema_lang + schema_lang_server) and its dependencies:
#   pip install -t bundled/libs <repository root>
# The extension runs it as `<python3 on PATH> -m schema_lang_server` with PYTHONPATH=<extension>/bundled/libs.
#
# Compiled modules (pydantic-core) are specific to a CPython version and a platform: the install is
# repeated for each version in BUNDLE_EXTRA_PYTHONS and merged, so the result serves CPython
# 3.10-3.13 on the platform that ran this script (a .vsix built on linux-x64 is for linux-x64).
#   PYTHON=python3.12 npm run bundle-python        # the Python that runs pip (default: python3)
#   BUNDLE_EXTRA_PYTHONS="" npm run bundle-python  # only the version of $PYTHON
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
root="$(cd "$here/.." && pwd)"
python="${PYTHON:-python3}"
libs="$here/bundled/libs"
extra="${BUNDLE_EXTRA_PYTHONS-3.10 3.11 3.12 3.13}"

"$python" -c 'import sys; assert sys.version_info >= (3, 10), sys.version' \
  || { echo "bundle-python: $python is older than 3.10" >&2; exit 2; }

rm -rf "$here/bundled"
mkdir -p "$libs"
# a copy of the sources, so pip's build leaves no build/ or *.egg-info in the repository
src="$(mktemp -d)"
trap 'rm -rf "$src"' EXIT
mkdir -p "$src/pkg"
tar -C "$root" --exclude=./vscode-client --exclude=./.git --exclude=./.venv --exclude='*.egg-info' \
  --exclude=./build --exclude=./tests --exclude=./bench --exclude=./docs --exclude=./examples \
  --exclude='__pycache__' -cf - . | tar -C "$src/pkg" -xf -

pip=("$python" -m pip --disable-pip-version-check --no-input --quiet)
"${pip[@]}" wheel --no-deps -w "$src/wheel" "$src/pkg"
wheel="$(ls "$src"/wheel/schema_lang-*.whl)"
"${pip[@]}" install --no-compile --root-user-action=ignore --target "$libs" "$wheel"

# The other CPython versions: the same install resolved for each (binary wheels only, this platform),
# merged in without replacing anything: what differs is compiled modules, whose file names carry the
# version (pydantic_core/_pydantic_core.cpython-312-*.so), and backports only older versions need
# (exceptiongroup for 3.10).
native="$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
for version in $extra; do
  [ "$version" = "$native" ] && continue
  other="$src/py$version"
  if "${pip[@]}" install --no-compile --root-user-action=ignore --only-binary=:all: --implementation cp \
       --python-version "$version" --target "$other" "$wheel" 2>"$src/pip-$version.log"; then
    # pip evaluates environment markers with the running Python, not --python-version: add the
    # requirements whose markers hold only for this version (exceptiongroup; python_version < '3.11')
    mapfile -t backports < <("$python" - "$other" "$version" <<'PY'
import sys, pathlib
from pip._vendor.packaging.requirements import Requirement
other, version = pathlib.Path(sys.argv[1]), sys.argv[2]
target = {"python_version": version, "python_full_version": version + ".0", "extra": ""}
for metadata in other.glob("*.dist-info/METADATA"):
    for line in metadata.read_text(encoding="utf-8").splitlines():
        if not line.startswith("Requires-Dist:"):
            continue
        req = Requirement(line.split(":", 1)[1].strip())
        if req.marker and req.marker.evaluate(target) and not req.marker.evaluate({"extra": ""}):
            req.marker = None
            print(req)
PY
    )
    if [ "${#backports[@]}" -gt 0 ]; then
      "${pip[@]}" install --no-compile --root-user-action=ignore --only-binary=:all: --implementation cp \
        --python-version "$version" --target "$other" "${backports[@]}" 2>>"$src/pip-$version.log"
    fi
    "$python" - "$other" "$libs" <<'PY'
import shutil, sys, pathlib
other, libs = map(pathlib.Path, sys.argv[1:])
for entry in other.iterdir():
    if entry.name == "bin":
        continue
    if not (libs / entry.name).exists():  # a package only this version needs
        (shutil.copytree if entry.is_dir() else shutil.copy2)(entry, libs / entry.name)
for compiled in list(other.rglob("*.so")) + list(other.rglob("*.pyd")):  # version-tagged binaries
    target = libs / compiled.relative_to(other)
    if target.parent.is_dir() and not target.exists():
        shutil.copy2(compiled, target)
PY
  else
    echo "bundle-python: no binary install for CPython $version on this platform; skipped:" >&2
    tail -3 "$src/pip-$version.log" >&2
  fi
done

# console scripts point at the building interpreter: the extension does not use them
rm -rf "$libs/bin"
find "$libs" -name '__pycache__' -type d -prune -exec rm -rf {} +

# the bundled copy must import (with the interpreter that built it)
PYTHONPATH="$libs" PYTHONNOUSERSITE=1 "$python" -c 'import schema_lang_server.__main__, schema_lang, pygls, pydantic' 
echo "bundle-python: $(du -sh "$libs" | cut -f1) in bundled/libs; compiled pydantic-core for:"
ls "$libs/pydantic_core/" | grep '^_pydantic_core\.' | sed 's/^/  /'
