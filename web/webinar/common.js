// @ts-check
/** Small pieces the webinar panels share: error text next to a control, a busy wrapper, a time label. */

import { h } from '../dom.js';
import { has, t } from '../i18n.js';
import { formatTime } from '../time.js';

/**
 * The text for a failed request: ours when we know the code, else the server's own message.
 * @param {any} err
 */
export function errText(err) {
  const code = err?.code || 'internal';
  if (has(`err.${code}`)) return t(`err.${code}`);
  return err?.message || t('err.unexpected');
}

/**
 * A webinar string, in a group room its group wording where one exists (`webinar.start` → `group.start`,
 * web/strings/en-group.js): "Start session" rather than "Start webinar".
 * @param {boolean} group @param {string} key a `webinar.` key @param {Record<string, any>} [vars]
 */
export function wt(group, key, vars) {
  const alt = key.replace(/^webinar\./, 'group.');
  return t(group && has(alt) ? alt : key, vars);
}

/** A status line that sits next to the controls it reports on. @param {string} [id] */
export function note(id) {
  const el = h('p', { class: 'w-note', role: 'status', 'aria-live': 'polite', id });
  let timer = 0;
  return {
    el,
    /** @param {string} text @param {'ok'|'error'|''} [kind] */
    set(text, kind = '') {
      clearTimeout(timer);
      el.className = `w-note ${kind}`;
      el.textContent = text;
      if (kind === 'ok') timer = window.setTimeout(() => { el.textContent = ''; }, 4000);
    },
    /** @param {any} err */
    error(err) {
      this.set(errText(err), 'error');
    },
    clear() {
      clearTimeout(timer);
      el.textContent = '';
    },
  };
}

/** @typedef {ReturnType<typeof note>} Note */

/**
 * Run a request from a button: disabled while it runs, its error in `where`.
 * @param {HTMLButtonElement|null} btn @param {Note} where @param {() => Promise<any>} fn
 */
export async function act(btn, where, fn) {
  if (btn) btn.disabled = true;
  where.clear();
  try {
    return await fn();
  } catch (err) {
    where.error(err);
    return undefined;
  } finally {
    if (btn) btn.disabled = false;
  }
}

/** @param {string|null|undefined} at @param {string} zone */
export function timeLabel(at, zone) {
  if (!at) return null;
  return h('time', { datetime: at }, formatTime(at, zone));
}
