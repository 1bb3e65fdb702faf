// Writes the street basemap's MapLibre layers, for `hue-map serve --basemap FILE.pmtiles`,
// from the pinned npm package @protomaps/basemaps (the Protomaps basemap schema): the light
// flavour, labelled in Vietnamese where the data has `name:vi`. Run by `npm ci`
// (postinstall); the server embeds the result, node_modules/.hue-map/basemap-layers.json.
//
// Made to draw with what the server has: every font is our one embedded font, and layers
// that need a sprite (road shields, one-way arrows, points of interest) are left out, as is
// the town dot icon, since the map has no sprite and makes no outside request.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { layers, namedFlavor } from '@protomaps/basemaps';

// tiles::glyphs::FONT_STACK, the one font the server renders glyphs for.
const FONT_STACK = 'DejaVu Sans Book';
const SOURCE = 'basemap';

const ourFont = (value) => {
  if (typeof value === 'string') return value.startsWith('Noto Sans') ? FONT_STACK : value;
  if (Array.isArray(value)) return value.map(ourFont);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, ourFont(v)]));
  return value;
};

const drawable = layers(SOURCE, namedFlavor('light'), { lang: 'vi' })
  .filter((layer) => !(layer.layout?.['icon-image'] && !layer.layout?.['text-field']))
  .filter((layer) => !['pois', 'roads_shields', 'roads_oneway'].includes(layer.id))
  .map((layer) => {
    const layout = { ...layer.layout };
    delete layout['icon-image'];
    // Ids are prefixed so they can never collide with ours.
    return ourFont({ ...layer, id: `basemap-${layer.id}`, ...(layer.layout ? { layout } : {}) });
  });

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.join(here, '../node_modules/.hue-map');
mkdirSync(out, { recursive: true });
writeFileSync(path.join(out, 'basemap-layers.json'), JSON.stringify(drawable, null, 1));
console.log(`basemap-layers.json: ${drawable.length} layers from @protomaps/basemaps`);
