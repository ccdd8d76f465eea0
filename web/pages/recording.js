// @ts-check
/**
 * /m/<id>/recording/<item> — an item's recording after the item (docs/webinar.md, "Recording"): the video, played
 * from the server with range requests so it seeks, or the organiser's external link; a rehearsal's recording for
 * the item's staff; and for organisers, an external link instead of the file, or deleting it.
 */

import { del, get, put } from '../api.js';
import { h, icon, replace } from '../dom.js';
import { t } from '../i18n.js';
import { loadMission, missionHeader, missionId } from '../mission-common.js';
import { formatDayLong, formatTime } from '../time.js';
import { badge, busy, clearErrors, errorMessage, field, showError, showFieldError, status } from '../ui.js';
import { viewerZone } from './mission.js';

const POLL_MS = 5000; // while a recording is being prepared

/**
 * @typedef {{id: number, item_id: number, rehearsal: boolean, status: 'processing'|'ready'|'failed'|'link',
 *   duration_s: number, size: number, url: string|null, external_url: string|null, error: string|null,
 *   replays: number|null, updated_at: string}} Recording
 */

/** @param {number} seconds */
function duration(seconds) {
  const s = Math.round(seconds);
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return hh ? `${hh}:${String(mm).padStart(2, '0')}:${ss}` : `${mm}:${ss}`;
}

/** @param {number} bytes */
function megabytes(bytes) {
  return t('rec.size', { mb: (bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0) });
}

/** @param {import('../app.js').PageContext} ctx */
export async function render(ctx) {
  const mid = missionId(ctx.params);
  const itemId = Number(ctx.params[1]);
  const base = `/api/missions/${mid}/programme/${itemId}`;
  const [view, programme] = await Promise.all([loadMission(mid), get(`/api/missions/${mid}/programme`,
    { signal: ctx.signal })]);
  /** @type {import('./mission.js').Item | undefined} */
  const item = /** @type {any[]} */ (programme).find((x) => x.id === itemId);
  if (!item) {
    return { title: t('aud.itemNotFound'), node: h('div', null, missionHeader(view, 'programme'),
      h('div', { class: 'card notice' }, h('h1', { tabindex: '-1' }, t('aud.itemNotFound')),
        h('p', null, h('a', { href: `/m/${mid}` }, t('aud.backToProgramme'))))) };
  }
  const organiser = view.permissions.includes('manage-programme');
  const zone = viewerZone();
  const list = h('div', { class: 'stack recordings' });
  const live = h('p', { class: 'sr-only', role: 'status', 'aria-live': 'polite' });
  /** @type {number|undefined} */
  let timer;

  const load = async () => {
    /** @type {Recording[]} */
    const found = await get(`${base}/recordings`, { signal: ctx.signal });
    draw(found);
    clearTimeout(timer);
    if (found.some((r) => r.status === 'processing')) timer = window.setTimeout(() => void load().catch(() => {}), POLL_MS);
  };

  /** @param {Recording[]} found */
  const draw = (found) => {
    const shown = found.map(card);
    if (!found.some((r) => !r.rehearsal)) {
      shown.unshift(h('div', { class: 'card empty-state rec-none' }, h('h2', null, t('rec.noneTitle')),
        h('p', { class: 'muted' }, t(organiser ? 'rec.noneOrganiser' : 'rec.none'))));
    }
    if (organiser) shown.push(linkForm(found.find((r) => !r.rehearsal)));
    replace(list, ...shown);
  };

  /** @param {Recording} r */
  const card = (r) => {
    const head = h('div', { class: 'rec-head' },
      h('h2', null, r.rehearsal ? t('rec.rehearsalTitle') : t('rec.title')),
      r.rehearsal ? badge(t('rec.staffOnly'), 'audience') : null,
      r.status === 'processing' ? badge(t('rec.processing'), 'status-pending') : null,
      r.status === 'failed' ? badge(t('rec.failed'), 'status-failed') : null);
    /** @type {(Node|null)[]} */
    const body = [];
    if (r.status === 'ready' && r.url) {
      body.push(h('video', { class: 'rec-video', controls: true, preload: 'metadata', src: r.url,
        'aria-label': t('rec.videoLabel', { title: item.title }) }),
      h('p', { class: 'muted rec-facts' }, t('rec.facts', { duration: duration(r.duration_s), size: megabytes(r.size) }),
        r.replays !== null ? ` · ${t('rec.replays', { n: r.replays })}` : ''));
    } else if (r.status === 'link' && r.external_url) {
      body.push(h('p', null, h('a', { href: r.external_url, class: 'btn btn-primary', rel: 'noopener noreferrer',
        target: '_blank' }, icon('video'), h('span', null, t('rec.watchElsewhere')))),
      h('p', { class: 'muted rec-link' }, r.external_url));
    } else if (r.status === 'processing') {
      body.push(h('p', { class: 'muted' }, t('rec.processingText')));
    } else if (r.status === 'failed') {
      body.push(h('p', null, t('rec.failedText')), r.error ? h('p', { class: 'muted rec-error' }, r.error) : null);
    }
    if (r.rehearsal) body.push(h('p', { class: 'muted' }, t('rec.rehearsalText')));
    if (organiser) body.push(deleteButton(r));
    return h('section', { class: 'card stack rec-card', 'data-recording': String(r.id) }, head, ...body);
  };

  /** @param {Recording} r */
  const deleteButton = (r) => {
    const st = status();
    const button = h('button', { type: 'button', class: 'btn btn-secondary btn-small rec-delete' }, icon('trash'),
      h('span', null, t('rec.delete')));
    button.addEventListener('click', async () => {
      if (!window.confirm(t(r.rehearsal ? 'rec.deleteRehearsalConfirm' : 'rec.deleteConfirm'))) return;
      button.setAttribute('disabled', '');
      try {
        await del(`/api/missions/${mid}/recordings/${r.id}`);
        live.textContent = t('rec.deleted');
        await load();
      } catch (err) {
        button.removeAttribute('disabled');
        st.error(errorMessage(err));
      }
    });
    return h('div', { class: 'rec-actions' }, button, st.el);
  };

  /** @param {Recording|undefined} current */
  const linkForm = (current) => {
    const url = field({ label: t('rec.linkLabel'), name: 'url', type: 'url', required: true, maxlength: 2000,
      value: current?.external_url || '', hint: t(current?.status === 'ready' ? 'rec.linkHintReplaces' : 'rec.linkHint'),
      autocomplete: 'off' });
    const st = status();
    const form = h('form', { class: 'card stack rec-link-form', novalidate: true },
      h('h2', null, t('rec.linkTitle')), url.el, st.el,
      h('div', null, h('button', { type: 'submit', class: 'btn btn-primary' }, icon('link'),
        h('span', null, t('rec.linkSave')))));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      clearErrors(form);
      const typed = url.input.value.trim();
      if (!/^https?:\/\/[^\s/]+/i.test(typed)) {
        showFieldError(form, 'url', t('rec.badLink'));
        return;
      }
      if (current?.status === 'ready' && !window.confirm(t('rec.linkReplaceConfirm'))) return;
      busy(form, async () => {
        try {
          await put(`${base}/recording-link`, { url: typed });
          live.textContent = t('rec.linkSaved');
          await load();
        } catch (err) {
          showError(form, err, st);
        }
      });
    });
    return form;
  };

  ctx.signal.addEventListener('abort', () => clearTimeout(timer));
  await load();
  const heading = h('h1', { tabindex: '-1' }, item.title);
  return {
    title: t('rec.pageTitle', { title: item.title }),
    node: h('div', { class: 'stack recording-page' }, missionHeader(view, 'programme'),
      h('div', { class: 'page-head' }, heading,
        h('p', { class: 'muted' }, `${formatDayLong(item.starts_at, zone)} · ${formatTime(item.starts_at, zone)}`),
        h('p', null, h('a', { href: `/m/${mid}#item-${item.id}` }, icon('back'), h('span', null, t('rec.back'))))),
      live, list),
  };
}
