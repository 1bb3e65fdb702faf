// The page's state lives in its link, so a link restores the view:
// ?commune=CODE&lang=en&mode=planning (or mode=edit, the editor)#map=zoom/lat/lon, the last
// written by MapLibre itself. Reading and writing the link are pure (strings in, strings out),
// so they are unit-tested in Node.

/** What a link asks for: `{ lang, planning, editing, commune, hadView }`. `hadView` is whether
 * it carried a camera view; read it before the map starts, as MapLibre writes #map= at once. */
export function readLink(search, hash) {
  const params = new URLSearchParams(search);
  return {
    lang: params.get('lang') === 'en' ? 'en' : 'vi',
    planning: params.get('mode') === 'planning',
    editing: params.get('mode') === 'edit',
    commune: params.get('commune'),
    hadView: hash.includes('map='),
  };
}

/** The link (path, query and hash) that keeps `current` ({ pathname, search, hash }, such as
 * `location`) but says `lang` and the mode; with `commune` given it names that commune, and
 * with `commune` null or '' none. Other parameters are kept as they are. */
export function linkFor(current, { lang, planning, editing }, commune) {
  const next = new URLSearchParams(current.search);
  if (commune !== undefined) commune ? next.set('commune', commune) : next.delete('commune');
  lang === 'en' ? next.set('lang', 'en') : next.delete('lang');
  if (planning) next.set('mode', 'planning');
  else if (editing) next.set('mode', 'edit');
  else next.delete('mode');
  const query = next.toString();
  return `${current.pathname}${query ? `?${query}` : ''}${current.hash}`;
}
