// @ts-check
/**
 * /m/<id>/organise/outbox — every mail about the mission and what became of it, for organisers: sent (the mail
 * server took it), on its way (being sent, or waiting to be tried again after a failure, with the server's answer),
 * bounced or failed (with the answer), or kept here because this server sends no mail. A sign-in link is shown
 * with its link withheld: it is for its recipient only.
 */

import { get } from '../api.js';
import { h, replace } from '../dom.js';
import { t, tn } from '../i18n.js';
import { loadMission, missionHeader, missionId } from '../mission-common.js';
import { browserZone, formatDateTime } from '../time.js';
import { badge, empty } from '../ui.js';

const TONE = { sent: 'status-accepted', pending: 'status-pending', sending: 'status-pending',
  retrying: 'status-pending', held: 'status-expired', bounced: 'status-failed', failed: 'status-failed' };

/**
 * @typedef {{id: number, template: string, to_addr: string, to_name: string, lang: string, subject: string,
 *            text: string, status: string, attempts: number, last_answer: string, created_at: string,
 *            updated_at: string, sent_at: string|null, next_attempt_at: string|null, link_withheld: boolean}} Mail
 */

/** What became of a mail, in a sentence. @param {Mail} m @param {string} zone */
function outcome(m, zone) {
  const when = (/** @type {string} */ at) => formatDateTime(at, zone);
  switch (m.status) {
    case 'sent': return t('outbox.sentOn', { date: when(m.sent_at || m.updated_at) });
    case 'retrying': return t('outbox.retryAt', { date: when(m.next_attempt_at || m.updated_at), n: m.attempts });
    case 'held': return t('outbox.heldText');
    case 'bounced': case 'failed': return tn('outbox.gaveUp', m.attempts);
    default: return t('outbox.queuedOn', { date: when(m.created_at) });
  }
}

/** @param {Mail} m @param {string} zone */
function mailRow(m, zone) {
  return h('li', { class: 'outbox-mail', dataset: { id: m.id, status: m.status, template: m.template } },
    h('div', { class: 'outbox-head' },
      h('div', { class: 'outbox-who' },
        h('p', { class: 'outbox-subject' }, m.subject),
        h('p', { class: 'muted small' }, t('outbox.to', { name: m.to_name, email: m.to_addr }), ' · ',
          t(`outbox.lang.${m.lang}`))),
      h('div', { class: 'outbox-status' },
        badge(t(`outbox.status.${m.status}`), TONE[/** @type {keyof TONE} */ (m.status)] || 'neutral'),
        h('p', { class: 'muted small' }, outcome(m, zone)))),
    m.last_answer ? h('p', { class: 'small outbox-answer' }, h('span', { class: 'muted' }, t('outbox.answer')), ' ',
      h('code', null, m.last_answer)) : null,
    h('details', { class: 'outbox-body' },
      h('summary', null, t('outbox.read')),
      m.link_withheld ? h('p', { class: 'muted small' }, t('outbox.withheld')) : null,
      h('pre', { class: 'outbox-text' }, m.text)));
}

/** @param {import('../app.js').PageContext} ctx */
export async function render(ctx) {
  const mid = missionId(ctx.params);
  const view = await loadMission(mid);
  const title = t('outbox.title');
  if (!view.permissions.includes('invite')) {
    return { title, node: h('div', null, missionHeader(view, 'organise'),
      h('div', { class: 'card notice' }, h('h1', { tabindex: '-1' }, title), h('p', null, t('outbox.notAllowed')))) };
  }
  /** @type {{mail_sent: boolean, mails: Mail[]}} */
  const page = await get(`/api/missions/${mid}/outbox`, { signal: ctx.signal });
  const zone = browserZone();
  const listEl = h('div', { id: 'outbox-list' }, page.mails.length
    ? h('ol', { class: 'outbox-list', role: 'list' }, page.mails.map((m) => mailRow(m, zone)))
    : empty(t('outbox.noneTitle'), t('outbox.noneText')));
  const node = h('div', null,
    missionHeader(view, 'organise'),
    h('div', { class: 'section-head' },
      h('h1', { tabindex: '-1' }, title),
      h('a', { class: 'btn btn-ghost btn-small', href: `/m/${mid}/organise` }, t('omeet.backToInvitations'))),
    page.mail_sent ? null
      : h('div', { class: 'card notice outbox-unsent', role: 'note' },
        h('h2', null, t('outbox.unsentTitle')), h('p', null, t('outbox.unsentText'))),
    h('section', { class: 'card', 'aria-labelledby': 'outbox-h' },
      h('h2', { id: 'outbox-h', class: 'sr-only' }, title),
      h('p', null, t('outbox.lead')),
      h('p', { class: 'muted om-count', role: 'status' }, tn('outbox.count', page.mails.length)),
      listEl));
  return { title: `${title} · ${view.mission.title}`, node };
}
