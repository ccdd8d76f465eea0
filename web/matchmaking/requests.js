// @ts-check
/** My meeting requests: incoming (accept one slot, decline with a reason, propose others) and outgoing (cancel). */

import { post } from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { avatar, badge, button, status } from '../ui.js';
import { mmError, sideZone, slotLine, span, who } from './common.js';
import { slotDialog } from './slot-dialog.js';

/**
 * @typedef {{id: number, from: import('./common.js').Card, to: import('./common.js').Card, message: string,
 *            slots: string[], status: string, reason: string|null, meeting_id: number|null, created_at: string,
 *            counter_of: number|null}} Request
 * @typedef {{me: number, mySide: string|null, mine: string, zones: import('./common.js').Zones,
 *            slots: () => import('./common.js').Slot[], changed: () => void, mid: number}} Ctx
 */

/** @param {Request[]} requests @param {Ctx} c */
export function requestsView(requests, c) {
  const incoming = requests.filter((r) => r.to.user_id === c.me);
  const outgoing = requests.filter((r) => r.from.user_id === c.me);
  const pendingIn = incoming.filter((r) => r.status === 'pending');
  const pendingOut = outgoing.filter((r) => r.status === 'pending');
  const answered = requests.filter((r) => r.status !== 'pending').slice(0, 10);
  return h('div', { class: 'mm-requests' },
    h('h3', { class: 'small-h' }, t('mm.incoming'), ' ', badge(String(pendingIn.length), pendingIn.length ? 'status-pending' : 'neutral')),
    pendingIn.length ? h('ul', { class: 'req-list', role: 'list', id: 'mm-incoming' }, pendingIn.map((r) => incomingCard(r, c)))
      : h('p', { class: 'muted' }, t('mm.noIncoming')),
    h('h3', { class: 'small-h' }, t('mm.outgoing')),
    pendingOut.length ? h('ul', { class: 'req-list', role: 'list', id: 'mm-outgoing' }, pendingOut.map((r) => outgoingCard(r, c)))
      : h('p', { class: 'muted' }, t('mm.noOutgoing')),
    answered.length ? h('details', { class: 'req-history' }, h('summary', null, t('mm.history')),
      h('ul', { class: 'req-list compact', role: 'list' }, answered.map((r) => historyLine(r, c)))) : null);
}

/** @param {import('./common.js').Card} card @param {Ctx} c */
function otherOf(card, c) {
  return { name: card.name, zone: sideZone(c.zones, card.side), side: card.side };
}

/** @param {Request} r @param {string} iso @param {Ctx} c */
function slotOf(r, iso, c) {
  const known = c.slots().find((s) => s.starts_at === iso || Date.parse(s.starts_at) === Date.parse(iso));
  if (known) return known;
  const end = new Date(Date.parse(iso) + c.zones.minutes * 60000).toISOString();
  return { item_id: 0, starts_at: iso, ends_at: end, night: [] };
}

/** @param {Request} r @param {Ctx} c */
function incomingCard(r, c) {
  const st = status();
  const other = otherOf(r.from, c);
  const reason = h('textarea', { rows: 2, maxlength: 300, id: `decline-${r.id}`, placeholder: t('mm.reasonPlaceholder') });
  const declineBox = h('div', { class: 'decline-box field', hidden: true },
    h('label', { for: `decline-${r.id}` }, t('mm.declineReason'), h('span', { class: 'optional' }, ` ${t('form.optional')}`)),
    reason,
    h('div', { class: 'form-actions' },
      button(t('mm.declineConfirm'), { variant: 'danger', small: true, onclick: () => act(() =>
        post(`/api/meeting-requests/${r.id}/decline`, reason.value.trim() ? { reason: reason.value.trim() } : {})) }),
      button(t('common.cancel'), { small: true, onclick: () => { declineBox.hidden = true; } })));
  /** @param {() => Promise<any>} fn */
  const act = async (fn) => {
    st.set(t('common.saving'));
    try {
      await fn();
      c.changed();
    } catch (err) {
      st.error(mmError(err));
    }
  };
  return h('li', { class: 'card req-card', dataset: { requestId: r.id } },
    h('div', { class: 'req-top' }, avatar(r.from.name), who(r.from),
      r.counter_of ? badge(t('mm.counterBadge'), 'status-pending') : null),
    r.message ? h('blockquote', { class: 'req-message prewrap' }, r.message) : null,
    h('p', { class: 'small muted' }, t('mm.acceptOne')),
    h('ul', { class: 'req-slots', role: 'list' }, r.slots.map((iso) => h('li', { class: 'req-slot' },
      slotLine(slotOf(r, iso, c), c.mine, c.zones, other, c.mySide),
      button(t('mm.accept'), { variant: 'primary', small: true, attrs: { class: 'btn btn-primary btn-small accept-slot', 'data-slot': iso,
        'aria-label': `${t('mm.accept')}: ${span(slotOf(r, iso, c), c.mine)}` },
        onclick: () => act(() => post(`/api/meeting-requests/${r.id}/accept`, { slot: iso })) })))),
    h('div', { class: 'actions' },
      button(t('mm.proposeOther'), { small: true, onclick: async () => {
        const sent = await slotDialog({ title: t('mm.proposeTitle', { name: r.from.name }), slots: c.slots(), mine: c.mine,
          zones: c.zones, other, mySide: c.mySide, withMessage: true, submitLabel: t('mm.sendProposal'),
          submit: (slots, message) => post(`/api/meeting-requests/${r.id}/counter`, message ? { slots, message } : { slots }) });
        if (sent) c.changed();
      } }),
      button(t('mm.decline'), { small: true, variant: 'ghost', onclick: () => { declineBox.hidden = false; reason.focus(); } })),
    declineBox, st.el);
}

/** @param {Request} r @param {Ctx} c */
function outgoingCard(r, c) {
  const st = status();
  const other = otherOf(r.to, c);
  return h('li', { class: 'card req-card', dataset: { requestId: r.id } },
    h('div', { class: 'req-top' }, avatar(r.to.name), who(r.to), badge(t('mm.status.pending'), 'status-pending')),
    h('ul', { class: 'req-slots', role: 'list' }, r.slots.map((iso) => h('li', { class: 'req-slot' },
      slotLine(slotOf(r, iso, c), c.mine, c.zones, other, c.mySide)))),
    h('div', { class: 'actions' }, button(t('mm.cancelRequest'), { small: true, variant: 'ghost', onclick: async () => {
      try {
        await post(`/api/meeting-requests/${r.id}/cancel`);
        c.changed();
      } catch (err) {
        st.error(mmError(err));
      }
    } })), st.el);
}

/** @param {Request} r @param {Ctx} c */
function historyLine(r, c) {
  const mineOut = r.from.user_id === c.me;
  const other = mineOut ? r.to : r.from;
  return h('li', { class: 'req-line' }, who(other), ' ',
    badge(t(`mm.status.${r.status}`), r.status === 'accepted' ? 'status-accepted' : 'status-expired'),
    r.reason ? h('span', { class: 'muted small' }, ` “${r.reason}”`) : null,
    r.meeting_id ? h('a', { href: `/m/${c.mid}/schedule`, class: 'small' }, ` ${t('mm.seeSchedule')}`) : null);
}
