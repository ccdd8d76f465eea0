// @ts-check
/**
 * /m/<id>/organise/people — bulk onboarding for organisers: upload a roster (CSV or XLSX: name, e-mail,
 * organisation, organisation type, sector, side, role, language), see every row with its errors, import the good
 * rows (one invitation each, its mail queued with it, all in one go), then follow each invitation: queued, sent,
 * failed, held (this server sends no mail), opened, accepted, revoked or expired — with resend, revoke and copy link.
 * Every value from the file or the server is put in the page as text (h() makes text nodes), never as markup.
 */

import { get, post, upload } from '../api.js';
import { h, icon, replace } from '../dom.js';
import { has, t, tn } from '../i18n.js';
import { loadMission, missionHeader, missionId } from '../mission-common.js';
import { badge, empty, errorMessage, status } from '../ui.js';

const TONE = { sent: 'status-accepted', accepted: 'status-accepted', opened: 'status-accepted',
  queued: 'status-pending', retrying: 'status-failed', held: 'status-expired', expired: 'status-expired', revoked: 'status-expired',
  failed: 'status-failed' };
const OPEN = new Set(['queued', 'sent', 'retrying', 'failed', 'held', 'opened']);
const REFRESH_MS = 2000;
const COLUMNS = ['name', 'email', 'organisation', 'org_type', 'sector', 'side', 'role', 'language'];

/**
 * @typedef {{code: string, field: string, message: string}} RowError
 * @typedef {{line: number, ok: boolean, name: string, email: string, organisation: string, org_type: string|null,
 *            sector: string, side: string|null, role: string, language: string, errors: RowError[]}} Row
 * @typedef {{rows: Row[], good: number, bad: number, ignored_columns: string[]}} Preview
 * @typedef {{invitation_id: number, name: string, email: string, organisation: string, role: string,
 *            side: string|null, status: string, mail_status: string|null, mail_answer: string}} Invitee
 */

/** The text of one row error, translated by its code when we know it. @param {RowError} e */
function rowError(e) {
  const key = `onboard.rowerr.${e.code}`;
  return `${t(`onboard.col.${e.field}`)}: ${has(key) ? t(key) : e.message}`;
}

/** One row of the check: its values, then its problems (or "ready"). @param {Row} r */
function previewRow(r) {
  const problems = r.ok ? badge(t('onboard.rowOk'), 'status-accepted')
    : h('ul', { class: 'plain' }, r.errors.map((e) => h('li', { dataset: { code: e.code } }, rowError(e))));
  return h('tr', { class: r.ok ? 'roster-ok' : 'roster-bad', dataset: { line: r.line, ok: String(r.ok) } },
    h('td', null, String(r.line)),
    h('td', null, r.name), h('td', null, r.email), h('td', null, r.organisation),
    h('td', null, r.org_type ? t(`org.${r.org_type}`) : ''), h('td', null, r.sector),
    h('td', null, r.side ? t(`side.${r.side}`) : ''), h('td', null, t(`role.${r.role}`)), h('td', null, r.language),
    h('td', { class: 'roster-errors' }, problems));
}

/** @param {Preview} preview */
function previewTable(preview) {
  const head = h('tr', null,
    h('th', { scope: 'col' }, t('onboard.line')),
    ...COLUMNS.map((c) => h('th', { scope: 'col' }, t(`onboard.col.${c}`))),
    h('th', { scope: 'col' }, t('onboard.problems')));
  return h('div', { class: 'table-wrap' },
    h('table', { class: 'roster-table' },
      h('caption', { class: 'sr-only' }, t('onboard.previewTitle')),
      h('thead', null, head),
      h('tbody', null, preview.rows.map(previewRow))));
}

/** @param {import('../app.js').PageContext} ctx */
export async function render(ctx) {
  const mid = missionId(ctx.params);
  const view = await loadMission(mid);
  const title = t('onboard.title');
  if (!view.permissions.includes('invite')) {
    return { title, node: h('div', null, missionHeader(view, 'organise'),
      h('div', { class: 'card notice' }, h('h1', { tabindex: '-1' }, title), h('p', null, t('onboard.notAllowed')))) };
  }
  const uploadStatus = status();
  const listStatus = status();
  const previewEl = h('div', { id: 'roster-preview' });
  const listEl = h('div', { id: 'invitee-list' });
  /** @type {File | null} */
  let file = null;

  /** @param {Invitee} p */
  function inviteeRow(p) {
    const open = OPEN.has(p.status);
    /** @param {string} action @param {string} label @param {'send'|'copy'|'x'} name */
    const act = (action, label, name) => h('button', { type: 'button', class: 'btn btn-ghost btn-small',
      dataset: { action }, 'aria-label': `${label}: ${p.name}`, onclick: () => run(p, action) },
    icon(name), h('span', null, label));
    return h('tr', { dataset: { id: p.invitation_id, status: p.status } },
      h('th', { scope: 'row' }, p.name, h('div', { class: 'muted small' }, p.organisation)),
      h('td', null, p.email),
      h('td', null, badge(t(`onboard.status.${p.status}`), TONE[/** @type {keyof TONE} */ (p.status)] || 'neutral'),
        p.mail_answer && p.status === 'failed' ? h('div', { class: 'muted small' }, p.mail_answer) : null),
      h('td', { class: 'invitee-actions' }, open ? h('div', { class: 'form-actions' },
        act('resend', t('onboard.resend'), 'send'), act('link', t('onboard.copyLink'), 'copy'),
        act('revoke', t('onboard.revoke'), 'x')) : null));
  }

  /** @param {Invitee} p @param {string} action */
  async function run(p, action) {
    try {
      if (action === 'link') {
        const { link } = await post(`/api/missions/${mid}/invitations/${p.invitation_id}/link`);
        let copied = false;
        try {
          await navigator.clipboard.writeText(link);
          copied = true;
        } catch { /* no clipboard (not allowed, or not a secure page): the link is shown to copy by hand */ }
        listStatus.ok(copied ? t('onboard.linkCopied', { name: p.name }) : t('onboard.linkShown', { name: p.name }));
        replace(linkEl, h('label', { class: 'field' }, h('span', null, t('onboard.linkFor', { name: p.name })),
          h('input', { type: 'text', readonly: true, value: link, class: 'invitee-link',
            onfocus: (/** @type {Event} */ e) => /** @type {HTMLInputElement} */ (e.target).select() })));
        return;
      }
      if (action === 'revoke' && !window.confirm(t('onboard.revokeConfirm', { name: p.name }))) return;
      await post(`/api/missions/${mid}/invitations/${p.invitation_id}/${action}`);
      listStatus.ok(t(action === 'revoke' ? 'onboard.revoked' : 'onboard.resent', { name: p.name }));
      await loadList();
    } catch (err) {
      listStatus.error(errorMessage(err));
    }
  }
  const linkEl = h('div', { id: 'invitee-link' });

  let shown = '';
  /** @type {number | undefined} */
  let refresh;
  ctx.signal.addEventListener('abort', () => window.clearTimeout(refresh));

  /** The list; while a mail is still queued or retrying it is read again every few seconds (and redrawn only if changed). */
  async function loadList() {
    window.clearTimeout(refresh);
    /** @type {{mail_sent: boolean, people: Invitee[]}} */
    const page = await get(`/api/missions/${mid}/invitees`, { signal: ctx.signal });
    if (page.people.some((p) => p.status === 'queued' || p.status === 'retrying')) {
      refresh = window.setTimeout(() => { loadList().catch(() => {}); }, REFRESH_MS);
    }
    const seen = JSON.stringify(page);
    if (seen === shown) return;
    shown = seen;
    replace(listEl,
      page.mail_sent ? null : h('div', { class: 'card notice', role: 'note' }, h('p', null, t('onboard.unsent'))),
      h('p', { class: 'muted', id: 'invitee-count' }, tn('onboard.count', page.people.length)),
      page.people.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'invitee-table' },
        h('caption', { class: 'sr-only' }, t('onboard.listTitle')),
        h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('onboard.col.name')),
          h('th', { scope: 'col' }, t('onboard.col.email')), h('th', { scope: 'col' }, t('onboard.statusCol')),
          h('th', { scope: 'col' }, t('onboard.actions')))),
        h('tbody', null, page.people.map(inviteeRow))))
        : empty(t('onboard.noneTitle'), t('onboard.noneText')));
  }

  /** @param {File} chosen */
  async function check(chosen) {
    file = chosen;
    uploadStatus.set(t('onboard.checking', { name: chosen.name }));
    replace(previewEl);
    try {
      /** @type {Preview} */
      const preview = await upload(`/api/missions/${mid}/roster/preview`, chosen);
      uploadStatus.set(t('onboard.checked', { good: preview.good, bad: preview.bad }));
      const importButton = h('button', { type: 'button', class: 'btn btn-primary', id: 'roster-import',
        disabled: preview.good === 0, onclick: () => doImport(importButton) },
      icon('send'), h('span', null, tn('onboard.import', preview.good)));
      replace(previewEl,
        h('h2', { id: 'preview-h' }, t('onboard.previewTitle')),
        h('p', { class: 'roster-summary', role: 'note' },
          t('onboard.summary', { good: preview.good, bad: preview.bad })),
        preview.ignored_columns.length
          ? h('p', { class: 'muted small' }, t('onboard.ignored', { columns: preview.ignored_columns.join(', ') }))
          : null,
        previewTable(preview),
        h('div', { class: 'form-actions' }, importButton));
    } catch (err) {
      uploadStatus.error(errorMessage(err));
    }
  }

  /** @param {HTMLButtonElement} button */
  async function doImport(button) {
    if (!file) return;
    button.disabled = true;
    button.setAttribute('aria-busy', 'true');
    try {
      const done = await upload(`/api/missions/${mid}/roster/import`, file);
      replace(previewEl);
      file = null;
      input.value = '';
      uploadStatus.ok(tn('onboard.imported', done.imported));
      await loadList();
      listHeading.focus();
    } catch (err) {
      uploadStatus.error(errorMessage(err));
      button.disabled = false;
    } finally {
      button.removeAttribute('aria-busy');
    }
  }

  const input = /** @type {HTMLInputElement} */ (h('input', { type: 'file', id: 'roster-file', name: 'roster',
    accept: '.csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    'aria-describedby': 'roster-help',
    onchange: () => { if (input.files && input.files[0]) check(input.files[0]); } }));
  const drop = h('div', { class: 'dropzone', id: 'roster-drop' },
    icon('plus'),
    h('label', { for: 'roster-file', class: 'dropzone-label' }, t('onboard.choose')),
    input,
    h('p', { class: 'muted small' }, t('onboard.drop')));
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('dragging'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('dragging'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('dragging');
    const dropped = e.dataTransfer && e.dataTransfer.files[0];
    if (dropped) check(dropped);
  });
  const listHeading = h('h2', { id: 'invitees-h', tabindex: '-1' }, t('onboard.listTitle'));

  await loadList();
  const node = h('div', null,
    missionHeader(view, 'organise'),
    h('div', { class: 'section-head' },
      h('h1', { tabindex: '-1' }, title),
      h('a', { class: 'btn btn-ghost btn-small', href: `/m/${mid}/organise` }, t('omeet.backToInvitations'))),
    h('section', { class: 'card', 'aria-labelledby': 'upload-h' },
      h('h2', { id: 'upload-h' }, t('onboard.uploadTitle')),
      h('p', { id: 'roster-help' }, t('onboard.help')),
      drop,
      uploadStatus.el,
      previewEl),
    h('section', { class: 'card', 'aria-labelledby': 'invitees-h' },
      listHeading,
      listStatus.el,
      linkEl,
      listEl));
  return { title: `${title} · ${view.mission.title}`, node };
}
