// @ts-check
/**
 * /m/<id> — mission home: about the mission, and the programme in two time zones; on items with places, my standing
 * and the button to sign up, join the waiting list or give it up (docs/programme.md, "Places").
 */

import { del, get, post } from '../api.js';
import { h, icon, replace } from '../dom.js';
import { t, tn } from '../i18n.js';
import { loadMission, missionHeader, missionId } from '../mission-common.js';
import {
  browserZone, dateOnly, dayKey, formatDateRange, formatDayLong, formatDayShort, formatTime, minutesBetween, validZone,
  zoneCity,
} from '../time.js';
import { badge, button, chip, empty, errorMessage, iconButton, status } from '../ui.js';
import { zoneSelect } from '../widgets.js';
import { programmeForm } from './programme-form.js';

const ZONE_KEY = 'rt.zone';

/** The zone the viewer wants times in (remembered), defaulting to the browser's. */
export function viewerZone() {
  try {
    const z = localStorage.getItem(ZONE_KEY);
    if (z && validZone(z)) return z;
  } catch { /* ignore */ }
  return browserZone();
}

/**
 * @typedef {object} Item
 * @property {number} id
 * @property {string} kind
 * @property {string} title
 * @property {string} starts_at
 * @property {string} ends_at
 * @property {string} description
 * @property {string} address
 * @property {string} track
 * @property {'all'|'track'|'invited'} [audience]  who sees it (docs/programme.md); "all" when absent
 * @property {string} [city]      where it happens, when set
 * @property {string} [venue]
 * @property {string} [timezone]  the zone it happens in; "" = the mission's
 * @property {number|null} [capacity]  places, taken by signing up; null: no sign-up
 */

/**
 * My standing on an item with places (GET /api/missions/{id}/places).
 * @typedef {object} Places
 * @property {number} item_id
 * @property {number} capacity
 * @property {number} taken
 * @property {number} waiting
 * @property {'confirmed'|'waiting'|null} mine
 * @property {number|null} position  my place's number, or my number on the waiting list
 * @property {boolean} checked_in
 */

/**
 * Whether people are at the item in person, so that it has a check-in (rooms/signups/records.py `on_location`).
 * @param {Item} item @param {import('../mission-common.js').Mission} mission
 */
export function onLocation(item, mission) {
  if (item.kind === 'company_visit') return true;
  return /** @type {string} */ (mission.format) !== 'online'
    && ['group_session', 'roundtable', 'networking'].includes(item.kind);
}

/** The zone an item happens in. @param {Item} item @param {string} missionZone */
export function itemZone(item, missionZone) {
  return item.timezone || missionZone;
}

/** What its clock is called: the item's city when it has a zone of its own, else the zone's city.
 * @param {Item} item @param {string} missionZone */
export function itemPlace(item, missionZone) {
  return item.timezone ? (item.city || zoneCity(item.timezone)) : zoneCity(missionZone);
}

/** Kinds with a live room on camera (a webinar's stage or a group room): the programme knows their state. */
const STAGE_KINDS = ['webinar', 'group_session', 'roundtable'];
const KIND_ICON = /** @type {const} */ ({
  webinar: 'video', matchmaking: 'handshake', networking: 'chat', group_session: 'users', company_visit: 'building',
  roundtable: 'chat',
});

/** The first paragraph, with the rest behind "Read more". @param {string} text */
function description(text) {
  const paras = text.split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean);
  if (!paras.length) return null;
  const [first, ...rest] = paras;
  return h('div', { class: 'description' },
    h('p', { class: 'prewrap' }, first),
    rest.length ? h('details', null, h('summary', null, t('mission.readMore')),
      rest.map((p) => h('p', { class: 'prewrap' }, p))) : null);
}

/** @param {import('../app.js').PageContext} ctx */
export async function render(ctx) {
  const id = missionId(ctx.params);
  const loadPlaces = (/** @type {AbortSignal} */ signal) => get(`/api/missions/${id}/places`, { signal })
    .then((/** @type {Places[]} */ list) => new Map(list.map((p) => [p.item_id, p])),
      () => /** @type {Map<number, Places>} */ (new Map()));
  const [view, items, board] = await Promise.all([
    loadMission(id), get(`/api/missions/${id}/programme`, { signal: ctx.signal }), loadPlaces(ctx.signal),
  ]);
  /** My standing on each item with places, by item id. */
  let places = board;
  /** Where each webinar stands (not started / live / ended), so the programme says what is true; it arrives
   * after the first drawing, which it then corrects (the page never waits for it).
   * @type {Map<number, {timebox: {status: string}, may_reopen: boolean, recorded?: boolean}>} */
  const webinars = new Map();
  const m = view.mission;
  const canManage = view.permissions.includes('manage-programme');
  let zone = viewerZone();
  /** @type {Item[]} */
  let programme = items;
  const st = status();
  const listEl = h('div', { class: 'programme' });
  const formSlot = h('div');

  const reload = async () => {
    [programme, places] = await Promise.all([get(`/api/missions/${id}/programme`), loadPlaces(ctx.signal)]);
    draw();
  };

  /**
   * An item's places: how many are taken and waiting, my standing, and the one button that changes it. After a
   * sign-up or a withdrawal only this block is redrawn, the focus moves to its new button and its status line says
   * what happened.
   * @param {Item} item
   */
  const placesBlock = (item) => {
    if (!places.has(item.id)) return null;
    const body = h('div', { class: 'places-body' });
    const pst = status();  // its class is set anew with each message: styled through .places-note
    const url = `/api/missions/${id}/programme/${item.id}/signup`;
    /** @param {HTMLButtonElement} btn @param {boolean} leaving */
    const act = async (btn, leaving) => {
      const before = /** @type {Places} */ (places.get(item.id));
      btn.disabled = true;
      btn.setAttribute('aria-busy', 'true');
      try {
        /** @type {Places} */
        const after = leaving ? await del(url) : await post(url);
        places.set(item.id, after);
        const vars = { title: item.title, n: after.position ?? 0 };
        const said = leaving ? t(before.mine === 'waiting' ? 'pl.leftWaiting' : 'pl.gaveUp', vars)
          : t(after.mine === 'waiting' ? 'pl.gotWaiting' : 'pl.gotPlace', vars);
        // The programme may have been drawn again meanwhile (the webinars' state arriving): the block on the page
        // now is the one to update.
        const shown = /** @type {HTMLElement | null} */ (listEl.querySelector(`#places-${item.id}`));
        if (body.isConnected || !shown) {
          drawPlaces();
          pst.ok(said);
          /** @type {HTMLElement | null} */ (body.querySelector('button'))?.focus();
        } else {
          const fresh = /** @type {HTMLElement} */ (placesBlock(item));
          shown.replaceWith(fresh);
          const line = /** @type {HTMLElement} */ (fresh.querySelector('.places-note .status'));
          // Filled once the new live region is on the page, so that it is announced.
          setTimeout(() => { line.textContent = said; line.className = 'status ok'; }, 100);
          /** @type {HTMLElement | null} */ (fresh.querySelector('button'))?.focus();
        }
      } catch (err) {
        btn.disabled = false;
        btn.removeAttribute('aria-busy');
        pst.error(errorMessage(err));
      }
    };
    const drawPlaces = () => {
      const p = /** @type {Places} */ (places.get(item.id));
      const over = Date.now() >= Date.parse(item.ends_at);
      const full = p.taken >= p.capacity;
      /** @type {[string, string, boolean] | null} what the button says, its full name, and whether it withdraws */
      const does = over ? null
        : p.mine === 'confirmed' ? [t('pl.giveUp'), t('pl.giveUpFor', { title: item.title }), true]
          : p.mine === 'waiting' ? [t('pl.leaveWaiting'), t('pl.leaveWaitingFor', { title: item.title }), true]
            : full ? [t('pl.joinWaiting'), t('pl.joinWaitingFor', { title: item.title }), false]
              : [t('pl.signUp'), t('pl.signUpFor', { title: item.title }), false];
      /** @type {HTMLButtonElement | null} */
      let btn = null;
      if (does) {
        btn = button(does[0], { small: true, variant: does[2] ? 'ghost' : (full ? 'secondary' : 'primary'),
          icon: does[2] ? 'x' : (full ? 'clock' : 'check'),
          attrs: { 'aria-label': does[1], dataset: { places: does[2] ? 'leave' : 'join' } },
          onclick: () => act(/** @type {HTMLButtonElement} */ (btn), does[2]) });
      }
      replace(body,
        h('p', { class: 'places-count' }, icon('users'),
          h('span', null, tn('pl.taken', p.capacity, { taken: p.taken }),
            p.waiting ? ` · ${tn('pl.waiting', p.waiting)}` : '')),
        h('div', { class: 'places-mine' },
          p.mine === 'confirmed' ? badge(t('pl.mineConfirmed', { n: p.position ?? 0 }), 'place')
            : p.mine === 'waiting' ? badge(t('pl.mineWaiting', { n: p.position ?? 0 }), 'waiting')
              : full ? badge(t('pl.full'), 'neutral') : null,
          p.checked_in ? badge(t('pl.checkedIn'), 'live') : null,
          btn));
    };
    drawPlaces();
    return h('div', { class: 'item-places', id: `places-${item.id}` }, body, h('div', { class: 'places-note' }, pst.el));
  };

  /** @param {Item} item */
  const itemCard = (item) => {
    const li = h('li', { class: `item kind-${item.kind}`, id: `item-${item.id}`, dataset: { itemId: item.id } });
    const there = itemZone(item, m.timezone);
    const place = itemPlace(item, m.timezone);
    const sameZone = zone === there;
    const myDay = dayKey(item.starts_at, zone);
    const itemDay = dayKey(item.starts_at, there);
    const here = zone === browserZone() ? t('time.yourTime') : zoneCity(zone);
    const mins = minutesBetween(item.starts_at, item.ends_at);
    const now = Date.now();
    const w = STAGE_KINDS.includes(item.kind) ? webinars.get(item.id) : undefined;
    const live = w ? w.timebox.status === 'live' : now >= Date.parse(item.starts_at) && now < Date.parse(item.ends_at);
    // A webinar is over when it ended, or when its slot passed without it going live.
    const over = Boolean(w) && (w?.timebox.status === 'ended' || (w?.timebox.status === 'scheduled' && now >= Date.parse(item.ends_at)));
    const after = over ? programme.find((x) => Date.parse(x.starts_at) >= Date.parse(item.ends_at) && x.id !== item.id) : undefined;
    const actions = h('div', { class: 'item-actions' });
    const body = h('div', { class: 'item-body' },
      h('div', { class: 'item-top' }, h('div', { class: 'item-tags' },
        h('span', { class: `kind kind-${item.kind}` }, icon(KIND_ICON[/** @type {keyof KIND_ICON} */ (item.kind)] || 'calendar'),
          t(`kind.${item.kind}`)),
        live ? badge(t('programme.live'), 'live') : null,
        item.audience === 'track' ? badge(t('aud.badgeTrack', { name: item.track }), 'audience')
          : item.track ? chip(item.track) : null,
        item.audience === 'invited' ? badge(t('aud.badgeInvited'), 'audience') : null,
        h('span', { class: 'muted small' }, t('programme.minutes', { n: mins }))), canManage ? actions : null),
      h('h3', { class: 'item-title' }, item.title),
      item.description ? h('p', { class: 'item-desc' }, item.description) : null,
      item.city || item.venue ? h('p', { class: 'item-where' }, icon('globe'),
        h('span', { class: 'sr-only' }, `${t('aud.where')}: `),
        [item.venue, item.city].filter(Boolean).join(', ')) : null,
      item.address ? h('p', { class: 'item-address' }, icon('pin'), item.address) : null,
      placesBlock(item),
      canManage && (places.has(item.id) || item.capacity || onLocation(item, m)) ? h('p', { class: 'item-join' },
        h('a', { href: `/m/${id}/organise/items/${item.id}/door`, class: 'btn btn-secondary btn-small item-door',
          'aria-label': t('pl.doorLinkFor', { title: item.title }) },
        icon('check'), h('span', null, t('pl.doorLink')))) : null,
      canManage && item.audience === 'invited' ? h('p', { class: 'item-join' },
        h('a', { href: `/m/${id}/organise/items/${item.id}/invitees`, class: 'btn btn-secondary btn-small item-invitees',
          'aria-label': t('aud.inviteListFor', { title: item.title }) },
        icon('mail'), h('span', null, t('aud.inviteList')))) : null,
      over ? h('p', { class: 'item-join item-over', id: `over-${item.id}` }, badge(t('programme.webinarEnded'), 'neutral'),
        after ? h('a', { href: `#item-${after.id}`, class: 'item-next' },
          dayKey(after.starts_at, zone) === dayKey(item.starts_at, zone)
            ? t('programme.webinarNext', { title: after.title, time: formatTime(after.starts_at, zone) })
            : t('programme.webinarNextOn', { title: after.title, day: formatDayShort(after.starts_at, zone),
              time: formatTime(after.starts_at, zone) })) : null,
        w?.may_reopen ? h('a', { href: `/m/${id}/webinar/${item.id}`, class: 'btn btn-secondary btn-small reopen-webinar',
          'aria-label': t('programme.reopenWebinarTitle', { title: item.title }) }, t('programme.reopenWebinar')) : null,
        // The recording, once published; the organisers reach the page to paste a link or see why there is none.
        w?.recorded || canManage ? h('a', { href: `/m/${id}/recording/${item.id}`,
          class: ['btn', w?.recorded ? 'btn-primary' : 'btn-secondary', 'btn-small', 'watch-recording'],
          'aria-label': t(w?.recorded ? 'rec.watchTitle' : 'rec.manageTitle', { title: item.title }) },
        icon('video'), h('span', null, t(w?.recorded ? 'rec.watch' : 'rec.manage'))) : null)
      : item.kind === 'webinar' || item.kind === 'group_session' || item.kind === 'roundtable' ? h('p', { class: 'item-join' },
        h('a', { href: `/m/${id}/webinar/${item.id}`, class: ['btn', live ? 'btn-primary' : 'btn-secondary', 'btn-small', 'join-webinar'],
          'aria-label': t(item.kind === 'webinar' ? 'programme.joinWebinarTitle' : 'group.joinTitle', { title: item.title }) },
        icon('video'), h('span', null, t(item.kind === 'webinar' ? 'programme.joinWebinar' : 'group.join')))) : null,
      item.kind === 'networking' ? h('p', { class: 'item-join' },
        h('a', { href: `/m/${id}/lounge/${item.id}`, class: ['btn', live ? 'btn-primary' : 'btn-secondary', 'btn-small', 'join-lounge'],
          'aria-label': t('programme.joinLoungeTitle', { title: item.title }) },
        icon('users'), h('span', null, t('programme.joinLounge')))) : null);
    const when = h('div', { class: 'item-when' },
      h('p', { class: 'when-primary' },
        myDay !== itemDay ? h('span', { class: 'when-day' }, formatDayShort(item.starts_at, zone)) : null,
        h('time', { datetime: item.starts_at }, formatTime(item.starts_at, zone)),
        '–',
        h('time', { datetime: item.ends_at }, formatTime(item.ends_at, zone))),
      h('p', { class: 'when-label' }, sameZone ? place : here),
      sameZone ? null : h('p', { class: 'when-secondary' }, `${formatTime(item.starts_at, there)} ${place}`));
    if (canManage) {
      const normal = () => replace(actions,
        iconButton('edit', t('programme.editItem', { title: item.title }), () => {
          replace(li, programmeForm({ mission: m, item, onDone: async (msg) => {
            if (msg) { st.ok(msg); await reload(); } else draw();
            /** @type {HTMLElement | null} */ (listEl.querySelector(`#item-${item.id} .btn-icon`))?.focus();
          } }));
          /** @type {HTMLElement | null} */ (li.querySelector('select, input'))?.focus();
        }),
        item.kind === 'webinar' ? h('a', { class: 'btn btn-icon webinar-roles', href: `/m/${id}/organise/webinar/${item.id}`,
          'aria-label': t('ctl.rolesLink', { title: item.title }), title: t('ctl.rolesLink', { title: item.title }) },
        icon('users')) : null,
        iconButton('trash', t('programme.deleteItem', { title: item.title }), () => confirmDelete()));
      const confirmDelete = () => {
        const yes = button(t('programme.confirmDelete'), { small: true, variant: 'danger', onclick: async () => {
          try {
            await del(`/api/programme/${item.id}`);
            st.ok(t('programme.deleted', { title: item.title }));
            await reload();
          } catch (err) {
            st.error(errorMessage(err));
          }
        } });
        replace(actions, h('span', { class: 'small' }, t('programme.reallyDelete')), yes,
          button(t('common.cancel'), { small: true, variant: 'ghost', onclick: () => {
            normal();
            /** @type {HTMLElement} */ (actions.lastChild).focus();
          } }));
        yes.focus();
      };
      normal();
    }
    replace(li, when, body);
    return li;
  };

  const draw = () => {
    /** @type {Map<string, Item[]>} */
    const days = new Map();
    for (const item of programme) {
      // An item's day is its day where it happens.
      const key = dayKey(item.starts_at, itemZone(item, m.timezone));
      if (!days.has(key)) days.set(key, []);
      /** @type {Item[]} */ (days.get(key)).push(item);
    }
    if (!programme.length) {
      replace(listEl, empty(t('programme.emptyTitle'), t(canManage ? 'programme.emptyOrganiser' : 'programme.emptyText')));
      return;
    }
    const start = dateOnly(m.start_date).getTime();
    replace(listEl, [...days].sort(([a], [b]) => a.localeCompare(b)).map(([key, dayItems]) => {
      const n = Math.round((dateOnly(key).getTime() - start) / 86400000) + 1;
      const headId = `day-${key}`;
      const places = [...new Set(dayItems.map((x) => itemPlace(x, m.timezone)))];
      return h('section', { class: 'day', 'aria-labelledby': headId },
        h('h3', { class: 'day-head', id: headId },
          h('span', { class: 'day-num' }, t('programme.day', { n })),
          h('span', null, formatDayLong(dateOnly(key), 'UTC')),
          h('span', { class: 'muted small' }, ` · ${places.join(', ')}`)),
        h('ol', { class: 'items', role: 'list' }, dayItems.map(itemCard)));
    }));
  };

  // The zone picker.
  const zoneId = 'zone-select';
  const picker = zoneSelect({ id: zoneId, value: zone, name: 'zone' });
  const setZone = (/** @type {string} */ z) => {
    zone = z;
    picker.value = z;
    try { localStorage.setItem(ZONE_KEY, z); } catch { /* ignore */ }
    draw();
    st.set(t('programme.zoneNow', { zone: z.replace(/_/g, ' ') }));
  };
  picker.addEventListener('change', () => setZone(picker.value));
  const zoneBar = h('div', { class: 'zone-bar' },
    h('div', { class: 'field inline' }, h('label', { for: zoneId }, icon('clock'), t('programme.showTimesIn')), picker),
    h('div', { class: 'zone-quick' },
      button(t('programme.myZone', { city: zoneCity(browserZone()) }), { small: true, variant: 'ghost',
        onclick: () => setZone(browserZone()) }),
      browserZone() !== m.timezone ? button(t('programme.missionZone', { city: zoneCity(m.timezone) }), {
        small: true, variant: 'ghost', onclick: () => setZone(m.timezone) }) : null));

  const addBtn = canManage ? button(t('programme.add'), { variant: 'primary', icon: 'plus', onclick: () => {
    replace(formSlot, h('div', { class: 'card form-card' }, programmeForm({ mission: m, onDone: async (msg) => {
      replace(formSlot);
      addBtn?.focus();
      if (msg) { st.ok(msg); await reload(); }
    } })));
    /** @type {HTMLElement | null} */ (formSlot.querySelector('select, input'))?.focus();
  } }) : null;

  draw();
  get(`/api/missions/${id}/webinars`, { signal: ctx.signal }).then((list) => {
    for (const w of /** @type {any[]} */ (list)) webinars.set(w.item_id, w);
    if (webinars.size) draw();
  }, () => { /* the programme stays as drawn from the times */ });
  const about = h('aside', { class: 'card about', 'aria-labelledby': 'about-h' },
    h('h2', { id: 'about-h' }, t('mission.about')),
    description(m.description),
    h('dl', { class: 'facts' },
      h('dt', null, t('mission.dates')), h('dd', null, formatDateRange(m.start_date, m.end_date)),
      h('dt', null, t('mission.destination')), h('dd', null, m.destination),
      h('dt', null, t('mission.timezone')), h('dd', null, m.timezone.replace(/_/g, ' ')),
      h('dt', null, t('mission.format')), h('dd', null, t(`format.${m.format}`)),
      h('dt', null, t('mission.direction')), h('dd', null, t(`direction.${m.direction}`))),
    m.sectors.length ? h('div', null, h('h3', { class: 'small-head' }, t('mission.sectors')),
      h('ul', { class: 'chips' }, m.sectors.map((/** @type {string} */ s) => h('li', { class: 'chip' }, s)))) : null,
    h('a', { href: `/m/${id}/directory`, class: 'btn btn-secondary btn-block' }, icon('users'), t('mission.meetPeople')));

  const node = h('div', null,
    missionHeader(view, 'programme'),
    h('div', { class: 'mission-layout' },
      h('section', { class: 'programme-col', 'aria-labelledby': 'programme-h' },
        h('div', { class: 'section-head' }, h('h2', { id: 'programme-h' }, t('programme.title')), addBtn),
        zoneBar, st.el, formSlot, listEl),
      about));
  return { title: m.title, node };
}
