// @ts-check
/**
 * The time box: what the webinar's state is (Not started / Live / Ended, a badge apart from the connection pill),
 * "starts at 14:00 (in 12 min)" before the start, the countdown while live, the end; warnings at 10, 5 and 1
 * minutes for the host and speakers. For the host and moderators: Start (with a question when it is more than a
 * quarter of an hour early — the server insists, code `early-start`), Rehearse / Stop rehearsal in the green
 * room, End (clicked twice); for the host, Reopen after an end that came too soon.
 */

import { h } from '../dom.js';
import { t } from '../i18n.js';
import { dayKey, formatDayShort, formatTime } from '../time.js';
import { act, note, wt } from './common.js';
import { clock } from '../time.js';
import { secondsLeft } from './state.js';

/** @param {import('./state.js').Timebox|null} tb @returns {'scheduled'|'live'|'ended'|'none'} */
export function phase(tb) {
  return tb ? tb.status : 'none';
}

/** "in 12 min", "in 2 h 5 min", "in 3 days": how long until `at` (ms). @param {number} ms */
export function until(ms) {
  const min = Math.max(0, Math.ceil(ms / 60000));
  if (min < 60) return t('webinar.inMinutes', { n: min });
  if (min < 48 * 60) return t('webinar.inHours', { h: Math.floor(min / 60), m: min % 60 });
  return t('webinar.inDays', { n: Math.round(min / 1440) });
}

/** "14:00" today, "Mon 14 Dec 14:00" on another day. @param {string} at @param {string} zone */
export function when(at, zone) {
  const time = formatTime(at, zone);
  return dayKey(at, zone) === dayKey(new Date(), zone) ? time : `${formatDayShort(at, zone)} ${time}`;
}

/** The webinar's state as a badge: apart from the connection, it says what is true. */
export function stateBadge() {
  const el = h('span', { class: 'badge w-state', id: 'w-state', dataset: { status: 'none' } });
  /** @param {import('./state.js').Timebox|null} tb */
  const update = (tb) => {
    const p = phase(tb);
    el.dataset.status = p;
    el.className = `badge w-state badge-${p === 'live' ? 'live' : 'neutral'}`;
    el.textContent = p === 'none' ? '' : t(`webinar.state.${p}`);
    el.hidden = p === 'none';
  };
  update(null);
  return { el, update };
}

/** The question before an early start: a native dialog (focus trapped, Escape says "not yet"). @returns {Promise<boolean>} */
function confirmEarly(/** @type {string} */ text) {
  const yes = h('button', { type: 'button', class: 'btn btn-primary', id: 'early-yes' }, t('webinar.earlyYes'));
  const no = h('button', { type: 'button', class: 'btn btn-secondary', id: 'early-no' }, t('webinar.earlyNo'));
  const dialog = h('dialog', { class: 'w-dialog early-start', 'aria-labelledby': 'early-h', 'aria-describedby': 'early-p' },
    h('h2', { id: 'early-h' }, t('webinar.earlyTitle')), h('p', { id: 'early-p' }, text),
    h('div', { class: 'form-actions' }, no, yes));
  document.body.append(dialog);
  dialog.showModal();
  no.focus();
  return new Promise((resolve) => {
    const done = (/** @type {boolean} */ answer) => { dialog.close(); dialog.remove(); resolve(answer); };
    yes.addEventListener('click', () => done(true));
    no.addEventListener('click', () => done(false));
    dialog.addEventListener('cancel', (e) => { e.preventDefault(); done(false); });
  });
}

/** @param {import('./session.js').WebinarSession} session @param {string} zone */
export function timeboxView(session, zone) {
  const tbNote = note('tb-note');
  const label = h('span', { class: 'tb-label' });
  const time = h('span', { class: 'tb-time', id: 'tb-time' });
  // Announced to screen readers only when a warning comes, not every second.
  const warn = h('p', { class: 'tb-warning', role: 'alert', id: 'tb-warning', hidden: true });
  const btn = (/** @type {string} */ cls, /** @type {string} */ key) => h('button', { type: 'button', class: `btn btn-small ${cls}` }, wt(session.group, key));
  const startBtn = btn('btn-primary tb-start', 'webinar.start');
  const rehearseBtn = btn('btn-secondary tb-rehearse', 'webinar.rehearse');
  const endBtn = btn('btn-danger tb-end', 'webinar.end');
  const reopenBtn = btn('btn-primary tb-reopen', 'webinar.reopen');
  /** @type {import('./state.js').Timebox|null} */
  let tb = null;
  let confirming = false;

  startBtn.addEventListener('click', () => act(startBtn, tbNote, async () => {
    try {
      return await session.start();
    } catch (err) {
      if (/** @type {any} */ (err)?.code !== 'early-start' || !tb) throw err;
      const text = wt(session.group, 'webinar.earlyText', { at: when(tb.starts_at, zone), in: until(Date.parse(tb.starts_at) - Date.now()) });
      if (await confirmEarly(text)) return session.start(true);
      startBtn.focus();
      return undefined;
    }
  }));
  rehearseBtn.addEventListener('click', () => act(rehearseBtn, tbNote, () => session.rehearse(!tb?.rehearsal)));
  reopenBtn.addEventListener('click', () => act(reopenBtn, tbNote, () => session.reopen()));
  endBtn.addEventListener('click', async () => {
    if (!confirming) {
      confirming = true;
      endBtn.textContent = t('webinar.endConfirm');
      setTimeout(() => { confirming = false; endBtn.textContent = wt(session.group, 'webinar.end'); }, 5000);
      return;
    }
    await act(endBtn, tbNote, () => session.end());
  });
  const el = h('div', { class: 'timebox', dataset: { status: 'none' } },
    h('p', { class: 'tb-clock', 'aria-live': 'off' }, label, ' ', time),
    session.may('start') ? rehearseBtn : null,
    session.may('start') ? startBtn : null,
    session.may('end') ? endBtn : null,
    session.may('reopen') ? reopenBtn : null,
    tbNote.el, warn);

  const tick = () => {
    const now = Date.now();
    const p = phase(tb);
    el.dataset.status = p;
    el.dataset.rehearsal = String(Boolean(tb?.rehearsal));
    startBtn.hidden = p !== 'scheduled';
    rehearseBtn.hidden = p !== 'scheduled';
    rehearseBtn.textContent = t(tb?.rehearsal ? 'webinar.stopRehearsal' : 'webinar.rehearse');
    rehearseBtn.setAttribute('aria-pressed', String(Boolean(tb?.rehearsal)));
    endBtn.hidden = p !== 'live';
    reopenBtn.hidden = !(p === 'ended' && session.mayReopen);
    el.classList.remove('is-low');
    if (!tb) {
      label.textContent = '';
      time.textContent = '';
    } else if (p === 'ended') {
      label.textContent = wt(session.group, 'webinar.tbEnded');
      time.textContent = '';
    } else if (p === 'scheduled') {
      const ahead = Date.parse(tb.starts_at) - now;
      label.textContent = ahead > 0 ? t('webinar.tbStartsAt', { at: when(tb.starts_at, zone) }) : t('webinar.tbStartsSoon');
      time.textContent = ahead > 0 ? `(${until(ahead)})` : '';
    } else {
      const left = secondsLeft(tb, now) ?? 0;
      label.textContent = t('webinar.tbLeft');
      time.textContent = clock(left);
      el.classList.toggle('is-low', left <= 60);
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
