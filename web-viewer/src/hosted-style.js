// A hosted MapLibre style (`hue-map serve --basemap-style URL`) under our layers. The server
// names it in /style.json's metadata, has lightened the commune fills, and lets its origin
// through the page's Content-Security-Policy. Once our own style is up, the page fetches the
// hosted one and adds its sources and layers underneath ours, one by one, labelled in our
// font (a style has one glyph URL, and ours serves Vietnamese). A layer MapLibre refuses is
// skipped, so a hosted style can never take the communes down with it.

const PREFIX = 'basemap-';
const WAIT_MS = 5000;

/** Adds the hosted basemap under `map`'s layers. Resolves to 'none' (none configured),
 * 'added', or 'failed' (unreachable or unusable: the communes are shown alone). */
export async function addHostedBasemap(map) {
  const url = map.getStyle()?.metadata?.['hue-map:basemap-style'];
  if (!url) return 'none';
  let hosted;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(WAIT_MS), credentials: 'omit' });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    hosted = await response.json();
  } catch (error) {
    console.warn(`the street map style at ${url} could not be loaded:`, error);
    return 'failed';
  }
  const { sources, layers, sprite } = underneath(map.getStyle(), hosted, url);
  const below = map.getStyle().layers.find((layer) => layer.id !== 'background')?.id;
  const tryTo = (what, action) => {
    try {
      action();
      return true;
    } catch (error) {
      console.warn(`the street map's ${what} was skipped:`, error);
      return false;
    }
  };
  if (sprite) tryTo('sprite', () => map.setSprite(sprite));
  for (const [id, source] of Object.entries(sources)) tryTo(`source ${id}`, () => map.addSource(id, source));
  // MapLibre reports an invalid layer as an error event rather than a throw: ask it.
  const added = layers.filter((layer) => tryTo(`layer ${layer.id}`, () => map.addLayer(layer, below)) && map.getLayer(layer.id)).length;
  if (!added) return 'failed';
  // The hosted style draws its own background; ours would hide it.
  if (map.getLayer('background')) map.removeLayer('background');
  return 'added';
}

// A URL in the hosted style, absolute against the style's own URL. Tile templates keep their
// braces, which the URL parser would escape.
function absolute(value, base) {
  if (typeof value !== 'string' || /^[a-z][a-z0-9+.-]*:/i.test(value)) return value;
  return new URL(value, base).href.replace(/%7B/gi, '{').replace(/%7D/gi, '}');
}

/** The hosted style's sources and layers, renamed with a prefix so nothing clashes with ours,
 * with absolute URLs and our font; its sprite when ours has none. */
export function underneath(ours, hosted, hostedUrl) {
  const font = ours.layers.find((layer) => layer.layout?.['text-font'])?.layout['text-font'];
  const sources = {};
  for (const [id, source] of Object.entries(hosted.sources ?? {})) {
    const copy = { ...source };
    if (typeof source.url === 'string') copy.url = absolute(source.url, hostedUrl);
    if (Array.isArray(source.tiles)) copy.tiles = source.tiles.map((tile) => absolute(tile, hostedUrl));
    if (typeof source.data === 'string') copy.data = absolute(source.data, hostedUrl);
    sources[PREFIX + id] = copy;
  }
  const layers = (hosted.layers ?? []).map((layer) => {
    const copy = { ...layer, id: PREFIX + layer.id };
    if (layer.source) copy.source = PREFIX + layer.source;
    if (font && layer.layout?.['text-font']) copy.layout = { ...layer.layout, 'text-font': font };
    return copy;
  });
  let sprite = null;
  if (!ours.sprite && typeof hosted.sprite === 'string') sprite = absolute(hosted.sprite, hostedUrl);
  return { sources, layers, sprite };
}
