// @ts-check
/** /m/<id>/organise — invite people (the invitation is mailed when the server sends mail; the answer also holds the
 * link to pass on) and follow the invitations. */

import { get, post } from '../api.js';
import { h, icon, replace } from '../dom.js';
import { t } from '../i18n.js';
import { loadMission, missionHeader, missionId } from '../mission-common.js';
import { browserZone, formatDateTime } from '../time.js';
import { badge, busy, button, clearErrors, empty, errorMessage, field, showError, showFieldError, status } from '../ui.js';
import { copyButton } from '../widgets.js';

const ROLES = ['participant', 'speaker', 'moderator', 'host', 'organiser'];

/** @param {any} inv */
function invitationRow(inv) {
  const zone = browserZone();
  const when = inv.status === 'accepted' && inv.accepted_at
    ? t('organise.acceptedOn', { date: formatDateTime(inv.accepted_at, zone) })
    : inv.status === 'expired'
      ? t('organise.expiredOn', { date: formatDateTime(inv.expires_at, zone) })
      : t('organise.expiresOn', { date: formatDateTime(inv.expires_at, zone) });
  return h('li', { class: 'invitation', dataset: { email: inv.email, status: inv.status } },
    h('div', { class: 'invitation-who' },
      h('p', { class: 'invitation-name' }, inv.name),
      h('p', { class: 'muted small' }, inv.email, inv.organisation ? ` · ${inv.organisation}` : '')),
    h('div', { class: 'badges' },
      badge(t(`role.${inv.role}`), 'role'),
      inv.side ? badge(t(`side.${inv.side}`), `side-${inv.side}`) : null),
    h('div', { class: 'invitation-status' },
      badge(t(`invstatus.${inv.status}`), `status-${inv.status}`),
      h('p', { class: 'muted small' }, when)));
}

/**
 * The mission's suspended people, each with "Reinstate" (back with the role and side they had).
 * @param {number} mid @param {import('../app.js').PageContext} ctx
 */
async function suspendedCard(mid, ctx) {
  const st = status();
  const listEl = h('div');
  const draw = async () => {
    const people = await get(`/api/missions/${mid}/suspended`, { signal: ctx.signal });
    replace(listEl, people.length
      ? h('ul', { class: 'invitations suspended', role: 'list' }, people.map((/** @type {any} */ p) =>
        h('li', { class: 'invitation', dataset: { user: String(p.user_id) } },
          h('div', { class: 'invitation-who' }, h('p', { class: 'invitation-name' }, p.name)),
          h('div', { class: 'badges' }, badge(t(`role.${p.role}`), 'role'),
            p.side ? badge(t(`side.${p.side}`), `side-${p.side}`) : null),
          button(t('organise.reinstate', { name: p.name }), { small: true, onclick: async () => {
            try {
              await post(`/api/missions/${mid}/people/${p.user_id}/reinstate`);
              st.ok(t('organise.reinstated', { name: p.name }));
              await draw();
            } catch (err) {
              st.error(errorMessage(err));
            }
          } }))))
      : h('p', { class: 'muted' }, t('organise.noneSuspended')));
  };
  await draw();
  return h('section', { class: 'card', 'aria-labelledby': 'suspended-h' },
    h('h2', { id: 'suspended-h' }, t('organise.suspendedTitle')), listEl, st.el);
}

/** @param {import('../app.js').PageContext} ctx */
export async function render(ctx) {
  const mid = missionId(ctx.params);
  const view = await loadMission(mid);
  if (!view.permissions.includes('invite')) {
    return { title: t('organise.title'), node: h('div', null, missionHeader(view, 'organise'),
      h('div', { class: 'card notice' }, h('h1', { tabindex: '-1' }, t('organise.title')), h('p', null, t('organise.notAllowed')))) };
  }
  let invitations = await get(`/api/missions/${mid}/invitations`, { signal: ctx.signal });
  const listEl = h('div');
  const drawList = () => replace(listEl, invitations.length
    ? h('ul', { class: 'invitations', role: 'list' }, invitations.map(invitationRow))
    : empty(t('organise.noneTitle'), t('organise.noneText')));
  drawList();
  const counts = () => {
    const by = (/** @type {string} */ s) => invitations.filter((/** @type {any} */ i) => i.status === s).length;
    return t('organise.counts', { pending: by('pending'), accepted: by('accepted'), expired: by('expired') });
  };
  const countEl = h('p', { class: 'muted' }, counts());

  const email = field({ label: t('organise.email'), name: 'email', type: 'email', required: true, inputmode: 'email',
    autocomplete: 'off' });
  const name = field({ label: t('organise.name'), name: 'name', required: true, autocomplete: 'off', maxlength: 120 });
  const org = field({ label: t('organise.organisation'), name: 'organisation', optional: true, autocomplete: 'off',
    maxlength: 120 });
  const role = field({ label: t('organise.role'), name: 'role', value: 'participant',
    options: ROLES.map((r) => [r, t(`role.${r}`)]) });
  const sideName = 'invite-side';
  const sideEl = h('div', { class: 'field', dataset: { field: 'side' } },
    h('fieldset', { class: 'radio-row' },
      h('legend', null, t('organise.side')),
      ['delegation', 'partner'].map((s) => h('label', { class: 'radio' },
        h('input', { type: 'radio', name: sideName, value: s }),
        h('span', null, h('strong', null, t(`side.${s}`)), h('span', { class: 'muted small block' }, t(`side.${s}.hint`))))),
      h('label', { class: 'radio' }, h('input', { type: 'radio', name: sideName, value: '' }),
        h('span', null, h('strong', null, t('organise.noSide')), h('span', { class: 'muted small block' }, t('organise.noSideHint'))))),
    h('p', { class: 'field-error', id: 'invite-side-error', hidden: true }));
  const st = status();
  const result = h('div', { class: 'invite-result', hidden: true });
  const form = h('form', { class: 'stack', novalidate: true },
    h('div', { class: 'grid-2' }, email.el, name.el),
    h('div', { class: 'grid-2' }, org.el, role.el),
    sideEl, st.el,
    h('div', { class: 'form-actions' }, button(t('organise.submit'), { type: 'submit', variant: 'primary', icon: 'mail' })));

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    clearErrors(form);
    const side = /** @type {HTMLInputElement | null} */ (form.querySelector(`input[name=${sideName}]:checked`))?.value || '';
    if (!email.input.value.trim()) return void showFieldError(form, 'email', t('err.required'));
    if (!name.input.value.trim()) return void showFieldError(form, 'name', t('err.required'));
    if (role.input.value === 'participant' && !side) return void showFieldError(form, 'side', t('err.side-required'));
    /** @type {Record<string, any>} */
    const body = { email: email.input.value.trim(), name: name.input.value.trim(), role: role.input.value,
      organisation: org.input.value.trim() };
    if (side) body.side = side;
    busy(form, async () => {
      try {
        const made = await post(`/api/missions/${mid}/invitations`, body);
        const linkId = 'invite-link';
        const live = h('p', { class: 'status ok', role: 'status', 'aria-live': 'polite' });
        const linkInput = h('input', { id: linkId, type: 'text', readonly: true, value: made.link, class: 'mono',
          onfocus: (/** @type {FocusEvent} */ ev) => /** @type {HTMLInputElement} */ (ev.target).select() });
        result.hidden = false;
        replace(result,
          h('h3', null, icon('check'), t('organise.made', { name: made.invitation.name })),
          h('p', null, t(made.mail_sent ? 'organise.mailed' : 'organise.notMailed', { email: made.invitation.email })),
          h('div', { class: 'field' }, h('label', { for: linkId }, t('organise.link')),
            h('div', { class: 'copy-row' }, linkInput, copyButton(() => made.link, live))),
          live);
        invitations = await get(`/api/missions/${mid}/invitations`);
        drawList();
        countEl.textContent = counts();
        form.reset();
        role.input.value = 'participant';
        /** @type {HTMLElement} */ (result.querySelector('button'))?.focus();
      } catch (err) {
        showError(form, err, st);
      }
    });
  });

  const node = h('div', null,
    missionHeader(view, 'organise'),
    h('div', { class: 'section-head' }, h('h1', { tabindex: '-1' }, t('organise.title')),
      h('div', { class: 'form-actions' },
        h('a', { class: 'btn btn-secondary btn-small', href: `/m/${mid}/organise/settings` }, icon('edit'),
          h('span', null, t('organise.settingsLink'))),
        (await ctx.me())?.user.can_create_missions
          ? h('a', { class: 'btn btn-secondary btn-small', href: `/m/${mid}/organise/template` }, icon('copy'),
            h('span', null, t('organise.templateLink'))) : null,
        h('a', { class: 'btn btn-secondary btn-small', href: `/m/${mid}/organise/outbox` }, icon('mail'),
          h('span', null, t('organise.outboxLink'))),
        h('a', { class: 'btn btn-secondary btn-small', href: `/m/${mid}/organise/people` }, icon('users'),
          h('span', null, t('organise.peopleLink'))),
        view.permissions.includes('manage-programme')
          ? h('a', { class: 'btn btn-secondary btn-small', href: `/m/${mid}/organise/tracks` }, icon('users'),
            h('span', null, t('aud.tracksLink'))) : null,
        view.permissions.includes('manage-registrations')
          ? h('a', { class: 'btn btn-secondary btn-small', href: `/m/${mid}/organise/registrations` }, icon('check'),
            h('span', null, t('organise.registrationsLink'))) : null,
        view.permissions.includes('view-results')
          ? h('a', { class: 'btn btn-secondary btn-small', href: `/m/${mid}/organise/results` }, icon('chart'),
            h('span', null, t('results.link'))) : null,
        view.permissions.includes('manage-matchmaking')
          ? h('a', { class: 'btn btn-secondary btn-small', href: `/m/${mid}/organise/meetings` }, icon('handshake'),
            h('span', null, t('organise.meetingsLink'))) : null,
        view.permissions.includes('manage-matchmaking')
          ? h('a', { class: 'btn btn-secondary btn-small', href: `/m/${mid}/organise/matchmaking` }, icon('clock'),
            h('span', null, t('ctl.rulesTitle'))) : null)),
    h('div', { class: 'organise-layout' },
      h('section', { class: 'card', 'aria-labelledby': 'inv-form-h' },
        h('h2', { id: 'inv-form-h' }, t('organise.inviteTitle')),
        h('p', { class: 'muted' }, t('organise.inviteLead')),
        result, form),
      h('section', { class: 'card', 'aria-labelledby': 'inv-list-h' },
        h('h2', { id: 'inv-list-h' }, t('organise.listTitle')), countEl, listEl),
      view.permissions.includes('manage-members') ? await suspendedCard(mid, ctx) : null));
  return { title: `${t('organise.title')} · ${view.mission.title}`, node };
}
