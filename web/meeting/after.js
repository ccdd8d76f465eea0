// @ts-check
/** After the call: private notes and a rating, and the lead the meeting gave me. */

import { get, put } from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { heldFor, mmError } from '../matchmaking/common.js';
import { button, status } from '../ui.js';

/** @param {{mid: number, meetingId: number, otherName: string}} o */
export function afterPanel(o) {
  const st = status();
  const notes = h('textarea', { id: 'meet-notes', rows: 5, maxlength: 5000, placeholder: t('meet.notesPlaceholder') });
  /** @type {number|null} */
  let rating = null;
  const stars = [1, 2, 3, 4, 5].map((n) => {
    const input = h('input', { type: 'radio', name: 'meet-rating', value: String(n), id: `rate-${n}` });
    input.addEventListener('change', () => { rating = n; });
    return h('label', { class: 'star', for: `rate-${n}` }, input, h('span', { 'aria-hidden': 'true' }, '★'),
      h('span', { class: 'sr-only' }, t('meet.stars', { n })));
  });
  const lead = h('p', { class: 'muted small', id: 'meet-lead' });
  const form = h('form', { class: 'stack' },
    h('div', { class: 'field' }, h('label', { for: 'meet-notes' }, t('meet.notes')), notes,
      h('p', { class: 'hint' }, t('meet.notesPrivate'))),
    h('fieldset', { class: 'rating' }, h('legend', null, t('meet.rating', { name: o.otherName })), stars),
    h('div', { class: 'form-actions' }, button(t('common.save'), { variant: 'primary', type: 'submit' })), st.el);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    st.set(t('common.saving'));
    try {
      await put(`/api/meetings/${o.meetingId}/notes`, { notes: notes.value, rating });
      st.ok(t('meet.notesSaved'));
    } catch (err) {
      st.error(mmError(err));
    }
  });
  // A meeting gives a lead once it is held: once the call ran with media both ways for the mission's minimum.
  Promise.all([get(`/api/missions/${o.mid}/leads`), get(`/api/missions/${o.mid}/matchmaking/rules`).catch(() => ({}))])
    .then(([data, rules]) => {
      const list = Array.isArray(data) ? data : (data?.leads || []);
      const mine = list.find((/** @type {any} */ l) => l.meeting_id === o.meetingId);
      const seconds = Number(rules?.held_seconds) || 120;
      const time = heldFor(seconds);
      lead.textContent = mine ? t('meet.leadAdded', { name: mine.person?.name || o.otherName })
        : t('meet.leadLater', { name: o.otherName, time });
    }).catch(() => {});
  return h('section', { class: 'card meet-after', 'aria-labelledby': 'meet-after-h' },
    h('h2', { id: 'meet-after-h' }, t('meet.afterTitle')), lead, form);
}
