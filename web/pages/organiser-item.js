// @ts-check
/** The opening both organiser pages of one programme item share (its invite list, its sign-ups and check-in):
 * the mission, the item, or the page to show instead when the viewer may not manage the programme or the item is
 * gone. */

import { get } from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { loadMission, missionHeader, missionId } from '../mission-common.js';

/**
 * @param {import('../app.js').PageContext} ctx
 * @param {string} title  the page's title, shown on the refusal too
 * @returns {Promise<{page: {title: string, node: Node}} | {page: null, mid: number, itemId: number,
 *   view: Awaited<ReturnType<typeof loadMission>>, item: import('./mission.js').Item}>}
 */
export async function organiserItem(ctx, title) {
  const mid = missionId(ctx.params);
  const itemId = Number(ctx.params[1]);
  const [view, programme] = await Promise.all([
    loadMission(mid), get(`/api/missions/${mid}/programme`, { signal: ctx.signal }),
  ]);
  if (!view.permissions.includes('manage-programme')) {
    return { page: { title, node: h('div', null, missionHeader(view, 'programme'),
      h('div', { class: 'card notice' }, h('h1', { tabindex: '-1' }, title), h('p', null, t('ctl.notAllowed')))) } };
  }
  /** @type {import('./mission.js').Item | undefined} */
  const item = /** @type {any[]} */ (programme).find((x) => x.id === itemId);
  if (!item) {
    return { page: { title: t('aud.itemNotFound'), node: h('div', null, missionHeader(view, 'programme'),
      h('div', { class: 'card notice' }, h('h1', { tabindex: '-1' }, t('aud.itemNotFound')),
        h('p', null, h('a', { href: `/m/${mid}` }, t('aud.backToProgramme'))))) } };
  }
  return { page: null, mid, itemId, view, item };
}
