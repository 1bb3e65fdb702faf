// The service worker: the map keeps working with no network (Huế floods every year).
// - On install it saves the app shell and the offline pack (/api/v1/offline-pack), then every
//   URL the pack lists: the Huế tiles to z14 and the glyph ranges the labels use.
// - Every request it looks after goes to the network first, and a good answer refreshes the
//   saved copy, so online users always see the current data; when the network fails (or
//   hangs for NETWORK_WAIT_MS), the saved copy answers.
// - When the page asks ("refresh"), it checks the pack's ETag; a new dataset or registry
//   version saves the pack and its URLs again (mostly 304s).
// The page is told how far saving got through postMessage ({ type: 'offline-ready', version }).
const CACHE = 'hue-map-offline';
const PACK = '/api/v1/offline-pack';
const SHELL = [
  '/', '/viewer/app.js', '/viewer/api.js', '/viewer/i18n.js', '/viewer/app.css', '/viewer/report.js', '/viewer/offline.js',
  '/viewer/manifest.webmanifest', '/viewer/icon.svg', '/viewer/icon-192.png',
  '/vendor/maplibre-gl/maplibre-gl.mjs', '/vendor/maplibre-gl/maplibre-gl-worker.mjs', '/vendor/maplibre-gl/maplibre-gl-shared.mjs',
  '/vendor/maplibre-gl/maplibre-gl.css', '/style.json', '/tiles.json', PACK,
];
// How long a hanging network may keep a resident waiting before the saved copy answers.
const NETWORK_WAIT_MS = 6000;
// Requests at once while saving, so a phone is not flooded with 1,400 tile requests.
const SAVING_CONCURRENCY = 6;
// Only these are saved and answered offline; the rest of the API needs the network.
const SAVED = /^\/($|viewer\/|vendor\/|style\.json$|tiles\.json$|tiles\/|fonts\/|api\/v1\/offline-pack$)/;

self.addEventListener('install', (event) => {
  event.waitUntil(save().then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(self.clients.claim().then(() => announce()));
});

self.addEventListener('message', (event) => {
  if (event.data === 'refresh') event.waitUntil(refresh());
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== self.location.origin || !SAVED.test(url.pathname)) return;
  event.respondWith(networkFirst(event.request, url));
});

async function networkFirst(request, url) {
  const cache = await caches.open(CACHE);
  // The page is saved as "/", whatever its query string (?commune=…&lang=en).
  const key = url.pathname === '/' ? '/' : request;
  try {
    const response = await withTimeout(fetch(request), NETWORK_WAIT_MS);
    if (response.ok) await cache.put(key, response.clone());
    return response;
  } catch (error) {
    // MapLibre loads its worker as maplibre-gl-worker.mjs?v=6.17.0: no saved URL needs its query.
    const saved = await cache.match(key, { ignoreVary: true, ignoreSearch: true });
    if (saved) return saved;
    throw error;
  }
}

function withTimeout(promise, ms) {
  let timer;
  const timeout = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error('network timeout')), ms); });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Saves the shell, the pack and every URL the pack lists. */
async function save() {
  const cache = await caches.open(CACHE);
  // "/" answers a browser (Accept: text/html) with the map, anything else with OGC JSON.
  await cache.addAll(SHELL.map((path) => new Request(path, { cache: 'no-cache', headers: path === '/' ? { Accept: 'text/html' } : {} })));
  const pack = await (await cache.match(PACK, { ignoreVary: true })).json();
  const pending = [...pack.urls];
  const worker = async () => {
    while (pending.length) {
      const path = pending.pop();
      const response = await fetch(path, { cache: 'no-cache' });
      if (response.ok) await cache.put(path, response);
    }
  };
  await Promise.all(Array.from({ length: SAVING_CONCURRENCY }, worker));
  await announce();
}

/** Saves everything again when the pack's version changed. */
async function refresh() {
  const cache = await caches.open(CACHE);
  const saved = await cache.match(PACK, { ignoreVary: true });
  const response = await fetch(PACK, { headers: saved ? { 'If-None-Match': saved.headers.get('ETag') ?? '' } : {}, cache: 'no-store' });
  if (response.status === 304) return announce();
  if (response.ok) return save();
  return undefined;
}

/** Tells every open page which version of the data is saved for offline use. */
async function announce() {
  const cache = await caches.open(CACHE);
  const saved = await cache.match(PACK, { ignoreVary: true });
  if (!saved) return;
  const { version } = await saved.json();
  for (const client of await self.clients.matchAll()) client.postMessage({ type: 'offline-ready', version });
}
