// @ts-check
/**
 * "Have a word" as the people involved see it: the invitations to me in one dialog, however many arrive (each
 * answered on its own: accepting one closes the rest, a lapsed one disappears from it), the replies to my own
 * invitations said aloud, and the side room opened when one is accepted.
 */

import { h } from '../dom.js';
import { t } from '../i18n.js';

/**
 * @param {import('./session.js').LoungeSession} session
 * @param {{say: (text: string, cls?: string) => void, fail: (err: any) => void, open: (meeting: number) => void}} o
 */
export function wordInvitations(session, o) {
  /** @type {Map<string, {inv: any, from: string}>} invitations to me waiting for my answer, by id */
  const waiting = new Map();
  /** @type {HTMLDialogElement | null} */
  let dialog = null;
  let leaving = false;

  /** @param {string} id @param {boolean} accept */
  const reply = async (id, accept) => {
    const entry = waiting.get(id);
    if (!entry) return;
    waiting.delete(id);
    draw();
    try {
      await session.wordReply(entry.inv.id, accept);
    } catch (err) {
      // Nothing to pick again here: say who is busy, or that the invitation is gone.
      if (/** @type {any} */ (err)?.code === 'they-are-busy') o.say(t('lounge.theyAreBusy', { name: entry.from }), 'is-error');
      else o.fail(err);
    }
  };

  const draw = () => {
    if (!waiting.size) {
      dialog?.close();
      return;
    }
    if (!dialog) {
      const d = h('dialog', { class: 'mm-dialog l-word-dialog', id: 'l-word-dialog', 'aria-labelledby': 'l-word-h' });
      // Escape leaves the invitations unanswered: they lapse after a few minutes.
      d.addEventListener('close', () => {
        waiting.clear();
        d.remove();
        if (dialog === d) dialog = null;
      });
      document.body.append(d);
      dialog = d;
      d.showModal();
    }
    const entries = [...waiting];
    const one = entries.length === 1;
    /** @param {string} cls @param {string} variant @param {string} label @param {string} from @param {() => void} run */
    const act = (cls, variant, label, from, run) => h('button', { type: 'button', class: `btn btn-${variant} ${cls}`,
      onclick: run }, h('span', null, label),
    // With several, the visible word comes first and the name after it: "Accept Mike Alvarez".
    one ? null : h('span', { class: 'sr-only' }, ` ${from}`));
    dialog.replaceChildren(
      h('h2', { id: 'l-word-h' }, one ? t('lounge.wordInvite', { name: entries[0][1].from })
        : t('lounge.wordInvites', { n: entries.length })),
      h('p', { class: 'muted' }, t('lounge.wordInviteText')),
      h('ul', { class: 'l-invites', role: 'list' }, entries.map(([id, { from }]) => h('li', { class: 'l-invite',
        dataset: { invite: id } },
      one ? null : h('p', { class: 'l-invite-from' }, t('lounge.wordInvite', { name: from })),
      h('div', { class: 'form-actions' },
        act('l-word-accept', 'primary', t('lounge.accept'), from, () => reply(id, true)),
        act('l-word-decline', 'secondary', t('lounge.decline'), from, () => reply(id, false)))))));
    /** @type {HTMLElement|null} */ (dialog.querySelector('.l-word-accept'))?.focus();
  };

  session.addEventListener('word', (e) => {
    const inv = /** @type {CustomEvent} */ (e).detail;
    waiting.set(String(inv.id), { inv, from: inv.from?.name || session.card(Number(inv.from)).name });
    draw();
  });

  session.addEventListener('word-reply', (e) => {
    const r = /** @type {CustomEvent} */ (e).detail;
    const id = String(r.invite?.id ?? r.invite);
    const fromMe = Number(r.invite?.from?.user_id ?? r.invite?.from) === session.me;
    const other = session.card(Number(fromMe ? (r.invite?.to?.user_id ?? r.invite?.to) : (r.invite?.from?.user_id ?? r.invite?.from)));
    if (waiting.delete(id)) draw();
    if (r.accept && r.meeting_id && !leaving) {
      leaving = true;
      o.open(r.meeting_id);
    } else if (leaving) {
      // On my way to a side room: the invitations it closed need no words.
    } else if (r.withdrawn) {
      o.say(t('lounge.wordLapsed', { name: other.name }));
    } else if (!r.accept && fromMe) {
      o.say(t('lounge.wordDeclined', { name: other.name }));
    }
  });

  return { close: () => dialog?.close() };
}
