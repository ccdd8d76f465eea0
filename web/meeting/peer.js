// @ts-check
/**
 * One pair in a call (a 1:1 meeting, or two people at a lounge table): one RTCPeerConnection to the other
 * member, negotiated as docs/protocol.md "Calls" says, so that it cannot collide and recovers from lost signals:
 *
 * - the server says who offers (`offer_to` in `joined`, `role` in every relayed signal); the offerer makes every
 *   offer, the answerer never does — it says `ready` when it has no working connection and answers offers;
 * - every signal names the connection it comes from (`sid`) and, where it answers one, the connection it is for
 *   (`to`): a signal of an earlier attempt or an earlier page is recognised and ignored;
 * - nothing waits silently: a step that brings no progress is repeated (an ICE restart first, then a fresh
 *   connection), and after FAIL_MS without a connection the state says `failed` (retrying goes on, slower).
 *
 * Media never renegotiates: the offerer offers audio and video both ways, and cameras and microphones are
 * swapped in with replaceTrack, so a device that comes late still reaches the other side.
 *
 * Events: 'state' (detail: 'idle'|'connecting'|'connected'|'reconnecting'|'failed'), 'remote' (a new remote
 * stream), 'bye' (the other side hung up this connection).
 */

export const FAIL_MS = 20000;
const RETRY_MS = [4000, 6000, 8000, 10000];
const ANSWERER_LAG_MS = 1500; // the offerer usually repairs first; the answerer asks only if that did not help
const DISCONNECT_GRACE_MS = 2500; // a connection often comes back by itself from 'disconnected'
const KINDS = /** @type {const} */ (['audio', 'video']);

/** A fresh connection id: unique enough among one person's pages and attempts. */
export function newSid() {
  const bytes = new Uint8Array(9);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_');
}

export class MeetingPeer extends EventTarget {
  /**
   * @param {{send: (signal: any) => Promise<any>, iceServers: RTCIceServer[], stream: () => MediaStream|null,
   *          role?: 'offerer'|'answerer'|null}} o
   */
  constructor(o) {
    super();
    this.o = o;
    /** @type {'offerer'|'answerer'|null} my part in this pair, as the server says */
    this.role = o.role ?? null;
    /** @type {RTCPeerConnection|null} */
    this.pc = null;
    this.sid = '';
    /** the other side's connection this one is negotiated with */
    this.remoteSid = '';
    /** the other side's connection that last said ready (what a fresh offer is for) */
    this.readySid = '';
    this.boundAt = 0; // when our connection was last paired with theirs (an answer came)
    /** @type {{sdp: string, at: number}|null} my offer still waiting for its answer */
    this.pendingOffer = null;
    /** @type {any} my last answer, sent again when its offer comes again */
    this.lastAnswer = null;
    /** @type {'idle'|'connecting'|'connected'|'reconnecting'|'failed'} */
    this.state = 'idle';
    this.present = false;
    this.since = 0; // when the current attempt to connect began
    this.lastStep = 0; // when we last did something to get connected
    this.attempts = 0;
    this.lastReadyReply = 0;
    /** for the call report: how long the first connection took, how often it came back */
    this.startedAt = 0;
    this.connectMs = /** @type {number|null} */ (null);
    this.reconnects = 0;
    this.everConnected = false;
    /** @type {MediaStream} */
    this.remote = new MediaStream();
    /** @type {Promise<void>} negotiation steps run one after another, never interleaved */
    this.chain = Promise.resolve();
    /** @type {ReturnType<typeof setInterval>|null} */
    this.timer = null;
  }

  /** @param {string} type @param {any} [detail] */
  emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  /** @param {'idle'|'connecting'|'connected'|'reconnecting'|'failed'} state */
  setState(state) {
    if (state === this.state) return;
    this.state = state;
    this.emit('state', state);
  }

  /** @param {() => Promise<void>|void} step */
  run(step) {
    this.chain = this.chain.then(step).catch((err) => console.warn('call step failed', err));
    return this.chain;
  }

  /** @param {any} signal */
  send(signal) {
    return this.o.send(signal).catch(() => {});
  }

  // -- the other side is here, or not ------------------------------------------------------------------------

  /**
   * The other member is in the room. `lead`: this side starts at once (it just arrived, or it knows it offers);
   * otherwise it waits a step for the side that arrived, which starts.
   * @param {boolean} lead
   */
  begin(lead) {
    this.present = true;
    this.startTimer();
    if (this.state === 'connected' || this.state === 'reconnecting') {
      // Back after a dropped socket: the call may have carried on peer to peer; if not, the timer repairs it.
      return;
    }
    if (this.state === 'idle') this.attempt();
    if (lead) this.run(() => this.step(true));
  }

  /**
   * The other member left the room. A call that still runs peer to peer goes on (their socket may be back in a
   * moment); anything else is closed, and we wait for them.
   */
  pause() {
    this.present = false;
    this.stopTimer();
    if (this.pc?.connectionState === 'connected') return;
    this.close();
    this.setState('idle');
  }

  /** Try again from scratch (the person pressed the button). */
  retry() {
    this.attempt();
    this.run(() => this.step(true));
  }

  attempt() {
    this.since = Date.now();
    this.lastStep = this.since;
    this.attempts = 0;
    if (!this.startedAt) this.startedAt = this.since;
    this.setState(this.everConnected ? 'reconnecting' : 'connecting');
  }

  startTimer() {
    if (!this.timer) this.timer = setInterval(() => this.tick(), 1000);
  }

  stopTimer() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  tick() {
    if (!this.present || this.state === 'idle' || this.state === 'connected') return;
    const now = Date.now();
    if (this.state !== 'failed' && now - this.since > FAIL_MS) this.setState('failed');
    let wait = RETRY_MS[Math.min(this.attempts, RETRY_MS.length - 1)]
      + (this.role === 'offerer' ? 0 : ANSWERER_LAG_MS);
    // ICE is checking candidate pairs: on a busy machine or a slow network that takes a while; let it.
    if (this.pc?.connectionState === 'connecting') wait *= 2;
    if (now - this.lastStep < wait) return;
    this.attempts += 1;
    // An ICE restart heals a path that broke; if that did not help, a fresh connection.
    this.run(() => this.step(this.attempts % 2 === 0 || !this.remoteSid));
  }

  /**
   * One thing that gets us closer to a connection, by our part: the offerer offers (on the connection it has,
   * restarting ICE, or on a fresh one), anyone else says ready (on its connection, or a fresh one).
   * @param {boolean} fresh
   */
  async step(fresh) {
    // Steps queue behind signals: by the time this one runs, the call may have come up.
    if (!this.present || this.state === 'connected') return;
    this.lastStep = Date.now();
    if (this.role === 'offerer') {
      const pc = this.pc;
      if (!fresh && pc && this.remoteSid && pc.signalingState === 'stable' && pc.connectionState !== 'closed') {
        await this.offer(this.remoteSid, true);
      } else {
        await this.offer(this.readySid || null, false);
      }
    } else {
      if (fresh || !this.pc || this.pc.connectionState === 'closed') this.fresh();
      await this.send({ kind: 'ready', sid: this.sid });
    }
  }

  // -- connections ---------------------------------------------------------------------------------------------

  /** A new connection (with a new sid) replaces the one we had. */
  fresh() {
    this.close();
    const sid = newSid();
    const pc = new RTCPeerConnection({ iceServers: this.o.iceServers });
    this.pc = pc;
    this.sid = sid;
    this.remoteSid = '';
    this.pendingOffer = null;
    this.lastAnswer = null;
    this.remote = new MediaStream();
    this.emit('remote', this.remote);
    pc.onicecandidate = ({ candidate }) => {
      if (this.pc !== pc) return;
      const to = this.remoteSid ? { to: this.remoteSid } : {};
      if (!candidate || !candidate.candidate) {
        this.send({ kind: 'candidate', sid, candidate: '', ...to });
        return;
      }
      this.send({ kind: 'candidate', sid, candidate: candidate.candidate, mid: candidate.sdpMid ?? '0',
        mline: candidate.sdpMLineIndex ?? 0, ...to });
    };
    pc.ontrack = ({ track }) => {
      if (this.pc !== pc) return;
      for (const old of this.remote.getTracks()) if (old.kind === track.kind) this.remote.removeTrack(old);
      this.remote.addTrack(track);
      this.emit('remote', this.remote);
    };
    pc.onconnectionstatechange = () => { if (this.pc === pc) this.onConnection(pc.connectionState); };
    return pc;
  }

  /** @param {RTCPeerConnectionState} s */
  onConnection(s) {
    if (s === 'connected') {
      if (!this.everConnected) this.connectMs = Date.now() - this.startedAt;
      else if (this.state !== 'connected') this.reconnects += 1;
      this.everConnected = true;
      this.attempts = 0;
      this.setState('connected');
    } else if (!this.present) {
      // They left the room and now the media went too: over.
      this.close();
      this.setState('idle');
    } else if (s === 'disconnected' || s === 'failed') {
      if (this.state === 'connected') {
        this.since = Date.now();
        this.attempts = 0;
      }
      this.setState(this.state === 'failed' ? 'failed' : this.everConnected ? 'reconnecting' : 'connecting');
      // 'failed' is final for this path: act now; 'disconnected' often heals itself.
      this.lastStep = s === 'failed' ? 0 : Date.now() - RETRY_MS[0] + DISCONNECT_GRACE_MS;
    }
  }

  /**
   * The offerer's offer: on the connection we have when it is still unused or being restarted, else a fresh one.
   * @param {string|null} to the answerer's connection it is for, if known @param {boolean} restart
   */
  async offer(to, restart) {
    let pc = this.pc;
    const unused = pc && !pc.localDescription && !pc.remoteDescription && pc.connectionState !== 'closed';
    if (!restart && !unused) pc = this.fresh();
    if (!pc) return;
    if (!pc.getTransceivers().length) {
      const stream = this.o.stream();
      for (const kind of KINDS) {
        const track = stream?.getTracks().find((t) => t.kind === kind);
        pc.addTransceiver(track || kind, { direction: 'sendrecv', streams: stream ? [stream] : [] });
      }
    }
    const offer = await pc.createOffer(restart ? { iceRestart: true } : undefined);
    if (this.pc !== pc) return;
    await pc.setLocalDescription(offer);
    const sdp = /** @type {RTCSessionDescription} */ (pc.localDescription).sdp;
    this.pendingOffer = { sdp, at: Date.now() };
    await this.send({ kind: 'offer', sid: this.sid, sdp, ...(to ? { to } : {}) });
  }

  /** Put my camera and microphone on the connection's senders (answerer: on the transceivers the offer made). */
  async attachTracks() {
    const pc = this.pc;
    const stream = this.o.stream();
    if (!pc) return;
    for (const t of pc.getTransceivers()) {
      if (t.direction !== 'sendrecv' && t.direction !== 'stopped') t.direction = 'sendrecv';
      const kind = t.receiver.track?.kind;
      const track = stream?.getTracks().find((x) => x.kind === kind);
      if (track && t.sender.track !== track) await t.sender.replaceTrack(track);
      if (stream && /** @type {any} */ (t.sender).setStreams) /** @type {any} */ (t.sender).setStreams(stream);
    }
  }

  /** Use another camera or microphone track without renegotiating. @param {MediaStreamTrack} track */
  async replace(track) {
    for (const t of this.pc?.getTransceivers() || []) {
      if (t.receiver.track?.kind === track.kind) await t.sender.replaceTrack(track);
    }
  }

  // -- signals from the other member ---------------------------------------------------------------------------

  /**
   * A signal from the other member, with my part in the pair as the server stamped it.
   * @param {any} signal @param {'offerer'|'answerer'} role
   */
  receive(signal, role) {
    if (role) this.role = role;
    this.present = true;
    this.startTimer();
    if (this.state === 'idle') this.attempt();
    return this.run(() => this.handle(signal));
  }

  /** @param {any} s */
  async handle(s) {
    if (s.kind !== 'bye') this.lastStep = Date.now(); // the other side is at work: no need to push
    switch (s.kind) {
      case 'ready': return this.onReady(s);
      case 'offer': return this.onOffer(s);
      case 'answer': return this.onAnswer(s);
      case 'candidate': return this.onCandidate(s);
      case 'bye': return this.onBye(s);
      default: return undefined;
    }
  }

  /** @param {any} s */
  async onReady(s) {
    this.lastStep = Date.now();
    if (this.role === 'offerer') {
      const pc = this.pc;
      if (pc && this.remoteSid && this.remoteSid !== s.sid
        && (pc.connectionState === 'connected' || Date.now() - this.boundAt < RETRY_MS[0])) {
        // A ready for another connection of theirs while ours with them works, or has just been answered: it
        // crossed that answer. If they really need an offer, they ask again.
        return;
      }
      this.readySid = s.sid;
      if (pc && this.remoteSid === s.sid && pc.connectionState !== 'closed') {
        // The answerer still has our connection but it does not work for them: restart ICE on it.
        if (pc.signalingState === 'stable') await this.offer(s.sid, true);
        else if (this.pendingOffer) await this.send({ kind: 'offer', sid: this.sid, sdp: this.pendingOffer.sdp, to: s.sid });
      } else if (pc && !this.remoteSid && this.pendingOffer && Date.now() - this.pendingOffer.at < RETRY_MS[0]) {
        // Our offer and their ready crossed: the same offer, now addressed to them.
        await this.send({ kind: 'offer', sid: this.sid, sdp: this.pendingOffer.sdp, to: s.sid });
      } else {
        await this.offer(s.sid, false);
      }
      return;
    }
    // The offerer asks us to say ready (it did not know its part, or lost our connection).
    if (Date.now() - this.lastReadyReply < 1000) return;
    this.lastReadyReply = Date.now();
    if (!this.pc || this.pc.connectionState === 'closed' || (this.remoteSid && this.remoteSid !== s.sid
      && this.pc.connectionState !== 'connected')) this.fresh();
    await this.send({ kind: 'ready', sid: this.sid });
  }

  /** @param {any} s */
  async onOffer(s) {
    if (s.to && s.to !== this.sid) return; // for a connection of ours that is gone
    let pc = this.pc;
    if (pc && this.remoteSid === s.sid && pc.connectionState !== 'closed') {
      if (pc.remoteDescription?.sdp === s.sdp && this.lastAnswer) {
        await this.send(this.lastAnswer); // the same offer again: our answer was lost, or it crossed
        return;
      }
    } else if (!pc || pc.remoteDescription || pc.localDescription || pc.connectionState === 'closed') {
      pc = this.fresh(); // an offer from another connection of theirs (a reload, a new attempt)
    }
    if (pc.signalingState !== 'stable') return;
    this.remoteSid = s.sid;
    await pc.setRemoteDescription({ type: 'offer', sdp: s.sdp });
    await this.attachTracks();
    await pc.setLocalDescription(await pc.createAnswer());
    if (this.pc !== pc) return;
    const sdp = /** @type {RTCSessionDescription} */ (pc.localDescription).sdp;
    this.lastAnswer = { kind: 'answer', sid: this.sid, to: s.sid, sdp };
    this.lastStep = Date.now();
    await this.send(this.lastAnswer);
  }

  /** @param {any} s */
  async onAnswer(s) {
    const pc = this.pc;
    if (!pc || s.to !== this.sid || pc.signalingState !== 'have-local-offer') return;
    this.remoteSid = s.sid;
    this.boundAt = Date.now();
    this.pendingOffer = null;
    await pc.setRemoteDescription({ type: 'answer', sdp: s.sdp });
  }

  /** @param {any} s */
  async onCandidate(s) {
    const pc = this.pc;
    if (!pc || s.sid !== this.remoteSid || (s.to && s.to !== this.sid)) return;
    try {
      if (s.candidate) await pc.addIceCandidate({ candidate: s.candidate, sdpMid: s.mid, sdpMLineIndex: s.mline });
      else await pc.addIceCandidate();
    } catch { /* a candidate of a generation an ICE restart replaced */ }
  }

  /** @param {any} s */
  async onBye(s) {
    if (!this.pc || s.sid !== this.remoteSid) return;
    this.close();
    this.emit('bye');
    // They may be back in a moment (a reload): keep trying while they are in the room.
    if (this.present) this.attempt();
  }

  // -- the end ------------------------------------------------------------------------------------------------

  /** Tell the other side and close. */
  async hangUp() {
    if (this.pc) await this.send({ kind: 'bye', sid: this.sid });
    this.stop();
  }

  /** Close without a word (another tab took the call, or the page goes). */
  stop() {
    this.present = false;
    this.stopTimer();
    this.close();
    this.setState('idle');
  }

  close() {
    const pc = this.pc;
    this.pc = null;
    this.remoteSid = '';
    this.pendingOffer = null;
    this.lastAnswer = null;
    if (pc) {
      pc.onicecandidate = null;
      pc.ontrack = null;
      pc.onconnectionstatechange = null;
      pc.close();
    }
  }

  /** What the page reports about this call: its connection, whether it is up, media frames received. */
  async sample() {
    const pc = this.pc;
    if (!pc) return null;
    let frames = 0;
    try {
      const stats = await pc.getStats();
      stats.forEach((x) => {
        if (x.type !== 'inbound-rtp') return;
        frames += x.kind === 'video' ? (x.framesDecoded || 0) : (x.packetsReceived || 0);
      });
    } catch { /* closing under us */ }
    return { sid: this.sid, connected: pc.connectionState === 'connected', frames };
  }
}
