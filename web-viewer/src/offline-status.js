// The service worker (sw.js) saves the map and the offline pack for use with no network, and
// says which version it saved; the legend then says the map is saved. Asked to refresh on each
// visit, so a new dataset or registry version is saved too.
import { $ } from './api.js';
import { datasetBounds } from './still-map.js';

/** Registers the service worker; `onReady(version)` runs each time it says a version is
 * saved. Returns `show()`, which says it again (in a new language), and `savePack(code)`,
 * which saves one province's pack in place of the one saved (a national page saves none
 * until a province is picked). */
export function startOfflineStatus({ t, onReady }) {
  let version = null;
  function show() {
    // A national page says how to keep a province offline until one is.
    const text = version ? t('offlineSaved') : datasetBounds ? t('offlineChooseProvince') : '';
    $('offline-note').hidden = !text;
    $('offline-note').textContent = text;
  }
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.addEventListener('message', (event) => {
      if (event.data?.type !== 'offline-ready') return;
      version = event.data.version;
      onReady(version);
      show();
    });
    navigator.serviceWorker.register(datasetBounds ? '/sw.js?pack=none' : '/sw.js')
      .then(() => navigator.serviceWorker.ready)
      .then((registration) => registration.active?.postMessage('refresh'))
      .catch(() => { /* No service worker (a private window, an old browser): online only. */ });
  }
  function savePack(code) {
    navigator.serviceWorker?.ready
      .then((registration) => registration.active?.postMessage({ type: 'save-pack', pack: `/api/v1/offline-pack?province=${encodeURIComponent(code)}` }))
      .catch(() => { /* Online only. */ });
  }
  show();
  return { show, savePack };
}
