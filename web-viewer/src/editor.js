// Editor mode (?mode=edit): city staff keep the offices correct.
// - Sign in by pasting a token (`hue-map token create`); it is kept in sessionStorage only, so
//   it leaves with the tab, and "sign out" forgets it at once.
// - The offices of the token's communes are listed (all of them for an admin).
// - An office is edited in the panel: drag its marker to the building, tap the map, or type
//   coordinates; set the precision and the other fields; give a reason; save with If-Match.
// - A 412 shows what someone else changed meanwhile, and lets the editor re-apply their own
//   changes on top, or drop them.
// - The report queue: residents' open reports for the same communes, on the map, each to
//   accept (the office moves to the proposed position) or reject, with a reason.
// - Import: a CSV or GeoJSON sheet of offices, previewed row by row, then applied
//   (import-sheet.js).
// ?mode=edit&office=ID opens one office directly.
import { $, escape, request, ApiError, invalidParams } from './api.js';
import { parseCoordinates, formatCoordinates, HUE_BOUNDS } from './coordinates.js';
import { datasetBounds } from './still-map.js';
import { changeRows } from './history-words.js';
import { ImportSheet } from './import-sheet.js';
import { fold, metres } from './offline.js';

const TOKEN_KEY = 'hue-map:token';
// How a position was obtained, as the editor offers it. A drag or a tap is `hand_placed`;
// `surveyed` is only ever chosen by the person, or set from the device's own GNSS fix.
const PRECISIONS = ['hand_placed', 'surveyed', 'geocoded', 'approximate_geocoded', 'commune_label_point'];
// A GNSS fix less precise than this is no survey of a building.
const MAX_GNSS_ACCURACY_M = 30;
// A move longer than this is saved only once confirmed.
const LONG_MOVE_M = 500;
// The fields the form edits, as the API names them.
const FIELDS = ['lon', 'lat', 'position_precision', 'address', 'opening_hours', 'phone', 'services', 'notes'];

export function startEditor(page) {
  new Editor(page).start();
}

class Editor {
  constructor(page) {
    this.page = page;
    this.t = page.t;
    this.token = sessionStorage.getItem(TOKEN_KEY);
    this.who = null;
    this.offices = [];
    this.reports = [];
    // The office being edited: the version the form started from, and its ETag.
    this.editing = null;
    this.marker = null;
    this.message = '';
    // Commune names by code, so the editor speaks of communes, not codes.
    this.communeNames = new Map();
    this.importer = new ImportSheet(this);
  }

  communeName(code) {
    return this.communeNames.get(code) ?? code;
  }

  async start() {
    $('editor').hidden = false;
    const map = this.page.map;
    map.addSource('editor-reports', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
    map.addLayer({
      id: 'editor-reports', type: 'circle', source: 'editor-reports',
      paint: { 'circle-radius': 9, 'circle-color': 'rgba(27,108,168,0.35)', 'circle-stroke-color': '#1b6ca8', 'circle-stroke-width': 2 },
    });
    this.page.onLanguageChange(() => { this.render(); this.importer.rerender(); });
    $('editor').addEventListener('submit', (event) => this.onSubmit(event));
    $('editor').addEventListener('click', (event) => this.onClick(event));
    $('editor').addEventListener('input', (event) => {
      if (event.target.id !== 'office-filter') return;
      const wanted = fold(event.target.value);
      for (const item of $('editor-offices').children) item.hidden = !item.dataset.filter.includes(wanted);
    });
    try {
      const { communes } = (await request('/api/v1/communes')).data;
      this.communeNames = new Map(communes.map((c) => [c.code, c.full_name]));
    } catch {
      // Codes it is, then.
    }
    if (this.token) await this.signIn(this.token);
    else this.render();
  }

  call(path, options = {}) {
    return request(path, { ...options, token: this.token, cache: 'no-cache' });
  }

  /** What went wrong, in the editor's words. */
  describe(error) {
    if (error instanceof ApiError && error.status === 401) return this.t('editorBadToken');
    return describe(this.t, error);
  }

  /** After a write other than the form's (an import): the map and the list follow. */
  async refresh() {
    this.page.dataChanged();
    await this.loadOffices();
    this.render();
  }

  // ---- signing in -----------------------------------------------------------------------
  async signIn(token) {
    this.token = token;
    try {
      this.who = (await this.call('/api/v1/whoami')).data;
      sessionStorage.setItem(TOKEN_KEY, token);
      this.message = '';
      await Promise.all([this.loadOffices(), this.loadReports()]);
      this.render({ focus: true });
      const wanted = new URLSearchParams(location.search).get('office');
      if (wanted) await this.editOffice(wanted);
    } catch (error) {
      // Only a refused token is forgotten; a network failure or a busy server is not the token's fault.
      if (error instanceof ApiError && error.status === 401) this.signOut(this.t('editorBadToken'));
      else {
        this.message = describe(this.t, error);
        this.render();
      }
    }
  }

  signOut(message = '') {
    sessionStorage.removeItem(TOKEN_KEY);
    this.token = null;
    this.who = null;
    this.offices = [];
    this.reports = [];
    this.stopEditing();
    this.showReportsOnMap();
    this.message = message;
    this.render({ focus: true });
  }

  async loadOffices() {
    const { offices } = (await this.call('/api/v1/offices')).data;
    const mine = this.who.role === 'admin' ? offices : offices.filter((o) => this.who.communes.includes(o.commune_code));
    this.offices = mine.sort((a, b) => a.name.localeCompare(b.name, 'vi'));
  }

  async loadReports() {
    this.reports = (await this.call('/api/v1/reports?status=open')).data.reports;
    this.showReportsOnMap();
  }

  showReportsOnMap() {
    const features = this.reports.filter((r) => r.proposed_position).map((r) => ({
      type: 'Feature', geometry: { type: 'Point', coordinates: r.proposed_position }, properties: { id: r.id },
    }));
    this.page.map.getSource('editor-reports')?.setData({ type: 'FeatureCollection', features });
  }

  // ---- the side list --------------------------------------------------------------------
  /** Draws the side list; `focus` moves the keyboard to its heading (after signing in or out,
   * when the content under the focused button has gone). */
  render({ focus = false } = {}) {
    this.draw();
    const heading = $('editor').querySelector('h2');
    if (focus && heading) {
      heading.tabIndex = -1;
      heading.focus({ preventScroll: true });
    }
  }

  draw() {
    const t = this.t;
    const message = this.message ? `<p class="error" role="alert">${escape(this.message)}</p>` : '';
    if (!this.who) {
      $('editor').innerHTML = `<h2>${t('editorTitle')}</h2>${message}
        <form id="sign-in" novalidate>
          <label for="token">${t('editorToken')}</label>
          <input id="token" type="password" autocomplete="off" spellcheck="false" required>
          <p class="hint">${escape(t('editorTokenHint'))}</p>
          <button type="submit" class="action">${t('editorSignIn')}</button>
        </form>`;
      return;
    }
    const rights = this.who.role === 'admin' ? t('editorAdmin') : t('editorOf')(this.who.communes.map((c) => this.communeName(c)).join(', '));
    const precision = (p) => t('precisionLabel')[p] ?? p;
    const officeItems = this.offices.map((o) => `<li data-filter="${escape(fold(`${o.name} ${o.address} ${this.communeName(o.commune_code)}`))}"><button type="button" class="link" data-edit-office="${escape(o.id)}">${escape(o.name)}</button>
      <small>${escape(precision(o.position_precision))}</small></li>`).join('');
    const reportItems = this.reports.map((r) => `<li><button type="button" class="link" data-report="${r.id}">${escape(this.officeName(r.office_id))}: ${escape(t('reportKinds')[r.kind] ?? r.kind)}</button>
      <small>${escape(r.message)}</small></li>`).join('');
    $('editor').innerHTML = `<div class="planner-head"><h2>${t('editorTitle')}</h2>
        <button type="button" id="sign-out" class="action">${t('editorSignOut')}</button></div>
      <p>${escape(t('editorSignedIn')(this.who.name))} · ${escape(rights)}</p>${message}
      <h3>${t('editorOffices')} (${this.offices.length})</h3>
      <label for="office-filter">${t('editorFilter')}</label><input id="office-filter" type="search" autocomplete="off">
      <ul id="editor-offices" class="plain">${officeItems}</ul>
      <h3>${t('editorReports')} (${this.reports.length})</h3>
      <ul id="editor-reports" class="plain">${reportItems || `<li>${t('editorNoReports')}</li>`}</ul>
      <h3>${t('importTitle')}</h3>
      <p class="actions-row"><button type="button" class="action" id="open-import">${t('importOpen')}</button></p>`;
  }

  officeName(id) {
    return this.offices.find((o) => o.id === id)?.name ?? id;
  }

  onClick(event) {
    if (event.target.closest('#sign-out')) this.signOut();
    if (event.target.closest('#open-import')) { this.stopEditing(); this.importer.open(); }
    const office = event.target.closest('[data-edit-office]');
    if (office) this.editOffice(office.dataset.editOffice);
    const report = event.target.closest('[data-report]');
    if (report) this.showReport(+report.dataset.report);
  }

  onSubmit(event) {
    if (event.target.id !== 'sign-in') return;
    event.preventDefault();
    const token = $('token').value.trim();
    if (token) this.signIn(token);
  }

  // ---- editing an office ----------------------------------------------------------------
  async editOffice(id) {
    const t = this.t;
    let office;
    let etag;
    try {
      const answer = await this.call(`/api/v1/offices/${encodeURIComponent(id)}`);
      office = answer.data;
      etag = answer.headers.get('ETag');
    } catch (error) {
      this.page.showPanel(`<p class="error">${escape(describe(t, error))}</p>`);
      return;
    }
    // The panel's previous content (another office, a report) is ended first.
    this.page.showPanel(this.officeForm(office));
    this.editing = { original: office, etag };
    this.fillForm(office);
    this.marker = new this.page.maplibregl.Marker({ color: '#1b6ca8', draggable: true }).setLngLat([office.lon, office.lat]).addTo(this.page.map);
    this.marker.on('dragend', () => this.placeByHand(this.marker.getLngLat()));
    this.page.takeMapClicks((lngLat) => this.placeByHand(lngLat));
    this.page.onPanelClose(() => this.stopEditing());
    this.page.map.jumpTo({ center: [office.lon, office.lat], zoom: Math.max(this.page.map.getZoom(), 14) });
    this.page.keepVisible(office.lon, office.lat);
    const form = $('office-form');
    form.addEventListener('submit', (e) => { e.preventDefault(); this.save(); });
    $('f-position').addEventListener('change', () => this.readPositionField());
    $('use-device-position').addEventListener('click', () => this.useDevicePosition());
    let timer;
    $('f-opening_hours').addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(() => this.checkHours(), 250); });
    this.checkHours();
    this.loadHistory(id);
  }

  stopEditing() {
    this.marker?.remove();
    this.marker = null;
    this.editing = null;
    this.page.takeMapClicks(null);
  }

  officeForm(office) {
    const t = this.t;
    const input = (name, attributes = '') => `<label for="f-${name}">${t('field')[name]}</label><input id="f-${name}" ${attributes}>`;
    const precisions = PRECISIONS.map((p) => `<option value="${p}">${escape(t('precisionLabel')[p])}</option>`).join('');
    return `<h2>${escape(office.name)}</h2>
      <p class="type">${escape(this.communeName(office.commune_code))} · ${t('editorVersion')} <span id="office-version">${office.version}</span></p>
      <form id="office-form" class="stacked" novalidate>
        <fieldset><legend>${t('editorPosition')}</legend>
          ${this.hasStreets() ? '' : `<p class="warning" id="no-streets">${escape(t('editorNoStreets'))}</p>`}
          <p class="hint" id="position-hint">${escape(t('editorPositionHint'))}</p>
          ${input('position', 'autocomplete="off" spellcheck="false" aria-describedby="position-hint position-check"')}
          <p id="position-check" class="hint" aria-live="polite"></p>
          <p class="actions-row"><button type="button" class="action" id="use-device-position">${t('gnssUse')}</button></p>
          <label for="f-position_precision">${t('field').position_precision}</label><select id="f-position_precision">${precisions}</select>
        </fieldset>
        ${input('address')}
        ${input('opening_hours', 'aria-describedby="hours-check" spellcheck="false"')}
        <p id="hours-check" class="hint"></p>
        ${input('phone', 'type="tel"')}
        ${input('services')}
        <label for="f-notes">${t('field').notes}</label><textarea id="f-notes" rows="2"></textarea>
        <div class="sticky-save">${input('reason', 'required')}
        <p class="actions-row"><button type="submit" class="action">${t('editorSave')}</button></p></div>
        <div id="save-status" role="status"></div>
        <div id="save-conflict"></div>
      </form>
      <h3>${t('editorHistory')}</h3><ol id="office-history" reversed></ol>`;
  }

  /** Whether a street map is drawn under the map (the style says so), to check positions against. */
  hasStreets() {
    return Boolean(this.page.map.getStyle()?.metadata?.['hue-map:basemap']);
  }

  fillForm(office) {
    $('f-position').value = formatCoordinates(office.lat, office.lon);
    this.position = { lat: office.lat, lon: office.lon };
    $('position-check').textContent = '';
    $('f-position_precision').value = office.position_precision;
    for (const name of ['address', 'opening_hours', 'phone', 'notes']) $(`f-${name}`).value = office[name] ?? '';
    $('f-services').value = (office.services ?? []).join(', ');
    $('office-version').textContent = office.version;
  }

  /** The form's values, in the API's shape (an empty optional field is null). */
  formValues() {
    const text = (name) => $(`f-${name}`).value.trim() || null;
    return {
      lon: this.position.lon,
      lat: this.position.lat,
      position_precision: $('f-position_precision').value,
      address: $('f-address').value.trim(),
      opening_hours: text('opening_hours'),
      phone: text('phone'),
      services: $('f-services').value.split(',').map((s) => s.trim()).filter(Boolean),
      notes: text('notes'),
    };
  }

  setPosition(lngLat) {
    const lat = +lngLat.lat.toFixed(6);
    const lon = +lngLat.lng.toFixed(6);
    this.position = { lat, lon };
    $('f-position').value = formatCoordinates(lat, lon);
    $('position-check').textContent = '';
    this.marker?.setLngLat([lon, lat]);
  }

  /** A drag or a tap: the position is where a person put it on the map, which is what the
   * precision says (never "surveyed"). */
  placeByHand(lngLat) {
    this.setPosition(lngLat);
    this.gnss = null;
    $('f-position_precision').value = 'hand_placed';
  }

  /** "I am at the office now": the device's own GNSS fix, with its accuracy shown, taken as
   * a survey when it is within MAX_GNSS_ACCURACY_M; the accuracy goes into the history with
   * the reason. */
  useDevicePosition() {
    const out = $('position-check');
    out.classList.remove('invalid');
    if (!navigator.geolocation) { out.textContent = this.t('gnssUnavailable'); return; }
    out.textContent = this.t('gnssWaiting');
    // A fix can take half a minute: it belongs to the office whose form asked for it.
    const asking = this.editing;
    navigator.geolocation.getCurrentPosition((fix) => {
      if (this.editing !== asking || !$('position-check')) return;
      const { latitude, longitude, accuracy } = fix.coords;
      const metres = Math.round(accuracy);
      if (!(accuracy <= MAX_GNSS_ACCURACY_M)) {
        out.textContent = this.t('gnssTooRough')(metres, MAX_GNSS_ACCURACY_M);
        out.classList.add('invalid');
        return;
      }
      this.setPosition({ lng: longitude, lat: latitude });
      this.gnss = { lat: this.position.lat, lon: this.position.lon, metres };
      $('f-position_precision').value = 'surveyed';
      out.textContent = this.t('gnssTaken')(metres);
      this.page.map.easeTo({ center: [this.position.lon, this.position.lat] });
    }, (error) => {
      if (this.editing !== asking || !$('position-check')) return;
      out.textContent = error.code === 1 ? this.t('gnssDenied') : this.t('gnssUnavailable');
      out.classList.add('invalid');
    }, { enableHighAccuracy: true, timeout: 30_000, maximumAge: 0 });
  }

  /** The reason as saved: with the GNSS fix's accuracy when the position is that fix. */
  reasonWithFix(reason) {
    const fix = this.gnss;
    const atFix = fix && fix.lat === this.position.lat && fix.lon === this.position.lon && $('f-position_precision').value === 'surveyed';
    return atFix ? `${reason} (GNSS ±${fix.metres} m)` : reason;
  }

  /** Reads what was typed or pasted into the one coordinates field; a position it can read
   * moves the marker and the map there, anything else says why in the user's language (and
   * the last good position stays). */
  readPositionField() {
    const read = parseCoordinates($('f-position').value, datasetBounds ?? HUE_BOUNDS);
    const out = $('position-check');
    const where = (lat, lon) => (Number.isFinite(lat) && Number.isFinite(lon) ? ` ${formatCoordinates(lat, lon)}` : '');
    if (read.error) {
      out.textContent = `${this.t('positionProblem')[read.error]}${read.error === 'swapped' || read.error === 'outside' ? where(read.lat, read.lon) : ''}`;
      out.classList.add('invalid');
      this.position.invalid = true;
      return;
    }
    this.position = { lat: read.lat, lon: read.lon };
    this.gnss = null;
    // A position typed or pasted (a map link above all) was placed by a person: that is what
    // the precision says until the person says otherwise (surveyed numbers, say).
    $('f-position_precision').value = 'hand_placed';
    out.textContent = `${this.t('positionRead')} ${formatCoordinates(read.lat, read.lon)}`;
    out.classList.remove('invalid');
    this.marker?.setLngLat([read.lon, read.lat]);
    this.page.map.easeTo({ center: [read.lon, read.lat] });
    this.page.keepVisible(read.lon, read.lat);
  }

  async checkHours() {
    const value = $('f-opening_hours')?.value.trim();
    const out = $('hours-check');
    if (!out) return;
    if (!value) { out.textContent = ''; return; }
    try {
      const check = (await request(`/api/v1/opening-hours?value=${encodeURIComponent(value)}`)).data;
      if ($('f-opening_hours')?.value.trim() !== value) return;
      out.textContent = check.valid
        ? `✓ ${this.t('hoursValid')} · ${check.open ? this.t('openNow') : this.t('closedNow')}`
        : `✗ ${this.t('hoursInvalid')}: ${check.error.split('\n').filter((l) => l.includes('expected')).join(' ').trim() || check.error}`;
      out.classList.toggle('invalid', !check.valid);
    } catch {
      out.textContent = '';
    }
  }

  /** The merge patch from the version the form started from to what the form holds. */
  patch() {
    const values = this.formValues();
    const original = this.editing.original;
    const changed = {};
    for (const name of FIELDS) {
      if (JSON.stringify(values[name]) !== JSON.stringify(original[name] ?? (name === 'services' ? [] : null))) changed[name] = values[name];
    }
    return changed;
  }

  /** What went wrong, in the user's language where the editor knows the refusal: a seat
   * moved into another commune is told the names of both communes. */
  async explain(error) {
    const moved = seatMovedOut(error);
    if (!moved) return describe(this.t, error);
    const name = async (code) => {
      try { return `${(await request(`/api/v1/communes/${code}`)).data.properties.full_name} (${code})`; } catch { return code; }
    };
    const [there, own] = await Promise.all([name(moved.there), name(moved.own)]);
    return this.t('seatMovedOut')(there, own);
  }

  async save() {
    const t = this.t;
    const status = $('save-status');
    // A position typed and saved at once (Enter) has not been read yet.
    if ($('f-position').value.trim() !== formatCoordinates(this.position.lat, this.position.lon)) this.readPositionField();
    if (this.position.invalid) {
      status.innerHTML = `<p class="error">${escape($('position-check').textContent)}</p>`;
      $('f-position').focus();
      return;
    }
    const changes = this.patch();
    if (!Object.keys(changes).length) { status.innerHTML = `<p class="note">${t('editorNothing')}</p>`; return; }
    const reason = $('f-reason').value.trim();
    if (!reason) { status.innerHTML = `<p class="error">${t('editorNeedsReason')}</p>`; $('f-reason').focus(); return; }
    const editing = this.editing;
    const { original, etag } = editing;
    // A long move is more often a slip (a swapped digit, the wrong tap) than a move: it is
    // saved on the second press, once the distance has been said.
    const moved = Math.round(metres([original.lon, original.lat], [this.position.lon, this.position.lat]));
    const moveKey = `${this.position.lat},${this.position.lon}`;
    if (moved > LONG_MOVE_M && this.confirmedMove !== moveKey) {
      this.confirmedMove = moveKey;
      status.innerHTML = `<p class="note">${escape(t('editorLongMove')(moved))}</p>`;
      return;
    }
    const twin = this.offices.find((o) => o.id !== original.id && o.lat === this.position.lat && o.lon === this.position.lon);
    const submit = $('office-form').querySelector('button[type="submit"]');
    // One save at a time: a second one would carry the same If-Match and meet its own 412.
    submit.disabled = true;
    try {
      const answer = await this.call(`/api/v1/offices/${encodeURIComponent(original.id)}`, {
        method: 'PATCH', body: { ...changes, reason: this.reasonWithFix(reason) }, headers: { 'If-Match': etag, 'Content-Type': 'application/merge-patch+json' },
      });
      // The editor may have opened another office meanwhile: this answer is not for its form.
      if (this.editing !== editing) return;
      this.editing = { original: answer.data, etag: answer.headers.get('ETag') };
      this.fillForm(answer.data);
      $('f-reason').value = '';
      const sameAs = twin ? ` ${t('editorSamePosition')(twin.name)}` : '';
      status.innerHTML = `<p class="note">${escape(t('editorSaved')(answer.data.version) + sameAs)}</p>`;
      this.confirmedMove = null;
      this.loadHistory(original.id);
      this.page.dataChanged();
      await this.loadOffices();
      this.render();
    } catch (error) {
      if (this.editing !== editing) return;
      if (error instanceof ApiError && error.status === 412) await this.showConflict(changes);
      else if (error instanceof ApiError && error.status === 401) this.signOut(t('editorBadToken'));
      else status.innerHTML = `<p class="error">${escape(await this.explain(error))}</p>`;
    } finally {
      submit.disabled = false;
    }
  }

  /** Someone saved this office since the form opened: show what they changed, and offer to
   * re-apply ours on top of their version, or to drop ours. */
  async showConflict(mine) {
    const t = this.t;
    const editing = this.editing;
    const id = editing.original.id;
    const answer = await this.call(`/api/v1/offices/${encodeURIComponent(id)}`);
    if (this.editing !== editing) return;
    const theirs = answer.data;
    const before = editing.original;
    const show = (value) => escape(Array.isArray(value) ? value.join(', ') : value ?? '—');
    const rows = FIELDS.filter((f) => JSON.stringify(before[f] ?? null) !== JSON.stringify(theirs[f] ?? null) || f in mine)
      .map((f) => `<tr><th scope="row">${t('field')[f]}</th><td>${show(before[f])}</td><td>${show(theirs[f])}</td><td>${f in mine ? show(mine[f]) : '—'}</td></tr>`)
      .join('');
    // The table goes beside the status line, not in it: a live region would read it all out.
    $('save-status').textContent = t('editorConflict')(theirs.version);
    $('save-conflict').innerHTML = `<div class="conflict"><p class="error">${escape(t('editorConflict')(theirs.version))}</p>
      <div class="table-wrap"><table><thead><tr><th scope="col">${t('editorField')}</th><th scope="col">${t('editorWas')}</th>
      <th scope="col">${t('editorTheirs')}</th><th scope="col">${t('editorMine')}</th></tr></thead><tbody>${rows}</tbody></table></div>
      <p class="actions-row"><button type="button" class="action" id="reapply">${t('editorReapply')}</button>
      <button type="button" class="action" id="discard">${t('editorDiscard')}</button></p></div>`;
    $('reapply').focus();
    $('reapply').addEventListener('click', () => {
      // Ours on top of theirs: their version, with only the fields we changed set to ours.
      $('save-conflict').replaceChildren();
      this.editing = { original: theirs, etag: answer.headers.get('ETag') };
      this.fillForm({ ...theirs, ...mine });
      this.marker?.setLngLat([this.position.lon, this.position.lat]);
      this.save();
    });
    $('discard').addEventListener('click', () => {
      this.editing = { original: theirs, etag: answer.headers.get('ETag') };
      this.fillForm(theirs);
      this.setPosition({ lng: theirs.lon, lat: theirs.lat });
      $('save-status').replaceChildren();
      $('save-conflict').replaceChildren();
      this.loadHistory(id);
    });
  }

  async loadHistory(id) {
    const t = this.t;
    try {
      const { versions } = (await this.call(`/api/v1/offices/${encodeURIComponent(id)}/history`)).data;
      const list = $('office-history');
      // Only into the form of the office it belongs to.
      if (!list || this.editing?.original.id !== id) return;
      list.innerHTML = [...versions].reverse().map((v) => {
        // The seed's every field is "new": only how its position was obtained is news.
        const changed = v.action === 'seed' ? { position_precision: v.fields?.position_precision } : v.fields;
        const fields = changeRows(t, Object.fromEntries(Object.entries(changed ?? {}).filter(([, c]) => c)), (code) => this.communeName(code))
          .map(([label, before, after]) => `<li>${escape(label)}: ${escape(before)} → ${escape(after)}</li>`).join('');
        const when = new Date(v.at).toLocaleString(this.page.lang, { timeZone: 'Asia/Ho_Chi_Minh', dateStyle: 'medium', timeStyle: 'short' });
        return `<li><strong>${escape(t('editorActions')[v.action] ?? v.action)}</strong> · ${t('editorVersion')} ${v.office_version} · ${escape(when)} · ${escape(v.actor.name)}
          <br>${t('field').reason}: ${escape(v.reason)}${v.report_id ? ` (${t('editorFromReport')} #${v.report_id})` : ''}${fields ? `<ul>${fields}</ul>` : ''}</li>`;
      }).join('');
    } catch (error) {
      $('office-history')?.replaceChildren();
    }
  }

  // ---- the report queue -----------------------------------------------------------------
  showReport(id) {
    const t = this.t;
    const report = this.reports.find((r) => r.id === id);
    if (!report) return;
    const position = report.proposed_position;
    const precisions = PRECISIONS.filter((p) => p !== 'commune_label_point')
      .map((p) => `<option value="${p}">${escape(t('precisionLabel')[p])}</option>`).join('');
    const when = new Date(report.created_at).toLocaleString(this.page.lang, { timeZone: 'Asia/Ho_Chi_Minh', dateStyle: 'medium', timeStyle: 'short' });
    this.page.showPanel(`<h2>${escape(t('editorReport'))} #${report.id}</h2>
      <p><strong>${escape(this.officeName(report.office_id))}</strong> · ${escape(t('reportKinds')[report.kind] ?? report.kind)} · ${escape(when)}</p>
      ${report.message ? `<blockquote>${escape(report.message)}</blockquote>` : ''}
      <p>${position ? `${t('editorProposed')}: ${position[1].toFixed(6)}, ${position[0].toFixed(6)}` : t('editorNoPosition')}</p>
      <form id="resolve-form" class="stacked" novalidate>
        ${position ? `<label for="r-precision">${t('editorAcceptPrecision')}</label><select id="r-precision"><option value="">—</option>${precisions}</select>` : ''}
        <label for="r-reason">${t('field').reason}</label><input id="r-reason" required>
        <p class="actions-row"><button type="button" class="action" id="accept-report">${t('editorAccept')}</button>
        <button type="button" class="action" id="reject-report">${t('editorReject')}</button></p>
        <div id="resolve-status" role="status"></div>
      </form>`);
    if (position) {
      this.marker = new this.page.maplibregl.Marker({ color: '#1b6ca8' }).setLngLat(position).addTo(this.page.map);
      this.page.onPanelClose(() => this.stopEditing());
      this.page.map.jumpTo({ center: position, zoom: Math.max(this.page.map.getZoom(), 14) });
      this.page.keepVisible(position[0], position[1]);
    }
    $('accept-report').addEventListener('click', () => this.resolve(report, 'accept'));
    $('reject-report').addEventListener('click', () => this.resolve(report, 'reject'));
  }

  async resolve(report, decision) {
    const t = this.t;
    const status = $('resolve-status');
    const reason = $('r-reason').value.trim();
    if (!reason) { status.innerHTML = `<p class="error">${t('editorNeedsReason')}</p>`; $('r-reason').focus(); return; }
    const body = { decision, reason };
    if (decision === 'accept' && report.proposed_position) {
      const precision = $('r-precision').value;
      if (!precision) { status.innerHTML = `<p class="error">${t('editorNeedsPrecision')}</p>`; $('r-precision').focus(); return; }
      body.position_precision = precision;
    }
    try {
      await this.call(`/api/v1/reports/${report.id}/resolution`, { method: 'POST', body });
      this.stopEditing();
      await Promise.all([this.loadReports(), this.loadOffices()]);
      this.render();
      this.page.showPanel(`<h2>${escape(decision === 'accept' ? t('editorAccepted') : t('editorRejected'))}</h2>
        <p>${escape(this.officeName(report.office_id))}</p>`);
    } catch (error) {
      status.innerHTML = `<p class="error">${escape(describe(t, error))}</p>`;
    }
  }
}

/** The registry's refusal of a seat moved into another commune, read from its problem:
 * `{ lat, lon, there, own }` (commune codes), or null for any other problem. */
export function seatMovedOut(error) {
  const param = (error?.problem?.invalid_params ?? []).find((p) => p.name === 'position');
  const match = param?.reason.match(/^\((-?[\d.]+), (-?[\d.]+)\) lies in commune (\d+), not in this seat's commune (\d+)/);
  return match ? { lon: Number(match[1]), lat: Number(match[2]), there: match[3], own: match[4] } : null;
}

/** What went wrong, in the editor's words, with the server's own detail where it gave one. */
function describe(t, error) {
  if (!(error instanceof ApiError)) return t('networkError');
  if (error.status === 403) return `${t('editorForbidden')} ${error.message}`;
  const fields = invalidParams(error);
  return fields.length ? `${t('editorInvalid')} ${fields.join('; ')}` : error.message;
}
