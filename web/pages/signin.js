// @ts-check
/** /signin — password, or a one-time link by e-mail. */

import { post } from '../api.js';
import { navigate } from '../app.js';
import { h, icon } from '../dom.js';
import { t } from '../i18n.js';
import { busy, button, clearErrors, field, showError, showFieldError, status } from '../ui.js';

/** Only ever go on to a local path. @param {string | null} next */
export function safeNext(next) {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

/** @param {import('../app.js').PageContext} ctx */
export async function render(ctx) {
  const next = safeNext(ctx.query.get('next'));
  const signedIn = await ctx.me().catch(() => null);

  const email = field({ label: t('signin.email'), name: 'email', type: 'email', required: true,
    autocomplete: 'username', inputmode: 'email' });
  const password = field({ label: t('signin.password'), name: 'password', type: 'password', required: true,
    autocomplete: 'current-password' });
  const st = status();
  const form = h('form', { class: 'stack', novalidate: true },
    email.el, password.el, st.el,
    button(t('signin.submit'), { type: 'submit', variant: 'primary', attrs: { class: 'btn btn-primary btn-block' } }));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    clearErrors(form);
    if (!email.input.value.trim()) {
      showFieldError(form, 'email', t('err.required'));
      return;
    }
    if (!password.input.value) {
      showFieldError(form, 'password', t('err.required'));
      return;
    }
    busy(form, async () => {
      st.set(t('signin.signingIn'));
      try {
        await post('/api/auth/password', { email: email.input.value.trim(), password: password.input.value });
        ctx.forgetMe();
        navigate(next, { replace: true });
      } catch (err) {
        showError(form, err, st);
      }
    });
  });

  const linkEmail = field({ label: t('signin.email'), name: 'email', type: 'email', required: true,
    autocomplete: 'email', inputmode: 'email' });
  const linkStatus = status();
  const linkForm = h('form', { class: 'stack', novalidate: true },
    linkEmail.el, linkStatus.el,
    button(t('signin.sendLink'), { type: 'submit', icon: 'mail', attrs: { class: 'btn btn-secondary btn-block' } }));
  linkForm.addEventListener('submit', (e) => {
    e.preventDefault();
    clearErrors(linkForm);
    const value = linkEmail.input.value.trim();
    if (!value) {
      showFieldError(linkForm, 'email', t('err.required'));
      return;
    }
    busy(linkForm, async () => {
      try {
        const answer = await post('/api/auth/request-link', { email: value });
        // Only say the link is on its way when this server really sends mail.
        linkStatus.ok(t(answer?.mail_sent === false ? 'signin.noMail' : 'signin.checkMail', { email: value }));
      } catch (err) {
        showError(linkForm, err, linkStatus);
      }
    });
  });

  const node = h('div', { class: 'auth-layout' },
    h('section', { class: 'auth-intro' },
      h('p', { class: 'eyebrow' }, t('signin.eyebrow')),
      h('h1', { tabindex: '-1' }, t('signin.title')),
      h('p', { class: 'lead' }, t('signin.lead')),
      h('ul', { class: 'feature-list' },
        h('li', null, icon('calendar'), t('signin.f1')),
        h('li', null, icon('users'), t('signin.f2')),
        h('li', null, icon('globe'), t('signin.f3')))),
    h('section', { class: 'card auth-card', 'aria-labelledby': 'signin-h' },
      signedIn ? h('p', { class: 'notice' }, t('signin.already', { name: signedIn.user.name }), ' ',
        h('a', { href: '/' }, t('nav.missions'))) : null,
      h('h2', { id: 'signin-h' }, t('signin.withPassword')),
      form,
      h('div', { class: 'divider', role: 'separator' }, h('span', null, t('signin.or'))),
      h('h2', null, t('signin.withLink')),
      h('p', { class: 'muted' }, t('signin.linkHint')),
      linkForm));
  return { title: t('signin.title'), node };
}

