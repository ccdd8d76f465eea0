// @ts-check
/**
 * /m/<id>/organise/meetings — every 1:1 meeting of the mission with what became of it, for organisers: held (media
 * flowed both ways long enough), no-show, didn't connect (both came, the call never got through), and per person
 * how long the call took to connect and how often it dropped. A row of failed calls with people who came points at
 * the network, not at the people.
 */

import { get } from '../api.js';
import { h, replace } from '../dom.js';
import { t, tn } from '../i18n.js';
import { loadMission, missionHeader, missionId } from '../mission-common.js';
import { viewerZone } from './mission.js';
import { clock, formatDayShort, formatTime, zoneCity } from '../time.js';
import { badge, empty } from '../ui.js';
import { heldFor } from '../matchmaking/common.js';
import { bookMeetingCard } from '../organise/book-meeting.js';

const STATUSES = ['held', 'booked', 'no-show', 'failed-to-connect', 'cancelled'];
const TONE = { held: 'status-accepted', booked: 'neutral', 'no-show': 'status-expired',
  'failed-to-connect': 'status-failed', cancelled: 'neutral' };

/**
 * @typedef {{user_id: number, name: string, organisation: string}} Who
 * @typedef {{media_seconds: number, connect_seconds: number|null, reconnects: number}} Side
 * @typedef {{id: number, a: Who, b: Who, starts_at: string, ends_at: string, status: string, a_seconds: number,
 *            b_seconds: number, both_seconds: number, quality: {media_seconds: number, a: Side, b: Side}}} Row
 */

/**
 * One person's side of a call: came or not, time to connect, reconnects (nothing yet for a meeting to come).
 * @param {Who} who @param {number} inRoom @param {Side} q @param {boolean} [ahead]
 */
function sideCell(who, inRoom, q, ahead = false) {
  const came = inRoom > 0;
  const connect = !came ? t('omeet.notThere')
    : q.connect_seconds === null ? t('omeet.neverConnected') : t('omeet.connectedIn', { s: q.connect_seconds });
  return h('div', { class: 'om-side' },
    h('p', { class: 'om-name' }, who.name, who.organisation ? h('span', { class: 'muted' }, ` · ${who.organisation}`) : null),
    ahead ? null : h('p', { class: ['small', came && q.connect_seconds === null ? 'om-bad' : 'muted'] }, connect,
      q.reconnects ? ` · ${tn('omeet.reconnects', q.reconnects)}` : ''));
}

/** @param {Row} m @param {string} zone */
function meetingRow(m, zone) {
  const heard = m.quality.media_seconds;
  return h('li', { class: ['om-row', `is-${m.status}`], dataset: { id: m.id, status: m.status } },
    h('p', { class: 'om-when' }, h('span', { class: 'om-day' }, formatDayShort(m.starts_at, zone)), ' ',
      h('time', { datetime: m.starts_at }, formatTime(m.starts_at, zone))),
    h('div', { class: 'om-people' }, sideCell(m.a, m.a_seconds, m.quality.a, m.status === 'booked'),
      sideCell(m.b, m.b_seconds, m.quality.b, m.status === 'booked')),
    h('div', { class: 'om-outcome' },
      badge(t(`meeting.status.${m.status}`), TONE[/** @type {keyof TONE} */ (m.status)] || 'neutral'),
      m.status === 'booked' || m.status === 'cancelled' ? null
        : h('p', { class: 'small muted om-media' }, t('omeet.bothWays', { time: clock(Math.max(0, Math.round(heard))) }))));
}

/** @param {import('../app.js').PageContext} ctx */
export async function render(ctx) {
  const mid = missionId(ctx.params);
  const view = await loadMission(mid);
  const title = t('omeet.title');
  if (!view.permissions.includes('manage-matchmaking')) {
    return { title, node: h('div', null, missionHeader(view, 'organise'),
      h('div', { class: 'card notice' }, h('h1', { tabindex: '-1' }, title), h('p', null, t('omeet.notAllowed')))) };
  }
  let [rows, rules] = await Promise.all([
    /** @type {Promise<Row[]>} */ (get(`/api/missions/${mid}/matchmaking/meetings`, { signal: ctx.signal })),
    get(`/api/missions/${mid}/matchmaking/rules`, { signal: ctx.signal }).catch(() => ({}))]);
  const zone = viewerZone();
  const held = Number(rules?.held_seconds) || 120;
  const heldTime = heldFor(held);
  rows.sort((x, y) => Date.parse(x.starts_at) - Date.parse(y.starts_at) || x.id - y.id);

  let shown = '';
  const listEl = h('div', { id: 'om-list' });
  const countEl = h('p', { class: 'muted om-count', role: 'status', 'aria-live': 'polite' });
  /** @type {Map<string, HTMLElement>} */
  const counts = new Map();
  const draw = () => {
    for (const [s, el] of counts) el.textContent = String(s ? rows.filter((m) => m.status === s).length : rows.length);
    const picked = rows.filter((m) => !shown || m.status === shown);
    countEl.textContent = tn('omeet.count', picked.length);
    replace(listEl, picked.length
      ? h('ol', { class: 'om-list', role: 'list' }, picked.map((m) => meetingRow(m, zone)))
      : empty(t('omeet.noneTitle'), rows.length ? t('omeet.noneFiltered') : t('omeet.noneText')));
  };
  const filters = h('div', { class: 'chip-options', role: 'radiogroup', 'aria-label': t('omeet.filter') },
    ['', ...STATUSES].map((s) => {
      const input = h('input', { type: 'radio', name: 'om-status', value: s, checked: s === '', class: 'sr-only-input' });
      input.addEventListener('change', () => {
        if (input.checked) {
          shown = s;
          draw();
        }
      });
      const count = h('span', { class: 'count' });
      counts.set(s, count);
      return h('label', { class: 'chip-option', dataset: { status: s || 'all' } }, input,
        h('span', null, s ? t(`meeting.status.${s}`) : t('omeet.all')), count);
    }));
  draw();
  const booking = await bookMeetingCard(mid, rules, zone, async () => {
    rows = await get(`/api/missions/${mid}/matchmaking/meetings`);
    rows.sort((x, y) => Date.parse(x.starts_at) - Date.parse(y.starts_at) || x.id - y.id);
    draw();
  });

  const failed = rows.filter((m) => m.status === 'failed-to-connect').length;
  const node = h('div', null,
    missionHeader(view, 'organise'),
    h('div', { class: 'section-head' },
      h('h1', { tabindex: '-1' }, title),
      h('div', { class: 'form-actions' },
        h('a', { class: 'btn btn-secondary btn-small', href: `/m/${mid}/organise/matchmaking` }, t('ctl.rulesTitle')),
        h('a', { class: 'btn btn-ghost btn-small', href: `/m/${mid}/organise` }, t('omeet.backToInvitations')))),
    booking,
    h('section', { class: 'card', 'aria-labelledby': 'om-h' },
      h('h2', { id: 'om-h', class: 'sr-only' }, title),
      h('p', null, t('omeet.lead', { time: heldTime })),
      failed ? h('p', { class: 'om-network', role: 'note' }, tn('omeet.networkHint', failed)) : null,
      h('p', { class: 'muted small' }, t('omeet.zone', { zone: zoneCity(zone) })),
      filters, countEl, listEl));
  return { title: `${title} · ${view.mission.title}`, node };
}
