#!/usr/bin/env node
// Writes schema/schema-lang.schema.json from the pydantic models of the file format
// (`python -m schema_lang.cli json-schema`, run from the repository root), or with --check
// regenerates it in memory and fails when the committed file differs.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const repoRoot = path.resolve(__dirname, '..', '..');
const target = path.resolve(__dirname, '..', 'schema', 'schema-lang.schema.json');
const check = process.argv.includes('--check');

function generate() {
  const candidates = process.env.PYTHON ? [process.env.PYTHON] : ['python3', 'python'];
  for (const python of candidates) {
    const run = spawnSync(python, ['-m', 'schema_lang.cli', 'json-schema'], {
      cwd: repoRoot,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    if (run.error && run.error.code === 'ENOENT') continue;
    if (run.status !== 0) {
      process.stderr.write(run.stderr || String(run.error));
      console.error(`json-schema: '${python} -m schema_lang.cli json-schema' failed (run from ${repoRoot}; set PYTHON to a Python with schema-lang's dependencies)`);
      process.exit(2);
    }
    return run.stdout;
  }
  console.error('json-schema: no python3/python on PATH (set PYTHON)');
  process.exit(2);
}

const text = generate();
if (!check) {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, text);
  console.log(`wrote ${path.relative(process.cwd(), target)} (${text.length} bytes)`);
  process.exit(0);
}
const committed = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : '';
if (committed === text) {
  console.log('schema/schema-lang.schema.json is up to date');
  process.exit(0);
}
// a small line diff, enough to see what moved
const a = committed.split('\n');
const b = text.split('\n');
let first = 0;
while (first < a.length && first < b.length && a[first] === b[first]) first++;
console.error('schema/schema-lang.schema.json is out of date; run `npm run json-schema` and commit it.');
console.error(`first difference at line ${first + 1}:`);
console.error(`- ${a[first] ?? '<end of file>'}`);
console.error(`+ ${b[first] ?? '<end of file>'}`);
process.exit(1);
