// @ts-check
/**
 * Raised hands: raise or lower my own; the queue in the order hands went up; moderators lower any or invite. In a
 * group room the queue is the speaking order, and the chair gives the floor from it (floor.js).
 */

import { h, icon } from '../dom.js';
import { t, tn } from '../i18n.js';
import { reconcile } from '../lobby/controls.js';
import { avatar } from '../ui.js';
import { act, note, wt } from './common.js';
import { giveFloorButton } from './floor.js';

/** @param {import('./session.js').WebinarSession} session */
export function handsPanel(session) {
  const mod = session.may('lower-hands');
  // In a group room everyone may turn their camera on: the chair gives the floor instead of an invitation.
  const chair = session.group && session.may('give-floor');
  const inviter = !session.group && session.may('invite-to-stage');
  const myNote = note();
  const listNote = note();
  const mine = h('button', { type: 'button', class: 'btn btn-primary hand-toggle', id: 'hand-toggle', 'aria-pressed': 'false' });
  let up = false;
  mine.addEventListener('click', () => act(mine, myNote, () => session.hand(!up)));
  const count = h('p', { class: 'w-count', id: 'hands-count' });
  const list = h('ol', { class: 'hand-list', id: 'hand-list', role: 'list', 'aria-label': wt(session.group, 'webinar.hands') });
  const emptyEl = h('p', { class: 'w-empty' }, wt(session.group, 'webinar.noHands'));

  /** @param {import('./state.js').Hand & {pos: number}} hand */
  const item = (hand) => {
    const me = hand.user_id === session.me;
    const tools = [];
    if (mod && !me) {
      const lower = h('button', { type: 'button', class: 'btn btn-ghost btn-small hand-lower',
        'aria-label': t('webinar.lowerHandOf', { name: hand.name }) }, t('webinar.lower'));
      lower.addEventListener('click', () => act(lower, listNote, () => session.lowerHand(hand.user_id)));
      tools.push(lower);
    }
    if (chair) tools.push(giveFloorButton(session, hand, listNote, 'hand-floor'));
    if (inviter) {
      const stage = h('button', { type: 'button', class: 'btn btn-ghost btn-small hand-stage',
        'aria-label': t('webinar.bringOnStageName', { name: hand.name }) }, t('webinar.bringOnStage'));
      stage.addEventListener('click', () => act(stage, listNote, () => session.invite(hand.user_id)));
      tools.push(stage);
    }
    return h('li', { class: ['hand', me && 'is-me'], dataset: { userId: hand.user_id } },
      h('span', { class: 'hand-pos', 'aria-hidden': 'true' }, String(hand.pos)),
      avatar(hand.name, 'avatar-sm'),
      h('div', { class: 'hand-who' },
        h('p', { class: 'hand-name' }, hand.name, me ? h('span', { class: 'muted' }, ` (${t('lobby.you').toLowerCase()})`) : null),
        hand.organisation ? h('p', { class: 'hand-org' }, hand.organisation) : null),
      tools.length ? h('div', { class: 'hand-tools' }, tools) : null);
  };

  const el = h('div', { class: 'hands' },
    h('div', { class: 'hand-me' }, mine, myNote.el),
    count, listNote.el, emptyEl, list);

  /** @param {import('./state.js').View} v */
  const draw = (v) => {
    up = v.hands.some((x) => x.user_id === session.me);
    mine.setAttribute('aria-pressed', String(up));
    mine.replaceChildren(icon('hand'), h('span', null, up ? t('webinar.lowerMine') : t('webinar.raiseHand')));
    mine.classList.toggle('is-up', up);
    count.textContent = tn('webinar.handsCount', v.hands.length);
    emptyEl.hidden = v.hands.length > 0;
    const hands = v.hands.map((x, i) => ({ ...x, pos: i + 1 }));
    reconcile(list, hands, (x) => String(x.user_id), (x) => JSON.stringify([x.pos, x.name, x.organisation]), item);
  };
  return { el, draw };
}
