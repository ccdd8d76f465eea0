// @ts-check
/**
 * Recording on the webinar page (docs/webinar.md, "Recording"): a "Recording" mark everyone sees while the stage
 * is recorded; the staff's Record / Stop recording; and consent: whoever may go live while it records is told so
 * and can decline before their camera is on (or at any time after) — "Don't record me" / "Record me".
 */

import { h, icon, replace } from '../dom.js';
import { t } from '../i18n.js';
import { act, note } from './common.js';

/** @param {import('./session.js').WebinarSession} session @param {number} me */
export function recordingView(session, me) {
  const where = note('rec-note');
  const mark = h('p', { class: 'rec-mark', role: 'status', hidden: true }, h('span', { class: 'rec-dot', 'aria-hidden': 'true' }),
    h('span', null, t('rec.recordingNow')));
  const controls = h('div', { class: 'rec-controls' });
  const consent = h('div', { class: 'rec-consent', hidden: true });
  /** @type {string} the last drawn state, so a redraw keeps the focus on an unchanged button */
  let drawn = '';

  /**
   * @param {import('./state.js').View} v @param {boolean} mayGoLive whether I may publish (or do) now
   */
  const draw = (v, mayGoLive) => {
    const on = v.recording.on;
    const declined = v.recording.declined.includes(me);
    const ended = v.timebox?.status === 'ended';
    const mayRecord = session.may('record') && session.media === 'janus' && !ended;
    const key = JSON.stringify([on, declined, mayRecord, mayGoLive]);
    mark.hidden = !on;
    if (key === drawn) return;
    drawn = key;
    if (mayRecord) {
      const b = h('button', { type: 'button', class: 'btn btn-small btn-secondary rec-toggle',
        'aria-pressed': String(on) }, h('span', { class: 'rec-dot', 'aria-hidden': 'true' }),
      h('span', null, t(on ? 'rec.stopRecording' : 'rec.startRecording')));
      b.addEventListener('click', () => act(b, where, () => session.record(!on)).finally(() => { b.disabled = false; }));
      replace(controls, b);
    } else {
      replace(controls);
    }
    consent.hidden = !(on && mayGoLive);
    if (!consent.hidden) {
      const b = h('button', { type: 'button', class: 'btn btn-secondary btn-small rec-consent-button' },
        t(declined ? 'rec.accept' : 'rec.decline'));
      b.addEventListener('click', () => act(b, where, () => session.consent(declined)).finally(() => { b.disabled = false; }));
      replace(consent, icon('video'), h('div', null,
        h('p', { class: 'rec-consent-title' }, declined ? t('rec.declined') : t('rec.consentTitle')),
        declined ? null : h('p', { class: 'muted' }, t('rec.consentText'))), b);
    }
  };

  return { el: h('div', { class: 'rec-bar' }, mark, controls, consent, where.el), mark, draw };
}

/**
 * The consent line of the device check an invited guest sees before going live: told, and able to decline.
 * @param {import('./session.js').WebinarSession} session
 */
export function consentLine(session) {
  const where = note();
  const box = h('input', { type: 'checkbox', id: 'check-no-record' });
  box.addEventListener('change', () => act(null, where, () => session.consent(!box.checked)));
  return h('div', { class: 'rec-check' }, h('p', { class: 'rec-consent-title' }, h('span', { class: 'rec-dot', 'aria-hidden': 'true' }),
    t('rec.consentTitle')), h('p', { class: 'muted' }, t('rec.consentText')),
  h('p', null, box, ' ', h('label', { for: 'check-no-record' }, t('rec.decline'))), where.el);
}
