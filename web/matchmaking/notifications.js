// @ts-check
/**
 * Matchmaking notifications: the `n-*` events of my inbox room. The first page comes from
 * GET /api/notifications?mission=; after that they arrive live on the tab's connection (the inbox room is
 * joined by live.js). No DOM in the store; `bell()` draws the badge and the list.
 */

import { get, post } from '../api.js';
import { h, icon } from '../dom.js';
import { t, tn } from '../i18n.js';
import { browserZone, formatDateTime } from '../time.js';

/** @typedef {{seq: number, at: string, read: boolean, event: any}} Note */

/** @param {any} raw @returns {Note|null} */
function normalise(raw) {
  if (!raw) return null;
  const event = raw.event && typeof raw.event === 'object' ? raw.event : raw;
  if (typeof event.kind !== 'string' || !event.kind.startsWith('n-')) return null;
  return { seq: Number(raw.seq), at: raw.at || raw.created_at || '', read: Boolean(raw.read), event };
}

/** The name of the other person a notification is about, whatever field the event uses. @param {any} ev */
export function otherName(ev) {
  const c = ev.other || ev.from || ev.by || ev.person || ev.with || null;
  return (c && c.name) || ev.name || '';
}

export class Notifications extends EventTarget {
  /** @param {import('../live.js').MissionLive} live @param {number} mission */
  constructor(live, mission) {
    super();
    this.live = live;
    this.mission = mission;
    /** @type {Map<number, Note>} */
    this.notes = new Map();
    this.readUpto = 0;
    this.onEvent = (/** @type {Event} */ e) => {
      const f = /** @type {CustomEvent} */ (e).detail;
      if (f.room !== this.live.inboxRoom) return;
      const n = normalise({ seq: f.seq, at: f.at, read: false, event: f.event });
      if (!n || (n.event.mission_id !== undefined && n.event.mission_id !== this.mission)) return;
      this.notes.set(n.seq, n);
      this.emit('change');
      this.emit('arrived', n);
    };
    live.conn.addEventListener('event', this.onEvent);
    this.load();
  }

  async load() {
    try {
      const data = await get(`/api/notifications?mission=${this.mission}`);
      const items = Array.isArray(data) ? data : (data?.items || data?.notifications || []);
      for (const raw of items) {
        const n = normalise(raw);
        if (n && !this.notes.has(n.seq)) this.notes.set(n.seq, n);
      }
      this.emit('change');
    } catch { /* the live ones still arrive */ }
  }

  /** Newest first. */
  list() {
    return [...this.notes.values()].sort((a, b) => b.seq - a.seq);
  }

  unread() {
    return this.list().filter((n) => !n.read && n.seq > this.readUpto).length;
  }

  async markAllRead() {
    const top = this.list()[0];
    if (!top) return;
    this.readUpto = top.seq;
    for (const n of this.notes.values()) n.read = true;
    this.emit('change');
    try {
      await post('/api/notifications/read', { upto_seq: top.seq });
    } catch { /* shown as read here; the server learns next time */ }
  }

  close() {
    this.live.conn.removeEventListener('event', this.onEvent);
  }

  /** @param {string} type @param {any} [detail] */
  emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}

/** One line for a notification, in my language. @param {any} ev */
export function noteText(ev) {
  // A place given from the waiting list says when the item starts (in my own zone).
  const day = ev.day || (ev.kind === 'n-place' && ev.starts_at ? formatDateTime(ev.starts_at, browserZone()) : '');
  return t(`mm.n.${ev.kind}`, { name: otherName(ev) || t('mm.someone'), title: ev.title || '', day });
}

/** Where a notification leads. @param {any} ev @param {number} mid */
export function noteHref(ev, mid) {
  if (ev.kind === 'n-webinar') return `/m/${mid}/webinar/${ev.item_id}`;
  if (ev.kind === 'n-place') return `/m/${mid}#item-${ev.item_id}`;
  if (ev.kind === 'n-digest') return `/m/${mid}/schedule`;
  if (ev.kind === 'n-lead-due' || ev.kind === 'n-lead') return ev.lead_id ? `/leads#lead-${ev.lead_id}` : `/leads?mission=${mid}`;
  if (ev.meeting_id && (ev.kind === 'n-starting' || ev.kind === 'n-accepted' || ev.kind === 'n-booked')) {
    return ev.kind === 'n-starting' ? `/m/${mid}/meeting/${ev.meeting_id}` : `/m/${mid}/schedule`;
  }
  return `/m/${mid}/matchmaking#requests`;
}

/**
 * The bell: a button with the unread count that opens the list (a disclosure, so Escape and Tab behave).
 * @param {Notifications} store @param {number} mid @param {string} zone
 */
export function bell(store, mid, zone) {
  const count = h('span', { class: 'bell-count', 'aria-hidden': 'true' });
  const label = h('span', { class: 'sr-only' });
  const btn = h('button', { type: 'button', class: 'btn btn-secondary bell', 'aria-expanded': 'false',
    'aria-controls': 'mm-notes', id: 'mm-bell' }, icon('megaphone'), h('span', null, t('mm.notifications')), count, label);
  const list = h('ul', { class: 'notes-list', role: 'list' });
  const panel = h('div', { class: 'card notes-panel', id: 'mm-notes', hidden: true },
    h('div', { class: 'notes-head' }, h('h2', { class: 'small-h' }, t('mm.notifications')),
      h('button', { type: 'button', class: 'btn btn-ghost btn-small', onclick: () => store.markAllRead() },
        t('mm.markRead'))), list);
  const draw = () => {
    const n = store.unread();
    count.textContent = n > 99 ? '99+' : String(n);
    count.hidden = n === 0;
    btn.dataset.count = String(n);
    label.textContent = ` (${tn('mm.unread', n)})`;
    const notes = store.list().slice(0, 30);
    list.replaceChildren(...(notes.length ? notes.map((x) => h('li', { class: ['note', !x.read && x.seq > store.readUpto && 'is-unread'] },
      h('a', { href: noteHref(x.event, mid) }, noteText(x.event)),
      x.at ? h('span', { class: 'muted small' }, formatDateTime(x.at, zone)) : null))
      : [h('li', { class: 'muted' }, t('mm.noNotifications'))]));
  };
  const toggle = (/** @type {boolean} */ open) => {
    panel.hidden = !open;
    btn.setAttribute('aria-expanded', String(open));
  };
  btn.addEventListener('click', () => toggle(panel.hidden));
  panel.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      toggle(false);
      btn.focus();
    }
  });
  store.addEventListener('change', draw);
  draw();
  return h('div', { class: 'bell-wrap' }, btn, panel);
}

/** A polite toast area that says each arriving notification aloud. @param {Notifications} store @param {number} mid */
export function toasts(store, mid) {
  const el = h('div', { class: 'mm-toasts', role: 'status', 'aria-live': 'polite' });
  store.addEventListener('arrived', (e) => {
    const n = /** @type {CustomEvent} */ (e).detail;
    const item = h('p', { class: 'mm-toast' }, h('a', { href: noteHref(n.event, mid) }, noteText(n.event)));
    el.append(item);
    setTimeout(() => item.remove(), 8000);
  });
  return el;
}
