// The panel (a side card, or a bottom sheet on a phone) that shows each answer. It moves focus
// to the answer's heading, so a keyboard or screen-reader user lands on it, and announces only
// the short result line (a live region), not the panel. It asks whether the offices shown are
// open now, and acts on their buttons: copy an address, report a wrong location.
import { $, api } from './api.js';
import { errorHtml } from './panel-html.js';

/** `t` and `lang()` give the page's language; `onClose` runs when the resident closes the
 * panel; `onReport(office)` opens the report form for an office on show. */
export function createPanel({ t, lang, onClose, onReport }) {
  // The offices on show, by id, for the buttons that act on one.
  const shownOffices = new Map();
  let onNextClose = null;
  // How to show the current answer again, in another language (none for forms, which
  // re-render themselves).
  let replay = null;

  /** Shows `html`; `offices` are those it shows with their buttons (panel-html.js); `again`
   * shows the same answer anew (after a switch of language). */
  function show(html, { offices = [], again = null } = {}) {
    replay = again;
    // Whatever the last panel held (a report form, an office being edited) ends here: it gives
    // back the map's clicks and removes its markers.
    const ending = onNextClose;
    onNextClose = null;
    ending?.();
    for (const office of offices) if (office) shownOffices.set(office.id, office);
    $('panel-body').innerHTML = html;
    $('panel').hidden = false;
    // A new answer starts at its top, not where the last one was scrolled to.
    $('panel').scrollTop = 0;
    const heading = $('panel-body').querySelector('h2');
    $('result-line').textContent = heading ? heading.textContent : $('panel-body').textContent.trim().slice(0, 200);
    if (heading) {
      heading.tabIndex = -1;
      heading.focus({ preventScroll: true });
    }
    showOpenNow();
  }

  function close() {
    replay = null;
    $('panel').hidden = true;
    onClose();
    onNextClose?.();
    onNextClose = null;
  }

  /** A failed request, with a button that runs `retry`. */
  function showError(error, retry) {
    show(errorHtml(lang(), error, { retryId: 'retry', offline: navigator.onLine === false }));
    $('retry')?.addEventListener('click', retry);
  }

  // "Open now / closed now", asked of the server (Huế's time and holidays) after the panel
  // shows, so the office resources themselves stay cacheable.
  async function showOpenNow() {
    for (const el of $('panel-body').querySelectorAll('.open-now[data-hours]')) {
      try {
        const check = await api(`/api/v1/opening-hours?value=${encodeURIComponent(el.dataset.hours)}`);
        if (check.valid) el.textContent = `· ${check.open ? t('openNow') : t('closedNow')}`;
      } catch {
        // Not knowing whether it is open is no reason to show an error.
      }
    }
  }

  $('panel').addEventListener('click', async (event) => {
    const reportButton = event.target.closest('.report-office');
    if (reportButton) {
      onReport(shownOffices.get(reportButton.dataset.office));
      return;
    }
    const copy = event.target.closest('.copy-address');
    if (!copy) return;
    try {
      await navigator.clipboard.writeText(copy.dataset.address);
      copy.textContent = t('copied');
    } catch {
      copy.textContent = t('copyFailed');
    }
  });
  $('close-panel').addEventListener('click', close);

  return {
    show,
    close,
    showError,
    /** Shows the open answer again, in the page's language now. */
    rerender() { if (!$('panel').hidden) replay?.(); },
    /** Runs `callback` once when the panel is next closed or shows something else. */
    onNextClose(callback) { onNextClose = callback; },
  };
}
