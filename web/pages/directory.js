// @ts-check
/** /m/<id>/directory — find the people in a mission: text, organisation type, side, sector, country; as people or
 * grouped by organisation (?view=organisations, ./directory-organisations.js). */

import { get, query } from '../api.js';
import { h, icon, replace } from '../dom.js';
import { countryName, t, tn } from '../i18n.js';
import { requestMeetingButton } from '../matchmaking/request-button.js';
import { loadMission, missionHeader, missionId } from '../mission-common.js';
import { organisationsView } from './directory-organisations.js';
import { vipBadge } from './person.js';
import { avatar, badge, button, empty, errorMessage } from '../ui.js';

export const ORG_TYPES = ['sme', 'startup', 'corporate', 'consultancy', 'knowledge_institution', 'local_government',
  'national_government', 'trade_body', 'investor', 'other'];
const PAGE_SIZE = 24;

/**
 * @typedef {{q: string, org_type: string[], sector: string, country: string, side: string, page: number,
 *   view: string}} Filters
 * @typedef {{value: string, count: number}} Facet
 */

/** @param {URLSearchParams} p @returns {Filters} */
function fromQuery(p) {
  const side = p.get('side') || '';
  return {
    q: p.get('q') || '',
    org_type: p.getAll('org_type').filter((v) => ORG_TYPES.includes(v)),
    sector: p.get('sector') || '',
    country: (p.get('country') || '').toUpperCase(),
    side: side === 'delegation' || side === 'partner' ? side : '',
    page: Math.max(1, Number(p.get('page')) || 1),
    view: p.get('view') === 'organisations' ? 'organisations' : '',
  };
}

/** @param {Filters} f */
function toQuery(f) {
  return query({ q: f.q.trim(), org_type: f.org_type, sector: f.sector, country: f.country, side: f.side,
    page: f.page > 1 ? f.page : '', view: f.view });
}

/**
 * @param {any} entry @param {number} mid
 * @param {import('../matchmaking/request-button.js').RequestCtx} rq
 */
function personCard(entry, mid, rq) {
  const p = entry.profile;
  const place = [p.city, p.country ? countryName(p.country) : ''].filter(Boolean).join(', ');
  const sectors = p.sectors.slice(0, 3);
  return h('li', { class: 'card person-card' },
    h('div', { class: 'person-top' },
      avatar(p.name),
      h('div', { class: 'person-id' },
        h('h3', null, h('a', { href: `/m/${mid}/people/${p.user_id}`, class: 'stretched',
          onclick: () => sessionStorage.setItem('rt.fromDirectory', String(mid)) }, p.name)),
        p.job_title || p.organisation
          ? h('p', { class: 'muted' }, [p.job_title, p.organisation].filter(Boolean).join(' · ')) : null)),
    h('div', { class: 'badges' },
      entry.role === 'vip' ? vipBadge() : null,
      entry.side ? badge(t(`side.${entry.side}`), `side-${entry.side}`)
        : entry.role === 'vip' ? null : badge(t(`role.${entry.role}`), 'role'),
      badge(t(`org.${p.org_type}`), 'org')),
    place ? h('p', { class: 'person-place' }, icon('pin'), place) : null,
    sectors.length ? h('ul', { class: 'chips', 'aria-label': t('profile.sectors') },
      sectors.map((/** @type {string} */ s) => h('li', { class: 'chip' }, s)),
      p.sectors.length > 3 ? h('li', { class: 'chip chip-more' }, `+${p.sectors.length - 3}`) : null) : null,
    h('div', { class: 'person-actions' },
      requestMeetingButton(rq, { user_id: p.user_id, name: p.name, side: entry.side ?? null }, { compact: true })));
}

/** @param {import('../app.js').PageContext} ctx */
export async function render(ctx) {
  const mid = missionId(ctx.params);
  const view = await loadMission(mid);
  /** One per page: the request buttons of every card ask where I stand in one look-up. */
  const rq = { mid };
  /** @type {Filters} */
  const f = fromQuery(ctx.query);
  const api = (/** @type {Filters} */ s, /** @type {AbortSignal} */ signal) => get(
    `/api/missions/${mid}/directory${query({ q: s.q.trim(), org_type: s.org_type, sector: s.sector,
      country: s.country, side: s.side, page: s.page, page_size: PAGE_SIZE })}`, { signal });
  const orgApi = (/** @type {Filters} */ s, /** @type {AbortSignal} */ signal) => get(
    `/api/missions/${mid}/organisations${query({ q: s.q.trim(), org_type: s.org_type, sector: s.sector,
      country: s.country, side: s.side })}`, { signal });
  // After an organiser's edit or merge: the list again, focus on its figure (the form that had it is gone).
  const orgView = organisationsView(mid, view.permissions.includes('manage-organisations'), () => {
    update(false).then(() => document.getElementById('org-figure')?.focus());
  });
  const viewSwitch = h('fieldset', { class: 'view-switch' }, h('legend', { class: 'sr-only' }, t('orgs.view')),
    h('div', { class: 'chip-options' }, [['', t('orgs.viewPeople')], ['organisations', t('orgs.viewOrganisations')]]
      .map(([v, label]) => {
        const input = h('input', { type: 'radio', name: 'view', value: v, checked: f.view === v,
          class: 'sr-only-input' });
        input.addEventListener('change', () => {
          if (input.checked) {
            f.view = v;
            update(true);
          }
        });
        return h('label', { class: 'chip-option' }, input, h('span', null, label));
      })));

  // Controls, built once; their counts are refreshed in place so focus never jumps.
  const search = h('input', { id: 'dir-q', type: 'search', name: 'q', value: f.q, autocomplete: 'off',
    placeholder: t('directory.searchPlaceholder'), 'aria-describedby': 'dir-q-hint' });
  /** @type {Map<string, {input: HTMLInputElement, count: HTMLElement, label: HTMLElement}>} */
  const orgBoxes = new Map();
  const orgList = h('div', { class: 'chip-options' }, ORG_TYPES.map((v) => {
    const input = h('input', { type: 'checkbox', name: 'org_type', value: v, checked: f.org_type.includes(v),
      class: 'sr-only-input' });
    const count = h('span', { class: 'count' });
    const label = h('label', { class: 'chip-option' }, input, h('span', null, t(`org.${v}`)), count);
    orgBoxes.set(v, { input, count, label });
    input.addEventListener('change', () => {
      f.org_type = ORG_TYPES.filter((x) => orgBoxes.get(x)?.input.checked);
      update(true);
    });
    return label;
  }));
  /** @type {Map<string, {input: HTMLInputElement, count: HTMLElement}>} */
  const sideRadios = new Map();
  const sideList = h('div', { class: 'chip-options' }, ['', 'delegation', 'partner'].map((v) => {
    const input = h('input', { type: 'radio', name: 'side', value: v, checked: f.side === v, class: 'sr-only-input' });
    const count = h('span', { class: 'count' });
    sideRadios.set(v, { input, count });
    input.addEventListener('change', () => {
      if (input.checked) {
        f.side = v;
        update(true);
      }
    });
    return h('label', { class: 'chip-option' }, input, h('span', null, v ? t(`side.${v}`) : t('directory.allSides')),
      count);
  }));
  const sector = h('select', { id: 'dir-sector', name: 'sector' });
  const country = h('select', { id: 'dir-country', name: 'country' });
  sector.addEventListener('change', () => { f.sector = sector.value; update(true); });
  country.addEventListener('change', () => { f.country = country.value; update(true); });
  const clear = button(t('directory.clear'), { small: true, variant: 'ghost', icon: 'x', onclick: () => {
    Object.assign(f, { q: '', org_type: [], sector: '', country: '', side: '', page: 1, view: f.view });
    search.value = '';
    for (const { input } of orgBoxes.values()) input.checked = false;
    /** @type {any} */ (sideRadios.get('')).input.checked = true;
    update(true);
    search.focus();
  } });

  const summary = h('p', { class: 'result-count', role: 'status', 'aria-live': 'polite', id: 'dir-count' });
  const results = h('div', { class: 'results-body' });
  const pager = h('nav', { class: 'pager', 'aria-label': t('directory.pages') });
  const filtersId = 'dir-filters';
  const toggle = h('button', { type: 'button', class: 'btn btn-secondary filters-toggle', 'aria-expanded': 'false',
    'aria-controls': filtersId }, icon('grid'), h('span', null, t('directory.filters')));
  const filters = h('div', { class: 'filters card', id: filtersId },
    h('fieldset', null, h('legend', null, t('directory.side')), sideList),
    h('fieldset', null, h('legend', null, t('directory.orgType')), orgList),
    h('div', { class: 'field' }, h('label', { for: 'dir-sector' }, t('directory.sector')), sector),
    h('div', { class: 'field' }, h('label', { for: 'dir-country' }, t('directory.country')), country),
    clear);
  toggle.addEventListener('click', () => {
    const open = toggle.getAttribute('aria-expanded') !== 'true';
    toggle.setAttribute('aria-expanded', String(open));
    filters.classList.toggle('open', open);
  });

  /** @param {HTMLSelectElement} sel @param {Facet[]} facets @param {string} current @param {string} all @param {(v: string) => string} name */
  const fillSelect = (sel, facets, current, all, name) => {
    const opts = [...facets];
    if (current && !opts.some((x) => x.value.toLowerCase() === current.toLowerCase())) opts.push({ value: current, count: 0 });
    opts.sort((a, b) => name(a.value).localeCompare(name(b.value)));
    replace(sel, h('option', { value: '' }, all),
      opts.map((x) => h('option', { value: x.value }, `${name(x.value)} (${x.count})`)));
    sel.value = opts.find((x) => x.value.toLowerCase() === current.toLowerCase())?.value || '';
  };

  /** @param {any} page */
  const show = (page) => {
    const count = (/** @type {string} */ key, /** @type {string} */ v) =>
      (page.facets[key] || []).find((/** @type {Facet} */ x) => x.value === v)?.count || 0;
    for (const [v, box] of orgBoxes) {
      const n = count('org_type', v);
      box.count.textContent = String(n);
      box.label.classList.toggle('is-empty', n === 0 && !box.input.checked);
    }
    for (const [v, r] of sideRadios) r.count.textContent = v ? String(count('side', v)) : '';
    fillSelect(sector, page.facets.sector || [], f.sector, t('directory.allSectors'), (v) => v);
    fillSelect(country, page.facets.country || [], f.country, t('directory.allCountries'), countryName);
    summary.textContent = tn('directory.people', page.total);
    summary.dataset.total = String(page.total);
    const active = (f.q ? 1 : 0) + f.org_type.length + (f.sector ? 1 : 0) + (f.country ? 1 : 0) + (f.side ? 1 : 0);
    clear.hidden = active === 0;
    /** @type {HTMLElement} */ (toggle.lastChild).textContent = active
      ? `${t('directory.filters')} (${active})` : t('directory.filters');
    replace(results, page.entries.length
      ? h('ul', { class: 'people-grid', role: 'list' }, page.entries.map((/** @type {any} */ e) => personCard(e, mid, rq)))
      : empty(t('directory.noneTitle'), t('directory.noneText')));
    const pages = Math.max(1, Math.ceil(page.total / page.page_size));
    replace(pager, pages > 1 ? [
      button(t('directory.prev'), { icon: 'back', small: true, attrs: { disabled: f.page <= 1 },
        onclick: () => { f.page -= 1; update(true, true); } }),
      h('span', { class: 'pager-info' }, t('directory.pageOf', { page: f.page, pages })),
      button(t('directory.next'), { small: true, attrs: { disabled: f.page >= pages },
        onclick: () => { f.page += 1; update(true, true); } }),
    ] : []);
  };

  /** Both views' people and facets; the grouped view also its organisations. @param {AbortSignal} signal */
  const fetchAndShow = async (signal) => {
    const [page, orgPage] = await Promise.all([api(f, signal), f.view ? orgApi(f, signal) : null]);
    if (signal.aborted) return;
    show(page);
    if (orgPage) {
      orgView.show(orgPage);
      replace(results, orgView.node);
      replace(pager);
    }
  };

  /** @type {AbortController | null} */
  let inflight = null;
  /**
   * Apply the filters: URL first (push for a choice, replace while typing), then fetch.
   * @param {boolean} push @param {boolean} [keepPage]
   */
  const update = async (push, keepPage = false) => {
    if (!keepPage) f.page = 1;
    const url = `${location.pathname}${toQuery(f)}`;
    if (url !== location.pathname + location.search) {
      if (push) history.pushState(null, '', url);
      else history.replaceState(null, '', url);
    }
    inflight?.abort();
    const controller = new AbortController();
    inflight = controller;
    results.setAttribute('aria-busy', 'true');
    try {
      await fetchAndShow(controller.signal);
      if (controller.signal.aborted) return;
      if (keepPage) summary.scrollIntoView({ block: 'start', behavior: 'smooth' });
    } catch (err) {
      if (controller.signal.aborted) return;
      replace(results, h('p', { class: 'status error', role: 'alert' }, errorMessage(err)));
    } finally {
      if (inflight === controller) results.removeAttribute('aria-busy');
    }
  };

  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  let typedSincePush = false;
  search.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      f.q = search.value;
      // The first keystroke of a new search makes a history entry; the rest refine it.
      update(!typedSincePush);
      typedSincePush = true;
    }, 250);
  });
  search.addEventListener('blur', () => { typedSincePush = false; });
  ctx.signal.addEventListener('abort', () => { clearTimeout(timer); inflight?.abort(); });

  await fetchAndShow(ctx.signal);

  const node = h('div', null,
    missionHeader(view, 'directory'),
    h('div', { class: 'section-head' },
      h('h1', { tabindex: '-1' }, t('directory.title')),
      summary,
      viewSwitch),
    h('div', { class: 'search-bar' },
      h('label', { for: 'dir-q', class: 'sr-only' }, t('directory.search')),
      icon('search'),
      search,
      toggle),
    h('p', { id: 'dir-q-hint', class: 'sr-only' }, t('directory.searchHint')),
    h('div', { class: 'directory-layout' },
      h('aside', { 'aria-label': t('directory.filters') }, filters),
      h('section', { class: 'results', 'aria-labelledby': 'dir-count' }, results, pager)));
  return { title: `${t('directory.title')} · ${view.mission.title}`, node };
}
