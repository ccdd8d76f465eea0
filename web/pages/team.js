// @ts-check
/**
 * /teams/<id>?year=YYYY — a team's KPI ledger (docs/ledger.md), laid out like the table teams keep: per figure the
 * multi-year plan, the year plan, realised and realised cumulative, and whether it lags; a warning in words on every
 * lagging figure; the chart; CSV and XLSX in the UI's language. Below it, the plans, activities, corrections,
 * missions and members (web/pages/team-forms.js, team-people.js), each change followed by the table and the chart.
 */

import { ApiError, get, put } from '../api.js';
import { h, icon, replace } from '../dom.js';
import { lang, t } from '../i18n.js';
import { browserZone, formatDateTime } from '../time.js';
import { busy, button, clearErrors, field, iconButton, showError, status } from '../ui.js';
import { activitiesCard, correctionsCard, num, planText, plansCard, signed } from './team-forms.js';
import { membersCard, missionsCard } from './team-people.js';

const FIRST_YEAR = 2000;
const LAST_YEAR = 2100;
/** The chart's size (server/charts/ledger.py: 640 wide, 34 + 58 per figure + 4 high), for its box before it loads. */
const CHART = { width: 640, height: 34 + 7 * 58 + 4 };
/** How often each team's chart changed on this page: its address carries the count (`v`, ignored by the server),
 * so the browser loads the chart anew instead of showing the image it has for that address. */
const chartVersions = /** @type {Map<number, number>} */ (new Map());

/** Details shown beneath a figure, as in the team's own table: which keys, and when. */
const DETAIL = /** @type {Record<string, {keys: string[], always: boolean, mixed?: string}>} */ ({
  missions: { keys: ['incoming', 'outgoing', 'lead_partner', 'partner'], always: true },
  info_sessions: { keys: ['activities', 'webinars'], always: false, mixed: 'webinars' },
  company_visits: { keys: ['activities', 'in_missions'], always: false, mixed: 'in_missions' },
});

/** @param {number} id @param {number} year @param {string} ext */
const download = (id, year, ext) => `/api/teams/${id}/ledger.${ext}?year=${year}&lang=${lang()}`;

/** A plan "not defined" (its words may wrap; numbers do not). @param {import('./team-forms.js').Range|null} r */
const undefinedPlan = (r) => r !== null && r.low === null;

/** @param {import('./team-forms.js').LedgerRow} r */
function statusCell(r) {
  const cell = h('td', { class: 'status' });
  if (r.status === 'lagging') {
    cell.append(h('span', { class: 'ledger-warning' }, icon('alert'),
      h('span', null, t('ledger.behind', { n: num(r.expected ?? 0) }))));
  } else if (r.status === 'met') {
    cell.append(h('span', { class: 'ledger-met' }, icon('check'), h('span', null, t('ledger.s.met'))));
  } else {
    cell.append(h('span', { class: r.status === 'no-plan' ? 'muted' : null }, t(`ledger.s.${r.status}`)));
  }
  if (r.corrections) {
    cell.append(h('span', { class: 'block small muted' }, t('ledger.corrected', { delta: signed(r.corrections) })));
  }
  return cell;
}

/** The ledger as the team keeps it. @param {import('./team-forms.js').Ledger} l */
function ledgerTable(l) {
  const a = l.period_first, b = l.period_last, y = l.year;
  const multi = b > a;
  const head = [t('ledger.figure'), ...(multi ? [t('ledger.period', { a, b })] : []), t('ledger.yearPlan', { y }),
    t('ledger.realised', { y }), a < y ? t('ledger.cumulative', { a, y }) : t('ledger.cumulativeYear', { y }),
    t('ledger.status')];
  const cols = head.length;
  /** @type {Node[]} */
  const rows = [];
  for (const r of l.rows) {
    rows.push(h('tr', { class: r.status === 'lagging' ? 'lagging' : null, dataset: { figure: r.figure, status: r.status } },
      h('th', { scope: 'row' }, t(`ledger.f.${r.figure}`)),
      multi ? h('td', { class: ['num', 'period-plan', undefinedPlan(r.period_plan) && 'wrap'] }, planText(r.period_plan)) : null,
      h('td', { class: ['num', 'year-plan', undefinedPlan(r.year_plan) && 'wrap'] }, planText(r.year_plan)),
      h('td', { class: 'num realised' }, num(r.realised)),
      h('td', { class: 'num cumulative' }, num(r.realised_cumulative)),
      statusCell(r)));
    const detail = DETAIL[r.figure];
    if (detail && (detail.always || (detail.mixed && r.detail[detail.mixed]))) {
      for (const key of detail.keys) {
        rows.push(h('tr', { class: 'ledger-sub', dataset: { of: r.figure, detail: key } },
          h('th', { scope: 'row' }, t(`ledger.d.${key}`)),
          h('td', { colspan: String(multi ? 2 : 1) }),
          h('td', { class: 'num' }, num(r.detail[key] ?? 0)),
          h('td', { colspan: String(cols - (multi ? 4 : 3)) })));
      }
    }
  }
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': t('team.ledgerTitle', { year: y }) },
    h('table', { class: 'results-table ledger-table', id: 'ledger-table' },
      h('caption', { class: 'sr-only' }, t('team.ledgerTitle', { year: y })),
      h('thead', null, h('tr', null, head.map((x, i) => h('th', { scope: 'col', class: i && i < cols - 1 ? 'num' : null }, x)))),
      h('tbody', null, rows)));
}

/** The chart's address: the year, the UI's language, and how often it changed. @param {number} id @param {number} year */
function chartSrc(id, year) {
  const v = chartVersions.get(id);
  return `${download(id, year, 'svg')}${v ? `&v=${v}` : ''}`;
}

/** The year bar: previous and next year, this year, the downloads. @param {number} id @param {number} year */
function yearBar(id, year) {
  const current = new Date().getFullYear();
  const to = (/** @type {number} */ y) => `/teams/${id}?year=${y}`;
  return h('div', { class: 'ledger-bar' },
    h('nav', { class: 'year-nav', 'aria-label': t('team.year') },
      year > FIRST_YEAR ? h('a', { class: 'btn btn-secondary btn-small', href: to(year - 1), rel: 'prev' },
        icon('back'), h('span', { class: 'sr-only' }, `${t('team.prevYear')}: `), h('span', null, String(year - 1))) : null,
      h('span', { class: 'year-now', 'aria-current': 'page' }, h('span', { class: 'sr-only' }, `${t('team.year')}: `),
        String(year)),
      year < LAST_YEAR ? h('a', { class: 'btn btn-secondary btn-small', href: to(year + 1), rel: 'next' },
        h('span', { class: 'sr-only' }, `${t('team.nextYear')}: `), h('span', null, String(year + 1)), icon('arrow')) : null,
      year !== current ? h('a', { class: 'btn btn-ghost btn-small', href: to(current) }, t('team.thisYear')) : null),
    h('div', { class: 'actions', role: 'group', 'aria-label': t('team.downloads') },
      h('a', { class: 'btn btn-secondary btn-small', href: download(id, year, 'csv'), download: '', id: 'ledger-csv' },
        t('team.csv')),
      h('a', { class: 'btn btn-primary btn-small', href: download(id, year, 'xlsx'), download: '', id: 'ledger-xlsx' },
        icon('chart'), h('span', null, t('team.xlsx')))));
}

/**
 * The heading with the team's name, renamed in place (then `renamed`: the chart's title holds the name).
 * @param {number} id @param {string} name @param {() => Promise<void>} renamed
 */
function heading(id, name, renamed) {
  const st = status();
  const title = h('h1', { tabindex: '-1', id: 'team-title' }, name);
  const input = field({ label: t('team.name'), name: 'name', value: name, maxlength: 120, required: true,
    autocomplete: 'off', id: 'team-rename-name' });
  const form = h('form', { class: 'rename-form', id: 'rename-form', hidden: true, novalidate: true }, input.el,
    h('div', { class: 'form-actions' }, button(t('common.save'), { type: 'submit', variant: 'primary', small: true }),
      button(t('common.cancel'), { small: true, variant: 'ghost', onclick: () => close() })));
  const edit = iconButton('edit', t('team.rename'), () => {
    st.set('');
    input.input.value = title.textContent || '';
    form.hidden = false;
    shown.hidden = true;
    input.input.focus();
    input.input.select();
  });
  const shown = h('div', { class: 'team-title-row' }, title, edit);
  const close = (/** @type {HTMLElement} */ focus = edit) => {
    clearErrors(form);
    form.hidden = true;
    shown.hidden = false;
    focus.focus();
  };
  form.addEventListener('keydown', (e) => { if (e.key === 'Escape') close(); });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    clearErrors(form);
    busy(form, async () => {
      try {
        const team = await put(`/api/teams/${id}`, { name: input.input.value });
        title.textContent = team.name;
        document.title = `${team.name} · Roundtable`;
        close(title);
        st.ok(t('team.saved'));
        renamed().catch(() => undefined);  // the chart's title: shown anew; the name is saved either way
      } catch (err) {
        showError(form, err, st);
      }
    });
  });
  return h('div', { class: 'team-head' }, shown, form, st.el);
}

/** @param {import('../app.js').PageContext} ctx */
export async function render(ctx) {
  const id = Number(ctx.params[0]);
  const asked = Number(ctx.query.get('year'));
  const year = Number.isInteger(asked) && asked >= FIRST_YEAR && asked <= LAST_YEAR ? asked : new Date().getFullYear();
  const base = `/api/teams/${id}`;
  const opts = { signal: ctx.signal };
  /** @type {import('./team-forms.js').TeamView} */
  let view;
  try {
    view = await get(base, opts);
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 404)) throw err;
    return { title: t('team.notFoundTitle'), node: h('div', { class: 'card notice', id: 'team-not-found' },
      h('h1', { tabindex: '-1' }, t('team.notFoundTitle')), h('p', null, t('team.notFoundText')),
      h('p', null, h('a', { href: '/teams' }, t('team.back')))) };
  }
  const [ledger, activities, corrections, plans, me] = await Promise.all([
    get(`${base}/ledger?year=${year}`, opts), get(`${base}/activities?year=${year}`, opts),
    get(`${base}/corrections`, opts), get(`${base}/plans`, opts), ctx.me()]);

  const zone = browserZone();
  const box = h('div', { id: 'ledger-box' }, ledgerTable(ledger));
  const lead = h('p', { class: 'muted small' }, t('team.ledgerLead', { at: formatDateTime(ledger.computed_at, zone) }));
  const img = h('img', { src: chartSrc(id, year), alt: t('team.chartAlt', { year }), width: CHART.width,
    height: CHART.height, id: 'ledger-chart', class: 'ledger-chart-img' });
  /** @type {import('./team-forms.js').TeamPage} */
  const page = {
    id, year, me: me?.user.id ?? 0,
    changed: async () => {
      chartVersions.set(id, (chartVersions.get(id) ?? 0) + 1);
      img.src = chartSrc(id, year);
      const fresh = await get(`${base}/ledger?year=${year}`);
      replace(box, ledgerTable(fresh));
      lead.textContent = t('team.ledgerLead', { at: formatDateTime(fresh.computed_at, zone) });
    },
  };
  const contents = h('nav', { class: 'team-contents', 'aria-label': t('team.contents') },
    h('ul', { role: 'list' }, [['plans', t('plans.title')], ['activities', t('activities.title', { year })],
      ['corrections', t('corrections.title')], ['team-missions', t('teamMissions.title')],
      ['team-members', t('members.title')]].map(([to, label]) => h('li', null, h('a', { href: `#${to}` }, label)))));
  const node = h('div', { class: 'team-page' },
    h('a', { href: '/teams', class: 'back-link' }, icon('back'), t('team.back')),
    heading(id, view.team.name, page.changed),
    yearBar(id, year),
    contents,
    h('section', { class: 'card team-section ledger-card', 'aria-labelledby': 'ledger-h' },
      h('h2', { id: 'ledger-h' }, t('team.ledgerTitle', { year })), lead, box,
      h('figure', { class: 'ledger-chart' }, img)),
    plansCard(page, plans, ledger),
    activitiesCard(page, activities),
    correctionsCard(page, corrections),
    missionsCard(page, view),
    membersCard(page, view.members));
  if (ctx.hash) queueMicrotask(() => document.getElementById(ctx.hash)?.scrollIntoView());
  return { title: view.team.name, node };
}
