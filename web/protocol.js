// The Roundtable protocol client (docs/protocol.md): one WebSocket per tab, hello/welcome, rooms with
// sequenced resume, idempotent writes, automatic reconnect with backoff and jitter. No UI in here.

const SUBPROTOCOL = 'roundtable.v1';
const VERSION = 1;
const DO_NOT_RECONNECT = (/** @type {number} */ code) => code >= 4400 && code < 4500;
// A socket can die without a close frame (a laptop lid, a lost Wi-Fi): ping now and then, and give up on a
// socket whose pong does not come back in time.
const HEARTBEAT_MS = 25000;
const PONG_TIMEOUT_MS = 10000;
// A keyed write refused with 'database-unavailable' (nothing stored) is sent again, same key, this often.
const DB_RETRY_MS = 2000;
const DB_RETRIES = 30;

/**
 * @typedef {{type: string, id?: string, [key: string]: any}} Frame
 * @typedef {'connecting'|'open'|'reconnecting'|'closed'} State
 * @typedef {{resolve: (f: Frame) => void, reject: (e: ProtocolError) => void, frame: Frame, retry: boolean,
 *   attempts?: number}} Pending
 */

export class ProtocolError extends Error {
  /** @param {string} code @param {string} message @param {string} [field] */
  constructor(code, message, field) {
    super(message);
    this.code = code;
    this.field = field;
  }
}

function newKey() {
  return (globalThis.crypto && crypto.randomUUID) ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

/**
 * Events dispatched: 'state' (detail: State; only when it changes), 'welcome', 'joined', 'reset', 'event',
 * 'presence' (detail: the frame; a 'presence-batch' is given change by change, then whole), 'error-frame' (an error no request waits for, or a failed rejoin),
 * 'fatal' (detail: {code, reason}) when the server says not to reconnect (4400–4499; also kept in `fatal`),
 * 'revoked' (detail: the frame) when the server took this connection out of a room the person may no longer see
 * (it is not joined again on reconnect).
 *
 * Reconnecting: after any other close, with full-jitter backoff (0.5 s doubling to 15 s), at once when the
 * browser says it is online again; a ping every 25 s that gets no pong within 10 s, or the browser going
 * offline, counts as a lost connection (`drop()`). On reconnect every joined room is joined again with
 * `since` (events already seen are skipped by seq), and keyed writes still waiting are sent again with the
 * same key; requests without a key fail with code 'disconnected' instead of waiting forever.
 */
export class Connection extends EventTarget {
  /** @param {string} url e.g. `wss://host/ws` */
  constructor(url) {
    super();
    this.url = url;
    /** @type {State} */
    this.state = 'connecting';
    /** @type {WebSocket|null} */
    this.ws = null;
    /** @type {Frame|null} */
    this.welcome = null;
    /** last seq seen per joined room, and the join options to repeat on reconnect */
    /** @type {Map<string, {since: number|null, options: object}>} */
    this.rooms = new Map();
    /** @type {Map<string, Pending>} */
    this.pending = new Map();
    this.nextId = 1;
    this.attempt = 0;
    /** @type {ReturnType<typeof setTimeout>|null} */
    this.timer = null;
    /** @type {ReturnType<typeof setInterval>|null} */
    this.heartbeat = null;
    this.stopped = false;
    this.everOpen = false;
    this.openedAt = 0;
    /** @type {{code: number, reason: string}|null} why the server told us not to reconnect */
    this.fatal = null;
    // The browser knows before we do when the network goes: reconnect as soon as it is back.
    this.onOnline = () => { if (this.state === 'reconnecting' && !this.ws) this.retryNow(); };
    this.onOffline = () => { if (this.ws) this.drop(); };
    globalThis.addEventListener?.('online', this.onOnline);
    globalThis.addEventListener?.('offline', this.onOffline);
  }

  static forPage() {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    return new Connection(`${scheme}//${location.host}/ws`);
  }

  connect() {
    if (this.ws) return; // already connected or connecting
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.stopped = false;
    this.fatal = null;
    this.setState(this.everOpen || this.attempt > 0 ? 'reconnecting' : 'connecting');
    const ws = new WebSocket(this.url, [SUBPROTOCOL]);
    this.ws = ws;
    ws.onopen = () => ws.send(JSON.stringify({type: 'hello', version: VERSION}));
    ws.onmessage = (m) => {
      let frame;
      try {
        frame = JSON.parse(m.data);
      } catch {
        return;
      }
      this.receive(frame);
    };
    ws.onclose = (e) => { if (this.ws === ws) this.closed(e.code, e.reason); };
  }

  /** Reconnect at once (after a do-not-reconnect close, or to skip the rest of a backoff). */
  retryNow() {
    this.attempt = 0;
    this.connect();
  }

  /** Stop for good: no reconnecting; requests still waiting fail. */
  close() {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.stopHeartbeat();
    globalThis.removeEventListener?.('online', this.onOnline);
    globalThis.removeEventListener?.('offline', this.onOffline);
    const ws = this.ws;
    this.ws = null;
    this.welcome = null;
    if (ws) {
      ws.onclose = null;
      ws.onmessage = null;
      ws.close(1000);
    }
    this.failPending(() => true, 'closed');
    this.setState('closed');
  }

  /**
   * Give up on the current socket as if the network had failed (no pong, the browser went offline), and
   * reconnect with backoff. The socket is told to close, but we do not wait for it.
   */
  drop() {
    const ws = this.ws;
    if (!ws) return;
    ws.onclose = null;
    ws.onmessage = null;
    try {
      ws.close(1000);
    } catch { /* already closing */ }
    this.closed(1006, 'connection lost');
  }

  /** @param {State} state */
  setState(state) {
    if (state === this.state) return;
    this.state = state;
    this.dispatchEvent(new CustomEvent('state', {detail: state}));
  }

  /**
   * Reject the pending requests that match (removing them first, so a rejection handler sees a clean map).
   * @param {(p: Pending) => boolean} which @param {string} code @param {string} [message]
   */
  failPending(which, code, message = 'Disconnected.') {
    const failed = [...this.pending].filter(([, p]) => which(p));
    for (const [id] of failed) this.pending.delete(id);
    for (const [, p] of failed) p.reject(new ProtocolError(code, message, undefined));
  }

  startHeartbeat() {
    this.stopHeartbeat();
    this.heartbeat = setInterval(() => {
      const ws = this.ws;
      if (!ws || this.state !== 'open') return;
      const timeout = setTimeout(() => { if (this.ws === ws) this.drop(); }, PONG_TIMEOUT_MS);
      this.request({type: 'ping'}).then(() => clearTimeout(timeout), () => clearTimeout(timeout));
    }, HEARTBEAT_MS);
  }

  stopHeartbeat() {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }

  /** @param {number} code @param {string} reason */
  closed(code, reason) {
    this.ws = null;
    this.welcome = null;
    this.stopHeartbeat();
    if (this.stopped) return;
    // Requests that are not safe to repeat (joins, removals, pings) will get no answer: fail them now.
    // Keyed writes stay and are sent again, with the same key, once we are back.
    this.failPending((p) => !p.retry, 'disconnected', reason || 'Disconnected.');
    if (DO_NOT_RECONNECT(code)) {
      this.fatal = {code, reason};
      this.failPending(() => true, 'disconnected', reason || 'Disconnected.');
      this.setState('closed');
      this.dispatchEvent(new CustomEvent('fatal', {detail: {code, reason}}));
      return;
    }
    // A connection that stayed up a while starts the backoff afresh; one that keeps failing at once does not.
    if (this.openedAt && Date.now() - this.openedAt > 10000) this.attempt = 0;
    this.openedAt = 0;
    // Full jitter: spread a crowd of reconnecting tabs over the whole interval.
    const ceiling = Math.min(15000, 500 * 2 ** this.attempt);
    this.attempt += 1;
    this.setState('reconnecting');
    this.timer = setTimeout(() => this.connect(), Math.random() * ceiling);
  }

  /** @param {Frame} frame */
  receive(frame) {
    switch (frame.type) {
      case 'welcome':
        this.welcome = frame;
        this.everOpen = true;
        this.openedAt = Date.now();
        this.setState('open');
        this.startHeartbeat();
        this.dispatchEvent(new CustomEvent('welcome', {detail: frame}));
        // A failed rejoin is reported as 'error-frame' by sendJoin; nothing else waits for it.
        for (const [room, r] of this.rooms) this.sendJoin(room, r.since, r.options).catch(() => {});
        // Writes that were in flight when the connection broke: resent with the same key, stored once.
        for (const [id, p] of this.pending) if (p.retry) this.ws?.send(JSON.stringify({...p.frame, id}));
        return;
      case 'joined': {
        const r = this.rooms.get(frame.room);
        if (r) r.since = frame.seq;
        this.settle(frame);
        this.dispatchEvent(new CustomEvent('joined', {detail: frame}));
        return;
      }
      case 'reset': {
        const r = this.rooms.get(frame.room);
        if (r) r.since = frame.seq;
        this.dispatchEvent(new CustomEvent('reset', {detail: frame}));
        return;
      }
      case 'event': {
        const r = this.rooms.get(frame.room);
        if (!r) return;
        if (typeof frame.seq !== 'number') return;
        if (r.since !== null && frame.seq <= r.since) return; // already seen
        r.since = frame.seq;
        this.dispatchEvent(new CustomEvent('event', {detail: frame}));
        return;
      }
      case 'presence': case 'presence-join': case 'presence-update': case 'presence-leave':
        this.dispatchEvent(new CustomEvent('presence', {detail: frame}));
        return;
      case 'presence-batch':
        // A lobby's changes that came together: each as if sent alone, then the batch (its counts).
        for (const change of frame.changes || []) this.dispatchEvent(new CustomEvent('presence', {detail: change}));
        this.dispatchEvent(new CustomEvent('presence', {detail: frame}));
        return;
      case 'ack': case 'pong': case 'presence-page':
        this.settle(frame);
        return;
      case 'revoked':
        // A change of role or membership: the room is gone for this person, so a reconnect must not rejoin it.
        this.rooms.delete(frame.room);
        this.dispatchEvent(new CustomEvent('revoked', {detail: frame}));
        return;
      case 'error':
        if (frame.id && this.pending.has(frame.id)) {
          const p = /** @type {Pending} */ (this.pending.get(frame.id));
          if (frame.code === 'database-unavailable' && p.retry && (p.attempts = (p.attempts || 0) + 1) <= DB_RETRIES) {
            // Nothing was stored: the same write, with the same key, once the database is likely back.
            const id = frame.id;
            setTimeout(() => {
              if (this.pending.get(id) === p && this.state === 'open') this.ws?.send(JSON.stringify({...p.frame, id}));
            }, DB_RETRY_MS);
            return;
          }
          this.pending.delete(frame.id);
          p.reject(new ProtocolError(frame.code, frame.message, frame.field));
        } else {
          this.dispatchEvent(new CustomEvent('error-frame', {detail: frame}));
        }
        return;
      default:
        // Frames of activities this module does not model (a webinar's snapshot, stage offers, reactions):
        // a reply settles its request, and every such frame goes to whoever listens for 'frame'.
        this.settle(frame);
        this.dispatchEvent(new CustomEvent('frame', {detail: frame}));
        return;
    }
  }

  /** @param {Frame} frame */
  settle(frame) {
    if (!frame.id) return;
    const p = this.pending.get(frame.id);
    if (!p) return;
    this.pending.delete(frame.id);
    p.resolve(frame);
  }

  /**
   * Sends a request; resolves with its ack (or reply), rejects with a ProtocolError.
   * @param {Frame} frame @param {boolean} retry resend after a reconnect (writes with a key)
   * @returns {Promise<Frame>}
   */
  request(frame, retry = false) {
    const id = `c${this.nextId++}`;
    return new Promise((resolve, reject) => {
      this.pending.set(id, {resolve, reject, frame, retry});
      if (this.state === 'open') this.ws?.send(JSON.stringify({...frame, id}));
      else if (!retry) {
        this.pending.delete(id);
        reject(new ProtocolError('offline', 'Not connected.'));
      }
    });
  }

  /** @param {string} room @param {number|null} since @param {object} options */
  sendJoin(room, since, options) {
    const frame = {type: 'join', room, ...options, ...(since === null ? {} : {since})};
    return this.request(frame).catch((e) => {
      // Losing the connection mid-join is not an error: the join is repeated after the reconnect.
      if (e.code !== 'disconnected' && e.code !== 'closed') {
        this.dispatchEvent(new CustomEvent('error-frame',
          {detail: {type: 'error', room, code: e.code, message: e.message, field: e.field}}));
      }
      throw e;
    });
  }

  /** @param {string} room @param {object} options e.g. {status: 'available'} */
  join(room, options = {}) {
    this.rooms.set(room, {since: null, options});
    return this.state === 'open' ? this.sendJoin(room, null, options) : Promise.resolve(null);
  }

  /** @param {string} room */
  leave(room) {
    this.rooms.delete(room);
    return this.state === 'open' ? this.request({type: 'leave', room}) : Promise.resolve(null);
  }

  /** @param {string} room @param {string} text */
  say(room, text) {
    return this.request({type: 'say', room, text, key: newKey()}, true);
  }

  /** @param {number} mission @param {number} to @param {string} text */
  direct(mission, to, text) {
    return this.request({type: 'dm', mission, to, text, key: newKey()}, true);
  }

  /** @param {number} mission @param {string} text */
  announce(mission, text) {
    return this.request({type: 'announce', mission, text, key: newKey()}, true);
  }

  /** @param {string} room @param {number} seq */
  remove(room, seq) {
    return this.request({type: 'remove', room, seq});
  }

  /**
   * More of a joined lobby's people, by user id: those after the cursor `after` (the joined frame's
   * `presence_next`, then each page's `next`). Resolves with the `presence-page` frame.
   * @param {string} room @param {number} after @param {number} [limit] 1–100
   */
  presencePage(room, after, limit = 100) {
    return this.request({type: 'presence-page', room, after, limit});
  }

  /** @param {string} room @param {string} status */
  setStatus(room, status) {
    const r = this.rooms.get(room);
    if (r) r.options = {...r.options, status};
    return this.request({type: 'status', room, status});
  }
}
