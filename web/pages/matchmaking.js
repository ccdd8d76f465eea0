// @ts-check
/**
 * /m/<mission>/matchmaking — people worth meeting (with the reason in my language), requesting a meeting in
 * up to five slots, my incoming and outgoing requests, my availability, and live notifications.
 */

import { get } from '../api.js';
import { h, replace } from '../dom.js';
import { countryName, t } from '../i18n.js';
import { missionLive } from '../live.js';
import { availabilityGrid } from '../matchmaking/availability.js';
import { flatSlots, loadZones, mmError, reasonText, sectionTitle } from '../matchmaking/common.js';
import { bell, Notifications, toasts } from '../matchmaking/notifications.js';
import { requestsView } from '../matchmaking/requests.js';
import { requestMeetingButton } from '../matchmaking/request-button.js';
import { loadMission, missionHeader, missionId } from '../mission-common.js';
import { zoneCity } from '../time.js';
import { avatar, badge, button, empty, loading } from '../ui.js';
import { viewerZone } from './mission.js';

/** A recommendation's person, whichever card shape the API sends. @param {any} person */
function personOf(person) {
  const p = person.profile || person;
  return { user_id: p.user_id ?? person.user_id, name: p.name, organisation: p.organisation || '', job_title: p.job_title || '',
    org_type: p.org_type, side: person.side ?? p.side ?? null, country: p.country || '', sectors: p.sectors || [] };
}

/** How many recommendations a phone shows before "show more" (the CSS says the same: nth-child(n+7)). */
const FIRST_RECS = 6;

/** @param {import('../app.js').PageContext} ctx */
export async function render(ctx) {
  const mid = missionId(ctx.params);
  const [view, who] = await Promise.all([loadMission(mid), ctx.me()]);
  const m = view.mission;
  const meId = /** @type {any} */ (who).user.id;
  const mine = viewerZone();
  const zones = await loadZones(mid, m.timezone);
  const live = missionLive(mid);
  const notes = new Notifications(live, mid);
  /** @type {import('../matchmaking/common.js').Slot[]} */
  let slots = [];

  const recBox = h('div', { id: 'mm-recs' }, loading());
  const reqBox = h('div', { id: 'requests' }, loading());
  const availBox = h('div', null, loading());

  const loadSlots = async () => {
    try {
      const data = await get(`/api/missions/${mid}/matchmaking/slots`, { signal: ctx.signal });
      slots = flatSlots(data);
    } catch (err) {
      if (!ctx.signal.aborted) availBox.replaceChildren(h('p', { class: 'status error' }, mmError(err)));
      return;
    }
    availBox.replaceChildren(availabilityGrid(slots, { mid, mine, zones, mySide: view.side, changed: () => loadSlots() }));
  };
  const loadRequests = async () => {
    try {
      const data = await get(`/api/missions/${mid}/meetings/requests`, { signal: ctx.signal });
      const list = Array.isArray(data) ? data : [...(data?.incoming || []), ...(data?.outgoing || []), ...(data?.requests || [])];
      reqBox.replaceChildren(requestsView(list, { me: meId, mySide: view.side, mine, zones, slots: () => slots, mid,
        changed: () => { loadRequests(); loadSlots(); } }));
    } catch (err) {
      if (!ctx.signal.aborted) reqBox.replaceChildren(h('p', { class: 'status error' }, mmError(err)));
    }
  };
  const loadRecs = async () => {
    try {
      const recs = await get(`/api/missions/${mid}/matchmaking/recommendations?limit=20`, { signal: ctx.signal });
      const list = Array.isArray(recs) ? recs : (recs?.items || []);
      if (!list.length) {
        recBox.replaceChildren(empty(t('mm.noRecs'), t('mm.noRecsText')));
        return;
      }
      // On a phone the best few first, so that my availability stays within reach; the rest on demand (CSS
      // hides them and this button only at phone width: a desktop shows them all beside my requests).
      const grid = h('ul', { class: 'card-grid rec-grid', role: 'list' }, list.map((/** @type {any} */ r) => recCard(r)));
      const rest = list.length - FIRST_RECS;
      const more = rest > 0 ? button(t('mm.showMore', { n: rest }), { attrs: { id: 'mm-more-recs' }, onclick: () => {
        grid.classList.add('is-open');
        more?.remove();
        /** @type {HTMLElement|null} */ (grid.children[FIRST_RECS]?.querySelector('a'))?.focus();
      } }) : null;
      replace(recBox, grid, more ? h('div', { class: 'rec-more-row' }, more) : null);
    } catch (err) {
      if (!ctx.signal.aborted) recBox.replaceChildren(h('p', { class: 'status error' }, mmError(err)));
    }
  };

  /** @param {any} r */
  const recCard = (r) => {
    const p = personOf(r.person);
    const reasons = /** @type {any[]} */ (r.reasons || []);
    const ask = requestMeetingButton(rq, { user_id: p.user_id, name: p.name, side: p.side }, { className: 'rec-request' });
    return h('li', { class: 'card rec-card', dataset: { userId: p.user_id } },
      h('div', { class: 'person-top' }, avatar(p.name),
        h('div', { class: 'person-id' },
          h('h3', null, h('a', { href: `/m/${mid}/people/${p.user_id}` }, p.name)),
          h('p', { class: 'muted' }, [p.job_title, p.organisation].filter(Boolean).join(' · ')))),
      h('div', { class: 'badges' }, p.side ? badge(t(`side.${p.side}`), `side-${p.side}`) : null,
        p.org_type ? badge(t(`org.${p.org_type}`), 'org') : null,
        p.country ? h('span', { class: 'muted small' }, countryName(p.country)) : null),
      reasons.length ? h('p', { class: 'rec-reason' }, reasonText(reasons[0])) : null,
      reasons.length > 1 ? h('ul', { class: 'rec-more small muted' }, reasons.slice(1, 3).map((x) => h('li', null, reasonText(x)))) : null,
      h('div', { class: 'rec-actions' }, ask));
  };

  /** The request buttons of this page; a request sent shows in my requests at once. */
  const rq = { mid, onSent: () => loadRequests() };
  notes.addEventListener('arrived', () => { loadRequests(); loadSlots(); });
  ctx.signal.addEventListener('abort', () => notes.close());
  await loadSlots();
  loadRecs();
  loadRequests();

  const zoneNote = mine !== m.timezone ? t('mm.zoneNote', { mine: zoneCity(mine), mission: zoneCity(m.timezone) })
    : t('mm.zoneNoteSame', { mine: zoneCity(mine) });
  const node = h('div', { class: 'mission-page mm-page' },
    missionHeader(view, 'matchmaking'),
    h('div', { class: 'page-head' },
      h('div', null, h('h1', { tabindex: '-1' }, t('mm.title')), h('p', { class: 'lead' }, t('mm.lead')),
        h('p', { class: 'muted small' }, zoneNote)),
      h('div', { class: 'actions' }, bell(notes, mid, mine),
        h('a', { href: `/m/${mid}/schedule`, class: 'btn btn-secondary' }, t('sched.title')))),
    // One grid: on a desktop the recommendations beside my requests and availability; on a phone (and in
    // reading order) my requests first, as someone may be waiting for an answer, then the people, then my availability.
    h('div', { class: 'mm-layout' },
      h('section', { class: 'card mm-section mm-req', 'aria-labelledby': 'mm-req-h' }, sectionTitle('mail', t('mm.requests'), 'mm-req-h'), reqBox),
      h('section', { class: 'mm-section mm-recs', 'aria-labelledby': 'mm-recs-h' }, sectionTitle('handshake', t('mm.recommended'), 'mm-recs-h'), recBox),
      h('section', { class: 'card mm-section mm-avail', 'aria-labelledby': 'mm-av-h' }, sectionTitle('clock', t('mm.availability'), 'mm-av-h'), availBox)),
    toasts(notes, mid));
  return { title: `${t('mm.title')} · ${m.title}`, node };
}
