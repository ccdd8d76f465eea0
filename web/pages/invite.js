// @ts-check
/** /invite#t=TOKEN — an invitation: what it is for, then accept with a name (and maybe a password). */

import { ApiError, post } from '../api.js';
import { navigate } from '../app.js';
import { h, icon } from '../dom.js';
import { t } from '../i18n.js';
import { formatDateRange, zoneCity } from '../time.js';
import { badge, busy, button, clearErrors, field, showError, showFieldError, status } from '../ui.js';
import { tokenFrom, tokenProblem } from './link.js';

/** @param {import('../app.js').PageContext} ctx */
export async function render(ctx) {
  const token = tokenFrom(ctx.hash);
  if (!token) {
    return { title: t('invite.problem'), node: tokenProblem(new ApiError(400, 'token-invalid', ''), 'invite') };
  }
  /** @type {any} */
  let inv;
  try {
    inv = await post('/api/invitations/peek', { token });
  } catch (err) {
    if (err instanceof ApiError && err.status >= 500) throw err;
    return { title: t('invite.problem'), node: tokenProblem(err, 'invite') };
  }
  if (inv.status === 'accepted' || inv.status === 'expired' || inv.status === 'revoked') {
    const code = { accepted: 'token-used', expired: 'token-expired', revoked: 'token-revoked' }[
      /** @type {'accepted'|'expired'|'revoked'} */ (inv.status)];
    return { title: t('invite.problem'), node: tokenProblem(new ApiError(410, code, ''), 'invite') };
  }
  const m = inv.mission;
  const name = field({ label: t('invite.name'), name: 'name', required: true, value: inv.name, autocomplete: 'name',
    maxlength: 120 });
  const password = field({
    label: t('invite.password'), name: 'password', type: 'password', optional: true, minlength: 10,
    autocomplete: 'new-password', hint: t('invite.passwordHint'),
  });
  const st = status();
  const form = h('form', { class: 'stack', novalidate: true },
    name.el, password.el, st.el,
    button(t('invite.accept'), { type: 'submit', variant: 'primary', icon: 'check',
      attrs: { class: 'btn btn-primary btn-block btn-large' } }));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    clearErrors(form);
    const n = name.input.value.trim();
    const pw = password.input.value;
    if (!n) {
      showFieldError(form, 'name', t('err.required'));
      return;
    }
    if (pw && pw.length < 10) {
      showFieldError(form, 'password', t('err.password-short'));
      return;
    }
    busy(form, async () => {
      try {
        const body = pw ? { token, name: n, password: pw } : { token, name: n };
        const done = await post('/api/invitations/accept', body);
        ctx.forgetMe();
        navigate(`/profile?welcome=${encodeURIComponent(done.mission_id)}`, { replace: true });
      } catch (err) {
        if (err instanceof ApiError && ['token-used', 'token-expired', 'token-invalid', 'token-revoked'].includes(err.code)) {
          st.error(t(`invite.${err.code}.text`));
        } else {
          showError(form, err, st);
        }
      }
    });
  });

  const role = t(`role.${inv.role}`);
  const node = h('div', { class: 'invite-layout' },
    h('section', { class: 'invite-mission' },
      h('p', { class: 'eyebrow' }, t('invite.eyebrow')),
      h('h1', { tabindex: '-1' }, m.title),
      h('ul', { class: 'meta-list' },
        h('li', null, icon('pin'), m.destination),
        h('li', null, icon('calendar'), formatDateRange(m.start_date, m.end_date)),
        h('li', null, icon('clock'), t('invite.zone', { zone: zoneCity(m.timezone) }))),
      h('div', { class: 'badges' },
        badge(role, 'role'),
        inv.side ? badge(t(`side.${inv.side}`), `side-${inv.side}`) : null),
      h('p', { class: 'lead' }, inv.side
        ? t('invite.asSide', { role: role.toLowerCase(), side: t(`side.${inv.side}.the`) })
        : t('invite.asRole', { role: role.toLowerCase() }))),
    h('section', { class: 'card', 'aria-labelledby': 'accept-h' },
      h('h2', { id: 'accept-h' }, t('invite.formTitle')),
      h('p', { class: 'muted' }, t('invite.for'), ' ', h('strong', null, inv.email),
        inv.organisation ? ` · ${inv.organisation}` : ''),
      form));
  return { title: t('invite.title', { mission: m.title }), node };
}
