// @ts-check
/**
 * A tiny DOM builder. It only ever uses textContent, setAttribute, properties and listeners:
 * data from the server is untrusted and never becomes markup.
 */

/** @typedef {string | number | Node | null | undefined | false | any[]} Child */
/** @typedef {Record<string, any>} Attrs */

/**
 * Build an element: h('a', {href: '/x', class: 'btn', onclick: fn}, 'text', otherNode).
 * Keys starting with "on" become event listeners; `dataset`/boolean/`value`/`checked` are handled;
 * everything else goes through setAttribute.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Attrs | null} [attrs]
 * @param {...Child} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [key, value] of Object.entries(attrs)) {
      if (value === undefined || value === null || value === false) continue;
      if (key.startsWith('on') && typeof value === 'function') {
        el.addEventListener(key.slice(2).toLowerCase(), value);
      } else if (key === 'value' || key === 'checked' || key === 'selected' || key === 'indeterminate') {
        /** @type {any} */ (el)[key] = value;
      } else if (key === 'dataset') {
        for (const [k, v] of Object.entries(value)) el.dataset[k] = String(v);
      } else if (key === 'class' && Array.isArray(value)) {
        el.setAttribute('class', value.filter(Boolean).join(' '));
      } else if (value === true) {
        el.setAttribute(key, '');
      } else {
        el.setAttribute(key, String(value));
      }
    }
  }
  append(el, children);
  return el;
}

/**
 * Append children (strings become text nodes; arrays are flattened; falsy values skipped).
 * @param {Node} parent
 * @param {Child[]} children
 */
export function append(parent, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else if (child instanceof Node) parent.appendChild(child);
    else parent.appendChild(document.createTextNode(String(child)));
  }
}

/**
 * Replace all children of an element.
 * @param {Element} el
 * @param {...Child} children
 */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
}

/** A unique id for label/aria wiring. */
let counter = 0;
/** @param {string} [prefix] */
export function uid(prefix = 'id') {
  counter += 1;
  return `${prefix}-${counter}`;
}

/** @typedef {keyof typeof ICONS} IconName */

/**
 * An inline SVG icon from a small set of paths (no markup strings: built with createElementNS).
 * @param {IconName} name
 * @param {string} [label] accessible label; if absent the icon is decorative
 */
export function icon(name, label) {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('class', 'icon');
  svg.setAttribute('fill', 'none');
  svg.setAttribute('stroke', 'currentColor');
  svg.setAttribute('stroke-width', '2');
  svg.setAttribute('stroke-linecap', 'round');
  svg.setAttribute('stroke-linejoin', 'round');
  if (label) {
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', label);
  } else {
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
  }
  for (const d of ICONS[name]) {
    const path = document.createElementNS(ns, 'path');
    path.setAttribute('d', d);
    svg.appendChild(path);
  }
  return svg;
}

export const ICONS = {
  calendar: ['M8 2v4', 'M16 2v4', 'M3 10h18', 'M5 4h14a2 2 0 0 1 2 2v14a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z'],
  globe: ['M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20z', 'M2 12h20', 'M12 2a15 15 0 0 1 0 20', 'M12 2a15 15 0 0 0 0 20'],
  pin: ['M12 22s7-6.2 7-12a7 7 0 0 0-14 0c0 5.8 7 12 7 12z', 'M12 7a3 3 0 1 0 0 6 3 3 0 0 0 0-6z'],
  users: ['M17 21v-2a4 4 0 0 0-4-4H5a4 4 0 0 0-4 4v2', 'M9 3a4 4 0 1 0 0 8 4 4 0 0 0 0-8z',
    'M23 21v-2a4 4 0 0 0-3-3.9', 'M16 3.1a4 4 0 0 1 0 7.8'],
  clock: ['M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20z', 'M12 6v6l4 2'],
  plus: ['M12 5v14', 'M5 12h14'],
  search: ['M11 3a8 8 0 1 0 0 16 8 8 0 0 0 0-16z', 'M21 21l-4.3-4.3'],
  copy: ['M9 9h11v11H9z', 'M5 15H4V4h11v1'],
  edit: ['M12 20h9', 'M16.5 3.5a2.1 2.1 0 0 1 3 3L7 19l-4 1 1-4z'],
  trash: ['M3 6h18', 'M8 6V4h8v2', 'M19 6l-1 14H6L5 6'],
  x: ['M18 6L6 18', 'M6 6l12 12'],
  arrow: ['M5 12h14', 'M13 5l7 7-7 7'],
  back: ['M19 12H5', 'M11 19l-7-7 7-7'],
  mail: ['M4 4h16v16H4z', 'M22 6l-10 7L2 6'],
  link: ['M10 13a5 5 0 0 0 7.5.5l3-3a5 5 0 0 0-7-7l-1.7 1.7', 'M14 11a5 5 0 0 0-7.5-.5l-3 3a5 5 0 0 0 7 7l1.7-1.7'],
  check: ['M20 6L9 17l-5-5'],
  building: ['M3 21h18', 'M5 21V5a2 2 0 0 1 2-2h10a2 2 0 0 1 2 2v16', 'M9 7h1', 'M14 7h1', 'M9 11h1', 'M14 11h1',
    'M10 21v-4h4v4'],
  mic: ['M12 2a3 3 0 0 0-3 3v7a3 3 0 0 0 6 0V5a3 3 0 0 0-3-3z', 'M19 10v2a7 7 0 0 1-14 0v-2', 'M12 19v3', 'M8 22h8'],
  video: ['M23 7l-7 5 7 5z', 'M3 5h11a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H3a2 2 0 0 1-2-2V7a2 2 0 0 1 2-2z'],
  chart: ['M3 3v18h18', 'M8 16v-5', 'M13 16V8', 'M18 16v-9'],
  handshake: ['M11 17l2 2a1 1 0 0 0 3-3', 'M14 14l2.5 2.5a1 1 0 0 0 3-3l-3.9-3.9a3 3 0 0 0-4.2 0l-.9.9a1 1 0 0 1-3-3l2.8-2.8a5 5 0 0 1 5.7-1L21 5',
    'M3 4l-1 11 6.5 6.5a1 1 0 0 0 3-3', 'M3 4h8'],
  chat: ['M21 15a2 2 0 0 1-2 2H7l-4 4V5a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2z'],
  grid: ['M3 3h7v7H3z', 'M14 3h7v7h-7z', 'M14 14h7v7h-7z', 'M3 14h7v7H3z'],
  megaphone: ['M3 11v3a1 1 0 0 0 1 1h2l5 4V6L6 10H4a1 1 0 0 0-1 1z', 'M15.5 8.5a5 5 0 0 1 0 7', 'M18.5 5.5a9 9 0 0 1 0 13'],
  send: ['M22 2L11 13', 'M22 2l-7 20-4-9-9-4z'],
  refresh: ['M23 4v6h-6', 'M20.5 15a9 9 0 1 1-2.1-9.4L23 10'],
  alert: ['M10.3 3.9L1.8 18a2 2 0 0 0 1.7 3h16.9a2 2 0 0 0 1.7-3L13.7 3.9a2 2 0 0 0-3.4 0z', 'M12 9v4', 'M12 17h.01'],
  // Webinar reactions and hands: drawn, not emoji, so they show where no emoji font is installed.
  hand: ['M18 11V6a2 2 0 0 0-4 0v5', 'M14 10V4a2 2 0 0 0-4 0v6', 'M10 10.5V6a2 2 0 0 0-4 0v8',
    'M18 8a2 2 0 1 1 4 0v6a8 8 0 0 1-8 8h-2c-2.8 0-4.5-.9-5.9-2.3l-3.6-3.6a2 2 0 0 1 2.8-2.8L7 15'],
  applause: ['M9.5 19.5L5 15a2 2 0 0 1 0-2.8l6.4-6.4a1.5 1.5 0 0 1 2.1 2.1L11 10.5',
    'M13 8.5l1.9-1.9a1.5 1.5 0 0 1 2.1 2.1l-4.5 4.5', 'M16.5 11.5a1.5 1.5 0 0 1 2.1 2.1L13 19.2a4 4 0 0 1-3.5.3',
    'M18 2.5l-.8 2', 'M21.5 6l-2 .8', 'M14.5 2l.3 2.2'],
  thumbsUp: ['M14 9V5a3 3 0 0 0-3-3l-4 9v11h11.3a2 2 0 0 0 2-1.7l1.4-9a2 2 0 0 0-2-2.3z',
    'M7 22H4a2 2 0 0 1-2-2v-7a2 2 0 0 1 2-2h3'],
  heart: ['M20.8 4.6a5.5 5.5 0 0 0-7.8 0L12 5.7l-1-1.1a5.5 5.5 0 0 0-7.8 7.8l1 1.1L12 21l7.8-7.5 1-1.1a5.5 5.5 0 0 0 0-7.8z'],
  laugh: ['M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20z', 'M7 13h10a5 5 0 0 1-10 0z', 'M7.5 9.5q1.5-1.5 3 0',
    'M13.5 9.5q1.5-1.5 3 0'],
  party: ['M5.8 11.3L2 22l10.7-3.8', 'M4 3h.01', 'M22 8h.01', 'M15 2h.01', 'M22 20h.01',
    'M22 2l-2.2.7a3 3 0 0 0-2 3.4 3 3 0 0 1-2 3.4L15 10',
    'M11 13c1.9 1.9 2.8 4.1 2 4.9-.8.8-3-.1-4.9-2-1.9-1.9-2.8-4.1-2-4.9.8-.8 3 .1 4.9 2z'],
  thinking: ['M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20z', 'M8.5 16l6.5-1.5', 'M9 10h.01', 'M15 10h.01',
    'M13.5 7l3-1'],
  monitor: ['M2 3h20v14H2z', 'M8 21h8', 'M12 17v4'],
};
