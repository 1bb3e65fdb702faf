// Reading pasted positions (src/coordinates.js), in Node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCoordinates, formatCoordinates } from '../src/coordinates.js';

const SEAT = { lat: 16.4785, lon: 107.577 };

test('two numbers in either order, with any separator, are read by where Huế is', () => {
  for (const text of ['16.4785, 107.577', '107.577 16.4785', '16.4785;107.577', ' 16.4785\t107.577 ', '107.577,16.4785', 'lat 16.4785 lon 107.577']) {
    assert.deepEqual(parseCoordinates(text), SEAT, text);
  }
});

test('decimal commas are read as decimal points', () => {
  for (const text of ['16,4785 107,577', '16,4785; 107,577', '16,4785, 107,577', '107,577 16,4785']) {
    assert.deepEqual(parseCoordinates(text), SEAT, text);
  }
});

test('map links and geo: URIs are read in their own order', () => {
  for (const text of [
    'geo:16.4785,107.577',
    'geo:16.4785,107.577?z=17',
    'https://www.openstreetmap.org/#map=17/16.4785/107.577',
    'https://www.openstreetmap.org/?mlat=16.4785&mlon=107.577#map=17/16.4785/107.577',
    'https://www.google.com/maps/@16.4785,107.577,17z',
    'https://www.google.com/maps/place/UBND/@16.4785,107.577,17z/data=!3m1',
    'https://maps.google.com/?q=16.4785,107.577',
    'https://www.google.com/maps/search/?api=1&query=16.4785%2C107.577',
  ]) {
    assert.deepEqual(parseCoordinates(text), SEAT, text);
  }
});

test("a Google place link is read at the place's pin, not at the centre of the view", () => {
  assert.deepEqual(parseCoordinates('https://www.google.com/maps/place/UBND/@16.4790,107.5700,15z/data=!3m1!4b1!4m6!3m5!1s0x0:0x0!8m2!3d16.4785!4d107.577'), SEAT);
});

test('a link whose order is backwards is said to look swapped, with the swapped reading', () => {
  assert.deepEqual(parseCoordinates('geo:107.577,16.4785'), { error: 'swapped', ...SEAT });
});

test('what is not a position, or lies far from Huế, is refused with why', () => {
  assert.equal(parseCoordinates('').error, 'empty');
  assert.equal(parseCoordinates('Ngọ Môn').error, 'unreadable');
  assert.equal(parseCoordinates('16.4785').error, 'unreadable');
  assert.equal(parseCoordinates('16.4, 107.5, 3').error, 'unreadable');
  assert.equal(parseCoordinates('21.0285, 105.8542').error, 'outside', 'Hà Nội');
  assert.equal(parseCoordinates('geo:21.0285,105.8542').error, 'outside');
});

test('a position is shown latitude first, to six decimals', () => {
  assert.equal(formatCoordinates(16.4785, 107.577), '16.478500, 107.577000');
  assert.deepEqual(parseCoordinates(formatCoordinates(16.4785, 107.577)), SEAT);
});
