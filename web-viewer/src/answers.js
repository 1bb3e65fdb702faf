// Online, the API answers; with no network, the offline pack the service worker saved does
// (offline.js), and the answer says so. A refusal from the API (4xx/5xx) is not overridden.
// A request that hangs (a weak signal that holds the connection but carries nothing) counts as
// no answer: with the map saved it gives way to the offline answer after a few seconds, and
// otherwise to the message with a retry button.
import { ApiError, api } from './api.js';

const SAVED_MAP_WAIT_MS = 6000;
const NETWORK_WAIT_MS = 20000;

/** `answer(path, offline)`: the API's answer to `path`, or, with a saved map and no answer,
 * `offline(module)` with offline.js; throws the request's error when neither answers. */
export function createAnswers() {
  // With a saved map the offline answers are loaded ahead, so a hang costs only the wait.
  const offlineAnswers = navigator.serviceWorker?.controller ? import('./offline.js') : null;

  return async function answer(path, offline) {
    // Only a saved map (a service worker in control) answers offline.
    const saved = Boolean(navigator.serviceWorker?.controller);
    try {
      return await api(path, { signal: AbortSignal.timeout(saved ? SAVED_MAP_WAIT_MS : NETWORK_WAIT_MS) });
    } catch (error) {
      if (error instanceof ApiError || !saved) throw error;
      try {
        return await offline(await (offlineAnswers ?? import('./offline.js')));
      } catch {
        throw error;
      }
    }
  };
}
