// Finding a schema-lang language server to start.
//
// In order:
//   1. `schemaLang.server.path`: a `schema-lang-server` executable;
//   2. `schemaLang.interpreter`: `<python> -m schema_lang_server`;
//   3. the Python extension's active interpreter (ms-python.python), `<python> -m schema_lang_server`;
//   4. the copy bundled with this extension (bundled/libs), run with the first python3/python on
//      PATH that is 3.10+ and can import it, with PYTHONPATH=<extension>/bundled/libs.
// A Python candidate is accepted only when `<python> -c "import schema_lang_server, schema_lang"` works.

import * as cp from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';

export type ServerSource = 'server.path' | 'interpreter' | 'python-extension' | 'bundled';

export interface ServerLaunch {
  source: ServerSource;
  command: string;
  args: string[];
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** For the output channel and the language status item. */
  description: string;
}

export interface Attempt {
  source: ServerSource;
  candidate: string;
  problem: string;
}

export interface Discovery {
  launch?: ServerLaunch;
  /** Candidates that were tried and rejected, in order. */
  attempts: Attempt[];
}

export interface Log {
  info(message: string): void;
  warn(message: string): void;
}

const CHECK_TIMEOUT_MS = 20_000;
const PYTHON_EXTENSION_TIMEOUT_MS = 15_000;

// Prints "<version>\t<where server was imported from>"; exits 3 on an old Python.
const CHECK_SCRIPT = [
  'import sys',
  'v = sys.version.split()[0]',
  'if sys.version_info < (3, 10):',
  '    print("Python " + v + " is older than 3.10"); sys.exit(3)',
  'import schema_lang_server.__main__, schema_lang',
  'print(v + "\\t" + schema_lang_server.__file__)',
].join('\n');

interface PythonCheck {
  ok: boolean;
  version?: string;
  location?: string;
  problem?: string;
}

/** Runs the import check with `python`; never throws. */
export function checkPython(python: string, cwd: string, env?: NodeJS.ProcessEnv): Promise<PythonCheck> {
  return new Promise((resolve) => {
    let child: cp.ChildProcess;
    try {
      child = cp.execFile(
        python,
        ['-c', CHECK_SCRIPT],
        { cwd, env: env ?? process.env, timeout: CHECK_TIMEOUT_MS, windowsHide: true, encoding: 'utf8' },
        (error, stdout, stderr) => {
          const out = String(stdout).trim();
          if (!error) {
            const [version, location] = out.split('\t');
            resolve({ ok: true, version, location });
            return;
          }
          const code = (error as NodeJS.ErrnoException).code;
          if (code === 'ENOENT') {
            resolve({ ok: false, problem: 'not found' });
          } else if (error.killed) {
            resolve({ ok: false, problem: `no answer within ${CHECK_TIMEOUT_MS / 1000} s` });
          } else {
            resolve({ ok: false, problem: lastLines(String(stderr)) || out || error.message });
          }
        },
      );
    } catch (error) {
      resolve({ ok: false, problem: String(error) });
      return;
    }
    child.stdin?.end();
  });
}

function lastLines(text: string, count = 3): string {
  return text.trim().split(/\r?\n/).slice(-count).join(' | ');
}

/** `~`, `${workspaceFolder}`, `${userHome}` and paths relative to the first workspace folder. */
export function resolveSettingPath(value: string): string {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  let result = value.trim();
  result = result.replace(/\$\{userHome\}/g, os.homedir());
  if (folder) result = result.replace(/\$\{workspaceFolder\}/g, folder);
  if (result === '~' || result.startsWith('~/') || result.startsWith('~\\')) {
    result = path.join(os.homedir(), result.slice(1));
  }
  // a bare name ("python3") is looked up on PATH by the OS; anything with a separator is a path
  if (folder && !path.isAbsolute(result) && /[\\/]/.test(result)) {
    result = path.join(folder, result);
  }
  return result;
}

function isExecutableFile(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) return false;
    if (process.platform !== 'win32') fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Every python3 / python on PATH, in PATH order, without duplicates. */
export function pythonsOnPath(): string[] {
  const names = process.platform === 'win32' ? ['python3.exe', 'python.exe'] : ['python3', 'python'];
  const found: string[] = [];
  const seen = new Set<string>();
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    for (const name of names) {
      const file = path.join(dir, name);
      if (seen.has(file) || !isExecutableFile(file)) continue;
      seen.add(file);
      found.push(file);
    }
  }
  return found;
}

function withTimeout<T>(promise: Thenable<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms / 1000} s`)), ms);
    Promise.resolve(promise).then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** The minimal part of the Python extension's public API that is used here. */
interface PythonEnvironmentsApi {
  getActiveEnvironmentPath(resource?: vscode.Uri): { id: string; path: string } | undefined;
  resolveEnvironment?(environment: { id: string; path: string } | string): Thenable<
    { executable?: { uri?: vscode.Uri } } | undefined
  >;
  onDidChangeActiveEnvironmentPath?: vscode.Event<unknown>;
}

/** The Python extension's `environments` API, or undefined (not installed, failed, old version). */
export async function pythonExtensionApi(log: Log): Promise<PythonEnvironmentsApi | undefined> {
  try {
    const extension = vscode.extensions.getExtension('ms-python.python');
    if (!extension) return undefined;
    const exports = extension.isActive
      ? extension.exports
      : await withTimeout(extension.activate(), PYTHON_EXTENSION_TIMEOUT_MS, 'activating ms-python.python');
    const environments = exports?.environments;
    if (!environments || typeof environments.getActiveEnvironmentPath !== 'function') return undefined;
    return environments as PythonEnvironmentsApi;
  } catch (error) {
    log.warn(`The Python extension's API is not available: ${error}`);
    return undefined;
  }
}

async function pythonExtensionInterpreter(log: Log, resource?: vscode.Uri): Promise<string | undefined> {
  const api = await pythonExtensionApi(log);
  if (!api) return undefined;
  try {
    const active = api.getActiveEnvironmentPath(resource);
    if (!active?.path) return undefined;
    if (typeof api.resolveEnvironment === 'function') {
      const resolved = await withTimeout(api.resolveEnvironment(active), PYTHON_EXTENSION_TIMEOUT_MS,
        'resolving the Python environment');
      const executable = resolved?.executable?.uri?.fsPath;
      if (executable) return executable;
    }
    return active.path;
  } catch (error) {
    log.warn(`The Python extension's active interpreter is not available: ${error}`);
    return undefined;
  }
}

/** Finds a server to start, trying the candidates in order; logs each step. */
export async function discoverServer(extensionPath: string, log: Log, resource?: vscode.Uri): Promise<Discovery> {
  const config = vscode.workspace.getConfiguration('schemaLang', resource);
  const attempts: Attempt[] = [];
  const reject = (source: ServerSource, candidate: string, problem: string) => {
    attempts.push({ source, candidate, problem });
    log.warn(`${source}: ${candidate}: ${problem}`);
  };
  // `python -m` puts the working folder first on sys.path: start in one that holds no Python packages
  const cwd = extensionPath;

  // 1. an explicit server executable
  const serverPath = (config.get<string>('server.path') ?? '').trim();
  if (serverPath) {
    const file = resolveSettingPath(serverPath);
    if (isExecutableFile(file) || (!/[\\/]/.test(file) && file.length > 0)) {
      return {
        attempts,
        launch: { source: 'server.path', command: file, args: [], cwd, description: `${file} (schemaLang.server.path)` },
      };
    }
    reject('server.path', file, 'not an executable file');
  }

  const tryPython = async (source: ServerSource, python: string, env?: NodeJS.ProcessEnv) => {
    log.info(`${source}: checking ${python}`);
    const check = await checkPython(python, cwd, env);
    if (!check.ok) {
      reject(source, python, `cannot run the server: ${check.problem}`);
      return undefined;
    }
    const launch: ServerLaunch = {
      source, command: python, args: ['-m', 'schema_lang_server'], cwd, env,
      description: `${python} -m schema_lang_server (Python ${check.version}, ${source}; server from ${check.location})`,
    };
    return launch;
  };

  // 2. an explicit interpreter
  const interpreter = (config.get<string>('interpreter') ?? '').trim();
  if (interpreter) {
    const launch = await tryPython('interpreter', resolveSettingPath(interpreter));
    if (launch) return { attempts, launch };
  }

  // 3. the Python extension's interpreter
  const fromExtension = await pythonExtensionInterpreter(log, resource);
  if (fromExtension) {
    const launch = await tryPython('python-extension', fromExtension);
    if (launch) return { attempts, launch };
  }

  // 4. the bundled copy
  const libs = path.join(extensionPath, 'bundled', 'libs');
  if (fs.existsSync(path.join(libs, 'schema_lang_server', '__main__.py'))) {
    const env: NodeJS.ProcessEnv = { ...process.env, PYTHONPATH: libs, PYTHONNOUSERSITE: '1' };
    const pythons = pythonsOnPath();
    if (pythons.length === 0) reject('bundled', 'python3/python', 'no python3 or python on PATH');
    for (const python of pythons) {
      const launch = await tryPython('bundled', python, env);
      if (launch) return { attempts, launch };
    }
  } else {
    reject('bundled', libs, 'missing (this build of the extension has no bundled server)');
  }
  return { attempts };
}
