// @ts-check
/** What the matchmaking pages share: the mission's two zones, slot labels, reasons, errors. */

import { get } from '../api.js';
import { h, icon } from '../dom.js';
import { has, t } from '../i18n.js';
import { formatDayShort, formatTime, zoneCity } from '../time.js';
import { errorMessage } from '../ui.js';

/**
 * @typedef {{user_id: number, name: string, organisation: string, org_type: string, side: string|null,
 *            country: string}} Card
 * @typedef {{item_id: number, starts_at: string, ends_at: string, available?: boolean, booked?: boolean,
 *            night?: string[]}} Slot
 * @typedef {{mission: string, delegation: string, noShow: number, minutes: number}} Zones
 */

/**
 * The rules as far as the client needs them; the contract's defaults when I may not read them.
 * @param {number} mid @param {string} missionZone
 */
export async function loadZones(mid, missionZone) {
  /** @type {any} */
  let rules = {};
  try {
    rules = await get(`/api/missions/${mid}/matchmaking/rules`);
  } catch { /* a participant may not read the rules: the contract's defaults */ }
  return /** @type {Zones} */ ({
    mission: missionZone,
    delegation: rules.delegation_timezone || 'Europe/Amsterdam',
    noShow: rules.no_show_minutes || 5,
    minutes: rules.meeting_minutes || 20,
  });
}

/** The zone someone lives in: partners at the destination, the delegation at home. @param {Zones} z @param {string|null|undefined} side */
export function sideZone(z, side) {
  return side === 'delegation' ? z.delegation : z.mission;
}

/** "Tue 16 Jun 18:00–18:20". @param {{starts_at: string, ends_at: string}} s @param {string} zone */
export function span(s, zone) {
  return `${formatDayShort(s.starts_at, zone)} ${formatTime(s.starts_at, zone)}–${formatTime(s.ends_at, zone)}`;
}

/**
 * A slot in my zone, with the mission's and (if given) the other person's local time, and night flags.
 * @param {Slot} s @param {string} mine @param {Zones} z @param {{name: string, zone: string, side: string|null}|null} other
 * @param {string|null} mySide @param {boolean} [withDay] false under a heading that already names the day
 */
export function slotLine(s, mine, z, other, mySide, withDay = true) {
  const extra = [];
  if (other && other.zone !== mine) {
    extra.push(t('mm.theirTime', { name: other.name, time: formatTime(s.starts_at, other.zone) }));
  }
  if (z.mission !== mine && (!other || other.zone !== z.mission)) {
    extra.push(`${formatTime(s.starts_at, z.mission)} ${zoneCity(z.mission)}`);
  }
  const night = s.night || [];
  const flags = [];
  if (mySide && night.includes(mySide)) flags.push(nightFlag(t('mm.nightForYou')));
  if (other?.side && other.side !== mySide && night.includes(other.side)) {
    flags.push(nightFlag(t('mm.nightForThem', { name: other.name })));
  }
  return h('span', { class: 'slot-line' },
    h('span', { class: 'slot-main' }, withDay ? span(s, mine) : `${formatTime(s.starts_at, mine)}–${formatTime(s.ends_at, mine)}`),
    extra.length ? h('span', { class: 'slot-extra muted small' }, extra.join(' · ')) : null,
    flags);
}

/** @param {string} text */
function nightFlag(text) {
  return h('span', { class: 'night-flag' }, h('span', { 'aria-hidden': 'true' }, '☾ '), text);
}

/** One line in my language for a recommendation reason. @param {{code: string, params?: Record<string, any>, text?: string}} r */
export function reasonText(r) {
  const params = r.params || {};
  // The server's codes, mapped onto the phrases the strings already have.
  if (r.code === 'they-seek-what-you-offer') return t('mm.reason.you-offer-what-they-seek', params);
  if (r.code === 'org-type-match' && params.theirs && has(`org.${params.theirs}`)) {
    return t('mm.reason.complementary-org', { org: t(`org.${params.theirs}`) });
  }
  const key = `mm.reason.${r.code}`;
  if (has(key)) return t(key, params);
  const text = r.text || r.code;
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A human message for any error, with the matchmaking codes. @param {unknown} err */
export function mmError(err) {
  const e = /** @type {any} */ (err);
  if (e && typeof e.code === 'string' && has(`err.${e.code}`)) return t(`err.${e.code}`);
  return errorMessage(err);
}

/** A person as a compact line: avatar-less name and organisation. @param {Card} c */
export function who(c) {
  return h('span', { class: 'mm-who' }, h('strong', null, c.name),
    c.organisation ? h('span', { class: 'muted' }, ` · ${c.organisation}`) : null);
}

/** A small heading with an icon. @param {any} ico @param {string} text @param {string} id */
export function sectionTitle(ico, text, id) {
  return h('h2', { id, class: 'mm-h2' }, icon(ico), h('span', null, text));
}

/**
 * GET …/matchmaking/slots, flattened: `{slot: {item_id, starts_at, ends_at, night…}, available, meeting_id}`
 * becomes one Slot with `booked` when a meeting of mine overlaps it.
 * @param {any} data @returns {Slot[]}
 */
export function flatSlots(data) {
  const list = Array.isArray(data) ? data : (data?.slots || []);
  return list.map((/** @type {any} */ x) => {
    const s = x.slot || x;
    return { ...s, available: Boolean(x.available), booked: x.booked ?? x.meeting_id != null };
  });
}

/** How long a call must run to count as held, said as people say it: "2 min", "90 seconds". @param {number} seconds */
export function heldFor(seconds) {
  return seconds % 60 === 0 ? t('meet.minutes', { n: seconds / 60 }) : t('meet.seconds', { n: seconds });
}
