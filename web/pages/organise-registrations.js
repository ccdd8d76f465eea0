// @ts-check
/**
 * /m/<id>/organise/registrations — public registration for organisers: switch the public page on or off (with
 * an optional closing day), then the queue: each pending registration with its intake answers, approve (the
 * person is invited by mail) or reject with a reason (mailed to them). Approved and rejected lists below.
 */

import { get, post, put } from '../api.js';
import { h, icon, replace } from '../dom.js';
import { t, tn } from '../i18n.js';
import { loadMission, missionHeader, missionId } from '../mission-common.js';
import { browserZone, formatDateTime } from '../time.js';
import { badge, busy, button, empty, field, showError, status } from '../ui.js';
import { copyButton } from '../widgets.js';

/**
 * @typedef {{name: string, email: string, organisation: string, side: string, country: string, language: string,
 *            org_type: string, registration_number: string, website: string, sectors: string[], offers: string,
 *            seeks: string}} Intake
 * @typedef {{id: number, draft: Intake, status: string, created_at: string, reason: string,
 *            decided_at: string|null, invitation_id: number|null}} Registration
 */

/** The intake answers as a description list. @param {Intake} d */
function answers(d) {
  /** @type {Array<[string, string]>} */
  const rows = [
    ['register.email', d.email], ['register.orgType', t(`org.${d.org_type}`)],
    ['register.number', d.registration_number], ['register.website', d.website],
    ['register.country', d.country], ['register.side', t(`side.${d.side}`)],
    ['register.language', t(`lang.${d.language}`)], ['register.sectors', d.sectors.join(', ')],
    ['register.offers', d.offers], ['register.seeks', d.seeks],
  ];
  return h('dl', { class: 'reg-answers' }, rows.filter(([, v]) => v).flatMap(([k, v]) => [
    h('dt', null, t(k)), h('dd', null, v)]));
}

/** The settings card. @param {number} mid @param {{open: boolean, closes_on: string|null}} s */
function settingsCard(mid, s) {
  const url = `${location.origin}/register/${mid}`;
  const open = h('input', { type: 'checkbox', id: 'reg-open', class: 'switch', checked: s.open });
  const closes = field({ label: t('oreg.closesOn'), name: 'closes_on', type: 'date', optional: true,
    value: s.closes_on || '', hint: t('oreg.closesHint') });
  const st = status();
  const linkLive = h('span', { class: 'sr-only', 'aria-live': 'polite' });
  const form = h('form', { class: 'stack', novalidate: true },
    h('label', { class: 'switch-row', for: 'reg-open' }, open, h('span', null, t('oreg.open'))),
    closes.el,
    h('p', { class: 'small' }, t('oreg.publicLink'), ' ', h('a', { href: url, id: 'reg-public-link' }, url), ' ',
      copyButton(() => url, linkLive), linkLive),
    st.el,
    h('div', { class: 'form-actions' }, button(t('oreg.save'), { type: 'submit', variant: 'primary' })));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    busy(form, async () => {
      try {
        await put(`/api/missions/${mid}/registration`,
          { open: open.checked, closes_on: closes.input.value || null });
        st.ok(open.checked ? t('oreg.savedOpen') : t('oreg.savedClosed'));
      } catch (err) {
        showError(form, err, st);
      }
    });
  });
  return h('section', { class: 'card', 'aria-labelledby': 'reg-set-h' },
    h('h2', { id: 'reg-set-h' }, t('oreg.settingsTitle')), form);
}

/** @param {number} mid @param {Registration} r @param {string} zone @param {() => void} reload */
function pendingItem(mid, r, zone, reload) {
  const d = r.draft;
  const st = status();
  const approveForm = h('form', { class: 'form-actions' },
    button(t('oreg.approve', { name: d.name }), { type: 'submit', variant: 'primary', icon: 'check' }));
  approveForm.addEventListener('submit', (e) => {
    e.preventDefault();
    busy(approveForm, async () => {
      try {
        await post(`/api/missions/${mid}/registrations/${r.id}/approve`);
        reload();
      } catch (err) {
        showError(approveForm, err, st);
      }
    });
  });
  const reason = field({ label: t('oreg.reason'), name: 'reason', rows: 2, maxlength: 1000,
    hint: t('oreg.reasonHint') });
  const rejectForm = h('form', { class: 'stack', novalidate: true }, reason.el,
    button(t('oreg.reject', { name: d.name }), { type: 'submit', variant: 'danger' }));
  rejectForm.addEventListener('submit', (e) => {
    e.preventDefault();
    busy(rejectForm, async () => {
      try {
        await post(`/api/missions/${mid}/registrations/${r.id}/reject`, { reason: reason.input.value });
        reload();
      } catch (err) {
        showError(rejectForm, err, st);
      }
    });
  });
  const item = h('li', { class: 'card reg-item', dataset: { id: r.id, status: r.status } },
    h('h3', null, d.name, ' · ', d.organisation),
    h('p', { class: 'muted small' }, t('oreg.registeredOn', { date: formatDateTime(r.created_at, zone) })),
    answers(d),
    approveForm,
    h('details', null, h('summary', null, t('oreg.rejectOpen')), rejectForm),
    st.el);
  return item;
}

/** @param {Registration} r @param {string} zone */
function decidedItem(r, zone) {
  const d = r.draft;
  return h('li', { class: 'reg-decided', dataset: { id: r.id, status: r.status } },
    h('p', null, h('strong', null, d.name), ' · ', d.organisation, ' · ', d.email, ' ',
      badge(t(`oreg.status.${r.status}`), r.status === 'approved' ? 'status-accepted' : 'status-failed')),
    h('p', { class: 'muted small' }, formatDateTime(r.decided_at || r.created_at, zone),
      r.reason ? ` · ${t('oreg.because', { reason: r.reason })}` : ''));
}

/** @param {import('../app.js').PageContext} ctx */
export async function render(ctx) {
  const mid = missionId(ctx.params);
  const view = await loadMission(mid);
  const title = t('oreg.title');
  if (!view.permissions.includes('manage-registrations')) {
    return { title, node: h('div', null, missionHeader(view, 'organise'),
      h('div', { class: 'card notice' }, h('h1', { tabindex: '-1' }, title), h('p', null, t('oreg.notAllowed')))) };
  }
  const zone = browserZone();
  const settings = await get(`/api/missions/${mid}/registration`, { signal: ctx.signal });
  const queueEl = h('div', { id: 'reg-queue' });
  const load = async () => {
    /** @type {Registration[]} */
    const all = await get(`/api/missions/${mid}/registrations`, { signal: ctx.signal });
    const pending = all.filter((r) => r.status === 'pending');
    const decided = (/** @type {string} */ s) => all.filter((r) => r.status === s);
    const list = (/** @type {string} */ s, /** @type {string} */ key) => h('section', { class: 'card',
      'aria-labelledby': `reg-${s}-h` },
    h('h2', { id: `reg-${s}-h` }, tn(key, decided(s).length)),
    decided(s).length ? h('ul', { class: 'invitations', role: 'list' }, decided(s).map((r) => decidedItem(r, zone)))
      : h('p', { class: 'muted' }, t('oreg.noneYet')));
    replace(queueEl,
      h('section', { 'aria-labelledby': 'reg-pending-h' },
        h('h2', { id: 'reg-pending-h' }, tn('oreg.pending', pending.length)),
        pending.length ? h('ul', { class: 'reg-list', role: 'list' },
          pending.map((r) => pendingItem(mid, r, zone, () => { load(); })))
          : empty(t('oreg.noneTitle'), t('oreg.noneText'))),
      list('approved', 'oreg.approved'), list('rejected', 'oreg.rejected'));
  };
  await load();
  const node = h('div', null,
    missionHeader(view, 'organise'),
    h('div', { class: 'section-head' },
      h('h1', { tabindex: '-1' }, title),
      h('a', { class: 'btn btn-ghost btn-small', href: `/m/${mid}/organise` }, icon('users'),
        h('span', null, t('oreg.back')))),
    settingsCard(mid, settings), queueEl);
  return { title: `${title} · ${view.mission.title}`, node };
}
