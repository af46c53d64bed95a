// schema-lang for VS Code: starts the schema-lang language server (stdio) for *.schema.yaml /
// *.schema.yml files, which stay YAML files (YAML highlighting and the Red Hat YAML extension keep
// working beside it), and wraps the server's generators in commands with a little UI.
//
// Command ids. vscode-languageclient registers every command the server lists in
// `executeCommandProvider` (schemaLang.generateDdl, schemaLang.generateMigration,
// schemaLang.generateDesignDoc, schemaLang.showErd) as a VS Code command that forwards to the
// server: the server's own code actions ("Generate DDL (PostgreSQL)", "Generate migration from HEAD")
// run through those. Registering the same ids here would make the client's registration fail, so the
// palette and editor-title commands of this extension are `schemaLang.client.*`: they ask for what
// is missing (a dialect, a base file), then send `workspace/executeCommand` themselves.
//
// Import SQL is the other way round: its palette id is `schemaLang.importSql` (it must exist before
// any server runs, since .sql files do not start one), so the server's command has another id,
// `schemaLang.server.importSql`. The client command starts the server when needed, turns the
// explorer's or editor title's Uri into a URI string and sends the open .sql buffer's text along
// (the server only syncs schema files); the server creates the file (workspace/applyEdit), opens it
// and shows the summary.

import * as path from 'path';
import * as vscode from 'vscode';
import {
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  RevealOutputChannelOn,
  ServerOptions,
  State,
} from 'vscode-languageclient/node';

import { discoverServer, pythonExtensionApi, ServerLaunch } from './discovery';
import { ErdPanels, extractMermaid } from './erd';

const SECTION = 'schemaLang';
const SCHEMA_FILE = /\.schema\.ya?ml$/;
const DOCUMENT_SELECTOR = [{ scheme: 'file', language: 'yaml', pattern: '**/*.schema.{yaml,yml}' }];

/** The server's commands (server/commands.py, server/migration.py). */
const SERVER = {
  generateDdl: 'schemaLang.generateDdl',
  generateMigration: 'schemaLang.generateMigration',
  generateDesignDoc: 'schemaLang.generateDesignDoc',
  showErd: 'schemaLang.showErd',
  importSql: 'schemaLang.server.importSql',
} as const;

/** Settings that change how the server is started: a change restarts it. The others are sent
 * with workspace/didChangeConfiguration (and the server asks with workspace/configuration). */
const RESTART_SETTINGS = ['schemaLang.server.path', 'schemaLang.interpreter', 'schemaLang.trace.server'];

/** The settings the server reads (server/settings.py). */
const SERVER_SETTINGS = [
  'dialect', 'validateOn', 'rules', 'debounceMs', 'diagnosticsMode', 'migrationDiagnostics',
  'migrationsDir', 'renameAddsWas',
] as const;

/** What the server's generator commands answer. */
interface CommandResult {
  uri?: string | null;
  downUri?: string;
  error?: string;
  findings?: { rule: string; message: string; destructive: boolean }[];
  /** Import SQL */
  dialect?: string;
  tables?: number;
  skipped?: Record<string, number>;
  notes?: string[];
}

let extension: SchemaLangExtension | undefined;

/** What other extensions (and the end-to-end tests) can ask the extension. */
export interface SchemaLangApi {
  /** Which server runs, or why none does (the message the user was shown). */
  status(): { running: boolean; source?: string; description?: string; problem?: string };
}

export async function activate(context: vscode.ExtensionContext): Promise<SchemaLangApi> {
  const created = new SchemaLangExtension(context);
  extension = created;
  context.subscriptions.push(created);
  await created.activate();
  return { status: () => created.currentStatus() };
}

export async function deactivate(): Promise<void> {
  await extension?.stop();
  extension = undefined;
}

class SchemaLangExtension implements vscode.Disposable {
  private readonly output: vscode.LogOutputChannel;
  private readonly status: vscode.LanguageStatusItem;
  private readonly erd: ErdPanels;
  private client: LanguageClient | undefined;
  private launch: ServerLaunch | undefined;
  private problem: string | undefined;  // why no server runs, as told to the user
  /** Starts and stops run one after the other. */
  private lifecycle: Promise<unknown> = Promise.resolve();
  /** Set once start() ran and until stop(): the server is wanted. */
  private wanted = false;
  /** URIs (fs paths) of documents the server will ask to show that the ERD webview replaces. */
  private readonly hiddenDocuments = new Map<string, number>();
  private pythonListener: vscode.Disposable | undefined;

  currentStatus(): { running: boolean; source?: string; description?: string; problem?: string } {
    const running = this.client?.state === State.Running;
    return { running, source: this.launch?.source, description: this.launch?.description, problem: this.problem };
  }

  constructor(private readonly context: vscode.ExtensionContext) {
    this.output = vscode.window.createOutputChannel('schema-lang', { log: true });
    this.status = vscode.languages.createLanguageStatusItem('schemaLang.server', DOCUMENT_SELECTOR);
    this.status.name = 'schema-lang';
    this.status.text = 'schema-lang';
    this.status.command = { title: 'Show Output', command: 'schemaLang.showOutput' };
    this.erd = new ErdPanels(context.extensionUri, { mermaidFor: (uri) => this.mermaidFor(uri) });
  }

  async activate(): Promise<void> {
    const { subscriptions } = this.context;
    const register = (id: string, run: (...args: any[]) => unknown) =>
      subscriptions.push(vscode.commands.registerCommand(id, run));

    register('schemaLang.client.generateDdl', (resource?: unknown) => this.generateDdl(resource));
    register('schemaLang.client.generateMigration', (resource?: unknown) => this.generateMigration(resource));
    register('schemaLang.client.generateDesignDoc', (resource?: unknown) => this.generateDesignDoc(resource));
    register('schemaLang.client.showErd', (resource?: unknown) => this.showErd(resource));
    register('schemaLang.importSql', (resource?: unknown, options?: unknown) => this.importSql(resource, options));
    register('schemaLang.restartServer', () => this.restart('restart requested'));
    register('schemaLang.showOutput', () => this.output.show(true));

    subscriptions.push(
      this.output,
      this.status,
      this.erd,
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (RESTART_SETTINGS.some((setting) => event.affectsConfiguration(setting)) && this.wanted) {
          void this.restart('settings changed');
        }
        // the other schemaLang.* settings reach the running server through
        // `synchronize.configurationSection` (workspace/didChangeConfiguration)
      }),
      // The server starts with the first schema file, not with every YAML file (activation is
      // onLanguage:yaml): a YAML-only workspace never starts Python.
      vscode.workspace.onDidOpenTextDocument((document) => {
        if (!this.wanted && isSchemaDocument(document)) void this.start();
      }),
    );

    if (vscode.workspace.textDocuments.some(isSchemaDocument)) await this.start();
  }

  // --- the client ---------------------------------------------------------------------------

  /** Starts the server unless it runs; resolves to the running client, or undefined when it failed. */
  private start(): Promise<LanguageClient | undefined> {
    this.wanted = true;
    return this.serialized(async () => {
      if (this.client && this.client.state !== State.Stopped) return this.client;
      await this.stopClient(); // a client that gave up after crashes
      return this.createAndStart();
    });
  }

  async stop(): Promise<void> {
    this.wanted = false;
    await this.serialized(() => this.stopClient());
  }

  private restart(reason: string): Promise<LanguageClient | undefined> {
    this.wanted = true;
    return this.serialized(async () => {
      this.output.info(`Restarting the server (${reason})`);
      await this.stopClient();
      return this.createAndStart();
    });
  }

  private serialized<T>(step: () => Promise<T>): Promise<T> {
    const next = this.lifecycle.then(step, step);
    this.lifecycle = next.catch(() => undefined);
    return next;
  }

  private async stopClient(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.launch = undefined;
    if (!client) return;
    try {
      if (client.state !== State.Stopped) await client.stop(5000);
    } catch (error) {
      this.output.warn(`Stopping the server: ${error}`);
    }
    try {
      await client.dispose();
    } catch {
      // already gone
    }
  }

  private async createAndStart(): Promise<LanguageClient | undefined> {
    this.status.severity = vscode.LanguageStatusSeverity.Information;
    this.status.busy = true;
    this.status.detail = 'starting';
    const resource = vscode.window.activeTextEditor?.document.uri ?? vscode.workspace.workspaceFolders?.[0]?.uri;
    const discovery = await discoverServer(this.context.extensionPath, {
      info: (message) => this.output.info(message),
      warn: (message) => this.output.warn(message),
    }, resource);
    const launch = discovery.launch;
    if (!launch || launch.source === 'python-extension' || launch.source === 'bundled') {
      await this.watchPythonExtension();
    }
    if (!launch) {
      this.status.busy = false;
      this.status.severity = vscode.LanguageStatusSeverity.Error;
      this.status.detail = 'no server: see the output';
      this.reportNoServer(discovery.attempts.map((a) => `  - ${a.source}: ${a.candidate}: ${a.problem}`));
      return undefined;
    }
    const explicit = discovery.attempts.filter((a) => a.source === 'server.path' || a.source === 'interpreter');
    if (explicit.length > 0) {
      void vscode.window.showWarningMessage(
        `schema-lang: ${explicit.map((a) => `schemaLang.${a.source} (${a.candidate}) ${a.problem}`).join('; ')}. ` +
          `Using ${launch.description} instead.`,
        'Open Settings', 'Show Output',
      ).then((choice) => this.onErrorChoice(choice));
    }
    this.output.info(`Starting ${launch.description}`);
    this.problem = undefined;

    const serverOptions: ServerOptions = {
      command: launch.command,
      args: launch.args,
      options: { cwd: launch.cwd, env: launch.env ?? process.env },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: DOCUMENT_SELECTOR,
      outputChannel: this.output,
      traceOutputChannel: this.output,
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      initializationOptions: () => ({ [SECTION]: serverSettings() }),
      synchronize: { configurationSection: SECTION },
      middleware: {
        window: {
          showDocument: async (params, token, next) => {
            // the ERD command writes <name>.erd.md and asks to show it: the webview shows it instead
            const file = fsPathOf(params.uri);
            if (file && this.hiddenDocuments.has(file)) return { success: true };
            return next(params, token);
          },
        },
      },
    };
    // the id makes the client read `schemaLang.trace.server`
    const client = new LanguageClient('schemaLang', 'schema-lang', serverOptions, clientOptions);
    this.client = client;
    this.launch = launch;
    client.onDidChangeState((event) => {
      if (this.client !== client) return;
      if (event.newState === State.Running) {
        this.status.busy = false;
        this.status.severity = vscode.LanguageStatusSeverity.Information;
        this.status.detail = `running: ${launch.description}`;
      } else if (event.newState === State.Stopped) {
        this.status.busy = false;
        this.status.severity = vscode.LanguageStatusSeverity.Warning;
        this.status.detail = 'stopped';
      }
    });
    try {
      await client.start();
      const info = client.initializeResult?.serverInfo;
      this.output.info(`Server running${info ? `: ${info.name} ${info.version ?? ''}` : ''}`);
      return client;
    } catch (error) {
      this.output.error(`The server did not start: ${error}`);
      this.status.busy = false;
      this.status.severity = vscode.LanguageStatusSeverity.Error;
      this.status.detail = 'failed to start: see the output';
      this.problem = `schema-lang: the language server (${launch.description}) did not start: ${error}`;
      void vscode.window.showErrorMessage(this.problem, 'Open Settings', 'Show Output')
        .then((choice) => this.onErrorChoice(choice));
      return undefined;
    }
  }

  private reportNoServer(tried: string[]): void {
    this.output.error([
      'No schema-lang language server could be started. Tried, in order:',
      ...(tried.length ? tried : ['  (nothing)']),
      'Fix one of:',
      '  - schemaLang.server.path: the path of a schema-lang-server executable (pip install schema-lang);',
      '  - schemaLang.interpreter: a Python 3.10+ where `import schema_lang_server, schema_lang` works;',
      '  - the Python extension\'s selected interpreter, with schema-lang installed in it;',
      '  - a python3 (3.10+) on PATH, for the server bundled with the extension.',
    ].join('\n'));
    this.problem = 'schema-lang: no language server could be started. It needs Python 3.10+ (for the bundled ' +
      'server) or the setting schemaLang.server.path / schemaLang.interpreter. The output "schema-lang" lists ' +
      'what was tried.';
    void vscode.window.showErrorMessage(this.problem, 'Open Settings', 'Show Output')
      .then((choice) => this.onErrorChoice(choice));
  }

  private onErrorChoice(choice: string | undefined): void {
    if (choice === 'Open Settings') {
      void vscode.commands.executeCommand('workbench.action.openSettings', '@ext:schema-lang.schema-lang');
    } else if (choice === 'Show Output') {
      this.output.show(true);
    }
  }

  /** Restarts a server started with the Python extension's interpreter when that interpreter changes. */
  private async watchPythonExtension(): Promise<void> {
    if (this.pythonListener) return;
    const api = await pythonExtensionApi({ info: () => undefined, warn: () => undefined });
    if (!api?.onDidChangeActiveEnvironmentPath) return;
    try {
      this.pythonListener = api.onDidChangeActiveEnvironmentPath(() => {
        if (this.wanted && (!this.launch || this.launch.source === 'python-extension' || this.launch.source === 'bundled')) {
          void this.restart('the Python extension\'s interpreter changed');
        }
      });
      this.context.subscriptions.push(this.pythonListener);
    } catch {
      // an API without the event: nothing to follow
    }
  }

  // --- commands -----------------------------------------------------------------------------

  /** Runs a server command; undefined when the server is not available or the command failed
   * (the user has been told). */
  private async execute(command: string, args: unknown[]): Promise<CommandResult | undefined> {
    const client = await this.start();
    if (!client) return undefined;
    try {
      return (await client.sendRequest(ExecuteCommandRequest.type, { command, arguments: args })) as CommandResult;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.output.error(`${command}: ${message}`);
      void vscode.window.showErrorMessage(`schema-lang: ${command} failed: ${message}`, 'Show Output')
        .then((choice) => this.onErrorChoice(choice));
      return undefined;
    }
  }

  private async protocolUri(uri: vscode.Uri): Promise<string> {
    const client = await this.start();
    return client ? client.code2ProtocolConverter.asUri(uri) : uri.toString();
  }

  private async generateDdl(resource?: unknown): Promise<void> {
    const uri = schemaUri(resource);
    if (!uri) return;
    const configured = vscode.workspace.getConfiguration(SECTION, uri).get<string | null>('dialect') ?? null;
    type Item = vscode.QuickPickItem & { dialect: string | null };
    const items: Item[] = [
      { label: 'PostgreSQL', dialect: 'postgresql' },
      { label: 'MySQL / MariaDB', dialect: 'mysql' },
      { label: 'SQLite', dialect: 'sqlite' },
      {
        label: "The schema's dialect",
        description: configured ? `schemaLang.dialect: ${configured}` : 'as the file declares (dialect:)',
        dialect: null,
      },
    ];
    // the configured dialect first, so Enter takes it
    items.sort((a, b) => Number(b.dialect === configured && configured !== null) - Number(a.dialect === configured && configured !== null));
    const picked = await vscode.window.showQuickPick(
      items,
      { title: `Generate DDL for ${path.basename(uri.fsPath)}`, placeHolder: 'SQL dialect of the CREATE script' },
    );
    if (!picked) return;
    const args: unknown[] = [await this.protocolUri(uri)];
    if (picked.dialect) args.push(picked.dialect);
    // writes <name>.<dialect>.sql next to the schema and opens it (window/showDocument);
    // errors are shown by the server (window/showMessage)
    await this.execute(SERVER.generateDdl, args);
  }

  private async generateDesignDoc(resource?: unknown): Promise<void> {
    const uri = schemaUri(resource);
    if (!uri) return;
    await this.execute(SERVER.generateDesignDoc, [await this.protocolUri(uri)]);
  }

  private async generateMigration(resource?: unknown): Promise<void> {
    const uri = schemaUri(resource);
    if (!uri) return;
    const target = await this.protocolUri(uri);
    let result = await this.execute(SERVER.generateMigration, [{ uri: target }]);
    if (result?.error && /not committed/i.test(result.error)) {
      const choice = await vscode.window.showWarningMessage(
        `${path.basename(uri.fsPath)} has no committed version in git to compare with. ` +
          'Generate the migration from another version of the schema instead?',
        'Choose Base File…',
      );
      if (choice !== 'Choose Base File…') return;
      const picked = await vscode.window.showOpenDialog({
        title: `Migrate to ${path.basename(uri.fsPath)} from…`,
        openLabel: 'Compare with this version',
        defaultUri: vscode.Uri.joinPath(uri, '..'),
        canSelectMany: false,
        canSelectFolders: false,
        filters: { 'Schema files': ['yaml', 'yml'], 'All files': ['*'] },
      });
      if (!picked?.length) return;
      result = await this.execute(SERVER.generateMigration, [{ uri: target, base: await this.protocolUri(picked[0]) }]);
    }
    if (result?.uri) {
      const up = vscode.Uri.parse(result.uri);
      const down = result.downUri ? vscode.Uri.parse(result.downUri) : undefined;
      const choice = await vscode.window.showInformationMessage(
        `schema-lang: wrote ${path.basename(up.fsPath)}${down ? ` and ${path.basename(down.fsPath)}` : ''}.`,
        ...(down ? ['Open Down Script'] : []),
      );
      if (choice === 'Open Down Script' && down) await vscode.window.showTextDocument(down, { preview: false });
    }
  }

  /** Imports a .sql file into a new schema file next to it: the file clicked in the explorer or
   * whose editor title was used, else the active editor's. `options` ({dialect?, target?}) is for
   * callers of the command (the explorer passes the selected Uris there: ignored). Returns the
   * server's answer ({uri, dialect, tables, skipped, notes} or {uri: null, error}). */
  private async importSql(resource?: unknown, options?: unknown): Promise<CommandResult | undefined> {
    const uri = resource instanceof vscode.Uri ? resource
      : typeof resource === 'string' ? vscode.Uri.parse(resource, true)
      : vscode.window.activeTextEditor?.document.uri;
    if (!uri) {
      void vscode.window.showWarningMessage('schema-lang: open a .sql file first.');
      return undefined;
    }
    if (uri.scheme !== 'file') {
      void vscode.window.showWarningMessage('schema-lang: save the SQL as a .sql file first.');
      return undefined;
    }
    const args: Record<string, unknown> = { uri: await this.protocolUri(uri) };
    if (options && typeof options === 'object' && !Array.isArray(options) && !(options instanceof vscode.Uri)) {
      const { dialect, target } = options as { dialect?: unknown; target?: unknown };
      if (typeof dialect === 'string') args.dialect = dialect;
      if (typeof target === 'string') args.target = target;
      else if (target instanceof vscode.Uri) args.target = await this.protocolUri(target);
    }
    // .sql files are not synced to the server: the buffer, saved or not, goes with the request
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (open) args.text = open.getText();
    const result = await this.execute(SERVER.importSql, [args]) as CommandResult | undefined;
    // the user asked for a new file: it is saved, not left as an unsaved buffer (the edit that
    // created it stays undoable)
    const created = result?.uri
      ? vscode.workspace.textDocuments.find((d) => d.uri.toString() === vscode.Uri.parse(result.uri as string).toString())
      : undefined;
    if (created?.isDirty) await created.save();
    return result;
  }

  private async showErd(resource?: unknown): Promise<void> {
    const uri = schemaUri(resource);
    if (!uri) return;
    await this.erd.show(uri);
  }

  /** The Mermaid text of the schema's ER diagram, from the server command `schemaLang.showErd`
   * (which writes `<name>.erd.md`; its showDocument request is swallowed while this runs). */
  private async mermaidFor(uri: vscode.Uri): Promise<string> {
    const expected = path.join(path.dirname(uri.fsPath), path.basename(uri.fsPath).replace(SCHEMA_FILE, '') + '.erd.md');
    this.hiddenDocuments.set(expected, (this.hiddenDocuments.get(expected) ?? 0) + 1);
    let result: CommandResult | undefined;
    try {
      result = await this.execute(SERVER.showErd, [await this.protocolUri(uri)]);
    } finally {
      const count = (this.hiddenDocuments.get(expected) ?? 1) - 1;
      if (count > 0) this.hiddenDocuments.set(expected, count);
      else this.hiddenDocuments.delete(expected);
    }
    if (!result) throw new Error('The language server is not available (see the output "schema-lang").');
    if (!result.uri) throw new Error(result.error ?? 'The server wrote no diagram.');
    const bytes = await vscode.workspace.fs.readFile(vscode.Uri.parse(result.uri));
    return extractMermaid(new TextDecoder('utf-8').decode(bytes));
  }

  dispose(): void {
    void this.stop();
  }
}

// --- helpers ----------------------------------------------------------------------------------

function isSchemaDocument(document: vscode.TextDocument): boolean {
  return document.uri.scheme === 'file' && SCHEMA_FILE.test(document.uri.path);
}

/** The schema file a command is about: the editor-title argument, else the active editor. */
function schemaUri(resource: unknown): vscode.Uri | undefined {
  const uri = resource instanceof vscode.Uri ? resource : vscode.window.activeTextEditor?.document.uri;
  if (!uri || uri.scheme !== 'file' || !SCHEMA_FILE.test(uri.path)) {
    void vscode.window.showWarningMessage('schema-lang: open a *.schema.yaml file first.');
    return undefined;
  }
  return uri;
}

function fsPathOf(uri: string): string | undefined {
  try {
    const parsed = vscode.Uri.parse(uri, true);
    return parsed.scheme === 'file' ? path.normalize(parsed.fsPath) : undefined;
  } catch {
    return undefined;
  }
}

/** The settings the server reads, for initializationOptions. */
function serverSettings(): Record<string, unknown> {
  const config = vscode.workspace.getConfiguration(SECTION);
  const settings: Record<string, unknown> = {};
  for (const key of SERVER_SETTINGS) settings[key] = config.get(key);
  return settings;
}
