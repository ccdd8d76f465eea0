// @ts-check
/**
 * /m/<mission>/lounge/<item> — the networking lounge, the online borrel (docs/lounge.md): tables with their
 * seats, my table's video, the mixing round's countdown, who is here now, and the person actions "have a word",
 * "connect" and "continue later". The state is the server's (web/lounge/session.js); this page draws it.
 */

import { navigate } from '../app.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { missionLive } from '../live.js';
import { tableStage } from '../lounge/stage.js';
import { peopleView } from '../lounge/people.js';
import { roundsView } from '../lounge/rounds.js';
import { LoungeSession } from '../lounge/session.js';
import { tablesView } from '../lounge/tables.js';
import { wordInvitations } from '../lounge/word.js';
import { mmError } from '../matchmaking/common.js';
import { requestMeetingButton } from '../matchmaking/request-button.js';
import { connPill, loadRoomItem, roomTitle, toastArea } from '../room-page.js';
import { viewerZone } from './mission.js';

const INCOGNITO_KEY = 'rt.loungeIncognito';

/** @param {any} err */
function errText(err) {
  const code = err?.code;
  if (code && t(`lounge.err.${code}`) !== `lounge.err.${code}`) return t(`lounge.err.${code}`);
  return mmError(err);
}

/** @param {import('../app.js').PageContext} ctx */
export async function render(ctx) {
  const { mid, itemId, view, m, item, notFound, meId } = await loadRoomItem(ctx, 'networking', 'lounge.notFound');
  if (notFound) return notFound;
  const zone = viewerZone();
  const organiser = view.role === 'organiser' || view.permissions.includes('manage-programme');
  let incognito = false;
  try { incognito = localStorage.getItem(INCOGNITO_KEY) === '1'; } catch { /* storage disabled */ }
  const live = missionLive(mid);
  const session = new LoungeSession(live, itemId, meId, incognito);

  // -- messages -------------------------------------------------------------------------------------------------
  const { el: toasts, toast } = toastArea('l-toasts');
  const say = (/** @type {string} */ text, cls = '') => {
    if (text) toast(text, cls);
  };
  const fail = (/** @type {any} */ err) => say(errText(err), 'is-error');

  // -- person actions ---------------------------------------------------------------------------------------------
  /** The request buttons of this page: one look-up of where I stand with everyone shown, kept while I am here. */
  const rq = { mid };
  /** @param {number} user */
  const actions = (user) => {
    const c = session.card(user);
    const name = c.name;
    // The visible words begin each accessible name ("Connect with Mike Alvarez"): speech input finds them.
    /** @param {string} cls @param {string} label @param {string} title @param {() => any} run */
    const act = (cls, label, title, run) => h('button', { type: 'button', class: `btn btn-ghost btn-small ${cls}`,
      title, onclick: run }, h('span', null, label), h('span', { class: 'sr-only' }, ` ${t('mm.withName', { name })}`));
    return h('div', { class: 'l-actions' },
      act('l-word', t('lounge.word'), t('lounge.wordWith', { name }), async () => {
        try {
          const ack = await session.word(user);
          say(t(ack?.already_sent ? 'lounge.wordAlready' : 'lounge.wordSent', { name }));
        } catch (err) { fail(err); }
      }),
      act('l-connect', t('lounge.connect'), t('lounge.connectWith', { name }), async () => {
        try {
          const ack = await session.connect(user);
          say(ack?.mutual ? t('lounge.connectedMutual', { name }) : t('lounge.connectSent', { name }));
        } catch (err) { fail(err); }
      }),
      requestMeetingButton(rq, { user_id: user, name, side: c.side ?? null },
        { compact: true, label: t('lounge.later'), variant: 'ghost', className: 'l-later' }));
  };

  // -- parts ------------------------------------------------------------------------------------------------------
  const stage = tableStage(session, { say, actions });
  const sectors = [...new Set([...(m.sectors || [])])];
  const tables = tablesView(session, { say, fail, organiser, sectors, rq });
  const people = peopleView(session, { actions });
  const rounds = roundsView(session, { say, fail, organiser });

  const incog = h('input', { type: 'checkbox', id: 'l-incognito', class: 'switch', checked: incognito });
  incog.addEventListener('change', async () => {
    try { localStorage.setItem(INCOGNITO_KEY, incog.checked ? '1' : '0'); } catch { /* ignore */ }
    try {
      await session.setIncognito(incog.checked);
      people.draw();
      say(t(incog.checked ? 'lounge.incognitoOn' : 'lounge.incognitoOff'));
    } catch (err) { fail(err); }
  });

  const conn = connPill(live, 'conn.open', () => {
    toast(t('conn.revoked'));
    setTimeout(() => location.reload(), 3000);
  });

  const welcome = h('p', { class: 'l-welcome', id: 'l-welcome' });
  const drawAll = () => {
    welcome.textContent = session.joinError ? errText({ code: session.joinError })
      : session.seatOf() === null ? t('lounge.pickTable') : '';
    welcome.hidden = !welcome.textContent;
    tables.draw();
    people.draw();
    rounds.draw();
    stage.sync();
  };
  session.addEventListener('change', drawAll);
  session.addEventListener('presence', () => people.draw());
  session.addEventListener('problem', (e) => fail(/** @type {CustomEvent} */ (e).detail));
  session.addEventListener('round', (e) => {
    const { round, placed, moved, table } = /** @type {CustomEvent} */ (e).detail;
    if (!round) return say(t('lounge.roundsOver'));
    const tb = session.tableById(table);
    // "You moved" only when I did: who opted out (or runs the rounds) stays put, and a placement may keep a table.
    if (moved && tb) say(t('lounge.movedTo', { name: tb.name, n: round.number }));
    else if (placed && tb) say(t('lounge.stayAt', { name: tb.name, n: round.number }));
    else say(t('lounge.roundStarted', { n: round.number }));
  });

  // -- "have a word" ------------------------------------------------------------------------------------------------
  const words = wordInvitations(session, { say, fail, open: (meeting) => navigate(`/m/${mid}/meeting/${meeting}`) });

  if (ctx.query.has('test')) /** @type {any} */ (window).__lounge = { session, stage };
  const onUnload = () => stage.close();
  window.addEventListener('pagehide', onUnload);
  ctx.signal.addEventListener('abort', () => {
    window.removeEventListener('pagehide', onUnload);
    conn.close();
    rounds.close();
    stage.close();
    session.close();
    words.close();
  });
  drawAll();

  const node = h('div', { class: 'lounge' },
    h('div', { class: 'w-head l-head' },
      roomTitle(mid, m, item, zone, 'users', 'kind.networking'),
      h('div', { class: 'l-head-end' },
        h('label', { class: 'l-toggle', for: 'l-incognito' }, incog, h('span', null, t('lounge.incognito'))),
        conn.el)),
    rounds.banner, welcome,
    h('div', { class: 'l-layout' },
      h('div', { class: 'l-main' }, stage.el, rounds.admin, tables.el),
      h('aside', { class: 'l-side' }, people.el)),
    toasts);
  return { title: `${item.title} · ${m.title}`, node };
}
