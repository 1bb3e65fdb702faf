// The planning switch. The table and the findings (planning.js) are loaded the first time
// planning is switched on, so a resident's page never runs them (the service worker saves the
// file for offline use). Editor mode is entered by its own link (?mode=edit), and replaces it.
import { $ } from './api.js';

/** `view` is the page's state ({ planning, editing }, read from the link); the toggle flips
 * `view.planning` and calls `onToggle`. The planner (planning.js) gets `map`, `t`, `lang` and
 * `selectCommune`. */
export function createPlanningMode({ view, map, t, lang, selectCommune, goLive, overlays, showError, onToggle }) {
  let planner = null;
  let plannerReady = null;

  async function load() {
    // One planner however fast the mode is toggled (its listeners are attached once).
    plannerReady ??= import('./planning.js').then(({ createPlanner }) => {
      planner = createPlanner({ map, t, lang, selectCommune });
      return planner;
    });
    await (await plannerReady).load();
  }

  /** Shows or hides everything planning has, as `view.planning` says. */
  function apply() {
    $('mode').hidden = view.editing;
    $('planner').hidden = !view.planning;
    $('mode').setAttribute('aria-pressed', String(view.planning));
    // A toggle keeps its name; aria-pressed says whether planning is on ("Planning, pressed").
    $('mode').textContent = t('planning');
    if (view.planning) goLive();
    overlays.showPlanningLayers(view.planning);
    if (view.planning) load().catch((error) => showError(error, apply));
  }

  $('mode').addEventListener('click', () => { view.planning = !view.planning; onToggle(); apply(); });

  return {
    apply,
    /** Marks the selected commune's row in the table, if planning is on. */
    markRow(code) { if (view.planning) planner?.markRow(code); },
    /** Draws the table again (in a new language), if planning is on. */
    render() { if (view.planning) planner?.render(); },
  };
}
