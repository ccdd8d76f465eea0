// @ts-check
/**
 * /m/<id>/lobby — the live heart of a mission: the announcement banner, chat with history, who is here now
 * (filterable by side and organisation type), direct messages, and the state of the connection.
 * Everything the server sends is shown as text (textContent via h()), never as markup.
 */

import { h, icon, replace } from '../dom.js';
import { t } from '../i18n.js';
import { missionLive, STATUSES } from '../live.js';
import { loadMission, missionHeader, missionId } from '../mission-common.js';
import { dayKey, formatDateTime, formatDayShort, formatTime } from '../time.js';
import { avatar, badge, button, iconButton } from '../ui.js';
import { composer, errorText, MAX_TEXT } from '../lobby/controls.js';
import { lobbySide } from '../lobby/side.js';
import { endedCard } from '../webinar/ended.js';
import { viewerZone } from './mission.js';
import { fatalReasonKey } from '../room-page.js';

/** @param {import('../app.js').PageContext} ctx */
export async function render(ctx) {
  const mid = missionId(ctx.params);
  const [view, who] = await Promise.all([loadMission(mid), ctx.me()]);
  const m = view.mission;
  const meId = /** @type {any} */ (who).user.id;
  const meName = /** @type {any} */ (who).user.name;
  const live = missionLive(mid);
  const zone = viewerZone();
  const canModerate = view.permissions.includes('moderate-chat');
  const canAnnounce = view.permissions.includes('announce');

  /** @type {Array<[string, EventListener]>} */
  const subs = [];
  const on = (/** @type {string} */ type, /** @type {(e: any) => void} */ fn) => {
    live.addEventListener(type, fn);
    subs.push([type, fn]);
  };

  /** @param {string} at */
  const timeEl = (at) => {
    const today = dayKey(new Date(), zone) === dayKey(at, zone);
    return h('time', { datetime: at, title: formatDateTime(at, zone), class: 'msg-time' },
      today ? formatTime(at, zone) : `${formatDayShort(at, zone)}, ${formatTime(at, zone)}`);
  };

  // A polite announcer for things that happen out of sight (a direct message while reading the chat).
  const announcer = h('p', { class: 'sr-only', role: 'status', 'aria-live': 'polite', id: 'lobby-announcer' });
  const say = (/** @type {string} */ text) => {
    announcer.textContent = '';
    setTimeout(() => { announcer.textContent = text; }, 50);
  };

  // -- connection state ------------------------------------------------------------------------------------

  const pillText = h('span', { class: 'pill-text' });
  const pill = h('span', { class: 'conn-pill', id: 'conn-pill' }, h('span', { class: 'pill-dot', 'aria-hidden': 'true' }),
    pillText);
  const connWhy = h('span', { class: 'conn-why' });
  const connLive = h('div', { class: 'conn', role: 'status', 'aria-live': 'polite', 'aria-label': t('conn.label') },
    pill, connWhy);
  const reconnectBtn = button(t('conn.reconnect'), { small: true, icon: 'refresh', onclick: () => live.reconnect() });
  const signInLink = h('a', { href: `/signin?next=${encodeURIComponent(location.pathname)}`, class: 'btn btn-secondary btn-small' },
    t('nav.signin'));

  // -- my status -------------------------------------------------------------------------------------------

  const statusSel = h('select', { id: 'my-status', name: 'status', class: 'status-select' },
    STATUSES.map((s) => h('option', { value: s }, t(`status.${s}`))));
  statusSel.value = live.status;
  const statusField = h('div', { class: 'field inline my-status' },
    h('label', { for: 'my-status' }, h('span', { class: `status-dot status-${live.status}`, 'aria-hidden': 'true' }),
      h('span', { class: 'my-status-label' }, t('lobby.myStatus'))),
    statusSel);
  statusSel.addEventListener('change', async () => {
    const dot = /** @type {HTMLElement} */ (statusField.querySelector('.status-dot'));
    dot.className = `status-dot status-${statusSel.value}`;
    try {
      await live.setStatus(statusSel.value);
      say(t('lobby.statusNow', { status: t(`status.${statusSel.value}`) }));
    } catch (err) {
      say(errorText(/** @type {any} */ (err)?.code));
    }
  });

  // -- announcement banner ---------------------------------------------------------------------------------

  const bannerText = h('p', { class: 'announce-text' });
  const bannerMeta = h('p', { class: 'announce-meta' });
  const bannerBody = h('div', { class: 'announce-body', role: 'status', 'aria-live': 'polite' },
    h('h2', { class: 'announce-label' }, t('lobby.announcement')), bannerText, bannerMeta);
  const annStatus = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
  const annInput = h('textarea', { id: 'announce-input', rows: 2, maxlength: MAX_TEXT, name: 'text' });
  const annForm = h('form', { class: 'announce-form', hidden: true, novalidate: true },
    h('div', { class: 'field' }, h('label', { for: 'announce-input' }, t('lobby.newAnnouncement')), annInput,
      h('p', { class: 'hint' }, t('lobby.announceHint'))),
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'btn btn-primary btn-small' }, icon('megaphone'), h('span', null, t('lobby.post'))),
      button(t('common.cancel'), { small: true, variant: 'ghost', onclick: () => closeAnnForm() })));
  const postBtn = canAnnounce ? button(t('lobby.postAnnouncement'), {
    small: true, variant: 'secondary', icon: 'megaphone', attrs: { 'aria-expanded': 'false', 'aria-controls': 'announce-form' },
    onclick: () => {
      annForm.hidden = false;
      postBtn?.setAttribute('aria-expanded', 'true');
      annInput.focus();
    },
  }) : null;
  annForm.id = 'announce-form';
  const closeAnnForm = () => {
    annForm.hidden = true;
    annInput.value = '';
    postBtn?.setAttribute('aria-expanded', 'false');
    postBtn?.focus();
  };
  annForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    const text = annInput.value;
    if (!text.trim()) {
      annStatus.className = 'status error';
      annStatus.textContent = t('err.empty-message');
      annInput.focus();
      return;
    }
    const submit = /** @type {HTMLButtonElement} */ (annForm.querySelector('button[type=submit]'));
    submit.disabled = true;
    annStatus.className = 'status';
    annStatus.textContent = t('lobby.posting');
    try {
      await live.announce(text);
      annStatus.className = 'status ok';
      annStatus.textContent = t('lobby.posted');
      closeAnnForm();
    } catch (err) {
      annStatus.className = 'status error';
      annStatus.textContent = errorText(/** @type {any} */ (err)?.code);
    } finally {
      submit.disabled = false;
    }
  });
  const banner = h('section', { class: 'announce', 'aria-label': t('lobby.announcement') },
    h('div', { class: 'announce-main' },
      h('span', { class: 'announce-icon', 'aria-hidden': 'true' }, icon('megaphone')),
      bannerBody,
      postBtn),
    canAnnounce ? h('div', { class: 'announce-tools' }, annForm, annStatus) : null);
  const drawAnnouncement = () => {
    const a = live.announcement;
    banner.hidden = !a && !canAnnounce;
    banner.classList.toggle('is-empty', !a);
    if (a) {
      bannerText.textContent = a.event.text;
      replace(bannerMeta, a.event.author.name, a.event.author.organisation ? ` · ${a.event.author.organisation}` : '',
        ' · ', timeEl(a.at));
      banner.dataset.seq = String(a.seq);
    } else {
      bannerText.textContent = t('lobby.noAnnouncement');
      replace(bannerMeta);
      delete banner.dataset.seq;
    }
  };

  // -- chat ------------------------------------------------------------------------------------------------

  const chatList = h('ol', { class: 'chat-list', role: 'list', id: 'chat-list' });
  const outList = h('ol', { class: 'chat-list chat-outbox', role: 'list', 'aria-live': 'off' });
  const chatEmpty = h('p', { class: 'chat-empty' });
  const log = h('div', { class: 'chat-log', role: 'log', 'aria-label': t('lobby.chatLog'), tabindex: '0' },
    h('div', { class: 'chat-stack' }, chatEmpty, chatList, outList));
  const newBelow = h('button', { type: 'button', class: 'btn btn-primary btn-small new-below', hidden: true },
    t('lobby.newBelow'));
  const chatProblem = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
  const nearBottom = () => log.scrollHeight - log.scrollTop - log.clientHeight < 80;
  const toBottom = () => {
    log.scrollTop = log.scrollHeight;
    newBelow.hidden = true;
  };
  newBelow.addEventListener('click', () => { toBottom(); log.focus(); });
  log.addEventListener('scroll', () => { if (nearBottom()) newBelow.hidden = true; });

  /** @param {number} seq @param {string} name @param {HTMLElement} slot */
  const removeControls = (seq, name, slot) => {
    const normal = () => replace(slot, iconButton('trash', t('lobby.removeFrom', { name }), () => confirm()));
    const confirm = () => {
      const yes = button(t('lobby.remove'), { small: true, variant: 'danger', onclick: async () => {
        yes.disabled = true;
        try {
          await live.remove(seq);
          // The 'removed' event takes the message away; focus goes back to the chat.
          log.focus();
        } catch (err) {
          yes.disabled = false;
          chatProblem.className = 'status error';
          chatProblem.textContent = errorText(/** @type {any} */ (err)?.code);
        }
      } });
      replace(slot, h('span', { class: 'small' }, t('lobby.reallyRemove')), yes,
        button(t('common.cancel'), { small: true, variant: 'ghost', onclick: () => {
          normal();
          /** @type {HTMLElement} */ (slot.firstChild).focus();
        } }));
      yes.focus();
      slot.scrollIntoView({ block: 'nearest' });
    };
    normal();
  };

  /** @param {any} f */
  const msgItem = (f) => {
    const ev = f.event;
    const mine = ev.author.user_id === meId;
    const isAnn = ev.kind === 'announcement';
    const actions = h('div', { class: 'msg-actions' });
    if (canModerate) removeControls(f.seq, ev.author.name, actions);
    return h('li', { class: ['msg', mine && 'is-mine', isAnn && 'is-announcement'], id: `msg-${f.seq}`,
      dataset: { seq: f.seq, author: ev.author.user_id } },
    avatar(ev.author.name, 'avatar-sm'),
    h('div', { class: 'msg-body' },
      h('p', { class: 'msg-meta' },
        h('span', { class: 'msg-author' }, ev.author.name),
        ev.author.organisation ? h('span', { class: 'msg-org' }, ev.author.organisation) : null,
        mine ? badge(t('lobby.you'), 'you') : null,
        isAnn ? badge(t('lobby.announcement'), 'announce') : null,
        timeEl(f.at)),
      h('p', { class: 'msg-text' }, ev.text)),
    canModerate ? actions : null);
  };

  const drawChatEmpty = () => {
    const none = chatList.childElementCount === 0 && outList.childElementCount === 0;
    chatEmpty.hidden = !none;
    chatEmpty.textContent = live.lobbyReady || live.chat.size ? t('lobby.chatEmpty') : t('common.loading');
  };
  const drawChat = () => {
    log.setAttribute('aria-busy', 'true');
    replace(chatList, [...live.chat.values()].map(msgItem));
    log.removeAttribute('aria-busy');
    if (live.lobbyReady) log.dataset.ready = '1';
    drawChatEmpty();
    toBottom();
  };
  /** @param {any} o */
  const outItem = (o) => h('li', { class: ['msg', 'is-mine', 'is-pending', o.state === 'failed' && 'is-failed'],
    dataset: { local: o.id } },
  avatar(meName, 'avatar-sm'),
  h('div', { class: 'msg-body' },
    h('p', { class: 'msg-meta' },
      h('span', { class: 'msg-author' }, meName),
      badge(t('lobby.you'), 'you'),
      o.state === 'failed'
        ? h('span', { class: 'msg-failed' }, t('lobby.notSent', { why: errorText(o.error) }))
        : h('span', { class: 'msg-sending' }, t('lobby.sending'))),
    h('p', { class: 'msg-text' }, o.text),
    o.state === 'failed' ? h('div', { class: 'msg-retry' },
      button(t('lobby.retry'), { small: true, onclick: () => live.retry(o.id) }),
      button(t('lobby.discard'), { small: true, variant: 'ghost', onclick: () => live.discard(o.id) })) : null));

  const drawOutbox = () => {
    const stick = nearBottom();
    replace(outList, [...live.outbox.values()].filter((o) => o.kind === 'chat').map(outItem));
    drawChatEmpty();
    if (stick) toBottom();
    side.drawThreadOutbox();
  };

  const chatBox = composer({
    id: 'chat-input', label: t('lobby.messageEveryone'), placeholder: t('lobby.placeholder'),
    onSend: (text) => {
      live.send('chat', text);
      toBottom();
    },
  });

  const chatPanel = h('section', { class: 'card chat-panel', 'aria-labelledby': 'chat-h' },
    h('div', { class: 'panel-head' }, h('h2', { id: 'chat-h' }, icon('chat'), t('lobby.chat'))),
    h('div', { class: 'chat-wrap' }, log, newBelow),
    chatProblem,
    chatBox.form);

  const side = lobbySide({ mid, meId, live, timeEl, say });

  // -- wiring ----------------------------------------------------------------------------------------------

  const drawState = () => {
    const s = live.state;
    const fatal = live.conn.fatal;
    pill.dataset.state = s;
    side.el.classList.toggle('is-stale', s !== 'open'); // who is here: as last known
    pillText.textContent = t(`conn.${s}`);
    connWhy.textContent = s === 'closed' && fatal ? t(fatalReasonKey(fatal)) : '';
    reconnectBtn.hidden = s !== 'closed' || fatal?.code === 4401;
    signInLink.hidden = !(s === 'closed' && fatal?.code === 4401);
    chatBox.note.textContent = s === 'open' ? '' : s === 'closed' ? t('lobby.offlineClosed') : t('lobby.offlineQueued');
  };

  on('state', drawState);
  on('chat-reset', drawChat);
  on('chat-add', (e) => {
    const f = e.detail;
    if (document.getElementById(`msg-${f.seq}`)) return;
    const stick = nearBottom() || f.event.author.user_id === meId;
    chatList.append(msgItem(f));
    drawChatEmpty();
    if (stick) toBottom();
    else newBelow.hidden = false;
  });
  on('chat-remove', (e) => {
    const li = document.getElementById(`msg-${e.detail}`);
    if (li?.contains(document.activeElement)) log.focus();
    li?.remove();
    drawChatEmpty();
  });
  on('announcement', drawAnnouncement);
  // Presence can come in waves (everyone reconnecting after a server restart): draw once per frame.
  let presenceFrame = 0;
  on('presence', () => {
    if (presenceFrame) return;
    presenceFrame = requestAnimationFrame(() => {
      presenceFrame = 0;
      side.drawPresence();
    });
  });
  on('outbox', drawOutbox);
  on('dm-reset', () => {
    // Keep an open thread's composer (and what is being typed in it); only its messages change.
    if (side.openWith !== null && side.thread) {
      side.drawThreadHead();
      side.drawThreadList();
    } else {
      side.drawDm();
    }
  });
  on('dm', (e) => {
    const f = e.detail;
    if (f.event.mission_id !== mid) return;
    const other = live.otherOf(f);
    if (side.openWith === other) side.drawThreadList();
    else if (side.openWith === null && !side.dmPanel.hidden) side.drawThreads();
    if (f.event.author.user_id !== meId && (side.openWith !== other || side.dmPanel.hidden)) {
      say(t('lobby.newDmFrom', { name: f.event.author.name }));
    }
  });
  on('problem', (e) => {
    chatProblem.className = 'status error';
    chatProblem.textContent = errorText(e.detail.code);
    setTimeout(() => { if (chatProblem.textContent === errorText(e.detail.code)) chatProblem.textContent = ''; }, 8000);
  });

  // The bar with the connection state stays in view under the site header.
  const header = document.getElementById('header');
  const setHeaderHeight = () => {
    if (header) document.documentElement.style.setProperty('--header-h', `${header.offsetHeight}px`);
  };
  const ro = new ResizeObserver(setHeaderHeight);
  if (header) ro.observe(header);
  document.addEventListener('visibilitychange', side.markReadIfSeen);
  ctx.signal.addEventListener('abort', () => {
    for (const [type, fn] of subs) live.removeEventListener(type, fn);
    ro.disconnect();
    cancelAnimationFrame(presenceFrame);
    document.removeEventListener('visibilitychange', side.markReadIfSeen);
  });

  const node = h('div', { class: 'lobby' },
    missionHeader(view, 'lobby'),
    endedCard(mid, zone),
    banner,
    h('div', { class: 'lobby-bar' },
      h('h1', { tabindex: '-1' }, t('lobby.title')),
      h('div', { class: 'lobby-bar-conn' }, connLive, reconnectBtn, signInLink),
      statusField),
    h('div', { class: 'lobby-layout' }, chatPanel, side.el),
    announcer);

  drawState();
  drawAnnouncement();
  drawChat();
  drawOutbox();
  side.drawPresence();
  const dmParam = Number(ctx.query.get('dm'));
  if (Number.isInteger(dmParam) && dmParam > 0 && dmParam !== meId) {
    side.start(dmParam);
  }
  side.drawDm();
  // After the page is in the document: start at the newest message.
  requestAnimationFrame(() => {
    toBottom();
    if (side.openWith !== null && side.thread) side.thread.input.focus({ preventScroll: false });
  });

  return { title: `${t('lobby.title')} · ${m.title}`, node };
}
