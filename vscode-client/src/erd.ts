// The ER diagram webview: one panel per schema file, rendered with the mermaid build shipped in
// media/vendor/ (no network), under a strict Content-Security-Policy with a per-panel nonce.
// The Mermaid text comes from the server command `schemaLang.showErd`, which writes
// `<name>.erd.md` (a ```mermaid block) next to the schema and returns its URI.

import * as crypto from 'crypto';
import * as path from 'path';
import * as vscode from 'vscode';

export interface ErdSource {
  /** Runs the server command for `uri`; resolves to the Mermaid text, or rejects with a message. */
  mermaidFor(uri: vscode.Uri): Promise<string>;
}

type ToWebview =
  | { type: 'render'; text: string; file: string; when: string }
  | { type: 'error'; message: string; file: string }
  | { type: 'loading'; file: string };

interface Entry {
  panel: vscode.WebviewPanel;
  last?: ToWebview;
  generation: number;
}

/** The Mermaid diagram inside the server's `.erd.md` file (a ```mermaid fenced block). */
export function extractMermaid(markdown: string): string {
  const match = /```mermaid[^\n]*\n([\s\S]*?)\n?```/.exec(markdown);
  return (match ? match[1] : markdown).trim() + '\n';
}

export class ErdPanels implements vscode.Disposable {
  private readonly entries = new Map<string, Entry>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly extensionUri: vscode.Uri, private readonly source: ErdSource) {
    this.disposables.push(
      vscode.workspace.onDidSaveTextDocument((document) => {
        if (this.entries.has(document.uri.toString())) void this.refresh(document.uri);
      }),
    );
  }

  async show(uri: vscode.Uri): Promise<void> {
    const key = uri.toString();
    const existing = this.entries.get(key);
    if (existing) {
      existing.panel.reveal(undefined, true);
    } else {
      const media = vscode.Uri.joinPath(this.extensionUri, 'media');
      const panel = vscode.window.createWebviewPanel(
        'schemaLang.erd',
        `ERD: ${path.basename(uri.fsPath)}`,
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
        { enableScripts: true, localResourceRoots: [media] },
      );
      const entry: Entry = { panel, generation: 0 };
      this.entries.set(key, entry);
      panel.webview.html = this.html(panel.webview);
      panel.webview.onDidReceiveMessage((message) => {
        // the webview (re)loaded, e.g. after it was hidden: send what it should show
        if (message?.type === 'ready' && entry.last) void panel.webview.postMessage(entry.last);
      });
      panel.onDidDispose(() => this.entries.delete(key));
    }
    await this.refresh(uri);
  }

  async refresh(uri: vscode.Uri): Promise<void> {
    const entry = this.entries.get(uri.toString());
    if (!entry) return;
    const generation = ++entry.generation;
    const file = path.basename(uri.fsPath);
    if (!entry.last) this.post(entry, { type: 'loading', file });
    let message: ToWebview;
    try {
      const text = await this.source.mermaidFor(uri);
      message = { type: 'render', text, file, when: new Date().toLocaleTimeString() };
    } catch (error) {
      message = { type: 'error', message: error instanceof Error ? error.message : String(error), file };
    }
    if (generation !== entry.generation || !this.entries.has(uri.toString())) return; // a newer refresh won
    this.post(entry, message);
  }

  private post(entry: Entry, message: ToWebview): void {
    entry.last = message;
    void entry.panel.webview.postMessage(message);
  }

  private html(webview: vscode.Webview): string {
    const nonce = crypto.randomBytes(16).toString('base64');
    const media = vscode.Uri.joinPath(this.extensionUri, 'media');
    const mermaid = webview.asWebviewUri(vscode.Uri.joinPath(media, 'vendor', 'mermaid.min.js'));
    const script = webview.asWebviewUri(vscode.Uri.joinPath(media, 'erd.js'));
    const style = webview.asWebviewUri(vscode.Uri.joinPath(media, 'erd.css'));
    const csp = [
      "default-src 'none'",
      `img-src ${webview.cspSource} data:`,
      // mermaid writes <style> into the SVG it produces
      `style-src ${webview.cspSource} 'unsafe-inline'`,
      `font-src ${webview.cspSource}`,
      `script-src 'nonce-${nonce}'`,
    ].join('; ');
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style}">
<title>ER diagram</title>
</head>
<body>
<header><span id="status">Loading…</span><button id="zoom" type="button" title="Toggle fit to width / actual size">Actual size</button></header>
<main id="diagram"></main>
<pre id="error" hidden></pre>
<script nonce="${nonce}" src="${mermaid}"></script>
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
  }

  dispose(): void {
    for (const entry of this.entries.values()) entry.panel.dispose();
    this.entries.clear();
    for (const disposable of this.disposables) disposable.dispose();
  }
}
