// The still picture a phone opens on (still-map.js, /api/v1/map.svg): the communes at once,
// no WebGL until the resident touches the map, and the live map taking over from it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, panelText, axeViolations } from './harness.js';

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

const PHONE = { viewport: { width: 360, height: 640 }, isMobile: true, hasTouch: true, serviceWorkers: 'block' };

/** A phone page at `url`, with every request path it made. */
async function openPhone(url) {
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  const requested = [];
  page.on('request', (request) => requested.push(new URL(request.url()).pathname));
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(server.base + url);
  return { context, page, requested, errors };
}

const stillShown = (page) => page.waitForFunction(() => {
  const still = document.querySelector('.still-map');
  // The credit is the last thing app.js adds on the still path: the page is settled then.
  return still?.complete && still.naturalWidth > 0 && window.hueMap && document.getElementById('still-attribution');
}, null, { timeout: 60_000 });

test('a phone opens on the still picture of its view, draws no WebGL map, and a tap answers and goes live', async () => {
  const { context, page, requested, errors } = await openPhone('/');
  await stillShown(page);
  // No style and no tiles: MapLibre has nothing to draw.
  assert.equal(await page.evaluate(() => window.hueMap.getStyle()), undefined);
  assert.deepEqual(requested.filter((p) => p.startsWith('/tiles/') || p === '/style.json'), []);
  // The picture shows exactly what the map would: its box is the map's bounds.
  const [picture, bounds] = await page.evaluate(() => [
    document.querySelector('.still-map').dataset.bbox.split(',').map(Number),
    window.hueMap.getBounds().toArray().flat(),
  ]);
  picture.forEach((value, i) => assert.ok(Math.abs(value - bounds[i]) < 1e-6, `${picture} against ${bounds}`));
  assert.match(await page.textContent('#still-attribution'), /thanglequoc\/vietnamese-provinces-database/);
  assert.deepEqual(await axeViolations(page), []);

  // A tap at Ngọ Môn names its commune, and the live map takes over from the picture.
  const point = await page.evaluate(() => window.hueMap.project([107.5794, 16.4668]));
  const box = await page.locator('#map').boundingBox();
  await page.touchscreen.tap(box.x + point.x, box.y + point.y);
  await panelText(page, 'Phường Phú Xuân');
  await page.waitForFunction(() => window.hueMapIdle === true && !document.querySelector('.still-map'), null, { timeout: 90_000 });
  const drawn = await page.evaluate(() => window.hueMap.queryRenderedFeatures({ layers: ['communes-fill'] }).length);
  assert.ok(drawn > 0, 'the live map draws the communes');
  assert.equal(await page.locator('#still-attribution').count(), 0);
  assert.match(await page.textContent('.maplibregl-ctrl-attrib-inner'), /thanglequoc\/vietnamese-provinces-database/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the picture follows the first drag until the live map has drawn', async () => {
  const { context, page } = await openPhone('/');
  await stillShown(page);
  // The map moves before anything is drawn: the picture keeps its place on the ground.
  const left = await page.evaluate(() => {
    const map = window.hueMap;
    const centre = map.project(map.getCenter());
    map.jumpTo({ center: map.unproject([centre.x + 100, centre.y]) });
    return parseFloat(document.querySelector('.still-map').style.left);
  });
  assert.ok(Math.abs(left + 100) < 0.01, `the picture moved to ${left}px`);
  await page.waitForFunction(() => window.hueMapIdle === true && !document.querySelector('.still-map'), null, { timeout: 90_000 });
  await context.close();
});

test('a search from the still picture selects and outlines the commune on the live map', async () => {
  const { context, page } = await openPhone('/');
  await stillShown(page);
  await page.fill('#q', 'vinh ninh');
  await page.waitForSelector('#results li[data-index="0"]');
  await page.click('#results li[data-index="0"]');
  await panelText(page, 'Phường Thuận Hoá');
  await page.waitForFunction(() => window.hueMapIdle === true && !document.querySelector('.still-map'), null, { timeout: 90_000 });
  // Selected before the live map had its layers: the outline is drawn all the same.
  const outlined = await page.evaluate(() => window.hueMap.queryRenderedFeatures({ layers: ['commune-selected'] }).map((f) => f.properties.code));
  assert.ok(outlined.length > 0 && outlined.every((code) => code === '19789'), outlined.join(','));
  await context.close();
});

test('with no picture (its request fails), the live map starts by itself', async () => {
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  await page.route('**/api/v1/map.svg*', (route) => route.abort('internetdisconnected'));
  await page.goto(server.base + '/');
  await page.waitForFunction(() => window.hueMapIdle === true, null, { timeout: 90_000 });
  const drawn = await page.evaluate(() => window.hueMap.queryRenderedFeatures({ layers: ['communes-fill'] }).length);
  assert.ok(drawn > 0);
  await context.close();
});

test('a link to a commune starts the live map at once and asks for no picture', async () => {
  const { context, page, requested } = await openPhone('/?commune=19789');
  await page.waitForFunction(() => window.hueMapIdle === true, null, { timeout: 90_000 });
  await panelText(page, 'Phường Thuận Hoá');
  assert.ok(!requested.includes('/api/v1/map.svg'));
  assert.equal(await page.locator('.still-map').count(), 0);
  await context.close();
});
