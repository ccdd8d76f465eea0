// @ts-check
/**
 * Controls the live pages share: a message composer, and a list that is brought up to date in place (so focus
 * survives people coming and going), and the text for an error code from the server.
 */

import { h, icon } from '../dom.js';
import { has, t, tn } from '../i18n.js';

export const MAX_TEXT = 2000;

/** A message for an error code from the server (or protocol.js). @param {string} code */
export function errorText(code) {
  return has(`err.${code}`) ? t(`err.${code}`) : t('err.unexpected');
}

/**
 * A message box: Enter sends, Shift+Enter makes a new line; it grows with its text up to a few lines.
 * @param {{id: string, label: string, placeholder: string, onSend: (text: string) => void}} o
 */
export function composer(o) {
  const hintId = `${o.id}-hint`;
  const input = h('textarea', {
    id: o.id, rows: 1, maxlength: MAX_TEXT, placeholder: o.placeholder, 'aria-describedby': hintId,
    enterkeyhint: 'send', autocomplete: 'off',
  });
  const count = h('span', { class: 'composer-count' });
  const note = h('span', { class: 'composer-note' });
  const send = h('button', { type: 'submit', class: 'btn btn-primary composer-send', title: t('lobby.send') },
    icon('send'), h('span', { class: 'composer-send-label' }, t('lobby.send')));
  const form = h('form', { class: 'composer', novalidate: true },
    h('label', { for: o.id, class: 'sr-only' }, o.label),
    h('div', { class: 'composer-row' }, input, send),
    h('p', { class: 'composer-hint', id: hintId }, note, h('span', { class: 'composer-keys' }, t('lobby.enterHint')),
      count));
  const fit = () => {
    input.style.height = 'auto';
    input.style.height = `${Math.min(input.scrollHeight + 2, 168)}px`;
  };
  const counter = () => {
    const left = MAX_TEXT - input.value.length;
    count.textContent = left <= 200 ? tn('lobby.charsLeft', left) : '';
  };
  input.addEventListener('input', () => { fit(); counter(); });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      form.requestSubmit();
    }
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const text = input.value;
    if (!text.trim()) {
      input.focus();
      return;
    }
    o.onSend(text.slice(0, MAX_TEXT));
    input.value = '';
    fit();
    counter();
    input.focus();
  });
  return { form, input, note };
}

/**
 * Bring a list's children in line with `items`, keeping the element of every unchanged item, so focus (on a
 * "Message" button, say) survives people coming and going. A changed item's new element takes the focus of
 * its old one. Returns false when the focus was inside an element that went away.
 * @template T
 * @param {HTMLElement} list @param {T[]} items @param {(item: T) => string} keyOf
 * @param {(item: T) => string} sigOf what, when it changes, means the element must be drawn again
 * @param {(item: T) => HTMLElement} draw
 */
export function reconcile(list, items, keyOf, sigOf, draw) {
  const active = document.activeElement;
  /** @type {Map<string, HTMLElement>} */
  const old = new Map();
  for (const el of /** @type {HTMLElement[]} */ ([...list.children])) {
    if (el.dataset.key) old.set(el.dataset.key, el);
    else el.remove();
  }
  /** @type {HTMLElement|null} */
  let refocus = null;
  const wanted = items.map((item) => {
    const key = keyOf(item);
    const sig = sigOf(item);
    const before = old.get(key);
    old.delete(key);
    if (before && before.dataset.sig === sig) return before;
    const el = draw(item);
    el.dataset.key = key;
    el.dataset.sig = sig;
    if (before && active && before.contains(active)) {
      // The same control in the new element: by its first class (its kind), else the first focusable one.
      const kind = active.classList[0];
      refocus = /** @type {HTMLElement|null} */ ((kind && el.querySelector(`.${CSS.escape(kind)}`))
        || el.querySelector('button, a[href], [tabindex]'));
    }
    before?.remove();
    return el;
  });
  let lost = false;
  for (const el of old.values()) {
    if (active && el.contains(active)) lost = true;
    el.remove();
  }
  wanted.forEach((el, i) => {
    if (list.children[i] !== el) list.insertBefore(el, list.children[i] || null);
  });
  /** @type {HTMLElement|null} */ (refocus)?.focus();
  return !lost;
}
