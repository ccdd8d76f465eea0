// @ts-check
/** "Colleagues who may create missions", on the home page of those who may: add a colleague by e-mail, withdraw
 * the right with a confirmation (never from the last who holds it: the server refuses, docs/security.md). */

import { del, get, post } from '../api.js';
import { h, replace } from '../dom.js';
import { t } from '../i18n.js';
import { busy, button, clearErrors, errorMessage, field, showError, showFieldError, status } from '../ui.js';

/** @param {{user: {id: number}}} me @param {AbortSignal} signal */
export async function creatorsCard(me, signal) {
  const st = status();
  const listEl = h('div');
  const draw = async () => {
    const people = await get('/api/mission-creators', { signal });
    replace(listEl, h('ul', { class: 'invitations creators', role: 'list' }, people.map((/** @type {any} */ p) => {
      const row = h('li', { class: 'invitation', dataset: { email: p.email } });
      const plain = () => replace(row,
        h('div', { class: 'invitation-who' },
          h('p', { class: 'invitation-name' }, p.user_id === me.user.id ? t('creators.you', { name: p.name }) : p.name),
          h('p', { class: 'muted small' }, p.email)),
        people.length > 1
          ? button(t('creators.revoke', { name: p.name }), { small: true, variant: 'ghost', onclick: confirm })
          : null);
      const confirm = () => {
        const yes = button(t('creators.confirmYes'), { small: true, variant: 'danger', onclick: async () => {
          try {
            await del(`/api/mission-creators/${p.user_id}`);
            st.ok(t('creators.revoked', { name: p.name }));
            await draw();
          } catch (err) {
            st.error(errorMessage(err));
          }
        } });
        replace(row, h('p', { class: 'invitation-who' }, t('creators.confirm', { name: p.name })),
          h('div', { class: 'form-actions' }, yes,
            button(t('creators.confirmNo'), { small: true, variant: 'ghost', onclick: () => {
              plain();
              /** @type {HTMLElement | null} */ (row.querySelector('button'))?.focus();
            } })));
        yes.focus();
      };
      plain();
      return row;
    })));
  };
  await draw();
  const email = field({ label: t('creators.email'), name: 'email', type: 'email', required: true, inputmode: 'email',
    autocomplete: 'off' });
  const name = field({ label: t('creators.name'), name: 'name', optional: true, autocomplete: 'off', maxlength: 120,
    hint: t('creators.nameHint') });
  const form = h('form', { class: 'stack', novalidate: true },
    h('div', { class: 'grid-2' }, email.el, name.el), st.el,
    h('div', { class: 'form-actions' }, button(t('creators.add'), { type: 'submit', variant: 'primary', icon: 'plus' })));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    clearErrors(form);
    if (!email.input.value.trim()) return void showFieldError(form, 'email', t('err.required'));
    busy(form, async () => {
      try {
        const made = await post('/api/mission-creators', { email: email.input.value.trim(), name: name.input.value.trim() });
        form.reset();
        await draw();
        st.ok(t('creators.added', { name: made.name }));
      } catch (err) {
        showError(form, err, st);
      }
    });
  });
  return h('section', { class: 'card creators-card', 'aria-labelledby': 'creators-h' },
    h('h2', { id: 'creators-h' }, t('creators.title')),
    h('p', { class: 'muted' }, t('creators.lead')), listEl, form);
}
