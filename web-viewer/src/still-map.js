// The first picture of the map: a still SVG of the communes (/api/v1/map.svg, drawn by the
// server from the same tiles, in the same colours) for the view the page opens on. A phone
// shows it at once, and starts the WebGL map (app.js) only when the resident touches the map
// or asks for something only the live map shows. WebGL is the heaviest thing the page does:
// on a slow phone it blocks the page for seconds while it sets up and draws.
//
// This module has no imports, so it runs as soon as the page is parsed. It is the page's entry:
// it loads the rest (app.js, and with it MapLibre's 300 kB) once the picture has arrived, so on
// a slow connection the picture gets the bandwidth first.

/** Where the map opens without a view in the link: Huế. */
export const DEFAULT_VIEW = { center: [107.58, 16.46], zoom: 10 };

/** MapLibre's tiles are 512 px: at zoom z the world is 512 · 2^z pixels wide. */
const TILE_PIXELS = 512;

/** The box [west, south, east, north] a national dataset's page opens on (the server writes
 * it into the page), or null for a city's page, which opens on DEFAULT_VIEW. */
export const datasetBounds = (() => {
  const box = document.querySelector('meta[name="hue-map-bounds"]')?.content.split(',').map(Number);
  return box?.length === 4 && box.every(Number.isFinite) ? box : null;
})();

/** The view that shows the box [west, south, east, north] whole in a `width` × `height` map,
 * with `padding` pixels on every side (as MapLibre's fitBounds does). */
export function fitView([west, south, east, north], width, height, padding = 24) {
  // A tiny map keeps some room for the box.
  const pad = Math.min(padding, width / 4, height / 4);
  const mercatorY = (lat) => (1 - Math.asinh(Math.tan(lat * Math.PI / 180)) / Math.PI) / 2;
  const [top, bottom] = [mercatorY(north), mercatorY(south)];
  const scale = Math.min((width - 2 * pad) / ((east - west) / 360), (height - 2 * pad) / (bottom - top));
  const zoom = Math.min(22, Math.max(0, Math.log2(scale / TILE_PIXELS)));
  const middle = (top + bottom) / 2;
  const lat = Math.atan(Math.sinh(Math.PI * (1 - 2 * middle))) * 180 / Math.PI;
  return { center: [(west + east) / 2, lat], zoom };
}

/** The view a page opens on without one in its link, for a map `width` × `height`. */
export function openingView(width, height) {
  return datasetBounds && width > 0 && height > 0 ? fitView(datasetBounds, width, height) : DEFAULT_VIEW;
}

/** The view a link asks for (#map=zoom/lat/lon[/bearing[/pitch]], as MapLibre writes it), or
 * `fallback`; null for a turned or tilted view, which a flat picture cannot show. */
export function linkedView(hash, fallback = DEFAULT_VIEW) {
  const match = /(?:^#|&)map=([-\d.]+)\/([-\d.]+)\/([-\d.]+)(?:\/([-\d.]+))?(?:\/([-\d.]+))?/.exec(hash);
  if (!match) return fallback;
  const [zoom, lat, lon] = match.slice(1, 4).map(Number);
  const [bearing, pitch] = match.slice(4).map((v) => Number(v ?? 0));
  if (bearing || pitch) return null;
  return [zoom, lat, lon].every(Number.isFinite) ? { center: [lon, lat], zoom } : fallback;
}

/** The lon/lat box [west, south, east, north] that a `width` × `height` map shows. */
export function boxOf({ center, zoom }, width, height) {
  const world = TILE_PIXELS * 2 ** zoom;
  const [cx, cy] = [(center[0] + 180) / 360 * world, (1 - Math.asinh(Math.tan(center[1] * Math.PI / 180)) / Math.PI) / 2 * world];
  const lon = (x) => x / world * 360 - 180;
  const lat = (y) => Math.atan(Math.sinh(Math.PI * (1 - 2 * y / world))) * 180 / Math.PI;
  const clampLon = (v) => Math.min(180, Math.max(-180, v));
  const clampLat = (v) => Math.min(85.05, Math.max(-85.05, v));
  return [clampLon(lon(cx - width / 2)), clampLat(lat(cy + height / 2)), clampLon(lon(cx + width / 2)), clampLat(lat(cy - height / 2))];
}

const params = new URLSearchParams(location.search);
/** Links to a commune, planning and editing need the live map from the start. */
export const startsLive = params.has('commune') || ['planning', 'edit'].includes(params.get('mode'));

function showStill() {
  const container = document.getElementById('map');
  // The size MapLibre will give its canvas (whole pixels).
  const [width, height] = [container.clientWidth, container.clientHeight];
  const view = linkedView(location.hash, openingView(width, height));
  if (startsLive || !view || width < 1 || height < 1) return null;
  const box = boxOf(view, width, height);
  const image = document.createElement('img');
  image.className = 'still-map';
  // The live map's canvas carries the map's name; this picture is what it looks like.
  image.alt = '';
  image.dataset.bbox = box.join(',');
  // The first thing a resident sees: ahead of MapLibre's script, which it does not need.
  image.fetchPriority = 'high';
  image.src = `/api/v1/map.svg?bbox=${box.map((v) => v.toFixed(6)).join(',')}&width=${width}&height=${height}`;
  container.prepend(image);
  return image;
}

/** The still picture on show, or null (a link that starts live, or none drawn). */
export const still = showStill();

/** Whether the picture arrived: false offline, where only the saved tiles can draw the map.
 * Listened for here, since the answer may come before app.js has loaded. */
export const stillArrived = still
  ? new Promise((resolve) => {
    still.addEventListener('load', () => resolve(true), { once: true });
    still.addEventListener('error', () => resolve(false), { once: true });
  })
  : Promise.resolve(false);

/** Resolves at the first touch, click, wheel or key on the map, or a mouse moving over it:
 * listened for here, so a touch before app.js has loaded still starts the live map. */
export const touched = still
  ? new Promise((resolve) => {
    const container = document.getElementById('map');
    const listening = new AbortController();
    const done = () => { listening.abort(); resolve(); };
    const options = { passive: true, signal: listening.signal };
    for (const type of ['pointerdown', 'wheel', 'keydown']) container.addEventListener(type, done, options);
    container.addEventListener('pointermove', (event) => { if (event.pointerType === 'mouse') done(); }, options);
  })
  : new Promise(() => {});

// Until app.js has loaded, Enter in the search box does nothing rather than reload the page
// (app.js answers the same event, and never lets the form submit either).
document.getElementById('search')?.addEventListener('submit', (event) => event.preventDefault());

// Not held up for long by a slow picture: the search and the buttons are in app.js.
const PICTURE_WAIT_MS = 2000;
Promise.race([stillArrived, new Promise((resolve) => { setTimeout(resolve, PICTURE_WAIT_MS); })])
  .then(() => import('/viewer/app.js'));
