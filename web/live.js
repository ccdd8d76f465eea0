// @ts-check
/**
 * The live state of the mission this tab is in: one Connection (protocol.js), the mission's lobby (presence,
 * chat, the current announcement) and the person's inbox (direct messages, unread counts). No DOM in here:
 * pages subscribe to its events and draw.
 *
 * It lives as long as the tab stays inside a mission, so the Lobby tab can count unread direct messages on
 * every mission page, and moving between tabs costs no reconnect. Leaving the mission pages stops it.
 *
 * Events (CustomEvent on the store): 'state' (connection state), 'chat-reset', 'chat-add' (detail: frame),
 * 'chat-remove' (detail: seq), 'announcement', 'presence', 'dm' (detail: frame), 'dm-reset', 'unread',
 * 'outbox', 'problem' (detail: {code, message} from the server that no request waits for).
 */

import { Connection } from './protocol.js';

/**
 * @typedef {{user_id: number, name: string, organisation: string}} Author
 * @typedef {{user_id: number, name: string, organisation: string, org_type: string, side: string|null,
 *            country: string, status: string}} Member
 * @typedef {{type: 'event', room: string, seq: number, at: string, event: any}} EventFrame
 * @typedef {{id: number, kind: 'chat'|'dm', room: string, to: number|null, text: string,
 *            state: 'sending'|'failed', error: string, seq?: number}} Outgoing
 */

export const STATUSES = ['available', 'in-meeting', 'do-not-disturb', 'invisible'];
const STATUS_KEY = 'rt.status';
const MAX_CHAT = 500;

function storedStatus() {
  try {
    const s = localStorage.getItem(STATUS_KEY);
    if (s && STATUSES.includes(s)) return s;
  } catch { /* storage disabled */ }
  return 'available';
}

export class MissionLive extends EventTarget {
  /** @param {number} missionId */
  constructor(missionId) {
    super();
    this.conn = Connection.forPage();
    this.mission = missionId;
    /** @type {{id: number, name: string} | null} who the server says we are */
    this.me = null;
    this.status = storedStatus();
    this.lobbyRoom = `lobby:${missionId}`;
    this.inboxRoom = /** @type {string|null} */ (null);
    this.lobbyReady = false;
    this.inboxReady = false;
    /** chat and announcements in the lobby, by seq (in seq order: events arrive in order) @type {Map<number, EventFrame>} */
    this.chat = new Map();
    /** @type {EventFrame|null} */
    this.announcement = null;
    /** the people loaded of the lobby (all of a small one; pages of a large one) @type {Map<number, Member>} */
    this.presence = new Map();
    /** how many people the lobby lists (the server's counts, kept right by presence events) @type {Counts} */
    this.counts = emptyCounts();
    /** the cursor of the lobby's next page of people, or null when all are loaded @type {number|null} */
    this.presenceNext = null;
    this.loadingMore = false;
    /** direct messages in my inbox, by seq (all missions) @type {Map<number, EventFrame>} */
    this.dms = new Map();
    /** what we know of people's names (from presence, messages and profiles) @type {Map<number, {name: string, organisation: string}>} */
    this.people = new Map();
    /** messages written here and not yet acknowledged @type {Map<number, Outgoing>} */
    this.outbox = new Map();
    this.nextLocal = 1;
    /** the last seq read per other person @type {Record<string, number>} */
    this.read = {};

    const c = this.conn;
    c.addEventListener('state', () => this.emit('state'));
    c.addEventListener('welcome', (e) => this.onWelcome(/** @type {CustomEvent} */ (e).detail));
    c.addEventListener('joined', (e) => this.onJoined(/** @type {CustomEvent} */ (e).detail));
    c.addEventListener('reset', (e) => this.onReset(/** @type {CustomEvent} */ (e).detail));
    c.addEventListener('event', (e) => this.onEvent(/** @type {CustomEvent} */ (e).detail));
    c.addEventListener('presence', (e) => this.onPresence(/** @type {CustomEvent} */ (e).detail));
    c.addEventListener('error-frame', (e) => {
      const f = /** @type {CustomEvent} */ (e).detail;
      this.emit('problem', { code: f.code, message: f.message });
    });
    c.join(this.lobbyRoom, { status: this.status }).catch(() => {});
    c.connect();
  }

  /** @param {string} type @param {any} [detail] */
  emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  get state() {
    return this.conn.state;
  }

  /** Move to another mission: leave its lobby, join this one (the inbox stays). @param {number} missionId */
  switchMission(missionId) {
    if (missionId === this.mission) return;
    this.conn.leave(this.lobbyRoom).catch(() => {});
    this.mission = missionId;
    this.lobbyRoom = `lobby:${missionId}`;
    this.lobbyReady = false;
    this.chat.clear();
    this.presence.clear();
    this.counts = emptyCounts();
    this.presenceNext = null;
    this.announcement = null;
    for (const [id, o] of this.outbox) if (o.kind === 'chat') this.outbox.delete(id);
    this.conn.join(this.lobbyRoom, { status: this.status }).catch(() => {});
    this.emit('chat-reset');
    this.emit('presence');
    this.emit('announcement');
    this.emit('unread');
  }

  stop() {
    this.conn.close();
  }

  // -- from the server ---------------------------------------------------------------------------------------

  /** @param {any} frame */
  onWelcome(frame) {
    if (this.me && this.me.id !== frame.user.id) {
      // Someone else signed in in this browser: nothing of the previous person may stay on screen.
      this.dms.clear();
      this.people.clear();
      this.outbox.clear();
      if (this.inboxRoom) this.conn.leave(this.inboxRoom).catch(() => {});
      this.inboxRoom = null;
      this.inboxReady = false;
      this.emit('dm-reset');
    }
    this.me = { id: frame.user.id, name: frame.user.name };
    this.people.set(frame.user.id, { name: frame.user.name, organisation: this.people.get(frame.user.id)?.organisation || '' });
    this.loadRead();
    if (this.inboxRoom !== frame.inbox) {
      // The inbox is joined once; after that protocol.js rejoins it (with `since`) on every reconnect.
      this.inboxRoom = frame.inbox;
      // After protocol.js has rejoined the rooms it knows, so the inbox is not joined twice.
      queueMicrotask(() => this.conn.join(frame.inbox).catch(() => {}));
    }
  }

  /** @param {any} frame */
  onJoined(frame) {
    if (frame.room === this.lobbyRoom) {
      this.presence.clear();
      for (const m of frame.presence || []) this.addMember(m);
      this.counts = frame.counts ? copyCounts(frame.counts) : countsOf(frame.presence || []);
      this.presenceNext = frame.presence_next ?? null;
      this.setAnnouncement(frame.announcement || null);
      this.lobbyReady = true;
      this.emit('presence');
      this.emit('announcement');
    } else if (frame.room === this.inboxRoom) {
      this.inboxReady = true;
      this.emit('unread');
    }
  }

  /** @param {any} frame */
  onReset(frame) {
    if (frame.room === this.lobbyRoom) {
      this.chat.clear();
      for (const e of frame.history || []) {
        if (e.event.kind === 'chat' || e.event.kind === 'announcement') {
          this.chat.set(e.seq, e);
          this.learn(e.event.author);
        }
      }
      this.emit('chat-reset');
    } else if (frame.room === this.inboxRoom) {
      this.dms.clear();
      for (const e of frame.history || []) if (e.event.kind === 'dm') this.addDm(e);
      this.emit('dm-reset');
      this.emit('unread');
    }
  }

  /** @param {EventFrame} frame */
  onEvent(frame) {
    const ev = frame.event;
    if (frame.room === this.lobbyRoom) {
      if (ev.kind === 'chat' || ev.kind === 'announcement') {
        this.learn(ev.author);
        this.chat.set(frame.seq, frame);
        if (this.chat.size > MAX_CHAT) this.chat.delete(/** @type {number} */ (this.chat.keys().next().value));
        if (ev.author.user_id === this.me?.id) this.settle('chat', frame.seq, frame.room, null, ev.text);
        this.emit('chat-add', frame);
        if (ev.kind === 'announcement') {
          this.setAnnouncement(frame);
          this.emit('announcement');
        }
      } else if (ev.kind === 'removed') {
        const had = this.chat.delete(ev.target_seq);
        if (this.announcement && this.announcement.seq === ev.target_seq) {
          // Fall back to the latest announcement still shown, if we have one.
          const earlier = [...this.chat.values()].filter((f) => f.event.kind === 'announcement').pop() || null;
          this.setAnnouncement(earlier);
          this.emit('announcement');
        }
        if (had) this.emit('chat-remove', ev.target_seq);
      }
    } else if (frame.room === this.inboxRoom && ev.kind === 'dm') {
      this.addDm(frame);
      if (ev.author.user_id === this.me?.id) this.settle('dm', frame.seq, null, ev.to, ev.text);
      this.emit('dm', frame);
      this.emit('unread');
    }
  }

  /** @param {any} frame */
  onPresence(frame) {
    if (frame.room !== this.lobbyRoom) return;
    switch (frame.type) {
      case 'presence':
        this.presence.clear();
        for (const m of frame.members || []) this.addMember(m);
        this.counts = countsOf(frame.members || []);
        this.presenceNext = null;
        break;
      case 'presence-join': {
        // Sent once per arrival (or return from invisible): one more listed, loaded or not — unless the page we
        // loaded already had them (they arrived between the server reading it and this tab getting the event).
        const known = this.presence.get(frame.member.user_id);
        if (!known || known.status === 'invisible') bump(this.counts, frame.member, 1);
        this.addMember(frame.member);
        break;
      }
      case 'presence-update':
        this.addMember(frame.member);
        break;
      case 'presence-batch':
        // Its changes came first (protocol.js); its counts are the room's after them.
        this.counts = copyCounts(frame.counts || {});
        break;
      case 'presence-leave': {
        // The leave names what the person was counted under: they may be on a page this tab never loaded.
        const known = this.presence.get(frame.user_id);
        // Only a listed person leaves (me too: my own tab shows me as invisible before this comes).
        bump(this.counts, frame.org_type ? frame : known, -1);
        // While this tab is here, a "leave" about me only means I went invisible: I still see myself.
        if (frame.user_id === this.me?.id) break;
        this.presence.delete(frame.user_id);
        break;
      }
      default:
        return;
    }
    this.emit('presence');
  }

  /** The lobby's next page of people (a large lobby's joined frame carries the first). */
  async loadMorePresence() {
    if (this.presenceNext === null || this.loadingMore) return;
    const room = this.lobbyRoom;
    this.loadingMore = true;
    this.emit('presence');
    try {
      const page = await this.conn.presencePage(room, this.presenceNext);
      if (room !== this.lobbyRoom) return; // moved to another mission meanwhile
      for (const m of page.members || []) this.addMember(m);
      this.counts = copyCounts(page.counts);
      this.presenceNext = page.next ?? null;
    } catch (/** @type {any} */ err) {
      this.emit('problem', { code: err?.code, message: err?.message });
    } finally {
      this.loadingMore = false;
      this.emit('presence');
    }
  }

  /** @param {Member} m */
  addMember(m) {
    this.presence.set(m.user_id, m);
    this.people.set(m.user_id, { name: m.name, organisation: m.organisation });
  }

  /** @param {Author|undefined} a */
  learn(a) {
    if (a && a.user_id) this.people.set(a.user_id, { name: a.name, organisation: a.organisation });
  }

  /** @param {EventFrame|null} frame */
  setAnnouncement(frame) {
    this.announcement = frame;
  }

  /** @param {EventFrame} frame */
  addDm(frame) {
    this.dms.set(frame.seq, frame);
    this.learn(frame.event.author);
  }

  // -- direct messages ----------------------------------------------------------------------------------------

  /** The other person in a direct message. @param {EventFrame} frame */
  otherOf(frame) {
    const ev = frame.event;
    return ev.author.user_id === this.me?.id ? ev.to : ev.author.user_id;
  }

  /** This mission's direct messages, grouped by the other person, newest thread first. */
  threads() {
    /** @type {Map<number, EventFrame[]>} */
    const byPerson = new Map();
    for (const f of this.dms.values()) {
      if (f.event.mission_id !== this.mission) continue;
      const other = this.otherOf(f);
      if (!byPerson.has(other)) byPerson.set(other, []);
      /** @type {EventFrame[]} */ (byPerson.get(other)).push(f);
    }
    return [...byPerson].map(([other, messages]) => ({
      other, messages, last: messages[messages.length - 1], unread: this.unreadFrom(other),
    })).sort((a, b) => b.last.seq - a.last.seq);
  }

  /** @param {number} other */
  thread(other) {
    return [...this.dms.values()].filter((f) => f.event.mission_id === this.mission && this.otherOf(f) === other);
  }

  /** Unread messages from one person in this mission. @param {number} other */
  unreadFrom(other) {
    const mark = this.read[String(other)] || 0;
    let n = 0;
    for (const f of this.dms.values()) {
      if (f.event.mission_id === this.mission && f.event.author.user_id === other && f.seq > mark) n += 1;
    }
    return n;
  }

  /** Unread direct messages in this mission. */
  unread() {
    let n = 0;
    for (const f of this.dms.values()) {
      const ev = f.event;
      if (ev.mission_id !== this.mission || ev.author.user_id === this.me?.id) continue;
      if (f.seq > (this.read[String(ev.author.user_id)] || 0)) n += 1;
    }
    return n;
  }

  /** Everything from this person so far has been seen. @param {number} other */
  markRead(other) {
    const last = this.thread(other).pop();
    if (!last || (this.read[String(other)] || 0) >= last.seq) return;
    this.read[String(other)] = last.seq;
    this.saveRead();
    this.emit('unread');
  }

  readKey() {
    return `rt.dmRead.${this.me?.id}`;
  }

  loadRead() {
    try {
      const raw = localStorage.getItem(this.readKey());
      const parsed = raw ? JSON.parse(raw) : {};
      this.read = parsed && typeof parsed === 'object' ? parsed : {};
    } catch {
      this.read = {};
    }
  }

  saveRead() {
    try {
      localStorage.setItem(this.readKey(), JSON.stringify(this.read));
    } catch { /* storage full or disabled: unread counts reset on reload */ }
  }

  // -- writing ------------------------------------------------------------------------------------------------

  /**
   * Send a chat message (kind 'chat') or a direct message (kind 'dm'). It waits in the outbox until the server
   * has stored it; across a reconnect protocol.js sends it again with the same key, so it is stored once.
   * @param {'chat'|'dm'} kind @param {string} text @param {number|null} [to]
   */
  send(kind, text, to = null) {
    const id = this.nextLocal++;
    /** @type {Outgoing} */
    const item = { id, kind, room: this.lobbyRoom, to, text, state: 'sending', error: '' };
    this.outbox.set(id, item);
    this.emit('outbox');
    const sent = kind === 'chat'
      ? this.conn.say(this.lobbyRoom, text)
      : this.conn.direct(this.mission, /** @type {number} */ (to), text);
    sent.then((/** @type {any} */ ack) => {
      if (!this.outbox.has(id)) return;
      // Stored. It leaves the outbox when its event is here (the ack may overtake the event).
      const seen = kind === 'chat' ? this.chat.has(ack.seq) : this.dms.has(ack.seq);
      if (seen || typeof ack.seq !== 'number') this.outbox.delete(id);
      else item.seq = ack.seq;
      this.emit('outbox');
    }, (/** @type {any} */ err) => {
      if (!this.outbox.has(id)) return;
      item.state = 'failed';
      item.error = err?.code || 'internal';
      this.emit('outbox');
    });
    return id;
  }

  /** Forget a failed message. @param {number} id */
  discard(id) {
    if (this.outbox.delete(id)) this.emit('outbox');
  }

  /** Send a failed message again. @param {number} id */
  retry(id) {
    const item = this.outbox.get(id);
    if (!item) return;
    this.outbox.delete(id);
    this.send(item.kind, item.text, item.to);
  }

  /**
   * Our own message arrived as an event: take it out of the outbox. By the seq its ack gave, or, when the event
   * overtook the ack, by its text (the server keeps the text as typed, apart from trailing space).
   * @param {'chat'|'dm'} kind @param {number} seq @param {string|null} room @param {number|null} to
   * @param {string} text
   */
  settle(kind, seq, room, to, text) {
    let found = [...this.outbox.values()].find((o) => o.kind === kind && o.seq === seq);
    found ??= [...this.outbox.values()].find((o) => o.kind === kind && o.state === 'sending' && o.seq === undefined
      && (kind === 'chat' ? o.room === room : o.to === to) && o.text.trimEnd() === text);
    if (found) {
      this.outbox.delete(found.id);
      this.emit('outbox');
    }
  }

  /** @param {string} text */
  announce(text) {
    return this.conn.announce(this.mission, text);
  }

  /** @param {number} seq */
  remove(seq) {
    return this.conn.remove(this.lobbyRoom, seq);
  }

  /** @param {string} status */
  setStatus(status) {
    this.status = status;
    try {
      localStorage.setItem(STATUS_KEY, status);
    } catch { /* ignore */ }
    const mine = this.me && this.presence.get(this.me.id);
    if (mine) {
      this.presence.set(mine.user_id, { ...mine, status });
      this.emit('presence');
    }
    // Remembered for the next (re)join even when the request cannot go now.
    return this.conn.setStatus(this.lobbyRoom, status).catch((/** @type {any} */ err) => {
      if (err?.code !== 'offline' && err?.code !== 'disconnected') throw err;
      return null;
    });
  }

  reconnect() {
    this.conn.retryNow();
  }
}

/** @typedef {{total: number, sides: Record<string, number>, org_types: Record<string, number>}} Counts */

/** @returns {Counts} */
function emptyCounts() {
  return { total: 0, sides: {}, org_types: {} };
}

/** @param {{total?: number, sides?: Record<string, number>, org_types?: Record<string, number>}} c @returns {Counts} */
function copyCounts(c) {
  return { total: c.total || 0, sides: { ...(c.sides || {}) }, org_types: { ...(c.org_types || {}) } };
}

/** Counts of a complete list (a lobby answered before counts existed, a `presence` snapshot). @param {Member[]} members */
function countsOf(members) {
  const c = emptyCounts();
  for (const m of members) if (m.status !== 'invisible') bump(c, m, 1);
  return c;
}

/** @param {Counts} c @param {{side?: string|null, org_type?: string}|undefined} who @param {number} d */
function bump(c, who, d) {
  c.total = Math.max(0, c.total + d);
  if (!who) return;
  if (who.side) c.sides[who.side] = Math.max(0, (c.sides[who.side] || 0) + d);
  if (who.org_type) c.org_types[who.org_type] = Math.max(0, (c.org_types[who.org_type] || 0) + d);
}

/** @type {MissionLive|null} */
let current = null;

/** The live state for this mission, started on first use. @param {number} missionId */
export function missionLive(missionId) {
  if (!current) {
    current = new MissionLive(missionId);
    if (new URLSearchParams(location.search).has('test')) {
      // A hook for the browser tests (only with ?test in the address): reach the connection directly.
      /** @type {any} */ (window).__roundtable = {
        get live() { return current; },
        get conn() { return current?.conn; },
        drop: () => current?.conn.drop(),
      };
    }
  } else {
    current.switchMission(missionId);
  }
  return current;
}

/** The running live state, if any. */
export function runningLive() {
  return current;
}

/** Stop the live state (leaving the mission pages, signing out). */
export function stopLive() {
  current?.stop();
  current = null;
}
