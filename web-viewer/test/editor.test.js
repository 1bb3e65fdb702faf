// The registry's screens in a real browser, against the real server and a fresh registry:
// an editor moves a seat and residents' answers follow; a conflict; a resident's report that
// staff accept; a commune the token may not edit. In Vietnamese and in English.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, openMap, mapSettled, clickAt, panelText, axeViolations } from './harness.js';

let server;
let browser;
let editorToken;
let adminToken;

before(async () => {
  server = await startServer();
  // An editor of Phú Xuân, Kim Long and Vỹ Dạ; an admin for the changes made "meanwhile".
  editorToken = server.token('editor', 'Cán bộ thử nghiệm', ['19753', '19774', '19777']);
  adminToken = server.token('admin', 'Quản trị viên thử nghiệm');
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  server?.stop();
});

async function getJson(path, init = {}) {
  const response = await fetch(server.base + path, init);
  return { status: response.status, etag: response.headers.get('etag'), body: await response.json() };
}

/** The editor page, signed in through its form. */
async function signedIn(query = '', viewport) {
  const opened = await openMap(browser, `${server.base}/?mode=edit${query}`, viewport);
  await opened.page.fill('#token', editorToken);
  await opened.page.click('#sign-in button[type="submit"]');
  await opened.page.waitForSelector('#editor-offices [data-edit-office]');
  return opened;
}

test('an editor signs in, drags a seat to the building, marks it surveyed, and locate follows', async () => {
  const { page, errors, context } = await signedIn();
  // Only the token's communes are listed, and the token stays in this tab's sessionStorage.
  const listed = await page.$$eval('#editor-offices [data-edit-office]', (items) => items.map((i) => i.dataset.editOffice).sort());
  assert.deepEqual(listed, ['seat-19753', 'seat-19774', 'seat-19777']);
  assert.equal(await page.evaluate(() => sessionStorage.getItem('hue-map:token')), editorToken);
  assert.equal(await page.evaluate(() => localStorage.length), 0);
  // Signing in replaced the form under the keyboard's focus: focus is on the editor's heading.
  assert.equal(await page.evaluate(() => document.activeElement.matches('#editor h2')), true);

  await page.click('[data-edit-office="seat-19753"]');
  await page.waitForSelector('#office-form');
  await page.waitForSelector('#office-history li');
  await mapSettled(page);
  // Drag the blue marker 60 px right and 40 px down.
  const marker = page.locator('.maplibregl-marker.maplibregl-marker-draggable, .maplibregl-marker').last();
  const box = await marker.boundingBox();
  const start = { x: box.x + box.width / 2, y: box.y + box.height - 4 };
  await page.mouse.move(start.x, start.y);
  await page.mouse.down();
  await page.mouse.move(start.x + 30, start.y + 20, { steps: 5 });
  await page.mouse.move(start.x + 60, start.y + 40, { steps: 5 });
  await page.mouse.up();
  // The one coordinates field shows where the marker was dropped, latitude first.
  await page.waitForFunction(() => !document.getElementById('f-position').value.startsWith('16.478500, 107.577000'));
  const [lat, lon] = (await page.inputValue('#f-position')).split(',').map(Number);
  assert.ok(lon > 107.577 && lat < 16.4785, `dragged to ${lon}, ${lat}`);
  // A drag is a position placed by hand, never "surveyed"; the person may say otherwise.
  assert.equal(await page.inputValue('#f-position_precision'), 'hand_placed');

  await page.selectOption('#f-position_precision', 'surveyed');
  await page.fill('#f-opening_hours', 'Mo-Fr 07:00-11:30,13:30-17:00');
  await page.waitForFunction(() => document.getElementById('hours-check').textContent.includes('hợp lệ'));
  await page.fill('#f-reason', 'Đo tại cổng trụ sở');
  await page.click('#office-form button[type="submit"]');
  await panelText(page, 'Đã lưu (phiên bản 2).');
  await page.waitForFunction(() => document.querySelectorAll('#office-history > li').length === 2);
  assert.match(await page.textContent('#office-history'), /Đo tại cổng trụ sở.*Cán bộ thử nghiệm|Cán bộ thử nghiệm[\s\S]*Đo tại cổng trụ sở/);

  // A resident's locate now names the seat at the building, surveyed.
  const located = await getJson(`/api/v1/locate?lon=${lon}&lat=${lat}`);
  assert.equal(located.body.commune.code, '19753');
  assert.equal(located.body.seat.position_precision, 'surveyed');
  assert.equal(located.body.seat.position_is_exact, true);
  assert.deepEqual([located.body.seat.lon, located.body.seat.lat], [lon, lat]);
  assert.equal(located.body.seat.opening_hours, 'Mo-Fr 07:00-11:30,13:30-17:00');

  // Sign out forgets the token.
  await page.click('#sign-out');
  await page.waitForSelector('#sign-in');
  assert.equal(await page.evaluate(() => sessionStorage.getItem('hue-map:token')), null);
  assert.deepEqual(errors.filter((e) => !e.includes('401')), []);
  await context.close();
});

test("an office moved elsewhere moves on a resident's open map without a reload", async () => {
  const seat = (await getJson('/api/v1/offices/seat-19777')).body;
  const { page, errors, context } = await openMap(browser, `${server.base}/#map=16/${seat.lat}/${seat.lon}`);
  await mapSettled(page);
  await page.evaluate(() => { window.notReloaded = true; });
  // Where the page's office layer draws the seat, from the tiles it has loaded.
  const drawnAt = () => page.evaluate(() => window.hueMap.querySourceFeatures('hue', { sourceLayer: 'offices' })
    .filter((f) => f.properties.id === 'seat-19777').map((f) => f.geometry.coordinates)[0] ?? null);
  const before = await drawnAt();
  assert.ok(before && Math.abs(before[0] - seat.lon) < 1e-4 && Math.abs(before[1] - seat.lat) < 1e-4, `drawn at ${before}`);

  // Another member of staff moves it some 80 m east, from elsewhere.
  const target = [+(seat.lon + 0.00075).toFixed(6), seat.lat];
  const current = await getJson('/api/v1/offices/seat-19777');
  const moved = await fetch(`${server.base}/api/v1/offices/seat-19777`, {
    method: 'PATCH',
    headers: { Authorization: `Bearer ${adminToken}`, 'If-Match': current.etag, 'Content-Type': 'application/merge-patch+json' },
    body: JSON.stringify({ lon: target[0], lat: target[1], position_precision: 'surveyed', reason: 'Đo lại tại cổng' }),
  });
  assert.equal(moved.status, 200, await moved.text());

  // The page notices the new data version and draws the seat at its new place.
  await page.waitForFunction(([id, lon, lat]) => window.hueMap.querySourceFeatures('hue', { sourceLayer: 'offices' })
    .some((f) => f.properties.id === id && Math.abs(f.geometry.coordinates[0] - lon) < 1e-4 && Math.abs(f.geometry.coordinates[1] - lat) < 1e-4),
  ['seat-19777', ...target], { timeout: 30_000 });
  assert.equal(await page.evaluate(() => window.notReloaded), true, 'the page was not reloaded');
  // It asked for tiles of the new version, which are cached as immutable.
  const template = await page.evaluate(() => window.hueMap.getSource('hue').tiles[0]);
  const health = await getJson('/healthz');
  assert.ok(template.endsWith(`?v=${health.body.version}`) && health.body.version.includes(`-r${health.body.registry_version}-`), template);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the editor reads pasted coordinates, says when they look swapped, and names the commune a seat would move into', async () => {
  const { page, errors, context } = await signedIn();
  // The list can be filtered as people type, without marks; the header names the commune.
  await page.fill('#office-filter', 'vy da');
  assert.deepEqual(await page.$$eval('#editor-offices li:not([hidden]) [data-edit-office]', (items) => items.map((i) => i.dataset.editOffice)), ['seat-19777']);
  await page.click('[data-edit-office="seat-19777"]');
  await page.waitForSelector('#office-form');
  assert.match(await page.textContent('#panel .type'), /^Phường Vỹ Dạ · phiên bản/);
  // No street map is configured: said where the position is set, not only in the legend.
  assert.match(await page.textContent('#no-streets'), /Không có bản đồ nền: không thể đối chiếu với nhà cửa/);

  // Beside the Perfume River in Kim Long, pasted as an OpenStreetMap link.
  const read = async (text) => {
    await page.fill('#f-position', text);
    await page.press('#f-position', 'Tab');
    await page.waitForFunction(() => document.getElementById('position-check').textContent !== '');
    return page.textContent('#position-check');
  };
  assert.equal(await read('https://www.openstreetmap.org/#map=18/16.4610/107.5600'), 'Đã đọc: 16.461000, 107.560000');
  assert.match(await read('geo:107.56,16.461'), /^Vĩ độ và kinh độ có vẻ bị đảo: nếu đảo lại thì là 16\.461000, 107\.560000$/);
  assert.match(await read('Ngọ Môn'), /^Không đọc được toạ độ/);
  // Decimal commas, longitude first: read, and the marker follows.
  assert.equal(await read('107,5600 16,4610'), 'Đã đọc: 16.461000, 107.560000');

  // Saved there, the seat of Vỹ Dạ would move into Kim Long: refused, naming both.
  await page.selectOption('#f-position_precision', 'geocoded');
  await page.fill('#f-reason', 'Thử chuyển trụ sở');
  // Over 500 m: the first Save says how far; the second sends it.
  await page.click('#office-form button[type="submit"]');
  await page.waitForFunction(() => /Trụ sở sẽ dời \d+ m/.test(document.getElementById('save-status').textContent));
  await page.click('#office-form button[type="submit"]');
  await panelText(page, 'Chưa lưu: vị trí này nằm trong Phường Kim Long (19774), không thuộc Phường Vỹ Dạ (19777) của trụ sở này.');
  assert.equal((await getJson('/api/v1/offices/seat-19777')).body.commune_code, '19777', 'nothing was written');
  assert.deepEqual(errors.filter((e) => !e.includes('422')), []);
  await context.close();
});

test('a conflict: someone saves the office meanwhile; the editor sees what changed and re-applies (English)', async () => {
  const { page, context } = await signedIn('&lang=en');
  await page.click('[data-edit-office="seat-19774"]');
  await page.waitForSelector('#office-form');
  // Meanwhile an admin saves a phone number.
  const current = await getJson('/api/v1/offices/seat-19774');
  const meanwhile = await fetch(`${server.base}/api/v1/offices/seat-19774`, {
    method: 'PATCH',
    headers: { Authorization: `Bearer ${adminToken}`, 'If-Match': current.etag, 'Content-Type': 'application/merge-patch+json' },
    body: JSON.stringify({ phone: '0234 3822 111', reason: 'Số điện thoại từ trang của phường' }),
  });
  assert.equal(meanwhile.status, 200);

  await page.fill('#f-address', '87 Phạm Thị Liên, phường Kim Long, Huế');
  await page.fill('#f-reason', 'Full address');
  await page.click('#office-form button[type="submit"]');
  await page.waitForSelector('.conflict table');
  // The keyboard lands on the way out of the conflict; the table is not read out as a status.
  assert.equal(await page.evaluate(() => document.activeElement.id), 'reapply');
  assert.equal(await page.locator('#save-status .conflict').count(), 0);
  const conflict = await page.textContent('.conflict');
  assert.match(conflict, /someone else saved this office \(version 2\)/);
  assert.match(conflict, /Phone.*0234 3822 111/s);
  assert.match(conflict, /Address.*87 Phạm Thị Liên, phường Kim Long, Huế/s);
  await page.click('#reapply');
  await panelText(page, 'Saved (version 3).');
  const saved = await getJson('/api/v1/offices/seat-19774');
  assert.equal(saved.body.phone, '0234 3822 111', "the other editor's change is kept");
  assert.equal(saved.body.address, '87 Phạm Thị Liên, phường Kim Long, Huế');
  assert.equal(saved.etag, '"v3"');
  await context.close();
});

test('a resident reports a wrong position with a pin, and an editor accepts it', async () => {
  // The resident: no token, the office panel of Vỹ Dạ.
  const resident = await openMap(browser, `${server.base}/?commune=19777`);
  await panelText(resident.page, 'Phường Vỹ Dạ');
  await resident.page.click('#panel .report-office');
  await panelText(resident.page, 'Báo sai thông tin trụ sở');
  const seat = (await getJson('/api/v1/offices/seat-19777')).body;
  // Tap a point inside Vỹ Dạ, near its seat.
  const target = [seat.lon + 0.002, seat.lat + 0.001];
  await clickAt(resident.page, target[0], target[1]);
  await resident.page.waitForFunction(() => document.getElementById('report-pin').dataset.lon);
  await resident.page.fill('#report-message', 'Trụ sở ở cạnh chợ');
  await resident.page.click('#report-form button[type="submit"]');
  await panelText(resident.page, 'Cảm ơn bạn!');
  assert.match(await resident.page.textContent('#panel'), /Cán bộ của xã, phường sẽ xem xét/);
  // The pin's place is what was sent.
  const open = await getJson('/api/v1/reports?status=open', { headers: { Authorization: `Bearer ${adminToken}` } });
  const report = open.body.reports.find((r) => r.office_id === 'seat-19777');
  assert.ok(report, JSON.stringify(open.body));
  assert.ok(Math.abs(report.proposed_position[0] - target[0]) < 1e-4 && Math.abs(report.proposed_position[1] - target[1]) < 1e-4);
  await resident.context.close();

  // The editor: the report is in the queue, and on the map.
  const { page, context } = await signedIn();
  await page.waitForSelector(`[data-report="${report.id}"]`);
  assert.equal(await page.evaluate(async () => (await window.hueMap.getSource('editor-reports').getData()).features.length), 1);
  await page.click(`[data-report="${report.id}"]`);
  await panelText(page, 'Trụ sở ở cạnh chợ');
  await page.click('#accept-report');
  await page.waitForFunction(() => document.getElementById('resolve-status').textContent.includes('lý do'));
  await page.fill('#r-reason', 'Đã kiểm tra tại chỗ');
  await page.click('#accept-report');
  await page.waitForFunction(() => document.getElementById('resolve-status').textContent.includes('độ chính xác'));
  await page.selectOption('#r-precision', 'surveyed');
  await page.click('#accept-report');
  await panelText(page, 'Đã chấp nhận báo cáo.');
  await page.waitForFunction(() => document.getElementById('editor-reports').textContent.includes('Không có báo cáo nào đang chờ'));

  const moved = (await getJson('/api/v1/offices/seat-19777')).body;
  assert.deepEqual([moved.lon, moved.lat], report.proposed_position);
  assert.equal(moved.position_precision, 'surveyed');
  const history = (await getJson('/api/v1/offices/seat-19777/history')).body.versions;
  assert.equal(history.at(-1).action, 'report_accepted');
  assert.equal(history.at(-1).report_id, report.id);
  await context.close();
});

test('an editor who opens another commune\'s office is told they may not edit it (English), and a bad token is refused', async () => {
  const { page, context } = await signedIn('&lang=en&office=seat-19789');
  await page.waitForSelector('#office-form');
  await page.fill('#f-phone', '0234 000 000');
  await page.fill('#f-reason', 'Trying');
  await page.click('#office-form button[type="submit"]');
  await page.waitForFunction(() => document.getElementById('save-status').textContent.includes('You may not edit this office.'));
  assert.match(await page.textContent('#save-status'), /19789/);
  assert.equal((await getJson('/api/v1/offices/seat-19789')).body.phone, null, 'nothing was written');
  await context.close();

  const fresh = await openMap(browser, `${server.base}/?mode=edit&lang=en`);
  await fresh.page.fill('#token', 'not-a-token');
  await fresh.page.click('#sign-in button[type="submit"]');
  await fresh.page.waitForFunction(() => document.getElementById('editor').textContent.includes('The token is unknown or has been revoked.'));
  assert.equal(await fresh.page.evaluate(() => sessionStorage.getItem('hue-map:token')), null);
  await fresh.context.close();
});

for (const viewport of [{ width: 360, height: 640 }, { width: 1280, height: 800 }]) {
  test(`axe finds no violations in the editor and the report form at ${viewport.width}×${viewport.height}, in both languages`, async () => {
    const found = [];
    for (const lang of ['', '&lang=en']) {
      const { page, context } = await signedIn(lang, viewport);
      await page.click('[data-edit-office="seat-19753"]');
      await page.waitForSelector('#office-history li');
      found.push(...(await axeViolations(page)).map((v) => `editor${lang}: ${v}`));
      await context.close();
      const resident = await openMap(browser, `${server.base}/?commune=19753${lang}`, viewport);
      await resident.page.waitForSelector('#panel .report-office');
      await resident.page.click('#panel .report-office');
      await resident.page.waitForSelector('#report-form');
      found.push(...(await axeViolations(resident.page)).map((v) => `report${lang}: ${v}`));
      await resident.context.close();
    }
    assert.deepEqual(found, []);
  });
}

test("at the office, staff take the device's position: refused above 30 m, else surveyed with its accuracy in the history; a long move waits for a second Save", async () => {
  const { page, errors, context } = await signedIn();
  await context.grantPermissions(['geolocation'], { origin: server.base });
  const seat = (await getJson('/api/v1/offices/seat-19753')).body;
  await page.click('[data-edit-office="seat-19753"]');
  await page.waitForSelector('#office-form');
  const here = { latitude: seat.lat, longitude: +(seat.lon + 0.0002).toFixed(6) };

  await context.setGeolocation({ ...here, accuracy: 45 });
  await page.click('#use-device-position');
  await page.waitForFunction(() => document.getElementById('position-check').textContent.includes('±45 m'));
  assert.match(await page.textContent('#position-check'), /quá 30 m: chưa dùng được/);
  assert.equal(await page.inputValue('#f-position'), `${seat.lat.toFixed(6)}, ${seat.lon.toFixed(6)}`, 'the position stays');

  await context.setGeolocation({ ...here, accuracy: 8 });
  await page.click('#use-device-position');
  await page.waitForFunction(() => document.getElementById('position-check').textContent.includes('±8 m'));
  assert.equal(await page.inputValue('#f-position_precision'), 'surveyed');
  await page.fill('#f-reason', 'Đứng tại cổng trụ sở');
  await page.click('#office-form button[type="submit"]');
  await page.waitForFunction(() => /Đã lưu/.test(document.getElementById('save-status').textContent));
  const saved = (await getJson('/api/v1/offices/seat-19753')).body;
  assert.deepEqual([saved.lat, saved.lon, saved.position_precision], [here.latitude, here.longitude, 'surveyed']);
  const history = (await getJson('/api/v1/offices/seat-19753/history')).body.versions;
  assert.equal(history.at(-1).reason, 'Đứng tại cổng trụ sở (GNSS ±8 m)');
  // The history reads in words: the precision's name, the position as coordinates.
  // (the first test's change took it from the label point to surveyed)
  await page.waitForFunction(() => /Độ chính xác vị trí: gần đúng \(điểm giữa\) → đo GPS tại chỗ/.test(document.getElementById('office-history').textContent));
  assert.match(await page.textContent('#office-history'), /Toạ độ \(vĩ độ, kinh độ\): 16\.\d{6}, 107\.\d{6} → /);
  // On a phone, the reason and Save stay on screen while the form scrolls.
  assert.equal(await page.$eval('.sticky-save', (el) => getComputedStyle(el).position), 'sticky');

  // 700 m east: the first Save says how far, and writes nothing.
  await page.fill('#f-position', `${here.latitude}, ${(here.longitude + 0.0066).toFixed(6)}`);
  await page.press('#f-position', 'Tab');
  await page.fill('#f-reason', 'Nhầm số');
  await page.click('#office-form button[type="submit"]');
  await page.waitForFunction(() => /Trụ sở sẽ dời \d+ m/.test(document.getElementById('save-status').textContent));
  assert.equal((await getJson('/api/v1/offices/seat-19753')).body.version, saved.version, 'nothing was written');
  assert.deepEqual(errors, []);
  await context.close();
});

/** A point in `code` near the office, but not on it: what a survey would measure. */
async function pointNear(office, code) {
  for (let step = 1; step < 40; step += 1) {
    for (const [dx, dy] of [[1, 0], [0, 1], [-1, 0], [0, -1]]) {
      const lon = +(office.lon + dx * step * 0.0003).toFixed(6);
      const lat = +(office.lat + dy * step * 0.0003).toFixed(6);
      if ((await getJson(`/api/v1/locate?lon=${lon}&lat=${lat}`)).body.commune?.code === code) return { lon, lat };
    }
  }
  throw new Error(`no point in ${code} near ${office.id}`);
}

for (const viewport of [{ width: 360, height: 640 }, { width: 1280, height: 800 }]) {
  test(`staff import a survey sheet: the preview shows each row before → after, Apply writes it, and the same sheet again is stale (${viewport.width}×${viewport.height})`, async () => {
    const seat = (await getJson('/api/v1/offices/seat-19774')).body;
    const untouched = (await getJson('/api/v1/offices/seat-19753')).body;
    const surveyed = await pointNear(seat, '19774');
    // Each run changes the precision too (the first from the label point, the next from its survey).
    const words = { commune_label_point: 'gần đúng (điểm giữa)', surveyed: 'đo GPS tại chỗ', hand_placed: 'đặt trên bản đồ' };
    const precision = seat.position_precision === 'surveyed' ? 'hand_placed' : 'surveyed';
    // A partial sheet: the seat moves, with its version; the other row's empty cells keep everything.
    const sheet = `id,lon,lat,position_precision,version\nseat-19774,${surveyed.lon},${surveyed.lat},${precision},${seat.version}\nseat-19753,,,,\n`;
    const { page, errors, context } = await signedIn('', viewport);
    await page.click('#open-import');
    await page.waitForSelector('#import-form');
    await page.setInputFiles('#import-file', { name: 'khao-sat.csv', mimeType: 'text/csv', buffer: Buffer.from(sheet) });
    await page.fill('#import-reason', 'Khảo sát tháng 12');
    await page.click('#import-preview');
    await page.waitForSelector('#import-table');
    const preview = await page.textContent('#import-table');
    assert.match(preview, /dòng 2.*Thay đổi/s);
    assert.ok(preview.includes(`Độ chính xác vị trí: ${words[seat.position_precision]} → ${words[precision]}`), preview);
    // The survey moved it east or west, north or south: the coordinate that changed, before → after.
    const moved = surveyed.lon !== seat.lon ? `Kinh độ: ${seat.lon} → ${surveyed.lon}` : `Vĩ độ: ${seat.lat} → ${surveyed.lat}`;
    assert.ok(preview.includes(moved), `${moved} in ${preview}`);
    assert.match(preview, /dòng 3.*Không đổi/s);
    assert.match(await page.textContent('#import-status'), /Xem trước, chưa ghi gì\..*0 mới, 1 thay đổi, 1 không đổi, 0 lỗi\./);
    assert.deepEqual(await axeViolations(page), []);
    assert.equal((await getJson('/api/v1/offices/seat-19774')).body.version, seat.version, 'a preview writes nothing');

    await page.click('#import-apply');
    await page.waitForFunction(() => /Đã nhập\./.test(document.getElementById('import-status').textContent));
    const after = (await getJson('/api/v1/offices/seat-19774')).body;
    assert.deepEqual([after.lon, after.lat, after.position_precision, after.version], [surveyed.lon, surveyed.lat, precision, seat.version + 1]);
    assert.deepEqual([after.name, after.address, after.phone], [seat.name, seat.address, seat.phone], 'the columns the sheet lacks are kept');
    assert.equal((await getJson('/api/v1/offices/seat-19753')).body.version, untouched.version);
    // The report stays on screen after the import.
    assert.ok((await page.textContent('#import-table')).includes(words[precision]));

    // The same sheet again was made from the old version: refused, naming both, and Apply stays off.
    await page.click('#import-preview');
    await page.waitForFunction(() => /Có dòng không nhập được/.test(document.getElementById('import-status').textContent));
    assert.match(await page.textContent('#import-table'), new RegExp(`Lỗi.*version ${seat.version}, but the office is at version ${seat.version + 1}`, 's'));
    assert.equal(await page.isDisabled('#import-apply'), true);
    assert.deepEqual(await axeViolations(page), []);
    assert.deepEqual(errors.filter((e) => !e.includes('422')), []);
    await context.close();
  });
}
