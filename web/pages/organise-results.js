// @ts-check
/**
 * /m/<id>/organise/results — the mission's results for its organisers, computed from what the platform recorded
 * (docs/results.md): who took part, invitations, each webinar, matchmaking, every meeting, the lounge, leads
 * (counts only) and company visits. Each table downloads as CSV; all of them as one XLSX workbook.
 */

import { get } from '../api.js';
import { h, icon } from '../dom.js';
import { lang, t } from '../i18n.js';
import { loadMission, missionHeader, missionId } from '../mission-common.js';
import { viewerZone } from './mission.js';
import { formatDayShort, formatTime } from '../time.js';

/** @typedef {string|number|null} Cell */

/**
 * A table that scrolls sideways inside its own box on a phone. Its caption is shown where a section holds more
 * than one table, and is there for screen readers alone where it would repeat the section's heading.
 * @param {string} caption @param {string[]} head @param {Cell[][]} rows @param {boolean} [shown]
 */
function table(caption, head, rows, shown = false) {
  const cell = (/** @type {Cell} */ v) => (v === null || v === undefined ? '—' : typeof v === 'number'
    ? v.toLocaleString(document.documentElement.lang || undefined) : v);
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': caption },
    h('table', { class: 'results-table' },
      h('caption', { class: shown ? 'results-caption' : 'sr-only' }, caption),
      h('thead', null, h('tr', null, head.map((x, i) => h('th', { scope: 'col', class: i ? 'num' : null }, x)))),
      h('tbody', null, rows.length ? rows.map((r) => h('tr', null, r.map((v, i) => i === 0
        ? h('th', { scope: 'row' }, cell(v)) : h('td', { class: typeof v === 'number' || v === null ? 'num' : null }, cell(v)))))
        : h('tr', null, h('td', { colspan: String(head.length), class: 'muted' }, t('results.none'))))));
}

/** @param {number} mid @param {string} name */
function csvLink(mid, name) {
  return h('a', { class: 'btn btn-secondary btn-small', href: `/api/missions/${mid}/results/${name}.csv`, download: '' },
    t('results.csv'));
}

/** @param {number} mid @param {string} name @param {string} title @param {...(Node|null)} body */
function section(mid, name, title, ...body) {
  return h('section', { class: 'card results-section', 'aria-labelledby': `res-${name}` },
    h('div', { class: 'section-head' }, h('h2', { id: `res-${name}` }, title), csvLink(mid, name)), ...body);
}

/** @param {string} label @param {number|string} value @param {string} [note] */
function tile(label, value, note) {
  return h('div', { class: 'results-tile' }, h('p', { class: 'results-value' }, String(value)),
    h('p', { class: 'results-label' }, label), note ? h('p', { class: 'small muted' }, note) : null);
}

/**
 * Counts by key, each key translated.
 * @param {Record<string, number>} counts @param {string} prefix @returns {Cell[][]}
 */
const keyed = (counts, prefix) => Object.entries(counts).map(([k, n]) => [t(`${prefix}${k || 'none'}`), n]);

/** @param {import('../app.js').PageContext} ctx */
export async function render(ctx) {
  const mid = missionId(ctx.params);
  const view = await loadMission(mid);
  const title = t('results.title');
  if (!view.permissions.includes('view-results')) {
    return { title, node: h('div', null, missionHeader(view, 'organise'),
      h('div', { class: 'card notice' }, h('h1', { tabindex: '-1' }, title), h('p', null, t('results.notAllowed')))) };
  }
  const r = await get(`/api/missions/${mid}/results`, { signal: ctx.signal });
  const zone = viewerZone();
  const when = (/** @type {string} */ at) => `${formatDayShort(at, zone)} ${formatTime(at, zone)}`;
  const p = r.participation, inv = r.invitations, mm = r.matchmaking, le = r.leads;
  const viewers = r.webinars.reduce((/** @type {number} */ s, /** @type {any} */ w) => s + w.unique_viewers, 0);
  const node = h('div', null, missionHeader(view, 'organise'),
    h('div', { class: 'section-head' }, h('h1', { tabindex: '-1' }, title),
      h('a', { class: 'btn btn-primary btn-small', href: `/api/missions/${mid}/results.xlsx`, download: '' },
        icon('chart'), h('span', null, t('results.xlsx')))),
    h('p', { class: 'muted' }, t('results.lead', { at: when(r.computed_at) })),
    h('div', { class: 'results-tiles' },
      tile(t('results.people'), p.people), tile(t('results.companies'), p.companies.total),
      tile(t('results.accepted'), `${inv.accepted} / ${inv.invited}`),
      tile(t('results.viewers'), viewers), tile(t('results.held'), `${mm.held} / ${mm.meetings_booked}`),
      tile(t('results.leads'), le.total, le.average_per_participant === null ? undefined
        : t('results.perParticipant', { n: le.average_per_participant }))),
    h('div', { id: 'results-charts', class: 'results-charts' },
      ['matchmaking', 'webinars'].map((name) => h('figure', { class: 'card results-chart' },
        h('img', { src: `/api/missions/${mid}/results/charts/${name}.svg?lang=${lang()}`,
          alt: t(`results.chart.${name}`), loading: 'lazy', width: '640', height: String(name === 'matchmaking' ? 246 : r.webinars.length ? 42 + 68 * r.webinars.length : 66) })))),
    section(mid, 'participation', t('results.participation'),
      table(t('results.bySide'), [t('results.side'), t('results.people'), t('results.companies')],
        Object.keys(p.by_side).map((k) => [t(`side.${k}`), p.by_side[k], p.companies.by_side[k] ?? 0]), true),
      table(t('results.byOrgType'), [t('results.orgType'), t('results.people')],
        p.by_org_type.map((/** @type {any} */ x) => [x.key ? t(`org.${x.key}`) : t('results.notGiven'), x.count]), true),
      table(t('results.bySector'), [t('results.sector'), t('results.people')],
        p.by_sector.map((/** @type {any} */ x) => [x.key, x.count]), true)),
    section(mid, 'invitations', t('results.invitations'),
      table(t('results.invitations'), [t('results.figure'), t('results.count')], [
        [t('results.invited'), inv.invited], [t('results.opened'), inv.opened], [t('results.accepted'), inv.accepted],
        [t('results.pending'), inv.pending], [t('results.expired'), inv.expired], [t('results.revoked'), inv.revoked],
        ...keyed(inv.mails, 'outbox.status.')])),
    section(mid, 'webinars', t('results.webinars'),
      table(t('results.webinars'), [t('results.webinar'), t('results.viewers'), t('results.peak'),
        t('results.avgMinutes'), t('results.asked'), t('results.answered'), t('results.pollVoters'),
        t('results.replayViewers')],
      r.webinars.map((/** @type {any} */ w) => [`${w.title} · ${when(w.starts_at)}`, w.unique_viewers, w.peak,
        w.average_minutes, w.questions_asked, w.questions_answered, w.poll_voters, w.replay_viewers]))),
    section(mid, 'matchmaking', t('results.matchmaking'),
      table(t('results.matchmaking'), [t('results.figure'), t('results.count')], [
        [t('results.requestsSent'), mm.requests_sent], [t('results.requestsAccepted'), mm.requests_accepted],
        [t('results.requestsDeclined'), mm.requests_declined], [t('results.requestsPending'), mm.requests_pending],
        [t('results.booked'), mm.meetings_booked], [t('meeting.status.held'), mm.held],
        [t('meeting.status.no-show'), mm.no_show], [t('meeting.status.failed-to-connect'), mm.failed_to_connect],
        [t('results.ahead'), mm.ahead], [t('meeting.status.cancelled'), mm.cancelled],
        [t('results.avgHeld'), mm.average_held_minutes], [t('results.ratings'), mm.ratings],
        [t('results.avgRating'), mm.average_rating]])),
    section(mid, 'meetings', t('results.meetings'),
      table(t('results.meetings'), [t('results.when'), t('results.between'), t('results.status'), t('results.minutes')],
        r.meetings.map((/** @type {any} */ m) => [when(m.starts_at),
          `${m.a.name} (${m.a.organisation || '—'}) · ${m.b.name} (${m.b.organisation || '—'})`,
          t(`meeting.status.${m.status}`), m.minutes_together]))),
    section(mid, 'lounges', t('results.lounges'),
      table(t('results.lounges'), [t('results.lounge'), t('results.connects'), t('results.oneSided'), t('results.pairsMet')],
        r.lounges.map((/** @type {any} */ x) => [x.title, x.connects, x.one_sided, x.pairs_met]))),
    section(mid, 'leads', t('results.leadsTitle'),
      h('p', { class: 'muted small' }, t('results.leadsPrivate')),
      table(t('results.leadsTitle'), [t('results.status'), t('results.count')], keyed(le.by_status, 'leads.s.'), true),
      table(t('results.leadsPerPerson'), [t('results.person'), t('results.count')],
        le.participants.map((/** @type {any} */ x) => [`${x.person.name}${x.person.organisation ? ` · ${x.person.organisation}` : ''}`, x.total]), true)),
    section(mid, 'company_visits', t('results.visits'),
      table(t('results.visits'), [t('results.visit'), t('results.when'), t('results.attendance')],
        r.company_visits.map((/** @type {any} */ v) => [v.title, when(v.starts_at),
          v.attendance === null ? t('results.notRecorded') : v.attendance]))));
  return { title, node };
}
