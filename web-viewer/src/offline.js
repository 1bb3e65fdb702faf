// Answers with no network, from the offline pack the service worker saved: which commune
// holds a point, its seat, the nearest offices, a commune by code, and a name search. The
// answers have the API's shapes and follow its rules (the smallest code on a shared border,
// the distance to the nearest edge, the search keys the server made), so the page shows them
// the same way; web-viewer/test/offline.golden.test.js checks them against the server's own
// answers. The borders are the map's at zoom 14, within 5 m of the real ones (a border
// shared by two communes is the same line in both), so an answer that near a border may
// differ from the server's: the page says so.
//
// The `…In(pack, …)` functions are pure (the pack in, the answer out); `locate`, `nearest`,
// `commune` and `search` are the page's, reading the saved pack.

let pack = null;

/** The saved pack: the service worker's copy, read straight from its cache (a network that
 * hangs would otherwise hold this up too), or the server's when none is saved yet; but never
 * the whole country's on a national page (marked by the box it opens on), which saves one
 * province's. */
export async function loadPack() {
  if (!pack) {
    const saved = await globalThis.caches?.match('/api/v1/offline-pack', { ignoreVary: true, ignoreSearch: true });
    const national = Boolean(globalThis.document?.querySelector('meta[name="hue-map-bounds"]'));
    if (!saved && national) throw new Error('no province is saved for use offline');
    const response = saved ?? await fetch('/api/v1/offline-pack');
    if (!response.ok) throw new Error(`offline pack: ${response.status}`);
    pack = await response.json();
  }
  return pack;
}

/** `/api/v1/locate` offline. */
export async function locate(lon, lat) {
  return { ...locateIn(await loadPack(), lon, lat), offline: true };
}

/** `/api/v1/nearest` offline. */
export async function nearest(lon, lat, k) {
  return { ...nearestIn(await loadPack(), lon, lat, k), offline: true };
}

/** `/api/v1/communes/{code}` offline: its properties and bbox, or null. */
export async function commune(code) {
  const found = communeIn(await loadPack(), code);
  return found && { ...found, offline: true };
}

/** `/api/v1/search` offline. */
export async function search(query, limit) {
  return { ...searchIn(await loadPack(), query, limit), offline: true };
}

// ---- Geometry, as the server measures it ----

const EARTH_RADIUS_M = 6371008.8;
const METRES_PER_DEGREE = (EARTH_RADIUS_M * Math.PI) / 180;
/** How close to an edge, in degrees, a point counts as on it (about 0.1 mm): the pack's
 * vertices are exact, points between them are not. */
const ON_EDGE_DEGREES = 1e-9;

const roundMetres = (metres) => Math.round(metres * 10) / 10;

/** Great-circle (haversine) distance in metres, as the server's. */
export function metres([lon1, lat1], [lon2, lat2]) {
  const rad = Math.PI / 180;
  const a = Math.sin(((lat2 - lat1) * rad) / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(((lon2 - lon1) * rad) / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.sqrt(a));
}

function onSegment([x, y], [ax, ay], [bx, by]) {
  if (x < Math.min(ax, bx) - ON_EDGE_DEGREES || x > Math.max(ax, bx) + ON_EDGE_DEGREES) return false;
  if (y < Math.min(ay, by) - ON_EDGE_DEGREES || y > Math.max(ay, by) + ON_EDGE_DEGREES) return false;
  const length = Math.hypot(bx - ax, by - ay);
  if (length === 0) return Math.hypot(x - ax, y - ay) <= ON_EDGE_DEGREES;
  return Math.abs((bx - ax) * (y - ay) - (by - ay) * (x - ax)) / length <= ON_EDGE_DEGREES;
}

/** 'inside', 'boundary' or 'outside' of one ring (ray casting, edges counted apart). */
function ringPosition(point, ring) {
  let inside = false;
  const [x, y] = point;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    if (onSegment(point, ring[j], ring[i])) return 'boundary';
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside ? 'inside' : 'outside';
}

/** Where the point is for one commune: inside any of its polygons beats on the boundary of one. */
function communePosition(point, polygons) {
  let best = 'outside';
  for (const [outer, ...holes] of polygons) {
    let position = ringPosition(point, outer);
    for (const hole of holes) {
      if (position === 'outside') break;
      const inHole = ringPosition(point, hole);
      if (inHole === 'boundary') position = 'boundary';
      else if (inHole === 'inside') position = 'outside';
    }
    if (position === 'inside') return 'inside';
    if (position === 'boundary') best = 'boundary';
  }
  return best;
}

/** Metres from the point to the nearest edge of `polygons`, on the local plane the server
 * projects to (equirectangular, centred on the point). */
function metresToEdges([lon, lat], polygons) {
  const xScale = METRES_PER_DEGREE * Math.cos((lat * Math.PI) / 180);
  let best = Infinity;
  for (const ring of polygons.flat()) {
    for (let i = 1; i < ring.length; i++) {
      const ax = (ring[i - 1][0] - lon) * xScale;
      const ay = (ring[i - 1][1] - lat) * METRES_PER_DEGREE;
      const dx = (ring[i][0] - lon) * xScale - ax;
      const dy = (ring[i][1] - lat) * METRES_PER_DEGREE - ay;
      const length2 = dx * dx + dy * dy;
      const t = length2 > 0 ? Math.min(1, Math.max(0, -(ax * dx + ay * dy) / length2)) : 0;
      best = Math.min(best, Math.hypot(ax + t * dx, ay + t * dy));
    }
  }
  return best;
}

// ---- Answers ----

const communeRef = (c) => ({ code: c.code, name: c.name, full_name: c.full_name, type: c.type });
const byCode = (a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);

function seatOf(data, code, point) {
  const seat = data.offices.find((o) => o.kind === 'commune_seat' && o.commune_code === code) ?? null;
  return seat && point ? { ...seat, distance_m: roundMetres(metres(point, [seat.lon, seat.lat])) } : seat;
}

const formerUnitsOf = (data, code) => data.former_units.filter((u) => u.new_code === code).map((u) => ({ code: u.code, name: u.name }));

/** The communes a former unit went into (every link of a split unit), as references. */
const newUnitsOf = (data, oldCode) => data.former_units.filter((u) => u.code === oldCode)
  .map((u) => data.communes.find((c) => c.code === u.new_code)).filter(Boolean).map(communeRef);

/** Locate's former units of `code`, as the server writes them: a split one with where the rest went. */
function lineageOf(data, code) {
  return data.former_units.filter((u) => u.new_code === code).map((u) => {
    const rest = u.share === 'part' ? newUnitsOf(data, u.code).filter((c) => c.code !== code) : [];
    return {
      code: u.code, name: u.name, district: u.district, ...(u.province ? { province: u.province } : {}), share: u.share,
      ...(rest.length ? { rest_went_to: rest } : {}),
    };
  });
}

/** The server's note when some of a unit's former units were split. */
function lineageNote(formerUnits, commune) {
  const split = formerUnits.filter((u) => u.share === 'part').length;
  return split ? {
    lineage_note: `${split} of the ${formerUnits.length} former units were split between ${commune.full_name} and other units (see rest_went_to): which former unit the point was in cannot be told, as no boundaries of the former units are published`,
  } : {};
}

/** `/api/v1/locate`'s answer from `data` (a pack). On a shared border the smallest code
 * answers, with `on_boundary` and the others in `boundary_with`, as the server does. */
export function locateIn(data, lon, lat) {
  const point = [lon, lat];
  const hits = data.communes.map((c) => ({ c, position: communePosition(point, c.coordinates) }))
    .filter((h) => h.position !== 'outside')
    .sort((a, b) => byCode(a.c, b.c));
  const inside = hits.filter((h) => h.position === 'inside').map((h) => h.c);
  const touching = hits.filter((h) => h.position === 'boundary').map((h) => h.c);
  const answer = (commune, onBoundary, boundaryWith, alsoIn) => {
    const formerUnits = lineageOf(data, commune.code);
    return {
      lon, lat, commune: communeRef(commune), on_boundary: onBoundary,
      boundary_with: boundaryWith.map((c) => c.code), also_in: alsoIn.map((c) => c.code),
      seat: seatOf(data, commune.code, point), former_units: formerUnits, ...lineageNote(formerUnits, commune),
    };
  };
  if (inside.length) return answer(inside[0], false, [], inside.slice(1));
  if (touching.length) return answer(touching[0], true, touching.slice(1), []);
  let nearestCommune = null;
  for (const c of data.communes) {
    const distance = metresToEdges(point, c.coordinates);
    if (!nearestCommune || distance < nearestCommune.distance_m) {
      nearestCommune = { code: c.code, name: c.name, full_name: c.full_name, distance_m: distance };
    }
  }
  if (nearestCommune) nearestCommune.distance_m = roundMetres(nearestCommune.distance_m);
  return { lon, lat, commune: null, on_boundary: false, boundary_with: [], also_in: [], seat: null, former_units: [], nearest_commune: nearestCommune };
}

/** `/api/v1/nearest`'s offices from `data`: the `k` nearest, ties by id, as the server orders them. */
export function nearestIn(data, lon, lat, k) {
  const offices = data.offices
    .map((o) => ({ office: o, distance: metres([lon, lat], [o.lon, o.lat]) }))
    .sort((a, b) => a.distance - b.distance || (a.office.id < b.office.id ? -1 : a.office.id > b.office.id ? 1 : 0))
    .slice(0, k)
    .map(({ office, distance }) => ({ ...office, distance_m: roundMetres(distance) }));
  return { offices };
}

/** `/api/v1/communes/{code}` from `data`: its properties and bbox, or null. */
export function communeIn(data, code) {
  const found = data.communes.find((c) => c.code === code);
  if (!found) return null;
  const points = found.coordinates.flat(2);
  const bbox = [Math.min(...points.map((p) => p[0])), Math.min(...points.map((p) => p[1])), Math.max(...points.map((p) => p[0])), Math.max(...points.map((p) => p[1]))];
  return { bbox, properties: { ...communeRef(found), seat: seatOf(data, code), former_units: formerUnitsOf(data, code) } };
}

// ---- Search, with the server's keys ----
// The pack's `search` entries carry each name's words folded and toned, made by the server;
// only the query is folded here, the way data_boundaries::text folds it.

/** White space as Rust's `char::is_whitespace` has it (JavaScript's `\s` differs: U+FEFF, U+0085). */
const WHITE_SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/u;
const words = (text) => text.split(WHITE_SPACE).filter(Boolean);

/** No marks, lowercase, single-spaced (data_boundaries::text::fold). */
export function fold(text) {
  return words(text.normalize('NFD').replace(/\p{M}/gu, '').replace(/[đĐ]/g, 'd').toLowerCase()).join(' ');
}

const TONES = { '\u0301': 1, '\u0300': 2, '\u0309': 3, '\u0303': 4, '\u0323': 5 };

/** A word lowercase with its vowel shapes, and its tone apart (data_boundaries::text::toned_word). */
export function tonedWord(word) {
  let tone = 0;
  let base = '';
  for (const c of word.normalize('NFD')) {
    if (c in TONES) tone = TONES[c];
    else base += c.toLowerCase();
  }
  return [base.normalize('NFC'), tone];
}

const hasDiacritics = (word) => /\p{M}/u.test(word.normalize('NFD')) || /[đĐ]/.test(word);

function queryWord(word) {
  const folded = fold(word);
  const [, tone] = tonedWord(word);
  const marked = hasDiacritics(word);
  // A word typed with marks must carry the same tone; its vowel shapes may be off ("Hué").
  const test = (how) => (key, i) => how(key.folded[i], folded) && (!marked || tone === 0 || key.toned[i][1] === tone);
  return {
    equals: (key, i) => key.folded[i] === folded && (!marked || key.toned[i][1] === tone),
    starts: test((a, b) => a.startsWith(b)),
    ends: test((a, b) => a.endsWith(b)),
    within: test((a, b) => a.includes(b)),
  };
}

function occurs(key, words) {
  const n = key.folded.length;
  if (words.length === 0) return false;
  if (words.length === 1) return key.folded.some((_, i) => words[0].within(key, i));
  const middle = words.slice(1, -1);
  for (let start = 0; start < n; start++) {
    const end = start + middle.length + 1;
    if (end < n && words[0].ends(key, start) && middle.every((w, j) => w.equals(key, start + 1 + j)) && words.at(-1).starts(key, end)) return true;
  }
  return false;
}

const RANK = ['exact', 'prefix', 'substring'];

function matchKind(key, words, longEnough) {
  const n = key.folded.length;
  const last = words.length - 1;
  if (n === words.length && words.every((w, j) => w.equals(key, j))) return 'exact';
  const prefixAt = (start) => start + last < n && words.slice(0, last).every((w, j) => w.equals(key, start + j)) && words[last].starts(key, start + last);
  if (prefixAt(0) || (words.length === 1 && longEnough && key.folded.some((_, start) => start > 0 && prefixAt(start)))) return 'prefix';
  return occurs(key, words) ? 'substring' : null;
}

function bestMatch(entry, words, longEnough) {
  const kinds = entry.keys.map((key) => matchKind(key, words, longEnough)).filter(Boolean);
  if (kinds.length) return kinds.sort((a, b) => RANK.indexOf(a) - RANK.indexOf(b))[0];
  return entry.extra && occurs(entry.extra, words) ? 'substring' : null;
}

const compareText = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

/** `/api/v1/search`'s results from `data`, best first, in the server's order and shapes. */
export function searchIn(data, query, limit) {
  const folded = fold(query);
  // Letters and digits as Rust's `char::is_alphanumeric` has them.
  if (!/[\p{Alphabetic}\p{N}]/u.test(folded)) return { query, results: [] };
  const queryWords = words(query).map(queryWord);
  const longEnough = [...folded].length >= 2;
  // A pack saved before it carried the keys has none: nothing is found rather than an error.
  const hits = (data.search ?? [])
    .map((entry) => ({ entry, kind: bestMatch(entry, queryWords, longEnough) }))
    .filter((h) => h.kind)
    .sort((a, b) => RANK.indexOf(a.kind) - RANK.indexOf(b.kind) || a.entry.order[0] - b.entry.order[0] || compareText(a.entry.order[1], b.entry.order[1]))
    .slice(0, limit);
  return { query, results: hits.map(({ entry, kind }) => result(data, entry, kind)) };
}

function result(data, entry, match) {
  if (entry.kind === 'commune') return { kind: 'commune', match, ...communeRef(data.communes[entry.at]) };
  if (entry.kind === 'former_unit') {
    const u = data.former_units[entry.at];
    const joined = data.communes.find((c) => c.code === u.new_code);
    return {
      kind: 'former_unit', match, code: u.code, name: u.name, district: u.district, lon: u.lon, lat: u.lat,
      position_precision: u.position_precision, ...(u.province ? { province: u.province } : {}), share: u.share,
      new_unit: joined ? communeRef(joined) : null, new_units: newUnitsOf(data, u.code),
    };
  }
  return { kind: 'office', match, office: data.offices[entry.at] };
}
