// @ts-check
/**
 * A table's video: a WebRTC mesh among the people seated at it (docs/lounge.md, "Table media"), one connection
 * per pair, negotiated like a 1:1 meeting (web/meeting/call.js: the server says who offers, lost signals are
 * asked for again, an older tab gives way to the newest). Signals go through the table's room with a `to`
 * field; the server relays them to that member only. Audio levels come from getStats.
 *
 * Events: 'remote' (detail: user id; their stream changed), 'state' (detail: {user, state}), 'moved' (detail:
 * whether another tab has the table's call), 'levels' (detail: Map<user id, level 0..1>, me included).
 */

import { RoomCall } from '../meeting/call.js';

const SPEAKING_POLL_MS = 400;

export class TableMesh extends EventTarget {
  /**
   * @param {{conn: import('../protocol.js').Connection, room: string, me: number, iceServers: RTCIceServer[],
   *          stream: () => MediaStream|null}} o
   */
  constructor(o) {
    super();
    this.o = o;
    this.room = o.room;
    this.closed = false;
    this.call = new RoomCall({ conn: o.conn, room: o.room, me: o.me, iceServers: o.iceServers, stream: o.stream });
    for (const type of ['remote', 'state', 'moved']) {
      this.call.addEventListener(type, (e) => this.emit(type, /** @type {CustomEvent} */ (e).detail));
    }
    this.timer = setInterval(() => this.sampleLevels(), SPEAKING_POLL_MS);
  }

  /** The connections, by the other member's user id. */
  get peers() {
    return this.call.peers;
  }

  /** @param {string} type @param {any} [detail] */
  emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  /** The state of the call with `user`. @param {number} user */
  stateOf(user) {
    return this.call.stateOf(user);
  }

  /** Try again with `user`. @param {number} user */
  retry(user) {
    this.call.peers.get(user)?.retry();
  }

  /** Another camera or microphone. @param {MediaStreamTrack} track */
  replace(track) {
    this.call.replace(track);
  }

  async sampleLevels() {
    /** @type {Map<number, number>} */
    const levels = new Map();
    let mine = 0;
    for (const [user, p] of this.call.peers) {
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
    this.closed = true;
    clearInterval(this.timer);
    this.call.close();
  }
}
