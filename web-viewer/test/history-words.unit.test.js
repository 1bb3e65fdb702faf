// An office's history in words (src/history-words.js), in Node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { translator } from '../src/i18n.js';
import { changeRows, valueInWords } from '../src/history-words.js';

const vi = translator('vi');
const en = translator('en');
const names = (code) => ({ 19753: 'Phường Phú Xuân' }[code] ?? code);

test('a precision, a commune and a list read as words', () => {
  assert.equal(valueInWords(vi, 'position_precision', 'commune_label_point'), 'gần đúng (điểm giữa)');
  assert.equal(valueInWords(vi, 'position_precision', 'surveyed'), 'đo GPS tại chỗ');
  assert.equal(valueInWords(en, 'position_precision', 'hand_placed'), 'placed on the map');
  assert.equal(valueInWords(vi, 'commune_code', '19753', names), 'Phường Phú Xuân');
  assert.equal(valueInWords(vi, 'services', ['chứng thực', 'hộ tịch']), 'chứng thực, hộ tịch');
  assert.equal(valueInWords(vi, 'phone', null), '—');
});

test('a move is one position row, latitude first', () => {
  const rows = changeRows(vi, {
    lon: { before: 107.577, after: 107.5781 },
    lat: { before: 16.4785, after: 16.4779 },
    position_precision: { before: 'commune_label_point', after: 'surveyed' },
  }, names);
  assert.deepEqual(rows, [
    ['Toạ độ (vĩ độ, kinh độ)', '16.478500, 107.577000', '16.477900, 107.578100'],
    ['Độ chính xác vị trí', 'gần đúng (điểm giữa)', 'đo GPS tại chỗ'],
  ]);
  // A new office: no position before. Only the latitude changed: that row alone.
  assert.deepEqual(changeRows(en, { lon: { before: null, after: 107.5 }, lat: { before: null, after: 16.4 } }), [['Coordinates (latitude, longitude)', '—', '16.400000, 107.500000']]);
  assert.deepEqual(changeRows(en, { lat: { before: 16.4, after: 16.5 } }), [['Latitude', '16.4', '16.5']]);
});
