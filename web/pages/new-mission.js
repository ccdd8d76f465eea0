// @ts-check
/** /missions/new — create a mission (the form is mission-form.js, shared with the mission's settings). */

import { post } from '../api.js';
import { navigate } from '../app.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { pageHead } from '../ui.js';
import { missionForm } from './mission-form.js';

/** @param {import('../app.js').PageContext} ctx */
export async function render(ctx) {
  const me = await ctx.me();
  if (!me?.user.can_create_missions) {
    return { title: t('newMission.title'), node: h('div', { class: 'card notice' },
      h('h1', { tabindex: '-1' }, t('newMission.title')), h('p', null, t('newMission.notAllowed'))) };
  }
  const { form } = missionForm({ submitLabel: t('newMission.submit'), submitIcon: 'plus', cancelHref: '/',
    onSubmit: async (body) => {
      const made = await post('/api/missions', body);
      ctx.forgetMe();
      navigate(`/m/${made.mission.id}`);
    } });
  return { title: t('newMission.title'), node: h('div', { class: 'narrow-page' },
    pageHead(t('newMission.title'), t('newMission.lead')), form) };
}
