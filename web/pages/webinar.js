// @ts-check
/**
 * /m/<mission>/webinar/<item> — a live webinar: the stage (video, countdown, reactions), Q&A, raised hands,
 * polls, and for its host and moderators the console with who is here. The state is the server's (one
 * snapshot, then events in seq order, see web/webinar/state.js); this page only draws it and sends requests.
 *
 * A group session's or a roundtable's room is the same page in group mode (docs/webinar.md, "Group rooms"):
 * everyone's camera in the grid, the floor and the speaking order first, the chair's floor and mute controls.
 */

import { get } from '../api.js';
import { navigate } from '../app.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { missionLive } from '../live.js';
import { connPill, loadRoomItem, roomTitle, toastArea } from '../room-page.js';
import { badge } from '../ui.js';
import { errText, wt } from '../webinar/common.js';
import { consolePanel } from '../webinar/console.js';
import { rememberEnded } from '../webinar/ended.js';
import { floorBar } from '../webinar/floor.js';
import { handsPanel } from '../webinar/hands.js';
import { pollsPanel } from '../webinar/polls.js';
import { deviceCheck, publisher } from '../webinar/publish.js';
import { consentLine, recordingView } from '../webinar/recording.js';
import { qaPanel } from '../webinar/qa.js';
import { reactionBar } from '../webinar/reactions.js';
import { WebinarSession } from '../webinar/session.js';
import { stageView } from '../webinar/stage.js';
import { stateBadge, timeboxView } from '../webinar/timebox.js';
import { viewerZone } from './mission.js';

/** The programme kinds whose room is a group room; a webinar's is not. */
const GROUP_KINDS = ['group_session', 'roundtable'];

/**
 * The programme item this page is for: a webinar, else a group session or a roundtable with the same room.
 * @param {import('../app.js').PageContext} ctx
 */
async function loadItem(ctx) {
  const found = await loadRoomItem(ctx, 'webinar', 'webinar.notFound');
  if (!found.notFound) return found;
  const programme = /** @type {any[]} */ (await get(`/api/missions/${found.mid}/programme`, { signal: ctx.signal }));
  const item = programme.find((x) => x.id === found.itemId && GROUP_KINDS.includes(x.kind));
  return item ? { ...found, item, notFound: null, meId: /** @type {any} */ (await ctx.me()).user.id } : found;
}

/** @param {import('../app.js').PageContext} ctx */
export async function render(ctx) {
  const { mid, itemId, m, item, notFound, meId } = await loadItem(ctx);
  if (notFound) return notFound;
  const group = GROUP_KINDS.includes(item.kind);
  const zone = viewerZone();
  const live = missionLive(mid);
  const session = new WebinarSession(live, itemId, meId);
  if (ctx.query.has('test')) /** @type {any} */ (window).__webinar = session;

  const { el: toasts, toast } = toastArea('w-toasts');
  // "Connected", never "Live": whether the webinar is live is the state badge's to say.
  // Taken out of the staff room (a moderator's grant revoked): the page is drawn again for the role left.
  const conn = connPill(live, 'conn.connected', () => {
    toast(t('conn.revoked'));
    setTimeout(() => location.reload(), 3000);
  });

  const roleBadge = h('span', { class: 'w-role' });
  // What the webinar is doing, apart from the connection pill (which only says whether we are connected).
  const phaseBadge = stateBadge();
  const body = h('div', { class: 'w-body' }, h('div', { class: 'card w-waiting' }, h('p', null, wt(group, 'webinar.joining'))));
  const head = h('div', { class: 'w-head' },
    roomTitle(mid, m, item, zone, group ? 'users' : 'video', `kind.${item.kind}`, ' ', roleBadge, ' ', phaseBadge.el), conn.el);

  /** @type {Array<() => void>} */
  const cleanup = [];
  const build = () => {
    roleBadge.replaceChildren(badge(wt(group, `webinar.role.${session.role}`), 'role'));
    const tb = timeboxView(session, zone);
    const green = h('p', { class: 'w-green', id: 'w-green', role: 'status', hidden: true });
    const floaters = h('div', { class: 'floaters', 'aria-hidden': 'true' });
    const pub = publisher(session, () => stage.redraw());
    const stage = stageView(session, pub);
    const reactions = reactionBar(session, floaters);
    const qa = qaPanel(session, { mid });
    const hands = handsPanel(session);
    const polls = pollsPanel(session);
    const con = session.may('console') ? consolePanel(session, zone) : null;
    const floor = session.group ? floorBar(session) : null;
    const rec = recordingView(session, meId);
    cleanup.push(() => { tb.close(); stage.close(); pub.stopAll(true); });

    // -- side panel tabs: Q&A, hands, people (staff) -------------------------------------------------------
    /** @type {Array<{key: string, tab: HTMLButtonElement, panel: HTMLElement, count: HTMLElement}>} */
    const tabs = [];
    /** @param {string} key @param {string} label @param {HTMLElement} content */
    const addTab = (key, label, content) => {
      const count = h('span', { class: 'tab-count' });
      const tab = h('button', { type: 'button', role: 'tab', id: `wtab-${key}`, class: 'seg-tab', 'aria-controls': `wpanel-${key}`,
        'aria-selected': String(!tabs.length), tabindex: tabs.length ? '-1' : '0' }, h('span', null, label), count);
      const panel = h('div', { role: 'tabpanel', id: `wpanel-${key}`, 'aria-labelledby': `wtab-${key}`, class: 'w-panel',
        hidden: tabs.length > 0 }, content);
      tabs.push({ key, tab, panel, count });
    };
    // In a group room the speaking order comes first: it is what the room runs on.
    if (session.group) addTab('hands', wt(true, 'webinar.tabHands'), hands.el);
    addTab('qa', t('webinar.tabQa'), qa.el);
    if (!session.group) addTab('hands', t('webinar.tabHands'), hands.el);
    if (con) addTab('people', t('webinar.tabPeople'), con.el);
    /** @param {number} i @param {boolean} focus */
    const select = (i, focus) => {
      tabs.forEach((x, j) => {
        x.tab.setAttribute('aria-selected', String(i === j));
        x.tab.setAttribute('tabindex', i === j ? '0' : '-1');
        x.panel.hidden = i !== j;
      });
      if (focus) tabs[i].tab.focus();
    };
    tabs.forEach((x, i) => {
      x.tab.addEventListener('click', () => select(i, false));
      x.tab.addEventListener('keydown', (e) => {
        const n = tabs.length;
        const j = e.key === 'ArrowRight' ? (i + 1) % n : e.key === 'ArrowLeft' ? (i + n - 1) % n
          : e.key === 'Home' ? 0 : e.key === 'End' ? n - 1 : -1;
        if (j < 0) return;
        e.preventDefault();
        select(j, true);
      });
    });
    const sideLabel = wt(session.group, 'webinar.sidePanel');
    const side = h('aside', { class: 'card w-side', 'aria-label': sideLabel },
      h('div', { class: 'seg', role: 'tablist', 'aria-label': sideLabel }, tabs.map((x) => x.tab)),
      tabs.map((x) => x.panel));

    const main = h('div', { class: 'w-main' },
      green,
      h('section', { class: ['stage', session.group && 'is-group'], 'aria-label': wt(session.group, 'webinar.stage') },
        stage.el, floaters, h('div', { class: 'stage-over' }, tb.el)),
      floor?.el,
      rec.el,
      pub.el,
      reactions.el,
      h('section', { class: 'card w-polls', 'aria-labelledby': 'polls-h' },
        h('h2', { id: 'polls-h' }, t('webinar.polls')), polls.el));
    body.replaceChildren(h('div', { class: 'w-layout' }, main, side));

    // -- the invitation to the stage -------------------------------------------------------------------------
    let checking = false;
    let wasGuest = false;
    /** @param {import('../webinar/state.js').View} v */
    const stageTurn = async (v) => {
      const invite = v.stage.invited.find((x) => x.user_id === meId);
      if (invite && !checking) {
        checking = true;
        const inviter = v.attendance.get(invite.by ?? -1)?.card?.name || live.people.get(invite.by ?? -1)?.name || t('webinar.aModerator');
        const check = deviceCheck(inviter, v.recording.on ? consentLine(session) : null);
        document.body.append(check.el);
        check.el.showModal();
        const stream = await check.result;
        try {
          await session.reply(Boolean(stream));
          if (stream) await pub.start('camera', stream);
        } catch (err) {
          for (const track of stream?.getTracks() || []) track.stop();
          pub.say(errText(err));
        }
        checking = false;
        // The view we were called with predates the dialog and the publish: judge the turn on today's state,
        // or a stale "not a guest" would stop the camera we just started.
        v = session.view();
      }
      const guest = v.stage.guests.includes(meId);
      const speaker = ['host', 'speaker'].includes(session.role);
      if (wasGuest && !guest && !speaker && pub.publishing()) {
        pub.stopAll(false);
        pub.say(t('webinar.turnEnded'));
      }
      wasGuest = guest;
      // After the end nobody publishes (the server refuses it too) until the host reopens it. In a group room
      // everyone may: members once it is live (before, only the staff see each other), the staff in the green room.
      const mayPublish = session.group ? session.may('publish') && (v.timebox?.status === 'live' || session.onStaff)
        : speaker || guest;
      pub.draw(mayPublish && v.timebox?.status !== 'ended', guest ? meId : null);
      if (session.group) pub.floorIsMine(v.stage.floor === meId);
      rec.draw(v, (mayPublish && v.timebox?.status !== 'ended') || pub.publishing());
    };

    let frame = 0;
    const draw = () => {
      frame = 0;
      const v = session.view();
      tb.update(v);
      phaseBadge.update(v.timebox);
      // The staff's green room: what they see before the start, and whether a rehearsal runs.
      const before = v.timebox?.status === 'scheduled';
      green.hidden = !(before && session.onStaff);
      green.dataset.rehearsal = String(Boolean(v.timebox?.rehearsal));
      green.textContent = wt(session.group, v.timebox?.rehearsal ? 'webinar.rehearsalOn' : 'webinar.greenRoom');
      stage.update(v);
      qa.draw(v);
      hands.draw(v);
      polls.draw(v);
      con?.draw(v);
      floor?.draw(v);
      for (const x of tabs) {
        x.count.textContent = String(x.key === 'qa' ? v.questions.length : x.key === 'hands' ? v.hands.length : v.counts.now);
      }
      stageTurn(v);
    };
    // Events can come in bursts (a join storm, a replay after reconnecting): draw once per frame.
    session.addEventListener('change', () => { if (!frame) frame = requestAnimationFrame(draw); });
    session.addEventListener('reactions', (e) => reactions.burst(/** @type {CustomEvent} */ (e).detail));
    session.addEventListener('problem', (e) => {
      const p = /** @type {CustomEvent} */ (e).detail;
      if (p.react) reactions.refused(p);
    });
    session.addEventListener('effect', (e) => {
      const fx = /** @type {CustomEvent} */ (e).detail;
      if (fx.kind === 'greet') {
        toast(fx.organisation ? t('webinar.welcomeFrom', { name: fx.name, org: fx.organisation })
          : t('webinar.welcome', { name: fx.name }), 'is-greet');
      } else if (fx.kind === 'muted') {
        if (fx.user_id !== meId) return;
        // The chair muted my microphone: it goes off here, and I am told who did it (I may turn it on again).
        const v = session.view();
        const by = v.attendance.get(fx.by)?.card?.name || v.stage.live.find((f) => f.user_id === fx.by)?.name
          || live.presence.get(fx.by)?.name || live.people.get(fx.by)?.name || t('group.aChair');
        pub.muteMic(t('group.mutedBy', { name: by }));
      } else if (fx.kind === 'warning') {
        tb.warning(fx.minutes);
      } else if (fx.kind === 'ended') {
        const v = session.view();
        rememberEnded({ mission: mid, title: item.title, ...v.ended });
        navigate(`/m/${mid}/lobby`);
      }
    });
    draw();
  };

  session.addEventListener('ready', build);
  session.addEventListener('problem', () => {
    if (!session.ready && session.joinError) {
      body.replaceChildren(h('div', { class: 'card notice notice-error', role: 'alert' },
        h('p', null, errText({ code: session.joinError })),
        h('p', null, h('a', { href: `/m/${mid}` }, t('webinar.backToProgramme')))));
    }
  });
  if (session.ready) build();

  ctx.signal.addEventListener('abort', () => {
    conn.close();
    for (const fn of cleanup) fn();
    session.close();
    if (/** @type {any} */ (window).__webinar === session) delete /** @type {any} */ (window).__webinar;
  });

  const node = h('div', { class: 'webinar' }, head, body, toasts);
  return { title: `${item.title} · ${m.title}`, node };
}
