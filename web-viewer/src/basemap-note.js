// Say plainly, in the legend, when there is no street map under the communes (none configured,
// or the hosted one failed), rather than pretend to be one.
import { $ } from './api.js';
import { addHostedBasemap } from './hosted-style.js';

export function createBasemapNote({ map, t }) {
  let hostedBasemap = null;

  function show() {
    const failed = hostedBasemap === 'failed';
    const basemap = map.getStyle()?.metadata?.['hue-map:basemap'] && !failed;
    $('basemap-note').textContent = basemap ? '' : t(failed ? 'basemapUnavailable' : 'noBasemap');
    $('basemap-note').hidden = Boolean(basemap);
  }

  /** Says what the style has, then adds a hosted street map (--basemap-style) underneath and
   * says again: call once the map's own style has loaded. */
  function addHosted() {
    show();
    addHostedBasemap(map).then((state) => { hostedBasemap = state; show(); });
  }

  return { show, addHosted };
}
