// A hosted MapLibre style (--basemap-style URL) under the communes, in Chromium at 360×640.
// The "host" is a small HTTP server started here, on another origin (another port), serving
// a style whose source is a relative URL: the page must fetch both through its
// Content-Security-Policy, which lets exactly that origin in.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startServer, launchBrowser, openMap, panelText, axeViolations } from './harness.js';

const STREET = 'Đường phố của bản đồ thuê';
const HOSTED_STYLE = {
  version: 8,
  name: 'a city basemap',
  glyphs: 'https://fonts.example/{fontstack}/{range}.pbf',
  sources: { streets: { type: 'geojson', data: 'streets.geojson' } },
  layers: [
    { id: 'land', type: 'background', paint: { 'background-color': '#f2efe9' } },
    { id: 'roads', type: 'line', source: 'streets', paint: { 'line-color': '#8a8a8a', 'line-width': 6 } },
    { id: 'road-names', type: 'symbol', source: 'streets', layout: { 'text-field': ['get', 'name'], 'text-font': ['Hosted Sans Bold'], 'symbol-placement': 'line' } },
    // A layer this MapLibre does not know (a newer spec, a typo): skipped, not fatal.
    { id: 'broken', type: 'no-such-layer-type', source: 'streets' },
  ],
};
const STREETS = {
  type: 'FeatureCollection',
  features: [{ type: 'Feature', properties: { name: STREET }, geometry: { type: 'LineString', coordinates: [[107.560, 16.4625], [107.596, 16.4625]] } }],
};

let host;
let hostOrigin;
let server;
let browser;

before(async () => {
  host = http.createServer((request, response) => {
    const body = { '/styles/city.json': HOSTED_STYLE, '/styles/streets.geojson': STREETS }[request.url];
    response.writeHead(body ? 200 : 404, { 'Content-Type': 'application/json', 'Access-Control-Allow-Origin': '*' });
    response.end(JSON.stringify(body ?? { error: 'not found' }));
  });
  await new Promise((resolve) => host.listen(0, '127.0.0.1', resolve));
  hostOrigin = `http://127.0.0.1:${host.address().port}`;
  server = await startServer(['--basemap-style', `${hostOrigin}/styles/city.json`]);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  server?.stop();
  host?.close();
});

test('a hosted style is drawn under the communes, in our font, through a policy that names its origin', async () => {
  const page_ = await fetch(`${server.base}/`, { headers: { Accept: 'text/html' } });
  const policy = page_.headers.get('content-security-policy');
  assert.match(policy, new RegExp(`connect-src 'self' ${hostOrigin};`));
  assert.match(policy, new RegExp(`img-src 'self' data: blob: ${hostOrigin};`));

  const { page, errors, context } = await openMap(browser, `${server.base}/?commune=19789#map=14/16.462/107.578`, { width: 360, height: 640 });
  await panelText(page, 'Phường Thuận Hoá');
  await page.waitForFunction(() => window.hueMap.getLayer('basemap-road-names'), null, { timeout: 30_000 });
  const style = await page.evaluate(() => window.hueMap.getStyle());
  const order = style.layers.map((l) => l.id);
  assert.deepEqual(order.slice(0, 3), ['basemap-land', 'basemap-roads', 'basemap-road-names']);
  assert.ok(order.indexOf('basemap-roads') < order.indexOf('communes-fill'), 'the streets sit under the communes');
  assert.ok(!order.includes('background'), 'our plain background gives way to the hosted one');
  assert.ok(!order.includes('basemap-broken'), 'the layer MapLibre refused is left out');
  const ours = style.layers.find((l) => l.id === 'commune-labels').layout['text-font'];
  assert.deepEqual(style.layers.find((l) => l.id === 'basemap-road-names').layout['text-font'], ours, 'labelled with our glyphs');
  assert.match(style.glyphs, new RegExp(`^${server.base}/fonts/`));
  // MapLibre fetched the source from the host (a relative URL, made absolute) and drew it.
  await page.waitForFunction(
    (name) => window.hueMap.queryRenderedFeatures({ layers: ['basemap-roads'] }).some((f) => f.properties.name === name),
    STREET, { timeout: 30_000 },
  );
  await page.click('#legend summary');
  assert.equal(await page.isHidden('#basemap-note'), true);
  assert.deepEqual(await axeViolations(page), []);
  // MapLibre reports the refused layer; nothing else may fail (no policy violation, no request).
  assert.deepEqual(errors.filter((e) => !e.includes('no-such-layer-type')), []);
  await context.close();
});

test('when the hosted style cannot be reached, the map still works and says the street map is missing', async () => {
  const unreachable = await startServer(['--basemap-style', 'http://127.0.0.1:9/styles/none.json']);
  try {
    const { page, context } = await openMap(browser, `${unreachable.base}/?commune=19789&lang=en`, { width: 360, height: 640 });
    await panelText(page, 'Thuận Hoá');
    await page.click('#legend summary');
    assert.match(await page.textContent('#basemap-note'), /street map could not be loaded/);
    const order = await page.evaluate(() => window.hueMap.getStyle().layers.map((l) => l.id));
    assert.ok(!order.some((id) => id.startsWith('basemap-')));
    assert.equal(order[0], 'background', 'our own background stays under the communes');
    await context.close();
  } finally {
    unreachable.stop();
  }
});
