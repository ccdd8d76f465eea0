// @ts-check
/** Camera and microphone for the meeting: the local stream, mute, camera off, and choosing devices. */

import { h } from '../dom.js';
import { t } from '../i18n.js';

export class LocalMedia extends EventTarget {
  /** @param {MediaTrackConstraints} [video] the picture to ask the camera for (a 1:1 call: 640×360) */
  constructor(video = { width: 640, height: 360 }) {
    super();
    this.video = video;
    /** @type {MediaStream|null} */
    this.stream = null;
    this.error = '';
    this.micOn = true;
    this.camOn = true;
  }

  /** @param {{video?: string, audio?: string}} [ids] */
  async open(ids = {}) {
    try {
      const s = await navigator.mediaDevices.getUserMedia({
        video: ids.video ? { ...this.video, deviceId: { exact: ids.video } } : this.video,
        audio: ids.audio ? { deviceId: { exact: ids.audio } } : true,
      });
      this.error = '';
      return s;
    } catch (err) {
      this.error = /** @type {any} */ (err)?.name === 'NotAllowedError' ? 'denied' : 'unavailable';
      return null;
    }
  }

  async start() {
    this.stream = await this.open();
    this.dispatchEvent(new Event('change'));
    return this.stream;
  }

  /** Switch one kind of device; returns the new track for the peer. @param {'video'|'audio'} kind @param {string} id */
  async use(kind, id) {
    const got = await navigator.mediaDevices.getUserMedia(kind === 'video'
      ? { video: { ...this.video, deviceId: { exact: id } } } : { audio: { deviceId: { exact: id } } });
    const track = kind === 'video' ? got.getVideoTracks()[0] : got.getAudioTracks()[0];
    if (!this.stream) this.stream = new MediaStream();
    for (const old of this.stream.getTracks()) {
      if (old.kind === track.kind) {
        this.stream.removeTrack(old);
        old.stop();
      }
    }
    track.enabled = kind === 'video' ? this.camOn : this.micOn;
    this.stream.addTrack(track);
    this.dispatchEvent(new Event('change'));
    return track;
  }

  toggleMic() {
    this.micOn = !this.micOn;
    for (const tr of this.stream?.getAudioTracks() || []) tr.enabled = this.micOn;
    this.dispatchEvent(new Event('change'));
  }

  toggleCam() {
    this.camOn = !this.camOn;
    for (const tr of this.stream?.getVideoTracks() || []) tr.enabled = this.camOn;
    this.dispatchEvent(new Event('change'));
  }

  stop() {
    for (const tr of this.stream?.getTracks() || []) tr.stop();
    this.stream = null;
  }
}

/**
 * Camera and microphone pickers (filled once permission is given, so the labels are known).
 * @param {LocalMedia} media @param {(track: MediaStreamTrack) => void} onTrack @param {(msg: string) => void} say
 */
export function devicePicker(media, onTrack, say) {
  const cam = h('select', { id: 'dev-camera' });
  const mic = h('select', { id: 'dev-mic' });
  const fill = async () => {
    let devices = [];
    try {
      devices = await navigator.mediaDevices.enumerateDevices();
    } catch { return; }
    const current = (/** @type {string} */ kind) => media.stream?.getTracks().find((x) => x.kind === kind)?.getSettings().deviceId;
    for (const [select, kind, label] of /** @type {const} */ ([[cam, 'videoinput', 'video'], [mic, 'audioinput', 'audio']])) {
      const list = devices.filter((d) => d.kind === kind);
      select.replaceChildren(...list.map((d, i) => h('option', { value: d.deviceId },
        d.label || t(kind === 'videoinput' ? 'meet.cameraN' : 'meet.micN', { n: i + 1 }))));
      const now = current(label);
      if (now) select.value = now;
      select.disabled = list.length < 2;
    }
  };
  /** @param {HTMLSelectElement} select @param {'video'|'audio'} kind */
  const wire = (select, kind) => select.addEventListener('change', async () => {
    try {
      onTrack(await media.use(kind, select.value));
    } catch {
      say(t('meet.deviceFailed'));
    }
  });
  wire(cam, 'video');
  wire(mic, 'audio');
  fill();
  navigator.mediaDevices?.addEventListener?.('devicechange', fill);
  return h('div', { class: 'devices' },
    h('div', { class: 'field' }, h('label', { for: 'dev-camera' }, t('meet.camera')), cam),
    h('div', { class: 'field' }, h('label', { for: 'dev-mic' }, t('meet.microphone')), mic));
}
