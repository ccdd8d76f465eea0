// @ts-check
/**
 * Q&A: the ask box (optionally without my name for the room), the list in the shared order with upvotes, and
 * for moderators the mode switch, the pending queue and approve / dismiss / pin / answered / bring on stage.
 *
 * The asker of a question that is not anonymous is named with `data-user-id` on its `.q-author` element: the hook
 * for tests and styles; given a request context, a calendar button beside it requests a meeting with that person.
 * An anonymous question never carries the asker's id, not even for the moderators who see the name.
 */

import { h, icon } from '../dom.js';
import { t, tn } from '../i18n.js';
import { reconcile } from '../lobby/controls.js';
import { avatar, badge } from '../ui.js';
import { act, note } from './common.js';
import { requestMeetingButton } from '../matchmaking/request-button.js';

const MAX_QUESTION = 500;

/**
 * @param {import('./session.js').WebinarSession} session
 * @param {import('../matchmaking/request-button.js').RequestCtx} [rq] offers "request a meeting" beside each named asker
 */
export function qaPanel(session, rq) {
  const staff = session.may('moderate-qa');
  const askNote = note('ask-note');
  const text = h('textarea', { id: 'ask-input', rows: 2, maxlength: MAX_QUESTION, name: 'text',
    placeholder: t('webinar.askPlaceholder'), 'aria-describedby': 'ask-note' });
  const anon = h('input', { type: 'checkbox', id: 'ask-anon', name: 'anonymous' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-small' }, icon('send'), h('span', null, t('webinar.ask')));
  const form = h('form', { class: 'ask-form', novalidate: true },
    h('label', { for: 'ask-input', class: 'ask-label' }, t('webinar.yourQuestion')),
    text,
    h('div', { class: 'ask-row' },
      h('label', { class: 'check', for: 'ask-anon' }, anon, h('span', null, t('webinar.hideName'))),
      submit),
    askNote.el);
  text.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      form.requestSubmit();
    }
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const value = text.value.trim();
    if (!value) {
      askNote.set(t('webinar.askEmpty'), 'error');
      text.focus();
      return;
    }
    const done = await act(submit, askNote, () => session.ask(value, anon.checked));
    if (done) {
      text.value = '';
      anon.checked = false;
      askNote.set(session.view().qaMode === 'pre-approved' && !staff ? t('webinar.askedPending') : t('webinar.asked'), 'ok');
    }
    text.focus();
  });

  const listNote = note();
  const list = h('ol', { class: 'q-list', id: 'q-list', role: 'list', 'aria-label': t('webinar.questions') });
  const emptyEl = h('p', { class: 'w-empty' }, t('webinar.noQuestions'));

  /** @param {import('./state.js').Question} q */
  const who = (q) => {
    if (!q.author) return h('span', { class: 'q-author is-anon' }, t('webinar.anonymous'));
    return h('span', { class: 'q-author', dataset: q.anonymous ? {} : { userId: q.author.user_id } }, q.author.name,
      q.author.organisation ? h('span', { class: 'q-org' }, ` · ${q.author.organisation}`) : null,
      q.anonymous ? h('span', { class: 'q-hidden' }, ` (${t('webinar.hiddenFromRoom')})`) : null);
  };

  /** @param {string} label @param {string} cls @param {() => Promise<any>} fn @param {Record<string, any>} [attrs] */
  const small = (label, cls, fn, attrs = {}) => {
    const b = h('button', { type: 'button', class: `btn btn-ghost btn-small ${cls}`, ...attrs }, label);
    b.addEventListener('click', () => act(b, listNote, fn));
    return b;
  };

  /** @param {import('./state.js').Question & {mine: boolean, own: boolean}} q */
  const upvote = (q) => {
    const voted = q.mine;
    const vote = h('button', {
      type: 'button', class: ['q-vote', voted && 'is-voted'], 'aria-pressed': String(voted),
      'aria-label': t(voted ? 'webinar.unvote' : 'webinar.upvote', { n: q.votes }),
    }, h('span', { class: 'q-vote-arrow', 'aria-hidden': 'true' }, '▲'), h('span', { class: 'q-votes' }, String(q.votes)));
    vote.addEventListener('click', () => act(vote, listNote, () => session.vote(q.id, !voted).catch((err) => {
      if (err?.code === 'already-voted' || err?.code === 'not-voted') session.knowVote(q.id, err.code === 'already-voted');
      else if (err?.code === 'own-question') session.knowAsked(q.id);
      else throw err;
    })));
    return vote;
  };

  /** The count alone on my own question: nobody upvotes their own (the server refuses it, `own-question`).
   * @param {import('./state.js').Question} q */
  const ownCount = (q) => h('span', { class: 'q-vote is-own', role: 'img', 'aria-label': tn('webinar.ownVotes', q.votes) },
    h('span', { class: 'q-vote-arrow', 'aria-hidden': 'true' }, '▲'), h('span', { class: 'q-votes', 'aria-hidden': 'true' }, String(q.votes)));

  /** @param {import('./state.js').Question & {mine: boolean, own: boolean}} q */
  const item = (q) => {
    const vote = q.own ? ownCount(q) : upvote(q);
    const tools = staff ? h('div', { class: 'q-tools' },
      small(q.pinned ? t('webinar.unpin') : t('webinar.pin'), 'q-pin', () => session.moderate(q.id, q.pinned ? 'unpin' : 'pin')),
      q.status !== 'answered' ? small(t('webinar.markAnswered'), 'q-answered', () => session.moderate(q.id, 'answered')) : null,
      q.author && session.may('invite-to-stage')
        ? small(t('webinar.bringOnStage'), 'q-stage', () => session.invite(/** @type {any} */ (q.author).user_id, q.id)) : null,
      small(t('webinar.dismiss'), 'q-dismiss', () => session.moderate(q.id, 'dismiss'))) : null;
    return h('li', { class: ['question', q.pinned && 'is-pinned', q.status === 'answered' && 'is-answered'],
      dataset: { id: q.id, votes: q.votes } },
    vote,
    h('div', { class: 'q-body' },
      h('p', { class: 'q-meta' }, avatar(q.author?.name || '?', 'avatar-xs'), who(q),
        rq && q.author && !q.anonymous && q.author.user_id !== session.me
          ? requestMeetingButton(rq, { user_id: q.author.user_id, name: q.author.name }, { iconOnly: true }) : null,
        q.pinned ? badge(t('webinar.nowAnswering'), 'live') : null,
        q.rehearsal ? badge(t('webinar.rehearsalItem'), 'status-pending') : null,
        q.status === 'answered' ? badge(t('webinar.answered'), 'neutral') : null),
      h('p', { class: 'q-text' }, q.text),
      tools));
  };

  // -- moderators: mode and pending queue --------------------------------------------------------------------
  const modeNote = note();
  const modeSel = h('select', { id: 'qa-mode' },
    h('option', { value: 'open' }, t('webinar.modeOpen')), h('option', { value: 'pre-approved' }, t('webinar.modePre')));
  modeSel.addEventListener('change', () => act(null, modeNote, () => session.setQaMode(/** @type {any} */ (modeSel.value))));
  const pendingList = h('ol', { class: 'q-list q-pending', id: 'q-pending', role: 'list' });
  const pendingHead = h('h3', { class: 'w-subhead', id: 'pending-h' });
  /** @param {import('./state.js').Question} q */
  const pendingItem = (q) => h('li', { class: 'question is-pending', dataset: { id: q.id } },
    h('div', { class: 'q-body' },
      h('p', { class: 'q-meta' }, who(q)),
      h('p', { class: 'q-text' }, q.text),
      h('div', { class: 'q-tools' },
        small(t('webinar.approve'), 'q-approve', () => session.moderate(q.id, 'approve'), { 'data-primary': '1' }),
        small(t('webinar.dismiss'), 'q-dismiss', () => session.moderate(q.id, 'dismiss')))));
  const modBox = staff ? h('div', { class: 'qa-mod' },
    h('div', { class: 'field inline' }, h('label', { for: 'qa-mode' }, t('webinar.qaMode')), modeSel),
    modeNote.el,
    h('section', { 'aria-labelledby': 'pending-h', class: 'pending-box' }, pendingHead, pendingList)) : null;

  const el = h('div', { class: 'qa' }, modBox, form,
    h('h3', { class: 'w-subhead' }, t('webinar.questions')), listNote.el, emptyEl, list);

  /** @param {import('./state.js').View} v */
  const draw = (v) => {
    if (staff) {
      if (document.activeElement !== modeSel) modeSel.value = v.qaMode;
      pendingHead.textContent = tn('webinar.pendingCount', v.pending.length);
      reconcile(pendingList, v.pending, (q) => String(q.id), (q) => JSON.stringify([q.text, q.author]), pendingItem);
    }
    const qs = v.questions.map((q) => ({ ...q, mine: v.myVotes.has(q.id),
      own: v.myQuestions.has(q.id) || q.author?.user_id === session.me }));
    emptyEl.hidden = qs.length > 0;
    reconcile(list, qs, (q) => String(q.id),
      (q) => JSON.stringify([q.text, q.votes, q.pinned, q.status, q.mine, q.own, q.author, q.rehearsal]), item);
    // After the end nobody can ask any more: the list stays to read.
    form.hidden = v.timebox?.status === 'ended';
  };
  return { el, draw };
}
