// @ts-check
/**
 * What the live room pages (web/pages/lounge.js, web/pages/webinar.js) draw the same way: the programme item they
 * are for (or a "not found" card), passing messages, the connection pill and the page title block.
 */

import { get } from './api.js';
import { h, icon } from './dom.js';
import { t } from './i18n.js';
import { loadMission, missionId } from './mission-common.js';
import { formatTime, zoneCity } from './time.js';

/**
 * The mission view, who I am and the programme item of this kind; `notFound` is the page to return instead when the
 * item is not in the programme (or not of this kind).
 * @param {import('./app.js').PageContext} ctx @param {string} kind e.g. 'webinar' @param {string} notFoundKey
 */
export async function loadRoomItem(ctx, kind, notFoundKey) {
  const mid = missionId(ctx.params);
  const itemId = Number(ctx.params[1]);
  const [view, who, programme] = await Promise.all([
    loadMission(mid), ctx.me(), get(`/api/missions/${mid}/programme`, { signal: ctx.signal }),
  ]);
  const item = /** @type {any[]} */ (programme).find((x) => x.id === itemId && x.kind === kind);
  const notFound = item ? null : { title: t(notFoundKey), node: h('div', { class: 'card notice' },
    h('h1', { tabindex: '-1' }, t(notFoundKey)), h('p', null, h('a', { href: `/m/${mid}` }, t('webinar.backToProgramme')))) };
  return { mid, itemId, view, m: view.mission, item, notFound, meId: item ? /** @type {any} */ (who).user.id : 0 };
}

/** A polite live region of messages that fade away. @param {string} id */
export function toastArea(id) {
  const el = h('div', { class: 'w-toasts', role: 'status', 'aria-live': 'polite', id });
  /** @param {string} text @param {string} [cls] */
  const toast = (text, cls = '') => {
    const p = h('p', { class: `w-toast ${cls}` }, text);
    el.append(p);
    setTimeout(() => p.classList.add('is-leaving'), 6000);
    setTimeout(() => p.remove(), 6600);
  };
  return { el, toast };
}

/**
 * Why a connection the server closed for good stays closed: a string key (4401 session ended, 4429 flooding,
 * 4430 too many tabs). @param {{code: number} | null} fatal
 */
export function fatalReasonKey(fatal) {
  if (!fatal) return '';
  return fatal.code === 4401 ? 'conn.why4401' : fatal.code === 4429 ? 'conn.why4429'
    : fatal.code === 4430 ? 'conn.why4430' : 'conn.whyOther';
}

/**
 * The connection's state as a pill, with why it closed for good (and a way to sign in again after 4401); `close`
 * stops following it (the connection outlives the page). A page whose room has its own "live" (a webinar) names
 * the open connection `openKey` instead, so the two never read alike. When the server takes the person out of
 * this page's room (their role changed), `onRevoked` is called.
 * @param {import('./live.js').MissionLive} live @param {string} [openKey] @param {() => void} [onRevoked]
 */
export function connPill(live, openKey = 'conn.open', onRevoked) {
  const pill = h('span', { class: 'conn-pill', id: 'conn-pill' }, h('span', { class: 'pill-dot', 'aria-hidden': 'true' }),
    h('span', { class: 'pill-text' }));
  const why = h('span', { class: 'conn-why small' });
  const signIn = h('a', { href: `/signin?next=${encodeURIComponent(location.pathname)}`, class: 'btn btn-secondary btn-small',
    hidden: true }, t('nav.signin'));
  const draw = () => {
    pill.dataset.state = live.state;
    /** @type {HTMLElement} */ (pill.lastChild).textContent = t(live.state === 'open' ? openKey : `conn.${live.state}`);
    const fatal = live.state === 'closed' ? live.conn.fatal : null;
    why.textContent = fatal ? t(fatalReasonKey(fatal)) : '';
    signIn.hidden = fatal?.code !== 4401;
  };
  const revoked = () => onRevoked?.();
  live.addEventListener('state', draw);
  live.conn.addEventListener('revoked', revoked);
  draw();
  const el = h('div', { class: 'w-conn', role: 'status', 'aria-label': t('conn.label') }, pill, why, signIn);
  return { el, close: () => {
    live.removeEventListener('state', draw);
    live.conn.removeEventListener('revoked', revoked);
  } };
}

/**
 * The back link, eyebrow, heading and time of a room page; `extra` follows the time (e.g. my role).
 * @param {number} mid @param {any} m the mission @param {any} item @param {string} zone
 * @param {import('./dom.js').IconName} iconName @param {string} kindKey @param {...any} extra
 */
export function roomTitle(mid, m, item, zone, iconName, kindKey, ...extra) {
  return h('div', { class: 'w-title' },
    h('a', { href: `/m/${mid}`, class: 'w-back' }, icon('back'), h('span', null, t('webinar.backToProgramme'))),
    h('p', { class: 'eyebrow' }, icon(iconName), t(kindKey), ' · ', m.title),
    h('h1', { tabindex: '-1' }, item.title),
    h('p', { class: 'muted small' },
      `${formatTime(item.starts_at, zone)}–${formatTime(item.ends_at, zone)} ${zoneCity(zone)}`, ...extra));
}
