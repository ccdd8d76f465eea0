// @ts-check
/**
 * The 1:1 call: one RTCPeerConnection to the other member, negotiated with the "perfect negotiation" pattern
 * so either side may start (and restart) without glare. Signals go through the meeting room
 * (`{type:'signal', room, signal}`; docs/matchmaking.md); candidates trickle.
 *
 * A new page on the other side is recognised by the DTLS fingerprint of its offer: a different one means a
 * different peer connection, so ours is replaced rather than renegotiated. A lost network is healed with an
 * ICE restart.
 */

/** @param {string} sdp */
function fingerprint(sdp) {
  const m = /^a=fingerprint:(.+)$/m.exec(sdp || '');
  return m ? m[1].trim() : '';
}

export class MeetingPeer extends EventTarget {
  /**
   * @param {{send: (signal: any) => Promise<any>, polite: boolean, iceServers: RTCIceServer[],
   *          stream: () => MediaStream|null}} o
   */
  constructor(o) {
    super();
    this.o = o;
    /** @type {RTCPeerConnection|null} */
    this.pc = null;
    this.makingOffer = false;
    this.ignoreOffer = false;
    this.remoteFp = '';
    /** @type {MediaStream} */
    this.remote = new MediaStream();
    /** @type {ReturnType<typeof setTimeout>|null} */
    this.healTimer = null;
  }

  /** @param {string} type @param {any} [detail] */
  emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  get state() {
    return this.pc ? this.pc.connectionState : 'new';
  }

  /** A fresh connection (the old one, if any, is closed). @param {boolean} withTracks */
  start(withTracks = true) {
    this.stop();
    const pc = new RTCPeerConnection({ iceServers: this.o.iceServers });
    this.pc = pc;
    this.remoteFp = '';
    this.remote = new MediaStream();
    this.emit('remote', this.remote);
    pc.onnegotiationneeded = async () => {
      if (this.pc !== pc) return;
      try {
        this.makingOffer = true;
        await pc.setLocalDescription();
        const d = /** @type {RTCSessionDescription} */ (pc.localDescription);
        await this.o.send({ kind: 'offer', sdp: d.sdp }).catch(() => {});
      } catch (err) {
        console.warn('offer failed', err);
      } finally {
        this.makingOffer = false;
      }
    };
    pc.onicecandidate = ({ candidate }) => {
      if (this.pc !== pc || !candidate || !candidate.candidate) return;
      this.o.send({ kind: 'candidate', candidate: candidate.candidate, mid: candidate.sdpMid ?? '0',
        mline: candidate.sdpMLineIndex ?? 0 }).catch(() => {});
    };
    pc.ontrack = ({ track }) => {
      if (this.pc !== pc) return;
      for (const old of this.remote.getTracks()) if (old.kind === track.kind) this.remote.removeTrack(old);
      this.remote.addTrack(track);
      this.emit('remote', this.remote);
    };
    pc.onconnectionstatechange = () => {
      if (this.pc !== pc) return;
      this.emit('state', pc.connectionState);
      if (pc.connectionState === 'failed') this.heal();
      else if (pc.connectionState === 'disconnected') this.scheduleHeal(2500);
      else if (pc.connectionState === 'connected' && this.healTimer) {
        clearTimeout(this.healTimer);
        this.healTimer = null;
      }
    };
    if (withTracks) this.addTracks();
    this.emit('state', pc.connectionState);
    // A negotiation can be lost (an offer sent while the other page was still joining, a signal dropped by a
    // reconnect): a connection that never got going is started afresh, the impolite side first.
    const patience = this.o.polite ? 16000 : 8000;
    setTimeout(() => {
      if (this.pc !== pc || pc.connectionState === 'connected' || pc.connectionState === 'closed') return;
      if (pc.signalingState === 'stable' && !pc.remoteDescription) this.start(true);
      else if (pc.connectionState === 'new' || pc.connectionState === 'failed') this.heal();
    }, patience);
  }

  addTracks() {
    const pc = this.pc;
    const stream = this.o.stream();
    if (!pc || !stream) return;
    for (const track of stream.getTracks()) {
      if (!pc.getSenders().some((s) => s.track === track)) pc.addTrack(track, stream);
    }
  }

  /** Use another camera or microphone track without renegotiating. @param {MediaStreamTrack} track */
  async replace(track) {
    const sender = this.pc?.getSenders().find((s) => s.track?.kind === track.kind);
    if (sender) await sender.replaceTrack(track);
    else this.addTracks();
  }

  /** A signal from the other member. @param {any} signal */
  async receive(signal) {
    try {
      if (signal.kind === 'offer' || signal.kind === 'answer') {
        if (signal.kind === 'offer') {
          const fp = fingerprint(signal.sdp);
          // Another peer connection on their side (a reload, a new tab): start over to meet it.
          if (!this.pc || (this.remoteFp && fp && fp !== this.remoteFp) || this.pc.connectionState === 'closed') {
            this.start(false);
          }
        }
        const pc = /** @type {RTCPeerConnection} */ (this.pc);
        if (!pc) return;
        const collision = signal.kind === 'offer' && (this.makingOffer || pc.signalingState !== 'stable');
        this.ignoreOffer = !this.o.polite && collision;
        if (this.ignoreOffer) return;
        if (signal.kind === 'answer' && pc.signalingState !== 'have-local-offer') return;
        await pc.setRemoteDescription({ type: signal.kind, sdp: signal.sdp });
        this.remoteFp = fingerprint(signal.sdp) || this.remoteFp;
        if (signal.kind === 'offer') {
          this.addTracks();
          await pc.setLocalDescription();
          const d = /** @type {RTCSessionDescription} */ (pc.localDescription);
          await this.o.send({ kind: 'answer', sdp: d.sdp }).catch(() => {});
        }
      } else if (signal.kind === 'candidate') {
        if (!this.pc) return;
        try {
          await this.pc.addIceCandidate({ candidate: signal.candidate, sdpMid: signal.mid, sdpMLineIndex: signal.mline });
        } catch (err) {
          if (!this.ignoreOffer) console.warn('candidate refused', err);
        }
      } else if (signal.kind === 'bye') {
        this.stop();
        this.emit('bye');
      }
    } catch (err) {
      console.warn('signal failed', signal.kind, err);
    }
  }

  /** @param {number} ms */
  scheduleHeal(ms) {
    if (this.healTimer) return;
    this.healTimer = setTimeout(() => {
      this.healTimer = null;
      const s = this.pc?.connectionState;
      if (s === 'disconnected' || s === 'failed') this.heal();
    }, ms);
  }

  /** Restart ICE (after a network change): the negotiation that follows finds a new path. */
  heal() {
    const pc = this.pc;
    if (!pc || pc.connectionState === 'closed') return;
    if (pc.connectionState === 'connected') return;
    pc.restartIce();
  }

  /** Tell the other side and close. */
  async hangUp() {
    await this.o.send({ kind: 'bye' }).catch(() => {});
    this.stop();
  }

  stop() {
    if (this.healTimer) clearTimeout(this.healTimer);
    this.healTimer = null;
    const pc = this.pc;
    this.pc = null;
    this.makingOffer = false;
    this.ignoreOffer = false;
    if (pc) {
      pc.onnegotiationneeded = null;
      pc.onicecandidate = null;
      pc.ontrack = null;
      pc.onconnectionstatechange = null;
      pc.close();
      this.emit('state', 'closed');
    }
  }
}
