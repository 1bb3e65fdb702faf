// The page's own words in its language: the elements marked data-i18n (their text),
// data-i18n-placeholder and data-i18n-aria (their label), the title, and the switch, which
// names the other language.
import { $ } from './api.js';
import { translator } from './i18n.js';

export function translatePage(lang) {
  const t = translator(lang);
  document.documentElement.lang = lang;
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of document.querySelectorAll('[data-i18n-placeholder]')) el.placeholder = t(el.dataset.i18nPlaceholder);
  for (const el of document.querySelectorAll('[data-i18n-aria]')) el.setAttribute('aria-label', t(el.dataset.i18nAria));
  $('lang').textContent = lang === 'vi' ? 'EN' : 'VI';
  // The name starts with the visible text ("EN"), as speech input users say what they see.
  $('lang').setAttribute('aria-label', lang === 'vi' ? 'EN: English' : 'VI: Tiếng Việt');
  $('lang').lang = lang === 'vi' ? 'en' : 'vi';
  // The title follows the page's heading (a national dataset's heading names the country).
  document.title = t(document.querySelector('.bar h1')?.dataset.i18n ?? 'title');
}
