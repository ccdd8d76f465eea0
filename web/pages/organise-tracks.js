// @ts-check
/**
 * /m/<id>/organise/tracks — a mission's tracks (sub-delegations) for organisers: add one, rename it, choose its
 * members from the directory, delete it. A programme item for "a track's members" is seen by that track only
 * (docs/programme.md); a track such an item names cannot be deleted, and the page says which items those are.
 */

import { ApiError, del, get, post, put } from '../api.js';
import { h, icon, replace } from '../dom.js';
import { t, tn } from '../i18n.js';
import { loadMission, missionHeader, missionId } from '../mission-common.js';
import { personPicker } from '../organise/person-picker.js';
import { badge, busy, button, clearErrors, empty, errorMessage, field, showError, showFieldError, status } from '../ui.js';

/** @typedef {{user_id: number, name: string, organisation: string}} Member */
/** @typedef {{id: number, name: string, size: number, mine: boolean, members: Member[]}} Track */

/** By name, as the server lists them. @param {Track[]} list */
const sorted = (list) => [...list].sort((a, b) => a.name.localeCompare(b.name));

/** @param {import('../app.js').PageContext} ctx */
export async function render(ctx) {
  const mid = missionId(ctx.params);
  const view = await loadMission(mid);
  const title = t('aud.tracksTitle');
  if (!view.permissions.includes('manage-programme')) {
    return { title, node: h('div', null, missionHeader(view, 'organise'),
      h('div', { class: 'card notice' }, h('h1', { tabindex: '-1' }, title), h('p', null, t('ctl.notAllowed')))) };
  }
  /** @type {Track[]} */
  let tracks = sorted(await get(`/api/missions/${mid}/tracks`, { signal: ctx.signal }));
  /** The track whose editor is open. @type {number | null} */
  let editing = null;
  const st = status();
  const listEl = h('div', { id: 'tracks-list' });

  /** Focus a control of a track's row once it is drawn. @param {number} id @param {string} selector */
  const focusIn = (id, selector) => {
    /** @type {HTMLElement | null} */ (listEl.querySelector(`#track-${id} ${selector}`))?.focus();
  };

  /** The editor of one track: its name, its members (removed with a button, added with the picker), save. @param {Track} track */
  const editor = (track) => {
    let members = track.members.map((p) => ({ ...p }));
    const est = status();
    const name = field({ label: t('aud.trackName'), name: 'name', required: true, value: track.name, maxlength: 60,
      autocomplete: 'off' });
    const membersEl = h('div', { class: 'track-members' });
    const drawMembers = () => replace(membersEl, members.length
      ? h('ul', { class: 'roles-list member-list', role: 'list' }, members.map((p, i) =>
        h('li', { class: 'member-row', dataset: { userId: p.user_id } },
          h('span', { class: 'member-name' }, p.name,
            p.organisation ? h('span', { class: 'muted small' }, ` · ${p.organisation}`) : null),
          button(t('aud.removePerson', { name: p.name }), { small: true, variant: 'ghost', icon: 'x', onclick: () => {
            members.splice(i, 1);
            drawMembers();
            est.set(t('aud.personRemoved', { name: p.name }));
            picker.input.focus();
          } }))))
      : h('p', { class: 'muted' }, t('aud.noMembers')));
    const picker = personPicker({ mid, label: t('aud.addMember'), exclude: () => members.map((p) => p.user_id),
      onPick: (p) => {
        members.push({ user_id: p.user_id, name: p.name, organisation: p.organisation });
        members.sort((a, b) => a.name.localeCompare(b.name));
        drawMembers();
        est.set(t('aud.personAdded', { name: p.name }));
      } });
    drawMembers();
    const headId = `track-edit-h-${track.id}`;
    const form = h('form', { class: 'stack track-editor', novalidate: true, 'aria-labelledby': headId },
      h('h3', { id: headId, class: 'sr-only' }, t('aud.editHeading', { name: track.name })),
      name.el,
      h('fieldset', { class: 'members-fields' }, h('legend', null, t('aud.membersHeading')), membersEl, picker.el),
      est.el,
      h('div', { class: 'form-actions' },
        button(t('aud.saveTrack'), { type: 'submit', variant: 'primary' }),
        button(t('common.cancel'), { variant: 'ghost', onclick: () => close(track.id) })));
    form.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') close(track.id);
    });
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      clearErrors(form);
      if (!name.input.value.trim()) {
        showFieldError(form, 'name', t('err.required'));
        return;
      }
      busy(form, async () => {
        try {
          /** @type {Track} */
          const saved = await put(`/api/missions/${mid}/tracks/${track.id}`,
            { name: name.input.value.trim(), members: members.map((p) => p.user_id) });
          tracks = sorted(tracks.map((x) => (x.id === saved.id ? saved : x)));
          editing = null;
          draw();
          st.ok(t('aud.trackSaved', { name: saved.name }));
          focusIn(saved.id, '.edit-track');
        } catch (err) {
          showError(form, err, est);
        }
      });
    });
    return form;
  };

  /** @param {number} id */
  const close = (id) => {
    editing = null;
    draw();
    focusIn(id, '.edit-track');
  };

  /** One track: its name and size, Edit and Delete; the editor below when open. @param {Track} track */
  const row = (track) => {
    const open = editing === track.id;
    const note = h('div', { class: 'track-note' });
    const actions = h('div', { class: 'track-actions' });
    const normal = () => replace(actions,
      button(t('aud.editTrack', { name: track.name }), { small: true, icon: 'edit',
        attrs: { class: 'btn btn-secondary btn-small edit-track', 'aria-expanded': String(open),
          'aria-controls': `track-editor-${track.id}` },
        onclick: () => {
          editing = open ? null : track.id;
          draw();
          focusIn(track.id, open ? '.edit-track' : 'input[name=name]');
        } }),
      button(t('aud.deleteTrack', { name: track.name }), { small: true, variant: 'ghost', icon: 'trash',
        attrs: { class: 'btn btn-ghost btn-small delete-track' }, onclick: () => confirmDelete() }));
    const confirmDelete = () => {
      const yes = button(t('aud.confirmDelete'), { small: true, variant: 'danger', onclick: async () => {
        try {
          await del(`/api/missions/${mid}/tracks/${track.id}`);
          tracks = tracks.filter((x) => x.id !== track.id);
          if (editing === track.id) editing = null;
          draw();
          st.ok(t('aud.trackDeleted', { name: track.name }));
          /** @type {HTMLElement | null} */ (document.querySelector('#track-name-new'))?.focus();
        } catch (err) {
          normal();
          await inUse(err);
          /** @type {HTMLElement | null} */ (actions.querySelector('.delete-track'))?.focus();
        }
      } });
      replace(actions, h('span', { class: 'small' }, t('aud.reallyDelete', { name: track.name })), yes,
        button(t('common.cancel'), { small: true, variant: 'ghost', onclick: () => {
          normal();
          /** @type {HTMLElement | null} */ (actions.querySelector('.delete-track'))?.focus();
        } }));
      yes.focus();
    };
    /** Why it could not be deleted, with the items for its members when that is the reason. @param {unknown} err */
    const inUse = async (err) => {
      /** @type {any[]} */
      let items = [];
      if (err instanceof ApiError && err.code === 'track-in-use') {
        const programme = await get(`/api/missions/${mid}/programme`).catch(() => []);
        items = /** @type {any[]} */ (programme).filter((x) => x.audience === 'track'
          && String(x.track).toLocaleLowerCase() === track.name.toLocaleLowerCase());
      }
      replace(note, h('div', { class: 'status error track-error', role: 'alert' },
        h('p', null, errorMessage(err)),
        items.length ? [h('p', null, t('aud.inUse')),
          h('ul', { class: 'in-use' }, items.map((x) => h('li', null, h('a', { href: `/m/${mid}#item-${x.id}` }, x.title))))]
          : null));
    };
    normal();
    return h('li', { class: ['track-row', open && 'is-open'], id: `track-${track.id}`, dataset: { trackId: track.id } },
      h('div', { class: 'track-head' },
        h('div', { class: 'track-id' },
          h('h3', { class: 'track-name' }, icon('users'), h('span', null, track.name)),
          h('p', { class: 'muted small track-size' }, tn('aud.members', track.size),
            track.mine ? [' ', badge(t('aud.mine'), 'role')] : null)),
        actions),
      note,
      open ? h('div', { id: `track-editor-${track.id}` }, editor(track)) : null);
  };

  const draw = () => replace(listEl, tracks.length
    ? h('ul', { class: 'track-list', role: 'list' }, tracks.map(row))
    : empty(t('aud.noTracks'), t('aud.noTracksText')));
  draw();

  // Adding a track opens its editor, so its members are the next thing to choose.
  const newName = field({ id: 'track-name-new', label: t('aud.trackName'), name: 'name', required: true, maxlength: 60,
    hint: t('aud.trackNameHint'), autocomplete: 'off' });
  const nst = status();
  const createForm = h('form', { class: 'track-new', novalidate: true },
    newName.el,
    h('div', { class: 'form-actions' }, button(t('aud.addTrack'), { type: 'submit', variant: 'primary', icon: 'plus' })),
    nst.el);
  createForm.addEventListener('submit', (e) => {
    e.preventDefault();
    clearErrors(createForm);
    const name = newName.input.value.trim();
    if (!name) {
      showFieldError(createForm, 'name', t('err.required'));
      return;
    }
    busy(createForm, async () => {
      try {
        /** @type {Track} */
        const made = await post(`/api/missions/${mid}/tracks`, { name });
        tracks = sorted([...tracks, made]);
        editing = made.id;
        createForm.reset();
        nst.set('');
        draw();
        st.ok(t('aud.trackAdded', { name: made.name }));
        focusIn(made.id, '.picker-input');
      } catch (err) {
        if (err instanceof ApiError && err.code === 'track-exists') showFieldError(createForm, 'name', errorMessage(err));
        else showError(createForm, err, nst);
      }
    });
  });

  const node = h('div', null,
    missionHeader(view, 'organise'),
    h('div', { class: 'section-head' }, h('h1', { tabindex: '-1' }, title),
      h('a', { class: 'btn btn-ghost btn-small', href: `/m/${mid}/organise` }, icon('back'), h('span', null, t('organise.title')))),
    h('p', { class: 'lead tracks-lead' }, t('aud.tracksLead')),
    h('div', { class: 'tracks-layout' },
      h('section', { class: 'card', 'aria-labelledby': 'tracks-new-h' },
        h('h2', { id: 'tracks-new-h' }, t('aud.newTrack')), createForm),
      h('section', { class: 'card', 'aria-labelledby': 'tracks-list-h' },
        h('h2', { id: 'tracks-list-h' }, t('aud.listTitle')), st.el, listEl)));
  return { title: `${title} · ${view.mission.title}`, node };
}
