// @ts-check
/**
 * The add/edit form for a programme item: date and times entered in the item's own zone (else the mission's), sent
 * as UTC; who sees it (everyone, a track's members, invited people only), its track, where it happens and its places
 * (a capacity: sign-up with a waiting list; empty for none).
 */

import { get, post, put } from '../api.js';
import { h, replace } from '../dom.js';
import { t } from '../i18n.js';
import { utcToZoned, zonedToUtc, zoneCity } from '../time.js';
import { busy, button, clearErrors, field, showError, showFieldError, status } from '../ui.js';
import { zoneSelect } from '../widgets.js';

const KINDS = ['webinar', 'matchmaking', 'networking', 'group_session', 'roundtable', 'company_visit'];
/** The kinds that take no sign-up: a webinar's audience and a matchmaking block's meetings are bounded otherwise. */
const NO_PLACES = new Set(['webinar', 'matchmaking']);
const MAX_PLACES = 5000;
const AUDIENCES = /** @type {const} */ (['all', 'track', 'invited']);

/** @typedef {{id: number, name: string, size: number, mine: boolean,
 *             members: Array<{user_id: number, name: string, organisation: string}>}} Track */

/** Add a day to "YYYY-MM-DD". @param {string} date */
function nextDay(date) {
  const [y, m, d] = date.split('-').map(Number);
  const x = new Date(Date.UTC(y, m - 1, d + 1));
  return x.toISOString().slice(0, 10);
}

/** "America/Los_Angeles" → "America/Los Angeles". @param {string} zone */
const spaced = (zone) => zone.replace(/_/g, ' ');

/**
 * @param {{mission: import('../mission-common.js').Mission, item?: import('./mission.js').Item,
 *          onDone: (message: string | null) => void}} o
 */
export function programmeForm(o) {
  const m = o.mission;
  const item = o.item;
  const itemZone = item?.timezone || m.timezone;
  const start = item ? utcToZoned(item.starts_at, itemZone) : { date: m.start_date, time: '09:00' };
  const end = item ? utcToZoned(item.ends_at, itemZone) : { date: m.start_date, time: '10:00' };
  const kinds = KINDS.filter((k) => k !== 'company_visit' || m.format !== 'online' || item?.kind === k);

  const kind = field({ label: t('item.kind'), name: 'kind', options: kinds.map((k) => [k, t(`kind.${k}`)]),
    value: item?.kind || 'webinar' });
  const title = field({ label: t('item.title'), name: 'title', required: true, value: item?.title || '',
    maxlength: 160 });
  const date = field({ label: t('item.date'), name: 'starts_at', type: 'date', required: true, value: start.date,
    min: /** @type {any} */ (m.start_date), max: /** @type {any} */ (m.end_date) });
  const from = field({ label: t('item.from'), name: 'start_time', type: 'time', required: true, value: start.time });
  const to = field({ label: t('item.to'), name: 'ends_at', type: 'time', required: true, value: end.time });

  // The item's zone: "" is the mission's; the whole list of zones follows.
  const tz = field({ label: t('aud.timezone'), name: 'timezone', optional: true,
    options: [['', t('aud.missionZone', { zone: spaced(m.timezone) })]] });
  tz.input.append(...zoneSelect({ id: 'unused-zone', value: m.timezone }).children);
  tz.input.value = item?.timezone || '';
  const legend = h('legend');
  const zoneHint = h('p', { class: 'hint' });
  const showZone = () => {
    const z = tz.input.value;
    legend.textContent = t('item.when', { zone: zoneCity(z || m.timezone) });
    zoneHint.textContent = z ? t('aud.zoneHintOwn', { zone: spaced(z) }) : t('item.zoneHint', { zone: spaced(m.timezone) });
  };
  tz.input.addEventListener('change', showZone);
  showZone();

  const city = field({ label: t('aud.city'), name: 'city', optional: true, value: item?.city || '', maxlength: 80,
    hint: t('aud.cityHint'), autocomplete: 'off' });
  const venue = field({ label: t('aud.venue'), name: 'venue', optional: true, value: item?.venue || '',
    maxlength: 160, autocomplete: 'off' });

  // Who sees it, and its track: one of the mission's sectors (a label) or one of its tracks (people).
  const audience = field({ label: t('aud.audience'), name: 'audience', hint: ' ',
    options: AUDIENCES.map((a) => [a, t(`aud.audience.${a}`)]), value: item?.audience || 'all' });
  const audienceHint = /** @type {HTMLElement} */ (audience.el.querySelector('.hint'));
  const track = field({ label: t('item.track'), name: 'track', optional: true, hint: t('aud.trackHint'),
    options: [['', t('item.noTrack')]] });
  const tracksLink = h('a', { href: `/m/${m.id}/organise/tracks`, class: 'small' }, t('aud.manageTracks'));
  /** @type {string[]} */
  let trackNames = [];
  let wanted = item?.track || '';
  track.input.addEventListener('change', () => { wanted = track.input.value; });
  const drawTracks = () => {
    const names = new Set(trackNames.map((n) => n.toLocaleLowerCase()));
    // A name that is both a sector and a track is the track (the server reads it so).
    const sectors = m.sectors.filter((s) => !names.has(s.toLocaleLowerCase()));
    const known = new Set([...sectors, ...trackNames].map((n) => n.toLocaleLowerCase()));
    const forTrack = audience.input.value === 'track';
    replace(track.input,
      h('option', { value: '' }, t('item.noTrack')),
      trackNames.length || (wanted && !known.has(wanted.toLocaleLowerCase()))
        ? h('optgroup', { label: t('aud.tracks') },
          trackNames.map((n) => h('option', { value: n }, n)),
          // An item keeps a name the lists no longer hold (e.g. while the tracks load).
          wanted && !known.has(wanted.toLocaleLowerCase()) ? h('option', { value: wanted }, wanted) : null)
        : null,
      sectors.length ? h('optgroup', { label: t('aud.sectors'), disabled: forTrack },
        sectors.map((s) => h('option', { value: s }, s))) : null);
    track.input.value = wanted;
    if (track.input.selectedIndex < 0) track.input.value = '';
  };
  const showAudience = () => {
    const a = audience.input.value;
    replace(audienceHint, t(`aud.audienceHint.${a}`),
      a === 'track' && !trackNames.length ? [' ', t('aud.noTracksYet'), ' '] : ' ', a === 'track' ? tracksLink : null);
    drawTracks();
  };
  audience.input.addEventListener('change', showAudience);
  showAudience();
  get(`/api/missions/${m.id}/tracks`).then((/** @type {Track[]} */ list) => {
    trackNames = list.map((x) => x.name);
    showAudience();
  }, () => { /* the sectors alone, as before tracks existed */ });

  const address = field({ label: t('item.address'), name: 'address', value: item?.address || '', maxlength: 300,
    hint: t('item.addressHint'), autocomplete: 'street-address' });
  const description = field({ label: t('item.description'), name: 'description', rows: 3, optional: true,
    value: item?.description || '', maxlength: 4000 });
  const showAddress = () => {
    address.el.hidden = kind.input.value !== 'company_visit';
  };
  kind.input.addEventListener('change', showAddress);
  showAddress();

  // Places: a capacity (people sign up; the rest wait), for every kind but webinars and matchmaking blocks.
  const capacity = field({ label: t('pl.capacity'), name: 'capacity', type: 'number', optional: true, min: 1,
    max: MAX_PLACES, inputmode: 'numeric', value: item?.capacity ?? '', hint: t('pl.capacityHint'), autocomplete: 'off' });
  capacity.input.step = '1';
  capacity.el.classList.add('capacity-field');
  const showCapacity = () => {
    capacity.el.hidden = NO_PLACES.has(kind.input.value);
  };
  kind.input.addEventListener('change', showCapacity);
  showCapacity();

  const st = status();
  const form = h('form', { class: 'stack programme-form', novalidate: true },
    h('h3', null, item ? t('item.editTitle') : t('item.addTitle')),
    h('div', { class: 'grid-2' }, kind.el, title.el),
    h('fieldset', { class: 'when-fields' },
      legend,
      h('div', { class: 'grid-3' }, date.el, from.el, to.el),
      tz.el,
      zoneHint),
    h('div', { class: 'grid-2' }, city.el, venue.el),
    h('div', { class: 'grid-2 audience-fields' }, audience.el, track.el),
    h('div', { class: 'grid-2' }, capacity.el, address.el),
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
    if (audience.input.value === 'track' && !trackNames.includes(track.input.value)) {
      showFieldError(form, 'track', t('err.track-needs-track'));
      return;
    }
    const places = capacity.el.hidden ? '' : capacity.input.value.trim();
    const placesNumber = Number(places);
    if (places && !(Number.isInteger(placesNumber) && placesNumber >= 1 && placesNumber <= MAX_PLACES)) {
      showFieldError(form, 'capacity', t('pl.capacityRange'));
      return;
    }
    // A number field holding something that is not a number reads as "": say so rather than drop it.
    if (!places && !capacity.el.hidden && capacity.input.validity.badInput) {
      showFieldError(form, 'capacity', t('pl.capacityRange'));
      return;
    }
    const zone = tz.input.value || m.timezone;
    const day = date.input.value;
    const startsAt = zonedToUtc(day, from.input.value, zone);
    // An end time at or before the start means the item runs past midnight.
    const endDay = to.input.value <= from.input.value ? nextDay(day) : day;
    const endsAt = zonedToUtc(endDay, to.input.value, zone);
    const body = {
      kind: kind.input.value,
      title: title.input.value.trim(),
      starts_at: startsAt.toISOString().replace('.000Z', 'Z'),
      ends_at: endsAt.toISOString().replace('.000Z', 'Z'),
      description: description.input.value.trim(),
      address: kind.input.value === 'company_visit' ? address.input.value.trim() : '',
      track: track.input.value,
      audience: audience.input.value,
      city: city.input.value.trim(),
      venue: venue.input.value.trim(),
      timezone: tz.input.value,
      capacity: places ? placesNumber : null,
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
