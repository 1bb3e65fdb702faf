// "Báo sai vị trí / Report a wrong location": a resident puts a pin where the office really
// is (or says it is closed, or keeps other hours) and sends it. Anonymous: nothing about the
// resident is asked or kept. Staff of the commune see it in their queue (editor mode).
import { $, escape, request, ApiError, invalidParams } from './api.js';

const KINDS = ['wrong_position', 'closed', 'wrong_hours', 'other'];

/** Opens the report form for `office` in the panel; `page` is the map page's toolkit. */
export function openReport(page, office) {
  const { t } = page;
  let pin = null;
  page.showPanel(`<h2>${escape(t('reportTitle'))}</h2>
    <p><strong>${escape(office.name)}</strong><br>${escape(office.address)}</p>
    <form id="report-form" novalidate>
      <label for="report-kind">${t('reportKind')}</label>
      <select id="report-kind">${KINDS.map((k) => `<option value="${k}">${escape(t('reportKinds')[k])}</option>`).join('')}</select>
      <p class="hint" id="report-pin-hint">${escape(t('reportPinHint'))}</p>
      <p class="actions-row"><button type="button" class="action" id="report-centre">${t('reportUseCentre')}</button></p>
      <p id="report-pin" class="hint"></p>
      <label for="report-message">${t('reportMessage')}</label>
      <textarea id="report-message" maxlength="1000" rows="3"></textarea>
      <p class="actions-row"><button type="submit" class="action">${t('reportSend')}</button>
      <button type="button" class="action" id="report-cancel">${t('cancel')}</button></p>
      <div id="report-status" role="status"></div>
    </form>`);

  const placePin = ([lon, lat]) => {
    if (!pin) {
      pin = new page.maplibregl.Marker({ color: '#1b6ca8', draggable: true }).setLngLat([lon, lat]).addTo(page.map);
      pin.on('dragend', () => showPin(pin.getLngLat().toArray()));
    }
    pin.setLngLat([lon, lat]);
    showPin([lon, lat]);
  };
  const showPin = ([lon, lat]) => {
    $('report-pin').textContent = `${t('reportPinAt')}: ${lat.toFixed(6)}, ${lon.toFixed(6)}`;
    $('report-pin').dataset.lon = lon.toFixed(6);
    $('report-pin').dataset.lat = lat.toFixed(6);
  };
  const finish = () => {
    pin?.remove();
    page.takeMapClicks(null);
  };
  page.takeMapClicks((lngLat) => placePin([lngLat.lng, lngLat.lat]));
  page.onPanelClose(finish);

  $('report-cancel').addEventListener('click', () => { finish(); page.closePanel(); });
  // Without a pointer: move the map with the arrow keys, then take its centre.
  $('report-centre').addEventListener('click', () => placePin(page.map.getCenter().toArray()));
  $('report-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = { kind: $('report-kind').value, message: $('report-message').value };
    const { lon, lat } = $('report-pin').dataset;
    if (lon && lat) Object.assign(body, { proposed_lon: +lon, proposed_lat: +lat });
    const status = $('report-status');
    if (body.kind === 'wrong_position' && !lon) {
      status.innerHTML = `<p class="error">${escape(t('reportNeedsPin'))}</p>`;
      return;
    }
    try {
      await request(`/api/v1/offices/${encodeURIComponent(office.id)}/reports`, { method: 'POST', body });
      finish();
      page.showPanel(`<h2>${escape(t('reportThanks'))}</h2><p>${escape(t('reportNext'))}</p>`);
    } catch (error) {
      status.innerHTML = `<p class="error">${escape(reportError(t, error))}</p>`;
    }
  });
}

function reportError(t, error) {
  if (!(error instanceof ApiError)) return t('networkError');
  if (error.status === 429) return t('reportTooMany')(error.headers.get('Retry-After') ?? '60');
  const fields = invalidParams(error);
  return fields.length ? fields.join('; ') : error.message;
}
