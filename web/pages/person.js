// @ts-check
/** /m/<id>/people/<user_id> — one person's profile as seen in a mission. */

import { del, get, post } from '../api.js';
import { navigate } from '../app.js';
import { h, icon } from '../dom.js';
import { countryName, languageName, list, t } from '../i18n.js';
import { requestMeetingButton } from '../matchmaking/request-button.js';
import { loadMission, missionHeader, missionId } from '../mission-common.js';
import { roleForm } from '../organise/role-form.js';
import { avatar, badge, button, errorMessage, status } from '../ui.js';

/** Only http(s) URLs become links. @param {string} url */
export function safeUrl(url) {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
  } catch {
    return null;
  }
}

/**
 * The mark of a VIP (a minister, a dignitary) on their card and page, first among their badges.
 * @returns {HTMLElement}
 */
export function vipBadge() {
  const el = badge(t('vip.badge'), 'vip badge-you');
  el.title = t('vip.badgeLabel');
  return el;
}

/** @param {string} title @param {string} text */
function block(title, text) {
  return text ? h('section', { class: 'profile-block' }, h('h2', null, title), h('p', { class: 'prewrap' }, text)) : null;
}

/**
 * The organiser's controls: suspend this person (until reinstated on the organise page) or remove them from the
 * mission. Either way their open pages in it close at once, on every server, and they can no longer come back in
 * or read it.
 * @param {number} mid @param {{user_id: number, name: string, role: string, side: string|null}} person
 */
function memberControls(mid, person) {
  const st = status();
  /** @param {string} confirmKey @param {string} doneKey @param {() => Promise<any>} act */
  const action = (confirmKey, doneKey, act) => async (/** @type {Event} */ e) => {
    const btn = /** @type {HTMLButtonElement} */ (e.currentTarget);
    if (!confirm(t(confirmKey, { name: person.name }))) return;
    btn.disabled = true;
    try {
      await act();
      st.ok(t(doneKey, { name: person.name }));
      navigate(`/m/${mid}/directory`);
    } catch (err) {
      btn.disabled = false;
      st.error(errorMessage(err));
    }
  };
  const path = `/api/missions/${mid}/people/${person.user_id}`;
  return h('section', { class: 'profile-block organiser-only' },
    h('h2', null, t('person.organiser')),
    roleForm(mid, person),
    h('p', { class: 'muted' }, t('person.removeHint')),
    h('div', { class: 'actions' },
      button(t('person.suspend'), { variant: 'secondary', small: true,
        onclick: action('person.suspendConfirm', 'person.suspended', () => post(`${path}/suspend`)) }),
      button(t('person.remove'), { variant: 'danger', small: true, icon: 'trash',
        onclick: action('person.removeConfirm', 'person.removed', () => del(path)) })),
    st.el);
}

/** @param {import('../app.js').PageContext} ctx */
export async function render(ctx) {
  const mid = missionId(ctx.params);
  const uid = Number(ctx.params[1]);
  const [view, entry] = await Promise.all([
    loadMission(mid), get(`/api/missions/${mid}/people/${uid}`, { signal: ctx.signal }),
  ]);
  const p = entry.profile;
  const me = await ctx.me();
  const place = [p.city, p.country ? countryName(p.country) : ''].filter(Boolean).join(', ');
  const url = p.website ? safeUrl(p.website) : null;
  const fromDirectory = sessionStorage.getItem('rt.fromDirectory') === String(mid);
  sessionStorage.removeItem('rt.fromDirectory');
  const back = h('a', {
    href: `/m/${mid}/directory`, class: 'back-link',
    onclick: (/** @type {MouseEvent} */ e) => {
      // Return to the directory exactly as it was (filters and all) when we came from it.
      if (fromDirectory && history.length > 1) {
        e.preventDefault();
        history.back();
      }
    },
  }, icon('back'), t('person.back'));

  const node = h('div', null,
    missionHeader(view, 'person'),
    back,
    h('article', { class: 'profile-page' },
      h('header', { class: 'card profile-hero' },
        avatar(p.name, 'avatar-xl'),
        h('div', { class: 'profile-hero-text' },
          h('h1', { tabindex: '-1' }, p.name),
          p.job_title || p.organisation ? h('p', { class: 'lead' },
            [p.job_title, p.organisation].filter(Boolean).join(' · ')) : null,
          h('div', { class: 'badges' },
            entry.role === 'vip' ? vipBadge() : null,
            entry.side ? badge(t(`side.${entry.side}`), `side-${entry.side}`) : null,
            entry.role === 'vip' ? null : badge(t(`role.${entry.role}`), 'role'),
            badge(t(`org.${p.org_type}`), 'org')),
          h('ul', { class: 'meta-list inline' },
            place ? h('li', null, icon('pin'), place) : null,
            p.languages.length ? h('li', null, icon('chat'), list(p.languages.map(languageName))) : null,
            url ? h('li', null, icon('link'), h('a', { href: url, rel: 'noopener noreferrer nofollow', target: '_blank' },
              new URL(url).host.replace(/^www\./, ''))) : null),
          me && me.user.id === p.user_id
            ? h('p', null, h('a', { href: '/profile', class: 'btn btn-secondary btn-small' }, icon('edit'), t('person.editMine')))
            : h('div', { class: 'profile-actions' },
              requestMeetingButton({ mid }, { user_id: p.user_id, name: p.name, side: entry.side ?? null }),
              h('a', { href: `/m/${mid}/lobby?dm=${p.user_id}`, class: 'btn btn-secondary btn-small' },
                icon('chat'), t('person.message'))))),
      h('div', { class: 'profile-grid' },
        block(t('person.offers'), p.offers),
        block(t('person.seeks'), p.seeks)),
      p.sectors.length ? h('section', { class: 'profile-block' }, h('h2', null, t('person.sectors')),
        h('ul', { class: 'chips' }, p.sectors.map((/** @type {string} */ s) => h('li', { class: 'chip' }, s)))) : null,
      block(t('person.about', { name: p.name.split(' ')[0] }), p.bio),
      view.permissions.includes('manage-members') && !(me && me.user.id === p.user_id)
        ? memberControls(mid, { user_id: p.user_id, name: p.name, role: entry.role, side: entry.side ?? null }) : null,
      !p.offers && !p.seeks && !p.bio && !p.sectors.length
        ? h('p', { class: 'muted card' }, t('person.sparse', { name: p.name.split(' ')[0] })) : null));
  return { title: p.name, node };
}
