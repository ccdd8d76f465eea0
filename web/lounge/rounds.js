// @ts-check
/**
 * The mixing round on every screen (a countdown, round n of m), my own opt-out, and the organiser's controls:
 * start rounds, stop them, move everyone now.
 */

import { h } from '../dom.js';
import { t } from '../i18n.js';
import { clock } from '../time.js';
import { button } from '../ui.js';


/**
 * @param {import('./session.js').LoungeSession} session
 * @param {{say: (text: string) => void, fail: (err: any) => void, organiser: boolean}} o
 */
export function roundsView(session, o) {
  const time = h('span', { class: 'l-countdown', id: 'l-countdown', 'aria-hidden': 'true' });
  const label = h('span', { class: 'l-round-label', id: 'l-round-label' });
  const sr = h('span', { class: 'sr-only', role: 'status', 'aria-live': 'polite' });
  // Everyone takes part unless they opt out; an organiser, who runs the rounds, only when they opt in.
  const choice = h('input', { type: 'checkbox', id: 'l-optout', class: 'switch' });
  const mixingWanted = () => (o.organiser ? choice.checked : !choice.checked);
  choice.addEventListener('change', async () => {
    try {
      await session.mixing(!mixingWanted());
    } catch (err) {
      choice.checked = !choice.checked;
      o.fail(err);
    }
  });
  const banner = h('div', { class: 'l-round', id: 'l-round', dataset: { state: 'free' } },
    h('div', { class: 'l-round-text' }, label, time, sr),
    h('label', { class: 'l-toggle', for: 'l-optout' }, choice,
      h('span', null, t(o.organiser ? 'lounge.optIn' : 'lounge.optOut'))));

  /** @param {string} cls @param {string} text @param {() => Promise<any>} run */
  const act = (cls, text, run, variant = 'secondary') => button(text, { variant, small: true, attrs: { id: cls },
    onclick: async () => {
      try {
        await run();
      } catch (err) {
        o.fail(err);
      }
    } });
  const rounds = h('input', { type: 'number', id: 'lr-rounds', min: 1, max: 10, value: '4' });
  const minutes = h('input', { type: 'number', id: 'lr-minutes', min: 2, max: 30, value: '8' });
  const startForm = h('form', { class: 'l-round-form', id: 'l-rounds-form' },
    h('div', { class: 'field' }, h('label', { for: 'lr-rounds' }, t('lounge.rounds')), rounds),
    h('div', { class: 'field' }, h('label', { for: 'lr-minutes' }, t('lounge.minutes')), minutes),
    button(t('lounge.startRounds'), { variant: 'primary', type: 'submit', small: true, attrs: { id: 'l-rounds-start' } }));
  startForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await session.startRounds(Number(rounds.value), Number(minutes.value));
      o.say(t('lounge.roundsStarted'));
    } catch (err) {
      o.fail(err);
    }
  });
  const running = h('div', { class: 'l-round-form' },
    act('l-rounds-next', t('lounge.moveNow'), () => session.nextRound(), 'primary'),
    act('l-rounds-stop', t('lounge.stopRounds'), () => session.stopRounds(), 'danger'));
  const admin = o.organiser ? h('details', { class: 'card l-admin', id: 'l-organiser', open: true },
    h('summary', null, t('lounge.organiserTools')), startForm, running) : null;

  let lastAnnounced = '';
  const tick = () => {
    const r = session.round;
    const out = session.optOut.has(session.me);
    choice.checked = o.organiser ? !out : out;
    banner.dataset.state = r ? 'round' : 'free';
    if (!r) {
      label.textContent = t('lounge.freeSitting');
      time.textContent = '';
      // Stopped or over: no "2 minutes left" lingers for screen readers (or the next series' first minute).
      sr.textContent = '';
      lastAnnounced = '';
      if (admin) { startForm.hidden = false; running.hidden = true; }
      return;
    }
    const left = Date.parse(r.ends_at) - Date.now();
    label.textContent = t('lounge.roundOf', { n: r.number, of: r.of || session.roundsTotal });
    time.textContent = clock(Math.max(0, Math.round(left / 1000)));
    const minute = `${r.number}:${Math.ceil(left / 60000)}`;
    if (minute !== lastAnnounced) {
      lastAnnounced = minute;
      sr.textContent = t('lounge.minutesLeft', { n: Math.max(0, Math.ceil(left / 60000)) });
    }
    if (admin) { startForm.hidden = true; running.hidden = false; }
  };
  const timer = setInterval(tick, 1000);
  return { banner, admin, draw: tick, close: () => clearInterval(timer) };
}
