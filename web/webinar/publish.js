// @ts-check
/**
 * Publishing to the stage (speakers, the host, granted guests): camera + microphone, or a screen share, each its
 * own `stage-publish` (an offer sent after ICE gathering completes; the server answers). Mute and camera toggles,
 * and stop. When the server refuses (`not-on-stage`: a guest whose turn ended) local media stops at once.
 *
 * In a group room everyone may publish: the controls read "Turn camera on / off" and "Mute / Unmute microphone",
 * and the chair's `w-mute` turns the microphone off here (`muteMic`).
 *
 * Also the device check an invited attendee sees: a preview, a choice of camera and microphone, Accept/Decline.
 */

import { h, icon, replace } from '../dom.js';
import { t } from '../i18n.js';
import { act, errText, note, wt } from './common.js';
import { gathered } from './stage.js';

/** @typedef {'camera'|'screen'} Source */

// A group room's camera sizes: a small tile's, and the floor holder's large one (docs/webinar.md, "Group rooms").
const SMALL = { width: 480, height: 270, frameRate: { max: 15 } };
const LARGE = { width: 960, height: 540, frameRate: { max: 30 } };
const SMALL_BITRATE = 300_000;
const LARGE_BITRATE = 1_200_000;

/** @param {import('./session.js').WebinarSession} session @param {() => void} changed */
export function publisher(session, changed) {
  /** @type {Map<Source, {pc: RTCPeerConnection, stream: MediaStream}>} */
  const out = new Map();
  const pubNote = note('publish-note');

  /** @param {Source} source @param {MediaStream} stream the same stream again: published anew, kept running */
  const start = async (source, stream) => {
    stop(source, false, out.get(source)?.stream === stream);
    const pc = new RTCPeerConnection({ iceServers: session.iceServers });
    for (const track of stream.getTracks()) {
      // A group room's small tiles get small pictures: the bitrate follows the size (floorIsMine changes both).
      const cap = session.group && track.kind === 'video' && source === 'camera'
        ? { sendEncodings: [{ maxBitrate: mine ? LARGE_BITRATE : SMALL_BITRATE }] } : {};
      pc.addTransceiver(track, { direction: 'sendonly', streams: [stream], ...cap });
    }
    out.set(source, { pc, stream });
    // The browser's own "Stop sharing" button ends the screen track: unpublish then too.
    if (source === 'screen') stream.getVideoTracks()[0]?.addEventListener('ended', () => stop('screen', true));
    changed();
    try {
      await pc.setLocalDescription(await pc.createOffer());
      await gathered(pc);
      const reply = await session.publish(source, /** @type {RTCSessionDescription} */ (pc.localDescription).sdp);
      if (out.get(source)?.pc !== pc) return;
      await pc.setRemoteDescription({ type: 'answer', sdp: reply.sdp });
      pubNote.clear();
    } catch (err) {
      if (out.get(source)?.pc === pc) stop(source, false);
      pubNote.set(/** @type {any} */ (err)?.code === 'not-on-stage' ? t('webinar.notOnStage') : errText(err), 'error');
    }
  };

  /** @param {Source} source @param {boolean} tell @param {boolean} [keep] leave the camera or screen running */
  const stop = (source, tell, keep = false) => {
    const o = out.get(source);
    if (!o) return;
    out.delete(source);
    if (!keep) for (const track of o.stream.getTracks()) track.stop();
    o.pc.close();
    if (tell) session.unpublish(source).catch(() => {});
    changed();
  };

  // The media server restarted (`stage-reset`): what we published died with it. Publish the same camera and
  // screen again on new connections; the viewers' pages watch again by themselves.
  session.addEventListener('stage-reset', () => {
    for (const [source, o] of [...out]) start(source, o.stream);
  });

  const stopAll = (/** @type {boolean} */ tell) => {
    stop('camera', tell);
    stop('screen', tell);
  };

  // A group room shows up to 25 cameras at once: each is sent small, except the one whose tile is large — the
  // floor holder's, sent larger while they have the floor (`floorIsMine`).
  /** @param {MediaStreamConstraints} [constraints] */
  const camera = async (constraints = { audio: true,
    video: session.group ? (mine ? LARGE : SMALL) : { width: 640, height: 360 } }) => {
    try {
      await start('camera', await navigator.mediaDevices.getUserMedia(constraints));
    } catch (err) {
      pubNote.set(t('webinar.noDevices', { why: /** @type {any} */ (err)?.name || '' }), 'error');
    }
  };
  const screen = async () => {
    try {
      await start('screen', await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false }));
    } catch (err) {
      if (/** @type {any} */ (err)?.name !== 'NotAllowedError') pubNote.error(err);
    }
  };

  /** Whether I have the floor: my camera is then the large tile on every page, so it is sent larger. */
  let mine = false;
  /** @param {boolean} yes */
  const floorIsMine = (yes) => {
    if (yes === mine) return;
    mine = yes;
    const o = out.get('camera');
    if (!o) return;
    const size = yes ? LARGE : SMALL;
    for (const track of o.stream.getVideoTracks()) track.applyConstraints(size).catch(() => {});
    for (const sender of o.pc.getSenders()) {
      if (sender.track?.kind !== 'video') continue;
      const params = sender.getParameters();
      if (!params.encodings?.length) continue;
      params.encodings[0].maxBitrate = yes ? LARGE_BITRATE : SMALL_BITRATE;
      params.encodings[0].maxFramerate = size.frameRate.max;
      sender.setParameters(params).catch(() => {});
    }
  };

  /** @param {'audio'|'video'} kind */
  const enabled = (kind) => {
    const tracks = out.get('camera')?.stream.getTracks().filter((x) => x.kind === kind) || [];
    return tracks.length > 0 && tracks.every((x) => x.enabled);
  };
  let mutedBy = false;
  /** @param {'audio'|'video'} kind @param {boolean} [on] */
  const toggle = (kind, on = !enabled(kind)) => {
    for (const x of out.get('camera')?.stream.getTracks() || []) if (x.kind === kind) x.enabled = on;
    if (kind === 'audio' && on && mutedBy) {
      mutedBy = false;
      pubNote.clear();
    }
    changed();
    draw(...drawn);
  };
  /** The chair muted me: the microphone goes off and `why` says who did it, until I turn it on again. @param {string} why */
  const muteMic = (why) => {
    toggle('audio', false);
    pubNote.set(why);
    mutedBy = true;
  };

  // -- the controls --------------------------------------------------------------------------------------------
  const bar = h('div', { class: 'pub-bar', role: 'group', 'aria-label': t('webinar.yourMedia') });
  /**
   * @param {string} label @param {string} cls @param {() => any} fn @param {boolean|null} [pressed]
   * @param {import('../dom.js').IconName} [glyph] drawn, not an emoji: it shows without an emoji font
   */
  const btn = (label, cls, fn, pressed = null, glyph = undefined) => {
    const b = h('button', { type: 'button', class: `btn btn-secondary btn-small ${cls}`, dataset: { control: cls },
      'aria-pressed': pressed === null ? undefined : String(pressed) }, glyph ? icon(glyph) : null, h('span', null, label));
    b.addEventListener('click', () => fn());
    return b;
  };
  /** @type {[boolean, number|null]} the latest draw's arguments, to redraw after a local toggle */
  let drawn = [false, null];
  /** @param {boolean} allowed may I publish now @param {number|null} guestEnd my user id when I am a guest */
  function draw(allowed, guestEnd) {
    drawn = [allowed, guestEnd];
    const cam = out.has('camera');
    const g = session.group;
    // Keep the focus on the control that was used, though the bar is drawn anew.
    const focused = bar.contains(document.activeElement) ? /** @type {HTMLElement} */ (document.activeElement).dataset.control : null;
    replace(bar,
      allowed && !cam ? btn(wt(g, 'webinar.goLive'), 'pub-camera', () => camera(), null, 'video') : null,
      cam ? btn(enabled('audio') ? wt(g, 'webinar.mute') : wt(g, 'webinar.unmute'), 'pub-mute', () => toggle('audio'), !enabled('audio'), 'mic') : null,
      // In a group room "Turn camera off" stops sending altogether; a webinar's speaker may pause the picture.
      cam && !g ? btn(enabled('video') ? t('webinar.cameraOff') : t('webinar.cameraOn'), 'pub-video', () => toggle('video'), !enabled('video'), 'video') : null,
      allowed && navigator.mediaDevices && 'getDisplayMedia' in navigator.mediaDevices
        ? (out.has('screen') ? btn(t('webinar.stopShare'), 'pub-screen', () => stop('screen', true), null, 'monitor')
          : btn(t('webinar.shareScreen'), 'pub-screen', () => screen(), null, 'monitor')) : null,
      cam ? btn(wt(g, 'webinar.stopPublishing'), 'pub-stop', () => stop('camera', true), null, g ? 'video' : undefined) : null,
      guestEnd !== null ? (() => {
        const b = btn(t('webinar.leaveStage'), 'pub-leave', () => act(b, pubNote, async () => {
          stopAll(true);
          await session.endGuest(guestEnd);
        }));
        return b;
      })() : null);
    bar.hidden = !bar.childElementCount;
    if (focused) /** @type {HTMLElement|null} */ (bar.querySelector(`[data-control="${focused}"]`) || bar.querySelector('button'))?.focus();
  }

  return {
    el: h('div', { class: 'pub' }, bar, pubNote.el),
    draw, camera, start, stopAll, muteMic, floorIsMine,
    publishing: () => out.size > 0,
    local: () => [...out].map(([source, o]) => ({ source, stream: o.stream.getVideoTracks().length ? o.stream : null })),
    /** @param {string} text */
    say: (text) => pubNote.set(text, 'error'),
  };
}

/**
 * The device check for an invited attendee: a live preview, camera and microphone choices, Accept or Decline.
 * Resolves with the stream to publish (accepted) or null (declined).
 * @param {string} invitedBy
 * @param {HTMLElement|null} [consent] while the stage is recorded: that it is, and a way to decline first
 * @returns {{el: HTMLDialogElement, result: Promise<MediaStream|null>}}
 */
export function deviceCheck(invitedBy, consent = null) {
  const video = h('video', { autoplay: true, playsinline: true, muted: true, class: 'check-video' });
  const camSel = h('select', { id: 'check-camera' });
  const micSel = h('select', { id: 'check-mic' });
  const checkNote = note();
  const meter = h('span', { class: 'check-meter', 'aria-hidden': 'true' }, h('span', { class: 'check-level' }));
  const accept = h('button', { type: 'button', class: 'btn btn-primary', id: 'check-accept' }, t('webinar.acceptStage'));
  const decline = h('button', { type: 'button', class: 'btn btn-ghost', id: 'check-decline' }, t('webinar.declineStage'));
  const dialog = h('dialog', { class: 'device-check', 'aria-labelledby': 'check-h' },
    h('h2', { id: 'check-h' }, t('webinar.invitedTitle')),
    h('p', null, t('webinar.invitedText', { name: invitedBy })),
    h('div', { class: 'check-preview' }, video, meter),
    h('div', { class: 'check-fields' },
      h('div', { class: 'field' }, h('label', { for: 'check-camera' }, t('webinar.camera')), camSel),
      h('div', { class: 'field' }, h('label', { for: 'check-mic' }, t('webinar.microphone')), micSel)),
    consent,
    checkNote.el,
    h('div', { class: 'form-actions' }, accept, decline));
  /** @type {MediaStream|null} */
  let stream = null;
  /** @type {AudioContext|null} */
  let audioCtx = null;
  let raf = 0;

  const level = /** @type {HTMLElement} */ (meter.firstChild);
  const listen = () => {
    cancelAnimationFrame(raf);
    audioCtx?.close().catch(() => {});
    audioCtx = null;
    if (!stream?.getAudioTracks().length || !globalThis.AudioContext) return;
    audioCtx = new AudioContext();
    const analyser = audioCtx.createAnalyser();
    audioCtx.createMediaStreamSource(stream).connect(analyser);
    const data = new Uint8Array(analyser.fftSize);
    const tick = () => {
      analyser.getByteTimeDomainData(data);
      let peak = 0;
      for (const v of data) peak = Math.max(peak, Math.abs(v - 128));
      level.style.width = `${Math.min(100, Math.round((peak / 128) * 200))}%`;
      raf = requestAnimationFrame(tick);
    };
    tick();
  };

  const open = async () => {
    for (const track of stream?.getTracks() || []) track.stop();
    stream = null;
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        video: camSel.value ? { deviceId: { exact: camSel.value }, width: 640, height: 360 } : { width: 640, height: 360 },
        audio: micSel.value ? { deviceId: { exact: micSel.value } } : true,
      });
      video.srcObject = stream;
      checkNote.clear();
      listen();
      const devices = await navigator.mediaDevices.enumerateDevices();
      /** @param {HTMLSelectElement} sel @param {string} kind @param {MediaStreamTrack|undefined} track */
      const fill = (sel, kind, track) => {
        const current = track?.getSettings().deviceId || sel.value;
        replace(sel, devices.filter((d) => d.kind === kind)
          .map((d, i) => h('option', { value: d.deviceId }, d.label || `${kind} ${i + 1}`)));
        sel.value = current;
      };
      fill(camSel, 'videoinput', stream.getVideoTracks()[0]);
      fill(micSel, 'audioinput', stream.getAudioTracks()[0]);
    } catch (err) {
      checkNote.set(t('webinar.noDevices', { why: /** @type {any} */ (err)?.name || '' }), 'error');
    }
  };
  camSel.addEventListener('change', open);
  micSel.addEventListener('change', open);

  const result = new Promise((resolve) => {
    /** @param {boolean} yes */
    const finish = (yes) => {
      cancelAnimationFrame(raf);
      audioCtx?.close().catch(() => {});
      if (!yes) for (const track of stream?.getTracks() || []) track.stop();
      dialog.close();
      dialog.remove();
      resolve(yes ? stream : null);
    };
    accept.addEventListener('click', () => {
      if (!stream) {
        checkNote.set(t('webinar.needDevices'), 'error');
        return;
      }
      finish(true);
    });
    decline.addEventListener('click', () => finish(false));
    dialog.addEventListener('cancel', (e) => {
      e.preventDefault();
      finish(false);
    });
  });
  queueMicrotask(open);
  return { el: dialog, result };
}
