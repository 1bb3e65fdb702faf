// The search box: communes, former units (which name the commune they joined), offices and,
// with a street basemap, its landmarks (which name their commune), as
// the resident types, in a list the arrow keys walk. Choosing a result shows its commune.
// The list's HTML and what a result leads to are pure and unit-tested in Node; the box itself
// is wired by startSearch.
import { $, escape } from './api.js';
import { translator } from './i18n.js';
import { errorHtml } from './panel-html.js';

// Typing pauses this long before a search, so a word is not searched letter by letter.
const TYPING_PAUSE_MS = 150;
const LIMIT = 8;

/** One result's label: its name, and what it is. */
export function resultLabel(lang, r) {
  const t = translator(lang);
  if (r.kind === 'commune') return `<strong>${escape(r.full_name)}</strong><small>${t('commune')}</small>`;
  if (r.kind === 'former_unit') return `<strong>${escape(r.name)}</strong><small>${t('formerUnit')} → ${escape(r.new_unit?.full_name)}</small>`;
  if (r.kind === 'landmark') {
    const where = r.commune ? ` · ${escape(r.commune.full_name)}` : '';
    return `<strong>${escape(lang === 'en' && r.name_en ? r.name_en : r.name)}</strong><small>${t('landmark')}${where}</small>`;
  }
  return `<strong>${escape(r.office.name)}</strong><small>${t('office')} · ${escape(r.office.address)}</small>`;
}

/** The list's items: the results (by index), "no results", and a note when answered offline. */
export function resultsHtml(lang, results, offline) {
  const t = translator(lang);
  const note = offline ? `<li role="option" aria-disabled="true" class="offline-note">${t('offlineAnswer')}</li>` : '';
  return note + (results.length
    ? results.map((r, i) => `<li role="option" id="result-${i}" tabindex="-1" data-index="${i}">${resultLabel(lang, r)}</li>`).join('')
    : `<li role="option" aria-disabled="true">${t('noResults')}</li>`);
}

/** What choosing a result shows: `{ code, fit, preface, center }`, the commune to select (fitted
 * unless `fit` is false, below `preface` HTML) and for an office or a landmark the point to
 * centre on; null for a former unit that joined no commune, or a landmark outside them all. */
export function whereTo(lang, r) {
  if (r.kind === 'commune') return { code: r.code, fit: true, preface: '' };
  if (r.kind === 'former_unit' && r.new_unit) {
    return { code: r.new_unit.code, fit: true, preface: `<p class="note">${escape(translator(lang)('formerUnitJoined')(r.name, r.new_unit.full_name))}</p>` };
  }
  if (r.kind === 'office') return { code: r.office.commune_code, fit: false, preface: '', center: [r.office.lon, r.office.lat] };
  if (r.kind === 'landmark' && r.commune) {
    const name = lang === 'en' && r.name_en ? r.name_en : r.name;
    return { code: r.commune.code, fit: false, preface: `<p class="note">${escape(translator(lang)('landmarkIn')(name, r.commune.full_name))}</p>`, center: [r.lon, r.lat] };
  }
  return null;
}

/** Wires the search box: `answer` is answers.js's, `selectCommune` shows a commune (places.js). */
export function startSearch({ map, answer, lang, selectCommune }) {
  let results = [];
  let typing = null;
  const list = $('results');

  async function run(query) {
    $('search-status').hidden = true;
    if (!query.trim()) { list.hidden = true; return; }
    try {
      const found = await answer(`/api/v1/search?q=${encodeURIComponent(query)}&limit=${LIMIT}`, (offline) => offline.search(query, LIMIT));
      results = found.results;
      list.innerHTML = resultsHtml(lang(), results, found.offline);
      list.hidden = false;
    } catch (error) {
      results = [];
      list.hidden = true;
      $('search-status').innerHTML = errorHtml(lang(), error, { retryId: 'retry-search', offline: navigator.onLine === false });
      $('search-status').hidden = false;
      $('retry-search')?.addEventListener('click', () => run(query));
    }
  }

  function choose(r) {
    list.hidden = true;
    const place = whereTo(lang(), r);
    if (!place) return;
    if (place.center) map.jumpTo({ center: place.center, zoom: Math.max(map.getZoom(), 13) });
    // The preface is made again in the page's language whenever the answer is shown again.
    selectCommune(place.code, { fit: place.fit, preface: () => whereTo(lang(), r).preface });
  }

  $('q').addEventListener('input', (event) => { clearTimeout(typing); typing = setTimeout(() => run(event.target.value), TYPING_PAUSE_MS); });
  $('search').addEventListener('submit', async (event) => {
    event.preventDefault();
    await run($('q').value);
    if (results.length) choose(results[0]);
  });
  list.addEventListener('click', (event) => {
    const item = event.target.closest('li[data-index]');
    if (item) choose(results[+item.dataset.index]);
  });
  $('q').addEventListener('keydown', (event) => {
    if (event.key === 'ArrowDown' && !list.hidden) { list.querySelector('li')?.focus(); event.preventDefault(); }
    if (event.key === 'Escape') list.hidden = true;
  });
  list.addEventListener('keydown', (event) => {
    const item = event.target.closest('li');
    if (!item) return;
    if (event.key === 'ArrowDown') { item.nextElementSibling?.focus(); event.preventDefault(); }
    if (event.key === 'ArrowUp') { (item.previousElementSibling || $('q')).focus(); event.preventDefault(); }
    if (event.key === 'Enter' && item.dataset.index) choose(results[+item.dataset.index]);
    if (event.key === 'Escape') { list.hidden = true; $('q').focus(); }
  });
}
