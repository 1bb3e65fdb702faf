// Keeps the map's own layers current without a reload. The service's data moves when an
// office is saved (on this page or anywhere) or the dataset is reloaded; /healthz says which
// version it serves, and the TileJSON's tile URLs carry that version (`?v=`), so reloading
// our source from /tiles.json fetches new URLs, which no cache can answer from before.
// It asks /healthz every POLL_MS while the page is visible (the service's cheapest answer,
// from memory), and at once when the page says its own save went through.

const POLL_MS = 1000;
// A reload that has not brought the version it was for (the TileJSON failed, or the service
// worker answered with its saved one) is tried again after this long.
const RETRY_MS = 10_000;
const SOURCE = 'hue';

/** The version /healthz reports, as the tile URLs carry it. */
export function versionOf(health) {
  return health.version;
}

/** The version in a tile URL template (`…/{z}/{x}/{y}.mvt?v=…`), or null without one. */
export function versionInUrl(template) {
  const query = String(template ?? '').split('?')[1] ?? '';
  const pair = query.split('&').find((p) => p.startsWith('v='));
  return pair ? decodeURIComponent(pair.slice(2)) : null;
}

/** Whether the source drawn from `loaded` (its version, null before it loaded) must be
 * reloaded for `serving`, unless a reload for that version was `requested` less than
 * RETRY_MS ago (`sinceRequest`, in ms). */
export function needsReload(loaded, serving, requested, sinceRequest = 0) {
  return loaded !== null && loaded !== serving && (requested !== serving || sinceRequest >= RETRY_MS);
}

/** Follows the service's data version for `map`; returns `check()`, to call after a save. */
export function followDataVersion(map, { pollMs = POLL_MS } = {}) {
  let requested = null;
  let requestedAt = 0;
  let checking = false;

  async function check() {
    const source = map.getSource(SOURCE);
    if (checking || !source?.tiles) return;
    checking = true;
    try {
      const response = await fetch('/healthz', { cache: 'no-store' });
      if (!response.ok) return;
      const serving = versionOf(await response.json());
      if (!needsReload(versionInUrl(source.tiles[0]), serving, requested, Date.now() - requestedAt)) return;
      requested = serving;
      requestedAt = Date.now();
      // MapLibre reads the TileJSON again (revalidated by its ETag) and then the new URLs.
      source.setUrl(source.url);
    } catch {
      // No network (offline, or the server restarting): the saved map stays as it is.
    } finally {
      checking = false;
    }
  }

  setInterval(() => { if (document.visibilityState === 'visible') check(); }, pollMs);
  document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'visible') check(); });
  return { check };
}
