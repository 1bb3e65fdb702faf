// Planning mode's table of the units (sortable, a row selects its commune) and the data-quality
// findings, in the list and on the map. Loaded by app.js the first time planning is switched on.
import { $, escape, api } from './api.js';

// `t` and `lang` read the page's current language; `selectCommune` is the page's own.
export function createPlanner({ map, t, lang, selectCommune }) {
  let units = [];
  let sortKey = 'code';
  let sortAscending = true;
  const COLUMNS = [
    ['code', 'code'], ['full_name', 'name'], ['type', 'type'], ['area_km2', 'areaOfficial'], ['area_km2_computed', 'areaComputed'],
    ['population', 'population'], ['former_unit_count', 'formerCount'], ['seat_name', 'seatCol'], ['seat_position_precision', 'precision'],
  ];

  function renderTable() {
    const sorted = [...units].sort((a, b) => {
      const x = a[sortKey] ?? ''; const y = b[sortKey] ?? '';
      const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), 'vi');
      return sortAscending ? order : -order;
    });
    $('units').querySelector('thead').innerHTML = `<tr>${COLUMNS.map(([key, label]) => `<th scope="col" aria-sort="${key === sortKey ? (sortAscending ? 'ascending' : 'descending') : 'none'}"><button type="button" data-key="${key}">${t(label)}</button></th>`).join('')}</tr>`;
    $('units').querySelector('tbody').innerHTML = sorted.map((u) => `<tr tabindex="0" data-code="${escape(u.code)}">${COLUMNS.map(([key]) => {
      let value = u[key];
      if (key === 'type') value = t(value);
      if (key === 'seat_position_precision') value = t('precisionLabel')[value] ?? value;
      if (typeof value === 'number') value = value.toLocaleString(lang());
      return `<td>${escape(value)}</td>`;
    }).join('')}</tr>`).join('');
  }

  function markRow(code) {
    for (const row of $('units').querySelectorAll('tbody tr')) row.setAttribute('aria-selected', String(row.dataset.code === code));
  }

  $('units').addEventListener('click', (event) => {
    const header = event.target.closest('th button');
    if (header) { sortAscending = header.dataset.key === sortKey ? !sortAscending : true; sortKey = header.dataset.key; renderTable(); return; }
    const row = event.target.closest('tbody tr');
    if (row) selectCommune(row.dataset.code);
  });
  $('units').addEventListener('keydown', (event) => {
    const row = event.target.closest('tbody tr');
    if (row && event.key === 'Enter') selectCommune(row.dataset.code);
  });

  async function load() {
    if (!units.length) units = (await api('/api/v1/communes')).communes;
    renderTable();
    const quality = await api('/api/v1/quality');
    const located = quality.findings.filter((f) => f.location);
    map.getSource('findings')?.setData({
      type: 'FeatureCollection',
      features: located.map((f) => ({ type: 'Feature', geometry: { type: 'Point', coordinates: f.location }, properties: { message: f.message } })),
    });
    $('findings').innerHTML = quality.findings.map((f) => `<li><strong>${escape(f.severity)}</strong> ${escape(f.subject)}: ${escape(f.message)}</li>`).join('');
  }

  return { load, render: () => { if (units.length) renderTable(); }, markRow };
}
