// @ts-check
/** /m/<id>/organise/settings — change the mission: dates, format, destination and zones (the mission's, and the
 * delegation's, which the matchmaking rules keep), sectors, webinar maximum, title and description. */

import { get, put } from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { loadMission, missionHeader, missionId } from '../mission-common.js';
import { pageHead } from '../ui.js';
import { missionForm } from './mission-form.js';

/** @param {import('../app.js').PageContext} ctx */
export async function render(ctx) {
  const mid = missionId(ctx.params);
  const view = await loadMission(mid);
  if (!view.permissions.includes('edit-mission')) {
    return { title: t('settings.title'), node: h('div', null, missionHeader(view, 'organise'),
      h('div', { class: 'card notice' }, h('h1', { tabindex: '-1' }, t('settings.title')),
        h('p', null, t('organise.notAllowed')))) };
  }
  let rules = await get(`/api/missions/${mid}/matchmaking/rules`, { signal: ctx.signal });
  const { form, status } = missionForm({
    mission: view.mission, delegationZone: rules.delegation_timezone, submitLabel: t('common.save'),
    submitIcon: 'check', cancelHref: `/m/${mid}/organise`,
    onSubmit: async (body, delegationZone) => {
      await put(`/api/missions/${mid}`, body);
      if (delegationZone && delegationZone !== rules.delegation_timezone) {
        rules = await put(`/api/missions/${mid}/matchmaking/rules`, { ...rules, delegation_timezone: delegationZone });
      }
      status.ok(t('settings.saved'));
    },
  });
  return { title: `${t('settings.title')} · ${view.mission.title}`, node: h('div', null,
    missionHeader(view, 'organise'),
    h('div', { class: 'narrow-page' }, pageHead(t('settings.title'), t('settings.lead')), form)) };
}
