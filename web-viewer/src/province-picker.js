// The province picker, for a dataset of many provinces (all of Vietnam): choosing one fits
// the map to it, points the planning table's downloads at it, and saves its offline pack.
// (The server's page already opens on the whole dataset; an older server's is fitted here.)
// Hidden for a dataset whose units name no province (Huế's), where nothing changes.
import { $, api, escape } from './api.js';
import { datasetBounds } from './still-map.js';

/** `hadView`: the link carried a camera view, which the page keeps; `onChosen(code)` runs
 * when a province is picked (the page saves its offline pack). Returns `render()`, to speak
 * the page's language again. */
export function startProvincePicker({ map, goLive, t, hadView, onChosen }) {
  const select = $('province');
  let provinces = [];
  const render = () => {
    if (!provinces.length) return;
    const chosen = select.value;
    select.innerHTML = `<option value="">${escape(t('provinceAll'))}</option>${provinces
      .map((p) => `<option value="${escape(p.code)}">${escape(p.name)}</option>`).join('')}`;
    select.value = chosen;
  };
  const fit = ([west, south, east, north]) => {
    goLive();
    map.fitBounds([[west, south], [east, north]], { padding: 24, duration: 0 });
  };
  const all = () => provinces.reduce(
    (b, p) => [Math.min(b[0], p.bbox[0]), Math.min(b[1], p.bbox[1]), Math.max(b[2], p.bbox[2]), Math.max(b[3], p.bbox[3])],
    [Infinity, Infinity, -Infinity, -Infinity],
  );
  api('/api/v1/provinces').then((answer) => {
    provinces = answer.provinces ?? [];
    if (provinces.length < 2) return;
    // The page is the country's: its heading and title say so, in either language.
    const heading = document.querySelector('.bar h1');
    heading.dataset.i18n = 'titleNational';
    heading.textContent = t('titleNational');
    document.title = t('titleNational');
    render();
    select.hidden = false;
    $('province-label').hidden = false;
    select.addEventListener('change', () => {
      const province = provinces.find((p) => p.code === select.value);
      fit(province ? province.bbox : all());
      if (province) onChosen?.(province.code);
      // The planning table's downloads are of the province chosen, or of the whole country.
      for (const [id, path] of [['download-all', '/api/v1/export/communes.geojson'], ['download-fgb', '/api/v1/export/communes.fgb']]) {
        $(id)?.setAttribute('href', province ? `${path}?province=${encodeURIComponent(province.code)}` : path);
      }
      // The GeoJSON link says whose units it downloads (in either language).
      const all = $('download-all');
      if (all) {
        all.dataset.i18n = province ? 'downloadProvince' : 'downloadAll';
        all.textContent = t(all.dataset.i18n);
      }
    });
    // A page the server wrote for the country already opens on it (still-map.js), and a phone
    // keeps its still picture; an older server's page is fitted here.
    if (!hadView && !datasetBounds) fit(all());
  }).catch(() => {
    // Offline or an older server: no picker, the map as it was.
  });
  return render;
}
