// What the panel says, as HTML: a commune, an office (with directions, a call and the buttons
// that act on it), the offices nearest a point, a point outside Huế, and a request that failed.
// Strings in, strings out (no DOM, no network), so it is unit-tested in Node.
import { escape, ApiError } from './api.js';
import { translator } from './i18n.js';

/** A distance in the page's language: metres under a kilometre, else kilometres to 0.1. */
export function formatDistance(lang, metres) {
  const t = translator(lang);
  return metres >= 1000 ? `${(metres / 1000).toLocaleString(lang, { maximumFractionDigits: 1 })} ${t('km')}` : `${Math.round(metres)} ${t('m')}`;
}

/** A message for a failed request, with a retry button (`retryId`) when trying again can
 * help; `offline` is whether the browser knows it has no network. */
export function errorHtml(lang, error, { retryId = null, offline = false } = {}) {
  const t = translator(lang);
  const retry = retryId ? ` <button type="button" id="${retryId}" class="retry">${t('retry')}</button>` : '';
  if (error instanceof ApiError && error.status < 500) return `<p class="error">${escape(t('refused')(error.status))}</p>`;
  return `<p class="error">${offline ? t('offline') : t('networkError')}${retry}</p>`;
}

/** Where to send a resident: the building when its position is known, otherwise the address
 * text, so that nobody is routed to the middle of a commune. */
export function directionsLinks(lang, office) {
  const t = translator(lang);
  const exact = office.position_is_exact;
  const place = exact ? `${office.lat},${office.lon}` : office.address;
  const geo = exact ? `geo:${office.lat},${office.lon}?q=${office.lat},${office.lon}` : `geo:0,0?q=${encodeURIComponent(office.address)}`;
  const osm = `https://www.openstreetmap.org/directions?to=${encodeURIComponent(place)}`;
  return `<a class="action" href="${escape(geo)}" data-directions="geo">${t('directions')}</a>`
    + `<a class="action" href="${escape(osm)}" target="_blank" rel="noopener" data-directions="osm">${t('directionsOsm')}</a>`;
}

// The report button names its office by id; the panel keeps the offices it shows (panel.js).
function officeActions(lang, office) {
  const t = translator(lang);
  const report = `<button type="button" class="action report-office" data-office="${escape(office.id)}">${t('reportWrong')}</button>`;
  const call = office.phone ? `<a class="action" href="tel:${escape(office.phone.replace(/[^+0-9]/g, ''))}">${t('call')} ${escape(office.phone)}</a>` : '';
  // Directions and the call first: what a resident on a phone came for.
  return `<p class="actions-row">${directionsLinks(lang, office)}${call}<button type="button" class="action copy-address" data-address="${escape(office.address)}">${t('copyAddress')}</button>${report}</p>`;
}

/** An office: name, address, distance (said to be approximate when its position is), hours
 * (with a slot panel.js fills with "open now"), and with `actions` the buttons that act on it. */
export function officeHtml(lang, office, { actions = false } = {}) {
  const t = translator(lang);
  let distance = '';
  if (office.distance_m != null) {
    distance = office.position_is_exact
      ? ` · ${t('distance')}: ${formatDistance(lang, office.distance_m)}`
      : ` · ${t('distance')}: ≈ ${formatDistance(lang, office.distance_m)}, ${t('approximatePosition')}`;
  }
  const approx = office.position_is_exact ? '' : ' (≈)';
  const hours = office.opening_hours
    ? `<br><span class="hours">${t('hours')}: <code>${escape(office.opening_hours)}</code> <span class="open-now" data-hours="${escape(office.opening_hours)}"></span></span>`
    : '';
  return `<strong>${escape(office.name)}</strong>${approx}<br>${escape(office.address)}${distance}${hours}${actions ? officeActions(lang, office) : ''}`;
}

/** A commune: its name, type and code, its seat (with the buttons that act on it), what it
 * was formed from, and a download. `location` is a locate answer: whether it came from the offline
 * pack, and whether the point lies on a boundary. */
export function communeHtml(lang, commune, formerUnits, seat, location = {}) {
  const t = translator(lang);
  const parts = [`<h2>${escape(commune.full_name)}</h2><p class="type">${t(commune.type)} · ${escape(commune.code)}</p>`];
  if (location.offline) parts.push(`<p class="note">${t('offlineAnswer')}</p>`);
  if (location.on_boundary && location.boundary_with?.length) parts.push(`<p class="note">${t('onBoundary')} ${location.boundary_with.map(escape).join(', ')}.</p>`);
  // The seat (its address, directions, a call) before the lineage: on a phone it is what
  // shows above the fold.
  if (seat) {
    parts.push(`<h3>${t('seat')}</h3><p>${officeHtml(lang, seat, { actions: true })}</p>`);
    if (!seat.position_is_exact) parts.push(`<p class="note">${t('approximate')}</p>`);
  }
  if (formerUnits?.length) parts.push(`<h3>${t('formedFrom')}</h3><ul>${formerUnits.map((u) => `<li>${escape(u.name)}</li>`).join('')}</ul>`);
  parts.push(`<p><a href="/api/v1/communes/${encodeURIComponent(commune.code)}" download="${escape(commune.code)}.geojson">${t('downloadOne')}</a></p>`);
  return parts.join('');
}

/** The offices nearest a point, with their distances. */
export function nearestOfficesHtml(lang, offices) {
  const t = translator(lang);
  return `<h3>${t('nearest')}</h3><ul>${offices.map((o) => `<li>${officeHtml(lang, o)}</li>`).join('')}</ul>`;
}

/** A point outside Huế (a locate answer with no commune): the nearest commune and how far. */
export function outsideHtml(lang, here) {
  const t = translator(lang);
  const near = here.nearest_commune;
  const offline = here.offline ? `<p class="note">${t('offlineAnswer')}</p>` : '';
  const nearest = near ? `<p>${t('nearestCommune')}: <strong>${escape(near.full_name)}</strong> (${formatDistance(lang, near.distance_m)})</p>` : '';
  return `<h2>${t('outside')}</h2>${offline}${nearest}`;
}

/** A code no commune has. */
export function noSuchCommuneHtml(lang, code) {
  return `<p class="error">${escape(translator(lang)('noSuchCommune')(code))}</p>`;
}
