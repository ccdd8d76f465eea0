// @ts-check
/** /link#t=TOKEN — a one-time sign-in link: who is it for, then "Continue as …". */

import { ApiError, post } from '../api.js';
import { navigate } from '../app.js';
import { h, icon } from '../dom.js';
import { t } from '../i18n.js';
import { avatar, button, errorMessage, status } from '../ui.js';

/** The token from a "#t=…" fragment. @param {string} hash */
export function tokenFrom(hash) {
  return new URLSearchParams(hash).get('t') || '';
}

/** A card explaining why a link cannot be used. @param {unknown} err @param {string} kind */
export function tokenProblem(err, kind) {
  const code = err instanceof ApiError ? err.code : '';
  const known = ['token-used', 'token-expired', 'token-invalid'].includes(code)
    || (kind === 'invite' && code === 'token-revoked');
  const title = known ? t(`${kind}.${code}.title`) : t('err.title');
  const text = known ? t(`${kind}.${code}.text`) : errorMessage(err);
  return h('div', { class: 'card narrow notice notice-error', role: 'alert' },
    h('h1', { tabindex: '-1' }, title),
    h('p', null, text),
    h('p', { class: 'actions' },
      h('a', { href: '/signin', class: 'btn btn-primary' }, t('link.toSignin'))));
}

/** @param {import('../app.js').PageContext} ctx */
export async function render(ctx) {
  const token = tokenFrom(ctx.hash);
  if (!token) {
    const err = new ApiError(400, 'token-invalid', 'No token');
    return { title: t('link.token-invalid.title'), node: tokenProblem(err, 'link') };
  }
  /** @type {{user: {id: number, name: string, email: string}, mission_id: number | null}} */
  let info;
  try {
    info = await post('/api/auth/link/peek', { token });
  } catch (err) {
    if (err instanceof ApiError && err.status >= 500) throw err;
    return { title: t('link.problem'), node: tokenProblem(err, 'link') };
  }
  const st = status();
  const go = button(t('link.continueAs', { name: info.user.name }), {
    variant: 'primary', icon: 'arrow', attrs: { class: 'btn btn-primary btn-block btn-large' },
  });
  go.addEventListener('click', async () => {
    go.disabled = true;
    st.set(t('signin.signingIn'));
    try {
      const done = await post('/api/auth/link/use', { token });
      ctx.forgetMe();
      navigate(done.mission_id ? `/m/${done.mission_id}` : '/', { replace: true });
    } catch (err) {
      go.disabled = false;
      st.error(errorMessage(err));
    }
  });
  const node = h('div', { class: 'card narrow center-card' },
    h('div', { class: 'center' }, avatar(info.user.name, 'avatar-large')),
    h('h1', { tabindex: '-1', class: 'center' }, t('link.title')),
    h('p', { class: 'center muted' }, t('link.for'), ' ', h('strong', null, info.user.email)),
    go,
    st.el,
    h('p', { class: 'muted small center' }, icon('check'), ' ', t('link.once')),
    h('p', { class: 'small center' }, t('link.notYou'), ' ', h('a', { href: '/signin' }, t('link.toSignin'))));
  return { title: t('link.title'), node };
}
