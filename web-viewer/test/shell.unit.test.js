// The service worker (src/sw.js) saves the app shell for offline use: a module the page loads
// but the shell does not list is missing offline, and the page with it. Read from the files,
// in Node: every module the entry reaches, by static or dynamic import, must be listed (the
// editor excepted, which needs the network for everything it does).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const src = path.join(path.dirname(fileURLToPath(import.meta.url)), '../src');
const ONLINE_ONLY = new Set(['/viewer/editor.js']);

/** The /viewer/ URLs a module imports, statically or dynamically. */
function importsOf(url) {
  const text = readFileSync(path.join(src, url.replace('/viewer/', '')), 'utf8');
  const specifiers = [...text.matchAll(/(?:^import\s[^'"]*|import\()\s*'([^']+)'/gm)].map((m) => m[1]);
  return specifiers.filter((s) => !s.startsWith('/vendor/')).map((s) => new URL(s, `http://page${url}`).pathname);
}

test('the shell lists every module the page can load', () => {
  const sw = readFileSync(path.join(src, 'sw.js'), 'utf8');
  const list = sw.slice(sw.indexOf('const SHELL'), sw.indexOf('];', sw.indexOf('const SHELL'))).replace(/\/\/.*$/gm, '');
  const shell = new Set([...list.matchAll(/'([^']+)'/g)].map((m) => m[1]));
  const reached = new Set();
  const pending = ['/viewer/still-map.js'];
  while (pending.length) {
    const url = pending.pop();
    if (reached.has(url) || ONLINE_ONLY.has(url)) continue;
    reached.add(url);
    pending.push(...importsOf(url));
  }
  assert.ok(reached.has('/viewer/app.js') && reached.has('/viewer/planning.js') && reached.has('/viewer/offline.js'), [...reached].join(' '));
  assert.deepEqual([...reached].filter((url) => !shell.has(url)), []);
});
