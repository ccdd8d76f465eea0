// @ts-check
/**
 * The tables of the lounge as cards: name, topic, sector, the seats (who sits there, and free seats to take with
 * "Sit here"), and for organisers editing and removing. Plus the organiser's form to add or edit a table.
 */

import { h, icon } from '../dom.js';
import { t } from '../i18n.js';
import { requestMeetingButton } from '../matchmaking/request-button.js';
import { avatar, badge, button, iconButton } from '../ui.js';

/**
 * @param {import('./session.js').LoungeSession} session
 * @param {{say: (text: string) => void, fail: (err: any) => void, organiser: boolean, sectors: string[],
 *          rq: import('../matchmaking/request-button.js').RequestCtx}} o
 */
export function tablesView(session, o) {
  const list = h('ul', { class: 'l-tables', id: 'l-tables', role: 'list' });
  const formSlot = h('div', { id: 'l-table-form-slot' });

  /** @param {import('./session.js').Table|null} tb */
  const editForm = (tb) => {
    const name = h('input', { id: 'lt-name', name: 'name', required: true, maxlength: 60, value: tb?.name || '' });
    const topic = h('input', { id: 'lt-topic', name: 'topic', maxlength: 200, value: tb?.topic || '' });
    const capacity = h('input', { id: 'lt-capacity', name: 'capacity', type: 'number', min: 2, max: 8, required: true,
      value: String(tb?.capacity || 5) });
    const sector = h('select', { id: 'lt-sector', name: 'sector' }, h('option', { value: '' }, t('lounge.anySector')),
      o.sectors.map((s) => h('option', { value: s, selected: tb?.sector === s }, s)));
    const form = h('form', { class: 'card stack l-table-form', id: 'l-table-form' },
      h('h3', null, tb ? t('lounge.editTable', { name: tb.name }) : t('lounge.addTable')),
      h('div', { class: 'field' }, h('label', { for: 'lt-name' }, t('lounge.tableName')), name),
      h('div', { class: 'field' }, h('label', { for: 'lt-topic' }, t('lounge.tableTopic')), topic),
      h('div', { class: 'l-form-row' },
        h('div', { class: 'field' }, h('label', { for: 'lt-capacity' }, t('lounge.capacity')), capacity),
        h('div', { class: 'field' }, h('label', { for: 'lt-sector' }, t('lounge.sector')), sector)),
      h('div', { class: 'form-actions' },
        button(t('common.save'), { variant: 'primary', type: 'submit', attrs: { id: 'lt-save' } }),
        button(t('common.cancel'), { onclick: () => formSlot.replaceChildren() })));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      try {
        await session.saveTable({ table: tb?.id ?? null, name: name.value.trim(), topic: topic.value.trim(),
          capacity: Number(capacity.value), sector: sector.value || null });
        formSlot.replaceChildren();
        o.say(t('lounge.tableSaved'));
      } catch (err) {
        o.fail(err);
      }
    });
    formSlot.replaceChildren(form);
    name.focus();
  };

  /** @param {import('./session.js').Table} tb @param {any} mine */
  const card = (tb, mine) => {
    const here = String(tb.id) === String(mine);
    const free = Math.max(0, tb.capacity - tb.seats.length);
    /** @type {HTMLElement[]} */
    const seats = tb.seats.map((u) => {
      const c = session.card(u);
      const me = u === session.me;
      return h('li', { class: 'l-seat is-taken', dataset: { userId: u } }, avatar(c.name),
        h('span', { class: 'l-seat-who' }, h('span', { class: 'l-seat-name' }, me ? t('lounge.you', { name: c.name }) : c.name),
          c.organisation ? h('span', { class: 'muted small' }, c.organisation) : null),
        me ? null : requestMeetingButton(o.rq, { user_id: u, name: c.name, side: c.side ?? null }, { iconOnly: true }));
    });
    for (let i = 0; i < free; i += 1) {
      seats.push(h('li', { class: 'l-seat is-free' }, here ? h('span', { class: 'l-seat-empty muted small' }, t('lounge.freeSeat'))
        : h('button', { type: 'button', class: 'l-sit', onclick: async () => {
          try {
            await session.sit(tb.id);
          } catch (err) {
            o.fail(err);
          }
        } }, icon('plus'), h('span', null, t('lounge.sitHere')),
        // Heard as "Sit here at Table 2": the visible words first, so that speech input finds the button.
        h('span', { class: 'sr-only' }, ` ${t('lounge.sitHereAt', { name: tb.name })}`))));
    }
    const headId = `l-table-${tb.id}`;
    return h('li', { class: ['card', 'l-table', here && 'is-mine', !free && 'is-full'], dataset: { tableId: tb.id },
      'aria-labelledby': headId },
      h('div', { class: 'l-table-top' },
        h('h3', { id: headId }, tb.name),
        o.organiser ? h('div', { class: 'l-table-admin' },
          iconButton('edit', t('lounge.editTable', { name: tb.name }), () => editForm(tb)),
          iconButton('trash', t('lounge.removeTable', { name: tb.name }), async () => {
            try {
              await session.removeTable(tb.id);
            } catch (err) {
              o.fail(err);
            }
          })) : null),
      tb.topic ? h('p', { class: 'l-topic' }, tb.topic) : null,
      h('p', { class: 'l-table-meta' }, tb.sector ? badge(tb.sector, 'org') : null,
        h('span', { class: 'muted small' }, t('lounge.seats', { n: tb.seats.length, max: tb.capacity })),
        here ? badge(t('lounge.yourTable'), 'live') : null),
      h('ul', { class: 'l-seats', role: 'list' }, seats));
  };

  const draw = () => {
    const mine = session.seatOf();
    list.replaceChildren(...[...session.tables.values()].map((tb) => card(tb, mine)));
    if (!session.tables.size) list.replaceChildren(h('li', { class: 'muted' }, t('lounge.noTables')));
  };

  const el = h('section', { class: 'l-tables-box', 'aria-labelledby': 'l-tables-h' },
    h('div', { class: 'section-head' }, h('h2', { id: 'l-tables-h' }, t('lounge.tables')),
      o.organiser ? button(t('lounge.addTable'), { variant: 'secondary', small: true, icon: 'plus',
        attrs: { id: 'l-add-table' }, onclick: () => editForm(null) }) : null),
    formSlot, list);
  return { el, draw };
}
