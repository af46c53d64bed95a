// End-to-end checks of the installed schema-lang extension, run inside the real VS Code
// extension host as `extensionTestsPath` (the folder around this file is a tiny test-only
// extension loaded as `extensionDevelopmentPath`; the extension under test is the installed
// .vsix). Driven by tests/editors/vscode/drive.js, which also takes the screenshots.
//
// Environment (from the VS Code server process):
//   SCHEMA_LANG_E2E_OUT   folder for results.json, suite.log and the screenshot hand-shake
//   SCHEMA_LANG_E2E_MODE  "full" (default), "bundled" (only: the server starts and diagnoses) or
//                         "no-python" (no Python anywhere: the extension says so, clearly)
// The workspace folder holds shop.schema.yaml: examples/shop.schema.yaml with one error put in
// (`references usrs` in table addresses).
'use strict';

const fs = require('fs');
const path = require('path');
const vscode = require('vscode');

const OUT = process.env.SCHEMA_LANG_E2E_OUT || '';
const MODE = process.env.SCHEMA_LANG_E2E_MODE || 'full';
const TABLES = ['users', 'addresses', 'categories', 'products', 'product_categories', 'orders',
  'order_items', 'payments', 'reviews'];

function log(...parts) {
  const line = `[suite ${new Date().toISOString().slice(11, 23)}] ${parts.join(' ')}`;
  console.log(line);
  if (OUT) fs.appendFileSync(path.join(OUT, 'suite.log'), line + '\n');
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(what, probe, timeoutMs = 60000, everyMs = 250) {
  const until = Date.now() + timeoutMs;
  let last;
  for (;;) {
    last = await probe();
    if (last) return last;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

function assert(condition, message) {
  if (!condition) throw new Error(`assertion failed: ${message}`);
}

let shotSeq = 0;
// Asks the driver for a screenshot of the workbench (and optionally key presses after it);
// waits for its answer. Without a driver (no answer in 15 s) the suite goes on.
// `waitForFrameSelector`: the driver first waits (up to 20 s) for that selector in any frame
// (webviews are iframes) and says whether it appeared. Returns the driver's answer (an object),
// or undefined without a driver.
async function screenshot(name, { settleMs = 700, keysAfter = [], waitForFrameSelector } = {}) {
  if (!OUT) return undefined;
  await sleep(settleMs);
  const seq = ++shotSeq;
  const done = path.join(OUT, `shot-${seq}.done`);
  fs.writeFileSync(path.join(OUT, `shot-${seq}.tmp`), JSON.stringify({ seq, name, keysAfter, waitForFrameSelector }));
  fs.renameSync(path.join(OUT, `shot-${seq}.tmp`), path.join(OUT, `shot-${seq}.request`));
  const until = Date.now() + 15000 + (waitForFrameSelector ? 20000 : 0);
  while (!fs.existsSync(done) && Date.now() < until) await sleep(100);
  const answer = fs.existsSync(done) ? JSON.parse(fs.readFileSync(done, 'utf8')) : undefined;
  log(`screenshot ${name}: ${answer ? JSON.stringify(answer) : 'no answer from the driver'}`);
  return answer;
}

// The language server processes the extension host started (children of this process), with
// the PYTHONPATH they run with. Linux only (/proc), like the rest of this test.
function serverProcesses() {
  const found = [];
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== process.pid) continue;
      const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
      const isServer = argv.some((a, i) => (a === '-m' && argv[i + 1] === 'schema_lang_server') || /schema-lang-server$/.test(a));
      if (!isServer) continue;
      const env = fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      const pythonPath = (env.find((e) => e.startsWith('PYTHONPATH=')) || '').slice('PYTHONPATH='.length);
      found.push({ pid: Number(pid), argv, exe: fs.readlinkSync(`/proc/${pid}/exe`), pythonPath });
    } catch {
      // gone, or not ours to read
    }
  }
  return found;
}

const codeOf = (d) => (d.code && typeof d.code === 'object' ? String(d.code.value) : String(d.code));
const textOf = (c) => (typeof c === 'string' ? c : (c && typeof c.value === 'string' ? c.value : ''));
const labelOf = (item) => (typeof item.label === 'string' ? item.label : item.label.label);

function positionAfter(doc, needle, lineHint) {
  for (let line = 0; line < doc.lineCount; line++) {
    const text = doc.lineAt(line).text;
    if (text.includes(needle) && (!lineHint || text.includes(lineHint))) {
      return new vscode.Position(line, text.indexOf(needle) + needle.length);
    }
  }
  throw new Error(`no line with ${JSON.stringify(needle)} ${lineHint ? 'and ' + JSON.stringify(lineHint) : ''}`);
}

// The extension under test: the installed one whose commands or settings are schemaLang.*.
function theExtension() {
  return vscode.extensions.all.find((e) => {
    const pj = e.packageJSON || {};
    if (pj.name === 'schema-lang-e2e-tests' || e.id.startsWith('vscode.')) return false;
    const contributes = pj.contributes || {};
    const commands = (contributes.commands || []).map((c) => c.command);
    const configuration = [].concat(contributes.configuration || []);
    const settings = configuration.flatMap((c) => Object.keys(c.properties || {}));
    return commands.concat(settings).some((id) => id.startsWith('schemaLang.'));
  });
}

// a pg_dump-like script for Import SQL: two tables, three statements skipped (SET, CREATE EXTENSION, COPY)
const LEGACY_SQL = `-- legacy shop, exported with pg_dump
SET statement_timeout = 0;
CREATE EXTENSION IF NOT EXISTS pgcrypto;
CREATE TABLE public.customers (
    id bigint NOT NULL,
    email character varying(255) NOT NULL
);
CREATE TABLE public.invoices (
    id bigserial PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES public.customers(id),
    amount numeric(10,2) NOT NULL
);
ALTER TABLE ONLY public.customers ADD CONSTRAINT customers_pkey PRIMARY KEY (id);
COPY public.customers (id, email) FROM stdin;
1\ta@example.com
\\.
`;
const LEGACY_FIRST_LINES = ['schema: legacy', 'dialect: postgresql', '', 'tables:', '  customers:', '    columns:',
  '      id: bigint pk', '      email: varchar(255) not null'];

const unknownTable = (uri) => vscode.languages.getDiagnostics(uri).filter((d) => codeOf(d) === 'reference/unknown-table');

async function findCommand(preferred, pattern) {
  const all = await vscode.commands.getCommands(true);
  for (const id of preferred) if (all.includes(id)) return id;
  return all.find((id) => pattern.test(id));
}

// A document opened (by window/showDocument or by the client itself) whose text matches.
function openedDocument(test) {
  return vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && test(d));
}

async function run() {
  const results = [];
  const state = {};
  const folder = vscode.workspace.workspaceFolders && vscode.workspace.workspaceFolders[0];
  assert(folder, 'a workspace folder is open');
  const uri = vscode.Uri.joinPath(folder.uri, 'shop.schema.yaml');

  async function step(name, body) {
    const started = Date.now();
    log(`--- ${name}`);
    try {
      await body();
      results.push({ name, ok: true, ms: Date.now() - started });
      log(`ok   ${name} (${Date.now() - started} ms)`);
    } catch (err) {
      results.push({ name, ok: false, ms: Date.now() - started, error: String(err && err.stack || err) });
      log(`FAIL ${name}: ${err && err.stack || err}`);
    }
  }
  const need = (...names) => {
    const failed = names.filter((n) => !results.some((r) => r.name === n && r.ok));
    if (failed.length) throw new Error(`skipped: needs ${failed.join(', ')}`);
  };

  await step('the extension is installed and the schema opens in it', async () => {
    const ext = theExtension();
    assert(ext, 'an installed extension contributes *.schema.yaml');
    log(`extension ${ext.id} ${ext.packageJSON.version} at ${ext.extensionPath}`);
    log(`schemaLang.interpreter = ${JSON.stringify(vscode.workspace.getConfiguration('schemaLang').get('interpreter'))}`);
    state.ext = ext;
    state.doc = await vscode.workspace.openTextDocument(uri);
    state.editor = await vscode.window.showTextDocument(state.doc, { preview: false });
    log(`languageId ${state.doc.languageId}`);
    // the file stays a YAML file (highlighting, other YAML extensions): no language of our own
    assert(state.doc.languageId === 'yaml', `the schema file's language is yaml (${state.doc.languageId})`);
    await vscode.commands.executeCommand('workbench.action.closeAuxiliaryBar').then(undefined, () => undefined);
    await waitFor('the extension to activate', () => ext.isActive, 30000);
  });

  if (MODE === 'no-python') {
    await step('without Python the extension says what is missing', async () => {
      need('the extension is installed and the schema opens in it');
      log(`PATH of the extension host: ${process.env.PATH}`);
      assert(!/(^|:)\/usr\/bin(:|$)/.test(process.env.PATH || ''), 'the session really has no /usr/bin on PATH');
      const api = state.ext.exports;
      assert(api && typeof api.status === 'function', 'the extension exports its status');
      const status = await waitFor('the extension to give up', () => (api.status().problem ? api.status() : null), 30000);
      log(`status ${JSON.stringify(status)}`);
      assert(!status.running, 'no server runs');
      assert(/no language server could be started/.test(status.problem), 'the message says no server started');
      assert(/Python 3\.10\+/.test(status.problem) && /schemaLang\.interpreter/.test(status.problem),
        'the message names what is needed: Python 3.10+ or the settings');
      assert(serverProcesses().length === 0, 'no server process was left behind');
      await screenshot('message', { settleMs: 1500 });
    });
    finish(results);
    return;
  }

  await step('diagnostics: reference/unknown-table on usrs', async () => {
    need('the extension is installed and the schema opens in it');
    const found = await waitFor('a reference/unknown-table diagnostic', () => unknownTable(uri)[0], 60000);
    const word = state.doc.getText(found.range);
    log(`diagnostic ${codeOf(found)} "${found.message}" at ${found.range.start.line + 1}:${found.range.start.character + 1} on "${word}"`);
    assert(found.severity === vscode.DiagnosticSeverity.Error, 'it is an error');
    assert(word.includes('usrs'), `its range covers usrs (covers "${word}")`);
    assert(/did you mean 'users'/.test(found.message), 'the message suggests users');
    state.diagnostic = found;
    const servers = serverProcesses();
    for (const p of servers) log(`server process ${p.pid}: ${p.exe} ${p.argv.slice(1).join(' ')} PYTHONPATH=${p.pythonPath || '(unset)'}`);
    assert(servers.length >= 1, 'a language server process runs under the extension host');
    const bundledLibs = path.join(state.ext.extensionPath, 'bundled', 'libs');
    for (const server of servers) {
      if (MODE === 'bundled') {
        assert(server.pythonPath.split(path.delimiter).includes(bundledLibs), `the server runs the bundled copy (${bundledLibs})`);
      } else {
        assert(!server.pythonPath.includes(bundledLibs), 'the server runs with schemaLang.interpreter, not the bundled copy');
      }
    }
    state.editor.selection = new vscode.Selection(found.range.start, found.range.start);
    state.editor.revealRange(found.range, vscode.TextEditorRevealType.InCenter);
    await vscode.commands.executeCommand('workbench.actions.view.problems');
    await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');
    await screenshot('diagnostics', { settleMs: 1200 });
    await vscode.commands.executeCommand('workbench.action.closePanel');
  });

  if (MODE === 'bundled') {
    finish(results);
    return;
  }

  await step('completion after "references " lists the tables', async () => {
    need('diagnostics: reference/unknown-table on usrs');
    const at = positionAfter(state.doc, 'references ', 'user_id: bigint not null references users on delete restrict');
    const list = await vscode.commands.executeCommand('vscode.executeCompletionItemProvider', uri, at);
    const labels = list.items.map(labelOf);
    log(`completion at ${at.line + 1}:${at.character + 1}: ${labels.slice(0, 20).join(', ')}${labels.length > 20 ? ', ...' : ''}`);
    const missing = TABLES.filter((t) => !labels.includes(t));
    assert(missing.length === 0, `all tables are offered (missing: ${missing.join(', ')})`);
    const users = list.items.find((i) => labelOf(i) === 'users');
    assert(users.kind === vscode.CompletionItemKind.Class, `users is a Class item (kind ${users.kind})`);
    state.editor.selection = new vscode.Selection(at, at);
    state.editor.revealRange(new vscode.Range(at, at), vscode.TextEditorRevealType.InCenter);
    await vscode.commands.executeCommand('editor.action.triggerSuggest');
    await screenshot('completion', { settleMs: 1500, keysAfter: ['Escape'] });
    await vscode.commands.executeCommand('hideSuggestWidget');
  });

  await step('hover on a table shows its description', async () => {
    need('diagnostics: reference/unknown-table on usrs');
    const at = positionAfter(state.doc, '  ', '  users:');
    const hovers = await vscode.commands.executeCommand('vscode.executeHoverProvider', uri, at);
    const text = hovers.flatMap((h) => h.contents.map(textOf)).join('\n');
    log(`hover at ${at.line + 1}:${at.character + 1}: ${JSON.stringify(text.slice(0, 300))}`);
    assert(text.includes('Registered customer accounts'), 'the hover has the table description');
    const inside = at.translate(0, 2);
    state.editor.selection = new vscode.Selection(inside, inside);
    state.editor.revealRange(new vscode.Range(at, at), vscode.TextEditorRevealType.InCenter);
    await vscode.commands.executeCommand('editor.action.showHover');
    await screenshot('hover', { settleMs: 1500, keysAfter: ['Escape'] });
  });

  await step('quick fix "did you mean" replaces usrs and the diagnostic goes', async () => {
    need('diagnostics: reference/unknown-table on usrs');
    const d = state.diagnostic;
    const actions = await vscode.commands.executeCommand('vscode.executeCodeActionProvider', uri, d.range,
      vscode.CodeActionKind.QuickFix.value);
    log(`code actions: ${actions.map((a) => JSON.stringify(a.title)).join(', ')}`);
    const fix = actions.find((a) => a.edit && /users/.test(a.title));
    assert(fix, 'a quick fix with an edit names users');
    state.editor.selection = new vscode.Selection(d.range.start, d.range.start);
    state.editor.revealRange(d.range, vscode.TextEditorRevealType.InCenter);
    await vscode.commands.executeCommand('editor.action.quickFix');
    await screenshot('quick-fix', { settleMs: 1500, keysAfter: ['Escape'] });
    const line = d.range.start.line;
    assert(await vscode.workspace.applyEdit(fix.edit), 'the edit applies');
    const after = state.doc.lineAt(line).text;
    log(`line ${line + 1} now: ${after.trim()}`);
    assert(/references users\b/.test(after) && !after.includes('usrs'), 'the line references users');
    await waitFor('the unknown-table diagnostic to go', () => unknownTable(uri).length === 0, 30000);
    const errors = vscode.languages.getDiagnostics(uri).filter((x) => x.severity === vscode.DiagnosticSeverity.Error);
    assert(errors.length === 0, `no errors left (${errors.map((x) => x.message).join('; ')})`);
    await state.doc.save();
  });

  await step('Generate DDL opens a document with CREATE TABLE', async () => {
    need('quick fix "did you mean" replaces usrs and the diagnostic goes');
    await vscode.window.showTextDocument(state.doc, { preview: false });
    const all = await vscode.commands.getCommands(true);
    const before = new Set(vscode.workspace.textDocuments.map((d) => d.uri.toString()));
    if (all.includes('schemaLang.client.generateDdl')) {
      // the palette command asks for the dialect: the driver presses Enter on the first item
      // (PostgreSQL) after the screenshot; without a driver, accept it with a command
      log('command schemaLang.client.generateDdl (dialect from its quick pick)');
      const running = vscode.commands.executeCommand('schemaLang.client.generateDdl');
      const answer = await screenshot('ddl-dialect', { settleMs: 1500, keysAfter: ['Enter'] });
      if (!answer) await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      await Promise.race([running, sleep(30000)]);
    } else {
      assert(all.includes('schemaLang.generateDdl'), 'a Generate DDL command is registered');
      log('command schemaLang.generateDdl (the server command; no client command)');
      const result = await vscode.commands.executeCommand('schemaLang.generateDdl', uri.toString(), 'postgresql');
      log(`result ${JSON.stringify(result)}`);
    }
    const ddl = await waitFor('a document with CREATE TABLE', () => openedDocument(
      (d) => !before.has(d.uri.toString()) && d.getText().includes('CREATE TABLE')), 30000);
    log(`opened ${ddl.uri.fsPath} (${ddl.lineCount} lines)`);
    assert(path.basename(ddl.uri.fsPath) === 'shop.postgresql.sql', 'the PostgreSQL script, next to the schema');
    assert(vscode.window.visibleTextEditors.some((e) => e.document === ddl), 'it is shown in an editor');
    for (const t of TABLES) assert(new RegExp(`CREATE TABLE[^\\n]*\\b${t}\\b`).test(ddl.getText()), `CREATE TABLE ${t}`);
    await screenshot('ddl', { settleMs: 1200 });
  });

  await step('ER diagram opens in a webview', async () => {
    need('quick fix "did you mean" replaces usrs and the diagnostic goes');
    await vscode.commands.executeCommand('workbench.action.closeEditorsInOtherGroups');
    await vscode.window.showTextDocument(state.doc, { preview: false });
    const all = await vscode.commands.getCommands(true);
    assert(all.includes('schemaLang.client.showErd'), 'schemaLang.client.showErd is registered');
    await vscode.commands.executeCommand('schemaLang.client.showErd', uri);
    const tab = await waitFor('the ERD tab', () => vscode.window.tabGroups.all.flatMap((g) => g.tabs)
      .find((t) => t.input instanceof vscode.TabInputWebview && /ERD/.test(t.label)), 15000);
    log(`tab "${tab.label}" (${tab.input.viewType})`);
    const answer = await screenshot('erd', { settleMs: 500, waitForFrameSelector: '#diagram svg' });
    if (answer) assert(answer.frameSelector === 'found', `the diagram is drawn in the webview (${answer.frameSelector})`);
  });

  await step('Import SQL: the active .sql file becomes a new schema file, opened', async () => {
    need('the extension is installed and the schema opens in it');
    const contributed = (state.ext.packageJSON.contributes.commands || []).find((c) => c.command === 'schemaLang.importSql');
    assert(contributed && contributed.title === 'Schema: Import SQL into a new schema file',
      `the command is contributed with its title (${contributed && contributed.title})`);
    const all = await vscode.commands.getCommands(true);
    assert(all.includes('schemaLang.importSql'), 'schemaLang.importSql is registered');
    await vscode.commands.executeCommand('workbench.action.closeEditorsInOtherGroups');
    const sqlUri = vscode.Uri.joinPath(folder.uri, 'legacy.sql');
    fs.writeFileSync(sqlUri.fsPath, LEGACY_SQL);
    const sqlDoc = await vscode.workspace.openTextDocument(sqlUri);
    await vscode.window.showTextDocument(sqlDoc, { preview: false });
    assert(sqlDoc.languageId === 'sql', `legacy.sql is an SQL document (${sqlDoc.languageId})`);
    // the palette's way: no argument, the active editor's file
    const result = await vscode.commands.executeCommand('schemaLang.importSql');
    log(`result ${JSON.stringify(result)}`);
    const target = vscode.Uri.joinPath(folder.uri, 'legacy.schema.yaml');
    const imported = await waitFor('legacy.schema.yaml opened', () => openedDocument(
      (d) => d.uri.fsPath === target.fsPath && d.getText().length > 0), 30000);
    const first = imported.getText().split('\n').slice(0, LEGACY_FIRST_LINES.length);
    log(`opened ${imported.uri.fsPath}: ${JSON.stringify(first)} (dirty: ${imported.isDirty}; ` +
      `${fs.statSync(target.fsPath).size} bytes on disk)`);
    assert(JSON.stringify(first) === JSON.stringify(LEGACY_FIRST_LINES), `the first lines are ${JSON.stringify(LEGACY_FIRST_LINES)}`);
    assert(!imported.isDirty && fs.readFileSync(target.fsPath, 'utf8') === imported.getText(), 'the new file is saved');
    assert(vscode.window.activeTextEditor && vscode.window.activeTextEditor.document === imported, 'it is the active editor');
    assert(result && result.uri && vscode.Uri.parse(result.uri).fsPath === target.fsPath, 'the command answers its URI');
    assert(result.tables === 2 && result.dialect === 'postgresql', 'two tables, PostgreSQL guessed');
    assert(JSON.stringify(result.skipped) === JSON.stringify({ COPY: 1, 'CREATE EXTENSION': 1, SET: 1 }), 'the skipped statements by kind');
    await screenshot('import-sql', { settleMs: 1200 });
    // the explorer's way: (clicked Uri, selected Uris); the taken name is not overwritten
    const again = await vscode.commands.executeCommand('schemaLang.importSql', sqlUri, [sqlUri]);
    log(`again ${JSON.stringify(again)}`);
    const second = vscode.Uri.joinPath(folder.uri, 'legacy-2.schema.yaml');
    assert(again && again.uri && vscode.Uri.parse(again.uri).fsPath === second.fsPath, 'the second import is legacy-2.schema.yaml');
    await waitFor('legacy-2.schema.yaml opened', () => openedDocument(
      (d) => d.uri.fsPath === second.fsPath && d.getText().startsWith('schema: legacy\n')), 30000);
    assert(imported.getText().split('\n')[0] === 'schema: legacy', 'the first file is left as it was');
    // the imported file is a schema file like any other: the server checks it
    const found = await waitFor('a diagnostic in the imported file', () => vscode.languages.getDiagnostics(target)
      .find((d) => codeOf(d) === 'index/fk-missing-index'), 30000);
    log(`diagnostic ${codeOf(found)} on line ${found.range.start.line + 1}`);
    const errors = vscode.languages.getDiagnostics(target).filter((d) => d.severity === vscode.DiagnosticSeverity.Error);
    assert(errors.length === 0, `no errors in the imported file (${errors.map((d) => d.message).join('; ')})`);
  });

  await step('a setting that changes how the server starts restarts it', async () => {
    need('diagnostics: reference/unknown-table on usrs');
    const before = serverProcesses().map((p) => p.pid);
    assert(before.length >= 1, 'a server runs before the change');
    const settings = vscode.workspace.getConfiguration('schemaLang');
    await settings.update('trace.server', 'messages', vscode.ConfigurationTarget.Workspace);
    const after = await waitFor('a new server process', () => {
      const now = serverProcesses().map((p) => p.pid);
      return now.length >= 1 && now.every((pid) => !before.includes(pid)) ? now : null;
    }, 30000);
    log(`server ${before.join(',')} -> ${after.join(',')}`);
    await waitFor('the restarted server to run', () => state.ext.exports.status().running, 30000);
    // the new server diagnoses: break the reference again and the error comes back
    const doc = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(doc, { preview: false });
    const at = positionAfter(doc, 'references ', 'references users on delete restrict');
    await editor.edit((e) => e.replace(new vscode.Range(at, at.translate(0, 'users'.length)), 'usrz'));
    await waitFor('a diagnostic from the restarted server', () => unknownTable(uri)[0], 30000);
    await settings.update('trace.server', undefined, vscode.ConfigurationTarget.Workspace);
  });

  finish(results);
}

function finish(results) {
  if (OUT) fs.writeFileSync(path.join(OUT, 'results.json'), JSON.stringify(results, null, 2));
  const failed = results.filter((r) => !r.ok);
  log(`${results.length - failed.length} of ${results.length} passed`);
  if (failed.length) throw new Error(`${failed.length} failed: ${failed.map((r) => r.name).join('; ')}`);
}

module.exports = { run };
