// @ts-check
/** /profile — edit my profile; ?welcome=<mission_id> after accepting an invitation. */

import { ApiError, get, post, put } from '../api.js';
import { navigate, refreshHeader } from '../app.js';
import { h, icon } from '../dom.js';
import { languageName, t } from '../i18n.js';
import { loadMission } from '../mission-common.js';
import { remindersCard } from '../reminders.js';
import { busy, button, clearErrors, errorMessage, field, pageHead, showError, showFieldError, status } from '../ui.js';
import { countryOptions, LANGUAGE_CODES, languageCode, tokenInput } from '../widgets.js';
import { ORG_TYPES } from './directory.js';

/**
 * Sign out everywhere: every browser and app signed in as me, with every token and open connection.
 * @param {import('../app.js').PageContext} ctx
 */
function signOutEverywhere(ctx) {
  const st = status();
  const go = button(t('profile.signOutEverywhere'), { variant: 'danger', onclick: async () => {
    if (!confirm(t('profile.signOutEverywhereConfirm'))) return;
    try {
      await post('/api/auth/logout-everywhere');
      ctx.forgetMe();
      navigate('/signin');
    } catch (err) {
      st.error(errorMessage(err));
    }
  } });
  return h('section', { class: 'card sessions-card' },
    h('h2', null, t('profile.sessions')), h('p', { class: 'muted' }, t('profile.sessionsHint')), go, st.el);
}

/** @param {import('../app.js').PageContext} ctx */
export async function render(ctx) {
  const me = await ctx.me();
  if (!me) throw new ApiError(401, 'not-signed-in', '');
  /** @type {any} */
  let profile;
  try {
    profile = await get('/api/me/profile', { signal: ctx.signal });
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 404)) throw err;
    profile = { name: me.user.name, organisation: '', org_type: 'other', job_title: '', sectors: [], country: '',
      city: '', offers: '', seeks: '', languages: [], bio: '', website: '' };
  }
  const welcomeId = Number(ctx.query.get('welcome')) || null;
  const welcome = welcomeId ? await loadMission(welcomeId).catch(() => null) : null;
  const suggestions = [...new Set(me.missions.flatMap((v) => v.mission.sectors))];

  const name = field({ label: t('profile.name'), name: 'name', required: true, value: profile.name,
    autocomplete: 'name', maxlength: 120 });
  const job = field({ label: t('profile.jobTitle'), name: 'job_title', value: profile.job_title,
    autocomplete: 'organization-title', maxlength: 120 });
  const org = field({ label: t('profile.organisation'), name: 'organisation', value: profile.organisation,
    autocomplete: 'organization', maxlength: 120 });
  const orgType = field({ label: t('profile.orgType'), name: 'org_type', value: profile.org_type,
    options: ORG_TYPES.map((v) => [v, t(`org.${v}`)]) });
  const country = field({ label: t('profile.country'), name: 'country', value: profile.country,
    options: countryOptions() });
  const city = field({ label: t('profile.city'), name: 'city', value: profile.city, autocomplete: 'address-level2',
    maxlength: 80 });
  const sectorsId = 'profile-sectors';
  const sectors = tokenInput({ id: sectorsId, values: profile.sectors, suggestions, max: 10,
    describedby: `${sectorsId}-hint` });
  const sectorsField = field({ label: t('profile.sectors'), name: 'sectors', id: sectorsId, control: sectors.el,
    hint: t('profile.sectorsHint') });
  const offers = field({ label: t('profile.offers'), name: 'offers', rows: 4, value: profile.offers, maxlength: 1000,
    hint: t('profile.offersHint') });
  const seeks = field({ label: t('profile.seeks'), name: 'seeks', rows: 4, value: profile.seeks, maxlength: 1000,
    hint: t('profile.seeksHint') });
  const langId = 'profile-languages';
  const languages = tokenInput({ id: langId, values: profile.languages, suggestions: LANGUAGE_CODES, max: 10,
    display: languageName, normalise: languageCode, describedby: `${langId}-hint`,
    placeholder: t('profile.languagesPlaceholder') });
  const langField = field({ label: t('profile.languages'), name: 'languages', id: langId, control: languages.el,
    hint: t('profile.languagesHint') });
  const bio = field({ label: t('profile.bio'), name: 'bio', rows: 5, value: profile.bio, maxlength: 2000 });
  const website = field({ label: t('profile.website'), name: 'website', type: 'url', value: profile.website,
    placeholder: 'https://', inputmode: 'url', autocomplete: 'url', maxlength: 200 });

  const st = status();
  const next = h('div', { class: 'continue', hidden: true });
  const form = h('form', { class: 'profile-form', novalidate: true },
    h('section', { class: 'card form-section' },
      h('h2', null, t('profile.sectionYou')),
      h('div', { class: 'grid-2' }, name.el, job.el),
      h('div', { class: 'grid-2' }, country.el, city.el),
      langField.el),
    h('section', { class: 'card form-section' },
      h('h2', null, t('profile.sectionOrg')),
      h('div', { class: 'grid-2' }, org.el, orgType.el),
      sectorsField.el,
      website.el),
    h('section', { class: 'card form-section' },
      h('h2', null, t('profile.sectionMatch')),
      h('p', { class: 'muted' }, t('profile.matchHint')),
      offers.el, seeks.el, bio.el),
    h('div', { class: 'form-actions profile-actions' },
      button(t('profile.save'), { type: 'submit', variant: 'primary', icon: 'check' }), st.el),
    next);

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    clearErrors(form);
    if (!name.input.value.trim()) {
      showFieldError(form, 'name', t('err.required'));
      return;
    }
    const body = {
      name: name.input.value.trim(), organisation: org.input.value.trim(), org_type: orgType.input.value,
      job_title: job.input.value.trim(), sectors: sectors.values(), country: country.input.value,
      city: city.input.value.trim(), offers: offers.input.value.trim(), seeks: seeks.input.value.trim(),
      languages: languages.values(), bio: bio.input.value.trim(), website: website.input.value.trim(),
    };
    busy(form, async () => {
      st.set(t('common.saving'));
      try {
        await put('/api/me/profile', body);
        refreshHeader();
        st.ok(t('profile.saved'));
        if (welcomeId) {
          next.hidden = false;
          next.replaceChildren(h('a', { href: `/m/${welcomeId}`, class: 'btn btn-primary btn-large' },
            t('profile.continue', { mission: welcome?.mission.title || '' }), icon('arrow')));
          /** @type {HTMLElement} */ (next.firstChild).focus();
        }
      } catch (err) {
        showError(form, err, st);
      }
    });
  });

  const node = h('div', { class: 'narrow-page' },
    welcome ? h('div', { class: 'banner', role: 'note' },
      h('h2', null, t('profile.welcomeTitle', { mission: welcome.mission.title })),
      h('p', null, t('profile.welcomeText')),
      h('p', { class: 'small' }, h('a', { href: `/m/${welcomeId}` }, t('profile.skip')))) : null,
    pageHead(t('profile.title'), t('profile.lead'),
      me.missions.length ? h('a', { href: `/m/${(welcomeId || me.missions[0].mission.id)}/people/${me.user.id}`,
        class: 'btn btn-secondary' }, icon('users'), t('profile.preview')) : null),
    form,
    await remindersCard(ctx.signal),
    signOutEverywhere(ctx));
  return { title: t('profile.title'), node };
}
