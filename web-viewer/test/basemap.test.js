// The street basemap under the communes, in Chromium at 360×640: a synthetic archive in the
// Protomaps basemap schema, written by the test itself (tests/python/make_basemap.py), served
// with --basemap; MapLibre draws its roads under our layers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repo, startServer, launchBrowser, openMap, panelText, axeViolations } from './harness.js';

let server;
let browser;
let folder;

before(async () => {
  folder = mkdtempSync(path.join(tmpdir(), 'hue-map-basemap-'));
  const archive = path.join(folder, 'streets.pmtiles');
  const python = path.join(process.env.HUE_MAP_VENV || path.join(repo, '.venv'), 'bin/python');
  execFileSync(python, [path.join(repo, 'tests/python/make_basemap.py'), archive]);
  server = await startServer(['--basemap', archive]);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  server?.stop();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

test('at 360×640 the map shows the streets under the communes, and says nothing about a missing street map', async () => {
  const { page, errors, context } = await openMap(browser, `${server.base}/?commune=19789#map=14/16.462/107.578`, { width: 360, height: 640 });
  await panelText(page, 'Phường Thuận Hoá');
  const order = await page.evaluate(() => window.hueMap.getStyle().layers.map((l) => l.id));
  const roads = order.indexOf('basemap-roads_major');
  assert.ok(roads >= 0 && roads < order.indexOf('communes-fill') && roads < order.indexOf('commune-labels'), 'streets sit under every commune layer');
  assert.ok(!order.includes('background'), 'our plain background gives way to the basemap');
  // MapLibre drew the synthetic roads (rendered features, not just the style's promise).
  await page.waitForFunction(() => {
    const names = window.hueMap.queryRenderedFeatures({ layers: ['basemap-roads_major', 'basemap-roads_minor'] }).map((f) => f.properties.name);
    return names.includes('Đường thử nghiệm 1') && names.includes('Đường thử nghiệm 2');
  }, null, { timeout: 30_000 });
  const water = await page.evaluate(() => window.hueMap.queryRenderedFeatures({ layers: ['basemap-water'] }).length);
  assert.ok(water > 0, 'the river is drawn');
  await page.click('#legend summary');
  assert.equal(await page.isHidden('#basemap-note'), true);
  assert.doesNotMatch(await page.textContent('#legend'), /Chưa cấu hình bản đồ đường phố/);
  assert.deepEqual(await axeViolations(page), []);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the basemap has its own TileJSON, and its tiles come from the archive', async () => {
  const tilejson = await (await fetch(`${server.base}/basemap.json`)).json();
  assert.equal(tilejson.tilejson, '3.0.0');
  assert.equal(tilejson.maxzoom, 15);
  assert.match(tilejson.tiles[0], /\/basemap\/\{z\}\/\{x\}\/\{y\}\.mvt$/);
  const style = await (await fetch(`${server.base}/style.json`)).json();
  assert.equal(style.sources.basemap.url, `${server.base}/basemap.json`);
  const fonts = new Set(style.layers.flatMap((l) => JSON.stringify(l.layout?.['text-font'] ?? []).match(/"[^"]*Sans[^"]*"/g) ?? []));
  assert.deepEqual([...fonts], ['"DejaVu Sans Book"'], 'every label in the font the server has');
  const tile = await fetch(`${server.base}/basemap/14/13087/7433.mvt`, { headers: { 'Accept-Encoding': 'identity' } });
  assert.equal(tile.status, 200);
  assert.equal(tile.headers.get('content-encoding'), null);
  const bytes = new Uint8Array(await tile.arrayBuffer());
  assert.ok(bytes.length > 0 && !(bytes[0] === 0x1f && bytes[1] === 0x8b), 'decompressed for a client that does not accept gzip');
  assert.equal(tile.headers.get('content-type'), 'application/vnd.mapbox-vector-tile');
  const empty = await fetch(`${server.base}/basemap/14/0/0.mvt`);
  assert.equal(empty.status, 204);
});

test('searching "dai noi" finds the basemap\'s landmark and shows its commune, at 360×640 and in English', async () => {
  const { page, errors, context } = await openMap(browser, `${server.base}/`, { width: 360, height: 640 });
  await page.fill('#q', 'dai noi');
  await page.waitForSelector('#results li[data-index]');
  assert.match(await page.textContent('#result-0'), /^Đại Nội.*Phường Phú Xuân/);
  await page.click('#result-0');
  await panelText(page, 'Đại Nội thuộc Phường Phú Xuân.');
  assert.deepEqual(await axeViolations(page), []);
  await context.close();

  const english = await openMap(browser, `${server.base}/?lang=en`, { width: 1280, height: 800 });
  await english.page.fill('#q', 'imperial');
  await english.page.waitForSelector('#results li[data-index]');
  await english.page.click('#result-0');
  await panelText(english.page, 'Imperial City is in Phường Phú Xuân.');
  assert.deepEqual(await axeViolations(english.page), []);
  assert.deepEqual([...errors, ...english.errors], []);
  await english.context.close();
});
