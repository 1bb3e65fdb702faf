// What the page answers about a place: a point (a click or tap on the map, "my location") or a
// commune by its code, shown in the panel, outlined on the map and kept in the link. Online
// the API answers, offline the saved pack (answers.js).
import { ApiError } from './api.js';
import { communeHtml, nearestOfficesHtml, noSuchCommuneHtml, outsideHtml } from './panel-html.js';

/** `t` and `lang()` give the page's language; `answer` is answers.js's; `panel`, `overlays` and `camera` ({ fitCommune, keepVisible },
 * bound to the map) show the answer; `saveState(code)` puts it in the link;
 * `onCommuneShown(code)` runs after a commune is selected (planning marks its row). */
export function createPlaces({ map, answer, panel, overlays, camera, t, lang, saveState, onCommuneShown }) {
  /** What is at (lon, lat); `mark` false when the point has its own marker ("my location"). */
  async function showLocation(lon, lat, { mark = true } = {}) {
    const again = () => showLocation(lon, lat, { mark: false });
    if (mark) overlays.placeMarker(lon, lat);
    try {
      const [here, nearest] = await Promise.all([
        answer(`/api/v1/locate?lon=${lon}&lat=${lat}`, (offline) => offline.locate(lon, lat)),
        answer(`/api/v1/nearest?lon=${lon}&lat=${lat}&k=3`, (offline) => offline.nearest(lon, lat, 3)),
      ]);
      const offices = nearestOfficesHtml(lang(), nearest.offices);
      if (!here.commune) {
        overlays.highlight(here.nearest_commune?.code);
        panel.show(outsideHtml(lang(), here) + offices, { again });
        saveState(null);
        return;
      }
      overlays.highlight(here.commune.code);
      saveState(here.commune.code);
      panel.show(communeHtml(lang(), here.commune, here.former_units, here.seat, here) + offices, { offices: [here.seat], again });
      camera.keepVisible(lon, lat);
    } catch (error) {
      panel.showError(error, () => showLocation(lon, lat));
    }
  }

  /** Shows the commune with `code`, fitting the camera to it unless `fit` is false, with
   * `preface` (HTML, or a function giving it in the page's language now) above it. */
  async function selectCommune(code, { fit = true, preface = '' } = {}) {
    const prefaceHtml = typeof preface === 'function' ? preface() : preface;
    try {
      const feature = await answer(`/api/v1/communes/${encodeURIComponent(code)}`, (offline) => offline.commune(code));
      if (!feature) throw new ApiError(code, 404);
      const p = feature.properties;
      overlays.highlight(p.code);
      saveState(p.code);
      const again = () => selectCommune(code, { fit: false, preface });
      panel.show(prefaceHtml + communeHtml(lang(), p, p.former_units, p.seat, { offline: feature.offline }), { offices: [p.seat], again });
      if (fit && feature.bbox) camera.fitCommune(feature.bbox);
      onCommuneShown(p.code);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) panel.show(noSuchCommuneHtml(lang(), code));
      else panel.showError(error, () => selectCommune(code, { fit, preface }));
    }
  }

  /** "My location": the device's position, or a message saying why there is none. */
  function locateMe() {
    if (!navigator.geolocation) { panel.show(`<p class="error">${t('geoUnavailable')}</p>`); return; }
    navigator.geolocation.getCurrentPosition(
      (position) => {
        const { longitude, latitude, accuracy } = position.coords;
        map.jumpTo({ center: [longitude, latitude], zoom: Math.max(map.getZoom(), 13) });
        overlays.showYouAreHere(longitude, latitude, accuracy);
        showLocation(+longitude.toFixed(6), +latitude.toFixed(6), { mark: false });
      },
      (error) => panel.show(`<p class="error">${error.code === 1 ? t('geoDenied') : t('geoUnavailable')}</p>`),
      { enableHighAccuracy: true, timeout: 10000 },
    );
  }

  return { showLocation, selectCommune, locateMe };
}
