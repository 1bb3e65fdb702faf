// Answers with no network, from the offline pack the service worker saved: which commune
// holds a point, its seat, the nearest offices, a commune by code, and a name search. The
// borders are simplified to about 5 m, so an answer near a border may be wrong: the page
// says so. The answers have the API's shapes, so the page shows them the same way.

let pack = null;

/** The saved pack: the service worker's copy, read straight from its cache (a network that
 * hangs would otherwise hold this up too), or the server's when none is saved yet. */
export async function loadPack() {
  if (!pack) {
    const saved = await globalThis.caches?.match('/api/v1/offline-pack', { ignoreVary: true, ignoreSearch: true });
    const response = saved ?? await fetch('/api/v1/offline-pack');
    if (!response.ok) throw new Error(`offline pack: ${response.status}`);
    pack = await response.json();
  }
  return pack;
}

// Ray casting; a point exactly on an edge may go either way, which the 5 m caveat covers.
function inRing([x, y], ring) {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function inCommune(point, commune) {
  return commune.coordinates.some(([outer, ...holes]) => inRing(point, outer) && !holes.some((hole) => inRing(point, hole)));
}

/** Great-circle distance in metres (a sphere of the mean Earth radius). */
function metres([lon1, lat1], [lon2, lat2]) {
  const rad = Math.PI / 180;
  const a = Math.sin(((lat2 - lat1) * rad) / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(((lon2 - lon1) * rad) / 2) ** 2;
  return 2 * 6371008.8 * Math.asin(Math.sqrt(a));
}

const communeRef = (c) => ({ code: c.code, name: c.name, full_name: c.full_name, type: c.type });
const withDistance = (office, point) => ({ ...office, distance_m: metres(point, [office.lon, office.lat]) });

function seatOf(data, code, point) {
  const seat = data.offices.find((o) => o.kind === 'commune_seat' && o.commune_code === code);
  return seat && point ? withDistance(seat, point) : seat ?? null;
}

const formerUnitsOf = (data, code) => data.former_units.filter((u) => u.new_code === code).map((u) => ({ code: u.code, name: u.name }));

/** `/api/v1/locate` offline. */
export async function locate(lon, lat) {
  const data = await loadPack();
  const point = [lon, lat];
  const commune = data.communes.find((c) => inCommune(point, c));
  if (!commune) {
    const nearest = data.communes
      .map((c) => ({ c, d: Math.min(...c.coordinates.flat(2).map((v) => metres(point, v))) }))
      .sort((a, b) => a.d - b.d)[0];
    return { commune: null, nearest_commune: nearest ? { ...communeRef(nearest.c), distance_m: nearest.d } : null, offline: true };
  }
  return { commune: communeRef(commune), seat: seatOf(data, commune.code, point), former_units: formerUnitsOf(data, commune.code), on_boundary: false, offline: true };
}

/** `/api/v1/nearest` offline. */
export async function nearest(lon, lat, k) {
  const data = await loadPack();
  const offices = data.offices.map((o) => withDistance(o, [lon, lat])).sort((a, b) => a.distance_m - b.distance_m).slice(0, k);
  return { offices, offline: true };
}

/** `/api/v1/communes/{code}` offline: its properties and bbox, or null. */
export async function commune(code) {
  const data = await loadPack();
  const found = data.communes.find((c) => c.code === code);
  if (!found) return null;
  const points = found.coordinates.flat(2);
  const bbox = [Math.min(...points.map((p) => p[0])), Math.min(...points.map((p) => p[1])), Math.max(...points.map((p) => p[0])), Math.max(...points.map((p) => p[1]))];
  return { bbox, properties: { ...communeRef(found), seat: seatOf(data, code), former_units: formerUnitsOf(data, code) }, offline: true };
}

// Search folds case and tone marks only when the query has none, so "thuan hoa" finds
// Thuận Hoá while "Thuận Hòa" does not. The old and new placements of a tone mark ("Hoá",
// "Hóa") are one spelling.
const placement = (s) => s.normalize('NFC').toLowerCase().replace(/o([àáảãạ])/g, (_, v) => `${{ à: 'ò', á: 'ó', ả: 'ỏ', ã: 'õ', ạ: 'ọ' }[v]}a`)
  .replace(/u([ỳýỷỹỵ])/g, (_, v) => `${{ ỳ: 'ù', ý: 'ú', ỷ: 'ủ', ỹ: 'ũ', ỵ: 'ụ' }[v]}y`);
const folded = (s) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'd').toLowerCase();

/** `/api/v1/search` offline: communes and former units whose names hold the query. */
export async function search(query, limit) {
  const data = await loadPack();
  const plain = folded(query) === query.toLowerCase();
  const key = plain ? folded : placement;
  const wanted = key(query.trim());
  if (!wanted) return { results: [], offline: true };
  const byCode = new Map(data.communes.map((c) => [c.code, c]));
  const communes = data.communes.filter((c) => key(c.full_name).includes(wanted)).map((c) => ({ kind: 'commune', ...communeRef(c) }));
  const former = data.former_units.filter((u) => key(u.name).includes(wanted))
    .map((u) => ({ kind: 'former_unit', name: u.name, new_unit: byCode.has(u.new_code) ? communeRef(byCode.get(u.new_code)) : null }));
  return { results: [...communes, ...former].slice(0, limit), offline: true };
}
