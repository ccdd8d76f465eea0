// @ts-check
/**
 * One webinar on the tab's connection (the mission's MissionLive): joins `webinar:<item>` and, for its host and
 * moderators, `webinar-staff:<item>`; folds snapshots and events (state.js); sends the webinar requests of
 * docs/webinar.md. No DOM in here.
 *
 * Events (CustomEvent): 'change' (the view changed), 'effect' (detail: an Effect from state.js), 'ready' (the
 * first snapshot is in; detail: {role, permissions}), 'stage-offer' (detail: the frame; renegotiations too),
 * 'stage-reset' (the media server restarted: publish and watch again on new connections),
 * 'reactions' (detail: counts), 'problem' (detail: {code, message}) for errors no request waits for.
 */

import { ProtocolError } from '../protocol.js';
import { RoomSession } from '../room-session.js';
import { apply, emptyState, fromSnapshot, merged } from './state.js';

/** The reactions' names on the wire (docs/webinar.md); the page draws each as an SVG icon (reactions.js). */
export const EMOJI = ['👏', '👍', '❤️', '😂', '🎉', '🤔'];

function newKey() {
  // randomUUID exists in secure contexts only (https, localhost).
  return typeof globalThis.crypto?.randomUUID === 'function' ? crypto.randomUUID() : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

export class WebinarSession extends RoomSession {
  /**
   * @param {import('../live.js').MissionLive} live @param {number} item @param {number} me my user id
   */
  constructor(live, item, me) {
    super(live, item, me, `webinar:${item}`);
    this.staffRoom = `webinar-staff:${item}`;
    this.pub = emptyState();
    /** @type {import('./state.js').RoomState|null} */
    this.staff = null;
    this.ready = false;
    this.role = 'attendee';
    /** @type {string[]} */
    this.permissions = [];
    this.mayPublish = false;
    /** the host may reopen this ended webinar now (from the latest snapshot) */
    this.mayReopen = false;
    this.media = 'relay';
    /** The one place ICE servers come from: the server's snapshot, else none (host candidates only). */
    /** @type {RTCIceServer[]} */
    this.iceServers = [];
    /** @type {string|null} why joining failed */
    this.joinError = null;
    this.listen('event', (e) => this.onEvent(/** @type {CustomEvent} */ (e).detail));
    this.listen('frame', (e) => this.onFrame(/** @type {CustomEvent} */ (e).detail));
    this.listen('error-frame', (e) => {
      const f = /** @type {CustomEvent} */ (e).detail;
      if (f.room === this.room || f.room === this.staffRoom) {
        if (f.room === this.room) this.joinError = f.code;
        this.emit('problem', { code: f.code, message: f.message });
        this.emit('change');
      } else if (typeof f.id === 'string' && f.id.startsWith('react-')) {
        this.emit('problem', { code: f.code, message: f.message, react: true });
      }
    });
    this.conn.join(this.room).catch(() => {});
  }

  /** Leave both rooms and let go of the connection (it stays up for the mission). */
  close() {
    super.close();
    if (this.staff) this.conn.leave(this.staffRoom).catch(() => {});
  }

  get isStaff() {
    return this.permissions.includes('console') || this.permissions.includes('moderate-qa');
  }

  /** Host, moderator or speaker: in the green room before the start, not an attendee in the figures. */
  get onStaff() {
    return this.role !== 'attendee';
  }

  /** A group session's or a roundtable's room: everyone's camera, a floor the chair gives. */
  get group() {
    return this.pub.group;
  }

  /** @param {string} action e.g. 'moderate-qa' */
  may(action) {
    return this.permissions.includes(action);
  }

  view() {
    return merged(this.pub, this.staff);
  }

  /** @param {any} frame */
  onFrame(frame) {
    switch (frame.type) {
      case 'webinar':
        if (frame.room === this.room) {
          this.pub = fromSnapshot(frame, this.me, this.ready ? this.pub : null);
          this.role = frame.role || 'attendee';
          this.permissions = Array.isArray(frame.permissions) ? frame.permissions : [];
          this.mayPublish = Boolean(frame.may_publish);
          this.mayReopen = Boolean(frame.may_reopen);
          this.media = frame.media || 'relay';
          if (Array.isArray(frame.ice_servers) && frame.ice_servers.length) this.iceServers = frame.ice_servers;
          this.joinError = null;
          const first = !this.ready;
          this.ready = true;
          if (this.isStaff && !this.conn.rooms.has(this.staffRoom)) {
            this.staff = emptyState();
            this.conn.join(this.staffRoom).catch(() => {});
          }
          if (first) this.emit('ready', { role: this.role, permissions: this.permissions });
          this.emit('change');
        } else if (frame.room === this.staffRoom) {
          this.staff = fromSnapshot(frame, this.me, this.staff);
          this.emit('change');
        }
        return;
      case 'stage-offer':
        if (frame.room === this.room && !frame.id) this.emit('stage-offer', frame);
        return;
      case 'stage-reset':
        if (frame.room === this.room) this.emit('stage-reset', frame);
        return;
      case 'reactions':
        if (frame.room === this.room) this.emit('reactions', frame.counts || {});
        return;
      default:
        return; // stage-answer: only ever a reply, settled by protocol.js
    }
  }

  /** @param {any} frame */
  onEvent(frame) {
    /** @type {import('./state.js').Effect[]} */
    let effects = [];
    if (frame.room === this.room) {
      const r = apply(this.pub, frame, this.me);
      this.pub = r.state;
      effects = r.effects;
    } else if (frame.room === this.staffRoom && this.staff) {
      const r = apply(this.staff, frame, this.me);
      this.staff = r.state;
      // Greetings, warnings and the end come through the public room too: show them once.
      effects = r.effects.filter((x) => x.kind === 'attend');
    } else {
      return;
    }
    this.emit('change');
    for (const effect of effects) this.emit('effect', effect);
  }

  /**
   * My vote on a question, as my ack or a refusal ('already-voted' / 'not-voted') told it: the room's `w-vote`
   * events carry counts only, so these and the snapshot's `my_votes` are how this page knows.
   * @param {number} question @param {boolean} voted
   */
  knowVote(question, voted) {
    for (const st of [this.pub, this.staff]) {
      if (!st) continue;
      st.myVotes = new Set(st.myVotes);
      if (voted) st.myVotes.add(question);
      else st.myVotes.delete(question);
    }
    this.emit('change');
  }

  /**
   * A question I asked (my `ask` ack's `question`, or an `own-question` refusal): the page offers no upvote on
   * it. Nobody else learns it, even of an anonymous question.
   * @param {number} question
   */
  knowAsked(question) {
    for (const st of [this.pub, this.staff]) {
      if (!st) continue;
      st.myQuestions = new Set(st.myQuestions).add(question);
    }
    this.emit('change');
  }

  // -- requests ------------------------------------------------------------------------------------------------

  /** @param {string} text @param {boolean} anonymous */
  async ask(text, anonymous) {
    const ack = await this.send({ type: 'ask', text, anonymous, key: newKey() }, true);
    if (typeof ack?.question === 'number') this.knowAsked(ack.question);
    return ack;
  }

  /** @param {number} question @param {boolean} up */
  async vote(question, up) {
    const ack = await this.send({ type: 'vote', question, up });
    this.knowVote(question, up);
    return ack;
  }

  /** @param {number} question @param {'approve'|'dismiss'|'pin'|'unpin'|'answered'} action */
  moderate(question, action) {
    return this.send({ type: 'moderate', question, action });
  }

  /** @param {'open'|'pre-approved'} mode */
  setQaMode(mode) {
    return this.send({ type: 'qa-mode', mode });
  }

  /** @param {boolean} up */
  hand(up) {
    return this.send({ type: 'hand', up });
  }

  /** @param {number} user */
  lowerHand(user) {
    return this.send({ type: 'lower-hand', user });
  }

  /** @param {number} user @param {number|null} [question] */
  invite(user, question = null) {
    return this.send({ type: 'stage-invite', user, ...(question === null ? {} : { question }) });
  }

  /** @param {boolean} accept */
  reply(accept) {
    return this.send({ type: 'stage-reply', accept });
  }

  /** @param {number} user */
  endGuest(user) {
    return this.send({ type: 'stage-end', user });
  }

  /** @param {string} question @param {string[]} options @param {boolean} multiple */
  createPoll(question, options, multiple) {
    return this.send({ type: 'poll-create', question, options, multiple, key: newKey() }, true);
  }

  /** @param {number} poll @param {'open'|'closed'} status */
  pollState(poll, status) {
    return this.send({ type: 'poll-state', poll, status });
  }

  /** @param {number} poll @param {number[]} choices */
  async pollVote(poll, choices) {
    const ack = await this.send({ type: 'poll-vote', poll, choices });
    // Ballots are secret: no event says what I chose, so my own choice is recorded when it is accepted.
    for (const st of [this.pub, this.staff]) {
      if (!st) continue;
      st.myBallots = new Map(st.myBallots);
      st.myBallots.set(poll, choices.slice());
    }
    this.emit('change');
    return ack;
  }

  /** Give the floor to `user`, or take it back with null (the chair of a group room). @param {number|null} user */
  giveFloor(user) {
    return this.send({ type: 'floor', user });
  }

  /** Switch the stage's recording on or off (the staff). @param {boolean} on */
  record(on) {
    return this.send({ type: 'record', on });
  }

  /** My own choice: `false` declines being recorded (nothing of mine is written from then on). @param {boolean} accept */
  consent(accept) {
    return this.send({ type: 'record-consent', accept });
  }

  /** Mute someone's live microphone (the chair of a group room); their page turns it off. @param {number} user */
  mute(user) {
    return this.send({ type: 'mute', user });
  }

  /** @param {number} user */
  greet(user) {
    return this.send({ type: 'greet', user });
  }

  /** @param {boolean} [confirm] start although it is more than 15 minutes early (else error `early-start`) */
  start(confirm = false) {
    return this.send({ type: 'webinar-start', ...(confirm ? { confirm: true } : {}) });
  }

  /** @param {boolean} on start or stop a rehearsal in the green room */
  rehearse(on) {
    return this.send({ type: 'webinar-rehearse', on });
  }

  /** Reopen an ended webinar within its time slot (its host). */
  async reopen() {
    const ack = await this.send({ type: 'webinar-reopen' });
    this.mayReopen = false;
    return ack;
  }

  end() {
    return this.send({ type: 'webinar-end' });
  }

  /**
   * A reaction is answered only when refused, so nothing waits for it: sent as is, and a refusal arrives as a
   * 'problem' with `react: true`.
   * @param {string} emoji
   */
  react(emoji) {
    if (this.conn.state !== 'open' || !this.conn.ws) throw new ProtocolError('offline', 'Not connected.');
    this.conn.ws.send(JSON.stringify({ type: 'react', id: `react-${this.conn.nextId++}`, room: this.room, emoji }));
  }

  /** @param {'camera'|'screen'} source @param {string} sdp @returns {Promise<any>} the `stage-answer` */
  publish(source, sdp) {
    return this.send({ type: 'stage-publish', source, sdp });
  }

  /** @param {'camera'|'screen'} source */
  unpublish(source) {
    return this.send({ type: 'stage-unpublish', source });
  }

  /** @returns {Promise<any>} the `stage-offer` */
  watch() {
    return this.send({ type: 'stage-watch' });
  }

  /** @param {string} sdp */
  watchAnswer(sdp) {
    return this.send({ type: 'stage-watch-answer', sdp });
  }

  unwatch() {
    return this.send({ type: 'stage-unwatch' });
  }
}
