// @ts-check
/** /missions/new — create a mission. */

import { post } from '../api.js';
import { navigate } from '../app.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { busy, button, clearErrors, field, pageHead, showError, showFieldError, status } from '../ui.js';
import { tokenInput, zoneSelect } from '../widgets.js';

/** @param {import('../app.js').PageContext} ctx */
export async function render(ctx) {
  const me = await ctx.me();
  if (!me?.user.can_create_missions) {
    return { title: t('newMission.title'), node: h('div', { class: 'card notice' },
      h('h1', { tabindex: '-1' }, t('newMission.title')), h('p', null, t('newMission.notAllowed'))) };
  }
  const title = field({ label: t('newMission.name'), name: 'title', required: true, maxlength: 160,
    placeholder: t('newMission.namePlaceholder') });
  const destination = field({ label: t('newMission.destination'), name: 'destination', required: true, maxlength: 120,
    placeholder: t('newMission.destinationPlaceholder') });
  const zone = zoneSelect({ id: 'nm-zone', value: 'Europe/Amsterdam' });
  const zoneField = field({ label: t('newMission.timezone'), name: 'timezone', id: 'nm-zone', control: zone,
    hint: t('newMission.timezoneHint') });
  const start = field({ label: t('newMission.start'), name: 'start_date', type: 'date', required: true });
  const end = field({ label: t('newMission.end'), name: 'end_date', type: 'date', required: true });
  start.input.addEventListener('change', () => {
    end.input.min = start.input.value;
    if (!end.input.value || end.input.value < start.input.value) end.input.value = start.input.value;
  });
  const direction = field({ label: t('newMission.direction'), name: 'direction', value: 'outgoing',
    options: [['outgoing', t('direction.outgoing.long')], ['incoming', t('direction.incoming.long')]] });
  const format = field({ label: t('newMission.format'), name: 'format', value: 'online',
    options: [['online', t('format.online.long')], ['hybrid', t('format.hybrid.long')]] });
  const sectors = tokenInput({ id: 'nm-sectors', max: 12, describedby: 'nm-sectors-hint' });
  const sectorsField = field({ label: t('newMission.sectors'), name: 'sectors', id: 'nm-sectors', control: sectors.el,
    hint: t('newMission.sectorsHint') });
  const webinar = field({ label: t('newMission.webinarMax'), name: 'webinar_max_minutes', type: 'number', value: 60,
    min: 15, max: 240, hint: t('newMission.webinarMaxHint') });
  const description = field({ label: t('newMission.description'), name: 'description', rows: 5, optional: true,
    maxlength: 4000 });
  const st = status();
  const form = h('form', { class: 'card stack', novalidate: true },
    title.el, h('div', { class: 'grid-2' }, destination.el, zoneField.el),
    h('div', { class: 'grid-2' }, start.el, end.el),
    h('div', { class: 'grid-2' }, direction.el, format.el),
    sectorsField.el, webinar.el, description.el, st.el,
    h('div', { class: 'form-actions' },
      button(t('newMission.submit'), { type: 'submit', variant: 'primary', icon: 'plus' }),
      h('a', { href: '/', class: 'btn btn-ghost' }, t('common.cancel'))));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    clearErrors(form);
    for (const [f, n] of /** @type {const} */ ([[title, 'title'], [destination, 'destination'],
      [start, 'start_date'], [end, 'end_date']])) {
      if (!f.input.value.trim()) return void showFieldError(form, n, t('err.required'));
    }
    const body = {
      title: title.input.value.trim(), destination: destination.input.value.trim(), timezone: zone.value,
      start_date: start.input.value, end_date: end.input.value, direction: direction.input.value,
      format: format.input.value, sectors: sectors.values(), description: description.input.value.trim(),
      webinar_max_minutes: Number(webinar.input.value) || 60,
    };
    busy(form, async () => {
      try {
        const made = await post('/api/missions', body);
        ctx.forgetMe();
        navigate(`/m/${made.mission.id}`);
      } catch (err) {
        showError(form, err, st);
      }
    });
  });
  return { title: t('newMission.title'), node: h('div', { class: 'narrow-page' },
    pageHead(t('newMission.title'), t('newMission.lead')), form) };
}
