// @ts-check
/**
 * The host console: who is here (name, organisation, type, side, country, joined at), filterable; the join feed;
 * now / peak / unique; and "Greet", which puts a welcome for that person on everyone's screen.
 * People whose card the server did not include are named from the lobby's presence list. In a group room the chair
 * gives the floor from here too.
 */

import { h, icon } from '../dom.js';
import { countryName, t } from '../i18n.js';
import { reconcile } from '../lobby/controls.js';
import { formatTime } from '../time.js';
import { badge } from '../ui.js';
import { act, note } from './common.js';
import { giveFloorButton } from './floor.js';

/**
 * @param {import('./session.js').WebinarSession} session @param {string} zone
 */
export function consolePanel(session, zone) {
  const live = session.live;
  const greetNote = note();
  const floorGiver = session.group && session.may('give-floor');
  let filter = '';
  let showLeft = false;
  const search = h('input', { type: 'search', id: 'att-filter', placeholder: t('webinar.filterPlaceholder'), autocomplete: 'off' });
  const leftBox = h('input', { type: 'checkbox', id: 'att-left' });
  const counts = h('dl', { class: 'w-counts', id: 'att-counts' });
  const list = h('ul', { class: 'att-list', id: 'att-list', role: 'list' });
  const shown = h('p', { class: 'w-count', role: 'status', 'aria-live': 'polite' });
  const feed = h('ol', { class: 'join-feed', id: 'join-feed', role: 'list', 'aria-label': t('webinar.joinFeed') });
  /** @type {import('./state.js').View|null} */
  let last = null;
  search.addEventListener('input', () => {
    filter = search.value.trim().toLowerCase();
    if (last) draw(last);
  });
  leftBox.addEventListener('change', () => {
    showLeft = leftBox.checked;
    if (last) draw(last);
  });

  /** @param {number} uid */
  const cardOf = (uid) => {
    const a = last?.attendance.get(uid);
    if (a?.card) return a.card;
    const m = live.presence.get(uid);
    const p = live.people.get(uid);
    return {
      user_id: uid, name: m?.name || p?.name || t('lobby.someone'), organisation: m?.organisation || p?.organisation || '',
      org_type: m?.org_type || '', side: m?.side ?? null, country: m?.country || '', joined_at: a?.first_joined || '',
    };
  };

  /** @param {{card: import('./state.js').AttendeeCard, present: boolean}} row */
  const item = (row) => {
    const c = row.card;
    const greet = h('button', { type: 'button', class: 'btn btn-secondary btn-small att-greet',
      'aria-label': t('webinar.greetName', { name: c.name }) }, icon('hand'), h('span', null, t('webinar.greet')));
    greet.addEventListener('click', async () => {
      const done = await act(greet, greetNote, () => session.greet(c.user_id));
      if (done) greetNote.set(t('webinar.greeted', { name: c.name }), 'ok');
    });
    return h('li', { class: ['att', !row.present && 'has-left'], dataset: { userId: c.user_id } },
      h('div', { class: 'att-who' },
        h('p', { class: 'att-name' }, c.name),
        h('p', { class: 'att-org' }, [c.organisation, c.org_type ? t(`org.${c.org_type}`) : ''].filter(Boolean).join(' · '))),
      h('div', { class: 'att-tags' },
        c.side ? badge(t(`side.${c.side}`), `side-${c.side}`) : null,
        c.country ? h('span', { class: 'att-country', title: countryName(c.country) }, c.country.toUpperCase()) : null,
        c.joined_at ? h('time', { class: 'att-time', datetime: c.joined_at, title: t('webinar.joinedAt') },
          formatTime(c.joined_at, zone)) : null,
        c.staff ? badge(t('webinar.staffBadge'), 'role') : null,
        row.present ? null : badge(t('webinar.left'), 'neutral')),
      c.user_id !== session.me && row.present && !c.staff ? greet : null,
      floorGiver && row.present ? giveFloorButton(session, c, greetNote, 'att-floor') : null);
  };

  /** @param {import('./state.js').FeedEntry} f */
  const feedItem = (f) => {
    const c = cardOf(f.user_id);
    return h('li', { class: `feed-${f.kind}` },
      h('time', { datetime: f.at }, formatTime(f.at, zone)), ' ',
      t(f.kind === 'join' ? 'webinar.feedJoined' : 'webinar.feedLeft', { name: c.name }),
      c.organisation && f.kind === 'join' ? h('span', { class: 'muted' }, ` · ${c.organisation}`) : null);
  };

  const el = h('div', { class: 'console' },
    counts,
    h('div', { class: 'att-filters' },
      h('label', { for: 'att-filter', class: 'sr-only' }, t('webinar.filter')), search,
      h('label', { class: 'check', for: 'att-left' }, leftBox, h('span', null, t('webinar.showLeft')))),
    shown, greetNote.el, list,
    h('h3', { class: 'w-subhead' }, t('webinar.joinFeed')), feed);

  /** @param {import('./state.js').View} v */
  function draw(v) {
    last = v;
    const c = v.counts;
    const stat = (/** @type {string} */ key, /** @type {number} */ n) => h('div', { class: 'w-stat', dataset: { key } },
      h('dt', null, t(`webinar.count.${key}`)), h('dd', null, String(n)));
    counts.replaceChildren(stat('now', c.now), stat('peak', c.peak), stat('unique', c.unique));
    const rows = [...v.attendance].map(([uid, a]) => ({ card: a.card || cardOf(uid), present: a.present }))
      .filter((r) => showLeft || r.present)
      .filter((r) => !filter || [r.card.name, r.card.organisation, r.card.country, r.card.org_type ? t(`org.${r.card.org_type}`) : '',
        r.card.side ? t(`side.${r.card.side}`) : ''].join(' ').toLowerCase().includes(filter))
      .sort((a, b) => (b.card.joined_at || '').localeCompare(a.card.joined_at || '') || a.card.name.localeCompare(b.card.name));
    shown.textContent = t('webinar.attShown', { n: rows.length });
    reconcile(list, rows, (r) => String(r.card.user_id), (r) => JSON.stringify([r.card, r.present]), item);
    feed.replaceChildren(...v.joinFeed.slice(-15).reverse().map(feedItem));
  }
  return { el, draw };
}
