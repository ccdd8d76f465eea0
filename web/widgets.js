// @ts-check
/** Richer controls: a token (tag) input, a copy button, zone and country pickers. */

import { h, icon, uid } from './dom.js';
import { countryName, languageName, t } from './i18n.js';
import { allZones, offsetLabel } from './time.js';

/**
 * A list-of-words input: chips with a remove button, and a text box where Enter or comma adds.
 * @param {{id?: string, values?: string[], suggestions?: string[], max?: number, display?: (v: string) => string,
 *          normalise?: (v: string) => string | null, placeholder?: string, describedby?: string}} o
 */
export function tokenInput(o) {
  const id = o.id || uid('tokens');
  /** @type {string[]} */
  let values = [...(o.values || [])];
  const display = o.display || ((/** @type {string} */ v) => v);
  const list = h('ul', { class: 'tokens-list', role: 'list' });
  const listId = `${id}-suggest`;
  const datalist = h('datalist', { id: listId },
    (o.suggestions || []).map((s) => h('option', { value: s }, display(s) !== s ? display(s) : null)));
  const input = h('input', {
    id, type: 'text', class: 'tokens-input', list: o.suggestions?.length ? listId : undefined,
    placeholder: o.placeholder || t('tokens.placeholder'), autocomplete: 'off', enterkeyhint: 'done',
    'aria-describedby': o.describedby,
  });

  const render = () => {
    list.replaceChildren(...values.map((v, i) => h('li', { class: 'token' },
      h('span', null, display(v)),
      h('button', {
        type: 'button', class: 'token-remove', 'aria-label': t('tokens.remove', { value: display(v) }),
        onclick: () => {
          values.splice(i, 1);
          render();
          input.focus();
        },
      }, icon('x')))));
  };

  /** @param {string} raw */
  const add = (raw) => {
    for (const part of raw.split(',')) {
      let v = part.trim().replace(/\s+/g, ' ');
      if (!v) continue;
      if (o.normalise) {
        const n = o.normalise(v);
        if (n === null) continue;
        v = n;
      }
      if (values.some((x) => x.toLowerCase() === v.toLowerCase())) continue;
      if (o.max && values.length >= o.max) break;
      values.push(v);
    }
    render();
  };

  input.addEventListener('keydown', (e) => {
    if ((e.key === 'Enter' || e.key === ',') && input.value.trim()) {
      e.preventDefault();
      add(input.value);
      input.value = '';
    } else if (e.key === 'Enter') {
      e.preventDefault();
    } else if (e.key === 'Backspace' && !input.value && values.length) {
      values.pop();
      render();
    }
  });
  input.addEventListener('change', () => {
    // Picking from the datalist fires change: take it at once.
    if (o.suggestions?.includes(input.value)) {
      add(input.value);
      input.value = '';
    }
  });
  input.addEventListener('blur', () => {
    if (input.value.trim()) {
      add(input.value);
      input.value = '';
    }
  });
  render();
  const el = h('div', { class: 'tokens' }, list, input, datalist);
  el.addEventListener('click', (e) => {
    if (e.target === el || e.target === list) input.focus();
  });
  return {
    el,
    input,
    /** The current values, including text still in the box. */
    values: () => {
      if (input.value.trim()) {
        add(input.value);
        input.value = '';
      }
      return [...values];
    },
  };
}

/**
 * A button that copies text, saying so politely.
 * @param {() => string} text @param {HTMLElement} [liveEl] where to announce "Copied"
 */
export function copyButton(text, liveEl) {
  const label = h('span', null, t('common.copy'));
  const btn = h('button', { type: 'button', class: 'btn btn-primary' }, icon('copy'), label);
  btn.addEventListener('click', async () => {
    const value = text();
    let ok = false;
    try {
      await navigator.clipboard.writeText(value);
      ok = true;
    } catch {
      const ta = h('textarea', { class: 'sr-only', readonly: true });
      ta.value = value;
      document.body.appendChild(ta);
      ta.select();
      try {
        ok = document.execCommand('copy');
      } catch { ok = false; }
      ta.remove();
    }
    label.textContent = ok ? t('common.copied') : t('common.copyFailed');
    if (liveEl) liveEl.textContent = ok ? t('common.copiedLong') : t('common.copyFailed');
    setTimeout(() => { label.textContent = t('common.copy'); }, 2500);
  });
  return btn;
}

/**
 * A time-zone <select>, options grouped by region, labelled with the UTC offset.
 * @param {{id?: string, value: string, name?: string}} o
 */
export function zoneSelect(o) {
  const zones = allZones(o.value);
  /** @type {Map<string, string[]>} */
  const groups = new Map();
  for (const z of zones) {
    const region = z.includes('/') ? z.split('/')[0] : 'UTC';
    if (!groups.has(region)) groups.set(region, []);
    /** @type {string[]} */ (groups.get(region)).push(z);
  }
  const now = new Date();
  const select = h('select', { id: o.id, name: o.name || 'timezone' },
    [...groups].map(([region, list]) => h('optgroup', { label: region },
      list.map((z) => h('option', { value: z }, `${z.replace(/_/g, ' ')} (${offsetLabel(z, now)})`)))));
  select.value = o.value;
  return select;
}

const COUNTRIES = ('AD AE AF AG AI AL AM AO AR AT AU AW AZ BA BB BD BE BF BG BH BI BJ BM BN BO BQ BR BS BT BW BY BZ '
  + 'CA CD CF CG CH CI CL CM CN CO CR CU CV CW CY CZ DE DJ DK DM DO DZ EC EE EG ER ES ET FI FJ FM FO FR GA GB GD GE '
  + 'GH GI GL GM GN GQ GR GT GU GW GY HK HN HR HT HU ID IE IL IN IQ IR IS IT JM JO JP KE KG KH KI KM KN KP KR KW KY '
  + 'KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MG MH MK ML MM MN MO MR MT MU MV MW MX MY MZ NA NC NE NG NI NL '
  + 'NO NP NR NZ OM PA PE PF PG PH PK PL PR PS PT PW PY QA RO RS RU RW SA SB SC SD SE SG SI SK SL SM SN SO SR SS ST '
  + 'SV SX SY SZ TC TD TG TH TJ TL TM TN TO TR TT TV TW TZ UA UG US UY UZ VA VC VE VG VN VU WS XK YE ZA ZM ZW').split(' ');

/** [code, name] pairs for a country <select>, sorted by name in the current language, with an empty choice. */
export function countryOptions() {
  const collator = new Intl.Collator();
  const named = COUNTRIES.map((c) => /** @type {[string, string]} */ ([c, countryName(c)]));
  named.sort((a, b) => collator.compare(a[1], b[1]));
  return [/** @type {[string, string]} */ (['', t('form.choose')]), ...named];
}

/** Common language codes for suggestions. */
export const LANGUAGE_CODES = ['en', 'nl', 'de', 'fr', 'es', 'it', 'pt', 'zh', 'ja', 'ko', 'ar', 'ru', 'pl', 'sv',
  'da', 'no', 'fi', 'tr', 'hi', 'id', 'vi', 'th', 'he', 'el', 'cs', 'hu', 'ro', 'uk', 'fy'];

/** Turn "Dutch", "nl", "Nederlands" into "nl"; null if unknown. @param {string} raw */
export function languageCode(raw) {
  const v = raw.trim().toLowerCase();
  if (/^[a-z]{2,3}$/.test(v)) return v;
  for (const code of LANGUAGE_CODES) {
    if (languageName(code).toLowerCase() === v) return code;
    try {
      if (new Intl.DisplayNames(['en'], { type: 'language' }).of(code)?.toLowerCase() === v) return code;
    } catch { /* ignore */ }
  }
  return null;
}
