// @ts-check
/** The reminder preferences card on the profile page: per kind of reminder, by mail and in the app. */

import { get, put } from './api.js';
import { h } from './dom.js';
import { t } from './i18n.js';
import { errorMessage, status } from './ui.js';

export const REMINDER_KINDS = ['webinar-starting', 'meeting-request', 'meeting-accepted', 'meeting-starting', 'digest'];

/**
 * The card, filled from GET /api/me/reminders; each checkbox saves its kind as it changes.
 * @param {AbortSignal} [signal]
 */
export async function remindersCard(signal) {
  /** @type {{kinds: {kind: string, mail: boolean, app: boolean}[]}} */
  const prefs = await get('/api/me/reminders', { signal });
  const st = status();
  /** @param {{kind: string, mail: boolean, app: boolean}} p @param {'mail' | 'app'} channel */
  const box = (p, channel) => {
    const id = `reminder-${p.kind}-${channel}`;
    const input = /** @type {HTMLInputElement} */ (h('input', { type: 'checkbox', id, checked: p[channel] }));
    input.addEventListener('change', async () => {
      input.disabled = true;
      try {
        const row = { kind: p.kind, mail: p.mail, app: p.app, [channel]: input.checked };
        await put('/api/me/reminders', { kinds: [row] });
        p[channel] = input.checked;
        st.ok(t(input.checked ? 'reminders.on' : 'reminders.off',
          { kind: t(`reminders.kind.${p.kind}`), channel: t(`reminders.${channel}`) }));
      } catch (err) {
        input.checked = !input.checked;
        st.error(errorMessage(err));
      } finally {
        input.disabled = false;
      }
    });
    return h('td', { class: 'reminder-toggle' }, input,
      h('label', { for: id, class: 'sr-only' }, `${t(`reminders.kind.${p.kind}`)}: ${t(`reminders.${channel}`)}`));
  };
  const rows = prefs.kinds.filter((p) => REMINDER_KINDS.includes(p.kind)).map((p) => h('tr', null,
    h('th', { scope: 'row' }, t(`reminders.kind.${p.kind}`),
      h('span', { class: 'muted small reminder-hint' }, t(`reminders.hint.${p.kind}`))),
    box(p, 'mail'), box(p, 'app')));
  return h('section', { class: 'card form-section reminders-card', id: 'reminders' },
    h('h2', null, t('reminders.title')),
    h('p', { class: 'muted' }, t('reminders.lead')),
    h('table', { class: 'reminders-table' },
      h('caption', { class: 'sr-only' }, t('reminders.title')),
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('reminders.kind')),
        h('th', { scope: 'col' }, t('reminders.mail')), h('th', { scope: 'col' }, t('reminders.app')))),
      h('tbody', null, ...rows)),
    st.el);
}
