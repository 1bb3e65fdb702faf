// The camera keeps a selection in the part of the map the panel leaves visible: beside the
// side card, or above the bottom sheet on a phone. The geometry is pure (boxes in, padding
// out) and unit-tested in Node; fitCommune and keepVisible measure the page when called.
import { $ } from './api.js';

const MARGIN = 24;
// Never more than most of the map: a tiny screen still shows something.
const MOST_OF_THE_MAP = 0.7;
// A panel this wide is the bottom sheet of a phone, not a side card.
const SHEET_WIDTH = 0.9;

/** The camera padding that keeps clear of the panel: `area` is the map's box and `panel` the
 * panel's box, or null when the panel is hidden (both as getBoundingClientRect gives them). */
export function visiblePadding(area, panel) {
  const padding = { top: MARGIN, bottom: MARGIN, left: MARGIN, right: MARGIN };
  if (panel) {
    if (panel.width >= area.width * SHEET_WIDTH) padding.bottom += Math.max(0, area.bottom - panel.top);
    else padding.right += Math.max(0, area.right - panel.left);
  }
  padding.bottom = Math.min(padding.bottom, area.height * MOST_OF_THE_MAP);
  padding.right = Math.min(padding.right, area.width * MOST_OF_THE_MAP);
  return padding;
}

/** Null when the pixel `at` (in the map) is inside the visible part, else the offset [x, y] that
 * centres it there: an offset, not camera padding, which MapLibre would keep and add to every
 * later fit. */
export function offsetToShow(at, area, padding) {
  const inside = at.x >= padding.left && at.x <= area.width - padding.right && at.y >= padding.top && at.y <= area.height - padding.bottom;
  return inside ? null : [(padding.left - padding.right) / 2, (padding.top - padding.bottom) / 2];
}

function measure() {
  const area = $('map').getBoundingClientRect();
  const panel = $('panel');
  return { area, padding: visiblePadding(area, panel.hidden ? null : panel.getBoundingClientRect()) };
}

/** Fits `map` to a commune's bbox [west, south, east, north], clear of the panel. */
export function fitCommune(map, bbox) {
  map.fitBounds([[bbox[0], bbox[1]], [bbox[2], bbox[3]]], { padding: measure().padding, duration: 0 });
}

/** Brings a point into the visible part of `map` if the panel covers it. */
export function keepVisible(map, lon, lat) {
  const { area, padding } = measure();
  const offset = offsetToShow(map.project([lon, lat]), area, padding);
  if (offset) map.easeTo({ center: [lon, lat], offset, duration: 300 });
}
