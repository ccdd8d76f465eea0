// @ts-check
/** The mission's form, shared by "New mission" and "Mission settings": every field of the mission (the API's
 * MissionDraft), each input named after its API field so that a server error lands at it. */

import { h, uid } from '../dom.js';
import { t } from '../i18n.js';
import { allZones, offsetLabel } from '../time.js';
import { busy, button, clearErrors, field, showError, showFieldError, status } from '../ui.js';
import { tokenInput } from '../widgets.js';

const FORMATS = ['online', 'hybrid', 'physical'];

/**
 * A searchable time-zone picker: type part of a city or region ("amst", "los") and pick from the suggestions;
 * the value must be one of the browser's IANA zones.
 * @param {{id: string, value: string, describedby?: string}} o
 */
export function zonePicker(o) {
  const listId = uid('zones');
  const now = new Date();
  const input = /** @type {HTMLInputElement} */ (h('input', {
    id: o.id, type: 'text', list: listId, value: o.value, autocomplete: 'off', spellcheck: 'false',
    'aria-describedby': o.describedby, class: 'zone-picker',
  }));
  const zones = allZones(o.value);  // the current value counts even when the browser names it otherwise
  const known = new Set(zones);
  const list = h('datalist', { id: listId },
    zones.map((z) => h('option', { value: z }, `${z.replace(/_/g, ' ')} (${offsetLabel(z, now)})`)));
  return { el: h('div', { class: 'zone-picker-wrap' }, input, list), input,
    /** The zone typed, or null when it is no zone the browser knows. */
    zone: () => (known.has(input.value.trim()) ? input.value.trim() : null) };
}

/**
 * @typedef {object} MissionFormOptions
 * @property {any} [mission]            the mission being changed; none: a new one
 * @property {string} [delegationZone]  show the delegation's zone (the matchmaking rules keep it) with this value
 * @property {string} submitLabel
 * @property {string} submitIcon
 * @property {string} cancelHref
 * @property {(body: Record<string, any>, delegationZone: string | null) => Promise<void>} onSubmit
 */

/** @param {MissionFormOptions} o */
export function missionForm(o) {
  const m = o.mission;
  const p = uid('mf');
  const title = field({ label: t('newMission.name'), name: 'title', required: true, maxlength: 160,
    placeholder: t('newMission.namePlaceholder'), value: m?.title });
  const destination = field({ label: t('newMission.destination'), name: 'destination', required: true,
    maxlength: 120, placeholder: t('newMission.destinationPlaceholder'), value: m?.destination });
  const zone = zonePicker({ id: `${p}-zone`, value: m?.timezone || 'Europe/Amsterdam', describedby: `${p}-zone-hint` });
  const zoneField = field({ label: t('newMission.timezone'), name: 'timezone', id: `${p}-zone`, control: zone.el,
    hint: t('newMission.timezoneHint') });
  const delegation = o.delegationZone === undefined ? null
    : zonePicker({ id: `${p}-dzone`, value: o.delegationZone, describedby: `${p}-dzone-hint` });
  const delegationField = delegation && field({ label: t('settings.delegationZone'), name: 'delegation_timezone',
    id: `${p}-dzone`, control: delegation.el, hint: t('settings.delegationZoneHint') });
  const start = field({ label: t('newMission.start'), name: 'start_date', type: 'date', required: true,
    value: m?.start_date });
  const end = field({ label: t('newMission.end'), name: 'end_date', type: 'date', required: true, value: m?.end_date });
  start.input.addEventListener('change', () => {
    end.input.min = start.input.value;
    if (!end.input.value || end.input.value < start.input.value) end.input.value = start.input.value;
  });
  const direction = field({ label: t('newMission.direction'), name: 'direction', value: m?.direction || 'outgoing',
    options: [['outgoing', t('direction.outgoing.long')], ['incoming', t('direction.incoming.long')]] });
  const format = field({ label: t('newMission.format'), name: 'format', value: m?.format || 'online',
    options: FORMATS.map((f) => /** @type {[string, string]} */ ([f, t(`format.${f}.long`)])) });
  const sectors = tokenInput({ id: `${p}-sectors`, max: 12, describedby: `${p}-sectors-hint`, values: m?.sectors });
  const sectorsField = field({ label: t('newMission.sectors'), name: 'sectors', id: `${p}-sectors`,
    control: sectors.el, hint: t('newMission.sectorsHint') });
  const webinar = field({ label: t('newMission.webinarMax'), name: 'webinar_max_minutes', type: 'number',
    value: m?.webinar_max_minutes ?? 60, min: 15, max: 240, hint: t('newMission.webinarMaxHint') });
  const description = field({ label: t('newMission.description'), name: 'description', rows: 5, optional: true,
    maxlength: 4000, value: m?.description });
  const st = status();
  const form = h('form', { class: 'card stack mission-form', novalidate: true },
    title.el, h('div', { class: 'grid-2' }, destination.el, zoneField.el),
    delegationField ? delegationField.el : null,
    h('div', { class: 'grid-2' }, start.el, end.el),
    h('div', { class: 'grid-2' }, direction.el, format.el),
    sectorsField.el, webinar.el, description.el, st.el,
    h('div', { class: 'form-actions' },
      button(o.submitLabel, { type: 'submit', variant: 'primary', icon: o.submitIcon }),
      h('a', { href: o.cancelHref, class: 'btn btn-ghost' }, t('common.cancel'))));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    clearErrors(form);
    for (const [f, n] of /** @type {const} */ ([[title, 'title'], [destination, 'destination'],
      [start, 'start_date'], [end, 'end_date']])) {
      if (!f.input.value.trim()) return void showFieldError(form, n, t('err.required'));
    }
    const tz = zone.zone();
    if (!tz) return void showFieldError(form, 'timezone', t('err.invalid-timezone'));
    const dz = delegation ? delegation.zone() : null;
    if (delegation && !dz) return void showFieldError(form, 'delegation_timezone', t('err.invalid-timezone'));
    const minutes = Number(webinar.input.value);
    if (!Number.isInteger(minutes) || minutes < 15 || minutes > 240) {
      return void showFieldError(form, 'webinar_max_minutes', t('settings.webinarRange'));
    }
    const body = {
      title: title.input.value.trim(), destination: destination.input.value.trim(), timezone: tz,
      start_date: start.input.value, end_date: end.input.value, direction: direction.input.value,
      format: format.input.value, sectors: sectors.values(), description: description.input.value.trim(),
      webinar_max_minutes: minutes,
    };
    busy(form, async () => {
      try {
        await o.onSubmit(body, dz);
      } catch (err) {
        showError(form, err, st);
      }
    });
  });
  return { form, status: st };
}
