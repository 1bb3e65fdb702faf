// The web map on the national dataset (all 34 provinces): it opens on the whole country, and
// its province picker fits a province; at 360×640 and 1280×800, axe-clean. On Huế's dataset
// (every other suite) the picker stays hidden.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, launchBrowser, openMap, mapSettled, axeViolations } from './harness.js';

const national = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/data/vietnam-2025');
let server;
let browser;

before(async () => {
  // No pyramid ahead of time: the tiles this test draws are made on demand.
  server = await startServer(['--pyramid-maxzoom', '0'], { dataDir: national });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  server?.stop();
});

const bounds = (page) => page.evaluate(() => window.hueMap.getBounds().toArray().flat());

for (const viewport of [{ width: 360, height: 640 }, { width: 1280, height: 800 }]) {
  test(`the page opens on the whole country and the province picker fits Hồ Chí Minh (${viewport.width}×${viewport.height})`, async () => {
    const { page, errors, context } = await openMap(browser, `${server.base}/`, viewport, { serviceWorkers: 'allow' });
    // The first picture is the country's, not Huế's: the server's page carries its box.
    const stillUrl = await (await page.waitForFunction(() => performance.getEntriesByType('resource')
      .map((entry) => entry.name).find((name) => name.includes('/api/v1/map.svg')))).jsonValue();
    const [sw, ss, se, sn] = new URL(stillUrl).searchParams.get('bbox').split(',').map(Number);
    assert.ok(sw <= 102.2 && se >= 109.4 && ss <= 8.6 && sn >= 23.3, `the still picture shows the country: ${stillUrl}`);
    await page.waitForSelector('#province:not([hidden]) option[value="79"]', { state: 'attached' });
    await page.waitForFunction(() => window.hueMap.getBounds().getNorth() > 22 && window.hueMap.getBounds().getSouth() < 9);
    await mapSettled(page);
    const [west, south, east, north] = await bounds(page);
    assert.ok(west <= 102.2 && east >= 109.4 && south <= 8.6 && north >= 23.3, `the country: ${[west, south, east, north]}`);
    assert.equal(await page.locator('#province option').count(), 35, 'the country and its 34 provinces');
    assert.equal(await page.title(), 'Xã, phường cả nước');
    assert.deepEqual(await axeViolations(page), []);

    // No offline pack is saved for the whole country (about 15 MB): the page says to pick a
    // province, and picking one saves that province's pack.
    assert.equal(await page.textContent('#offline-note'), 'Chọn tỉnh, thành phố để lưu bản đồ của tỉnh đó dùng khi mất mạng.');
    await page.selectOption('#province', '79');
    await page.waitForFunction(() => window.hueMap.getBounds().getNorth() < 12);
    await page.waitForFunction(() => String(window.hueMapOfflineReady ?? '').endsWith('-79'), null, { timeout: 120_000 });
    const packs = await page.evaluate(async () => (await (await caches.open('hue-map-offline-current')).keys())
      .map((request) => new URL(request.url)).filter((url) => url.pathname === '/api/v1/offline-pack').map((url) => url.search));
    assert.deepEqual(packs, ['?province=79']);
    assert.equal(await page.textContent('#offline-note'), 'Đã lưu bản đồ để dùng khi mất mạng.');
    assert.equal(await page.getAttribute('#download-fgb', 'href'), '/api/v1/export/communes.fgb?province=79');
    assert.equal(await page.getAttribute('#download-all', 'href'), '/api/v1/export/communes.geojson?province=79');
    assert.equal(await page.textContent('#download-all'), 'Tải tỉnh này (GeoJSON)');
    await mapSettled(page);
    const [w, s, e, n] = await bounds(page);
    assert.ok(w < 106.4 && e > 107.0 && s < 10.4 && n > 11.1 && n < 12.0 && s > 8.0, `Hồ Chí Minh: ${[w, s, e, n]}`);
    // In English the picker speaks English.
    await page.click('#lang');
    assert.equal(await page.locator('#province option[value=""]').textContent(), 'Whole country');
    assert.equal(await page.textContent('.bar h1'), 'Communes and wards of Vietnam');
    // No Huế wording is left: the planning table's heading names the country, and Huế's
    // population caveat is not shown.
    assert.equal(await page.textContent('h2[data-i18n="unitsTable"]'), 'Administrative units of Vietnam');
    assert.equal(await page.textContent('[data-i18n="populationCaveat"]'), '');
    assert.deepEqual(await axeViolations(page), []);
    assert.deepEqual(errors, []);
    await context.close();
  });
}
