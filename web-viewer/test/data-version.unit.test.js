// Following the service's data version (src/data-version.js), in Node: the pure parts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { versionOf, versionInUrl, needsReload } from '../src/data-version.js';

test('the version /healthz reports is the one the tile URLs carry', () => {
  assert.equal(versionOf({ dataset_version: 'ab12', registry_version: 41, version: 'ab12-e1-r41-d0', store: 'ok' }), 'ab12-e1-r41-d0');
});

test('a tile URL template names its version, or none', () => {
  assert.equal(versionInUrl('http://h/tiles/{z}/{x}/{y}.mvt?v=ab12-r41'), 'ab12-r41');
  assert.equal(versionInUrl('/tiles/{z}/{x}/{y}.mvt?x=1&v=ab12-r7'), 'ab12-r7');
  assert.equal(versionInUrl('/tiles/{z}/{x}/{y}.mvt'), null);
  assert.equal(versionInUrl(undefined), null);
});

test('the layer reloads once for each new version, and never before it has loaded', () => {
  assert.equal(needsReload('a-r1', 'a-r2', null), true);
  assert.equal(needsReload('a-r1', 'a-r2', 'a-r2'), false, 'already asked for');
  assert.equal(needsReload('a-r2', 'a-r2', null), false, 'current');
  assert.equal(needsReload(null, 'a-r2', null), false, 'not loaded yet');
  assert.equal(needsReload('a-r2', 'a-r3', 'a-r2'), true, 'a later change');
  // A reload that did not bring its version (a failed TileJSON) is tried again, not at once.
  assert.equal(needsReload('a-r1', 'a-r2', 'a-r2', 3_000), false);
  assert.equal(needsReload('a-r1', 'a-r2', 'a-r2', 10_000), true);
});
