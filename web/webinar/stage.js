// @ts-check
/**
 * The stage as a viewer sees it: `stage-watch` → the server's `stage-offer` (complete SDP) → our answer, sent
 * after ICE gathering completes (no trickle); later offers renegotiate the same RTCPeerConnection. Up to six
 * feeds in a grid, a screen share large, each tile named; audio plays from hidden elements.
 *
 * Which track is whose: the i-th video section of the offer belongs to the i-th feed the offer lists.
 *
 * In a group room (docs/webinar.md, "Group rooms") everyone's camera is a tile, up to 25: an even grid, or with
 * the floor given the speaker's tile large (active-speaker layout); the chair mutes a microphone from its tile.
 */

import { h, icon, replace } from '../dom.js';
import { t } from '../i18n.js';
import { avatar } from '../ui.js';
import { act, errText, note, wt } from './common.js';

const MAX_TILES = 6;
const GROUP_MAX_TILES = 25; // the server's GROUP_MAX_CAMERAS
/** How many columns and rows the speaker's tile spans in the active-speaker layout. */
const FLOOR_SPAN = 3;

/** Resolve once the connection has gathered every candidate it will (the SDP then carries them all). @param {RTCPeerConnection} pc */
export function gathered(pc) {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      if (pc.iceGatheringState !== 'complete') return;
      pc.removeEventListener('icegatheringstatechange', done);
      resolve(undefined);
    };
    pc.addEventListener('icegatheringstatechange', done);
    // Some networks never finish gathering: after a few seconds what we have is what we send.
    setTimeout(() => { pc.removeEventListener('icegatheringstatechange', done); resolve(undefined); }, 5000);
  });
}

/** The mids of an SDP's video sections, in order. @param {string} sdp */
function videoMids(sdp) {
  const mids = [];
  for (const section of sdp.split(/\r?\nm=/).slice(1)) {
    if (!section.startsWith('video')) continue;
    const m = section.match(/\r?\na=mid:(\S+)/);
    if (m) mids.push(m[1]);
  }
  return mids;
}

/**
 * The columns of an even grid of `n` tiles on a stage `ratio` wide (width over height) that show each 16:9 picture
 * largest. @param {number} n @param {number} ratio
 */
export function evenColumns(n, ratio) {
  let best = 1;
  let bestSize = 0;
  for (let cols = 1; cols <= n; cols += 1) {
    const w = ratio / cols;
    const hgt = 1 / Math.ceil(n / cols);
    const size = Math.min(w, hgt * 16 / 9);
    if (size > bestSize + 1e-9) [best, bestSize] = [cols, size];
  }
  return best;
}

/**
 * @param {import('./session.js').WebinarSession} session
 * @param {{local: () => {stream: MediaStream|null, source: string}[]}} mine my own published media, shown too
 */
export function stageView(session, mine) {
  const grid = h('div', { class: 'stage-grid', id: 'stage-grid', dataset: { count: 0 } });
  const message = h('p', { class: 'stage-msg', role: 'status', 'aria-live': 'polite' });
  const audio = h('div', { hidden: true });
  /** @type {RTCPeerConnection|null} */
  let pc = null;
  /** feed id → its video stream @type {Map<number, MediaStream>} */
  const streams = new Map();
  /** mid → feed id, from the latest offer @type {Map<string, number>} */
  let midFeed = new Map();
  /** @type {import('./state.js').Feed[]} */
  let feeds = [];
  let chain = Promise.resolve();
  let watching = false;
  let closed = false;

  /** @param {{sdp: string, feeds: any[], mids?: Record<string, number>}} offer */
  const answer = async (offer) => {
    if (closed) return;
    if (!pc) {
      pc = new RTCPeerConnection({ iceServers: session.iceServers });
      pc.addEventListener('track', (e) => {
        const mid = e.transceiver?.mid || '';
        if (e.track.kind === 'audio') {
          const a = h('audio', { autoplay: true });
          a.srcObject = new MediaStream([e.track]);
          audio.append(a);
          e.track.addEventListener('ended', () => a.remove());
          return;
        }
        const feed = midFeed.get(mid);
        if (feed !== undefined) streams.set(feed, new MediaStream([e.track]));
        draw();
      });
      pc.addEventListener('connectionstatechange', () => {
        if (pc?.connectionState === 'failed') message.textContent = t('webinar.stageFailed');
      });
    }
    feeds = Array.isArray(offer.feeds) ? offer.feeds : [];
    // The server says which feed each media section carries: SFUs recycle and reorder sections when they
    // renegotiate, so the order of `feeds` is only a fallback.
    midFeed = offer.mids && typeof offer.mids === 'object'
      ? new Map(Object.entries(offer.mids).map(([mid, f]) => [mid, Number(f)]))
      : new Map(/** @type {[string, number][]} */ (
        videoMids(offer.sdp).map((mid, i) => [mid, feeds[i]?.feed]).filter(([, f]) => f !== undefined)));
    await pc.setRemoteDescription({ type: 'offer', sdp: offer.sdp });
    // Tracks that were already flowing keep going: re-key them to their (possibly moved) feed.
    for (const tr of pc.getTransceivers()) {
      const f = tr.mid ? midFeed.get(tr.mid) : undefined;
      if (f !== undefined && tr.receiver.track?.kind === 'video' && streams.get(f)?.getVideoTracks()[0] !== tr.receiver.track) {
        streams.set(f, new MediaStream([tr.receiver.track]));
      }
    }
    await pc.setLocalDescription(await pc.createAnswer());
    await gathered(pc);
    await session.watchAnswer(/** @type {RTCSessionDescription} */ (pc.localDescription).sdp);
    message.textContent = '';
    draw();
  };

  /** @param {{sdp: string, feeds: any[]}} offer */
  const queue = (offer) => {
    chain = chain.then(() => answer(offer)).catch((err) => { message.textContent = errText(err); });
  };

  const watch = async () => {
    if (watching || closed) return;
    watching = true;
    try {
      const offer = await session.watch();
      queue(offer);
    } catch (err) {
      watching = false;
      message.textContent = /** @type {any} */ (err)?.code === 'stage-full' ? wt(session.group, 'webinar.stageFull') : errText(err);
    }
  };
  session.addEventListener('stage-offer', (e) => queue(/** @type {CustomEvent} */ (e).detail));
  // The media server restarted (`stage-reset`): our connection to it is dead. Watch again on a new one, after any
  // answer still in progress, without reloading the page.
  session.addEventListener('stage-reset', () => {
    if (!watching || closed) return;
    chain = chain.then(() => {
      pc?.close();
      pc = null;
      streams.clear();
      midFeed = new Map();
      draw();
    }).catch(() => {});
    watching = false;
    watch();
  });

  // Moderators end a guest's turn from the guest's tile (`stage-end`); the guest's own page then stops publishing.
  const endNote = note();
  /** @param {import('./state.js').Feed} f */
  const endTurn = (f) => {
    const b = h('button', { type: 'button', class: 'btn btn-secondary btn-small tile-end',
      'aria-label': t('webinar.endTurnOf', { name: f.name }) }, t('webinar.endTurn'));
    b.addEventListener('click', () => act(b, endNote, () => session.endGuest(f.user_id)));
    return b;
  };

  // The chair of a group room mutes a live microphone from its tile (`mute`); that person's page turns it off.
  /** @param {import('./state.js').Feed} f */
  const muteButton = (f) => {
    const b = h('button', { type: 'button', class: 'btn btn-secondary btn-small tile-mute',
      'aria-label': t('group.muteOf', { name: f.name }), title: t('group.muteOf', { name: f.name }) }, icon('mic'), h('span', null, t('group.muteOne')));
    b.addEventListener('click', async () => {
      if (await act(b, endNote, () => session.mute(f.user_id))) endNote.set(t('group.mutedDone', { name: f.name }), 'ok');
    });
    return b;
  };

  /** @param {import('./state.js').Feed} f @param {MediaStream|null} stream @param {boolean} me */
  const tile = (f, stream, me) => {
    const video = h('video', { autoplay: true, playsinline: true, muted: true, class: 'tile-video' });
    if (stream) video.srcObject = stream;
    const ender = !me && guests.includes(f.user_id) && session.may('end-guest');
    const muter = !me && session.group && f.source === 'camera' && session.may('mute');
    return h('figure', { class: ['tile', f.source === 'screen' && 'is-screen', me && 'is-me', !stream && 'no-video',
      ender && 'is-guest'], dataset: { feed: f.feed, userId: f.user_id, source: f.source } },
    stream ? video : h('div', { class: 'tile-placeholder' }, avatar(f.name || '?', 'avatar-lg')),
    h('figcaption', { class: 'tile-name' },
      session.group ? h('span', { class: 'tile-floor', hidden: true }, icon('mic'), h('span', null, t('group.hasFloor'))) : null,
      f.name, f.source === 'screen' ? ` · ${t('webinar.screen')}` : '',
      me ? ` (${t('lobby.you').toLowerCase()})` : '', ender ? ' ' : null, ender ? endTurn(f) : null),
    muter ? h('div', { class: 'tile-tools' }, muteButton(f)) : null);
  };

  let liveFeeds = /** @type {import('./state.js').Feed[]} */ ([]);
  let guests = /** @type {number[]} */ ([]);
  /** who has the floor of a group room @type {number|null} */
  let floor = null;
  let status = 'none';
  /** What an empty stage says: it depends on where the webinar stands (never "starts in a moment" after the end). */
  const emptyText = () => {
    const g = session.group;
    if (status === 'ended') return wt(g, 'webinar.stageEnded');
    if (status === 'live') return wt(g, 'webinar.stageEmpty');
    return session.onStaff ? wt(g, 'webinar.stageGreenRoom') : wt(g, 'webinar.stageNotStarted');
  };
  /** The stage's width over its height (16:9 on a desktop, taller on a phone). */
  const ratio = () => (grid.clientWidth && grid.clientHeight ? grid.clientWidth / grid.clientHeight : 16 / 9);
  /**
   * A group room's layout: the speaker's tile first and large, the others around and below it; without a floor
   * an even grid about as wide as the stage. @param {HTMLElement[]} tiles
   */
  const groupLayout = (tiles) => {
    const big = tiles.find((el) => el.dataset.userId === String(floor) && el.dataset.source === 'camera');
    for (const el of tiles) {
      el.classList.toggle('is-floor', el === big);
      const mark = /** @type {HTMLElement|null} */ (el.querySelector('.tile-floor'));
      if (mark) mark.hidden = el !== big;
    }
    grid.classList.toggle('has-floor', Boolean(big) && tiles.length > 1);
    const others = tiles.length - 1;
    const cols = big && others > 0 ? FLOOR_SPAN + Math.min(3, Math.ceil(others / FLOOR_SPAN))
      : evenColumns(tiles.length, ratio());
    grid.style.setProperty('--cols', String(cols));
    grid.style.setProperty('--span', String(FLOOR_SPAN));
    return big ? [big, ...tiles.filter((el) => el !== big)] : tiles;
  };
  const draw = () => {
    const others = liveFeeds.filter((f) => f.user_id !== session.me);
    const own = mine.local().filter((x) => x.stream);
    // Screen shares first (shown large), then cameras in stage order; at most six.
    const ordered = [...others].sort((a, b) => Number(b.source === 'screen') - Number(a.source === 'screen'));
    const tiles = [
      ...own.map((x) => tile({ user_id: session.me, name: session.live.me?.name || '', source: /** @type {any} */ (x.source), feed: -1 },
        x.stream, true)),
      ...ordered.map((f) => tile(f, streams.get(f.feed) || null, false)),
    ].slice(0, session.group ? GROUP_MAX_TILES : MAX_TILES);
    grid.dataset.count = String(tiles.length);
    grid.classList.toggle('is-group', session.group);
    grid.classList.toggle('has-screen', !session.group && tiles.some((x) => x.classList.contains('is-screen')));
    // Keep a playing <video> when its tile is unchanged, so the picture does not flicker on every event.
    const key = (/** @type {HTMLElement} */ el) => `${el.dataset.feed}/${el.dataset.source}/${el.classList.contains('no-video')}/${el.classList.contains('is-guest')}`;
    const before = new Map([...grid.children].map((el) => [key(/** @type {HTMLElement} */ (el)), el]));
    const shown = tiles.map((el) => /** @type {HTMLElement} */ (before.get(key(el)) || el));
    replace(grid, shown.length ? (session.group ? groupLayout(shown) : shown)
      : h('div', { class: 'stage-empty', dataset: { status } }, h('p', null, emptyText())));
  };

  /** @param {import('./state.js').View} v */
  const update = (v) => {
    status = v.timebox?.status || 'none';
    // Before the start the stage is the green room: attendees get no media (the server refuses them too).
    const mayWatch = status === 'live' || session.onStaff || v.stage.guests.includes(session.me);
    liveFeeds = mayWatch ? v.stage.live : [];
    guests = v.stage.guests;
    floor = v.group ? v.stage.floor : null;
    if (liveFeeds.some((f) => f.user_id !== session.me)) watch();
    draw();
  };

  const close = () => {
    closed = true;
    if (watching) session.unwatch().catch(() => {});
    pc?.close();
    pc = null;
  };

  const el = h('div', { class: 'stage-media' }, grid, message, endNote.el, audio);
  return { el, update, redraw: draw, close };
}
