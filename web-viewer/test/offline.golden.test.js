// offline.js against the server's own answers, in Node, without a browser or a server: the
// golden cases (the pack, a few thousand points and every search query the tests use, each
// with the server's answer) are written by the Rust suite tests/tests/offline_golden.rs, which
// the test command runs first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { locateIn, searchIn, fold, tonedWord } from '../src/offline.js';

const goldenPath = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../target/golden/offline.json');
if (!existsSync(goldenPath)) {
  throw new Error(`${goldenPath} is missing: run \`cargo test -p e2e --test offline_golden\` first (scripts/test.sh does)`);
}
const golden = JSON.parse(readFileSync(goldenPath, 'utf8'));
const { pack, border_tolerance_m: tolerance } = golden;

const code = (answer) => answer.commune?.code ?? null;
const seatOf = (answer) => answer.seat && { id: answer.seat.id, distance_m: answer.seat.distance_m };

test('away from the borders, offline locate answers exactly as the server', () => {
  const far = golden.locate.filter((c) => c.border_m > tolerance);
  assert.ok(far.length > 1500, `only ${far.length} cases away from the borders`);
  for (const { lon, lat, answer } of far) {
    const offline = locateIn(pack, lon, lat);
    const at = `(${lon}, ${lat})`;
    assert.equal(code(offline), code(answer), at);
    assert.equal(offline.on_boundary, answer.on_boundary, at);
    assert.deepEqual(offline.also_in, answer.also_in, at);
    assert.deepEqual(seatOf(offline), seatOf(answer), at);
    assert.deepEqual(offline.former_units, answer.former_units, at);
    if (!answer.commune) {
      assert.equal(offline.nearest_commune.code, answer.nearest_commune.code, at);
      // The pack's border is within the tolerance of the real one, and rounding adds a metre.
      assert.ok(Math.abs(offline.nearest_commune.distance_m - answer.nearest_commune.distance_m) <= tolerance + 1, at);
    }
  }
});

test('near a border, offline answers one of the communes whose border is that close', () => {
  const near = golden.locate.filter((c) => c.border_m <= tolerance);
  assert.ok(near.length > 300, `only ${near.length} cases near the borders`);
  for (const { lon, lat, either } of near) {
    const offline = locateIn(pack, lon, lat);
    const at = `(${lon}, ${lat})`;
    // Null too: on the city's outer edge the point may fall just outside.
    assert.ok(offline.commune === null || either.includes(code(offline)), `${at}: ${code(offline)} not in ${either}`);
  }
});

test("on the pack's shared borders, offline says so and answers the smallest code, as the server does", () => {
  let shared = 0;
  for (const { lon, lat, why } of golden.locate.filter((c) => c.why === 'pack border')) {
    const offline = locateIn(pack, lon, lat);
    assert.ok(offline.on_boundary, `(${lon}, ${lat}) lies on the pack's border`);
    if (offline.boundary_with.length) shared += 1;
    assert.ok(offline.boundary_with.every((other) => code(offline) < other), `(${lon}, ${lat}) ${why}`);
  }
  assert.ok(shared > 100, `only ${shared} points on borders shared by two communes`);
});

test('offline search gives the server\'s results, in its order and shapes, for every query the tests use', () => {
  assert.ok(golden.search.length > 60);
  for (const { query, limit, answer } of golden.search) {
    assert.deepEqual(searchIn(pack, query, limit), answer, query);
  }
});

test('the query is folded as the server folds it', () => {
  assert.equal(fold('  THUẬN   Hoá '), 'thuan hoa');
  assert.equal(fold('Đông Ba'), 'dong ba');
  assert.deepEqual(tonedWord('Hoá'), tonedWord('hóa'));
  assert.notDeepEqual(tonedWord('Hòa'), tonedWord('Hóa'));
  assert.deepEqual(tonedWord('Thuận'), ['thuân', 5]);
});
