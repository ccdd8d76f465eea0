// @ts-check
/** What every mission page shares: loading the mission, its header and its tabs. */

import { get } from './api.js';
import { h, icon } from './dom.js';
import { t, tn } from './i18n.js';
import { missionLive } from './live.js';
import { formatDateRange } from './time.js';
import { badge } from './ui.js';

/**
 * @typedef {object} Mission
 * @property {number} id
 * @property {string} title
 * @property {string} destination
 * @property {string} timezone
 * @property {string} start_date
 * @property {string} end_date
 * @property {'outgoing'|'incoming'} direction
 * @property {'online'|'hybrid'} format
 * @property {string[]} sectors
 * @property {string} description
 * @property {number} webinar_max_minutes
 */

/**
 * @typedef {object} MissionView
 * @property {Mission} mission
 * @property {string} role
 * @property {string | null} side
 * @property {string[]} permissions
 */

/** @type {Map<number, {at: number, view: Promise<MissionView>}>} */
const cache = new Map();

/** A mission as I see it (cached for half a minute, so moving between tabs is instant). @param {number} id */
export function loadMission(id) {
  const hit = cache.get(id);
  if (hit && Date.now() - hit.at < 30_000) return hit.view;
  const view = get(`/api/missions/${id}`);
  cache.set(id, { at: Date.now(), view });
  view.catch(() => cache.delete(id));
  return view;
}

/** Forget a cached mission (after editing it). @param {number} id */
export function forgetMission(id) {
  cache.delete(id);
}

/**
 * The unread direct messages of this mission, kept up to date while the element is on the page.
 * @param {number} missionId
 */
export function unreadBadge(missionId) {
  const live = missionLive(missionId);
  const count = h('span', { class: 'unread-count', 'aria-hidden': 'true' });
  const sr = h('span', { class: 'sr-only' });
  const el = h('span', { class: 'unread', dataset: { count: '0' } }, count, sr);
  const update = () => {
    if (!el.isConnected && el.dataset.drawn) {
      live.removeEventListener('unread', update);
      return;
    }
    el.dataset.drawn = '1';
    const n = live.unread();
    el.dataset.count = String(n);
    el.hidden = n === 0;
    count.textContent = n > 99 ? '99+' : String(n);
    sr.textContent = ` (${tn('lobby.unread', n)})`;
  };
  live.addEventListener('unread', update);
  update();
  return el;
}

/**
 * The mission's title block and tabs.
 * @param {MissionView} view @param {'programme'|'lobby'|'directory'|'matchmaking'|'schedule'|'organise'|'person'} active
 */
export function missionHeader(view, active) {
  const m = view.mission;
  // A person's page belongs under "People": marked as the active section, though it is not that page.
  const tab = (/** @type {string} */ key, /** @type {string} */ href, /** @type {any} */ ico, /** @type {any} */ extra = null) => h('a', {
    href, class: ['tab', `tab-${key}`, active === 'person' && key === 'directory' && 'is-active'],
    'aria-current': active === key ? 'page' : undefined,
  }, icon(ico), h('span', null, t(`tabs.${key}`)), extra);
  return h('div', { class: 'mission-head' },
    h('div', { class: 'mission-title' },
      h('p', { class: 'eyebrow' }, t(`direction.${m.direction}`), ' · ', t(`format.${m.format}`)),
      h(active === 'programme' ? 'h1' : 'p', { class: 'mission-name', tabindex: active === 'programme' ? '-1' : undefined },
        m.title),
      h('ul', { class: 'meta-list inline' },
        h('li', null, icon('pin'), m.destination),
        h('li', null, icon('calendar'), formatDateRange(m.start_date, m.end_date)),
        h('li', null, badge(t(`role.${view.role}`), 'role'),
          view.side ? badge(t(`side.${view.side}`), `side-${view.side}`) : null))),
    tabStrip(h('nav', { class: 'tabs', 'aria-label': t('tabs.label') },
      tab('programme', `/m/${m.id}`, 'calendar'),
      tab('lobby', `/m/${m.id}/lobby`, 'chat', unreadBadge(m.id)),
      tab('directory', `/m/${m.id}/directory`, 'users'),
      tab('matchmaking', `/m/${m.id}/matchmaking`, 'handshake'),
      tab('schedule', `/m/${m.id}/schedule`, 'clock'),
      view.permissions.includes('invite') ? tab('organise', `/m/${m.id}/organise`, 'mail') : null)));
}

/**
 * A strip of tabs wider than the screen (a phone) scrolls sideways: once on the page, the current tab is scrolled
 * to the middle, never left cut off at an edge, and an edge with more tabs past it fades.
 * @param {HTMLElement} nav
 */
function tabStrip(nav) {
  const edges = () => {
    const start = nav.scrollLeft > 2;
    const end = nav.scrollLeft + nav.clientWidth < nav.scrollWidth - 2;
    if (start || end) nav.dataset.more = start && end ? 'both' : start ? 'start' : 'end';
    else delete nav.dataset.more;
  };
  // The strip is built before its page is on screen: the current tab is brought into view once the strip has a
  // width, and again whenever that width changes (a phone turned sideways) and leaves it cut off.
  new ResizeObserver(() => {
    const current = /** @type {HTMLElement | null} */ (nav.querySelector('[aria-current="page"], .is-active'));
    const cut = current && (current.offsetLeft < nav.scrollLeft
      || current.offsetLeft + current.offsetWidth > nav.scrollLeft + nav.clientWidth);
    if (current && cut && nav.clientWidth > 0) {
      nav.scrollLeft = current.offsetLeft - (nav.clientWidth - current.offsetWidth) / 2;
    }
    edges();
  }).observe(nav);
  nav.addEventListener('scroll', edges, { passive: true });
  return nav;
}

/** The route's mission id. @param {string[]} params */
export function missionId(params) {
  return Number(params[0]);
}
