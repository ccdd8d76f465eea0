// @ts-check
/**
 * A team's missions and members, on its page (web/pages/team.js, docs/ledger.md): the missions it counts, in which
 * role (lead partner or partner), those the viewer organises that it could count; who is in the team. The server's
 * refusals (another team leads that mission, the last member) are said next to the control that met them.
 */

import { del, post, put } from '../api.js';
import { navigate } from '../app.js';
import { h, replace } from '../dom.js';
import { t } from '../i18n.js';
import { formatDateRange } from '../time.js';
import { busy, button, clearErrors, field, showFieldError, status } from '../ui.js';
import { fail, message, section } from './team-forms.js';

const ROLES = ['lead_partner', 'partner'];

/** @typedef {import('./team-forms.js').TeamPage} TeamPage */
/** @typedef {import('./team-forms.js').TeamView} TeamView */
/** @typedef {import('./team-forms.js').LinkedMission} LinkedMission */
/** @typedef {import('./team-forms.js').Member} Member */

/**
 * A role select labelled "Role" (and, for screen readers, the mission's title).
 * @param {string} id @param {string} title @param {string} value
 */
function roleSelect(id, title, value) {
  const select = h('select', { id, name: 'role' },
    ROLES.map((r) => h('option', { value: r }, t(`teamMissions.r.${r}`))));
  select.value = value;
  return { select, el: h('div', { class: 'field team-role' },
    h('label', { for: id }, t('teamMissions.role'), h('span', { class: 'sr-only' }, ` – ${title}`)), select) };
}

/** @param {LinkedMission} m */
const missionWho = (m) => h('div', { class: 'team-mission-who' },
  h('p', { class: 'team-mission-title' }, h('a', { href: `/m/${m.mission_id}` }, m.title)),
  h('p', { class: 'small muted' }, t(`direction.${m.direction}`), ' · ', formatDateRange(m.start_date, m.end_date)));

/** @param {TeamPage} p @param {TeamView} view */
export function missionsCard(p, view) {
  const st = status();
  const body = h('div');
  /** @param {TeamView} v */
  const draw = (v) => {
    const counted = v.missions.map((m) => {
      const say = status();
      const role = roleSelect(`mission-${m.mission_id}-role`, m.title, m.role || 'partner');
      role.select.addEventListener('change', async () => {
        try {
          await put(`/api/teams/${p.id}/missions/${m.mission_id}`, { role: role.select.value });
          m.role = role.select.value;
          say.ok(t('teamMissions.changed'));
          await p.changed();
        } catch (err) {
          role.select.value = m.role || 'partner';
          say.error(message(err));
        }
      });
      const stop = h('button', { type: 'button', class: 'btn btn-secondary btn-small', onclick: async () => {
        try {
          draw(await del(`/api/teams/${p.id}/missions/${m.mission_id}`));
          st.ok(t('teamMissions.stopped', { title: m.title }));
          await p.changed();
        } catch (err) {
          say.error(message(err));
        }
      } }, h('span', null, t('teamMissions.stop')), h('span', { class: 'sr-only' }, `: ${m.title}`));
      return h('li', { class: 'team-mission', dataset: { mission: m.mission_id, role: m.role || '' } },
        missionWho(m), h('div', { class: 'team-mission-controls' }, role.el, stop), say.el);
    });
    const linkable = v.linkable.map((m) => {
      const say = status();
      const role = roleSelect(`linkable-${m.mission_id}-role`, m.title, 'lead_partner');
      const link = h('button', { type: 'button', class: 'btn btn-primary btn-small', onclick: async () => {
        link.disabled = true;
        try {
          draw(await put(`/api/teams/${p.id}/missions/${m.mission_id}`, { role: role.select.value }));
          st.ok(t('teamMissions.counted', { title: m.title }));
          await p.changed();
        } catch (err) {
          link.disabled = false;
          say.error(message(err));
        }
      } }, h('span', null, t('teamMissions.count')), h('span', { class: 'sr-only' }, `: ${m.title}`));
      return h('li', { class: 'team-mission', dataset: { mission: m.mission_id } },
        missionWho(m), h('div', { class: 'team-mission-controls' }, role.el, link), say.el);
    });
    replace(body,
      counted.length ? h('ul', { class: 'team-missions', role: 'list', id: 'counted-missions' }, counted)
        : h('p', { class: 'muted' }, t('teamMissions.none')),
      h('h3', { id: 'linkable-h' }, t('teamMissions.linkable')),
      linkable.length ? h('ul', { class: 'team-missions', role: 'list', id: 'linkable-missions',
        'aria-labelledby': 'linkable-h' }, linkable)
        : h('p', { class: 'muted' }, t('teamMissions.linkableNone')));
  };
  draw(view);
  return section('team-missions', t('teamMissions.title'), t('teamMissions.lead'), st.el, body);
}

// -- members ----------------------------------------------------------------------------------------------

/** @param {TeamPage} p @param {Member[]} members */
export function membersCard(p, members) {
  const st = status();
  const listEl = h('div');
  const own = { 'user-not-found': 'members.gone' };
  /** @param {Member[]} people */
  const draw = (people) => replace(listEl, h('ul', { class: 'invitations team-members', role: 'list' },
    people.map((m) => {
      const row = h('li', { class: 'invitation', dataset: { user: m.user_id, email: m.email } });
      const say = status();
      const self = m.user_id === p.me;
      const plain = () => replace(row,
        h('div', { class: 'invitation-who' },
          h('p', { class: 'invitation-name' }, self ? t('members.you', { name: m.name }) : m.name),
          h('p', { class: 'muted small' }, m.email), say.el),
        h('button', { type: 'button', class: 'btn btn-ghost btn-small', onclick: confirm },
          h('span', null, t('members.remove')), h('span', { class: 'sr-only' }, `: ${m.name}`)));
      const confirm = () => {
        const yes = button(t('members.confirmYes'), { small: true, variant: 'danger', onclick: async () => {
          try {
            const left = await del(`/api/teams/${p.id}/members/${m.user_id}`);
            if (self) return void navigate('/teams');
            draw(left);
            st.ok(t('members.removed', { name: m.name }));
          } catch (err) {
            plain();
            say.error(message(err, own));
            /** @type {HTMLElement | null} */ (row.querySelector('button'))?.focus();
          }
        } });
        replace(row, h('p', { class: 'invitation-who' },
          self ? t('members.confirmSelf') : t('members.confirm', { name: m.name })),
        h('div', { class: 'form-actions' }, yes, button(t('common.cancel'), { small: true, variant: 'ghost', onclick: () => {
          plain();
          /** @type {HTMLElement | null} */ (row.querySelector('button'))?.focus();
        } })));
        yes.focus();
      };
      plain();
      return row;
    })));
  draw(members);
  const fst = status();
  const email = field({ label: t('members.email'), name: 'email', type: 'email', required: true, inputmode: 'email',
    autocomplete: 'off', id: 'member-email' });
  const form = h('form', { class: 'stack', id: 'member-form', novalidate: true }, email.el, fst.el,
    h('div', { class: 'form-actions' }, button(t('members.add'), { type: 'submit', variant: 'primary', icon: 'plus' })));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    clearErrors(form);
    fst.set('');
    const address = email.input.value.trim();
    if (!address) return void showFieldError(form, 'email', t('err.required'));
    busy(form, async () => {
      try {
        /** @type {Member[]} */
        const people = await post(`/api/teams/${p.id}/members`, { email: address });
        draw(people);
        form.reset();
        const added = people.find((m) => m.email === address.toLowerCase());
        fst.ok(t('members.added', { name: added ? added.name : address }));
      } catch (err) {
        fail(form, err, fst, { 'user-not-found': 'members.noAccount' });
      }
    });
  });
  return section('team-members', t('members.title'), t('members.lead'), st.el, listEl, form);
}
