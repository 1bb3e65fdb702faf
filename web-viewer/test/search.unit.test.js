// The search list's HTML and what a chosen result leads to (src/search.js), in Node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { STRINGS } from '../src/i18n.js';
import { resultLabel, resultsHtml, whereTo } from '../src/search.js';

const commune = { kind: 'commune', code: '19789', full_name: 'Phường Thuận Hoá' };
const former = { kind: 'former_unit', name: 'Phường Vĩnh Ninh', new_unit: { code: '19789', full_name: 'Phường Thuận Hoá' } };
const office = { kind: 'office', office: { name: 'Trụ sở <A>', address: '1 Lê Lợi', commune_code: '19753', lon: 107.5794, lat: 16.4668 } };

test('each kind of result says what it is, escaped', () => {
  assert.equal(resultLabel('vi', commune), `<strong>Phường Thuận Hoá</strong><small>${STRINGS.vi.commune}</small>`);
  assert.equal(resultLabel('en', former), `<strong>Phường Vĩnh Ninh</strong><small>${STRINGS.en.formerUnit} → Phường Thuận Hoá</small>`);
  assert.equal(resultLabel('vi', office), `<strong>Trụ sở &lt;A&gt;</strong><small>${STRINGS.vi.office} · 1 Lê Lợi</small>`);
  // A former unit that joined no commune still has a label.
  assert.equal(resultLabel('vi', { kind: 'former_unit', name: 'X', new_unit: null }), `<strong>X</strong><small>${STRINGS.vi.formerUnit} → </small>`);
});

test('the list numbers its results for the keys and clicks, and says when there are none', () => {
  const html = resultsHtml('vi', [commune, former], false);
  assert.equal(html.match(/<li role="option" id="result-\d" tabindex="-1" data-index="\d">/g).length, 2);
  assert.match(html, /id="result-1" tabindex="-1" data-index="1"><strong>Phường Vĩnh Ninh/);
  assert.equal(resultsHtml('en', [], false), `<li role="option" aria-disabled="true">${STRINGS.en.noResults}</li>`);
});

test('an offline answer is marked at the top of the list, not as a result', () => {
  const html = resultsHtml('vi', [commune], true);
  assert.ok(html.startsWith(`<li role="option" aria-disabled="true" class="offline-note">${STRINGS.vi.offlineAnswer}</li>`));
  assert.doesNotMatch(html.split('</li>')[0], /data-index/);
});

test('a result leads to its commune; a former unit says which it joined; an office centres on itself', () => {
  assert.deepEqual(whereTo('vi', commune), { code: '19789', fit: true, preface: '' });
  assert.deepEqual(whereTo('vi', former), {
    code: '19789', fit: true, preface: `<p class="note">${STRINGS.vi.formerUnitJoined('Phường Vĩnh Ninh', 'Phường Thuận Hoá')}</p>`,
  });
  assert.deepEqual(whereTo('vi', office), { code: '19753', fit: false, preface: '', center: [107.5794, 16.4668] });
  assert.equal(whereTo('vi', { kind: 'former_unit', name: 'X', new_unit: null }), null);
});

test("a basemap's landmark is labelled with its commune and leads there, centred on itself", () => {
  const landmark = {
    kind: 'landmark', match: 'exact', name: 'Đại Nội', name_en: 'Imperial City', category: 'attraction', lon: 107.5786, lat: 16.4698,
    commune: { code: '19753', name: 'Phú Xuân', full_name: 'Phường Phú Xuân', type: 'phuong' }, seat: null,
  };
  assert.equal(resultLabel('vi', landmark), `<strong>Đại Nội</strong><small>${STRINGS.vi.landmark} · Phường Phú Xuân</small>`);
  assert.match(resultLabel('en', landmark), /^<strong>Imperial City<\/strong>/);
  assert.deepEqual(whereTo('vi', landmark), {
    code: '19753', fit: false, preface: `<p class="note">${STRINGS.vi.landmarkIn('Đại Nội', 'Phường Phú Xuân')}</p>`, center: [107.5786, 16.4698],
  });
  assert.equal(whereTo('vi', { ...landmark, commune: null }), null);
});
