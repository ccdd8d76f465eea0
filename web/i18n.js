// @ts-check
/** English and Dutch. Every user-visible string goes through t(). */

import en from './strings/en.js';
import nl from './strings/nl.js';

/** @typedef {'en' | 'nl'} Lang */
/** @type {Record<Lang, Record<string, string>>} */
const DICTS = { en, nl };
export const LANGS = /** @type {Lang[]} */ (['en', 'nl']);
const KEY = 'rt.lang';

/** @returns {Lang} */
function initial() {
  try {
    const stored = globalThis.localStorage?.getItem(KEY);
    if (stored === 'en' || stored === 'nl') return stored;
  } catch { /* storage may be disabled */ }
  const wanted = (globalThis.navigator?.languages || [globalThis.navigator?.language || 'en']);
  for (const l of wanted) {
    const base = String(l).toLowerCase().split('-')[0];
    if (base === 'nl' || base === 'en') return base;
  }
  return 'en';
}

let current = initial();
/** @type {Set<() => void>} */
const listeners = new Set();

/** The current language. */
export function lang() {
  return current;
}

/** The locale for Intl formatting: Dutch, or the browser's English variant (en-GB if it is not English). */
export function locale() {
  if (current === 'nl') return 'nl-NL';
  const nav = globalThis.navigator?.language || 'en-GB';
  return nav.toLowerCase().startsWith('en') ? nav : 'en-GB';
}

/** Switch language, remember it, tell listeners. @param {Lang} next */
export function setLang(next) {
  if (!DICTS[next] || next === current) return;
  current = next;
  try {
    localStorage.setItem(KEY, next);
  } catch { /* ignore */ }
  if (globalThis.document) document.documentElement.lang = next;
  for (const fn of listeners) fn();
}

/** @param {() => void} fn */
export function onLangChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/**
 * Translate a key; {name} placeholders are filled from vars.
 * @param {string} key
 * @param {Record<string, string | number>} [vars]
 */
export function t(key, vars) {
  const template = DICTS[current][key] ?? DICTS.en[key] ?? key;
  if (!vars) return template;
  return template.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
}

/** Does a key exist? @param {string} key */
export function has(key) {
  return key in DICTS[current] || key in DICTS.en;
}

/**
 * A count with the right plural: keys `${key}.one` and `${key}.other`, with {n} (and any other `vars`).
 * @param {string} key @param {number} n @param {Record<string, string|number>} [vars]
 */
export function tn(key, n, vars = {}) {
  const rule = new Intl.PluralRules(locale()).select(n);
  const k = has(`${key}.${rule}`) ? `${key}.${rule}` : `${key}.other`;
  return t(k, { ...vars, n: new Intl.NumberFormat(locale()).format(n) });
}

/** A list: "a, b and c". @param {string[]} items */
export function list(items) {
  try {
    return new Intl.ListFormat(locale(), { style: 'long', type: 'conjunction' }).format(items);
  } catch {
    return items.join(', ');
  }
}

/** Country name from a two-letter code. @param {string} code */
export function countryName(code) {
  if (!code) return '';
  try {
    return new Intl.DisplayNames([locale()], { type: 'region' }).of(code.toUpperCase()) || code;
  } catch {
    return code;
  }
}

/** Language name from a code. @param {string} code */
export function languageName(code) {
  if (!code) return '';
  try {
    return new Intl.DisplayNames([locale()], { type: 'language' }).of(code) || code;
  } catch {
    return code;
  }
}
