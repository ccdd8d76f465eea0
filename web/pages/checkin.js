// @ts-check
/**
 * /m/<id>/checkin/<item> — checking in on site, on a phone: the code shown at the door comes in the link
 * (`#c=CODE`, from the QR code) or is typed; one big button; then a clear "You are checked in" with the time
 * (docs/programme.md, "Check-in on site").
 */

import { get, post } from '../api.js';
import { h, icon, replace } from '../dom.js';
import { t } from '../i18n.js';
import { loadMission, missionHeader, missionId } from '../mission-common.js';
import { formatDayLong, formatTime } from '../time.js';
import { busy, clearErrors, field, showError, showFieldError, status } from '../ui.js';
import { itemPlace, itemZone, viewerZone } from './mission.js';

/** @param {import('../app.js').PageContext} ctx */
export async function render(ctx) {
  const mid = missionId(ctx.params);
  const itemId = Number(ctx.params[1]);
  const [view, programme, board] = await Promise.all([
    loadMission(mid), get(`/api/missions/${mid}/programme`, { signal: ctx.signal }),
    get(`/api/missions/${mid}/places`, { signal: ctx.signal }).catch(() => []),
  ]);
  const m = view.mission;
  /** @type {import('./mission.js').Item | undefined} */
  const item = /** @type {any[]} */ (programme).find((x) => x.id === itemId);
  if (!item) {
    return { title: t('aud.itemNotFound'), node: h('div', null, missionHeader(view, 'programme'),
      h('div', { class: 'card notice' }, h('h1', { tabindex: '-1' }, t('aud.itemNotFound')),
        h('p', null, h('a', { href: `/m/${mid}` }, t('aud.backToProgramme'))))) };
  }
  /** @type {import('./mission.js').Places | undefined} */
  const mine = /** @type {any[]} */ (board).find((p) => p.item_id === itemId);
  const given = new URLSearchParams(ctx.hash).get('c') || '';
  const zone = viewerZone();
  const there = itemZone(item, m.timezone);

  const code = field({ label: t('pl.codeLabel'), name: 'code', required: true, value: given, maxlength: 32,
    hint: t('pl.codeHint'), autocomplete: 'off', inputmode: 'text' });
  code.input.classList.add('checkin-code-input');
  code.input.setAttribute('autocapitalize', 'characters');
  code.input.setAttribute('spellcheck', 'false');
  const st = status();
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block checkin-button' },
    icon('check'), h('span', null, t('pl.checkInButton')));
  const form = h('form', { class: 'stack checkin-form', novalidate: true }, code.el, st.el, submit);
  const slot = h('div', { class: 'checkin-slot' }, form);
  const lead = h('p', { class: 'muted checkin-lead' }, t('pl.checkinLead'));

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    clearErrors(form);
    st.set('');
    const typed = code.input.value.trim();
    if (!typed) {
      showFieldError(form, 'code', t('err.required'));
      return;
    }
    busy(form, async () => {
      try {
        /** @type {{item_id: number, at: string}} */
        const done = await post(`/api/missions/${mid}/programme/${itemId}/checkin`, { code: typed });
        // The code has done its work: it leaves the address bar (and a reload shows the page without it).
        history.replaceState(null, '', location.pathname);
        lead.remove();
        const heading = h('h2', { class: 'checkin-done-title', tabindex: '-1' }, t('pl.youAreIn'));
        replace(slot, h('div', { class: 'checkin-done', role: 'status' },
          h('span', { class: 'checkin-tick', 'aria-hidden': 'true' }, icon('check')),
          heading,
          h('p', { class: 'checkin-done-time' },
            h('time', { datetime: done.at }, formatTime(done.at, zone))),
          h('p', null, t('pl.youAreInAt', { time: formatTime(done.at, zone), title: item.title })),
          h('p', { class: 'muted' }, t('pl.enjoy')),
          h('a', { href: `/m/${mid}#item-${item.id}`, class: 'btn btn-secondary btn-block' }, icon('calendar'),
            h('span', null, t('pl.toProgramme')))));
        heading.focus();
      } catch (err) {
        showError(form, err, st);
      }
    });
  });

  const where = [item.venue, item.city].filter(Boolean).join(', ') || item.address;
  const title = t('pl.checkinTitle');
  const node = h('div', { class: 'checkin-page' },
    missionHeader(view, 'programme'),
    h('section', { class: 'card checkin-card', 'aria-labelledby': 'checkin-h' },
      h('h1', { id: 'checkin-h', tabindex: '-1' }, title),
      h('p', { class: 'checkin-item' }, item.title),
      h('p', { class: 'muted checkin-when' },
        `${formatDayLong(item.starts_at, there)}, ${formatTime(item.starts_at, there)}–${formatTime(item.ends_at, there)}`
          + ` ${itemPlace(item, m.timezone)}`, where ? h('span', null, ` · ${where}`) : null),
      mine?.mine === 'confirmed' ? h('p', { class: 'checkin-place' }, icon('check'),
        h('span', null, t('pl.youHavePlace', { n: mine.position ?? 0 })))
        : mine ? h('p', { class: 'notice-inline' }, icon('alert'), h('span', null, t('pl.noPlaceYet'))) : null,
      lead,
      slot));
  return { title: `${title} · ${item.title}`, node };
}
