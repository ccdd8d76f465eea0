// @ts-check
/** /unsubscribe?t=TOKEN — a reminder mail's one-click unsubscribe: turns that kind of mail off (no sign-in), says
 * what was turned off, and offers to undo it. Opening it twice is turning it off once. */

import { ApiError, post } from '../api.js';
import { h, icon } from '../dom.js';
import { t } from '../i18n.js';
import { button, errorMessage, status } from '../ui.js';

/** @param {string} token */
const q = (token) => `?t=${encodeURIComponent(token)}`;

/** @param {import('../app.js').PageContext} ctx */
export async function render(ctx) {
  const token = ctx.query.get('t') || '';
  /** @type {{kind: string, mail: boolean, email: string}} */
  let done;
  try {
    done = await post(`/api/unsubscribe${q(token)}`);
  } catch (err) {
    if (err instanceof ApiError && err.status >= 500) throw err;
    const node = h('div', { class: 'card narrow notice notice-error', role: 'alert' },
      h('h1', { tabindex: '-1' }, t('unsub.invalidTitle')),
      h('p', null, err instanceof ApiError && err.code === 'unsubscribe-invalid' ? t('unsub.invalidText')
        : errorMessage(err)),
      h('p', { class: 'actions' }, h('a', { href: '/profile#reminders', class: 'btn btn-primary' }, t('unsub.settings'))));
    return { title: t('unsub.invalidTitle'), node };
  }
  const kind = t(`reminders.kind.${done.kind}`);
  const st = status();
  const title = h('h1', { tabindex: '-1' }, t('unsub.title'));
  const said = h('p', null, t('unsub.off', { kind, email: done.email }));
  const undo = button(t('unsub.undo'), { variant: 'secondary', icon: 'arrow' });
  undo.addEventListener('click', async () => {
    undo.disabled = true;
    try {
      const again = await post(`/api/unsubscribe/undo${q(token)}`);
      const on = again.mail;
      title.textContent = on ? t('unsub.undoneTitle') : t('unsub.title');
      said.textContent = t(on ? 'unsub.on' : 'unsub.off', { kind, email: done.email });
      undo.hidden = on;
      st.ok(t('unsub.undone'));
    } catch (err) {
      undo.disabled = false;
      st.error(errorMessage(err));
    }
  });
  const node = h('div', { class: 'card narrow center-card' },
    title, said, h('p', { class: 'muted' }, t('unsub.others')),
    h('p', { class: 'actions' }, undo, h('a', { href: '/profile#reminders', class: 'btn btn-secondary' },
      icon('check'), t('unsub.settings'))),
    st.el);
  return { title: t('unsub.title'), node };
}
