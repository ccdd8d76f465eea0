// @ts-check
/**
 * What a room session on the tab's shared connection (web/lounge/session.js, web/webinar/session.js) does the same
 * way: it listens to the connection only through `listen`, so `close` can take every listener off again (the
 * connection outlives the page), emits its own CustomEvents, and sends requests in its room. No DOM in here.
 */

export class RoomSession extends EventTarget {
  /**
   * @param {import('./live.js').MissionLive} live @param {number} item @param {number} me my user id
   * @param {string} room e.g. `lounge:<item>`
   */
  constructor(live, item, me, room) {
    super();
    this.live = live;
    this.conn = live.conn;
    this.item = item;
    this.me = me;
    this.room = room;
    /** @type {Array<[string, EventListener]>} */
    this.subs = [];
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

  /** Leave the room and let go of the connection (it stays up for the mission). */
  close() {
    for (const [type, fn] of this.subs) this.conn.removeEventListener(type, fn);
    this.subs = [];
    this.conn.leave(this.room).catch(() => {});
  }

  /** @param {import('./protocol.js').Frame} body a request without its room @param {boolean} [retry] */
  send(body, retry = false) {
    return this.conn.request({ room: this.room, ...body }, retry);
  }
}
