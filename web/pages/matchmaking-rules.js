// @ts-check
/**
 * /m/<id>/organise/matchmaking — the mission's matchmaking rules, for organisers: meeting and break length, who may
 * ask whom (and who may ask a VIP), the meeting limit, organiser booking, the delegation's time zone (for an
 * incoming mission: where the visitors come from), when someone counts as a no-show, and how long a call must have
 * carried media both ways to count as held. The slots themselves are the programme's matchmaking items.
 */

import { get, put } from '../api.js';
import { h, uid } from '../dom.js';
import { t } from '../i18n.js';
import { loadMission, missionHeader, missionId } from '../mission-common.js';
import { allZones, offsetLabel } from '../time.js';
import { clearErrors, field, showError, showFieldError, status } from '../ui.js';

/** The number fields and their ranges (as the server checks them: rooms/matchmaking/records.py). */
const NUMBERS = /** @type {const} */ ([
  ['meeting_minutes', 10, 60], ['break_minutes', 0, 30], ['max_meetings', 1, 100], ['no_show_minutes', 1, 30],
  ['held_seconds', 5, 1800]]);

/** Who may ask a VIP (a minister, a dignitary) for a meeting (rooms/matchmaking/records.py, VipRequests). */
const VIP_REQUESTS = ['organisers', 'delegation', 'anyone'];

/** A searchable time-zone field: type part of a city or region, the browser offers the matching zones. @param {string} value */
function zoneField(value) {
  const listId = uid('zones');
  const now = new Date();
  const f = field({ name: 'delegation_timezone', label: t('ctl.rule.delegation_timezone'),
    hint: t('ctl.hint.delegation_timezone'), value });
  f.input.setAttribute('list', listId);
  f.input.setAttribute('autocomplete', 'off');
  f.el.append(h('datalist', { id: listId },
    allZones(value).map((z) => h('option', { value: z }, `${z.replace(/_/g, ' ')} (${offsetLabel(z, now)})`))));
  return f;
}

/** @param {import('../app.js').PageContext} ctx */
export async function render(ctx) {
  const mid = missionId(ctx.params);
  const view = await loadMission(mid);
  const title = t('ctl.rulesTitle');
  if (!view.permissions.includes('manage-matchmaking')) {
    return { title, node: h('div', null, missionHeader(view, 'organise'),
      h('div', { class: 'card notice' }, h('h1', { tabindex: '-1' }, title), h('p', null, t('ctl.notAllowed')))) };
  }
  const rules = await get(`/api/missions/${mid}/matchmaking/rules`, { signal: ctx.signal });
  const zones = new Set(allZones(rules.delegation_timezone));
  const numbers = NUMBERS.map(([name, min, max]) => ({ name, min, max, f: field({ name, type: 'number', min, max,
    label: t(`ctl.rule.${name}`), hint: t(`ctl.hint.${name}`, { min, max }), value: rules[name], inputmode: 'numeric' }) }));
  const who = field({ name: 'who_may_request', label: t('ctl.rule.who_may_request'), value: rules.who_may_request,
    options: [['other-side', t('ctl.who.other-side')], ['anyone', t('ctl.who.anyone')]] });
  const vip = field({ name: 'vip_requests', label: t('ctl.rule.vip_requests'), hint: t('ctl.hint.vip_requests'),
    value: rules.vip_requests || 'organisers',
    options: VIP_REQUESTS.map((v) => /** @type {[string, string]} */ ([v, t(`ctl.vip.${v}`)])) });
  const zone = zoneField(rules.delegation_timezone);
  const bookingId = uid('ob');
  const booking = h('input', { type: 'checkbox', id: bookingId, name: 'organiser_booking', checked: rules.organiser_booking,
    'aria-describedby': `${bookingId}-hint` });
  const st = status();
  const form = /** @type {HTMLFormElement} */ (h('form', { class: 'stack rules-form', novalidate: true },
    h('div', { class: 'grid-2' }, numbers.slice(0, 2).map((n) => n.f.el)),
    who.el,
    vip.el,
    h('div', { class: 'grid-2' }, numbers.slice(2, 3).map((n) => n.f.el)),
    h('div', { class: 'field field-check', dataset: { field: 'organiser_booking' } },
      h('label', { for: bookingId }, booking, ' ', t('ctl.rule.organiser_booking')),
      h('p', { class: 'hint', id: `${bookingId}-hint` }, t('ctl.hint.organiser_booking'))),
    zone.el,
    h('div', { class: 'grid-2' }, numbers.slice(3).map((n) => n.f.el)),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary', id: 'save-rules' }, t('ctl.saveRules'))),
    st.el));

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    st.set('');
    // Every field is checked here first so that each wrong one says so at once, not one per round trip.
    let bad = false;
    for (const n of numbers) {
      const v = Number(n.f.input.value);
      if (n.f.input.value.trim() === '' || !Number.isInteger(v) || v < n.min || v > n.max) {
        showFieldError(form, n.name, t('ctl.range', { min: n.min, max: n.max }), !bad);
        bad = true;
      }
    }
    const tz = zone.input.value.trim();
    if (!zones.has(tz)) {
      showFieldError(form, 'delegation_timezone', t('err.invalid-timezone'), !bad);
      bad = true;
    }
    if (bad) {
      st.error(t('ctl.fixFields'));
      return;
    }
    /** @type {Record<string, any>} */
    const body = { who_may_request: who.input.value, vip_requests: vip.input.value, organiser_booking: booking.checked,
      delegation_timezone: tz };
    for (const n of numbers) body[n.name] = Number(n.f.input.value);
    try {
      await put(`/api/missions/${mid}/matchmaking/rules`, body);
      st.ok(t('ctl.rulesSaved'));
    } catch (err) {
      showError(form, err, st);
    }
  });

  const node = h('div', null,
    missionHeader(view, 'organise'),
    h('div', { class: 'section-head' }, h('h1', { tabindex: '-1' }, title),
      h('a', { class: 'btn btn-ghost btn-small', href: `/m/${mid}/organise/meetings` }, t('ctl.toMeetings'))),
    h('section', { class: 'card', 'aria-labelledby': 'rules-h' },
      h('h2', { id: 'rules-h', class: 'sr-only' }, title),
      h('p', { class: 'muted' }, t('ctl.rulesLead')), form));
  return { title: `${title} · ${view.mission.title}`, node };
}
