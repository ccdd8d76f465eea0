// @ts-check
/**
 * Polls: moderators write one (a question, 2–8 options, single or multiple choice), open and close it; everyone
 * votes while it is open (and may change their vote); results are live bars and stay once it closes.
 */

import { h, icon, replace, uid } from '../dom.js';
import { t, tn } from '../i18n.js';
import { reconcile } from '../lobby/controls.js';
import { badge } from '../ui.js';
import { act, note } from './common.js';

const MAX_OPTIONS = 8;

/** @param {import('./session.js').WebinarSession} session */
export function pollsPanel(session) {
  const manage = session.may('manage-polls');
  const list = h('ol', { class: 'poll-list', id: 'poll-list', role: 'list' });
  const emptyEl = h('p', { class: 'w-empty' }, t('webinar.noPolls'));
  /** choices being picked, per poll, before "Vote" is pressed @type {Map<number, Set<number>>} */
  const picking = new Map();

  /** @param {import('./state.js').Poll & {mine: number[]}} p */
  const item = (p) => {
    const pollNote = note();
    const total = p.counts.reduce((a, b) => a + b, 0);
    const open = p.status === 'open';
    const chosen = picking.get(p.id) || new Set(p.mine);
    const name = uid(`poll-${p.id}`);
    const options = p.options.map((label, i) => {
      const n = p.counts[i] || 0;
      const pct = total ? Math.round((100 * n) / total) : 0;
      const input = open ? h('input', {
        type: p.multiple ? 'checkbox' : 'radio', name, value: String(i), checked: chosen.has(i), class: 'poll-input',
      }) : null;
      input?.addEventListener('change', () => {
        const set = new Set(p.multiple ? (picking.get(p.id) || new Set(p.mine)) : []);
        if (input.checked) set.add(i);
        else set.delete(i);
        picking.set(p.id, set);
      });
      // Through the CSSOM: the page's CSP allows no inline style attributes.
      const fill = h('span', { class: 'poll-fill' });
      fill.style.width = `${pct}%`;
      return h('li', { class: ['poll-option', p.mine.includes(i) && 'is-mine'], dataset: { index: i, count: n } },
        h('label', { class: 'poll-label' }, input, h('span', { class: 'poll-text' }, label),
          h('span', { class: 'poll-figure' }, `${pct}% · ${n}`)),
        h('span', { class: 'poll-bar', 'aria-hidden': 'true' }, fill));
    });
    const voteBtn = open ? h('button', { type: 'button', class: 'btn btn-primary btn-small poll-vote' },
      p.mine.length ? t('webinar.changeVote') : t('webinar.vote')) : null;
    voteBtn?.addEventListener('click', async () => {
      const choices = [...(picking.get(p.id) || new Set(p.mine))].sort((a, b) => a - b);
      if (!choices.length) {
        pollNote.set(t('webinar.pickOne'), 'error');
        return;
      }
      const done = await act(voteBtn, pollNote, () => session.pollVote(p.id, choices));
      if (done) {
        picking.delete(p.id);
        pollNote.set(t('webinar.voted'), 'ok');
      }
    });
    /** @param {string} label @param {'open'|'closed'} status @param {string} cls */
    const stateBtn = (label, status, cls) => {
      const b = h('button', { type: 'button', class: `btn btn-secondary btn-small ${cls}` }, label);
      b.addEventListener('click', () => act(b, pollNote, () => session.pollState(p.id, status)));
      return b;
    };
    return h('li', { class: ['poll', `is-${p.status}`], dataset: { id: p.id, status: p.status } },
      h('div', { class: 'poll-head' },
        h('h3', { class: 'poll-q' }, p.question),
        badge(t(`webinar.poll.${p.status}`), p.status === 'open' ? 'live' : 'neutral'),
        p.rehearsal ? badge(t('webinar.rehearsalItem'), 'status-pending') : null),
      h('p', { class: 'poll-sub muted small' },
        p.multiple ? t('webinar.pollMultiple') : t('webinar.pollSingle'), ' · ', tn('webinar.voters', p.voters || 0)),
      h('fieldset', { class: 'poll-options' }, h('legend', { class: 'sr-only' }, p.question),
        h('ol', { role: 'list' }, options)),
      h('div', { class: 'poll-actions' },
        voteBtn,
        manage && p.status === 'draft' ? stateBtn(t('webinar.openPoll'), 'open', 'poll-open') : null,
        manage && open ? stateBtn(t('webinar.closePoll'), 'closed', 'poll-close') : null),
      pollNote.el);
  };

  // -- create (moderators) -------------------------------------------------------------------------------------
  const createNote = note();
  const qInput = h('input', { type: 'text', id: 'poll-question', maxlength: 200, name: 'question' });
  const optBox = h('ol', { class: 'poll-new-options', role: 'list' });
  const multiple = h('input', { type: 'checkbox', id: 'poll-multiple' });
  const addOpt = h('button', { type: 'button', class: 'btn btn-ghost btn-small poll-add-option' }, icon('plus'),
    h('span', null, t('webinar.addOption')));
  const optionRow = () => {
    const n = optBox.childElementCount + 1;
    const id = uid('poll-opt');
    const input = h('input', { type: 'text', id, maxlength: 200, class: 'poll-new-option' });
    const label = h('label', { for: id, class: 'sr-only' }, t('webinar.optionN', { n }));
    const remove = h('button', { type: 'button', class: 'btn btn-icon', 'aria-label': t('webinar.removeOptionN', { n }) }, icon('x'));
    const li = h('li', null, label, input, remove);
    remove.addEventListener('click', () => {
      if (optBox.childElementCount <= 2) return;
      li.remove();
      renumber();
      /** @type {HTMLElement|null} */ (optBox.querySelector('input'))?.focus();
    });
    input.placeholder = t('webinar.optionN', { n });
    optBox.append(li);
    addOpt.hidden = optBox.childElementCount >= MAX_OPTIONS;
    return input;
  };
  const renumber = () => {
    [...optBox.children].forEach((li, i) => {
      const input = /** @type {HTMLInputElement} */ (li.querySelector('input'));
      input.placeholder = t('webinar.optionN', { n: i + 1 });
      /** @type {HTMLElement} */ (li.querySelector('label')).textContent = t('webinar.optionN', { n: i + 1 });
      /** @type {HTMLElement} */ (li.querySelector('button')).setAttribute('aria-label', t('webinar.removeOptionN', { n: i + 1 }));
    });
    addOpt.hidden = optBox.childElementCount >= MAX_OPTIONS;
  };
  addOpt.addEventListener('click', () => optionRow().focus());
  const resetForm = () => {
    qInput.value = '';
    multiple.checked = false;
    replace(optBox);
    optionRow();
    optionRow();
  };
  const createBtn = h('button', { type: 'submit', class: 'btn btn-primary btn-small' }, t('webinar.createPoll'));
  const form = manage ? h('form', { class: 'poll-form', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: 'poll-question' }, t('webinar.pollQuestion')), qInput),
    h('fieldset', { class: 'field' }, h('legend', null, t('webinar.options')), optBox, addOpt),
    h('label', { class: 'check', for: 'poll-multiple' }, multiple, h('span', null, t('webinar.allowMultiple'))),
    h('div', { class: 'form-actions' }, createBtn),
    createNote.el) : null;
  form?.addEventListener('submit', async (e) => {
    e.preventDefault();
    const question = qInput.value.trim();
    const opts = [...optBox.querySelectorAll('input')].map((i) => /** @type {HTMLInputElement} */ (i).value.trim()).filter(Boolean);
    if (!question) {
      createNote.set(t('webinar.pollNeedsQuestion'), 'error');
      qInput.focus();
      return;
    }
    if (opts.length < 2) {
      createNote.set(t('webinar.pollNeedsOptions'), 'error');
      return;
    }
    const done = await act(createBtn, createNote, () => session.createPoll(question, opts, multiple.checked));
    if (done) {
      resetForm();
      createNote.set(t('webinar.pollCreated'), 'ok');
    }
  });
  if (form) resetForm();
  const details = form ? h('details', { class: 'poll-create' }, h('summary', null, t('webinar.newPoll')), form) : null;

  const el = h('div', { class: 'polls' }, details, emptyEl, list);

  /** @param {import('./state.js').View} v */
  const draw = (v) => {
    const polls = v.polls.filter((p) => manage || p.status !== 'draft')
      .map((p) => ({ ...p, mine: v.myBallots.get(p.id) || [] }));
    emptyEl.hidden = polls.length > 0;
    reconcile(list, polls, (p) => String(p.id), (p) => JSON.stringify([p.status, p.counts, p.voters, p.mine, p.rehearsal]), item);
  };
  return { el, draw };
}
