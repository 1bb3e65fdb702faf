// The camera's geometry (src/camera.js): keeping clear of the panel, in Node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { visiblePadding, offsetToShow } from '../src/camera.js';

// Boxes as getBoundingClientRect gives them.
const box = (left, top, width, height) => ({ left, top, width, height, right: left + width, bottom: top + height });
const desktop = box(0, 60, 1280, 740);
const phone = box(0, 56, 360, 584);

test('with the panel hidden, a margin all round', () => {
  assert.deepEqual(visiblePadding(desktop, null), { top: 24, bottom: 24, left: 24, right: 24 });
});

test('a side card: the padding keeps right of the map clear of it', () => {
  const card = box(1280 - 380, 80, 360, 500);
  assert.deepEqual(visiblePadding(desktop, card), { top: 24, bottom: 24, left: 24, right: 24 + 380 });
});

test('a bottom sheet (nearly the full width): the padding keeps above it', () => {
  const sheet = box(8, 400, 344, 240);
  assert.deepEqual(visiblePadding(phone, sheet), { top: 24, bottom: 24 + 240, left: 24, right: 24 });
});

test('never more than 70% of the map, so a tiny screen still shows something', () => {
  const tallSheet = box(0, 80, 360, 560);
  assert.equal(visiblePadding(phone, tallSheet).bottom, phone.height * 0.7);
  const wideCard = box(100, 80, 1000, 500);
  assert.equal(visiblePadding(box(0, 0, 1200, 800), wideCard).right, 1200 * 0.7);
});

test('a point in view stays; one under the panel is centred in what the panel leaves', () => {
  const padding = { top: 24, bottom: 264, left: 24, right: 24 };
  assert.equal(offsetToShow({ x: 180, y: 200 }, phone, padding), null);
  assert.deepEqual(offsetToShow({ x: 180, y: 500 }, phone, padding), [0, -120]);
  assert.deepEqual(offsetToShow({ x: -5, y: 200 }, phone, { top: 24, bottom: 24, left: 24, right: 404 }), [-190, 0]);
});
