// @ts-check
/**
 * The sections of a team's page below its ledger (web/pages/team.js, docs/ledger.md): plans, activities outside
 * missions and logged corrections (the missions and members are in team-people.js). Each saves through /api/teams
 * and then asks the page to fetch the ledger again (`changed`), so the table and the chart follow every change.
 */

import { ApiError, del, post, put } from '../api.js';
import { h, icon, replace } from '../dom.js';
import { locale, t } from '../i18n.js';
import { browserZone, formatDateTime } from '../time.js';
import { busy, button, clearErrors, errorMessage, field, showFieldError, status } from '../ui.js';

export const FIGURES = ['missions', 'info_sessions', 'companies', 'matchmaking', 'company_visits', 'partner_scans',
  'registered_services'];
const KINDS = ['info_session', 'company_visit', 'partner_scan', 'registered_service'];

/** @typedef {{id: number, name: string, created_at: string}} Team */
/** @typedef {{low: number|null, high: number|null}} Range */
/**
 * @typedef {{figure: string, period_plan: Range|null, year_plan: Range|null, computed: number, corrections: number,
 *   realised: number, realised_cumulative: number, expected: number|null, status: string,
 *   detail: Record<string, number>}} LedgerRow
 * @typedef {{team: Team, year: number, period_first: number, period_last: number, computed_at: string,
 *   rows: LedgerRow[]}} Ledger
 * @typedef {{id: number, kind: string, on: string, title: string, count: number, company: string, notes: string}} Activity
 * @typedef {{figure: string, first_year: number, last_year: number, low: number|null, high: number|null}} Plan
 * @typedef {{id: number, figure: string, year: number, delta: number, reason: string, author_name: string,
 *   at: string}} Correction
 * @typedef {{mission_id: number, title: string, direction: string, start_date: string, end_date: string,
 *   role: string|null}} LinkedMission
 * @typedef {{user_id: number, name: string, email: string}} Member
 * @typedef {{team: Team, members: Member[], missions: LinkedMission[], linkable: LinkedMission[]}} TeamView
 */

/**
 * What the sections share with the page.
 * @typedef {object} TeamPage
 * @property {number} id          the team
 * @property {number} year        the ledger's year
 * @property {number} me          the signed-in user's id
 * @property {() => Promise<void>} changed   fetch the ledger again (table and chart)
 */

/** A whole number in the page's language. @param {number} n */
export const num = (n) => new Intl.NumberFormat(locale()).format(n);

/** A plan as teams write it: a number, a range "24–32", "Not defined", or empty without a plan. @param {Range|null} r */
export function planText(r) {
  if (!r) return '';
  if (r.low === null || r.high === null) return t('ledger.undefined');
  return r.low === r.high ? num(r.low) : `${num(r.low)}–${num(r.high)}`;
}

/** A signed change: +2, −3. @param {number} n */
export const signed = (n) => (n > 0 ? `+${num(n)}` : `−${num(-n)}`);

/** A calendar date "YYYY-MM-DD", short: "4 Dec 2026". @param {string} iso */
const shortDate = (iso) => new Intl.DateTimeFormat(locale(), { day: 'numeric', month: 'short', year: 'numeric',
  timeZone: 'UTC' }).format(new Date(`${iso}T00:00:00Z`));

/** The figures as select options. */
const figureOptions = () => /** @type {Array<[string, string]>} */ (FIGURES.map((f) => [f, t(`ledger.f.${f}`)]));

/**
 * A message for an error: our own words for some codes of this page, else the app's.
 * @param {unknown} err @param {Record<string, string>} [own] code → string key
 */
export function message(err, own = {}) {
  if (err instanceof ApiError && own[err.code]) return t(own[err.code]);
  return errorMessage(err);
}

/**
 * Show an error at its field when the form has it, else in the form's status line.
 * @param {HTMLElement} form @param {unknown} err @param {import('../ui.js').Status} st @param {Record<string, string>} [own]
 */
export function fail(form, err, st, own) {
  const msg = message(err, own);
  if (err instanceof ApiError && err.field && showFieldError(form, err.field, msg)) {
    st.set('');
    return;
  }
  st.error(msg);
}

/** The value of a number input, or null when empty. @param {HTMLInputElement} input */
function number(input) {
  const v = input.value.trim();
  return v === '' ? null : Number(v);
}

/** @param {string} id @param {string} title @param {string} lead @param {...any} body */
export function section(id, title, lead, ...body) {
  return h('section', { class: 'card team-section', id, 'aria-labelledby': `${id}-h` },
    h('h2', { id: `${id}-h` }, title), lead ? h('p', { class: 'muted' }, lead) : null, ...body);
}

/** A table that scrolls sideways in its own box. @param {string} label @param {string[]} head @param {Node[]} rows */
function table(label, head, rows) {
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': label },
    h('table', { class: 'results-table team-table' },
      h('caption', { class: 'sr-only' }, label),
      h('thead', null, h('tr', null, head.map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', null, rows)));
}

// -- plans ------------------------------------------------------------------------------------------------

/** @param {TeamPage} p @param {Plan[]} plans @param {Ledger} ledger */
export function plansCard(p, plans, ledger) {
  const st = status();
  const multi = ledger.period_last > ledger.period_first;
  const figure = field({ label: t('plans.figure'), name: 'figure', options: figureOptions(), id: 'plan-figure' });
  const period = field({ label: t('plans.period'), name: 'period', id: 'plan-period', options: [
    ['year', t('plans.yearPlan', { y: p.year })], ['multi', t('plans.periodPlan')]] });
  const first = field({ label: t('plans.first'), name: 'first_year', type: 'number', min: 2000, max: 2100,
    inputmode: 'numeric', value: multi ? ledger.period_first : p.year, id: 'plan-first' });
  const last = field({ label: t('plans.last'), name: 'last_year', type: 'number', min: 2000, max: 2100,
    inputmode: 'numeric', value: multi ? ledger.period_last : p.year + 3, id: 'plan-last' });
  const years = h('div', { class: 'grid-2', hidden: true }, first.el, last.el);
  const low = field({ label: t('plans.low'), name: 'low', type: 'number', min: 0, inputmode: 'numeric', id: 'plan-low',
    optional: true });
  const high = field({ label: t('plans.high'), name: 'high', type: 'number', min: 0, inputmode: 'numeric',
    id: 'plan-high', optional: true });
  const now = h('p', { class: 'hint plan-now', id: 'plan-now' });
  const span = () => (period.input.value === 'year' ? [p.year, p.year]
    : [Number(first.input.value), Number(last.input.value)]);
  /** The plan saved for the chosen figure and period, into the inputs. */
  const show = () => {
    years.hidden = period.input.value === 'year';
    const [a, b] = span();
    const found = plans.find((x) => x.figure === figure.input.value && x.first_year === a && x.last_year === b);
    low.input.value = found?.low === null || found?.low === undefined ? '' : String(found.low);
    high.input.value = found?.high === null || found?.high === undefined ? '' : String(found.high);
    now.textContent = found ? t('plans.current', { plan: planText(found) }) : t('plans.none');
  };
  for (const input of [figure.input, period.input, first.input, last.input]) input.addEventListener('change', show);
  const form = h('form', { class: 'stack', id: 'plan-form', novalidate: true },
    h('div', { class: 'grid-2' }, figure.el, period.el), years,
    h('div', { class: 'plan-range' }, low.el, high.el), now, st.el,
    h('div', { class: 'form-actions' }, button(t('plans.save'), { type: 'submit', variant: 'primary' })));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    clearErrors(form);
    st.set('');
    busy(form, async () => {
      const [a, b] = span();
      try {
        /** @type {Plan} */
        const saved = await put(`/api/teams/${p.id}/plans`, { figure: figure.input.value, first_year: a, last_year: b,
          low: number(low.input), high: number(high.input) });
        const i = plans.findIndex((x) => x.figure === saved.figure && x.first_year === a && x.last_year === b);
        if (i >= 0) plans[i] = saved; else plans.push(saved);
        show();
        await p.changed();
        st.ok(t('team.saved'));
      } catch (err) {
        fail(form, err, st);
      }
    });
  });
  show();
  return section('plans', t('plans.title'), t('plans.lead'), form);
}

// -- activities -------------------------------------------------------------------------------------------

/** The date an activity form starts with: today in this year's ledger, else a day of that year. @param {number} year */
function defaultDay(year) {
  const d = new Date();
  const today = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  return year === d.getFullYear() ? today : year < d.getFullYear() ? `${year}-12-31` : `${year}-01-01`;
}

/** @param {TeamPage} p @param {Activity[]} activities */
export function activitiesCard(p, activities) {
  const st = status();
  const listEl = h('div');
  const draw = () => {
    const rows = activities.map((a) => {
      const actions = h('td', { class: 'row-actions' });
      const plain = () => replace(actions, h('button', { type: 'button', class: 'btn btn-ghost btn-small',
        onclick: confirm }, icon('trash'), h('span', null, t('common.delete')),
      h('span', { class: 'sr-only' }, `: ${a.title}`)));
      const confirm = () => {
        const yes = button(t('activities.confirmYes'), { small: true, variant: 'danger', onclick: async () => {
          try {
            await del(`/api/teams/${p.id}/activities/${a.id}`);
            activities.splice(activities.indexOf(a), 1);
            draw();
            st.ok(t('activities.deleted', { title: a.title }));
            await p.changed();
          } catch (err) {
            st.error(message(err));
          }
        } });
        replace(actions, h('span', { class: 'confirm-text' }, t('activities.confirm', { title: a.title })),
          h('span', { class: 'form-actions' }, yes, button(t('common.cancel'), { small: true, variant: 'ghost',
            onclick: () => {
              plain();
              /** @type {HTMLElement | null} */ (actions.querySelector('button'))?.focus();
            } })));
        yes.focus();
      };
      plain();
      return h('tr', { dataset: { id: a.id, kind: a.kind } },
        h('th', { scope: 'row' }, a.title, a.notes ? h('span', { class: 'block small muted pre-wrap' }, a.notes) : null),
        h('td', null, t(`activities.k.${a.kind}`)),
        h('td', { class: 'nowrap' }, shortDate(a.on)),
        h('td', null, a.company || '—'),
        h('td', { class: 'num' }, num(a.count)),
        actions);
    });
    replace(listEl, activities.length
      ? table(t('activities.title', { year: p.year }), [t('activities.what'), t('activities.kind'), t('activities.on'),
        t('activities.company'), t('activities.count'), t('activities.actions')], rows)
      : h('p', { class: 'muted' }, t('activities.none', { year: p.year })));
  };
  draw();

  const fst = status();
  const kind = field({ label: t('activities.kind'), name: 'kind', id: 'activity-kind',
    options: KINDS.map((k) => [k, t(`activities.k.${k}`)]) });
  const on = field({ label: t('activities.on'), name: 'on', type: 'date', required: true, value: defaultDay(p.year),
    id: 'activity-on' });
  const title = field({ label: t('activities.what'), name: 'title', required: true, maxlength: 200, id: 'activity-title',
    autocomplete: 'off' });
  const company = field({ label: t('activities.company'), name: 'company', maxlength: 200, optional: true,
    id: 'activity-company', autocomplete: 'off' });
  const count = field({ label: t('activities.count'), name: 'count', type: 'number', min: 1, max: 1000, value: 1,
    inputmode: 'numeric', required: true, id: 'activity-count' });
  const notes = field({ label: t('activities.notes'), name: 'notes', rows: 2, maxlength: 2000, optional: true,
    id: 'activity-notes' });
  const form = h('form', { class: 'stack', id: 'activity-form', novalidate: true, 'aria-labelledby': 'activity-form-h' },
    h('h3', { id: 'activity-form-h' }, t('activities.addTitle')),
    h('div', { class: 'grid-3 activity-grid' }, kind.el, on.el, count.el),
    h('div', { class: 'grid-2' }, title.el, company.el), notes.el, fst.el,
    h('div', { class: 'form-actions' }, button(t('activities.add'), { type: 'submit', variant: 'primary', icon: 'plus' })));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    clearErrors(form);
    fst.set('');
    if (!on.input.value) return void showFieldError(form, 'on', t('err.required'));
    if (!title.input.value.trim()) return void showFieldError(form, 'title', t('err.required'));
    const n = number(count.input);
    if (n === null) return void showFieldError(form, 'count', t('err.required'));
    busy(form, async () => {
      try {
        /** @type {Activity} */
        const made = await post(`/api/teams/${p.id}/activities`, { kind: kind.input.value, on: on.input.value,
          title: title.input.value, count: n, company: company.input.value, notes: notes.input.value });
        const year = Number(made.on.slice(0, 4));
        if (year === p.year) {
          activities.push(made);
          activities.sort((a, b) => b.on.localeCompare(a.on) || b.id - a.id);
          draw();
        }
        title.input.value = '';
        company.input.value = '';
        notes.input.value = '';
        count.input.value = '1';
        await p.changed();
        fst.ok(year === p.year ? t('activities.saved') : t('activities.savedOther', { year }));
      } catch (err) {
        fail(form, err, fst);
      }
    });
  });
  return section('activities', t('activities.title', { year: p.year }), t('activities.lead'), st.el, listEl, form);
}

// -- corrections ------------------------------------------------------------------------------------------

/** @param {TeamPage} p @param {Correction[]} corrections */
export function correctionsCard(p, corrections) {
  const zone = browserZone();
  const listEl = h('div');
  const draw = () => replace(listEl, corrections.length
    ? table(t('corrections.log'), [t('corrections.when'), t('corrections.who'), t('corrections.figure'),
      t('corrections.year'), t('corrections.delta'), t('corrections.reason')],
    corrections.map((c) => h('tr', { dataset: { id: c.id, figure: c.figure } },
      h('td', { class: 'nowrap' }, formatDateTime(c.at, zone)),
      h('td', { class: 'correction-who' }, c.author_name),
      h('td', null, t(`ledger.f.${c.figure}`)),
      h('td', { class: 'num' }, String(c.year)),
      h('td', { class: 'num correction-delta' }, signed(c.delta)),
      h('td', { class: 'pre-wrap' }, c.reason))))
    : h('p', { class: 'muted' }, t('corrections.none')));
  draw();
  const st = status();
  const figure = field({ label: t('corrections.figure'), name: 'figure', options: figureOptions(), id: 'correction-figure' });
  const year = field({ label: t('corrections.year'), name: 'year', type: 'number', min: 2000, max: 2100, value: p.year,
    inputmode: 'numeric', required: true, id: 'correction-year' });
  const delta = field({ label: t('corrections.delta'), name: 'delta', type: 'number', required: true,
    hint: t('corrections.deltaHint'), id: 'correction-delta' });
  const reason = field({ label: t('corrections.reason'), name: 'reason', rows: 2, maxlength: 500, required: true,
    id: 'correction-reason' });
  const form = h('form', { class: 'stack', id: 'correction-form', novalidate: true, 'aria-labelledby': 'correction-form-h' },
    h('h3', { id: 'correction-form-h' }, t('corrections.addTitle')),
    h('div', { class: 'grid-3 correction-grid' }, figure.el, year.el, delta.el), reason.el, st.el,
    h('div', { class: 'form-actions' }, button(t('corrections.add'), { type: 'submit', variant: 'primary', icon: 'plus' })));
  const own = { 'reason-required': 'corrections.reasonRequired' };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    clearErrors(form);
    st.set('');
    const y = number(year.input);
    const d = number(delta.input);
    if (y === null) return void showFieldError(form, 'year', t('err.required'));
    if (!d) return void showFieldError(form, 'delta', t('err.required'));
    if (!reason.input.value.trim()) return void showFieldError(form, 'reason', t('corrections.reasonRequired'));
    busy(form, async () => {
      try {
        /** @type {Correction} */
        const made = await post(`/api/teams/${p.id}/corrections`, { figure: figure.input.value, year: y, delta: d,
          reason: reason.input.value });
        corrections.unshift(made);
        draw();
        delta.input.value = '';
        reason.input.value = '';
        await p.changed();
        st.ok(t('corrections.saved'));
      } catch (err) {
        fail(form, err, st, own);
      }
    });
  });
  return section('corrections', t('corrections.title'), t('corrections.lead'), listEl, form);
}
