// The Huế commune map: residents click, tap, locate themselves or search; planners review the
// 40 units, their lineage and the data-quality findings; staff keep the offices correct in
// editor mode (?mode=edit, editor.js, loaded only there). State lives in the link, so a link
// restores the view. still-map.js, the page's entry, loads this module, which only wires the
// parts together; each does one job:
//   state.js          the state in the link, read and written
//   answers.js        the API's answers, or the saved map's when there is no network
//   live-map.js       the MapLibre map and its hand-over from the still picture
//   map-overlays.js   the selected commune, the findings and the marker on the map
//   basemap-note.js   the hosted street map underneath, and the legend's note on it
//   camera.js         fitting and moving the camera clear of the panel
//   panel.js          the panel that shows each answer; panel-html.js, what it says
//   places.js         what a point or a commune is: a click, "my location", a link, a result
//   search.js         the search box
//   planning-mode.js  the planning switch (planning.js, the table, loaded when first on)
//   language.js       the page's own words in its language
//   offline-status.js the service worker, and the legend's note that the map is saved
//   data-version.js   the map's layers reloaded when the service's data moves (a save anywhere)
//   province-picker.js the province picker of a national dataset (hidden for a city's)
//   test-hooks.js     what the browser tests read of the page
// MapLibre (300 kB) is imported here, not only where the map is made, so the browser fetches it
// together with app.js's parts rather than one round trip later.
import * as maplibregl from '/vendor/maplibre-gl/maplibre-gl.mjs';
import { $ } from './api.js';
import { translator } from './i18n.js';
import { readLink, linkFor } from './state.js';
import { createAnswers } from './answers.js';
import { createLiveMap } from './live-map.js';
import { createOverlays } from './map-overlays.js';
import { createBasemapNote } from './basemap-note.js';
import { fitCommune, keepVisible } from './camera.js';
import { createPanel } from './panel.js';
import { createPlaces } from './places.js';
import { startSearch } from './search.js';
import { createPlanningMode } from './planning-mode.js';
import { translatePage } from './language.js';
import { startOfflineStatus } from './offline-status.js';
import { followDataVersion } from './data-version.js';
import { startProvincePicker } from './province-picker.js';
import { exposeMap, exposeOfflineReady } from './test-hooks.js';

// What the link asked for; `lang` and `planning` change as the resident switches them.
const view = readLink(location.search, location.hash);
const lang = () => view.lang;
const t = (key) => translator(view.lang)(key);
/** Writes the view into the link; `commune` as linkFor takes it (undefined keeps the link's). */
const saveState = (commune) => history.replaceState(null, '', linkFor(location, view, commune));

// Created first: with a saved map it starts loading the offline answers at once.
const answer = createAnswers();

const { map, isLive, goLive, localizeControls } = createLiveMap({ maplibregl, t });
const overlays = createOverlays({ map, maplibregl, isLive });
const basemapNote = createBasemapNote({ map, t });
const dataVersion = followDataVersion(map);
const camera = { fitCommune: (bbox) => fitCommune(map, bbox), keepVisible: (lon, lat) => keepVisible(map, lon, lat) };

const panel = createPanel({
  t,
  lang,
  onClose() {
    overlays.highlight('');
    saveState(null);
  },
  async onReport(office) {
    const { openReport } = await import('./report.js');
    openReport(page, office);
  },
});
const places = createPlaces({
  map, answer, panel, overlays, camera, t, lang, saveState, onCommuneShown: (code) => planningMode.markRow(code),
});
const planningMode = createPlanningMode({
  view, map, t, lang, selectCommune: places.selectCommune, goLive, overlays, showError: panel.showError, onToggle: () => saveState(),
});
startSearch({ map, answer, lang, selectCommune: places.selectCommune });
$('locate-me').addEventListener('click', () => places.locateMe());

// While the report form or the editor wants a position, map clicks go to it instead.
const mapClicks = { handler: null };
map.on('click', (event) => {
  goLive();
  if (mapClicks.handler) mapClicks.handler(event.lngLat);
  else places.showLocation(+event.lngLat.lng.toFixed(6), +event.lngLat.lat.toFixed(6));
});

map.on('load', () => {
  overlays.addLayers();
  planningMode.apply();
  basemapNote.addHosted();
  if (view.commune) places.selectCommune(view.commune, { fit: !view.hadView });
  if (view.editing) import('./editor.js').then((editor) => editor.startEditor(page));
});

// What the report form and the editor (modules loaded when needed) use of this page.
const page = {
  map,
  maplibregl,
  t,
  get lang() { return view.lang; },
  showPanel: (html) => panel.show(html),
  closePanel: () => panel.close(),
  selectCommune: places.selectCommune,
  fitCommune: camera.fitCommune,
  keepVisible: camera.keepVisible,
  /** Sends map clicks to `handler` (a LngLat) instead of "where am I"; null gives them back. */
  takeMapClicks(handler) { mapClicks.handler = handler; },
  /** Runs `callback` once when the panel is next closed (or shows something else). */
  onPanelClose: (callback) => panel.onNextClose(callback),
  /** Says the service's data changed (a save went through): the map's layers follow at once. */
  dataChanged: () => dataVersion.check(),
  /** Runs `callback` after every switch of language. */
  onLanguageChange(callback) { languageListeners.push(callback); },
};

const offlineStatus = startOfflineStatus({ t, onReady: exposeOfflineReady });
const provincePicker = startProvincePicker({
  map, goLive, t, hadView: view.hadView || Boolean(view.commune), onChosen: offlineStatus.savePack,
});
const languageListeners = [offlineStatus.show, provincePicker];

function applyLanguage() {
  // The mode toggle is data-i18n too: it keeps its name, and aria-pressed says whether it is on.
  translatePage(view.lang);
  planningMode.render();
  if (isLive() && map.isStyleLoaded()) basemapNote.show();
  localizeControls();
  for (const listener of languageListeners) listener();
  // What the panel shows speaks the new language too.
  panel.rerender();
}
$('lang').addEventListener('click', () => { view.lang = view.lang === 'vi' ? 'en' : 'vi'; saveState(); applyLanguage(); });

// After the page's own 'load' listener, so the tests' "idle" means the page's layers are in.
exposeMap(map);
applyLanguage();
