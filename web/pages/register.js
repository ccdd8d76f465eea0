// @ts-check
/**
 * /register/<mission id> — a mission's public registration page: no account needed. It shows the mission, its
 * dates and organiser, then the intake form; errors appear at their field. Every accepted registration gets the
 * same answer ("check your mail"): whether the address registered before is said only in the mail.
 */

import { ApiError, get, post } from '../api.js';
import { h, icon, replace } from '../dom.js';
import { lang, t } from '../i18n.js';
import { formatDate, formatDateRange } from '../time.js';
import { busy, button, clearErrors, field, showError, showFieldError, status } from '../ui.js';
import { countryOptions } from '../widgets.js';
import { ORG_TYPES } from './directory.js';

/**
 * @typedef {{mission_id: number, title: string, destination: string, start_date: string, end_date: string,
 *            organiser: string, sectors: string[], open: boolean, closes_on: string|null}} RegistrationPage
 */

/** A clear page without a form. @param {string} title @param {string} text */
function closed(title, text) {
  return h('section', { class: 'card notice register-closed' },
    h('h1', { tabindex: '-1' }, title), h('p', null, text));
}

/** @param {RegistrationPage} p */
function missionCard(p) {
  return h('section', { class: 'invite-mission' },
    h('p', { class: 'eyebrow' }, t('register.eyebrow')),
    h('h1', { tabindex: '-1' }, p.title),
    h('ul', { class: 'meta-list' },
      h('li', null, icon('pin'), p.destination),
      h('li', null, icon('calendar'), formatDateRange(p.start_date, p.end_date)),
      p.organiser ? h('li', null, icon('users'), t('register.organiser', { name: p.organiser })) : null,
      p.closes_on ? h('li', null, icon('clock'), t('register.closesOn', { date: formatDate(p.closes_on) })) : null));
}

/** @param {string} name @param {string} legend @param {Array<[string, string]>} options @param {string} type */
function choices(name, legend, options, type = 'radio') {
  return h('div', { class: 'field', dataset: { field: name } },
    h('fieldset', { class: 'radio-row' },
      h('legend', null, legend),
      options.map(([value, label]) => h('label', { class: 'radio' },
        h('input', { type, name: `reg-${name}`, value }), h('span', null, label)))),
    h('p', { class: 'field-error', id: `reg-${name}-error`, hidden: true }));
}

/** @param {RegistrationPage} p @param {HTMLElement} panel */
function form(p, panel) {
  const name = field({ label: t('register.name'), name: 'name', required: true, autocomplete: 'name', maxlength: 120 });
  const email = field({ label: t('register.email'), name: 'email', type: 'email', required: true,
    autocomplete: 'email', inputmode: 'email', maxlength: 254 });
  const org = field({ label: t('register.organisation'), name: 'organisation', required: true,
    autocomplete: 'organization', maxlength: 120 });
  const orgType = field({ label: t('register.orgType'), name: 'org_type', value: 'other',
    options: ORG_TYPES.map((v) => [v, t(`org.${v}`)]) });
  const number = field({ label: t('register.number'), name: 'registration_number', optional: true, maxlength: 40,
    hint: t('register.numberHint') });
  const website = field({ label: t('register.website'), name: 'website', type: 'url', optional: true,
    autocomplete: 'url', maxlength: 200, placeholder: 'https://' });
  const country = field({ label: t('register.country'), name: 'country', required: true, options: countryOptions() });
  const language = field({ label: t('register.language'), name: 'language', value: lang() === 'nl' ? 'nl' : 'en',
    options: [['en', t('lang.en')], ['nl', t('lang.nl')]], hint: t('register.languageHint') });
  const side = choices('side', t('register.side'),
    [['delegation', `${t('side.delegation')} — ${t('side.delegation.hint')}`],
      ['partner', `${t('side.partner')} — ${t('side.partner.hint')}`]]);
  const sectors = p.sectors.length
    ? choices('sectors', t('register.sectors'), p.sectors.map((s) => [s, s]), 'checkbox') : null;
  const offers = field({ label: t('register.offers'), name: 'offers', rows: 3, optional: true, maxlength: 1000 });
  const seeks = field({ label: t('register.seeks'), name: 'seeks', rows: 3, optional: true, maxlength: 1000 });
  const st = status();
  const el = h('form', { class: 'stack register-form', novalidate: true },
    h('div', { class: 'grid-2' }, name.el, email.el),
    h('div', { class: 'grid-2' }, org.el, orgType.el),
    h('div', { class: 'grid-2' }, number.el, website.el),
    h('div', { class: 'grid-2' }, country.el, language.el),
    side, sectors, offers.el, seeks.el, st.el,
    button(t('register.submit'), { type: 'submit', variant: 'primary', icon: 'check',
      attrs: { class: 'btn btn-primary btn-block btn-large' } }));
  const checked = (/** @type {string} */ n) => [...el.querySelectorAll(`input[name="reg-${n}"]:checked`)]
    .map((i) => /** @type {HTMLInputElement} */ (i).value);
  el.addEventListener('submit', (e) => {
    e.preventDefault();
    clearErrors(el);
    const body = {
      name: name.input.value.trim(), email: email.input.value.trim(), organisation: org.input.value.trim(),
      org_type: orgType.input.value, registration_number: number.input.value.trim(),
      website: website.input.value.trim(), country: country.input.value, language: language.input.value,
      side: checked('side')[0] || '', sectors: checked('sectors'), offers: offers.input.value.trim(),
      seeks: seeks.input.value.trim(),
    };
    // The first empty required field is named at once; the server checks everything again.
    for (const [key, value] of /** @type {Array<[string, string]>} */ ([['name', body.name], ['email', body.email],
      ['organisation', body.organisation], ['country', body.country], ['side', body.side]])) {
      if (!value) {
        showFieldError(el, key, t(key === 'side' ? 'register.sideRequired' : 'err.required'));
        return;
      }
    }
    busy(el, async () => {
      try {
        await post(`/api/register/${p.mission_id}`, body);
        const heading = h('h2', { tabindex: '-1' }, t('register.thanksTitle'));
        replace(panel, h('div', { class: 'card register-done', role: 'status' },
          heading, h('p', null, t('register.thanksText', { email: body.email }))));
        heading.focus();
      } catch (err) {
        if (err instanceof ApiError && err.status === 429) st.error(t('register.tooMany'));
        else showError(el, err, st);
      }
    });
  });
  return el;
}

/** @param {import('../app.js').PageContext} ctx */
export async function render(ctx) {
  /** @type {RegistrationPage} */
  let p;
  try {
    p = await get(`/api/register/${ctx.params[0]}`, { signal: ctx.signal });
  } catch (err) {
    if (err instanceof ApiError && err.code === 'registration-closed') {
      return { title: t('register.closedTitle'), node: closed(t('register.closedTitle'), t('register.offText')) };
    }
    throw err;
  }
  const panel = h('section', { class: 'card invite-form register-panel', 'aria-labelledby': 'reg-form-h' });
  if (p.open) {
    replace(panel, h('h2', { id: 'reg-form-h' }, t('register.formTitle')),
      h('p', { class: 'muted' }, t('register.lead')), form(p, panel));
  } else {
    replace(panel, h('h2', { id: 'reg-form-h' }, t('register.closedTitle')), h('p', null, t('register.pastText')));
  }
  return { title: `${t('register.title')} · ${p.title}`, node: h('div', { class: 'invite-layout register-layout' },
    missionCard(p), panel) };
}
