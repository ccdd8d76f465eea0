// @ts-check
/**
 * /m/<mission>/lounge/<item> — the networking lounge, the online borrel (docs/lounge.md): tables with their
 * seats, my table's video, the mixing round's countdown, who is here now, and the person actions "have a word",
 * "connect" and "continue later". The state is the server's (web/lounge/session.js); this page draws it.
 */

import { get, post } from '../api.js';
import { navigate } from '../app.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { missionLive } from '../live.js';
import { tableStage } from '../lounge/stage.js';
import { peopleView } from '../lounge/people.js';
import { roundsView } from '../lounge/rounds.js';
import { LoungeSession } from '../lounge/session.js';
import { tablesView } from '../lounge/tables.js';
import { flatSlots, loadZones, mmError, sideZone } from '../matchmaking/common.js';
import { slotDialog } from '../matchmaking/slot-dialog.js';
import { connPill, loadRoomItem, roomTitle, toastArea } from '../room-page.js';
import { zoneCity } from '../time.js';
import { button } from '../ui.js';
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
  let zones = /** @type {any} */ (null);
  const continueLater = async (/** @type {number} */ user) => {
    const c = session.card(user);
    try {
      await session.continueLater(user);
      zones ??= await loadZones(mid, m.timezone);
      const slots = flatSlots(await get(`/api/missions/${mid}/matchmaking/slots`));
      const other = { name: c.name, zone: sideZone(zones, c.side || null), side: c.side || null };
      const sent = await slotDialog({ title: t('mm.requestTitle', { name: c.name }),
        intro: t('mm.requestIntro', { name: c.name, zone: zoneCity(other.zone) }), slots, mine: zone, zones, other,
        mySide: view.side, withMessage: true, submitLabel: t('mm.sendRequest'),
        submit: (chosen, message) => post(`/api/missions/${mid}/meetings/requests`, { to: user, message, slots: chosen }) });
      if (sent) say(t('mm.requestSent', { name: c.name }));
    } catch (err) {
      fail(err);
    }
  };
  /** @param {number} user */
  const actions = (user) => {
    const name = session.card(user).name;
    /** @param {string} cls @param {string} label @param {string} aria @param {() => any} run */
    const act = (cls, label, aria, run) => h('button', { type: 'button', class: `btn btn-ghost btn-small ${cls}`,
      'aria-label': aria, onclick: run }, label);
    return h('div', { class: 'l-actions' },
      act('l-word', t('lounge.word'), t('lounge.wordWith', { name }), async () => {
        try {
          await session.word(user);
          say(t('lounge.wordSent', { name }));
        } catch (err) { fail(err); }
      }),
      act('l-connect', t('lounge.connect'), t('lounge.connectWith', { name }), async () => {
        try {
          const ack = await session.connect(user);
          say(ack?.mutual ? t('lounge.connectedMutual', { name }) : t('lounge.connectSent', { name }));
        } catch (err) { fail(err); }
      }),
      act('l-later', t('lounge.later'), t('lounge.laterWith', { name }), () => continueLater(user)));
  };

  // -- parts ------------------------------------------------------------------------------------------------------
  const stage = tableStage(session, { say, actions });
  const sectors = [...new Set([...(m.sectors || [])])];
  const tables = tablesView(session, { say, fail, organiser, sectors });
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

  const conn = connPill(live);

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
    const r = /** @type {CustomEvent} */ (e).detail;
    if (!r) return say(t('lounge.roundsOver'));
    const tb = session.tableById(session.seatOf());
    say(tb ? t('lounge.movedTo', { name: tb.name, n: r.number }) : t('lounge.roundStarted', { n: r.number }));
  });

  // -- "have a word" ------------------------------------------------------------------------------------------------
  /** @param {any} inv */
  const invited = (inv) => {
    const from = inv.from?.name || session.card(Number(inv.from)).name;
    const dialog = h('dialog', { class: 'mm-dialog l-word-dialog', id: 'l-word-dialog', 'aria-labelledby': 'l-word-h' });
    const reply = async (/** @type {boolean} */ accept) => {
      dialog.close();
      try {
        await session.wordReply(inv.id, accept);
      } catch (err) { fail(err); }
    };
    dialog.append(h('h2', { id: 'l-word-h' }, t('lounge.wordInvite', { name: from })),
      h('p', { class: 'muted' }, t('lounge.wordInviteText')),
      h('div', { class: 'form-actions' },
        button(t('lounge.accept'), { variant: 'primary', attrs: { id: 'l-word-accept' }, onclick: () => reply(true) }),
        button(t('lounge.decline'), { attrs: { id: 'l-word-decline' }, onclick: () => reply(false) })));
    dialog.addEventListener('close', () => dialog.remove());
    document.body.append(dialog);
    dialog.showModal();
  };
  session.addEventListener('word', (e) => invited(/** @type {CustomEvent} */ (e).detail));
  let leaving = false;
  session.addEventListener('word-reply', (e) => {
    const r = /** @type {CustomEvent} */ (e).detail;
    if (r.accept && r.meeting_id && !leaving) {
      leaving = true;
      navigate(`/m/${mid}/meeting/${r.meeting_id}`);
    } else if (!r.accept && Number(r.invite?.from?.user_id ?? r.invite?.from) === meId) {
      say(t('lounge.wordDeclined', { name: session.card(Number(r.invite?.to?.user_id ?? r.invite?.to)).name }));
    }
  });

  if (ctx.query.has('test')) /** @type {any} */ (window).__lounge = { session, stage };
  const onUnload = () => stage.close();
  window.addEventListener('pagehide', onUnload);
  ctx.signal.addEventListener('abort', () => {
    window.removeEventListener('pagehide', onUnload);
    conn.close();
    rounds.close();
    stage.close();
    session.close();
    document.querySelectorAll('.l-word-dialog').forEach((d) => d.remove());
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
