// @ts-check
/**
 * After a webinar ends everyone lands in the lobby; this card says so and points at the next programme item.
 * The webinar page leaves what the `w-ended` event said in sessionStorage; the card shows it once.
 */

import { h, icon } from '../dom.js';
import { t, tn } from '../i18n.js';
import { dayKey, formatDayShort, formatTime } from '../time.js';

export const ENDED_KEY = 'rt.webinarEnded';

/** Remember a webinar's end for the lobby. @param {object} info */
export function rememberEnded(info) {
  try {
    sessionStorage.setItem(ENDED_KEY, JSON.stringify(info));
  } catch { /* the lobby then shows no card */ }
}

/**
 * "Webinar at 16:30" today, "Webinar on Tue 15 Dec at 16:30" on another day (in the viewer's zone).
 * @param {{kind: string, starts_at: string}} next @param {string} zone @param {Date} [now]
 */
export function nextWhen(next, zone, now = new Date()) {
  const vars = { kind: t(`kind.${next.kind}`), time: formatTime(next.starts_at, zone) };
  if (dayKey(next.starts_at, zone) === dayKey(now, zone)) return t('webinar.nextAt', vars);
  return t('webinar.nextOn', { ...vars, day: formatDayShort(next.starts_at, zone) });
}

/** The card for this mission, once (null when there is none). @param {number} mission @param {string} zone */
export function endedCard(mission, zone) {
  /** @type {any} */
  let info = null;
  try {
    info = JSON.parse(sessionStorage.getItem(ENDED_KEY) || 'null');
    sessionStorage.removeItem(ENDED_KEY);
  } catch { return null; }
  if (!info || info.mission !== mission) return null;
  const next = info.next;
  const card = h('section', { class: 'card ended-card', id: 'ended-card', 'aria-labelledby': 'ended-h' },
    h('div', { class: 'ended-text' },
      h('h2', { id: 'ended-h', tabindex: '-1' }, t('webinar.endedTitle', { title: String(info.title || '') })),
      info.attendance ? h('p', { class: 'muted' }, tn('webinar.endedStats',
        Number(info.attendance.unique) || 0, { peak: Number(info.attendance.peak) || 0 })) : null,
      next ? h('p', { class: 'ended-next' }, h('strong', null, `${t('webinar.nextUp')}: `), String(next.title), ' — ',
        nextWhen(next, zone))
        : h('p', null, t('webinar.nothingNext'))),
    next && next.kind === 'webinar'
      ? h('a', { class: 'btn btn-primary', href: `/m/${mission}/webinar/${Number(next.id)}` }, icon('video'), h('span', null, t('webinar.joinNext')))
      : next ? h('a', { class: 'btn btn-secondary', href: `/m/${mission}#item-${Number(next.id)}` }, icon('calendar'),
        h('span', null, t('webinar.nextUp'))) : null,
    h('button', { type: 'button', class: 'btn btn-ghost btn-small', onclick: () => card.remove() }, t('webinar.close')));
  return card;
}
