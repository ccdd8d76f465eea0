// @ts-check
/**
 * Book a meeting for two people (organisers, when the rules allow it, and with a VIP always): pick both from the
 * mission's directory and one of the matchmaking slots. Both are told in the app and by mail, in their own language.
 */

import { get, post } from '../api.js';
import { h, replace } from '../dom.js';
import { t } from '../i18n.js';
import { formatDayShort, formatTime, zoneCity } from '../time.js';
import { button, errorMessage, status } from '../ui.js';
import { personPicker } from './person-picker.js';

/**
 * With booking for others off in the rules, the card still books a meeting with a VIP (the server allows that
 * whatever the rules say: docs/matchmaking.md, `vip_requests`), and says so.
 * @param {number} mid @param {{organiser_booking: boolean}} rules @param {string} zone @param {() => void} onBooked
 * @returns {Promise<HTMLElement>}
 */
export async function bookMeetingCard(mid, rules, zone, onBooked) {
  const head = h('h2', { id: 'book-h' }, t('ctl.bookTitle'));
  const vipOnly = !rules.organiser_booking;
  /** @type {Array<{slot: {starts_at: string, ends_at: string}}>} */
  const slots = await get(`/api/missions/${mid}/matchmaking/slots`);
  const future = slots.filter((s) => Date.parse(s.slot.starts_at) > Date.now());
  /** @type {Array<import('./person-picker.js').Person | null>} */
  const chosen = [null, null];
  const st = status();
  const chosenEls = [h('p', { class: 'book-chosen', id: 'book-a' }), h('p', { class: 'book-chosen', id: 'book-b' })];
  const drawChosen = () => chosen.forEach((p, i) => replace(chosenEls[i], p
    ? h('span', null, h('strong', null, p.name), p.organisation ? ` · ${p.organisation}` : '')
    : h('span', { class: 'muted' }, t('ctl.nobodyYet'))));
  const pickers = [0, 1].map((i) => personPicker({ mid, label: t(i ? 'ctl.personB' : 'ctl.personA'), meetersOnly: true,
    exclude: () => chosen.filter((p) => p).map((p) => /** @type {any} */ (p).user_id),
    onPick: (p) => { chosen[i] = p; drawChosen(); } }));
  const slotSel = h('select', { id: 'book-slot', name: 'slot' },
    h('option', { value: '' }, t('ctl.pickSlot')),
    future.map((s) => h('option', { value: s.slot.starts_at },
      `${formatDayShort(s.slot.starts_at, zone)} ${formatTime(s.slot.starts_at, zone)}–${formatTime(s.slot.ends_at, zone)}`)));
  drawChosen();
  const book = button(t('ctl.book'), { variant: 'primary', attrs: { id: 'book-meeting' }, onclick: async () => {
    const [a, b] = chosen;
    if (!a || !b) { st.error(t('ctl.pickTwo')); return; }
    if (vipOnly && a.role !== 'vip' && b.role !== 'vip') { st.error(t('ctl.pickVip')); return; }
    if (!slotSel.value) { st.error(t('ctl.pickSlotFirst')); slotSel.focus(); return; }
    book.disabled = true;
    try {
      await post(`/api/missions/${mid}/meetings`, { a: a.user_id, b: b.user_id, slot: slotSel.value });
      st.ok(t('ctl.booked', { a: a.name, b: b.name }));
      chosen[0] = chosen[1] = null;
      drawChosen();
      for (const picker of pickers) picker.clear();
      onBooked();
    } catch (err) {
      st.error(errorMessage(err));
    } finally {
      book.disabled = false;
    }
  } });
  return h('section', { class: 'card book-card', 'aria-labelledby': 'book-h' }, head,
    h('p', { class: 'muted' }, t('ctl.bookLead')),
    vipOnly ? h('p', { class: 'muted book-vip-only' }, t('ctl.bookVipOnly'), ' ',
      h('a', { href: `/m/${mid}/organise/matchmaking` }, t('ctl.rulesTitle'))) : null,
    h('div', { class: 'grid-2' },
      h('div', null, pickers[0].el, chosenEls[0]), h('div', null, pickers[1].el, chosenEls[1])),
    future.length ? h('div', { class: 'field' }, h('label', { for: 'book-slot' }, t('ctl.slot', { zone: zoneCity(zone) })), slotSel)
      : h('p', { class: 'muted' }, t('mm.noSlots')),
    h('div', { class: 'form-actions' }, book), st.el);
}
