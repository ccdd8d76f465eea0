// @ts-check
/**
 * "Who is here now": everyone present in the lounge (incognito people are not listed; I always see myself),
 * filtered by side, organisation type and sector on this side, each with the person actions ("have a word",
 * "connect", "continue later") and where they sit.
 */

import { h, replace } from '../dom.js';
import { t } from '../i18n.js';
import { avatar, badge } from '../ui.js';

const ORG_TYPES = ['sme', 'startup', 'corporate', 'consultancy', 'knowledge_institution', 'local_government',
  'national_government', 'trade_body', 'investor', 'other'];

/**
 * @param {import('./session.js').LoungeSession} session
 * @param {{actions: (user: number) => HTMLElement|null}} o
 */
export function peopleView(session, o) {
  const f = { side: '', org_type: '', sector: '' };
  const side = h('select', { id: 'lp-side' }, h('option', { value: '' }, t('lounge.everyone')),
    ['delegation', 'partner'].map((s) => h('option', { value: s }, t(`side.${s}`))));
  const type = h('select', { id: 'lp-type' }, h('option', { value: '' }, t('lounge.allTypes')),
    ORG_TYPES.map((s) => h('option', { value: s }, t(`org.${s}`))));
  const sector = h('select', { id: 'lp-sector' }, h('option', { value: '' }, t('lounge.allSectors')));
  const count = h('span', { class: 'tab-count', id: 'lp-count' });
  const list = h('ul', { class: 'l-people', id: 'l-people', role: 'list' });
  for (const [sel, key] of /** @type {const} */ ([[side, 'side'], [type, 'org_type'], [sector, 'sector']])) {
    sel.addEventListener('change', () => {
      f[key] = sel.value;
      draw();
    });
  }

  const drawSectors = () => {
    const all = new Set();
    for (const u of session.present.keys()) for (const s of session.card(u).sectors || []) all.add(s);
    const now = [...all].sort();
    const have = [...sector.options].slice(1).map((x) => x.value);
    if (now.join('\n') === have.join('\n')) return;
    replace(sector, h('option', { value: '' }, t('lounge.allSectors')), now.map((s) => h('option', { value: s }, s)));
    sector.value = now.includes(f.sector) ? f.sector : '';
    f.sector = sector.value;
  };

  const draw = () => {
    drawSectors();
    const people = [...session.present.keys()].map((u) => session.card(u))
      .filter((c) => (!f.side || c.side === f.side) && (!f.org_type || c.org_type === f.org_type)
        && (!f.sector || (c.sectors || []).includes(f.sector)))
      .sort((a, b) => (a.user_id === session.me ? -1 : b.user_id === session.me ? 1 : a.name.localeCompare(b.name)));
    count.textContent = String(session.present.size);
    list.replaceChildren(...people.map((c) => {
      const tb = session.tableById(session.seatOf(c.user_id));
      const mine = c.user_id === session.me;
      return h('li', { class: 'l-person', dataset: { userId: c.user_id } }, avatar(c.name),
        h('div', { class: 'l-person-id' },
          h('span', { class: 'l-name' }, mine ? t('lounge.you', { name: c.name }) : c.name),
          h('span', { class: 'muted small' }, [c.organisation, tb ? t('lounge.sitsAt', { name: tb.name }) : ''].filter(Boolean).join(' · ')),
          h('span', { class: 'badges' }, c.side ? badge(t(`side.${c.side}`), `side-${c.side}`) : null,
            mine && session.status === 'invisible' ? badge(t('lounge.incognito'), 'neutral') : null)),
        mine ? null : o.actions(c.user_id));
    }));
    if (!people.length) list.replaceChildren(h('li', { class: 'muted' }, t('lounge.nobodyMatches')));
  };

  const el = h('section', { class: 'card l-people-box', 'aria-labelledby': 'lp-h' },
    h('h2', { id: 'lp-h' }, t('lounge.hereNow'), ' ', count),
    h('div', { class: 'l-filters', role: 'group', 'aria-label': t('lounge.filters') },
      h('div', { class: 'field' }, h('label', { for: 'lp-side' }, t('lounge.side')), side),
      h('div', { class: 'field' }, h('label', { for: 'lp-type' }, t('lounge.orgType')), type),
      h('div', { class: 'field' }, h('label', { for: 'lp-sector' }, t('lounge.sector')), sector)),
    list);
  return { el, draw };
}
