#!/usr/bin/env node
// Bundles src/extension.ts into dist/extension.js (CommonJS, `vscode` external) and copies the
// mermaid browser build into media/vendor/ for the ER diagram webview (no CDN).
//   node scripts/build.js [--production] [--watch]
'use strict';
const esbuild = require('esbuild');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

function copyMermaid() {
  const source = require.resolve('mermaid/dist/mermaid.min.js', { paths: [root] });
  const target = path.join(root, 'media', 'vendor', 'mermaid.min.js');
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.copyFileSync(source, target);
  const license = path.join(path.dirname(source), '..', 'LICENSE');
  if (fs.existsSync(license)) fs.copyFileSync(license, path.join(path.dirname(target), 'mermaid.LICENSE'));
}

async function main() {
  copyMermaid();
  const options = {
    entryPoints: [path.join(root, 'src', 'extension.ts')],
    outfile: path.join(root, 'dist', 'extension.js'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node18',
    external: ['vscode'],
    sourcemap: production ? false : 'linked',
    minify: production,
    logLevel: 'info',
  };
  if (watch) {
    const context = await esbuild.context(options);
    await context.watch();
  } else {
    await esbuild.build(options);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
