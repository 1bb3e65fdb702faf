// Importing a sheet of offices in edit mode: choose a CSV or GeoJSON file, see what every
// row would do (a dry run, each field before → after), apply it in one transaction, and keep
// the report on screen. The rules are the server's (POST /api/v1/offices/import): a partial
// sheet such as a survey's `id,lon,lat,position_precision,version` keeps what it lacks, and a
// row made from an older version of its office fails. This module only shows them.
import { $, escape, ApiError } from './api.js';
import { changeRows } from './history-words.js';

/** The Content-Type the import takes for a file, from its name (a spreadsheet's CSV often
 * comes with no type, or a wrong one). */
export function contentTypeOf(file) {
  return /\.csv$/i.test(file.name) || file.type === 'text/csv' ? 'text/csv' : 'application/geo+json';
}

/** A key for one preview's file and reason, so an Apply sent twice (a retry after a dropped
 * answer) imports once. */
function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

export class ImportSheet {
  /** `editor` gives the page, the language, its authorised `call`, office and commune names,
   * and `refresh()` after an import wrote. */
  constructor(editor) {
    this.editor = editor;
    // The last answer shown: { report, applied, message, kind }.
    this.shown = null;
    // The previewed file and reason, which Apply sends: { text, type, reason, key }.
    this.previewed = null;
  }

  get t() {
    return this.editor.t;
  }

  open() {
    const t = this.t;
    this.shown = null;
    this.previewed = null;
    this.editor.page.showPanel(`<h2>${t('importTitle')}</h2>
      <form id="import-form" class="stacked" novalidate>
        <p class="hint" id="import-hint">${escape(t('importHint'))}</p>
        <label for="import-file">${t('importFile')}</label>
        <input id="import-file" type="file" accept=".csv,.geojson,.json,text/csv,application/geo+json,application/json" aria-describedby="import-hint">
        <label for="import-reason">${t('field').reason}</label><input id="import-reason" required>
        <p class="actions-row"><button type="submit" class="action" id="import-preview">${t('importPreview')}</button>
        <button type="button" class="action" id="import-apply" disabled>${t('importApply')}</button></p>
        <div id="import-status" role="status"></div>
      </form>
      <div id="import-report"></div>`);
    $('import-form').addEventListener('submit', (event) => { event.preventDefault(); this.preview(); });
    $('import-apply').addEventListener('click', () => this.apply());
    // Apply sends what was previewed: another file or reason needs its own preview first.
    const stale = () => {
      if (!this.previewed) return;
      this.previewed = null;
      $('import-apply').disabled = true;
      $('import-status').textContent = t('importStale');
    };
    $('import-file').addEventListener('change', stale);
    $('import-reason').addEventListener('input', stale);
  }

  /** Redraws the report in the page's language (the form's labels follow on reopening). */
  rerender() {
    if ($('import-report') && this.shown) this.show(this.shown);
  }

  async preview() {
    const t = this.t;
    const file = $('import-file').files[0];
    const reason = $('import-reason').value.trim();
    if (!file) { this.say(t('importNeedsFile'), 'error'); $('import-file').focus(); return; }
    if (!reason) { this.say(t('editorNeedsReason'), 'error'); $('import-reason').focus(); return; }
    const sheet = { text: await file.text(), type: contentTypeOf(file), reason, key: newKey() };
    const answer = await this.send(sheet, true);
    if (!answer) return;
    const clean = answer.report.outcomes.every((o) => o.outcome !== 'error');
    this.previewed = clean ? sheet : null;
    $('import-apply').disabled = !clean;
    this.show({ ...answer, kind: clean ? 'previewed' : 'refused' });
  }

  async apply() {
    const sheet = this.previewed;
    if (!sheet) return;
    $('import-apply').disabled = true;
    const answer = await this.send(sheet, false);
    if (!answer) { $('import-apply').disabled = false; return; }
    this.previewed = null;
    this.show({ ...answer, kind: answer.report.applied ? 'applied' : 'refused' });
    if (answer.report.applied) await this.editor.refresh();
  }

  /** Sends the sheet; the report (also from a 422, which lists every row), or null when the
   * file was refused whole and the status says why. */
  async send(sheet, dryRun) {
    const query = new URLSearchParams({ dry_run: String(dryRun), reason: sheet.reason });
    const headers = { 'Content-Type': sheet.type };
    if (!dryRun) headers['Idempotency-Key'] = sheet.key;
    this.say(this.t('importSending'), 'note');
    try {
      const { data } = await this.editor.call(`/api/v1/offices/import?${query}`, { method: 'POST', text: sheet.text, headers });
      return { report: data };
    } catch (error) {
      if (error instanceof ApiError && error.status === 422 && Array.isArray(error.problem.outcomes)) {
        return { report: { applied: false, registry_version: error.problem.registry_version, outcomes: error.problem.outcomes } };
      }
      this.previewed = null;
      $('import-apply').disabled = true;
      $('import-report').replaceChildren();
      this.say(this.editor.describe(error), 'error');
      return null;
    }
  }

  say(text, kind) {
    $('import-status').innerHTML = `<p class="${kind}">${escape(text)}</p>`;
  }

  show(shown) {
    this.shown = shown;
    const t = this.t;
    const { report, kind } = shown;
    const count = (outcome) => report.outcomes.filter((o) => o.outcome === outcome).length;
    const summary = t('importSummary')(count('new'), count('changed'), count('unchanged'), count('error'));
    const headline = { previewed: t('importPreviewed'), refused: t('importRefused'), applied: t('importApplied')(report.registry_version) }[kind];
    this.say(`${headline} ${summary}`, kind === 'refused' ? 'error' : 'note');
    const rows = report.outcomes.map((o) => {
      const details = o.outcome === 'error'
        ? `<p class="error">${escape(o.reason)}</p>`
        : changeRows(t, o.changes ?? {}, (code) => this.editor.communeName(code))
          .map(([label, before, after]) => `<li>${escape(label)}: ${escape(before)} → ${escape(after)}</li>`).join('');
      const office = this.editor.officeName(o.id);
      return `<tr class="outcome-${o.outcome}"><td>${escape(this.where(o.location))}</td>
        <td>${escape(office)}${office !== o.id && o.id ? `<br><small>${escape(o.id)}</small>` : ''}</td>
        <td>${escape(t('importOutcome')[o.outcome] ?? o.outcome)}</td>
        <td>${details.startsWith('<li>') ? `<ul>${details}</ul>` : details}</td></tr>`;
    }).join('');
    const c = t('importColumns');
    // A wide table scrolls on a phone: its region takes the keyboard, so it can be scrolled without a pointer.
    $('import-report').innerHTML = `<div class="table-wrap" tabindex="0" role="region" aria-label="${escape(t('importTitle'))}"><table id="import-table"><caption>${escape(summary)}</caption>
      <thead><tr><th scope="col">${c.row}</th><th scope="col">${c.office}</th><th scope="col">${c.outcome}</th><th scope="col">${c.changes}</th></tr></thead>
      <tbody>${rows}</tbody></table></div>`;
  }

  /** "line 3" or "feature 0", as the server names a row, in the page's language. */
  where(location) {
    const [, unit, n] = location.match(/^(line|feature) (\d+)$/) ?? [];
    return unit ? this.t('importWhere')[unit](Number(n)) : location;
  }
}
