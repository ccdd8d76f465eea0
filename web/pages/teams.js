// @ts-check
/**
 * /teams — my teams (docs/ledger.md): each links to its KPI ledger; whoever may create missions starts a team here
 * and is its first member. Without a team, the page says what a team is for.
 */

import { get, post } from '../api.js';
import { navigate } from '../app.js';
import { h, icon } from '../dom.js';
import { locale, t } from '../i18n.js';
import { busy, button, clearErrors, empty, field, pageHead, showError, showFieldError, status } from '../ui.js';

/** @typedef {{id: number, name: string, created_at: string}} Team */

/** "4 December 2026". @param {string} at */
const since = (at) => new Intl.DateTimeFormat(locale(), { day: 'numeric', month: 'long', year: 'numeric' })
  .format(new Date(at));

/** The "Start a team" form: on success, the new team's page. */
function startForm() {
  const st = status();
  const name = field({ label: t('teams.name'), name: 'name', required: true, maxlength: 120, autocomplete: 'off',
    hint: t('teams.nameHint'), id: 'team-name' });
  const form = h('form', { class: 'stack', id: 'team-create', novalidate: true }, name.el, st.el,
    h('div', { class: 'form-actions' }, button(t('teams.start'), { type: 'submit', variant: 'primary', icon: 'plus' })));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    clearErrors(form);
    if (!name.input.value.trim()) return void showFieldError(form, 'name', t('err.required'));
    busy(form, async () => {
      try {
        /** @type {Team} */
        const made = await post('/api/teams', { name: name.input.value });
        navigate(`/teams/${made.id}`);
      } catch (err) {
        showError(form, err, st);
      }
    });
  });
  return h('section', { class: 'card team-start', 'aria-labelledby': 'team-start-h' },
    h('h2', { id: 'team-start-h' }, t('teams.startTitle')),
    h('p', { class: 'muted' }, t('teams.startLead')), form);
}

/** @param {import('../app.js').PageContext} ctx */
export async function render(ctx) {
  const me = await ctx.me();
  const creator = Boolean(me?.user.can_create_missions);
  /** @type {Team[]} */
  const teams = await get('/api/teams', { signal: ctx.signal });
  const title = t('teams.title');
  const node = h('div', { class: 'teams-page' },
    pageHead(title, t('teams.sub')),
    teams.length
      ? h('section', { 'aria-labelledby': 'teams-h' },
        h('h2', { id: 'teams-h' }, t('teams.mine')),
        h('ul', { class: 'card-grid team-list', role: 'list' }, teams.map((team) =>
          h('li', { class: 'card team-card' },
            h('h3', null, h('a', { href: `/teams/${team.id}`, class: 'stretched' }, team.name)),
            h('p', { class: 'muted small' }, icon('calendar'), ' ',
              t('teams.since', { date: since(team.created_at) }))))))
      : empty(t('teams.emptyTitle'), t(creator ? 'teams.emptyCreator' : 'teams.emptyText')),
    creator ? startForm() : null);
  return { title, node };
}
