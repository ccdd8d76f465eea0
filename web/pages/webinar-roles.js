// @ts-check
/**
 * /m/<id>/organise/webinar/<item> — a webinar's host, moderators and speakers, for organisers: pick people from
 * the mission, give each one role, save. Whoever gets a role sees its controls when they (re)open the webinar;
 * whoever loses one is taken out of the staff room at once (the server rechecks their open connections).
 */

import { get, put } from '../api.js';
import { h, replace } from '../dom.js';
import { t } from '../i18n.js';
import { loadRoomItem } from '../room-page.js';
import { missionHeader } from '../mission-common.js';
import { personPicker } from '../organise/person-picker.js';
import { button, errorMessage, status } from '../ui.js';

const ROLES = ['host', 'moderator', 'speaker'];

/** @param {import('../app.js').PageContext} ctx */
export async function render(ctx) {
  const { mid, itemId, view, item, notFound } = await loadRoomItem(ctx, 'webinar', 'webinar.notFound');
  if (notFound) return notFound;
  const title = t('ctl.rolesTitle', { title: item.title });
  if (!view.permissions.includes('manage-programme')) {
    return { title, node: h('div', null, missionHeader(view, 'programme'),
      h('div', { class: 'card notice' }, h('h1', { tabindex: '-1' }, title), h('p', null, t('ctl.notAllowed')))) };
  }
  /** @type {{roles: Array<{user_id: number, name: string, organisation: string, role: string}>}} */
  const current = await get(`/api/missions/${mid}/programme/${itemId}/roles`, { signal: ctx.signal });
  let grants = current.roles.map((g) => ({ ...g }));
  const st = status();
  const listEl = h('div', { id: 'roles-list' });

  const draw = () => {
    replace(listEl, grants.length ? h('ul', { class: 'roles-list', role: 'list' }, grants.map((g, i) => {
      const sel = h('select', { id: `role-${g.user_id}`, dataset: { userId: g.user_id } },
        ROLES.map((r) => h('option', { value: r }, t(`webinar.role.${r}`))));
      sel.value = g.role;
      sel.addEventListener('change', () => { g.role = sel.value; });
      return h('li', { class: 'roles-row', dataset: { userId: g.user_id } },
        h('label', { for: sel.id, class: 'roles-name' }, g.name,
          g.organisation ? h('span', { class: 'muted small' }, ` · ${g.organisation}`) : null),
        sel,
        button(t('ctl.removeRole', { name: g.name }), { small: true, variant: 'ghost', icon: 'x', onclick: () => {
          grants.splice(i, 1);
          draw();
          st.set(t('ctl.roleRemoved', { name: g.name }));
          picker.input.focus();
        } }));
    })) : h('p', { class: 'muted' }, t('ctl.noRoles')));
  };
  const picker = personPicker({ mid, label: t('ctl.addPerson'), exclude: () => grants.map((g) => g.user_id),
    onPick: (p) => {
      grants.push({ user_id: p.user_id, name: p.name, organisation: p.organisation, role: 'speaker' });
      draw();
      st.set(t('ctl.roleAdded', { name: p.name }));
    } });
  draw();

  const save = button(t('ctl.saveRoles'), { variant: 'primary', attrs: { id: 'save-roles' }, onclick: async () => {
    save.disabled = true;
    try {
      const saved = await put(`/api/missions/${mid}/programme/${itemId}/roles`,
        { roles: grants.map((g) => ({ user_id: g.user_id, role: g.role })) });
      grants = saved.roles.map((/** @type {any} */ g) => ({ ...g }));
      draw();
      st.ok(t('ctl.rolesSaved'));
    } catch (err) {
      st.error(errorMessage(err));
    } finally {
      save.disabled = false;
    }
  } });

  const node = h('div', null,
    missionHeader(view, 'programme'),
    h('div', { class: 'section-head' }, h('h1', { tabindex: '-1' }, title),
      h('a', { class: 'btn btn-ghost btn-small', href: `/m/${mid}/webinar/${itemId}` }, t('ctl.openWebinar'))),
    h('section', { class: 'card', 'aria-labelledby': 'roles-h' },
      h('h2', { id: 'roles-h' }, t('ctl.rolesHeading')),
      h('p', { class: 'muted' }, t('ctl.rolesLead')),
      listEl, picker.el,
      h('div', { class: 'form-actions' }, save), st.el));
  return { title: `${title} · ${view.mission.title}`, node };
}
