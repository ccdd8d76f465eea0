// @ts-check
/**
 * /m/<mission>/schedule — my meetings and the programme I attend, day by day in my zone with the mission's
 * beside it; each meeting as an .ics download; a private calendar feed to subscribe to (copy, rotate).
 */

import { get, post } from '../api.js';
import { h, icon } from '../dom.js';
import { t } from '../i18n.js';
import { missionLive } from '../live.js';
import { mmError, sectionTitle } from '../matchmaking/common.js';
import { bell, Notifications, toasts } from '../matchmaking/notifications.js';
import { loadMission, missionHeader, missionId } from '../mission-common.js';
import { formatDayLong, formatTime, zoneCity } from '../time.js';
import { avatar, badge, button, empty, status } from '../ui.js';
import { copyButton } from '../widgets.js';
import { viewerZone } from './mission.js';

/**
 * @typedef {{kind: 'meeting', id: number, starts_at: string, ends_at: string, status: string, other: any}
 *          | {kind: 'item', id: number, starts_at: string, ends_at: string, item_kind: string, title: string,
 *             timezone: string, city: string}} Entry
 */

/** @param {any} data @param {number} me @returns {Entry[]} */
function entries(data, me) {
  const meetings = Array.isArray(data?.meetings) ? data.meetings : [];
  const items = Array.isArray(data?.items) ? data.items : (Array.isArray(data?.programme) ? data.programme : []);
  /** @type {Entry[]} */
  const out = [
    ...meetings.filter((/** @type {any} */ x) => x.status !== 'cancelled').map((/** @type {any} */ x) => /** @type {Entry} */ ({
      kind: 'meeting', id: x.id, starts_at: x.starts_at, ends_at: x.ends_at, status: x.status,
      other: (x.a?.user_id === me ? x.b : x.a) || x.other || {} })),
    ...items.map((/** @type {any} */ x) => /** @type {Entry} */ ({ kind: 'item', id: x.id, starts_at: x.starts_at,
      ends_at: x.ends_at, item_kind: x.kind, title: x.title, timezone: x.timezone || '', city: x.city || '' })),
  ];
  return out.sort((a, b) => Date.parse(a.starts_at) - Date.parse(b.starts_at));
}

/** @param {import('../app.js').PageContext} ctx */
export async function render(ctx) {
  const mid = missionId(ctx.params);
  const [view, who] = await Promise.all([loadMission(mid), ctx.me()]);
  const m = view.mission;
  const meId = /** @type {any} */ (who).user.id;
  const mine = viewerZone();
  const notes = new Notifications(missionLive(mid), mid);
  const listBox = h('div', { id: 'sched-list' });
  const other = mine !== m.timezone;

  const load = async () => {
    let data;
    try {
      data = await get(`/api/missions/${mid}/schedule`, { signal: ctx.signal });
    } catch (err) {
      if (!ctx.signal.aborted) listBox.replaceChildren(h('p', { class: 'status error', role: 'alert' }, mmError(err)));
      return;
    }
    const list = entries(data, meId);
    if (!list.length) {
      listBox.replaceChildren(empty(t('sched.empty'), t('sched.emptyText'),
        h('a', { href: `/m/${mid}/matchmaking`, class: 'btn btn-primary' }, t('mm.title'))));
      return;
    }
    /** @type {Map<string, Entry[]>} */
    const days = new Map();
    for (const e of list) {
      const d = formatDayLong(e.starts_at, mine);
      if (!days.has(d)) days.set(d, []);
      /** @type {Entry[]} */ (days.get(d)).push(e);
    }
    listBox.replaceChildren(...[...days].map(([day, es]) => h('section', { class: 'sched-day' },
      h('h2', { class: 'sched-day-h' }, day), h('ol', { class: 'sched-list', role: 'list' }, es.map(entry)))));
  };

  /** @param {Entry} e */
  const entry = (e) => {
    // An item with a zone of its own is shown beside it in that zone (and named after its city), else the mission's.
    const zone = e.kind === 'item' && e.timezone ? e.timezone : m.timezone;
    const place = e.kind === 'item' && e.timezone ? (e.city || zoneCity(e.timezone)) : zoneCity(m.timezone);
    const time = h('div', { class: 'sched-time' },
      h('span', { class: 'sched-mine' }, `${formatTime(e.starts_at, mine)}–${formatTime(e.ends_at, mine)}`),
      mine !== zone ? h('span', { class: 'sched-theirs muted small' }, `${formatTime(e.starts_at, zone)} ${place}`) : null);
    if (e.kind === 'item') {
      const href = e.item_kind === 'webinar' ? `/m/${mid}/webinar/${e.id}` : `/m/${mid}#item-${e.id}`;
      return h('li', { class: 'card sched-entry is-item' }, time,
        h('div', { class: 'sched-what' }, h('p', { class: 'eyebrow' }, t(`kind.${e.item_kind}`)),
          h('h3', null, h('a', { href }, e.title))));
    }
    const st = status();
    const ended = Date.parse(e.ends_at) + 10 * 60000 < Date.now();
    return h('li', { class: 'card sched-entry is-meeting', dataset: { meetingId: e.id } }, time,
      h('div', { class: 'sched-what' },
        h('p', { class: 'eyebrow' }, icon('handshake'), h('span', null, t('sched.meeting')),
          e.status !== 'booked' ? badge(t(`meeting.status.${e.status}`), 'neutral') : null),
        h('div', { class: 'req-top' }, avatar(e.other.name || '?'),
          h('h3', null, t('sched.meetingWith', { name: e.other.name || '' }),
            e.other.organisation ? h('span', { class: 'muted' }, ` · ${e.other.organisation}`) : null)),
        h('div', { class: 'actions' },
          !ended ? h('a', { href: `/m/${mid}/meeting/${e.id}`, class: 'btn btn-primary btn-small' }, icon('video'), h('span', null, t('sched.join'))) : null,
          h('a', { href: `/api/meetings/${e.id}.ics`, download: `meeting-${e.id}.ics`, class: 'btn btn-secondary btn-small' },
            icon('calendar'), h('span', null, t('sched.ics'))),
          !ended ? button(t('sched.cancelMeeting'), { small: true, variant: 'ghost', onclick: async () => {
            if (!confirm(t('sched.cancelConfirm', { name: e.other.name || '' }))) return;
            try {
              await post(`/api/meetings/${e.id}/cancel`);
              load();
            } catch (err) {
              st.error(mmError(err));
            }
          } }) : null),
        st.el));
  };

  // -- the calendar feed --------------------------------------------------------------------------------------
  const feedStatus = status();
  const feedUrl = h('input', { type: 'text', readonly: true, id: 'feed-url', class: 'mono', 'aria-label': t('sched.feedUrl') });
  const feedRow = h('div', { class: 'feed-row', hidden: true }, feedUrl, copyButton(() => feedUrl.value, feedStatus.el));
  const makeFeed = async (/** @type {boolean} */ rotate) => {
    if (rotate && !confirm(t('sched.rotateConfirm'))) return;
    try {
      const r = await post('/api/calendar-feed');
      feedUrl.value = new URL(r.url, location.href).href;
      feedRow.hidden = false;
      feedBtn.querySelector('span')?.replaceChildren(t('sched.rotate'));
      feedStatus.ok(rotate ? t('sched.rotated') : t('sched.feedReady'));
      feedUrl.focus();
      feedUrl.select();
    } catch (err) {
      feedStatus.error(mmError(err));
    }
  };
  const feedBtn = button(t('sched.subscribe'), { icon: 'link', attrs: { id: 'feed-make' },
    onclick: () => makeFeed(!feedRow.hidden) });

  notes.addEventListener('arrived', () => load());
  ctx.signal.addEventListener('abort', () => notes.close());
  await load();

  const node = h('div', { class: 'mission-page sched-page' },
    missionHeader(view, 'schedule'),
    h('div', { class: 'page-head' },
      h('div', null, h('h1', { tabindex: '-1' }, t('sched.title')),
        h('p', { class: 'lead' }, other ? t('sched.leadTwo', { mine: zoneCity(mine), mission: zoneCity(m.timezone) })
          : t('sched.leadOne', { mine: zoneCity(mine) }))),
      h('div', { class: 'actions' }, bell(notes, mid, mine))),
    h('div', { class: 'sched-layout' },
      listBox,
      h('aside', { class: 'card feed-card', 'aria-labelledby': 'feed-h' }, sectionTitle('calendar', t('sched.feedTitle'), 'feed-h'),
        h('p', { class: 'muted small' }, t('sched.feedHelp')), feedRow, h('div', { class: 'form-actions' }, feedBtn), feedStatus.el)),
    toasts(notes, mid));
  return { title: `${t('sched.title')} · ${m.title}`, node };
}
