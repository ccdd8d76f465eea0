// @ts-check
/**
 * The "pick up to five slots" dialog, used to request a meeting, to propose other times (counter) and to
 * reschedule. A native <dialog> with showModal(): focus is trapped, Escape closes, focus returns.
 */

import { h } from '../dom.js';
import { t } from '../i18n.js';
import { formatDayLong } from '../time.js';
import { button, status } from '../ui.js';
import { mmError, slotLine } from './common.js';

export const MAX_SLOTS = 5;

/**
 * @param {{title: string, intro?: string, slots: import('./common.js').Slot[], mine: string,
 *          zones: import('./common.js').Zones, other: {name: string, zone: string, side: string|null}|null,
 *          mySide: string|null, withMessage: boolean, submitLabel: string, preselect?: string[],
 *          submit: (slots: string[], message: string) => Promise<void>}} o
 * @returns {Promise<boolean>} whether it was sent
 */
export function slotDialog(o) {
  return new Promise((resolve) => {
    const st = status();
    const chosen = new Set(o.preselect || []);
    const counter = h('p', { class: 'muted small', 'aria-live': 'polite' });
    const message = h('textarea', { id: 'mm-message', name: 'message', rows: 3, maxlength: 500,
      placeholder: t('mm.messagePlaceholder') });
    /** @type {HTMLInputElement[]} */
    const boxes = [];
    const now = Date.now();
    const usable = o.slots.filter((s) => new Date(s.ends_at).getTime() > now);
    /** @type {Map<string, HTMLElement[]>} */
    const byDay = new Map();
    for (const s of usable) {
      const day = formatDayLong(s.starts_at, o.mine);
      const box = h('input', { type: 'checkbox', value: s.starts_at, name: 'slot', checked: chosen.has(s.starts_at),
        disabled: Boolean(s.booked) });
      boxes.push(box);
      const row = h('label', { class: ['slot-option', s.booked && 'is-booked', s.available && 'is-available'] }, box,
        slotLine(s, o.mine, o.zones, o.other, o.mySide, false),
        s.booked ? h('span', { class: 'badge badge-status-expired' }, t('mm.booked'))
          : s.available ? h('span', { class: 'badge badge-status-accepted' }, t('mm.youAreAvailable')) : null);
      if (!byDay.has(day)) byDay.set(day, []);
      /** @type {HTMLElement[]} */ (byDay.get(day)).push(row);
    }
    const refresh = () => {
      counter.textContent = t('mm.chosen', { n: chosen.size, max: MAX_SLOTS });
      for (const b of boxes) {
        const slot = o.slots.find((s) => s.starts_at === b.value);
        b.disabled = Boolean(slot?.booked) || (!b.checked && chosen.size >= MAX_SLOTS);
      }
    };
    for (const b of boxes) {
      b.addEventListener('change', () => {
        if (b.checked) chosen.add(b.value);
        else chosen.delete(b.value);
        refresh();
      });
    }
    const form = h('form', { class: 'stack', method: 'dialog' },
      o.intro ? h('p', { class: 'muted' }, o.intro) : null,
      o.withMessage ? h('div', { class: 'field' }, h('label', { for: 'mm-message' }, t('mm.message'),
        h('span', { class: 'optional' }, ` ${t('form.optional')}`)), message) : null,
      h('fieldset', { class: 'slot-fieldset' }, h('legend', null, t('mm.pickSlots', { max: MAX_SLOTS })), counter,
        usable.length ? [...byDay].map(([day, rows]) => h('div', { class: 'slot-day' }, h('h3', null, day), rows))
          : h('p', { class: 'muted' }, t('mm.noSlots'))),
      st.el,
      h('div', { class: 'form-actions' },
        button(o.submitLabel, { variant: 'primary', type: 'submit', attrs: { id: 'mm-send' } }),
        button(t('common.cancel'), { onclick: () => dialog.close('cancel') })));
    const dialog = h('dialog', { class: 'mm-dialog', 'aria-labelledby': 'mm-dialog-title' },
      h('h2', { id: 'mm-dialog-title' }, o.title), form);
    let sent = false;
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (!chosen.size) {
        st.error(t('mm.pickOne'));
        return;
      }
      const submit = /** @type {HTMLButtonElement} */ (form.querySelector('#mm-send'));
      submit.disabled = true;
      st.set(t('common.saving'));
      try {
        await o.submit([...chosen], message.value.trim());
        sent = true;
        dialog.close('sent');
      } catch (err) {
        st.error(mmError(err));
      } finally {
        submit.disabled = false;
      }
    });
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(sent);
    });
    document.body.append(dialog);
    refresh();
    dialog.showModal();
    (o.withMessage ? message : boxes.find((b) => !b.disabled))?.focus();
  });
}
