// The service worker: the map keeps working with no network (Huế floods every year).
// - On install it saves the app shell, then every URL the offline pack (/api/v1/offline-pack)
//   lists: the Huế tiles to z14 and the glyph ranges the labels use; the pack itself last.
//   A national page saves the shell only, and then the pack of the province its resident
//   picks ({ type: 'save-pack' }); an update keeps the pack already saved.
// - Saves run one at a time, and one asked for while another runs replaces any still
//   waiting, so the province picked last is the one kept.
// - Every request it looks after goes to the network first, and a good answer refreshes the
//   saved copy, so online users always see the current data; when the network fails (or
//   hangs for NETWORK_WAIT_MS while a saved copy exists), the saved copy answers.
// - When the page asks ("refresh"), it checks the pack's ETag; a new dataset or registry
//   version is saved into a fresh cache, which replaces the old one only once complete, so an
//   interrupted refresh never leaves a pack that claims tiles it does not have.
// The page is told which version is saved through postMessage ({ type: 'offline-ready', version }).
const PREFIX = 'hue-map-offline';
const CURRENT = `${PREFIX}-current`;
const PACK = '/api/v1/offline-pack';
// A national page registers the worker as /sw.js?pack=none: it saves the shell, and one
// province's pack (/api/v1/offline-pack?province=79) once the resident picks it, since the
// whole country's would be about 15 MB.
const DEFAULT_PACK = new URL(self.location.href).searchParams.get('pack') === 'none' ? null : PACK;
const SHELL = [
  '/', '/viewer/app.js', '/viewer/api.js', '/viewer/i18n.js', '/viewer/app.css', '/viewer/report.js', '/viewer/offline.js', '/viewer/hosted-style.js', '/viewer/planning.js', '/viewer/still-map.js',
  // The parts of app.js: every module the page loads is listed (test/shell.unit.test.js).
  '/viewer/state.js', '/viewer/answers.js', '/viewer/live-map.js', '/viewer/map-overlays.js', '/viewer/basemap-note.js', '/viewer/camera.js',
  '/viewer/panel.js', '/viewer/panel-html.js', '/viewer/places.js', '/viewer/search.js', '/viewer/planning-mode.js', '/viewer/language.js',
  '/viewer/offline-status.js', '/viewer/data-version.js', '/viewer/province-picker.js', '/viewer/test-hooks.js', '/viewer/coordinates.js',
  '/viewer/manifest.webmanifest', '/viewer/icon.svg', '/viewer/icon-192.png',
  '/vendor/maplibre-gl/maplibre-gl.mjs', '/vendor/maplibre-gl/maplibre-gl-worker.mjs', '/vendor/maplibre-gl/maplibre-gl-shared.mjs',
  '/vendor/maplibre-gl/maplibre-gl.css', '/style.json', '/tiles.json',
];
// How long a hanging network may keep a resident waiting when a saved copy could answer.
const NETWORK_WAIT_MS = 6000;
// Requests at once while saving, so a phone is not flooded with 1,400 tile requests.
const SAVING_CONCURRENCY = 6;
// Only these are saved and answered offline; the rest of the API needs the network.
const SAVED = /^\/($|viewer\/|vendor\/|style\.json$|tiles\.json$|tiles\/|fonts\/|api\/v1\/offline-pack$)/;
// MapLibre loads its worker as maplibre-gl-worker.mjs?v=6.17.0: no saved URL needs its query.
const MATCH = { ignoreVary: true, ignoreSearch: true };

self.addEventListener('install', (event) => {
  // An update keeps the pack the resident has (a province's), rather than the default.
  const saving = caches.open(CURRENT).then(savedPackUrl).then((packUrl) => queueSave(packUrl));
  event.waitUntil(saving.then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(self.clients.claim().then(() => announce()));
});

self.addEventListener('message', (event) => {
  if (event.data === 'refresh') event.waitUntil(refresh().catch(() => announce()).catch(() => undefined));
  // A province chosen on a national page: its pack replaces whatever pack was saved.
  const pack = event.data?.type === 'save-pack' ? String(event.data.pack) : '';
  if (pack.startsWith(`${PACK}?province=`)) event.waitUntil(queueSave(pack));
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== self.location.origin || !SAVED.test(url.pathname)) return;
  event.respondWith(networkFirst(event, url));
});

async function networkFirst(event, url) {
  const cache = await caches.open(CURRENT);
  // The page is saved as "/", whatever its query string (?commune=…&lang=en), and a tile
  // by its path: its `?v=` (the data version) changes with every edit, and each version
  // kept apart would grow the cache without end.
  const key = url.pathname === '/' || url.pathname.startsWith('/tiles/') ? url.pathname : event.request;
  const saved = await cache.match(key, MATCH);
  try {
    const answer = fetch(event.request);
    const response = await (saved ? withTimeout(answer, NETWORK_WAIT_MS) : answer);
    // "/" is also the OGC landing page (JSON) for non-browsers: only the app page is saved.
    // A pack is saved only by save(), with the tiles it lists (a national page's plain
    // request must not keep the whole country's).
    const keep = response.ok && url.pathname !== PACK
      && (key !== '/' || (response.headers.get('Content-Type') ?? '').startsWith('text/html'));
    if (keep) event.waitUntil(cache.put(key, response.clone()).catch(() => undefined));
    return response;
  } catch (error) {
    if (saved) return saved;
    throw error;
  }
}

function withTimeout(promise, ms) {
  let timer;
  const timeout = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error('network timeout')), ms); });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

let saving = Promise.resolve();
let latest = 0;

/** Saves with save(packUrl) after the saves already running; a save still waiting when a
 * newer one is asked for is dropped. Never rejects. */
function queueSave(packUrl) {
  const mine = ++latest;
  saving = saving.then(() => (mine === latest ? save(packUrl, mine) : undefined)).catch(() => undefined);
  return saving;
}

/** Saves the shell, every URL the pack at `packUrl` lists and then the pack (none when
 * `packUrl` is null), into a fresh cache that replaces the current one when complete. A URL
 * that fails is left out (the network answers it later), so one bad tile does not cost the
 * whole offline map. */
async function save(packUrl, generation = 0) {
  const pack = packUrl ? await fetch(packUrl, { cache: 'no-store' }) : null;
  if (pack && !pack.ok) throw new Error(`offline pack: ${pack.status}`);
  const { urls } = pack ? await pack.clone().json() : { urls: [] };
  const fresh = `${PREFIX}-${Date.now()}-${generation}`;
  const cache = await caches.open(fresh);
  // "/" answers a browser (Accept: text/html) with the map, anything else with OGC JSON.
  await cache.addAll(SHELL.map((path) => new Request(path, { cache: 'no-cache', headers: path === '/' ? { Accept: 'text/html' } : {} })));
  const pending = [...urls];
  const worker = async () => {
    while (pending.length) {
      const path = pending.pop();
      try {
        const response = await fetch(path, { cache: 'no-cache' });
        if (response.ok) await cache.put(path, response);
      } catch {
        // Left for the network to answer later.
      }
    }
  };
  await Promise.all(Array.from({ length: SAVING_CONCURRENCY }, worker));
  if (pack) await cache.put(packUrl, pack);
  await swapIn(fresh);
  await announce();
}

/** Makes `fresh` the current cache: its entries replace the current ones (which answer until
 * then), entries it lacks are dropped, and every other cache of ours is deleted. */
async function swapIn(fresh) {
  const source = await caches.open(fresh);
  const current = await caches.open(CURRENT);
  const requests = await source.keys();
  // A save always holds the shell: an empty one was deleted under us (by another worker's
  // swap, during an update), and must not empty the current cache.
  if (!requests.length) return;
  const kept = new Set();
  for (const request of requests) {
    await current.put(request, await source.match(request));
    kept.add(request.url);
  }
  for (const request of await current.keys()) if (!kept.has(request.url)) await current.delete(request);
  for (const name of await caches.keys()) if (name.startsWith(PREFIX) && name !== CURRENT) await caches.delete(name);
}

/** Saves everything again when the pack's version changed. */
async function refresh() {
  const cache = await caches.open(CURRENT);
  const packUrl = await savedPackUrl(cache);
  if (!packUrl) return undefined;
  const saved = await cache.match(packUrl);
  // Offline, this rejects, and the caller says what is saved all the same.
  const response = await fetch(packUrl, { headers: saved ? { 'If-None-Match': saved.headers.get('ETag') ?? '' } : {}, cache: 'no-store' });
  if (response.status === 304) return announce();
  if (response.ok) return queueSave(packUrl);
  return announce();
}

/** The pack kept fresh: the one saved (a province's, with its query, first), else the
 * default. */
async function savedPackUrl(cache) {
  const packs = (await cache.keys()).map((request) => new URL(request.url)).filter((url) => url.pathname === PACK);
  const saved = packs.find((url) => url.searchParams.has('province')) ?? packs[0];
  return saved ? `${saved.pathname}${saved.search}` : DEFAULT_PACK;
}

/** Tells every open page which version of the data is saved for offline use. */
async function announce() {
  const cache = await caches.open(CURRENT);
  const saved = await cache.match(PACK, MATCH);
  if (!saved) return;
  const { version } = await saved.json();
  for (const client of await self.clients.matchAll()) client.postMessage({ type: 'offline-ready', version });
}
