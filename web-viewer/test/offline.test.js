// Offline, installable: the manifest and icons, the service worker saving the map and the
// offline pack, and, with the network gone and the page reloaded, a tap that still names the
// commune and its office. Against the real server, in Debian's Chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, openMap, startLive, clickAt, panelText, axeViolations } from './harness.js';

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

/** Waits until the service worker says the map is saved, at `version` if given. */
async function savedForOffline(page, version) {
  await page.waitForFunction((v) => window.hueMapOfflineReady && (!v || window.hueMapOfflineReady === v), version, { timeout: 180_000 });
  return page.evaluate(() => window.hueMapOfflineReady);
}

test('the web app manifest names the app in Vietnamese, with SVG and PNG icons', async () => {
  const response = await fetch(`${server.base}/viewer/manifest.webmanifest`);
  assert.equal(response.headers.get('content-type'), 'application/manifest+json');
  const manifest = await response.json();
  assert.equal(manifest.lang, 'vi');
  assert.equal(manifest.display, 'standalone');
  assert.equal(manifest.start_url, '/');
  const sizes = manifest.icons.map((i) => i.sizes);
  assert.ok(sizes.includes('192x192') && sizes.includes('512x512') && sizes.includes('any'));
  for (const icon of manifest.icons) {
    const image = await fetch(server.base + icon.src);
    assert.equal(image.status, 200, icon.src);
    assert.equal(image.headers.get('content-type'), icon.type, icon.src);
  }
  // Static files carry an ETag and revalidate, rather than expire after a fixed time.
  const script = await fetch(`${server.base}/viewer/app.js`);
  const etag = script.headers.get('etag');
  assert.ok(etag && script.headers.get('cache-control') === 'no-cache');
  assert.equal((await fetch(`${server.base}/viewer/app.js`, { headers: { 'If-None-Match': etag } })).status, 304);
});

test('after going offline and reloading, a tap still names the commune and its office, and search still answers', async () => {
  const { page, context, errors } = await openMap(browser, `${server.base}/#map=13/16.4668/107.5794`, undefined, { serviceWorkers: 'allow' });
  const version = await savedForOffline(page);
  assert.match(version, /^[0-9a-f]+-[0-9a-z]+-r\d+-[0-9a-f]+-p\d+$/i);
  await page.click('#legend summary');
  assert.match(await page.textContent('#legend'), /Đã lưu bản đồ để dùng khi mất mạng/);

  await context.setOffline(true);
  await page.reload();
  // The still picture may come from the HTTP cache; touching the map starts the live map,
  // which draws from the saved tiles.
  await startLive(page);
  await page.waitForFunction(() => window.hueMapIdle === true, null, { timeout: 90_000 });
  // The map itself is drawn from the saved tiles.
  const drawn = await page.evaluate(() => window.hueMap.queryRenderedFeatures({ layers: ['communes-fill'] }).length);
  assert.ok(drawn > 0, 'commune fills are drawn offline');

  await clickAt(page, 107.5794, 16.4668);
  const text = await panelText(page, 'Phường Phú Xuân');
  assert.match(text, /Ngoại tuyến: trả lời từ bản đồ đã lưu/);
  assert.match(text, /Trụ sở Phường Phú Xuân/);
  assert.match(text, /394 Đinh Tiên Hoàng/);
  assert.match(text, /Phường Tây Lộc/, 'the former units come from the pack too');
  assert.match(text, /3 trụ sở gần nhất/);
  assert.match(text, /≈ [\d,.]+ (km|m), vị trí gần đúng/);

  await page.fill('#q', 'vinh ninh');
  await page.waitForFunction(() => document.querySelector('#results li[data-index="0"]')?.textContent.includes('Thuận Hoá'));
  assert.match(await page.textContent('#results .offline-note'), /Ngoại tuyến/);
  // Tones are never confused: "Thuận Hòa" is the former ward of that name, not Thuận Hoá.
  await page.fill('#q', 'Thuận Hòa');
  await page.waitForFunction(() => document.getElementById('q').value === 'Thuận Hòa'
    && document.querySelector('#results li[data-index="0"]')?.textContent.includes('Phường Thuận Hòa'));
  const found = await page.$$eval('#results li[data-index]', (items) => items.map((i) => i.textContent));
  assert.ok(found.every((text) => !text.startsWith('Phường Thuận Hoá')), found.join(' | '));
  assert.deepEqual(await axeViolations(page), []);
  await context.setOffline(false);
  assert.deepEqual(errors.filter((e) => !/ERR_INTERNET_DISCONNECTED|Failed to fetch|net::/.test(e)), []);
  await context.close();
});

test('when the server hangs rather than refuses, a tap still answers from the saved map', async () => {
  const { page, context } = await openMap(browser, `${server.base}/#map=13/16.4668/107.5794`, undefined, { serviceWorkers: 'allow' });
  await savedForOffline(page);
  await page.reload();
  await startLive(page);
  await page.waitForFunction(() => window.hueMapIdle === true && navigator.serviceWorker.controller !== null, null, { timeout: 90_000 });
  server.pause();
  try {
    await clickAt(page, 107.5794, 16.4668);
    const text = await panelText(page, 'Phường Phú Xuân');
    assert.match(text, /Ngoại tuyến: trả lời từ bản đồ đã lưu/);
    assert.match(text, /394 Đinh Tiên Hoàng/);
  } finally {
    server.resume();
  }
  await context.close();
});

test('when the registry changes, the saved map and pack are refreshed', async () => {
  const { page, context } = await openMap(browser, `${server.base}/`, undefined, { serviceWorkers: 'allow' });
  const before = await savedForOffline(page);
  const admin = server.token('admin', 'Quản trị viên');
  const office = await fetch(`${server.base}/api/v1/offices/seat-19813`);
  const patched = await fetch(`${server.base}/api/v1/offices/seat-19813`, {
    method: 'PATCH',
    headers: { Authorization: `Bearer ${admin}`, 'If-Match': office.headers.get('etag'), 'Content-Type': 'application/merge-patch+json' },
    body: JSON.stringify({ phone: '0234 3888 999', reason: 'Số điện thoại của phường' }),
  });
  assert.equal(patched.status, 200);
  // The server swaps the change in just after answering; wait for it rather than assume it.
  let current = before;
  const deadline = Date.now() + 60_000;
  while (current === before) {
    assert.ok(Date.now() < deadline, 'the registry change never reached the offline pack');
    await new Promise((resolve) => setTimeout(resolve, 50));
    current = (await (await fetch(`${server.base}/api/v1/offline-pack`)).json()).version;
  }
  await page.reload();
  assert.equal(await savedForOffline(page, current), current);
  const saved = await page.evaluate(async () => (await (await caches.open('hue-map-offline-current')).match('/api/v1/offline-pack', { ignoreVary: true })).json());
  assert.equal(saved.offices.find((o) => o.id === 'seat-19813').phone, '0234 3888 999');
  await context.close();
});
