// @ts-check
/**
 * On a person's page, for organisers: change their role in the mission and their side (delegation or partner; a
 * participant must have one). A lower role takes them out of the rooms it no longer lets them see, at once.
 */

import { put } from '../api.js';
import { h } from '../dom.js';
import { forgetMission } from '../mission-common.js';
import { t } from '../i18n.js';
import { clearErrors, field, showError, status } from '../ui.js';

const ROLES = ['organiser', 'host', 'moderator', 'speaker', 'vip', 'participant'];
const SIDES = ['delegation', 'partner'];

/** @param {number} mid @param {{user_id: number, name: string, role: string, side: string|null}} person */
export function roleForm(mid, person) {
  const role = field({ name: 'role', label: t('ctl.role'), value: person.role,
    options: ROLES.map((r) => /** @type {[string, string]} */ ([r, t(`role.${r}`)])) });
  const side = field({ name: 'side', label: t('ctl.side'), value: person.side ?? '', hint: t('ctl.sideHint'),
    options: [['', t('ctl.noSide')], ...SIDES.map((x) => /** @type {[string, string]} */ ([x, t(`side.${x}`)]))] });
  const st = status();
  const form = /** @type {HTMLFormElement} */ (h('form', { class: 'stack role-form', id: 'role-form', novalidate: true },
    h('div', { class: 'grid-2' }, role.el, side.el),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-secondary btn-small' }, t('ctl.saveRole'))),
    st.el));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    try {
      await put(`/api/missions/${mid}/people/${person.user_id}`, { role: role.input.value, side: side.input.value || null });
      forgetMission(mid);
      st.ok(t('ctl.roleSaved', { name: person.name }));
    } catch (err) {
      showError(form, err, st);
    }
  });
  return form;
}
