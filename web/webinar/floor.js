// @ts-check
/**
 * The floor of a group room (docs/webinar.md, "Group rooms"): who has it, for everyone; for the chair, "Next
 * speaker" (the first raised hand), "Take the floor back" and the "Give the floor" button the speaking order and
 * the people list put beside each person. The speaker's tile is drawn large by stage.js.
 */

import { h, icon } from '../dom.js';
import { t } from '../i18n.js';
import { act, note } from './common.js';

/**
 * "Give the floor" to one person; its result (or error) goes to `where`.
 * @param {import('./session.js').WebinarSession} session @param {{user_id: number, name: string}} who
 * @param {import('./common.js').Note} where @param {string} cls
 */
export function giveFloorButton(session, who, where, cls) {
  const b = h('button', { type: 'button', class: `btn btn-secondary btn-small give-floor ${cls}`,
    'aria-label': t('group.giveFloorTo', { name: who.name }) }, icon('mic'), h('span', null, t('group.giveFloor')));
  b.addEventListener('click', async () => {
    if (await act(b, where, () => session.giveFloor(who.user_id))) where.set(t('group.gaveFloor', { name: who.name }), 'ok');
  });
  return b;
}

/** @param {import('./session.js').WebinarSession} session */
export function floorBar(session) {
  const chair = session.may('give-floor');
  const floorNote = note('floor-note');
  const says = h('p', { class: 'floor-now', id: 'floor-now', role: 'status', 'aria-live': 'polite' });
  const next = h('button', { type: 'button', class: 'btn btn-primary btn-small floor-next', id: 'floor-next' },
    icon('hand'), h('span', null, t('group.nextSpeaker')));
  const back = h('button', { type: 'button', class: 'btn btn-secondary btn-small floor-back', id: 'floor-back' },
    t('group.takeBack'));
  /** @type {import('./state.js').View|null} */
  let last = null;
  next.addEventListener('click', () => {
    const first = last?.hands[0];
    if (first) act(next, floorNote, () => session.giveFloor(first.user_id));
  });
  back.addEventListener('click', () => act(back, floorNote, () => session.giveFloor(null)));
  const el = h('section', { class: 'floor-bar', 'aria-label': t('group.floor') },
    says, chair ? h('div', { class: 'floor-tools' }, next, back) : null, floorNote.el);

  /** The name of whoever has the floor. @param {number} uid */
  const nameOf = (uid) => last?.stage.live.find((f) => f.user_id === uid)?.name
    || last?.hands.find((x) => x.user_id === uid)?.name || last?.attendance.get(uid)?.card?.name
    || session.live.presence.get(uid)?.name || session.live.people.get(uid)?.name || t('lobby.someone');

  /** @param {import('./state.js').View} v */
  const draw = (v) => {
    last = v;
    const floor = v.stage.floor;
    el.dataset.floor = floor === null ? '' : String(floor);
    says.textContent = floor === null ? t('group.floorNone')
      : floor === session.me ? t('group.floorMine') : t('group.floorHolder', { name: nameOf(floor) });
    says.classList.toggle('is-open', floor === null);
    const first = v.hands[0];
    next.disabled = !first;
    next.setAttribute('aria-label', first ? t('group.nextSpeakerName', { name: first.name }) : t('group.nextSpeaker'));
    back.hidden = floor === null;
  };
  return { el, draw };
}
