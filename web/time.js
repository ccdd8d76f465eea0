// @ts-check
/** Dates and times: human-friendly formatting with Intl, and wall-clock ↔ UTC in any IANA zone. */

import { locale } from './i18n.js';

/** The browser's own zone. */
export function browserZone() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

/** Every IANA zone the browser knows, sorted; always including `extra`. @param {...string} extra */
export function allZones(...extra) {
  /** @type {string[]} */
  let zones = [];
  try {
    zones = /** @type {any} */ (Intl).supportedValuesOf('timeZone');
  } catch {
    zones = ['UTC', 'Europe/Amsterdam', 'Europe/London', 'America/New_York', 'America/Los_Angeles', 'Asia/Tokyo'];
  }
  const set = new Set(zones);
  for (const z of extra) if (z) set.add(z);
  return [...set].sort();
}

/** Is this a zone the browser can format in? @param {string} zone */
export function validZone(zone) {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** "America/Los_Angeles" → "Los Angeles". @param {string} zone */
export function zoneCity(zone) {
  const last = zone.split('/').pop() || zone;
  return last.replace(/_/g, ' ');
}

/** @type {Map<string, Intl.DateTimeFormat>} */
const cache = new Map();
/** @param {string} zone @param {Intl.DateTimeFormatOptions} options */
function fmt(zone, options) {
  const key = `${locale()}|${zone}|${JSON.stringify(options)}`;
  let f = cache.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale(), { ...options, timeZone: zone });
    cache.set(key, f);
  }
  return f;
}

/** @param {Date | string} d */
const asDate = (d) => (d instanceof Date ? d : new Date(d));

/** Does the current locale write a 24-hour clock? */
function uses24h() {
  const cycle = new Intl.DateTimeFormat(locale(), { hour: 'numeric' }).resolvedOptions().hourCycle;
  return cycle === 'h23' || cycle === 'h24';
}

/** "09:00" (or "9:00 AM" where the locale says so). @param {Date|string} d @param {string} zone */
export function formatTime(d, zone) {
  return fmt(zone, { hour: uses24h() ? '2-digit' : 'numeric', minute: '2-digit' }).format(asDate(d));
}

/** "Monday 15 June". @param {Date|string} d @param {string} zone */
export function formatDayLong(d, zone) {
  return fmt(zone, { weekday: 'long', day: 'numeric', month: 'long' }).format(asDate(d));
}

/** "Mon 15 Jun". @param {Date|string} d @param {string} zone */
export function formatDayShort(d, zone) {
  return fmt(zone, { weekday: 'short', day: 'numeric', month: 'short' }).format(asDate(d));
}

/** "15 Jun 2020, 09:00". @param {Date|string} d @param {string} zone */
export function formatDateTime(d, zone) {
  return fmt(zone, { day: 'numeric', month: 'short', year: 'numeric', hour: 'numeric', minute: '2-digit' })
    .format(asDate(d));
}

/** A calendar date "YYYY-MM-DD" → "Mon 15 June 2020" (no zone shifting). @param {string} iso */
export function formatDate(iso) {
  return fmt('UTC', { weekday: 'short', day: 'numeric', month: 'long', year: 'numeric' }).format(dateOnly(iso));
}

/** A date range of calendar dates: "15 – 19 June 2020". @param {string} start @param {string} end */
export function formatDateRange(start, end) {
  const f = fmt('UTC', { day: 'numeric', month: 'long', year: 'numeric' });
  const a = dateOnly(start);
  const b = dateOnly(end);
  if (start === end) return f.format(a);
  if (typeof f.formatRange === 'function') return f.formatRange(a, b);
  return `${f.format(a)} – ${f.format(b)}`;
}

/** @param {string} iso "YYYY-MM-DD" */
export function dateOnly(iso) {
  const [y, m, d] = iso.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d, 12));
}

/**
 * The wall-clock parts of an instant in a zone.
 * @param {Date} d @param {string} zone
 * @returns {{year:number, month:number, day:number, hour:number, minute:number, second:number}}
 */
export function partsIn(d, zone) {
  const f = new Intl.DateTimeFormat('en-US', {
    timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', second: '2-digit',
  });
  /** @type {Record<string, number>} */
  const p = {};
  for (const part of f.formatToParts(d)) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return {
    year: p.year, month: p.month, day: p.day, hour: p.hour === 24 ? 0 : p.hour, minute: p.minute, second: p.second,
  };
}

/** The zone's offset from UTC at an instant, in milliseconds. @param {number} ms @param {string} zone */
function offsetAt(ms, zone) {
  const p = partsIn(new Date(ms), zone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/**
 * Wall-clock date and time in a zone → the UTC instant, correct across DST changes.
 * A time that does not exist (spring forward gap) moves forward by the gap; an ambiguous
 * time (fall back) resolves to the earlier instant.
 * @param {string} date "YYYY-MM-DD" @param {string} time "HH:MM" @param {string} zone
 * @returns {Date}
 */
export function zonedToUtc(date, time, zone) {
  const [y, mo, d] = date.split('-').map(Number);
  const [hh, mm] = time.split(':').map(Number);
  const wall = Date.UTC(y, mo - 1, d, hh, mm);
  const o1 = offsetAt(wall, zone);
  let t = wall - o1;
  const o2 = offsetAt(t, zone);
  if (o2 !== o1) {
    const t2 = wall - o2;
    // If the second guess reproduces the wall time it is right; otherwise we are in a gap.
    t = offsetAt(t2, zone) === o2 ? t2 : wall - Math.min(o1, o2);
  }
  // Ambiguous (fall back): prefer the earlier instant if it shows the same wall time.
  const earlier = t - 3600_000;
  const pe = utcToZoned(new Date(earlier), zone);
  if (pe.date === date && pe.time === time) t = earlier;
  return new Date(t);
}

/**
 * An instant → the wall-clock {date:"YYYY-MM-DD", time:"HH:MM"} in a zone (for form fields).
 * @param {Date|string} d @param {string} zone
 */
export function utcToZoned(d, zone) {
  const p = partsIn(asDate(d), zone);
  const pad = (/** @type {number} */ n) => String(n).padStart(2, '0');
  return { date: `${p.year}-${pad(p.month)}-${pad(p.day)}`, time: `${pad(p.hour)}:${pad(p.minute)}` };
}

/** The calendar date "YYYY-MM-DD" of an instant in a zone. @param {Date|string} d @param {string} zone */
export function dayKey(d, zone) {
  return utcToZoned(d, zone).date;
}

/** Minutes between two instants. @param {Date|string} a @param {Date|string} b */
export function minutesBetween(a, b) {
  return Math.round((asDate(b).getTime() - asDate(a).getTime()) / 60000);
}

/** "UTC+9" style label for a zone now (or at an instant). @param {string} zone @param {Date} [at] */
export function offsetLabel(zone, at = new Date()) {
  const mins = Math.round(offsetAt(at.getTime(), zone) / 60000);
  const sign = mins < 0 ? '−' : '+';
  const abs = Math.abs(mins);
  const hours = Math.floor(abs / 60);
  const rest = abs % 60;
  return `UTC${sign}${hours}${rest ? `:${String(rest).padStart(2, '0')}` : ''}`;
}

/** mm:ss, h:mm:ss for an hour and more, and with days in front beyond a day ("2d 3:04:05"). @param {number} s */
export function clock(s) {
  const days = Math.floor(s / 86400);
  const hh = Math.floor((s % 86400) / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = s % 60;
  const two = (/** @type {number} */ n) => String(n).padStart(2, '0');
  if (days) return `${days}d ${hh}:${two(mm)}:${two(ss)}`;
  return hh ? `${hh}:${two(mm)}:${two(ss)}` : `${mm}:${two(ss)}`;
}
