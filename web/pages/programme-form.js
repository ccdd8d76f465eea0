// @ts-check
/** The add/edit form for a programme item: date and times entered in the mission's zone, sent as UTC. */

import { post, put } from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { utcToZoned, zonedToUtc, zoneCity } from '../time.js';
import { busy, button, clearErrors, field, showError, showFieldError, status } from '../ui.js';

const KINDS = ['webinar', 'matchmaking', 'networking', 'group_session', 'company_visit'];

/** Add a day to "YYYY-MM-DD". @param {string} date */
function nextDay(date) {
  const [y, m, d] = date.split('-').map(Number);
  const x = new Date(Date.UTC(y, m - 1, d + 1));
  return x.toISOString().slice(0, 10);
}

/**
 * @param {{mission: import('../mission-common.js').Mission, item?: import('./mission.js').Item,
 *          onDone: (message: string | null) => void}} o
 */
export function programmeForm(o) {
  const m = o.mission;
  const item = o.item;
  const start = item ? utcToZoned(item.starts_at, m.timezone) : { date: m.start_date, time: '09:00' };
  const end = item ? utcToZoned(item.ends_at, m.timezone) : { date: m.start_date, time: '10:00' };
  const kinds = KINDS.filter((k) => k !== 'company_visit' || m.format !== 'online' || item?.kind === k);

  const kind = field({ label: t('item.kind'), name: 'kind', options: kinds.map((k) => [k, t(`kind.${k}`)]),
    value: item?.kind || 'webinar' });
  const title = field({ label: t('item.title'), name: 'title', required: true, value: item?.title || '',
    maxlength: 160 });
  const date = field({ label: t('item.date'), name: 'starts_at', type: 'date', required: true, value: start.date,
    min: /** @type {any} */ (m.start_date), max: /** @type {any} */ (m.end_date) });
  const from = field({ label: t('item.from'), name: 'start_time', type: 'time', required: true, value: start.time });
  const to = field({ label: t('item.to'), name: 'ends_at', type: 'time', required: true, value: end.time });
  const track = m.sectors.length
    ? field({ label: t('item.track'), name: 'track', optional: true,
      options: [['', t('item.noTrack')], ...m.sectors.map((s) => /** @type {[string, string]} */ ([s, s]))],
      value: item?.track || '' })
    : null;
  const address = field({ label: t('item.address'), name: 'address', value: item?.address || '', maxlength: 300,
    hint: t('item.addressHint'), autocomplete: 'street-address' });
  const description = field({ label: t('item.description'), name: 'description', rows: 3, optional: true,
    value: item?.description || '', maxlength: 4000 });
  const showAddress = () => {
    address.el.hidden = kind.input.value !== 'company_visit';
  };
  kind.input.addEventListener('change', showAddress);
  showAddress();

  const st = status();
  const form = h('form', { class: 'stack programme-form', novalidate: true },
    h('h3', null, item ? t('item.editTitle') : t('item.addTitle')),
    h('div', { class: 'grid-2' }, kind.el, title.el),
    h('fieldset', { class: 'when-fields' },
      h('legend', null, t('item.when', { zone: zoneCity(m.timezone) })),
      h('div', { class: 'grid-3' }, date.el, from.el, to.el),
      h('p', { class: 'hint' }, t('item.zoneHint', { zone: m.timezone.replace(/_/g, ' ') }))),
    track ? track.el : null,
    address.el,
    description.el,
    st.el,
    h('div', { class: 'form-actions' },
      button(item ? t('common.save') : t('item.addSubmit'), { type: 'submit', variant: 'primary' }),
      button(t('common.cancel'), { variant: 'ghost', onclick: () => o.onDone(null) })));

  form.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') o.onDone(null);
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    clearErrors(form);
    if (!title.input.value.trim()) {
      showFieldError(form, 'title', t('err.required'));
      return;
    }
    for (const [f, name] of /** @type {const} */ ([[date, 'starts_at'], [from, 'start_time'], [to, 'ends_at']])) {
      if (!f.input.value) {
        showFieldError(form, name, t('err.required'));
        return;
      }
    }
    const day = date.input.value;
    const startsAt = zonedToUtc(day, from.input.value, m.timezone);
    // An end time at or before the start means the item runs past midnight.
    const endDay = to.input.value <= from.input.value ? nextDay(day) : day;
    const endsAt = zonedToUtc(endDay, to.input.value, m.timezone);
    const body = {
      kind: kind.input.value,
      title: title.input.value.trim(),
      starts_at: startsAt.toISOString().replace('.000Z', 'Z'),
      ends_at: endsAt.toISOString().replace('.000Z', 'Z'),
      description: description.input.value.trim(),
      address: kind.input.value === 'company_visit' ? address.input.value.trim() : '',
      track: track ? track.input.value : '',
    };
    busy(form, async () => {
      try {
        if (item) await put(`/api/programme/${item.id}`, body);
        else await post(`/api/missions/${m.id}/programme`, body);
        o.onDone(item ? t('item.saved', { title: body.title }) : t('item.added', { title: body.title }));
      } catch (err) {
        showError(form, err, st);
      }
    });
  });
  return form;
}
