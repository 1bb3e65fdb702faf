// The Huế commune map: residents click, tap, locate themselves or search; planners review the
// 40 units, their lineage and the data-quality findings. State lives in the URL so a link
// restores the view: ?commune=CODE&lang=en&mode=planning#map=zoom/lat/lon. Staff keep the
// offices correct in editor mode (?mode=edit, editor.js, loaded only there).
import * as maplibregl from '/vendor/maplibre-gl/maplibre-gl.mjs';
import { STRINGS } from '/viewer/i18n.js';
import { $, escape, ApiError, api } from '/viewer/api.js';
import { addHostedBasemap } from '/viewer/hosted-style.js';
import { DEFAULT_VIEW, still, stillArrived, touched } from '/viewer/still-map.js';

const params = new URLSearchParams(location.search);
// MapLibre writes #map= as soon as it starts, so whether the link carried a view is read now.
const linkHadView = location.hash.includes('map=');
let lang = params.get('lang') === 'en' ? 'en' : 'vi';
let planning = params.get('mode') === 'planning';
const editing = params.get('mode') === 'edit';
const t = (key) => STRINGS[lang][key];
// A message for a failed request, with a retry button when trying again can help.
function errorHtml(error, retryId) {
  const retry = retryId ? ` <button type="button" id="${retryId}" class="retry">${t('retry')}</button>` : '';
  if (error instanceof ApiError && error.status < 500) return `<p class="error">${escape(t('refused')(error.status))}</p>`;
  return `<p class="error">${navigator.onLine === false ? t('offline') : t('networkError')}${retry}</p>`;
}

// Online, the API answers; with no network, the offline pack the service worker saved does
// (offline.js), and the answer says so. A refusal from the API (4xx/5xx) is not overridden.
// A request that hangs (a weak signal that holds the connection but carries nothing) counts as
// no answer: with the map saved it gives way to the offline answer after a few seconds, and
// otherwise to the message with a retry button.
const SAVED_MAP_WAIT_MS = 6000;
const NETWORK_WAIT_MS = 20000;

// With a saved map the offline answers are loaded ahead, so a hang costs only the wait.
const offlineAnswers = navigator.serviceWorker?.controller ? import('/viewer/offline.js') : null;

async function answer(path, offline) {
  // Only a saved map (a service worker in control) answers offline.
  const saved = Boolean(navigator.serviceWorker?.controller);
  try {
    return await api(path, { signal: AbortSignal.timeout(saved ? SAVED_MAP_WAIT_MS : NETWORK_WAIT_MS) });
  } catch (error) {
    if (error instanceof ApiError || !saved) throw error;
    try {
      return await offline(await (offlineAnswers ?? import('/viewer/offline.js')));
    } catch {
      throw error;
    }
  }
}

function showError(error, retry) {
  showPanel(errorHtml(error, 'retry'));
  $('retry')?.addEventListener('click', retry);
}

function formatDistance(metres) {
  return metres >= 1000 ? `${(metres / 1000).toLocaleString(lang, { maximumFractionDigits: 1 })} ${t('km')}` : `${Math.round(metres)} ${t('m')}`;
}

// ---- URL state ---------------------------------------------------------------------------
function saveState(commune) {
  const next = new URLSearchParams(location.search);
  if (commune !== undefined) commune ? next.set('commune', commune) : next.delete('commune');
  lang === 'en' ? next.set('lang', 'en') : next.delete('lang');
  if (planning) next.set('mode', 'planning');
  else if (editing) next.set('mode', 'edit');
  else next.delete('mode');
  const query = next.toString();
  history.replaceState(null, '', `${location.pathname}${query ? `?${query}` : ''}${location.hash}`);
}

// ---- map ---------------------------------------------------------------------------------
// Under a still picture (still-map.js) the map starts with no style, so it sets up no tiles and
// draws nothing until startLiveMap() gives it one.
const map = new maplibregl.Map({
  container: 'map',
  style: still ? undefined : '/style.json',
  center: DEFAULT_VIEW.center,
  zoom: DEFAULT_VIEW.zoom,
  hash: 'map',
  // Added below, bottom-left: in the corner of the zoom buttons it grew as sources loaded and
  // pushed them up (a layout shift of 0.13 in Lighthouse).
  attributionControl: false,
  // MapLibre's own controls speak the page's language (set again on each switch below).
  locale: t('maplibre'),
});
window.hueMap = map;
map.addControl(new maplibregl.NavigationControl(), 'bottom-right');
// Without a style it would show an empty button beside the still picture's credit.
const attribution = new maplibregl.AttributionControl({ compact: true });
if (!still) map.addControl(attribution, 'bottom-left');
let marker = null;
// While the report form or the editor wants a position, map clicks go to it instead.
let mapClickHandler = null;
let onPanelClose = null;

// ---- the still picture, until the map goes live -------------------------------------------
// The live map starts at the first touch, click, wheel or key on the map, when a mouse moves
// over it, or when the page needs it (a selection, planning, "my location": anything that
// moves the camera). The picture follows the camera until the live map has drawn its tiles,
// so the first drag moves the map at once; then it goes.
let live = !still;
function startLiveMap() {
  if (live) return;
  live = true;
  $('map').classList.add('going-live');
  map.setStyle('/style.json');
  $('still-attribution')?.remove();
  map.addControl(attribution, 'bottom-left');
  localizeMapControls();
  // The picture goes once the live map has drawn our tiles: at its first idle, or as soon as
  // our source has loaded (a hosted basemap that never finishes must not keep it invisible).
  const handOver = () => {
    still.remove();
    $('map').classList.remove('going-live');
    map.off('sourcedata', onSourceData);
  };
  const onSourceData = (event) => {
    if (event.sourceId === 'hue' && map.isSourceLoaded('hue')) map.once('render', handOver);
  };
  map.on('sourcedata', onSourceData);
  map.once('idle', handOver);
}

function followCamera() {
  if (!still?.isConnected) return;
  const [west, south, east, north] = still.dataset.bbox.split(',').map(Number);
  const topLeft = map.project([west, north]);
  const bottomRight = map.project([east, south]);
  Object.assign(still.style, {
    left: `${topLeft.x}px`, top: `${topLeft.y}px`, width: `${bottomRight.x - topLeft.x}px`, height: `${bottomRight.y - topLeft.y}px`,
  });
}

// The still picture carries no attribution and the map has no sources yet: the data's credit is
// shown as MapLibre's compact attribution shows it, from the TileJSON.
async function showStillAttribution() {
  const { attribution } = await api('/tiles.json');
  const corner = document.querySelector('#map .maplibregl-ctrl-bottom-left');
  if (!attribution || !corner || live) return;
  corner.insertAdjacentHTML('beforeend', `<details id="still-attribution" class="maplibregl-ctrl maplibregl-ctrl-attrib maplibregl-compact">
    <summary class="maplibregl-ctrl-attrib-button"></summary><div class="maplibregl-ctrl-attrib-inner">${escape(attribution)}</div></details>`);
  localizeMapControls();
}

// With no picture after this long (a weak signal that holds the request), the live map starts.
const STILL_WAIT_MS = 6000;

if (still) {
  map.on('move', followCamera);
  // MapLibre may have clamped the camera; the picture is placed where the map is.
  followCamera();
  map.once('movestart', startLiveMap);
  touched.then(startLiveMap);
  // Offline there is no picture (it is never saved): the live map draws from saved tiles.
  const waited = new Promise((resolve) => { setTimeout(() => resolve(false), STILL_WAIT_MS); });
  Promise.race([stillArrived, waited]).then((arrived) => { if (!arrived) startLiveMap(); });
  showStillAttribution().catch(() => { /* Offline: the live map shows it once started. */ });
}

map.on('load', () => {
  map.addLayer({
    id: 'commune-selected', type: 'line', source: 'hue', 'source-layer': 'communes',
    // A selection made on the still picture, before this layer existed, shows now.
    filter: ['==', ['get', 'code'], highlighted], paint: { 'line-color': '#9b2c1f', 'line-width': 3 },
  });
  map.addSource('findings', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
  map.addLayer({
    id: 'findings', type: 'circle', source: 'findings', layout: { visibility: 'none' },
    paint: { 'circle-radius': 8, 'circle-color': 'rgba(230,126,34,0.35)', 'circle-stroke-color': '#e67e22', 'circle-stroke-width': 2 },
  });
  applyMode();
  showBasemapNote();
  // A hosted street map (--basemap-style) goes in underneath once ours is up.
  addHostedBasemap(map).then((state) => { hostedBasemap = state; showBasemapNote(); });
  const commune = params.get('commune');
  if (commune) selectCommune(commune, { fit: !linkHadView });
  if (editing) import('/viewer/editor.js').then((editor) => editor.startEditor(page));
  map.once('idle', () => { window.hueMapIdle = true; });
});

// Say plainly when there is no street map under the communes, rather than pretend to be one.
let hostedBasemap = null;
function showBasemapNote() {
  const failed = hostedBasemap === 'failed';
  const basemap = map.getStyle()?.metadata?.['hue-map:basemap'] && !failed;
  $('basemap-note').textContent = basemap ? '' : t(failed ? 'basemapUnavailable' : 'noBasemap');
  $('basemap-note').hidden = Boolean(basemap);
}

// Whether the map has a style yet (before going live it has none, and no layers to ask about).
const hasLayer = (id) => live && Boolean(map.getLayer(id));

let highlighted = '';
function highlight(code) {
  highlighted = code || '';
  if (hasLayer('commune-selected')) map.setFilter('commune-selected', ['==', ['get', 'code'], code || '']);
}

function placeMarker(lon, lat) {
  if (marker) marker.remove();
  marker = new maplibregl.Marker({ color: '#2b2118' }).setLngLat([lon, lat]).addTo(map);
}

// ---- the camera --------------------------------------------------------------------------
// The part of the map the panel (a side card, or a bottom sheet on a phone) and the planning
// table leave visible, as camera padding, so a selection is never under them.
function visiblePadding() {
  const margin = 24;
  const padding = { top: margin, bottom: margin, left: margin, right: margin };
  const area = $('map').getBoundingClientRect();
  const panel = $('panel');
  if (!panel.hidden) {
    const box = panel.getBoundingClientRect();
    if (box.width >= area.width * 0.9) padding.bottom += Math.max(0, area.bottom - box.top);
    else padding.right += Math.max(0, area.right - box.left);
  }
  // Never more than most of the map: a tiny screen still shows something.
  padding.bottom = Math.min(padding.bottom, area.height * 0.7);
  padding.right = Math.min(padding.right, area.width * 0.7);
  return padding;
}

function fitCommune(bbox) {
  map.fitBounds([[bbox[0], bbox[1]], [bbox[2], bbox[3]]], { padding: visiblePadding(), duration: 0 });
}

// Brings a point into the visible part of the map if the panel covers it.
function keepVisible(lon, lat) {
  const padding = visiblePadding();
  const area = $('map').getBoundingClientRect();
  const at = map.project([lon, lat]);
  const inside = at.x >= padding.left && at.x <= area.width - padding.right && at.y >= padding.top && at.y <= area.height - padding.bottom;
  // An offset, not camera padding, which MapLibre would keep and add to every later fit.
  const offset = [(padding.left - padding.right) / 2, (padding.top - padding.bottom) / 2];
  if (!inside) map.easeTo({ center: [lon, lat], offset, duration: 300 });
}

// ---- the panel ---------------------------------------------------------------------------
// Shows the panel and moves focus to its heading, so a keyboard or screen-reader user lands
// on the answer. Only the short result line is announced (a live region), not the panel.
function showPanel(html) {
  // Whatever the last panel held (a report form, an office being edited) ends here: it gives
  // back the map's clicks and removes its markers.
  const ending = onPanelClose;
  onPanelClose = null;
  ending?.();
  $('panel-body').innerHTML = html;
  $('panel').hidden = false;
  // A new answer starts at its top, not where the last one was scrolled to.
  $('panel').scrollTop = 0;
  const heading = $('panel-body').querySelector('h2');
  $('result-line').textContent = heading ? heading.textContent : $('panel-body').textContent.trim().slice(0, 200);
  if (heading) {
    heading.tabIndex = -1;
    heading.focus({ preventScroll: true });
  }
  showOpenNow();
}

function closePanel() {
  $('panel').hidden = true;
  highlight('');
  saveState(null);
  onPanelClose?.();
  onPanelClose = null;
}

// Where to send a resident: the building when its position is known, otherwise the address
// text, so that nobody is routed to the middle of a commune.
function directionsLinks(office) {
  const exact = office.position_is_exact;
  const place = exact ? `${office.lat},${office.lon}` : office.address;
  const geo = exact ? `geo:${office.lat},${office.lon}?q=${office.lat},${office.lon}` : `geo:0,0?q=${encodeURIComponent(office.address)}`;
  const osm = `https://www.openstreetmap.org/directions?to=${encodeURIComponent(place)}`;
  return `<a class="action" href="${escape(geo)}" data-directions="geo">${t('directions')}</a>`
    + `<a class="action" href="${escape(osm)}" target="_blank" rel="noopener" data-directions="osm">${t('directionsOsm')}</a>`;
}

// The offices on show, by id, for the buttons that act on one.
const shownOffices = new Map();

function officeActions(office) {
  shownOffices.set(office.id, office);
  const report = `<button type="button" class="action report-office" data-office="${escape(office.id)}">${t('reportWrong')}</button>`;
  const call = office.phone ? `<a class="action" href="tel:${escape(office.phone.replace(/[^+0-9]/g, ''))}">${t('call')} ${escape(office.phone)}</a>` : '';
  return `<p class="actions-row">${directionsLinks(office)}<button type="button" class="action copy-address" data-address="${escape(office.address)}">${t('copyAddress')}</button>${call}${report}</p>`;
}

function officeHtml(office, { actions = false } = {}) {
  let distance = '';
  if (office.distance_m != null) {
    distance = office.position_is_exact
      ? ` · ${t('distance')}: ${formatDistance(office.distance_m)}`
      : ` · ${t('distance')}: ≈ ${formatDistance(office.distance_m)}, ${t('approximatePosition')}`;
  }
  const approx = office.position_is_exact ? '' : ' (≈)';
  const hours = office.opening_hours
    ? `<br><span class="hours">${t('hours')}: <code>${escape(office.opening_hours)}</code> <span class="open-now" data-hours="${escape(office.opening_hours)}"></span></span>`
    : '';
  return `<strong>${escape(office.name)}</strong>${approx}<br>${escape(office.address)}${distance}${hours}${actions ? officeActions(office) : ''}`;
}

// "Open now / closed now", asked of the server (Huế's time and holidays) after the panel shows,
// so the office resources themselves stay cacheable.
async function showOpenNow() {
  for (const el of $('panel-body').querySelectorAll('.open-now[data-hours]')) {
    try {
      const check = await api(`/api/v1/opening-hours?value=${encodeURIComponent(el.dataset.hours)}`);
      if (check.valid) el.textContent = `· ${check.open ? t('openNow') : t('closedNow')}`;
    } catch {
      // Not knowing whether it is open is no reason to show an error.
    }
  }
}

$('panel').addEventListener('click', async (event) => {
  const reportButton = event.target.closest('.report-office');
  if (reportButton) {
    const { openReport } = await import('/viewer/report.js');
    openReport(page, shownOffices.get(reportButton.dataset.office));
    return;
  }
  const copy = event.target.closest('.copy-address');
  if (!copy) return;
  try {
    await navigator.clipboard.writeText(copy.dataset.address);
    copy.textContent = t('copied');
  } catch (error) {
    copy.textContent = t('copyFailed');
  }
});

async function showLocation(lon, lat) {
  placeMarker(lon, lat);
  try {
    const [here, nearest] = await Promise.all([
      answer(`/api/v1/locate?lon=${lon}&lat=${lat}`, (offline) => offline.locate(lon, lat)),
      answer(`/api/v1/nearest?lon=${lon}&lat=${lat}&k=3`, (offline) => offline.nearest(lon, lat, 3)),
    ]);
    const offices = `<h3>${t('nearest')}</h3><ul>${nearest.offices.map((o) => `<li>${officeHtml(o)}</li>`).join('')}</ul>`;
    if (!here.commune) {
      const near = here.nearest_commune;
      highlight(near?.code);
      showPanel(`<h2>${t('outside')}</h2>${here.offline ? `<p class="note">${t('offlineAnswer')}</p>` : ''}${near ? `<p>${t('nearestCommune')}: <strong>${escape(near.full_name)}</strong> (${formatDistance(near.distance_m)})</p>` : ''}${offices}`);
      saveState(null);
      return;
    }
    highlight(here.commune.code);
    saveState(here.commune.code);
    showPanel(communeHtml(here.commune, here.former_units, here.seat, here) + offices);
    keepVisible(lon, lat);
  } catch (error) {
    showError(error, () => showLocation(lon, lat));
  }
}

function communeHtml(commune, formerUnits, seat, location = {}) {
  const parts = [`<h2>${escape(commune.full_name)}</h2><p class="type">${t(commune.type)} · ${escape(commune.code)}</p>`];
  if (location.offline) parts.push(`<p class="note">${t('offlineAnswer')}</p>`);
  if (location.on_boundary && location.boundary_with?.length) parts.push(`<p class="note">${t('onBoundary')} ${location.boundary_with.map(escape).join(', ')}.</p>`);
  if (formerUnits?.length) parts.push(`<h3>${t('formedFrom')}</h3><ul>${formerUnits.map((u) => `<li>${escape(u.name)}</li>`).join('')}</ul>`);
  if (seat) {
    parts.push(`<h3>${t('seat')}</h3><p>${officeHtml(seat, { actions: true })}</p>`);
    if (!seat.position_is_exact) parts.push(`<p class="note">${t('approximate')}</p>`);
  }
  parts.push(`<p><a href="/api/v1/communes/${encodeURIComponent(commune.code)}" download="${escape(commune.code)}.geojson">${t('downloadOne')}</a></p>`);
  return parts.join('');
}

async function selectCommune(code, { fit = true, preface = '' } = {}) {
  try {
    const feature = await answer(`/api/v1/communes/${encodeURIComponent(code)}`, (offline) => offline.commune(code));
    if (!feature) throw new ApiError(code, 404);
    const p = feature.properties;
    highlight(p.code);
    saveState(p.code);
    showPanel(preface + communeHtml(p, p.former_units, p.seat, { offline: feature.offline }));
    if (fit && feature.bbox) fitCommune(feature.bbox);
    if (planning) planner?.markRow(p.code);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) showPanel(`<p class="error">${escape(t('noSuchCommune')(code))}</p>`);
    else showError(error, () => selectCommune(code, { fit, preface }));
  }
}

$('close-panel').addEventListener('click', closePanel);
map.on('click', (event) => {
  startLiveMap();
  if (mapClickHandler) mapClickHandler(event.lngLat);
  else showLocation(+event.lngLat.lng.toFixed(6), +event.lngLat.lat.toFixed(6));
});

// What the report form and the editor (modules loaded when needed) use of this page.
const page = {
  map,
  maplibregl,
  t: (key) => t(key),
  get lang() { return lang; },
  showPanel,
  closePanel,
  selectCommune,
  fitCommune,
  keepVisible,
  /** Sends map clicks to `handler` (a LngLat) instead of "where am I"; null gives them back. */
  takeMapClicks(handler) { mapClickHandler = handler; },
  /** Runs `callback` once when the panel is next closed. */
  onPanelClose(callback) { onPanelClose = callback; },
  /** Runs `callback` after every switch of language. */
  onLanguageChange(callback) { languageListeners.push(callback); },
};
const languageListeners = [];

$('locate-me').addEventListener('click', () => {
  if (!navigator.geolocation) { showPanel(`<p class="error">${t('geoUnavailable')}</p>`); return; }
  navigator.geolocation.getCurrentPosition(
    (position) => {
      const { longitude, latitude } = position.coords;
      map.jumpTo({ center: [longitude, latitude], zoom: Math.max(map.getZoom(), 13) });
      showLocation(+longitude.toFixed(6), +latitude.toFixed(6));
    },
    (error) => showPanel(`<p class="error">${error.code === 1 ? t('geoDenied') : t('geoUnavailable')}</p>`),
    { enableHighAccuracy: true, timeout: 10000 },
  );
});

// ---- search ------------------------------------------------------------------------------
let searchResults = [];
let searchTimer = null;
const resultsList = $('results');

function renderResults(offline) {
  const note = offline ? `<li role="option" aria-disabled="true" class="offline-note">${t('offlineAnswer')}</li>` : '';
  resultsList.innerHTML = note + (searchResults.length
    ? searchResults.map((r, i) => `<li role="option" id="result-${i}" tabindex="-1" data-index="${i}">${resultLabel(r)}</li>`).join('')
    : `<li role="option" aria-disabled="true">${t('noResults')}</li>`);
  resultsList.hidden = false;
}

function resultLabel(r) {
  if (r.kind === 'commune') return `<strong>${escape(r.full_name)}</strong><small>${t('commune')}</small>`;
  if (r.kind === 'former_unit') return `<strong>${escape(r.name)}</strong><small>${t('formerUnit')} → ${escape(r.new_unit?.full_name)}</small>`;
  return `<strong>${escape(r.office.name)}</strong><small>${t('office')} · ${escape(r.office.address)}</small>`;
}

async function runSearch(query) {
  $('search-status').hidden = true;
  if (!query.trim()) { resultsList.hidden = true; return; }
  try {
    const found = await answer(`/api/v1/search?q=${encodeURIComponent(query)}&limit=8`, (offline) => offline.search(query, 8));
    searchResults = found.results;
    renderResults(found.offline);
  } catch (error) {
    searchResults = [];
    resultsList.hidden = true;
    $('search-status').innerHTML = errorHtml(error, 'retry-search');
    $('search-status').hidden = false;
    $('retry-search')?.addEventListener('click', () => runSearch(query));
  }
}

function choose(r) {
  resultsList.hidden = true;
  if (r.kind === 'commune') selectCommune(r.code);
  else if (r.kind === 'former_unit' && r.new_unit) {
    selectCommune(r.new_unit.code, { preface: `<p class="note">${escape(t('formerUnitJoined')(r.name, r.new_unit.full_name))}</p>` });
  } else if (r.kind === 'office') {
    map.jumpTo({ center: [r.office.lon, r.office.lat], zoom: Math.max(map.getZoom(), 13) });
    selectCommune(r.office.commune_code, { fit: false });
  }
}

$('q').addEventListener('input', (event) => { clearTimeout(searchTimer); searchTimer = setTimeout(() => runSearch(event.target.value), 150); });
$('search').addEventListener('submit', async (event) => {
  event.preventDefault();
  await runSearch($('q').value);
  if (searchResults.length) choose(searchResults[0]);
});
resultsList.addEventListener('click', (event) => {
  const item = event.target.closest('li[data-index]');
  if (item) choose(searchResults[+item.dataset.index]);
});
$('q').addEventListener('keydown', (event) => {
  if (event.key === 'ArrowDown' && !resultsList.hidden) { resultsList.querySelector('li')?.focus(); event.preventDefault(); }
  if (event.key === 'Escape') resultsList.hidden = true;
});
resultsList.addEventListener('keydown', (event) => {
  const item = event.target.closest('li');
  if (!item) return;
  if (event.key === 'ArrowDown') { item.nextElementSibling?.focus(); event.preventDefault(); }
  if (event.key === 'ArrowUp') { (item.previousElementSibling || $('q')).focus(); event.preventDefault(); }
  if (event.key === 'Enter' && item.dataset.index) choose(searchResults[+item.dataset.index]);
  if (event.key === 'Escape') { resultsList.hidden = true; $('q').focus(); }
});

// ---- planning mode -----------------------------------------------------------------------
// The table and the findings (planning.js) are loaded the first time planning is switched on,
// so a resident's page never runs them (the service worker saves the file for offline use).
let planner = null;
let plannerReady = null;

async function loadPlanning() {
  // One planner however fast the mode is toggled (its listeners are attached once).
  plannerReady ??= import('/viewer/planning.js').then(({ createPlanner }) => {
    planner = createPlanner({ map, t: (key) => t(key), lang: () => lang, selectCommune });
    return planner;
  });
  await (await plannerReady).load();
}

function applyMode() {
  // Editor mode is entered by its own link (?mode=edit), and replaces planning.
  $('mode').hidden = editing;
  $('planner').hidden = !planning;
  $('mode').setAttribute('aria-pressed', String(planning));
  // A toggle keeps its name; aria-pressed says whether planning is on ("Planning, pressed").
  $('mode').textContent = t('planning');
  if (planning) startLiveMap();
  if (hasLayer('findings')) map.setLayoutProperty('findings', 'visibility', planning ? 'visible' : 'none');
  if (hasLayer('former-units')) map.setLayerZoomRange('former-units', planning ? 0 : 11, 24);
  if (planning) loadPlanning().catch((error) => showError(error, applyMode));
}

$('mode').addEventListener('click', () => { planning = !planning; saveState(); applyMode(); });

// ---- language ----------------------------------------------------------------------------
function applyLanguage() {
  document.documentElement.lang = lang;
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of document.querySelectorAll('[data-i18n-placeholder]')) el.placeholder = t(el.dataset.i18nPlaceholder);
  for (const el of document.querySelectorAll('[data-i18n-aria]')) el.setAttribute('aria-label', t(el.dataset.i18nAria));
  $('lang').textContent = lang === 'vi' ? 'EN' : 'VI';
  // The name starts with the visible text ("EN"), as speech input users say what they see.
  $('lang').setAttribute('aria-label', lang === 'vi' ? 'EN: English' : 'VI: Tiếng Việt');
  $('lang').lang = lang === 'vi' ? 'en' : 'vi';
  document.title = t('title');
  $('mode').textContent = t('planning');
  if (planning) planner?.render();
  if (live && map.isStyleLoaded()) showBasemapNote();
  localizeMapControls();
  for (const listener of languageListeners) listener();
}

// MapLibre reads its locale once, at construction; on a switch the labels are set again.
function localizeMapControls() {
  const strings = t('maplibre');
  map.getCanvas().setAttribute('aria-label', strings['Map.Title']);
  const label = (selector, key) => {
    for (const el of document.querySelectorAll(selector)) { el.setAttribute('aria-label', strings[key]); el.title = strings[key]; }
  };
  label('.maplibregl-ctrl-zoom-in', 'NavigationControl.ZoomIn');
  label('.maplibregl-ctrl-zoom-out', 'NavigationControl.ZoomOut');
  label('.maplibregl-ctrl-compass', 'NavigationControl.ResetBearing');
  label('.maplibregl-ctrl-attrib-button', 'AttributionControl.ToggleAttribution');
}

$('lang').addEventListener('click', () => { lang = lang === 'vi' ? 'en' : 'vi'; saveState(); applyLanguage(); });

// ---- offline -----------------------------------------------------------------------------
// The service worker (sw.js) saves the map and the offline pack, and says which version.
let offlineVersion = null;
function showOfflineReady() {
  $('offline-note').hidden = !offlineVersion;
  $('offline-note').textContent = offlineVersion ? t('offlineSaved') : '';
}
languageListeners.push(showOfflineReady);
if ('serviceWorker' in navigator) {
  navigator.serviceWorker.addEventListener('message', (event) => {
    if (event.data?.type !== 'offline-ready') return;
    offlineVersion = event.data.version;
    window.hueMapOfflineReady = offlineVersion;
    showOfflineReady();
  });
  navigator.serviceWorker.register('/sw.js')
    .then(() => navigator.serviceWorker.ready)
    .then((registration) => registration.active?.postMessage('refresh'))
    .catch(() => { /* No service worker (a private window, an old browser): online only. */ });
}
applyLanguage();
