// @ts-check
/**
 * The lobby's side panel: "Here now" (who is in the lobby, filterable by side and organisation type) and
 * "Messages" (direct message threads), as two tabs. Drawn from MissionLive; pages/lobby.js wires its events.
 */

import { get } from '../api.js';
import { h, icon, replace } from '../dom.js';
import { countryName, t, tn } from '../i18n.js';
import { unreadBadge } from '../mission-common.js';
import { ORG_TYPES } from '../pages/directory.js';
import { avatar, badge, button } from '../ui.js';
import { composer, errorText, reconcile } from './controls.js';

/**
 * @param {{mid: number, meId: number, live: import('../live.js').MissionLive, timeEl: (at: string) => HTMLElement,
 *          say: (text: string) => void}} o
 */
export function lobbySide(o) {
  const { mid, meId, live, timeEl, say } = o;
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

  // A large lobby loads its people a page at a time (the server's counts say how many there are in all).
  const moreButton = button('', { small: true, onclick: () => live.loadMorePresence(),
    attrs: { class: 'btn btn-secondary btn-small here-more', id: 'here-more' } });
  const moreLabel = h('span');
  moreButton.replaceChildren(moreLabel);
  const moreRow = h('p', { class: 'here-more-row' }, moreButton);

  const drawPresence = () => {
    const all = [...live.presence.values()];
    const counts = live.counts;
    // Everyone listed, plus me when I am invisible (shown to myself, counted for nobody).
    const total = Math.max(counts.total, all.length);
    for (const [v, el] of sideCounts) {
      el.textContent = String(v ? counts.sides[v] || 0 : total);
    }
    /** @type {Map<string, number>} */
    const orgCounts = new Map(Object.entries(counts.org_types).filter(([, n]) => n > 0));
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
    // How many match the filters: the room's count for one filter, those loaded that match both (a large room's
    // pages are not filtered by the server).
    const matching = (/** @type {number} */ loaded) => live.presenceNext === null ? loaded
      : sideFilter && !orgFilter ? counts.sides[sideFilter] || 0
        : orgFilter && !sideFilter ? counts.org_types[orgFilter] || 0 : loaded;
    const shown = all
      .filter((p) => (!sideFilter || p.side === sideFilter) && (!orgFilter || p.org_type === orgFilter))
      .sort((a, b) => (a.user_id === meId ? -1 : b.user_id === meId ? 1 : a.name.localeCompare(b.name)));
    hereCount.textContent = !live.lobbyReady && !all.length ? t('common.loading')
      : !sideFilter && !orgFilter ? tn('lobby.hereCount', total)
        : t('lobby.hereFiltered', { n: matching(shown.length), total });
    hereCount.dataset.shown = String(shown.length);
    hereTabCount.textContent = String(total);
    const kept = reconcile(hereList, shown, (p) => String(p.user_id),
      (p) => JSON.stringify([p.name, p.organisation, p.org_type, p.side, p.country, p.status]), personRow);
    if (!kept) hereTab.focus(); // the person whose button had the focus left
    if (!shown.length && live.lobbyReady && live.presenceNext === null) {
      hereList.append(h('li', { class: 'here-none' }, t('lobby.nobodyMatches')));
    }
    moreRow.hidden = live.presenceNext === null;
    moreButton.disabled = live.loadingMore;
    moreLabel.textContent = live.loadingMore ? t('common.loading')
      : tn('lobby.showMorePeople', Math.max(0, total - all.length));
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
    hereList,
    moreRow);
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


  return {
    el: sidePanel, dmTab, dmPanel, drawPresence, drawDm, drawThreads, drawThreadHead, drawThreadList, drawThreadOutbox,
    markReadIfSeen, selectTab,
    get openWith() { return openWith; },
    get thread() { return thread; },
    /** Open a thread at start-up, from the address. @param {number} other */
    start(other) {
      openWith = other;
      selectTab(dmTab, false);
    },
  };
}
