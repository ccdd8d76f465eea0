// @ts-check
/**
 * One lounge on the tab's connection (docs/lounge.md): joins `lounge:<item>`, folds its snapshot and events
 * (tables, seats, the round, invitations, opt-outs), keeps who is present, and sends the lounge requests.
 * No DOM in here.
 *
 * Events (CustomEvent): 'change' (the view changed), 'presence' (who is here changed), 'round' (detail: {round:
 * the round that just started, or null; placed: whether it placed me; moved: whether I sit at another table than
 * before; table: where I sit now}), 'word' (detail: an invitation to me), 'word-reply' (detail: {invite, accept,
 * meeting_id, withdrawn}), 'problem' (detail: {code, message}).
 */

/**
 * @typedef {{user_id: number, name: string, organisation: string, org_type?: string, side?: string|null,
 *            country?: string, sectors?: string[]}} Card
 * @typedef {{id: any, name: string, topic: string, capacity: number, sector: string|null, seats: number[]}} Table
 * @typedef {{number: number, of: number, minutes: number, started_at: string, ends_at: string,
 *            groups: any[]}} Round
 */

import { RoomSession } from '../room-session.js';

/** A seat entry as the server may send it: a user id or a card. @param {any} s */
function seatId(s) {
  return typeof s === 'number' ? s : Number(s?.user_id ?? s?.id);
}

/** @param {any} raw @returns {Table} */
function table(raw) {
  return { id: raw.id, name: raw.name || '', topic: raw.topic || '', capacity: Number(raw.capacity) || 0,
    sector: raw.sector ?? null, seats: (raw.seats || []).map(seatId).filter((/** @type {number} */ x) => x > 0) };
}

export class LoungeSession extends RoomSession {
  /**
   * @param {import('../live.js').MissionLive} live @param {number} item @param {number} me my user id
   * @param {boolean} incognito
   */
  constructor(live, item, me, incognito) {
    super(live, item, me, `lounge:${item}`);
    /** @type {Map<string, Table>} by String(id), in the server's order */
    this.tables = new Map();
    /** @type {Map<number, Card>} what we know of people */
    this.cards = new Map();
    /** @type {Map<number, any>} present (presence entries) */
    this.present = new Map();
    /** @type {Round|null} */
    this.round = null;
    this.roundsTotal = 0;
    /** @type {Set<number>} */
    this.optOut = new Set();
    /** @type {Map<string, any>} invitations I know of, by id */
    this.invites = new Map();
    /** @type {string[]} */
    this.permissions = [];
    /** @type {RTCIceServer[]} */
    this.iceServers = [];
    this.ready = false;
    this.status = incognito ? 'invisible' : 'available';
    /** @type {string|null} */
    this.joinError = null;
    this.listen('joined', (e) => this.onJoined(/** @type {CustomEvent} */ (e).detail));
    this.listen('reset', (e) => this.onReset(/** @type {CustomEvent} */ (e).detail));
    this.listen('event', (e) => {
      const f = /** @type {CustomEvent} */ (e).detail;
      if (f.room === this.room) this.apply(f.event, true);
    });
    this.listen('frame', (e) => this.onFrame(/** @type {CustomEvent} */ (e).detail));
    this.listen('presence', (e) => this.onPresence(/** @type {CustomEvent} */ (e).detail));
    this.listen('error-frame', (e) => {
      const f = /** @type {CustomEvent} */ (e).detail;
      if (f.room !== this.room) return;
      this.joinError = f.code;
      this.emit('problem', { code: f.code, message: f.message });
      this.emit('change');
    });
    this.conn.join(this.room, { status: this.status }).catch(() => {});
  }

  // -- reading -------------------------------------------------------------------------------------------------

  /** The table id I sit at, or null. @param {number} [user] */
  seatOf(user = this.me) {
    for (const tb of this.tables.values()) if (tb.seats.includes(user)) return tb.id;
    return null;
  }

  /** @param {any} id */
  tableById(id) {
    return id === null || id === undefined ? null : this.tables.get(String(id)) || null;
  }

  /** @param {number} user @returns {Card} */
  card(user) {
    const c = this.cards.get(user);
    if (c) return c;
    const p = this.present.get(user) || this.live.people.get(user);
    return { user_id: user, name: p?.name || `#${user}`, organisation: p?.organisation || '', org_type: p?.org_type,
      side: p?.side ?? null, country: p?.country || '', sectors: p?.sectors || [] };
  }

  /**
   * The placement of a round as [table id, members] pairs, whichever way the server shapes a group.
   * @param {Round} round
   * @returns {Array<[any, number[]]>}
   */
  placements(round) {
    /** @type {Array<[any, number[]]>} */
    const out = [];
    (round.groups || []).forEach((g, i) => {
      if (Array.isArray(g)) {
        const tb = /** @type {any} */ (round).tables?.[i] ?? /** @type {any} */ (round).table_ids?.[i] ?? null;
        out.push([tb, g.map(seatId)]);
      } else if (g && typeof g === 'object') {
        out.push([g.table ?? g.table_id, (g.members || g.users || g.user_ids || g.seats || []).map(seatId)]);
      }
    });
    return out;
  }

  // -- from the server -------------------------------------------------------------------------------------------

  /** @param {any} f */
  onJoined(f) {
    if (f.room !== this.room) return;
    this.joinError = null;
    if (Array.isArray(f.presence)) this.setPresent(f.presence);
    if (f.state || f.lounge) this.snapshot(f.state || f.lounge, f);
  }

  /** @param {any} f */
  onReset(f) {
    // The snapshot already holds what history would replay.
    if (f.room !== this.room || this.ready) return;
    for (const e of f.history || []) this.apply(e.event, false);
    this.emit('change');
  }

  /** @param {any} f */
  onFrame(f) {
    if (f.room && f.room !== this.room) return;
    if (f.type === 'lounge') this.snapshot(f.state || f, f);
    else if (f.type === 'word-accepted') {
      const meeting = typeof f.meeting === 'object' && f.meeting ? f.meeting.id : (f.meeting ?? f.meeting_id);
      this.emit('word-reply', { invite: f.invite, accept: true, meeting_id: meeting });
    }
  }

  /** @param {any} s the state @param {any} f the frame around it */
  snapshot(s, f) {
    this.setTables(s.tables || []);
    const seated = s.seated || {};
    for (const [user, tb] of Object.entries(seated)) {
      const t = this.tableById(tb);
      if (t && !t.seats.includes(Number(user))) t.seats.push(Number(user));
    }
    const cards = s.cards || f.cards || [];
    for (const c of Array.isArray(cards) ? cards : Object.values(cards)) if (c?.user_id) this.cards.set(c.user_id, c);
    this.round = s.round || null;
    this.roundsTotal = s.rounds_total ?? this.roundsTotal;
    this.optOut = new Set((s.opt_out || []).map(Number));
    // Whether rounds leave me where I am is mine alone: the frame says it (an organiser is out until they opt in).
    if (f.opt_out === true) this.optOut.add(this.me);
    for (const inv of s.invites || []) this.invites.set(String(inv.id), inv);
    const perms = f.permissions || s.permissions;
    if (Array.isArray(perms)) this.permissions = perms;
    if (Array.isArray(f.ice_servers)) this.iceServers = f.ice_servers;
    this.ready = true;
    this.emit('change');
  }

  /** @param {any} tables */
  setTables(tables) {
    const list = Array.isArray(tables) ? tables : Object.values(tables || {});
    this.tables = new Map(list.map((raw) => [String(raw.id), table(raw)]));
    for (const raw of list) for (const s of raw.seats || []) if (typeof s === 'object' && s?.user_id) this.cards.set(s.user_id, s);
  }

  /** @param {number} user @param {any} tb */
  seat(user, tb) {
    for (const t of this.tables.values()) t.seats = t.seats.filter((x) => x !== user);
    const t = this.tableById(tb);
    if (t && !t.seats.includes(user)) t.seats.push(user);
  }

  /** @param {any} ev @param {boolean} live whether it happens now (not replayed history) */
  apply(ev, live) {
    if (!ev) return;
    switch (ev.kind) {
      case 'l-tables':
        this.setTables(ev.tables);
        break;
      case 'l-seat':
        if (ev.card?.user_id) this.cards.set(ev.card.user_id, ev.card);
        this.seat(ev.user_id, ev.table ?? null);
        break;
      case 'l-round': {
        for (const c of ev.cards || []) if (c?.user_id) this.cards.set(c.user_id, c);
        const before = this.seatOf();
        this.round = ev.round || null;
        this.roundsTotal = ev.rounds_total ?? this.roundsTotal;
        let placed = false;
        // The placement is the server's, computed once: everyone moves to the table of their group.
        if (this.round) {
          for (const [tb, members] of this.placements(this.round)) {
            for (const u of members) if (tb !== null) this.seat(u, tb);
            if (members.includes(this.me)) placed = true;
          }
        }
        const table = this.seatOf();
        if (live) this.emit('round', { round: this.round, placed, moved: placed && String(table) !== String(before), table });
        break;
      }
      case 'l-round-end':
        if (this.round && this.round.number === ev.number && live) this.emit('round-end', ev.number);
        break;
      case 'l-word': {
        const inv = ev.invite;
        if (!inv) break;
        this.invites.set(String(inv.id), inv);
        if (inv.from?.user_id) this.cards.set(inv.from.user_id, inv.from);
        if (live && Number(inv.to?.user_id ?? inv.to) === this.me) this.emit('word', inv);
        break;
      }
      case 'l-word-reply': {
        const inv = this.invites.get(String(ev.invite?.id ?? ev.invite))
          || { id: ev.invite, from: { user_id: ev.from_user }, to: ev.to };
        const from = Number(ev.from_user ?? inv.from?.user_id ?? inv.from);
        const to = Number(ev.to ?? inv.to?.user_id ?? inv.to);
        this.invites.delete(String(ev.invite?.id ?? ev.invite));
        if (live && (from === this.me || to === this.me)) {
          this.emit('word-reply', { invite: { ...inv, from: inv.from?.name ? inv.from : { user_id: from }, to },
            accept: ev.accept, meeting_id: ev.meeting_id, withdrawn: Boolean(ev.withdrawn) });
        }
        break;
      }
      case 'l-mixing':
        if (ev.opt_out) this.optOut.add(ev.user_id);
        else this.optOut.delete(ev.user_id);
        break;
      default:
        return;
    }
    if (live) this.emit('change');
  }

  /** @param {any[]} members */
  setPresent(members) {
    this.present.clear();
    for (const m of members) this.addPresent(m);
    this.emit('presence');
  }

  /** @param {any} m */
  addPresent(m) {
    if (!m || typeof m.user_id !== 'number') return;
    this.present.set(m.user_id, m);
    const c = this.cards.get(m.user_id);
    if (!c) this.cards.set(m.user_id, { user_id: m.user_id, name: m.name, organisation: m.organisation || '',
      org_type: m.org_type, side: m.side ?? null, country: m.country || '', sectors: m.sectors || [] });
  }

  /** @param {any} f */
  onPresence(f) {
    if (f.room !== this.room) return;
    if (f.type === 'presence') this.setPresent(f.members || []);
    else if (f.type === 'presence-join' || f.type === 'presence-update') {
      this.addPresent(f.member);
      this.emit('presence');
    } else if (f.type === 'presence-leave') {
      // Going incognito sends a "leave" about me: I still see myself.
      if (f.user_id === this.me) return;
      this.present.delete(f.user_id);
      this.emit('presence');
    }
  }

  // -- requests ----------------------------------------------------------------------------------------------------

  /** @param {any} tb */
  sit(tb) {
    return this.send({ type: 'sit', table: tb });
  }

  stand() {
    return this.send({ type: 'stand' });
  }

  /** @param {boolean} on */
  setIncognito(on) {
    this.status = on ? 'invisible' : 'available';
    return this.conn.setStatus(this.room, this.status);
  }

  /** @param {{table?: any, name: string, topic: string, capacity: number, sector: string|null}} t */
  saveTable(t) {
    const body = { type: 'table-save', name: t.name, topic: t.topic, capacity: t.capacity, sector: t.sector };
    return this.send(t.table === undefined || t.table === null ? body : { ...body, table: t.table });
  }

  /** @param {any} tb */
  removeTable(tb) {
    return this.send({ type: 'table-remove', table: tb });
  }

  /** @param {number} rounds @param {number} minutes */
  startRounds(rounds, minutes) {
    return this.send({ type: 'rounds-start', rounds, minutes });
  }

  stopRounds() {
    return this.send({ type: 'rounds-stop' });
  }

  nextRound() {
    return this.send({ type: 'rounds-next' });
  }

  /** @param {boolean} optOut */
  mixing(optOut) {
    return this.send({ type: 'mixing', opt_out: optOut });
  }

  /** @param {number} user */
  word(user) {
    return this.send({ type: 'word', user });
  }

  /** @param {any} invite @param {boolean} accept */
  wordReply(invite, accept) {
    return this.send({ type: 'word-reply', invite, accept });
  }

  /** @param {number} user */
  connect(user) {
    return this.send({ type: 'connect', user });
  }

  /** @param {number} user */
  continueLater(user) {
    return this.send({ type: 'continue-later', user });
  }
}
