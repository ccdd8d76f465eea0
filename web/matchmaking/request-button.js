// @ts-check
/**
 * "Request a meeting" wherever a person appears: a directory card, a profile page, the lounge, a webinar's Q&A.
 * One component: it asks the server where I stand with the person (GET …/matchmaking/standing, the same rule that
 * refuses a request: docs/matchmaking.md, "Requesting from anywhere") and offers the request only when it stands
 * open; otherwise it says why in a few words (already requested, already meeting, they asked you, limits, a VIP
 * whom the organisers or the delegation alone may ask).
 * Look-ups of every button made in the same tick go out as one request and are remembered for the page.
 *
 * Usage: `requestMeetingButton(ctx, {user_id, name})` returns an element to put beside the person; `ctx` is one
 * object per page, `{mid, onSent?}` (give the same object to every button of the page). Anything with a
 * `data-user-id` and a name can get one, e.g. a Q&A asker: `asker.after(requestMeetingButton(ctx, {user_id:
 * Number(asker.dataset.userId), name: asker.textContent}))`.
 */

import { get, post } from '../api.js';
import { h, icon } from '../dom.js';
import { t } from '../i18n.js';
import { loadMission } from '../mission-common.js';
import { viewerZone } from '../pages/mission.js';
import { formatDayShort, formatTime, zoneCity } from '../time.js';
import { status } from '../ui.js';
import { flatSlots, loadZones, mmError, sideZone } from './common.js';
import { slotDialog } from './slot-dialog.js';

/**
 * @typedef {{mid: number, onSent?: (user: number) => void}} RequestCtx
 * @typedef {{user_id: number, name?: string, side?: string|null}} Person
 * @typedef {{user_id: number, standing: string, request_id: number|null, meeting_id: number|null,
 *            starts_at: string|null, name: string, side: string|null}} Standing
 * @typedef {{compact?: boolean, iconOnly?: boolean, label?: string, small?: boolean, variant?: string,
 *            className?: string}} ButtonOptions
 *   compact: say nothing where the rules alone keep us apart (same side, not taking meetings): on a list of many
 *   people that is noise; a profile page says it. iconOnly: a calendar icon when a request stands open, nothing
 *   otherwise (a seat at a lounge table has room for no more; the list of who is here says the rest).
 */

/** Reasons that are about the two of us, said even in a compact list; and a VIP's (few people have them, and a
 * minister's card with no request and no word why would puzzle). */
const ABOUT_US = new Set(['meeting', 'requested', 'asked-you', 'my-limit', 'their-limit', 'too-many-requests',
  'vip-by-organiser', 'vip-delegation-only']);
const MAX_BATCH = 200;

/** One page's look-ups: batched, remembered, and told to every button of a person when it changes. */
class Standings extends EventTarget {
  /** @param {number} mid */
  constructor(mid) {
    super();
    this.mid = mid;
    /** @type {Map<number, Promise<Standing|null>>} */
    this.known = new Map();
    /** @type {Map<number, (s: Standing|null) => void>} */
    this.waiting = new Map();
  }

  /** @param {number} user @returns {Promise<Standing|null>} null: not a member (or the look-up failed) */
  of(user) {
    let found = this.known.get(user);
    if (!found) {
      found = new Promise((resolve) => this.waiting.set(user, resolve));
      this.known.set(user, found);
      if (this.waiting.size === 1) queueMicrotask(() => this.flush());
    }
    return found;
  }

  async flush() {
    const batch = [...this.waiting].slice(0, MAX_BATCH);
    for (const [user] of batch) this.waiting.delete(user);
    if (this.waiting.size) queueMicrotask(() => this.flush());
    const qs = batch.map(([user]) => `person=${user}`).join('&');
    /** @type {Standing[]} */
    let found = [];
    try {
      found = await get(`/api/missions/${this.mid}/matchmaking/standing?${qs}`);
    } catch {
      for (const [user] of batch) this.known.delete(user);  // asked again by the next button drawn
    }
    const by = new Map(found.map((s) => [s.user_id, s]));
    for (const [user, resolve] of batch) resolve(by.get(user) || null);
  }

  /** The server's word after I acted (a request sent): every button of this person redraws. @param {Standing} s */
  set(s) {
    this.known.set(s.user_id, Promise.resolve(s));
    this.dispatchEvent(new CustomEvent('change', { detail: s.user_id }));
  }
}

/** @type {WeakMap<RequestCtx, Standings>} */
const pages = new WeakMap();

/** @param {RequestCtx} ctx */
function standingsOf(ctx) {
  let s = pages.get(ctx);
  if (!s) {
    s = new Standings(ctx.mid);
    pages.set(ctx, s);
  }
  return s;
}

/**
 * Open the slot dialog and send the request; resolves whether it was sent.
 * @param {RequestCtx} ctx @param {{user_id: number, name: string, side: string|null}} p
 */
export async function requestMeeting(ctx, p) {
  const view = await loadMission(ctx.mid);
  const [zones, data] = await Promise.all([loadZones(ctx.mid, view.mission.timezone),
    get(`/api/missions/${ctx.mid}/matchmaking/slots`)]);
  const mine = viewerZone();
  const other = { name: p.name, zone: sideZone(zones, p.side), side: p.side };
  let sent = null;
  const ok = await slotDialog({ title: t('mm.requestTitle', { name: p.name }),
    intro: t('mm.requestIntro', { name: p.name, zone: zoneCity(other.zone) }), slots: flatSlots(data), mine, zones,
    other, mySide: view.side, withMessage: true, submitLabel: t('mm.sendRequest'),
    submit: async (chosen, message) => {
      sent = await post(`/api/missions/${ctx.mid}/meetings/requests`, { to: p.user_id, message, slots: chosen });
    } });
  if (ok && sent) {
    standingsOf(ctx).set({ user_id: p.user_id, standing: 'requested', request_id: /** @type {any} */ (sent).id,
      meeting_id: null, starts_at: null, name: p.name, side: p.side });
    ctx.onSent?.(p.user_id);
  }
  return ok;
}

/**
 * What to show for a standing that offers no request: a short line, a link where there is something to do.
 * @param {RequestCtx} ctx @param {Standing} s @param {string} name
 */
function said(ctx, s, name) {
  const mid = ctx.mid;
  const zone = viewerZone();
  switch (s.standing) {
    case 'requested':
      return h('a', { href: `/m/${mid}/matchmaking#requests`, class: 'rq-note rq-requested' },
        t('mm.st.requested', { name }));
    case 'asked-you':
      return h('a', { href: `/m/${mid}/matchmaking#requests`, class: 'rq-note rq-asked' }, t('mm.st.askedYou', { name }));
    case 'meeting': {
      const when = s.starts_at ? `${formatDayShort(s.starts_at, zone)} ${formatTime(s.starts_at, zone)}` : '';
      return h('a', { href: `/m/${mid}/schedule`, class: 'rq-note rq-meeting' }, t('mm.st.meeting', { name, when }));
    }
    case 'my-limit':
      return h('span', { class: 'rq-note' }, t('mm.st.myLimit'));
    case 'their-limit':
      return h('span', { class: 'rq-note' }, t('mm.st.theirLimit', { name }));
    case 'too-many-requests':
      return h('span', { class: 'rq-note' }, t('mm.st.tooManyRequests'));
    case 'same-side':
      return h('span', { class: 'rq-note' }, t('mm.st.sameSide'));
    case 'not-bookable':
      return h('span', { class: 'rq-note' }, t('mm.st.notBookable', { name }));
    case 'vip-by-organiser':
      return h('span', { class: 'rq-note rq-vip' }, t('mm.st.vipByOrganiser'));
    case 'vip-delegation-only':
      return h('span', { class: 'rq-note rq-vip' }, t('mm.st.vipDelegationOnly'));
    default:
      return null;  // self, cannot-request: nothing to say beside them
  }
}

/**
 * The "Request a meeting" control for one person: empty until the server said where I stand, then the button, a
 * note saying why not, or nothing.
 * @param {RequestCtx} ctx @param {Person} person @param {ButtonOptions} [o]
 * @returns {HTMLElement}
 */
export function requestMeetingButton(ctx, person, o = {}) {
  const store = standingsOf(ctx);
  const el = h('span', { class: 'rq', dataset: { userId: person.user_id } });
  const st = status();
  /** @param {HTMLButtonElement} btn @param {string} name @param {Standing} s */
  const ask = async (btn, name, s) => {
    btn.disabled = true;
    try {
      if (await requestMeeting(ctx, { user_id: person.user_id, name, side: person.side ?? s.side ?? null })) {
        // The note that replaces the button shows it; this says it to screen readers.
        st.ok(t('mm.requestSent', { name }));
        st.el.classList.add('sr-only');
      }
    } catch (err) {
      st.error(mmError(err));
    } finally {
      btn.disabled = false;
    }
  };
  /** @param {Standing|null} s */
  const draw = (s) => {
    el.dataset.standing = s ? s.standing : 'unknown';
    if (!s) return el.replaceChildren();
    const name = person.name || s.name;
    if (o.iconOnly) {
      if (s.standing !== 'open') return el.replaceChildren(st.el);
      const label = t('mm.requestWith', { name });
      const btn = h('button', { type: 'button', class: ['btn', 'btn-icon', 'rq-btn', o.className], 'aria-label': label,
        title: label, onclick: () => ask(btn, name, s) }, icon('calendar'));
      return el.replaceChildren(btn, st.el);
    }
    if (s.standing !== 'open') {
      const note = o.compact && !ABOUT_US.has(s.standing) ? null : said(ctx, s, name);
      return el.replaceChildren(...(note ? [note] : []), st.el);
    }
    // The visible words begin the accessible name: "Request a meeting with Mike Alvarez".
    const btn = h('button', { type: 'button', class: ['btn', `btn-${o.variant || 'primary'}`, o.small !== false && 'btn-small', 'rq-btn', o.className],
      onclick: () => ask(btn, name, s) },
    h('span', null, o.label || t('mm.request')), h('span', { class: 'sr-only' }, ` ${t('mm.withName', { name })}`));
    return el.replaceChildren(btn, st.el);
  };
  const onChange = (/** @type {Event} */ e) => {
    if (/** @type {CustomEvent} */ (e).detail !== person.user_id) return;
    if (!el.isConnected && el.dataset.standing) {
      store.removeEventListener('change', onChange);
      return;
    }
    store.of(person.user_id).then(draw);
  };
  store.addEventListener('change', onChange);
  store.of(person.user_id).then(draw);
  return el;
}
