// @ts-check
/**
 * /m/<id>/lobby — the live heart of a mission: the announcement banner, chat with history, who is here now
 * (filterable by side and organisation type), direct messages, and the state of the connection.
 * Everything the server sends is shown as text (textContent via h()), never as markup.
 */

import { get } from '../api.js';
import { h, icon, replace } from '../dom.js';
import { countryName, has, t, tn } from '../i18n.js';
import { missionLive, STATUSES } from '../live.js';
import { loadMission, missionHeader, missionId, unreadBadge } from '../mission-common.js';
import { dayKey, formatDateTime, formatDayShort, formatTime } from '../time.js';
import { avatar, badge, button, iconButton } from '../ui.js';
import { ORG_TYPES } from './directory.js';
import { viewerZone } from './mission.js';

const MAX_TEXT = 2000;

/** A message for an error code from the server (or protocol.js). @param {string} code */
function errorText(code) {
  return has(`err.${code}`) ? t(`err.${code}`) : t('err.unexpected');
}

/**
 * A message box: Enter sends, Shift+Enter makes a new line; it grows with its text up to a few lines.
 * @param {{id: string, label: string, placeholder: string, onSend: (text: string) => void}} o
 */
function composer(o) {
  const hintId = `${o.id}-hint`;
  const input = h('textarea', {
    id: o.id, rows: 1, maxlength: MAX_TEXT, placeholder: o.placeholder, 'aria-describedby': hintId,
    enterkeyhint: 'send', autocomplete: 'off',
  });
  const count = h('span', { class: 'composer-count' });
  const note = h('span', { class: 'composer-note' });
  const send = h('button', { type: 'submit', class: 'btn btn-primary composer-send', title: t('lobby.send') },
    icon('send'), h('span', { class: 'composer-send-label' }, t('lobby.send')));
  const form = h('form', { class: 'composer', novalidate: true },
    h('label', { for: o.id, class: 'sr-only' }, o.label),
    h('div', { class: 'composer-row' }, input, send),
    h('p', { class: 'composer-hint', id: hintId }, note, h('span', { class: 'composer-keys' }, t('lobby.enterHint')),
      count));
  const fit = () => {
    input.style.height = 'auto';
    input.style.height = `${Math.min(input.scrollHeight + 2, 168)}px`;
  };
  const counter = () => {
    const left = MAX_TEXT - input.value.length;
    count.textContent = left <= 200 ? tn('lobby.charsLeft', left) : '';
  };
  input.addEventListener('input', () => { fit(); counter(); });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      form.requestSubmit();
    }
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const text = input.value;
    if (!text.trim()) {
      input.focus();
      return;
    }
    o.onSend(text.slice(0, MAX_TEXT));
    input.value = '';
    fit();
    counter();
    input.focus();
  });
  return { form, input, note };
}

/**
 * Bring a list's children in line with `items`, keeping the element of every unchanged item, so focus (on a
 * "Message" button, say) survives people coming and going. A changed item's new element takes the focus of
 * its old one. Returns false when the focus was inside an element that went away.
 * @template T
 * @param {HTMLElement} list @param {T[]} items @param {(item: T) => string} keyOf
 * @param {(item: T) => string} sigOf what, when it changes, means the element must be drawn again
 * @param {(item: T) => HTMLElement} draw
 */
function reconcile(list, items, keyOf, sigOf, draw) {
  const active = document.activeElement;
  /** @type {Map<string, HTMLElement>} */
  const old = new Map();
  for (const el of /** @type {HTMLElement[]} */ ([...list.children])) {
    if (el.dataset.key) old.set(el.dataset.key, el);
    else el.remove();
  }
  /** @type {HTMLElement|null} */
  let refocus = null;
  const wanted = items.map((item) => {
    const key = keyOf(item);
    const sig = sigOf(item);
    const before = old.get(key);
    old.delete(key);
    if (before && before.dataset.sig === sig) return before;
    const el = draw(item);
    el.dataset.key = key;
    el.dataset.sig = sig;
    if (before && active && before.contains(active)) {
      // The same control in the new element: by its first class (its kind), else the first focusable one.
      const kind = active.classList[0];
      refocus = /** @type {HTMLElement|null} */ ((kind && el.querySelector(`.${CSS.escape(kind)}`))
        || el.querySelector('button, a[href], [tabindex]'));
    }
    before?.remove();
    return el;
  });
  let lost = false;
  for (const el of old.values()) {
    if (active && el.contains(active)) lost = true;
    el.remove();
  }
  wanted.forEach((el, i) => {
    if (list.children[i] !== el) list.insertBefore(el, list.children[i] || null);
  });
  /** @type {HTMLElement|null} */ (refocus)?.focus();
  return !lost;
}

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
    drawThreadOutbox();
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

  // -- here now --------------------------------------------------------------------------------------------

  let sideFilter = '';
  let orgFilter = '';
  /** @type {Map<string, HTMLElement>} */
  const sideCounts = new Map();
  const sideOptions = h('div', { class: 'chip-options' }, ['', 'delegation', 'partner'].map((v) => {
    const input = h('input', { type: 'radio', name: 'here-side', value: v, checked: v === '', class: 'sr-only-input' });
    const count = h('span', { class: 'count' });
    sideCounts.set(v, count);
    input.addEventListener('change', () => {
      if (input.checked) {
        sideFilter = v;
        drawPresence();
      }
    });
    return h('label', { class: 'chip-option' }, input, h('span', null, v ? t(`side.${v}`) : t('directory.allSides')), count);
  }));
  const orgSel = h('select', { id: 'here-org', name: 'org_type' });
  orgSel.addEventListener('change', () => {
    orgFilter = orgSel.value;
    drawPresence();
  });
  const hereCount = h('p', { class: 'here-count', id: 'here-count', role: 'status', 'aria-live': 'polite' });
  const hereList = h('ul', { class: 'here-list', role: 'list', id: 'here-list', 'aria-labelledby': 'tab-here' });

  /** @param {import('../live.js').Member} p */
  const personRow = (p) => {
    const me = p.user_id === meId;
    return h('li', { class: ['here-person', me && 'is-me'], dataset: { userId: p.user_id, side: p.side || '', status: p.status } },
      h('span', { class: 'here-avatar' }, avatar(p.name),
        h('span', { class: `status-dot status-${p.status}`, title: t(`status.${p.status}`), 'aria-hidden': 'true' })),
      h('div', { class: 'here-id' },
        h('p', { class: 'here-name' },
          h('a', { href: `/m/${mid}/people/${p.user_id}` }, p.name),
          me ? h('span', { class: 'muted' }, ` (${t('lobby.you').toLowerCase()})`) : null),
        h('p', { class: 'here-org' }, [p.organisation, t(`org.${p.org_type}`)].filter(Boolean).join(' · ')),
        h('div', { class: 'badges' },
          p.side ? badge(t(`side.${p.side}`), `side-${p.side}`) : null,
          p.country ? h('span', { class: 'here-country', title: countryName(p.country) }, p.country.toUpperCase()) : null,
          h('span', { class: `here-status status-text-${p.status}` }, t(`status.${p.status}`)))),
      me ? null : button(t('lobby.message'), { small: true, icon: 'chat', onclick: () => openThread(p.user_id, true),
        attrs: { 'aria-label': t('lobby.messageTo', { name: p.name }), class: 'btn btn-secondary btn-small here-message' } }));
  };

  const drawPresence = () => {
    const all = [...live.presence.values()];
    for (const [v, el] of sideCounts) {
      el.textContent = v ? String(all.filter((p) => p.side === v).length) : String(all.length);
    }
    /** @type {Map<string, number>} */
    const orgCounts = new Map();
    for (const p of all) orgCounts.set(p.org_type, (orgCounts.get(p.org_type) || 0) + 1);
    const types = ORG_TYPES.filter((x) => orgCounts.has(x) || x === orgFilter);
    const label = (/** @type {string} */ x) => `${t(`org.${x}`)} (${orgCounts.get(x) || 0})`;
    const options = [...orgSel.options].slice(1);
    if (options.length === types.length && options.every((o, i) => o.value === types[i])) {
      // The same choices: only the counts change (an open drop-down stays open).
      options.forEach((o, i) => { o.textContent = label(types[i]); });
    } else {
      replace(orgSel, h('option', { value: '' }, t('lobby.allOrgTypes')), types.map((x) => h('option', { value: x }, label(x))));
      orgSel.value = orgFilter;
    }
    const shown = all
      .filter((p) => (!sideFilter || p.side === sideFilter) && (!orgFilter || p.org_type === orgFilter))
      .sort((a, b) => (a.user_id === meId ? -1 : b.user_id === meId ? 1 : a.name.localeCompare(b.name)));
    hereCount.textContent = !live.lobbyReady && !all.length ? t('common.loading')
      : shown.length === all.length ? tn('lobby.hereCount', all.length)
        : t('lobby.hereFiltered', { n: shown.length, total: all.length });
    hereCount.dataset.shown = String(shown.length);
    hereTabCount.textContent = String(all.length);
    const kept = reconcile(hereList, shown, (p) => String(p.user_id),
      (p) => JSON.stringify([p.name, p.organisation, p.org_type, p.side, p.country, p.status]), personRow);
    if (!kept) hereTab.focus(); // the person whose button had the focus left
    if (!shown.length && live.lobbyReady) hereList.append(h('li', { class: 'here-none' }, t('lobby.nobodyMatches')));
  };

  // -- direct messages -------------------------------------------------------------------------------------

  /** @type {number|null} */
  let openWith = null;
  const dmPanelBody = h('div', { class: 'dm-body' });
  /** @type {{list: HTMLElement, out: HTMLElement, head: HTMLElement, input: HTMLTextAreaElement} | null} */
  let thread = null;

  /** @param {number} other */
  const nameOf = (other) => live.people.get(other)?.name || '';

  /** @param {number} other */
  const learnName = async (other) => {
    if (live.people.get(other)) return;
    try {
      const entry = await get(`/api/missions/${mid}/people/${other}`);
      live.people.set(other, { name: entry.profile.name, organisation: entry.profile.organisation });
      if (openWith === other) drawThreadHead();
      else if (openWith === null) drawDm();
    } catch { /* shown without a name */ }
  };

  const threadList = h('ul', { class: 'thread-list', role: 'list', id: 'thread-list' });
  const noThreads = h('p', { class: 'dm-empty' }, t('lobby.noDms'));
  /** @param {ReturnType<typeof live.threads>[number]} th */
  const threadItem = (th) => {
    const ev = th.last.event;
    const name = nameOf(th.other) || t('lobby.someone');
    return h('li', null, h('button', { type: 'button', class: ['thread-btn', th.unread && 'has-unread'],
      dataset: { userId: th.other }, onclick: () => openThread(th.other, true) },
    avatar(name, 'avatar-sm'),
    h('span', { class: 'thread-text' },
      h('span', { class: 'thread-name' }, name),
      h('span', { class: 'thread-snippet' }, ev.author.user_id === meId ? `${t('lobby.you')}: ${ev.text}` : ev.text)),
    h('span', { class: 'thread-end' }, timeEl(th.last.at),
      th.unread ? h('span', { class: 'unread' }, h('span', { class: 'unread-count', 'aria-hidden': 'true' }, String(th.unread)),
        h('span', { class: 'sr-only' }, ` (${tn('lobby.unread', th.unread)})`)) : null)));
  };
  const drawThreads = () => {
    const threads = live.threads();
    for (const th of threads) if (!nameOf(th.other)) learnName(th.other);
    const body = threads.length ? threadList : noThreads;
    if (dmPanelBody.firstChild !== body || dmPanelBody.childNodes.length !== 1) replace(dmPanelBody, body);
    reconcile(threadList, threads, (th) => String(th.other),
      (th) => JSON.stringify([th.last.seq, th.unread, nameOf(th.other)]), threadItem);
  };

  const drawThreadHead = () => {
    if (!thread || openWith === null) return;
    const person = live.people.get(openWith);
    const name = person?.name || t('lobby.someone');
    replace(thread.head, avatar(name, 'avatar-sm'),
      h('div', { class: 'thread-who' },
        h('h3', { id: 'thread-h' }, h('a', { href: `/m/${mid}/people/${openWith}` }, name)),
        person?.organisation ? h('p', { class: 'muted small' }, person.organisation) : null));
    thread.input.setAttribute('placeholder', t('lobby.dmPlaceholder', { name: name.split(' ')[0] }));
    const label = thread.input.labels?.[0];
    if (label) label.textContent = t('lobby.messageTo', { name });
  };

  /** @param {any} f */
  const dmItem = (f) => {
    const mine = f.event.author.user_id === meId;
    return h('li', { class: ['dm', mine && 'is-mine'], dataset: { seq: f.seq } },
      h('p', { class: 'dm-text' }, f.event.text),
      h('p', { class: 'dm-meta' }, mine ? t('lobby.you') : f.event.author.name, ' · ', timeEl(f.at)));
  };

  const drawThreadList = () => {
    if (!thread || openWith === null) return;
    const messages = live.thread(openWith);
    replace(thread.list, messages.length ? messages.map(dmItem)
      : h('li', { class: 'dm-none' }, t('lobby.dmFirst', { name: nameOf(openWith) || t('lobby.someone') })));
    drawThreadOutbox();
    markReadIfSeen();
  };

  // A thread counts as read only when it is on screen: its tab chosen, and the browser tab in front.
  const markReadIfSeen = () => {
    if (openWith !== null && !dmPanel.hidden && document.visibilityState === 'visible') live.markRead(openWith);
  };

  const drawThreadOutbox = () => {
    if (!thread || openWith === null) return;
    const mine = [...live.outbox.values()].filter((o) => o.kind === 'dm' && o.to === openWith);
    replace(thread.out, mine.map((o) => h('li', { class: ['dm', 'is-mine', 'is-pending', o.state === 'failed' && 'is-failed'] },
      h('p', { class: 'dm-text' }, o.text),
      h('p', { class: 'dm-meta' }, o.state === 'failed'
        ? [t('lobby.notSent', { why: errorText(o.error) }), ' ',
          button(t('lobby.retry'), { small: true, variant: 'ghost', onclick: () => live.retry(o.id) }),
          button(t('lobby.discard'), { small: true, variant: 'ghost', onclick: () => live.discard(o.id) })]
        : t('lobby.sending')))));
    const scroller = thread.list.parentElement;
    if (scroller) scroller.scrollTop = scroller.scrollHeight;
  };

  const drawDm = () => {
    if (openWith === null) {
      thread = null;
      drawThreads();
      return;
    }
    const other = openWith;
    const head = h('div', { class: 'thread-head' });
    const list = h('ol', { class: 'dm-list', role: 'list', id: 'dm-list' });
    const out = h('ol', { class: 'dm-list dm-outbox', role: 'list' });
    const box = composer({
      id: 'dm-input', label: t('lobby.messageTo', { name: nameOf(other) }), placeholder: '',
      onSend: (text) => live.send('dm', text, other),
    });
    thread = { list, out, head, input: box.input };
    const back = h('button', { type: 'button', class: 'btn btn-ghost btn-small thread-back' }, icon('back'),
      h('span', null, t('lobby.allMessages')));
    back.addEventListener('click', () => {
      openThread(null, false);
      /** @type {HTMLElement|null} */ (dmPanelBody.querySelector(`.thread-btn[data-user-id="${other}"]`))?.focus();
    });
    replace(dmPanelBody, h('div', { class: 'thread' }, back, head,
      h('div', { class: 'dm-scroll', tabindex: '0', role: 'log', 'aria-labelledby': 'thread-h' }, list, out),
      box.form));
    drawThreadHead();
    drawThreadList();
    if (!nameOf(other)) learnName(other);
  };

  /** @param {number|null} other @param {boolean} focus */
  const openThread = (other, focus) => {
    openWith = other;
    const q = new URLSearchParams(location.search);
    if (other === null) q.delete('dm');
    else q.set('dm', String(other));
    const qs = q.toString().replace(/=(&|$)/g, '$1');
    history.replaceState(history.state, '', `${location.pathname}${qs ? `?${qs}` : ''}`);
    selectTab(dmTab, false);
    drawDm();
    if (focus && thread) {
      sidePanel.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
      thread.input.focus({ preventScroll: true });
    }
  };

  // -- the side panel: "Here now" and "Messages" as tabs ---------------------------------------------------

  const hereTabCount = h('span', { class: 'tab-count' });
  const hereTab = h('button', { type: 'button', role: 'tab', id: 'tab-here', class: 'seg-tab', 'aria-controls': 'panel-here',
    'aria-selected': 'true' }, icon('users'), h('span', null, t('lobby.hereNow')), hereTabCount);
  const dmTab = h('button', { type: 'button', role: 'tab', id: 'tab-dm', class: 'seg-tab', 'aria-controls': 'panel-dm',
    'aria-selected': 'false', tabindex: '-1' }, icon('mail'), h('span', null, t('lobby.messages')), unreadBadge(mid));
  const herePanel = h('div', { role: 'tabpanel', id: 'panel-here', 'aria-labelledby': 'tab-here', class: 'side-body' },
    h('div', { class: 'here-filters' },
      h('fieldset', null, h('legend', { class: 'sr-only' }, t('directory.side')), sideOptions),
      h('div', { class: 'field' }, h('label', { for: 'here-org', class: 'sr-only' }, t('directory.orgType')), orgSel)),
    hereCount,
    hereList);
  const dmPanel = h('div', { role: 'tabpanel', id: 'panel-dm', 'aria-labelledby': 'tab-dm', class: 'side-body', hidden: true },
    dmPanelBody);
  const tabs = [hereTab, dmTab];
  /** @param {HTMLElement} tab @param {boolean} focus */
  const selectTab = (tab, focus) => {
    for (const x of tabs) {
      const on_ = x === tab;
      x.setAttribute('aria-selected', String(on_));
      x.setAttribute('tabindex', on_ ? '0' : '-1');
    }
    herePanel.hidden = tab !== hereTab;
    dmPanel.hidden = tab !== dmTab;
    if (focus) tab.focus();
    markReadIfSeen();
  };
  hereTab.addEventListener('click', () => selectTab(hereTab, false));
  dmTab.addEventListener('click', () => {
    selectTab(dmTab, false);
    if (openWith === null) drawThreads();
  });
  for (const tab of tabs) {
    tab.addEventListener('keydown', (e) => {
      const i = tabs.indexOf(tab);
      const next = e.key === 'ArrowRight' ? tabs[(i + 1) % tabs.length]
        : e.key === 'ArrowLeft' ? tabs[(i + tabs.length - 1) % tabs.length]
          : e.key === 'Home' ? tabs[0] : e.key === 'End' ? tabs[tabs.length - 1] : null;
      if (!next) return;
      e.preventDefault();
      selectTab(next, true);
      if (next === dmTab && openWith === null) drawThreads();
    });
  }
  const sidePanel = h('aside', { class: 'card side-panel', 'aria-label': t('lobby.sidePanel') },
    h('div', { class: 'seg', role: 'tablist', 'aria-label': t('lobby.sidePanel') }, hereTab, dmTab),
    herePanel, dmPanel);

  // -- wiring ----------------------------------------------------------------------------------------------

  const drawState = () => {
    const s = live.state;
    const fatal = live.conn.fatal;
    pill.dataset.state = s;
    sidePanel.classList.toggle('is-stale', s !== 'open'); // who is here: as last known
    pillText.textContent = t(`conn.${s}`);
    connWhy.textContent = s === 'closed' && fatal ? (fatal.code === 4401 ? t('conn.why4401')
      : fatal.code === 4429 ? t('conn.why4429') : t('conn.whyOther')) : '';
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
      drawPresence();
    });
  });
  on('outbox', drawOutbox);
  on('dm-reset', () => {
    // Keep an open thread's composer (and what is being typed in it); only its messages change.
    if (openWith !== null && thread) {
      drawThreadHead();
      drawThreadList();
    } else {
      drawDm();
    }
  });
  on('dm', (e) => {
    const f = e.detail;
    if (f.event.mission_id !== mid) return;
    const other = live.otherOf(f);
    if (openWith === other) drawThreadList();
    else if (openWith === null && !dmPanel.hidden) drawThreads();
    if (f.event.author.user_id !== meId && (openWith !== other || dmPanel.hidden)) {
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
  document.addEventListener('visibilitychange', markReadIfSeen);
  ctx.signal.addEventListener('abort', () => {
    for (const [type, fn] of subs) live.removeEventListener(type, fn);
    ro.disconnect();
    cancelAnimationFrame(presenceFrame);
    document.removeEventListener('visibilitychange', markReadIfSeen);
  });

  const node = h('div', { class: 'lobby' },
    missionHeader(view, 'lobby'),
    banner,
    h('div', { class: 'lobby-bar' },
      h('h1', { tabindex: '-1' }, t('lobby.title')),
      h('div', { class: 'lobby-bar-conn' }, connLive, reconnectBtn, signInLink),
      statusField),
    h('div', { class: 'lobby-layout' }, chatPanel, sidePanel),
    announcer);

  drawState();
  drawAnnouncement();
  drawChat();
  drawOutbox();
  drawPresence();
  const dmParam = Number(ctx.query.get('dm'));
  if (Number.isInteger(dmParam) && dmParam > 0 && dmParam !== meId) {
    openWith = dmParam;
    selectTab(dmTab, false);
  }
  drawDm();
  // After the page is in the document: start at the newest message.
  requestAnimationFrame(() => {
    toBottom();
    if (openWith !== null && thread) thread.input.focus({ preventScroll: false });
  });

  return { title: `${t('lobby.title')} · ${m.title}`, node };
}
