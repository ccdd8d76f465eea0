// @ts-check
/**
 * /leads — my leads of every mission (docs/leads.md): filter by mission, market and status; progress towards each
 * mission's target; move a lead through the pipeline; a next step with its date; notes; add a lead by hand;
 * export CSV and vCard. With ?mission=<id>, the leads carried over from earlier missions to the same market too.
 */

import { get, post, put, query } from '../api.js';
import { navigate } from '../app.js';
import { h, icon } from '../dom.js';
import { t, tn } from '../i18n.js';
import { formatDate } from '../time.js';
import { badge, busy, button, clearErrors, empty, field, pageHead, showError, status } from '../ui.js';

export const STATUSES = ['new', 'contacted', 'in-discussion', 'proposal', 'won', 'not-relevant'];
const ORIGINS = ['company-visit', 'business-card', 'other'];

/** @typedef {{id: number, title: string, destination: string, start_date: string}} Mission */
/** @typedef {{name: string, organisation: string, email: string, phone: string}} Contact */
/**
 * @typedef {{lead: {id: number, mission_id: number, person: number|null, source: string, meeting_id: number|null,
 *   created_at: string}, status: string, changes: {status: string, at: string}[], next_step_on: string|null,
 *   next_step_note: string, notes: string, contact: Contact, origin: string|null, meeting_notes: string}} Entry
 * @typedef {{entry: Entry, mission: Mission, person: {name: string, organisation: string}|null}} Lead
 */

/** @param {Lead} v */
const nameOf = (v) => v.entry.contact.name || v.person?.name || t('leads.unnamed');
/** @param {Lead} v */
const orgOf = (v) => v.entry.contact.organisation || v.person?.organisation || '';

/** What the PUT takes: the whole editable state, with `changes` applied. @param {Entry} e @param {object} changes */
function edit(e, changes) {
  return { status: e.status, next_step_on: e.next_step_on, next_step_note: e.next_step_note, notes: e.notes,
    contact: e.contact, ...changes };
}

/** One lead: the status select saves at once; the rest is edited in a disclosure. @param {Lead} v */
function leadItem(v) {
  const e = v.entry;
  const id = e.lead.id;
  const say = status();
  /** @param {object} changes */
  const save = async (changes) => {
    const saved = /** @type {Lead} */ (await put(`/api/leads/${id}`, edit(e, changes)));
    Object.assign(e, saved.entry);
    say.ok(t('leads.saved'));
  };
  const statusSelect = field({ name: 'status', label: t('leads.status'), value: e.status,
    options: STATUSES.map((s) => [s, t(`leads.s.${s}`)]), id: `lead-${id}-status` });
  statusSelect.input.addEventListener('change', async () => {
    try {
      await save({ status: statusSelect.input.value });
      item.dataset.status = statusSelect.input.value;
    } catch (err) { say.error(String(/** @type {any} */ (err)?.message || err)); }
  });
  const date = field({ name: 'next_step_on', label: t('leads.nextOn'), type: 'date', value: e.next_step_on || '',
    id: `lead-${id}-date`, optional: true });
  const note = field({ name: 'next_step_note', label: t('leads.nextNote'), value: e.next_step_note, maxlength: 200,
    id: `lead-${id}-note`, optional: true });
  const notes = field({ name: 'notes', label: t('leads.notes'), value: e.notes, rows: 3, maxlength: 4000,
    id: `lead-${id}-notes`, optional: true });
  const email = field({ name: 'contact.email', label: t('leads.email'), type: 'email', value: e.contact.email,
    id: `lead-${id}-email`, optional: true, autocomplete: 'off' });
  const phone = field({ name: 'contact.phone', label: t('leads.phone'), type: 'tel', value: e.contact.phone,
    id: `lead-${id}-phone`, optional: true, autocomplete: 'off' });
  const form = h('form', { class: 'stack lead-form' }, date.el, note.el, notes.el, email.el, phone.el,
    h('div', { class: 'actions' }, button(t('common.save'), { type: 'submit', variant: 'primary' })));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearErrors(form);
    busy(form, async () => {
      try {
        await save({ next_step_on: date.input.value || null, next_step_note: note.input.value,
          notes: notes.input.value, contact: { ...e.contact, email: email.input.value, phone: phone.input.value } });
      } catch (err) { showError(form, err, say); }
    });
  });
  const due = e.next_step_on && e.next_step_on <= new Date().toISOString().slice(0, 10);
  const item = h('li', { class: 'card lead-card', id: `lead-${id}`, dataset: { id, status: e.status } },
    h('div', { class: 'lead-head' },
      h('div', null,
        h('h3', { class: 'lead-name' }, nameOf(v)),
        orgOf(v) ? h('p', { class: 'muted' }, orgOf(v)) : null,
        h('p', { class: 'small muted' }, v.mission.title, ' · ', v.mission.destination, ' · ',
          t(`leads.src.${e.lead.source}`), e.origin ? ` (${t(`leads.o.${e.origin}`)})` : '')),
      h('div', { class: 'lead-status' }, statusSelect.el)),
    e.next_step_on ? h('p', { class: 'small' }, due ? badge(t('leads.due'), 'status-pending') : icon('calendar'), ' ',
      t('leads.nextStep', { date: formatDate(e.next_step_on), note: e.next_step_note })) : null,
    e.meeting_notes ? h('div', { class: 'lead-meeting-notes' }, h('p', { class: 'small muted' }, t('leads.meetingNotes')),
      h('p', { class: 'pre-wrap' }, e.meeting_notes)) : null,
    h('details', { class: 'lead-edit' }, h('summary', null, t('leads.edit')), form),
    h('p', { class: 'small' }, h('a', { href: `/api/leads/${id}.vcf`, download: `lead-${id}.vcf` }, t('leads.vcardOne'))),
    say.el);
  return item;
}

/** @param {{mission: Mission, target: number, leads: number}} p */
function progressRow(p) {
  const id = `target-${p.mission.id}`;
  const target = h('input', { id, name: 'target', type: 'number', min: 1, max: 10000, value: String(p.target),
    class: 'target-input', inputmode: 'numeric' });
  const say = status();
  const form = h('form', { class: 'target-form' },
    h('label', { for: id }, t('leads.target')), target, button(t('common.save'), { type: 'submit', small: true }), say.el);
  const bar = h('progress', { max: p.target, value: Math.min(p.leads, p.target), 'aria-labelledby': `${id}-label` });
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    busy(form, async () => {
      try {
        const saved = await put(`/api/missions/${p.mission.id}/lead-target`, { target: Number(target.value) });
        bar.max = saved.target;
        bar.value = Math.min(saved.leads, saved.target);
        label.textContent = t('leads.progress', { n: saved.leads, target: saved.target, mission: p.mission.title });
        say.ok(t('leads.saved'));
      } catch (err) { showError(form, err, say); }
    });
  });
  const label = h('p', { id: `${id}-label` }, t('leads.progress', { n: p.leads, target: p.target, mission: p.mission.title }));
  return h('li', { class: 'lead-progress' }, label, bar, form);
}

/** The "add a lead by hand" form. @param {Mission[]} missions @param {number|null} chosen */
function addForm(missions, chosen) {
  const say = status();
  const mission = field({ name: 'mission_id', label: t('leads.mission'), value: String(chosen || missions[0]?.id || ''),
    options: missions.map((m) => [String(m.id), m.title]) });
  const name = field({ name: 'contact.name', label: t('leads.name'), required: true, maxlength: 200, autocomplete: 'off' });
  const org = field({ name: 'contact.organisation', label: t('leads.organisation'), maxlength: 200, optional: true, autocomplete: 'off' });
  const email = field({ name: 'contact.email', label: t('leads.email'), type: 'email', optional: true, autocomplete: 'off' });
  const phone = field({ name: 'contact.phone', label: t('leads.phone'), type: 'tel', optional: true, autocomplete: 'off' });
  const origin = field({ name: 'origin', label: t('leads.origin'), options: ORIGINS.map((o) => [o, t(`leads.o.${o}`)]) });
  const notes = field({ name: 'notes', label: t('leads.notes'), rows: 3, maxlength: 4000, optional: true });
  const form = h('form', { class: 'stack', id: 'lead-add' }, mission.el, name.el, org.el, email.el, phone.el, origin.el,
    notes.el, h('div', { class: 'actions' }, button(t('leads.add'), { type: 'submit', variant: 'primary' })), say.el);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearErrors(form);
    busy(form, async () => {
      try {
        await post('/api/leads', { mission_id: Number(mission.input.value), origin: origin.input.value, notes: notes.input.value,
          contact: { name: name.input.value, organisation: org.input.value, email: email.input.value, phone: phone.input.value } });
        navigate(location.pathname + location.search, { replace: true });
      } catch (err) { showError(form, err, say); }
    });
  });
  return h('details', { class: 'card lead-add' }, h('summary', null, icon('plus'), ' ', t('leads.addTitle')), form);
}

/** @param {import('../app.js').PageContext} ctx */
export async function render(ctx) {
  const where = { mission_id: ctx.query.get('mission') || '', destination: ctx.query.get('market') || '',
    status: ctx.query.get('status') || '' };
  const q = query(where);
  /** @type {{leads: Lead[], progress: {mission: Mission, target: number, leads: number}[], markets: string[]}} */
  const page = await get(`/api/leads${q}`, { signal: ctx.signal });
  const missionId = Number(where.mission_id) || null;
  /** @type {Lead[]} */
  const carried = missionId ? await get(`/api/missions/${missionId}/carried-leads`, { signal: ctx.signal }).catch(() => []) : [];
  const missions = page.progress.map((p) => p.mission);
  const select = (/** @type {string} */ name, /** @type {string} */ label, /** @type {Array<[string, string]>} */ options, /** @type {string} */ value) =>
    field({ name, label, value, options: [['', t('leads.all')], ...options] });
  const fMission = select('mission', t('leads.mission'), missions.map((m) => [String(m.id), m.title]), where.mission_id);
  const fMarket = select('market', t('leads.market'), page.markets.map((m) => [m, m]), where.destination);
  const fStatus = select('status', t('leads.status'), STATUSES.map((s) => [s, t(`leads.s.${s}`)]), where.status);
  const filters = h('form', { class: 'lead-filters', role: 'search', 'aria-label': t('leads.filters') },
    fMission.el, fMarket.el, fStatus.el);
  filters.addEventListener('change', () => navigate(`/leads${query({ mission: fMission.input.value,
    market: fMarket.input.value, status: fStatus.input.value })}`, { replace: true }));
  const shown = page.progress.filter((p) => !missionId || p.mission.id === missionId);
  const title = t('leads.title');
  const node = h('div', { class: 'leads-page' },
    pageHead(title, t('leads.sub'),
      h('a', { class: 'btn btn-secondary', href: `/api/leads.csv${q}`, download: 'leads.csv', id: 'leads-csv' }, t('leads.csv')),
      h('a', { class: 'btn btn-secondary', href: `/api/leads.vcf${q}`, download: 'leads.vcf', id: 'leads-vcf' }, t('leads.vcard'))),
    filters,
    shown.length ? h('section', { class: 'card', 'aria-labelledby': 'progress-h' },
      h('h2', { id: 'progress-h', class: 'small-h' }, t('leads.progressTitle')),
      h('ul', { class: 'lead-progress-list', role: 'list' }, shown.map(progressRow))) : null,
    missions.length ? addForm(missions, missionId) : null,
    h('section', { 'aria-labelledby': 'leads-h' },
      h('h2', { id: 'leads-h' }, tn('leads.count', page.leads.length)),
      page.leads.length ? h('ol', { class: 'lead-list', role: 'list' }, page.leads.map(leadItem))
        : empty(t('leads.noneTitle'), t('leads.noneText'))),
    carried.length ? h('section', { 'aria-labelledby': 'carried-h' },
      h('h2', { id: 'carried-h' }, t('leads.carried', { market: carried[0].mission.destination })),
      h('ol', { class: 'lead-list', role: 'list' }, carried.map(leadItem))) : null);
  if (ctx.hash) queueMicrotask(() => document.getElementById(ctx.hash)?.scrollIntoView());
  return { title, node };
}
