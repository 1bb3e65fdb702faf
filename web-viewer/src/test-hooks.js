// What the browser tests (web-viewer/test/) read of the page, all set here: the map
// (window.hueMap), whether it has gone idle once its style loaded (hueMapIdle), and the
// version the service worker saved for offline use (hueMapOfflineReady).

/** Exposes `map`; call after the page's own 'load' listener is added, so idle means the
 * page's layers are in. */
export function exposeMap(map) {
  window.hueMap = map;
  map.on('load', () => map.once('idle', () => { window.hueMapIdle = true; }));
}

export function exposeOfflineReady(version) {
  window.hueMapOfflineReady = version;
}
