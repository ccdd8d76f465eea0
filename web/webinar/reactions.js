// @ts-check
/**
 * Reactions: a bar of six; a click sends `react`. On the wire a reaction is named by its emoji (docs/webinar.md);
 * on screen each is an SVG icon, so it shows where no emoji font is installed. The server sums everyone's clicks per short interval
 * (`reactions` frames); each sum becomes a small burst floating up over the stage — or, for people who prefer
 * reduced motion, a count that lights up next to the emoji.
 */

import { h, icon } from '../dom.js';
import { t } from '../i18n.js';
import { errText, note } from './common.js';
import { EMOJI } from './session.js';

const MAX_FLOATERS = 40; // per frame: a room of 300 clapping at once stays readable and cheap

/** The icon for each reaction's wire name. @type {Record<string, import('../dom.js').IconName>} */
export const REACTION_ICON = { '👏': 'applause', '👍': 'thumbsUp', '❤️': 'heart', '😂': 'laugh', '🎉': 'party', '🤔': 'thinking' };

/** @param {import('./session.js').WebinarSession} session @param {HTMLElement} layer where bursts float */
export function reactionBar(session, layer) {
  const barNote = note();
  const reduced = globalThis.matchMedia?.('(prefers-reduced-motion: reduce)');
  /** @type {Map<string, HTMLElement>} */
  const tallies = new Map();
  const buttons = EMOJI.map((emoji) => {
    const tally = h('span', { class: 'react-tally', 'aria-hidden': 'true' });
    tallies.set(emoji, tally);
    const b = h('button', { type: 'button', class: 'react-btn', dataset: { emoji },
      'aria-label': t('webinar.react', { emoji: t(`emoji.${emoji}`) }), title: t(`emoji.${emoji}`) },
    h('span', { class: 'react-emoji', 'aria-hidden': 'true' }, icon(REACTION_ICON[emoji])), tally);
    b.addEventListener('click', () => {
      try {
        session.react(emoji);
        barNote.clear();
      } catch (err) {
        barNote.error(err);
      }
      if (!reduced?.matches) float(emoji, 1, true);
    });
    return b;
  });
  const el = h('div', { class: 'react-bar', role: 'group', 'aria-label': t('webinar.reactions') }, buttons, barNote.el);

  /** @param {string} emoji @param {number} n @param {boolean} mine */
  const float = (emoji, n, mine) => {
    for (let i = 0; i < Math.min(n, MAX_FLOATERS); i += 1) {
      const f = h('span', { class: ['floater', mine && 'is-mine'], 'aria-hidden': 'true', dataset: { emoji } },
        icon(REACTION_ICON[emoji]));
      // Through the CSSOM: the page's CSP allows no inline style attributes.
      f.style.left = `${8 + Math.random() * 84}%`;
      f.style.animationDelay = `${Math.round(Math.random() * 400)}ms`;
      f.addEventListener('animationend', () => f.remove());
      layer.append(f);
    }
  };

  /** @param {Record<string, number>} counts */
  const burst = (counts) => {
    for (const [emoji, n] of Object.entries(counts)) {
      if (!EMOJI.includes(emoji) || !(n > 0)) continue;
      const tally = tallies.get(emoji);
      if (tally) {
        tally.textContent = n > 99 ? '99+' : String(n);
        tally.classList.remove('is-fresh');
        void tally.offsetWidth; // restart the highlight
        tally.classList.add('is-fresh');
      }
      if (!reduced?.matches) float(emoji, n, false);
    }
  };

  /** @param {{code: string, message: string}} problem */
  const refused = (problem) => barNote.set(errText(problem), 'error');
  return { el, burst, refused };
}
