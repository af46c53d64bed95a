#!/usr/bin/env node
// Loads dist/extension.js with a stand-in `vscode` module, only to show that the bundle has no
// syntax error and no missing import, and exports activate/deactivate. Not an integration test:
// nothing runs inside VS Code here.
'use strict';
const Module = require('module');
const path = require('path');

// a stand-in where any property is another stand-in, callable and constructible
function stub(name) {
  const target = function () {};
  return new Proxy(target, {
    get(_t, key) {
      if (key === Symbol.toPrimitive) return () => `[vscode stub ${name}]`;
      if (key === 'then') return undefined; // not a thenable
      if (key === 'prototype') return target.prototype;
      return stub(`${name}.${String(key)}`);
    },
    apply: () => stub(`${name}()`),
    construct: () => stub(`new ${name}`),
  });
}

const originalLoad = Module._load;
Module._load = function (request, parent, isMain) {
  if (request === 'vscode') return stub('vscode');
  return originalLoad.call(this, request, parent, isMain);
};

const file = path.resolve(__dirname, '..', 'dist', 'extension.js');
const extension = require(file);
for (const name of ['activate', 'deactivate']) {
  if (typeof extension[name] !== 'function') {
    console.error(`${file} does not export ${name}()`);
    process.exit(1);
  }
}
console.log(`${path.relative(process.cwd(), file)} loads; exports: ${Object.keys(extension).join(', ')}`);
