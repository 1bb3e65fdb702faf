// The state in the link (src/state.js), in Node: no server, no browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readLink, linkFor } from '../src/state.js';

test('a bare link is the Vietnamese resident map with no commune', () => {
  assert.deepEqual(readLink('', ''), { lang: 'vi', planning: false, editing: false, commune: null, hadView: false });
});

test('a link names its language, mode, commune and view', () => {
  assert.deepEqual(readLink('?commune=19789&lang=en&mode=planning', '#map=13/16.456/107.58'),
    { lang: 'en', planning: true, editing: false, commune: '19789', hadView: true });
  assert.equal(readLink('?mode=edit', '').editing, true);
  assert.equal(readLink('?mode=edit', '').planning, false);
});

test('an unknown language or mode falls back to Vietnamese and the resident map', () => {
  const link = readLink('?lang=fr&mode=admin', '#other=1');
  assert.equal(link.lang, 'vi');
  assert.equal(link.planning || link.editing, false);
  assert.equal(link.hadView, false);
});

test('the link keeps other parameters and the hash, and says only what differs from the default', () => {
  const here = { pathname: '/', search: '?utm=x&commune=19789', hash: '#map=13/16.4/107.5' };
  assert.equal(linkFor(here, { lang: 'vi', planning: false, editing: false }), '/?utm=x&commune=19789#map=13/16.4/107.5');
  assert.equal(linkFor(here, { lang: 'en', planning: true, editing: false }), '/?utm=x&commune=19789&lang=en&mode=planning#map=13/16.4/107.5');
  assert.equal(linkFor({ pathname: '/', search: '?lang=en&mode=planning', hash: '' }, { lang: 'vi', planning: false, editing: false }), '/');
});

test('a commune is set, replaced or removed only when given', () => {
  const here = { pathname: '/', search: '?commune=19789', hash: '' };
  const resident = { lang: 'vi', planning: false, editing: false };
  assert.equal(linkFor(here, resident, '19753'), '/?commune=19753');
  assert.equal(linkFor(here, resident, null), '/');
  assert.equal(linkFor(here, resident, ''), '/');
  assert.equal(linkFor(here, resident, undefined), '/?commune=19789');
});

test('planning wins over editing, and editing keeps its mode', () => {
  const here = { pathname: '/', search: '?mode=edit', hash: '' };
  assert.equal(linkFor(here, { lang: 'vi', planning: false, editing: true }), '/?mode=edit');
  assert.equal(linkFor(here, { lang: 'vi', planning: true, editing: true }), '/?mode=planning');
});

test('what is written reads back the same', () => {
  const state = { lang: 'en', planning: true, editing: false };
  const link = linkFor({ pathname: '/', search: '', hash: '#map=12/16.46/107.58' }, state, '19789');
  const [search, hash] = [link.slice(1, link.indexOf('#')), link.slice(link.indexOf('#'))];
  assert.deepEqual(readLink(search, hash), { ...state, commune: '19789', hadView: true });
});
