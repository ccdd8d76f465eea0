// @ts-check
/**
 * /m/<id>/organise/items/<item>/door — sign-ups and check-in of one programme item, for organisers: who holds a
 * place, who waits (in order) and who was let in without a sign-up, with when they signed up and checked in;
 * checking people in by hand, taking a place away, checking in someone from the directory; and the item's check-in
 * code, also as a full-screen "Show at the door" view for a tablet or a screen at the entrance (docs/programme.md).
 */

import { ApiError, del, get, post } from '../api.js';
import { h, icon, replace } from '../dom.js';
import { t, tn } from '../i18n.js';
import { missionHeader } from '../mission-common.js';
import { personPicker } from '../organise/person-picker.js';
import { organiserItem } from './organiser-item.js';
import { formatDayLong, formatDayShort, formatTime, dayKey } from '../time.js';
import { badge, button, errorMessage, status } from '../ui.js';
import { itemPlace, itemZone, onLocation, viewerZone } from './mission.js';

/**
 * @typedef {object} Attendee
 * @property {number} user_id
 * @property {string} name
 * @property {string} organisation
 * @property {'confirmed'|'waiting'|null} status  null: checked in without a sign-up
 * @property {number|null} position
 * @property {string|null} signed_up_at
 * @property {string|null} checked_in_at
 */
/** @typedef {{item_id: number, capacity: number|null, people: Attendee[], checked_in: number}} Attendance */

/** How often the list is fetched again while nobody is using it (people check in with their phones meanwhile). */
const REFRESH_MS = 15_000;

/** @param {import('../app.js').PageContext} ctx */
export async function render(ctx) {
  const found = await organiserItem(ctx, t('pl.doorLink'));
  if (found.page) return found.page;
  const { mid, itemId, view, item } = found;
  const m = view.mission;
  const base = `/api/missions/${mid}/programme/${itemId}`;
  const here = onLocation(item, m);
  const [first, code] = await Promise.all([
    /** @type {Promise<Attendance>} */ (get(`${base}/signups`, { signal: ctx.signal })),
    here ? /** @type {Promise<{code: string, path: string} | null>} */ (get(`${base}/checkin-code`, { signal: ctx.signal })
      .catch((err) => { if (err instanceof ApiError && err.code === 'checkin-not-here') return null; throw err; }))
      : Promise.resolve(null),
  ]);
  let data = first;
  const zone = viewerZone();
  const st = status();
  const listEl = h('div', { class: 'door-list', id: 'door-list' });
  const countEl = h('p', { class: 'door-count', id: 'door-count' });
  /** An open "remove?" question: the list is not redrawn under it by the automatic refresh. */
  let asking = false;

  /** A time of today as a time, else with its day. @param {string} iso */
  const when = (iso) => (dayKey(iso, zone) === dayKey(new Date(), zone) ? formatTime(iso, zone)
    : `${formatDayShort(iso, zone)} ${formatTime(iso, zone)}`);

  const load = async () => {
    data = await get(`${base}/signups`);
    draw();
  };

  /** Focus something in a person's row once the list is drawn again. @param {number} userId @param {string} selector */
  const focusRow = (userId, selector) => {
    const row = listEl.querySelector(`[data-user-id="${userId}"]`);
    /** @type {HTMLElement | null} */ (row?.querySelector(selector) || row?.querySelector('button'))?.focus();
  };

  /** @param {Attendee} p */
  const row = (p) => {
    const actions = h('div', { class: 'door-actions' });
    const normal = () => {
      asking = false;
      replace(actions,
        p.checked_in_at ? badge(t('pl.checkedInAt', { time: when(p.checked_in_at) }), 'live')
          : here ? button(t('pl.checkIn'), { small: true, variant: 'primary', icon: 'check',
            attrs: { 'aria-label': t('pl.checkInPerson', { name: p.name }), dataset: { act: 'checkin' } },
            onclick: (e) => checkIn(p, /** @type {HTMLButtonElement} */ (e.currentTarget)) })
            : null,
        p.status ? button(t('pl.remove'), { small: true, variant: 'ghost', icon: 'x',
          attrs: { 'aria-label': t('pl.removePerson', { name: p.name }), dataset: { act: 'remove' } },
          onclick: () => confirmRemove() }) : null);
    };
    const confirmRemove = () => {
      asking = true;
      const yes = button(t('pl.remove'), { small: true, variant: 'danger', attrs: { dataset: { act: 'confirm' } },
        onclick: async () => {
          yes.disabled = true;
          try {
            await del(`${base}/signups/${p.user_id}`);
            asking = false;
            await load();
            st.ok(t('pl.removed', { name: p.name }));
            /** @type {HTMLElement} */ (picker.input).focus();
          } catch (err) {
            yes.disabled = false;
            st.error(errorMessage(err));
          }
        } });
      replace(actions,
        h('span', { class: 'small door-question' }, t(p.status === 'waiting' ? 'pl.reallyRemoveWaiting' : 'pl.reallyRemove',
          { name: p.name })),
        yes,
        button(t('common.cancel'), { small: true, variant: 'ghost', onclick: () => {
          normal();
          /** @type {HTMLElement | null} */ (actions.querySelector('[data-act="remove"]'))?.focus();
        } }));
      yes.focus();
    };
    normal();
    return h('li', { class: ['door-row', p.checked_in_at && 'is-in'], dataset: { userId: p.user_id } },
      h('div', { class: 'door-who' },
        p.position ? h('span', { class: 'door-pos', 'aria-hidden': 'true' }, String(p.position)) : null,
        h('div', null,
          h('p', { class: 'door-name' },
            p.position ? h('span', { class: 'sr-only' },
              `${t(p.status === 'waiting' ? 'pl.waitingNo' : 'pl.placeNo', { n: p.position })}: `) : null,
            p.name, p.organisation ? h('span', { class: 'muted small' }, ` · ${p.organisation}`) : null),
          h('p', { class: 'muted small door-times' },
            p.signed_up_at ? t('pl.signedUpAt', { time: when(p.signed_up_at) }) : null,
            p.signed_up_at && !p.checked_in_at && here ? ' · ' : null,
            !p.checked_in_at && here ? t('pl.notCheckedIn') : null))),
      actions);
  };

  /** @param {Attendee} p @param {HTMLButtonElement} btn */
  const checkIn = async (p, btn) => {
    btn.disabled = true;
    try {
      await post(`${base}/checkins/${p.user_id}`);
      await load();
      st.ok(t('pl.personCheckedIn', { name: p.name }));
      focusRow(p.user_id, '[data-act="remove"]');
    } catch (err) {
      btn.disabled = false;
      st.error(errorMessage(err));
    }
  };

  /** @param {string} headId @param {string} heading @param {Attendee[]} people @param {string} none */
  const group = (headId, heading, people, none) => h('section', { class: 'door-group', 'aria-labelledby': headId },
    h('h3', { id: headId }, heading, people.length ? h('span', { class: 'muted door-n' }, ` (${people.length})`) : null),
    people.length ? h('ol', { class: 'door-rows', role: 'list' }, people.map(row)) : h('p', { class: 'muted' }, none));

  const draw = () => {
    const holders = data.people.filter((p) => p.status === 'confirmed');
    const waiting = data.people.filter((p) => p.status === 'waiting');
    const walkIns = data.people.filter((p) => p.status === null);
    replace(countEl, icon('check'), h('span', null, tn('pl.checkedInCount', data.checked_in)),
      data.capacity !== null ? h('span', { class: 'muted door-taken' },
        ` · ${tn('pl.taken', data.capacity, { taken: holders.length })}`) : null);
    replace(listEl,
      data.capacity !== null ? [
        group('door-holders', t('pl.holders'), holders, t('pl.nobodyHolds')),
        group('door-waiting', t('pl.waitingList'), waiting, t('pl.nobodyWaits')),
        walkIns.length ? group('door-walkins', t('pl.walkIns'), walkIns, '') : null,
      ] : group('door-walkins', t('pl.checkedInHeading'), walkIns, t('pl.nobodyYet')));
  };
  draw();

  const picker = personPicker({ mid, label: t('pl.addWalkIn'), exclude: () => data.people.map((p) => p.user_id),
    onPick: async (p) => {
      try {
        await post(`${base}/checkins/${p.user_id}`);
        await load();
        st.ok(t('pl.personCheckedIn', { name: p.name }));
      } catch (err) {
        st.error(errorMessage(err));
      }
    } });

  const refresh = button(t('pl.refresh'), { small: true, variant: 'ghost', icon: 'refresh', onclick: async () => {
    try {
      await load();
      st.set(t('pl.refreshed'));
    } catch (err) {
      st.error(errorMessage(err));
    }
  } });
  // People check in with their phones while the page is open: fetch the list again now and then, unless someone
  // is using it (the focus in the list, or a question open), which a redraw would disturb.
  const timer = setInterval(() => {
    if (!listEl.isConnected) {
      clearInterval(timer);
      return;
    }
    if (asking || listEl.contains(document.activeElement) || document.hidden) return;
    load().catch(() => { /* the next round tries again */ });
  }, REFRESH_MS);
  ctx.signal.addEventListener('abort', () => clearInterval(timer));

  // The code, and the full-screen view of it for the door.
  const link = code ? `${location.origin}${code.path}` : '';
  const shortPath = code ? `${location.host}${code.path.split('#')[0]}` : '';
  /** @type {HTMLElement | null} */
  let door = null;
  /** @param {HTMLElement} opener */
  const showAtDoor = (opener) => {
    if (!code) return;
    const close = button(t('pl.closeDoor'), { variant: 'secondary', icon: 'x', attrs: { id: 'door-close' },
      onclick: () => hide() });
    const titleId = 'door-screen-title';
    door = h('div', { class: 'door-screen', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': titleId },
      h('div', { class: 'door-screen-top' }, h('p', { class: 'door-screen-hint' }, t('pl.closeHint')), close),
      h('div', { class: 'door-screen-body' },
        h('h2', { id: titleId, class: 'door-screen-title' }, item.title),
        h('p', { class: 'door-screen-code' }, code.code),
        h('p', { class: 'door-screen-how' }, t('pl.doorScreenHow'), ' ',
          h('strong', { class: 'door-screen-url' }, shortPath), ' ', t('pl.doorScreenType'))));
    const hide = () => {
      door?.remove();
      door = null;
      document.removeEventListener('keydown', onKey, true);
      document.body.classList.remove('door-open');
      opener.focus();
    };
    /** @param {KeyboardEvent} e */
    const onKey = (e) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        hide();
      } else if (e.key === 'Tab') {
        // The only control is Close: the focus stays in the view.
        e.preventDefault();
        close.focus();
      }
    };
    document.addEventListener('keydown', onKey, true);
    ctx.signal.addEventListener('abort', () => { if (door) hide(); });
    document.body.classList.add('door-open');
    document.body.append(door);
    close.focus();
  };

  const codeCard = code ? h('section', { class: 'card door-code-card', 'aria-labelledby': 'door-code-h' },
    h('h2', { id: 'door-code-h' }, t('pl.codeHeading')),
    h('p', { class: 'door-code', id: 'door-code' }, code.code),
    h('p', { class: 'muted small' }, t('pl.codeLead')),
    h('p', { class: 'door-link' }, h('a', { href: code.path }, link)),
    h('div', { class: 'form-actions' },
      button(t('pl.showAtDoor'), { variant: 'primary', icon: 'monitor', attrs: { id: 'show-at-door' },
        onclick: (e) => showAtDoor(/** @type {HTMLElement} */ (e.currentTarget)) }),
      button(t('pl.copyLink'), { variant: 'ghost', icon: 'copy', onclick: async () => {
        try {
          await navigator.clipboard.writeText(link);
          st.ok(t('pl.linkCopied'));
        } catch {
          st.error(t('common.copyFailed'));
        }
      } })),
    h('p', { class: 'muted small' }, t('pl.checkinWindow')))
    : h('section', { class: 'card door-code-card' }, h('p', { class: 'notice-inline' }, icon('alert'),
      h('span', null, t('pl.notOnLocation'))));

  const there = itemZone(item, m.timezone);
  const where = [item.venue, item.city].filter(Boolean).join(', ');
  const title = t('pl.doorTitle', { title: item.title });
  const node = h('div', null,
    missionHeader(view, 'programme'),
    h('div', { class: 'section-head' }, h('h1', { tabindex: '-1' }, title),
      h('a', { class: 'btn btn-ghost btn-small', href: `/m/${mid}#item-${item.id}` }, icon('back'),
        h('span', null, t('aud.backToProgramme')))),
    h('p', { class: 'invitees-item' },
      badge(t(`kind.${item.kind}`), 'role'), ' ',
      h('span', null, `${formatDayLong(item.starts_at, there)}, ${formatTime(item.starts_at, there)}–`
        + `${formatTime(item.ends_at, there)} ${itemPlace(item, m.timezone)}`),
      where || item.address ? h('span', { class: 'muted' }, ` · ${where || item.address}`) : null,
      h('span', { class: 'muted' }, ` · ${item.capacity ? tn('pl.capacityOf', item.capacity) : t('pl.noCapacity')}`)),
    h('div', { class: 'door-layout' },
      h('section', { class: 'card door-people', 'aria-labelledby': 'door-list-h' },
        h('div', { class: 'door-head' }, h('h2', { id: 'door-list-h' }, t('pl.listHeading')), refresh),
        countEl, st.el, listEl,
        here ? picker.el : null),
      codeCard));
  return { title: `${title} · ${m.title}`, node };
}
