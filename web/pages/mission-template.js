// @ts-check
/** /m/<id>/organise/template — "Use as template": a new mission from this one, with a new title and start date.
 * The programme moves with the dates; matchmaking rules come along, organisers and webinar roles if chosen;
 * members never do. */

import { post } from '../api.js';
import { navigate } from '../app.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { loadMission, missionHeader, missionId } from '../mission-common.js';
import { formatDate } from '../time.js';
import { busy, button, clearErrors, field, pageHead, showError, showFieldError, status } from '../ui.js';

/** @param {string} label @param {string} name @param {boolean} checked @param {string} hint */
function checkbox(label, name, checked, hint) {
  const input = /** @type {HTMLInputElement} */ (h('input', { type: 'checkbox', name, checked }));
  return { input, el: h('label', { class: 'radio' }, input,
    h('span', null, h('strong', null, label), h('span', { class: 'muted small block' }, hint))) };
}

/** @param {import('../app.js').PageContext} ctx */
export async function render(ctx) {
  const mid = missionId(ctx.params);
  const view = await loadMission(mid);
  const me = await ctx.me();
  const m = view.mission;
  if (!view.permissions.includes('edit-mission') || !me?.user.can_create_missions) {
    return { title: t('template.title'), node: h('div', null, missionHeader(view, 'organise'),
      h('div', { class: 'card notice' }, h('h1', { tabindex: '-1' }, t('template.title')),
        h('p', null, t('template.notAllowed')))) };
  }
  const title = field({ label: t('template.name'), name: 'title', required: true, maxlength: 160,
    value: t('template.defaultName', { title: m.title }) });
  const start = field({ label: t('template.start'), name: 'start_date', type: 'date', required: true,
    hint: t('template.startHint', { start: formatDate(m.start_date) }) });
  const organisers = checkbox(t('template.organisers'), 'copy_organisers', true, t('template.organisersHint'));
  const roles = checkbox(t('template.roles'), 'copy_webinar_roles', false, t('template.rolesHint'));
  const st = status();
  const form = h('form', { class: 'card stack', novalidate: true },
    h('p', null, t('template.copies')),
    title.el, start.el,
    h('fieldset', { class: 'stack' }, h('legend', null, t('template.alsoCopy')), organisers.el, roles.el),
    h('p', { class: 'muted' }, t('template.noMembers')),
    st.el,
    h('div', { class: 'form-actions' },
      button(t('template.submit'), { type: 'submit', variant: 'primary', icon: 'plus' }),
      h('a', { href: `/m/${mid}/organise`, class: 'btn btn-ghost' }, t('common.cancel'))));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    clearErrors(form);
    if (!title.input.value.trim()) return void showFieldError(form, 'title', t('err.required'));
    if (!start.input.value) return void showFieldError(form, 'start_date', t('err.required'));
    const body = { title: title.input.value.trim(), start_date: start.input.value,
      copy_organisers: organisers.input.checked, copy_webinar_roles: roles.input.checked };
    busy(form, async () => {
      try {
        const made = await post(`/api/missions/${mid}/copy`, body);
        ctx.forgetMe();
        navigate(`/m/${made.mission.id}/organise/settings`);
      } catch (err) {
        showError(form, err, st);
      }
    });
  });
  return { title: `${t('template.title')} · ${m.title}`, node: h('div', null,
    missionHeader(view, 'organise'),
    h('div', { class: 'narrow-page' }, pageHead(t('template.title'), t('template.lead', { title: m.title })), form)) };
}
