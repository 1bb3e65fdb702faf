// The service worker (sw.js) saves the map and the offline pack for use with no network, and
// says which version it saved; the legend then says the map is saved. Asked to refresh on each
// visit, so a new dataset or registry version is saved too.
import { $ } from './api.js';

/** Registers the service worker; `onReady(version)` runs each time it says a version is
 * saved. Returns `show()`, which says it again (in a new language). */
export function startOfflineStatus({ t, onReady }) {
  let version = null;
  function show() {
    $('offline-note').hidden = !version;
    $('offline-note').textContent = version ? t('offlineSaved') : '';
  }
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.addEventListener('message', (event) => {
      if (event.data?.type !== 'offline-ready') return;
      version = event.data.version;
      onReady(version);
      show();
    });
    navigator.serviceWorker.register('/sw.js')
      .then(() => navigator.serviceWorker.ready)
      .then((registration) => registration.active?.postMessage('refresh'))
      .catch(() => { /* No service worker (a private window, an old browser): online only. */ });
  }
  return { show };
}
