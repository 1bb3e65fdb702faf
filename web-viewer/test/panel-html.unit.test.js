// What the panel says (src/panel-html.js), in Node: no server, no browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../src/api.js';
import { STRINGS } from '../src/i18n.js';
import {
  formatDistance, errorHtml, directionsLinks, officeHtml, communeHtml, nearestOfficesHtml, outsideHtml, noSuchCommuneHtml,
} from '../src/panel-html.js';

const exactOffice = {
  id: 'seat-1', name: 'Trụ sở <Phú Xuân>', address: '394 Đinh Tiên Hoàng', lat: 16.4668, lon: 107.5794, position_is_exact: true,
};
const approximateOffice = {
  id: 'seat-2', name: 'Trụ sở Thuận Hoá', address: '1 Lê Lợi, Huế', lat: 16.45, lon: 107.58, position_is_exact: false,
};

test('distances: metres under a kilometre, kilometres to one decimal in the page language', () => {
  assert.equal(formatDistance('vi', 420.4), '420 m');
  assert.equal(formatDistance('vi', 1500), '1,5 km');
  assert.equal(formatDistance('en', 1500), '1.5 km');
  assert.equal(formatDistance('en', 12345), '12.3 km');
  assert.equal(formatDistance('vi', 1000), '1 km');
});

test('a refusal names its status and offers no retry; no answer offers one', () => {
  const refused = errorHtml('vi', new ApiError('/api/v1/x', 404), { retryId: 'retry' });
  assert.equal(refused, `<p class="error">${STRINGS.vi.refused(404)}</p>`);
  const network = errorHtml('en', new TypeError('Failed to fetch'), { retryId: 'retry' });
  assert.ok(network.startsWith(`<p class="error">${STRINGS.en.networkError} <button`), network);
  assert.match(network, /<button type="button" id="retry" class="retry">/);
  // A server error (5xx) may pass: it is retried like no answer.
  assert.match(errorHtml('vi', new ApiError('/x', 503), { retryId: 'retry' }), /id="retry"/);
  assert.doesNotMatch(errorHtml('vi', new TypeError('x')), /button/);
});

test('with the browser offline, the message says so', () => {
  assert.equal(errorHtml('vi', new TypeError('x'), { offline: true }), `<p class="error">${STRINGS.vi.offline}</p>`);
  assert.equal(errorHtml('vi', new TypeError('x')), `<p class="error">${STRINGS.vi.networkError}</p>`);
});

test('directions go to the building when its position is known, else to the address text', () => {
  const exact = directionsLinks('vi', exactOffice);
  assert.match(exact, /href="geo:16.4668,107.5794\?q=16.4668,107.5794" data-directions="geo"/);
  assert.match(exact, /href="https:\/\/www.openstreetmap.org\/directions\?to=16.4668%2C107.5794"/);
  const approximate = directionsLinks('vi', approximateOffice);
  assert.ok(approximate.includes(`href="geo:0,0?q=${encodeURIComponent(approximateOffice.address)}"`), approximate);
  assert.ok(approximate.includes(`to=${encodeURIComponent(approximateOffice.address)}"`), approximate);
  assert.ok(!approximate.includes('16.45'), 'no coordinates of an approximate position');
  assert.match(approximate, /target="_blank" rel="noopener"/);
});

test('an office is escaped, says when its position and distance are approximate, and shows its hours', () => {
  const exact = officeHtml('vi', { ...exactOffice, distance_m: 1500 });
  assert.ok(exact.startsWith('<strong>Trụ sở &lt;Phú Xuân&gt;</strong><br>394 Đinh Tiên Hoàng'), exact);
  assert.ok(exact.includes(`${STRINGS.vi.distance}: 1,5 km`));
  assert.ok(!exact.includes('≈'));
  const approximate = officeHtml('en', { ...approximateOffice, distance_m: 300, opening_hours: 'Mo-Fr 07:00-17:00' });
  assert.ok(approximate.includes('</strong> (≈)'));
  assert.ok(approximate.includes(`${STRINGS.en.distance}: ≈ 300 m, ${STRINGS.en.approximatePosition}`));
  assert.match(approximate, /<span class="open-now" data-hours="Mo-Fr 07:00-17:00"><\/span>/);
  assert.doesNotMatch(approximate, /actions-row/, 'no buttons unless asked for');
});

test("an office's buttons: directions, copy the address, call (digits only), report", () => {
  const html = officeHtml('vi', { ...exactOffice, phone: '0234 (3) 822-123' }, { actions: true });
  assert.match(html, /<p class="actions-row">.*data-directions="geo".*data-directions="osm"/);
  assert.match(html, /class="action copy-address" data-address="394 Đinh Tiên Hoàng"/);
  assert.match(html, /href="tel:02343822123">[^<]* 0234 \(3\) 822-123<\/a>/);
  assert.match(html, /class="action report-office" data-office="seat-1"/);
  assert.doesNotMatch(officeHtml('vi', exactOffice, { actions: true }), /tel:/, 'no call button without a phone');
});

test('a commune: heading, type and code, lineage, seat with its buttons, caveats and download', () => {
  const commune = { code: '19789', full_name: 'Phường Thuận Hoá', type: 'phuong' };
  const html = communeHtml('vi', commune, [{ name: 'Phường Vĩnh Ninh' }, { name: 'Phường <Phú Hội>' }], approximateOffice);
  assert.ok(html.startsWith(`<h2>Phường Thuận Hoá</h2><p class="type">${STRINGS.vi.phuong} · 19789</p>`), html);
  assert.ok(html.includes(`<h3>${STRINGS.vi.formedFrom}</h3><ul><li>Phường Vĩnh Ninh</li><li>Phường &lt;Phú Hội&gt;</li></ul>`));
  assert.match(html, /report-office/);
  assert.ok(html.includes(`<p class="note">${STRINGS.vi.approximate}</p>`));
  assert.ok(html.endsWith(`<p><a href="/api/v1/communes/19789" download="19789.geojson">${STRINGS.vi.downloadOne}</a></p>`));
  assert.ok(!html.includes(STRINGS.vi.offlineAnswer));
  const bare = communeHtml('en', commune, [], null);
  assert.ok(!bare.includes('<h3>'), 'no lineage or seat sections when there are none');
});

test('a commune answered offline or on a boundary says so', () => {
  const commune = { code: '19753', full_name: 'Phường Phú Xuân', type: 'phuong' };
  const html = communeHtml('en', commune, [], null, { offline: true, on_boundary: true, boundary_with: ['Phường <A>', 'Phường B'] });
  assert.ok(html.includes(`<p class="note">${STRINGS.en.offlineAnswer}</p>`));
  assert.ok(html.includes(`<p class="note">${STRINGS.en.onBoundary} Phường &lt;A&gt;, Phường B.</p>`));
  assert.ok(!communeHtml('en', commune, [], null, { on_boundary: true, boundary_with: [] }).includes(STRINGS.en.onBoundary));
});

test('the nearest offices, and a point outside Huế with the nearest commune', () => {
  const nearest = nearestOfficesHtml('vi', [exactOffice, approximateOffice]);
  assert.ok(nearest.startsWith(`<h3>${STRINGS.vi.nearest}</h3><ul><li><strong>`));
  assert.equal(nearest.match(/<li>/g).length, 2);
  const outside = outsideHtml('vi', { commune: null, nearest_commune: { code: '19999', full_name: 'Xã Chân Mây - Lăng Cô', distance_m: 4321 } });
  assert.equal(outside, `<h2>${STRINGS.vi.outside}</h2><p>${STRINGS.vi.nearestCommune}: <strong>Xã Chân Mây - Lăng Cô</strong> (4,3 km)</p>`);
  assert.equal(outsideHtml('en', { commune: null, nearest_commune: null, offline: true }), `<h2>${STRINGS.en.outside}</h2><p class="note">${STRINGS.en.offlineAnswer}</p>`);
});

test('an unknown code is named, escaped', () => {
  assert.equal(noSuchCommuneHtml('vi', '<9>'), `<p class="error">${STRINGS.vi.noSuchCommune('&lt;9&gt;')}</p>`);
});
