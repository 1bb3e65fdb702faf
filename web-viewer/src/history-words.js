// An office's history in words rather than raw values: "Vị trí: điểm giữa xã → đo GPS tại
// chỗ", a position as coordinates, a commune by its name. Pure, tested in Node
// (test/history-words.unit.test.js).

import { formatCoordinates as coordinates } from './coordinates.js';

/** One changed field's value, as a person reads it. `communeName(code)` names a commune. */
export function valueInWords(t, name, value, communeName = (code) => code) {
  if (value === null || value === undefined || value === '') return '—';
  if (name === 'position_precision') return t('precisionLabel')[value] ?? value;
  if (name === 'commune_code') return communeName(value);
  if (name === 'kind') return t('officeKinds')?.[value] ?? value;
  if (Array.isArray(value)) return value.length ? value.join(', ') : '—';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** A change's fields as `[label, before, after]` rows: `lon` and `lat` changed together as
 * one position (each alone as itself). */
export function changeRows(t, fields, communeName) {
  const rows = [];
  let rest = { ...(fields ?? {}) };
  const { lon, lat } = rest;
  if (lon && lat) {
    const before = lat.before === null || lon.before === null ? '—' : coordinates(lat.before, lon.before);
    rows.push([t('field').position, before, coordinates(lat.after, lon.after)]);
    delete rest.lon;
    delete rest.lat;
  }
  for (const [name, change] of Object.entries(rest)) {
    rows.push([t('field')[name] ?? name, valueInWords(t, name, change.before, communeName), valueInWords(t, name, change.after, communeName)]);
  }
  return rows;
}
