// @ts-check
/**
 * /m/<mission>/meeting/<id> — the 1:1 meeting room: my camera, the other's video peer-to-peer, mute, camera
 * off, devices, who is here, the start and no-show prompts, and notes, rating and lead afterwards.
 * The room `meeting:<id>` carries presence and the WebRTC signals (docs/matchmaking.md).
 */

import { get, post } from '../api.js';
import { h, icon } from '../dom.js';
import { t } from '../i18n.js';
import { missionLive } from '../live.js';
import { flatSlots, loadZones, mmError, sideZone, span } from '../matchmaking/common.js';
import { slotDialog } from '../matchmaking/slot-dialog.js';
import { afterPanel } from '../meeting/after.js';
import { devicePicker, LocalMedia } from '../meeting/media.js';
import { RoomCall } from '../meeting/call.js';
import { loadMission, missionId } from '../mission-common.js';
import { fatalReasonKey } from '../room-page.js';
import { formatTime, zoneCity } from '../time.js';
import { avatar, button } from '../ui.js';
import { viewerZone } from './mission.js';

/** @param {import('../app.js').PageContext} ctx */
export async function render(ctx) {
  const mid = missionId(ctx.params);
  const id = Number(ctx.params[1]);
  const [view, who, meetingsData] = await Promise.all([loadMission(mid), ctx.me(),
    get(`/api/missions/${mid}/meetings`, { signal: ctx.signal })]);
  const m = view.mission;
  const meId = /** @type {any} */ (who).user.id;
  const meetings = Array.isArray(meetingsData) ? meetingsData : (meetingsData?.meetings || []);
  const meeting = meetings.find((/** @type {any} */ x) => x.id === id);
  if (!meeting) {
    return { title: t('meet.notFound'), node: h('div', { class: 'card notice' }, h('h1', { tabindex: '-1' }, t('meet.notFound')),
      h('p', null, h('a', { href: `/m/${mid}/schedule` }, t('sched.title')))) };
  }
  const other = meeting.a.user_id === meId ? meeting.b : meeting.a;
  const mine = viewerZone();
  // STUN/TURN are optional: host candidates still work on one network.
  const [zones, ice] = await Promise.all([loadZones(mid, m.timezone),
    get(`/api/meetings/${id}/ice`, { signal: ctx.signal }).catch(() => null)]);
  const theirZone = sideZone(zones, other.side);
  const room = `meeting:${id}`;
  const live = missionLive(mid);
  const conn = live.conn;
  /** @type {RTCIceServer[]} */
  const iceServers = ice?.ice_servers || [];

  const media = new LocalMedia();
  /** @type {RoomCall|null} */
  let call = null;

  // -- the view -------------------------------------------------------------------------------------------------
  const note = h('p', { class: 'meet-note', role: 'status', 'aria-live': 'polite', id: 'meet-note' });
  const say = (/** @type {string} */ text) => { note.textContent = text; };
  const remoteVideo = h('video', { class: 'meet-remote', id: 'remote-video', autoplay: true, playsinline: true });
  const localVideo = h('video', { class: 'meet-local', id: 'local-video', autoplay: true, playsinline: true, muted: true });
  localVideo.muted = true;
  const callState = h('p', { id: 'meet-call', class: 'meet-call', role: 'status', 'aria-live': 'polite',
    dataset: { state: 'idle' } }, t('meet.waitingFor', { name: other.name }));
  const callAction = h('div', { class: 'meet-call-action' });
  const placeholder = h('div', { class: 'meet-placeholder' }, avatar(other.name, 'avatar-xl'), callState, callAction);
  const stage = h('div', { class: 'meet-stage', dataset: { remote: 'none' } }, remoteVideo, placeholder, localVideo);
  const presence = h('span', { class: 'conn-pill', id: 'meet-presence', dataset: { state: 'away' } },
    h('span', { class: 'pill-dot', 'aria-hidden': 'true' }), h('span', { class: 'pill-text' }, t('meet.notHere', { name: other.name })));
  const prompt = h('div', { class: 'meet-prompt', id: 'meet-prompt', role: 'status', 'aria-live': 'polite' });

  const micBtn = h('button', { type: 'button', class: 'btn btn-secondary meet-ctl', id: 'meet-mic', 'aria-pressed': 'false' });
  const camBtn = h('button', { type: 'button', class: 'btn btn-secondary meet-ctl', id: 'meet-cam', 'aria-pressed': 'false' });
  const endBtn = button(t('meet.end'), { variant: 'danger', attrs: { id: 'meet-end' } });
  const drawControls = () => {
    micBtn.replaceChildren(icon('mic'), h('span', null, media.micOn ? t('meet.mute') : t('meet.unmute')));
    micBtn.setAttribute('aria-pressed', String(!media.micOn));
    camBtn.replaceChildren(icon('video'), h('span', null, media.camOn ? t('meet.camOff') : t('meet.camOn')));
    camBtn.setAttribute('aria-pressed', String(!media.camOn));
    localVideo.srcObject = media.stream;
    stage.dataset.camera = media.camOn ? 'on' : 'off';
  };
  micBtn.addEventListener('click', () => media.toggleMic());
  camBtn.addEventListener('click', () => media.toggleCam());
  media.addEventListener('change', drawControls);

  const devices = h('details', { class: 'meet-devices' }, h('summary', null, t('meet.devices')));
  const after = h('div', { id: 'meet-after-box' });
  const body = h('div', { class: 'meet-body' },
    h('div', { class: 'meet-main' }, stage,
      h('div', { class: 'meet-controls', role: 'toolbar', 'aria-label': t('meet.controls') }, micBtn, camBtn, endBtn),
      devices, note),
    h('aside', { class: 'meet-side' }, prompt, after));

  // -- presence and the call ---------------------------------------------------------------------------------------
  let otherHere = false;
  let otherEverHere = false;
  let ended = false;
  let moved = false;
  const setOther = (/** @type {boolean} */ here) => {
    const was = otherHere;
    otherHere = here;
    if (here) otherEverHere = true;
    presence.dataset.state = here ? 'here' : 'away';
    /** @type {HTMLElement} */ (presence.lastChild).textContent = here ? t('meet.here', { name: other.name })
      : t('meet.notHere', { name: other.name });
    if (!here && was && !ended && !moved) say(t('meet.left', { name: other.name }));
    drawPrompt();
    drawCall();
  };

  /** What the call is doing, in words on the stage, with the one button that helps. */
  const drawCall = () => {
    const state = moved ? 'moved' : ended ? 'ended' : call?.stateOf(other.user_id) ?? 'idle';
    const shown = state === 'idle' && !otherHere ? 'waiting' : state === 'idle' ? 'connecting' : state;
    callState.dataset.state = shown;
    stage.dataset.remote = shown === 'connected' ? 'live' : 'none';
    const text = {
      waiting: t('meet.waitingFor', { name: other.name }),
      connecting: t('meet.connecting', { name: other.name }),
      connected: '',
      reconnecting: t('meet.reconnectingCall'),
      failed: t('meet.failed'),
      moved: t('meet.moved'),
      ended: t('meet.youEnded'),
    }[shown] ?? '';
    callState.textContent = text;
    if (shown === 'failed') {
      callAction.replaceChildren(button(t('meet.tryAgain'), { variant: 'primary', attrs: { id: 'meet-retry' },
        onclick: () => { call?.retry(); drawCall(); } }));
    } else if (shown === 'moved') {
      callAction.replaceChildren(button(t('meet.useHere'), { variant: 'primary', attrs: { id: 'meet-take' },
        onclick: () => call?.takeBack() }));
    } else {
      callAction.replaceChildren();
    }
  };

  const onError = (/** @type {Event} */ e) => {
    const f = /** @type {CustomEvent} */ (e).detail;
    if (f.room === room) say(mmError(f));
  };
  const onState = () => {
    if (conn.state === 'reconnecting') say(t('meet.reconnecting'));
    else if (conn.state === 'closed' && conn.fatal) say(t(fatalReasonKey(conn.fatal)));
    else if (conn.state === 'open' && note.textContent === t('meet.reconnecting')) say('');
  };
  // The server took this connection out of the meeting's room (removed from the mission, or the meeting is no
  // longer theirs): reloading shows what the person may still see, with its reason.
  const onRevoked = (/** @type {Event} */ e) => {
    if (/** @type {CustomEvent} */ (e).detail?.room === room && !ended) location.reload();
  };
  conn.addEventListener('error-frame', onError);
  conn.addEventListener('state', onState);
  conn.addEventListener('revoked', onRevoked);

  /** @param {RoomCall} c */
  const watch = (c) => {
    c.addEventListener('presence', () => setOther(c.here.has(other.user_id)));
    c.addEventListener('remote', () => {
      const p = c.peers.get(other.user_id);
      if (!p) return;
      remoteVideo.srcObject = p.remote;
      remoteVideo.play().catch(() => {});
    });
    c.addEventListener('state', (e) => {
      const { user, state } = /** @type {CustomEvent} */ (e).detail;
      if (user !== other.user_id) return;
      if (state === 'connected') say(t('meet.connected', { name: other.name }));
      else if (note.textContent === t('meet.connected', { name: other.name })) say('');
      drawCall();
    });
    c.addEventListener('bye', () => {
      say(t('meet.theyEnded', { name: other.name }));
      drawCall();
    });
    c.addEventListener('moved', (e) => {
      moved = /** @type {CustomEvent} */ (e).detail;
      if (moved) setOther(false);
      drawCall();
    });
  };

  // -- start and no-show prompts -------------------------------------------------------------------------------
  const startsAt = Date.parse(meeting.starts_at);
  let rescheduling = false;
  const drawPrompt = () => {
    const now = Date.now();
    if (ended || otherHere) {
      prompt.replaceChildren();
      return;
    }
    if (now < startsAt) {
      const mins = Math.ceil((startsAt - now) / 60000);
      prompt.replaceChildren(h('p', null, mins > 60 ? t('meet.startsAt', { time: formatTime(meeting.starts_at, mine) })
        : t('meet.startsIn', { n: mins })));
    } else if (!otherEverHere && now > startsAt + zones.noShow * 60000) {
      if (prompt.dataset.kind === 'no-show') return;
      prompt.dataset.kind = 'no-show';
      prompt.replaceChildren(h('div', { class: 'card notice' }, h('p', null, t('meet.noShow', { name: other.name, n: zones.noShow })),
        button(t('meet.reschedule'), { variant: 'primary', attrs: { id: 'meet-reschedule' }, onclick: reschedule })));
    } else {
      prompt.replaceChildren(h('p', { class: 'meet-starting' }, t('meet.startsNow', { name: other.name })));
    }
  };
  const reschedule = async () => {
    if (rescheduling) return;
    rescheduling = true;
    try {
      const data = await get(`/api/missions/${mid}/matchmaking/slots`);
      const slots = flatSlots(data);
      const sent = await slotDialog({ title: t('meet.rescheduleTitle', { name: other.name }), slots, mine, zones,
        other: { name: other.name, zone: theirZone, side: other.side }, mySide: view.side, withMessage: true,
        submitLabel: t('mm.sendProposal'), submit: (chosen, message) => post(`/api/meetings/${id}/reschedule`,
          message ? { slots: chosen, message } : { slots: chosen }) });
      if (sent) say(t('meet.rescheduled', { name: other.name }));
    } catch (err) {
      say(mmError(err));
    } finally {
      rescheduling = false;
    }
  };
  const ticker = setInterval(drawPrompt, 5000);

  const endCall = async () => {
    if (ended) return;
    ended = true;
    call?.close();
    media.stop();
    body.classList.add('is-ended');
    say('');
    drawCall(); // the stage says that you left
    drawPrompt();
    after.replaceChildren(afterPanel({ mid, meetingId: id, otherName: other.name }));
    /** @type {HTMLElement|null} */ (after.querySelector('textarea'))?.focus();
  };
  endBtn.addEventListener('click', endCall);

  // -- go ------------------------------------------------------------------------------------------------------
  // The call is set up while the camera starts (or waits for the person's permission): its tracks join the
  // connection when they come.
  if (!ctx.signal.aborted) {
    call = new RoomCall({ conn, room, me: meId, iceServers, stream: () => media.stream, report: true });
    watch(call);
  }
  drawControls();
  drawPrompt();
  drawCall();
  media.start().then((stream) => {
    if (ctx.signal.aborted || ended) {
      media.stop();
      return;
    }
    if (!stream) say(t(media.error === 'denied' ? 'meet.mediaDenied' : 'meet.mediaMissing'));
    drawControls();
    devices.append(devicePicker(media, (track) => { call?.replace(track); }, say));
    for (const track of stream?.getTracks() || []) call?.replace(track);
  });
  if (ctx.query.has('test')) {
    /** @type {any} */ (window).__meeting = { get call() { return call; }, get peer() { return call?.peers.get(other.user_id); },
      media, get otherHere() { return otherHere; } };
  }
  const onUnload = () => { if (!ended) call?.close(); };
  window.addEventListener('pagehide', onUnload);

  ctx.signal.addEventListener('abort', () => {
    clearInterval(ticker);
    window.removeEventListener('pagehide', onUnload);
    conn.removeEventListener('error-frame', onError);
    conn.removeEventListener('state', onState);
    conn.removeEventListener('revoked', onRevoked);
    if (!ended) call?.close();
    media.stop();
  });

  const node = h('div', { class: 'meeting' },
    h('div', { class: 'meet-head' },
      h('div', null,
        h('a', { href: `/m/${mid}/schedule`, class: 'w-back' }, icon('back'), h('span', null, t('sched.title'))),
        h('p', { class: 'eyebrow' }, icon('handshake'), h('span', null, `${t('sched.meeting')} · ${m.title}`)),
        h('h1', { tabindex: '-1' }, t('sched.meetingWith', { name: other.name })),
        h('p', { class: 'muted small' }, `${span(meeting, mine)} ${zoneCity(mine)}`,
          theirZone !== mine ? ` · ${t('mm.theirTime', { name: other.name, time: formatTime(meeting.starts_at, theirZone) })}` : '')),
      presence),
    body);
  return { title: `${t('sched.meetingWith', { name: other.name })} · ${m.title}`, node };
}
