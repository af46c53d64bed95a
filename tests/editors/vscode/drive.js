// Drives real VS Code for the end-to-end test: installs the .vsix into a fresh extensions
// folder with the VS Code server (the one inside the code-server npm package), starts that
// server with the smoke-test driver, opens the workbench in headless Chromium (playwright-core)
// with vscode-client/test/e2e as extensionDevelopmentPath and its suite.js as
// extensionTestsPath, takes the screenshots the suite asks for, and exits with the suite's
// result (window.codeAutomationExit). Started by run_e2e.sh, which sets everything up.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const net = require('net');
const http = require('http');
const { spawn, spawnSync } = require('child_process');
const { chromium } = require('playwright-core');

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i += 2) out[argv[i].replace(/^--/, '')] = argv[i + 1];
  return out;
}
const args = parseArgs(process.argv.slice(2));
for (const k of ['root', 'vsix', 'python', 'chromium', 'vscode-server', 'screenshots']) {
  if (!args[k]) throw new Error(`--${k} is required`);
}
const ROOT = path.resolve(args.root);
const SUITE_DIR = path.join(ROOT, 'vscode-client', 'test', 'e2e');
const SHOTS = path.resolve(args.screenshots);
const IMAGES = process.env.SCHEMA_LANG_E2E_IMAGES ? path.resolve(ROOT, process.env.SCHEMA_LANG_E2E_IMAGES) : '';
const KEEP = process.env.SCHEMA_LANG_E2E_KEEP === '1';
const SESSION_TIMEOUT_MS = Number(process.env.SCHEMA_LANG_E2E_TIMEOUT_MS || 300000);
const README_SHOTS = ['diagnostics', 'completion', 'hover', 'quick-fix', 'ddl', 'erd'];

const t0 = Date.now();
const log = (...parts) => console.error(`[drive +${((Date.now() - t0) / 1000).toFixed(1)}s] ${parts.join(' ')}`);

const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'schema-lang-e2e-'));
const HOME = path.join(TMP, 'home');
const EXTENSIONS = path.join(TMP, 'extensions');
fs.mkdirSync(HOME, { recursive: true });
// nothing of VS Code's lands in the real $HOME
const baseEnv = {
  ...process.env,
  HOME,
  XDG_CONFIG_HOME: path.join(HOME, '.config'),
  XDG_DATA_HOME: path.join(HOME, '.local', 'share'),
  XDG_CACHE_HOME: path.join(HOME, '.cache'),
  VSCODE_CLI_DISABLE_KEYCHAIN_ENCRYPT: '1',
};
delete baseEnv.NODE_PATH;
delete baseEnv.ELECTRON_RUN_AS_NODE;

function vscodeServer(extra, env) {
  return [process.execPath, [args['vscode-server'], '--accept-server-license-terms', '--disable-telemetry',
    '--extensions-dir', EXTENSIONS, ...extra], env];
}

function installExtension() {
  const [cmd, argv] = vscodeServer(['--server-data-dir', path.join(TMP, 'install-data'),
    '--install-extension', path.resolve(args.vsix), '--force']);
  const r = spawnSync(cmd, argv, { env: baseEnv, encoding: 'utf8', timeout: 120000 });
  log('install:', (r.stdout + r.stderr).trim().split('\n').join(' | '));
  if (r.status !== 0) throw new Error(`installing ${args.vsix} failed (exit ${r.status})`);
  const installed = fs.readdirSync(EXTENSIONS).filter((d) => !d.startsWith('.') && fs.statSync(path.join(EXTENSIONS, d)).isDirectory());
  if (installed.length !== 1) throw new Error(`expected one installed extension, found ${installed.join(', ')}`);
  return path.join(EXTENSIONS, installed[0]);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => { const { port } = srv.address(); srv.close(() => resolve(port)); });
    srv.on('error', reject);
  });
}

function httpOk(url) {
  return new Promise((resolve) => {
    const req = http.get(url, (res) => { res.resume(); resolve(res.statusCode === 200); });
    req.on('error', () => resolve(false));
    req.setTimeout(2000, () => { req.destroy(); resolve(false); });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The schema with one error put in: `references usrs` in table addresses (the first `references users`).
function makeWorkspace(dir, settings) {
  fs.mkdirSync(path.join(dir, '.vscode'), { recursive: true });
  const text = fs.readFileSync(path.join(ROOT, 'examples', 'shop.schema.yaml'), 'utf8');
  const broken = text.replace('user_id: bigint not null references users on delete cascade',
    'user_id: bigint not null references usrs on delete cascade');
  if (broken === text) throw new Error('examples/shop.schema.yaml changed: the line to break is gone');
  fs.writeFileSync(path.join(dir, 'shop.schema.yaml'), broken);
  fs.writeFileSync(path.join(dir, '.vscode', 'settings.json'), JSON.stringify(settings, null, 2));
}

async function session(name, { interpreter, screenshotPrefix, mode, pathEnv }) {
  const dir = path.join(TMP, name);
  const ws = path.join(dir, 'workspace');
  const out = path.join(dir, 'out');
  const serverData = path.join(dir, 'server-data');
  fs.mkdirSync(out, { recursive: true });
  const settings = {
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'git.enabled': false,
    'security.workspace.trust.enabled': false,
    'editor.minimap.enabled': false,
    'window.commandCenter': false,
    'chat.commandCenter.enabled': false,
    'chat.disableAIFeatures': true,
    'files.exclude': { '**/.vscode': true },
  };
  if (interpreter) settings['schemaLang.interpreter'] = interpreter;
  makeWorkspace(ws, settings);
  // machine settings of the server (the web workbench keeps user settings in the browser)
  fs.mkdirSync(path.join(serverData, 'data', 'Machine'), { recursive: true });
  fs.writeFileSync(path.join(serverData, 'data', 'Machine', 'settings.json'), JSON.stringify(settings, null, 2));

  const port = await freePort();
  const env = { ...baseEnv, SCHEMA_LANG_E2E_OUT: out, SCHEMA_LANG_E2E_MODE: mode };
  if (pathEnv) env.PATH = pathEnv;
  const [cmd, argv] = vscodeServer(['--server-data-dir', serverData, '--host', '127.0.0.1', '--port', String(port),
    '--without-connection-token', '--enable-smoke-test-driver', '--disable-workspace-trust',
    // VS Code gives the extension host a login shell's environment, whose PATH would bring
    // /usr/bin (and its python3) back into the no-python session
    ...(mode === 'no-python' ? ['--force-disable-user-env'] : []),
    '--log', 'info'], env);
  const serverLog = fs.openSync(path.join(dir, 'vscode-server.log'), 'w');
  const server = spawn(cmd, argv, { env, cwd: dir, stdio: ['ignore', serverLog, serverLog], detached: true });
  let browser;
  const stop = async () => {
    if (browser) await browser.close().catch(() => {});
    try { process.kill(-server.pid, 'SIGTERM'); } catch { /* gone */ }
  };
  try {
    const base = `http://127.0.0.1:${port}`;
    const until = Date.now() + 60000;
    while (!(await httpOk(`${base}/version`)) && !(await httpOk(base))) {
      if (server.exitCode !== null) throw new Error(`the VS Code server exited (${server.exitCode}); see ${dir}/vscode-server.log`);
      if (Date.now() > until) throw new Error('the VS Code server did not answer in 60 s');
      await sleep(250);
    }
    log(`${name}: VS Code server on ${base}`);

    browser = await chromium.launch({
      executablePath: args.chromium,
      args: ['--no-sandbox', '--headless', '--disable-gpu', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    });
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const consoleLines = [];
    page.on('console', (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => consoleLines.push(`pageerror: ${e.message}`));
    let exitCode;
    const exited = new Promise((resolve) => {
      page.exposeFunction('codeAutomationExit', (code) => { exitCode = code; resolve(code); });
    });
    const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
    const payload = JSON.stringify([
      ['extensionDevelopmentPath', remote(SUITE_DIR)],
      ['extensionTestsPath', remote(path.join(SUITE_DIR, 'suite.js'))],
    ]);
    const url = `${base}/?folder=${encodeURIComponent(ws)}&payload=${encodeURIComponent(payload)}`;
    await page.goto(url);
    log(`${name}: workbench opened`);

    // screenshot requests from the suite: out/shot-N.request -> screenshot -> out/shot-N.done
    const taken = [];
    let next = 1;
    const deadline = Date.now() + SESSION_TIMEOUT_MS;
    while (exitCode === undefined && Date.now() < deadline) {
      const request = path.join(out, `shot-${next}.request`);
      if (fs.existsSync(request)) {
        const { name: shot, keysAfter, waitForFrameSelector } = JSON.parse(fs.readFileSync(request, 'utf8'));
        const file = path.join(SHOTS, `${screenshotPrefix}${shot}.png`);
        const answer = {};
        try {
          if (waitForFrameSelector) answer.frameSelector = await inAnyFrame(page, waitForFrameSelector, 20000);
          fs.mkdirSync(SHOTS, { recursive: true });
          await page.screenshot({ path: file, clip: await belowTitleBar(page) });
          taken.push(file);
          answer.saved = path.relative(ROOT, file);
          if (IMAGES && !screenshotPrefix && README_SHOTS.includes(shot)) {
            fs.mkdirSync(IMAGES, { recursive: true });
            fs.copyFileSync(file, path.join(IMAGES, `${shot}.png`));
          }
        } catch (err) {
          answer.failed = err.message;
        }
        for (const key of keysAfter || []) await page.keyboard.press(key).catch(() => {});
        fs.writeFileSync(path.join(out, `shot-${next}.done`), JSON.stringify(answer));
        next += 1;
      } else {
        await Promise.race([exited, sleep(100)]);
      }
    }
    if (exitCode === undefined) {
      await page.screenshot({ path: path.join(SHOTS, `${screenshotPrefix}timeout.png`) }).catch(() => {});
    }
    const suiteLog = fs.existsSync(path.join(out, 'suite.log')) ? fs.readFileSync(path.join(out, 'suite.log'), 'utf8') : '';
    process.stderr.write(suiteLog);
    const results = fs.existsSync(path.join(out, 'results.json')) ? JSON.parse(fs.readFileSync(path.join(out, 'results.json'), 'utf8')) : null;
    const ok = exitCode === 0 && results && results.length > 0;
    if (!ok) {
      log(`${name}: browser console (last 40 lines):\n  ${consoleLines.slice(-40).join('\n  ')}`);
      const srv = fs.readFileSync(path.join(dir, 'vscode-server.log'), 'utf8').split('\n').slice(-40).join('\n  ');
      log(`${name}: VS Code server log (last 40 lines):\n  ${srv}`);
      dumpLogs(serverData);
    }
    log(`${name}: ${exitCode === undefined ? `no result in ${SESSION_TIMEOUT_MS / 1000} s` : `suite exit code ${exitCode}`}`);
    return { name, ok, exitCode, results, screenshots: taken };
  } finally {
    await stop();
  }
}

// 'found' once `selector` matches in some frame (webviews are nested iframes), else 'not found'.
async function inAnyFrame(page, selector, timeoutMs) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    for (const frame of page.frames()) {
      if (await frame.$(selector).catch(() => null)) return 'found';
    }
    await sleep(250);
  }
  return 'not found';
}

// The page without the window title bar ("[Extension Development Host] ..."), for the README.
async function belowTitleBar(page) {
  const { width, height } = page.viewportSize();
  const bar = await page.$('.part.titlebar').then((el) => el && el.boundingBox()).catch(() => null);
  const top = bar && bar.y === 0 && bar.height < 80 ? Math.round(bar.height) : 0;
  return { x: 0, y: top, width, height: height - top };
}

// The extension's output channel and the extension host log, when a session failed.
function dumpLogs(serverData) {
  const found = [];
  const walk = (d) => {
    if (!fs.existsSync(d)) return;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/schema|exthost|remoteexthost/i.test(e.name) && e.name.endsWith('.log')) found.push(p);
    }
  };
  walk(path.join(serverData, 'data', 'logs'));
  for (const f of found) {
    const lines = fs.readFileSync(f, 'utf8').split('\n').slice(-30).join('\n  ');
    log(`${path.relative(serverData, f)}:\n  ${lines}`);
  }
}

function pythonWithoutTheProject() {
  // a PATH on which `python3` cannot import the project: the bundled copy must do
  const candidates = ['/usr/bin/python3', '/usr/local/bin/python3'];
  for (const py of candidates) {
    if (!fs.existsSync(py)) continue;
    const r = spawnSync(py, ['-c', 'import pygls'], { cwd: os.tmpdir(), env: { PATH: path.dirname(py) } });
    if (r.status !== 0) return `${path.dirname(py)}:/bin`;
  }
  return null;
}

(async () => {
  let code = 1;
  try {
    log(`temp folder ${TMP}`);
    const extDir = installExtension();
    log(`installed ${path.basename(extDir)}`);
    const runs = [];
    runs.push(await session('interpreter', { interpreter: args.python, screenshotPrefix: '', mode: 'full' }));

    const libs = path.join(extDir, 'bundled', 'libs');
    const bundled = fs.existsSync(libs) && fs.readdirSync(libs).some((e) => /^(server|schema_lang|pygls)/.test(e));
    const onlyInterpreter = process.env.SCHEMA_LANG_E2E_BUNDLED === '0';
    if (!bundled) {
      log('the .vsix has no bundled Python libraries (bundled/libs): the bundled-server session is skipped');
    } else if (onlyInterpreter) {
      log('SCHEMA_LANG_E2E_BUNDLED=0: the bundled-server session is skipped');
    } else {
      const pathEnv = pythonWithoutTheProject();
      if (!pathEnv) log('no python3 without the project on this machine: the bundled-server session is skipped');
      else runs.push(await session('bundled', { interpreter: null, screenshotPrefix: 'bundled-', mode: 'bundled', pathEnv }));
    }
    // no Python anywhere (no setting, nothing on PATH): the extension must say so clearly
    const emptyPath = fs.mkdtempSync(path.join(TMP, 'no-python-path-'));
    runs.push(await session('no-python', { interpreter: null, screenshotPrefix: 'no-python-', mode: 'no-python',
      pathEnv: emptyPath }));

    console.log('\nschema-lang VS Code end-to-end:');
    for (const run of runs) {
      for (const r of run.results || []) {
        console.log(`  ${r.ok ? 'ok  ' : 'FAIL'} [${run.name}] ${r.name} (${r.ms} ms)${r.ok ? '' : '\n        ' + r.error.split('\n')[0]}`);
      }
      if (!run.results) console.log(`  FAIL [${run.name}] no results (suite exit code ${run.exitCode})`);
      for (const s of run.screenshots) console.log(`  screenshot ${path.relative(ROOT, s)}`);
    }
    code = runs.every((r) => r.ok) ? 0 : 1;
    console.log(`${code === 0 ? 'PASSED' : 'FAILED'} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  } catch (err) {
    console.error(err && err.stack || err);
  } finally {
    if (KEEP || code !== 0) log(`kept ${TMP}`);
    else fs.rmSync(TMP, { recursive: true, force: true });
  }
  process.exit(code);
})();
