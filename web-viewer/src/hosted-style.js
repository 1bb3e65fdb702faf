// A hosted MapLibre style (`hue-map serve --basemap-style URL`) under our layers. The server
// names it in /style.json's metadata, has already dropped our background and lightened the
// commune fills, and lets its origin through the page's Content-Security-Policy; the page
// fetches it and puts its sources and layers underneath ours, labelled in our font (a style
// has one glyph URL, and ours serves Vietnamese).

const PREFIX = 'basemap-';
const WAIT_MS = 5000;

// Our style, with the hosted one underneath when it is configured and reachable. When it is
// not (offline, the host down), our style is used alone and its metadata says so.
export async function withHostedBasemap(ours) {
  const url = ours.metadata?.['hue-map:basemap-style'];
  if (!url) return ours;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(WAIT_MS), credentials: 'omit' });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return mergeStyles(ours, await response.json(), url);
  } catch (error) {
    console.warn(`the street map style at ${url} could not be loaded:`, error);
    return { ...ours, metadata: { ...ours.metadata, 'hue-map:basemap': null, 'hue-map:basemap-unavailable': url } };
  }
}

// A URL in the hosted style, absolute against the style's own URL. Tile templates keep their
// braces, which the URL parser would escape.
function absolute(value, base) {
  if (typeof value !== 'string' || /^[a-z][a-z0-9+.-]*:/i.test(value)) return value;
  return new URL(value, base).href.replace(/%7B/gi, '{').replace(/%7D/gi, '}');
}

// The hosted style's sources and layers (renamed with a prefix, so nothing clashes with ours)
// under ours; our glyphs; its sprite when we have none.
export function mergeStyles(ours, hosted, hostedUrl) {
  const font = ours.layers.find((layer) => layer.layout?.['text-font'])?.layout['text-font'];
  const sources = {};
  for (const [id, source] of Object.entries(hosted.sources ?? {})) {
    const copy = { ...source, url: absolute(source.url, hostedUrl) };
    if (Array.isArray(source.tiles)) copy.tiles = source.tiles.map((tile) => absolute(tile, hostedUrl));
    if (typeof source.data === 'string') copy.data = absolute(source.data, hostedUrl);
    if (copy.url === undefined) delete copy.url;
    sources[PREFIX + id] = copy;
  }
  const layers = (hosted.layers ?? []).map((layer) => {
    const copy = { ...layer, id: PREFIX + layer.id };
    if (layer.source) copy.source = PREFIX + layer.source;
    if (font && layer.layout?.['text-font']) copy.layout = { ...layer.layout, 'text-font': font };
    return copy;
  });
  const merged = { ...ours, sources: { ...sources, ...ours.sources }, layers: [...layers, ...ours.layers] };
  if (!ours.sprite && hosted.sprite) {
    merged.sprite = Array.isArray(hosted.sprite)
      ? hosted.sprite.map((sprite) => ({ ...sprite, url: absolute(sprite.url, hostedUrl) }))
      : absolute(hosted.sprite, hostedUrl);
  }
  return merged;
}
