// The viewer in a real browser: Debian's Chromium driven by playwright-core, against the real
// hue-map binary on a free port. Screenshots go to ../../artifacts/ (ignored by git).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { repo, startServer, launchBrowser, openMap as open, clickAt, panelText, axeViolations } from './harness.js';

const artifacts = path.join(repo, 'artifacts');
mkdirSync(artifacts, { recursive: true });

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  server?.stop();
});

const openMap = (url, viewport) => open(browser, server.base + url, viewport);

test('loads with no console errors, and a click at Ngọ Môn shows Phường Phú Xuân', async () => {
  const { page, errors, context } = await openMap('/#map=13/16.4668/107.5794');
  await clickAt(page, 107.5794, 16.4668);
  const text = await panelText(page, 'Phường Phú Xuân');
  assert.match(text, /Thành lập ngày 1\/7\/2025 từ/);
  assert.match(text, /Phường Tây Lộc/);
  assert.match(text, /394 Đinh Tiên Hoàng/);
  assert.match(text, /chỉ là gần đúng/, 'an approximate seat position is said in plain words');
  assert.match(text, /3 trụ sở gần nhất/);
  assert.match(page.url(), /commune=19753/);
  await page.waitForTimeout(500);
  await page.screenshot({ path: path.join(artifacts, 'desktop.png') });
  assert.deepEqual(errors, []);
  await context.close();
});

test('searching "vinh ninh" leads to Phường Thuận Hoá and says it was formed from it', async () => {
  const { page, context } = await openMap('/');
  await page.fill('#q', 'vinh ninh');
  await page.waitForSelector('#results li[data-index="0"]');
  assert.match(await page.textContent('#results li[data-index="0"]'), /Vĩnh Ninh.*Thuận Hoá/s);
  await page.click('#results li[data-index="0"]');
  const text = await panelText(page, 'Phường Thuận Hoá');
  // Focus lands on the answer's heading, and the one-line result is what is announced.
  assert.equal(await page.evaluate(() => document.activeElement.matches('#panel h2') && document.activeElement.textContent), 'Phường Thuận Hoá');
  assert.equal(await page.textContent('#result-line'), 'Phường Thuận Hoá');
  assert.match(text, /Phường Vĩnh Ninh \(trước 1\/7\/2025\) đã sáp nhập vào Phường Thuận Hoá/);
  // Both tone-mark spellings and plain text find the same ward.
  for (const query of ['thuan hoa', 'Thuận Hóa', 'Thuận Hoá']) {
    await page.fill('#q', query);
    await page.waitForFunction((q) => document.querySelector('#results li[data-index="0"]')?.textContent.includes('Phường Thuận Hoá') && document.getElementById('q').value === q, query);
  }
  await context.close();
});

test('a link with state restores the same selection', async () => {
  const { page, context } = await openMap('/?commune=19789#map=13/16.456/107.58');
  const text = await panelText(page, 'Phường Thuận Hoá');
  assert.match(text, /Phường Vĩnh Ninh/);
  const filter = await page.evaluate(() => window.hueMap.getFilter('commune-selected'));
  assert.deepEqual(filter, ['==', ['get', 'code'], '19789']);
  const center = await page.evaluate(() => window.hueMap.getCenter());
  assert.ok(Math.abs(center.lat - 16.456) < 0.01 && Math.abs(center.lng - 107.58) < 0.01);
  await context.close();
});

test('a shared ?commune= link fits the commune, and directions use the address of an approximate seat', async () => {
  const { page, errors, context } = await openMap('/?commune=19789');
  const text = await panelText(page, 'Phường Thuận Hoá');
  // The link carried no #map=, so the camera fits the ward (centre inside it, zoomed in).
  const bbox = await page.evaluate(async () => (await (await fetch('/api/v1/communes/19789')).json()).bbox);
  await page.waitForFunction(() => !window.hueMap.isMoving());
  const { center, zoom } = await page.evaluate(() => ({ center: window.hueMap.getCenter(), zoom: window.hueMap.getZoom() }));
  assert.ok(center.lng > bbox[0] && center.lng < bbox[2] && center.lat > bbox[1] && center.lat < bbox[3], JSON.stringify({ center, bbox }));
  assert.ok(zoom > 11, `zoom ${zoom}`);
  // The seat's position is a label point: both links carry its address, never the point.
  const seat = await page.evaluate(async () => (await (await fetch('/api/v1/communes/19789')).json()).properties.seat);
  assert.equal(seat.position_is_exact, false);
  assert.match(text, /Chỉ đường/);
  const geo = await page.getAttribute('#panel a[data-directions="geo"]', 'href');
  const osm = await page.getAttribute('#panel a[data-directions="osm"]', 'href');
  assert.equal(geo, `geo:0,0?q=${encodeURIComponent(seat.address)}`);
  assert.equal(osm, `https://www.openstreetmap.org/directions?to=${encodeURIComponent(seat.address)}`);
  assert.ok(!osm.includes(String(seat.lat)) && !geo.includes(String(seat.lat)), 'no coordinates of the label point');
  assert.equal(await page.getAttribute('#panel .copy-address', 'data-address'), seat.address);
  assert.deepEqual(errors, []);
  await context.close();
});

test('distances to approximate positions say so, in both languages', async () => {
  const { page, context } = await openMap('/#map=13/16.4668/107.5794');
  await clickAt(page, 107.5794, 16.4668);
  const text = await panelText(page, '3 trụ sở gần nhất');
  assert.match(text, /≈ [\d,.]+ (km|m), vị trí gần đúng/);
  await context.close();
  const english = await openMap('/?lang=en#map=13/16.4668/107.5794');
  await clickAt(english.page, 107.5794, 16.4668);
  assert.match(await panelText(english.page, '3 nearest offices'), /≈ [\d,.]+ (km|m), approximate position/);
  await english.context.close();
});

test('an unknown commune is named as such, and a search that cannot reach the API offers a retry', async () => {
  const { page, context } = await openMap('/?commune=99999');
  await panelText(page, 'Không có xã, phường nào mã 99999.');
  await page.route('**/api/v1/search**', (route) => route.abort('internetdisconnected'));
  await page.fill('#q', 'vinh ninh');
  await page.waitForSelector('#search-status #retry-search');
  assert.match(await page.textContent('#search-status'), /Không kết nối được máy chủ/);
  await page.unroute('**/api/v1/search**');
  await page.click('#retry-search');
  await page.waitForFunction(() => document.querySelector('#results li[data-index="0"]')?.textContent.includes('Thuận Hoá'));
  await context.close();
});

test('the legend explains the symbols and says there is no street map', async () => {
  const { page, context } = await openMap('/');
  await page.click('#legend summary');
  const legend = await page.textContent('#legend');
  assert.match(legend, /chỉ biết địa chỉ/);
  assert.match(legend, /Chưa cấu hình bản đồ đường phố/);
  await page.click('#lang');
  await page.waitForFunction(() => document.getElementById('legend').textContent.includes('No street map configured'));
  assert.match(await page.textContent('#legend'), /address only \(approximate position\)/);
  await context.close();
});

for (const viewport of [{ width: 360, height: 640 }, { width: 1280, height: 800 }]) {
  test(`axe finds no violations at ${viewport.width}×${viewport.height}, in both languages and both modes, with a commune selected`, async () => {
    const found = [];
    for (const query of ['?commune=19789', '?commune=19789&lang=en', '?commune=19789&mode=planning', '?commune=19789&lang=en&mode=planning']) {
      const { page, context } = await openMap(`/${query}`, viewport);
      await panelText(page, 'Thuận Hoá');
      if (query.includes('planning')) await page.waitForSelector('#units tbody tr');
      found.push(...(await axeViolations(page)).map((v) => `${query}: ${v}`));
      await context.close();
    }
    assert.deepEqual(found, []);
  });
}

test('on a phone, the fitted commune and a tapped point stay above the bottom sheet', async () => {
  const { page, context } = await openMap('/?commune=19789', { width: 360, height: 640 });
  await panelText(page, 'Phường Thuận Hoá');
  await page.waitForFunction(() => !window.hueMap.isMoving());
  const sheetTop = async () => (await page.locator('#panel').boundingBox()).y - (await page.locator('#map').boundingBox()).y;
  const bbox = await page.evaluate(async () => (await (await fetch('/api/v1/communes/19789')).json()).bbox);
  const corners = await page.evaluate((b) => [window.hueMap.project([b[0], b[1]]), window.hueMap.project([b[2], b[3]])], bbox);
  const top = await sheetTop();
  assert.ok(corners.every((c) => c.y <= top), `the ward ends above the sheet: ${JSON.stringify(corners)} vs ${top}`);
  // With the sheet closed, a tap low on the map, where the sheet will open, is brought above it.
  await page.click('#close-panel');
  const box = await page.locator('#map').boundingBox();
  // Three quarters down: where the sheet will be, above the attribution.
  await page.mouse.click(box.x + box.width / 2, box.y + box.height * 0.75);
  await panelText(page, '3 trụ sở gần nhất');
  const tapped = await page.evaluate(() => new URLSearchParams(location.search).get('commune'));
  assert.ok(tapped);
  await page.waitForFunction(() => !window.hueMap.isMoving());
  const marker = await page.locator('.maplibregl-marker').boundingBox();
  assert.ok(marker.y + marker.height - box.y <= await sheetTop(), 'the tapped point is above the sheet');
  await context.close();
});

test('at 360×640 every button is at least 44 × 44 px, and the mode toggle keeps its name', async () => {
  const { page, context } = await openMap('/?commune=19789&mode=planning', { width: 360, height: 640 });
  await page.waitForSelector('#units tbody tr');
  const small = await page.evaluate(() => [...document.querySelectorAll('header button, .maplibregl-ctrl-group button, #close-panel, #units th button, .action, #legend summary')]
    .filter((el) => el.offsetParent !== null)
    .map((el) => ({ name: el.getAttribute('aria-label') || el.textContent.trim(), box: el.getBoundingClientRect() }))
    .filter(({ box }) => box.width < 44 || box.height < 44)
    .map(({ name, box }) => `${name}: ${Math.round(box.width)}×${Math.round(box.height)}`));
  assert.deepEqual(small, []);
  assert.equal(await page.textContent('#mode'), 'Quy hoạch');
  assert.equal(await page.getAttribute('#mode', 'aria-pressed'), 'true');
  await context.close();
});

test('at 360×640 the panel is a visible, usable bottom sheet', async () => {
  const { page, errors, context } = await openMap('/#map=12/16.46/107.58', { width: 360, height: 640 });
  await clickAt(page, 107.7026, 16.4015);
  await panelText(page, 'Phường Phú Bài');
  const box = await page.locator('#panel').boundingBox();
  assert.ok(box.width >= 340 && box.y > 200 && Math.round(box.y + box.height) <= 640, JSON.stringify(box));
  await page.click('#close-panel');
  assert.equal(await page.isHidden('#panel'), true);
  await clickAt(page, 107.5774, 16.4565);
  await panelText(page, 'Phường Thuận Hoá');
  await page.evaluate(() => new Promise((resolve) => (window.hueMap.areTilesLoaded() ? resolve() : window.hueMap.once('idle', resolve))));
  await page.screenshot({ path: path.join(artifacts, 'phone.png') });
  assert.deepEqual(errors, []);
  await context.close();
});

test('outside Huế the panel names the nearest commune and its distance', async () => {
  const { page, context } = await openMap('/#map=9/16.2/108.0');
  await clickAt(page, 108.2022, 16.0544);
  const text = await panelText(page, 'nằm ngoài Thành phố Huế');
  assert.match(text, /Xã Chân Mây - Lăng Cô \(\d+([,.]\d)? km\)/);
  await context.close();
});

test('English switch, and a denied location gets a clear message', async () => {
  const { page, context } = await openMap('/');
  await page.click('#lang');
  assert.equal(await page.textContent('h1'), 'Communes and wards of Huế City');
  assert.match(page.url(), /lang=en/);
  await page.click('#locate-me');
  const text = await panelText(page, 'location');
  assert.match(text, /permission was denied|could not provide a location/);
  await context.close();
});

test('planning mode: the sortable table of 40 units, lineage and quality findings', async () => {
  const { page, context } = await openMap('/?mode=planning');
  await page.waitForFunction(() => document.querySelectorAll('#units tbody tr').length === 40);
  await page.waitForFunction(() => document.querySelectorAll('#findings li').length >= 5);
  assert.match(await page.textContent('#findings'), /Dương Nỗ/);
  await page.click('#units th button[data-key="area_km2"]');
  await page.click('#units th button[data-key="area_km2"]');
  const first = await page.textContent('#units tbody tr:first-child td:nth-child(2)');
  assert.equal(first, 'Phường Phong Điền', 'largest official area first after sorting descending');
  await page.click('#units tbody tr:first-child');
  const text = await panelText(page, 'Phường Phong Điền');
  assert.match(text, /Thành lập ngày 1\/7\/2025 từ/);
  await page.screenshot({ path: path.join(artifacts, 'planning.png') });
  await context.close();
});

test("a resident's page never loads the planning code; switching planning on loads it", async () => {
  const { page, context } = await openMap('/?commune=19789');
  await panelText(page, 'Phường Thuận Hoá');
  const loaded = () => page.evaluate(() => performance.getEntriesByType('resource').some((r) => r.name.endsWith('/viewer/planning.js')));
  assert.equal(await loaded(), false);
  await page.click('#mode');
  await page.waitForFunction(() => document.querySelectorAll('#units tbody tr').length === 40);
  assert.equal(await loaded(), true);
  assert.equal(await page.getAttribute('#units tbody tr[data-code="19789"]', 'aria-selected'), null, 'marked on the next selection');
  await page.click('#units tbody tr[data-code="19753"]');
  await panelText(page, 'Phường Phú Xuân');
  assert.equal(await page.getAttribute('#units tbody tr[data-code="19753"]', 'aria-selected'), 'true');
  await context.close();
});

test('the API reference at /docs renders offline from /openapi.json', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const external = [];
  page.on('request', (request) => { if (!request.url().startsWith(server.base)) external.push(request.url()); });
  await page.goto(server.base + '/docs');
  // Scalar renders the document's title and the operations' summaries from our OpenAPI.
  await page.getByText('Which commune holds a point', { exact: false }).first().waitFor({ timeout: 60_000 });
  await page.getByText('hue-map', { exact: false }).first().waitFor({ timeout: 10_000 });
  await page.screenshot({ path: path.join(artifacts, 'docs.png') });
  assert.deepEqual(external.filter((url) => !url.startsWith('data:') && !url.startsWith('blob:')), [], 'the docs page fetched nothing from outside');
  await context.close();
});

test('loading the map shifts nothing on a phone (cumulative layout shift under 0.05)', async () => {
  const context = await browser.newContext({ viewport: { width: 412, height: 823 }, isMobile: true, hasTouch: true, serviceWorkers: 'block' });
  const page = await context.newPage();
  await page.addInitScript(() => {
    window.layoutShift = 0;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.layoutShift += entry.value;
    }).observe({ type: 'layout-shift', buffered: true });
  });
  await page.goto(`${server.base}/?commune=19789`);
  await page.waitForFunction(() => window.hueMapIdle === true, null, { timeout: 90_000 });
  await panelText(page, 'Phường Thuận Hoá');
  // The attribution, which grows as sources load, sits apart from the zoom buttons.
  const shift = await page.evaluate(() => window.layoutShift);
  assert.ok(shift < 0.05, `cumulative layout shift ${shift}`);
  assert.equal(await page.locator('.maplibregl-ctrl-bottom-left .maplibregl-ctrl-attrib').count(), 1);
  await context.close();
});

test('on a phone: "my location" draws you-are-here with its accuracy, the seat and its buttons come first, a switch of language says it again, and the credit is folded', async () => {
  const { page, errors, context } = await openMap('/#map=12/16.46/107.58', { width: 360, height: 640 });
  await context.grantPermissions(['geolocation'], { origin: server.base });
  await context.setGeolocation({ latitude: 16.4565, longitude: 107.5774, accuracy: 60 });
  await page.click('#locate-me');
  await panelText(page, 'Phường Thuận Hoá');
  // A blue dot in its accuracy circle, not the marker of a tapped point.
  const here = await page.evaluate(async () => (await window.hueMap.getSource('you-are-here').getData()).features.map((f) => f.geometry.type));
  assert.deepEqual(here, ['Polygon', 'Point']);
  assert.equal(await page.locator('.maplibregl-marker').count(), 0);
  await page.waitForFunction(() => window.hueMap.queryRenderedFeatures({ layers: ['you-are-here', 'you-are-here-accuracy'] }).length >= 2);

  // The seat's address, directions and call come before the lineage, above the fold.
  const order = await page.$eval('#panel-body', (el) => ['Trụ sở', 'Chỉ đường', 'Thành lập ngày 1/7/2025 từ'].map((s) => el.textContent.indexOf(s)));
  assert.ok(order[0] >= 0 && order[0] < order[2] && order[1] < order[2], `order ${order}`);
  const directions = await page.locator('#panel-body [data-directions="geo"]').boundingBox();
  assert.ok(directions && directions.y + directions.height <= 640, `directions at ${JSON.stringify(directions)}`);

  // Switching language says the open answer again, in English.
  await page.click('#lang');
  await panelText(page, 'Formed on 1 July 2025 from');
  assert.doesNotMatch(await page.textContent('#panel-body'), /Thành lập ngày/);

  // The map's credit is folded into its (i) button.
  await mapSettledOnce(page);
  assert.equal(await page.locator('.maplibregl-ctrl-attrib.maplibregl-compact-show').count(), 0);
  assert.equal(await page.locator('.maplibregl-ctrl-attrib.maplibregl-compact').count(), 1);
  assert.deepEqual(await axeViolations(page), []);
  assert.deepEqual(errors, []);
  await context.close();
});

function mapSettledOnce(page) {
  return page.evaluate(() => new Promise((resolve) => (window.hueMap.loaded() && !window.hueMap.isMoving() ? resolve() : window.hueMap.once('idle', resolve))));
}
