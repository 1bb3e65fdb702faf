// The live map (MapLibre GL JS) and its hand-over from the still picture (still-map.js).
// Under a picture the map starts with no style, so it sets up no tiles and draws nothing until
// it goes live: at the first touch, click, wheel or key on the map, when a mouse moves over
// it, or when the page needs it (a selection, planning, "my location": anything that moves
// the camera). The picture follows the camera until the live map has drawn its tiles, so the
// first drag moves the map at once; then it goes.
import { $, escape, api } from './api.js';
import { openingView, still, stillArrived, touched } from './still-map.js';

// With no picture after this long (a weak signal that holds the request), the live map starts.
const STILL_WAIT_MS = 6000;

/** Creates the map in #map with MapLibre (`maplibregl`, the module), speaking the language of
 * `t`; returns it with `isLive()`, `goLive()` and `localizeControls()` (MapLibre reads its
 * locale once, at construction, so a switch of language labels its controls again). */
export function createLiveMap({ maplibregl, t }) {
  const container = $('map');
  const opening = openingView(container.clientWidth, container.clientHeight);
  const map = new maplibregl.Map({
    container: 'map',
    style: still ? undefined : '/style.json',
    center: opening.center,
    zoom: opening.zoom,
    hash: 'map',
    // Added below, bottom-left: in the corner of the zoom buttons it grew as sources loaded and
    // pushed them up (a layout shift of 0.13 in Lighthouse).
    attributionControl: false,
    // MapLibre's own controls speak the page's language (set again on each switch).
    locale: t('maplibre'),
  });
  map.addControl(new maplibregl.NavigationControl(), 'bottom-right');
  // Without a style it would show an empty button beside the still picture's credit.
  const attribution = new maplibregl.AttributionControl({ compact: true });
  if (!still) map.addControl(attribution, 'bottom-left');
  // On a phone the credit starts folded into its (i) button, as the still picture's does:
  // MapLibre opens a compact one until the map is first moved, over a third of a small map.
  const narrow = window.matchMedia('(max-width: 640px)');
  map.on('idle', () => {
    if (narrow.matches) map.getContainer().querySelector('.maplibregl-ctrl-attrib.maplibregl-compact-show')?.classList.remove('maplibregl-compact-show');
  });
  let live = !still;

  function goLive() {
    if (live) return;
    live = true;
    $('map').classList.add('going-live');
    map.setStyle('/style.json');
    $('still-attribution')?.remove();
    map.addControl(attribution, 'bottom-left');
    localizeControls();
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

  // The still picture carries no attribution and the map has no sources yet: the data's credit
  // is shown as MapLibre's compact attribution shows it, from the TileJSON.
  async function showStillAttribution() {
    const { attribution: credit } = await api('/tiles.json');
    const corner = document.querySelector('#map .maplibregl-ctrl-bottom-left');
    if (!credit || !corner || live) return;
    corner.insertAdjacentHTML('beforeend', `<details id="still-attribution" class="maplibregl-ctrl maplibregl-ctrl-attrib maplibregl-compact">
    <summary class="maplibregl-ctrl-attrib-button"></summary><div class="maplibregl-ctrl-attrib-inner">${escape(credit)}</div></details>`);
    localizeControls();
  }

  function localizeControls() {
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

  if (still) {
    map.on('move', followCamera);
    // MapLibre may have clamped the camera; the picture is placed where the map is.
    followCamera();
    map.once('movestart', goLive);
    touched.then(goLive);
    // Offline there is no picture (it is never saved): the live map draws from saved tiles.
    const waited = new Promise((resolve) => { setTimeout(() => resolve(false), STILL_WAIT_MS); });
    Promise.race([stillArrived, waited]).then((arrived) => { if (!arrived) goLive(); });
    showStillAttribution().catch(() => { /* Offline: the live map shows it once started. */ });
  }

  return { map, isLive: () => live, goLive, localizeControls };
}
