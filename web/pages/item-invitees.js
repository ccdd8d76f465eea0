// @ts-check
/**
 * /m/<id>/organise/items/<item>/invitees — the invite list of a programme item, for organisers: pick people from
 * the mission, take them off, save. When the item is "invited people only" nobody else sees it (besides organisers
 * and its hosts, moderators and speakers); whoever is taken off loses it at once (docs/programme.md).
 */

import { get, put } from '../api.js';
import { h, icon, replace } from '../dom.js';
import { t, tn } from '../i18n.js';
import { missionHeader } from '../mission-common.js';
import { personPicker } from '../organise/person-picker.js';
import { organiserItem } from './organiser-item.js';
import { formatDayLong, formatTime } from '../time.js';
import { badge, button, errorMessage, status } from '../ui.js';
import { itemPlace, itemZone } from './mission.js';

/** @typedef {{user_id: number, name: string, organisation: string}} Invitee */

/** @param {import('../app.js').PageContext} ctx */
export async function render(ctx) {
  const found = await organiserItem(ctx, t('aud.inviteList'));
  if (found.page) return found.page;
  const { mid, itemId, view, item } = found;
  const m = view.mission;
  /** @type {{invitees: Invitee[]}} */
  const current = await get(`/api/missions/${mid}/programme/${itemId}/invitees`, { signal: ctx.signal });
  let invitees = current.invitees.map((p) => ({ ...p }));
  const st = status();
  const listEl = h('div', { id: 'invitees-list' });

  const draw = () => {
    replace(listEl, invitees.length ? h('ul', { class: 'roles-list member-list', role: 'list' }, invitees.map((p, i) =>
      h('li', { class: 'member-row', dataset: { userId: p.user_id } },
        h('span', { class: 'member-name' }, p.name,
          p.organisation ? h('span', { class: 'muted small' }, ` · ${p.organisation}`) : null),
        button(t('aud.removePerson', { name: p.name }), { small: true, variant: 'ghost', icon: 'x', onclick: () => {
          invitees.splice(i, 1);
          draw();
          st.set(t('aud.personRemoved', { name: p.name }));
          picker.input.focus();
        } }))))
      : h('p', { class: 'muted' }, t('aud.noInvitees')));
  };
  const picker = personPicker({ mid, label: t('aud.addInvitee'), exclude: () => invitees.map((p) => p.user_id),
    onPick: (p) => {
      invitees.push({ user_id: p.user_id, name: p.name, organisation: p.organisation });
      invitees.sort((a, b) => a.name.localeCompare(b.name));
      draw();
      st.set(t('aud.personAdded', { name: p.name }));
    } });
  draw();

  const save = button(t('aud.saveInvitees'), { variant: 'primary', attrs: { id: 'save-invitees' }, onclick: async () => {
    save.disabled = true;
    try {
      /** @type {{invitees: Invitee[]}} */
      const saved = await put(`/api/missions/${mid}/programme/${itemId}/invitees`,
        { user_ids: invitees.map((p) => p.user_id) });
      invitees = saved.invitees.map((p) => ({ ...p }));
      draw();
      st.ok(tn('aud.inviteesSaved', invitees.length));
    } catch (err) {
      st.error(errorMessage(err));
    } finally {
      save.disabled = false;
    }
  } });

  const zone = itemZone(item, m.timezone);
  const where = [item.venue, item.city].filter(Boolean).join(', ');
  const title = t('aud.inviteesTitle', { title: item.title });
  const node = h('div', null,
    missionHeader(view, 'programme'),
    h('div', { class: 'section-head' }, h('h1', { tabindex: '-1' }, title),
      h('a', { class: 'btn btn-ghost btn-small', href: `/m/${mid}#item-${item.id}` }, icon('back'),
        h('span', null, t('aud.backToProgramme')))),
    h('section', { class: 'card', 'aria-labelledby': 'invitees-h' },
      h('p', { class: 'invitees-item' },
        badge(t(`kind.${item.kind}`), 'role'), ' ',
        item.audience === 'invited' ? badge(t('aud.badgeInvited'), 'audience') : null, ' ',
        h('span', null, `${formatDayLong(item.starts_at, zone)}, ${formatTime(item.starts_at, zone)}–`
          + `${formatTime(item.ends_at, zone)} ${itemPlace(item, m.timezone)}`),
        where ? h('span', { class: 'muted' }, ` · ${where}`) : null),
      item.audience !== 'invited' ? h('p', { class: 'notice-inline' }, icon('alert'), h('span', null, t('aud.notInvitedOnly')))
        : null,
      h('h2', { id: 'invitees-h' }, t('aud.inviteesHeading')),
      h('p', { class: 'muted' }, t('aud.inviteesLead')),
      listEl, picker.el,
      h('div', { class: 'form-actions' }, save), st.el));
  return { title: `${title} · ${m.title}`, node };
}
