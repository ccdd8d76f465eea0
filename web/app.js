// @ts-check
/** The app shell: header, router (History API), the signed-in user. */

import { ApiError, get, post, setUnauthenticatedHandler } from './api.js';
import { h, icon, replace } from './dom.js';
import { lang, LANGS, onLangChange, setLang, t } from './i18n.js';
import { stopLive } from './live.js';
import { errorCard, loading } from './ui.js';

/**
 * @typedef {object} User
 * @property {number} id
 * @property {string} email
 * @property {string} name
 * @property {boolean} can_create_missions
 * @property {boolean} has_password
 */

/**
 * @typedef {object} PageContext
 * @property {string[]} params        captures from the route pattern
 * @property {URLSearchParams} query
 * @property {string} hash            location.hash without '#'
 * @property {AbortSignal} signal     aborted when the user navigates away
 * @property {() => Promise<{user: User, missions: any[]} | null>} me
 * @property {(user?: any) => void} forgetMe
 */

/**
 * @typedef {object} Page
 * @property {(ctx: PageContext) => Promise<{title: string, node: Node}>} render
 */

/** @type {Array<[RegExp, () => Promise<Page>, {public?: boolean}]>} */
const ROUTES = [
  [/^\/$/, () => import('./pages/home.js'), {}],
  [/^\/signin$/, () => import('./pages/signin.js'), { public: true }],
  [/^\/link$/, () => import('./pages/link.js'), { public: true }],
  [/^\/invite$/, () => import('./pages/invite.js'), { public: true }],
  [/^\/unsubscribe$/, () => import('./pages/unsubscribe.js'), { public: true }],
  [/^\/profile$/, () => import('./pages/profile.js'), {}],
  [/^\/leads$/, () => import('./pages/leads.js'), {}],
  [/^\/teams$/, () => import('./pages/teams.js'), {}],
  [/^\/teams\/(\d+)$/, () => import('./pages/team.js'), {}],
  [/^\/missions\/new$/, () => import('./pages/new-mission.js'), {}],
  [/^\/m\/(\d+)$/, () => import('./pages/mission.js'), {}],
  [/^\/m\/(\d+)\/lobby$/, () => import('./pages/lobby.js'), {}],
  [/^\/m\/(\d+)\/webinar\/(\d+)$/, () => import('./pages/webinar.js'), {}],
  [/^\/m\/(\d+)\/lounge\/(\d+)$/, () => import('./pages/lounge.js'), {}],
  [/^\/m\/(\d+)\/directory$/, () => import('./pages/directory.js'), {}],
  [/^\/m\/(\d+)\/people\/(\d+)$/, () => import('./pages/person.js'), {}],
  [/^\/m\/(\d+)\/organise$/, () => import('./pages/organise.js'), {}],
  [/^\/m\/(\d+)\/organise\/meetings$/, () => import('./pages/organise-meetings.js'), {}],
  [/^\/m\/(\d+)\/organise\/outbox$/, () => import('./pages/organise-outbox.js'), {}],
  [/^\/m\/(\d+)\/organise\/people$/, () => import('./pages/organise-people.js'), {}],
  [/^\/m\/(\d+)\/organise\/settings$/, () => import('./pages/mission-settings.js'), {}],
  [/^\/m\/(\d+)\/organise\/template$/, () => import('./pages/mission-template.js'), {}],
  [/^\/m\/(\d+)\/organise\/matchmaking$/, () => import('./pages/matchmaking-rules.js'), {}],
  [/^\/m\/(\d+)\/organise\/webinar\/(\d+)$/, () => import('./pages/webinar-roles.js'), {}],
  [/^\/m\/(\d+)\/organise\/registrations$/, () => import('./pages/organise-registrations.js'), {}],
  [/^\/m\/(\d+)\/organise\/tracks$/, () => import('./pages/organise-tracks.js'), {}],
  [/^\/m\/(\d+)\/organise\/items\/(\d+)\/invitees$/, () => import('./pages/item-invitees.js'), {}],
  [/^\/m\/(\d+)\/organise\/items\/(\d+)\/door$/, () => import('./pages/item-door.js'), {}],
  [/^\/m\/(\d+)\/checkin\/(\d+)$/, () => import('./pages/checkin.js'), {}],
  [/^\/m\/(\d+)\/recording\/(\d+)$/, () => import('./pages/recording.js'), {}],
  [/^\/m\/(\d+)\/organise\/results$/, () => import('./pages/organise-results.js'), {}],
  [/^\/register\/(\d+)$/, () => import('./pages/register.js'), { public: true }],
  [/^\/m\/(\d+)\/matchmaking$/, () => import('./pages/matchmaking.js'), {}],
  [/^\/m\/(\d+)\/schedule$/, () => import('./pages/schedule.js'), {}],
  [/^\/m\/(\d+)\/meeting\/(\d+)$/, () => import('./pages/meeting.js'), {}],
];

/** @type {Promise<{user: User, missions: any[]} | null> | null} */
let mePromise = null;

/** The signed-in user and their missions, or null (cached until forgotten). */
function me() {
  if (!mePromise) {
    mePromise = get('/api/me').catch((err) => {
      if (err instanceof ApiError && err.status === 401) return null;
      mePromise = null;
      throw err;
    });
  }
  return mePromise;
}

function forgetMe() {
  mePromise = null;
}

const main = /** @type {HTMLElement} */ (document.getElementById('main'));
const header = /** @type {HTMLElement} */ (document.getElementById('header'));
/** @type {AbortController | null} */
let current = null;
let firstRender = true;

/**
 * Go to a same-origin URL.
 * @param {string} url @param {{replace?: boolean}} [o]
 */
export function navigate(url, o = {}) {
  if (o.replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  render();
}

/** Render whatever the location says. */
export async function render() {
  current?.abort();
  const controller = new AbortController();
  current = controller;
  const path = location.pathname.replace(/\/+$/, '') || '/';
  // The live connection belongs to the mission pages: leaving them (or signing out) ends it.
  if (!/^\/m\/\d+(\/|$)/.test(path)) stopLive();
  const found = ROUTES.map(([re, load, opts]) => /** @type {const} */ ([path.match(re), load, opts]))
    .find(([m]) => m);
  renderHeader();
  const slow = setTimeout(() => { if (!controller.signal.aborted) replace(main, loading()); }, 150);
  /** @type {{title: string, node: Node}} */
  let page;
  try {
    if (!found) {
      page = notFound();
    } else {
      const [match, load, opts] = found;
      if (!opts.public && !(await me())) {
        clearTimeout(slow);
        // A check-in link carries its code after the #: kept through signing in, so nobody types it.
        const next = location.pathname + location.search + (/\/checkin\/\d+$/.test(path) ? location.hash : '');
        navigate(`/signin${next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`, { replace: true });
        return;
      }
      const mod = await load();
      page = await mod.render({
        params: /** @type {RegExpMatchArray} */ (match).slice(1),
        query: new URLSearchParams(location.search),
        hash: location.hash.slice(1),
        signal: controller.signal,
        me,
        forgetMe,
      });
    }
  } catch (err) {
    if (controller.signal.aborted) return;
    if (err instanceof ApiError && err.status === 401) {
      forgetMe();
      navigate(`/signin?next=${encodeURIComponent(location.pathname + location.search)}`, { replace: true });
      return;
    }
    console.error(err);
    page = { title: t('err.title'), node: errorCard(err) };
  } finally {
    clearTimeout(slow);
  }
  if (controller.signal.aborted) return;
  replace(main, page.node);
  document.title = page.title ? `${page.title} · Roundtable` : 'Roundtable';
  renderHeader();
  if (!firstRender) {
    const heading = /** @type {HTMLElement | null} */ (main.querySelector('h1'));
    if (heading) {
      if (!heading.hasAttribute('tabindex')) heading.setAttribute('tabindex', '-1');
      heading.focus({ preventScroll: true });
    }
    window.scrollTo(0, 0);
  }
  firstRender = false;
}

function notFound() {
  return {
    title: t('notfound.title'),
    node: h('div', { class: 'card notice' }, h('h1', { tabindex: '-1' }, t('notfound.title')),
      h('p', null, t('notfound.text')), h('p', null, h('a', { href: '/' }, t('nav.missions')))),
  };
}

/** Redraw the header (after the signed-in person changed their name, say). */
export function refreshHeader() {
  forgetMe();
  renderHeader();
}

let headerVersion = 0;
async function renderHeader() {
  const version = ++headerVersion;
  const path = location.pathname;
  const isPublic = /^\/(signin|link|invite|unsubscribe)$/.test(path);
  /** @type {any} */
  let who = null;
  if (!isPublic || mePromise) {
    try {
      who = await me();
    } catch {
      who = null;
    }
  }
  if (version !== headerVersion) return;
  const skip = document.querySelector('.skip-link');
  if (skip) skip.textContent = t('nav.skip');
  const navLink = (/** @type {string} */ href, /** @type {string} */ label, /** @type {boolean} */ active) =>
    h('a', { href, class: 'nav-link', 'aria-current': active ? 'page' : undefined }, label);
  const langSwitch = h('div', { class: 'lang-switch', role: 'group', 'aria-label': t('nav.language') },
    LANGS.map((l) => h('button', {
      type: 'button', lang: l, 'aria-pressed': String(lang() === l), class: 'lang-btn',
      onclick: () => setLang(l),
    }, h('span', { 'aria-hidden': 'true' }, l.toUpperCase()), h('span', { class: 'sr-only' }, t(`lang.${l}`)))));
  const nav = who
    ? h('nav', { class: 'nav', 'aria-label': t('nav.main') },
      navLink('/', t('nav.missions'), path === '/' || path.startsWith('/m/')),
      navLink('/leads', t('nav.leads'), path === '/leads'),
      navLink('/teams', t('nav.teams'), path === '/teams' || path.startsWith('/teams/')),
      navLink('/profile', t('nav.profile'), path === '/profile'))
    : null;
  const account = who
    ? h('div', { class: 'account' },
      h('span', { class: 'who', title: who.user.email }, who.user.name),
      h('button', { type: 'button', class: 'btn btn-ghost btn-small', onclick: signOut }, t('nav.signout')))
    : (path !== '/signin' ? h('a', { href: '/signin', class: 'btn btn-ghost btn-small' }, t('nav.signin')) : null);
  replace(header,
    h('div', { class: 'header-inner' },
      h('a', { href: who ? '/' : '/signin', class: 'brand' },
        h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, icon('globe')), 'Roundtable'),
      nav,
      h('div', { class: 'header-end' }, langSwitch, account)));
}

async function signOut() {
  try {
    await post('/api/auth/logout');
  } catch { /* signed out anyway */ }
  forgetMe();
  navigate('/signin');
}

// Same-origin link clicks become client-side navigations.
document.addEventListener('click', (e) => {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const a = /** @type {HTMLElement} */ (e.target).closest?.('a');
  if (!a || !(a instanceof HTMLAnchorElement) || a.target || a.hasAttribute('download')) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || url.pathname.startsWith('/static/') || url.pathname.startsWith('/api/')) return;
  if (url.pathname === location.pathname && url.search === location.search && url.hash) return;
  e.preventDefault();
  navigate(url.pathname + url.search + url.hash);
});

window.addEventListener('popstate', () => render());
// A 401 anywhere but /api/me itself means the session ended: forget who we thought was signed in.
setUnauthenticatedHandler((path) => { if (path !== '/api/me') forgetMe(); });
onLangChange(() => render());
document.documentElement.lang = lang();

// The skip link moves focus to the main content.
document.querySelector('.skip-link')?.addEventListener('click', (e) => {
  e.preventDefault();
  main.focus();
});

render();
