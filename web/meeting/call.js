// @ts-check
/**
 * A call in one room on the tab's connection (docs/protocol.md, "Calls"): a 1:1 meeting (`meeting:<id>`) or a
 * lounge table's mesh (`table:<item>:<table>`). It joins the room, keeps one MeetingPeer per other member, and
 * routes to each the signals that are its own:
 *
 * - `joined` names the members present and those we make the offers to: we start with each of them at once;
 *   a member who arrives later starts with us (it got its own `joined`), we only step in if nothing comes;
 * - a signal from an older page of a person (a lower `epoch` than one we saw from them) is ignored;
 * - `call-moved` naming another connection of ours: that newer tab takes the call; this one stops, leaves the
 *   room and says so ('moved'), until `takeBack()`.
 * With `report`, the call's state is reported to the server (`call-report`) for the meeting's figures: every
 * REPORT_MS, and at once when media starts or the connection changes.
 *
 * Events: 'presence' (who is here changed), 'state' (detail: {user, state}), 'remote' (detail: user),
 * 'bye' (detail: user), 'moved' (detail: true when another tab took the call, false when we took it back).
 */

import { MeetingPeer } from './peer.js';

const REPORT_MS = 5000;
const SAMPLE_MS = 1000;

export class RoomCall extends EventTarget {
  /**
   * @param {{conn: import('../protocol.js').Connection, room: string, me: number, iceServers: RTCIceServer[],
   *          stream: () => MediaStream|null, report?: boolean}} o
   */
  constructor(o) {
    super();
    this.o = o;
    this.conn = o.conn;
    this.room = o.room;
    /** @type {Map<number, MeetingPeer>} */
    this.peers = new Map();
    /** @type {Set<number>} who is in the room now (besides me) */
    this.here = new Set();
    /** @type {Map<number, number>} the newest epoch seen from each member */
    this.epochs = new Map();
    this.moved = false;
    this.closed = false;
    this.reporting = !!o.report;
    /** @type {{sid: string, connected: boolean, frames: number, at: number}|null} */
    this.lastReport = null;
    /** @type {Array<[string, EventListener]>} */
    this.subs = [];
    this.listen('joined', (e) => this.onJoined(/** @type {CustomEvent} */ (e).detail));
    this.listen('presence', (e) => this.onPresence(/** @type {CustomEvent} */ (e).detail));
    this.listen('frame', (e) => this.onFrame(/** @type {CustomEvent} */ (e).detail));
    /** @type {ReturnType<typeof setInterval>|null} */
    this.sampler = this.reporting ? setInterval(() => this.report(false), SAMPLE_MS) : null;
    this.conn.join(this.room).catch(() => {});
  }

  /** @param {string} type @param {EventListener} fn */
  listen(type, fn) {
    this.conn.addEventListener(type, fn);
    this.subs.push([type, fn]);
  }

  /** @param {string} type @param {any} [detail] */
  emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  /** @param {number} user */
  peer(user) {
    let p = this.peers.get(user);
    if (p) return p;
    const conn = this.conn;
    p = new MeetingPeer({
      iceServers: this.o.iceServers, stream: this.o.stream,
      send: async (signal) => {
        if (conn.state !== 'open' || !conn.ws || this.closed || this.moved) throw new Error('offline');
        const to = this.room.startsWith('table:') ? { to: user } : {};
        conn.ws.send(JSON.stringify({ type: 'signal', room: this.room, ...to, signal }));
      },
    });
    p.addEventListener('state', (e) => {
      this.emit('state', { user, state: /** @type {CustomEvent} */ (e).detail });
      this.report(true);
    });
    p.addEventListener('remote', () => this.emit('remote', user));
    p.addEventListener('bye', () => this.emit('bye', user));
    this.peers.set(user, p);
    return p;
  }

  /** The state of the call with `user` ('idle' until they are here). @param {number} user */
  stateOf(user) {
    return this.peers.get(user)?.state ?? 'idle';
  }

  // -- from the server -------------------------------------------------------------------------------------------

  /** @param {any} f */
  onJoined(f) {
    if (f.room !== this.room || this.closed || this.moved) return;
    const offerTo = new Set(f.offer_to || []);
    const present = new Set((f.presence || []).map((/** @type {any} */ m) => m.user_id ?? m));
    present.delete(this.o.me);
    for (const u of [...this.here]) if (!present.has(u)) this.left(u);
    for (const u of present) {
      this.here.add(u);
      const p = this.peer(u);
      p.role = offerTo.has(u) ? 'offerer' : 'answerer';
      p.begin(true); // we arrived (or came back): we start
    }
    this.emit('presence');
  }

  /** @param {any} f */
  onPresence(f) {
    if (f.room !== this.room || this.closed || this.moved) return;
    if (f.type === 'presence-join' || f.type === 'presence-update') {
      const u = f.member?.user_id;
      if (typeof u !== 'number' || u === this.o.me) return;
      const known = this.here.has(u);
      this.here.add(u);
      // They arrived and start with us; an offerer that knows its part offers at once all the same.
      if (!known || this.stateOf(u) === 'idle') this.peer(u).begin(this.peers.get(u)?.role === 'offerer');
    } else if (f.type === 'presence-leave') {
      if (f.user_id !== this.o.me) this.left(f.user_id);
    }
    this.emit('presence');
  }

  /** @param {number} user */
  left(user) {
    this.here.delete(user);
    this.epochs.delete(user);
    this.peers.get(user)?.pause();
  }

  /** @param {any} f */
  onFrame(f) {
    if (f.room !== this.room || this.closed) return;
    if (f.type === 'call-moved') {
      if (f.conn !== this.conn.welcome?.conn && !this.moved) this.moveAway();
      return;
    }
    if (f.type !== 'signal' || this.moved || typeof f.from !== 'number' || f.from === this.o.me) return;
    const seen = this.epochs.get(f.from) ?? 0;
    if (typeof f.epoch === 'number') {
      if (f.epoch < seen) return; // an older page of theirs, replaced by a newer one
      this.epochs.set(f.from, f.epoch);
    }
    if (!this.here.has(f.from)) {
      this.here.add(f.from); // a signal can come before the presence that announces them
      this.emit('presence');
    }
    this.peer(f.from).receive(f.signal, f.role);
  }

  // -- this tab, another tab ---------------------------------------------------------------------------------------

  /** Another tab of mine took the call: stop without a word (the call goes on there) and leave the room. */
  moveAway() {
    this.moved = true;
    for (const p of this.peers.values()) p.stop();
    this.here.clear();
    this.conn.leave(this.room).catch(() => {});
    this.emit('moved', true);
    this.emit('presence');
  }

  /** Take the call back into this tab: join again (the newest tab takes part; the other one stops). */
  takeBack() {
    if (!this.moved || this.closed) return;
    this.moved = false;
    this.epochs.clear();
    this.emit('moved', false);
    this.conn.join(this.room).catch(() => {});
  }

  /** Try again with everyone here we are not connected to. */
  retry() {
    for (const [u, p] of this.peers) if (this.here.has(u) && p.state !== 'connected') p.retry();
  }

  /** Another camera or microphone. @param {MediaStreamTrack} track */
  replace(track) {
    for (const p of this.peers.values()) p.replace(track);
  }

  // -- reports ---------------------------------------------------------------------------------------------------

  /**
   * Tells the server how the call goes (meetings only): every REPORT_MS, and at once when the connection changes
   * or its first media arrives. @param {boolean} now
   */
  async report(now) {
    if (!this.reporting || this.closed || this.moved || this.conn.state !== 'open') return;
    const p = [...this.peers.values()].find((x) => x.pc);
    const got = p ? await p.sample() : null;
    if (!got) return;
    const last = this.lastReport;
    const changed = !last || last.sid !== got.sid || last.connected !== got.connected
      || (last.frames === 0 && got.frames > 0);
    if (!now && !changed && last && Date.now() - last.at < REPORT_MS) return;
    this.lastReport = { ...got, at: Date.now() };
    this.conn.request({ type: 'call-report', room: this.room, ...got }).catch((err) => {
      if (err?.code === 'meeting-closed' || err?.code === 'not-allowed') this.reporting = false;
    });
  }

  // -- the end ---------------------------------------------------------------------------------------------------

  /** Leave the call: say goodbye to everyone (unless `quietly`), close every connection and the room. */
  close(quietly = false) {
    if (this.closed) return;
    for (const p of this.peers.values()) {
      if (quietly) p.stop();
      else p.hangUp();
    }
    this.closed = true;
    if (this.sampler) clearInterval(this.sampler);
    for (const [type, fn] of this.subs) this.conn.removeEventListener(type, fn);
    this.subs = [];
    this.here.clear();
    this.conn.leave(this.room).catch(() => {});
  }
}
