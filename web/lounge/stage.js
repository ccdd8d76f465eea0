// @ts-check
/**
 * My table: the mesh video of the people seated with me (a tile each, a ring when they speak), mute, camera,
 * devices and "leave the table". It follows the session: when my seat changes (I sat elsewhere, or a mixing
 * round moved me) the old table's room and connections are closed and the new table's are opened.
 */

import { h, icon } from '../dom.js';
import { t } from '../i18n.js';
import { devicePicker, LocalMedia } from '../meeting/media.js';
import { avatar, button } from '../ui.js';
import { TableMesh } from './mesh.js';

const SPEAKING = 0.04;

/**
 * @param {import('./session.js').LoungeSession} session
 * @param {{say: (text: string) => void, actions: (user: number) => HTMLElement|null}} o
 */
export function tableStage(session, o) {
  // Every table-mate gets a stream of its own (a mesh): small tiles need no more, and 6 encoders of a bigger
  // picture would saturate an ordinary laptop.
  const media = new LocalMedia({ width: 480, height: 270, frameRate: 15 });
  /** @type {TableMesh|null} */
  let mesh = null;
  /** @type {any} */
  let current = null;
  let starting = false;
  /** @type {Map<number, {tile: HTMLElement, video: HTMLVideoElement, state: HTMLElement}>} */
  const tiles = new Map();

  const grid = h('ul', { class: 'l-grid', id: 'table-grid', role: 'list' });
  const title = h('h2', { id: 'l-stage-h' });
  const topic = h('p', { class: 'muted small l-stage-topic' });
  const micBtn = h('button', { type: 'button', class: 'btn btn-secondary', id: 'l-mic', 'aria-pressed': 'false' });
  const camBtn = h('button', { type: 'button', class: 'btn btn-secondary', id: 'l-cam', 'aria-pressed': 'false' });
  const standBtn = button(t('lounge.stand'), { variant: 'ghost', attrs: { id: 'l-stand' }, onclick: async () => {
    try {
      await session.stand();
    } catch (err) {
      o.say(/** @type {any} */ (err).message || String(err));
    }
  } });
  const devices = h('details', { class: 'meet-devices' }, h('summary', null, t('meet.devices')));
  // Another tab of mine sits at this table's call: this one says so, and can take it back.
  const moved = h('div', { class: 'notice l-moved', id: 'l-moved', role: 'status', hidden: true },
    h('p', null, t('lounge.callMoved')),
    button(t('lounge.useHere'), { variant: 'primary', attrs: { id: 'l-take' }, onclick: () => mesh?.call.takeBack() }));
  const el = h('section', { class: 'card l-stage', id: 'table-stage', 'aria-labelledby': 'l-stage-h', hidden: true },
    h('div', { class: 'l-stage-head' }, h('div', null, title, topic)),
    moved, grid,
    h('div', { class: 'l-controls', role: 'toolbar', 'aria-label': t('meet.controls') }, micBtn, camBtn, standBtn),
    devices);

  const drawControls = () => {
    micBtn.replaceChildren(h('span', null, media.micOn ? t('meet.mute') : t('meet.unmute')));
    micBtn.setAttribute('aria-pressed', String(!media.micOn));
    camBtn.replaceChildren(icon('video'), h('span', null, media.camOn ? t('meet.camOff') : t('meet.camOn')));
    camBtn.setAttribute('aria-pressed', String(!media.camOn));
    const mine = tiles.get(session.me);
    if (mine && mine.video.srcObject !== media.stream) mine.video.srcObject = media.stream;
    if (mine) mine.tile.dataset.camera = media.camOn ? 'on' : 'off';
  };
  micBtn.addEventListener('click', () => media.toggleMic());
  camBtn.addEventListener('click', () => media.toggleCam());
  media.addEventListener('change', drawControls);
  drawControls();  // labelled from the start, not only once the camera answered
  let pickerAdded = false;

  /** @param {number} user */
  const tileFor = (user) => {
    let x = tiles.get(user);
    if (x) return x;
    const c = session.card(user);
    const mine = user === session.me;
    const video = h('video', { autoplay: true, playsinline: true, muted: mine });
    video.muted = mine;
    const state = h('span', { class: 'l-tile-state small' });
    const tile = h('li', { class: ['tile', 'l-tile', mine && 'is-me'], dataset: { userId: user, speaking: 'no', live: mine ? 'yes' : 'no' } },
      h('div', { class: 'l-tile-video' }, video, h('div', { class: 'l-tile-avatar' }, avatar(c.name, 'avatar-xl'))),
      h('div', { class: 'l-tile-name' },
        h('span', { class: 'l-name' }, mine ? t('lounge.you', { name: c.name }) : c.name),
        c.organisation ? h('span', { class: 'muted small' }, c.organisation) : null, state,
        mine ? null : o.actions(user)));
    x = { tile, video, state };
    tiles.set(user, x);
    if (mine) video.srcObject = media.stream;
    return x;
  };

  const drawTiles = () => {
    const tb = session.tableById(current);
    const members = tb ? tb.seats : [];
    for (const [user, x] of tiles) {
      if (!members.includes(user)) {
        x.tile.remove();
        tiles.delete(user);
      }
    }
    grid.replaceChildren(...members.map((u) => tileFor(u).tile));
    grid.dataset.count = String(members.length);
    if (tb) {
      title.textContent = t('lounge.atTable', { name: tb.name });
      topic.textContent = tb.topic;
    }
  };

  const openTable = async (/** @type {any} */ tb) => {
    mesh?.close();
    mesh = null;
    current = tb;
    moved.hidden = true;
    drawTiles();
    el.hidden = tb === null;
    if (tb === null) {
      media.stop();
      drawControls();
      return;
    }
    const room = `table:${session.item}:${tb}`;
    const m = new TableMesh({ conn: session.conn, room, me: session.me, iceServers: session.iceServers,
      stream: () => media.stream });
    mesh = m;
    m.addEventListener('remote', (e) => {
      const user = /** @type {CustomEvent} */ (e).detail;
      const p = m.peers.get(user);
      const x = tiles.get(user) || (session.tableById(current)?.seats.includes(user) ? tileFor(user) : null);
      if (!x || !p) return;
      x.video.srcObject = p.remote;
      x.video.play().catch(() => {});
    });
    m.addEventListener('state', (e) => {
      const { user, state } = /** @type {CustomEvent} */ (e).detail;
      const x = tiles.get(user);
      if (x) drawCallState(x, user, state);
    });
    m.addEventListener('moved', (e) => { moved.hidden = !(/** @type {CustomEvent} */ (e).detail); });
    m.addEventListener('levels', (e) => {
      const levels = /** @type {Map<number, number>} */ (/** @type {CustomEvent} */ (e).detail);
      for (const [user, x] of tiles) {
        const level = levels.get(user) || 0;
        x.tile.dataset.speaking = level > SPEAKING ? 'yes' : 'no';
        x.tile.style.setProperty('--level', String(Math.min(1, level * 4)));
      }
    });
    // The camera starts while the call is being set up: its tracks join the connections when they come.
    if (!media.stream && !starting) {
      starting = true;
      const stream = await media.start();
      starting = false;
      if (!stream) o.say(t(media.error === 'denied' ? 'meet.mediaDenied' : 'meet.mediaMissing'));
      if (!pickerAdded) {
        pickerAdded = true;
        devices.append(devicePicker(media, (track) => mesh?.replace(track), o.say));
      }
      drawControls();
      for (const track of stream?.getTracks() || []) mesh?.replace(track);
    }
  };

  /**
   * How the call with one table-mate goes, on their tile; "try again" when it could not connect.
   * @param {{tile: HTMLElement, state: HTMLElement}} x @param {number} user @param {string} state
   */
  const drawCallState = (x, user, state) => {
    x.tile.dataset.live = state === 'connected' ? 'yes' : 'no';
    x.tile.dataset.call = state;
    const text = { connecting: t('lounge.connecting'), reconnecting: t('lounge.reconnecting'),
      failed: t('lounge.failed') }[state] ?? '';
    x.state.replaceChildren(text);
    if (state === 'failed') {
      x.state.append(' ', h('button', { type: 'button', class: 'btn btn-ghost btn-small l-retry',
        'aria-label': t('lounge.tryAgainWith', { name: session.card(user).name }),
        onclick: () => mesh?.retry(user) }, t('lounge.tryAgain')));
    }
  };

  const sync = () => {
    const tb = session.seatOf();
    if (String(tb) !== String(current)) openTable(tb);
    else drawTiles();
  };

  const close = () => {
    mesh?.close();
    mesh = null;
    media.stop();
  };
  return { el, sync, close, get mesh() { return mesh; }, media };
}
