// @ts-check
/** / — my missions. */

import { navigate } from '../app.js';
import { h, icon } from '../dom.js';
import { t } from '../i18n.js';
import { dateOnly, formatDateRange } from '../time.js';
import { badge, empty, linkButton, pageHead } from '../ui.js';
import { creatorsCard } from './creators.js';

/** Today as YYYY-MM-DD (the browser's calendar). */
function today() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** @param {{start_date: string, end_date: string}} m */
function phase(m) {
  const now = today();
  if (now < m.start_date) return 'upcoming';
  if (now > m.end_date) return 'past';
  return 'live';
}

/** @param {import('../mission-common.js').MissionView} view */
function card(view) {
  const m = view.mission;
  const p = phase(m);
  const days = Math.round((dateOnly(m.end_date).getTime() - dateOnly(m.start_date).getTime()) / 86400000) + 1;
  return h('li', { class: 'card mission-card' },
    h('div', { class: 'mission-card-top' },
      badge(t(`phase.${p}`), `phase-${p}`),
      badge(t(`format.${m.format}`), 'neutral')),
    h('h2', null, h('a', { href: `/m/${m.id}`, class: 'stretched' }, m.title)),
    h('ul', { class: 'meta-list' },
      h('li', null, icon('pin'), h('span', null, m.destination)),
      h('li', null, icon('calendar'), h('span', null, `${formatDateRange(m.start_date, m.end_date)} · ${
        t(days === 1 ? 'common.day.one' : 'common.day.other', { n: days })}`))),
    m.sectors.length ? h('ul', { class: 'chips', 'aria-label': t('mission.sectors') },
      m.sectors.slice(0, 4).map((s) => h('li', { class: 'chip' }, s))) : null,
    h('p', { class: 'mission-card-role' },
      t('home.yourRole'), ' ', h('strong', null, t(`role.${view.role}`)),
      view.side ? ` · ${t(`side.${view.side}`)}` : ''));
}

/** @param {import('../app.js').PageContext} ctx */
export async function render(ctx) {
  const me = await ctx.me();
  if (!me) {
    navigate('/signin', { replace: true });
    return { title: '', node: h('div') };
  }
  const order = { live: 0, upcoming: 1, past: 2 };
  const missions = [...me.missions].sort((a, b) =>
    order[phase(a.mission)] - order[phase(b.mission)] || a.mission.start_date.localeCompare(b.mission.start_date));
  const create = me.user.can_create_missions
    ? linkButton('/missions/new', t('home.new'), { variant: 'primary', icon: 'plus' }) : null;
  const first = me.user.name.split(' ')[0];
  const node = h('div', null,
    pageHead(t('home.title'), t('home.hello', { name: first }), create),
    missions.length
      ? h('ul', { class: 'card-grid', role: 'list' }, missions.map(card))
      : empty(t('home.emptyTitle'), t(me.user.can_create_missions ? 'home.emptyCreator' : 'home.emptyText'), create),
    me.user.can_create_missions ? await creatorsCard(me, ctx.signal) : null);
  return { title: t('home.title'), node };
}
