// @ts-check
/**
 * A searchable picker over the mission's directory: type part of a name, organisation or sector, then choose one
 * of the matches (buttons, so Tab and Enter reach them). Nobody types ids.
 */

import { get, query } from '../api.js';
import { h, uid } from '../dom.js';
import { t, tn } from '../i18n.js';

/** The roles that take meetings (rooms/policy.py, _MEETERS). */
const MEETERS = new Set(['participant', 'speaker', 'vip']);

/**
 * @typedef {{user_id: number, name: string, organisation: string, side: string|null, role: string}} Person
 * @param {{mid: number, label: string, onPick: (p: Person) => void, exclude?: () => number[], meetersOnly?: boolean}} o
 */
export function personPicker(o) {
  const id = uid('pick');
  const input = h('input', { id, type: 'search', autocomplete: 'off', class: 'picker-input',
    placeholder: t('ctl.pickPlaceholder'), 'aria-describedby': `${id}-count` });
  const count = h('p', { id: `${id}-count`, class: 'muted small', role: 'status', 'aria-live': 'polite' });
  const results = h('ul', { class: 'picker-results', role: 'list' });
  let seq = 0;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  const search = async () => {
    const mine = ++seq;
    const q = input.value.trim();
    if (!q) {
      results.replaceChildren();
      count.textContent = '';
      return;
    }
    /** @type {{entries: any[]}} */
    const page = await get(`/api/missions/${o.mid}/directory${query({ q, page_size: 8 })}`).catch(() => ({ entries: [] }));
    if (mine !== seq) return; // a later search has begun: its answer is the one to show
    const skip = new Set(o.exclude ? o.exclude() : []);
    const found = page.entries
      .filter((e) => !skip.has(e.profile.user_id))
      .filter((e) => !o.meetersOnly || MEETERS.has(e.role))
      .map((e) => /** @type {Person} */ ({ user_id: e.profile.user_id, name: e.profile.name,
        organisation: e.profile.organisation, side: e.side, role: e.role }));
    count.textContent = found.length ? tn('ctl.matches', found.length) : t('ctl.noMatches');
    results.replaceChildren(...found.map((p) => h('li', null,
      h('button', { type: 'button', class: 'picker-option', dataset: { userId: p.user_id },
        onclick: () => {
          o.onPick(p);
          input.value = '';
          results.replaceChildren();
          count.textContent = t('ctl.picked', { name: p.name });
          input.focus();
        } },
      h('span', { class: 'picker-name' }, p.name),
      p.organisation ? h('span', { class: 'muted small' }, ` · ${p.organisation}`) : null,
      p.side ? h('span', { class: 'muted small' }, ` · ${t(`side.${p.side}`)}`) : null,
      p.role === 'vip' ? h('span', { class: 'muted small' }, ` · ${t('vip.badge')}`) : null))));
  };
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(search, 200);
  });
  input.addEventListener('keydown', (e) => {
    // Enter searches at once (and never submits the form around it); ArrowDown goes to the first match.
    if (e.key === 'Enter') {
      e.preventDefault();
      clearTimeout(timer);
      search();
    } else if (e.key === 'ArrowDown') {
      const first = /** @type {HTMLElement | null} */ (results.querySelector('button'));
      if (first) {
        e.preventDefault();
        first.focus();
      }
    }
  });
  const el = h('div', { class: 'field picker' }, h('label', { for: id }, o.label), input, count, results);
  /** Forget the last search and what was picked (after the form it sits in was sent). */
  const clear = () => {
    input.value = '';
    results.replaceChildren();
    count.textContent = '';
  };
  return { el, input, clear };
}
