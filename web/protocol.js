// The Roundtable protocol client (docs/protocol.md): one WebSocket per tab, hello/welcome, rooms with
// sequenced resume, idempotent writes, automatic reconnect with backoff and jitter. No UI in here.

const SUBPROTOCOL = 'roundtable.v1';
const VERSION = 1;
const DO_NOT_RECONNECT = (code) => code >= 4400 && code < 4500;

/**
 * @typedef {{type: string, id?: string, [key: string]: any}} Frame
 * @typedef {'connecting'|'open'|'reconnecting'|'closed'} State
 * @typedef {{resolve: (f: Frame) => void, reject: (e: ProtocolError) => void, frame: Frame, retry: boolean}} Pending
 */

export class ProtocolError extends Error {
  /** @param {string} code @param {string} message @param {string|undefined} field */
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
 * Events dispatched: 'state' (detail: State), 'welcome', 'joined', 'reset', 'event', 'presence'
 * (detail: the frame), 'fatal' (detail: {code, reason}) when the server says not to reconnect.
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
    this.stopped = false;
  }

  static forPage() {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    return new Connection(`${scheme}//${location.host}/ws`);
  }

  connect() {
    this.stopped = false;
    this.setState(this.attempt === 0 ? 'connecting' : 'reconnecting');
    const ws = new WebSocket(this.url, [SUBPROTOCOL]);
    this.ws = ws;
    ws.onopen = () => ws.send(JSON.stringify({type: 'hello', version: VERSION}));
    ws.onmessage = (m) => this.receive(JSON.parse(m.data));
    ws.onclose = (e) => this.closed(e.code, e.reason);
  }

  close() {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.ws?.close(1000);
    this.setState('closed');
  }

  /** @param {State} state */
  setState(state) {
    this.state = state;
    this.dispatchEvent(new CustomEvent('state', {detail: state}));
  }

  /** @param {number} code @param {string} reason */
  closed(code, reason) {
    this.ws = null;
    this.welcome = null;
    if (this.stopped) return;
    if (DO_NOT_RECONNECT(code)) {
      this.setState('closed');
      for (const [, p] of this.pending) p.reject(new ProtocolError('disconnected', reason || 'Disconnected.'));
      this.pending.clear();
      this.dispatchEvent(new CustomEvent('fatal', {detail: {code, reason}}));
      return;
    }
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
        this.attempt = 0;
        this.setState('open');
        this.dispatchEvent(new CustomEvent('welcome', {detail: frame}));
        for (const [room, r] of this.rooms) this.sendJoin(room, r.since, r.options);
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
        if (r.since !== null && frame.seq <= r.since) return; // already seen
        r.since = frame.seq;
        this.dispatchEvent(new CustomEvent('event', {detail: frame}));
        return;
      }
      case 'presence': case 'presence-join': case 'presence-update': case 'presence-leave':
        this.dispatchEvent(new CustomEvent('presence', {detail: frame}));
        return;
      case 'ack': case 'pong':
        this.settle(frame);
        return;
      case 'error':
        if (frame.id && this.pending.has(frame.id)) {
          const p = /** @type {Pending} */ (this.pending.get(frame.id));
          this.pending.delete(frame.id);
          p.reject(new ProtocolError(frame.code, frame.message, frame.field));
        } else {
          this.dispatchEvent(new CustomEvent('error-frame', {detail: frame}));
        }
        return;
      default:
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
      this.dispatchEvent(new CustomEvent('error-frame', {detail: {type: 'error', code: e.code, message: e.message}}));
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

  /** @param {string} room @param {string} status */
  setStatus(room, status) {
    const r = this.rooms.get(room);
    if (r) r.options = {...r.options, status};
    return this.request({type: 'status', room, status});
  }
}
