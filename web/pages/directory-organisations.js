// @ts-check
/**
 * The directory grouped by organisation (/m/<id>/directory?view=organisations): each organisation with its type,
 * country, sectors and its people in this mission, and the figure "companies taking part". Organisers correct an
 * organisation (name, type, registration number, website) or merge two records of one organisation, in place.
 */

import { post, put } from '../api.js';
import { h, replace, uid } from '../dom.js';
import { countryName, t, tn } from '../i18n.js';
import { badge, button, empty, field, showError, status } from '../ui.js';

const ORG_TYPES = ['sme', 'startup', 'corporate', 'consultancy', 'knowledge_institution', 'local_government',
  'national_government', 'trade_body', 'investor', 'other'];

/**
 * @typedef {{id: number, name: string, country: string, org_type: string, registration_number: string,
 *   website: string}} Organisation
 * @typedef {{user_id: number, name: string, job_title: string, role: string, side: string | null}} OrgPerson
 * @typedef {{organisation: Organisation, people: OrgPerson[], sides: string[], sectors: string[]}} MissionOrg
 * @typedef {{total: number, by_side: Record<string, number>, by_org_type: Record<string, number>,
 *   people_without_organisation: number}} Companies
 * @typedef {{organisations: MissionOrg[], unaffiliated: OrgPerson[], people: number, companies: Companies}} OrgPage
 */

/** @param {number} mid @param {OrgPerson} p */
function personRow(mid, p) {
  return h('li', { class: 'org-person' },
    h('a', { href: `/m/${mid}/people/${p.user_id}` }, p.name),
    p.job_title ? h('span', { class: 'muted' }, ` · ${p.job_title}`) : null,
    ' ', p.side ? badge(t(`side.${p.side}`), `side-${p.side}`) : badge(t(`role.${p.role}`), 'role'));
}

/** @param {Companies} c */
export function companiesLine(c) {
  const parts = [tn('orgs.companies', c.total)];
  for (const side of ['delegation', 'partner']) {
    if (c.by_side[side]) parts.push(`${t(`side.${side}`)}: ${c.by_side[side]}`);
  }
  const types = Object.entries(c.by_org_type).map(([k, n]) => `${t(`org.${k}`)} ${n}`);
  return h('p', { class: 'org-figure', id: 'org-figure', tabindex: '-1' },
    h('strong', null, parts.join(' · ')), types.length ? h('span', { class: 'muted' }, ` (${types.join(', ')})`) : null);
}

/**
 * The edit and merge forms of one organisation (organisers).
 * @param {number} mid @param {MissionOrg} mo @param {MissionOrg[]} all @param {() => void} changed
 */
function organiserTools(mid, mo, all, changed) {
  const org = mo.organisation;
  const area = h('div', { class: 'org-tools-area' });
  const close = () => replace(area);
  const editForm = () => {
    const st = status();
    const name = field({ name: 'name', label: t('orgs.name'), value: org.name, required: true, maxlength: 120 });
    const type = field({ name: 'org_type', label: t('directory.orgType'), value: org.org_type,
      options: ORG_TYPES.map((v) => [v, t(`org.${v}`)]) });
    const reg = field({ name: 'registration_number', label: t('orgs.registration'), value: org.registration_number,
      optional: true, maxlength: 60, hint: t('orgs.registrationHint') });
    const web = field({ name: 'website', label: t('profile.website'), value: org.website, optional: true,
      type: 'url', maxlength: 200 });
    const form = h('form', { class: 'org-form', 'aria-label': t('orgs.editTitle', { name: org.name }) },
      name.el, type.el, reg.el, web.el, st.el,
      h('div', { class: 'actions' }, button(t('orgs.save'), { type: 'submit', variant: 'primary', small: true }),
        button(t('orgs.cancel'), { small: true, variant: 'ghost', onclick: close })));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      try {
        await put(`/api/missions/${mid}/organisations/${org.id}`, { name: name.input.value,
          org_type: type.input.value, registration_number: reg.input.value, website: web.input.value });
        changed();
      } catch (err) {
        showError(form, err, st);
      }
    });
    replace(area, form);
    name.input.focus();
  };
  const mergeForm = () => {
    const st = status();
    const others = all.filter((x) => x.organisation.id !== org.id);
    const target = field({ name: 'target', label: t('orgs.mergeInto'),
      options: others.map((x) => [String(x.organisation.id),
        [x.organisation.name, x.organisation.country ? countryName(x.organisation.country) : ""].filter(Boolean).join(", ")]) });
    const form = h('form', { class: 'org-form', 'aria-label': t('orgs.mergeTitle', { name: org.name }) },
      target.el, h('p', { class: 'hint' }, t('orgs.mergeHint', { name: org.name })), st.el,
      h('div', { class: 'actions' }, button(t('orgs.merge'), { type: 'submit', variant: 'danger', small: true }),
        button(t('orgs.cancel'), { small: true, variant: 'ghost', onclick: close })));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      try {
        await post(`/api/missions/${mid}/organisations/merge`, { source: org.id, target: Number(target.input.value) });
        changed();
      } catch (err) {
        showError(form, err, st);
      }
    });
    replace(area, form);
    target.input.focus();
  };
  return h('div', { class: 'org-tools' },
    h('div', { class: 'actions' },
      button(t('orgs.edit'), { small: true, icon: 'edit', onclick: editForm,
        attrs: { 'aria-label': t('orgs.editTitle', { name: org.name }) } }),
      all.length > 1 ? button(t('orgs.mergeButton'), { small: true, onclick: mergeForm,
        attrs: { 'aria-label': t('orgs.mergeTitle', { name: org.name }) } }) : null),
    area);
}

/**
 * @param {number} mid @param {MissionOrg} mo @param {MissionOrg[]} all
 * @param {boolean} canManage @param {() => void} changed
 */
function orgCard(mid, mo, all, canManage, changed) {
  const org = mo.organisation;
  const headingId = uid('org');
  const facts = [org.country ? countryName(org.country) : '', org.registration_number
    ? `${t('orgs.registrationShort')} ${org.registration_number}` : ''].filter(Boolean).join(' · ');
  return h('li', { class: 'card org-card', 'aria-labelledby': headingId, dataset: { org: String(org.id) } },
    h('div', { class: 'org-head' },
      h('h3', { id: headingId }, org.website
        ? h('a', { href: org.website, rel: 'noopener noreferrer', target: '_blank' }, org.name) : org.name),
      h('span', { class: 'count' }, tn('directory.people', mo.people.length))),
    h('div', { class: 'badges' }, badge(t(`org.${org.org_type}`), 'org'),
      ...mo.sides.map((s) => badge(t(`side.${s}`), `side-${s}`))),
    facts ? h('p', { class: 'muted' }, facts) : null,
    mo.sectors.length ? h('ul', { class: 'chips', 'aria-label': t('profile.sectors') },
      mo.sectors.map((s) => h('li', { class: 'chip' }, s))) : null,
    h('ul', { class: 'org-people', 'aria-label': t('orgs.peopleOf', { name: org.name }) },
      mo.people.map((p) => personRow(mid, p))),
    canManage ? organiserTools(mid, mo, all, changed) : null);
}

/**
 * The grouped view, filled by `show` with each page the directory's filters fetch.
 * @param {number} mid @param {boolean} canManage @param {() => void} changed
 */
export function organisationsView(mid, canManage, changed) {
  const node = h('div', { class: 'org-view' });
  /** @param {OrgPage} page */
  const show = (page) => {
    const cards = page.organisations.map((mo) => orgCard(mid, mo, page.organisations, canManage, changed));
    if (page.unaffiliated.length) {
      cards.push(h('li', { class: 'card org-card org-none', 'aria-label': t('orgs.none') },
        h('div', { class: 'org-head' }, h('h3', null, t('orgs.none')),
          h('span', { class: 'count' }, tn('directory.people', page.unaffiliated.length))),
        h('ul', { class: 'org-people' }, page.unaffiliated.map((p) => personRow(mid, p)))));
    }
    replace(node, companiesLine(page.companies),
      cards.length ? h('ul', { class: 'org-grid', role: 'list' }, cards)
        : empty(t('directory.noneTitle'), t('directory.noneText')));
  };
  return { node, show };
}
