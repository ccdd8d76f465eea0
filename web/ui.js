// @ts-check
/** Shared building blocks: fields with their errors, buttons, badges, status messages, cards. */

import { ApiError } from './api.js';
import { h, icon, uid } from './dom.js';
import { has, t } from './i18n.js';

/**
 * @typedef {object} FieldOptions
 * @property {string} label
 * @property {string} name        the API field this input is for (errors with this `field` land here)
 * @property {string} [type]
 * @property {string | number} [value]
 * @property {boolean} [required]
 * @property {string} [hint]
 * @property {string} [autocomplete]
 * @property {string} [placeholder]
 * @property {number} [minlength]
 * @property {number} [maxlength]
 * @property {number} [min]
 * @property {number} [max]
 * @property {number} [rows]      textarea when given
 * @property {string} [inputmode]
 * @property {boolean} [optional] show "(optional)"
 * @property {Array<[string, string]>} [options]  a select: [value, label] pairs
 * @property {HTMLElement} [control]  a custom control (must hold the focusable element with id = `id`)
 * @property {string} [id]
 */

/**
 * A labelled form field with a hint and a slot for its error message.
 * @param {FieldOptions} o
 * @returns {{el: HTMLElement, input: HTMLInputElement & HTMLSelectElement & HTMLTextAreaElement}}
 */
export function field(o) {
  const id = o.id || uid(`f-${o.name}`);
  const hintId = `${id}-hint`;
  const errId = `${id}-error`;
  /** @type {any} */
  let input;
  const common = {
    id, name: o.name, required: o.required, autocomplete: o.autocomplete, placeholder: o.placeholder,
    'aria-describedby': o.hint ? hintId : undefined,
  };
  if (o.control) {
    input = o.control;
  } else if (o.options) {
    input = h('select', common, o.options.map(([v, label]) => h('option', { value: v }, label)));
    if (o.value !== undefined) input.value = String(o.value);
  } else if (o.rows) {
    input = h('textarea', { ...common, rows: o.rows, maxlength: o.maxlength }, );
    input.value = o.value ?? '';
  } else {
    input = h('input', {
      ...common, type: o.type || 'text', minlength: o.minlength, maxlength: o.maxlength, min: o.min, max: o.max,
      inputmode: o.inputmode, value: o.value ?? '',
    });
  }
  const el = h('div', { class: 'field', dataset: { field: o.name } },
    h('label', { for: id }, o.label, o.optional ? h('span', { class: 'optional' }, ` ${t('form.optional')}`) : null),
    input,
    o.hint ? h('p', { class: 'hint', id: hintId }, o.hint) : null,
    h('p', { class: 'field-error', id: errId, hidden: true }),
  );
  return { el, input };
}

/** Remove all field errors in a form. @param {HTMLElement} form */
export function clearErrors(form) {
  for (const err of form.querySelectorAll('.field-error')) {
    err.textContent = '';
    err.setAttribute('hidden', '');
  }
  for (const el of form.querySelectorAll('[aria-invalid]')) {
    el.removeAttribute('aria-invalid');
    const ids = (el.getAttribute('aria-describedby') || '').split(' ').filter((x) => x && !x.endsWith('-error'));
    if (ids.length) el.setAttribute('aria-describedby', ids.join(' '));
    else el.removeAttribute('aria-describedby');
  }
  for (const el of form.querySelectorAll('.field.invalid')) el.classList.remove('invalid');
}

/**
 * Show a message at the field named `name`; returns false if the form has no such field.
 * @param {HTMLElement} form @param {string} name @param {string} message @param {boolean} [focus]
 */
export function showFieldError(form, name, message, focus = true) {
  const wrap = form.querySelector(`.field[data-field="${CSS.escape(name)}"]`);
  if (!wrap) return false;
  const err = /** @type {HTMLElement} */ (wrap.querySelector('.field-error'));
  const control = /** @type {HTMLElement | null} */ (wrap.querySelector('input, select, textarea'));
  err.textContent = message;
  err.removeAttribute('hidden');
  wrap.classList.add('invalid');
  if (control) {
    control.setAttribute('aria-invalid', 'true');
    const ids = new Set((control.getAttribute('aria-describedby') || '').split(' ').filter(Boolean));
    ids.add(err.id);
    control.setAttribute('aria-describedby', [...ids].join(' '));
    if (focus) control.focus();
  }
  return true;
}

/** A human message for any error, translated by its code when we know it. @param {unknown} err */
export function errorMessage(err) {
  if (err instanceof ApiError) {
    if (has(`err.${err.code}`)) return t(`err.${err.code}`);
    if (err.status === 0) return t('err.network');
    if (err.status >= 500) return t('err.server');
    return err.message;
  }
  return t('err.unexpected');
}

/**
 * Show an error from a submit: at its field when the form has it, else in the form's status line.
 * @param {HTMLElement} form @param {unknown} err @param {Status} status
 */
export function showError(form, err, status) {
  const msg = errorMessage(err);
  if (err instanceof ApiError && err.field && showFieldError(form, err.field, msg)) {
    status.set('');
    return;
  }
  status.error(msg);
}

/**
 * @typedef {object} Status
 * @property {HTMLElement} el
 * @property {(msg: string) => void} set
 * @property {(msg: string) => void} ok
 * @property {(msg: string) => void} error
 */

/** A live status line (polite for progress and success, assertive for errors). @returns {Status} */
export function status() {
  const el = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
  /** @param {string} msg @param {string} kind */
  const show = (msg, kind) => {
    el.className = `status ${kind}`;
    el.textContent = msg;
  };
  return {
    el,
    set: (msg) => show(msg, ''),
    ok: (msg) => show(msg, 'ok'),
    error: (msg) => show(msg, 'error'),
  };
}

/**
 * A button. variant: primary | secondary | ghost | danger.
 * @param {string} label
 * @param {{variant?: string, type?: string, icon?: any, onclick?: (e: Event) => void, small?: boolean, attrs?: Record<string, any>}} [o]
 */
export function button(label, o = {}) {
  return h('button', {
    type: o.type || 'button',
    class: ['btn', `btn-${o.variant || 'secondary'}`, o.small && 'btn-small'],
    onclick: o.onclick,
    ...(o.attrs || {}),
  }, o.icon ? icon(o.icon) : null, h('span', null, label));
}

/**
 * A compact button showing only an icon; its label is its accessible name and tooltip.
 * @param {any} name @param {string} label @param {(e: Event) => void} onclick
 */
export function iconButton(name, label, onclick) {
  return h('button', { type: 'button', class: 'btn btn-icon', 'aria-label': label, title: label, onclick }, icon(name));
}

/** A link styled as a button. @param {string} href @param {string} label @param {{variant?: string, icon?: any}} [o] */
export function linkButton(href, label, o = {}) {
  return h('a', { href, class: ['btn', `btn-${o.variant || 'secondary'}`] },
    o.icon ? icon(o.icon) : null, h('span', null, label));
}

/**
 * Disable a form's submit button while a promise runs.
 * @param {HTMLFormElement} form @param {() => Promise<void>} fn
 */
export async function busy(form, fn) {
  const submit = /** @type {HTMLButtonElement | null} */ (form.querySelector('button[type=submit]'));
  if (submit) {
    submit.disabled = true;
    submit.setAttribute('aria-busy', 'true');
  }
  try {
    await fn();
  } finally {
    if (submit) {
      submit.disabled = false;
      submit.removeAttribute('aria-busy');
    }
  }
}

/** A small label. @param {string} text @param {string} [variant] */
export function badge(text, variant = 'neutral') {
  return h('span', { class: `badge badge-${variant}` }, text);
}

/** @param {string} text */
export function chip(text) {
  return h('span', { class: 'chip' }, text);
}

/** A page heading with an optional subtitle and actions. @param {string} title @param {any} [sub] @param {...any} actions */
export function pageHead(title, sub, ...actions) {
  return h('div', { class: 'page-head' },
    h('div', null, h('h1', { tabindex: '-1' }, title), sub ? h('p', { class: 'lead' }, sub) : null),
    actions.length ? h('div', { class: 'actions' }, ...actions) : null);
}

/** A friendly empty state. @param {string} title @param {string} [text] @param {...any} actions */
export function empty(title, text, ...actions) {
  return h('div', { class: 'empty' }, h('h2', null, title), text ? h('p', null, text) : null, ...actions);
}

/** A card with an error message (for pages that failed to load). @param {unknown} err */
export function errorCard(err) {
  return h('div', { class: 'card notice notice-error', role: 'alert' },
    h('h1', { tabindex: '-1' }, t('err.title')), h('p', null, errorMessage(err)),
    h('p', null, h('a', { href: '/' }, t('nav.missions'))));
}

/** Initials for an avatar. @param {string} name */
export function initials(name) {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const letters = parts.length > 1 ? [parts[0], parts[parts.length - 1]] : parts;
  return letters.map((p) => p[0].toUpperCase()).join('').slice(0, 2) || '?';
}

/** A coloured avatar with initials (colour from the name, so it is stable). @param {string} name @param {string} [size] */
export function avatar(name, size = '') {
  let hash = 0;
  for (const c of name) hash = (hash * 31 + c.charCodeAt(0)) >>> 0;
  return h('span', { class: `avatar avatar-${hash % 6} ${size}`, 'aria-hidden': 'true' }, initials(name));
}

/** A loading placeholder. */
export function loading() {
  return h('div', { class: 'loading', role: 'status', 'aria-live': 'polite' },
    h('span', { class: 'spinner', 'aria-hidden': 'true' }), h('span', null, t('common.loading')));
}
