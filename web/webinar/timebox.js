// @ts-check
/**
 * The time box on the stage: "starts in", the countdown while live, the end; warnings at 10, 5 and 1 minutes for
 * the host and speakers; Start and End for the host and moderators.
 */

import { h } from '../dom.js';
import { t } from '../i18n.js';
import { act, clock, note } from './common.js';
import { secondsLeft } from './state.js';

/** @param {import('./session.js').WebinarSession} session */
export function timeboxView(session) {
  const tbNote = note();
  const label = h('span', { class: 'tb-label' });
  const time = h('span', { class: 'tb-time', id: 'tb-time' });
  // Announced to screen readers only when a warning comes, not every second.
  const warn = h('p', { class: 'tb-warning', role: 'alert', id: 'tb-warning', hidden: true });
  const startBtn = h('button', { type: 'button', class: 'btn btn-primary btn-small tb-start' }, t('webinar.start'));
  const endBtn = h('button', { type: 'button', class: 'btn btn-danger btn-small tb-end' }, t('webinar.end'));
  let confirming = false;
  startBtn.addEventListener('click', () => act(startBtn, tbNote, () => session.start()));
  endBtn.addEventListener('click', async () => {
    if (!confirming) {
      confirming = true;
      endBtn.textContent = t('webinar.endConfirm');
      setTimeout(() => { confirming = false; endBtn.textContent = t('webinar.end'); }, 5000);
      return;
    }
    await act(endBtn, tbNote, () => session.end());
  });
  const el = h('div', { class: 'timebox' },
    h('p', { class: 'tb-clock', 'aria-live': 'off' }, label, ' ', time),
    session.may('start') ? startBtn : null,
    session.may('end') ? endBtn : null,
    tbNote.el, warn);
  /** @type {import('./state.js').Timebox|null} */
  let tb = null;

  const tick = () => {
    const now = Date.now();
    el.dataset.status = tb?.status || 'none';
    startBtn.hidden = tb?.status !== 'scheduled';
    endBtn.hidden = tb?.status !== 'live';
    if (!tb) {
      label.textContent = '';
      time.textContent = '';
      return;
    }
    if (tb.status === 'ended') {
      label.textContent = t('webinar.tbEnded');
      time.textContent = '';
    } else if (tb.status === 'scheduled' && Date.parse(tb.starts_at) > now) {
      label.textContent = t('webinar.tbStartsIn');
      time.textContent = clock(Math.round((Date.parse(tb.starts_at) - now) / 1000));
    } else {
      const left = secondsLeft(tb, now) ?? 0;
      label.textContent = tb.status === 'live' ? t('webinar.tbLeft') : t('webinar.tbScheduledLeft');
      time.textContent = clock(left);
      el.classList.toggle('is-low', tb.status === 'live' && left <= 60);
    }
  };
  const timer = setInterval(tick, 1000);

  /** @param {import('./state.js').View} v */
  const update = (v) => {
    tb = v.timebox;
    tick();
  };
  /** @param {number} minutes */
  const warning = (minutes) => {
    const onStage = ['host', 'speaker'].includes(session.role) || session.isStaff
      || session.view().stage.guests.includes(session.me);
    if (!onStage) return;
    warn.hidden = false;
    warn.textContent = minutes === 1 ? t('webinar.warn1') : t('webinar.warnN', { n: minutes });
    setTimeout(() => { warn.hidden = true; }, 15000);
  };
  return { el, update, warning, close: () => clearInterval(timer) };
}
