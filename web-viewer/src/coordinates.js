// Reading a position as people paste it: "16.4785, 107.577", "107.577 16.4785", decimal
// commas ("16,4785 107,577"), a Google Maps or OpenStreetMap link, a `geo:` URI. Pure, so it
// is tested in Node (test/coordinates.unit.test.js).
//
// Free text gives two numbers in either order: the order is worked out from the area the
// service covers (Huế), where latitude and longitude ranges do not overlap. Links and `geo:`
// URIs say their order (latitude first); if swapping theirs would land in the area and theirs
// does not, the answer says the two look swapped rather than guessing.

/** Huế and a margin: west, south, east, north. */
export const HUE_BOUNDS = [106.9, 15.8, 108.4, 17.0];

const NUMBER = /-?\d+(?:[.,]\d+)?/g;

const inside = ([west, south, east, north], lat, lon) => lon >= west && lon <= east && lat >= south && lat <= north;

/** The (latitude, longitude) a link or URI names, in its own order, or null. */
function fromLink(text) {
  const patterns = [
    /^geo:\s*(-?[\d.]+)\s*,\s*(-?[\d.]+)/i,                         // geo:16.4785,107.577
    /[#&?]map=\d+(?:\.\d+)?\/(-?[\d.]+)\/(-?[\d.]+)/,               // openstreetmap.org/#map=17/LAT/LON
    /[?&]mlat=(-?[\d.]+)&mlon=(-?[\d.]+)/,                          // openstreetmap.org/?mlat=LAT&mlon=LON
    /!3d(-?[\d.]+)!4d(-?[\d.]+)/,                                   // a Google place's pin (…/data=…!3dLAT!4dLON), not the view
    /@(-?[\d.]+),(-?[\d.]+)(?:,|$)/,                                // google.com/maps/@LAT,LON,17z
    /[?&](?:q|query|ll|center|destination)=(-?[\d.]+)(?:,|%2C)\s*(-?[\d.]+)/i, // …?q=LAT,LON
  ];
  for (const pattern of patterns) {
    const match = text.match(pattern);
    if (match) return [Number(match[1]), Number(match[2])];
  }
  return null;
}

/**
 * Reads a pasted position. Returns `{ lat, lon }`, or `{ error }` with `error` one of
 * `empty`, `unreadable` (not two numbers), `swapped` (a link's order is backwards: `lat`
 * and `lon` then hold the swapped reading) or `outside` (neither order lies in `bounds`).
 */
export function parseCoordinates(input, bounds = HUE_BOUNDS) {
  const text = String(input ?? '').trim();
  if (!text) return { error: 'empty' };
  const linked = fromLink(text);
  if (linked) {
    const [lat, lon] = linked;
    if (inside(bounds, lat, lon)) return { lat, lon };
    if (inside(bounds, lon, lat)) return { error: 'swapped', lat: lon, lon: lat };
    return { error: 'outside', lat, lon };
  }
  const numbers = (text.match(NUMBER) ?? []).map((n) => Number(n.replace(',', '.')));
  if (numbers.length !== 2 || numbers.some((n) => !Number.isFinite(n))) return { error: 'unreadable' };
  const [a, b] = numbers;
  if (inside(bounds, a, b)) return { lat: a, lon: b };
  if (inside(bounds, b, a)) return { lat: b, lon: a };
  return { error: 'outside', lat: a, lon: b };
}

/** The position as the field shows it: latitude, longitude, six decimals (about 10 cm). */
export function formatCoordinates(lat, lon) {
  return `${Number(lat).toFixed(6)}, ${Number(lon).toFixed(6)}`;
}
