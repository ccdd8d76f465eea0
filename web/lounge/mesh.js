// @ts-check
/**
 * A table's video: a WebRTC mesh among the people seated at it (docs/lounge.md, "Table media"). One
 * MeetingPeer per other member; the lower user id makes the offer, so the higher one is the polite side. Signals
 * go through the table's room with a `to` field; the server relays them to that member only.
 *
 * An offer made before the other page joined the table room is lost, so the offering side starts afresh
 * whenever the other member (re)appears in the room's presence. Audio levels come from getStats.
 *
 * Events: 'peers' (the set of connections changed), 'remote' (detail: user id; their stream changed),
 * 'state' (detail: {user, state}), 'levels' (detail: Map<user id, level 0..1>, me included).
 */

import { MeetingPeer } from '../meeting/peer.js';

const SPEAKING_POLL_MS = 400;
const RETRY_MS = 8000;

export class TableMesh extends EventTarget {
  /**
   * @param {{conn: import('../protocol.js').Connection, room: string, me: number, iceServers: RTCIceServer[],
   *          stream: () => MediaStream|null}} o
   */
  constructor(o) {
    super();
    this.o = o;
    this.room = o.room;
    /** @type {Map<number, MeetingPeer>} */
    this.peers = new Map();
    /** @type {Set<number>} who is in the table room now */
    this.here = new Set();
    this.closed = false;
    /** @type {Array<[string, EventListener]>} */
    this.subs = [];
    this.listen('joined', (e) => {
      const f = /** @type {CustomEvent} */ (e).detail;
      if (f.room === this.room) this.setHere((f.presence || []).map((/** @type {any} */ m) => m.user_id ?? m));
    });
    this.listen('presence', (e) => this.onPresence(/** @type {CustomEvent} */ (e).detail));
    this.listen('frame', (e) => this.onFrame(/** @type {CustomEvent} */ (e).detail));
    /** @type {Map<number, number>} samples each offered connection has spent without connecting */
    this.waiting = new Map();
    this.timer = setInterval(() => { this.sampleLevels(); this.watchdog(); }, SPEAKING_POLL_MS);
    o.conn.join(this.room).catch(() => {});
  }

  /** @param {string} type @param {EventListener} fn */
  listen(type, fn) {
    this.o.conn.addEventListener(type, fn);
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
    const conn = this.o.conn;
    p = new MeetingPeer({
      polite: this.o.me > user, iceServers: this.o.iceServers, stream: this.o.stream,
      send: async (signal) => {
        if (conn.state !== 'open' || !conn.ws || this.closed) throw new Error('offline');
        conn.ws.send(JSON.stringify({ type: 'signal', room: this.room, to: user, signal }));
      },
    });
    const peer = p;
    p.addEventListener('remote', () => this.emit('remote', user));
    p.addEventListener('state', (e) => this.emit('state', { user, state: /** @type {CustomEvent} */ (e).detail }));
    p.addEventListener('bye', () => this.drop(user, peer));
    this.peers.set(user, p);
    this.emit('peers');
    return p;
  }

  /** @param {number} user @param {MeetingPeer} [which] */
  drop(user, which) {
    const p = this.peers.get(user);
    if (!p || (which && p !== which)) return;
    p.stop();
    this.peers.delete(user);
    this.emit('peers');
  }

  /** @param {number} user */
  arrived(user) {
    if (user === this.o.me || this.closed) return;
    this.here.add(user);
    // The lower id offers; a fresh connection meets whatever the other page has now.
    if (this.o.me < user) this.peer(user).start(true);
  }

  /** @param {number[]} users */
  setHere(users) {
    const now = new Set(users.filter((u) => u !== this.o.me));
    for (const u of [...this.here]) if (!now.has(u)) this.left(u);
    for (const u of now) {
      const p = this.peers.get(u);
      if (!this.here.has(u) || !p || (p.state !== 'connected' && p.state !== 'connecting')) this.arrived(u);
      else this.here.add(u);
    }
  }

  /** @param {number} user */
  left(user) {
    this.here.delete(user);
    this.drop(user);
  }

  /** @param {any} f */
  onPresence(f) {
    if (f.room !== this.room) return;
    if (f.type === 'presence') this.setHere((f.members || []).map((/** @type {any} */ m) => m.user_id));
    else if (f.type === 'presence-join') {
      if (f.member?.user_id !== undefined && !this.here.has(f.member.user_id)) this.arrived(f.member.user_id);
    } else if (f.type === 'presence-leave') this.left(f.user_id);
  }

  /** @param {any} f */
  onFrame(f) {
    if (f.type !== 'signal' || f.room !== this.room || this.closed || typeof f.from !== 'number') return;
    if (f.from === this.o.me) return;
    const p = this.peer(f.from);
    this.here.add(f.from);
    p.receive(f.signal);
  }

  /** Another camera or microphone. @param {MediaStreamTrack} track */
  replace(track) {
    for (const p of this.peers.values()) p.replace(track);
  }

  /** An offer can be lost (refused while a move settles): the offering side tries again after a while. */
  watchdog() {
    for (const user of this.here) {
      if (this.o.me > user) continue;
      const s = this.peers.get(user)?.state;
      const n = s === 'connected' ? 0 : (this.waiting.get(user) || 0) + 1;
      this.waiting.set(user, n);
      if (n * SPEAKING_POLL_MS > RETRY_MS) {
        this.waiting.set(user, 0);
        this.peer(user).start(true);
      }
    }
  }

  async sampleLevels() {
    /** @type {Map<number, number>} */
    const levels = new Map();
    let mine = 0;
    for (const [user, p] of this.peers) {
      const pc = p.pc;
      if (!pc || pc.connectionState !== 'connected') continue;
      try {
        const stats = await pc.getStats();
        stats.forEach((s) => {
          if (s.type === 'inbound-rtp' && s.kind === 'audio' && typeof s.audioLevel === 'number') {
            levels.set(user, Math.max(levels.get(user) || 0, s.audioLevel));
          } else if (s.type === 'media-source' && s.kind === 'audio' && typeof s.audioLevel === 'number') {
            mine = Math.max(mine, s.audioLevel);
          }
        });
      } catch { /* a connection closing under us */ }
    }
    if (this.closed) return;
    const track = this.o.stream()?.getAudioTracks()[0];
    levels.set(this.o.me, track && track.enabled ? mine : 0);
    this.emit('levels', levels);
  }

  /** Leave the table: say goodbye to every member, close every connection and the room. */
  close() {
    if (this.closed) return;
    for (const p of this.peers.values()) p.hangUp();
    this.closed = true;
    clearInterval(this.timer);
    for (const [type, fn] of this.subs) this.o.conn.removeEventListener(type, fn);
    this.subs = [];
    this.peers.clear();
    this.here.clear();
    this.o.conn.leave(this.room).catch(() => {});
  }
}
