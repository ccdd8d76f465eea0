// @ts-check
/** The availability grid: one toggle per slot, grouped by day in my zone; saved as a whole. */

import { put } from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { formatDayLong, formatTime, zoneCity } from '../time.js';
import { button, status } from '../ui.js';
import { mmError } from './common.js';

/**
 * @param {import('./common.js').Slot[]} slots @param {{mid: number, mine: string, zones: import('./common.js').Zones,
 *        mySide: string|null, changed: () => void}} c
 */
export function availabilityGrid(slots, c) {
  const st = status();
  const on = new Set(slots.filter((s) => s.available).map((s) => s.starts_at));
  /** @type {Map<string, import('./common.js').Slot[]>} */
  const days = new Map();
  for (const s of slots) {
    const d = formatDayLong(s.starts_at, c.mine);
    if (!days.has(d)) days.set(d, []);
    /** @type {import('./common.js').Slot[]} */ (days.get(d)).push(s);
  }
  const twoZones = c.zones.mission !== c.mine;
  const anyNight = Boolean(c.mySide) && slots.some((s) => (s.night || []).includes(/** @type {string} */ (c.mySide)));
  const count = h('span', { class: 'muted small', 'aria-live': 'polite' });
  const drawCount = () => { count.textContent = t('mm.availableCount', { n: on.size }); };
  const grid = h('div', { class: 'avail-grid', id: 'mm-availability' }, [...days].map(([day, list]) =>
    h('div', { class: 'avail-day', role: 'group', 'aria-label': day }, h('h3', null, day),
      h('div', { class: 'avail-slots' }, list.map((s) => {
        const night = c.mySide && (s.night || []).includes(c.mySide);
        // The mission's time in small figures (its city once, in the legend; for screen readers on each button).
        const alt = twoZones ? formatTime(s.starts_at, c.zones.mission) : '';
        const btn = h('button', { type: 'button', class: ['avail-slot', night && 'is-night', s.booked && 'is-booked'],
          'aria-pressed': String(on.has(s.starts_at)), disabled: Boolean(s.booked), dataset: { slot: s.starts_at } },
        h('span', { class: 'avail-time' }, night ? h('span', { class: 'moon', 'aria-hidden': 'true' }, '☾') : null,
          formatTime(s.starts_at, c.mine)),
        s.booked ? h('span', { class: 'avail-alt' }, t('mm.booked'))
          : alt ? h('span', { class: 'avail-alt' }, h('span', { class: 'sr-only' }, `${zoneCity(c.zones.mission)} `), alt) : null,
        night ? h('span', { class: 'sr-only' }, ` ${t('mm.nightForYou')}`) : null);
        btn.addEventListener('click', () => {
          if (on.has(s.starts_at)) on.delete(s.starts_at);
          else on.add(s.starts_at);
          btn.setAttribute('aria-pressed', String(on.has(s.starts_at)));
          drawCount();
          st.set(t('mm.unsaved'));
        });
        return btn;
      })))));
  drawCount();
  const save = button(t('mm.saveAvailability'), { variant: 'primary', attrs: { id: 'mm-save-availability' }, onclick: async () => {
    save.disabled = true;
    st.set(t('common.saving'));
    try {
      await put(`/api/missions/${c.mid}/matchmaking/availability`, { slots: [...on] });
      st.ok(t('mm.availabilitySaved'));
      c.changed();
    } catch (err) {
      st.error(mmError(err));
    } finally {
      save.disabled = false;
    }
  } });
  const all = button(t('mm.selectAll'), { small: true, variant: 'ghost', onclick: () => {
    for (const b of grid.querySelectorAll('button.avail-slot:not([disabled])')) {
      const el = /** @type {HTMLElement} */ (b);
      on.add(/** @type {string} */ (el.dataset.slot));
      el.setAttribute('aria-pressed', 'true');
    }
    drawCount();
    st.set(t('mm.unsaved'));
  } });
  return h('div', { class: 'avail' },
    h('p', { class: 'muted small' }, t('mm.availabilityHelp', { zone: zoneCity(c.mine) })),
    twoZones || anyNight ? h('p', { class: 'avail-legend small muted', 'aria-hidden': 'true' },
      twoZones ? h('span', null, t('mm.altLegend', { zone: zoneCity(c.zones.mission) })) : null,
      anyNight ? h('span', null, h('span', { class: 'moon' }, '☾'), t('mm.nightLegend')) : null) : null,
    slots.length ? grid : h('p', { class: 'muted' }, t('mm.noSlots')),
    h('div', { class: 'form-actions' }, save, all, count), st.el);
}
